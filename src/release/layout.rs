//! What a release folder holds, spelled once: every file name, the manifest
//! (written and read back by the same type), and the one reader of
//! `articles.jsonl`. Everything that opens a release goes through here.

use super::policy::VersionPolicy;
use crate::error::{Error, Result};
use crate::record::Article;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

pub const CHANGES: &str = "CHANGES.md";
pub const CITATION: &str = "CITATION.cff";
pub const CARD: &str = "README.md";
pub const SUMS: &str = "SHA256SUMS";
pub const SCHEMA: &str = "article.schema.json";
pub const CSV: &str = "articles.csv";
pub const JSON: &str = "articles.json";
pub const JSONL: &str = "articles.jsonl";
pub const PARQUET: &str = "articles.parquet";
pub const CHART: &str = "corpus.svg";
pub const CROISSANT: &str = "croissant.json";
pub const DATAPACKAGE: &str = "datapackage.json";
pub const MANIFEST: &str = "manifest.json";
/// Written only when `[dedup]` keeps one of each duplicate group.
pub const DUPLICATES: &str = "duplicates.csv";

/// Every file a release holds, sorted (a test holds this to what the writer
/// writes); a release built with a keep-one `[dedup]` policy also holds
/// [`DUPLICATES`].
pub const FILES: &[&str] = &[
    CHANGES,
    CITATION,
    CARD,
    SUMS,
    SCHEMA,
    CSV,
    JSON,
    JSONL,
    PARQUET,
    CHART,
    CROISSANT,
    DATAPACKAGE,
    MANIFEST,
];

/// `manifest.json`. Field order is the file's key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub name: String,
    pub title: String,
    pub version: String,
    pub license: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_note: Option<String>,
    pub builder: BuilderEntry,
    pub id_rule: u32,
    pub record_count: usize,
    /// Records the `[dedup]` policy left out (listed in `duplicates.csv`);
    /// absent when no policy drops any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicates_dropped: Option<usize>,
    pub version_policy: VersionPolicy,
    pub sort_order: String,
    pub schema_sha256: String,
    pub sources: SourcesEntry,
    pub files: Vec<FileEntry>,
}

/// The program that wrote a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderEntry {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourcesEntry {
    pub files: usize,
    pub bytes: u64,
    /// SHA-256 of the `sha256sum`-format listing of every input file (articles
    /// and dataset.toml), sorted by path: `cd seeds && sha256sum FILES | sha256sum`.
    pub sha256: String,
}

/// A file written into a release, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    /// The manifest's bytes as released: pretty JSON and a final newline.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::Json {
            path: PathBuf::from(MANIFEST),
            source: e,
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Parses a manifest's bytes; `path` is named in the error.
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Manifest> {
        serde_json::from_slice(bytes).map_err(|e| Error::Json {
            path: path.to_path_buf(),
            source: e,
        })
    }

    /// Reads `dir/manifest.json`; a folder without one is not a release,
    /// and the error says so.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST);
        match std::fs::read(&path) {
            Ok(bytes) => Manifest::from_bytes(&path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::NotARelease {
                path: dir.to_path_buf(),
            }),
            Err(e) => Err(Error::io(&path, e)),
        }
    }
}

/// The records of a release's `articles.jsonl`, one line at a time, each
/// error naming the file and line. Blank lines are skipped.
pub struct Records {
    path: PathBuf,
    lines: std::io::Lines<BufReader<File>>,
    line: usize,
}

impl Records {
    pub fn open(dir: &Path) -> Result<Records> {
        Records::open_file(&dir.join(JSONL))
    }

    pub fn open_file(path: &Path) -> Result<Records> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        Ok(Records {
            path: path.to_path_buf(),
            lines: BufReader::with_capacity(1 << 20, file).lines(),
            line: 0,
        })
    }
}

impl Iterator for Records {
    type Item = Result<Article>;

    fn next(&mut self) -> Option<Result<Article>> {
        loop {
            self.line += 1;
            let line = match self.lines.next()? {
                Ok(l) => l,
                Err(e) => return Some(Err(Error::io(&self.path, e))),
            };
            if line.is_empty() {
                continue;
            }
            return Some(serde_json::from_str(&line).map_err(|e| Error::Record {
                path: self.path.clone(),
                line: self.line,
                source: e,
            }));
        }
    }
}
