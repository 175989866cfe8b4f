//! Date lines: a line near the top that states when the article was
//! published. Every pattern is anchored to the whole line (after an
//! optional byline), so a date inside a sentence of the body ("On Wednesday,
//! November 10, ...") never matches, and a relative date ("7 days ago") is
//! never turned into a calendar date.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Label {
    /// `Posted:`, `Published`, `First published on`: the publication date.
    Publication,
    /// No label: taken as the publication date.
    Plain,
    /// `Updated`, `Last updated:`, `Last modified`: used only when nothing better is there.
    Update,
}

pub use crate::config::DateOrder;

/// The calendar part of a date line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    Exact(NaiveDate),
    /// `a/b/year` or `a.b.year` with both parts 12 or less and different:
    /// the day/month order needs evidence.
    Numeric {
        a: u32,
        b: u32,
        year: i32,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateLine {
    pub label: Label,
    pub value: DateValue,
    pub time: Option<NaiveTime>,
    pub timezone: Option<String>,
    /// The weekday the line names, when it names one.
    pub weekday: Option<Weekday>,
    /// The numeric order this line proves (`25/12/2021` proves day first).
    pub order_evidence: Option<DateOrder>,
}

impl DateLine {
    /// A plain date with nothing else known (no label, time or zone).
    pub fn plain(date: NaiveDate) -> DateLine {
        DateLine {
            label: Label::Plain,
            value: DateValue::Exact(date),
            time: None,
            timezone: None,
            weekday: None,
            order_evidence: None,
        }
    }

    /// The date, when the line alone fixes it.
    pub fn exact(&self) -> Option<NaiveDate> {
        match self.value {
            DateValue::Exact(d) => Some(d),
            DateValue::Numeric { .. } => None,
        }
    }

    /// Reads a numeric date in `order`, or by the weekday when exactly one
    /// reading falls on it. `Err` when impossible in that order.
    pub fn resolve(&self, order: Option<DateOrder>) -> Option<Result<NaiveDate, String>> {
        let DateValue::Numeric { a, b, year } = self.value else {
            return self.exact().map(Ok);
        };
        let read = |order: DateOrder| {
            let (d, m) = match order {
                DateOrder::Dmy => (a, b),
                DateOrder::Mdy => (b, a),
            };
            NaiveDate::from_ymd_opt(year, m, d)
        };
        if let Some(order) = order {
            return Some(
                read(order).ok_or_else(|| format!("{a}/{b}/{year} is not a calendar date")),
            );
        }
        let weekday = self.weekday?;
        let fits: Vec<NaiveDate> = [DateOrder::Dmy, DateOrder::Mdy]
            .into_iter()
            .filter_map(read)
            .filter(|d| d.weekday() == weekday)
            .collect();
        (fits.len() == 1).then(|| Ok(fits[0]))
    }

    /// The named weekday when it contradicts the (exact) date.
    pub fn weekday_mismatch(&self) -> Option<Weekday> {
        let date = self.exact()?;
        self.weekday.filter(|w| *w != date.weekday())
    }
}

const MONTH: &str = "january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec";
const WEEKDAY: &str =
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs|thur|mon|tue|wed|thu|fri|sat|sun";
const LABEL: &str = r"first\s+published(?:\s+on)?|originally\s+published(?:\s+on)?|(?:original\s+)?publication\s+date|this\s+(?:story|article)\s+(?:has\s+been|was)\s+published(?:\s+on)?|published(?:\s+on|\s+at)?|posted(?:\s+on|\s+at)?|date|last\s+updated(?:\s+on|\s+at)?|updated(?:\s+on|\s+at)?|republished(?:\s+on)?|last\s+modified(?:\s+on)?|modified(?:\s+on)?|issued(?:\s+on)?";
/// `By Jane Doe`, `By Jane Doe, Reuters |`, and the scraped `By Jane DoeMarch 5, 2020`.
const BYLINE: &str = r"(?:(?i:by)\s+\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}(?:\s*(?:,|and|&)\s*\p{Lu}[\p{L}.'’\x20-]+?)?\s*(?:[|·•,–—-]\s*)?)";

/// A time of day: `10:25`, `10.25`, `10h25`, `10:25:00.000`, `3:27 p.m.`,
/// `3pm`, with an optional zone. Minutes are required unless am/pm is given,
/// so a bare number is never a time.
fn time_pattern(name: &str) -> String {
    format!(
        r"(?P<{name}h>\d{{1,2}})(?:[:h.](?P<{name}mi>\d{{2}})(?::(?P<{name}s>\d{{2}})(?:\.\d+)?)?\s*(?P<{name}ampm>(?i:[ap]\.?\s?m\.?))?|\s*(?P<{name}ampmb>(?i:[ap]\.?\s?m\.?)))(?:\s*[-–]\s*\d{{1,2}}(?::\d{{2}})?\s*(?i:[ap]\.?\s?m\.?))?\s*\(?(?P<{name}tz>Z|British\s+Summer\s+Time|Greenwich\s+Mean\s+Time|[A-Z]{{2,5}}|(?:UTC|GMT)?\s?[+-]\d{{1,2}}(?::?\d{{2}})?)?\)?"
    )
}

static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    // ` date 2021-12-11 Russia is not planning ...`: a scraper's own prefix;
    // the article (or another date line) follows on the same line.
    super::patterns::regex(r"^date\s+(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:\s+(?P<rest>.*))?$")
});

static LINE: LazyLock<Regex> = LazyLock::new(|| {
    let pre_time = time_pattern("p");
    let post_time = time_pattern("t");
    let pattern = format!(
        r"(?x)^
        (?:[*•·]\s+)?
        (?:\([\p{{L}}\x20.'’-]{{2,}}\)\s*|(?:Associated\x20Press|Reuters|AFP|AP|PTI|IANS|ANI|Xinhua|Bloomberg)\s+|\p{{Lu}}[\p{{Lu}}\x20.'’-]+,\s+)?
        {BYLINE}?
        (?:(?P<label>(?i:{LABEL}))\s*:?\s*)?
        (?:{pre_time}\s*[,|–—-]?\s*)?
        (?:(?P<wd>(?i:{WEEKDAY}))\.?,?\s+)?
        (?:
            (?P<d1>\d{{1,2}})(?:(?i:st|nd|rd|th)|\.)?\s+(?:(?i:of)\s+)?(?P<m1>(?i:{MONTH}))\.?,?\s+(?P<y1>\d{{4}})
          | (?P<m2>(?i:{MONTH}))\.?\s+(?P<d2>\d{{1,2}})(?i:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})
          | (?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})
          | (?P<sy>\d{{4}})/(?P<sm>\d{{1,2}})/(?P<sd>\d{{1,2}})
          | (?P<na>\d{{1,2}})(?P<sep>[/.-])(?P<nb>\d{{1,2}})[/.-](?P<ny>\d{{4}})
        )
        (?:\s*(?:[-|,@–—/T•·]\s*)?(?:(?i:at)\s+)?{post_time}|\s+(?:GMT|UTC))?
        (?:,\s*UK)?
        (?:\s*[|•·,–—-]?\s*(?i:by|edited\s+by|written\s+by|posted\s+by|source)\s*:?\s*\p{{L}}[\p{{L}}.'’\x20()-]+)?
        (?:\s*/[\p{{L}}\x20-]{{2,}}/\s*(?:--|—)?)?
        (?:\s+(?i:listen|watch))?
        \s*\.?\s*$"
    );
    super::patterns::regex(&pattern)
});

/// `..., Updated 10:30 GMT, 11 December 2021` or `| Updated 2 days ago` after a
/// publication date: the update clause is split off and read on its own.
static UPDATE_CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
    super::patterns::regex(
        r"^(?P<head>.+?)\s*(?:[|,;·•/–—-]\s*)?(?P<tail>(?i:last\s+updated|updated|last\s+modified|modified)\b.*)$",
    )
});

const MAX_DATELINE_LEN: usize = 200;

/// The separators of a meta row.
static SEGMENT: LazyLock<Regex> =
    LazyLock::new(|| super::patterns::regex(r"\s*[·•|]\s*|\s+[/–—-]\s+"));
/// `Written by Jane Doe on ` / `on ` before a date.
static BYLINE_ON: LazyLock<Regex> = LazyLock::new(|| {
    super::patterns::regex(
        r"^(?:(?i:written\s+by|by)\s+\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}\s+)?(?i:on)\s+",
    )
});
/// A relative time beside the date (`Posted 21h ago21 hours agoFri 2 Dec
/// 2022`): dropped, never turned into a date of its own.
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    super::patterns::regex(r"\d+\s*(?i:h|hrs?|hours?|m|mins?|minutes?|d|days?)\s+ago")
});
/// A read time before the date (`2 min read Last Updated : Apr 11 2023`):
/// a part of the row of its own.
static READ_TIME: LazyLock<Regex> =
    LazyLock::new(|| super::patterns::regex(r"^\d+\s*(?i:min|mins|minutes?)\s+(?i:read)\s+"));
/// A name or a link's text glued to a weekday (`Jane DoeTuesday 7 Mar
/// 2023`, `Continue reading...Sat, 20 Dec 2025`) or to a month
/// (`staffDecember 20, 2017`), or an update label glued to the time
/// before it (`04/07/2020 – 23:30Modified: ...`).
static GLUED_DAY: LazyLock<Regex> = LazyLock::new(|| {
    super::patterns::regex(
        r"([\p{Ll}.…?!])((?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs?)?|Fri|Sat(?:ur)?|Sun)(?:day)?\b)|(\d)((?:Last\s+)?(?:Modified|Updated)\b)|(\p{Ll})((?:January|February|March|April|May|June|July|August|September|October|November|December)\s+\d)",
    )
});
/// `. Updated`, `, updated`, `. Posted` joining a byline or a first date to the next.
static UPDATE_JOIN: LazyLock<Regex> =
    LazyLock::new(|| super::patterns::regex(r"[.,]\s+((?i:updated|posted|published)\b)"));

/// Every date line names a four-digit year: a cheap test that spares most
/// lines the regexes.
fn has_year(line: &str) -> bool {
    line.as_bytes()
        .windows(4)
        .any(|w| w.iter().all(u8::is_ascii_digit) && (w[0] == b'1' || w[0] == b'2'))
}

/// Splits the scraper's `date YYYY-MM-DD` prefix off the first line.
/// `Some(Err)` when the prefix names an impossible date.
pub fn split_prefix(line: &str) -> Option<(Result<NaiveDate, String>, &str)> {
    if !line.starts_with("date ") {
        return None;
    }
    let c = PREFIX.captures(line)?;
    let rest = c.name("rest").map_or("", |m| m.as_str());
    let date = ymd(&c["y"], &c["m"], &c["d"]);
    Some((date, rest))
}

/// Recognises a whole line as a date line: one date, or a publication date
/// followed by an update clause (then two). `Err(message)` for a line with
/// the shape of a date line naming a date or time that does not exist.
pub fn match_line(line: &str) -> Option<Vec<Result<DateLine, String>>> {
    // The longest date line (byline, labels, publication and update) is well
    // under this; the check keeps paragraphs off the capturing engines.
    if line.len() > MAX_DATELINE_LEN || !has_year(line) {
        return None;
    }
    match_whole(line).or_else(|| match_meta_row(line))
}

/// A meta row: the date among bylines, agencies, sections, read times and
/// comment counts, `·`, `•`, `|`, ` / ` or ` - ` between them
/// (`Jane Doe · CBC News · Posted: Aug 08, 2024 4:00 AM EDT | Last Updated:
/// August 8`, `June 3, 2019 · 3 min read`, `Written by Jane Doe on June 3,
/// 2019`). Every other part must be short and no sentence, so a sentence
/// that happens to hold a date and a dash is never read as one.
fn match_meta_row(line: &str) -> Option<Vec<Result<DateLine, String>>> {
    // Most lines that failed the whole-line patterns are prose: only a line
    // with a separator, a joining word or a glued weekday is looked at again.
    let t = line.trim_end();
    let worth = t.ends_with([',', ';'])
        || t.contains(['·', '•', '|'])
        || t.contains(" / ")
        || t.contains(" - ")
        || t.contains(" – ")
        || t.contains(" — ")
        || t.contains("pdated")
        || t.contains("osted")
        || t.contains("ublished")
        || t.starts_with(['o', 'O', 'W', 'w'])
        || t.contains("day ")
        || t.contains("day,")
        || t.contains(" ago")
        || GLUED_DAY.is_match(t);
    if !worth {
        return None;
    }
    let mut row = BYLINE_ON.replace(line, "").into_owned();
    row = RELATIVE.replace_all(&row, " ").into_owned();
    row = READ_TIME.replace(&row, "").into_owned();
    row = GLUED_DAY.replace_all(&row, "$1$3$5 | $2$4$6").into_owned();
    row = UPDATE_JOIN.replace_all(&row, " | $1").into_owned();
    let mut found: Vec<Result<DateLine, String>> = Vec::new();
    let mut parts = 0;
    for part in SEGMENT.split(&row) {
        let part = part.trim().trim_end_matches([',', ';', ':']).trim();
        if part.is_empty() {
            continue;
        }
        parts += 1;
        match match_whole(part) {
            // One publication date and at most one update: a row with two
            // publication dates is not one article's.
            Some(dates) if found.len() < 2 => found.extend(dates),
            Some(_) => return None,
            None if is_furniture(part) => {}
            None => return None,
        }
    }
    let trailing = line.trim_end().ends_with([',', ';']);
    (parts > 1 || row != line || trailing)
        .then_some(found)
        .filter(|f| !f.is_empty())
}

/// A part of a meta row that is not the date: a name, an agency, a
/// section, a read time, a comment count. Short, no sentence, and without
/// the little words a clause needs ("the minister said talks failed").
fn is_furniture(part: &str) -> bool {
    const CLAUSE_WORDS: &[&str] = &[
        "the", "a", "an", "said", "says", "to", "of", "that", "was", "is", "has", "have", "will",
        "would", "were", "are", "it", "he", "she", "they", "we",
    ];
    let clause_words = part
        .split_whitespace()
        .filter(|w| {
            CLAUSE_WORDS.contains(
                &w.to_lowercase()
                    .trim_matches(|c: char| !c.is_alphanumeric()),
            )
        })
        .count();
    let words = crate::parse::text::word_count(part);
    // A link's text cut short (`Continue reading...`) is not a sentence.
    let link = words <= 3 && (part.ends_with("...") || part.ends_with('…'));
    words <= 8 && (link || !part.ends_with(['.', '!', '?'])) && clause_words < 2
}

fn match_whole(line: &str) -> Option<Vec<Result<DateLine, String>>> {
    if let Some(c) = line_groups(line) {
        return Some(vec![build(&c)]);
    }
    let lower = line.to_ascii_lowercase();
    if !lower.contains("updated") && !lower.contains("modified") {
        return None;
    }
    let split = UPDATE_CLAUSE.captures(line)?;
    let head = line_groups(&split["head"])?;
    let mut out = vec![build(&head)];
    match line_groups(&split["tail"]) {
        Some(tail) => out.push(build(&tail)),
        // An update clause without a date (`Updated 2 days ago`) is
        // furniture; a sentence after the label is not a date line's.
        None if !is_furniture(&split["tail"]) => return None,
        None => {}
    }
    Some(out)
}

/// Where each group of a [`LINE`] match is, as byte ranges of the line.
type Spans = std::rc::Rc<[Option<(usize, usize)>]>;

/// The groups of a [`LINE`] match.
struct Groups<'h> {
    line: &'h str,
    spans: Spans,
}

impl<'h> Groups<'h> {
    fn name(&self, name: &str) -> Option<&'h str> {
        let (start, end) = self.spans[group_index(name)]?;
        Some(&self.line[start..end])
    }
}

impl<'h> std::ops::Index<&str> for Groups<'h> {
    type Output = str;

    /// The group, which the pattern makes present whenever this is asked.
    fn index(&self, name: &str) -> &str {
        self.name(name)
            .unwrap_or_else(|| panic!("the date line matched without group {name}"))
    }
}

fn group_index(name: &str) -> usize {
    /// A group name of up to eight bytes as one number, so that finding a
    /// group (about twenty times a date line) compares numbers, not strings.
    fn key(name: &str) -> u64 {
        assert!(
            name.len() <= 8,
            "date-line group name `{name}` is over eight bytes"
        );
        name.bytes().fold(0, |k, b| k << 8 | u64::from(b))
    }
    static INDEX: LazyLock<Vec<(u64, usize)>> = LazyLock::new(|| {
        let mut index: Vec<(u64, usize)> = LINE
            .capture_names()
            .enumerate()
            .filter_map(|(i, n)| Some((key(n?), i)))
            .collect();
        index.sort_unstable();
        index
    });
    match INDEX.binary_search_by_key(&key(name), |&(k, _)| k) {
        Ok(k) => INDEX[k].1,
        Err(_) => panic!("{name} is no group of the date line"),
    }
}

/// A line's shape: its ASCII digits all read `0`. [`LINE`] holds no
/// literal digit and no class with some digits but not others (a test
/// holds it to that), so two lines of one shape match alike, with the same
/// groups at the same places: a corpus's date lines come in few shapes
/// (`Posted: 0 Apr 0000 00:00 GMT`), and the capturing engine, a
/// backtracker over an automaton of Unicode classes (about 2 µs a line),
/// runs once per shape and thread.
fn shape(line: &str, out: &mut Vec<u8>) {
    out.clear();
    out.extend(
        line.bytes()
            .map(|b| if b.is_ascii_digit() { b'0' } else { b }),
    );
}

/// [`LINE`]'s groups in `line`, remembered by the line's [`shape`].
fn line_groups(line: &str) -> Option<Groups<'_>> {
    /// Shapes seen, and a buffer for the shape asked about (allocated only
    /// when a new shape is remembered).
    #[derive(Default)]
    struct Seen {
        spans: HashMap<Box<[u8]>, Spans, foldhash::fast::FixedState>,
        shape: Vec<u8>,
    }
    thread_local! {
        static SEEN: std::cell::RefCell<Seen> = std::cell::RefCell::default();
    }
    /// Shapes kept per thread before starting afresh: about a megabyte.
    const MAX_SHAPES: usize = 1024;
    // The DFA answers whether (most lines asked are not date lines, and
    // are not remembered); only a match pays for the capturing engine.
    if !LINE.is_match(line) {
        return None;
    }
    let spans = SEEN.with_borrow_mut(|seen| {
        shape(line, &mut seen.shape);
        if let Some(spans) = seen.spans.get(seen.shape.as_slice()) {
            return Some(spans.clone());
        }
        let c = LINE.captures(line)?;
        let spans: Spans = c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect();
        if seen.spans.len() >= MAX_SHAPES {
            seen.spans.clear();
        }
        seen.spans
            .insert(seen.shape.as_slice().into(), spans.clone());
        Some(spans)
    })?;
    Some(Groups { line, spans })
}

fn build(c: &Groups) -> Result<DateLine, String> {
    let label = match c.name("label").map(str::to_ascii_lowercase) {
        None => Label::Plain,
        Some(l)
            if l.contains("updated") || l.contains("modified") || l.starts_with("republished") =>
        {
            Label::Update
        }
        Some(_) => Label::Publication,
    };
    let mut order_evidence = None;
    let value = if let Some(d) = c.name("d1") {
        DateValue::Exact(ymd(&c["y1"], month_number(&c["m1"]), d)?)
    } else if let Some(d) = c.name("d2") {
        DateValue::Exact(ymd(&c["y2"], month_number(&c["m2"]), d)?)
    } else if let Some(y) = c.name("iy") {
        DateValue::Exact(ymd(y, &c["im"], &c["id"])?)
    } else if let Some(y) = c.name("sy") {
        DateValue::Exact(ymd(y, &c["sm"], &c["sd"])?)
    } else {
        let (value, evidence) = numeric(&c["na"], &c["nb"], &c["ny"])?;
        order_evidence = evidence;
        value
    };
    // The time is given either before the date (`10:25 GMT, 11 Dec 2021`) or after it.
    let (time, timezone) = match (time_of(c, &PRE_TIME)?, time_of(c, &POST_TIME)?) {
        (Some(t), _) | (None, Some(t)) => (Some(t.0), t.1),
        (None, None) => (None, None),
    };
    let weekday = c.name("wd").and_then(weekday);
    Ok(DateLine {
        label,
        value,
        time,
        timezone,
        weekday,
        order_evidence,
    })
}

/// A time needs minutes unless it has am/pm (`3pm`); a bare number is not a time.
fn time_of(c: &Groups, names: &TimeGroups) -> Result<Option<(NaiveTime, Option<String>)>, String> {
    let get = |name: &str| c.name(name);
    let Some(h) = get(names.hour) else {
        return Ok(None);
    };
    let ampm = get(names.ampm).or(get(names.ampm_bare));
    let minute = get(names.minute);
    if minute.is_none() && ampm.is_none() {
        return Err(format!("`{h}` is not a time of day"));
    }
    let t = time(h, minute.unwrap_or("00"), ampm)?;
    Ok(Some((t, get(names.zone).map(normalise_zone))))
}

/// The group names [`time_pattern`] gives a time before the date (`p`) and
/// after it (`t`), written out once rather than formatted for every match.
struct TimeGroups {
    hour: &'static str,
    minute: &'static str,
    ampm: &'static str,
    ampm_bare: &'static str,
    zone: &'static str,
}

const PRE_TIME: TimeGroups = TimeGroups {
    hour: "ph",
    minute: "pmi",
    ampm: "pampm",
    ampm_bare: "pampmb",
    zone: "ptz",
};

const POST_TIME: TimeGroups = TimeGroups {
    hour: "th",
    minute: "tmi",
    ampm: "tampm",
    ampm_bare: "tampmb",
    zone: "ttz",
};

fn numeric(a: &str, b: &str, y: &str) -> Result<(DateValue, Option<DateOrder>), String> {
    let (Ok(a), Ok(b), Ok(year)) = (a.parse::<u32>(), b.parse::<u32>(), y.parse::<i32>()) else {
        return Err(format!("{a}/{b}/{y} is not a date"));
    };
    let exact = |d: u32, m: u32| {
        NaiveDate::from_ymd_opt(year, m, d)
            .map(DateValue::Exact)
            .ok_or_else(|| format!("{a}/{b}/{year} is not a calendar date"))
    };
    match (a, b) {
        _ if a == 0 || b == 0 || (a > 12 && b > 12) => {
            Err(format!("{a}/{b}/{year} is not a calendar date"))
        }
        _ if a == b => Ok((exact(a, b)?, None)),
        _ if a > 12 => Ok((exact(a, b)?, Some(DateOrder::Dmy))),
        _ if b > 12 => Ok((exact(b, a)?, Some(DateOrder::Mdy))),
        _ => Ok((DateValue::Numeric { a, b, year }, None)),
    }
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

pub fn weekday(name: &str) -> Option<Weekday> {
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
    // BBC pages spell the zone out.
    if tz.starts_with("British") {
        return "BST".into();
    }
    if tz.starts_with("Greenwich") {
        return "GMT".into();
    }
    let offset = tz
        .trim_start_matches("UTC")
        .trim_start_matches("GMT")
        .trim_start();
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

/// Compiles this module's patterns now (see [`crate::parse::warm_up`]).
pub fn warm_up() {
    for pattern in [
        &PREFIX,
        &LINE,
        &UPDATE_CLAUSE,
        &SEGMENT,
        &BYLINE_ON,
        &RELATIVE,
        &READ_TIME,
        &GLUED_DAY,
        &UPDATE_JOIN,
    ] {
        LazyLock::force(pattern);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_groups_are_the_patterns_own() {
        let names: Vec<&str> = LINE.capture_names().flatten().collect();
        for groups in [&PRE_TIME, &POST_TIME] {
            for name in [
                groups.hour,
                groups.minute,
                groups.ampm,
                groups.ampm_bare,
                groups.zone,
            ] {
                assert!(names.contains(&name), "{name} is no group of the date line");
            }
        }
        let line = |l: &str| match_line(l).and_then(|d| d.into_iter().next()?.ok());
        let before = line("10:25 GMT, 11 December 2021").unwrap();
        assert_eq!(before.time, NaiveTime::from_hms_opt(10, 25, 0));
        assert_eq!(before.timezone.as_deref(), Some("GMT"));
        let after = line("Posted: 23 Nov 2021 3pm").unwrap();
        assert_eq!(after.time, NaiveTime::from_hms_opt(15, 0, 0));
    }

    #[test]
    fn the_date_line_pattern_reads_every_ascii_digit_alike() {
        // What lets lines of one shape share their groups: no literal
        // digit, and a class holds all ten ASCII digits or none of them.
        fn walk(hir: &regex_syntax::hir::Hir) {
            use regex_syntax::hir::{Class, HirKind};
            match hir.kind() {
                HirKind::Literal(lit) => {
                    assert!(!lit.0.iter().any(u8::is_ascii_digit), "literal {lit:?}");
                }
                HirKind::Class(Class::Unicode(class)) => {
                    let digits = ('0'..='9')
                        .filter(|d| class.iter().any(|r| (r.start()..=r.end()).contains(d)))
                        .count();
                    assert!(digits == 0 || digits == 10, "class {class:?}");
                }
                HirKind::Class(Class::Bytes(class)) => {
                    let digits = (b'0'..=b'9')
                        .filter(|d| class.iter().any(|r| (r.start()..=r.end()).contains(d)))
                        .count();
                    assert!(digits == 0 || digits == 10, "class {class:?}");
                }
                HirKind::Capture(c) => walk(&c.sub),
                HirKind::Repetition(r) => walk(&r.sub),
                HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().for_each(walk),
                HirKind::Empty | HirKind::Look(_) => {}
            }
        }
        walk(&regex_syntax::parse(LINE.as_str()).unwrap());
    }

    fn direct(line: &str) -> Option<Vec<Option<(usize, usize)>>> {
        LINE.captures(line)
            .map(|c| c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect())
    }

    proptest::proptest! {
        #[test]
        fn remembered_groups_are_the_groups_of_the_line(
            lines in proptest::collection::vec((
                proptest::sample::select(&[
                    "Posted: # Apr #### ##:## GMT", "Posted: ## Apr #### #:## GMT", "##/##/####",
                    "#/##/####", "By Jane Doe | March ##, ####", "####-##-##T##:##:##Z",
                    "Updated ##.##.#### ##h##", "Saturday ## January #### - ##:##",
                    "## Apr ####", "Apr ## ####", "#### Apr ##", "##:## ## Apr ####",
                    "Published ## May ####, updated ## May ####", "## May #### ##:## +##:##",
                ][..]),
                proptest::collection::vec(0u8..10, 24),
            ), 1..12),
        ) {
            for (template, digits) in &lines {
                let mut digits = digits.iter();
                let line: String = template
                    .chars()
                    .map(|c| if c == '#' { char::from(b'0' + digits.next().unwrap()) } else { c })
                    .collect();
                let via_cache = line_groups(&line).map(|g| g.spans.to_vec());
                proptest::prop_assert_eq!(via_cache, direct(&line), "{}", line);
            }
        }
    }
}
