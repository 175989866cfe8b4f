//! Canonical source -> what the article says: front matter, date, headline,
//! body paragraphs, and the lines dropped on the way (with the reason).
//!
//! The top of a file is a *header zone* (date lines, bylines, section labels,
//! the headline, chrome) that ends at the first line of article text; a date
//! or headline is only taken from the header zone, never from the body.

pub mod chrome;
pub mod dateline;
pub mod frontmatter;
mod gate;
pub mod language;
pub mod page;
pub mod paragraphs;
mod patterns;
pub mod text;

use crate::diagnostic::{Diagnostic, Rule};
use crate::input::source::Source;
use chrono::{NaiveDate, NaiveTime};
use dateline::{DateLine, DateOrder, DateValue, Label};
pub use frontmatter::FrontMatter;
use patterns::regex;
use regex::Regex;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    Dateline,
    FrontMatter,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub timezone: Option<String>,
    pub source: DateSource,
    /// Line on disk the date came from.
    pub line: usize,
}

/// A line the parser did not put in the body, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// Line on disk.
    pub line: usize,
    /// The chrome rule name, or `front-matter`, `dateline`, `byline`,
    /// `headline`, `header-label`, `repeated-headline`.
    pub reason: &'static str,
    pub text: String,
    /// True when the line counts towards `removed_lines` (page chrome).
    #[serde(skip)]
    pub chrome: bool,
}

/// What the parser may be told beyond the text itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// How the corpus writes numeric dates (`seeds/dataset.toml`).
    pub date_order: Option<DateOrder>,
}

#[derive(Debug, Clone)]
pub struct Parsed {
    pub front_matter: FrontMatter,
    pub published: Option<Published>,
    pub title: Option<String>,
    /// Line on disk of the headline.
    pub title_line: Option<usize>,
    /// (line on disk of its first line, cleaned text), one entry per paragraph.
    pub paragraphs: Vec<(usize, String)>,
    pub dropped: Vec<Dropped>,
    /// HTML entities decoded in the cleaned text (`--explain` says how many).
    pub entities: usize,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn body(&self) -> String {
        // Sized up front: grown by doubling, the body was copied about ten
        // times over on its way to 5 KB.
        let len = self
            .paragraphs
            .iter()
            .map(|(_, p)| p.len() + 2)
            .sum::<usize>();
        let mut body = String::with_capacity(len.saturating_sub(2));
        for (i, (_, p)) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                body.push_str("\n\n");
            }
            body.push_str(p);
        }
        body
    }

    pub fn removed_lines(&self) -> usize {
        self.dropped.iter().filter(|d| d.chrome).count()
    }
}

/// The same text but for case, as `to_lowercase` compares it; without
/// allocating when both are ASCII (every body line is compared with the
/// headline).
fn same_but_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// A date line found in the header zone.
struct Candidate {
    date: DateLine,
    line: usize,
}

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:(?i:by|written by|reporting by|words by)\s+\p{Lu}[\p{L}.'’-]*(?:(?:\s+|\s*,\s*|\s+(?i:and)\s+|\s*&\s*)\p{Lu}[\p{L}.'’-]*){0,7}(?:\s*(?:[,|–—-]|(?i:for|in))\s*[\p{L}0-9 .&'’-]{1,40})?|(?i:author|authors|reporter|written by)\s*:\s*[\p{L} .,&'’-]{2,80})$",
    )
});

/// A time of day and nothing else: `05:46 AM ET`, `2:00 PM`, `18:05 GMT`.
static TIME_ONLY: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?i:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?$"));

/// A place-style byline (`Andrew Roth in Moscow`), taken only after the
/// headline: before it, a title-case headline could have this shape.
static PLACE_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}'’-]+){1,2}(?:\s+and\s+\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}'’-]+){1,2})?\s+in\s+\p{Lu}[\p{L} -]{1,30}$",
    )
});

/// Date lines and bylines are recognised among the first this many lines of
/// text even when article text came before them (a standfirst between the
/// headline and the byline): a whole-line date there is page furniture, not
/// prose, while further down it would be part of the article or a list.
const HEADER_WINDOW: usize = 8;

/// In a page dump, date lines are also read among this many lines after the
/// start of the article text.
const DUMP_DATE_REACH: usize = 5;

pub fn parse(source: &Source, options: &Options) -> Parsed {
    // Counted first: growing the vector by doubling was 2–4% of the parse.
    let mut lines =
        Vec::with_capacity(memchr::memchr_iter(b'\n', source.text.as_bytes()).count() + 1);
    lines.extend(crate::input::source::lines(&source.text));
    let (front_matter, body_start, mut diagnostics) = frontmatter::extract(source, &lines);
    let mut p = Parser {
        source,
        dropped: (0..body_start)
            .map(|i| drop(source.disk_line(i + 1), "front-matter", lines[i], false))
            .collect(),
        candidates: Vec::new(),
        title: None,
        pending: Vec::new(),
        repeat_dropped: false,
        in_header: true,
        body: Vec::new(),
        block: 0,
        content_lines: 0,
        page_dump: false,
        entities: 0,
        diagnostics: Vec::new(),
        date_line_at: None,
    };
    let mut next = body_start;
    if let Some(span) = page::find(&lines, body_start) {
        p.page_header(&lines, body_start, span);
        next = span.start;
    }
    for (idx, raw) in lines.iter().enumerate().skip(next) {
        p.line(idx, idx == body_start, raw);
    }
    p.finish_header(None);
    p.drop_key_points();
    diagnostics.append(&mut p.diagnostics);

    let order = front_matter.date_order.or(options.date_order);
    let published = if let Some(date) = front_matter.published {
        Some(Published {
            date,
            time: None,
            timezone: None,
            source: DateSource::FrontMatter,
            line: p
                .dropped
                .iter()
                .find(|d| {
                    d.reason == "front-matter" && d.text.trim_start().starts_with("published")
                })
                .map_or(source.disk_line(1), |d| d.line),
        })
    } else {
        choose_date(source, &lines, &p.candidates, order, &mut diagnostics)
    };
    let (title_line, title) = match (&front_matter.title, p.title) {
        (Some(t), _) => (None, Some(t.clone())),
        (None, Some((line, t))) => (Some(line), Some(t)),
        (None, None) => (None, None),
    };
    Parsed {
        front_matter,
        published,
        title,
        title_line,
        paragraphs: paragraphs::build(p.body),
        dropped: p.dropped,
        entities: p.entities,
        diagnostics,
    }
}

struct Parser<'a> {
    source: &'a Source,
    dropped: Vec<Dropped>,
    candidates: Vec<Candidate>,
    title: Option<(usize, String)>,
    /// Short unpunctuated lines before any headline (section labels, site
    /// names, a short headline): decided when the header zone ends.
    pending: Vec<(usize, String, String)>,
    repeat_dropped: bool,
    in_header: bool,
    /// Body lines: (line on disk, block number, cleaned text). A block is a
    /// run of lines between blank or dropped lines.
    body: Vec<paragraphs::Line>,
    block: usize,
    /// Non-blank lines seen so far.
    content_lines: usize,
    /// The text is a page dump: navigation left in the body is dropped too.
    page_dump: bool,
    /// HTML entities decoded.
    entities: usize,
    diagnostics: Vec<Diagnostic>,
    /// The line on disk of the last date line read.
    date_line_at: Option<usize>,
}

impl Parser<'_> {
    /// A line as it goes into fields: HTML entities decoded (counted, and
    /// the unknown ones reported), white space and invisibles cleaned.
    fn clean<'r>(&mut self, disk: usize, raw: &'r str) -> Cow<'r, str> {
        let (decoded, n, unknown) = text::decode_entities(raw);
        self.entities += n;
        for u in unknown {
            self.diagnostics.push(
                Diagnostic::new(
                    &self.source.path,
                    Rule::HtmlEntity,
                    format!("`{u}` names no HTML entity; it is left in the text as it is"),
                )
                .at_line(disk)
                .help("replace it with the character it stands for (e.g. `&rsquo;` is ’)"),
            );
        }
        match decoded {
            Cow::Borrowed(b) => text::clean_line(b),
            Cow::Owned(o) => Cow::Owned(text::clean_line(&o).into_owned()),
        }
    }

    /// A page dump's head, up to the article text: everything above the
    /// headline is page chrome (but a date line just above it is read), and
    /// between the headline and the text, date lines, bylines and a
    /// standfirst are read and the rest (share rows, captions, author boxes)
    /// dropped.
    fn page_header(&mut self, lines: &[&str], from: usize, span: page::Span) {
        /// Date lines are read this many non-blank lines above the headline.
        const DATE_ABOVE: usize = 4;
        let above: Vec<usize> = (from..span.headline)
            .filter(|&i| !lines[i].trim().is_empty())
            .collect();
        let near = above.len().saturating_sub(DATE_ABOVE);
        for (n, &idx) in above.iter().enumerate() {
            let disk = self.source.disk_line(idx + 1);
            let cleaned = self.clean(self.source.disk_line(idx + 1), lines[idx]);
            if n >= near
                && (self.date_line(disk, lines[idx], &cleaned)
                    || self.word_date(disk, lines[idx], &cleaned))
            {
                continue;
            }
            self.dropped
                .push(drop(disk, "before-headline", lines[idx], true));
        }
        let raw = lines[span.headline];
        let headline = self.clean(self.source.disk_line(span.headline + 1), raw);
        self.set_title(self.source.disk_line(span.headline + 1), &headline, raw);
        let mut seen = 0;
        // Where a video or audio player's label was (its title and
        // description follow it).
        let mut media: Option<usize> = None;
        for (idx, &raw) in lines
            .iter()
            .enumerate()
            .take(span.start)
            .skip(span.headline + 1)
        {
            let disk = self.source.disk_line(idx + 1);
            let cleaned = self.clean(disk, raw);
            let line: &str = &cleaned;
            if line.is_empty() {
                self.block += 1;
                continue;
            }
            seen += 1;
            if self.date_line(disk, raw, line) || self.word_date(disk, raw, line) {
                continue;
            }
            // The line right under the headline, when it reads as text and
            // not as furniture, is the standfirst: the article's first words.
            if seen == 1 && same_but_case(line, &headline) {
                self.repeat_dropped = true;
                self.dropped
                    .push(drop(disk, "repeated-headline", raw, true));
                self.block += 1;
                seen -= 1;
                continue;
            }
            if seen == 1 && page::is_standfirst(line) {
                self.body.push(paragraphs::Line {
                    line: disk,
                    block: self.block,
                    text: line.to_string(),
                });
                self.block += 1;
                continue;
            }
            if page::is_media_label(line) {
                media = Some(seen);
            }
            // Nothing but blank lines between this line and the text.
            let last = lines[idx + 1..span.start]
                .iter()
                .all(|l| l.trim().is_empty());
            let reason = if BYLINE.is_match(line)
                || PLACE_BYLINE.is_match(line)
                || page::is_byline_like(line)
            {
                "byline"
            } else if let Some(rule) = chrome::match_line(line) {
                rule.name
            } else if page::is_caption(line) {
                "caption"
            } else if media.is_some_and(|m| seen - m <= page::MEDIA_REACH) {
                "media-embed"
            } else if last && page::is_sentence(line) {
                // A short sentence right above the text is its first line.
                self.body.push(paragraphs::Line {
                    line: disk,
                    block: self.block,
                    text: line.to_string(),
                });
                continue;
            } else if page::is_prose(line) {
                // Text between the headline and where the article text
                // starts, set apart by a byline, a date or a share row: a
                // standfirst or a site notice, not the article's lead.
                "standfirst"
            } else {
                "page-chrome"
            };
            self.dropped.push(drop(
                disk,
                reason,
                raw,
                !matches!(reason, "byline" | "standfirst"),
            ));
            self.block += 1;
        }
        self.in_header = false;
        self.page_dump = true;
        // A date line may still follow the text's first lines (after a
        // standfirst): a few more lines are read as the header's.
        self.content_lines = HEADER_WINDOW.saturating_sub(DUMP_DATE_REACH);
    }

    /// In a page dump's header only: a line holding a date in words is a
    /// date line, whatever else it holds (bylines, agencies, read times).
    fn word_date(&mut self, disk: usize, raw: &str, line: &str) -> bool {
        // A meta row, not a sentence or a caption that mentions a date.
        const MAX_WORDS: usize = 16;
        if page::is_prose(line) || page::is_caption(line) || text::word_count(line) > MAX_WORDS {
            return false;
        }
        let Some(date) = page::word_date(line) else {
            return false;
        };
        self.candidates.push(Candidate {
            date: DateLine::plain(date),
            line: disk,
        });
        self.dropped.push(drop(disk, "dateline", raw, false));
        self.block += 1;
        true
    }

    /// Reads `line` as a date line if it is one (candidates, and the line
    /// dropped); false when it is not.
    fn date_line(&mut self, disk: usize, raw: &str, line: &str) -> bool {
        let Some(found) = dateline::match_line(line) else {
            return false;
        };
        for f in found {
            match f {
                Ok(date) => {
                    if let Some(d) = weekday_mismatch(self.source, disk, raw, &date) {
                        self.diagnostics.push(d);
                    }
                    self.candidates.push(Candidate { date, line: disk });
                }
                Err(msg) => self
                    .diagnostics
                    .push(date_invalid(self.source, disk, raw, &msg)),
            }
        }
        self.dropped.push(drop(disk, "dateline", raw, false));
        self.date_line_at = Some(disk);
        self.block += 1;
        true
    }

    fn line(&mut self, idx: usize, first: bool, raw: &str) {
        let disk = self.source.disk_line(idx + 1);
        let cleaned = self.clean(disk, raw);
        let mut line: &str = &cleaned;
        if line.is_empty() {
            self.block += 1;
            return;
        }
        self.content_lines += 1;
        if self.in_header || self.content_lines <= HEADER_WINDOW {
            if first {
                if let Some((date, rest)) = dateline::split_prefix(line) {
                    match date {
                        Ok(date) => self.candidates.push(Candidate {
                            date: DateLine::plain(date),
                            line: disk,
                        }),
                        Err(msg) => {
                            self.diagnostics
                                .push(date_invalid(self.source, disk, raw, &msg))
                        }
                    }
                    if rest.is_empty() {
                        self.dropped.push(drop(disk, "dateline", raw, false));
                        return;
                    }
                    line = rest;
                }
            }
            if self.date_line(disk, raw, line) {
                self.author_above_date();
                return;
            }
            // The time on a line of its own under the date line
            // (`May 20th, 2009` / `05:46 AM ET`) is the date line's.
            if self.date_line_at.is_some_and(|d| d + 1 == disk)
                && self.body.is_empty()
                && TIME_ONLY.is_match(line)
            {
                self.dropped.push(drop(disk, "dateline", raw, false));
                self.block += 1;
                return;
            }
            if self.page_dump && self.candidates.is_empty() && self.word_date(disk, raw, line) {
                return;
            }
            if BYLINE.is_match(line) || (self.title.is_some() && PLACE_BYLINE.is_match(line)) {
                self.dropped.push(drop(disk, "byline", raw, false));
                self.block += 1;
                return;
            }
        }
        if let Some(rule) = chrome::match_line(line) {
            self.dropped.push(drop(disk, rule.name, raw, true));
            self.block += 1;
            self.not_content();
            return;
        }
        if self.page_dump && !page::is_prose(line) {
            let reason = if page::is_caption(line) {
                Some("caption")
            } else if page::is_link_like(line) {
                Some("page-chrome")
            } else {
                None
            };
            if let Some(reason) = reason {
                self.dropped.push(drop(disk, reason, raw, true));
                self.block += 1;
                self.not_content();
                return;
            }
        }
        if let Some((_, t)) = &self.title {
            if !self.repeat_dropped
                && (same_but_case(t, line) || (self.body.is_empty() && headline_variant(t, line)))
            {
                self.repeat_dropped = true;
                self.dropped
                    .push(drop(disk, "repeated-headline", raw, true));
                self.block += 1;
                return;
            }
        }
        if self.in_header && self.title.is_none() {
            if headline_shaped(line) {
                if text::word_count(line) >= 4 {
                    self.set_title(disk, line, raw);
                    return;
                }
                self.pending.push((disk, line.to_string(), raw.to_string()));
                return;
            }
            self.finish_header(Some(disk));
        }
        if self.content_lines <= HEADER_WINDOW {
            self.labels_before_text(line);
        }
        self.in_header = false;
        self.body.push(paragraphs::Line {
            line: disk,
            block: self.block,
            text: line.to_string(),
        });
    }

    /// The first sentence under the headline comes after nothing but a few
    /// short labels (`The National Interest -`, `Alex Hollings`, `Ukraine,
    /// Europe`; `In the world`): the outlet, author and section, not text.
    fn labels_before_text(&mut self, line: &str) {
        /// A label is this many words at most, and at most this many lines.
        const LABEL_WORDS: usize = 5;
        const LABEL_LINES: usize = 3;
        // Longer than this is no label: spares counting a paragraph's words.
        const LABEL_BYTES: usize = 80;
        // A live page's time stamps (`18:05 GMT`) head its entries: no label.
        let label = |l: &paragraphs::Line| {
            l.text.len() <= LABEL_BYTES
                && text::word_count(&l.text) <= LABEL_WORDS
                && !l
                    .text
                    .trim_end()
                    .ends_with(['.', '!', '?', ':', ',', ';', '"', '”'])
                && !l.text.chars().any(|c| c.is_ascii_digit())
        };
        // The sentence test is the dear one: asked last.
        self.drop_header_body(
            LABEL_LINES,
            label,
            || page::is_sentence(line),
            "header-label",
        );
    }

    /// Under a headline, when the body so far is at most `max` lines and
    /// each is `header` (and `then` holds), they were the header's: dropped
    /// with `reason`.
    fn drop_header_body(
        &mut self,
        max: usize,
        header: impl Fn(&paragraphs::Line) -> bool,
        then: impl FnOnce() -> bool,
        reason: &'static str,
    ) {
        if self.title.is_none() || self.body.is_empty() || self.body.len() > max {
            return;
        }
        if self.body.iter().all(header) && then() {
            for l in self.body.drain(..) {
                self.dropped
                    .push(drop(l.line, reason, &l.text, reason != "byline"));
            }
        }
    }

    /// Key points: a list right under the headline that sums up the
    /// article (`- She lost 130 pounds in two years ...`) before its first
    /// paragraph. They repeat the text, and a lead that starts with them
    /// is not the article's; a list that is the whole text, or that comes
    /// after text, stays.
    fn drop_key_points(&mut self) {
        if self.title.is_none() {
            return;
        }
        let run = self
            .body
            .iter()
            .take_while(|l| page::is_key_point(&l.text))
            .count();
        if run == 0 || !self.body.get(run).is_some_and(|l| page::is_prose(&l.text)) {
            return;
        }
        for l in self.body.drain(..run) {
            self.dropped.push(drop(l.line, "key-points", &l.text, true));
        }
    }

    /// Under the headline, the only text so far is a name or two right
    /// above the date line (`Bryan Kow` / `May 30, 2023`, `BS Web Team New
    /// Delhi` / `2 min read Last Updated : ...`): the byline, not the text.
    fn author_above_date(&mut self) {
        /// An author's name, with a desk or a place, is this many words at most.
        const NAME_WORDS: usize = 6;
        let name = |l: &paragraphs::Line| {
            text::word_count(&l.text) <= NAME_WORDS
                && !l.text.trim_end().ends_with(['.', '!', '?', ':', ',', ';'])
                && l.text.chars().next().is_some_and(char::is_uppercase)
        };
        self.drop_header_body(2, name, || true, "byline");
    }

    /// In a page dump, share rows, captions and icons between the text's
    /// first lines and its date line do not use up the header window.
    fn not_content(&mut self) {
        if self.page_dump {
            self.content_lines -= 1;
        }
    }

    fn set_title(&mut self, disk: usize, line: &str, raw: &str) {
        // Short lines before a headline are section labels and site names.
        for (l, _, r) in std::mem::take(&mut self.pending) {
            self.dropped.push(drop(l, "header-label", &r, true));
        }
        self.title = Some((disk, strip_breadcrumb(line).to_string()));
        self.dropped.push(drop(disk, "headline", raw, false));
    }

    /// The header zone ends (at `body_line`, or at the end of the text).
    /// Pending short lines: the last with two or more words is a short
    /// headline when article text follows it; anything else is kept as text.
    fn finish_header(&mut self, body_line: Option<usize>) {
        if !self.in_header {
            return;
        }
        self.in_header = false;
        if self.title.is_none() && body_line.is_some() {
            if let Some(pos) = self
                .pending
                .iter()
                .rposition(|(_, l, _)| text::word_count(l) >= 2)
            {
                let (disk, line, raw) = self.pending.remove(pos);
                let after: Vec<_> = self.pending.split_off(pos);
                self.set_title(disk, &line, &raw);
                self.pending = after;
            }
        }
        for (disk, line, _) in std::mem::take(&mut self.pending) {
            self.body.push(paragraphs::Line {
                line: disk,
                block: self.block,
                text: line,
            });
            self.block += 1;
        }
    }
}

/// A headline is a short line with no sentence-ending punctuation. Sentences,
/// not headlines, end in `.`, `,`, `;` or `:`; a question or exclamation may
/// be either, so it is allowed.
/// A second headline right under the first, as sites print an SEO or
/// social headline beside the page's own (`... after horror market
/// stabbing` / `... after horror stabbing at market`): headline-shaped and
/// made mostly of the headline's words. A lead that retells the headline
/// ends its sentence and stays.
fn headline_variant(title: &str, line: &str) -> bool {
    /// The distinct words that carry meaning (function words say nothing
    /// of whether two lines tell the same story).
    fn words(s: &str) -> std::collections::BTreeSet<String> {
        s.split_whitespace()
            .filter(|w| !page::is_stop_word(w))
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect()
    }
    /// Headlines are short; a longer line is text however many words it shares.
    const MAX_WORDS: usize = 20;
    if !headline_shaped(line)
        || line.trim_end().ends_with(['?', '!'])
        || text::word_count(line) > MAX_WORDS
    {
        return false;
    }
    let (title, line) = (words(title), words(line));
    let shared = line.intersection(&title).count();
    // Half its words, and enough of them to not be chance.
    shared >= 4 && shared * 2 >= line.len()
}

static TRAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^(?i:home)(?:\s*[/>›»]\s*[\p{L}&'’ -]{1,30}){0,4}\s*[/>›»]\s*(?P<title>\S.*)$")
});

/// A breadcrumb trail glued before the headline (`Home / India News /
/// LIVE: ...`, `Home>News>Title`): the headline is what follows it.
fn strip_breadcrumb(title: &str) -> &str {
    match TRAIL.captures(title).and_then(|c| c.name("title")) {
        Some(t) if text::word_count(t.as_str()) >= 3 => t.as_str(),
        _ => title,
    }
}

static AGO: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)^\d+\s+(?:years?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?)\s+ago$")
});

fn headline_shaped(line: &str) -> bool {
    // `13 years ago` under a date is furniture; so is a picture's caption.
    let words = text::word_count(line);
    let trimmed = line.trim_end_matches(['"', '\'', '”', '’', ')']);
    (1..=30).contains(&words)
        && line.chars().count() <= 250
        && !trimmed.ends_with(['.', ',', ';', ':', '…'])
        && !AGO.is_match(line)
        && !page::is_caption(line)
}

fn weekday_name(w: chrono::Weekday) -> &'static str {
    use chrono::Weekday::*;
    match w {
        Mon => "Monday",
        Tue => "Tuesday",
        Wed => "Wednesday",
        Thu => "Thursday",
        Fri => "Friday",
        Sat => "Saturday",
        Sun => "Sunday",
    }
}

fn weekday_mismatch(
    source: &Source,
    disk: usize,
    raw: &str,
    date: &DateLine,
) -> Option<Diagnostic> {
    let wd = date.weekday_mismatch()?;
    let exact = date.exact()?;
    Some(
        Diagnostic::new(
            &source.path,
            Rule::WeekdayMismatch,
            format!(
                "the date line says {} but {} was a {}",
                weekday_name(wd),
                exact,
                weekday_name(chrono::Datelike::weekday(&exact))
            ),
        )
        .at_span(disk, raw, 0..raw.len())
        .help("correct the weekday or the date, or state `published` in front matter"),
    )
}

fn drop(line: usize, reason: &'static str, text: &str, chrome: bool) -> Dropped {
    Dropped {
        line,
        reason,
        text: text.to_string(),
        chrome,
    }
}

fn date_invalid(source: &Source, line: usize, text: &str, msg: &str) -> Diagnostic {
    Diagnostic::new(
        &source.path,
        Rule::DateInvalid,
        format!("date line names an impossible date: {msg}"),
    )
    .at_span(line, text, 0..text.len())
    .help("correct the date, or state `published = YYYY-MM-DD` in front matter")
}

/// Picks the publication date among the header's date lines: a labelled
/// publication date over a plain one over an update date (used only when
/// the page gives no other date: it is the closest the page comes, and is
/// usually the same day); the first of equal rank. Numeric dates are read in the order the front matter or dataset
/// declares, else the order another date line of the file proves, else by a
/// weekday that fits only one reading; otherwise they are ambiguous and not
/// taken. Lines that agree on the day lend each other a time and zone (the
/// seeds' ` date 2021-11-23 Posted: 23 Nov 2021 15:27 GMT`).
fn choose_date(
    source: &Source,
    lines: &[&str],
    candidates: &[Candidate],
    declared: Option<DateOrder>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Published> {
    let line_text = |disk: usize| lines[disk - 1 - source.line_offset];
    let order = declared.or_else(|| candidates.iter().find_map(|c| c.date.order_evidence));
    let mut resolved: Vec<(&Candidate, NaiveDate)> = Vec::new();
    for c in candidates {
        match c.date.resolve(order) {
            Some(Ok(d)) => resolved.push((c, d)),
            Some(Err(msg)) => {
                diagnostics.push(date_invalid(source, c.line, line_text(c.line), &msg))
            }
            None => {
                let DateValue::Numeric { a, b, year } = c.date.value else {
                    continue;
                };
                let text = line_text(c.line);
                diagnostics.push(
                    Diagnostic::new(
                        &source.path,
                        Rule::DateAmbiguous,
                        format!("`{a}/{b}/{year}` may be day/month or month/day; the date is left null"),
                    )
                    .at_span(c.line, text, 0..text.len())
                    .help("set `date_order = \"dmy\"` or `\"mdy\"` in front matter or in dataset.toml [limits], or state `published = YYYY-MM-DD`"),
                );
            }
        }
    }
    let (best, date) = resolved.iter().min_by_key(|(c, _)| c.date.label).copied()?;
    let mut time = best.date.time;
    let mut timezone = best.date.timezone.clone();
    for (other, other_date) in resolved
        .iter()
        .filter(|(c, _)| c.date.label != Label::Update)
    {
        if *other_date != date {
            let text = line_text(other.line);
            diagnostics.push(
                Diagnostic::new(
                    &source.path,
                    Rule::DateConflict,
                    format!(
                        "this date line says {other_date} but line {} says {date}, which was taken",
                        best.line
                    ),
                )
                .at_span(other.line, text, 0..text.len())
                .help("remove the wrong date line, or state `published` in front matter"),
            );
        } else if time.is_none() && other.date.time.is_some() {
            time = other.date.time;
            timezone = other.date.timezone.clone();
        }
    }
    Some(Published {
        date,
        time,
        timezone,
        source: DateSource::Dateline,
        line: best.line,
    })
}

/// Compiles every pattern of the parser now, rather than when a worker
/// first needs it. Compiling them takes about a quarter of a second of one
/// core, and lazily that happens on the first worker while the others wait
/// for it: a command that parses starts this on a thread of its own while
/// it lists the input folder, so the two serial steps overlap.
pub fn warm_up() {
    chrome::warm_up();
    dateline::warm_up();
    page::warm_up();
    paragraphs::warm_up();
    for pattern in [&BYLINE, &TIME_ONLY, &PLACE_BYLINE, &TRAIL, &AGO] {
        LazyLock::force(pattern);
    }
}

/// Every line of the fixture articles and the seeds, trimmed: the real text
/// that the tests of a fast path hold against its slow path.
#[cfg(test)]
pub(crate) fn fixture_lines() -> Vec<String> {
    fn walk(dir: &std::path::Path, lines: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, lines);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                lines.extend(text.lines().map(|l| l.trim().to_string()));
            }
        }
    }
    let mut lines = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    walk(&root.join("tests/fixtures"), &mut lines);
    walk(&root.join("seeds"), &mut lines);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::source;

    fn parse_str(text: &str) -> Parsed {
        parse(
            &source::read("t.txt", text.as_bytes()).unwrap(),
            &Options::default(),
        )
    }

    #[test]
    fn html_entities_are_decoded_in_title_and_body_but_not_in_the_source() {
        let text = "Mayor&rsquo;s plan &amp; the harbour\n\nPosted: 14 Dec 2021 09:00 GMT\n\nThe council&#8217;s vote was delayed; 300&nbsp;people came.";
        let src = source::read("t.txt", text.as_bytes()).unwrap();
        let p = parse(&src, &Options::default());
        assert_eq!(
            p.title.as_deref(),
            Some("Mayor\u{2019}s plan & the harbour")
        );
        assert_eq!(
            p.body(),
            "The council\u{2019}s vote was delayed; 300 people came."
        );
        assert_eq!(p.entities, 4);
        assert!(src.text.contains("&rsquo;"), "the source keeps them");
        assert!(p.published.is_some());
    }

    #[test]
    fn a_second_headline_under_the_first_is_dropped_and_a_retelling_lead_is_not() {
        // Shape of a Daily Star page (tests/fixtures/realworld, 016).
        let p = parse_str("Chef's son fighting for life after horror market stabbing\nChef's son fighting for life after horror stabbing at market\nA chef's son is fighting for his life after a stabbing at a market.\n\nMore text.");
        assert_eq!(
            p.body(),
            "A chef's son is fighting for his life after a stabbing at a market.\n\nMore text."
        );
        assert!(p.dropped.iter().any(|d| d.reason == "repeated-headline"));
        // Refused: a sentence, a question, a line sharing few words, or a
        // variant after text has begun.
        for second in [
            "Chef's son fighting for life after horror stabbing at market.",
            "Is the chef's son fighting for life after the market stabbing?",
            "Police hunt two teenagers seen running from the market",
            // Too long for a headline, however many words it shares.
            "Chef's son fighting for life after horror stabbing at market and police said the son was fighting for his life after the horror stabbing at the market",
        ] {
            let p = parse_str(&format!(
                "Chef's son fighting for life after horror market stabbing\n{second}\nMore text."
            ));
            assert!(p.body().starts_with(second), "{second}: {:?}", p.body());
        }
        let p = parse_str("Chef's son fighting for life after horror market stabbing\nThe text begins.\nChef's son fighting for life after horror stabbing at market");
        assert!(p.body().ends_with("stabbing at market"));
    }

    #[test]
    fn key_points_under_the_headline_are_dropped_but_other_lists_stay() {
        // Shape of a Business Insider page (tests/fixtures/realworld, 007).
        let lead = "On a family trip in 2022, she stayed in the car as everyone else went to the beach, and she said so later.";
        let p = parse_str(&format!(
            "A woman who lost 130 pounds shares the changes she was not expecting\n- She struggled with her weight until she had surgery in 2023.\n- She lost 130 pounds in two years and saw some unexpected changes.\n{lead}\nMore text."
        ));
        assert!(p.body().starts_with(lead), "{}", p.body());
        assert_eq!(
            p.dropped
                .iter()
                .filter(|d| d.reason == "key-points")
                .count(),
            2
        );
        // Refused: a list that is the whole text, a list after text, and a
        // list followed by no running text.
        for text in [
            "The winners of the village show this year\n- Best marrow: Jane Doe of the village\n- Best jam: John Smith of the town",
            &format!("The winners of the village show this year\n{lead}\n- Best marrow: Jane Doe of the village\n- Best jam: John Smith of the town"),
            "The winners of the village show this year\n- Best marrow: Jane Doe of the village\n- Best jam: John Smith of the town\nMore soon",
        ] {
            let p = parse_str(text);
            assert!(p.body().contains("- Best marrow"), "{text}");
            assert!(!p.dropped.iter().any(|d| d.reason == "key-points"));
        }
    }

    use super::page::{LEAD as DUMP_LEAD, MENUS_AND_HEADLINE};

    /// A page dump: menus and a headline, then `middle`, then three
    /// paragraphs of [`DUMP_LEAD`].
    fn dump(middle: &[&str]) -> Parsed {
        let mut lines = MENUS_AND_HEADLINE.to_vec();
        lines.extend(middle);
        lines.extend([DUMP_LEAD; 3]);
        parse_str(&lines.join("\n"))
    }

    #[test]
    fn in_a_page_dump_a_short_sentence_right_above_the_text_opens_the_body() {
        const LEAD: &str = DUMP_LEAD;
        // A byline, then `tail`, then the text.
        let page = |tail: &[&str]| {
            let mut middle = vec!["by Jane Doe Jul. 19, 2026 9:45 am"];
            middle.extend(tail);
            dump(&middle).body()
        };
        let body = page(&["* Share", "* Email", "A preventable crisis.", ""]);
        assert!(body.starts_with("A preventable crisis.\n\n"), "{body}");
        // Refused: the same sentence with furniture between it and the text,
        // and a caption.
        let body = page(&["A preventable crisis.", "* Share", "* Email"]);
        assert!(body.starts_with(LEAD), "{body}");
        let body = page(&[
            "* Share",
            "* Email",
            "The minister (left) and the general (right).",
            "",
        ]);
        assert!(body.starts_with(LEAD), "{body}");
    }

    #[test]
    fn in_a_page_dump_text_set_apart_above_the_byline_or_a_share_row_is_not_the_lead() {
        const LEAD: &str = DUMP_LEAD;
        const NOTICE: &str = "If you get our news from Instagram or Facebook - that will be changing. Find out how you can still connect with us.";
        let page = dump;
        // Shape of a Global News page: byline, date, a site notice, share rows.
        let p = page(&[
            "By Jane Doe",
            "Posted May 24, 2026 10:05 am",
            NOTICE,
            "Hide message bar",
            "Share",
            "Facebook",
            "Email",
        ]);
        assert!(p.body().starts_with(LEAD), "{}", p.body());
        assert!(p
            .dropped
            .iter()
            .any(|d| d.reason == "standfirst" && !d.chrome));
        // Shape of a Mexico News Daily page: the standfirst, then a share row.
        let p = page(&[
            "By Staff",
            "February 11, 2025",
            NOTICE,
            "Share",
            "Facebook",
            "Twitter",
            "Email",
        ]);
        assert!(p.body().starts_with(LEAD), "{}", p.body());
        // Shape of a Fox News page: a video player's title and description.
        let p = page(&[
            "By Jane Doe | Example News",
            "* Facebook",
            "* Print",
            "close",
            "Video",
            "Why the budget threat is growing",
            NOTICE,
        ]);
        assert!(p.body().starts_with(LEAD), "{}", p.body());
        assert!(p.dropped.iter().any(|d| d.reason == "media-embed"));
        // Kept: a standfirst right under the headline, and text below the
        // byline with no furniture after it.
        let p = page(&[NOTICE, "By Jane Doe", "Posted May 24, 2026 10:05 am"]);
        assert!(p.body().starts_with(NOTICE), "{}", p.body());
        let p = page(&["By Jane Doe", "Posted May 24, 2026 10:05 am", NOTICE]);
        assert!(p.body().starts_with(NOTICE), "{}", p.body());
    }

    #[test]
    fn a_breadcrumb_glued_before_the_headline_is_not_the_headline() {
        for (line, want) in [
            (
                "Home / India News / LIVE: Muslims in India doing better, Sitharaman rebuts Western 'perception'",
                "LIVE: Muslims in India doing better, Sitharaman rebuts Western 'perception'",
            ),
            ("Home>News>Kremlin denies plans to invade", "Kremlin denies plans to invade"),
            ("Home » World » Europe » Talks resume in Geneva", "Talks resume in Geneva"),
            // Refused: no trail, a trail with too little after it, a slash
            // inside a headline.
            ("Homes / flats: prices fall again in London", "Homes / flats: prices fall again in London"),
            ("Home / News / Europe", "Home / News / Europe"),
            ("Kremlin says 50/50 chance of talks", "Kremlin says 50/50 chance of talks"),
        ] {
            assert_eq!(strip_breadcrumb(line), want, "{line}");
        }
    }

    #[test]
    fn a_name_right_above_the_date_line_is_the_byline() {
        let p = parse_str("Private homes now priciest in Asia-Pacific\n\nBryan Kow\n\nMay 30, 2023\n\nSINGAPORE - Private residential property is now the most expensive in the region.");
        assert!(p.body().starts_with("SINGAPORE"), "{}", p.body());
        assert!(p
            .dropped
            .iter()
            .any(|d| d.reason == "byline" && d.text == "Bryan Kow"));
        // Refused: a sentence, and a short line after text.
        let p = parse_str("Private homes now priciest in Asia-Pacific\n\nPrices rose again.\n\nMay 30, 2023\n\nMore text here.");
        assert!(p.body().starts_with("Prices rose again."), "{}", p.body());
        let p = parse_str("Private homes now priciest in Asia-Pacific\n\nPrices rose again in the spring, the report said.\n\nBryan Kow\n\nMay 30, 2023\n\nMore text here.");
        assert!(p.body().contains("Bryan Kow"), "{}", p.body());
    }

    #[test]
    fn labels_times_and_relative_times_in_a_tidy_header_are_not_text() {
        // Shape of a National Interest copy: outlet, author and section
        // between the headline and the standfirst.
        let p = parse_str("Russia Announces Withdrawal of Forces From Ukraine Border\nThe National Interest -\n\nAlex Hollings\n\nUkraine, Europe\n\nKremlin officials have claimed the role of the victim.\n\nMore text.");
        assert!(p.body().starts_with("Kremlin officials"), "{}", p.body());
        // Shape of a CNN blog: the date, its time on the next line, a
        // relative time, then the text; no headline.
        let p = parse_str("May 20th, 2009\n05:46 AM ET\n13 years ago\n\nThe bureau's morning speed read of the top stories.\n\nMore text.");
        assert_eq!(p.title, None);
        assert!(p.body().starts_with("The bureau's"), "{}", p.body());
        // Kept: a live page's time stamps after a label, and a sentence
        // before the first paragraph.
        let p = parse_str("Council approves tram plan\n\nLast updated: 13 June 2022 18:05 GMT\n\nKey events\n\n18:05 GMT\n\nThe council voted on Monday.\n\nMore text.");
        assert!(p.body().starts_with("18:05 GMT"), "{}", p.body());
        let p = parse_str(
            "Council approves tram plan\n\nThe vote was close.\n\nThe council voted on Monday.",
        );
        assert!(p.body().starts_with("The vote was close."), "{}", p.body());
        // A caption is no headline.
        let p = parse_str("Russia is pulling in additional troops to the border. Photo: facebook.com/GeneralStaff.ua\nRussia is pulling in additional troops to the Kursk region on the border.");
        assert_eq!(p.title, None);
    }

    #[test]
    fn headline_then_body() {
        let p =
            parse_str("Kremlin Denies Plan\n\nThe Kremlin denied it on Friday.\n\nMore text here.");
        assert_eq!(p.title.as_deref(), Some("Kremlin Denies Plan"));
        assert_eq!(
            p.body(),
            "The Kremlin denied it on Friday.\n\nMore text here."
        );
        assert_eq!(p.paragraphs[0].0, 3);
    }

    #[test]
    fn a_lone_short_line_is_body_not_headline() {
        let p = parse_str("Kremlin Denies Plan");
        assert_eq!(p.title, None);
        assert_eq!(p.body(), "Kremlin Denies Plan");
    }

    #[test]
    fn dates_in_the_body_are_never_taken() {
        let p =
            parse_str("The Kremlin denied it on 23 Nov 2021 at 15:27 GMT.\n\nIt said so again.");
        assert!(p.published.is_none(), "a date in a sentence");
        let paragraphs = "The Kremlin denied it on Friday.\n\n".repeat(8);
        let p = parse_str(&format!(
            "{paragraphs}Related stories\n\n23 Nov 2021 15:27 GMT"
        ));
        assert!(p.published.is_none(), "a date line far below the header");
        assert_eq!(p.paragraphs.len(), 9);
        // Near the top, between a standfirst and the text, a date line is page furniture.
        let p = parse_str("Kremlin Denies Plans To Invade\n\nA standfirst sentence.\n\n23 Nov 2021 15:27 GMT\n\nText.");
        assert_eq!(p.published.unwrap().date.to_string(), "2021-11-23");
    }

    #[test]
    fn front_matter_overrides_guesses() {
        let p = parse_str(
            "+++\ntitle = \"Given Title\"\npublished = 2021-12-01\noutlet = \"Example\"\n+++\n\
             Posted: 23 Nov 2021 15:27 GMT\nGuessed Headline Here\nBody text starts here.",
        );
        assert_eq!(p.title.as_deref(), Some("Given Title"));
        let published = p.published.unwrap();
        assert_eq!(published.date.to_string(), "2021-12-01");
        assert_eq!(published.source, DateSource::FrontMatter);
        assert_eq!(published.line, 3);
        assert_eq!(p.front_matter.outlet.as_deref(), Some("Example"));
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    }

    #[test]
    fn front_matter_problems_name_their_line() {
        let p =
            parse_str("+++\ntitle = \"T\"\nauthor = \"X\"\npublished = \"11/12/2021\"\n+++\nBody.");
        let rules: Vec<(Rule, Option<usize>)> =
            p.diagnostics.iter().map(|d| (d.rule, d.line)).collect();
        assert_eq!(
            rules,
            vec![
                (Rule::FrontMatterUnknownKey, Some(3)),
                (Rule::FrontMatterDate, Some(4))
            ]
        );
        let p = parse_str("+++\ntitle = \"unterminated\n+++\nBody.");
        assert_eq!(p.diagnostics[0].rule, Rule::FrontMatterInvalid);
        assert_eq!(p.diagnostics[0].line, Some(2));
    }

    #[test]
    fn update_dates_are_used_only_when_alone() {
        let p = parse_str("Last updated: 3 Dec 2021\n\nThe Kremlin denied it on Friday.");
        assert_eq!(p.published.unwrap().date.to_string(), "2021-12-03");
        let p = parse_str(
            "Last updated: 3 Dec 2021\nPosted: 1 Dec 2021\n\nThe Kremlin denied it on Friday.",
        );
        assert_eq!(p.published.unwrap().date.to_string(), "2021-12-01");
        assert!(
            p.diagnostics.is_empty(),
            "an update differing from publication is no conflict"
        );
    }

    #[test]
    fn conflicting_date_lines_are_reported() {
        let p = parse_str(
            "date 2021-11-23 Posted: 24 Nov 2021 15:27 GMT\n\nThe Kremlin denied it on Friday.",
        );
        assert_eq!(p.published.unwrap().date.to_string(), "2021-11-24");
        assert_eq!(p.diagnostics[0].rule, Rule::DateConflict);
    }
}
