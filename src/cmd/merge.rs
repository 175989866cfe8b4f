//! `newscorpus merge PARTS... --out DIR [--version X.Y.Z]`: combines the
//! parts written by `build --shard K/N` into one release, byte-identical to
//! a build on one machine. The checks that need the whole corpus
//! (duplicates, near duplicates, id collisions) run here, over all parts.

use super::common::Exit;
use crate::pipeline::shard;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(about = "Combine the parts of a sharded build into a release")]
pub struct Args {
    /// Part folders (part-K-of-N), or folders holding them
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    #[command(flatten)]
    pub release: super::build::ReleaseArgs,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let shard::Merged { mut inputs, seeds } = shard::merge(&args.parts)?;
    super::common::rebase(&mut inputs.corpus.diagnostics, &seeds);
    super::build::release(&inputs, &args.release)
}
