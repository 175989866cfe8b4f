//! `newscorpus parse FILE...`: shows what the builder makes of single files.
//!
//! Prints each file's record as one JSON line on stdout (the release's
//! fields). With `--explain`, every line the parser left out of the body is
//! listed on stderr with the reason (a chrome rule's name, `dateline`,
//! `headline`, ...), so stdout stays valid JSON Lines.

use super::common::{stderr_color, Exit};
use crate::config::Limits;
use crate::diagnostic::render::{self, Summary};
use crate::pipeline::corpus;
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(about = "Parse article files and print their records as JSON Lines")]
pub struct Args {
    /// Article files to parse
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Also list (on stderr) each dropped line and why it was dropped
    #[arg(long)]
    pub explain: bool,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let limits = Limits::default();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_diags = Vec::new();
    for path in &args.files {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let shown = record_path(path);
        let p = corpus::process_bytes(&shown, &bytes, &limits);
        if let Some(article) = &p.article {
            serde_json::to_writer(&mut out, article)?;
            writeln!(out)?;
        }
        if args.explain {
            if let Some(parsed) = &p.parsed {
                let mut err = std::io::stderr().lock();
                for d in &parsed.dropped {
                    writeln!(
                        err,
                        "{shown}:{}: dropped ({}): {}",
                        d.line, d.reason, d.text
                    )?;
                }
                if parsed.entities > 0 {
                    writeln!(
                        err,
                        "{shown}: decoded {} HTML entit{} in the text",
                        parsed.entities,
                        if parsed.entities == 1 { "y" } else { "ies" }
                    )?;
                }
            }
        }
        all_diags.extend(p.diagnostics);
    }
    out.flush()?;
    let summary = Summary::new(&all_diags, args.files.len());
    if !all_diags.is_empty() {
        eprint!("{}", render::text(&all_diags, &summary, stderr_color()));
    }
    Ok(if summary.errors > 0 {
        Exit::Findings
    } else {
        Exit::Ok
    })
}

/// The record's `source_file` for a path as typed: a relative path as it
/// is, an absolute one relative to the current folder when it lies under
/// it, else its file name (a release's paths are relative, and the schema
/// says so).
fn record_path(path: &std::path::Path) -> String {
    let rel = if path.is_absolute() {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok().map(PathBuf::from))
            .or_else(|| path.file_name().map(PathBuf::from))
            .unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    rel.to_string_lossy().replace('\\', "/")
}
