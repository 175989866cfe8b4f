//! `validate --against dist/X.Y.Z`: are the new files copies or near copies
//! of articles already released? The release is not re-parsed: its records
//! are read from `articles.jsonl` once and reduced to fingerprints (digests,
//! id, MinHash sketch, where the line is), which are cached beside the
//! releases in `dist/.cache/` so the next run reads 116 bytes an article
//! instead of the article. The cache is an optimisation only: it is keyed by
//! the release's manifest digest and the builder version, checked when read,
//! and rebuilt whenever anything does not match.

use crate::check::similarity::{self, Sketch, BANDS};
use crate::config::Limits;
use crate::diagnostic::{Diagnostic, Rule};
use crate::error::{Error, Result};
use crate::fault::{self, Checked, Op};
use crate::input::digest::prefix128;
use crate::input::digest::sha256_hex;
use crate::record::Article;
use rayon::prelude::*;
use sha2::Digest;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"NCREFS01";
const RECORD: usize = 16 + 16 + 8 + 4 * BANDS + 8 + 4;
const CHUNK: usize = 4096;

/// One released record, reduced to what the checks compare.
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

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.source.to_le_bytes());
        out.extend_from_slice(&self.text.to_le_bytes());
        out.extend_from_slice(&self.id.to_le_bytes());
        for k in self.sketch {
            out.extend_from_slice(&k.to_le_bytes());
        }
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
    }

    fn decode(b: &[u8]) -> Print {
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
    prints: Vec<Print>,
}

impl Reference {
    fn is_empty(&self) -> bool {
        self.prints.is_empty()
    }

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

fn read_cache(path: &Path, manifest_sha: &str) -> Option<Vec<Print>> {
    let mut bytes = Vec::new();
    File::open(path).ok()?.read_to_end(&mut bytes).ok()?;
    // The file ends with the SHA-256 of everything before it: a cache that
    // was cut short or changed is recomputed, never trusted.
    let (content, digest) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
    if sha2::Sha256::digest(content).as_slice() != digest {
        return None;
    }
    let head = header(manifest_sha);
    let body = content.strip_prefix(head.as_slice())?;
    if body.len() % RECORD != 0 {
        return None;
    }
    Some(body.chunks_exact(RECORD).map(Print::decode).collect())
}

/// Written to a temporary name and renamed, so a reader never sees half a
/// cache; any failure only means no cache.
fn write_cache(path: &Path, manifest_sha: &str, prints: &[Print]) {
    let Some(dir) = path.parent() else { return };
    if fault::create_dir_all(dir).is_err() {
        return;
    }
    let mut bytes = header(manifest_sha);
    bytes.reserve(prints.len() * RECORD);
    for p in prints {
        p.encode(&mut bytes);
    }
    let digest = sha2::Sha256::digest(&bytes);
    bytes.extend_from_slice(&digest);
    if fault::check(Op::Create, dir).is_err() {
        return;
    }
    let Ok(tmp) = tempfile::NamedTempFile::new_in(dir) else {
        return;
    };
    let mut w = Checked::new(tmp, path);
    if w.write_all(&bytes).is_ok() && fault::check(Op::Rename, path).is_ok() {
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
    if let Some(prints) = cache.as_deref().and_then(|c| read_cache(c, &manifest_sha)) {
        return Ok(Reference {
            dir: dir.to_path_buf(),
            version,
            prints,
        });
    }
    let path = dir.join(crate::release::layout::JSONL);
    let mut reader = BufReader::new(File::open(&path).map_err(|e| Error::io(&path, e))?);
    let mut prints = Vec::new();
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
            prints.push(p?);
        }
    }
    if let Some(c) = &cache {
        write_cache(c, &manifest_sha, &prints);
    }
    Ok(Reference {
        dir: dir.to_path_buf(),
        version,
        prints,
    })
}

/// Findings for `new` articles (each with the name findings should carry)
/// against the release: copies of a released source or body, id collisions
/// and near duplicates. A file that is itself in the release (same
/// `source_file`, same source digest) is not new and gets no finding.
pub fn check(
    new: &[(String, Article)],
    reference: &Reference,
    limits: &Limits,
) -> Result<Vec<Diagnostic>> {
    let mut out = Vec::new();
    if new.is_empty() || reference.is_empty() {
        return Ok(out);
    }
    let file = File::open(reference.jsonl()).map_err(|e| Error::io(reference.jsonl(), e))?;
    let released = |p: &Print| reference.record(&file, p);
    let by_source: HashMap<u128, &Print> = reference
        .prints
        .iter()
        .rev()
        .map(|p| (p.source, p))
        .collect();
    let by_text: HashMap<u128, &Print> =
        reference.prints.iter().rev().map(|p| (p.text, p)).collect();
    let by_id: HashMap<u64, &Print> = reference.prints.iter().rev().map(|p| (p.id, p)).collect();
    let v = &reference.version;

    let mut fresh: Vec<(usize, Print)> = Vec::new();
    for (i, (name, a)) in new.iter().enumerate() {
        let me = Print::of(a, 0, 0);
        if let Some(p) = by_source.get(&me.source) {
            let r = released(p)?;
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
        if let Some(p) = by_id.get(&me.id) {
            let r = released(p)?;
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
        if let Some(p) = by_text.get(&me.text) {
            let r = released(p)?;
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
            continue;
        }
        fresh.push((i, me));
    }

    // Near duplicates: the release's prints are scanned once for band keys
    // the new articles have, so nothing grows with the release but the scan.
    let mut wanted: HashMap<(usize, u32), Vec<usize>> = HashMap::new();
    for (k, (_, p)) in fresh.iter().enumerate() {
        for (band, key) in p.sketch.iter().enumerate() {
            wanted.entry((band, *key)).or_default().push(k);
        }
    }
    let mut pairs: Vec<(usize, usize)> = reference
        .prints
        .par_iter()
        .enumerate()
        .flat_map_iter(|(r, p)| {
            let mut hits: Vec<(usize, usize)> = Vec::new();
            for (band, key) in p.sketch.iter().enumerate() {
                if let Some(ks) = wanted.get(&(band, *key)) {
                    hits.extend(ks.iter().map(|&k| (k, r)));
                }
            }
            hits
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut reported: HashSet<usize> = HashSet::new();
    for (k, r) in pairs {
        let (i, _) = fresh[k];
        let (name, a) = &new[i];
        let rec = released(&reference.prints[r])?;
        if rec.source_file == a.source_file {
            // An edit of the released file, not a copy of another article:
            // `build` reports it as an edit (and the version policy applies).
            continue;
        }
        let score = similarity::jaccard(
            &similarity::shingles(&a.body),
            &similarity::shingles(&rec.body),
        );
        if score < limits.near_duplicate_threshold || !reported.insert(k) {
            continue;
        }
        out.push(
            Diagnostic::new(
                name,
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

    #[test]
    fn a_print_survives_its_encoding() {
        let p = Print {
            source: u128::MAX - 7,
            text: 42,
            id: 0xdead_beef,
            sketch: std::array::from_fn(|i| i as u32 * 977),
            offset: 1 << 40,
            len: 12345,
        };
        let mut b = Vec::new();
        p.encode(&mut b);
        assert_eq!(b.len(), RECORD);
        assert_eq!(Print::decode(&b), p);
    }

    #[test]
    fn a_cache_for_another_release_or_builder_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.bin");
        let sha = "a".repeat(64);
        write_cache(&path, &sha, &[]);
        assert_eq!(read_cache(&path, &sha), Some(Vec::new()));
        assert_eq!(read_cache(&path, &"b".repeat(64)), None);
        std::fs::write(&path, b"NCREFS01garbage").unwrap();
        assert_eq!(read_cache(&path, &sha), None);
        // One changed bit anywhere is caught by the trailing digest.
        let p = Print {
            source: 1,
            text: 2,
            id: 3,
            sketch: [4; BANDS],
            offset: 5,
            len: 6,
        };
        write_cache(&path, &sha, &[p]);
        assert_eq!(read_cache(&path, &sha), Some(vec![p]));
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() - 40;
        bytes[at] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_cache(&path, &sha), None);
    }
}
