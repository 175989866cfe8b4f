//! Sharded builds: `build --shard K/N` processes the Kth of N partitions of
//! the corpus (by id) into a part folder; `merge` combines the parts into a
//! release byte-identical to a build on one machine, running the checks
//! that need the whole corpus (duplicates, near duplicates, id collisions).
//!
//! A part holds its records in release order, its findings and what every
//! shard knows alike: the digest of all the sources and dataset.toml.

use crate::builder::Inputs;
use crate::check;
use crate::config::{self, DatasetConfig};
use crate::corpus::{Corpus, Fingerprint, InputFile, Sources};
use crate::diagnostic::{self, Diagnostic, Rule, Severity};
use crate::error::{Error, Result};
use crate::record::Article;
use crate::similarity;
use crate::source::sha256_hex;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u32,
    pub n: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 0/4")?;
        let (k, n): (u32, u32) = (
            k.parse().map_err(|_| format!("`{k}` is not a number"))?,
            n.parse().map_err(|_| format!("`{n}` is not a number"))?,
        );
        if n == 0 || k >= n {
            return Err(format!(
                "shard {k}/{n}: K must be below N (shards are numbered 0 to N-1)"
            ));
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// Whether the article with this source digest is this shard's: the id's
    /// 64 bits modulo N, so shards are even and stable as the corpus grows.
    pub fn owns_id(&self, source_sha256: &str) -> bool {
        u64::from_str_radix(&source_sha256[..16], 16).unwrap_or(0) % u64::from(self.n)
            == u64::from(self.k)
    }

    /// For files with no id (unreadable, not UTF-8): by a hash of the path.
    pub fn owns_path(&self, rel: &str) -> bool {
        u64::from_str_radix(&sha256_hex(rel.as_bytes())[..16], 16).unwrap_or(0) % u64::from(self.n)
            == u64::from(self.k)
    }

    pub fn dir_name(&self) -> String {
        format!("part-{}-of-{}", self.k, self.n)
    }
}

const RECORDS: &str = "records.jsonl";
const META: &str = "part.json";

#[derive(Serialize, Deserialize)]
struct PartMeta {
    k: u32,
    n: u32,
    builder_version: String,
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
    dataset_toml: &str,
) -> Result<PathBuf> {
    fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let target = out.join(shard.dir_name());
    let staging = out.join(format!(
        ".staging-{}-{}",
        shard.dir_name(),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
    let path = staging.join(RECORDS);
    let mut w = BufWriter::new(fs::File::create(&path).map_err(|e| Error::io(&path, e))?);
    let store = &inputs.corpus.store;
    for i in 0..store.len() {
        w.write_all(&store.raw(i)?)
            .and_then(|()| w.write_all(b"\n"))
            .map_err(|e| Error::io(&path, e))?;
    }
    w.flush().map_err(|e| Error::io(&path, e))?;
    let c = &inputs.corpus;
    let meta = PartMeta {
        k: shard.k,
        n: shard.n,
        builder_version: crate::BUILDER_VERSION.into(),
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
    let mut bytes = serde_json::to_vec_pretty(&meta)?;
    bytes.push(b'\n');
    fs::write(staging.join(META), bytes).map_err(|e| Error::io(staging.join(META), e))?;
    if target.exists() {
        fs::remove_dir_all(&target).map_err(|e| Error::io(&target, e))?;
    }
    fs::rename(&staging, &target).map_err(|e| Error::io(&target, e))?;
    Ok(target)
}

/// Reads parts (folders `part-K-of-N`, or folders holding them) back into
/// the inputs of one release, with the cross-file checks run over all of
/// them. Every shard 0..N must be there exactly once.
pub fn merge(paths: &[PathBuf]) -> Result<Inputs> {
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
            let meta: PartMeta = serde_json::from_slice(&bytes).map_err(|e| Error::Release {
                path: d.join(META),
                message: e.to_string(),
            })?;
            parts.push((meta, d));
        }
    }
    let bad = |message: String| Error::Release {
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
        if m.sources_sha256 != first.sources_sha256 || m.dataset_toml != first.dataset_toml {
            return Err(bad(format!(
                "{} was built from other sources than shard 0",
                d.display()
            )));
        }
        if m.builder_version != crate::BUILDER_VERSION {
            return Err(bad(format!(
                "{} was built by newscorpus {}, this is {}",
                d.display(),
                m.builder_version,
                crate::BUILDER_VERSION
            )));
        }
    }
    let config = DatasetConfig::parse(&first.dataset_toml).map_err(|message| Error::Config {
        path: config::FILE_NAME.into(),
        message,
    })?;

    let mut store = Store::new()?;
    let mut fingerprints = Vec::new();
    let mut diagnostics = Vec::new();
    let mut files = 0;
    let mut names: Vec<String> = Vec::new();
    for (m, d) in &parts {
        files += m.files;
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
            let article: Article = serde_json::from_slice(&line)?;
            let record = store.push(&article, &line)? as u32;
            fingerprints.push(Fingerprint {
                source: crate::corpus::prefix128(&article.source_sha256),
                text: crate::corpus::prefix128(&article.text_sha256),
                id: u64::from_str_radix(&article.id[4..], 16).unwrap_or(0),
                sketch: similarity::sketch(&article.body),
                record,
                name: names.len() as u32,
            });
            names.push(article.source_file.clone());
        }
    }
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    diagnostics.extend(check::across(
        &fingerprints,
        &name_refs,
        &mut store,
        &config.limits,
    )?);
    store.finish()?;
    diagnostic::sort(&mut diagnostics);
    let toml = first.dataset_toml.as_bytes();
    Ok(Inputs {
        config_input: InputFile {
            path: config::FILE_NAME.into(),
            bytes: toml.len() as u64,
            sha256: sha256_hex(toml),
        },
        config,
        corpus: Corpus {
            store,
            diagnostics,
            files,
            sources: Sources {
                files: first.sources_files,
                bytes: first.sources_bytes,
                sha256: first.sources_sha256.clone(),
            },
        },
    })
}
