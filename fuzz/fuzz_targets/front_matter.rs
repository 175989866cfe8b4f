//! Front matter. Properties: it never takes more lines than the file has;
//! findings point inside the file; a `published` date it states is written
//! in it.
#![no_main]

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;
use newscorpus::fuzzing::front_matter;

fuzz_target!(|bytes: &[u8]| {
    let Some(v) = front_matter(bytes) else { return };
    assert!(v.lines <= v.text_lines);
    let last = v.line_offset + v.text_lines;
    for &n in &v.diagnostic_lines {
        assert!(n >= 1 && n <= last, "a finding names line {n} of {last}");
    }
    if let Some(date) = v.published {
        assert!(v.lines > 0, "a date from front matter that is not there");
        let text = String::from_utf8_lossy(bytes);
        let year = format!("{:04}", date.year());
        assert!(
            text.contains(&year),
            "published {date}, but {year} is not in the file"
        );
    }
    if let Some(title) = &v.title {
        assert!(!title.trim().is_empty(), "an empty title was taken");
    }
});
