//! What changed between two releases, and the version bump that change needs.
//!
//! An ID is a content hash, so "changed" is two different things: the same
//! `source_file` now with another ID (the source was edited) and the same ID
//! with other field values (the parser changed). They are reported apart.

use crate::error::{Error, Result};
use crate::input::digest::sha256_u128;
use crate::record::store::Store;
use crate::record::{Article, ArticleId, FIELDS};
use crate::release::layout::Records;
use crate::release::policy::{schema_breaks, Bump};
use crate::spill::{self, Row, Sorter};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edited {
    pub source_file: String,
    pub old_id: ArticleId,
    pub new_id: ArticleId,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub id: ArticleId,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DiffSummary {
    pub added: usize,
    pub removed: usize,
    pub edited: usize,
    pub changed: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub added: Vec<ArticleId>,
    pub removed: Vec<ArticleId>,
    pub edited: Vec<Edited>,
    pub changed: Vec<Changed>,
    pub summary: DiffSummary,
    /// Files that moved between released and left out as duplicates (by
    /// the two releases' `duplicates.csv`); set by [`Diff::with_duplicates`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duplicates: Vec<DuplicateMove>,
}

/// A file the duplicate policy treats otherwise than in the old release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateMove {
    pub source_file: String,
    /// `dropped`: left out now, released before; `released`: left out
    /// before, not now.
    pub now: &'static str,
    /// The record kept in its place (for `dropped`) or before (`released`).
    pub kept_file: String,
    /// `source`, `text` or `near`.
    pub kind: String,
}

/// A `duplicates.csv` row as the diff reads it: (dropped file, kept file, kind).
pub type DuplicateRow = (String, String, String);

/// The rows of `dir/duplicates.csv`; none when the release has no such file.
pub fn read_duplicates(dir: &Path) -> Result<Vec<DuplicateRow>> {
    let path = dir.join(crate::release::layout::DUPLICATES);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(crate::error::Error::io(&path, e)),
    };
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let bad = |message: String| crate::error::Error::ReleaseFile {
        path: path.clone(),
        message,
    };
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad(format!("row {}: {e}", n + 2)))?;
        match (record.get(2), record.get(4), record.get(5)) {
            (Some(kind), Some(dropped), Some(kept)) => {
                rows.push((dropped.to_string(), kept.to_string(), kind.to_string()))
            }
            _ => return Err(bad(format!("row {}: fewer than six columns", n + 2))),
        }
    }
    Ok(rows)
}

impl Diff {
    /// Adds the files that moved between released and left out, from the
    /// old and new releases' duplicate rows.
    pub fn with_duplicates(mut self, old: &[DuplicateRow], new: &[DuplicateRow]) -> Diff {
        // The rows of `side` whose file the `other` side does not leave out.
        let only = |side: &[DuplicateRow], other: &[DuplicateRow], now: &'static str| {
            let others: BTreeSet<&str> = other.iter().map(|r| r.0.as_str()).collect();
            side.iter()
                .filter(|r| !others.contains(r.0.as_str()))
                .map(|r| DuplicateMove {
                    source_file: r.0.clone(),
                    now,
                    kept_file: r.1.clone(),
                    kind: r.2.clone(),
                })
                .collect::<Vec<_>>()
        };
        let mut moves = only(new, old, "dropped");
        moves.extend(only(old, new, "released"));
        moves.sort_by(|a, b| a.source_file.cmp(&b.source_file));
        self.duplicates = moves;
        self
    }
}

/// One side of a diff: where its records are read from, as often as the
/// diff needs (twice), one at a time.
pub enum Side<'a> {
    /// A release folder (its `articles.jsonl`).
    Release(&'a Path),
    /// Records being built, in their spill store.
    Store(&'a Store),
    #[cfg(test)]
    Slice(&'a [Article]),
}

type Articles<'a> = Box<dyn Iterator<Item = Result<Article>> + 'a>;

impl Side<'_> {
    fn records(&self) -> Result<Articles<'_>> {
        Ok(match self {
            Side::Release(dir) => Box::new(Records::open(dir)?),
            Side::Store(store) => Box::new(store.iter()),
            #[cfg(test)]
            Side::Slice(articles) => Box::new(articles.iter().cloned().map(Ok)),
        })
    }
}

/// What the diff keeps of every record: its id, a digest of all its field
/// values and a digest of its file name (40 bytes, sorted by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct ById {
    id: u64,
    record: u128,
    file: u128,
}

impl Row for ById {
    const SIZE: usize = 40;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.id.to_be_bytes());
        out.extend_from_slice(&self.record.to_be_bytes());
        out.extend_from_slice(&self.file.to_be_bytes());
    }
    fn get(b: &[u8]) -> Self {
        let (id, rest) = b.split_at(8);
        let (record, file) = rest.split_at(16);
        ById {
            id: u64::from_be_bytes(id.try_into().unwrap_or_default()),
            record: u128::from_be_bytes(record.try_into().unwrap_or_default()),
            file: u128::from_be_bytes(file.try_into().unwrap_or_default()),
        }
    }
}

/// A record on one side only, sorted by file name digest: an edit when the
/// other side has the same file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct ByFile {
    file: u128,
    id: u64,
}

impl Row for ByFile {
    const SIZE: usize = 24;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.file.to_be_bytes());
        out.extend_from_slice(&self.id.to_be_bytes());
    }
    fn get(b: &[u8]) -> Self {
        let (file, id) = b.split_at(16);
        ByFile {
            file: u128::from_be_bytes(file.try_into().unwrap_or_default()),
            id: u64::from_be_bytes(id.try_into().unwrap_or_default()),
        }
    }
}

fn serialized(a: &Article) -> Result<Vec<u8>> {
    serde_json::to_vec(a).map_err(|e| Error::Schema(format!("record {}: {e}", a.id)))
}

/// The keys of a side, sorted by id within `budget` bytes.
fn keys(side: &Side, budget: usize) -> Result<Box<dyn Iterator<Item = Result<ById>>>> {
    let mut sorter = Sorter::new(budget);
    for a in side.records()? {
        let a = a?;
        sorter.push(ById {
            id: a.id.as_u64(),
            record: sha256_u128(&serialized(&a)?),
            file: sha256_u128(a.source_file.as_bytes()),
        })?;
    }
    sorter.finish()
}

fn next<T>(it: &mut dyn Iterator<Item = Result<T>>) -> Result<Option<T>> {
    it.next().transpose()
}

/// What changed from `old` to `new`, in memory bounded by the sort budget
/// (`NEWSCORPUS_SORT_BUFFER`) plus what the change itself names: both sides
/// are reduced to sorted compact keys and merge-joined by id, the records
/// on one side only joined again by file name, and only the records that
/// differ are read again for detail. With `values`, a changed record's old
/// and new field values are kept (for `diff`); without, only the names of
/// the fields that changed (what `CHANGES.md` prints), from per-field
/// digests. Also returns how each added record is described.
pub fn diff_sides(
    old: &Side,
    new: &Side,
    values: bool,
) -> Result<(Diff, BTreeMap<ArticleId, String>)> {
    // Two id sorts run one after the other; then two file sorts side by side.
    let budget = spill::budget();
    let mut old_keys = keys(old, budget)?;
    let mut new_keys = keys(new, budget)?;
    let mut old_only = Sorter::<ByFile>::new(budget / 2);
    let mut new_only = Sorter::<ByFile>::new(budget / 2);
    let mut changed_ids = BTreeSet::new();
    let mut unchanged = 0;
    let (mut o, mut n) = (next(&mut old_keys)?, next(&mut new_keys)?);
    loop {
        match (o, n) {
            (None, None) => break,
            (Some(a), Some(b)) if a.id == b.id => {
                if a.record == b.record {
                    unchanged += 1;
                } else {
                    changed_ids.insert(a.id);
                }
                (o, n) = (next(&mut old_keys)?, next(&mut new_keys)?);
            }
            (Some(a), b) if b.is_none_or(|b| a.id < b.id) => {
                old_only.push(ByFile {
                    file: a.file,
                    id: a.id,
                })?;
                o = next(&mut old_keys)?;
            }
            (_, Some(b)) => {
                new_only.push(ByFile {
                    file: b.file,
                    id: b.id,
                })?;
                n = next(&mut new_keys)?;
            }
            (Some(_), None) => unreachable!("covered above"),
        }
    }
    drop((old_keys, new_keys));

    // Same file, an id on each side only: the source was edited.
    let (mut old_only, mut new_only) = (old_only.finish()?, new_only.finish()?);
    let (mut removed, mut added, mut edited_pairs) = (Vec::new(), Vec::new(), Vec::new());
    let (mut o, mut n) = (next(&mut old_only)?, next(&mut new_only)?);
    loop {
        match (o, n) {
            (None, None) => break,
            (Some(a), Some(b)) if a.file == b.file => {
                edited_pairs.push((a.id, b.id));
                (o, n) = (next(&mut old_only)?, next(&mut new_only)?);
            }
            (Some(a), b) if b.is_none_or(|b| a.file < b.file) => {
                removed.push(a.id);
                o = next(&mut old_only)?;
            }
            (_, Some(b)) => {
                added.push(b.id);
                n = next(&mut new_only)?;
            }
            (Some(_), None) => unreachable!("covered above"),
        }
    }
    removed.sort_unstable();
    added.sort_unstable();

    // Read again only what differs.
    let edited_old: BTreeMap<u64, u64> = edited_pairs.iter().copied().collect();
    let added_set: BTreeSet<u64> = added.iter().copied().collect();
    let mut before: BTreeMap<u64, Vec<(&'static str, Value)>> = BTreeMap::new();
    let mut edited = Vec::new();
    for a in old.records()? {
        let a = a?;
        let id = a.id.as_u64();
        if let Some(&new_id) = edited_old.get(&id) {
            edited.push(Edited {
                source_file: a.source_file.clone(),
                old_id: a.id,
                new_id: ArticleId::from_u64(new_id),
            });
        }
        if changed_ids.contains(&id) {
            before.insert(id, fields(&a, values)?);
        }
    }
    edited.sort_by(|a, b| a.source_file.cmp(&b.source_file));
    let mut described = BTreeMap::new();
    let mut changed = Vec::new();
    for b in new.records()? {
        let b = b?;
        let id = b.id.as_u64();
        if added_set.contains(&id) {
            described.insert(b.id, describe(&b));
        }
        let Some(old_fields) = before.remove(&id) else {
            continue;
        };
        let new_fields = fields(&b, values)?;
        let fields: Vec<FieldChange> = old_fields
            .into_iter()
            .zip(new_fields)
            .filter(|((_, va), (_, vb))| va != vb)
            .map(|((f, va), (_, vb))| FieldChange {
                field: f.to_string(),
                old: if values { va } else { Value::Null },
                new: if values { vb } else { Value::Null },
            })
            .collect();
        changed.push(Changed { id: b.id, fields });
    }
    changed.sort_by_key(|c| c.id);
    let summary = DiffSummary {
        added: added.len(),
        removed: removed.len(),
        edited: edited.len(),
        changed: changed.len(),
        unchanged,
    };
    let ids = |v: Vec<u64>| v.into_iter().map(ArticleId::from_u64).collect();
    Ok((
        Diff {
            added: ids(added),
            removed: ids(removed),
            edited,
            changed,
            summary,
            duplicates: Vec::new(),
        },
        described,
    ))
}

/// Each field of a record: its value, or (without `values`) a digest of it.
fn fields(a: &Article, values: bool) -> Result<Vec<(&'static str, Value)>> {
    let v = serde_json::to_value(a).map_err(|e| Error::Schema(format!("record {}: {e}", a.id)))?;
    Ok(FIELDS
        .iter()
        .map(|f| {
            let value = if values {
                v[*f].clone()
            } else {
                Value::from(format!(
                    "{:032x}",
                    sha256_u128(v[*f].to_string().as_bytes())
                ))
            };
            (*f, value)
        })
        .collect())
}

/// What changed from `old` to `new`, with field values: for records in memory.
#[cfg(test)]
pub fn diff(old: &[Article], new: &[Article]) -> Diff {
    diff_sides(&Side::Slice(old), &Side::Slice(new), true)
        .map(|(d, _)| d)
        .expect("records in memory serialise, and the sorter's files are not needed")
}

/// The bump the change from the old release to the new needs, with reasons.
///
/// Removing a record, or editing a source (its old ID disappears, so a
/// citation of it breaks), or an incompatible schema change needs a major
/// bump; adding records a minor; anything else (the parser improving the
/// fields of an unchanged ID) a patch.
pub fn required_bump(diff: &Diff, old_schema: &Value, new_schema: &Value) -> (Bump, Vec<String>) {
    let mut reasons = Vec::new();
    let mut bump = Bump::Patch;
    let mut need = |b: Bump, why: String| {
        bump = bump.max(b);
        reasons.push(format!("{b}: {why}"));
    };
    if diff.summary.removed > 0 {
        need(
            Bump::Major,
            format!("{} record(s) removed", diff.summary.removed),
        );
    }
    if diff.summary.edited > 0 {
        need(
            Bump::Major,
            format!(
                "{} source(s) edited, so their old IDs are gone",
                diff.summary.edited
            ),
        );
    }
    for why in schema_breaks(old_schema, new_schema) {
        need(Bump::Major, why);
    }
    if diff.summary.added > 0 {
        need(
            Bump::Minor,
            format!("{} record(s) added", diff.summary.added),
        );
    }
    (bump, reasons)
}

/// Markdown, for `CHANGES.md` and `diff --format markdown`.
/// `described`: how each added record is told (see [`describe`]).
pub fn markdown(
    diff: &Diff,
    old_version: &str,
    new_version: &str,
    described: &BTreeMap<ArticleId, String>,
) -> String {
    let mut s = format!("# Changes in {new_version} (since {old_version})\n\n");
    let d = &diff.summary;
    let _ = writeln!(
        s,
        "{} added, {} removed, {} edited, {} changed, {} unchanged.",
        d.added, d.removed, d.edited, d.changed, d.unchanged
    );
    if !diff.added.is_empty() {
        s.push_str("\n## Added\n\n");
        for id in &diff.added {
            match described.get(id) {
                Some(d) => {
                    let _ = writeln!(s, "- `{id}` {d}");
                }
                None => {
                    let _ = writeln!(s, "- `{id}`");
                }
            }
        }
    }
    if !diff.removed.is_empty() {
        s.push_str("\n## Removed\n\n");
        for id in &diff.removed {
            let _ = writeln!(s, "- `{id}`");
        }
    }
    if !diff.edited.is_empty() {
        s.push_str("\n## Edited (the source changed, so the ID did)\n\n");
        for e in &diff.edited {
            let _ = writeln!(s, "- `{}`: `{}` → `{}`", e.source_file, e.old_id, e.new_id);
        }
    }
    if !diff.changed.is_empty() {
        s.push_str("\n## Changed (same ID, other field values)\n\n");
        for c in &diff.changed {
            let fields: Vec<String> = c.fields.iter().map(|f| format!("`{}`", f.field)).collect();
            let _ = writeln!(s, "- `{}`: {}", c.id, fields.join(", "));
        }
    }
    if !diff.duplicates.is_empty() {
        s.push_str("\n## Duplicates (left out of the release, or back in it)\n\n");
        for m in &diff.duplicates {
            let _ = match m.now {
                "dropped" => writeln!(
                    s,
                    "- `{}`: now left out, a {} copy of `{}`",
                    m.source_file, m.kind, m.kept_file
                ),
                _ => writeln!(
                    s,
                    "- `{}`: no longer left out as a {} copy of `{}`",
                    m.source_file, m.kind, m.kept_file
                ),
            };
        }
    }
    s
}

/// An added record as CHANGES.md tells it: file, title and date.
pub fn describe(a: &Article) -> String {
    let mut s = format!("`{}`", a.source_file);
    if let Some(t) = &a.title {
        let _ = write!(s, " “{t}”");
    }
    if let Some(p) = &a.published {
        let _ = write!(s, " ({p})");
    }
    s
}

/// Plain text for people, with field-level detail.
pub fn text(diff: &Diff) -> String {
    let mut s = String::new();
    for id in &diff.added {
        let _ = writeln!(s, "added    {id}");
    }
    for id in &diff.removed {
        let _ = writeln!(s, "removed  {id}");
    }
    for e in &diff.edited {
        let _ = writeln!(s, "edited   {} {} -> {}", e.source_file, e.old_id, e.new_id);
    }
    for c in &diff.changed {
        let _ = writeln!(s, "changed  {}", c.id);
        for f in &c.fields {
            let _ = writeln!(
                s,
                "           {}: {} -> {}",
                f.field,
                short(&f.old),
                short(&f.new)
            );
        }
    }
    for m in &diff.duplicates {
        let _ = writeln!(
            s,
            "{:8} {} ({} copy of {})",
            if m.now == "dropped" {
                "left out"
            } else {
                "back in"
            },
            m.source_file,
            m.kind,
            m.kept_file
        );
    }
    let d = &diff.summary;
    let _ = writeln!(
        s,
        "{} added, {} removed, {} edited, {} changed, {} unchanged",
        d.added, d.removed, d.edited, d.changed, d.unchanged
    );
    s
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::DateSourceField;
    use crate::release::policy::bump_between;
    use serde_json::json;

    fn a(id: u64, file: &str, title: &str) -> Article {
        Article {
            id: ArticleId::from_u64(id),
            published: None,
            published_time: None,
            timezone: None,
            date_source: DateSourceField::None,
            title: Some(title.into()),
            url: None,
            outlet: None,
            language: None,
            language_source: crate::record::LanguageSourceField::None,
            body: "b".into(),
            word_count: 1,
            source_file: file.into(),
            source_sha256: "0".repeat(64),
            text_sha256: "0".repeat(64),
            removed_lines: 0,
        }
    }

    #[test]
    fn added_removed_edited_changed_are_told_apart() {
        let old = [
            a(1, "1.txt", "t"),
            a(2, "2.txt", "t"),
            a(3, "3.txt", "t"),
            a(4, "4.txt", "t"),
        ];
        let new = [
            a(1, "1.txt", "t"),
            a(0x3b, "3.txt", "t"),
            a(4, "4.txt", "new title"),
            a(5, "5.txt", "t"),
        ];
        let d = diff(&old, &new);
        assert_eq!(d.added, [ArticleId::from_u64(5)]);
        assert_eq!(d.removed, [ArticleId::from_u64(2)]);
        assert_eq!(
            d.edited,
            [Edited {
                source_file: "3.txt".into(),
                old_id: ArticleId::from_u64(3),
                new_id: ArticleId::from_u64(0x3b)
            }]
        );
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].id, ArticleId::from_u64(4));
        assert_eq!(d.changed[0].fields[0].field, "title");
        assert_eq!(d.changed[0].fields[0].new, json!("new title"));
        assert_eq!(d.summary.unchanged, 1);
        let (bump, reasons) = required_bump(&d, &json!({}), &json!({}));
        assert_eq!(bump, Bump::Major);
        assert_eq!(reasons.len(), 3, "{reasons:?}");
    }

    #[test]
    fn bumps() {
        let v = |s: &str| semver::Version::parse(s).unwrap();
        assert_eq!(bump_between(&v("1.0.0"), &v("2.0.0")), Some(Bump::Major));
        assert_eq!(bump_between(&v("1.0.0"), &v("1.1.0")), Some(Bump::Minor));
        assert_eq!(bump_between(&v("1.0.0"), &v("1.0.1")), Some(Bump::Patch));
        assert_eq!(bump_between(&v("1.1.0"), &v("1.0.9")), None);
        let only_added = diff(&[], &[a(1, "1.txt", "t")]);
        assert_eq!(
            required_bump(&only_added, &json!({}), &json!({})).0,
            Bump::Minor
        );
        let nothing = diff(&[a(1, "1.txt", "t")], &[a(1, "1.txt", "u")]);
        assert_eq!(
            required_bump(&nothing, &json!({}), &json!({})).0,
            Bump::Patch
        );
    }

    #[test]
    fn incompatible_schema_changes() {
        let old = json!({"required": ["a", "b"], "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}});
        assert!(schema_breaks(&old, &old).is_empty());
        let desc_only = json!({"required": ["a", "b"], "properties": {"a": {"type": "string", "description": "x"}, "b": {"type": "integer"}}});
        assert!(schema_breaks(&old, &desc_only).is_empty());
        let changed = json!({"required": ["a", "c"], "properties": {"a": {"type": ["string", "null"]}, "c": {"type": "integer"}}});
        let breaks = schema_breaks(&old, &changed);
        assert_eq!(
            breaks,
            [
                "schema field `a` changed type",
                "schema field `b` removed or renamed",
                "schema field `c` is newly required"
            ]
        );
    }
}
