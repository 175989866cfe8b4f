//! `newscorpus verify RELEASE_DIR [--rebuild [--seeds DIR]]`: is this
//! release what its checksums, manifest and schema say?
//!
//! Every file listed in SHA256SUMS and manifest.json is present with the
//! right size and hash and nothing unlisted is there; articles.jsonl,
//! articles.json and articles.csv hold the same records, each passing the
//! schema shipped in the release. `--rebuild` also rebuilds the release from
//! the seeds and reports every file whose bytes differ. Exit 0 when clean,
//! 1 with the list of problems.

use super::common::Exit;
use crate::dist::verify;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(about = "Check a release's files, checksums, records and schema")]
pub struct Args {
    /// The release folder, e.g. dist/1.0.0
    pub release: PathBuf,
    /// Also rebuild the release from the seeds and compare bytes
    #[arg(long)]
    pub rebuild: bool,
    /// Seeds folder for --rebuild
    #[arg(long, default_value = "seeds", requires = "rebuild")]
    pub seeds: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let mut problems = verify::verify(&args.release)?;
    if args.rebuild {
        problems.extend(verify::rebuild(&args.release, &args.seeds)?);
    }
    let shown = args.release.display();
    if problems.is_empty() {
        let how = if args.rebuild {
            ", and a rebuild from the seeds is identical"
        } else {
            ""
        };
        eprintln!(
            "{shown}: ok (every file listed and intact, records agree and pass the schema{how})"
        );
        return Ok(Exit::Ok);
    }
    for p in &problems {
        println!("{shown}/{p}");
    }
    eprintln!("{shown}: {} problem(s)", problems.len());
    Ok(Exit::Findings)
}
