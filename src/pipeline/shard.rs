//! Sharded builds: `build --shard K/N` processes the Kth of N partitions of
//! the corpus (by id) into a part folder; `merge` combines the parts into a
//! release byte-identical to a build on one machine, running the checks
//! that need the whole corpus (duplicates, near duplicates, id collisions).
//!
//! A part holds its records in release order, its findings and what every
//! shard knows alike: the digest of all the sources and dataset.toml.

use super::corpus::Corpus;
use super::inputs::Inputs;
use super::partition::Shard;
use crate::check::across::{Fingerprint, FINGERPRINTS};
use crate::check::similarity;
use crate::config::{self, DatasetConfig};
use crate::diagnostic::{self, Diagnostic, Rule, Severity};
use crate::error::{json, Error, Result};
use crate::fault::{self, Checked, Op};
use crate::input::listing::{ListingWriter, Origin, Shown};
use crate::input::sources::Sources;
use crate::record::store::Store;
use crate::record::Article;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

const RECORDS: &str = "records.jsonl";
const META: &str = "part.json";

#[derive(Serialize, Deserialize)]
struct PartMeta {
    k: u32,
    n: u32,
    builder_version: String,
    /// The seeds folder as the shard was given it: merge names files as
    /// `build` does, under it.
    #[serde(default)]
    seeds: String,
    /// Files examined: every shard reads them all (for the sources digest).
    files: usize,
    sources_files: usize,
    sources_bytes: u64,
    sources_sha256: String,
    dataset_toml: String,
    diagnostics: Vec<PartDiagnostic>,
}

/// A finding as a part stores it (the renderer's snippet is not kept).
#[derive(Serialize, Deserialize)]
struct PartDiagnostic {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
    rule: String,
    severity: Severity,
    message: String,
    help: Option<String>,
}

/// Writes shard `shard` of `inputs` as `out/part-K-of-N/` (replacing an
/// earlier run of the same shard, through a staging folder).
pub fn write_part(
    out: &Path,
    shard: Shard,
    inputs: &Inputs,
    seeds: &Path,
    dataset_toml: &str,
) -> Result<PathBuf> {
    fault::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let target = out.join(shard.dir_name());
    let staging = out.join(format!(
        ".staging-{}-{}",
        shard.dir_name(),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&staging);
    let written = fill_part(&staging, shard, inputs, seeds, dataset_toml).and_then(|()| {
        if target.exists() {
            fault::check(Op::Remove, &target)
                .and_then(|()| fs::remove_dir_all(&target))
                .map_err(|e| Error::io(&target, e))?;
        }
        fault::rename(&staging, &target).map_err(|e| Error::io(&target, e))
    });
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    Ok(target)
}

/// Writes a part's files into `staging`, each synced before the folder is
/// renamed into place.
fn fill_part(
    staging: &Path,
    shard: Shard,
    inputs: &Inputs,
    seeds: &Path,
    dataset_toml: &str,
) -> Result<()> {
    fault::create_dir(staging).map_err(|e| Error::io(staging, e))?;
    let path = staging.join(RECORDS);
    let file = fault::create(&path).map_err(|e| Error::io(&path, e))?;
    let mut w = BufWriter::new(Checked::new(file, &path));
    let store = &inputs.corpus.store;
    for i in 0..store.len() {
        w.write_all(&store.raw(i)?)
            .and_then(|()| w.write_all(b"\n"))
            .map_err(|e| Error::io(&path, e))?;
    }
    let file = w
        .into_inner()
        .map_err(|e| Error::io(&path, e.into_error()))?
        .into_inner();
    fault::sync(&file, &path).map_err(|e| Error::io(&path, e))?;
    let c = &inputs.corpus;
    let meta = PartMeta {
        k: shard.k,
        n: shard.n,
        builder_version: crate::config::BUILDER_VERSION.into(),
        seeds: seeds.to_string_lossy().into_owned(),
        files: c.files,
        sources_files: c.sources.files,
        sources_bytes: c.sources.bytes,
        sources_sha256: c.sources.sha256.clone(),
        dataset_toml: dataset_toml.into(),
        diagnostics: c
            .diagnostics
            .iter()
            .map(|d| PartDiagnostic {
                file: d.file.clone(),
                line: d.line,
                column: d.column,
                rule: d.rule.id().into(),
                severity: d.severity,
                message: d.message.clone(),
                help: d.help.clone(),
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&meta).map_err(json(staging.join(META)))?;
    bytes.push(b'\n');
    let meta = staging.join(META);
    let write = || -> std::io::Result<()> {
        let mut f = Checked::new(fault::create(&meta)?, &meta);
        f.write_all(&bytes)?;
        fault::sync(f.get_ref(), &meta)
    };
    write().map_err(|e| Error::io(&meta, e))
}

/// What `merge` gives: the inputs of one release, and the seeds folder the
/// shards were built from (findings name their files under it).
pub struct Merged {
    pub inputs: Inputs,
    pub seeds: PathBuf,
}

/// Reads parts (folders `part-K-of-N`, or folders holding them) back into
/// the inputs of one release, with the cross-file checks run over all of
/// them. Every shard 0..N must be there exactly once.
pub fn merge(paths: &[PathBuf]) -> Result<Merged> {
    let mut parts: Vec<(PartMeta, PathBuf)> = Vec::new();
    for p in paths {
        let dirs: Vec<PathBuf> = if p.join(META).is_file() {
            vec![p.clone()]
        } else {
            let mut v: Vec<PathBuf> = fs::read_dir(p)
                .map_err(|e| Error::io(p, e))?
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|d| d.join(META).is_file())
                .collect();
            v.sort();
            v
        };
        for d in dirs {
            let bytes = fs::read(d.join(META)).map_err(|e| Error::io(d.join(META), e))?;
            let meta: PartMeta = serde_json::from_slice(&bytes).map_err(json(d.join(META)))?;
            parts.push((meta, d));
        }
    }
    let bad = |message: String| Error::Part {
        path: paths.first().cloned().unwrap_or_default(),
        message,
    };
    parts.sort_by_key(|(m, _)| m.k);
    let Some((first, _)) = parts.first() else {
        return Err(bad(
            "no parts found (folders named part-K-of-N with a part.json)".into(),
        ));
    };
    let n = first.n;
    let ks: Vec<u32> = parts.iter().map(|(m, _)| m.k).collect();
    if ks != (0..n).collect::<Vec<_>>() || parts.iter().any(|(m, _)| m.n != n) {
        return Err(bad(format!(
            "need each of the {n} shards exactly once; found shards {ks:?}"
        )));
    }
    for (m, d) in &parts {
        if m.sources_sha256 != first.sources_sha256
            || m.dataset_toml != first.dataset_toml
            || m.files != first.files
        {
            return Err(bad(format!(
                "{} was built from other sources than shard 0",
                d.display()
            )));
        }
        if m.builder_version != crate::config::BUILDER_VERSION {
            return Err(bad(format!(
                "{} was built by newscorpus {}, this is {}",
                d.display(),
                m.builder_version,
                crate::config::BUILDER_VERSION
            )));
        }
    }
    let config = DatasetConfig::parse(&first.dataset_toml).map_err(|message| Error::Config {
        path: config::FILE_NAME.into(),
        message,
    })?;

    let mut store = Store::new()?;
    let mut fingerprints = crate::spill::Appender::new(FINGERPRINTS)?;
    let mut diagnostics = Vec::new();
    // The records' file names, on disk: a lineage or a finding reads the
    // one it names.
    let mut names = ListingWriter::new()?;
    let no_folder = names.origin(&std::sync::Arc::new(Origin {
        root: PathBuf::new(),
        shown_as: Shown::Rel,
    }));
    for (m, d) in &parts {
        for pd in &m.diagnostics {
            let rule = *Rule::ALL
                .iter()
                .find(|r| r.id() == pd.rule)
                .ok_or_else(|| bad(format!("unknown rule {}", pd.rule)))?;
            diagnostics.push(Diagnostic {
                file: pd.file.clone(),
                line: pd.line,
                column: pd.column,
                rule,
                severity: pd.severity,
                message: pd.message.clone(),
                help: pd.help.clone(),
                snippet: None,
            });
        }
        let path = d.join(RECORDS);
        let reader = BufReader::new(fs::File::open(&path).map_err(|e| Error::io(&path, e))?);
        for line in reader.split(b'\n') {
            let line = line.map_err(|e| Error::io(&path, e))?;
            if line.is_empty() {
                continue;
            }
            let article: Article = serde_json::from_slice(&line).map_err(json(&path))?;
            store.push(&article, &line)?;
            store.push_row(&similarity::sketch(&article.body))?;
            fingerprints.push(&Fingerprint {
                source: crate::input::digest::prefix128(&article.source_sha256),
                text: crate::input::digest::prefix128(&article.text_sha256),
                id: article.id.as_u64(),
                published: article.order().published,
                has_url: article.url.is_some(),
                name: names.len() as u32,
            })?;
            names.push(&article.source_file, no_folder)?;
        }
    }
    let fingerprints = fingerprints.seal()?;
    let names = names.finish()?;
    let name = |i: u32| Ok(String::from(names.get(i as usize)?.rel).into());
    let across = crate::check::across::across(&fingerprints, &name, &mut store, &config.limits)?;
    diagnostics.extend(across.diagnostics);
    let duplicates =
        super::corpus::drop_duplicates(&mut store, &fingerprints, &across.dropped, &name)?;
    store.finish()?;
    diagnostic::sort(&mut diagnostics);
    let inputs = Inputs {
        config,
        corpus: Corpus {
            store,
            diagnostics,
            files: first.files,
            sources: Sources {
                files: first.sources_files,
                bytes: first.sources_bytes,
                sha256: first.sources_sha256.clone(),
            },
            duplicates,
        },
    };
    Ok(Merged {
        inputs,
        seeds: PathBuf::from(&first.seeds),
    })
}
