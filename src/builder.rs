//! Seeds -> a planned release: load and check the inputs, find the previous
//! release, apply the version policy, render every file. Shared by `build`
//! and `verify --rebuild`, so a rebuild is the build, not a copy of it.

use crate::config::{self, DatasetConfig};
use crate::corpus::{self, Corpus, InputFile};
use crate::diff::{self, Bump};
use crate::dist::Dist;
use crate::error::{Error, Result};
use crate::release::{self, VersionPolicy};
use crate::schema;
use crate::source::sha256_hex;
use semver::Version;
use std::path::Path;

/// Everything read from a seeds folder.
pub struct Inputs {
    pub config: DatasetConfig,
    pub config_input: InputFile,
    pub corpus: Corpus,
}

/// `progress(done, total)` is called as files are processed.
pub fn load(seeds: &Path, progress: &dyn Fn(usize, usize)) -> Result<Inputs> {
    load_shard(seeds, None, None, progress)
}

/// Like [`load`], for one shard of the corpus (or all of it).
/// `cache_dir`: where the parse cache lives, if one is to be used.
pub fn load_shard(
    seeds: &Path,
    shard: Option<crate::shard::Shard>,
    cache_dir: Option<&Path>,
    progress: &dyn Fn(usize, usize),
) -> Result<Inputs> {
    let path = seeds.join(config::FILE_NAME);
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| Error::Config {
        path: path.clone(),
        message: "not valid UTF-8".into(),
    })?;
    let config = DatasetConfig::parse(text).map_err(|message| Error::Config { path, message })?;
    let config_input = InputFile {
        path: config::FILE_NAME.into(),
        bytes: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
    };
    let corpus = corpus::load_dir(
        seeds,
        &config.limits,
        std::slice::from_ref(&config_input),
        shard,
        cache_dir.and_then(|d| crate::cache::ParseCache::open(d, &config.limits)),
        progress,
    )?;
    Ok(Inputs {
        config_input,
        config,
        corpus,
    })
}

pub fn parse_version(v: &str) -> Result<Version> {
    Version::parse(v).map_err(|_| Error::Version(v.to_string()))
}

/// Writes release `version` of `inputs` into `dir` as it would sit in `dist`: its
/// CHANGES.md and version policy are against the highest earlier release
/// there. A version not above every existing one (unless it exists itself)
/// or a bump smaller than the change needs is an error, unless
/// `allow_policy` overrides the latter.
pub fn stage(
    inputs: &Inputs,
    dist: &Dist,
    version: &Version,
    allow_policy: bool,
    dir: &Path,
) -> Result<()> {
    let versions = dist.versions()?;
    let exists = versions.contains(version);
    if !exists {
        if let Some(highest) = versions.iter().max().filter(|h| *h > version) {
            return Err(Error::VersionPolicy(format!(
                "{version} is not above the highest existing release {highest}; releases only move forward"
            )));
        }
    }
    let store = &inputs.corpus.store;
    let (changes, policy) = match dist.previous(version)? {
        None => (
            format!(
                "# Changes in {version}\n\nInitial release: {} records.\n",
                store.len()
            ),
            VersionPolicy {
                previous_version: None,
                required_bump: None,
                reasons: Vec::new(),
                overridden: false,
            },
        ),
        Some(prev) => {
            let old = dist.load(&prev)?;
            // The diff holds both releases in memory; it runs only when a
            // previous release exists.
            let articles = store.to_vec()?;
            let change = diff::diff(&old.articles, &articles);
            let new_schema: serde_json::Value = serde_json::from_str(schema::TEXT)?;
            let (required, reasons) = diff::required_bump(&change, &old.schema, &new_schema);
            let actual = diff::bump_between(&prev, version).unwrap_or(Bump::Patch);
            let overridden = actual < required;
            if overridden && !allow_policy && !exists {
                return Err(Error::VersionPolicy(format!(
                    "{version} is a {actual} release after {prev}, but the change needs a {required} bump ({}); \
                     choose a {required} version, or pass --allow-version-policy to override (recorded in the manifest)",
                    reasons.join("; ")
                )));
            }
            let mut changes =
                diff::markdown(&change, &prev.to_string(), &version.to_string(), &articles);
            // Files new to this release (formats and metadata the builder
            // learned to write) are news to a reader too.
            let had: Vec<&str> = old.manifest["files"]
                .as_array()
                .map(|f| f.iter().filter_map(|e| e["path"].as_str()).collect())
                .unwrap_or_default();
            let new_files: Vec<String> = release::FILES
                .iter()
                .filter(|f| ![release::SUMS, release::MANIFEST].contains(f) && !had.contains(f))
                .map(|f| format!("`{f}`"))
                .collect();
            if !new_files.is_empty() {
                changes.push_str(&format!(
                    "\nNew files in this release: {}.\n",
                    new_files.join(", ")
                ));
            }
            (
                changes,
                VersionPolicy {
                    previous_version: Some(prev.to_string()),
                    required_bump: Some(required),
                    reasons,
                    overridden,
                },
            )
        }
    };
    crate::timings::time(crate::timings::Stage::Write, || {
        release::write(
            dir,
            &inputs.config,
            &version.to_string(),
            store,
            &inputs.corpus.sources,
            &changes,
            &policy,
        )
    })?;
    Ok(())
}
