//! Entry points for the fuzz targets in `fuzz/` (cargo feature `fuzzing`;
//! not part of the library's API). Each runs one stage on arbitrary input,
//! as the pipeline runs it, and returns what the target checks its
//! properties against; the properties themselves live in the targets.

use crate::config::Limits;
use crate::input::source;
use crate::parse::{self, dateline, frontmatter};
use crate::pipeline::corpus;
use crate::Article;
use chrono::{Datelike, NaiveDate};
use std::path::Path;

/// A file as the ID rule sees it.
pub struct SourceView {
    /// Canonical text (LF, NFC, no trailing blanks or blank edge lines).
    pub text: String,
    /// `art_` and 16 hex digits.
    pub id: String,
    /// SHA-256 of the canonical text, hex.
    pub sha256: String,
}

/// Reads and canonicalises `bytes` as `build` does; `None` when the file is
/// refused (empty, not UTF-8, binary).
pub fn read_source(bytes: &[u8]) -> Option<SourceView> {
    let s = source::read("fuzz.txt", bytes).ok()?;
    Some(SourceView {
        text: s.text,
        id: s.id.to_string(),
        sha256: s.source_sha256,
    })
}

/// Steps 2 and 3 of the ID rule on decoded text.
pub fn canonicalize(text: &str) -> String {
    source::canonicalize(text).0
}

/// One article through the whole per-file pipeline (read, parse, record,
/// per-file checks), with the parser's account of every line.
pub struct ParseView {
    /// Canonical text; its line `n` is line `n + line_offset` on disk.
    pub text: String,
    pub line_offset: usize,
    /// The record, when one could be made.
    pub article: Option<Article>,
    /// The body as parsed (the record's `body` when there is a record).
    pub body: String,
    /// Date, disk line it came from and whether it came from front matter.
    pub published: Option<(NaiveDate, usize, bool)>,
    /// Disk line of each paragraph's first line.
    pub paragraph_lines: Vec<usize>,
    /// Disk lines `--explain` lists as left out of the body.
    pub dropped_lines: Vec<usize>,
    /// Disk line of every finding that names one.
    pub diagnostic_lines: Vec<usize>,
}

pub fn parse_article(bytes: &[u8]) -> Option<ParseView> {
    let src = source::read("fuzz.txt", bytes).ok()?;
    let p = corpus::process_bytes("fuzz.txt", bytes, &Limits::default());
    let parsed = p.parsed?;
    Some(ParseView {
        line_offset: src.line_offset,
        text: src.text,
        article: p.article,
        body: parsed.body(),
        published: parsed.published.as_ref().map(|d| {
            (
                d.date,
                d.line,
                matches!(d.source, parse::DateSource::FrontMatter),
            )
        }),
        paragraph_lines: parsed.paragraphs.iter().map(|(l, _)| *l).collect(),
        dropped_lines: parsed.dropped.iter().map(|d| d.line).collect(),
        diagnostic_lines: p.diagnostics.iter().filter_map(|d| d.line).collect(),
    })
}

/// Front matter split off a file's canonical text.
pub struct FrontMatterView {
    /// Lines the front matter took (0 when there is none).
    pub lines: usize,
    /// Lines of canonical text.
    pub text_lines: usize,
    pub line_offset: usize,
    pub title: Option<String>,
    pub published: Option<NaiveDate>,
    pub diagnostic_lines: Vec<usize>,
}

pub fn front_matter(bytes: &[u8]) -> Option<FrontMatterView> {
    let src = source::read("fuzz.txt", bytes).ok()?;
    let lines: Vec<&str> = src.text.split('\n').collect();
    let (fm, n, diags) = frontmatter::extract(&src, &lines);
    Some(FrontMatterView {
        lines: n,
        text_lines: lines.len(),
        line_offset: src.line_offset,
        title: fm.title,
        published: fm.published,
        diagnostic_lines: diags.iter().filter_map(|d| d.line).collect(),
    })
}

/// What a line read as a date line names: `Ok((year, exact date if the line
/// alone fixes it))` for each date, `Err` for a date-shaped impossible one.
pub fn date_line(line: &str) -> Vec<Result<(i32, Option<NaiveDate>), String>> {
    let mut out = Vec::new();
    if let Some((date, _rest)) = dateline::split_prefix(line) {
        out.push(date.map(|d| (d.year(), Some(d))));
    }
    for r in dateline::match_line(line).into_iter().flatten() {
        out.push(r.map(|d| {
            let year = match d.value {
                dateline::DateValue::Exact(x) => x.year(),
                dateline::DateValue::Numeric { year, .. } => year,
            };
            (year, d.exact())
        }));
    }
    out
}

/// Everything that reads a release folder back (`verify`, `diff`, the
/// `--against` fingerprints and their cache) run on `dir`, whatever it
/// holds. Errors are answers; only a panic is a failure.
pub fn read_release(dir: &Path, cache_dir: &Path) -> Vec<String> {
    let mut answers = Vec::new();
    let mut note = |r: Result<String, crate::Error>| {
        answers.push(match r {
            Ok(s) => s,
            Err(e) => format!("error: {e}"),
        })
    };
    note(crate::release::layout::Manifest::read(dir).map(|m| format!("{}", m.record_count)));
    note(crate::verify(dir).map(|p| p.join("\n")));
    note(crate::diff(dir, dir).map(|d| format!("{}", d.summary.changed)));
    note(
        crate::release::layout::Records::open(dir)
            .map(|records| format!("{}", records.filter(|r| r.is_ok()).count())),
    );
    note(crate::dist::against::load(dir, Some(cache_dir)).map(|r| r.version));
    answers
}
