//! Finding the article in a page dump: what `get_text()`, inscriptis or a
//! Common Crawl WET record give for a whole page, where the article comes
//! after menus, link lists, share rows and breadcrumbs.
//!
//! Three plain steps, each on cleaned lines: find where the article text
//! starts (the first prose line with more prose close below it, the
//! text-density idea of jusText and boilerpipe applied to lines); walk up
//! from there to the headline (the headline-shaped line that a byline or
//! date follows, not a caption, menu item, breadcrumb or author box); and
//! call it a page dump only when what comes before the headline is mostly
//! navigation. Tidy text (a headline, a date line, paragraphs) is never a
//! page dump, so it is parsed exactly as before.

use super::gate::{self, Strings};
use super::text;
use regex::Regex;
use std::sync::LazyLock;

/// Where the article is in a page dump, as indices into the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub headline: usize,
    /// The first line of article text (prose) below the headline.
    pub start: usize,
}

/// How many lines of prose, among the next [`DENSITY_WINDOW`] non-blank
/// lines, mark the start of the article text (tried in this order).
const DENSITY: [usize; 2] = [3, 2];
const DENSITY_WINDOW: usize = 8;
/// The headline is looked for among this many non-blank lines above the text.
const HEADLINE_REACH: usize = 30;
/// A player's label is this many non-blank lines above its description.
pub const MEDIA_REACH: usize = 2;
/// A meta row or share row this many non-blank lines below the first prose
/// line shows that line to be a standfirst: the text starts below them.
const HEADER_AFTER_START: usize = 3;
/// Fewer non-blank lines than this before the headline is a tidy header.
const MIN_CHROME_LINES: usize = 4;

static BULLET: LazyLock<Regex> =
    LazyLock::new(|| super::patterns::regex(r"^(?:[*•·▪►+-](?:\s|$)|\d{1,2}\.\s)"));
static URL: LazyLock<Regex> = LazyLock::new(|| super::patterns::regex(r"^(?:https?://|www\.)\S+$"));
static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| super::patterns::regex(r#"[.!][”"’')]*$"#));
static SENTENCE_BREAK: LazyLock<Regex> =
    LazyLock::new(|| super::patterns::regex(r#"[.!?][”"’')]*\s+[\p{Lu}“"‘']"#));
static SENTENCE_END_ANY: LazyLock<Regex> =
    LazyLock::new(|| super::patterns::regex(r#"[.!?][”"’')]*$"#));
static ANY_SENTENCE: LazyLock<Regex> =
    LazyLock::new(|| super::patterns::regex(r#"[.!?][”"’')]*(?:\s|$)"#));
/// A date written in words or numbers, or a relative time: header
/// furniture, never a headline.
static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    let month = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?";
    super::patterns::regex(&format!(
        r"(?i)\b\d{{1,2}}(?:st|nd|rd|th)?\s+{month}\s+\d{{4}}|\b{month}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\b\d{{4}}-\d{{2}}-\d{{2}}|\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b|\b\d+\s*(?:min|mins|minutes|h|hours?|days?)\s+ago\b|\bago$"
    ))
});
static BYLINE_START: LazyLock<Regex> = LazyLock::new(|| {
    super::patterns::regex(
        r"^(?i:by\s+\S|published\b|updated\b|posted\b|last updated\b|written by\b)",
    )
});
/// A picture's caption or credit.
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    super::patterns::regex(
        r"(?i)\((?:image|photo|picture)s?\b|\bgetty images\b|\bphoto(?:graph)?s?\s*(?:by|:|/)|[—–-]\s*(?:picture|photo|image)\s+by\s|\s[—–-]\s*(?:copyright\b|©)|^(?:picture|image|photo|credit)s?\s*:|\((?:left|right|centre|center|top|bottom|r|l|c)\)|,\s(?:far\s)?(?:left|right|centre|center),\s|\bin this (?:\w+\s)?(?:picture|photo|photograph|image|illustration)\b|\(AP Photo|(?-i:^\p{Lu}[\p{Lu}\s'’!?,]{2,40}\s*(?:…|\.\.\.)\s+\p{Lu}|[.!?][”’\x22]?\s*\((?:[^()]{1,60}/[^()]{1,60}|\p{Lu}{2,6})\)$)",
    )
});
/// Page furniture that can look like a short headline.
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    super::patterns::regex(
        r"(?i)^(?:share|view all|add to|increase|decrease|listen|watch|print|email|comments?|follow|subscribe|sign up|log ?in|read more|related|advertisement|close|video|show authors|download pdf|click to|skip to|more)\b|\b(?:follow|editor|reporter|correspondent|columnist)$|\b\d+\s+(?:views|comments|shares|min read|minute read)\b",
    )
});
/// The label of an embedded video or audio player: the title and
/// description under it are the player's, not the article's.
static MEDIA_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    super::patterns::regex(
        r"^(?i:video|watch|watch now|watch video|play video|listen|audio|podcast)\s*:?$",
    )
});
/// Separators of breadcrumbs, meta rows and glued menus.
static SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| super::patterns::regex(r"[|•»>]|\s/\s|\s\+\s"));

const STOP_WORDS: [&str; 26] = [
    "the", "a", "an", "of", "to", "in", "on", "for", "and", "with", "at", "by", "from", "as", "is",
    "are", "after", "over", "says", "said", "its", "his", "her", "their", "into", "about",
];

const STOP_WORD_KEYS: text::ShortWords<{ STOP_WORDS.len() }> = text::ShortWords::new(STOP_WORDS);

/// A function word (`the`, `of`, `said`, ...): running text is full of them.
pub fn is_stop_word(w: &str) -> bool {
    // Trimmed a byte at a time when the word's first and last letters or
    // digits are ASCII (decoding each character to trim was half of this
    // test's cost); otherwise by characters, as Unicode reads them.
    let b = w.as_bytes();
    let keep = |b: &u8| b.is_ascii_alphanumeric() || !b.is_ascii();
    let (Some(start), Some(end)) = (b.iter().position(keep), b.iter().rposition(keep)) else {
        return false;
    };
    if !b[start].is_ascii() || !b[end].is_ascii() {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        return STOP_WORD_KEYS.position(w.as_bytes()).is_some();
    }
    STOP_WORD_KEYS.position(&b[start..=end]).is_some()
}

static KEY_POINT: LazyLock<Regex> = LazyLock::new(|| super::patterns::regex(r"^[-*•▪]\s+\S"));

/// A list item marked with a symbol and holding a few words of text:
/// what sites print as key points.
pub fn is_key_point(line: &str) -> bool {
    KEY_POINT.is_match(line) && text::word_count(line) >= 5
}

fn is_bullet(line: &str) -> bool {
    BULLET.is_match(line)
}

/// A line of running text: ten words or more ending a sentence, or two
/// sentences, or long enough to be a paragraph whatever its punctuation.
/// A lone question is not prose: headlines ask questions too.
pub fn is_prose(line: &str) -> bool {
    let (words, stop) = first_words(line);
    if words < 10 || is_bullet(line) {
        return false;
    }
    // Twenty words of running English hold many function words; a menu
    // glued into one line (`Culture Azerbaijan Diary Cinema Creators ...`)
    // holds almost none.
    if words >= 20 && stop < 4 && !SENTENCE_END.is_match(line) {
        return false;
    }

    // Two short sentences can be a headline ("... in January. Now, it
    // can't"); a paragraph ends its last sentence or runs longer.
    words >= 20 || SENTENCE_END.is_match(line) || (words >= 16 && SENTENCE_BREAK.is_match(line))
}

const MAX_WORDS: usize = 20;

/// Of a line's first twenty words holding a letter or a digit (every test
/// of [`is_prose`] needs no more), how many there are and how many are
/// function words.
fn first_words(line: &str) -> (usize, usize) {
    let (mut words, mut stop) = (0, 0);
    // Byte by byte while the line is ASCII, where white space and letters
    // are ASCII's (a fifth of the cost of decoding characters); from the
    // first other byte on, character by character from the start again.
    let bytes = line.as_bytes();
    let blank = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
    let mut i = 0;
    while words < MAX_WORDS {
        while i < bytes.len() && blank(bytes[i]) {
            i += 1;
        }
        if i == bytes.len() {
            return (words, stop);
        }
        let start = i;
        while i < bytes.len() && !blank(bytes[i]) {
            if !bytes[i].is_ascii() {
                return first_words_of_any(line);
            }
            i += 1;
        }
        let w = &line[start..i];
        if w.bytes().any(|b| b.is_ascii_alphanumeric()) {
            words += 1;
            stop += usize::from(is_stop_word(w));
        }
    }
    (words, stop)
}

/// [`first_words`] for any text.
fn first_words_of_any(line: &str) -> (usize, usize) {
    let (mut words, mut stop) = (0, 0);
    for w in line
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(MAX_WORDS)
    {
        words += 1;
        stop += usize::from(is_stop_word(w));
    }
    (words, stop)
}

/// A menu item, a bare link or a one-to-three-word label.
pub fn is_link_like(line: &str) -> bool {
    is_bullet(line)
        || URL.is_match(line)
        || (text::word_count(line) <= 3 && !ANY_SENTENCE.is_match(line))
}

pub fn is_media_label(line: &str) -> bool {
    MEDIA_LABEL.is_match(line)
}

/// Every match of `CAPTION` holds `(`, `…`, `...` or `©`, or one of these
/// words, ASCII case aside: each alternative of the pattern names one
/// (`getty images` and `in this illustration` hold `image` and `illu`). A
/// paragraph holding none skips the pattern, whose unanchored search reads
/// every byte (2 ns a byte, against under 0.5 for this look; BENCHMARKS.md).
/// None of the words' letters has a case variant outside ASCII under `(?i)`
/// (unlike `k` and `s`), so lower-casing ASCII alone misses no match.
const CAPTION_WORDS: [&str; 10] = [
    "photo",
    "picture",
    "image",
    "copyright",
    "credit",
    "left,",
    "right,",
    "centre,",
    "center,",
    "illu",
];
static CAPTION_WORD_SEARCH: LazyLock<Option<Strings>> =
    LazyLock::new(|| Strings::new(CAPTION_WORDS.map(|w| w.as_bytes().to_vec()).to_vec()));

static ELLIPSIS: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("..."));

fn may_be_caption(line: &str) -> bool {
    let Some(words) = CAPTION_WORD_SEARCH.as_ref() else {
        return true;
    };
    // `…` and `©` end in bytes 0xA6 and 0xA9.
    memchr::memchr3(b'(', 0xA6, 0xA9, line.as_bytes()).is_some()
        || ELLIPSIS.find(line.as_bytes()).is_some()
        || gate::lowercased(line.as_bytes(), |lower| words.any_in(lower))
}

pub fn is_caption(line: &str) -> bool {
    may_be_caption(line) && CAPTION.is_match(line)
}

pub fn is_date_like(line: &str) -> bool {
    DATE_LIKE.is_match(line)
}

pub fn is_byline_like(line: &str) -> bool {
    BYLINE_START.is_match(line)
}

/// A date with the month in words and a four-digit year anywhere in the
/// line (`Associated Press April 28, 2023 GMT`, `11:00 AM PDT • May 16,
/// 2024`): read only in a page dump's header, where a line holding one is
/// furniture. Numeric dates are not read this way: their order needs the
/// evidence rules of the date-line parser.
static WORD_DATE: LazyLock<Regex> = LazyLock::new(|| {
    let month = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
    super::patterns::regex(&format!(
        r"(?i)\b(?:(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{month}\s*,?\s+(\d{{4}})|{month}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}}))\b"
    ))
});

/// The first date in words in `line`, when it is a real date.
pub fn word_date(line: &str) -> Option<chrono::NaiveDate> {
    let c = WORD_DATE.captures(line)?;
    let month_of = |m: &str| {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let m = m.to_lowercase();
        MONTHS
            .iter()
            .position(|p| m.starts_with(p))
            .map(|i| i as u32 + 1)
    };
    let (day, month, year) = match (c.get(1), c.get(2), c.get(3)) {
        (Some(d), Some(m), Some(y)) => (d.as_str(), m.as_str(), y.as_str()),
        _ => (c.get(5)?.as_str(), c.get(4)?.as_str(), c.get(6)?.as_str()),
    };
    chrono::NaiveDate::from_ymd_opt(year.parse().ok()?, month_of(month)?, day.parse().ok()?)
}

/// The line under a page dump's headline, read as its standfirst: three
/// words or more of text, not a caption, a byline, a menu or a meta row.
pub fn is_standfirst(line: &str) -> bool {
    let words = text::word_count(line);
    let stop_words = line
        .split_whitespace()
        .filter(|w| {
            STOP_WORDS.contains(
                &w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
                    .as_str(),
            )
        })
        .count();
    // A sentence, however short ("A preventable crisis."), or a phrase that
    // reads as one: names and labels ("Simone Grogan The West Australian")
    // have few function words.
    let reads = (words >= 3 && SENTENCE_END_ANY.is_match(line)) || (words >= 5 && stop_words >= 2);
    reads && !line.starts_with("...") && !line.starts_with('…') && !is_header_furniture(line)
}

/// A sentence, however short (`A preventable crisis.`), that is not
/// furniture: right above the text's start it is the text's first line.
pub fn is_sentence(line: &str) -> bool {
    text::word_count(line) >= 3 && SENTENCE_END_ANY.is_match(line) && !is_header_furniture(line)
}

/// Lists, links, captions, dates, bylines, buttons and meta rows: never a
/// headline or a standfirst.
fn is_header_furniture(line: &str) -> bool {
    is_bullet(line)
        || URL.is_match(line)
        || is_caption(line)
        || is_date_like(line)
        || is_byline_like(line)
        || FURNITURE.is_match(line)
        || SEPARATOR.is_match(line)
        || super::chrome::match_line(line).is_some()
}

/// Could be the headline of a page dump.
fn headline_candidate(line: &str) -> bool {
    let words = text::word_count(line);
    if !(4..=30).contains(&words) || line.chars().count() > 250 || is_prose(line) {
        return false;
    }
    let trimmed = line.trim_end_matches(['"', '\'', '”', '’', ')']);
    if trimmed.ends_with(['.', ',', ';', ':', '…']) {
        return false;
    }
    let mut letters = line.chars().filter(|c| c.is_alphabetic()).peekable();
    if letters.peek().is_some() && letters.all(|c| c.is_uppercase()) {
        return false; // SECTION LABELS, MENU ITEMS
    }
    if words >= 8
        && !line
            .split_whitespace()
            .any(|w| STOP_WORDS.contains(&w.to_lowercase().as_str()))
    {
        return false; // a glued menu: "World Business Health Travel ..."
    }
    !is_header_furniture(line)
}

/// The article in `lines[from..]` when they are a page dump; `None` for
/// tidy text (then nothing changes).
pub fn find<S: AsRef<str>>(lines: &[S], from: usize) -> Option<Span> {
    // Non-blank lines, skipping bullets with nothing after them.
    let nb: Vec<usize> = (from..lines.len())
        .filter(|&i| {
            let l = lines[i].as_ref().trim();
            !l.is_empty() && !matches!(l, "*" | "+" | "-" | "•")
        })
        .collect();
    // Lines are cleaned and judged once, and only as far as the scan gets:
    // in tidy text the article starts within a few lines and nothing more
    // is read.
    let cleaned: Vec<std::cell::OnceCell<std::borrow::Cow<'_, str>>> =
        (0..nb.len()).map(|_| std::cell::OnceCell::new()).collect();
    let line = |k: usize| {
        cleaned[k]
            .get_or_init(|| text::clean_line(lines[nb[k]].as_ref()))
            .as_ref()
    };
    // Prose is judged on the raw line (odd spaces change no word count).
    let mut prose: Vec<Option<bool>> = vec![None; nb.len()];
    let mut is_prose_at =
        |k: usize| *prose[k].get_or_insert_with(|| is_prose(lines[nb[k]].as_ref().trim()));
    // Captions are told on the cleaned line once the text is known to be a
    // page dump, on the raw line before (cleaning every paragraph of every
    // tidy article was a third of this pass's cost).
    let density_start = |is_prose_at: &mut dyn FnMut(usize) -> bool, cleaned: bool| {
        // Each line is judged once, however many windows it falls in.
        let mut judged: Vec<Option<bool>> = vec![None; nb.len()];
        let mut text = |j: usize, is_prose_at: &mut dyn FnMut(usize) -> bool| {
            *judged[j].get_or_insert_with(|| {
                is_prose_at(j)
                    && !is_caption(if cleaned {
                        line(j)
                    } else {
                        lines[nb[j]].as_ref().trim()
                    })
            })
        };
        for need in DENSITY {
            for k in 0..nb.len() {
                if !text(k, is_prose_at) {
                    continue;
                }
                // Stop counting as soon as there is enough prose.
                let dense = (k..nb.len().min(k + DENSITY_WINDOW))
                    .filter(|&j| text(j, is_prose_at))
                    .take(need)
                    .count()
                    >= need;
                if dense {
                    return Some(k);
                }
            }
        }
        None
    };
    // Tidy text has its text within the first lines: decided on the raw
    // lines (no cleaning, no chrome patterns), it costs a few lines' look.
    if density_start(&mut is_prose_at, false)? < MIN_CHROME_LINES {
        return None;
    }
    // A sign-up form's pitch or an icon's text reads as prose but is
    // chrome; so is the description under a video player's label.
    let mut article_prose: Vec<Option<bool>> = vec![None; nb.len()];
    let mut is_prose_at = |k: usize| {
        *article_prose[k].get_or_insert_with(|| {
            is_prose_at(k)
                && super::chrome::match_line(line(k)).is_none()
                && !(k.saturating_sub(MEDIA_REACH)..k).any(|j| is_media_label(line(j)))
        })
    };
    let start = density_start(&mut is_prose_at, true)?;
    if start < MIN_CHROME_LINES {
        return None;
    }
    // A standfirst often reads as prose; the byline, date or share row
    // under it shows the text has not started yet (the header's furniture
    // comes right after it, before any more prose).
    let meta_row = |j: usize| {
        let l = line(j);
        (is_date_like(l) || is_byline_like(l)) && !is_caption(l) && !is_prose(l)
    };
    let share_row = |j: usize| {
        let run: Vec<usize> = (j..nb.len())
            .take_while(|&i| {
                let l = line(i);
                is_link_like(l) && !is_bullet(l) || super::chrome::match_line(l).is_some()
            })
            .collect();
        run.len() >= 3 && run.iter().any(|&i| FURNITURE.is_match(line(i)))
    };
    // The headline is looked for above the first prose line either way
    // (a standfirst is not a headline's rival).
    let mut text_start = start;
    if let Some(furniture) = (start + 1..nb.len().min(start + 1 + HEADER_AFTER_START))
        .take_while(|&j| !is_prose_at(j))
        .find(|&j| meta_row(j) || share_row(j))
    {
        if let Some(text) = (furniture + 1..nb.len())
            .find(|&j| is_prose_at(j) && !is_caption(line(j)) && !meta_row(j))
        {
            text_start = text;
        }
    }
    // Walk up to the headline: the best-placed candidate, nearest first.
    let mut best: Option<(i32, usize)> = None;
    let mut scores: Vec<(usize, i32)> = Vec::new();
    for k in (start.saturating_sub(HEADLINE_REACH)..start).rev() {
        let l = line(k);
        if !headline_candidate(l) {
            continue;
        }
        let mut score = 0;
        // A byline or a date follows a headline.
        // (A standfirst may come first, so look a little past the text's start.)
        // The byline belongs to the nearest headline above it (or to the
        // standfirst right under that): a teaser's title further up gets
        // nothing from it.
        // Past the text's start only a line of its own counts (a date line
        // under the standfirst and the author names), never a date in a
        // sentence; a caption's date never.
        let meta = (k + 1..nb.len().min(k + DENSITY_WINDOW)).find(|&j| {
            let l = line(j);
            (is_date_like(l) || is_byline_like(l)) && !is_caption(l) && (j < start || !is_prose(l))
        });
        let owns_meta = meta.is_some_and(|m| !(k + 2..m).any(|j| headline_candidate(line(j))));
        if owns_meta {
            score += 3;
        }
        // Navigation, a section label or a breadcrumb comes before it.
        if k > 0 && (is_link_like(line(k - 1)) || SEPARATOR.is_match(line(k - 1))) {
            score += 1;
        }
        // A picture's title sits above its caption; so does a headline
        // above the lead picture, but then its byline follows.
        if is_caption(l) || (!owns_meta && k + 1 < nb.len() && is_caption(line(k + 1))) {
            score -= 4;
        }
        if text::word_count(l) >= 6 {
            score += 1;
        }
        scores.push((k, score));
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, k));
        }
    }
    let (score, mut headline) = best?;
    // A standfirst is shaped like a headline and sits just below it.
    if let Some(&(_, above)) = scores.iter().find(|(k, _)| *k + 1 == headline) {
        if above >= score {
            headline -= 1;
        }
    }
    // A breadcrumb glued to the headline (`HomeNewsPortugal emerges ...`)
    // above the headline itself: the clean line below wins.
    if let Some(&(below, _)) = scores.iter().find(|(k, _)| {
        *k > headline && {
            let (h, b) = (line(headline), line(*k));
            h.len() > b.len() && h.ends_with(b)
        }
    }) {
        headline = below;
    }
    // Only a page dump: what precedes the headline is mostly navigation
    // (empty list bullets, where a menu's icons were, count too).
    // The lines before it, with the empty bullets the scan skips.
    let before: Vec<&str> = (from..nb[headline])
        .map(|i| lines[i].as_ref().trim())
        .filter(|l| !l.is_empty())
        .collect();
    // Meta rows and other headlines (teasers: `Showbiz / 4 h ago` above a
    // story's title) are navigation too.
    let links = before
        .iter()
        .filter(|l| is_link_like(l) || is_header_furniture(l) || headline_candidate(l))
        .count();
    let prose = before.iter().filter(|l| is_prose(l)).count();
    let menus = links >= MIN_CHROME_LINES && links * 10 >= before.len() * 4;
    // Teasers, prompts and section rows rather than menus: many lines, few
    // of them prose.
    let furniture = (before.len() >= 2 * MIN_CHROME_LINES - 2 && prose * 5 <= before.len())
        || (before.len() > MIN_CHROME_LINES && prose == 0);
    if !menus && !furniture {
        return None;
    }
    Some(Span {
        headline: nb[headline],
        start: nb[text_start],
    })
}

/// Compiles this module's patterns now (see [`crate::parse::warm_up`]).
pub fn warm_up() {
    for pattern in [
        &BULLET,
        &URL,
        &SENTENCE_END,
        &SENTENCE_BREAK,
        &SENTENCE_END_ANY,
        &ANY_SENTENCE,
        &DATE_LIKE,
        &BYLINE_START,
        &CAPTION,
        &FURNITURE,
        &MEDIA_LABEL,
        &SEPARATOR,
        &WORD_DATE,
        &KEY_POINT,
    ] {
        LazyLock::force(pattern);
    }
    LazyLock::force(&CAPTION_WORD_SEARCH);
    LazyLock::force(&ELLIPSIS);
}

/// A paragraph of running text, for tests here and in the parser.
#[cfg(test)]
pub(crate) const LEAD: &str = "The committee met again on Tuesday to discuss the budget, and officials said a decision would come soon.";

/// The top of a page dump: menus, a search box, the headline.
#[cfg(test)]
pub(crate) const MENUS_AND_HEADLINE: [&str; 6] = [
    "* World",
    "* Politics",
    "* Business",
    "* Sport",
    "Search",
    "Protests grow as the minister is dismissed and the general may be next",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_read_without_punctuation_or_case() {
        assert!(is_stop_word("About,") && is_stop_word("(their") && !is_stop_word("thereby"));
    }

    /// The byte-wise trim gives what trimming by characters gives, for words
    /// with ASCII ends and for words that begin or end in other letters,
    /// marks or digits (which Unicode keeps or trims on its own terms).
    #[test]
    fn stop_words_trim_as_characters_trim() {
        let by_chars = |w: &str| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            STOP_WORD_KEYS.position(w.as_bytes()).is_some()
        };
        let ends = [
            "", "(", "\"", "“", "”", "‘", "’s", "'", "…", "—", "é", "٣", "Ⅻ", "*,", "1",
        ];
        for core in [
            "the", "The", "of", "said", "thereby", "", "é", "thé", "-", "a1",
        ] {
            for pre in ends {
                for post in ends {
                    let w = format!("{pre}{core}{post}");
                    assert_eq!(is_stop_word(&w), by_chars(&w), "{w:?}");
                }
            }
        }
    }

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(|l| l.trim().to_string()).collect()
    }

    #[test]
    fn tidy_text_is_not_a_page_dump() {
        let t = lines(&format!(
            "A headline about the budget talks\n\nPosted: 23 Nov 2021 15:27 GMT\n\n{LEAD}\n\n{LEAD}\n\n{LEAD}\n"
        ));
        assert_eq!(find(&t, 0), None);
    }

    #[test]
    fn the_article_is_found_below_the_navigation() {
        let t = lines(&format!(
            "* World\n* Politics\n* Business\n* Sport\nSearch\nhttps://example.com/a\nClick to copy\n\n\
             Budget talks resume after a long summer break\n\nBy Jane Doe\nApril 28, 2023\n\
             A minister speaks to reporters in the capital. (AP Photo/John Smith)\n\n{LEAD}\n\n{LEAD}\n\n{LEAD}\n"
        ));
        let span = find(&t, 0).expect("a page dump");
        assert_eq!(
            t[span.headline],
            "Budget talks resume after a long summer break"
        );
        assert_eq!(t[span.start], LEAD);
    }

    #[test]
    fn teasers_above_the_headline_do_not_take_its_byline() {
        // Shape of a Malay Mail page: teaser titles under section/time rows,
        // then the story's headline, its picture's caption, an advert,
        // byline and date.
        let t = lines(&[
            "Showbiz / 4 h ago",
            "A very long teaser title about a film that tops the box office in its first week of its release",
            "Sports / 2 h ago",
            "Mixed pairs book their tickets to the masters semi-finals in China",
            "Malaysia",
            "Ministers paid their own way on foreign trips, spokesman says",
            "A file photograph shows the spokesman speaking in Shah Alam on November 19, 2024. — Picture by Jane Roe",
            "New to the app? It is designed to help you grow your savings, and you get a bonus with the code in this post.",
            "By John Smith",
            "Friday, 22 Nov 2024 4:55 PM MYT",
            LEAD,
            LEAD,
            LEAD,
        ].join("\n\n"));
        let span = find(&t, 0).expect("a page dump");
        assert_eq!(
            t[span.headline],
            "Ministers paid their own way on foreign trips, spokesman says"
        );
        // The promotion above the byline and date is not the text's start.
        assert_eq!(t[span.start], LEAD);
    }

    #[test]
    fn a_date_in_a_caption_vouches_for_no_headline() {
        // Shape of an Intercept page: the lead picture's caption (with a
        // date) sits under the site's name and above the headline, whose
        // date line comes after the standfirst and the author's name.
        let caption = "A lawmaker walks out of the chamber after colleagues voted to ban her on April 26, 2023, in the state Capitol. Photo: Jane Roe/AP";
        let t = lines(
            &[
                "The",
                "Intercept_",
                "* English",
                "* Português",
                "A division of First Look Institute",
                "* Terms of use",
                "* Privacy",
                "Donate",
                "Become a member",
                caption,
                "An insider's view of the legislature's attacks on a lawmaker",
                LEAD,
                "Jane Doe",
                "April 28 2023, 3:54 p.m.",
                caption,
                LEAD,
                LEAD,
            ]
            .join("\n"),
        );
        let span = find(&t, 0).expect("a page dump");
        assert_eq!(
            t[span.headline],
            "An insider's view of the legislature's attacks on a lawmaker"
        );
    }

    #[test]
    fn a_menu_glued_into_one_line_is_not_prose_but_a_long_sentence_is() {
        assert!(!is_prose("Culture Azerbaijan Diary Cinema Creators Crossing Cultures Cry Like A Boy Cult Inspire Saudi Meet The Locals Ocean Sci-Tech Space Health Smart Health Explore"));
        // Refused: long running text without a full stop, and a long
        // sentence with few function words but a full stop.
        assert!(is_prose("The committee met again on Tuesday to discuss the budget and officials said a decision would come soon after the summer"));
        assert!(is_prose("Prime Minister Shigeru Ishiba, Finance Minister Katsunobu Kato, Foreign Minister Takeshi Iwaya, Defence Minister Gen Nakatani attended."));
    }

    #[test]
    fn captions_by_their_credits_and_positions() {
        for caption in [
            "The leaders of seven parties, including the party's president, center, participate in a debate in Tokyo on Saturday.",
            "Fire is seen on an airplane after it takes off from the airport on April 24, 2023 in this picture obtained from social media.",
            "The prime minister is dealing with an influx of migrants at the border - Copyright Jane Roe/Copyright 2024 The AP. All rights reserved",
            "A file photograph shows the minister speaking in Shah Alam on November 19, 2024. — Picture by Jane Roe",
        ] {
            assert!(is_caption(caption), "{caption}");
        }
        // Real shapes: an all-caps kicker and an ellipsis (New Era,
        // Namibia), a credit in brackets after the last sentence (Sowetan,
        // CBC).
        for caption in [
            "THERE YOU GO … President Hage Geingob leaves on a trip last October and hands over a document.",
            "Duduzile Zuma-Sambudla will face the music for her role in the July civil unrest. (NPA)",
            "Sinwar has been named the head of Hamas's political bureau. (Adel Hana/Associated Press)",
        ] {
            assert!(is_caption(caption), "{caption}");
        }
        // Refused: the same words in running text.
        for text in [
            "WASHINGTON — President Hage Geingob left on a trip last October, officials said.",
            "The vote passed by 51 to 49 (a margin of two) on Tuesday.",
            "Sales rose 5% in the quarter, the company said. (Reuters)",
            "The party turned left, then right, and the centre held until the vote in this parliament.",
            "She said the picture in this case was not yet clear, and the copyright holder agreed.",
        ] {
            assert!(!is_caption(text), "{text}");
        }
    }

    #[test]
    fn a_short_sentence_right_above_the_text_is_its_first_line() {
        let t = lines(
            &[
                &MENUS_AND_HEADLINE[..],
                &[
                    "by Jane Doe Jul. 19, 2026 9:45 am",
                    "* Share",
                    "* Email",
                    "* Print",
                    "A preventable crisis.",
                    LEAD,
                    LEAD,
                    LEAD,
                ],
            ]
            .concat()
            .join("\n"),
        );
        let span = find(&t, 0).expect("a page dump");
        assert_eq!(t[span.start], LEAD);
        assert!(is_sentence("A preventable crisis."));
        // Refused: labels, buttons and captions.
        for l in [
            "Read more.",
            "Share this article.",
            "Zelensky (left) may be forced to fire Syrsky (right).",
        ] {
            assert!(!is_sentence(l), "{l}");
        }
    }

    #[test]
    fn prose_before_the_menus_without_more_prose_is_not_the_article() {
        let t = lines(&format!(
            "Thank you for visiting example.com. You are using a browser version with limited support for CSS.\n\
             * Journals\n* Search\n* Log in\n* Subscribe\n\
             How to fight climate change: a guide to global action\n\
             By Jane Doe\n\n{LEAD}\n\n{LEAD}\n\n{LEAD}\n"
        ));
        let span = find(&t, 0).expect("a page dump");
        assert_eq!(
            t[span.headline],
            "How to fight climate change: a guide to global action"
        );
    }

    #[test]
    fn captions_menus_and_author_boxes_are_not_headlines() {
        for l in [
            "Bryan Kohberger (left) enters the courtroom",
            "DIVE DEEPER (7 MIN)",
            "My Europe World Business EU Policy Green Next Health Travel",
            "Assistant Sports Editor Follow",
            "3304 views 13 mins 0 comments",
            "Home » News » South Africa",
            "Published April 26, 2023 2:20pm EDT",
            "Share current article via Email",
        ] {
            assert!(!headline_candidate(l), "{l}");
        }
        assert!(headline_candidate(
            "Mexico's economy grew 1.1% in 1st quarter, 3.8% year on year"
        ));
        assert!(headline_candidate(
            "What is Nato and which countries are in it?"
        ));
    }

    #[test]
    fn dates_in_words_are_read_anywhere_in_a_header_line_and_numbers_never() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day);
        for (line, want) in [
            ("Associated Press April 28, 2023 GMT", d(2023, 4, 28)),
            ("11:00 AM PDT • May 16, 2024", d(2024, 5, 16)),
            ("03 May 2025 4", d(2025, 5, 3)),
            (
                "By TPN, in News · 31 Jan 2025, 20:02 · 0 Comments",
                d(2025, 1, 31),
            ),
            (
                "Jane Doe / SITE.COM / Apr 16, 2026, 14:04 IST",
                d(2026, 4, 16),
            ),
            ("the 7th of January 2024", d(2024, 1, 7)),
            // Refused: no year, an impossible day, numbers only, a word that
            // only starts like a month.
            ("Last Updated: August 8", None),
            ("February 30, 2024", None),
            ("Published on 28/04/2024", None),
            ("Mayor 12 2024", None),
        ] {
            assert_eq!(word_date(line), want, "{line}");
        }
    }

    #[test]
    fn the_caption_gate_never_hides_a_caption_in_real_text() {
        let lines = crate::parse::fixture_lines();
        let mut captions = 0;
        for line in &lines {
            assert_eq!(is_caption(line), CAPTION.is_match(line), "{line:?}");
            captions += usize::from(CAPTION.is_match(line));
        }
        // Credits, `(AP Photo/...)`, left-to-right captions, shouted
        // teasers: the fixtures hold enough of them for the check to bite.
        assert!(captions > 40, "{} lines, {captions} captions", lines.len());
    }

    #[test]
    fn each_kind_of_caption_passes_the_gate_on_its_one_clue() {
        for line in [
            "(Image: AP)",
            "The talks failed, he said. (Reuters/Jane Doe)",
            "Photo by Jane Doe",
            "The minister arrives — picture by Jane Doe",
            "The harbour at dawn - Copyright Jane Doe",
            "The harbour at dawn – © Jane Doe",
            "Credit: Jane Doe",
            "Getty Images",
            "Jane Doe, left, at the summit",
            "Jane Doe, right, at the summit",
            "Jane Doe, centre, at the summit",
            "Jane Doe, center, at the summit",
            "In this illustration taken on May 5, a phone shows the app",
            "WAR IN UKRAINE ... Kremlin says talks failed",
            "SHOCK … Kremlin says talks failed",
        ] {
            assert!(CAPTION.is_match(line), "{line:?} is no caption");
            assert!(is_caption(line), "{line:?}");
        }
    }

    #[test]
    fn the_caption_words_have_no_case_variant_outside_ascii() {
        for c in CAPTION_WORDS
            .concat()
            .chars()
            .filter(char::is_ascii_alphabetic)
        {
            let hir = regex_syntax::parse(&format!("(?i){c}")).unwrap();
            let regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(class)) =
                hir.kind()
            else {
                panic!("(?i){c} is not a class");
            };
            assert!(
                class.iter().all(|r| r.end().is_ascii()),
                "(?i){c} matches {class:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn the_caption_gate_never_hides_a_caption(
            // A line start for the anchored alternatives (credits, a
            // shouted teaser), then caption parts and prose in any order.
            head in proptest::sample::select(&[
                "", "Credit: ", "CREDITS : ", "Photos: ", "WAR IN UKRAINE ... ", "SHOCK … ",
                "WHAT’S NEXT? ... ", "The ",
            ][..]),
            words in proptest::collection::vec(proptest::sample::select(&[
                "(", ")", "(AP", "(AP Photo/Jane Doe)", "(Left)", "Photo", "PHOTO", "photograph",
                "by", ":", "/", "Image", "images", "Pictures", "picture", "Getty", "GETTY Images",
                "Credit", "copyright", "©", "—", "–", "-", "— ©", " - Copyright", "left,", "Left",
                ", left, ", ", far right, ", ", Centre, ", "right", "centre", "center", "far", ",",
                ", ", "In this", "in THIS file photo", "illustration", "…", "...", "..", "AP",
                "Reuters/Jane Doe", "President", "said", "’", "”", ".", "!", "K", "ſ", "İ", "ı",
                "é", "\u{a0}", "\t", "the talks failed", "", "Kremlin",
            ][..]), 0..10),
            joiner in proptest::sample::select(&[" ", "", "  ", "\u{a0}"][..]),
            tail in proptest::sample::select(&["", " said. (Reuters/Jane Doe)", "! (AFP)", "."][..]),
        ) {
            let line = format!("{head}{}{tail}", words.join(joiner));
            proptest::prop_assert_eq!(is_caption(&line), CAPTION.is_match(&line), "{:?}", line);
        }
    }

    #[test]
    fn counting_stops_at_twenty_words() {
        let long = "the minister ".repeat(15);
        assert_eq!(first_words(&long), (20, 10));
        assert_eq!(first_words(&format!("é {long}")), (20, 10));
        assert_eq!(first_words("the minister -- 42"), (3, 1));
    }

    proptest::proptest! {
        #[test]
        fn words_are_counted_alike_by_bytes_and_by_characters(
            words in proptest::collection::vec(proptest::sample::select(&[
                "The", "the", "of", "said,", "(their", "About.", "minister", "42", "--", "-", "“", "”",
                "’s", "é", "Kyiv", "said\u{a0}the", "\u{85}", "\u{2003}", "x", "...", "A", "an",
                "\t", "\r", "\u{b}", "\u{c}", "\u{1c}", "",
            ][..]), 0..40),
            joiner in proptest::sample::select(&[" ", "  ", "\t", "\u{a0}", "\n", ""][..]),
        ) {
            let line = words.join(joiner);
            proptest::prop_assert_eq!(first_words(&line), first_words_of_any(&line), "{:?}", line);
        }
    }
}
