//! `newscorpus diff OLD_DIR NEW_DIR [--format text|json|markdown]`: what
//! changed between two releases.
//!
//! Records added and removed; sources edited (same `source_file`, new ID);
//! records changed (same ID, other field values, with field-level detail);
//! and a summary of the counts.

use super::common::Exit;
use crate::dist::diff;
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, clap::Args)]
#[command(about = "Show records added, removed, edited and changed between two releases")]
pub struct Args {
    pub old: PathBuf,
    pub new: PathBuf,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

fn version_of(dir: &std::path::Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    // Both must be releases (a manifest), not any folder with a JSONL file.
    for dir in [&args.old, &args.new] {
        crate::release::layout::Manifest::read(dir)?;
    }
    let (d, described) = diff::diff_sides(
        &diff::Side::Release(&args.old),
        &diff::Side::Release(&args.new),
        true,
    )?;
    let d = d.with_duplicates(
        &diff::read_duplicates(&args.old)?,
        &diff::read_duplicates(&args.new)?,
    );
    let out = match args.format {
        DiffFormat::Text => diff::text(&d),
        DiffFormat::Json => {
            let mut s = serde_json::to_string_pretty(&d)?;
            s.push('\n');
            s
        }
        DiffFormat::Markdown => diff::markdown(
            &d,
            &version_of(&args.old),
            &version_of(&args.new),
            &described,
        ),
    };
    print!("{out}");
    Ok(Exit::Ok)
}
