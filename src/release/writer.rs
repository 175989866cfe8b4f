//! The files of `dist/<version>/`, streamed into a folder: every record is
//! read back from the store once, in release order, and written to the CSV,
//! JSON and JSON Lines files together, each hashed as it is written (nothing
//! is hashed twice, and no file is held in memory). [`crate::dist::folder`] decides
//! whether the folder becomes a release.

use super::layout::{
    BuilderEntry, FileEntry, Manifest, SourcesEntry, CARD, CHANGES, CHART, CITATION, CROISSANT,
    CSV, DATAPACKAGE, DUPLICATES, JSON, JSONL, MANIFEST, PARQUET, SCHEMA, SUMS,
};
use super::metadata;
use super::parquet::ParquetSink;
use super::policy::VersionPolicy;
use crate::config::DatasetConfig;
use crate::error::{json, Error, Result};
use crate::fault::{self, Checked, Op};
use crate::input::digest::{hex, sha256_hex};
use crate::input::id::ID_RULE;
use crate::pipeline::corpus::Corpus;
use crate::record::schema;
use crate::record::store::Store;
use crate::record::Article;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

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
    w: Hashing<BufWriter<Checked<File>>>,
}

impl Output {
    fn create(dir: &Path, name: &'static str) -> Result<Self> {
        let path = dir.join(name);
        let file = fault::check(Op::Create, &path)
            .and_then(|()| File::create_new(&path))
            .map_err(|e| Error::io(&path, e))?;
        Ok(Output {
            name,
            w: Hashing {
                inner: BufWriter::with_capacity(1 << 20, Checked::new(file, &path)),
                hasher: Sha256::new(),
                bytes: 0,
            },
            path,
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
        fault::sync(&file.into_inner(), &path).map_err(|e| Error::io(&path, e))?;
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

/// A CSV error, which can only come from rendering a record into memory.
fn csv_err(source: csv::Error) -> Error {
    Error::Csv {
        path: CSV.into(),
        source,
    }
}

/// Records rendered together. Two chunks are held at once (one rendered,
/// one written), each record in four forms (about 23 KB for a 5 KB body):
/// at 4,096 records that was 190 MB of a build's peak.
const WRITE_CHUNK: usize = 1024;

/// Rows in a Parquet row group: part of the file's bytes, so fixed whatever
/// the chunk size (the writer fills a group from several chunks).
const ROW_GROUP: usize = 4096;

// A chunk must end where the Parquet writer's batches end (see
// `parquet::WRITE_BATCH`), and a row group where a chunk does.
const _: () = assert!(
    WRITE_CHUNK.is_multiple_of(crate::release::parquet::WRITE_BATCH)
        && ROW_GROUP.is_multiple_of(WRITE_CHUNK)
);

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
    let article: Article = serde_json::from_slice(&raw).map_err(json(JSONL))?;
    // The header is written once, before the first record.
    let mut csv = csv_writer_builder()
        .has_headers(false)
        .from_writer(Vec::new());
    csv.serialize(&article).map_err(csv_err)?;
    let csv = csv
        .into_inner()
        .map_err(|e| csv_err(e.into_error().into()))?;
    // The bytes serde_json's pretty printer gives for a whole array: each
    // element indented by one level.
    let pretty = serde_json::to_vec_pretty(&article).map_err(json(JSON))?;
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

/// The three text files of the records, and the figures of the card.
struct TextSink {
    csv: Output,
    json: Output,
    jsonl: Output,
    stats: crate::release::stats::Collector,
    first: bool,
}

impl TextSink {
    fn take(&mut self, chunk: &[Rendered]) -> Result<()> {
        for r in chunk {
            self.csv.put(&r.csv)?;
            self.json
                .put(if self.first { b"[\n  " } else { b",\n  " })?;
            self.json.put(&r.json)?;
            self.jsonl.put(&r.jsonl)?;
            self.jsonl.put(b"\n")?;
            self.stats.add(&r.article);
            self.first = false;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(Output, Output, Output, crate::release::stats::Collector)> {
        if !self.first {
            self.json.put(b"\n]")?;
        }
        self.json.put(b"\n")?;
        Ok((self.csv, self.json, self.jsonl, self.stats))
    }
}

type ParquetOut = Hashing<BufWriter<Checked<File>>>;

/// The Parquet file: row groups of [`ROW_GROUP`] rows, so their bounds
/// depend only on the record count.
struct ParquetChunks<F: Fn(Error) -> Error> {
    sink: ParquetSink<ParquetOut>,
    in_parquet: F,
}

impl<F: Fn(Error) -> Error> ParquetChunks<F> {
    fn take(&mut self, chunk: &[Rendered]) -> Result<()> {
        self.sink
            .write(chunk.iter().map(|r| &r.article))
            .map_err(&self.in_parquet)
    }

    fn finish(self) -> Result<ParquetOut> {
        self.sink.finish().map_err(&self.in_parquet)
    }
}

/// Renders chunk after chunk on the thread pool while two threads take the
/// chunk before: one writes and hashes the text files, one encodes Parquet.
/// Each file gets the chunks in order, so the bytes do not depend on thread
/// count or scheduling; at most two chunks are held at once.
fn pipelined<F: Fn(Error) -> Error + Send>(
    starts: impl Iterator<Item = usize>,
    render: impl Fn(usize) -> Result<Vec<Rendered>>,
    mut text: TextSink,
    mut parquet: ParquetChunks<F>,
) -> Result<(
    (Output, Output, Output, crate::release::stats::Collector),
    ParquetOut,
)> {
    use std::sync::mpsc::sync_channel;
    std::thread::scope(|s| {
        let (text_tx, text_rx) = sync_channel::<Arc<Vec<Rendered>>>(0);
        let (parquet_tx, parquet_rx) = sync_channel::<Arc<Vec<Rendered>>>(0);
        let text = s.spawn(move || -> Result<_> {
            for chunk in text_rx {
                text.take(&chunk)?;
            }
            text.finish()
        });
        let parquet = s.spawn(move || -> Result<_> {
            for chunk in parquet_rx {
                parquet.take(&chunk)?;
            }
            parquet.finish()
        });
        let mut rendering = Ok(());
        for start in starts {
            let chunk = match render(start) {
                Ok(chunk) => Arc::new(chunk),
                Err(e) => {
                    rendering = Err(e);
                    break;
                }
            };
            // A writer that stopped has its error to give at `join`.
            if text_tx.send(chunk.clone()).is_err() || parquet_tx.send(chunk).is_err() {
                break;
            }
        }
        drop((text_tx, parquet_tx));
        let (text, parquet) = (joined(text), joined(parquet));
        rendering?;
        Ok((text?, parquet?))
    })
}

/// A writer thread's result; its panic goes on in the caller.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// Writes every file of release `version` into `dir` (which must exist and
/// be empty). Returns the entries of SHA256SUMS, sorted by name.
pub fn write(
    dir: &Path,
    config: &DatasetConfig,
    version: &str,
    corpus: &Corpus,
    changes: &str,
    policy: &VersionPolicy,
) -> Result<Vec<FileEntry>> {
    let (store, sources, duplicates) = (&corpus.store, &corpus.sources, &corpus.duplicates);
    let mut files = vec![
        write_whole(dir, CHANGES, changes.as_bytes())?,
        write_whole(dir, SCHEMA, schema::TEXT.as_bytes())?,
    ];
    if config.dedup.drops() {
        files.push(write_whole(
            dir,
            DUPLICATES,
            &crate::release::duplicates::csv(duplicates),
        )?);
    }

    let mut csv_out = Output::create(dir, CSV)?;
    let mut json_out = Output::create(dir, JSON)?;
    let jsonl_out = Output::create(dir, JSONL)?;
    let parquet_out = Output::create(dir, PARQUET)?;
    let Output {
        name: parquet_name,
        path: parquet_path,
        w: parquet_w,
    } = parquet_out;
    // Parquet's errors do not know the file; an I/O error there must name it.
    let shown = parquet_path.display().to_string();
    let in_parquet = |e: Error| match e {
        Error::Parquet(m) => Error::Parquet(format!("{shown}: {m}")),
        e => e,
    };
    let parquet = ParquetSink::new(parquet_w, ROW_GROUP).map_err(in_parquet)?;
    let mut header = csv_writer(Vec::new());
    header
        .write_record(crate::record::FIELDS)
        .map_err(csv_err)?;
    csv_out.put(
        &header
            .into_inner()
            .map_err(|e| csv_err(e.into_error().into()))?,
    )?;
    if store.is_empty() {
        json_out.put(b"[]")?;
    }
    let text = TextSink {
        csv: csv_out,
        json: json_out,
        jsonl: jsonl_out,
        stats: crate::release::stats::Collector::default(),
        first: true,
    };
    let parquet = ParquetChunks {
        sink: parquet,
        in_parquet,
    };
    let render = |start: usize| -> Result<Vec<Rendered>> {
        let end = (start + WRITE_CHUNK).min(store.len());
        (start..end)
            .into_par_iter()
            .map(|i| render_one(store, i))
            .collect()
    };
    let starts = (0..store.len()).step_by(WRITE_CHUNK);
    let (text, parquet) = if rayon::current_num_threads() == 1 {
        // One thread asked for: one thread used.
        let (mut text, mut parquet) = (text, parquet);
        for start in starts {
            let chunk = render(start)?;
            text.take(&chunk)?;
            parquet.take(&chunk)?;
        }
        (text.finish()?, parquet.finish()?)
    } else {
        pipelined(starts, render, text, parquet)?
    };
    let (csv_out, json_out, jsonl_out, stats) = text;
    files.push(csv_out.finish()?);
    files.push(json_out.finish()?);
    files.push(jsonl_out.finish()?);
    files.push(
        Output {
            name: parquet_name,
            path: parquet_path,
            w: parquet,
        }
        .finish()?,
    );
    let stats = stats.finish();
    files.push(write_whole(
        dir,
        CHART,
        crate::release::chart::svg(&stats, &config.title)?.as_bytes(),
    )?);
    files.push(write_whole(
        dir,
        DATAPACKAGE,
        metadata::datapackage(config, version, &files)?.as_bytes(),
    )?);
    files.push(write_whole(
        dir,
        CITATION,
        metadata::citation(config, version).as_bytes(),
    )?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.push(write_whole(
        dir,
        CARD,
        crate::release::card::card(config, version, &stats, &files, duplicates)?.as_bytes(),
    )?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.push(write_whole(
        dir,
        CROISSANT,
        metadata::croissant(config, version, &files)?.as_bytes(),
    )?);
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let manifest = Manifest {
        name: config.name.clone(),
        title: config.title.clone(),
        version: version.to_string(),
        license: config.license.clone(),
        license_note: config.license_note.clone(),
        builder: BuilderEntry {
            name: env!("CARGO_PKG_NAME").into(),
            version: crate::config::BUILDER_VERSION.into(),
        },
        id_rule: ID_RULE,
        record_count: store.len(),
        duplicates_dropped: config.dedup.drops().then_some(duplicates.len()),
        version_policy: policy.clone(),
        sort_order: "published ascending with nulls last, then id".into(),
        schema_sha256: sha256_hex(schema::TEXT.as_bytes()),
        sources: SourcesEntry {
            files: sources.files,
            bytes: sources.bytes,
            sha256: sources.sha256.clone(),
        },
        files: files.clone(),
    };
    files.push(write_whole(dir, MANIFEST, &manifest.to_bytes()?)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let sums: String = files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.path))
        .collect();
    write_whole(dir, SUMS, sums.as_bytes())?;
    Ok(files)
}
