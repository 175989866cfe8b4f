//! A record's date (`YYYY-MM-DD`) and time (`HH:MM`) as text, written and
//! read once per record. chrono's `format("%Y-%m-%d")` and
//! `parse_from_str` interpret their format string on every call, which
//! cost about 5% of the parse stage; these give the same text for every
//! value (years outside 0..=9999 go to chrono, which signs them).

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

/// `2021-12-11`: the text chrono's `%Y-%m-%d` gives.
pub fn format_date(date: NaiveDate) -> String {
    let year = date.year();
    if !(0..=9999).contains(&year) {
        return date.format("%Y-%m-%d").to_string();
    }
    let mut out = String::with_capacity(10);
    push_digits(&mut out, year as u32, 4);
    out.push('-');
    push_digits(&mut out, date.month(), 2);
    out.push('-');
    push_digits(&mut out, date.day(), 2);
    out
}

/// `09:05`: the text chrono's `%H:%M` gives.
pub fn format_time(time: NaiveTime) -> String {
    let mut out = String::with_capacity(5);
    push_digits(&mut out, time.hour(), 2);
    out.push(':');
    push_digits(&mut out, time.minute(), 2);
    out
}

/// The date of a `YYYY-MM-DD` field, as `parse_from_str(text, "%Y-%m-%d")`
/// reads it; the common ten-byte form is read here, any other goes to chrono.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn push_digits(out: &mut String, value: u32, width: u32) {
    for k in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10u32.pow(k) % 10) as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every day of years chosen to cover the padding and the sign, and
    /// every minute of a day, against chrono's own formatting and parsing.
    #[test]
    fn dates_and_times_read_and_write_as_chrono_does() {
        for year in [
            -1, 0, 7, 99, 999, 1000, 1900, 2000, 2021, 2024, 9999, 10000, 262_000,
        ] {
            let mut d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            while d.year() == year {
                let text = d.format("%Y-%m-%d").to_string();
                assert_eq!(format_date(d), text);
                assert_eq!(parse_date(&text), Some(d), "{text}");
                d = d.succ_opt().unwrap();
            }
        }
        for minute in 0..24 * 60 {
            let t = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0).unwrap();
            assert_eq!(format_time(t), t.format("%H:%M").to_string());
        }
    }

    #[test]
    fn text_that_is_no_date_reads_as_chrono_reads_it() {
        for text in [
            "2021-02-30",
            "2021-13-01",
            "2021-00-10",
            "2021-1-5",
            "2021-01-5x",
            "20210105",
            "2021/01/05",
            "",
            "abcd-ef-gh",
            "+2021-01-05",
            "02021-01-05",
            " 2021-01-05",
            "2021-01-05 ",
            "2021-0a-05",
            "2021-01-05T00",
        ] {
            assert_eq!(
                parse_date(text),
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
                "{text:?}"
            );
        }
    }
}
