//! What a line must hold for a pattern to have a chance, read off the
//! pattern's syntax tree once: the bytes a match can start with (when the
//! pattern is anchored at the start and lists a few possible first
//! characters), or else a few strings one of which every match holds. Most
//! lines fail most gates, and a table look, a `memchr` or a vector search is
//! far cheaper than a regex search (the parser asks every short line; an
//! unanchored pattern reads every byte at about 2 ns a byte). Used by the
//! chrome rules; the caption pattern keeps its own listed clues (searched
//! with [`Strings`] and [`lowercased`]), which measured faster on it
//! (ARCHITECTURE.md).
//!
//! Strings may be caseless: a run of letters under `(?i)` is searched for in
//! the line lower-cased. Only a class of exactly one ASCII letter's two cases
//! counts as a caseless letter (`k` and `s` also match the Kelvin sign and
//! the long s under `(?i)`, so their classes end a run), which is why
//! lower-casing ASCII alone never hides a match.

use aho_corasick::packed;
use memchr::memmem::Finder;
use regex_syntax::hir::{Class, Hir, HirKind};

pub struct Gate {
    first: Option<[bool; 256]>,
    needs: Option<Needs>,
}

/// Strings one of which every match holds, sorted by how they are looked for.
struct Needs {
    /// One-byte strings, found with `memchr` (a vector searcher slows down
    /// for them).
    bytes: Vec<u8>,
    cased: Option<Strings>,
    /// Looked for in the line lower-cased.
    caseless: Option<Strings>,
}

/// A set of strings, all looked for in one pass over a line.
pub enum Strings {
    /// Built once: `memmem::find` builds its searcher on every call.
    One(Finder<'static>),
    Packed(packed::Searcher),
    /// Where the CPU has no vector searcher.
    Finders(Vec<Finder<'static>>),
}

impl Strings {
    pub fn new(mut strings: Vec<Vec<u8>>) -> Option<Strings> {
        strings.sort();
        strings.dedup();
        let finder = |s: &Vec<u8>| Finder::new(s).into_owned();
        match strings.as_slice() {
            [] => None,
            [one] => Some(Strings::One(finder(one))),
            _ => {
                let mut builder = packed::Config::new().builder();
                builder.extend(&strings);
                Some(match builder.build() {
                    Some(searcher) => Strings::Packed(searcher),
                    None => Strings::Finders(strings.iter().map(finder).collect()),
                })
            }
        }
    }

    pub fn any_in(&self, haystack: &[u8]) -> bool {
        match self {
            Strings::One(f) => f.find(haystack).is_some(),
            Strings::Packed(s) => s.find(haystack).is_some(),
            Strings::Finders(fs) => fs.iter().any(|f| f.find(haystack).is_some()),
        }
    }
}

/// One string every match of a part holds.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Need {
    bytes: Vec<u8>,
    /// `bytes` are lower case and stand for any ASCII case.
    caseless: bool,
}

impl Gate {
    /// A gate for `pattern`; one that lets every line through when the
    /// pattern does not parse or names nothing every match must hold.
    pub fn new(pattern: &str) -> Gate {
        let Ok(hir) = regex_syntax::parse(pattern) else {
            return Gate {
                first: None,
                needs: None,
            };
        };
        let first = first_bytes(&hir);
        Gate {
            needs: if first.is_none() {
                needs(&hir).and_then(Needs::new)
            } else {
                None
            },
            first,
        }
    }

    /// Whether a match in `line` is possible. `line` carries the line and,
    /// once a gate has needed it, the line lower-cased, which the other
    /// gates asked about the same line reuse.
    pub fn may_match(&self, line: &mut Line<'_>) -> bool {
        let text = line.text;
        if let Some(table) = &self.first {
            // The table holds no empty prefix: no match in an empty line.
            return text.first().is_some_and(|&b| table[usize::from(b)]);
        }
        match &self.needs {
            Some(needs) => needs.held_by(line),
            None => true,
        }
    }
}

/// A line asked about by several gates, lower-cased at most once (three
/// chrome rules' gates used to lower-case the same line each).
pub struct Line<'a> {
    text: &'a [u8],
    buf: &'a mut Vec<u8>,
    lowered: bool,
}

impl Line<'_> {
    fn lower(&mut self) -> &[u8] {
        if !self.lowered {
            self.buf.clear();
            self.buf
                .extend(self.text.iter().map(u8::to_ascii_lowercase));
            self.lowered = true;
        }
        self.buf
    }
}

/// `f` of `line` as a [`Line`] for gates, with a buffer each thread reuses.
pub fn with_line<R>(line: &str, f: impl FnOnce(&mut Line<'_>) -> R) -> R {
    LOWER.with_borrow_mut(|buf| {
        f(&mut Line {
            text: line.as_bytes(),
            buf,
            lowered: false,
        })
    })
}

impl Needs {
    fn new(needs: Vec<Need>) -> Option<Needs> {
        let (mut bytes, mut cased, mut caseless) = (Vec::new(), Vec::new(), Vec::new());
        for need in needs {
            match (need.bytes.as_slice(), need.caseless) {
                ([], _) => return None,
                (&[b], false) => bytes.push(b),
                (&[b], true) => bytes.extend([b, b.to_ascii_uppercase()]),
                (_, false) => cased.push(need.bytes),
                (_, true) => caseless.push(need.bytes),
            }
        }
        bytes.sort_unstable();
        bytes.dedup();
        Some(Needs {
            bytes,
            cased: Strings::new(cased),
            caseless: Strings::new(caseless),
        })
    }

    fn held_by(&self, line: &mut Line<'_>) -> bool {
        let text = line.text;
        let found = match self.bytes.as_slice() {
            [] => false,
            &[a] => memchr::memchr(a, text).is_some(),
            &[a, b] => memchr::memchr2(a, b, text).is_some(),
            &[a, b, c] => memchr::memchr3(a, b, c, text).is_some(),
            more => text.iter().any(|b| more.binary_search(b).is_ok()),
        };
        if found || self.cased.as_ref().is_some_and(|s| s.any_in(text)) {
            return true;
        }
        let Some(caseless) = &self.caseless else {
            return false;
        };
        caseless.any_in(line.lower())
    }
}

thread_local! {
    /// The buffer a line is lower-cased into, reused by each thread.
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `f` of `line` with its ASCII letters lower-cased, in a buffer each thread
/// reuses.
pub fn lowercased<R>(line: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    LOWER.with_borrow_mut(|buf| {
        f(Line {
            text: line,
            buf,
            lowered: false,
        }
        .lower())
    })
}

/// The bytes a match of an anchored pattern can start with.
fn first_bytes(hir: &Hir) -> Option<[bool; 256]> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::Look;
    if !hir.properties().look_set_prefix().contains(Look::Start) {
        return None;
    }
    let mut extractor = Extractor::new();
    // Unicode `\d` holds hundreds of characters, but few first bytes.
    extractor
        .kind(ExtractKind::Prefix)
        .limit_literal_len(1)
        .limit_class(1000)
        .limit_total(5000);
    let mut table = [false; 256];
    for literal in extractor.extract(hir).literals()? {
        // An empty prefix: a match can start with anything.
        table[usize::from(*literal.as_bytes().first()?)] = true;
    }
    Some(table)
}

/// The lower-case letter a class stands for when it is exactly one ASCII
/// letter in both its cases (as `(?i)` writes a letter).
fn caseless_letter(hir: &Hir) -> Option<u8> {
    let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
        return None;
    };
    let mut chars = class.iter().flat_map(|r| r.start()..=r.end());
    let (upper, lower) = (chars.next()?, chars.next()?);
    (chars.next().is_none() && upper.is_ascii_uppercase() && lower == upper.to_ascii_lowercase())
        .then_some(lower as u8)
}

/// Strings one of which every match of `hir` holds, when a part of the
/// pattern every match goes through is a literal, a class of at most four
/// characters, a run of literals and caseless letters, or an alternation of
/// such parts.
fn needs(hir: &Hir) -> Option<Vec<Need>> {
    const MAX_CHARS: usize = 4;
    let cased = |bytes: Vec<u8>| Need {
        bytes,
        caseless: false,
    };
    match hir.kind() {
        HirKind::Literal(lit) => Some(vec![cased(lit.0.to_vec())]),
        HirKind::Class(Class::Unicode(class)) => {
            if let Some(letter) = caseless_letter(hir) {
                return Some(vec![Need {
                    bytes: vec![letter],
                    caseless: true,
                }]);
            }
            let chars: Vec<char> = class
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .take(MAX_CHARS + 1)
                .collect();
            (chars.len() <= MAX_CHARS).then(|| {
                chars
                    .iter()
                    .map(|c| cased(c.to_string().into_bytes()))
                    .collect()
            })
        }
        HirKind::Class(Class::Bytes(class)) => {
            let bytes: Vec<u8> = class
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .take(MAX_CHARS + 1)
                .collect();
            (bytes.len() <= MAX_CHARS).then(|| bytes.iter().map(|b| cased(vec![*b])).collect())
        }
        HirKind::Capture(cap) => needs(&cap.sub),
        HirKind::Repetition(rep) if rep.min >= 1 => needs(&rep.sub),
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for alt in alts {
                all.extend(needs(alt)?);
            }
            Some(all)
        }
        // Of the parts every match holds, and the runs of literals and
        // caseless letters among them, the one with the longest shortest
        // string, then the fewest strings.
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(needs)
            .chain(runs(parts).into_iter().map(|run| vec![run]))
            .max_by_key(|n| {
                let shortest = n.iter().map(|n| n.bytes.len()).min().unwrap_or(0);
                (shortest, std::cmp::Reverse(n.len()))
            }),
        _ => None,
    }
}

/// The caseless strings spelt by consecutive parts of a concatenation that
/// are caseless letters or literals without an ASCII capital (a capital
/// would not survive lower-casing the line; every other byte does).
fn runs(parts: &[Hir]) -> Vec<Need> {
    let mut runs = Vec::new();
    let mut run: Vec<u8> = Vec::new();
    let mut has_letter = false;
    for part in parts.iter().map(Some).chain([None]) {
        let next = part.and_then(|p| match p.kind() {
            HirKind::Literal(lit) if !lit.0.iter().any(u8::is_ascii_uppercase) => {
                Some((lit.0.to_vec(), false))
            }
            _ => caseless_letter(p).map(|l| (vec![l], true)),
        });
        match next {
            Some((bytes, letter)) => {
                run.extend(bytes);
                has_letter |= letter;
            }
            None => {
                // A run of literals alone is a literal: the parts list it.
                if has_letter {
                    runs.push(Need {
                        bytes: std::mem::take(&mut run),
                        caseless: true,
                    });
                }
                run.clear();
                has_letter = false;
            }
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs_of(pattern: &str) -> Vec<(String, bool)> {
        let mut found: Vec<(String, bool)> = needs(&regex_syntax::parse(pattern).unwrap())
            .unwrap_or_default()
            .into_iter()
            .map(|n| (String::from_utf8(n.bytes).unwrap(), n.caseless))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn letters_under_i_are_one_caseless_word_and_k_and_s_end_it() {
        assert_eq!(needs_of(r"(?i)\bcopyright\b"), [("copyright".into(), true)]);
        // `s` also matches `ſ` under `(?i)`: the run stops at it.
        assert_eq!(needs_of(r"(?i)rights reserved"), [("erved".into(), true)]);
        assert_eq!(needs_of(r"\((?i:ap photo)"), [("(ap photo".into(), true)]);
        // A capital must be matched as it is written.
        assert_eq!(needs_of(r"Getty"), [("Getty".into(), false)]);
        assert_eq!(
            needs_of(r"(?i:photo|image)s?\s*:"),
            [("image".into(), true), ("photo".into(), true)]
        );
    }

    #[test]
    fn a_gate_never_refuses_a_line_its_pattern_matches() {
        for (pattern, lines) in [
            (
                r"(?i)all\s+rights\s+reserved",
                &["ALL RIGHTS RESERVED", "All Rights Reserved."][..],
            ),
            (r"(?i)\(AP Photo", &["(ap photo/Jane Doe)", "(AP PHOTO)"]),
            (r"\bAP\b|(?i:credit):", &["Source: AP", "CREDIT: Reuters"]),
            (r"(?i)caf[eé]", &["CAFÉ", "Café"]),
            // A capital written outside `(?i)` stays out of the caseless run.
            (r"Getty(?i: images)", &["Getty IMAGES", "Getty images"]),
        ] {
            let (gate, re) = (Gate::new(pattern), regex::Regex::new(pattern).unwrap());
            for line in lines {
                assert!(re.is_match(line), "{pattern} matches {line}");
                assert!(
                    with_line(line, |l| gate.may_match(l)),
                    "{pattern}'s gate lets {line} through"
                );
            }
            assert!(
                !with_line("nothing of the kind here", |l| gate.may_match(l)),
                "{pattern}"
            );
        }
    }
}
