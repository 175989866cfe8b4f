//! Corpus rules beyond the schema, one article at a time: characters,
//! dates, lengths.

use crate::config::Limits;
use crate::diagnostic::{Diagnostic, Rule};
use crate::input::source::Source;
use crate::parse::Parsed;
use crate::record::Article;
use regex::Regex;
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

/// Compiles this module's pattern now (see [`crate::parse::warm_up`]).
pub fn warm_up() {
    LazyLock::force(&MARKUP);
}

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
    for (idx, line) in crate::input::source::lines(&source.text).enumerate() {
        // Printable ASCII can break none of the character rules.
        if printable_ascii(line) {
            continue;
        }
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
    if let Some(language) = &article.language {
        // Tags compare by their primary language subtag: `en-GB` is `en`.
        let primary = |tag: &str| tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        // A value that is no tag (`English`) is the schema's finding.
        let tag_like = {
            let p = language.split('-').next().unwrap_or("");
            (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase())
        };
        if tag_like
            && !limits.languages.is_empty()
            && !limits
                .languages
                .iter()
                .any(|l| primary(l) == primary(language))
        {
            let how = match article.language_source {
                crate::record::LanguageSourceField::FrontMatter => "front matter says",
                _ => "the body reads as",
            };
            out.push(
                Diagnostic::new(
                    path,
                    Rule::LanguageUnexpected,
                    format!(
                        "{how} `{language}`, and the dataset allows {}",
                        limits.languages.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .help("if the article belongs here, add its language to limits.languages in dataset.toml; if detection is wrong, set `language:` in front matter"),
            );
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

/// Whether every byte is printable ASCII or a tab. Tested 64 bytes at a
/// time without stopping early, which the compiler turns into vector code:
/// a byte loop that stops at the first other byte cost a twentieth of all
/// validation time (measured on `synth` text).
fn printable_ascii(line: &str) -> bool {
    line.as_bytes().chunks(64).all(|chunk| {
        chunk.iter().fold(true, |ok, &b| {
            ok & ((b' '..0x7f).contains(&b) | (b == b'\t'))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn printable_is_every_byte_printable(text in "[\\x00-\\x7f\\u{a0}é]{0,200}") {
            let slow = text.bytes().all(|b| (b' '..0x7f).contains(&b) || b == b'\t');
            proptest::prop_assert_eq!(printable_ascii(&text), slow);
        }
    }

    #[test]
    fn one_odd_byte_anywhere_is_enough() {
        let line = "x".repeat(150);
        assert!(printable_ascii(&line) && printable_ascii("") && printable_ascii("a\tb"));
        for at in [0, 63, 64, 149] {
            let mut odd = line.clone().into_bytes();
            odd[at] = 0x7f;
            assert!(!printable_ascii(std::str::from_utf8(&odd).unwrap()), "{at}");
        }
    }
}
