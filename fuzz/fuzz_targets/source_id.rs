//! Read + canonicalise + ID. Properties: canonical text is a fixed point of
//! canonicalisation; the ID ignores a BOM, CRLF line ends, trailing blanks
//! and NFD, as ARCHITECTURE.md's ID rule promises.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newscorpus::fuzzing::{canonicalize, read_source};
use unicode_normalization::UnicodeNormalization;

fuzz_target!(|bytes: &[u8]| {
    let Some(v) = read_source(bytes) else { return };
    assert_eq!(
        canonicalize(&v.text),
        v.text,
        "canonicalising twice changed the text"
    );
    assert!(!v.text.contains('\r'));
    assert!(
        v.text.lines().all(|l| l.trim_end() == l),
        "a trailing blank survived"
    );
    assert!(v.id.starts_with("art_") && v.id.len() == 20);
    assert_eq!(
        &v.id[4..],
        &v.sha256[..16],
        "the id is the digest's first 64 bits"
    );

    let decoded = std::str::from_utf8(bytes).expect("read_source accepted it");
    let same_id = |variant: String, what: &str| {
        let w = read_source(variant.as_bytes()).unwrap_or_else(|| panic!("{what} was refused"));
        assert_eq!(w.id, v.id, "{what} changed the id");
    };
    if !decoded.starts_with('\u{FEFF}') {
        same_id(format!("\u{FEFF}{decoded}"), "a BOM");
    }
    // CR LF and a lone CR are line ends; the variants below are made from
    // the text with LF only.
    let lf = decoded.replace("\r\n", "\n").replace('\r', "\n");
    if lf != decoded {
        same_id(lf.clone(), "LF for CR LF");
    }
    same_id(lf.replace('\n', "\r\n"), "CRLF");
    same_id(
        lf.split('\n')
            .map(|l| format!("{l} \t"))
            .collect::<Vec<_>>()
            .join("\n"),
        "trailing blanks",
    );
    same_id(decoded.nfd().collect(), "NFD");
});
