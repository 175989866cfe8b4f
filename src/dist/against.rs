//! `validate --against dist/X.Y.Z`: are the new files copies or near copies
//! of articles already released? The release is not re-parsed: its records
//! are read from `articles.jsonl` once and reduced to fingerprints (digests,
//! id, MinHash sketch, where the line is), which are cached beside the
//! releases in `dist/.cache/` so the next run reads 116 bytes an article
//! instead of the article. The cache is an optimisation only: it is keyed by
//! the release's manifest digest and the builder version, checked when read,
//! and rebuilt whenever anything does not match.
//!
//! Neither side is held in memory. The release's fingerprints are a
//! [`Table`] on disk; the checks are merge-joins: the keys both sides share
//! (source digest, id, text digest, then the sketch's band keys) go through
//! the external sort, and a group of equal keys pairs the new records in it
//! with the first released record in it. A fixed-size filter of the new
//! side's keys keeps a small contribution from sorting the whole release.

use crate::check::similarity::{self, Sketch, BANDS};
use crate::config::Limits;
use crate::diagnostic::{Diagnostic, Rule};
use crate::error::{Error, Result};
use crate::fault::{self, Checked, Op};
use crate::input::digest::prefix128;
use crate::input::digest::sha256_hex;
use crate::record::store::Store;
use crate::record::Article;
use crate::spill::{self, Appender, Bits, Row, Sorter, Table};
use rayon::prelude::*;
use sha2::Digest;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"NCREFS01";
const RECORD: usize = 16 + 16 + 8 + 4 * BANDS + 8 + 4;
const CHUNK: usize = 4096;

/// How errors name the temporary files of fingerprints.
const RELEASED: &str = "the release's fingerprints (a temporary file)";
const NEW: &str = "the new records' fingerprints (a temporary file)";

/// One record, reduced to what the checks compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Print {
    source: u128,
    text: u128,
    id: u64,
    sketch: Sketch,
    /// Where its line starts in `articles.jsonl`, and how long it is.
    offset: u64,
    len: u32,
}

impl Print {
    fn of(article: &Article, offset: u64, len: u32) -> Print {
        Print {
            source: prefix128(&article.source_sha256),
            text: prefix128(&article.text_sha256),
            id: article.id.as_u64(),
            sketch: similarity::sketch(&article.body),
            offset,
            len,
        }
    }
}

/// The cache's layout, little-endian, a print after another.
impl Row for Print {
    const SIZE: usize = RECORD;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.source.to_le_bytes());
        out.extend_from_slice(&self.text.to_le_bytes());
        out.extend_from_slice(&self.id.to_le_bytes());
        for k in self.sketch {
            out.extend_from_slice(&k.to_le_bytes());
        }
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
    }

    fn get(b: &[u8]) -> Print {
        let u128_at = |i: usize| u128::from_le_bytes(b[i..i + 16].try_into().unwrap_or([0; 16]));
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or([0; 4]));
        let mut sketch = [0u32; BANDS];
        for (k, s) in sketch.iter_mut().enumerate() {
            *s = u32_at(40 + 4 * k);
        }
        Print {
            source: u128_at(0),
            text: u128_at(16),
            id: u64_at(32),
            sketch,
            offset: u64_at(40 + 4 * BANDS),
            len: u32_at(48 + 4 * BANDS),
        }
    }
}

/// A release, as the checks see it.
pub struct Reference {
    /// The folder, as given (used in messages).
    pub dir: PathBuf,
    pub version: String,
    /// The `r`th print is the release's `r`th line.
    prints: Table<Print>,
}

impl Reference {
    fn jsonl(&self) -> PathBuf {
        self.dir.join(crate::release::layout::JSONL)
    }

    /// The released record a print stands for, read from its line.
    fn record(&self, file: &File, p: &Print) -> Result<Article> {
        let mut buf = vec![0; p.len as usize];
        file.read_exact_at(&mut buf, p.offset)
            .map_err(|e| Error::io(self.jsonl(), e))?;
        serde_json::from_slice(&buf).map_err(crate::error::json(self.jsonl()))
    }
}

/// The cache file for a release: named by its folder and manifest digest.
fn cache_path(cache_dir: &Path, version: &str, manifest_sha: &str) -> PathBuf {
    cache_dir.join(format!(
        "against-{version}-{}.bin",
        crate::input::digest::short(manifest_sha)
    ))
}

fn header(manifest_sha: &str) -> Vec<u8> {
    let mut h = MAGIC.to_vec();
    h.extend_from_slice(manifest_sha.as_bytes());
    let v = crate::config::BUILDER_VERSION.as_bytes();
    h.push(v.len() as u8);
    h.extend_from_slice(v);
    h
}

/// The prints a cache holds, copied to a temporary table as they are read;
/// `Ok(None)` when the cache is missing, for another release or builder,
/// cut short or changed. Only the temporary table's own failures are errors.
fn read_cache(path: &Path, manifest_sha: &str) -> Result<Option<Table<Print>>> {
    let Ok(file) = File::open(path) else {
        return Ok(None);
    };
    let head = header(manifest_sha);
    let size = file.metadata().map_or(0, |m| m.len());
    let Some(body) = size.checked_sub((head.len() + 32) as u64) else {
        return Ok(None);
    };
    if body % RECORD as u64 != 0 {
        return Ok(None);
    }
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut hasher = sha2::Sha256::new();
    let mut start = vec![0u8; head.len()];
    if reader.read_exact(&mut start).is_err() || start != head {
        return Ok(None);
    }
    hasher.update(&start);
    let mut prints = Appender::new(RELEASED)?;
    let mut row = [0u8; RECORD];
    for _ in 0..body / RECORD as u64 {
        if reader.read_exact(&mut row).is_err() {
            return Ok(None);
        }
        hasher.update(row);
        prints.push(&Print::get(&row))?;
    }
    // The file ends with the SHA-256 of everything before it: a cache that
    // was cut short or changed is recomputed, never trusted.
    let mut digest = [0u8; 32];
    if reader.read_exact(&mut digest).is_err() || hasher.finalize().as_slice() != digest {
        return Ok(None);
    }
    Ok(Some(prints.seal()?))
}

/// Written to a temporary name and renamed, so a reader never sees half a
/// cache; any failure only means no cache.
fn write_cache(path: &Path, manifest_sha: &str, prints: &Table<Print>) {
    let Some(dir) = path.parent() else { return };
    if fault::create_dir_all(dir).is_err() || fault::check(Op::Create, dir).is_err() {
        return;
    }
    let Ok(tmp) = tempfile::NamedTempFile::new_in(dir) else {
        return;
    };
    let mut w = BufWriter::with_capacity(1 << 16, Checked::new(tmp, path));
    let mut hasher = sha2::Sha256::new();
    let mut bytes = header(manifest_sha);
    let mut put = |bytes: &[u8]| {
        hasher.update(bytes);
        w.write_all(bytes).is_ok()
    };
    if !put(&bytes) {
        return;
    }
    for row in prints.scan() {
        let Ok((_, p)) = row else { return };
        bytes.clear();
        p.put(&mut bytes);
        if !put(&bytes) {
            return;
        }
    }
    let digest = hasher.finalize();
    if w.write_all(&digest).is_err() || fault::check(Op::Rename, path).is_err() {
        return;
    }
    if let Ok(w) = w.into_inner() {
        let _ = w.into_inner().persist(path);
    }
}

/// Loads release `dir`'s fingerprints, from `cache_dir` when it holds them
/// for this exact release, else from `articles.jsonl` (and then caches them).
pub fn load(dir: &Path, cache_dir: Option<&Path>) -> Result<Reference> {
    let manifest_path = dir.join(crate::release::layout::MANIFEST);
    let manifest = std::fs::read(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    let manifest_sha = sha256_hex(&manifest);
    let version = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    let cache = cache_dir.map(|c| cache_path(c, &version, &manifest_sha));
    if let Some(c) = &cache {
        if let Some(prints) = read_cache(c, &manifest_sha)? {
            return Ok(Reference {
                dir: dir.to_path_buf(),
                version,
                prints,
            });
        }
    }
    let path = dir.join(crate::release::layout::JSONL);
    let mut reader = BufReader::new(File::open(&path).map_err(|e| Error::io(&path, e))?);
    let mut prints = Appender::new(RELEASED)?;
    let mut offset = 0u64;
    let mut line_no = 0usize;
    loop {
        // A chunk of lines at a time, sketched in parallel, in file order.
        let mut chunk: Vec<(usize, u64, Vec<u8>)> = Vec::with_capacity(CHUNK);
        while chunk.len() < CHUNK {
            let mut line = Vec::new();
            let n = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| Error::io(&path, e))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let start = offset;
            offset += n as u64;
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            if !line.is_empty() {
                chunk.push((line_no, start, line));
            }
        }
        if chunk.is_empty() {
            break;
        }
        let done: Vec<Result<Print>> = chunk
            .par_iter()
            .map(|(n, start, line)| {
                let article: Article =
                    serde_json::from_slice(line).map_err(|source| Error::Record {
                        path: path.clone(),
                        line: *n,
                        source,
                    })?;
                Ok(Print::of(&article, *start, line.len() as u32))
            })
            .collect();
        for p in done {
            prints.push(&p?)?;
        }
    }
    let prints = prints.seal()?;
    if let Some(c) = &cache {
        write_cache(c, &manifest_sha, &prints);
    }
    Ok(Reference {
        dir: dir.to_path_buf(),
        version,
        prints,
    })
}

/// What a key stands for in a join.
const SOURCE: u8 = 0;
const ID: u8 = 1;
const TEXT: u8 = 2;
/// Band `b` of the sketch is kind `BAND + b`.
const BAND: u8 = 3;

/// Which side of the join a key comes from. The release's sort first, so
/// a group of equal keys starts with its released records.
const RELEASE_SIDE: u8 = 0;
const NEW_SIDE: u8 = 1;

/// A key both sides share and whose it is: what the joins sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Join {
    kind: u8,
    value: u128,
    side: u8,
    /// The released record's line number (from 0), or the new record's
    /// index in the store.
    index: u32,
}

impl Row for Join {
    const SIZE: usize = 22;
    fn put(&self, out: &mut Vec<u8>) {
        out.push(self.kind);
        out.extend_from_slice(&self.value.to_be_bytes());
        out.push(self.side);
        out.extend_from_slice(&self.index.to_be_bytes());
    }
    fn get(b: &[u8]) -> Self {
        Join {
            kind: b[0],
            value: u128::from_be_bytes(b[1..17].try_into().unwrap_or_default()),
            side: b[17],
            index: u32::from_be_bytes(b[18..22].try_into().unwrap_or_default()),
        }
    }
}

/// Which keys the new side has, as a fixed number of bits: a released key
/// whose bit is clear cannot join, so it is not sorted. False positives
/// only cost sorting; the joins' result does not depend on the filter.
struct Filter(Bits);

impl Filter {
    /// 2^26 bits, 8 MiB: few false positives below a million keys.
    const BITS: u32 = 26;

    fn new() -> Self {
        Filter(Bits::new(1 << Self::BITS))
    }

    fn slot((kind, value): (u8, u128)) -> usize {
        // The kind goes to the top byte: small values of different kinds
        // (a band's key, an id) must not share slots.
        let mut x =
            (value as u64) ^ ((value >> 64) as u64).rotate_left(32) ^ (u64::from(kind) << 56);
        // splitmix64's finaliser: every input bit moves the top bits.
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((x ^ (x >> 31)) >> (64 - Self::BITS)) as usize
    }

    fn insert(&mut self, key: (u8, u128)) {
        self.0.set(Self::slot(key));
    }

    fn may_have(&self, key: (u8, u128)) -> bool {
        self.0.has(Self::slot(key))
    }
}

/// Puts a new record's keys in the join and the filter.
fn push_new(
    keys: impl IntoIterator<Item = (u8, u128)>,
    index: usize,
    sorter: &mut Sorter<Join>,
    filter: &mut Filter,
) -> Result<()> {
    for (kind, value) in keys {
        filter.insert((kind, value));
        sorter.push(Join {
            kind,
            value,
            side: NEW_SIDE,
            index: index as u32,
        })?;
    }
    Ok(())
}

/// Puts the release's keys (those `keys` gives of each print) in the join,
/// where the filter says a new record may share them.
fn push_released<const K: usize>(
    reference: &Reference,
    keys: fn(&Print) -> [(u8, u128); K],
    sorter: &mut Sorter<Join>,
    filter: &Filter,
) -> Result<()> {
    for row in reference.prints.scan() {
        let (r, p) = row?;
        for (kind, value) in keys(&p) {
            if filter.may_have((kind, value)) {
                sorter.push(Join {
                    kind,
                    value,
                    side: RELEASE_SIDE,
                    index: r as u32,
                })?;
            }
        }
    }
    Ok(())
}

/// The joined keys as `(new index << 8 | kind, released index)`, sorted:
/// each new record with the first released record that has the same key;
/// or, when `all`, with every one, as `(new index << 8, released index)`,
/// in release order whatever key they share.
fn matches(joined: Sorter<Join>, all: bool) -> Result<Sorter<(u64, u32)>> {
    let mut out = Sorter::new(spill::budget());
    let sorted = joined
        .finish()?
        .map(|j| j.map(|j| ((j.kind, j.value), (j.side, j.index, j.kind))));
    spill::runs(sorted, |group| {
        let released = group.iter().take_while(|(side, ..)| *side == RELEASE_SIDE);
        let released: Vec<u32> = match all {
            true => released.map(|&(_, r, _)| r).collect(),
            false => released.take(1).map(|&(_, r, _)| r).collect(),
        };
        for &(side, i, kind) in group {
            if side == NEW_SIDE {
                let kind = if all { 0 } else { kind };
                for &r in &released {
                    out.push(((u64::from(i) << 8) | u64::from(kind), r))?;
                }
            }
        }
        Ok(())
    })?;
    Ok(out)
}

/// A print's keys for the exact checks, as `(kind, value)`.
fn exact_keys(p: &Print) -> [(u8, u128); 3] {
    [(SOURCE, p.source), (ID, u128::from(p.id)), (TEXT, p.text)]
}

/// A print's keys for the near-duplicate check: its sketch's bands.
fn band_keys(p: &Print) -> [(u8, u128); BANDS] {
    std::array::from_fn(|b| (BAND + b as u8, u128::from(p.sketch[b])))
}

/// Findings for the store's records against the release: copies of a
/// released source or body, id collisions and near duplicates. A record
/// that is itself in the release (same `source_file`, same source digest)
/// is not new and gets no finding. Findings name the record's
/// `source_file`; the caller knows how the contributor named it.
pub fn check(store: &Store, reference: &Reference, limits: &Limits) -> Result<Vec<Diagnostic>> {
    let mut out = Vec::new();
    if store.is_empty() || reference.prints.len() == 0 {
        return Ok(out);
    }
    let file = File::open(reference.jsonl()).map_err(|e| Error::io(reference.jsonl(), e))?;
    let released = |r: u32| reference.record(&file, &reference.prints.get(r as usize)?);
    let v = &reference.version;

    // The new records' prints, sketched in parallel a chunk at a time, kept
    // on disk for the near-duplicate join.
    let mut mine = Appender::new(NEW)?;
    let mut exact = Sorter::new(spill::budget());
    let mut filter = Filter::new();
    for start in (0..store.len()).step_by(CHUNK) {
        let end = (start + CHUNK).min(store.len());
        let prints: Vec<Result<Print>> = (start..end)
            .into_par_iter()
            .map(|i| Ok(Print::of(&store.get(i)?, 0, 0)))
            .collect();
        for (i, p) in (start..).zip(prints) {
            let p = p?;
            push_new(exact_keys(&p), i, &mut exact, &mut filter)?;
            mine.push(&p)?;
        }
    }
    let mine = mine.seal()?;
    push_released(reference, exact_keys, &mut exact, &filter)?;
    drop(filter);
    let mut hits = matches(exact, false)?.finish()?.peekable();

    // Each new record's exact matches, in store order. Those with neither
    // a copied source nor a copied body go on to the near-duplicate join.
    let mut near = Sorter::new(spill::budget());
    let mut filter = Filter::new();
    for row in mine.scan() {
        let (i, p) = row?;
        let mut first: [Option<u32>; 3] = [None; 3];
        while let Some(next) =
            hits.next_if(|h| h.as_ref().map_or(true, |(key, _)| key >> 8 == i as u64))
        {
            let (key, r) = next?;
            first[(key & 0xff) as usize] = Some(r);
        }
        let [by_source, by_id, by_text] = first;
        if by_source.is_none() && by_text.is_none() {
            push_new(band_keys(&p), i, &mut near, &mut filter)?;
        }
        if first.iter().all(Option::is_none) {
            continue;
        }
        let a = store.get(i)?;
        let name = a.source_file.as_str();
        if let Some(r) = by_source {
            let r = released(r)?;
            if r.source_file != a.source_file {
                out.push(
                    Diagnostic::new(
                        name,
                        Rule::DuplicateSource,
                        format!(
                            "same text as `{}` ({}), already in release {v}",
                            r.source_file, r.id
                        ),
                    )
                    .help("this article is already in the dataset; delete this file"),
                );
            }
            // Either a copy (reported) or the released file itself: no
            // further comparison.
            continue;
        }
        if let Some(r) = by_id {
            let r = released(r)?;
            out.push(
                Diagnostic::new(
                    name,
                    Rule::IdCollision,
                    format!(
                        "id {} is also the id of `{}` in release {v}, whose text differs",
                        a.id, r.source_file
                    ),
                )
                .help("report this: it is a 1 in 2^64 event per pair and needs a new id_rule"),
            );
        }
        if let Some(r) = by_text {
            let r = released(r)?;
            out.push(
                Diagnostic::new(
                    name,
                    Rule::DuplicateText,
                    format!(
                        "the cleaned body is identical to that of `{}` ({}) in release {v} (the same story saved with other page chrome)",
                        r.source_file, r.id
                    ),
                )
                .help("this story is already in the dataset; delete this file"),
            );
        }
    }
    drop(hits);

    // Near duplicates: every released record sharing a band key with a new
    // one is a candidate; a record's candidates are scored in release
    // order until one is close enough.
    push_released(reference, band_keys, &mut near, &filter)?;
    drop(filter);
    let candidates = matches(near, true)?
        .finish()?
        .map(|m| m.map(|(key, r)| (key >> 8, r)));
    let mut at: Option<(u64, u32)> = None;
    let mut current: Option<(u64, Article, Vec<u64>, bool)> = None;
    for m in candidates {
        let (i, r) = m?;
        // The same pair comes once for each band it shares.
        if at.replace((i, r)) == Some((i, r)) {
            continue;
        }
        if current.as_ref().map(|c| c.0) != Some(i) {
            let a = store.get(i as usize)?;
            let shingles = similarity::shingles(&a.body);
            current = Some((i, a, shingles, false));
        }
        let Some((_, a, shingles, reported)) = current.as_mut() else {
            continue;
        };
        if *reported {
            continue;
        }
        let rec = released(r)?;
        if rec.source_file == a.source_file {
            // An edit of the released file, not a copy of another article:
            // `build` reports it as an edit (and the version policy applies).
            continue;
        }
        let score = similarity::jaccard(shingles, &similarity::shingles(&rec.body));
        if score < limits.near_duplicate_threshold {
            continue;
        }
        *reported = true;
        out.push(
            Diagnostic::new(
                &a.source_file,
                Rule::NearDuplicate,
                format!(
                    "the body is {:.0}% the same as that of `{}` ({}) in release {v} (Jaccard similarity {score:.3} of word 5-shingles)",
                    score * 100.0,
                    rec.source_file,
                    rec.id
                ),
            )
            .help("if both are the same story, keep the released one; if they are different articles, ignore this warning"),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn print(seed: u32) -> Print {
        Print {
            source: u128::MAX - u128::from(seed),
            text: u128::from(seed) << 70,
            id: 0xdead_beef + u64::from(seed),
            sketch: std::array::from_fn(|i| i as u32 * 977 + seed),
            offset: (1 << 40) + u64::from(seed),
            len: 12345 + seed,
        }
    }

    fn table(prints: &[Print]) -> Table<Print> {
        let mut t = Appender::new(RELEASED).unwrap();
        for p in prints {
            t.push(p).unwrap();
        }
        t.seal().unwrap()
    }

    fn rows(t: &Table<Print>) -> Vec<Print> {
        t.scan().map(|r| r.unwrap().1).collect()
    }

    fn cached(path: &Path, sha: &str) -> Option<Vec<Print>> {
        read_cache(path, sha).unwrap().as_ref().map(rows)
    }

    #[test]
    fn a_print_survives_its_encoding() {
        let p = print(3);
        let mut b = Vec::new();
        p.put(&mut b);
        assert_eq!(b.len(), RECORD);
        assert_eq!(Print::get(&b), p);
        let j = Join {
            kind: BAND + 15,
            value: u128::MAX - 1,
            side: NEW_SIDE,
            index: u32::MAX - 2,
        };
        let mut b = Vec::new();
        j.put(&mut b);
        assert_eq!(b.len(), Join::SIZE);
        assert_eq!(Join::get(&b), j);
    }

    #[test]
    fn a_cache_for_another_release_or_builder_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        let sha = "a".repeat(64);
        assert_eq!(cached(&path, &sha), None);
        write_cache(&path, &sha, &table(&[]));
        assert_eq!(cached(&path, &sha), Some(Vec::new()));
        assert_eq!(cached(&path, &"b".repeat(64)), None);
        std::fs::write(&path, b"NCREFS01garbage").unwrap();
        assert_eq!(cached(&path, &sha), None);
        // One changed bit anywhere is caught by the trailing digest.
        let prints: Vec<Print> = (0..1000).map(print).collect();
        write_cache(&path, &sha, &table(&prints));
        assert_eq!(cached(&path, &sha), Some(prints));
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() - 40;
        bytes[at] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(cached(&path, &sha), None);
        // So is a cache cut short by whole records.
        bytes[at] ^= 1;
        bytes.drain(bytes.len() - 32 - 2 * RECORD..bytes.len() - 32);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(cached(&path, &sha), None);
    }

    #[test]
    fn the_filter_never_loses_a_key_it_was_given() {
        let mut f = Filter::new();
        let keys: Vec<(u8, u128)> = (0..10_000u32)
            .flat_map(|s| {
                band_keys(&print(s))
                    .into_iter()
                    .chain(exact_keys(&print(s)))
            })
            .collect();
        for &k in &keys {
            f.insert(k);
        }
        assert!(keys.iter().all(|&k| f.may_have(k)));
        // And it filters: most keys it was not given are out.
        let others = (20_000..30_000u32)
            .filter(|&s| f.may_have((SOURCE, print(s).source)))
            .count();
        assert!(others < 100, "{others} of 10,000 passed");
    }
}
