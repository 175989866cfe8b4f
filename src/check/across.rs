//! Corpus rules across articles: exact copies, id collisions, near
//! duplicates, computed from compact fingerprints.

use super::similarity;
use crate::config::{ExactPolicy, Limits, NearPolicy};
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::error::Result;
use crate::record::store::Store;
use crate::spill::{self, Bits, Row, Sorter, Table};
use rayon::prelude::*;
use std::borrow::Cow;

/// What the cross-file checks keep of each record. The `i`th fingerprint
/// is the store's `i`th record (in insertion order); the list is spilled
/// to a [`Table`], so its 49 bytes an article stay on disk.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fingerprint {
    /// The first 128 bits of `source_sha256` and `text_sha256`: equal
    /// prefixes of this length mean equal digests for any corpus that fits
    /// on a disk.
    pub source: u128,
    pub text: u128,
    pub id: u64,
    /// Days since 0001-01-01 of `published`, `i32::MAX` without one (as
    /// the release orders records): the duplicate policy keeps the earliest.
    pub published: i32,
    /// Whether the record has a `url` (the policy prefers one that does).
    pub has_url: bool,
    /// Index of the file in the list of names the checks are given (a
    /// number, not the path again: at a million files the paths would
    /// double the memory the checks need).
    pub name: u32,
}

/// How errors name the file the fingerprints are spilled to.
pub const FINGERPRINTS: &str = "the fingerprint spill file (a temporary file)";

impl Row for Fingerprint {
    const SIZE: usize = 49;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.source.to_le_bytes());
        out.extend_from_slice(&self.text.to_le_bytes());
        out.extend_from_slice(&self.id.to_le_bytes());
        out.extend_from_slice(&self.published.to_le_bytes());
        out.push(u8::from(self.has_url));
        out.extend_from_slice(&self.name.to_le_bytes());
    }
    fn get(b: &[u8]) -> Self {
        let at = |from: usize| -> [u8; 16] { b[from..from + 16].try_into().unwrap_or_default() };
        let word = |from: usize| -> [u8; 4] { b[from..from + 4].try_into().unwrap_or_default() };
        Fingerprint {
            source: u128::from_le_bytes(at(0)),
            text: u128::from_le_bytes(at(16)),
            id: u64::from_le_bytes(b[32..40].try_into().unwrap_or_default()),
            published: i32::from_le_bytes(word(40)),
            has_url: b[44] != 0,
            name: u32::from_le_bytes(word(45)),
        }
    }
}

/// A key of one grouping and the index of its fingerprint: what the
/// groupings sort, 20 bytes an article, in runs past the sort budget.
impl Row for (u128, u32) {
    const SIZE: usize = 20;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_be_bytes());
        out.extend_from_slice(&self.1.to_be_bytes());
    }
    fn get(b: &[u8]) -> Self {
        (
            u128::from_be_bytes(b[..16].try_into().unwrap_or_default()),
            u32::from_be_bytes(b[16..20].try_into().unwrap_or_default()),
        )
    }
}

/// A fingerprint, its index, and its file's name.
struct Member<'n> {
    i: usize,
    fp: Fingerprint,
    name: Cow<'n, str>,
}

impl<'n> Member<'n> {
    fn read(
        fps: &Table<Fingerprint>,
        i: usize,
        names: &dyn Fn(u32) -> Result<Cow<'n, str>>,
    ) -> Result<Self> {
        let fp = fps.get(i)?;
        Ok(Member {
            i,
            fp,
            name: names(fp.name)?,
        })
    }
}

/// Calls `each` with every group of two or more fingerprints outside
/// `skip` that agree on `key`, in key order, each group sorted by file
/// name (then index). The keys are sorted by [`Sorter`], so past the sort
/// budget they spill, and only a group's own fingerprints are read back.
fn groups<'n>(
    fps: &Table<Fingerprint>,
    key: fn(&Fingerprint) -> u128,
    skip: Option<&Bits>,
    names: &dyn Fn(u32) -> Result<Cow<'n, str>>,
    each: &mut dyn FnMut(&[Member<'n>]),
) -> Result<()> {
    let mut sorter = Sorter::<(u128, u32)>::new(spill::budget());
    for row in fps.scan() {
        let (i, f) = row?;
        if !skip.is_some_and(|s| s.has(i)) {
            sorter.push((key(&f), i as u32))?;
        }
    }
    spill::runs(sorter.finish()?, |run| {
        if run.len() > 1 {
            let mut members = run
                .iter()
                .map(|&i| Member::read(fps, i as usize, names))
                .collect::<Result<Vec<Member>>>()?;
            members.sort_by(|a, b| a.name.cmp(&b.name).then(a.i.cmp(&b.i)));
            each(&members);
        }
        Ok(())
    })
}

/// How a dropped record copies the one kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DuplicateKind {
    /// The same source text (canonical bytes).
    Source,
    /// The same cleaned body under other page chrome.
    Text,
    /// A body whose similarity passes the threshold.
    Near,
}

impl DuplicateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateKind::Source => "source",
            DuplicateKind::Text => "text",
            DuplicateKind::Near => "near",
        }
    }
}

/// A record the duplicate policy leaves out of the release, and the one it
/// keeps instead (indices into the fingerprints).
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    pub dropped: usize,
    pub kept: usize,
    pub kind: DuplicateKind,
    /// Jaccard similarity of the two bodies' shingles (1 for exact copies).
    pub similarity: f64,
    /// An exact copy of a record that was itself dropped as a near copy of
    /// `kept`: that record and how this one copies it.
    pub via: Option<(usize, DuplicateKind)>,
}

/// A line of the release's `duplicates.csv`: a record left out, and the
/// record released in its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Lineage {
    pub dropped_id: crate::record::ArticleId,
    pub kept_id: crate::record::ArticleId,
    pub kind: DuplicateKind,
    pub similarity: f64,
    pub dropped_file: String,
    pub kept_file: String,
}

/// The lineage of what the policy dropped, sorted by the dropped file.
pub fn lineage<'n>(
    fps: &Table<Fingerprint>,
    dropped: &[Dropped],
    names: &dyn Fn(u32) -> Result<Cow<'n, str>>,
) -> Result<Vec<Lineage>> {
    let mut rows = dropped
        .iter()
        .map(|d| {
            let (a, b) = (fps.get(d.dropped)?, fps.get(d.kept)?);
            Ok(Lineage {
                dropped_id: crate::record::ArticleId::from_u64(a.id),
                kept_id: crate::record::ArticleId::from_u64(b.id),
                kind: d.kind,
                similarity: d.similarity,
                dropped_file: names(a.name)?.into_owned(),
                kept_file: names(b.name)?.into_owned(),
            })
        })
        .collect::<Result<Vec<Lineage>>>()?;
    rows.sort_by(|a, b| a.dropped_file.cmp(&b.dropped_file));
    Ok(rows)
}

/// What the checks across files found, and what the policy drops.
pub struct Across {
    pub diagnostics: Vec<Diagnostic>,
    /// Sorted by the dropped record's index.
    pub dropped: Vec<Dropped>,
}

/// The setting that dropped a copy, as a finding names it.
const EXACT_KEPT: &str = "exact";
const NEAR_KEPT: &str = "near";

/// Rules across articles, from their fingerprints (bodies are read back
/// from the store only for near-duplicate candidates). Each finding is
/// placed on the later file (by shown path) of its pair and names the
/// earlier one; under a keep-one policy, on the dropped file, naming the
/// one kept.
///
/// `names` gives the file name of a fingerprint's `name` index, read when
/// asked (for the members of a group or a near pair only), so a million
/// names never sit in memory at once.
///
/// Which copy is kept depends only on the records (published, URL, id,
/// file name), never on the order of `fps`: a sharded build's merge keeps
/// the same ones as a plain build.
pub fn across<'n>(
    fps: &Table<Fingerprint>,
    names: &dyn Fn(u32) -> Result<Cow<'n, str>>,
    store: &mut Store,
    limits: &Limits,
) -> Result<Across> {
    let n = fps.len();
    let mut out = Vec::new();
    let mut dropped = Vec::new();
    // The policy's preference, best first.
    let prefer = |a: &Member, b: &Member| {
        (a.fp.published, !a.fp.has_url, a.fp.id)
            .cmp(&(b.fp.published, !b.fp.has_url, b.fp.id))
            .then_with(|| a.name.cmp(&b.name))
    };
    let exact_keep = limits.dedup.exact == ExactPolicy::KeepOne;
    // Releases the policy's choice of an exact group; marks the rest `gone`.
    let keep_one = |group: &[Member], kind, gone: &mut Bits, dropped: &mut Vec<Dropped>| {
        let kept = group
            .iter()
            .min_by(|a, b| prefer(a, b))
            .expect("groups are not empty")
            .i;
        for m in group.iter().filter(|m| m.i != kept) {
            gone.set(m.i);
            dropped.push(Dropped {
                dropped: m.i,
                kept,
                kind,
                similarity: 1.0,
                via: None,
            });
        }
    };

    // Exact copies of the source: reported once, and left out of the rest.
    let mut copy = Bits::new(n);
    groups(fps, |f| f.source, None, names, &mut |group| {
        if exact_keep {
            keep_one(group, DuplicateKind::Source, &mut copy, &mut dropped);
            return;
        }
        let first = &group[0];
        for a in &group[1..] {
            copy.set(a.i);
            out.push(
                Diagnostic::new(
                    &*a.name,
                    Rule::DuplicateSource,
                    format!(
                        "same text as `{}` (source_sha256 {:016x})",
                        first.name,
                        first.fp.source >> 64
                    ),
                )
                .help(format!("delete one of `{}` and `{}`", first.name, a.name)),
            );
        }
    })?;

    groups(
        fps,
        |f| u128::from(f.id),
        Some(&copy),
        names,
        &mut |group| {
            let first = &group[0];
            for a in &group[1..] {
                out.push(
                Diagnostic::new(
                    &*a.name,
                    Rule::IdCollision,
                    format!(
                        "id art_{:016x} is also the id of `{}`, whose text differs (the first 16 hex digits of two SHA-256 digests agree)",
                        a.fp.id, first.name
                    ),
                )
                .help("report this: it is a 1 in 2^64 event per pair and needs a new id_rule"),
            );
            }
        },
    )?;

    let mut same_text = copy.clone();
    groups(fps, |f| f.text, Some(&copy), names, &mut |group| {
        if exact_keep {
            keep_one(group, DuplicateKind::Text, &mut same_text, &mut dropped);
            return;
        }
        let first = &group[0];
        for a in &group[1..] {
            same_text.set(a.i);
            out.push(
                Diagnostic::new(
                    &*a.name,
                    Rule::DuplicateText,
                    format!(
                        "the cleaned body is identical to that of `{}` (the same story saved with other page chrome)",
                        first.name
                    ),
                )
                .help(format!("keep one of `{}` and `{}`", first.name, a.name)),
            );
        }
    })?;
    drop(copy);

    // Near duplicates among distinct bodies: exact copies are reported
    // above. Sketches are read back from the store a band at a time; a
    // store row is its fingerprint's index.
    assert_eq!(store.row_count(), n, "a sketch row for every fingerprint");
    let candidates = similarity::candidates_by(spill::budget(), |band, push| {
        store.column(band, &mut |row, key| {
            if !same_text.has(row) {
                push(key, row as u32);
            }
        })
    })?;
    drop(same_text);
    store.flush()?;
    let store = &*store;
    let mut near = Vec::new();
    // Scored on every thread, a batch at a time (bodies are read back for
    // it), and kept in candidate order. A body is in many pairs (candidates
    // come sorted by their first member), so each body of a batch is read
    // and shingled once.
    for batch in candidates.chunks(1024) {
        let mut members: Vec<u32> = batch.iter().flat_map(|&(x, y)| [x, y]).collect();
        members.sort_unstable();
        members.dedup();
        let sets = members
            .par_iter()
            .map(|&x| Ok(similarity::shingles(&store.inserted_body(x as usize)?)))
            .collect::<Result<Vec<Vec<u64>>>>()?;
        let set = |x: u32| &sets[members.binary_search(&x).expect("a member of the batch")];
        let scored: Vec<Option<(usize, usize, f64)>> = batch
            .par_iter()
            .map(|&(x, y)| {
                let score = similarity::jaccard(set(x), set(y));
                (score >= limits.near_duplicate_threshold)
                    .then_some((x as usize, y as usize, score))
            })
            .collect();
        near.extend(scored.into_iter().flatten());
    }
    if limits.dedup.near == NearPolicy::KeepOne {
        let mut nodes: Vec<usize> = near.iter().flat_map(|&(i, j, _)| [i, j]).collect();
        nodes.sort_unstable();
        nodes.dedup();
        let members = nodes
            .iter()
            .map(|&i| Member::read(fps, i, names))
            .collect::<Result<Vec<Member>>>()?;
        let member = |i: usize| &members[nodes.binary_search(&i).expect("a node")];
        keep_one_near(&near, &|a, b| prefer(member(a), member(b)), &mut dropped);
    } else {
        for (i, j, score) in near {
            let (a, b) = (Member::read(fps, i, names)?, Member::read(fps, j, names)?);
            let (first, later) = if a.name <= b.name { (a, b) } else { (b, a) };
            out.push(
                Diagnostic::new(
                    &*later.name,
                    Rule::NearDuplicate,
                    format!(
                        "the body is {:.0}% the same as that of `{}` (Jaccard similarity {score:.3} of word 5-shingles)",
                        score * 100.0,
                        first.name
                    ),
                )
                .help(format!(
                    "if both are the same story, keep one of `{}` and `{}`; if they are different articles, ignore this warning",
                    first.name, later.name
                )),
            );
        }
    }
    // The copies of a record dropped as a near copy are near copies of the
    // record kept in its place (their bodies are the same): every row
    // names a record that is released.
    let near_kept: std::collections::HashMap<usize, (usize, f64)> = dropped
        .iter()
        .filter(|d| d.kind == DuplicateKind::Near)
        .map(|d| (d.dropped, (d.kept, d.similarity)))
        .collect();
    for d in &mut dropped {
        if d.kind != DuplicateKind::Near {
            if let Some(&(kept, similarity)) = near_kept.get(&d.kept) {
                d.via = Some((d.kept, d.kind));
                (d.kept, d.kind, d.similarity) = (kept, DuplicateKind::Near, similarity);
            }
        }
    }
    dropped.sort_by_key(|d| d.dropped);
    // Under a keep-one policy a finding informs: nothing is left to fix.
    for d in &dropped {
        let name = |i: usize| Ok::<_, crate::error::Error>(Member::read(fps, i, names)?.name);
        let via = d.via.map(|(via, _)| name(via)).transpose()?;
        out.push(dropped_note(d, name(d.dropped)?, name(d.kept)?, via));
    }
    Ok(Across {
        diagnostics: out,
        dropped,
    })
}

/// Near-duplicate groups under `near = "keep-one"`: records are taken in
/// the policy's order; each is kept unless it is a near copy of one already
/// kept, and then it is dropped as a copy of the best of those. A chain
/// (A like B, B like C, A unlike C) keeps A and C: a record is only dropped
/// for a record that is released.
fn keep_one_near(
    near: &[(usize, usize, f64)],
    keep_order: &dyn Fn(usize, usize) -> std::cmp::Ordering,
    dropped: &mut Vec<Dropped>,
) {
    let mut nodes: Vec<usize> = near.iter().flat_map(|&(i, j, _)| [i, j]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    nodes.sort_by(|&a, &b| keep_order(a, b));
    let mut neighbours: std::collections::HashMap<usize, Vec<(usize, f64)>> = Default::default();
    for &(i, j, score) in near {
        neighbours.entry(i).or_default().push((j, score));
        neighbours.entry(j).or_default().push((i, score));
    }
    let mut released = std::collections::HashSet::new();
    for node in nodes {
        let best = neighbours[&node]
            .iter()
            .filter(|(other, _)| released.contains(other))
            .min_by(|a, b| keep_order(a.0, b.0));
        match best {
            Some(&(kept, similarity)) => dropped.push(Dropped {
                dropped: node,
                kept,
                kind: DuplicateKind::Near,
                similarity,
                via: None,
            }),
            None => {
                released.insert(node);
            }
        }
    }
}

/// The note on a dropped record's file: what it copies (through `via`, a
/// record itself dropped, when there is one), and that the copy is
/// released in its place.
fn dropped_note(
    d: &Dropped,
    dropped: Cow<str>,
    kept: Cow<str>,
    via: Option<Cow<str>>,
) -> Diagnostic {
    let near = |score: f64| {
        format!(
            "{:.0}% the same as that of `{kept}` (Jaccard similarity {score:.3} of word 5-shingles)",
            score * 100.0
        )
    };
    let (rule, what, policy) = match (d.kind, d.via) {
        (DuplicateKind::Source, _) => (
            Rule::DuplicateSource,
            format!("same text as `{kept}`"),
            EXACT_KEPT,
        ),
        (DuplicateKind::Text, _) => (
            Rule::DuplicateText,
            format!("the cleaned body is identical to that of `{kept}`"),
            EXACT_KEPT,
        ),
        (DuplicateKind::Near, None) => (
            Rule::NearDuplicate,
            format!("the body is {}", near(d.similarity)),
            NEAR_KEPT,
        ),
        (DuplicateKind::Near, Some((_, how))) => (
            if how == DuplicateKind::Source {
                Rule::DuplicateSource
            } else {
                Rule::DuplicateText
            },
            format!(
                "a copy of `{}`, itself dropped: its body is {}",
                via.as_deref().unwrap_or_default(),
                near(d.similarity)
            ),
            EXACT_KEPT,
        ),
    };
    let mut diagnostic = Diagnostic::new(
        dropped,
        rule,
        format!("dropped from the release: {what}, which is kept"),
    )
    .help(format!(
        "`[dedup] {policy} = \"keep-one\"` keeps the earliest published, then one with a URL, then the lowest id, then the first file name; the release lists the pair in duplicates.csv"
    ));
    diagnostic.severity = Severity::Info;
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fingerprint of file `name`, its text the same as its source.
    fn fp(source: u128, id: u64, name: u32) -> Fingerprint {
        Fingerprint {
            source,
            text: source,
            id,
            published: 0,
            has_url: false,
            name,
        }
    }

    fn table(fps: &[Fingerprint]) -> Table<Fingerprint> {
        let mut out = spill::Appender::new(FINGERPRINTS).unwrap();
        for f in fps {
            out.push(f).unwrap();
        }
        out.seal().unwrap()
    }

    /// A store with a sketch row for every fingerprint, each row its own
    /// (no near-duplicate candidates).
    fn store_for(fps: &[Fingerprint]) -> Store {
        let mut store = Store::new().unwrap();
        for r in 0..fps.len() as u32 {
            store.push_row(&[r; similarity::BANDS]).unwrap();
        }
        store
    }

    /// The findings across `fps`, whose files are `names`, under the default limits.
    fn findings(fps: &[Fingerprint], names: &[&'static str]) -> Vec<Diagnostic> {
        let mut store = store_for(fps);
        across(
            &table(fps),
            &|i| Ok(Cow::Borrowed(names[i as usize])),
            &mut store,
            &Limits::default(),
        )
        .unwrap()
        .diagnostics
    }

    #[test]
    fn fingerprints_come_back_from_their_table_as_pushed() {
        let mut fps: Vec<Fingerprint> = (0..5000u32)
            .map(|i| Fingerprint {
                source: u128::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835),
                text: u128::MAX - u128::from(i),
                id: u64::from(i) << 40 | 0xfe,
                published: i as i32 - 2500,
                has_url: i % 3 == 0,
                name: i * 7,
            })
            .collect();
        fps[17].published = i32::MAX;
        let t = table(&fps);
        assert_eq!(t.len(), fps.len());
        // More rows than one block of reading holds, in order.
        let back: Vec<(usize, Fingerprint)> = t.scan().map(Result::unwrap).collect();
        assert_eq!(back, fps.iter().copied().enumerate().collect::<Vec<_>>());
        for i in [0, 17, 1337, 4999] {
            assert_eq!(t.get(i).unwrap(), fps[i]);
        }
    }

    #[test]
    fn check_across_reports_id_collisions() {
        // Two different sources whose digests share the first 64 bits: cannot
        // be planted with real files, so the fingerprints are made up.
        let fps = [fp(1, 0xabab, 0), fp(2, 0xabab, 1)];
        let out = findings(&fps, &["b.txt", "a.txt"]);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].rule, Rule::IdCollision);
        assert_eq!(out[0].file, "b.txt", "reported on the later file");
        assert!(out[0].message.contains("a.txt"));
    }

    #[test]
    fn copies_are_found_among_digests_that_share_their_top_bits() {
        // The sorts group by 64 bits first: a copy must still be found when
        // a different text with the same top bits lies between the two.
        let top = 5u128 << 64;
        let mut fps = [fp(top | 2, 1, 0), fp(top | 1, 2, 1), fp(top | 2, 3, 2)];
        fps[1].text = 7;
        let out = findings(&fps, &["c.txt", "b.txt", "a.txt"]);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].rule, Rule::DuplicateSource);
        assert_eq!(out[0].file, "c.txt", "reported on the later file");
        assert!(out[0].message.contains("`a.txt`"), "{}", out[0].message);
    }

    fn keep_one() -> Limits {
        let mut limits = Limits::default();
        limits.dedup.exact = ExactPolicy::KeepOne;
        limits
    }

    #[test]
    fn keep_one_keeps_the_earliest_then_one_with_a_url_then_the_lowest_id() {
        let names = ["a.txt", "b.txt", "c.txt"];
        let run = |fps: &[Fingerprint]| {
            let mut store = store_for(fps);
            across(
                &table(fps),
                &|i| Ok(Cow::Borrowed(names[i as usize])),
                &mut store,
                &keep_one(),
            )
            .unwrap()
        };
        // Three copies of one source: the latest-named is the earliest published.
        let mut fps = [fp(1, 7, 0), fp(1, 7, 1), fp(1, 7, 2)];
        (fps[0].published, fps[1].published, fps[2].published) = (30, 20, 10);
        let found = run(&fps);
        let kept: Vec<usize> = found.dropped.iter().map(|d| d.kept).collect();
        assert_eq!(kept, [2, 2]);
        assert!(found
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Info
                && d.message.contains("`c.txt`, which is kept")
                && d.help.as_deref().is_some_and(|h| h
                    .starts_with("`[dedup] exact = \"keep-one\"` keeps the earliest published"))));
        // Same day: the one with a URL; then the first file name.
        fps[2].published = 20;
        fps[2].has_url = true;
        assert_eq!(
            run(&fps).dropped.iter().map(|d| d.kept).collect::<Vec<_>>(),
            [2, 2]
        );
        fps[2].has_url = false;
        assert_eq!(
            run(&fps)
                .dropped
                .iter()
                .map(|d| d.dropped)
                .collect::<Vec<_>>(),
            [0, 2]
        );
        // The order the fingerprints come in changes nothing.
        let mut reversed = [fp(1, 7, 2), fp(1, 7, 1), fp(1, 7, 0)];
        for (r, f) in reversed.iter_mut().zip(fps.iter().rev()) {
            (r.published, r.has_url) = (f.published, f.has_url);
        }
        let kept_name =
            |found: &Across, fps: &[Fingerprint]| names[fps[found.dropped[0].kept].name as usize];
        assert_eq!(
            kept_name(&run(&reversed), &reversed),
            kept_name(&run(&fps), &fps)
        );
    }

    #[test]
    fn a_near_copy_is_dropped_only_for_a_record_that_is_released() {
        // A like B, B like C, A unlike C: A is kept, B dropped for A, and C
        // kept (its only near copy, B, is not released).
        let mut dropped = Vec::new();
        let near = [(0, 1, 0.9), (1, 2, 0.85)];
        keep_one_near(&near, &|a: usize, b: usize| a.cmp(&b), &mut dropped);
        assert_eq!(dropped.len(), 1);
        assert_eq!((dropped[0].dropped, dropped[0].kept), (1, 0));
        // Ranked the other way, B is kept and both others dropped for it.
        let mut dropped = Vec::new();
        keep_one_near(
            &near,
            &|a: usize, b: usize| (a != 1).cmp(&(b != 1)).then(a.cmp(&b)),
            &mut dropped,
        );
        let pairs: Vec<(usize, usize)> = dropped.iter().map(|d| (d.dropped, d.kept)).collect();
        assert_eq!(pairs, [(0, 1), (2, 1)]);
    }
}
