//! `newscorpus validate [PATH...]`: every finding about the articles, in one
//! run, without building anything.
//!
//! A PATH is a seeds folder (walked recursively; its dataset.toml sets the
//! limits) or single article files. Findings are sorted by file, line and
//! rule. Exit 0 without errors, 1 with any (with `--strict`, warnings count),
//! 2 on usage or I/O trouble.

use super::{rebase, stderr_color, Exit, Format};
use crate::config::{self, DatasetConfig, Limits};
use crate::corpus::{self, Corpus};
use crate::diagnostic::{self, Severity};
use crate::discover::{self, Entry};
use crate::render::{self, Summary};
use anyhow::Context;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(about = "Check articles and report every problem, without building")]
pub struct Args {
    /// Seeds folders or article files
    #[arg(default_value = "seeds")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut diags = Vec::new();
    // Limits come from the first folder's dataset.toml, else the defaults.
    let mut limits: Option<Limits> = None;
    for path in &args.paths {
        if path.is_dir() && path.join(config::FILE_NAME).exists() {
            limits = Some(DatasetConfig::load(path)?.limits);
            break;
        }
    }
    let limits = limits.unwrap_or_default();
    for path in &args.paths {
        let meta = std::fs::symlink_metadata(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            let mut found = discover::discover(path, &limits)?;
            let prefix = |rel: &str| {
                let p = path.to_string_lossy().replace('\\', "/");
                if p == "." {
                    rel.to_string()
                } else {
                    format!("{}/{rel}", p.trim_end_matches('/'))
                }
            };
            for e in &mut found.articles {
                e.display = Some(prefix(&e.rel));
            }
            rebase(&mut found.diagnostics, path);
            entries.extend(found.articles);
            diags.extend(found.diagnostics);
        } else {
            // A single file's record names it by its file name (a record's
            // `source_file` is relative); findings name it as given.
            entries.push(Entry {
                rel: path.file_name().map_or_else(
                    || path.to_string_lossy().into_owned(),
                    |n| n.to_string_lossy().into_owned(),
                ),
                root: std::sync::Arc::from(path.parent().unwrap_or(std::path::Path::new(""))),
                display: Some(path.to_string_lossy().replace('\\', "/")),
            });
        }
    }
    entries.sort_by(|a, b| a.shown().cmp(b.shown()));
    entries.dedup_by(|a, b| a.shown() == b.shown());
    let progress = super::Progress::new(entries.len());
    let Corpus {
        diagnostics, files, ..
    } = corpus::load_entries(&entries, &limits, &[], None, &|n| progress.inc(n))?;
    progress.finish();
    diags.extend(diagnostics);
    if args.strict {
        for d in &mut diags {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
    }
    diagnostic::sort(&mut diags);
    let summary = Summary::new(&diags, files);
    let text = match args.format {
        Format::Text => render::text(&diags, &summary, stderr_color()),
        Format::Json => render::json(&diags, &summary),
        Format::Github => render::github(&diags, &summary),
    };
    // Text is for a person reading a terminal and goes to stderr like
    // rustc's; the machine formats are the command's output.
    match args.format {
        Format::Text => eprint!("{text}"),
        _ => print!("{text}"),
    }
    Ok(if summary.errors > 0 {
        Exit::Findings
    } else {
        Exit::Ok
    })
}
