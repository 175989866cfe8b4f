//! `newscorpus build`: seeds folder -> `dist/<version>/`.
//!
//! Reads `seeds/dataset.toml`, checks every article (schema and corpus
//! rules), and only when there is no error writes the release atomically.
//! Building a version that exists is a no-op when the bytes would be
//! identical and an error when they would differ.

use super::{rebase, stderr_color, Exit};
use crate::config::{self, DatasetConfig};
use crate::corpus::{self, InputFile};
use crate::error::Error;
use crate::release::{self, Outcome};
use crate::render::{self, Summary};
use crate::source::sha256_hex;
use anyhow::Context;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(about = "Build a release of the dataset into OUT/VERSION/")]
pub struct Args {
    /// Folder of raw articles (*.txt) and dataset.toml
    #[arg(long, default_value = "seeds")]
    pub seeds: PathBuf,
    /// Folder that holds the releases
    #[arg(long, default_value = "dist")]
    pub out: PathBuf,
    /// Release version (semver); defaults to `version` in dataset.toml
    #[arg(long)]
    pub version: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let config_path = args.seeds.join(config::FILE_NAME);
    let config_bytes = std::fs::read(&config_path).map_err(|e| Error::io(&config_path, e))?;
    let config_text = String::from_utf8(config_bytes.clone()).map_err(|_| Error::Config {
        path: config_path.clone(),
        message: "not valid UTF-8".into(),
    })?;
    let config = DatasetConfig::parse(&config_text).map_err(|message| Error::Config {
        path: config_path.clone(),
        message,
    })?;
    let version = args.version.unwrap_or_else(|| config.version.clone());
    semver::Version::parse(&version).map_err(|_| Error::Version(version.clone()))?;

    let mut corpus = corpus::load_dir(&args.seeds, &config.limits)
        .with_context(|| format!("reading articles from {}", args.seeds.display()))?;
    rebase(&mut corpus.diagnostics, &args.seeds);
    let summary = Summary::new(&corpus.diagnostics, corpus.files);
    if !corpus.diagnostics.is_empty() {
        eprint!(
            "{}",
            render::text(&corpus.diagnostics, &summary, stderr_color())
        );
    }
    if corpus.error_count() > 0 {
        eprintln!("build refused: fix the errors above; nothing was written");
        return Ok(Exit::Findings);
    }

    let mut inputs = corpus.inputs.clone();
    inputs.push(InputFile {
        path: config::FILE_NAME.into(),
        bytes: config_bytes.len() as u64,
        sha256: sha256_hex(&config_bytes),
    });
    let files = release::render(&config, &version, &corpus.articles, &inputs)?;
    match release::publish(&args.out, &version, &files) {
        Ok(Outcome::Written(path)) => {
            eprintln!(
                "wrote {} ({} articles, {} files)",
                path.display(),
                corpus.articles.len(),
                files.len()
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
        Err(e) => Err(e.into()),
    }
}
