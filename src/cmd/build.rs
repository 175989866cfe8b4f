//! `newscorpus build`: seeds folder -> `dist/<version>/`.
//!
//! Reads `seeds/dataset.toml`, checks every article (schema and corpus
//! rules), and only when there is no error writes the release: under the
//! lock of the releases folder, into a hidden staging folder renamed into
//! place, then rewrites `dist/index.json`. Building a version that exists is
//! a no-op when the bytes would be identical and an error when they would
//! differ. A new version must be above every existing one and bumped as much
//! as the change needs (`--allow-version-policy` overrides the latter, and
//! the manifest records it).

use super::common::{rebase, stderr_color, Exit};
use crate::diagnostic::render::{self, Summary};
use crate::dist::build;
use crate::dist::folder::Outcome;
use crate::error::Error;
use crate::pipeline::inputs::{self, Inputs};
use anyhow::Context;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(about = "Build a release of the dataset into OUT/VERSION/")]
pub struct Args {
    /// Folder of raw articles (*.txt) and dataset.toml
    #[arg(long, default_value = "seeds")]
    pub seeds: PathBuf,
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// Print where the time went, stage by stage, on stderr
    #[arg(long)]
    pub timings: bool,
    /// Process only shard K of N (by id) into OUT/part-K-of-N/; `merge` makes the release
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::pipeline::partition::Shard>,
    /// Keep a parse cache in DIR (e.g. dist/.cache), so a rebuild does not
    /// parse files it has parsed before; the release is the same without it
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    crate::pipeline::corpus::warm_up_in_background();
    if args.timings {
        crate::pipeline::timings::enable();
    }
    let exit = build(&args);
    if args.timings {
        eprint!("{}", crate::pipeline::timings::report());
    }
    exit
}

fn build(args: &Args) -> anyhow::Result<Exit> {
    let progress = std::cell::OnceCell::new();
    let cache = args.cache.as_deref().filter(|_| args.shard.is_none());
    let mut inputs = inputs::load_shard(&args.seeds, args.shard, cache, &|n, total| {
        progress
            .get_or_init(|| super::common::Progress::new(total))
            .inc(n)
    })
    .with_context(|| format!("reading the seeds in {}", args.seeds.display()))?;
    if let Some(p) = progress.get() {
        p.finish();
    }
    if let Some(shard) = args.shard {
        // The part keeps names relative to the seeds (merge adds the folder
        // once, to the cross-file findings too).
        let toml_path = args.seeds.join(crate::config::FILE_NAME);
        let toml = std::fs::read_to_string(&toml_path).map_err(|e| Error::io(&toml_path, e))?;
        let part = crate::pipeline::shard::write_part(
            &args.release.out,
            shard,
            &inputs,
            &args.seeds,
            &toml,
        )?;
        rebase(&mut inputs.corpus.diagnostics, &args.seeds);
        report(&inputs.corpus);
        eprintln!(
            "wrote {} ({} articles)",
            part.display(),
            inputs.corpus.store.len()
        );
        return Ok(if inputs.corpus.error_count() > 0 {
            Exit::Findings
        } else {
            Exit::Ok
        });
    }
    rebase(&mut inputs.corpus.diagnostics, &args.seeds);
    release(&inputs, &args.release)
}

/// Where and as what a release is made (shared by `build` and `merge`).
#[derive(Debug, clap::Args)]
pub struct ReleaseArgs {
    /// Folder that holds the releases (with --shard: the parts)
    #[arg(long, default_value = "dist")]
    pub out: PathBuf,
    /// Release version (semver); defaults to `version` in dataset.toml
    #[arg(long)]
    pub version: Option<String>,
    /// Release even when the version bump is smaller than the change needs
    #[arg(long)]
    pub allow_version_policy: bool,
}

/// Prints the findings; true when there is an error among them.
fn report(corpus: &crate::pipeline::corpus::Corpus) -> bool {
    let summary = Summary::new(&corpus.diagnostics, corpus.files);
    if !corpus.diagnostics.is_empty() {
        eprint!(
            "{}",
            render::text(&corpus.diagnostics, &summary, stderr_color())
        );
    }
    corpus.error_count() > 0
}

/// Checks, then publishes `inputs` as a release (shared by `build` and `merge`).
pub fn release(inputs: &Inputs, args: &ReleaseArgs) -> anyhow::Result<Exit> {
    let (out, allow_policy) = (&args.out, args.allow_version_policy);
    let version = build::parse_version(args.version.as_deref().unwrap_or(&inputs.config.version))?;
    if report(&inputs.corpus) {
        eprintln!("build refused: fix the errors above; nothing was written");
        return Ok(Exit::Findings);
    }
    match build::publish(inputs, out, &version, allow_policy) {
        Ok(Outcome::Written(path)) => {
            eprintln!(
                "wrote {} ({} articles)",
                path.display(),
                inputs.corpus.store.len()
            );
            Ok(Exit::Ok)
        }
        Ok(Outcome::Unchanged(path)) => {
            eprintln!(
                "{} is up to date (identical bytes); nothing written",
                path.display()
            );
            Ok(Exit::Ok)
        }
        Err(e @ Error::ReleaseDiffers { .. }) => {
            eprintln!("error: {e}");
            Ok(Exit::Findings)
        }
        Err(e @ Error::VersionPolicy(_)) => {
            eprintln!("error: {e}");
            eprintln!("build refused; nothing was written");
            Ok(Exit::Findings)
        }
        Err(e) => Err(e.into()),
    }
}
