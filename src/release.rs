//! [Article] -> the files of `dist/<version>/`, rendered in memory and then
//! published atomically: written into a hidden staging folder beside the
//! target, synced, and renamed into place under a lock. A reader never sees
//! half a release, and a release that exists is never changed.

use crate::config::DatasetConfig;
use crate::corpus::InputFile;
use crate::error::{Error, Result};
use crate::record::Article;
use crate::schema;
use crate::source::{sha256_hex, ID_RULE};
use serde::Serialize;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const CSV: &str = "articles.csv";
pub const JSON: &str = "articles.json";
pub const JSONL: &str = "articles.jsonl";
pub const MANIFEST: &str = "manifest.json";
pub const SUMS: &str = "SHA256SUMS";
const LOCK: &str = ".lock";
const STAGING_PREFIX: &str = ".staging-";

/// One file of a release, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    name: &'a str,
    title: &'a str,
    version: &'a str,
    license: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_note: Option<&'a str>,
    builder: Builder,
    id_rule: u32,
    record_count: usize,
    sort_order: &'static str,
    schema_sha256: String,
    sources: Sources,
    files: Vec<FileEntry>,
}

#[derive(Serialize)]
struct Builder {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Sources {
    files: usize,
    bytes: u64,
    /// SHA-256 of the `sha256sum`-format listing of every input file (articles
    /// and dataset.toml), sorted by path: `cd seeds && sha256sum FILES | sha256sum`.
    sha256: String,
}

#[derive(Serialize)]
struct FileEntry {
    path: String,
    bytes: u64,
    sha256: String,
}

/// Renders every file of a release. Pure: the same inputs give the same bytes.
pub fn render(
    config: &DatasetConfig,
    version: &str,
    articles: &[Article],
    inputs: &[InputFile],
) -> Result<Vec<ReleaseFile>> {
    let mut files = vec![
        ReleaseFile {
            name: CSV.into(),
            bytes: csv_bytes(articles)?,
        },
        ReleaseFile {
            name: JSON.into(),
            bytes: json_bytes(articles)?,
        },
        ReleaseFile {
            name: JSONL.into(),
            bytes: jsonl_bytes(articles)?,
        },
        ReleaseFile {
            name: schema::FILE_NAME.into(),
            bytes: schema::TEXT.as_bytes().to_vec(),
        },
    ];
    files.sort_by(|a, b| a.name.cmp(&b.name));

    let mut inputs = inputs.to_vec();
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        name: &config.name,
        title: &config.title,
        version,
        license: &config.license,
        license_note: config.license_note.as_deref(),
        builder: Builder {
            name: env!("CARGO_PKG_NAME"),
            version: crate::BUILDER_VERSION,
        },
        id_rule: ID_RULE,
        record_count: articles.len(),
        sort_order: "published ascending with nulls last, then id",
        schema_sha256: sha256_hex(schema::TEXT.as_bytes()),
        sources: Sources {
            files: inputs.len(),
            bytes: inputs.iter().map(|i| i.bytes).sum(),
            sha256: sha256_hex(
                sums_listing(inputs.iter().map(|i| (i.sha256.as_str(), i.path.as_str())))
                    .as_bytes(),
            ),
        },
        files: files
            .iter()
            .map(|f| FileEntry {
                path: f.name.clone(),
                bytes: f.bytes.len() as u64,
                sha256: sha256_hex(&f.bytes),
            })
            .collect(),
    };
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    manifest_bytes.push(b'\n');
    files.push(ReleaseFile {
        name: MANIFEST.into(),
        bytes: manifest_bytes,
    });
    files.sort_by(|a, b| a.name.cmp(&b.name));

    let hashes: Vec<(String, &str)> = files
        .iter()
        .map(|f| (sha256_hex(&f.bytes), f.name.as_str()))
        .collect();
    let sums = sums_listing(hashes.iter().map(|(h, n)| (h.as_str(), *n)));
    files.push(ReleaseFile {
        name: SUMS.into(),
        bytes: sums.into_bytes(),
    });
    Ok(files)
}

/// `sha256sum` output format: `<hex>  <path>\n` per file.
fn sums_listing<'a>(entries: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    entries
        .map(|(hash, path)| format!("{hash}  {path}\n"))
        .collect()
}

/// RFC 4180 with LF line ends (polars reads CR-only files as empty and some
/// tools mishandle CRLF inside quoted fields); null is an empty cell, which is
/// unambiguous because every string field is non-empty when present.
pub fn csv_bytes(articles: &[Article]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    if articles.is_empty() {
        w.write_record(crate::record::FIELDS)?;
    }
    for a in articles {
        w.serialize(a)?;
    }
    w.into_inner()
        .map_err(|e| Error::Csv(e.into_error().into()))
}

fn json_bytes(articles: &[Article]) -> Result<Vec<u8>> {
    let mut v = serde_json::to_vec_pretty(articles)?;
    v.push(b'\n');
    Ok(v)
}

fn jsonl_bytes(articles: &[Article]) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    for a in articles {
        serde_json::to_writer(&mut v, a)?;
        v.push(b'\n');
    }
    Ok(v)
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Written(PathBuf),
    /// The release existed with exactly these bytes.
    Unchanged(PathBuf),
}

/// Publishes `files` as `out/version/`.
pub fn publish(out: &Path, version: &str, files: &[ReleaseFile]) -> Result<Outcome> {
    fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let lock_path = out.join(LOCK);
    let lock = File::create(&lock_path).map_err(|e| Error::io(&lock_path, e))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => return Err(Error::Locked { path: lock_path }),
        Err(fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
    }
    remove_stale_staging(out)?;

    let target = out.join(version);
    if target.exists() {
        return compare_existing(&target, files).map(|()| Outcome::Unchanged(target));
    }
    let staging = out.join(format!("{STAGING_PREFIX}{version}-{}", std::process::id()));
    let result = write_staging(&staging, files).and_then(|()| {
        // `rename` replaces an empty target folder silently, so the existence
        // check above must happen under the lock, as it does.
        fs::rename(&staging, &target).map_err(|e| Error::io(&target, e))?;
        sync_dir(out)
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result.map(|()| Outcome::Written(target))
}

fn write_staging(staging: &Path, files: &[ReleaseFile]) -> Result<()> {
    fs::create_dir(staging).map_err(|e| Error::io(staging, e))?;
    for f in files {
        let path = staging.join(&f.name);
        let mut file = File::create_new(&path).map_err(|e| Error::io(&path, e))?;
        file.write_all(&f.bytes).map_err(|e| Error::io(&path, e))?;
        file.sync_all().map_err(|e| Error::io(&path, e))?;
    }
    sync_dir(staging)
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))
}

/// A build killed mid-write leaves a staging folder; no build is running
/// (we hold the lock), so any left is stale.
fn remove_stale_staging(out: &Path) -> Result<()> {
    let entries = fs::read_dir(out).map_err(|e| Error::io(out, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(out, e))?;
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(STAGING_PREFIX)
        {
            fs::remove_dir_all(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}

fn compare_existing(target: &Path, files: &[ReleaseFile]) -> Result<()> {
    let mut differing = Vec::new();
    let mut existing: Vec<String> = fs::read_dir(target)
        .map_err(|e| Error::io(target, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    existing.sort();
    for f in files {
        let path = target.join(&f.name);
        match fs::read(&path) {
            Ok(bytes) if bytes == f.bytes => {}
            Ok(_) => differing.push(f.name.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                differing.push(format!("{} (missing)", f.name))
            }
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    for name in existing {
        if !files.iter().any(|f| f.name == name) {
            differing.push(format!("{name} (not built)"));
        }
    }
    if differing.is_empty() {
        Ok(())
    } else {
        Err(Error::ReleaseDiffers {
            path: target.to_path_buf(),
            files: differing.join(", "),
        })
    }
}
