//! `newscorpus stats [RELEASE_DIR] [--format text|json]`: the figures the
//! release card and chart show (articles, dates, articles per week, article
//! lengths), read from a release. Without a folder, the newest release in
//! `dist/`.

use super::common::Exit;
use crate::dist::folder::Dist;
use anyhow::Context;
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(about = "Print a release's figures: articles per week, article lengths")]
pub struct Args {
    /// The release folder, e.g. dist/2.0.0 (default: the newest in --dist)
    pub release: Option<PathBuf>,
    /// Where releases live, for the default
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
    pub format: StatsFormat,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let release = match args.release {
        Some(r) => r,
        None => {
            let dist = Dist::new(&args.dist);
            let newest = dist
                .versions()?
                .into_iter()
                .max()
                .with_context(|| format!("no release in {}", args.dist.display()))?;
            args.dist.join(newest.to_string())
        }
    };
    let stats = crate::release::stats::of_release(&release)?;
    match args.format {
        StatsFormat::Text => print!("{}", stats.table()),
        StatsFormat::Json => println!("{}", serde_json::to_string_pretty(&stats)?),
    }
    Ok(Exit::Ok)
}
