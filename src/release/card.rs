//! The release's `README.md`: a dataset card with Hugging Face YAML front
//! matter. Everything in it is generated from `dataset.toml`, the schema, the
//! chrome rule table and the figures of this build, so it cannot drift from
//! what the release holds. The loading examples are run against every release
//! by the interoperability suite (`tests/python/interop.py`).

use crate::check::across::{DuplicateKind, Lineage};
use crate::config::DatasetConfig;
use crate::error::Result;
use crate::record::schema::{self, Kind};
use crate::release::layout::FileEntry;
use crate::release::metadata::{bibtex, license_text, yaml_str};
use crate::release::stats::Stats;
use std::fmt::Write;

/// Hugging Face's size buckets.
fn size_category(n: u64) -> &'static str {
    match n {
        0..1_000 => "n<1K",
        1_000..10_000 => "1K<n<10K",
        10_000..100_000 => "10K<n<100K",
        100_000..1_000_000 => "100K<n<1M",
        1_000_000..10_000_000 => "1M<n<10M",
        10_000_000..100_000_000 => "10M<n<100M",
        _ => "100M<n<1B",
    }
}

/// Markdown table cells: a `|` would end the cell, a newline the row.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn type_name(kind: &Kind) -> String {
    match kind {
        Kind::Text => "string".into(),
        Kind::Date => "date (YYYY-MM-DD)".into(),
        Kind::Integer => "integer".into(),
        Kind::Choice(v) => format!("one of {}", v.join(", ")),
    }
}

fn duckdb_type(kind: &Kind) -> &'static str {
    match kind {
        Kind::Text | Kind::Choice(_) => "VARCHAR",
        Kind::Date => "DATE",
        Kind::Integer => "BIGINT",
    }
}

const GENERIC_LIMITATIONS: &[&str] = &[
    "Scraped text: the cleaning removes page chrome by whole-line rules and keeps a line when a rule is unsure, so some navigation text or captions can remain, and an unusual page layout can lose a line of prose that looks like chrome.",
    "Dates come only from the text itself (a date line or front matter); an article without one has a null `published` and is not dated by guesswork. Numeric dates such as `11/12/2021` are read only with evidence of their order, else left null.",
    "The corpus reflects the sites and the period its contributors chose; it is not a sample of all coverage, and counts per week say more about collection than about how much was published.",
    "Exact duplicate sources are refused; near duplicates (syndicated copies of one wire story) are reported to maintainers but may remain as separate records.",
];

/// The card's `datasets` config name: the dataset, the version and the
/// first 16 hex digits of the Parquet file's SHA-256, so no two releases
/// with different rows share one.
fn config_name(config: &DatasetConfig, version: &str, files: &[FileEntry]) -> String {
    let digest = files
        .iter()
        .find(|f| f.path == crate::release::layout::PARQUET)
        .map_or("", |f| crate::input::digest::short(&f.sha256));
    format!("{}-{version}-{digest}", config.name)
}

/// Writes the card. `files` are the release files written before it.
pub fn card(
    config: &DatasetConfig,
    version: &str,
    stats: &Stats,
    files: &[FileEntry],
    duplicates: &[Lineage],
) -> Result<String> {
    let fields = schema::fields()?;
    let mut o = String::new();

    // Front matter for the Hugging Face Hub (and `datasets.load_dataset` on
    // this folder): the configs point at the Parquet file, which carries types.
    o.push_str("---\n");
    let _ = writeln!(o, "pretty_name: {}", yaml_str(&config.title));
    if config.license == "other" {
        o.push_str("license: other\n");
        let _ = writeln!(
            o,
            "license_name: {}",
            yaml_str(&format!("{}-terms", config.name))
        );
        o.push_str("license_link: \"README.md#license\"\n");
    } else {
        let _ = writeln!(o, "license: {}", yaml_str(&config.license.to_lowercase()));
    }
    if !config.languages.is_empty() {
        o.push_str("language:\n");
        for l in &config.languages {
            let _ = writeln!(o, "- {}", yaml_str(l));
        }
    }
    let _ = writeln!(
        o,
        "size_categories:\n- {}",
        yaml_str(size_category(stats.records))
    );
    o.push_str("task_categories:\n- \"text-classification\"\n- \"text-generation\"\n");
    if !config.keywords.is_empty() {
        o.push_str("tags:\n");
        for k in &config.keywords {
            let _ = writeln!(o, "- {}", yaml_str(k));
        }
    }
    // `datasets` caches a folder's table by the folder's name (a version,
    // the same for every corpus), the config name and the configs text: a
    // config name of its own per dataset, version and content keeps two
    // releases at `a/1.0.0` and `b/1.0.0`, or a rebuild in place, apart.
    let _ = writeln!(
        o,
        "configs:\n- config_name: {}\n  data_files:\n  - split: \"train\"",
        yaml_str(&config_name(config, version, files))
    );
    let _ = writeln!(o, "    path: {}", yaml_str(crate::release::layout::PARQUET));
    o.push_str("---\n\n");

    let _ = writeln!(o, "# {}\n", config.title);
    let _ = writeln!(o, "{}\n", config.description.trim());
    let _ = writeln!(
        o,
        "Release **{version}** of `{}`: {} articles, built by newscorpus {} from the raw text \
         files in the project's `seeds/` folder. `manifest.json` lists every file with its size \
         and SHA-256; `CHANGES.md` says what changed since the previous release.\n",
        config.name,
        stats.records,
        crate::config::BUILDER_VERSION
    );
    let _ = writeln!(
        o,
        "![Articles per week and the distribution of article lengths]({})\n",
        crate::release::layout::CHART
    );

    o.push_str("## At a glance\n\n| | |\n|---|---|\n");
    let _ = writeln!(o, "| articles | {} |", stats.records);
    let _ = writeln!(o, "| with a publication date | {} |", stats.dated);
    let _ = writeln!(o, "| without one | {} |", stats.undated);
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let _ = writeln!(o, "| first date | {} |", dash(&stats.first_date));
    let _ = writeln!(o, "| last date | {} |", dash(&stats.last_date));
    let _ = writeln!(o, "| words in all | {} |", stats.words.total);
    let num = |v: Option<u64>| v.map_or_else(|| "-".into(), |n| n.to_string());
    let _ = writeln!(
        o,
        "| words per article | min {}, median {}, max {} |\n",
        num(stats.words.min),
        num(stats.words.median),
        num(stats.words.max)
    );
    o.push_str("`newscorpus stats` prints these figures, week by week, for any release.\n\n");

    o.push_str("## Files\n\n| file | what | bytes |\n|---|---|---|\n");
    for f in files {
        let what = match f.path.as_str() {
            crate::release::layout::CSV => "the records as CSV (RFC 4180, UTF-8, LF, header row)",
            crate::release::layout::JSON => "the records as one JSON array",
            crate::release::layout::JSONL => "the records as JSON Lines, one object a line",
            crate::release::layout::PARQUET => "the records as Apache Parquet, typed",
            crate::release::layout::CHANGES => "what changed since the previous release",
            crate::release::layout::CHART => "the chart above",
            crate::release::layout::DATAPACKAGE => "Frictionless Data Package (Table Schema)",
            crate::release::layout::CITATION => "how to cite this release (Citation File Format)",
            crate::release::layout::SCHEMA => "JSON Schema of one record",
            crate::release::layout::DUPLICATES => {
                "records left out as duplicates, each with the record kept"
            }
            _ => "",
        };
        let _ = writeln!(o, "| `{}` | {what} | {} |", f.path, f.bytes);
    }
    o.push_str(
        "| `croissant.json` | MLCommons Croissant metadata | |\n\
         | `manifest.json` | every file with size and SHA-256, the version policy, the inputs' digest | |\n\
         | `SHA256SUMS` | checksums: `sha256sum -c SHA256SUMS` | |\n\n",
    );

    o.push_str("## How it was collected\n\n");
    match &config.collection {
        Some(c) => {
            let _ = writeln!(o, "{}\n", c.trim());
        }
        None => o.push_str(
            "Contributors added raw article text files, one article a file, through pull \
             requests; `newscorpus validate` checked each one.\n\n",
        ),
    }

    o.push_str("## How it was cleaned\n\n");
    o.push_str(
        "Each raw file is decoded as UTF-8 and put in canonical form (LF line ends, Unicode \
         NFC, no trailing white space, no leading or trailing blank lines). The parser then \
         reads the header: front matter, a date line in any of the forms sites use, the \
         headline (a repeated headline is dropped once), a byline or place line. Publication \
         date, time and zone are kept as the text gives them, never guessed. The body keeps \
         its paragraphs (hard-wrapped lines are re-joined) and loses page chrome: a line is \
         removed only when it matches one of these rules as a whole.\n\n\
         | rule | what it removes |\n|---|---|\n",
    );
    for rule in crate::parse::chrome::RULES {
        let _ = writeln!(o, "| `{}` | {} |", rule.name, cell(rule.reason));
    }
    o.push_str("\n`removed_lines` in each record counts the lines these rules dropped.\n\n");
    if config.dedup.drops() {
        o.push_str(&duplicates_section(config, duplicates));
    }
    o.push_str(
        "### IDs\n\n\
         An article's `id` is `art_` and the first 16 hex digits of `source_sha256`, the \
         SHA-256 of the canonical source text (`id_rule` 1 in the manifest). It is computed \
         from the source, not from what the parser extracted, so it survives an editor \
         re-saving the file and does not change when the parser improves: an ID changes only \
         when the article's text does.\n\n",
    );

    o.push_str("## Fields\n\n| field | type | null? | description |\n|---|---|---|---|\n");
    for f in &fields {
        let _ = writeln!(
            o,
            "| `{}` | {} | {} | {} |",
            f.name,
            type_name(&f.kind),
            if f.nullable { "yes" } else { "no" },
            cell(&f.description)
        );
    }
    o.push('\n');

    o.push_str("## Known limitations and biases\n\n");
    for l in config
        .limitations
        .iter()
        .map(String::as_str)
        .chain(GENERIC_LIMITATIONS.iter().copied())
    {
        let _ = writeln!(o, "- {}", l.trim().replace('\n', " "));
    }
    o.push('\n');

    o.push_str(
        "## Opening the CSV in a spreadsheet\n\n\
         **Formula injection:** a title or body may begin with `=`, `+`, `-` or `@`, which \
         Excel, LibreOffice and Google Sheets treat as the start of a formula when a CSV file \
         is opened directly. The data is published exactly as written and is never altered to \
         defend against this. Import the file as text (Data > From Text/CSV, every column as \
         Text), or use the Parquet file, rather than double-clicking `articles.csv`.\n\n",
    );

    o.push_str(
        "## Loading\n\nRun these in this folder. The Parquet file carries the types; the CSV \
         examples read every column as text and then set the types, because guessing turns \
         titles such as `NA` or `null` into missing values.\n\n",
    );
    let _ = writeln!(
        o,
        "```python\n# client: pandas (Parquet)\nimport pandas as pd\n\narticles = pd.read_parquet(\"{}\")\n```\n",
        crate::release::layout::PARQUET
    );
    let ints: Vec<&str> = fields
        .iter()
        .filter(|f| f.kind == Kind::Integer)
        .map(|f| f.name.as_str())
        .collect();
    let dates: Vec<&str> = fields
        .iter()
        .filter(|f| f.kind == Kind::Date)
        .map(|f| f.name.as_str())
        .collect();
    let int_types = ints
        .iter()
        .map(|n| format!("\"{n}\": \"int64\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut pandas_dates = String::new();
    for d in &dates {
        let _ = writeln!(
            pandas_dates,
            "articles[\"{d}\"] = pd.to_datetime(articles[\"{d}\"], format=\"%Y-%m-%d\").dt.date"
        );
    }
    let _ = writeln!(
        o,
        "```python\n# client: pandas (CSV)\nimport pandas as pd\n\n\
         articles = pd.read_csv(\"{}\", dtype=str, keep_default_na=False, na_values=[\"\"])\n\
         articles = articles.astype({{{int_types}}})\n{pandas_dates}```\n",
        crate::release::layout::CSV
    );
    let _ = writeln!(
        o,
        "```python\n# client: pandas (JSON Lines)\nimport pandas as pd\n\n\
         articles = pd.read_json(\"{}\", lines=True, dtype=False, convert_dates=False)\n{pandas_dates}```\n",
        crate::release::layout::JSONL
    );
    let polars_ints = ints
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let polars_dates = dates
        .iter()
        .map(|d| format!("    pl.col(\"{d}\").str.to_date(\"%Y-%m-%d\"),\n"))
        .collect::<String>();
    let _ = writeln!(
        o,
        "```python\n# client: polars (Parquet)\nimport polars as pl\n\narticles = pl.read_parquet(\"{}\")\n```\n",
        crate::release::layout::PARQUET
    );
    let _ = writeln!(
        o,
        "```python\n# client: polars (CSV)\nimport polars as pl\n\n\
         articles = pl.read_csv(\"{}\", infer_schema=False).with_columns(\n    pl.col({polars_ints}).cast(pl.Int64),\n{polars_dates})\n```\n",
        crate::release::layout::CSV
    );
    let columns = fields
        .iter()
        .map(|f| format!("'{}': '{}'", f.name, duckdb_type(&f.kind)))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        o,
        "```python\n# client: duckdb (Parquet)\nimport duckdb\n\narticles = duckdb.sql(\"SELECT * FROM read_parquet('{}')\")\n```\n",
        crate::release::layout::PARQUET
    );
    let _ = writeln!(
        o,
        "```python\n# client: duckdb (CSV)\nimport duckdb\n\narticles = duckdb.sql(\n    \"SELECT * FROM read_csv_auto('{}', header = true, \"\n    \"columns = {{{columns}}})\"\n)\n```\n",
        crate::release::layout::CSV
    );
    let _ = write!(
        o,
        "```python\n# client: datasets (this folder)\nimport pathlib\n\n\
         from datasets import load_dataset\n\n\
         # The path of this folder (`datasets` names the dataset after it).\n\
         articles = load_dataset(str(pathlib.Path(\".\").resolve()), split=\"train\")\n```\n\n\
         `datasets` caches what it loads; the config name above (dataset, version and a \
         digest of the rows) keeps releases apart. To load by path with no cache at all:\n\n\
         ```python\n# client: datasets (no cache)\nimport pyarrow.parquet as pq\n\
         from datasets import Dataset\n\n\
         articles = Dataset(pq.read_table(\"{}\"))\n```\n\n\
         `datapackage.json` describes the CSV and JSON Lines files for Frictionless \
         (`frictionless validate datapackage.json`), and `croissant.json` describes the \
         release for Croissant-aware tools (`mlcroissant`).\n\n",
        crate::release::layout::PARQUET
    );

    o.push_str("## License\n\n");
    let _ = writeln!(o, "{}\n", license_text(config));

    o.push_str("## How to cite\n\nCite the release by its version. `CITATION.cff` holds the same as this entry:\n\n");
    let _ = writeln!(o, "```bibtex\n{}\n```", bibtex(config, version));
    Ok(o)
}

/// What a keep-one `[dedup]` policy did, in words and figures.
fn duplicates_section(config: &DatasetConfig, duplicates: &[Lineage]) -> String {
    use crate::config::{ExactPolicy, NearPolicy};
    let mut kept: Vec<&str> = duplicates.iter().map(|d| d.kept_file.as_str()).collect();
    kept.sort_unstable();
    kept.dedup();
    let count = |kind: DuplicateKind| duplicates.iter().filter(|d| d.kind == kind).count();
    let exact = match config.dedup.exact {
        ExactPolicy::KeepOne => "one of each group of exact copies is kept",
        ExactPolicy::Refuse => "exact copies are refused (none are in the release)",
    };
    let near = match config.dedup.near {
        NearPolicy::KeepOne => format!(
            "one of each group of near copies (Jaccard similarity of word 5-shingles at least {}) is kept",
            config.limits.near_duplicate_threshold
        ),
        NearPolicy::Warn => "near copies are kept, each with a warning at build time".to_string(),
    };
    format!(
        "### Duplicates\n\n\
         {} records were dropped as duplicates of {} kept ({} with the same source, {} with the \
         same cleaned body, {} near copies); see `{}`, which names each with the record kept \
         in its place. Under this dataset's policy {exact}, and {near}. The record kept is the \
         earliest published, then one with a URL, then the lowest id, then the first file \
         name: never the first one read, so every build keeps the same.\n\n",
        duplicates.len(),
        kept.len(),
        count(DuplicateKind::Source),
        count(DuplicateKind::Text),
        count(DuplicateKind::Near),
        crate::release::layout::DUPLICATES,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_buckets_follow_the_hub() {
        assert_eq!(size_category(5), "n<1K");
        assert_eq!(size_category(1_000), "1K<n<10K");
        assert_eq!(size_category(999_999), "100K<n<1M");
    }

    #[test]
    fn table_cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
