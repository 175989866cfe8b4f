//! The version policy: how big a version step a change between two
//! releases needs, and what the manifest records of it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;

/// The smallest version bump a change needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

impl std::fmt::Display for Bump {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// The bump from `old` to `new` (`None` when `new` is not greater).
pub fn bump_between(old: &semver::Version, new: &semver::Version) -> Option<Bump> {
    if new <= old {
        None
    } else if new.major > old.major {
        Some(Bump::Major)
    } else if new.minor > old.minor {
        Some(Bump::Minor)
    } else {
        Some(Bump::Patch)
    }
}

/// How this version relates to the previous release, recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionPolicy {
    /// The highest earlier release in the same folder.
    pub previous_version: Option<String>,
    /// The smallest bump the change needs (none for an initial release).
    pub required_bump: Option<Bump>,
    pub reasons: Vec<String>,
    /// True when `--allow-version-policy` let a too-small bump through.
    pub overridden: bool,
}

/// Incompatible changes between two record schemas: a field removed or
/// renamed, retyped, or a new required field.
pub fn schema_breaks(old: &Value, new: &Value) -> Vec<String> {
    let props = |s: &Value| s["properties"].as_object().cloned().unwrap_or_default();
    let required = |s: &Value| -> BTreeSet<String> {
        s["required"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old_props, new_props) = (props(old), props(new));
    let old_required = required(old);
    let mut out = Vec::new();
    for (name, old_def) in &old_props {
        match new_props.get(name) {
            None => out.push(format!("schema field `{name}` removed or renamed")),
            Some(new_def) => {
                let kind = |d: &Value| {
                    (
                        d.get("type").cloned(),
                        d.get("enum").cloned(),
                        d.get("format").cloned(),
                    )
                };
                if kind(old_def) != kind(new_def) {
                    out.push(format!("schema field `{name}` changed type"));
                }
            }
        }
    }
    for name in required(new).difference(&old_required) {
        out.push(format!("schema field `{name}` is newly required"));
    }
    out
}
