//! Near-duplicate detection: word 5-shingles, MinHash signatures and LSH
//! banding to find candidate pairs without comparing every pair, then the
//! exact Jaccard similarity of each candidate's shingle sets.
//!
//! Every hash here is a fixed function of the text (no random state, no
//! std `RandomState`), so the findings are the same on every run.

use std::collections::{BTreeMap, BTreeSet};

const SHINGLE_WORDS: usize = 5;
const BANDS: usize = 16;
const ROWS: usize = 4;
const HASHES: usize = BANDS * ROWS;

/// 64-bit FNV-1a: stable across platforms and releases.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// splitmix64 finaliser: turns one shingle hash into independent-looking
/// hashes, one per MinHash row.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hashes of the body's word 5-shingles (lower-cased, punctuation trimmed),
/// so re-wrapped lines and changed quotes do not hide a copy.
pub fn shingles(body: &str) -> BTreeSet<u64> {
    let words: Vec<String> = body
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() < SHINGLE_WORDS {
        return words.iter().map(|w| fnv1a(w.as_bytes())).collect();
    }
    words
        .windows(SHINGLE_WORDS)
        .map(|w| fnv1a(w.join(" ").as_bytes()))
        .collect()
}

fn signature(set: &BTreeSet<u64>) -> [u64; HASHES] {
    let mut sig = [u64::MAX; HASHES];
    for &h in set {
        for (i, slot) in sig.iter_mut().enumerate() {
            let v = mix(h ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            if v < *slot {
                *slot = v;
            }
        }
    }
    sig
}

pub fn jaccard(a: &BTreeSet<u64>, b: &BTreeSet<u64>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = a.intersection(b).count();
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// Pairs `(i, j, score)` with `i < j` whose Jaccard similarity is at least
/// `threshold`, sorted. LSH with 16 bands of 4 rows finds a pair of
/// similarity 0.8 with probability above 0.999 (1 - (1 - 0.8^4)^16).
pub fn near_pairs(bodies: &[&str], threshold: f64) -> Vec<(usize, usize, f64)> {
    let sets: Vec<BTreeSet<u64>> = bodies.iter().map(|b| shingles(b)).collect();
    let sigs: Vec<[u64; HASHES]> = sets.iter().map(signature).collect();
    let mut candidates: BTreeSet<(usize, usize)> = BTreeSet::new();
    for band in 0..BANDS {
        let mut buckets: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for (i, sig) in sigs.iter().enumerate() {
            let rows = &sig[band * ROWS..(band + 1) * ROWS];
            let key = rows.iter().fold(band as u64, |acc, r| mix(acc ^ r));
            buckets.entry(key).or_default().push(i);
        }
        for members in buckets.values() {
            for (x, &i) in members.iter().enumerate() {
                for &j in &members[x + 1..] {
                    candidates.insert((i.min(j), i.max(j)));
                }
            }
        }
    }
    candidates
        .into_iter()
        .filter_map(|(i, j)| {
            let score = jaccard(&sets[i], &sets[j]);
            (score >= threshold).then_some((i, j, score))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Moscow is not drawing up plans for aggression against Ukraine, Russian presidential \
        spokesman Dmitri Peskov said at a press conference on Tuesday. The Kremlin spokesman described \
        as totally wrong to associate any movement carried out by the Russian Armed Forces through the \
        territory of the country with aggressive plans, and said the reports were false.";

    #[test]
    fn a_lightly_edited_copy_is_found_and_unrelated_text_is_not() {
        let edited = TEXT.replace("Tuesday", "Wednesday");
        let other = "The weather in Lisbon was mild this week, with sunshine forecast for the \
            weekend and light winds along the coast, according to the national meteorological institute.";
        let pairs = near_pairs(&[TEXT, other, &edited], 0.8);
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].0, pairs[0].1), (0, 2));
        assert!(pairs[0].2 > 0.8 && pairs[0].2 < 1.0, "{}", pairs[0].2);
    }

    #[test]
    fn jaccard_is_exact() {
        let a: BTreeSet<u64> = [1, 2, 3, 4].into();
        let b: BTreeSet<u64> = [3, 4, 5].into();
        assert!((jaccard(&a, &b) - 0.4).abs() < 1e-12);
    }
}
