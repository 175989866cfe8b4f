//! The parse cache: what parsing and checking a file gave (its record, its
//! similarity sketch, its findings), keyed by the file's path and SHA-256, the
//! limits in force and the builder itself. A rebuild or a re-validation still
//! reads and hashes every input (that is how it knows a file is unchanged),
//! but parses only the files it has not seen.
//!
//! It is an optimisation only: results with and without it are identical
//! (tested). Nothing from it reaches a release that the parser would not
//! have written: the key includes a digest of the running executable, so a
//! changed parser never reads an old entry; every entry carries a digest that
//! is checked when read; and any trouble (a held lock, a broken index, a
//! full disk) means the run goes on without the cache.
//!
//! Layout: `parse.pack` (entries appended in file order) and `parse.idx`
//! (sorted keys -> where each entry is, with a trailing SHA-256). A run
//! keeps the entries it used or wrote; when live entries fill less than
//! half of the pack, the pack is rewritten.
//!
//! The index is searched where it lies, on disk: keys are digests, spread
//! evenly, so a fixed table of where each range of leading bits starts
//! finds a key's few neighbours in one read. What a run adds goes through
//! the external sort, and the new index is the merge of the two. Memory is
//! a bit for each indexed entry, the table, and the sort budget.

use crate::check::similarity::{Sketch, BANDS};
use crate::config::Limits;
use crate::diagnostic::{Diagnostic, Rule, Severity, Snippet};
use crate::fault::{self, Checked, Op};
use crate::spill::{self, Appender, Bits, Row, Sorter, Table};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

const PACK: &str = "parse.pack";
const INDEX: &str = "parse.idx";
const LOCK: &str = "parse.lock";
const MAGIC: &[u8; 8] = b"NCPARSE1";
const ENTRY: usize = 16 + 8 + 4 + 8;

/// A digest of the running executable and the builder version: a rebuilt
/// parser, even one with the same version number, gets a fresh cache.
static BUILDER_SALT: LazyLock<[u8; 32]> = LazyLock::new(|| {
    let mut h = Sha256::new();
    h.update(crate::config::BUILDER_VERSION.as_bytes());
    match std::env::current_exe().and_then(std::fs::read) {
        Ok(bytes) => h.update(&bytes),
        // Without it, an entry could outlive a parser change: never match.
        Err(_) => h.update(std::process::id().to_le_bytes()),
    }
    h.finalize().into()
});

/// What processing a file gave, as the cache keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The record's JSON Lines bytes and sketch, when the file made one.
    pub record: Option<(Vec<u8>, Sketch)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where an entry is in the pack, under its key: a row of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Slot {
    key: u128,
    offset: u64,
    len: u32,
    check: u64,
}

impl Row for Slot {
    const SIZE: usize = ENTRY;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.key.to_le_bytes());
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
        out.extend_from_slice(&self.check.to_le_bytes());
    }
    fn get(c: &[u8]) -> Self {
        Slot {
            key: u128::from_le_bytes(c[0..16].try_into().unwrap_or([0; 16])),
            offset: u64::from_le_bytes(c[16..24].try_into().unwrap_or([0; 8])),
            len: u32::from_le_bytes(c[24..28].try_into().unwrap_or([0; 4])),
            check: u64::from_le_bytes(c[28..36].try_into().unwrap_or([0; 8])),
        }
    }
}

/// How errors name the sorted run of entries a run adds and the list of
/// live ones.
const FRESH: &str = "the parse cache's new index (a temporary file)";

/// An earlier run's index, read where it lies.
struct Index {
    slots: Table<Slot>,
    /// The number of leading key bits that pick a bucket.
    bits: u32,
    /// Where each bucket's slots start, and one more: the end.
    buckets: Vec<u32>,
}

/// How errors name the index file when it is read back (they only mean
/// the run goes on without the cache).
const OLD_INDEX: &str = "the parse cache's index";

/// A bucket for about this many slots: the read for one search.
const PER_BUCKET: usize = 8;
/// At most 2^20 buckets (4 MiB): past 8 million entries, buckets grow
/// instead of the table.
const MAX_BITS: u32 = 20;

impl Index {
    fn bucket(&self, key: u128) -> usize {
        match self.bits {
            0 => 0,
            bits => (key >> (128 - bits)) as usize,
        }
    }

    /// The slot for `key`, and where it is in the index.
    fn find(&self, key: u128) -> Option<(usize, Slot)> {
        let b = self.bucket(key);
        let lo = self.buckets[b] as usize;
        let slots = self.slots.range(lo, self.buckets[b + 1] as usize).ok()?;
        let i = slots.binary_search_by_key(&key, |s| s.key).ok()?;
        Some((lo + i, slots[i]))
    }
}

pub struct ParseCache {
    dir: PathBuf,
    salt: [u8; 32],
    pack: File,
    pack_len: u64,
    index: Option<Index>,
    /// Which of the index's entries this run found.
    used: Bits,
    /// The entries this run added; `None` once adding one failed.
    fresh: Option<Sorter<Slot>>,
    _lock: File,
}

fn check_of(bytes: &[u8]) -> u64 {
    let d = Sha256::digest(bytes);
    u64::from_le_bytes(d[..8].try_into().unwrap_or([0; 8]))
}

fn severity_code(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_opt(out: &mut Vec<u8>, v: Option<usize>) {
    out.extend_from_slice(&v.map_or(u64::MAX, |v| v as u64).to_le_bytes());
}

fn encode(entry: &Entry) -> Vec<u8> {
    let mut out = Vec::new();
    match &entry.record {
        Some((json, sketch)) => {
            out.push(1);
            out.extend_from_slice(&(json.len() as u32).to_le_bytes());
            out.extend_from_slice(json);
            for k in sketch {
                out.extend_from_slice(&k.to_le_bytes());
            }
        }
        None => out.push(0),
    }
    out.extend_from_slice(&(entry.diagnostics.len() as u32).to_le_bytes());
    for d in &entry.diagnostics {
        put_str(&mut out, &d.file);
        put_opt(&mut out, d.line);
        put_opt(&mut out, d.column);
        put_str(&mut out, d.rule.id());
        out.push(severity_code(d.severity));
        put_str(&mut out, &d.message);
        match &d.help {
            Some(h) => {
                out.push(1);
                put_str(&mut out, h);
            }
            None => out.push(0),
        }
        match &d.snippet {
            Some(s) => {
                out.push(1);
                put_str(&mut out, &s.text);
                put_opt(&mut out, Some(s.span.start));
                put_opt(&mut out, Some(s.span.end));
            }
            None => out.push(0),
        }
    }
    out
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn opt(&mut self) -> Option<Option<usize>> {
        let v = u64::from_le_bytes(self.take(8)?.try_into().ok()?);
        Some((v != u64::MAX).then_some(v as usize))
    }
    fn string(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

fn decode(bytes: &[u8]) -> Option<Entry> {
    let mut r = Reader(bytes);
    let record = match r.u8()? {
        1 => {
            let n = r.u32()? as usize;
            let json = r.take(n)?.to_vec();
            let mut sketch = [0u32; BANDS];
            for k in &mut sketch {
                *k = r.u32()?;
            }
            Some((json, sketch))
        }
        _ => None,
    };
    let count = r.u32()? as usize;
    let mut diagnostics = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let file = r.string()?;
        let line = r.opt()?;
        let column = r.opt()?;
        let rule_id = r.string()?;
        let rule = *Rule::ALL.iter().find(|x| x.id() == rule_id)?;
        let severity = match r.u8()? {
            0 => Severity::Error,
            1 => Severity::Warning,
            _ => Severity::Info,
        };
        let message = r.string()?;
        let help = match r.u8()? {
            1 => Some(r.string()?),
            _ => None,
        };
        let snippet = match r.u8()? {
            1 => {
                let text = r.string()?;
                let start = r.opt()??;
                let end = r.opt()??;
                Some(Snippet {
                    text,
                    span: start..end,
                })
            }
            _ => None,
        };
        diagnostics.push(Diagnostic {
            file,
            line,
            column,
            rule,
            severity,
            message,
            help,
            snippet,
        });
    }
    r.0.is_empty().then_some(Entry {
        record,
        diagnostics,
    })
}

/// The index in `path`, if it is whole, for this salt, and sorted: read
/// once through to check its digest and to count its buckets.
fn read_index(path: &Path, salt: &[u8; 32]) -> Option<(u64, Index)> {
    let file = File::open(path).ok()?;
    let head = MAGIC.len() + salt.len() + 8;
    let size = file.metadata().ok()?.len();
    let body = size.checked_sub((head + 32) as u64)?;
    if body % ENTRY as u64 != 0 {
        return None;
    }
    let len = usize::try_from(body / ENTRY as u64).ok()?;
    let mut reader = BufReader::with_capacity(1 << 16, file.try_clone().ok()?);
    let mut digest = Sha256::new();
    let mut header = vec![0u8; head];
    reader.read_exact(&mut header).ok()?;
    digest.update(&header);
    let mut r = Reader(&header);
    if r.take(8)? != MAGIC || r.take(32)? != salt {
        return None;
    }
    let pack_len = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
    let bits = (len / PER_BUCKET).max(1).ilog2().min(MAX_BITS);
    let mut index = Index {
        slots: Table::at(file, OLD_INDEX, head as u64, len),
        bits,
        buckets: vec![0; (1 << bits) + 1],
    };
    let mut row = [0u8; ENTRY];
    let mut last = None;
    for _ in 0..len {
        reader.read_exact(&mut row).ok()?;
        digest.update(row);
        let key = Slot::get(&row).key;
        // Unsorted or repeated keys: not an index this code wrote.
        if last.is_some_and(|last| last >= key) {
            return None;
        }
        last = Some(key);
        let b = index.bucket(key);
        index.buckets[b + 1] += 1;
    }
    let mut trailer = [0u8; 32];
    reader.read_exact(&mut trailer).ok()?;
    if digest.finalize().as_slice() != trailer {
        return None;
    }
    for b in 1..index.buckets.len() {
        index.buckets[b] += index.buckets[b - 1];
    }
    Some((pack_len, index))
}

impl ParseCache {
    /// Opens (or starts) the cache in `dir` for a run under `limits`.
    /// `None` when it cannot be used now (another run holds it, or the
    /// folder cannot be written): the run goes on without it.
    pub fn open(dir: &Path, limits: &Limits) -> Option<ParseCache> {
        fault::create_dir_all(dir).ok()?;
        let lock = fault::create(&dir.join(LOCK)).ok()?;
        fault::check(Op::Lock, &dir.join(LOCK)).ok()?;
        lock.try_lock().ok()?;
        let mut h = Sha256::new();
        h.update(*BUILDER_SALT);
        // Findings depend on the limits; a changed dataset.toml is a new cache.
        h.update(format!("{limits:?}").as_bytes());
        let salt: [u8; 32] = h.finalize().into();
        let pack_path = dir.join(PACK);
        let (pack_len, index) = match read_index(&dir.join(INDEX), &salt) {
            Some((len, index)) if std::fs::metadata(&pack_path).is_ok_and(|m| m.len() >= len) => {
                (len, Some(index))
            }
            _ => (0, None),
        };
        fault::check(Op::Create, &pack_path).ok()?;
        let pack = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&pack_path)
            .ok()?;
        // Bytes past the indexed end are a killed run's; they are overwritten.
        fault::check(Op::Sync, &pack_path).ok()?;
        pack.set_len(pack_len).ok()?;
        Some(ParseCache {
            dir: dir.to_path_buf(),
            salt,
            pack,
            pack_len,
            used: Bits::new(index.as_ref().map_or(0, |i| i.slots.len())),
            index,
            fresh: Some(Sorter::new(spill::budget())),
            _lock: lock,
        })
    }

    /// The key of a file: its path (findings name it) and its bytes' digest.
    pub fn key(&self, rel: &str, raw_sha256: &str) -> u128 {
        let mut h = Sha256::new();
        h.update(self.salt);
        h.update(rel.as_bytes());
        h.update([0]);
        h.update(raw_sha256.as_bytes());
        u128::from_le_bytes(h.finalize()[..16].try_into().unwrap_or([0; 16]))
    }

    /// The entry for `key`, if the cache holds a sound one.
    pub fn get(&self, key: u128) -> Option<Entry> {
        let (_, slot) = self.index.as_ref()?.find(key)?;
        let mut buf = vec![0; slot.len as usize];
        self.pack.read_exact_at(&mut buf, slot.offset).ok()?;
        if check_of(&buf) != slot.check {
            return None;
        }
        decode(&buf)
    }

    /// Records that `key` was found this run (so the entry is kept).
    pub fn mark_used(&mut self, key: u128) {
        if let Some((i, _)) = self.index.as_ref().and_then(|x| x.find(key)) {
            self.used.set(i);
        }
    }

    /// Appends an entry. An error only stops the caching, not the run.
    pub fn put(&mut self, key: u128, entry: &Entry) -> std::io::Result<()> {
        let bytes = encode(entry);
        let fresh = self
            .fresh
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the cache's new index failed earlier"))?;
        fault::check(Op::Write, &self.dir.join(PACK))?;
        self.pack.write_all_at(&bytes, self.pack_len)?;
        let slot = Slot {
            key,
            offset: self.pack_len,
            len: bytes.len() as u32,
            check: check_of(&bytes),
        };
        if let Err(e) = fresh.push(slot) {
            // An index that lost an entry must not be saved: without it
            // the pack's end would be indexed but the entry not.
            self.fresh = None;
            return Err(std::io::Error::other(e.to_string()));
        }
        self.pack_len += bytes.len() as u64;
        Ok(())
    }

    /// Writes the index of the entries this run used or added, compacting
    /// the pack when most of it is dead. Errors are ignored: a cache that
    /// was not saved is only a slower next run.
    pub fn finish(self) {
        let _ = self.save();
    }

    fn save(mut self) -> std::io::Result<()> {
        let io = |e: crate::error::Error| std::io::Error::other(e.to_string());
        let fresh = self
            .fresh
            .take()
            .ok_or_else(|| std::io::Error::other("the cache's new index failed earlier"))?;
        // The live entries, in key order: those added, then those found,
        // merged; an entry added under a key the index has (its old entry
        // was damaged) replaces it.
        let mut added = fresh.finish().map_err(io)?.peekable();
        let found = self
            .index
            .iter()
            .flat_map(|x| x.slots.scan())
            .filter(|s| s.as_ref().map_or(true, |(i, _)| self.used.has(*i)));
        let mut live = Appender::<Slot>::new(FRESH).map_err(io)?;
        let mut live_bytes = 0u64;
        let mut last = None;
        let mut keep = |s: Slot, live: &mut Appender<Slot>| -> std::io::Result<()> {
            if last.replace(s.key) != Some(s.key) {
                live_bytes += u64::from(s.len);
                live.push(&s).map_err(io)?;
            }
            Ok(())
        };
        for old in found {
            let (_, old) = old.map_err(io)?;
            while let Some(new) = added.next_if(|n| n.as_ref().map_or(true, |n| n.key <= old.key)) {
                keep(new.map_err(io)?, &mut live)?;
            }
            keep(old, &mut live)?;
        }
        for new in added {
            keep(new.map_err(io)?, &mut live)?;
        }
        let live = live.seal().map_err(io)?;
        let compact = live_bytes * 2 < self.pack_len;
        let mut pack = None;
        if compact {
            let tmp = self.dir.join(format!("{PACK}.tmp"));
            pack = Some((
                BufWriter::new(Checked::new(fault::create(&tmp)?, &tmp)),
                tmp,
            ));
            self.pack_len = live_bytes;
        } else {
            fault::check(Op::Sync, &self.dir.join(PACK))?;
            self.pack.sync_data()?;
        }
        // Written as it is hashed, never assembled first.
        let tmp = self.dir.join(format!("{INDEX}.tmp"));
        let mut out = BufWriter::new(Checked::new(fault::create(&tmp)?, &tmp));
        let mut digest = Sha256::new();
        let mut put = |bytes: &[u8]| {
            digest.update(bytes);
            out.write_all(bytes)
        };
        put(MAGIC)?;
        put(&self.salt)?;
        put(&self.pack_len.to_le_bytes())?;
        let mut at = 0u64;
        let mut row = Vec::with_capacity(ENTRY);
        for s in live.scan() {
            let (_, mut s) = s.map_err(io)?;
            if let Some((w, _)) = pack.as_mut() {
                let mut buf = vec![0; s.len as usize];
                self.pack.read_exact_at(&mut buf, s.offset)?;
                w.write_all(&buf)?;
                s.offset = at;
                at += u64::from(s.len);
            }
            row.clear();
            s.put(&mut row);
            put(&row)?;
        }
        if let Some((w, tmp)) = pack {
            let file = w.into_inner().map_err(|e| e.into_error())?.into_inner();
            fault::sync(&file, &tmp)?;
            fault::rename(&tmp, &self.dir.join(PACK))?;
        }
        out.write_all(&digest.finalize())?;
        out.into_inner().map_err(|e| e.into_error())?;
        fault::rename(&tmp, &self.dir.join(INDEX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            record: Some((b"{\"id\":\"art_0\"}".to_vec(), [7; BANDS])),
            diagnostics: vec![
                Diagnostic::new("a.txt", Rule::DateMissing, "no date").help("add one"),
                Diagnostic::new("a.txt", Rule::InvisibleCharacter, "U+200B").at_span(
                    3,
                    "ab\u{200b}c",
                    2..5,
                ),
            ],
        }
    }

    #[test]
    fn an_entry_survives_its_encoding() {
        let e = entry();
        assert_eq!(decode(&encode(&e)), Some(e));
        let none = Entry {
            record: None,
            diagnostics: Vec::new(),
        };
        assert_eq!(decode(&encode(&none)), Some(none));
        // Truncated or extended bytes are refused, not misread.
        let bytes = encode(&entry());
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(decode(&[bytes.as_slice(), b"x"].concat()), None);
    }

    #[test]
    fn entries_persist_across_runs_and_unused_ones_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits::default();
        let mut c = ParseCache::open(dir.path(), &limits).unwrap();
        let (a, b) = (c.key("a.txt", "aa"), c.key("b.txt", "bb"));
        assert_ne!(a, c.key("a.txt", "ab"), "the content is in the key");
        assert_ne!(a, c.key("c.txt", "aa"), "the path is in the key");
        c.put(a, &entry()).unwrap();
        c.put(b, &entry()).unwrap();
        c.finish();

        let mut c = ParseCache::open(dir.path(), &limits).unwrap();
        assert_eq!(c.get(a), Some(entry()));
        c.mark_used(a);
        c.finish();
        let c = ParseCache::open(dir.path(), &limits).unwrap();
        assert_eq!(c.get(a), Some(entry()));
        assert_eq!(c.get(b), None, "an entry no run used is dropped");

        // Other limits: another cache.
        drop(c);
        let other = Limits {
            min_words: 3,
            ..Limits::default()
        };
        let c = ParseCache::open(dir.path(), &other).unwrap();
        assert_eq!(c.get(c.key("a.txt", "aa")), None);
    }

    fn numbered(n: u32) -> Entry {
        Entry {
            record: Some((format!("{{\"n\":{n}}}").into_bytes(), [n; BANDS])),
            diagnostics: Vec::new(),
        }
    }

    #[test]
    fn thousands_of_entries_are_found_where_they_lie_and_the_pack_is_compacted() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits::default();
        let mut c = ParseCache::open(dir.path(), &limits).unwrap();
        let keys: Vec<u128> = (0..5000)
            .map(|n| c.key(&format!("{n}.txt"), "aa"))
            .collect();
        for (n, &k) in (0..).zip(&keys) {
            c.put(k, &numbered(n)).unwrap();
        }
        c.finish();
        let pack = || std::fs::metadata(dir.path().join(PACK)).unwrap().len();
        let full = pack();

        let mut c = ParseCache::open(dir.path(), &limits).unwrap();
        assert!(c.index.as_ref().unwrap().bits >= 9, "several buckets");
        for (n, &k) in (0..).zip(&keys) {
            assert_eq!(c.get(k), Some(numbered(n)), "entry {n}");
        }
        assert_eq!(c.get(c.key("5000.txt", "aa")), None);
        // A third is used; a new one is added under a key between them.
        for &k in keys.iter().step_by(3) {
            c.mark_used(k);
        }
        let extra = c.key("extra.txt", "aa");
        c.put(extra, &numbered(99_999)).unwrap();
        c.finish();
        assert!(pack() * 2 < full, "the pack was compacted");

        let c = ParseCache::open(dir.path(), &limits).unwrap();
        for (n, &k) in (0..).zip(&keys) {
            let want = (n % 3 == 0).then(|| numbered(n));
            assert_eq!(c.get(k), want, "entry {n}");
        }
        assert_eq!(c.get(extra), Some(numbered(99_999)));
    }

    #[test]
    fn a_damaged_pack_entry_is_not_trusted_and_a_held_cache_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits::default();
        let mut c = ParseCache::open(dir.path(), &limits).unwrap();
        let a = c.key("a.txt", "aa");
        c.put(a, &entry()).unwrap();
        assert!(
            ParseCache::open(dir.path(), &limits).is_none(),
            "a second run at once goes without the cache"
        );
        c.finish();
        let mut pack = std::fs::read(dir.path().join(PACK)).unwrap();
        pack[5] ^= 0x20;
        std::fs::write(dir.path().join(PACK), &pack).unwrap();
        let c = ParseCache::open(dir.path(), &limits).unwrap();
        assert_eq!(c.get(a), None);
    }
}
