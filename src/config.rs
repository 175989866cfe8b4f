//! `seeds/dataset.toml`: what the dataset is called and the limits its articles must meet.

use crate::error::{Error, Result};
use chrono::NaiveDate;
use serde::Deserialize;
use std::path::Path;

pub const FILE_NAME: &str = "dataset.toml";

/// This builder's version, recorded in every manifest, part and cache key.
pub const BUILDER_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The keys `dataset.toml` must have, each with an example line.
const REQUIRED: &[(&str, &str)] = &[
    ("name", "name = \"my-news-corpus\""),
    ("title", "title = \"Articles about X from Y, 2021-2022\""),
    (
        "description",
        "description = \"What the articles are, where they come from.\"",
    ),
    (
        "license",
        "license = \"CC-BY-4.0\"   # SPDX id, or \"other\" with license_note",
    ),
    ("version", "version = \"1.0.0\"   # of the next release"),
];

/// The corpus convention: a sequence number and 16 hex digits.
pub const DEFAULT_FILE_NAME_PATTERN: &str = r"^[0-9]+_[0-9a-f]{16}\.txt$";

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DatasetConfig {
    /// Machine name, used in file names and catalogues (`kremlin-denials`).
    pub name: String,
    pub title: String,
    pub description: String,
    /// SPDX identifier, or `other` with `license_note` saying what applies.
    pub license: String,
    #[serde(default)]
    pub license_note: Option<String>,
    /// Version of the next release (semver).
    pub version: String,
    /// Languages of the articles (BCP 47 tags), for catalogues and the card.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Who made the dataset, as it should be cited (people or organisations).
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Where the dataset lives (repository or landing page).
    #[serde(default)]
    pub homepage: Option<String>,
    /// How the articles were collected, for the dataset card.
    #[serde(default)]
    pub collection: Option<String>,
    /// Known limitations and biases of this corpus, one paragraph each
    /// (the card adds those every newscorpus release shares).
    #[serde(default)]
    pub limitations: Vec<String>,
    #[serde(default)]
    pub limits: Limits,
    /// How numeric dates are written, per folder or file pattern, for a
    /// corpus that mixes sites (`[[sources]]`, first match wins).
    #[serde(default)]
    pub sources: Vec<SourceRule>,
    #[serde(default)]
    pub dedup: Dedup,
}

/// `[[sources]]`: the files a glob matches write numeric dates this way.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceRule {
    /// A glob over paths relative to the seeds folder (`uk/**`, `*_bbc_*.txt`).
    pub glob: String,
    pub date_order: DateOrder,
}

/// The `[[sources]]` rules, compiled once.
#[derive(Clone, Default)]
pub struct SourceOrders {
    rules: Vec<SourceRule>,
    set: Option<globset::GlobSet>,
}

impl SourceOrders {
    fn new(rules: Vec<SourceRule>) -> std::result::Result<Self, String> {
        if rules.is_empty() {
            return Ok(SourceOrders::default());
        }
        let mut b = globset::GlobSetBuilder::new();
        for (i, r) in rules.iter().enumerate() {
            let glob = globset::GlobBuilder::new(&r.glob)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("sources[{i}].glob `{}`: {e}", r.glob))?;
            b.add(glob);
        }
        let set = b.build().map_err(|e| format!("sources: {e}"))?;
        Ok(SourceOrders {
            rules,
            set: Some(set),
        })
    }

    /// The date order of the first rule matching `path` (relative, `/`-separated).
    pub fn order_for(&self, path: &str) -> Option<DateOrder> {
        let set = self.set.as_ref()?;
        let first = set.matches(path).into_iter().min()?;
        Some(self.rules[first].date_order)
    }
}

// The compiled set is the rules' function: equal rules, equal orders; and
// the parse cache's key (the limits' Debug text) names the rules alone.
impl PartialEq for SourceOrders {
    fn eq(&self, other: &Self) -> bool {
        self.rules == other.rules
    }
}

impl std::fmt::Debug for SourceOrders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(&self.rules).finish()
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Larger files are refused before they are read whole.
    pub max_file_bytes: u64,
    pub min_words: usize,
    pub max_title_chars: usize,
    /// The period the corpus covers; a date outside it is `date-out-of-range`.
    #[serde(deserialize_with = "toml_date")]
    pub period_start: Option<NaiveDate>,
    #[serde(deserialize_with = "toml_date")]
    pub period_end: Option<NaiveDate>,
    /// Jaccard similarity of word 5-shingles above which two bodies are near duplicates.
    pub near_duplicate_threshold: f64,
    /// Languages a record may be in (BCP 47 tags, compared by their primary
    /// subtag); another is `language-unexpected`. Empty: any.
    pub languages: Vec<String>,
    /// File names off this pattern get a `file-name-convention` warning.
    pub file_name_pattern: String,
    /// How the corpus writes numeric dates such as `11/12/2021` (`dmy` or
    /// `mdy`); without it such a date needs evidence in its own file.
    pub date_order: Option<DateOrder>,
    /// `[[sources]]` of dataset.toml, which take precedence over `date_order`.
    #[serde(skip)]
    pub(crate) source_orders: SourceOrders,
    /// `[dedup]` of dataset.toml: the checks across files apply it.
    #[serde(skip)]
    pub dedup: Dedup,
}

/// `[dedup]`: what a build does with duplicate articles. The defaults
/// refuse exact copies and warn about near ones, as a contribution should
/// be checked; a maintainer importing a crawl keeps one of each group.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Dedup {
    pub exact: ExactPolicy,
    pub near: NearPolicy,
}

impl Dedup {
    /// Whether any duplicate can be dropped (and the release lists them).
    pub fn drops(&self) -> bool {
        self.exact == ExactPolicy::KeepOne || self.near == NearPolicy::KeepOne
    }
}

/// `dedup.exact`: exact copies (same source, or same cleaned body).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ExactPolicy {
    /// An error (`duplicate-source`, `duplicate-text`): no release.
    #[default]
    Refuse,
    /// One of each group is released, the rest listed in `duplicates.csv`.
    KeepOne,
}

/// `dedup.near`: bodies whose similarity passes the threshold.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum NearPolicy {
    /// A warning (`near-duplicate`); both are released.
    #[default]
    Warn,
    /// One of each group is released, the rest listed in `duplicates.csv`.
    KeepOne,
}

impl Limits {
    /// The numeric date order for the file at `path`: its `[[sources]]`
    /// rule, else `date_order`.
    pub fn date_order_for(&self, path: &str) -> Option<DateOrder> {
        self.source_orders.order_for(path).or(self.date_order)
    }
}

/// How a site writes numeric dates, when `11/12/2021` must be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// day/month/year
    Dmy,
    /// month/day/year
    Mdy,
}

impl std::str::FromStr for DateOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "dmy" => Ok(DateOrder::Dmy),
            "mdy" => Ok(DateOrder::Mdy),
            other => Err(format!("`{other}` is not a date order (dmy or mdy)")),
        }
    }
}

/// Accepts a TOML local date (`2021-11-01`) or the same as a string.
fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    use serde::de::Error as _;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Date(toml::value::Datetime),
        Text(String),
    }
    let text = match Raw::deserialize(d)? {
        Raw::Date(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
        Raw::Date(dt) => {
            return Err(D::Error::custom(format!(
                "`{dt}` must be a date without a time"
            )))
        }
        Raw::Text(s) => s,
    };
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| D::Error::custom(format!("`{text}` is not a YYYY-MM-DD date")))
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 1024 * 1024,
            min_words: 50,
            max_title_chars: 200,
            period_start: None,
            period_end: None,
            near_duplicate_threshold: 0.8,
            languages: Vec::new(),
            file_name_pattern: DEFAULT_FILE_NAME_PATTERN.into(),
            date_order: None,
            source_orders: SourceOrders::default(),
            dedup: Dedup::default(),
        }
    }
}

/// A dataset.toml is a few KiB; a larger one is refused unread, so a
/// mistaken file (a 200 MB dump renamed) costs neither memory nor time.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The file's bytes, but no more than one past [`MAX_CONFIG_BYTES`].
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

impl DatasetConfig {
    pub fn load(seeds: &Path) -> Result<Self> {
        Self::read(seeds).map(|(config, _)| config)
    }

    /// Reads and checks `seeds/dataset.toml`; also returns its bytes (they
    /// join the sources digest). Every error names the file and says what
    /// to do.
    pub fn read(seeds: &Path) -> Result<(Self, Vec<u8>)> {
        let path = seeds.join(FILE_NAME);
        let bytes = match read_capped(&path) {
            Ok(b) if b.len() as u64 > MAX_CONFIG_BYTES => {
                return Err(Error::Config {
                    path,
                    message: format!(
                        "larger than {} KiB: a dataset.toml holds settings, not data (it was not read further)",
                        MAX_CONFIG_BYTES / 1024
                    ),
                })
            }
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && seeds.is_dir() => {
                return Err(Error::MissingConfig {
                    dir: seeds.display().to_string(),
                    path,
                })
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        let text = std::str::from_utf8(&bytes).map_err(|_| Error::Config {
            path: path.clone(),
            message: "not valid UTF-8; re-save it as UTF-8".into(),
        })?;
        let config = Self::parse(text).map_err(|message| Error::Config { path, message })?;
        Ok((config, bytes))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let missing: Vec<&(&str, &str)> = REQUIRED
            .iter()
            .filter(|(key, _)| !table.contains_key(*key))
            .collect();
        if !missing.is_empty() {
            let keys: Vec<String> = missing.iter().map(|(k, _)| format!("`{k}`")).collect();
            let example: String = missing.iter().map(|(_, e)| format!("\n    {e}")).collect();
            return Err(format!(
                "missing required key{} {}; add {}, for example:{example}\n\
                 (`newscorpus init` writes a commented dataset.toml to start from)",
                if missing.len() == 1 { "" } else { "s" },
                keys.join(", "),
                if missing.len() == 1 { "it" } else { "them" },
            ));
        }
        let mut config: DatasetConfig = table
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        config.limits.source_orders = SourceOrders::new(config.sources.clone())?;
        config.limits.dedup = config.dedup;
        if config.name.is_empty()
            || !config
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(format!(
                "name `{}` must be lower-case letters, digits and `-`",
                config.name
            ));
        }
        if let (Some(a), Some(b)) = (config.limits.period_start, config.limits.period_end) {
            if a > b {
                return Err(format!("limits.period_start {a} is after period_end {b}"));
            }
        }
        if !(0.0..=1.0).contains(&config.limits.near_duplicate_threshold) {
            return Err("limits.near_duplicate_threshold must lie between 0 and 1".into());
        }
        if let Err(e) = regex::Regex::new(&config.limits.file_name_pattern) {
            return Err(format!(
                "limits.file_name_pattern is not a valid regex: {e}"
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_refused() {
        let err = DatasetConfig::parse(
            "name='a'\ntitle='t'\ndescription='d'\nlicense='MIT'\nversion='1.0.0'\nvesion='2'\n",
        )
        .unwrap_err();
        assert!(err.contains("vesion"), "{err}");
    }

    #[test]
    fn every_missing_key_is_named_with_an_example() {
        let err = DatasetConfig::parse("name='a'\nlicense='MIT'\n").unwrap_err();
        assert!(
            err.starts_with("missing required keys `title`, `description`, `version`; add them"),
            "{err}"
        );
        assert!(err.contains("version = \"1.0.0\""), "{err}");
        assert!(!err.contains("`name`"), "{err}");
    }

    #[test]
    fn sources_set_the_date_order_per_path_first_match_wins() {
        let c = DatasetConfig::parse(
            "name='a'\ntitle='t'\ndescription='d'\nlicense='MIT'\nversion='1.0.0'\n\
             [limits]\ndate_order='mdy'\n\
             [[sources]]\nglob='uk/**'\ndate_order='dmy'\n\
             [[sources]]\nglob='**/*_us.txt'\ndate_order='mdy'\n\
             [[sources]]\nglob='**'\ndate_order='dmy'\n",
        )
        .unwrap();
        let l = &c.limits;
        assert_eq!(l.date_order_for("uk/bbc/1_us.txt"), Some(DateOrder::Dmy));
        assert_eq!(l.date_order_for("x/2_us.txt"), Some(DateOrder::Mdy));
        assert_eq!(l.date_order_for("x/3.txt"), Some(DateOrder::Dmy));
        // `*` does not cross folders.
        let c = DatasetConfig::parse(
            "name='a'\ntitle='t'\ndescription='d'\nlicense='MIT'\nversion='1.0.0'\n\
             [[sources]]\nglob='uk/*'\ndate_order='dmy'\n",
        )
        .unwrap();
        assert_eq!(c.limits.date_order_for("uk/a.txt"), Some(DateOrder::Dmy));
        assert_eq!(c.limits.date_order_for("uk/sub/a.txt"), None);
        let err = DatasetConfig::parse(
            "name='a'\ntitle='t'\ndescription='d'\nlicense='MIT'\nversion='1.0.0'\n\
             [[sources]]\nglob='uk/[**'\ndate_order='dmy'\n",
        )
        .unwrap_err();
        assert!(err.starts_with("sources[0].glob `uk/[**`"), "{err}");
    }

    #[test]
    fn limits_default_when_absent() {
        let c = DatasetConfig::parse(
            "name='a'\ntitle='t'\ndescription='d'\nlicense='MIT'\nversion='1.0.0'\n",
        )
        .unwrap();
        assert_eq!(c.limits, Limits::default());
        assert_eq!(c.limits.max_file_bytes, 1 << 20);
    }
}
