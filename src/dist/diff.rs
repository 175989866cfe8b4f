//! What changed between two releases, and the version bump that change needs.
//!
//! An ID is a content hash, so "changed" is two different things: the same
//! `source_file` now with another ID (the source was edited) and the same ID
//! with other field values (the parser changed). They are reported apart.

use crate::record::{Article, ArticleId, FIELDS};
use crate::release::policy::{schema_breaks, Bump};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

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
}

pub fn diff(old: &[Article], new: &[Article]) -> Diff {
    let old_by_id: BTreeMap<ArticleId, &Article> = old.iter().map(|a| (a.id, a)).collect();
    let new_by_id: BTreeMap<ArticleId, &Article> = new.iter().map(|a| (a.id, a)).collect();
    let new_by_file: BTreeMap<&str, &Article> =
        new.iter().map(|a| (a.source_file.as_str(), a)).collect();

    let mut edited = Vec::new();
    let mut removed = Vec::new();
    let mut edited_new_ids = BTreeSet::new();
    for (id, a) in &old_by_id {
        if new_by_id.contains_key(id) {
            continue;
        }
        match new_by_file.get(a.source_file.as_str()) {
            Some(n) if !old_by_id.contains_key(&n.id) => {
                edited_new_ids.insert(n.id);
                edited.push(Edited {
                    source_file: a.source_file.clone(),
                    old_id: a.id,
                    new_id: n.id,
                });
            }
            _ => removed.push(*id),
        }
    }
    edited.sort_by(|a, b| a.source_file.cmp(&b.source_file));
    let added: Vec<ArticleId> = new_by_id
        .keys()
        .filter(|id| !old_by_id.contains_key(*id) && !edited_new_ids.contains(*id))
        .copied()
        .collect();

    let mut changed = Vec::new();
    let mut unchanged = 0;
    for (id, a) in &old_by_id {
        let Some(b) = new_by_id.get(id) else { continue };
        let (va, vb) = (
            serde_json::to_value(a).unwrap_or_default(),
            serde_json::to_value(b).unwrap_or_default(),
        );
        let fields: Vec<FieldChange> = FIELDS
            .iter()
            .filter(|f| va[**f] != vb[**f])
            .map(|f| FieldChange {
                field: f.to_string(),
                old: va[*f].clone(),
                new: vb[*f].clone(),
            })
            .collect();
        if fields.is_empty() {
            unchanged += 1;
        } else {
            changed.push(Changed { id: *id, fields });
        }
    }
    let summary = DiffSummary {
        added: added.len(),
        removed: removed.len(),
        edited: edited.len(),
        changed: changed.len(),
        unchanged,
    };
    Diff {
        added,
        removed,
        edited,
        changed,
        summary,
    }
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
pub fn markdown(diff: &Diff, old_version: &str, new_version: &str, new: &[Article]) -> String {
    let by_id: BTreeMap<ArticleId, &Article> = new.iter().map(|a| (a.id, a)).collect();
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
            match by_id.get(id) {
                Some(a) => {
                    let _ = writeln!(s, "- `{id}` {}", describe(a));
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
    s
}

fn describe(a: &Article) -> String {
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
