//! Canonical source -> what the article says: front matter, date, headline,
//! body paragraphs, and the lines dropped on the way (with the reason).
//!
//! The top of a file is a *header zone* (date lines, headline, chrome) that
//! ends at the first line of article text; a date or headline is only taken
//! from the header zone, never from the body.

pub mod chrome;
pub mod dateline;
pub mod frontmatter;
pub mod text;

use crate::diagnostic::{Diagnostic, Rule};
use crate::source::Source;
use chrono::{NaiveDate, NaiveTime};
use dateline::{DateLine, Label};
pub use frontmatter::FrontMatter;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    Dateline,
    FrontMatter,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub timezone: Option<String>,
    pub source: DateSource,
    /// Line on disk the date came from.
    pub line: usize,
}

/// A line the parser did not put in the body, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// Line on disk.
    pub line: usize,
    /// The chrome rule name, or `front-matter`, `dateline`, `headline`, `repeated-headline`.
    pub reason: &'static str,
    pub text: String,
    /// True when the line counts towards `removed_lines` (page chrome).
    #[serde(skip)]
    pub chrome: bool,
}

#[derive(Debug, Clone)]
pub struct Parsed {
    pub front_matter: FrontMatter,
    pub published: Option<Published>,
    pub title: Option<String>,
    /// Line on disk of the headline.
    pub title_line: Option<usize>,
    /// (line on disk, cleaned text), one entry per paragraph.
    pub paragraphs: Vec<(usize, String)>,
    pub dropped: Vec<Dropped>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn body(&self) -> String {
        let mut body = String::new();
        for (i, (_, p)) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                body.push_str("\n\n");
            }
            body.push_str(p);
        }
        body
    }

    pub fn removed_lines(&self) -> usize {
        self.dropped.iter().filter(|d| d.chrome).count()
    }
}

/// A date line found in the header zone, ranked for choosing.
struct Candidate {
    date: DateLine,
    line: usize,
}

pub fn parse(source: &Source) -> Parsed {
    let lines: Vec<&str> = source.text.split('\n').collect();
    let (front_matter, body_start, mut diagnostics) = frontmatter::extract(source, &lines);
    let mut dropped: Vec<Dropped> = (0..body_start)
        .map(|i| Dropped {
            line: source.disk_line(i + 1),
            reason: "front-matter",
            text: lines[i].to_string(),
            chrome: false,
        })
        .collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut title: Option<(usize, String)> = None;
    let mut repeat_dropped = false;
    let mut in_header = true;
    let mut paragraphs = Vec::new();
    let last_content = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .unwrap_or(0);

    for (idx, raw) in lines.iter().enumerate().skip(body_start) {
        let disk = source.disk_line(idx + 1);
        let cleaned = text::clean_line(raw);
        let mut line: &str = &cleaned;
        if line.is_empty() {
            continue;
        }
        if in_header {
            if idx == body_start {
                if let Some((date, rest)) = dateline::split_prefix(line) {
                    match date {
                        Ok(date) => candidates.push(Candidate {
                            date: DateLine {
                                label: Label::Plain,
                                date,
                                time: None,
                                timezone: None,
                                weekday: None,
                            },
                            line: disk,
                        }),
                        Err(msg) => diagnostics.push(date_invalid(source, disk, raw, &msg)),
                    }
                    if rest.is_empty() {
                        dropped.push(drop(disk, "dateline", raw, false));
                        continue;
                    }
                    line = rest;
                }
            }
            if let Some(found) = dateline::match_line(line) {
                match found {
                    Ok(date) => {
                        if let Some(wd) = date.weekday_mismatch() {
                            diagnostics.push(
                                Diagnostic::new(
                                    &source.path,
                                    Rule::WeekdayMismatch,
                                    format!(
                                        "the date line says {} but {} was a {}",
                                        weekday_name(wd),
                                        date.date,
                                        weekday_name(chrono::Datelike::weekday(&date.date))
                                    ),
                                )
                                .at_span(disk, raw, 0..raw.len())
                                .help("correct the weekday or the date, or state `published` in front matter"),
                            );
                        }
                        candidates.push(Candidate { date, line: disk });
                    }
                    Err(msg) => diagnostics.push(date_invalid(source, disk, raw, &msg)),
                }
                dropped.push(drop(disk, "dateline", raw, false));
                continue;
            }
        }
        if let Some(rule) = chrome::match_line(line) {
            dropped.push(drop(disk, rule.name, raw, true));
            continue;
        }
        if let Some((_, t)) = &title {
            if !repeat_dropped && t == line {
                repeat_dropped = true;
                dropped.push(drop(disk, "repeated-headline", raw, true));
                continue;
            }
        }
        if in_header && title.is_none() && idx < last_content && looks_like_headline(line) {
            title = Some((disk, line.to_string()));
            dropped.push(drop(disk, "headline", raw, false));
            continue;
        }
        in_header = false;
        paragraphs.push((disk, line.to_string()));
    }

    let published = if let Some(date) = front_matter.published {
        Some(Published {
            date,
            time: None,
            timezone: None,
            source: DateSource::FrontMatter,
            line: dropped
                .iter()
                .find(|d| {
                    d.reason == "front-matter" && d.text.trim_start().starts_with("published")
                })
                .map_or(source.disk_line(1), |d| d.line),
        })
    } else {
        choose_date(source, &lines, &candidates, &mut diagnostics)
    };
    let (title_line, title) = match (&front_matter.title, title) {
        (Some(t), _) => (None, Some(t.clone())),
        (None, Some((line, t))) => (Some(line), Some(t)),
        (None, None) => (None, None),
    };
    Parsed {
        front_matter,
        published,
        title,
        title_line,
        paragraphs,
        dropped,
        diagnostics,
    }
}

fn weekday_name(w: chrono::Weekday) -> &'static str {
    use chrono::Weekday::*;
    match w {
        Mon => "Monday",
        Tue => "Tuesday",
        Wed => "Wednesday",
        Thu => "Thursday",
        Fri => "Friday",
        Sat => "Saturday",
        Sun => "Sunday",
    }
}

fn drop(line: usize, reason: &'static str, text: &str, chrome: bool) -> Dropped {
    Dropped {
        line,
        reason,
        text: text.to_string(),
        chrome,
    }
}

fn date_invalid(source: &Source, line: usize, text: &str, msg: &str) -> Diagnostic {
    Diagnostic::new(
        &source.path,
        Rule::DateInvalid,
        format!("date line names an impossible date: {msg}"),
    )
    .at_span(line, text, 0..text.len())
    .help("correct the date, or state `published = YYYY-MM-DD` in front matter")
}

/// Picks the publication date among the header's date lines: a labelled
/// publication date over a plain one over an update date; the first of equal
/// rank. Lines that agree on the day lend each other a time and zone (the
/// seeds' ` date 2021-11-23 Posted: 23 Nov 2021 15:27 GMT`).
fn choose_date(
    source: &Source,
    lines: &[&str],
    candidates: &[Candidate],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Published> {
    let best = candidates.iter().min_by_key(|c| c.date.label)?;
    if best.date.label == Label::Update {
        let line_text = lines[best.line - 1 - source.line_offset];
        diagnostics.push(
            Diagnostic::new(
                &source.path,
                Rule::DateMissing,
                format!(
                    "only an update date ({}) was found; it is not taken as the publication date",
                    best.date.date
                ),
            )
            .at_span(best.line, line_text, 0..line_text.len())
            .help("state `published = YYYY-MM-DD` in front matter"),
        );
        return None;
    }
    let mut time = best.date.time;
    let mut timezone = best.date.timezone.clone();
    for other in candidates.iter().filter(|c| c.date.label != Label::Update) {
        if other.date.date != best.date.date {
            let line_text = lines[other.line - 1 - source.line_offset];
            diagnostics.push(
                Diagnostic::new(
                    &source.path,
                    Rule::DateConflict,
                    format!(
                        "this date line says {} but line {} says {}, which was taken",
                        other.date.date, best.line, best.date.date
                    ),
                )
                .at_span(other.line, line_text, 0..line_text.len())
                .help("remove the wrong date line, or state `published` in front matter"),
            );
        } else if time.is_none() && other.date.time.is_some() {
            time = other.date.time;
            timezone = other.date.timezone.clone();
        }
    }
    Some(Published {
        date: best.date.date,
        time,
        timezone,
        source: DateSource::Dateline,
        line: best.line,
    })
}

/// A headline is a short line with no sentence-ending punctuation, standing
/// before the first line of article text. Sentences, not headlines, end in
/// `.`, `,`, `;` or `:`; a question or exclamation may be either, so it is
/// allowed.
fn looks_like_headline(line: &str) -> bool {
    let words = text::word_count(line);
    let trimmed = line.trim_end_matches(['"', '\'', '”', '’', ')']);
    (2..=30).contains(&words)
        && line.chars().count() <= 250
        && !trimmed.ends_with(['.', ',', ';', ':', '…'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source;

    fn parse_str(text: &str) -> Parsed {
        parse(&source::read("t.txt", text.as_bytes()).unwrap())
    }

    #[test]
    fn headline_then_body() {
        let p =
            parse_str("Kremlin Denies Plan\n\nThe Kremlin denied it on Friday.\n\nMore text here.");
        assert_eq!(p.title.as_deref(), Some("Kremlin Denies Plan"));
        assert_eq!(
            p.body(),
            "The Kremlin denied it on Friday.\n\nMore text here."
        );
        assert_eq!(p.paragraphs[0].0, 3);
    }

    #[test]
    fn a_lone_short_line_is_body_not_headline() {
        let p = parse_str("Kremlin Denies Plan");
        assert_eq!(p.title, None);
        assert_eq!(p.body(), "Kremlin Denies Plan");
    }

    #[test]
    fn dates_in_the_body_are_never_taken() {
        let p = parse_str("The Kremlin denied it on Friday.\n\n23 Nov 2021 15:27 GMT");
        assert!(p.published.is_none());
        assert_eq!(p.paragraphs.len(), 2);
    }

    #[test]
    fn front_matter_overrides_guesses() {
        let p = parse_str(
            "+++\ntitle = \"Given Title\"\npublished = 2021-12-01\noutlet = \"Example\"\n+++\n\
             Posted: 23 Nov 2021 15:27 GMT\nGuessed Headline Here\nBody text starts here.",
        );
        assert_eq!(p.title.as_deref(), Some("Given Title"));
        let published = p.published.unwrap();
        assert_eq!(published.date.to_string(), "2021-12-01");
        assert_eq!(published.source, DateSource::FrontMatter);
        assert_eq!(published.line, 3);
        assert_eq!(p.front_matter.outlet.as_deref(), Some("Example"));
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn front_matter_problems_name_their_line() {
        let p =
            parse_str("+++\ntitle = \"T\"\nauthor = \"X\"\npublished = \"11/12/2021\"\n+++\nBody.");
        let rules: Vec<(Rule, Option<usize>)> =
            p.diagnostics.iter().map(|d| (d.rule, d.line)).collect();
        assert_eq!(
            rules,
            vec![
                (Rule::FrontMatterUnknownKey, Some(3)),
                (Rule::FrontMatterDate, Some(4))
            ]
        );
        let p = parse_str("+++\ntitle = \"unterminated\n+++\nBody.");
        assert_eq!(p.diagnostics[0].rule, Rule::FrontMatterInvalid);
        assert_eq!(p.diagnostics[0].line, Some(2));
    }

    #[test]
    fn update_dates_are_not_publication_dates() {
        let p = parse_str("Last updated: 3 Dec 2021\n\nThe Kremlin denied it on Friday.");
        assert!(p.published.is_none());
        assert_eq!(p.diagnostics[0].rule, Rule::DateMissing);
    }

    #[test]
    fn conflicting_date_lines_are_reported() {
        let p = parse_str(
            "date 2021-11-23 Posted: 24 Nov 2021 15:27 GMT\n\nThe Kremlin denied it on Friday.",
        );
        assert_eq!(p.published.unwrap().date.to_string(), "2021-11-24");
        assert_eq!(p.diagnostics[0].rule, Rule::DateConflict);
    }
}
