//! `newscorpus synth --count N --seed S --out DIR`: a synthetic raw corpus
//! for benchmarks and scale tests. Same seed, same bytes.

use super::common::Exit;
use crate::input::synth;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(about = "Generate a deterministic synthetic corpus of raw articles")]
pub struct Args {
    /// Number of articles
    #[arg(long)]
    pub count: usize,
    /// Seed; the same seed gives the same bytes
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder (gets the articles in subfolders of 1000, and a dataset.toml)
    #[arg(long)]
    pub out: PathBuf,
    /// Share of articles that are exact copies of an earlier one
    #[arg(long, default_value_t = 0.0)]
    pub exact_duplicates: f64,
    /// Share of articles that are near copies (a few words changed) of an earlier one
    #[arg(long, default_value_t = 0.01)]
    pub near_duplicates: f64,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    synth::write(
        &args.out,
        &synth::Options {
            count: args.count,
            seed: args.seed,
            exact_duplicates: args.exact_duplicates,
            near_duplicates: args.near_duplicates,
        },
    )?;
    eprintln!("wrote {} articles to {}", args.count, args.out.display());
    Ok(Exit::Ok)
}
