//! newscorpus: raw news-article text files -> reproducible, validated,
//! versioned dataset releases.
//!
//! The pipeline runs one way, one folder a stage (`ARCHITECTURE.md` at the
//! top of the repository is the map): `input` -> `parse` -> `record` ->
//! `check` -> `pipeline` -> `release` -> `dist`, with `diagnostic` beneath
//! them all and `cmd` on top. A folder imports only the folders below it;
//! a test holds that.
//!
//! The library's surface is small on purpose: check one file, validate a
//! folder, build a release, verify and diff releases, and the record type.
//! Everything else is crate-private.

mod check;
pub mod cmd;
mod config;
mod diagnostic;
mod dist;
mod error;
mod fault;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod input;
mod parse;
mod pipeline;
mod record;
mod release;
mod spill;

use std::path::Path;

pub use config::{DatasetConfig, DateOrder, Limits, SourceRule, BUILDER_VERSION};
pub use diagnostic::{Diagnostic, Rule, Severity};
pub use dist::diff::{Changed, Diff, DiffSummary, DuplicateMove, Edited, FieldChange};
pub use dist::folder::Outcome;
pub use dist::verify::verify;
pub use error::{Error, Result};
pub use input::discover::MAX_DEPTH as MAX_FOLDER_DEPTH;
pub use record::{Article, ArticleId, DateSourceField, LanguageSourceField, FIELDS};

/// The JSON Schema (2020-12) every record passes, as shipped in each release.
pub const SCHEMA: &str = record::schema::TEXT;

/// The page-chrome rules: the lines the parser removes, each with its reason
/// (the dataset card lists them).
pub mod chrome {
    pub use crate::parse::chrome::{match_line, ChromeRule, RULES};
}

/// What one article file yields on its own: its record when one could be
/// made, and every finding.
#[derive(Debug)]
pub struct CheckedFile {
    pub article: Option<Article>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads, parses and checks one file's bytes as `build` does, without the
/// checks that need the other files (duplicates). `path` names the file in
/// findings and becomes the record's `source_file`.
pub fn check_file(path: &str, bytes: &[u8], limits: &Limits) -> CheckedFile {
    let p = pipeline::corpus::process_bytes(path, bytes, limits);
    CheckedFile {
        article: p.article,
        diagnostics: p.diagnostics,
    }
}

/// Every finding for a folder of articles, as `newscorpus validate` finds
/// them (limits from its `dataset.toml` when it has one), sorted by file,
/// line and rule; paths are relative to `dir`.
pub fn validate(dir: &Path) -> Result<Vec<Diagnostic>> {
    let limits = if dir.join(config::FILE_NAME).exists() {
        DatasetConfig::load(dir)?.limits
    } else {
        Limits::default()
    };
    let corpus = pipeline::corpus::load_dir(
        dir,
        &limits,
        &[],
        None,
        None,
        record::store::Keep::Bodies,
        &|_, _| {},
    )?;
    Ok(corpus.diagnostics)
}

/// Findings as `validate` prints them for people, without colour; `files`
/// is the number of files checked, for the summary line.
pub fn render_text(diagnostics: &[Diagnostic], files: usize) -> String {
    let summary = diagnostic::render::Summary::new(diagnostics, files);
    diagnostic::render::text(diagnostics, &summary, false)
}

/// Builds the seeds in `seeds` into `out/<version>/` (the version from
/// `dataset.toml` unless given) with the version policy in force, exactly as
/// `newscorpus build` does. Articles with errors refuse the build with
/// [`Error::Invalid`] and nothing is written; [`validate`] lists them.
pub fn build(seeds: &Path, out: &Path, version: Option<&str>) -> Result<Outcome> {
    let inputs = pipeline::inputs::load(seeds, &|_, _| {})?;
    let errors = inputs.corpus.error_count();
    if errors > 0 {
        return Err(Error::Invalid {
            path: seeds.to_path_buf(),
            errors,
        });
    }
    let version = dist::build::parse_version(version.unwrap_or(&inputs.config.version))?;
    dist::build::publish(&inputs, out, &version, false)
}

/// What changed from the release in folder `old` to the one in `new`.
pub fn diff(old: &Path, new: &Path) -> Result<Diff> {
    for dir in [old, new] {
        release::layout::Manifest::read(dir)?;
    }
    let (old, new) = (
        dist::diff::Side::Release(old),
        dist::diff::Side::Release(new),
    );
    Ok(dist::diff::diff_sides(&old, &new, true)?.0)
}
