//! Seeds -> a planned release: load and check the inputs, find the previous
//! release, apply the version policy, render every file. Shared by `build`
//! and `verify --rebuild`, so a rebuild is the build, not a copy of it.

use super::diff;
use super::folder::{Dist, Outcome};
use crate::error::{Error, Result};
use crate::pipeline::inputs::Inputs;
use crate::pipeline::timings::{self, Stage};
use crate::record::schema;
use crate::release::layout::{Manifest, FILES, MANIFEST, SUMS};
use crate::release::policy::{self, Bump, VersionPolicy};
use crate::release::writer;
use semver::Version;
use std::path::Path;

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
            let prev_dir = dist.dir(&prev);
            // Streamed in bounded memory (sorted compact keys), never the
            // two releases side by side.
            let (change, described) = timings::time(Stage::Diff, || {
                diff::diff_sides(
                    &diff::Side::Release(&prev_dir),
                    &diff::Side::Store(store),
                    false,
                )
            })?;
            let now: Vec<diff::DuplicateRow> = inputs
                .corpus
                .duplicates
                .iter()
                .map(|d| {
                    (
                        d.dropped_file.clone(),
                        d.kept_file.clone(),
                        d.kind.as_str().to_string(),
                    )
                })
                .collect();
            let change = change.with_duplicates(&diff::read_duplicates(&prev_dir)?, &now);
            let old_schema = super::folder::read_schema(&prev_dir)?;
            let old_manifest = Manifest::read(&prev_dir)?;
            let new_schema: serde_json::Value =
                serde_json::from_str(schema::TEXT).map_err(|e| Error::Schema(e.to_string()))?;
            let (required, reasons) = diff::required_bump(&change, &old_schema, &new_schema);
            let actual = policy::bump_between(&prev, version).unwrap_or(Bump::Patch);
            let overridden = actual < required;
            if overridden && !allow_policy && !exists {
                return Err(Error::VersionPolicy(format!(
                    "{version} is a {actual} release after {prev}, but the change needs a {required} bump ({}); \
                     choose a {required} version, or pass --allow-version-policy to override (recorded in the manifest)",
                    reasons.join("; ")
                )));
            }
            let mut changes =
                diff::markdown(&change, &prev.to_string(), &version.to_string(), &described);
            // Files new to this release (formats and metadata the builder
            // learned to write) are news to a reader too.
            let had: Vec<&str> = old_manifest.files.iter().map(|f| f.path.as_str()).collect();
            let new_files: Vec<String> = FILES
                .iter()
                .filter(|f| ![SUMS, MANIFEST].contains(f) && !had.contains(f))
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
    timings::time(Stage::Write, || {
        writer::write(
            dir,
            &inputs.config,
            &version.to_string(),
            &inputs.corpus,
            &changes,
            &policy,
        )
    })?;
    Ok(())
}

/// Publishes `inputs` as release `version` in the folder `out` under its
/// lock, and rewrites `index.json` (also after a no-op or a refusal: the
/// catalogue is derived from the releases present, and this heals one left
/// stale by a crash). The caller has checked the inputs have no errors.
pub fn publish(
    inputs: &Inputs,
    out: &Path,
    version: &Version,
    allow_policy: bool,
) -> Result<Outcome> {
    let dist = Dist::new(out);
    let lock = dist.lock()?;
    let outcome = lock.publish(&version.to_string(), |dir| {
        stage(inputs, &dist, version, allow_policy, dir)
    });
    lock.write_index()?;
    outcome
}
