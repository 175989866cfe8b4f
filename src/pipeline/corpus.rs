//! Runs the per-file pipeline (read -> parse -> record -> check) over the
//! article files in parallel, chunk by chunk, spilling each record to disk
//! as it comes, then the cross-file checks. Output never depends on thread
//! count: rayon's indexed collect keeps input order within a chunk, chunks
//! are taken in in order (each while the next is processed), and everything
//! is sorted before it leaves.

use super::cache::ParseCache;
use super::partition::Shard;
use super::timings::{self, Stage};
use crate::check::across::{Fingerprint, Lineage, FINGERPRINTS};
use crate::check::similarity::{self, Sketch};
use crate::config::Limits;
use crate::diagnostic::{self, Diagnostic, Rule};
use crate::error::Result;
use crate::input::digest::{hex, prefix128, sha256_hex};
use crate::input::discover;
use crate::input::listing::{Entry, Listing};
use crate::input::source;
use crate::input::sources::{InputFile, Sources, SourcesDigest};
use crate::parse::{self, Parsed};
use crate::record::article::Order;
use crate::record::schema;
use crate::record::store::{Keep, Store};
use crate::record::Article;
use crate::spill::{Appender, Table};
use rayon::prelude::*;
use std::io::Read;
use std::path::Path;

/// Files processed together: enough to keep every core busy, few enough that
/// memory does not grow with the corpus (two chunks are held at once: one
/// being processed, the one before it being taken in).
const CHUNK: usize = 1024;

/// Everything one file yielded. A stage that failed leaves the later ones `None`.
#[derive(Debug)]
pub struct Processed {
    pub input: Option<InputFile>,
    pub parsed: Option<Parsed>,
    pub article: Option<Article>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A record's JSON Lines bytes (empty when the store keeps only bodies) and
/// its similarity sketch, made in the parallel stage.
type Spilled = (Vec<u8>, Sketch);

pub struct Corpus {
    /// The records, in release order (published, nulls last; then id).
    pub store: Store,
    /// Sorted by file, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of article files examined.
    pub files: usize,
    pub sources: Sources,
    /// What the duplicate policy left out, sorted by file (empty unless a
    /// `[dedup]` policy keeps one of a group).
    pub duplicates: Vec<Lineage>,
}

impl Corpus {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Compiles the parser's patterns and the schema on a thread of its own (see
/// [`parse::warm_up`]), to be called before listing the input. Nothing
/// waits for it: a worker that needs a pattern before the thread has
/// compiled it waits for that one pattern, as it would without this; a
/// thread that cannot be started leaves everything lazy.
pub fn warm_up_in_background() {
    let _ = std::thread::Builder::new()
        .name("warm-up".into())
        .spawn(|| {
            parse::warm_up();
            crate::check::per_article::warm_up();
            let _ = schema::validator();
        });
}

/// Discovers and processes every article under `root`; `extra` inputs
/// (dataset.toml) join the sources digest.
pub fn load_dir(
    root: &Path,
    limits: &Limits,
    extra: &[InputFile],
    shard: Option<Shard>,
    cache: Option<ParseCache>,
    keep: Keep,
    progress: &dyn Fn(usize, usize),
) -> Result<Corpus> {
    let found = discover::discover(root, limits)?;
    let total = found.articles.len();
    let mut corpus = load_entries(&found.articles, limits, extra, shard, cache, keep, &|n| {
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
/// set, and its results are not what a whole run would cache). `keep` says
/// what the returned store holds; the cache holds records, so with one the
/// store keeps records too.
pub fn load_entries(
    entries: &Listing,
    limits: &Limits,
    extra: &[InputFile],
    shard: Option<Shard>,
    cache: Option<ParseCache>,
    keep: Keep,
    progress: &dyn Fn(usize),
) -> Result<Corpus> {
    let mut cache = cache.filter(|_| shard.is_none());
    let keep = if cache.is_some() { Keep::Records } else { keep };
    // Fail on a broken embedded schema once, up front, not once per file.
    schema::validator()?;
    let mut taken = Taken {
        store: Store::keeping(keep)?,
        diagnostics: Vec::new(),
        // A shard runs no checks across files: nothing to keep for them.
        fingerprints: shard
            .is_none()
            .then(|| Appender::new(FINGERPRINTS))
            .transpose()?,
        digest: SourcesDigest::new(extra),
    };
    // Each chunk is processed on the pool while the one before it is taken
    // in, so no core waits for the serial intake (it is about a tenth of the
    // work). Chunks are still taken in order, so the output is the same.
    let mut pending: Option<(usize, Vec<Entry>, Vec<Intake>)> = None;
    let mut starts = (0..entries.len()).step_by(CHUNK).peekable();
    while pending.is_some() || starts.peek().is_some() {
        // The listing is on disk: a chunk's entries are read back as it starts.
        let next = starts
            .next()
            .map(|start| {
                let chunk = entries.range(start, (start + CHUNK).min(entries.len()))?;
                Ok::<_, crate::error::Error>((start, chunk))
            })
            .transpose()?;
        let shared = cache.as_ref();
        let (results, took) = rayon::join(
            || {
                next.map(|(start, chunk)| {
                    let results: Vec<Intake> = chunk
                        .par_iter()
                        .map(|e| {
                            let (p, spilled, lookup) =
                                process_file_cached(e, limits, shard, shared, keep);
                            Intake::new(p, spilled, lookup, keep)
                        })
                        .collect();
                    (start, chunk, results)
                })
            },
            || {
                pending
                    .take()
                    .map(|(start, chunk, results)| taken.take(&chunk, start, results))
                    .transpose()
            },
        );
        if let Some((n, ops)) = took? {
            if let Some(c) = cache.as_mut() {
                // A full disk or a lost folder: go on without the cache.
                if ops.into_iter().any(|op| op.apply(c).is_err()) {
                    cache = None;
                }
            }
            progress(n);
        }
        pending = results;
    }
    let Taken {
        mut store,
        mut diagnostics,
        fingerprints,
        digest,
        ..
    } = taken;
    // A shard sees part of the corpus: `merge` runs the cross-file checks
    // over all of it.
    let mut duplicates = Vec::new();
    if let Some(fingerprints) = fingerprints {
        let fingerprints = fingerprints.seal()?;
        let names = |i: u32| {
            let entry = entries.get(i as usize)?;
            Ok(std::borrow::Cow::Owned(entry.shown().into_owned()))
        };
        let across = timings::time(Stage::CrossFile, || {
            crate::check::across::across(&fingerprints, &names, &mut store, limits)
        })?;
        diagnostics.extend(across.diagnostics);
        duplicates = drop_duplicates(&mut store, &fingerprints, &across.dropped, &names)?;
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
        duplicates,
    })
}

/// What the serial intake needs of one file, made on the worker that
/// processed it. The file's text, parse and record are freed there, by the
/// thread that allocated them: freed by the intake on the other thread, each
/// of their dozens of allocations took the allocator's lock on the worker's
/// arena, and on two threads about 5% of the CPU time went to waiting on it.
struct Intake {
    input: Option<InputFile>,
    diagnostics: Vec<Diagnostic>,
    record: Option<Kept>,
    lookup: Option<Lookup>,
}

/// A record as the store and the cross-file checks take it.
struct Kept {
    order: Order,
    /// What the store keeps of it (see [`Keep`]): the JSON Lines bytes,
    /// which are also what the cache holds, or the body.
    bytes: Vec<u8>,
    sketch: Sketch,
    /// Its `name` is the intake's to fill in.
    fingerprint: Fingerprint,
}

impl Intake {
    fn new(p: Processed, spilled: Option<Spilled>, lookup: Option<Lookup>, keep: Keep) -> Self {
        let Processed {
            input,
            article,
            diagnostics,
            ..
        } = p;
        let record = article.zip(spilled).map(|(article, (json, sketch))| {
            let order = article.order();
            let fingerprint = Fingerprint {
                source: prefix128(&article.source_sha256),
                text: prefix128(&article.text_sha256),
                id: article.id.as_u64(),
                published: order.published,
                has_url: article.url.is_some(),
                name: 0,
            };
            let bytes = match keep {
                Keep::Records => json,
                Keep::Bodies => article.body.into_bytes(),
            };
            Kept {
                order,
                bytes,
                sketch,
                fingerprint,
            }
        });
        Intake {
            input,
            diagnostics,
            record,
            lookup,
        }
    }
}

/// What the serial intake has gathered so far.
struct Taken {
    store: Store,
    diagnostics: Vec<Diagnostic>,
    /// The `i`th is the store's `i`th record's; `None` for a shard.
    fingerprints: Option<Appender<Fingerprint>>,
    digest: SourcesDigest,
}

impl Taken {
    /// Takes in the results of `chunk`, the entries from `start` on, in
    /// order; returns how many files it held and what the cache must learn,
    /// which waits until no worker is reading the cache.
    fn take(
        &mut self,
        chunk: &[Entry],
        start: usize,
        results: Vec<Intake>,
    ) -> Result<(usize, Vec<CacheOp>)> {
        let n = results.len();
        let mut ops = Vec::new();
        for (i, intake) in results.into_iter().enumerate() {
            let entry = &chunk[i];
            match intake.lookup {
                Some(Lookup::Hit(key)) => ops.push(CacheOp::Used(key)),
                // With a cache the store keeps records: the bytes are the
                // record's JSON.
                Some(Lookup::Miss(key)) => ops.push(CacheOp::Put(
                    key,
                    crate::pipeline::cache::Entry {
                        record: intake.record.as_ref().map(|r| (r.bytes.clone(), r.sketch)),
                        diagnostics: intake.diagnostics.clone(),
                    },
                )),
                None => {}
            }
            self.diagnostics
                .extend(intake.diagnostics.into_iter().map(|mut d| {
                    if *d.file == *entry.rel {
                        d.file = entry.shown().into_owned();
                    }
                    d
                }));
            if let Some(input) = &intake.input {
                self.digest.add(input);
            }
            if let Some(kept) = intake.record {
                self.store.push_kept(kept.order, &kept.bytes)?;
                if let Some(fingerprints) = self.fingerprints.as_mut() {
                    self.store.push_row(&kept.sketch)?;
                    fingerprints.push(&Fingerprint {
                        name: (start + i) as u32,
                        ..kept.fingerprint
                    })?;
                }
            }
        }
        Ok((n, ops))
    }
}

/// A change to the parse cache, made on the calling thread between chunks.
enum CacheOp {
    Used(u128),
    Put(u128, crate::pipeline::cache::Entry),
}

impl CacheOp {
    fn apply(self, cache: &mut ParseCache) -> std::io::Result<()> {
        match self {
            CacheOp::Used(key) => {
                cache.mark_used(key);
                Ok(())
            }
            CacheOp::Put(key, entry) => cache.put(key, &entry),
        }
    }
}

/// Leaves the records the duplicate policy dropped out of `store`, and
/// returns their lineage.
pub fn drop_duplicates<'n>(
    store: &mut Store,
    fingerprints: &Table<Fingerprint>,
    dropped: &[crate::check::across::Dropped],
    names: &dyn Fn(u32) -> Result<std::borrow::Cow<'n, str>>,
) -> Result<Vec<Lineage>> {
    let records: Vec<usize> = dropped.iter().map(|d| d.dropped).collect();
    store.drop_inserted(&records);
    crate::check::across::lineage(fingerprints, dropped, names)
}

/// Whether a file's result came from the cache, by its cache key.
enum Lookup {
    Hit(u128),
    Miss(u128),
}

/// A record's spill bytes and sketch, computed in the parallel stage.
fn spill(p: &Processed, keep: Keep) -> Option<Spilled> {
    p.article.as_ref().map(|a| {
        timings::time(Stage::Serialize, || {
            let json = match keep {
                Keep::Records => serde_json::to_vec(a).expect("records serialize"),
                Keep::Bodies => Vec::new(),
            };
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
    keep: Keep,
) -> (Processed, Option<Spilled>, Option<Lookup>) {
    let plain = || {
        let p = process_file(entry, limits, shard);
        let s = spill(&p, keep);
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
        path: entry.rel.to_string(),
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
                parsed: None,
                article,
                diagnostics: hit.diagnostics,
            };
            return (p, hit.record, Some(Lookup::Hit(key)));
        }
    }
    let p = process_hashed(&entry.rel, &bytes, input, limits, None);
    let s = spill(&p, Keep::Records);
    (p, s, Some(Lookup::Miss(key)))
}

pub fn process_file(entry: &Entry, limits: &Limits, shard: Option<Shard>) -> Processed {
    // A file that cannot be read has no id; its findings go to the shard
    // its path falls in.
    let mine = || shard.is_none_or(|s| s.owns_path(&entry.rel));
    let mut p = match timings::time(Stage::Read, || read_capped(&entry.path(), limits.max_file_bytes)) {
        Ok(Some(bytes)) => return process_sharded(&entry.rel, &bytes, limits, shard),
        Ok(None) => failed(
            Diagnostic::new(
                &*entry.rel,
                Rule::FileTooLarge,
                format!("the file is larger than the limit of {} bytes", limits.max_file_bytes),
            )
            .help("an article this large is probably not one article; split it, or raise limits.max_file_bytes in dataset.toml"),
        ),
        Err(e) => failed(
            Diagnostic::new(&*entry.rel, Rule::UnreadableFile, format!("cannot read the file: {e}"))
                .help(if e.kind() == std::io::ErrorKind::NotFound {
                    "the file was listed but is gone: was it moved or deleted while the folder was read? Run again"
                } else {
                    "check the file's permissions"
                }),
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
        parsed: None,
        article: None,
        diagnostics: vec![d],
    }
}

/// Reads at most `limit` bytes; `None` when the file is larger, so a huge
/// file is never read whole.
fn read_capped(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    crate::fault::check(crate::fault::Op::Read, path)?;
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
    // The file's digest and its canonical text's, in one pass where they can.
    let (digest, source) = timings::time(Stage::Canonicalize, || source::read_hashed(rel, bytes));
    let input = InputFile {
        path: rel.to_string(),
        bytes: bytes.len() as u64,
        sha256: hex(&digest),
    };
    process_source(rel, input, source, limits, shard)
}

/// The rest of [`process_sharded`], for bytes already hashed into `input`.
fn process_hashed(
    rel: &str,
    bytes: &[u8],
    input: InputFile,
    limits: &Limits,
    shard: Option<Shard>,
) -> Processed {
    let source = timings::time(Stage::Canonicalize, || source::read(rel, bytes));
    process_source(rel, input, source, limits, shard)
}

/// The rest of [`process_hashed`], once the bytes are read as `source`.
fn process_source(
    rel: &str,
    input: InputFile,
    source: std::result::Result<source::Source, Box<Diagnostic>>,
    limits: &Limits,
    shard: Option<Shard>,
) -> Processed {
    let input = Some(input);
    let source = match source {
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
    if shard.is_some_and(|s| !s.owns_id(source.id)) {
        return Processed {
            input,
            parsed: None,
            article: None,
            diagnostics: Vec::new(),
        };
    }
    let options = parse::Options {
        date_order: limits.date_order_for(rel),
    };
    let parsed = timings::time(Stage::Parse, || parse::parse(&source, &options));
    let article = timings::time(Stage::Parse, || Article::new(&source, &parsed));
    let mut diagnostics = parsed.diagnostics.clone();
    diagnostics.extend(timings::time(Stage::Check, || {
        crate::check::per_article::article(&source, &parsed, &article, limits)
    }));
    match timings::time(Stage::Schema, || schema::check(&article)) {
        Ok(d) => diagnostics.extend(d),
        Err(e) => diagnostics.push(Diagnostic::new(rel, Rule::SchemaViolation, e.to_string())),
    }
    Processed {
        input,
        parsed: Some(parsed),
        article: Some(article),
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::synth;

    #[test]
    fn a_copy_in_a_later_chunk_names_the_file_it_copies() {
        // Chunks are taken in while the next one is processed; a finding
        // about a file past the first chunk must still name the right pair.
        let dir = tempfile::tempdir().unwrap();
        let options = synth::Options {
            count: CHUNK * 2 + 100,
            seed: 11,
            exact_duplicates: 0.03,
            near_duplicates: 0.0,
        };
        synth::write(dir.path(), &options).unwrap();
        let limits = Limits::default();
        let found = discover::discover(dir.path(), &limits).unwrap();
        let position = |name: &str| {
            found
                .articles
                .iter()
                .position(|e| e.unwrap().shown() == name)
                .unwrap_or_else(|| panic!("`{name}` is a listed file"))
        };
        let id = |name: &str| {
            let bytes = std::fs::read(dir.path().join(name)).unwrap();
            source::read(name, &bytes).unwrap().id
        };
        let corpus = load_dir(
            dir.path(),
            &limits,
            &[],
            None,
            None,
            Keep::Bodies,
            &|_, _| {},
        )
        .unwrap();
        let copies: Vec<(&str, &str)> = corpus
            .diagnostics
            .iter()
            .filter(|d| d.rule == Rule::DuplicateSource)
            .map(|d| (d.file.as_str(), d.message.split('`').nth(1).unwrap()))
            .collect();
        assert!(
            copies.iter().any(|(copy, _)| position(copy) >= CHUNK * 2),
            "a copy in the third chunk: {copies:?}"
        );
        for (copy, original) in copies {
            assert_ne!(copy, original);
            assert_eq!(id(copy), id(original), "`{copy}` is a copy of `{original}`");
        }
    }

    #[test]
    fn every_file_of_every_chunk_is_cached() {
        // The cache learns a chunk's results only once no worker reads it.
        let (dir, cache_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let options = synth::Options {
            count: CHUNK + 10,
            seed: 3,
            exact_duplicates: 0.0,
            near_duplicates: 0.0,
        };
        synth::write(dir.path(), &options).unwrap();
        let limits = Limits::default();
        let cache = ParseCache::open(cache_dir.path(), &limits);
        assert!(cache.is_some());
        load_dir(
            dir.path(),
            &limits,
            &[],
            None,
            cache,
            Keep::Bodies,
            &|_, _| {},
        )
        .unwrap();
        let cache = ParseCache::open(cache_dir.path(), &limits).unwrap();
        let found = discover::discover(dir.path(), &limits).unwrap();
        assert_eq!(found.articles.len(), CHUNK + 10);
        for e in found.articles.iter() {
            let e = e.unwrap();
            let bytes = std::fs::read(e.path()).unwrap();
            let key = cache.key(&e.rel, &sha256_hex(&bytes));
            assert!(cache.get(key).is_some(), "`{}` is cached", e.rel);
        }
    }

    #[test]
    fn a_store_of_bodies_finds_what_a_store_of_records_finds() {
        // `validate` keeps only bodies; a build keeps records. The near
        // copies are scored from what each store reads back.
        let dir = tempfile::tempdir().unwrap();
        let options = synth::Options {
            count: 300,
            seed: 5,
            exact_duplicates: 0.02,
            near_duplicates: 0.05,
        };
        synth::write(dir.path(), &options).unwrap();
        let limits = Limits::default();
        let run = |keep| load_dir(dir.path(), &limits, &[], None, None, keep, &|_, _| {}).unwrap();
        let (records, bodies) = (run(Keep::Records), run(Keep::Bodies));
        let near = records
            .diagnostics
            .iter()
            .filter(|d| d.rule == Rule::NearDuplicate)
            .count();
        assert!(near >= 5, "the corpus has near copies: {near}");
        assert_eq!(records.diagnostics, bodies.diagnostics);
    }
}
