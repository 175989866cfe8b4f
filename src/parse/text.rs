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

/// Maps odd spaces to ASCII space, drops invisible characters, collapses runs
/// of spaces and trims. Borrows when the line is already clean (most are).
pub fn clean_line(line: &str) -> Cow<'_, str> {
    let needs_work = line.starts_with(' ')
        || line.ends_with(' ')
        || line.contains("  ")
        || if line.is_ascii() {
            // The only odd space in ASCII is a tab, and nothing is invisible.
            line.as_bytes().contains(&b'\t')
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
    if !line.contains('&') {
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
    // ASCII fast path (most text): one branch-free pass over the bytes. A
    // word is counted at its first letter or digit; `seen` says whether
    // the current word already had one.
    let (mut count, mut seen) = (0, false);
    for &b in text.as_bytes() {
        let alnum = b.is_ascii_alphanumeric();
        // `split_whitespace` splits ASCII at these six (U+000B included).
        let space = matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
        count += usize::from(alnum & !seen);
        seen = (seen | alnum) & !space;
    }
    count
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

    proptest::proptest! {
        #[test]
        fn the_byte_count_is_the_word_split_count(text in r"[ \t\n\u{b}\u{c}\r\u{1c}a-zA-Z0-9,.\x22\x2d]{0,60}") {
            let slow = text
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count();
            proptest::prop_assert_eq!(word_count(&text), slow);
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
            let slow = text
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .count();
            assert_eq!(word_count(text), slow, "{text:?}");
        }
    }
}
