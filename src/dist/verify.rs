//! Checks a release folder on its own: every file listed and intact, nothing
//! unlisted, the three record files agreeing and passing the schema shipped
//! inside the release. Optionally rebuilds it from the seeds and compares.

use super::build;
use super::folder::Dist;
use crate::error::{Error, Result};
use crate::input::digest::hex;
use crate::record::Article;
use crate::release::layout::{Manifest, CSV, JSON, JSONL, MANIFEST, SUMS};
use crate::spill::{self, Sorter};
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
    // Each file is read once, as a stream, whatever its size.
    let mut digests: BTreeMap<String, std::io::Result<(u64, String)>> = BTreeMap::new();
    let mut digest = |name: &str| -> std::result::Result<(u64, String), String> {
        digests
            .entry(name.to_string())
            .or_insert_with(|| hash_file(&dir.join(name)))
            .as_ref()
            .map(|(n, h)| (*n, h.clone()))
            .map_err(|e| e.to_string())
    };

    // manifest.json first: it is the second opinion that tells a wrong
    // file from a wrong line of SHA256SUMS.
    let manifest: Option<Manifest> = match fs::read(dir.join(MANIFEST)) {
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
            match digest(&name) {
                Ok((bytes, sha256)) => {
                    if f.bytes != bytes {
                        problems.push(format!("{name}: size differs from {MANIFEST}"));
                    }
                    if f.sha256 != sha256 {
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
    match fs::read(dir.join(SUMS)) {
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
                    match digest(name) {
                        Ok((_, h)) if h == hash => {}
                        Ok((_, h)) if manifested.get(name) == Some(&h) => {
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
    check_records(dir, manifest.as_ref(), &mut problems)?;
    Ok(problems)
}

/// Size and SHA-256 of a file, read in blocks.
fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, hex(&hasher.finalize())))
}

type Row = std::result::Result<serde_json::Value, String>;

/// The records of one file, one at a time; `None` when the file cannot be
/// opened (the problem is noted).
fn rows(
    dir: &Path,
    name: &str,
    problems: &mut Vec<String>,
) -> Option<Box<dyn Iterator<Item = Row>>> {
    let path = dir.join(name);
    let file = match fs::File::open(&path) {
        Ok(f) => std::io::BufReader::with_capacity(1 << 20, f),
        Err(e) => {
            problems.push(format!("{name}: cannot read: {e}"));
            return None;
        }
    };
    Some(match name {
        JSONL => {
            use std::io::BufRead;
            Box::new(
                file.split(b'\n')
                    .enumerate()
                    .filter(|(_, l)| l.as_ref().map_or(true, |l| !l.is_empty()))
                    .map(|(i, l)| {
                        let l = l.map_err(|e| e.to_string())?;
                        serde_json::from_slice(&l).map_err(|e| format!("line {}: {e}", i + 1))
                    }),
            )
        }
        CSV => {
            let mut reader = csv::Reader::from_reader(file);
            let header: Vec<String> = match reader.headers() {
                Ok(h) => h.iter().map(String::from).collect(),
                Err(e) => return Some(Box::new(std::iter::once(Err(e.to_string())))),
            };
            Box::new(reader.into_deserialize::<Article>().map(move |row| {
                let a = row.map_err(|e| e.to_string())?;
                let mut v = serde_json::to_value(a).map_err(|e| e.to_string())?;
                // A release of an older schema lacks the newer columns; the
                // record type fills them with defaults the JSON lacks too.
                if let serde_json::Value::Object(fields) = &mut v {
                    fields.retain(|k, _| header.iter().any(|h| h == k));
                }
                Ok(v)
            }))
        }
        // A JSON array, parsed element by element on a thread of its own
        // (serde hands out a sequence's elements only to a visitor).
        _ => Box::new(json_array(file)),
    })
}

/// The elements of the JSON array in `reader`, as they are parsed.
fn json_array(reader: impl std::io::Read + Send + 'static) -> impl Iterator<Item = Row> {
    use serde::de::{Deserializer as _, SeqAccess, Visitor};
    struct Elements(std::sync::mpsc::SyncSender<Row>);
    impl<'de> Visitor<'de> for Elements {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
            while let Some(v) = seq.next_element::<serde_json::Value>()? {
                if self.0.send(Ok(v)).is_err() {
                    break; // the reader stopped listening
                }
            }
            Ok(())
        }
    }
    let (tx, rx) = std::sync::mpsc::sync_channel(256);
    std::thread::spawn(move || {
        let mut de = serde_json::Deserializer::from_reader(reader);
        let done = de
            .deserialize_seq(Elements(tx.clone()))
            .and_then(|()| de.end());
        if let Err(e) = done {
            let _ = tx.send(Err(e.to_string()));
        }
    });
    rx.into_iter()
}

/// The three record files, read side by side: one set of records, each
/// valid against the shipped schema, in release order, ids unique. Memory
/// does not grow with the release: ids are checked for uniqueness through
/// the external sort.
fn check_records(
    dir: &Path,
    manifest: Option<&Manifest>,
    problems: &mut Vec<String>,
) -> Result<()> {
    let validator = shipped_schema(dir, problems);
    let mut jsonl = rows(dir, JSONL, problems);
    let others = [JSON, CSV].map(|name| (name, rows(dir, name, problems)));
    let mut others: Vec<_> = others
        .into_iter()
        .filter_map(|(name, r)| r.map(|r| (name, r)))
        .map(|(name, r)| Other {
            name,
            rows: r,
            count: 0,
            differs: Vec::new(),
            failed: None,
        })
        .collect();
    let mut count = 0usize;
    let mut jsonl_failed = false;
    let mut shape_ok = true;
    let mut in_order = true;
    let mut previous = None;
    let mut ids = Sorter::<u64>::new(spill::budget());
    if let Some(lines) = jsonl.as_mut() {
        for row in lines {
            let v = match row {
                Ok(v) => v,
                Err(e) => {
                    problems.push(format!("{JSONL}: {e}"));
                    jsonl_failed = true;
                    break;
                }
            };
            count += 1;
            for o in &mut others {
                o.next(&v);
            }
            if let Some(validator) = &validator {
                for e in validator.iter_errors(&v) {
                    problems.push(format!(
                        "{JSONL}: record {}: {} ({})",
                        v["id"],
                        e,
                        e.instance_path()
                    ));
                }
            }
            match serde_json::from_value::<Article>(v) {
                Ok(a) => {
                    let order = a.order();
                    if previous.is_some_and(|p| p > order) {
                        in_order = false;
                    }
                    previous = Some(order);
                    ids.push(a.id.as_u64())?;
                }
                Err(_) => shape_ok = false,
            }
        }
    }
    if !jsonl_failed && jsonl.is_some() {
        for o in others {
            o.finish(count, problems);
        }
        if manifest.is_some_and(|m| m.record_count != count) {
            problems.push(format!(
                "{MANIFEST}: record_count is not the number of records in {JSONL}"
            ));
        }
        if !shape_ok {
            problems.push(format!("{JSONL}: records do not have the record shape"));
        }
        if !in_order {
            problems.push(format!(
                "{JSONL}: records are not in release order (published, then id)"
            ));
        }
        let mut last = None;
        for id in ids.finish()? {
            let id = id?;
            if last == Some(id) {
                problems.push(format!("{JSONL}: ids are not unique"));
                break;
            }
            last = Some(id);
        }
    } else {
        // Without the JSON Lines file the others still parse, or say why.
        for mut o in others {
            if let Some(e) = o.failed.take() {
                problems.push(format!("{}: {e}", o.name));
                continue;
            }
            for row in o.rows.by_ref() {
                if let Err(e) = row {
                    problems.push(format!("{}: {e}", o.name));
                    break;
                }
            }
        }
    }
    Ok(())
}

/// Another record file compared with `articles.jsonl` record by record.
struct Other {
    name: &'static str,
    rows: Box<dyn Iterator<Item = Row>>,
    count: usize,
    /// Records that differ (reported only when the counts agree: otherwise
    /// every record after a missing one would).
    differs: Vec<String>,
    failed: Option<String>,
}

impl Other {
    fn next(&mut self, jsonl: &serde_json::Value) {
        if self.failed.is_some() {
            return;
        }
        match self.rows.next() {
            None => {}
            Some(Err(e)) => self.failed = Some(e),
            Some(Ok(v)) => {
                self.count += 1;
                if v != *jsonl {
                    self.differs.push(format!(
                        "{}: record {} differs from {JSONL}",
                        self.name, jsonl["id"]
                    ));
                }
            }
        }
    }

    fn finish(mut self, jsonl_count: usize, problems: &mut Vec<String>) {
        if self.failed.is_none() {
            for row in self.rows.by_ref() {
                match row {
                    Ok(_) => self.count += 1,
                    Err(e) => {
                        self.failed = Some(e);
                        break;
                    }
                }
            }
        }
        if let Some(e) = self.failed {
            problems.push(format!("{}: {e}", self.name));
        } else if self.count != jsonl_count {
            problems.push(format!(
                "{}: {} records, but {JSONL} has {jsonl_count}",
                self.name, self.count
            ));
        } else {
            problems.extend(self.differs);
        }
    }
}

fn shipped_schema(dir: &Path, problems: &mut Vec<String>) -> Option<jsonschema::Validator> {
    let Ok(bytes) = fs::read(dir.join(crate::release::layout::SCHEMA)) else {
        problems.push(format!("{}: missing", crate::release::layout::SCHEMA));
        return None;
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
        Err(e) => {
            problems.push(format!(
                "{}: not a usable schema: {e}",
                crate::release::layout::SCHEMA
            ));
            None
        }
        Ok(v) => Some(v),
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
