//! `newscorpus init [DIR]`: writes a commented `DIR/dataset.toml` so a
//! folder of scraped text becomes a release in two commands. The name comes
//! from the folder, the period from the dates its articles give, the limits
//! are the defaults; every key says what it is for.

use super::common::Exit;
use crate::config::{self, DatasetConfig, Limits};
use crate::pipeline::corpus;
use crate::record::store::Keep;
use anyhow::Context;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
#[command(about = "Write a commented dataset.toml for a folder of articles")]
pub struct Args {
    /// Folder of raw articles (*.txt)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let path = args.dir.join(config::FILE_NAME);
    if path.exists() {
        anyhow::bail!(
            "{}: already exists; init never overwrites it (edit it, or delete it and run init again)",
            path.display()
        );
    }
    let limits = Limits::default();
    let found = corpus::load_dir(
        &args.dir,
        &limits,
        &[],
        None,
        None,
        Keep::Records,
        &|_, _| {},
    )
    .with_context(|| format!("reading the articles in {}", args.dir.display()))?;
    let mut dates = Vec::new();
    for article in found.store.iter() {
        if let Some(p) = article?.published {
            dates.push(p);
        }
    }
    dates.sort();
    let name = name_from(&args.dir);
    let text = render(&name, found.files, dates.first(), dates.last(), &limits);
    // What init writes must be what build accepts.
    DatasetConfig::parse(&text)
        .map_err(|e| anyhow::anyhow!("internal error: init wrote an invalid dataset.toml: {e}"))?;
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    let period = match (dates.first(), dates.last()) {
        (Some(a), Some(b)) => format!(", dated {a} to {b}"),
        _ => String::new(),
    };
    eprintln!(
        "wrote {} (name `{name}`, {} article file(s){period}); review it, then run: newscorpus build --seeds {}",
        path.display(),
        found.files,
        args.dir.display()
    );
    Ok(Exit::Ok)
}

/// A dataset name from the folder's own name: lower-case letters, digits
/// and single dashes.
fn name_from(dir: &Path) -> String {
    let full = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let raw = full
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name = String::new();
    for c in raw.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "news-corpus".into()
    } else {
        name.into()
    }
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.into()).to_string()
}

fn render(
    name: &str,
    files: usize,
    first: Option<&String>,
    last: Option<&String>,
    limits: &Limits,
) -> String {
    let period = match (first, last) {
        (Some(a), Some(b)) => format!(
            "# The period the corpus covers (from the dates its articles give);\n\
             # a date outside it is reported as `date-out-of-range`.\n\
             period_start = {a}\nperiod_end = {b}\n"
        ),
        _ => "# The period the corpus covers; no article gave a date, so none is set.\n\
              # period_start = 2021-11-01\n# period_end = 2022-01-31\n"
            .into(),
    };
    format!(
        r#"# Describes the dataset built from this folder; `newscorpus build` reads it.
# Written by `newscorpus init` from {files} article file(s): review every value.

# Machine name: lower-case letters, digits and `-`; used in catalogues.
name = {name_q}
title = {title}
description = {description}
# An SPDX identifier (e.g. "CC-BY-4.0"), or "other" with license_note saying what applies.
license = "other"
license_note = "Not stated yet: say who holds the rights to the article texts and on what terms they are shared."
# The version the next `newscorpus build` writes (semantic versioning).
version = "1.0.0"
# Optional, for the dataset card and catalogues:
# languages = ["en"]
# authors = ["Your Name"]
# keywords = ["news"]
# homepage = "https://example.org/my-corpus"
# collection = "How the articles were collected."
# limitations = ["What a user of this corpus should keep in mind."]

[limits]
# Larger files are refused before they are read.
max_file_bytes = {max_file_bytes}
# Bodies shorter than this are reported as `body-too-short`.
min_words = {min_words}
max_title_chars = {max_title_chars}
{period}# Jaccard similarity of word 5-shingles above which two bodies are near duplicates.
near_duplicate_threshold = {near}
# Languages a record may be in (BCP 47); another is `language-unexpected`.
# A record's language comes from front matter, else is detected from its body.
# languages = ["en"]
# File names off this pattern get a `file-name-convention` warning.
file_name_pattern = {pattern}
# How the corpus writes numeric dates such as 11/12/2021; without it such a
# date needs evidence in its own file.
# date_order = "dmy"

# The same per source, for a corpus that mixes sites (first match wins):
# [[sources]]
# glob = "uk/**"
# date_order = "dmy"

# Duplicates: by default exact copies are errors and near copies warnings.
# For a crawl, "keep-one" releases one of each group (the earliest published,
# then one with a URL, then the lowest id, then the first file name) and
# lists the rest in the release's duplicates.csv.
# [dedup]
# exact = "keep-one"
# near = "keep-one"
"#,
        name_q = quoted(name),
        title = quoted(&format!("{name}: news articles")),
        description = quoted("News articles collected as plain text; describe what they are and where they come from."),
        max_file_bytes = limits.max_file_bytes,
        min_words = limits.min_words,
        max_title_chars = limits.max_title_chars,
        near = limits.near_duplicate_threshold,
        pattern = toml::Value::String(limits.file_name_pattern.clone()),
    )
}
