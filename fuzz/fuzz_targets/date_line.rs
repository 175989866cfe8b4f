//! Date-line recognition on one line. Properties: every date read is a real
//! calendar date whose year is written on the line; the line is never read
//! two ways in two calls.
#![no_main]

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;
use newscorpus::fuzzing::date_line;

fuzz_target!(|bytes: &[u8]| {
    let Ok(line) = std::str::from_utf8(bytes) else {
        return;
    };
    // The parser sees canonical lines: no line ends inside.
    if line.contains(['\n', '\r']) {
        return;
    }
    let read = date_line(line);
    assert_eq!(read, date_line(line), "two readings of one line");
    for r in &read {
        match r {
            Ok((year, exact)) => {
                let y = format!("{year:04}");
                assert!(line.contains(&y), "year {year} read from {line:?}");
                if let Some(d) = exact {
                    assert_eq!(d.year(), *year);
                }
            }
            Err(message) => assert!(!message.is_empty()),
        }
    }
});
