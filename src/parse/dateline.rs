//! Date lines: a line near the top that states when the article was
//! published. Patterns are anchored to the whole line, so a date inside a
//! sentence of the body ("On Wednesday, November 10, ...") never matches.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use regex::{Captures, Regex};
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Label {
    /// `Posted:`, `Published`, `First published on`: the publication date.
    Publication,
    /// No label: taken as the publication date.
    Plain,
    /// `Updated`, `Last updated:`: used only when nothing better is there.
    Update,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateLine {
    pub label: Label,
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub timezone: Option<String>,
    /// The weekday the line names, when it names one.
    pub weekday: Option<Weekday>,
}

impl DateLine {
    /// The named weekday when it contradicts the date.
    pub fn weekday_mismatch(&self) -> Option<Weekday> {
        self.weekday.filter(|w| *w != self.date.weekday())
    }
}

const MONTH: &str = "january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec";
const WEEKDAY: &str =
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs|thur|mon|tue|wed|thu|fri|sat|sun";

static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    // ` date 2021-12-11 Russia is not planning ...`: a scraper's own prefix;
    // the article (or another date line) follows on the same line.
    Regex::new(r"^date\s+(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:\s+(?P<rest>.*))?$").unwrap()
});

static LINE: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(
        r"(?x)^
        (?:(?P<label>(?i:first\s+published(?:\s+on)?|published(?:\s+on)?|posted(?:\s+on)?|last\s+updated(?:\s+on)?|updated(?:\s+on)?))\s*:?\s*)?
        (?:(?P<wd>(?i:{WEEKDAY}))\.?,?\s+)?
        (?:
            (?P<d1>\d{{1,2}})(?i:st|nd|rd|th)?\s+(?P<m1>(?i:{MONTH}))\.?,?\s+(?P<y1>\d{{4}})
          | (?P<m2>(?i:{MONTH}))\.?\s+(?P<d2>\d{{1,2}})(?i:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})
          | (?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})
        )
        (?:
            \s*(?:[-|,@–—T]|(?i:at))?\s*
            (?P<h>\d{{1,2}})[:h.](?P<mi>\d{{2}})(?::(?P<s>\d{{2}})(?:\.\d+)?)?
            \s*(?P<ampm>(?i:[ap]\.?m\.?))?
            \s*\(?(?P<tz>Z|[A-Z]{{2,5}}|(?:UTC|GMT)?[+-]\d{{1,2}}(?::?\d{{2}})?)?\)?
        )?
        \s*$"
    );
    Regex::new(&pattern).unwrap()
});

/// Splits the scraper's `date YYYY-MM-DD` prefix off the first line.
/// `Some(Err)` when the prefix names an impossible date.
pub fn split_prefix(line: &str) -> Option<(Result<NaiveDate, String>, &str)> {
    let c = PREFIX.captures(line)?;
    let rest = c.name("rest").map_or("", |m| m.as_str());
    let date = ymd(&c["y"], &c["m"], &c["d"]);
    Some((date, rest))
}

/// Recognises a whole line as a date line. `Some(Err(message))` when the line
/// has the shape of one but names a date or time that does not exist.
pub fn match_line(line: &str) -> Option<Result<DateLine, String>> {
    let c = LINE.captures(line)?;
    Some(build(&c))
}

fn build(c: &Captures) -> Result<DateLine, String> {
    let label = match c.name("label").map(|m| m.as_str().to_ascii_lowercase()) {
        None => Label::Plain,
        Some(l) if l.contains("updated") => Label::Update,
        Some(_) => Label::Publication,
    };
    let date = if let Some(d) = c.name("d1") {
        ymd(&c["y1"], month_number(&c["m1"]), d.as_str())
    } else if let Some(d) = c.name("d2") {
        ymd(&c["y2"], month_number(&c["m2"]), d.as_str())
    } else {
        ymd(&c["iy"], &c["im"], &c["id"])
    }?;
    let time = match c.name("h") {
        None => None,
        Some(h) => Some(time(
            h.as_str(),
            &c["mi"],
            c.name("ampm").map(|m| m.as_str()),
        )?),
    };
    // A zone without a time ("11 December 2021 GMT") cannot match: the
    // pattern nests the zone inside the time group.
    let timezone = c.name("tz").map(|m| normalise_zone(m.as_str()));
    let weekday = c.name("wd").and_then(|m| weekday(m.as_str()));
    Ok(DateLine {
        label,
        date,
        time,
        timezone,
        weekday,
    })
}

fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, String> {
    let parsed = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>());
    if let (Ok(y), Ok(m), Ok(d)) = parsed {
        if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
            return Ok(date);
        }
    }
    Err(format!("{y}-{m:0>2}-{d:0>2} is not a calendar date"))
}

fn month_number(name: &str) -> &'static str {
    const NUMBERS: [&str; 12] = [
        "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
    ];
    let lower = name.to_ascii_lowercase();
    let idx = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|p| lower.starts_with(p))
    .unwrap_or(0);
    NUMBERS[idx]
}

fn time(h: &str, m: &str, ampm: Option<&str>) -> Result<NaiveTime, String> {
    let (Ok(mut hour), Ok(minute)) = (h.parse::<u32>(), m.parse::<u32>()) else {
        return Err(format!("{h}:{m} is not a time of day"));
    };
    if let Some(ampm) = ampm {
        if !(1..=12).contains(&hour) {
            return Err(format!("{h}:{m} {ampm} is not a time of day"));
        }
        let pm = ampm.to_ascii_lowercase().starts_with('p');
        hour = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    NaiveTime::from_hms_opt(hour, minute, 0).ok_or_else(|| format!("{h}:{m} is not a time of day"))
}

fn weekday(name: &str) -> Option<Weekday> {
    let lower = name.to_ascii_lowercase();
    use Weekday::*;
    [
        ("mon", Mon),
        ("tue", Tue),
        ("wed", Wed),
        ("thu", Thu),
        ("fri", Fri),
        ("sat", Sat),
        ("sun", Sun),
    ]
    .into_iter()
    .find(|(p, _)| lower.starts_with(p))
    .map(|(_, w)| w)
}

/// `Z` -> `UTC`; `+0300`, `+3`, `GMT+03:00` -> `+03:00`; abbreviations as given.
fn normalise_zone(tz: &str) -> String {
    if tz == "Z" {
        return "UTC".into();
    }
    let offset = tz.trim_start_matches("UTC").trim_start_matches("GMT");
    let Some(sign) = offset.chars().next().filter(|c| *c == '+' || *c == '-') else {
        return tz.to_string();
    };
    let digits: String = offset[1..].chars().filter(char::is_ascii_digit).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.as_str(), "00"),
        3 => (&digits[..1], &digits[1..]),
        _ => (&digits[..2], &digits[2..4]),
    };
    format!("{sign}{h:0>2}:{m}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> DateLine {
        match_line(line)
            .unwrap_or_else(|| panic!("no match: {line}"))
            .unwrap()
    }

    #[test]
    fn seed_forms() {
        let d = ok("Posted: 23 Nov 2021 15:27 GMT");
        assert_eq!(d.label, Label::Publication);
        assert_eq!(d.date, NaiveDate::from_ymd_opt(2021, 11, 23).unwrap());
        assert_eq!(d.time, NaiveTime::from_hms_opt(15, 27, 0));
        assert_eq!(d.timezone.as_deref(), Some("GMT"));

        let d = ok("Saturday 15 January 2022 - 10:25");
        assert_eq!(d.date, NaiveDate::from_ymd_opt(2022, 1, 15).unwrap());
        assert_eq!(d.time, NaiveTime::from_hms_opt(10, 25, 0));
        assert_eq!(d.timezone, None);
        assert_eq!(d.weekday_mismatch(), None);

        let (date, rest) = split_prefix("date 2021-12-11 Russia is not planning").unwrap();
        assert_eq!(
            date.unwrap(),
            NaiveDate::from_ymd_opt(2021, 12, 11).unwrap()
        );
        assert_eq!(rest, "Russia is not planning");
    }

    #[test]
    fn other_common_forms() {
        assert_eq!(ok("Dec. 11, 2021").date.to_string(), "2021-12-11");
        assert_eq!(ok("December 11th, 2021").date.to_string(), "2021-12-11");
        assert_eq!(ok("Sept 4, 2014").date.to_string(), "2014-09-04");
        let d = ok("2021-12-11T09:30:00Z");
        assert_eq!(
            (d.time.unwrap().to_string(), d.timezone.unwrap()),
            ("09:30:00".into(), "UTC".into())
        );
        let d = ok("Updated: Dec 11, 2021 3:27 p.m. ET");
        assert_eq!(d.label, Label::Update);
        assert_eq!(d.time, NaiveTime::from_hms_opt(15, 27, 0));
        assert_eq!(
            ok("11 December 2021 10:00 +0300").timezone.as_deref(),
            Some("+03:00")
        );
        assert_eq!(
            ok("11 December 2021 10:00 GMT+5:30").timezone.as_deref(),
            Some("+05:30")
        );
    }

    #[test]
    fn impossible_dates_are_errors_not_guesses() {
        assert!(match_line("31 February 2022").unwrap().is_err());
        assert!(match_line("Posted: 31 June 2021 10:00").unwrap().is_err());
        assert!(match_line("1 June 2021 25:10").unwrap().is_err());
        assert!(split_prefix("date 2021-13-01 text").unwrap().0.is_err());
    }

    #[test]
    fn weekday_contradiction_is_reported() {
        assert_eq!(
            ok("Friday 15 January 2022").weekday_mismatch(),
            Some(Weekday::Fri)
        );
    }

    #[test]
    fn sentences_are_not_date_lines() {
        for line in [
            "On Wednesday, November 10, US Secretary of State Antony Blinken met",
            "Russian Deputy Foreign Minister Sergei Ryabkov held talks on January 10.",
            "7 days ago",
            "Last Updated:",
        ] {
            assert!(match_line(line).is_none(), "{line}");
        }
    }
}
