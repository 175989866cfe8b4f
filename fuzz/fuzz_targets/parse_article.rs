//! One article through the whole per-file pipeline. Properties: the body is
//! never longer than the text it came from; a date read from the text is a real date
//! whose year is written on the line it came from; every line of the text
//! is in the body or listed by `--explain` (nothing vanishes silently);
//! every line number a finding or the parser gives is a line of the file.
#![no_main]

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;
use newscorpus::fuzzing::parse_article;
use std::collections::BTreeSet;

fuzz_target!(|bytes: &[u8]| {
    let Some(v) = parse_article(bytes) else {
        return;
    };
    // Paragraphs are a blank line apart in the body, where a page dump has
    // them one line end apart: one byte a paragraph is the allowance.
    let gaps = v.paragraph_lines.len().saturating_sub(1);
    assert!(
        v.body.len() <= v.text.len() + gaps,
        "body longer than the text it came from"
    );
    if let Some(a) = &v.article {
        assert_eq!(a.body, v.body);
    }
    let lines: Vec<&str> = v.text.split('\n').collect();
    let first = v.line_offset + 1;
    let last = v.line_offset + lines.len();
    let on_disk = |n: usize| n >= first && n <= last;
    let line = |n: usize| lines[n - first];
    for &n in v.dropped_lines.iter().chain(&v.paragraph_lines) {
        assert!(
            on_disk(n),
            "line {n} is not a line of the file ({first}..={last})"
        );
    }
    for &n in &v.diagnostic_lines {
        assert!(n >= 1 && n <= last, "a finding names line {n} of {last}");
    }
    if let Some((date, n, from_front_matter)) = v.published {
        assert!(on_disk(n), "the date's line {n} is not a line of the file");
        if !from_front_matter {
            let year = format!("{:04}", date.year());
            assert!(
                line(n).contains(&year),
                "{date} read from a line without {year}: {:?}",
                line(n)
            );
        }
    }
    // A kept line belongs to the paragraph that starts at or above it in
    // its block (the blank-line-separated run of lines it is in).
    let dropped: BTreeSet<usize> = v.dropped_lines.iter().copied().collect();
    let starts: BTreeSet<usize> = v.paragraph_lines.iter().copied().collect();
    let mut block_has_start = false;
    for n in first..=last {
        if line(n).trim().is_empty() {
            block_has_start = false;
            continue;
        }
        block_has_start |= starts.contains(&n);
        if !dropped.contains(&n) {
            assert!(
                block_has_start,
                "line {n} is neither in the body nor listed as dropped: {:?}",
                line(n)
            );
        }
    }
});
