//! A deterministic synthetic corpus for benchmarks and scale tests: raw
//! articles in the layouts the parser supports, 1.5–6 KB each, with page
//! chrome and a controlled share of exact and near duplicates. Article `i`
//! depends only on (seed, i), so any thread count writes the same bytes.

use crate::error::{Error, Result};
use rayon::prelude::*;
use std::path::Path;

pub struct Options {
    pub count: usize,
    pub seed: u64,
    /// Share of articles that are byte copies of an earlier one (errors in `build`).
    pub exact_duplicates: f64,
    /// Share of articles that are an earlier one with a few words changed (warnings).
    pub near_duplicates: f64,
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// splitmix64: tiny, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    /// Streams for neighbouring `i` must not be shifted copies of each
    /// other, so both inputs go through the finaliser before they meet.
    fn new(seed: u64, i: u64) -> Self {
        Rng(mix(mix(seed) ^ mix(i.wrapping_add(0x632b_e59b_d9b4_e019))))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const ABBR: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const PEOPLE: &[&str] = &[
    "Dmitry Peskov",
    "the finance minister",
    "the mayor",
    "a company spokeswoman",
    "the coach",
    "an EU diplomat",
    "the prime minister",
    "union leaders",
    "the central bank governor",
    "local residents",
    "the health secretary",
    "a senior official",
    "opposition lawmakers",
    "the foreign ministry",
    "analysts",
    "the defence minister",
];
const PLACES: &[&str] = &[
    "Moscow",
    "Kyiv",
    "Brussels",
    "Geneva",
    "London",
    "New Delhi",
    "Warsaw",
    "Berlin",
    "Nairobi",
    "Ottawa",
    "Vienna",
    "Ankara",
    "Tokyo",
    "Lagos",
    "Lima",
    "Oslo",
];
const VERBS: &[&str] = &[
    "said",
    "told reporters",
    "warned",
    "insisted",
    "confirmed",
    "announced",
    "denied",
    "argued",
];
const SUBJECTS: &[&str] = &[
    "the talks",
    "the new budget",
    "the troop movements",
    "the strike",
    "the flood defences",
    "the trade deal",
    "the election",
    "the ceasefire",
    "the pipeline",
    "interest rates",
    "the court ruling",
    "the vaccine rollout",
    "fuel prices",
    "the border crossing",
    "the summit",
    "the reform bill",
];
const OUTCOMES: &[&str] = &[
    "would go ahead as scheduled",
    "had been delayed again",
    "were constructive but difficult",
    "would be reviewed next month",
    "posed no threat to anyone",
    "had cost more than expected",
    "would need the support of parliament",
    "were based on false reports",
    "could collapse within weeks",
    "had been agreed in principle",
    "would affect thousands of families",
    "remained the top priority",
];
const CHROME: &[&str] = &[
    "Advertisement",
    "SHARE THIS ARTICLE ON",
    "Image: AP",
    "(Photo: Reuters)",
    "Also read: Markets close higher",
    "{{^userSubscribed}} {{/userSubscribed}}",
    "Follow us on Telegram",
    "Most Read",
    "Share this:",
    "3 min read",
];

/// A made-up word from syllables: real reporting has a vocabulary of tens of
/// thousands of words, and a small one would make every article a near
/// duplicate of every other.
fn word(r: &mut Rng) -> String {
    const ONSETS: &[&str] = &[
        "b", "k", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr",
        "gr",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ou"];
    let n = 2 + r.below(2);
    (0..n)
        .map(|_| format!("{}{}", r.pick(ONSETS), r.pick(VOWELS)))
        .collect()
}

fn sentence(r: &mut Rng) -> String {
    let person = r.pick(PEOPLE);
    let mut s = format!(
        "{}{} {} in {} that {}",
        person[..1].to_uppercase(),
        &person[1..],
        r.pick(VERBS),
        r.pick(PLACES),
        r.pick(SUBJECTS),
    );
    // Most words are drawn from the large made-up vocabulary, so two
    // unrelated articles share few 5-word shingles, as real ones do.
    for _ in 0..6 + r.below(8) {
        s.push(' ');
        s.push_str(&word(r));
    }
    s.push(' ');
    s.push_str(r.pick(OUTCOMES));
    // A number makes most sentences unique, as real reporting is.
    if r.below(3) > 0 {
        s.push_str(&format!(
            ", citing {} cases since {}",
            r.below(5000) + 2,
            MONTHS[r.below(12)]
        ));
    }
    s.push('.');
    s
}

fn date_line(r: &mut Rng) -> String {
    let (y, m, d) = (2019 + r.below(5) as i32, r.below(12), 1 + r.below(28));
    let (h, mi) = (r.below(24), r.below(60));
    match r.below(6) {
        0 => format!("Posted: {d} {} {y} {h:02}:{mi:02} GMT", ABBR[m]),
        1 => format!(" date {y}-{:02}-{d:02}", m + 1),
        2 => format!(
            "{} {d}, {y} {}:{mi:02} {} ET",
            MONTHS[m],
            h % 12 + 1,
            if h < 12 { "a.m." } else { "p.m." }
        ),
        3 => format!("Published {d} {} {y}", MONTHS[m]),
        4 => format!("By Jane Doe{} {d}, {y}", MONTHS[m]),
        _ => format!("{y}-{:02}-{d:02}T{h:02}:{mi:02}:00Z", m + 1),
    }
}

/// The text of article `i` (before any duplication).
fn article(seed: u64, i: u64) -> String {
    let mut r = Rng::new(seed, i);
    // Paragraphs are added until the target is passed, by at most ~1 KB.
    let target = 1500 + r.below(3600);
    let mut text = String::with_capacity(target + 512);
    if r.below(4) == 0 {
        text.push_str("Last Updated:\n\n");
    }
    let head = sentence(&mut r);
    let headline: String = head
        .trim_end_matches('.')
        .split(" that ")
        .nth(1)
        .unwrap_or(&head)
        .to_string();
    let (date, title_first) = (date_line(&mut r), r.below(2) == 0);
    let title = format!("{}{} ({})", headline[..1].to_uppercase(), &headline[1..], i);
    if title_first {
        text.push_str(&format!("{title}\n\n{date}\n\n"));
    } else {
        text.push_str(&format!("{date}\n\n{title}\n\n"));
    }
    while text.len() < target {
        let n = 2 + r.below(3);
        let para: Vec<String> = (0..n).map(|_| sentence(&mut r)).collect();
        text.push_str(&para.join(" "));
        text.push_str("\n\n");
        if r.below(6) == 0 {
            text.push_str(r.pick(CHROME));
            text.push_str("\n\n");
        }
    }
    text.push_str(r.pick(CHROME));
    text.push('\n');
    text
}

/// Changes a handful of words, so the copy stays above a 0.8 similarity.
fn perturb(text: &str, seed: u64, i: u64) -> String {
    let mut r = Rng::new(seed ^ 0x5eed, i);
    let mut words: Vec<String> = text.split(' ').map(String::from).collect();
    // Past the headline and date line, so the body itself changes.
    let start = words.len() / 3;
    let mut changed = 0;
    while changed < 3 {
        let k = start + r.below(words.len() - start);
        if !words[k].contains('\n')
            && words[k].chars().all(char::is_alphabetic)
            && words[k] != "reportedly"
        {
            words[k] = "reportedly".into();
            changed += 1;
        }
    }
    words.join(" ")
}

pub fn file_name(seed: u64, i: usize) -> String {
    let mut r = Rng::new(seed ^ 0xf11e, i as u64);
    format!("{:03}/{i:07}_{:016x}.txt", i / 1000, r.next())
}

/// Writes the corpus and a dataset.toml into `out`.
pub fn write(out: &Path, o: &Options) -> Result<()> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let toml = format!(
        "name = \"synthetic\"\ntitle = \"Synthetic corpus\"\ndescription = \"{} generated articles (seed {})\"\n\
         license = \"CC0-1.0\"\nversion = \"1.0.0\"\n\n[limits]\nmin_words = 50\n",
        o.count, o.seed
    );
    std::fs::write(out.join("dataset.toml"), toml).map_err(|e| Error::io(out, e))?;
    (0..o.count).into_par_iter().try_for_each(|i| {
        let mut r = Rng::new(o.seed ^ 0xd0b1e, i as u64);
        let roll = r.unit();
        let text = if i > 0 && roll < o.exact_duplicates {
            article(o.seed, r.below(i) as u64)
        } else if i > 0 && roll < o.exact_duplicates + o.near_duplicates {
            perturb(&article(o.seed, r.below(i) as u64), o.seed, i as u64)
        } else {
            article(o.seed, i as u64)
        };
        let path = out.join(file_name(o.seed, i));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
    })
}
