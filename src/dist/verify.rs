//! Checks a release folder on its own: every file listed and intact, nothing
//! unlisted, the three record files agreeing and passing the schema shipped
//! inside the release. Optionally rebuilds it from the seeds and compares.

use super::build;
use super::folder::Dist;
use crate::error::{Error, Result};
use crate::input::digest::sha256_hex;
use crate::record::{Article, ArticleId};
use crate::release::layout::{Manifest, CSV, JSON, JSONL, MANIFEST, SUMS};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Every problem found, each naming its file; empty when the release is intact.
pub fn verify(dir: &Path) -> Result<Vec<String>> {
    // Without a manifest every file would be "not listed": one line says it.
    if dir.is_dir() && !dir.join(MANIFEST).exists() {
        return Err(Error::NotARelease {
            path: dir.to_path_buf(),
        });
    }
    let mut problems = Vec::new();
    let mut present: BTreeSet<String> = BTreeSet::new();
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry
            .file_type()
            .map_err(|e| Error::io(entry.path(), e))?
            .is_file()
        {
            problems.push(format!("{name}: not a regular file"));
        }
        present.insert(name);
    }
    let read = |name: &str| fs::read(dir.join(name));

    // manifest.json first: it is the second opinion that tells a wrong
    // file from a wrong line of SHA256SUMS.
    let manifest: Option<Manifest> = match read(MANIFEST) {
        Err(e) => {
            problems.push(format!("{MANIFEST}: cannot read: {e}"));
            None
        }
        Ok(b) => match Manifest::from_bytes(&dir.join(MANIFEST), &b) {
            Ok(m) => Some(m),
            Err(e) => {
                problems.push(format!("{MANIFEST}: not a manifest: {e}"));
                None
            }
        },
    };
    let mut manifested: BTreeMap<String, String> = BTreeMap::new();
    if let Some(m) = &manifest {
        for f in &m.files {
            let name = f.path.clone();
            match read(&name) {
                Ok(b) => {
                    if f.bytes != b.len() as u64 {
                        problems.push(format!("{name}: size differs from {MANIFEST}"));
                    }
                    if f.sha256 != sha256_hex(&b) {
                        problems.push(format!("{name}: sha256 differs from {MANIFEST}"));
                    }
                }
                Err(_) => problems.push(format!("{MANIFEST}: lists `{name}`, which is missing")),
            }
            manifested.insert(name, f.sha256.clone());
        }
    }

    // SHA256SUMS: every line names a present file with that digest.
    let mut summed = BTreeSet::new();
    match read(SUMS) {
        Err(e) => problems.push(format!("{SUMS}: cannot read: {e}")),
        Ok(bytes) => match String::from_utf8(bytes) {
            Err(_) => problems.push(format!("{SUMS}: not UTF-8")),
            Ok(text) => {
                for (i, line) in text.lines().enumerate() {
                    let Some((hash, name)) = line.split_once("  ") else {
                        problems.push(format!("{SUMS}: line {} is not `HASH  NAME`", i + 1));
                        continue;
                    };
                    summed.insert(name.to_string());
                    match read(name) {
                        Ok(b) if sha256_hex(&b) == hash => {}
                        Ok(b) if manifested.get(name).map(String::as_str) == Some(sha256_hex(&b).as_str()) => {
                            problems.push(format!("{SUMS}: the digest listed for {name} is wrong (the file matches {MANIFEST})"))
                        }
                        // manifest.json has no second opinion: either file may be the changed one.
                        Ok(_) if name == MANIFEST => problems.push(format!(
                            "{MANIFEST}: sha256 differs from {SUMS} (one of the two was changed)"
                        )),
                        Ok(_) => problems.push(format!("{name}: sha256 differs from {SUMS}")),
                        Err(_) => problems.push(format!("{SUMS}: lists `{name}`, which is missing")),
                    }
                }
            }
        },
    }
    for name in &present {
        if name != SUMS && !summed.contains(name) {
            problems.push(format!("{name}: not listed in {SUMS}"));
        }
        if manifest.is_some() && name != SUMS && name != MANIFEST && !manifested.contains_key(name)
        {
            problems.push(format!("{name}: not listed in {MANIFEST}"));
        }
    }

    // The records: three files, one set of records, each valid.
    let jsonl = read_records(dir, JSONL, &mut problems, |b| {
        let mut out = Vec::new();
        for (i, line) in b.split(|&c| c == b'\n').enumerate() {
            if !line.is_empty() {
                let v: serde_json::Value =
                    serde_json::from_slice(line).map_err(|e| format!("line {}: {e}", i + 1))?;
                out.push(v);
            }
        }
        Ok(out)
    });
    let json = read_records(dir, JSON, &mut problems, |b| {
        serde_json::from_slice(b).map_err(|e| e.to_string())
    });
    let csv = read_records(dir, CSV, &mut problems, |b| {
        let mut reader = csv::Reader::from_reader(b);
        let mut out = Vec::new();
        for row in reader.deserialize::<Article>() {
            let a = row.map_err(|e| e.to_string())?;
            out.push(serde_json::to_value(a).map_err(|e| e.to_string())?);
        }
        Ok(out)
    });
    if let (Some(l), Some(j)) = (&jsonl, &json) {
        compare_records(JSONL, l, JSON, j, &mut problems);
    }
    if let (Some(l), Some(c)) = (&jsonl, &csv) {
        compare_records(JSONL, l, CSV, c, &mut problems);
    }
    if let (Some(m), Some(l)) = (&manifest, &jsonl) {
        if m.record_count != l.len() {
            problems.push(format!(
                "{MANIFEST}: record_count is not the number of records in {JSONL}"
            ));
        }
    }
    if let Some(records) = &jsonl {
        check_against_shipped_schema(dir, records, &mut problems);
        let typed: Vec<Article> = records
            .iter()
            .filter_map(|v| serde_json::from_value(v.clone()).ok())
            .collect();
        if typed.len() != records.len() {
            problems.push(format!("{JSONL}: records do not have the record shape"));
        }
        let mut sorted = typed.clone();
        sorted.sort_by_key(Article::order);
        if sorted != typed {
            problems.push(format!(
                "{JSONL}: records are not in release order (published, then id)"
            ));
        }
        let ids: BTreeSet<ArticleId> = typed.iter().map(|a| a.id).collect();
        if ids.len() != typed.len() {
            problems.push(format!("{JSONL}: ids are not unique"));
        }
    }
    Ok(problems)
}

fn read_records(
    dir: &Path,
    name: &str,
    problems: &mut Vec<String>,
    parse: impl Fn(&[u8]) -> std::result::Result<Vec<serde_json::Value>, String>,
) -> Option<Vec<serde_json::Value>> {
    match fs::read(dir.join(name)) {
        Err(e) => {
            problems.push(format!("{name}: cannot read: {e}"));
            None
        }
        Ok(b) => match parse(&b) {
            Ok(v) => Some(v),
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                None
            }
        },
    }
}

fn compare_records(
    a_name: &str,
    a: &[serde_json::Value],
    b_name: &str,
    b: &[serde_json::Value],
    problems: &mut Vec<String>,
) {
    if a.len() != b.len() {
        problems.push(format!(
            "{b_name}: {} records, but {a_name} has {}",
            b.len(),
            a.len()
        ));
        return;
    }
    for (x, y) in a.iter().zip(b) {
        if x != y {
            problems.push(format!(
                "{b_name}: record {} differs from {a_name}",
                x["id"]
            ));
        }
    }
}

fn check_against_shipped_schema(
    dir: &Path,
    records: &[serde_json::Value],
    problems: &mut Vec<String>,
) {
    let Ok(bytes) = fs::read(dir.join(crate::release::layout::SCHEMA)) else {
        problems.push(format!("{}: missing", crate::release::layout::SCHEMA));
        return;
    };
    let validator = serde_json::from_slice::<serde_json::Value>(&bytes)
        .map_err(|e| e.to_string())
        .and_then(|s| {
            jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&s)
                .map_err(|e| e.to_string())
        });
    match validator {
        Err(e) => problems.push(format!(
            "{}: not a usable schema: {e}",
            crate::release::layout::SCHEMA
        )),
        Ok(v) => {
            for r in records {
                for e in v.iter_errors(r) {
                    problems.push(format!(
                        "{JSONL}: record {}: {} ({})",
                        r["id"],
                        e,
                        e.instance_path()
                    ));
                }
            }
        }
    }
}

/// Rebuilds the release from `seeds` as it would be built into the folder
/// that holds it, and lists every file whose bytes differ.
pub fn rebuild(dir: &Path, seeds: &Path) -> Result<Vec<String>> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let version = build::parse_version(&name)?;
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let inputs = crate::pipeline::inputs::load(seeds, &|_, _| {})?;
    let errors = inputs.corpus.error_count();
    if errors > 0 {
        return Ok(vec![format!(
            "the seeds in {} have {errors} validation error(s); run `newscorpus validate`",
            seeds.display()
        )]);
    }
    let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    build::stage(&inputs, &Dist::new(parent), &version, true, tmp.path())?;
    let mut problems = Vec::new();
    if let Err(Error::ReleaseDiffers { files, .. }) =
        crate::dist::folder::compare_dirs(tmp.path(), dir)
    {
        for f in files.split(", ") {
            problems.push(format!(
                "{f}: differs from a rebuild of {}",
                seeds.display()
            ));
        }
    }
    Ok(problems)
}
