//! Corpus rules beyond the schema: per article (characters, dates, lengths)
//! and across articles (duplicates, id collisions).

use crate::config::Limits;
use crate::diagnostic::{Diagnostic, Rule};
use crate::parse::Parsed;
use crate::record::Article;
use crate::similarity;
use crate::source::Source;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Trojan Source: characters that reorder how text is displayed (rustc's list).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{AD}' | '\u{180E}')
}

/// Control characters other than line feed and tab (a tab is white space
/// that cleaning turns into a space).
fn is_bad_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

static MARKUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{[^{}]*\}\}|\{%[^%]*%\}|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>").unwrap()
});

/// Rules that look at one article.
pub fn article(
    source: &Source,
    parsed: &Parsed,
    article: &Article,
    limits: &Limits,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let path = &source.path;
    if source.had_bom {
        out.push(
            Diagnostic::new(
                path,
                Rule::ByteOrderMark,
                "a UTF-8 byte order mark at the start was dropped",
            )
            .at_line(1)
            .help("nothing to do; editors can be told to save UTF-8 without BOM"),
        );
    }
    for (idx, line) in source.text.split('\n').enumerate() {
        let disk = source.disk_line(idx + 1);
        for rule in CHAR_RULES {
            rule.check(&mut out, path, disk, line);
        }
    }
    for (line_no, paragraph) in &parsed.paragraphs {
        if let Some(m) = MARKUP.find(paragraph) {
            out.push(
                Diagnostic::new(
                    path,
                    Rule::TemplateResidue,
                    format!("page markup `{}` survived cleaning", m.as_str()),
                )
                .at_span(*line_no, paragraph, m.range())
                .help("delete the markup from the article text"),
            );
        }
    }
    let dated_problem = parsed.diagnostics.iter().any(|d| {
        matches!(
            d.rule,
            Rule::DateInvalid | Rule::DateMissing | Rule::DateAmbiguous | Rule::FrontMatterDate
        )
    });
    match &parsed.published {
        None if !dated_problem => out.push(
            Diagnostic::new(path, Rule::DateMissing, "no publication date found; `published` will be null")
                .help("if the article has a date, add it as the first line (e.g. `Posted: 23 Nov 2021 15:27 GMT`) or as `published = YYYY-MM-DD` in front matter"),
        ),
        None => {}
        Some(p) => {
            let before = limits.period_start.filter(|s| p.date < *s);
            let after = limits.period_end.filter(|e| p.date > *e);
            if before.is_some() || after.is_some() {
                let period = format!(
                    "{} to {}",
                    limits.period_start.map_or("any".into(), |d| d.to_string()),
                    limits.period_end.map_or("any".into(), |d| d.to_string())
                );
                let line_text = source.text.split('\n').nth(p.line - 1 - source.line_offset).unwrap_or("");
                out.push(
                    Diagnostic::new(
                        path,
                        Rule::DateOutOfRange,
                        format!("published {} lies outside the dataset's period ({period})", p.date),
                    )
                    .at_span(p.line, line_text, 0..line_text.len())
                    .help("check the date; if it is right, the article belongs to another dataset (or widen limits.period_* in dataset.toml)"),
                );
            }
        }
    }
    if let Some(title) = &article.title {
        let chars = title.chars().count();
        if chars > limits.max_title_chars {
            let d = Diagnostic::new(
                path,
                Rule::TitleTooLong,
                format!("headline has {chars} characters (limit {})", limits.max_title_chars),
            )
            .help("a headline this long is usually a paragraph taken for one; set `title` in front matter");
            out.push(match parsed.title_line {
                Some(l) => d.at_line(l),
                None => d,
            });
        }
    }
    if (article.word_count as usize) < limits.min_words {
        out.push(
            Diagnostic::new(
                path,
                Rule::BodyTooShort,
                format!(
                    "body has {} words (minimum {}); was the article cut off when scraped?",
                    article.word_count, limits.min_words
                ),
            )
            .help("add the full article text, or lower limits.min_words in dataset.toml"),
        );
    }
    out
}

/// A rule about single characters: which ones, what to call them, what to do.
struct CharRule {
    rule: Rule,
    matches: fn(char) -> bool,
    noun: &'static str,
    help: &'static str,
}

const CHAR_RULES: &[CharRule] = &[
    CharRule {
        rule: Rule::BidiControl,
        matches: is_bidi_control,
        noun: "bidirectional control character",
        help: "remove it: it makes text display in another order than it is stored (Trojan Source)",
    },
    CharRule {
        rule: Rule::InvisibleCharacter,
        matches: is_invisible,
        noun: "invisible character",
        help:
            "remove it unless it is meant: it changes the bytes and the ID, not what a reader sees",
    },
    CharRule {
        rule: Rule::ControlCharacter,
        matches: is_bad_control,
        noun: "control character",
        help: "remove it; articles are plain text",
    },
];

impl CharRule {
    /// One finding per line, at the first offending character.
    fn check(&self, out: &mut Vec<Diagnostic>, path: &str, line_no: usize, line: &str) {
        let mut hits = line.char_indices().filter(|(_, c)| (self.matches)(*c));
        let Some((at, c)) = hits.next() else { return };
        let more = hits.count();
        let also = if more > 0 {
            format!(" (and {more} more on this line)")
        } else {
            String::new()
        };
        out.push(
            Diagnostic::new(
                path,
                self.rule,
                format!("{} U+{:04X}{also}", self.noun, c as u32),
            )
            .at_span(line_no, line, at..at + c.len_utf8())
            .help(self.help),
        );
    }
}

/// Rules across articles. `articles` may be in any order; findings are placed
/// on the later file (by path) of each pair and name the earlier one.
pub fn across(articles: &[&Article], limits: &Limits) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut sorted: Vec<&Article> = articles.to_vec();
    sorted.sort_by(|a, b| a.source_file.cmp(&b.source_file));

    let mut by_source: BTreeMap<&str, &Article> = BTreeMap::new();
    let mut by_id: BTreeMap<&str, &Article> = BTreeMap::new();
    let mut by_text: BTreeMap<&str, &Article> = BTreeMap::new();
    // One representative per distinct body for the near-duplicate pass:
    // exact copies are reported above and are not also "near".
    let mut distinct: Vec<&Article> = Vec::new();
    for a in sorted {
        if let Some(first) = by_source.get(a.source_sha256.as_str()) {
            out.push(
                Diagnostic::new(
                    &a.source_file,
                    Rule::DuplicateSource,
                    format!(
                        "same text as `{}` (source_sha256 {})",
                        first.source_file,
                        &a.source_sha256[..16]
                    ),
                )
                .help(format!(
                    "delete one of `{}` and `{}`",
                    first.source_file, a.source_file
                )),
            );
            continue;
        }
        by_source.insert(&a.source_sha256, a);
        if let Some(first) = by_id.get(a.id.as_str()) {
            out.push(
                Diagnostic::new(
                    &a.source_file,
                    Rule::IdCollision,
                    format!(
                        "id {} is also the id of `{}`, whose text differs (the first 16 hex digits of two SHA-256 digests agree)",
                        a.id, first.source_file
                    ),
                )
                .help("report this: it is a 1 in 2^64 event per pair and needs a new id_rule"),
            );
        } else {
            by_id.insert(&a.id, a);
        }
        if let Some(first) = by_text.get(a.text_sha256.as_str()) {
            out.push(
                Diagnostic::new(
                    &a.source_file,
                    Rule::DuplicateText,
                    format!(
                        "the cleaned body is identical to that of `{}` (the same story saved with other page chrome)",
                        first.source_file
                    ),
                )
                .help(format!("keep one of `{}` and `{}`", first.source_file, a.source_file)),
            );
        } else {
            by_text.insert(&a.text_sha256, a);
            distinct.push(a);
        }
    }
    let bodies: Vec<&str> = distinct.iter().map(|a| a.body.as_str()).collect();
    for (i, j, score) in similarity::near_pairs(&bodies, limits.near_duplicate_threshold) {
        let (first, later) = (distinct[i], distinct[j]);
        out.push(
            Diagnostic::new(
                &later.source_file,
                Rule::NearDuplicate,
                format!(
                    "the body is {:.0}% the same as that of `{}` (Jaccard similarity {score:.3} of word 5-shingles)",
                    score * 100.0,
                    first.source_file
                ),
            )
            .help(format!(
                "if both are the same story, keep one of `{}` and `{}`; if they are different articles, ignore this warning",
                first.source_file, later.source_file
            )),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::DateSourceField;

    fn article(file: &str, source_sha256: &str, body: &str) -> Article {
        Article {
            id: crate::source::id_from_sha256(source_sha256),
            published: None,
            published_time: None,
            timezone: None,
            date_source: DateSourceField::None,
            title: None,
            url: None,
            outlet: None,
            language: None,
            body: body.into(),
            word_count: 1,
            source_file: file.into(),
            source_sha256: source_sha256.into(),
            text_sha256: crate::source::sha256_hex(body.as_bytes()),
            removed_lines: 0,
        }
    }

    #[test]
    fn check_across_reports_id_collisions() {
        // Two different sources whose digests share the first 64 bits: cannot
        // be planted with real files, so the digests are made up.
        let a = article(
            "b.txt",
            &format!("{}{}", "ab".repeat(8), "0".repeat(48)),
            "one text",
        );
        let b = article(
            "a.txt",
            &format!("{}{}", "ab".repeat(8), "1".repeat(48)),
            "another text",
        );
        let out = across(&[&a, &b], &Limits::default());
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].rule, Rule::IdCollision);
        assert_eq!(out[0].file, "b.txt", "reported on the later file");
        assert!(out[0].message.contains("a.txt"));
    }
}
