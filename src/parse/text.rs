//! White-space and invisible-character clean-up of one line of article text.

use std::borrow::Cow;

/// Characters that render as (or are meant as) a plain space. U+00A0 is
/// common in scraped text (`spokesperson\u{a0}Dmitry`): it is a space to a
/// reader, so the cleaned body uses a space, while the canonical source (and
/// so the ID) keeps the byte-exact character.
fn is_space_like(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Invisible characters with no meaning in running English text. Joiners
/// (U+200C, U+200D) are kept: they change how emoji and some scripts render.
pub fn is_droppable_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}')
}

/// Built once: `memmem::find` builds its searcher on every call.
static DOUBLE_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));

/// Maps odd spaces to ASCII space, drops invisible characters, collapses runs
/// of spaces and trims. Borrows when the line is already clean (most are).
pub fn clean_line(line: &str) -> Cow<'_, str> {
    // Every line of every article comes here: the memchr crate's vector
    // searches, not std's byte loops (a tenth of the parse, measured).
    let needs_work = line.starts_with(' ')
        || line.ends_with(' ')
        || DOUBLE_SPACE.find(line.as_bytes()).is_some()
        || if line.is_ascii() {
            // The only odd space in ASCII is a tab, and nothing is invisible.
            memchr::memchr(b'\t', line.as_bytes()).is_some()
        } else {
            line.chars()
                .any(|c| is_space_like(c) || is_droppable_invisible(c))
        };
    if !needs_work {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    for c in line.chars() {
        if is_droppable_invisible(c) {
            continue;
        }
        if c == ' ' || is_space_like(c) {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    Cow::Owned(out)
}

/// HTML character references a scraper left in the text (`&amp;`,
/// `&#8217;`, `&rsquo;`, `&nbsp;`), decoded; with how many were decoded and
/// the `&name;` references that name no HTML entity (left as they are).
/// Only the cleaned text is decoded: the source, and so the ID, keep them.
pub fn decode_entities(line: &str) -> (Cow<'_, str>, usize, Vec<String>) {
    if memchr::memchr(b'&', line.as_bytes()).is_none() {
        return (Cow::Borrowed(line), 0, Vec::new());
    }
    let mut out = String::with_capacity(line.len());
    let (mut decoded, mut unknown) = (0, Vec::new());
    let mut rest = line;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // The longest entity name is 31 characters; a numeric reference 8.
        let end = rest
            .char_indices()
            .take(34)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let value = end.and_then(|end| {
            let name = &rest[1..end];
            match name.strip_prefix('#') {
                Some(num) => {
                    let n = match num.strip_prefix(['x', 'X']) {
                        Some(hex) if !hex.is_empty() && hex.len() <= 6 => {
                            u32::from_str_radix(hex, 16).ok()
                        }
                        None if !num.is_empty() && num.len() <= 7 => num.parse().ok(),
                        _ => None,
                    };
                    n.and_then(char::from_u32)
                        .filter(|c| *c != '\0' && (!c.is_control() || c.is_whitespace()))
                        .map(|c| (c.to_string(), end))
                }
                None if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                    match html_escape::NAMED_ENTITIES
                        .binary_search_by(|(n, _)| n.cmp(&name.as_bytes()))
                    {
                        Ok(i) => Some((html_escape::NAMED_ENTITIES[i].1.to_string(), end)),
                        Err(_) => {
                            if name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) {
                                unknown.push(rest[..=end].to_string());
                            }
                            None
                        }
                    }
                }
                None => None,
            }
        });
        match value {
            Some((text, end)) => {
                out.push_str(&text);
                decoded += 1;
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    if decoded == 0 {
        return (Cow::Borrowed(line), 0, unknown);
    }
    (Cow::Owned(out), decoded, unknown)
}

/// Words are white-space separated tokens holding at least one letter or
/// digit, so a dash or a bullet between spaces is not a word.
pub fn word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
    }
    ascii_word_count(text.as_bytes())
}

/// [`word_count`] of ASCII text, 64 bytes at a time. A word is a run of
/// non-space bytes, and it counts when it holds a letter or digit. With a
/// bit per byte, the carry of `other + starts` runs from each word's first
/// byte over its other bytes (punctuation) and stops at its first letter or
/// digit, or at the space after a word that has none: the words that count
/// are the carries that stop on a letter or digit. A byte loop carrying
/// that state from byte to byte was four times slower (measured on
/// `synth` bodies: 1.6 against 0.4 ns a byte).
fn ascii_word_count(bytes: &[u8]) -> usize {
    let (mut count, mut carry, mut in_word) = (0, false, 0u64);
    let mut step = |(alnum, space): (u64, u64)| {
        let word = !space;
        let other = word & !alnum;
        let starts = word & !((word << 1) | in_word);
        // A word with no letter yet that runs on from the last block
        // carries into this block's first byte.
        let (sum, over) = other.overflowing_add(starts);
        let (sum, over_carry) = sum.overflowing_add(u64::from(carry));
        count += (sum & alnum).count_ones() as usize;
        carry = over | over_carry;
        in_word = word >> 63;
    };
    let mut blocks = bytes.chunks_exact(64);
    for block in &mut blocks {
        step(ascii_masks(block.try_into().expect("64-byte chunks")));
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        let mut padded = [b' '; 64];
        padded[..rest.len()].copy_from_slice(rest);
        step(ascii_masks(&padded));
    }
    count
}

/// A list of short words, looked up whatever their ASCII case. Each word is
/// one number (its length and its lower-cased bytes), so a look-up is a
/// scan of a few integers, not a case-blind comparison with every word:
/// that comparison was most of the cost of the function-word tests, which
/// run on the first words of every line and body.
pub struct ShortWords<const N: usize> {
    keys: [u64; N],
}

impl<const N: usize> ShortWords<N> {
    /// Words of at most seven bytes (a longer one fails the build).
    pub const fn new(words: [&str; N]) -> Self {
        let mut keys = [0; N];
        let mut i = 0;
        while i < N {
            assert!(words[i].len() <= 7, "a short word has at most seven bytes");
            keys[i] = short_key(words[i].as_bytes());
            i += 1;
        }
        ShortWords { keys }
    }

    /// Where `word` is in the list, comparing ASCII letters without case
    /// (as `eq_ignore_ascii_case` does).
    pub fn position(&self, word: &[u8]) -> Option<usize> {
        if word.len() > 7 {
            return None;
        }
        let key = short_key(word);
        self.keys.iter().position(|&k| k == key)
    }
}

/// A word of at most seven bytes as one number: the length in the top byte,
/// so that no two words share one.
const fn short_key(word: &[u8]) -> u64 {
    let (mut key, mut i) = (0u64, 0);
    while i < word.len() {
        key = key << 8 | word[i].to_ascii_lowercase() as u64;
        i += 1;
    }
    key | (word.len() as u64) << 56
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// For eight ASCII bytes: the high bit of each byte that is `>= n` (no
/// byte is above 0x7f, so no sum carries into the next byte).
fn at_least(x: u64, n: u8) -> u64 {
    x.wrapping_add(ONES * u64::from(0x80 - n)) & HIGH
}

/// The high bits of eight bytes, gathered into the low eight bits.
fn gather(high: u64) -> u64 {
    (high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// One bit per byte of a 64-byte ASCII block: (letter or digit, white space
/// as `split_whitespace` splits ASCII: space, `\t`, `\n`, U+000B, U+000C, `\r`).
fn ascii_masks(block: &[u8; 64]) -> (u64, u64) {
    let (mut alnum, mut space) = (0u64, 0u64);
    for (k, eight) in block.chunks_exact(8).enumerate() {
        let x = u64::from_le_bytes(eight.try_into().expect("8-byte chunks"));
        let lower = x | (ONES * 0x20);
        let letter_or_digit = (at_least(x, b'0') & !at_least(x, b'9' + 1))
            | (at_least(lower, b'a') & !at_least(lower, b'z' + 1));
        let blank = x ^ (ONES * u64::from(b' '));
        let is_blank = !(((blank & !HIGH).wrapping_add(!HIGH)) | blank) & HIGH;
        let white = (at_least(x, b'\t') & !at_least(x, b'\r' + 1)) | is_blank;
        alnum |= gather(letter_or_digit) << (8 * k);
        space |= gather(white) << (8 * k);
    }
    (alnum, space)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_entities_are_decoded_counted_and_unknown_ones_named() {
        let (text, n, unknown) = decode_entities(
            "The council&#8217;s vote &amp; the mayor&rsquo;s speech: 300&nbsp;people, the &quot;new&quot; network&#x21; &bogus; AT&T; R&D",
        );
        assert_eq!(
            text,
            "The council\u{2019}s vote & the mayor\u{2019}s speech: 300\u{a0}people, the \"new\" network! &bogus; AT&T; R&D"
        );
        assert_eq!(n, 7);
        assert_eq!(unknown, ["&bogus;", "&T;"]);
        for clean in [
            "no entity here",
            "Q&A",
            "&#0; stays",
            "&#xD800; stays",
            "&;",
        ] {
            let (t, n, _) = decode_entities(clean);
            assert_eq!((t.as_ref(), n), (clean, 0), "{clean}");
        }
    }

    #[test]
    fn odd_spaces_become_one_space() {
        assert_eq!(
            clean_line("spokesperson\u{a0}Dmitry"),
            "spokesperson Dmitry"
        );
        assert_eq!(clean_line("  The AP.\u{a0} "), "The AP.");
        assert_eq!(clean_line("a\t\u{2009} b"), "a b");
        assert_eq!(clean_line("zero\u{200B}width\u{FEFF}"), "zerowidth");
        assert!(matches!(clean_line("already clean"), Cow::Borrowed(_)));
    }

    /// The definition [`word_count`] must agree with.
    fn split_count(text: &str) -> usize {
        text.split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
    }

    proptest::proptest! {
        #[test]
        fn the_byte_count_is_the_word_split_count(text in r"[ \t\n\u{b}\u{c}\r\u{1c}a-zA-Z0-9,.\x22\x2d]{0,60}") {
            proptest::prop_assert_eq!(word_count(&text), split_count(&text));
        }

        /// Every ASCII byte, over several 64-byte blocks.
        #[test]
        fn the_block_count_is_the_word_split_count(text in r"[\x00-\x7f]{0,300}") {
            proptest::prop_assert_eq!(word_count(&text), split_count(&text));
        }
    }

    #[test]
    fn short_words_are_found_whatever_their_case_and_only_whole() {
        const WORDS: ShortWords<4> = ShortWords::new(["the", "a", "said", "\u{e9}t\u{e9}"]);
        for (i, w) in ["the", "a", "said", "\u{e9}t\u{e9}"].iter().enumerate() {
            assert_eq!(WORDS.position(w.as_bytes()), Some(i));
            assert_eq!(WORDS.position(w.to_ascii_uppercase().as_bytes()), Some(i));
        }
        assert_eq!(WORDS.position(b"SaId"), Some(2));
        // Not the same bytes: a NUL before a word, a prefix, a longer word,
        // a non-ASCII letter's other case.
        for w in ["", "\0a", "th", "thee", "athe", "saidsaid", "\u{c9}t\u{c9}"] {
            assert_eq!(WORDS.position(w.as_bytes()), None, "{w:?}");
        }
    }

    /// Words of punctuation that run across a block's end, with their
    /// first letter on either side of it (or none).
    #[test]
    fn words_across_blocks_count_once() {
        for pad in 0..70 {
            for tail in ["a", " a", "", "-", "a-", " -", "\t9"] {
                let text = format!("{}{}{tail} b", " ".repeat(pad), "-".repeat(70));
                let slow = split_count(&text);
                assert_eq!(word_count(&text), slow, "{text:?}");
            }
        }
    }

    #[test]
    fn words_need_a_letter_or_digit() {
        assert_eq!(word_count("Peskov said - \"no\" — 100,000 troops •"), 5);
        assert_eq!(word_count(""), 0);
        for text in [
            "a b",
            " a  - b\tc\n",
            "x",
            "-- --",
            "one, two; 3 \u{b}four",
            "\u{c}five six\u{c}",
        ] {
            let slow = split_count(text);
            assert_eq!(word_count(text), slow, "{text:?}");
        }
    }
}
