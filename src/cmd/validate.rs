//! `newscorpus validate [PATH...]`: every finding about the articles, in one
//! run, without building anything.
//!
//! A PATH is a seeds folder (walked recursively; its dataset.toml sets the
//! limits) or single article files. Findings are sorted by file, line and
//! rule. Exit 0 without errors, 1 with any (with `--strict`, warnings count),
//! 2 on usage or I/O trouble.

use super::common::{rebase, stderr_color, Exit, Format};
use crate::config::{self, DatasetConfig, Limits};
use crate::diagnostic::render::{self, Summary};
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::dist::against;
use crate::input::discover;
use crate::input::listing::{Listing, ListingWriter, Origin, Shown};
use crate::pipeline::corpus::{self, Corpus};
use crate::record::store::Keep;
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
    /// Also check the articles against a release (e.g. dist/2.0.0): copies
    /// and near copies of released articles are findings. The release is
    /// not re-parsed; its fingerprints are cached in `.cache/` beside it.
    #[arg(long, value_name = "RELEASE_DIR")]
    pub against: Option<PathBuf>,
    /// Keep a parse cache in DIR (e.g. dist/.cache), so files seen before
    /// are not parsed again; results are the same without it
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// With --against: neither read nor write the fingerprint cache
    #[arg(long, requires = "against")]
    pub no_cache: bool,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    crate::pipeline::corpus::warm_up_in_background();
    // Each path's files, in the order of their shown names.
    let mut lists: Vec<Listing> = Vec::new();
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
            let folder = path.to_string_lossy().replace('\\', "/");
            let origin = std::sync::Arc::new(Origin {
                root: path.clone(),
                shown_as: if folder == "." {
                    Shown::Rel
                } else {
                    Shown::Under(folder.trim_end_matches('/').to_string())
                },
            });
            rebase(&mut found.diagnostics, path);
            lists.push(found.articles.with_origin(origin));
            diags.extend(found.diagnostics);
        } else {
            // A single file's record names it by its file name (a record's
            // `source_file` is relative); findings name it as given.
            let mut one = ListingWriter::new()?;
            let origin = one.origin(&std::sync::Arc::new(Origin {
                root: path.parent().unwrap_or(std::path::Path::new("")).into(),
                shown_as: Shown::As(path.to_string_lossy().replace('\\', "/")),
            }));
            let rel = path
                .file_name()
                .map_or_else(|| path.to_string_lossy(), |n| n.to_string_lossy());
            one.push(&rel, origin)?;
            lists.push(one.finish()?);
        }
    }
    // One folder is in order already; more are merged, a file given twice
    // (as itself and in its folder) kept once.
    let entries = match lists.len() {
        1 => lists.pop().expect("one listing"),
        _ => Listing::merge(&lists)?,
    };
    drop(lists);
    let progress = super::common::Progress::new(entries.len());
    let Corpus {
        diagnostics,
        files,
        store,
        ..
    } = corpus::load_entries(
        &entries,
        &limits,
        &[],
        None,
        args.cache
            .as_deref()
            .and_then(|d| crate::pipeline::cache::ParseCache::open(d, &limits)),
        // Only a check against a release reads the records back.
        if args.against.is_some() {
            Keep::Records
        } else {
            Keep::Bodies
        },
        &|n| progress.inc(n),
    )?;
    progress.finish();
    diags.extend(diagnostics);
    if let Some(release) = &args.against {
        let cache_dir = release
            .parent()
            .filter(|_| !args.no_cache)
            .map(|p| p.join(".cache"));
        let reference = against::load(release, cache_dir.as_deref())?;
        let seen: std::collections::HashSet<(String, crate::diagnostic::Rule)> =
            diags.iter().map(|d| (d.file.clone(), d.rule)).collect();
        let mut found = against::check(&store, &reference, &limits)?;
        name_as_given(&mut found, &entries)?;
        // A copy inside the folder is already reported; the release's
        // copy of the same kind would only repeat it.
        diags.extend(
            found
                .into_iter()
                .filter(|d| !seen.contains(&(d.file.clone(), d.rule))),
        );
    }
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

/// Records name their file relative to its folder; findings name it as the
/// contributor gave it. Only the files with findings are looked up, so
/// nothing here grows with the number of files checked.
fn name_as_given(found: &mut [Diagnostic], entries: &Listing) -> crate::error::Result<()> {
    let mut shown: std::collections::HashMap<String, Option<String>> =
        found.iter().map(|d| (d.file.clone(), None)).collect();
    if shown.is_empty() {
        return Ok(());
    }
    for e in entries.iter() {
        let e = e?;
        if let Some(name @ None) = shown.get_mut(&*e.rel) {
            *name = Some(e.shown().into_owned());
        }
    }
    for d in found {
        if let Some(Some(name)) = shown.get(&d.file) {
            d.file.clone_from(name);
        }
    }
    Ok(())
}
