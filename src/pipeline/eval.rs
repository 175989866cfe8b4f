//! Extraction quality against an annotated sample: for each file a TSV
//! names, what the parser found (date, headline, the start of the body)
//! against what a person or another tool says is there. A maintainer keeps
//! such a sample of their own sources; `newscorpus eval` in CI says when a
//! parser change makes things worse.

use super::corpus::{self, Processed};
use crate::config::Limits;
use crate::error::{Error, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// The value that means "the page has none".
const NONE: &str = "NONE";

/// One annotated file.
#[derive(Debug, Clone)]
pub struct Expected {
    pub file: String,
    /// `YYYY-MM-DD`, or `None` when the page shows no date.
    pub date: Option<String>,
    /// `None` when the page has no headline.
    pub title: Option<String>,
    /// The text the body must start with; `None` when not annotated.
    pub lead: Option<String>,
    /// The line the date is written on, when the sample says (a hint for
    /// explaining a miss).
    pub date_line: Option<String>,
    /// The value of the `--by` column, if any.
    pub group: Option<String>,
}

/// Reads the annotation TSV: a header row naming at least `file`,
/// `expected_date` and `expected_title`; `expected_lead`, `date_line` and the
/// `by` column are optional; other columns are ignored.
pub fn read_expected(path: &Path, by: Option<&str>) -> Result<Vec<Expected>> {
    let bad = |message: String| Error::Config {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| bad("empty file: expected a header row".into()))?
        .split('\t')
        .collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let need = |name: &str| {
        col(name).ok_or_else(|| {
            bad(format!(
                "no `{name}` column (the header names: {})",
                header.join(", ")
            ))
        })
    };
    let (file, date, title) = (
        need("file")?,
        need("expected_date")?,
        need("expected_title")?,
    );
    let (lead, date_line) = (col("expected_lead"), col("date_line"));
    let group = match by {
        Some(name) => Some(need(name)?),
        None => None,
    };
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| cells.get(i).map(|c| c.trim()).unwrap_or("");
        let opt = |i: Option<usize>| {
            i.map(get)
                .filter(|v| !v.is_empty() && *v != NONE)
                .map(String::from)
        };
        if get(file).is_empty() {
            return Err(bad(format!("line {}: no file named", n + 2)));
        }
        let value = |i: usize| -> Result<Option<String>> {
            match get(i) {
                "" => Err(bad(format!(
                    "line {}: `{}` is empty (write NONE when the page has none)",
                    n + 2,
                    header[i]
                ))),
                NONE => Ok(None),
                v => Ok(Some(v.to_string())),
            }
        };
        out.push(Expected {
            file: get(file).to_string(),
            date: value(date)?,
            title: value(title)?,
            lead: opt(lead),
            date_line: opt(date_line),
            group: group.map(|g| get(g).to_string()),
        });
    }
    Ok(out)
}

/// Text as compared: NFKC, curly quotes straight, runs of white space one
/// space, ends trimmed.
pub fn normalise(s: &str) -> String {
    let mapped: String = s
        .nfkc()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            c => c,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Correct out of total for one field, and values given where the sample
/// says there are none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    pub correct: usize,
    pub total: usize,
    /// A value where the sample says there is none (an invented date).
    pub invented: usize,
}

impl Score {
    pub fn rate(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.correct as f64 / self.total as f64
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scores {
    pub date: Score,
    pub title: Score,
    pub lead: Score,
}

/// A field the parser got wrong, with what happened to the line that
/// should have been used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Miss {
    pub file: String,
    pub field: &'static str,
    pub expected: Option<String>,
    pub got: Option<String>,
    /// What `--explain` says of the line holding the expected value.
    pub explain: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub files: usize,
    pub all: Scores,
    /// By the value of the `--by` column, when one was named.
    pub groups: BTreeMap<String, Scores>,
    pub misses: Vec<Miss>,
}

/// Parses every annotated file under `dir` and scores it.
pub fn evaluate(dir: &Path, expected: &[Expected], limits: &Limits) -> Result<Report> {
    let mut report = Report {
        files: expected.len(),
        ..Report::default()
    };
    for e in expected {
        let path = dir.join(&e.file);
        let bytes = std::fs::read(&path).map_err(|err| Error::io(&path, err))?;
        let p = corpus::process_bytes(&e.file, &bytes, limits);
        let raw = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = raw.trim_start_matches('\u{FEFF}').split('\n').collect();
        let article = p.article.as_ref();
        let mut scores = Scores::default();

        let got_date = article.and_then(|a| a.published.clone());
        score_value(
            &mut scores.date,
            &mut report.misses,
            e,
            "date",
            e.date.as_deref(),
            got_date.as_deref(),
            |a, b| a == b,
            || {
                e.date_line
                    .as_deref()
                    .map(|l| fate(&p, &lines, |x| normalise(x) == normalise(l)))
                    .unwrap_or_default()
            },
        );
        let got_title = article.and_then(|a| a.title.clone());
        score_value(
            &mut scores.title,
            &mut report.misses,
            e,
            "title",
            e.title.as_deref(),
            got_title.as_deref(),
            |a, b| normalise(a) == normalise(b),
            || {
                let want = normalise(e.title.as_deref().unwrap_or(""));
                fate(&p, &lines, |x| normalise(x) == want)
            },
        );
        if let Some(lead) = &e.lead {
            let want = normalise(lead);
            let body = article.map(|a| normalise(&a.body)).unwrap_or_default();
            scores.lead.total += 1;
            if body.starts_with(&want) {
                scores.lead.correct += 1;
            } else {
                let head: String = want.chars().take(40).collect();
                report.misses.push(Miss {
                    file: e.file.clone(),
                    field: "lead",
                    expected: Some(lead.clone()),
                    got: Some(body.chars().take(120).collect()),
                    explain: fate(&p, &lines, |x| normalise(x).starts_with(&head)),
                });
            }
        }
        add(&mut report.all, &scores);
        if let Some(g) = &e.group {
            add(report.groups.entry(g.clone()).or_default(), &scores);
        }
    }
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn score_value(
    score: &mut Score,
    misses: &mut Vec<Miss>,
    e: &Expected,
    field: &'static str,
    want: Option<&str>,
    got: Option<&str>,
    same: impl Fn(&str, &str) -> bool,
    explain: impl Fn() -> String,
) {
    score.total += 1;
    let right = match (want, got) {
        (None, None) => true,
        (Some(w), Some(g)) => same(w, g),
        (None, Some(_)) => {
            score.invented += 1;
            false
        }
        (Some(_), None) => false,
    };
    if right {
        score.correct += 1;
    } else {
        misses.push(Miss {
            file: e.file.clone(),
            field,
            expected: want.map(String::from),
            got: got.map(String::from),
            explain: if want.is_some() {
                explain()
            } else {
                "the page has none".into()
            },
        });
    }
}

fn add(to: &mut Scores, s: &Scores) {
    for (a, b) in [
        (&mut to.date, &s.date),
        (&mut to.title, &s.title),
        (&mut to.lead, &s.lead),
    ] {
        a.correct += b.correct;
        a.total += b.total;
        a.invented += b.invented;
    }
}

/// What the parser did with the first line of the file that `is_it`
/// matches, as `--explain` would say it.
fn fate(p: &Processed, lines: &[&str], is_it: impl Fn(&str) -> bool) -> String {
    let Some(n) = lines.iter().position(|l| is_it(l)).map(|i| i + 1) else {
        return "no line of the file holds it".into();
    };
    let Some(parsed) = &p.parsed else {
        return format!("line {n}: the file was not parsed");
    };
    if let Some(d) = parsed.dropped.iter().find(|d| d.line == n) {
        return format!("line {n}: dropped ({})", d.reason);
    }
    if parsed.title_line == Some(n) {
        return format!("line {n}: taken as the headline");
    }
    if parsed.published.as_ref().is_some_and(|d| d.line == n) {
        return format!("line {n}: read as the date line");
    }
    match parsed.paragraphs.iter().position(|(l, _)| *l >= n) {
        Some(0) if parsed.paragraphs[0].0 == n => format!("line {n}: starts the body"),
        _ => format!("line {n}: kept in the body, not where the field was taken from"),
    }
}
