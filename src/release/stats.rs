//! The figures that describe a release: how many articles, over which weeks,
//! how long. The builder gathers them while it writes the release (for the
//! card and the chart); `newscorpus stats` gathers the same from a release's
//! JSON Lines file, so both always agree.

use crate::record::Article;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// Weeks beyond this span are listed only where they have articles (a
/// corpus spanning centuries would otherwise list thousands of empty weeks).
const MAX_FILLED_WEEKS: i64 = 1040;
/// The length histogram has at most this many bins.
const MAX_BINS: u64 = 20;

/// Collects figures one article at a time, in memory that grows with the
/// number of distinct weeks and word counts, not with the number of articles.
#[derive(Debug, Default, Clone)]
pub struct Collector {
    records: u64,
    undated: u64,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    weeks: BTreeMap<NaiveDate, u64>,
    words: BTreeMap<u64, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub records: u64,
    pub dated: u64,
    pub undated: u64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub words: Words,
    /// Articles per week (weeks start on Monday), oldest first.
    pub weeks: Vec<Week>,
    /// Articles per band of `word_count`.
    pub lengths: Vec<Band>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Words {
    pub total: u64,
    pub min: Option<u64>,
    pub median: Option<u64>,
    pub max: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Week {
    /// The Monday the week starts on.
    pub week: String,
    pub articles: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Band {
    /// Lowest word count in the band.
    pub from: u64,
    /// Highest word count in the band.
    pub to: u64,
    pub articles: u64,
}

impl Collector {
    pub fn add(&mut self, article: &Article) {
        self.add_parts(article.published.as_deref(), article.word_count);
    }

    pub fn add_parts(&mut self, published: Option<&str>, word_count: u64) {
        self.records += 1;
        match published.and_then(crate::record::calendar::parse_date) {
            Some(d) => {
                self.first = Some(self.first.map_or(d, |f| f.min(d)));
                self.last = Some(self.last.map_or(d, |l| l.max(d)));
                let monday = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
                *self.weeks.entry(monday).or_default() += 1;
            }
            None => self.undated += 1,
        }
        *self.words.entry(word_count).or_default() += 1;
    }

    pub fn finish(&self) -> Stats {
        let day = |d: &NaiveDate| crate::record::calendar::format_date(*d);
        let first = self.weeks.keys().next().copied();
        let last = self.weeks.keys().next_back().copied();
        let mut weeks = Vec::new();
        match (first, last) {
            (Some(a), Some(b)) if (b - a).num_weeks() <= MAX_FILLED_WEEKS => {
                let mut w = a;
                while w <= b {
                    weeks.push(Week {
                        week: day(&w),
                        articles: self.weeks.get(&w).copied().unwrap_or(0),
                    });
                    w += Duration::days(7);
                }
            }
            _ => weeks.extend(self.weeks.iter().map(|(w, &n)| Week {
                week: day(w),
                articles: n,
            })),
        }
        Stats {
            records: self.records,
            dated: self.records - self.undated,
            undated: self.undated,
            first_date: self.first.as_ref().map(day),
            last_date: self.last.as_ref().map(day),
            words: self.words(),
            weeks,
            lengths: self.bands(),
        }
    }

    fn words(&self) -> Words {
        let total = self.words.iter().map(|(w, n)| w * n).sum();
        let mut median = None;
        let mut seen = 0;
        for (&w, &n) in &self.words {
            seen += n;
            // The lower median: a word count some article really has.
            if seen * 2 >= self.records {
                median = Some(w);
                break;
            }
        }
        Words {
            total,
            min: self.words.keys().next().copied(),
            median,
            max: self.words.keys().next_back().copied(),
        }
    }

    fn bands(&self) -> Vec<Band> {
        let Some(&max) = self.words.keys().next_back() else {
            return Vec::new();
        };
        let width = nice_width(max / MAX_BINS + 1);
        let mut bands: Vec<Band> = (0..=max / width)
            .map(|k| Band {
                from: k * width,
                to: k * width + width - 1,
                articles: 0,
            })
            .collect();
        for (&w, &n) in &self.words {
            bands[(w / width) as usize].articles += n;
        }
        bands
    }
}

/// The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `w`, so band
/// edges are round numbers a reader can take in.
fn nice_width(w: u64) -> u64 {
    let mut unit = 1u64;
    loop {
        for m in [1, 2, 5] {
            if unit.saturating_mul(m) >= w {
                return unit * m;
            }
        }
        unit = unit.saturating_mul(10);
    }
}

impl Stats {
    /// The figures as a plain-text table, as `newscorpus stats` prints them.
    pub fn table(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let num = |v: Option<u64>| v.map_or_else(|| "-".into(), |n| n.to_string());
        let _ = writeln!(out, "{:<14}{}", "records", self.records);
        let _ = writeln!(out, "{:<14}{}", "dated", self.dated);
        let _ = writeln!(out, "{:<14}{}", "undated", self.undated);
        let _ = writeln!(out, "{:<14}{}", "first date", opt(&self.first_date));
        let _ = writeln!(out, "{:<14}{}", "last date", opt(&self.last_date));
        let _ = writeln!(out, "{:<14}{}", "words", self.words.total);
        let _ = writeln!(
            out,
            "{:<14}min {}, median {}, max {}",
            "word count",
            num(self.words.min),
            num(self.words.median),
            num(self.words.max)
        );
        let _ = writeln!(out, "\n{:<14}{:>9}", "week of", "articles");
        for w in &self.weeks {
            let _ = writeln!(out, "{:<14}{:>9}", w.week, w.articles);
        }
        let _ = writeln!(out, "\n{:<14}{:>9}", "words", "articles");
        for b in &self.lengths {
            let _ = writeln!(
                out,
                "{:<14}{:>9}",
                format!("{}-{}", b.from, b.to),
                b.articles
            );
        }
        out
    }
}

/// The figures of a written release, read from its `articles.jsonl` one
/// line at a time (memory does not grow with the release).
pub fn of_release(dir: &std::path::Path) -> crate::error::Result<Stats> {
    let mut c = Collector::default();
    for article in super::layout::Records::open(dir)? {
        c.add(&article?);
    }
    Ok(c.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gather(items: &[(Option<&str>, u64)]) -> Stats {
        let mut g = Collector::default();
        for (p, w) in items {
            g.add_parts(*p, *w);
        }
        g.finish()
    }

    #[test]
    fn weeks_start_on_monday_and_gaps_are_zero() {
        // 2021-11-24 is a Wednesday, 2021-12-11 a Saturday.
        let s = gather(&[
            (Some("2021-11-24"), 10),
            (Some("2021-11-22"), 10),
            (Some("2021-12-11"), 10),
            (None, 10),
        ]);
        let weeks: Vec<(&str, u64)> = s
            .weeks
            .iter()
            .map(|w| (w.week.as_str(), w.articles))
            .collect();
        assert_eq!(
            weeks,
            [("2021-11-22", 2), ("2021-11-29", 0), ("2021-12-06", 1)]
        );
        assert_eq!((s.dated, s.undated, s.records), (3, 1, 4));
        assert_eq!(s.first_date.as_deref(), Some("2021-11-22"));
        assert_eq!(s.last_date.as_deref(), Some("2021-12-11"));
    }

    #[test]
    fn length_bands_are_round_and_cover_every_article() {
        let s = gather(&[(None, 3), (None, 250), (None, 260), (None, 999)]);
        assert_eq!(s.lengths[0].from, 0);
        assert_eq!(s.lengths[0].to, 49);
        assert!(s.lengths.len() as u64 <= MAX_BINS + 1);
        assert_eq!(s.lengths.iter().map(|b| b.articles).sum::<u64>(), 4);
        assert_eq!(s.lengths[5].articles, 2);
        assert_eq!(s.words.min, Some(3));
        assert_eq!(s.words.median, Some(250));
        assert_eq!(s.words.max, Some(999));
        assert_eq!(s.words.total, 3 + 250 + 260 + 999);
    }

    #[test]
    fn an_empty_release_has_no_bands_or_weeks() {
        let s = gather(&[]);
        assert!(s.weeks.is_empty() && s.lengths.is_empty());
        assert_eq!(s.words.median, None);
        assert!(s.table().contains("first date    -"));
    }

    #[test]
    fn far_apart_dates_list_only_weeks_with_articles() {
        let s = gather(&[(Some("1900-01-01"), 1), (Some("2021-01-04"), 1)]);
        assert_eq!(s.weeks.len(), 2);
    }
}
