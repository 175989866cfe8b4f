//! Near-duplicate detection that scales: word 5-shingles, a MinHash sketch
//! by one-permutation hashing (one hash per shingle, 64 bins), LSH banding
//! (16 bands of 4 bins) to find candidate pairs by sorting rather than
//! comparing every pair, then the exact Jaccard similarity of each
//! candidate's shingle sets.
//!
//! The sketch is computed per article in the parallel stage and is all that
//! is kept of a body for the banding (64 bytes, spilled beside the record);
//! each band's keys are sorted by the external sort. Every hash is a fixed function of
//! the text (no random state), so the findings are the same on every run.

use crate::error::Result;
use crate::spill::{self, Sorter};

pub const BANDS: usize = 16;
const ROWS: usize = 4;
const BINS: usize = BANDS * ROWS;
const SHINGLE_WORDS: usize = 5;

/// The 16 band keys of a body.
pub type Sketch = [u32; BANDS];

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// FNV-1a of a word, lower-cased and with punctuation at its ends trimmed,
/// so changed quotes or case do not hide a copy. `None` for a word that is
/// only punctuation.
fn word_hash(w: &str) -> Option<u64> {
    let w = if w.is_ascii() {
        w.trim_matches(|c: char| !c.is_ascii_alphanumeric())
    } else {
        w.trim_matches(|c: char| !c.is_alphanumeric())
    };
    if w.is_empty() {
        return None;
    }
    let mut h: u64 = FNV_OFFSET;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    };
    if w.is_ascii() {
        // The common case, without per-character Unicode case mapping.
        w.bytes().for_each(|b| eat(b.to_ascii_lowercase()));
    } else {
        for c in w.chars().flat_map(char::to_lowercase) {
            let mut buf = [0u8; 4];
            c.encode_utf8(&mut buf).bytes().for_each(&mut eat);
        }
    }
    Some(h)
}

/// Bytes of an ASCII body scanned at a time.
const BLOCK: usize = 4096;
/// The words carried over from one block to the next (a shingle can start
/// in the block before).
const CARRY: usize = SHINGLE_WORDS - 1;
/// Room for the words carried in and the words a block can end: each takes
/// a byte and the space after it, `(BLOCK + 1) / 2` at most; plus the word
/// the body ends with and the slot written ahead.
const SLOTS: usize = CARRY + BLOCK / 2 + 3;

/// Where the word scan of an ASCII body stands between two blocks.
struct Scan {
    /// The hash so far of the word being read.
    h: u64,
    /// `h` as it stood after the word's last letter or digit.
    at_last_alnum: u64,
    /// Whether the word being read has had a letter or digit.
    started: bool,
}

const SPACE: u8 = 1;
const ALNUM: u8 = 2;

/// What the word scan needs to know of an ASCII byte. `split_whitespace`
/// splits ASCII at these six bytes (U+000B included).
static ASCII_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            t[b] = SPACE;
        } else if c.is_ascii_alphanumeric() {
            t[b] = ALNUM;
        }
        b += 1;
    }
    t
};

const SPACE_BIT: u16 = 1 << 8;
const ALNUM_BIT: u16 = 2 << 8;

/// Each ASCII byte lower-cased (low byte) and its class (high byte).
static ASCII_LOWER_CLASS: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (ASCII_CLASS[b] as u16) << 8 | (b as u8).to_ascii_lowercase() as u16;
        b += 1;
    }
    t
};

impl Scan {
    fn new() -> Scan {
        Scan {
            h: FNV_OFFSET,
            at_last_alnum: FNV_OFFSET,
            started: false,
        }
    }

    /// Writes the [`word_hash`] of each word that ends in `bytes` (ASCII)
    /// to `slots`, in order; returns how many. No branch depends on the
    /// bytes: written with one, a word's end is a mispredicted jump about
    /// every six bytes (this and the shingle list below took the sketch
    /// from 23 to 19 µs an article). One table gives a byte's class and
    /// its lower case (the scan 9.3 -> 7.2 µs an article).
    fn block(&mut self, bytes: &[u8], slots: &mut [u64]) -> usize {
        // The hash runs from a word's first letter or digit; the bytes after
        // its last one are hashed on, and undone by keeping the hash as it
        // stood after that last letter or digit.
        let Scan {
            mut h,
            mut at_last_alnum,
            mut started,
        } = *self;
        let mut n = 0;
        for &b in bytes {
            let entry = ASCII_LOWER_CLASS[usize::from(b)];
            let (space, alnum) = (entry & SPACE_BIT != 0, entry & ALNUM_BIT != 0);
            // Written always, kept (by moving on) only at the end of a word.
            slots[n] = at_last_alnum;
            n += usize::from(space & started);
            let next = (h ^ u64::from(entry as u8)).wrapping_mul(FNV_PRIME);
            let hashing = (started | alnum) & !space;
            // Outside a word the hash is always where a word's starts.
            h = if hashing { next } else { FNV_OFFSET };
            if alnum {
                at_last_alnum = next;
            }
            started = hashing;
        }
        *self = Scan {
            h,
            at_last_alnum,
            started,
        };
        n
    }

    /// The last word's hash, if the text ended inside one.
    fn end(&self) -> Option<u64> {
        self.started.then_some(self.at_last_alnum)
    }
}

/// Where the hash of a shingle (five consecutive word hashes, oldest
/// first, each mixed in) starts.
const SHINGLE_SEED: u64 = 0x51_7cc1_b727_220a;

/// The hash of each window of five `words`, into `out` (one shorter than
/// `words` by four), mixed once more when `MIXED` (as the sketch takes it).
/// Hashed a word position at a time over all the windows: the lanes are
/// independent, so the compiler vectorises them where the CPU multiplies
/// 64-bit numbers in vectors (AVX-512: 8.0 -> 2.3 µs an article, measured
/// on synthetic articles).
fn shingles_of<const MIXED: bool>(words: &[u64], out: &mut [u64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512dq")
        && std::arch::is_x86_feature_detected!("avx512vl")
    {
        // SAFETY: the CPU has every feature the function is compiled for.
        unsafe { shingles_of_avx512::<MIXED>(words, out) };
        return;
    }
    shingles_of_portable::<MIXED>(words, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
fn shingles_of_avx512<const MIXED: bool>(words: &[u64], out: &mut [u64]) {
    shingles_of_portable::<MIXED>(words, out);
}

#[inline(always)]
fn shingles_of_portable<const MIXED: bool>(words: &[u64], out: &mut [u64]) {
    let n = out.len();
    out.fill(SHINGLE_SEED);
    for j in 0..SHINGLE_WORDS {
        for (acc, &h) in out.iter_mut().zip(&words[j..j + n]) {
            *acc = mix(acc.rotate_left(5) ^ h);
        }
    }
    if MIXED {
        out.iter_mut().for_each(|h| *h = mix(*h));
    }
}

/// Hashes shingles from word hashes that arrive a block at a time, and
/// hands them on a block at a time.
struct Shingler<F, const MIXED: bool> {
    /// `CARRY` slots for the last words of earlier blocks, then the block's.
    words: [u64; SLOTS],
    /// The shingle hashes of a block.
    hashes: [u64; SLOTS],
    /// How many of the `CARRY` slots hold words.
    carried: usize,
    seen: usize,
    f: F,
}

impl<F: FnMut(&[u64]), const MIXED: bool> Shingler<F, MIXED> {
    /// Takes the `n` words written at `words[CARRY..]`.
    fn take(&mut self, n: usize) {
        let all = &self.words[CARRY - self.carried..CARRY + n];
        if all.len() >= SHINGLE_WORDS {
            let hashes = &mut self.hashes[..all.len() + 1 - SHINGLE_WORDS];
            shingles_of::<MIXED>(all, hashes);
            (self.f)(hashes);
        }
        let keep = all.len().min(CARRY);
        self.words
            .copy_within(CARRY + n - keep..CARRY + n, CARRY - keep);
        self.carried = keep;
        self.seen += n;
    }

    /// A text of fewer than five words gives its words instead.
    fn finish(mut self) {
        if self.seen < SHINGLE_WORDS {
            let words = &mut self.words[CARRY - self.carried..CARRY];
            if MIXED {
                words.iter_mut().for_each(|h| *h = mix(*h));
            }
            (self.f)(words);
        }
    }
}

/// The hashes of the body's word 5-shingles in text order, repeats
/// included (of each word, if it has fewer than five), a block at a time,
/// each mixed once more when `MIXED`. Words are listed a block at a time in
/// arrays on the stack: a huge body needs no more memory than a short one.
fn for_each_shingle<const MIXED: bool>(body: &str, f: impl FnMut(&[u64])) {
    let mut out = Shingler::<_, MIXED> {
        words: [0; SLOTS],
        hashes: [0; SLOTS],
        carried: 0,
        seen: 0,
        f,
    };
    if body.is_ascii() {
        let mut scan = Scan::new();
        for block in body.as_bytes().chunks(BLOCK) {
            let n = scan.block(block, &mut out.words[CARRY..]);
            out.take(n);
        }
        if let Some(last) = scan.end() {
            out.words[CARRY] = last;
            out.take(1);
        }
    } else {
        let mut n = 0;
        for h in body.split_whitespace().filter_map(word_hash) {
            out.words[CARRY + n] = h;
            n += 1;
            if n == BLOCK / 2 {
                out.take(n);
                n = 0;
            }
        }
        out.take(n);
    }
    out.finish();
}

/// Sorted, distinct hashes of the body's word 5-shingles (of its words, if
/// it has fewer than five).
pub fn shingles(body: &str) -> Vec<u64> {
    let mut out = Vec::new();
    for_each_shingle::<false>(body, |h| out.extend_from_slice(h));
    out.sort_unstable();
    out.dedup();
    out
}

/// One-permutation MinHash: each shingle hash falls into one of 64 bins by
/// its top bits and the bin keeps its minimum; an empty bin borrows from the
/// next non-empty one (densification), so short texts still band well.
pub fn sketch(body: &str) -> Sketch {
    let mut bins = [u64::MAX; BINS];
    // A bin keeps a minimum, so repeats and order do not matter: no sort.
    for_each_shingle::<true>(body, |hashes| {
        for &h in hashes {
            let bin = (h >> 58) as usize;
            let v = h & ((1 << 58) - 1);
            if v < bins[bin] {
                bins[bin] = v;
            }
        }
    });
    if bins.iter().all(|b| *b == u64::MAX) {
        return [0; BANDS];
    }
    let filled = bins;
    for (i, bin) in bins.iter_mut().enumerate() {
        let mut k = 1;
        while *bin == u64::MAX {
            let donor = filled[(i + k) % BINS];
            if donor != u64::MAX {
                *bin = mix(donor ^ k as u64) & ((1 << 58) - 1);
            }
            k += 1;
        }
    }
    let mut keys = [0u32; BANDS];
    for (band, key) in keys.iter_mut().enumerate() {
        let rows = &bins[band * ROWS..(band + 1) * ROWS];
        *key = rows.iter().fold(mix(band as u64), |acc, r| mix(acc ^ r)) as u32;
    }
    keys
}

/// Pairs `(i, j)`, `i < j`, that share a band key in any band: the
/// candidates worth an exact comparison. Sorted and distinct.
#[cfg(test)]
pub fn candidates(sketches: &[Sketch], budget: usize) -> Vec<(u32, u32)> {
    candidates_by(budget, |band, push| {
        for (i, sketch) in sketches.iter().enumerate() {
            push(sketch[band], i as u32);
        }
        Ok(())
    })
    .expect("sorted runs in temporary files")
}

/// [`candidates`] one band at a time: `fill(band, push)` calls `push(band
/// key, item)` for every item, in any order, so a caller need not hold
/// every sketch at once. A band's keys go through the external sort, so
/// they take at most `budget` bytes however many items there are.
pub fn candidates_by(
    budget: usize,
    mut fill: impl FnMut(usize, &mut dyn FnMut(u32, u32)) -> Result<()>,
) -> Result<Vec<(u32, u32)>> {
    let mut pairs = Vec::new();
    for band in 0..BANDS {
        let mut sorter = Sorter::<u64>::new(budget);
        let mut failed = None;
        fill(band, &mut |key, item| {
            if failed.is_none() {
                failed = sorter.push(u64::from(key) << 32 | u64::from(item)).err();
            }
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
        // A huge bucket means a degenerate text (e.g. empty); comparing it
        // all-to-all would be quadratic, and exact duplicates are caught
        // by their hashes anyway.
        let keyed = sorter
            .finish()?
            .map(|packed| packed.map(|p| ((p >> 32) as u32, p as u32)));
        spill::runs(keyed, |bucket| {
            if bucket.len() <= 64 {
                for (x, &a) in bucket.iter().enumerate() {
                    pairs.extend(bucket[x + 1..].iter().map(|&b| (a, b)));
                }
            }
            Ok(())
        })?;
    }
    pairs.sort_unstable();
    pairs.dedup();
    Ok(pairs)
}

/// Exact Jaccard similarity of two sorted, distinct shingle lists.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Moscow is not drawing up plans for aggression against Ukraine, Russian presidential \
        spokesman Dmitri Peskov said at a press conference on Tuesday. The Kremlin spokesman described \
        as totally wrong to associate any movement carried out by the Russian Armed Forces through the \
        territory of the country with aggressive plans, and said the reports were false.";

    #[test]
    fn candidates_are_the_pairs_of_small_buckets_whatever_the_sort_budget() {
        // 600 items over few keys a band: buckets of about ten, and in band
        // 3 one bucket of 100 that is too large to pair.
        let sketches: Vec<Sketch> = (0..600u32)
            .map(|i| {
                std::array::from_fn(|band| match band {
                    3 if i % 6 == 0 => 7,
                    _ => i.wrapping_mul(2_654_435_761).rotate_left(band as u32 * 5) % 61,
                })
            })
            .collect();
        let mut want = std::collections::BTreeSet::new();
        let columns = (0..BANDS).map(|band| sketches.iter().map(|s| s[band]).collect::<Vec<u32>>());
        for key in columns {
            let size = |k: u32| key.iter().filter(|&&x| x == k).count();
            for i in 0..600 {
                for j in i + 1..600 {
                    if key[i] == key[j] && size(key[i]) <= 64 {
                        want.insert((i as u32, j as u32));
                    }
                }
            }
        }
        let want: Vec<(u32, u32)> = want.into_iter().collect();
        assert!(want.len() > 1000, "{}", want.len());
        // Spilled a key a run, and merged, or sorted in memory.
        assert_eq!(candidates(&sketches, 16), want);
        assert_eq!(candidates(&sketches, 1 << 30), want);
    }

    #[test]
    fn a_lightly_edited_copy_is_a_candidate_and_scores_high() {
        let edited = TEXT.replace("Tuesday", "Wednesday");
        let other = "The weather in Lisbon was mild this week, with sunshine forecast for the \
            weekend and light winds along the coast, according to the national meteorological institute.";
        let sketches = [sketch(TEXT), sketch(other), sketch(&edited)];
        assert_eq!(candidates(&sketches, 1 << 20), [(0, 2)]);
        let score = jaccard(&shingles(TEXT), &shingles(&edited));
        assert!(score > 0.8 && score < 1.0, "{score}");
        assert!(jaccard(&shingles(TEXT), &shingles(other)) < 0.05);
    }

    #[test]
    fn case_and_quotes_do_not_hide_a_copy() {
        assert_eq!(
            shingles("“Peskov said no,” he added."),
            shingles("\"peskov SAID no,\" he added")
        );
    }

    /// The shingles as first written: words split out, hashed one by one.
    fn shingles_by_words(body: &str) -> Vec<u64> {
        let words: Vec<u64> = body.split_whitespace().filter_map(word_hash).collect();
        let mut out: Vec<u64> = if words.len() < SHINGLE_WORDS {
            words
        } else {
            words
                .windows(SHINGLE_WORDS)
                .map(|w| {
                    w.iter().fold(
                        0x51_7cc1_b727_220a_u64,
                        |acc, h| mix(acc.rotate_left(5) ^ h),
                    )
                })
                .collect()
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    proptest::proptest! {
        #[test]
        fn the_one_pass_shingles_are_the_word_by_word_ones(
            body in r"([ \t\n\u{b}\u{c}\r]{0,2}[A-Za-z0-9.,'\x22()\x2d\u{1c}]{0,6}){0,40}"
        ) {
            proptest::prop_assert_eq!(shingles(&body), shingles_by_words(&body));
        }

        #[test]
        fn the_vector_shingle_hashes_are_the_portable_ones(
            words in proptest::collection::vec(proptest::num::u64::ANY, 5..40),
        ) {
            // Which of the two a run takes depends on the CPU.
            let n = words.len() - 4;
            let (mut fast, mut plain) = (vec![0; n], vec![0; n]);
            shingles_of::<false>(&words, &mut fast);
            shingles_of_portable::<false>(&words, &mut plain);
            proptest::prop_assert_eq!(&fast, &plain);
            shingles_of::<true>(&words, &mut fast);
            shingles_of_portable::<true>(&words, &mut plain);
            proptest::prop_assert_eq!(&fast, &plain);
            let mixed = plain.clone();
            shingles_of_portable::<false>(&words, &mut plain);
            proptest::prop_assert_eq!(plain.iter().map(|&h| mix(h)).collect::<Vec<_>>(), mixed);
        }
    }

    #[test]
    fn one_pass_and_word_by_word_agree_on_real_text() {
        let edited = format!("{TEXT}  -- \"Yes.\"\r\n(AP)\u{b}Ends,");
        for body in [
            TEXT,
            &edited,
            "",
            "-- --",
            "a",
            "a b c d",
            "a b c d e",
            "Été à Paris, \u{a0}naïve Café",
        ] {
            assert_eq!(shingles(body), shingles_by_words(body), "{body:?}");
        }
    }

    #[test]
    fn words_across_the_scan_blocks_are_the_word_by_word_ones() {
        // Bodies several blocks long, with a word cut by each block
        // boundary at every offset; and a non-ASCII one of more words than
        // one block's list holds.
        let long = TEXT.repeat(3 * BLOCK / TEXT.len() + 1);
        for lead in 0..12 {
            let body = format!("{}-{} {long}", "x".repeat(lead), "Y".repeat(lead));
            assert_eq!(shingles(&body), shingles_by_words(&body), "lead {lead}");
        }
        let words: Vec<String> = (0..BLOCK * 2).map(|i| format!("é{}", i % 7)).collect();
        let accented = words.join(" ");
        assert_eq!(shingles(&accented), shingles_by_words(&accented));
        // Few words, split over two blocks by a long run of spaces.
        let sparse = format!("one two {}three", " ".repeat(BLOCK));
        assert_eq!(shingles(&sparse), shingles_by_words(&sparse));
    }

    #[test]
    fn jaccard_is_exact() {
        assert!((jaccard(&[1, 2, 3, 4], &[3, 4, 5]) - 0.4).abs() < 1e-12);
    }
}
