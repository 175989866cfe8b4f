//! [Article] -> the bytes of every file of `dist/<version>/`, rendered in
//! memory. Pure: the same inputs give the same bytes. [`crate::dist`]
//! publishes them.

use crate::config::DatasetConfig;
use crate::corpus::InputFile;
use crate::diff::Bump;
use crate::error::{Error, Result};
use crate::record::Article;
use crate::schema;
use crate::source::{sha256_hex, ID_RULE};
use serde::Serialize;

pub const CSV: &str = "articles.csv";
pub const JSON: &str = "articles.json";
pub const JSONL: &str = "articles.jsonl";
pub const MANIFEST: &str = "manifest.json";
pub const SUMS: &str = "SHA256SUMS";
pub const CHANGES: &str = "CHANGES.md";

/// How this version relates to the previous release, recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionPolicy {
    /// The highest earlier release in the same folder.
    pub previous_version: Option<String>,
    /// The smallest bump the change needs (none for an initial release).
    pub required_bump: Option<Bump>,
    pub reasons: Vec<String>,
    /// True when `--allow-version-policy` let a too-small bump through.
    pub overridden: bool,
}

/// One file of a release, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    name: &'a str,
    title: &'a str,
    version: &'a str,
    license: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_note: Option<&'a str>,
    builder: Builder,
    id_rule: u32,
    record_count: usize,
    version_policy: &'a VersionPolicy,
    sort_order: &'static str,
    schema_sha256: String,
    sources: Sources,
    files: Vec<FileEntry>,
}

#[derive(Serialize)]
struct Builder {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Sources {
    files: usize,
    bytes: u64,
    /// SHA-256 of the `sha256sum`-format listing of every input file (articles
    /// and dataset.toml), sorted by path: `cd seeds && sha256sum FILES | sha256sum`.
    sha256: String,
}

#[derive(Serialize)]
struct FileEntry {
    path: String,
    bytes: u64,
    sha256: String,
}

/// Renders every file of a release. Pure: the same inputs give the same bytes.
pub fn render(
    config: &DatasetConfig,
    version: &str,
    articles: &[Article],
    inputs: &[InputFile],
    changes: &str,
    policy: &VersionPolicy,
) -> Result<Vec<ReleaseFile>> {
    let mut files = vec![
        ReleaseFile {
            name: CHANGES.into(),
            bytes: changes.as_bytes().to_vec(),
        },
        ReleaseFile {
            name: CSV.into(),
            bytes: csv_bytes(articles)?,
        },
        ReleaseFile {
            name: JSON.into(),
            bytes: json_bytes(articles)?,
        },
        ReleaseFile {
            name: JSONL.into(),
            bytes: jsonl_bytes(articles)?,
        },
        ReleaseFile {
            name: schema::FILE_NAME.into(),
            bytes: schema::TEXT.as_bytes().to_vec(),
        },
    ];
    files.sort_by(|a, b| a.name.cmp(&b.name));

    let mut inputs = inputs.to_vec();
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        name: &config.name,
        title: &config.title,
        version,
        license: &config.license,
        license_note: config.license_note.as_deref(),
        builder: Builder {
            name: env!("CARGO_PKG_NAME"),
            version: crate::BUILDER_VERSION,
        },
        id_rule: ID_RULE,
        record_count: articles.len(),
        version_policy: policy,
        sort_order: "published ascending with nulls last, then id",
        schema_sha256: sha256_hex(schema::TEXT.as_bytes()),
        sources: Sources {
            files: inputs.len(),
            bytes: inputs.iter().map(|i| i.bytes).sum(),
            sha256: sha256_hex(
                sums_listing(inputs.iter().map(|i| (i.sha256.as_str(), i.path.as_str())))
                    .as_bytes(),
            ),
        },
        files: files
            .iter()
            .map(|f| FileEntry {
                path: f.name.clone(),
                bytes: f.bytes.len() as u64,
                sha256: sha256_hex(&f.bytes),
            })
            .collect(),
    };
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    manifest_bytes.push(b'\n');
    files.push(ReleaseFile {
        name: MANIFEST.into(),
        bytes: manifest_bytes,
    });
    files.sort_by(|a, b| a.name.cmp(&b.name));

    let hashes: Vec<(String, &str)> = files
        .iter()
        .map(|f| (sha256_hex(&f.bytes), f.name.as_str()))
        .collect();
    let sums = sums_listing(hashes.iter().map(|(h, n)| (h.as_str(), *n)));
    files.push(ReleaseFile {
        name: SUMS.into(),
        bytes: sums.into_bytes(),
    });
    Ok(files)
}

/// `sha256sum` output format: `<hex>  <path>\n` per file.
fn sums_listing<'a>(entries: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    entries
        .map(|(hash, path)| format!("{hash}  {path}\n"))
        .collect()
}

/// RFC 4180 with LF line ends (polars reads CR-only files as empty and some
/// tools mishandle CRLF inside quoted fields); null is an empty cell, which is
/// unambiguous because every string field is non-empty when present.
pub fn csv_bytes(articles: &[Article]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    if articles.is_empty() {
        w.write_record(crate::record::FIELDS)?;
    }
    for a in articles {
        w.serialize(a)?;
    }
    w.into_inner()
        .map_err(|e| Error::Csv(e.into_error().into()))
}

fn json_bytes(articles: &[Article]) -> Result<Vec<u8>> {
    let mut v = serde_json::to_vec_pretty(articles)?;
    v.push(b'\n');
    Ok(v)
}

fn jsonl_bytes(articles: &[Article]) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    for a in articles {
        serde_json::to_writer(&mut v, a)?;
        v.push(b'\n');
    }
    Ok(v)
}
