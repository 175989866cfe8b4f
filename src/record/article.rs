//! The release record. Field order here is the CSV column order and must
//! match `schema/article.schema.json` (a test holds them together).

use super::calendar;
use crate::input::digest::sha256_hex;
use crate::input::id::ArticleId;
use crate::input::source::Source;
use crate::parse::{DateSource, Parsed};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Article {
    pub id: ArticleId,
    pub published: Option<String>,
    pub published_time: Option<String>,
    pub timezone: Option<String>,
    pub date_source: DateSourceField,
    pub title: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub language: Option<String>,
    /// Releases before schema 2 have no such field: their languages came
    /// from front matter or were null, which `none` (the default) would
    /// misstate only for the first; a diff reports the field as changed.
    #[serde(default)]
    pub language_source: LanguageSourceField,
    pub body: String,
    pub word_count: u64,
    pub source_file: String,
    pub source_sha256: String,
    pub text_sha256: String,
    pub removed_lines: u64,
}

/// `date_source` as written to a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSourceField {
    Dateline,
    FrontMatter,
    None,
}

impl From<DateSource> for DateSourceField {
    fn from(d: DateSource) -> Self {
        match d {
            DateSource::Dateline => DateSourceField::Dateline,
            DateSource::FrontMatter => DateSourceField::FrontMatter,
            DateSource::None => DateSourceField::None,
        }
    }
}

/// `language_source` as written to a release.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LanguageSourceField {
    FrontMatter,
    Detected,
    #[default]
    None,
}

pub const FIELDS: &[&str] = &[
    "id",
    "published",
    "published_time",
    "timezone",
    "date_source",
    "title",
    "url",
    "outlet",
    "language",
    "language_source",
    "body",
    "word_count",
    "source_file",
    "source_sha256",
    "text_sha256",
    "removed_lines",
];

/// One field's value, for writers that go column by column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    Text(Option<&'a str>),
    Id(ArticleId),
    Int(u64),
}

impl Article {
    /// The value of field `name` (one of [`FIELDS`]).
    pub fn cell(&self, name: &str) -> Option<Cell<'_>> {
        fn text(v: &Option<String>) -> Cell<'_> {
            Cell::Text(v.as_deref())
        }
        Some(match name {
            "id" => Cell::Id(self.id),
            "published" => text(&self.published),
            "published_time" => text(&self.published_time),
            "timezone" => text(&self.timezone),
            "date_source" => Cell::Text(Some(match self.date_source {
                DateSourceField::Dateline => "dateline",
                DateSourceField::FrontMatter => "front_matter",
                DateSourceField::None => "none",
            })),
            "title" => text(&self.title),
            "url" => text(&self.url),
            "outlet" => text(&self.outlet),
            "language" => text(&self.language),
            "language_source" => Cell::Text(Some(match self.language_source {
                LanguageSourceField::FrontMatter => "front_matter",
                LanguageSourceField::Detected => "detected",
                LanguageSourceField::None => "none",
            })),
            "body" => Cell::Text(Some(&self.body)),
            "word_count" => Cell::Int(self.word_count),
            "source_file" => Cell::Text(Some(&self.source_file)),
            "source_sha256" => Cell::Text(Some(&self.source_sha256)),
            "text_sha256" => Cell::Text(Some(&self.text_sha256)),
            "removed_lines" => Cell::Int(self.removed_lines),
            _ => return None,
        })
    }

    pub fn new(source: &Source, parsed: &Parsed) -> Article {
        let body = parsed.body();
        let published = parsed.published.as_ref();
        let (language, language_source) = match &parsed.front_matter.language {
            Some(l) => (Some(l.clone()), LanguageSourceField::FrontMatter),
            None => match crate::parse::language::detect(&body) {
                Some(tag) => (Some(tag.to_string()), LanguageSourceField::Detected),
                None => (None, LanguageSourceField::None),
            },
        };
        Article {
            id: source.id,
            published: published.map(|p| calendar::format_date(p.date)),
            published_time: published.and_then(|p| p.time).map(calendar::format_time),
            timezone: published.and_then(|p| p.timezone.clone()),
            date_source: published.map_or(DateSourceField::None, |p| p.source.into()),
            title: parsed.title.clone(),
            url: parsed.front_matter.url.clone(),
            outlet: parsed.front_matter.outlet.clone(),
            language,
            language_source,
            word_count: crate::parse::text::word_count(&body) as u64,
            text_sha256: sha256_hex(body.as_bytes()),
            body,
            source_file: source.path.clone(),
            source_sha256: source.source_sha256.clone(),
            removed_lines: parsed.removed_lines() as u64,
        }
    }

    /// Where this record stands in a release (see [`Order`]).
    pub fn order(&self) -> Order {
        use chrono::Datelike;
        let published = self
            .published
            .as_deref()
            .and_then(calendar::parse_date)
            .map_or(i32::MAX, |d| d.num_days_from_ce());
        Order {
            published,
            id: self.id,
        }
    }
}

/// Release order, defined once: by publication date with undated records
/// last, then by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Order {
    /// Days since 0001-01-01 of `published`; `i32::MAX` for none.
    pub published: i32,
    pub id: ArticleId,
}
