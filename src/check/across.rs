//! Corpus rules across articles: exact copies, id collisions, near
//! duplicates, computed from compact fingerprints.

use super::similarity::{self, Sketch};
use crate::config::Limits;
use crate::diagnostic::{Diagnostic, Rule};
use crate::record::store::Store;
use std::borrow::Cow;

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

/// Rules across articles, from their fingerprints (bodies are read back
/// from the store only for near-duplicate candidates). Each finding is
/// placed on the later file (by shown path) of its pair and names the
/// earlier one.
///
/// `names` gives the file name of a fingerprint's `name` index: built when
/// asked (for a finding, or to break a tie), so a million names never sit
/// in memory at once.
pub fn across<'n>(
    fps: &[Fingerprint],
    names: &dyn Fn(u32) -> Cow<'n, str>,
    store: &mut Store,
    limits: &Limits,
) -> crate::error::Result<Vec<Diagnostic>> {
    let mut out = Vec::new();
    let name = |f: &Fingerprint| names(f.name);
    let mut order: Vec<usize> = (0..fps.len()).collect();
    let by = |key: fn(&Fingerprint) -> u128, order: &mut Vec<usize>| {
        order.sort_by(|&a, &b| {
            key(&fps[a])
                .cmp(&key(&fps[b]))
                .then_with(|| name(&fps[a]).cmp(&name(&fps[b])))
        });
    };

    // Exact copies of the source: reported once, and left out of the rest.
    let mut copy = vec![false; fps.len()];
    by(|f| f.source, &mut order);
    for group in order.chunk_by(|&a, &b| fps[a].source == fps[b].source) {
        let first = &fps[group[0]];
        for &i in &group[1..] {
            copy[i] = true;
            let a = &fps[i];
            out.push(
                Diagnostic::new(
                    name(a),
                    Rule::DuplicateSource,
                    format!(
                        "same text as `{}` (source_sha256 {:016x})",
                        name(first),
                        first.source >> 64
                    ),
                )
                .help(format!("delete one of `{}` and `{}`", name(first), name(a))),
            );
        }
    }

    by(|f| u128::from(f.id), &mut order);
    for group in order.chunk_by(|&a, &b| fps[a].id == fps[b].id) {
        let distinct: Vec<usize> = group.iter().copied().filter(|&i| !copy[i]).collect();
        for &i in distinct.iter().skip(1) {
            let (first, a) = (&fps[distinct[0]], &fps[i]);
            out.push(
                Diagnostic::new(
                    name(a),
                    Rule::IdCollision,
                    format!(
                        "id art_{:016x} is also the id of `{}`, whose text differs (the first 16 hex digits of two SHA-256 digests agree)",
                        a.id, name(first)
                    ),
                )
                .help("report this: it is a 1 in 2^64 event per pair and needs a new id_rule"),
            );
        }
    }

    let mut same_text = copy.clone();
    by(|f| f.text, &mut order);
    for group in order.chunk_by(|&a, &b| fps[a].text == fps[b].text) {
        let distinct: Vec<usize> = group.iter().copied().filter(|&i| !copy[i]).collect();
        for &i in distinct.iter().skip(1) {
            same_text[i] = true;
            let (first, a) = (&fps[distinct[0]], &fps[i]);
            out.push(
                Diagnostic::new(
                    name(a),
                    Rule::DuplicateText,
                    format!(
                        "the cleaned body is identical to that of `{}` (the same story saved with other page chrome)",
                        name(first)
                    ),
                )
                .help(format!("keep one of `{}` and `{}`", name(first), name(a))),
            );
        }
    }

    // Near duplicates among distinct bodies: exact copies are reported above.
    let kept: Vec<usize> = (0..fps.len()).filter(|&i| !same_text[i]).collect();
    for (x, y) in similarity::candidates_by(kept.len(), |x, band| fps[kept[x]].sketch[band]) {
        let (i, j) = (kept[x as usize], kept[y as usize]);
        let a = similarity::shingles(&store.get_inserted(fps[i].record as usize)?.body);
        let b = similarity::shingles(&store.get_inserted(fps[j].record as usize)?.body);
        let score = similarity::jaccard(&a, &b);
        if score < limits.near_duplicate_threshold {
            continue;
        }
        let (first, later) = if name(&fps[i]) <= name(&fps[j]) {
            (&fps[i], &fps[j])
        } else {
            (&fps[j], &fps[i])
        };
        out.push(
            Diagnostic::new(
                name(later),
                Rule::NearDuplicate,
                format!(
                    "the body is {:.0}% the same as that of `{}` (Jaccard similarity {score:.3} of word 5-shingles)",
                    score * 100.0,
                    name(first)
                ),
            )
            .help(format!(
                "if both are the same story, keep one of `{}` and `{}`; if they are different articles, ignore this warning",
                name(first), name(later)
            )),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(source: u128, id: u64, record: u32) -> Fingerprint {
        Fingerprint {
            source,
            text: source,
            id,
            sketch: [record; similarity::BANDS],
            record,
            name: record,
        }
    }

    #[test]
    fn check_across_reports_id_collisions() {
        // Two different sources whose digests share the first 64 bits: cannot
        // be planted with real files, so the fingerprints are made up.
        let fps = [fp(1, 0xabab, 0), fp(2, 0xabab, 1)];
        let mut store = Store::new().unwrap();
        let names = ["b.txt", "a.txt"];
        let out = across(
            &fps,
            &|i| Cow::Borrowed(names[i as usize]),
            &mut store,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].rule, Rule::IdCollision);
        assert_eq!(out[0].file, "b.txt", "reported on the later file");
        assert!(out[0].message.contains("a.txt"));
    }
}
