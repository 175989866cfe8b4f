//! The files of `dist/<version>/`, streamed into a folder: every record is
//! read back from the store once, in release order, and written to the CSV,
//! JSON and JSON Lines files together, each hashed as it is written (nothing
//! is hashed twice, and no file is held in memory). [`crate::dist`] decides
//! whether the folder becomes a release.

use crate::columnar::ParquetSink;
use crate::config::DatasetConfig;
use crate::corpus::Sources;
use crate::diff::Bump;
use crate::error::{Error, Result};
use crate::metadata;
use crate::record::Article;
use crate::schema;
use crate::source::{hex, ID_RULE};
use crate::store::Store;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

pub const CSV: &str = "articles.csv";
pub const JSON: &str = "articles.json";
pub const JSONL: &str = "articles.jsonl";
pub const MANIFEST: &str = "manifest.json";
pub const SUMS: &str = "SHA256SUMS";
pub const CHANGES: &str = "CHANGES.md";

/// Every file a release holds, sorted (a test holds this to what `write` writes).
pub const FILES: &[&str] = &[
    CHANGES,
    crate::metadata::CITATION,
    crate::card::FILE_NAME,
    SUMS,
    crate::schema::FILE_NAME,
    CSV,
    JSON,
    JSONL,
    crate::columnar::FILE_NAME,
    crate::chart::FILE_NAME,
    crate::metadata::CROISSANT,
    crate::metadata::DATAPACKAGE,
    MANIFEST,
];

/// How this version relates to the previous release, recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionPolicy {
    /// The highest earlier release in the same folder.
    pub previous_version: Option<String>,
    /// The smallest bump the change needs (none for an initial release).
    pub required_bump: Option<Bump>,
    pub reasons: Vec<String>,
    /// True when `--allow-version-policy` let a too-small bump through.
    pub overridden: bool,
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
    version_policy: &'a VersionPolicy,
    sort_order: &'static str,
    schema_sha256: String,
    sources: SourcesEntry<'a>,
    files: &'a [FileEntry],
}

#[derive(Serialize)]
struct Builder {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct SourcesEntry<'a> {
    files: usize,
    bytes: u64,
    /// SHA-256 of the `sha256sum`-format listing of every input file (articles
    /// and dataset.toml), sorted by path: `cd seeds && sha256sum FILES | sha256sum`.
    sha256: &'a str,
}

/// A file written into a release, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileEntry {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Hashes and counts what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

struct Output {
    name: &'static str,
    path: std::path::PathBuf,
    w: Hashing<BufWriter<File>>,
}

impl Output {
    fn create(dir: &Path, name: &'static str) -> Result<Self> {
        let path = dir.join(name);
        let file = File::create_new(&path).map_err(|e| Error::io(&path, e))?;
        Ok(Output {
            name,
            path,
            w: Hashing {
                inner: BufWriter::with_capacity(1 << 20, file),
                hasher: Sha256::new(),
                bytes: 0,
            },
        })
    }

    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.w
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))
    }

    /// Flushes and syncs; the entry the manifest lists.
    fn finish(self) -> Result<FileEntry> {
        let Output { name, path, w } = self;
        let Hashing {
            inner,
            hasher,
            bytes,
        } = w;
        let file = inner
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&path, e))?;
        Ok(FileEntry {
            path: name.to_string(),
            bytes,
            sha256: hex(&hasher.finalize()),
        })
    }
}

fn write_whole(dir: &Path, name: &'static str, bytes: &[u8]) -> Result<FileEntry> {
    let mut out = Output::create(dir, name)?;
    out.put(bytes)?;
    out.finish()
}

/// A CSV writer set up as every release writes: RFC 4180 with LF line ends
/// (polars reads CR-only files as empty and some tools mishandle CRLF inside
/// quoted fields); null is an empty cell, which is unambiguous because every
/// string field is non-empty when present.
fn csv_writer_builder() -> csv::WriterBuilder {
    let mut b = csv::WriterBuilder::new();
    b.terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary);
    b
}

fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv_writer_builder().from_writer(w)
}

pub fn csv_bytes(articles: &[Article]) -> Result<Vec<u8>> {
    let mut w = csv_writer(Vec::new());
    if articles.is_empty() {
        w.write_record(crate::record::FIELDS)?;
    }
    for a in articles {
        w.serialize(a)?;
    }
    w.into_inner()
        .map_err(|e| Error::Csv(e.into_error().into()))
}

const WRITE_CHUNK: usize = 4096;

/// One record's bytes in each output format.
struct Rendered {
    csv: Vec<u8>,
    /// Pretty JSON indented one level, as an element of the array.
    json: Vec<u8>,
    jsonl: Vec<u8>,
    article: Article,
}

fn render_one(store: &Store, i: usize) -> Result<Rendered> {
    let raw = store.raw(i)?;
    let article: Article = serde_json::from_slice(&raw)?;
    // The header is written once, before the first record.
    let mut csv = csv_writer_builder()
        .has_headers(false)
        .from_writer(Vec::new());
    csv.serialize(&article)?;
    let csv = csv
        .into_inner()
        .map_err(|e| Error::Csv(e.into_error().into()))?;
    // The bytes serde_json's pretty printer gives for a whole array: each
    // element indented by one level.
    let pretty = serde_json::to_vec_pretty(&article)?;
    let mut json = Vec::with_capacity(pretty.len() + pretty.len() / 8);
    for (k, line) in pretty.split(|&b| b == b'\n').enumerate() {
        if k > 0 {
            json.extend_from_slice(b"\n  ");
        }
        json.extend_from_slice(line);
    }
    Ok(Rendered {
        csv,
        json,
        jsonl: raw,
        article,
    })
}

/// Writes every file of release `version` into `dir` (which must exist and
/// be empty). Returns the entries of SHA256SUMS, sorted by name.
pub fn write(
    dir: &Path,
    config: &DatasetConfig,
    version: &str,
    store: &Store,
    sources: &Sources,
    changes: &str,
    policy: &VersionPolicy,
) -> Result<Vec<FileEntry>> {
    let mut files = vec![
        write_whole(dir, CHANGES, changes.as_bytes())?,
        write_whole(dir, schema::FILE_NAME, schema::TEXT.as_bytes())?,
    ];

    let mut csv_out = Output::create(dir, CSV)?;
    let mut json_out = Output::create(dir, JSON)?;
    let mut jsonl_out = Output::create(dir, JSONL)?;
    let parquet_out = Output::create(dir, crate::columnar::FILE_NAME)?;
    let Output {
        name: parquet_name,
        path: parquet_path,
        w: parquet_w,
    } = parquet_out;
    let mut parquet = ParquetSink::new(parquet_w, WRITE_CHUNK)?;
    let mut stats = crate::stats::Collector::default();
    {
        let mut header = csv_writer(Vec::new());
        header.write_record(crate::record::FIELDS)?;
        csv_out.put(
            &header
                .into_inner()
                .map_err(|e| Error::Csv(e.into_error().into()))?,
        )?;
        if store.is_empty() {
            json_out.put(b"[]")?;
        }
        // Records are read and serialised in parallel, a chunk at a time,
        // and written in order: the bytes do not depend on thread count.
        for start in (0..store.len()).step_by(WRITE_CHUNK) {
            let end = (start + WRITE_CHUNK).min(store.len());
            let rendered: Vec<Result<Rendered>> = (start..end)
                .into_par_iter()
                .map(|i| render_one(store, i))
                .collect();
            let rendered = rendered.into_iter().collect::<Result<Vec<_>>>()?;
            for (i, r) in (start..end).zip(&rendered) {
                csv_out.put(&r.csv)?;
                json_out.put(if i == 0 { b"[\n  " } else { b",\n  " })?;
                json_out.put(&r.json)?;
                jsonl_out.put(&r.jsonl)?;
                jsonl_out.put(b"\n")?;
                stats.add(&r.article);
            }
            // One chunk is one Parquet row group: its bounds depend only on
            // the record count.
            parquet.write(rendered.iter().map(|r| &r.article))?;
        }
        if !store.is_empty() {
            json_out.put(b"\n]")?;
        }
        json_out.put(b"\n")?;
    }
    files.push(csv_out.finish()?);
    files.push(json_out.finish()?);
    files.push(jsonl_out.finish()?);
    files.push(
        Output {
            name: parquet_name,
            path: parquet_path,
            w: parquet.finish()?,
        }
        .finish()?,
    );
    let stats = stats.finish();
    files.push(write_whole(
        dir,
        crate::chart::FILE_NAME,
        crate::chart::svg(&stats, &config.title)?.as_bytes(),
    )?);
    files.push(write_whole(
        dir,
        metadata::DATAPACKAGE,
        metadata::datapackage(config, version, &files)?.as_bytes(),
    )?);
    files.push(write_whole(
        dir,
        metadata::CITATION,
        metadata::citation(config, version).as_bytes(),
    )?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.push(write_whole(
        dir,
        crate::card::FILE_NAME,
        crate::card::card(config, version, &stats, &files)?.as_bytes(),
    )?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.push(write_whole(
        dir,
        metadata::CROISSANT,
        metadata::croissant(config, version, &files)?.as_bytes(),
    )?);
    files.sort_by(|a, b| a.path.cmp(&b.path));

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
        record_count: store.len(),
        version_policy: policy,
        sort_order: "published ascending with nulls last, then id",
        schema_sha256: crate::source::sha256_hex(schema::TEXT.as_bytes()),
        sources: SourcesEntry {
            files: sources.files,
            bytes: sources.bytes,
            sha256: &sources.sha256,
        },
        files: &files,
    };
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    manifest_bytes.push(b'\n');
    files.push(write_whole(dir, MANIFEST, &manifest_bytes)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let sums: String = files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.path))
        .collect();
    write_whole(dir, SUMS, sums.as_bytes())?;
    Ok(files)
}
