//! Runs the per-file pipeline (read -> parse -> record -> check) over the
//! article files in parallel, chunk by chunk, spilling each record to disk
//! as it comes, then the cross-file checks. Output never depends on thread
//! count: rayon's indexed collect keeps input order within a chunk, chunks
//! are taken in order, and everything is sorted before it leaves.

use crate::cache::ParseCache;
use crate::check;
use crate::config::Limits;
use crate::diagnostic::{self, Diagnostic, Rule};
use crate::discover::{self, Entry};
use crate::error::Result;
use crate::parse::{self, Parsed};
use crate::record::Article;
use crate::schema;
use crate::shard::Shard;
use crate::similarity::{self, Sketch};
use crate::source::{self, sha256_hex, Source};
use crate::store::Store;
use crate::timings::{self, Stage};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// Files in flight at once: enough to keep every core busy, few enough that
/// memory does not grow with the corpus.
const CHUNK: usize = 1024;

/// One input file as read: its size and the SHA-256 of its raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Everything one file yielded. A stage that failed leaves the later ones `None`.
#[derive(Debug)]
pub struct Processed {
    pub input: Option<InputFile>,
    pub source: Option<Source>,
    pub parsed: Option<Parsed>,
    pub article: Option<Article>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A record's JSON Lines bytes and its similarity sketch, made in the
/// parallel stage.
type Spilled = (Vec<u8>, Sketch);

/// What the cross-file checks keep of each record.
pub struct Fingerprint {
    /// The first 128 bits of `source_sha256` and `text_sha256`: equal
    /// prefixes of this length mean equal digests for any corpus that fits
    /// on a disk.
    pub source: u128,
    pub text: u128,
    pub id: u64,
    pub sketch: Sketch,
    /// Index in the store, in insertion order.
    pub record: u32,
    /// Index of the file in the list of names the checks are given (a
    /// number, not the path again: at a million files the paths would
    /// double the memory the checks need).
    pub name: u32,
}

/// `sha256sum`-format listing of every input, hashed as it streams past in
/// path order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    pub files: usize,
    pub bytes: u64,
    /// SHA-256 of `<sha256>  <path>\n` for every input, sorted by path.
    pub sha256: String,
}

struct SourcesDigest {
    hasher: Sha256,
    files: usize,
    bytes: u64,
    /// Inputs from outside the walk (dataset.toml), merged in by path.
    extra: Vec<InputFile>,
}

impl SourcesDigest {
    fn new(extra: &[InputFile]) -> Self {
        let mut extra = extra.to_vec();
        extra.sort_by(|a, b| b.path.cmp(&a.path));
        SourcesDigest {
            hasher: Sha256::new(),
            files: 0,
            bytes: 0,
            extra,
        }
    }

    fn add(&mut self, input: &InputFile) {
        while self.extra.last().is_some_and(|e| e.path < input.path) {
            let e = self.extra.pop().expect("checked");
            self.line(&e);
        }
        self.line(input);
    }

    fn line(&mut self, input: &InputFile) {
        self.hasher
            .update(format!("{}  {}\n", input.sha256, input.path));
        self.files += 1;
        self.bytes += input.bytes;
    }

    fn finish(mut self) -> Sources {
        while let Some(e) = self.extra.pop() {
            self.line(&e);
        }
        Sources {
            files: self.files,
            bytes: self.bytes,
            sha256: source::hex(&self.hasher.finalize()),
        }
    }
}

pub struct Corpus {
    /// The records, in release order (published, nulls last; then id).
    pub store: Store,
    /// Sorted by file, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of article files examined.
    pub files: usize,
    pub sources: Sources,
}

impl Corpus {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Discovers and processes every article under `root`; `extra` inputs
/// (dataset.toml) join the sources digest.
pub fn load_dir(
    root: &Path,
    limits: &Limits,
    extra: &[InputFile],
    shard: Option<Shard>,
    cache: Option<ParseCache>,
    progress: &dyn Fn(usize, usize),
) -> Result<Corpus> {
    let found = discover::discover(root, limits)?;
    let total = found.articles.len();
    let mut corpus = load_entries(&found.articles, limits, extra, shard, cache, &|n| {
        progress(n, total)
    })?;
    // Findings about the folder itself belong to one shard, the first.
    if shard.is_none_or(|s| s.k == 0) {
        corpus.diagnostics.extend(found.diagnostics);
    }
    diagnostic::sort(&mut corpus.diagnostics);
    Ok(corpus)
}

/// `cache`, when given, is consulted for files seen before and filled with
/// the rest (only for whole-corpus runs: a shard parses part of each file
/// set, and its results are not what a whole run would cache).
pub fn load_entries(
    entries: &[Entry],
    limits: &Limits,
    extra: &[InputFile],
    shard: Option<Shard>,
    cache: Option<ParseCache>,
    progress: &dyn Fn(usize),
) -> Result<Corpus> {
    let mut cache = cache.filter(|_| shard.is_none());
    // Fail on a broken embedded schema once, up front, not once per file.
    schema::validator()?;
    let mut store = Store::new()?;
    let mut diagnostics = Vec::new();
    let mut fingerprints = Vec::new();
    let mut digest = SourcesDigest::new(extra);
    let mut done = 0;
    for chunk in entries.chunks(CHUNK) {
        let shared = cache.as_ref();
        let results: Vec<(Processed, Option<Spilled>, Option<Lookup>)> = chunk
            .par_iter()
            .map(|e| process_file_cached(e, limits, shard, shared))
            .collect();
        for ((n, entry), (p, extra, lookup)) in chunk.iter().enumerate().zip(results) {
            if let (Some(c), Some(lookup)) = (cache.as_mut(), lookup) {
                match lookup {
                    Lookup::Hit(key) => c.mark_used(key),
                    Lookup::Miss(key) => {
                        let entry = crate::cache::Entry {
                            record: extra.clone(),
                            diagnostics: p.diagnostics.clone(),
                        };
                        if c.put(key, &entry).is_err() {
                            // A full disk or a lost folder: go on without it.
                            cache = None;
                        }
                    }
                }
            }
            let display = entry.shown();
            diagnostics.extend(p.diagnostics.into_iter().map(|mut d| {
                if d.file == entry.rel {
                    d.file = display.to_string();
                }
                d
            }));
            if let Some(input) = &p.input {
                digest.add(input);
            }
            if let (Some(article), Some((json, sketch))) = (&p.article, extra) {
                let record = store.push(article, &json)? as u32;
                fingerprints.push(Fingerprint {
                    source: prefix128(&article.source_sha256),
                    text: prefix128(&article.text_sha256),
                    id: u64::from_str_radix(&article.id[4..], 16).unwrap_or(0),
                    sketch,
                    record,
                    name: (done + n) as u32,
                });
            }
        }
        progress(chunk.len());
        done += chunk.len();
    }
    // A shard sees part of the corpus: `merge` runs the cross-file checks
    // over all of it.
    if shard.is_none() {
        diagnostics.extend(timings::time(Stage::CrossFile, || {
            let names: Vec<&str> = entries.iter().map(Entry::shown).collect();
            check::across(&fingerprints, &names, &mut store, limits)
        })?);
    }
    store.finish()?;
    if let Some(c) = cache {
        c.finish();
    }
    diagnostic::sort(&mut diagnostics);
    Ok(Corpus {
        store,
        diagnostics,
        files: entries.len(),
        sources: digest.finish(),
    })
}

/// Whether a file's result came from the cache, by its cache key.
enum Lookup {
    Hit(u128),
    Miss(u128),
}

/// A record's spill bytes and sketch, computed in the parallel stage.
fn spill(p: &Processed) -> Option<Spilled> {
    p.article.as_ref().map(|a| {
        timings::time(Stage::Serialize, || {
            let json = serde_json::to_vec(a).expect("records serialize");
            (json, similarity::sketch(&a.body))
        })
    })
}

/// [`process_file`], answered from `cache` when it holds this path and
/// content: the file is still read and hashed (that is how it is known to
/// be unchanged), but not parsed.
fn process_file_cached(
    entry: &Entry,
    limits: &Limits,
    shard: Option<Shard>,
    cache: Option<&ParseCache>,
) -> (Processed, Option<Spilled>, Option<Lookup>) {
    let plain = || {
        let p = process_file(entry, limits, shard);
        let s = spill(&p);
        (p, s, None)
    };
    let Some(cache) = cache else {
        return plain();
    };
    let bytes = match timings::time(Stage::Read, || {
        read_capped(&entry.path(), limits.max_file_bytes)
    }) {
        Ok(Some(bytes)) => bytes,
        // Too large or unreadable: the plain path says so.
        _ => return plain(),
    };
    let sha = timings::time(Stage::Read, || sha256_hex(&bytes));
    let key = cache.key(&entry.rel, &sha);
    let input = InputFile {
        path: entry.rel.clone(),
        bytes: bytes.len() as u64,
        sha256: sha,
    };
    if let Some(hit) = cache.get(key) {
        let article = match &hit.record {
            Some((json, _)) => serde_json::from_slice::<Article>(json).ok(),
            None => None,
        };
        if article.is_some() == hit.record.is_some() {
            let p = Processed {
                input: Some(input),
                source: None,
                parsed: None,
                article,
                diagnostics: hit.diagnostics,
            };
            return (p, hit.record, Some(Lookup::Hit(key)));
        }
    }
    let p = process_hashed(&entry.rel, &bytes, input, limits, None);
    let s = spill(&p);
    (p, s, Some(Lookup::Miss(key)))
}

/// The first 128 bits of a hex SHA-256 (0 for anything shorter).
pub(crate) fn prefix128(hex: &str) -> u128 {
    hex.get(..32)
        .and_then(|h| u128::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}

pub fn process_file(entry: &Entry, limits: &Limits, shard: Option<Shard>) -> Processed {
    // A file that cannot be read has no id; its findings go to the shard
    // its path falls in.
    let mine = || shard.is_none_or(|s| s.owns_path(&entry.rel));
    let mut p = match timings::time(Stage::Read, || read_capped(&entry.path(), limits.max_file_bytes)) {
        Ok(Some(bytes)) => return process_sharded(&entry.rel, &bytes, limits, shard),
        Ok(None) => failed(
            Diagnostic::new(
                &entry.rel,
                Rule::FileTooLarge,
                format!("the file is larger than the limit of {} bytes", limits.max_file_bytes),
            )
            .help("an article this large is probably not one article; split it, or raise limits.max_file_bytes in dataset.toml"),
        ),
        Err(e) => failed(
            Diagnostic::new(&entry.rel, Rule::UnreadableFile, format!("cannot read the file: {e}"))
                .help("check the file's permissions"),
        ),
    };
    if !mine() {
        p.diagnostics.clear();
    }
    p
}

fn failed(d: Diagnostic) -> Processed {
    Processed {
        input: None,
        source: None,
        parsed: None,
        article: None,
        diagnostics: vec![d],
    }
}

/// Reads at most `limit` bytes; `None` when the file is larger, so a huge
/// file is never read whole.
fn read_capped(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(None);
    }
    Ok(Some(bytes))
}

pub fn process_bytes(rel: &str, bytes: &[u8], limits: &Limits) -> Processed {
    process_sharded(rel, bytes, limits, None)
}

/// Every shard reads and canonicalises every file (so each knows every id
/// and the digest of all the sources), and parses only the files whose id
/// falls in it.
fn process_sharded(rel: &str, bytes: &[u8], limits: &Limits, shard: Option<Shard>) -> Processed {
    let input = InputFile {
        path: rel.to_string(),
        bytes: bytes.len() as u64,
        sha256: timings::time(Stage::Read, || sha256_hex(bytes)),
    };
    process_hashed(rel, bytes, input, limits, shard)
}

/// The rest of [`process_sharded`], for bytes already hashed into `input`.
fn process_hashed(
    rel: &str,
    bytes: &[u8],
    input: InputFile,
    limits: &Limits,
    shard: Option<Shard>,
) -> Processed {
    let input = Some(input);
    let source = match timings::time(Stage::Canonicalize, || source::read(rel, bytes)) {
        Ok(s) => s,
        Err(d) => {
            let mut p = Processed {
                input,
                ..failed(*d)
            };
            if shard.is_some_and(|s| !s.owns_path(rel)) {
                p.diagnostics.clear();
            }
            return p;
        }
    };
    if shard.is_some_and(|s| !s.owns_id(&source.source_sha256)) {
        return Processed {
            input,
            source: None,
            parsed: None,
            article: None,
            diagnostics: Vec::new(),
        };
    }
    let options = parse::Options {
        date_order: limits.date_order,
    };
    let parsed = timings::time(Stage::Parse, || parse::parse(&source, &options));
    let article = timings::time(Stage::Parse, || Article::new(&source, &parsed));
    let mut diagnostics = parsed.diagnostics.clone();
    diagnostics.extend(timings::time(Stage::Check, || {
        check::article(&source, &parsed, &article, limits)
    }));
    match timings::time(Stage::Schema, || schema::check(&article)) {
        Ok(d) => diagnostics.extend(d),
        Err(e) => diagnostics.push(Diagnostic::new(rel, Rule::SchemaViolation, e.to_string())),
    }
    Processed {
        input,
        source: Some(source),
        parsed: Some(parsed),
        article: Some(article),
        diagnostics,
    }
}
