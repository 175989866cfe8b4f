//! Optional TOML front matter between `+++` lines at the top of a file. What
//! it states overrides what the parser guesses.

use crate::diagnostic::{Diagnostic, Rule};
use crate::input::source::Source;
use chrono::NaiveDate;

pub const DELIMITER: &str = "+++";
pub const KEYS: &[&str] = &[
    "title",
    "published",
    "url",
    "outlet",
    "language",
    "date_order",
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub published: Option<NaiveDate>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub language: Option<String>,
    /// How this file writes numeric dates (`dmy` or `mdy`).
    pub date_order: Option<super::dateline::DateOrder>,
}

/// Splits front matter off `lines`. Returns the front matter, the number of
/// lines it took (0 when there is none) and any findings.
pub fn extract(source: &Source, lines: &[&str]) -> (FrontMatter, usize, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if lines.first() != Some(&DELIMITER) {
        return (FrontMatter::default(), 0, diags);
    }
    let Some(close) = lines
        .iter()
        .skip(1)
        .position(|l| *l == DELIMITER)
        .map(|p| p + 1)
    else {
        diags.push(
            Diagnostic::new(
                &source.path,
                Rule::FrontMatterInvalid,
                "front matter opened by `+++` is never closed",
            )
            .at_span(source.disk_line(1), lines[0], 0..3)
            .help("end the front matter with a line holding only `+++`"),
        );
        return (FrontMatter::default(), 0, diags);
    };
    let body = &lines[1..close];
    let toml_text = body.join("\n");
    // Line n of `toml_text` is canonical line n + 1.
    let disk = |n: usize| source.disk_line(n + 1);
    let table: toml::Table = match toml::from_str(&toml_text) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = e
                .span()
                .map(|s| line_col(&toml_text, s.start))
                .unwrap_or((1, 0));
            let text = body.get(line - 1).copied().unwrap_or("");
            let mut col = col.min(text.len());
            while !text.is_char_boundary(col) {
                col -= 1;
            }
            let end = text[col..]
                .chars()
                .next()
                .map_or(col, |c| col + c.len_utf8());
            diags.push(
                Diagnostic::new(
                    &source.path,
                    Rule::FrontMatterInvalid,
                    format!("front matter is not valid TOML: {}", e.message()),
                )
                .at_span(disk(line), text, col..end)
                .help("write `key = \"value\"` lines, e.g. `title = \"Kremlin denies plan\"`"),
            );
            return (FrontMatter::default(), close + 1, diags);
        }
    };
    // The line of each `key = ...`, found once: a lookup per key (a front
    // matter of 100,000 keys made a scan per key take half a minute). A key
    // written otherwise (quoted, dotted) falls back to the first line that
    // starts with it.
    let mut lines_of: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, l) in body.iter().enumerate() {
        if let Some((k, _)) = l.split_once('=') {
            lines_of.entry(k.trim()).or_insert(i);
        }
    }
    let key_line = |key: &str| -> (usize, &str) {
        lines_of
            .get(key)
            .copied()
            .or_else(|| body.iter().position(|l| l.trim_start().starts_with(key)))
            .map_or((1, ""), |i| (i + 1, body[i]))
    };
    let mut unknown = 0usize;
    let mut fm = FrontMatter::default();
    // toml::Table is a BTreeMap by default, so keys come out sorted.
    for (key, value) in &table {
        let (line, text) = key_line(key);
        let span = text.find(key.as_str()).map_or(0..0, |s| s..s + key.len());
        let string = || {
            value
                .as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        match key.as_str() {
            "published" => {
                let date = match value {
                    toml::Value::Datetime(dt) => {
                        dt.date.filter(|_| dt.time.is_none()).and_then(|d| {
                            NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                        })
                    }
                    toml::Value::String(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
                    _ => None,
                };
                match date {
                    Some(d) => fm.published = Some(d),
                    None => diags.push(
                        Diagnostic::new(
                            &source.path,
                            Rule::FrontMatterDate,
                            format!("`published = {value}` is not a YYYY-MM-DD date"),
                        )
                        .at_span(disk(line), text, 0..text.len())
                        .help("write the date as `published = 2021-12-11`"),
                    ),
                }
            }
            "date_order" => match string().map(|s| s.parse()) {
                Some(Ok(order)) => fm.date_order = Some(order),
                _ => diags.push(
                    Diagnostic::new(
                        &source.path,
                        Rule::FrontMatterInvalid,
                        format!("`date_order = {value}` must be \"dmy\" or \"mdy\""),
                    )
                    .at_span(disk(line), text, span)
                    .help("write `date_order = \"dmy\"` (day/month/year) or `\"mdy\"`"),
                ),
            },
            "title" | "url" | "outlet" | "language" => match string() {
                Some(s) => match key.as_str() {
                    "title" => fm.title = Some(s),
                    "url" => fm.url = Some(s),
                    "outlet" => fm.outlet = Some(s),
                    _ => fm.language = Some(s),
                },
                None => diags.push(
                    Diagnostic::new(
                        &source.path,
                        Rule::FrontMatterInvalid,
                        format!("`{key}` must be a non-empty string"),
                    )
                    .at_span(disk(line), text, span)
                    .help(format!("write `{key} = \"...\"` or remove the line")),
                ),
            },
            _ => {
                unknown += 1;
                if unknown <= MAX_UNKNOWN_REPORTED {
                    diags.push(
                        Diagnostic::new(
                            &source.path,
                            Rule::FrontMatterUnknownKey,
                            format!("unknown front matter key `{key}`"),
                        )
                        .at_span(disk(line), text, span)
                        .help(format!("known keys: {}", KEYS.join(", "))),
                    );
                }
            }
        }
    }
    if unknown > MAX_UNKNOWN_REPORTED {
        diags.push(
            Diagnostic::new(
                &source.path,
                Rule::FrontMatterUnknownKey,
                format!(
                    "{} more unknown front matter keys (only the first {MAX_UNKNOWN_REPORTED} are named)",
                    unknown - MAX_UNKNOWN_REPORTED
                ),
            )
            .at_line(disk(1))
            .help(format!("known keys: {}", KEYS.join(", "))),
        );
    }
    (fm, close + 1, diags)
}

/// Unknown keys named one by one; past this, one finding counts the rest
/// (a front matter of 100,000 keys is one mistake, not 100,000).
const MAX_UNKNOWN_REPORTED: usize = 20;

/// 1-based line and 0-based byte column of `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = offset - before.rfind('\n').map_or(0, |p| p + 1);
    (line, col)
}
