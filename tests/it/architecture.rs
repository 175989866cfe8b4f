//! The shape of `src/`, held by a test so it cannot rot (ARCHITECTURE.md,
//! "Code map"): each folder is one stage, a file imports only its own
//! folder and the folders below it, no two files import each other through
//! any chain, and IDs and digests are never sliced outside the one place
//! that owns them.

use crate::common;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first: the rule, written once. A top-level file
/// (`error.rs`, `config.rs`) is its own layer; `lib.rs` and `main.rs` sit
/// above everything as the crate's front door.
const LAYERS: &[&str] = &[
    "error",
    "fault",
    "spill",
    "config",
    "diagnostic",
    "input",
    "parse",
    "record",
    "check",
    "pipeline",
    "release",
    "dist",
    "cmd",
    "fuzzing",
    "lib",
    "main",
];

/// Files allowed to cut a digest or ID string to a prefix.
const SLICERS: &[&str] = &["input/id.rs", "input/digest.rs"];

/// A file of `src/`, relative and `/`-separated, with the module path that
/// names it (`input/id.rs` -> `input::id`; `parse/mod.rs` -> `parse`).
fn module_of(rel: &str) -> Vec<String> {
    let stem = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = stem.split('/').map(String::from).collect();
    if parts.last().map(String::as_str) == Some("mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] {
        parts.clear();
    }
    parts
}

fn layer_of(rel: &str) -> &str {
    let first = rel.split('/').next().unwrap_or(rel);
    first.trim_end_matches(".rs")
}

/// The code of a file without comments and without its trailing
/// `#[cfg(test)]` module (tests may reach anywhere in their own file).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            // `//` inside a string literal is rare in paths; good enough for
            // `use` lines and path expressions.
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b` and `super::a` path a file names, resolved to the
/// file it lands in: the deepest module of the path that is a file.
fn references(src: &Path, rel: &str, code: &str) -> BTreeSet<String> {
    let files: BTreeSet<String> = rs_files(src).into_iter().collect();
    let file_of = |module: &[String]| -> Option<String> {
        if module.is_empty() {
            return Some("lib.rs".into());
        }
        let joined = module.join("/");
        [format!("{joined}.rs"), format!("{joined}/mod.rs")]
            .into_iter()
            .find(|f| files.contains(f))
    };
    let here = module_of(rel);
    // `super` from `a/b.rs` and from `a/mod.rs` alike is the module above `a/b` or `a`.
    let parent: Vec<String> = here[..here.len().saturating_sub(1)].to_vec();
    // A folder's front file (`mod.rs`, `lib.rs`) names its children by
    // their bare names (`build::run`).
    let mut starts: Vec<(String, Vec<String>)> =
        vec![("crate::".into(), Vec::new()), ("super::".into(), parent)];
    if rel.ends_with("mod.rs") || rel == "lib.rs" {
        for line in code.lines() {
            let line = line
                .trim_start()
                .trim_start_matches("pub ")
                .trim_start_matches("pub(crate) ");
            if let Some(name) = line.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
                starts.push((format!("{name}::"), here.clone()));
            }
        }
    }
    let mut out = BTreeSet::new();
    let bytes = code.as_bytes();
    for (start, prefix) in starts {
        let start = start.as_str();
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0
                && (bytes[at - 1].is_ascii_alphanumeric()
                    || bytes[at - 1] == b'_'
                    || bytes[at - 1] == b':')
            {
                continue;
            }
            let mut module = prefix.clone();
            let mut target = file_of(&module);
            if !matches!(start, "crate::" | "super::") {
                // A bare child name: the child itself is the first segment.
                module.push(start.trim_end_matches("::").to_string());
                target = file_of(&module);
                if target.is_none() {
                    continue;
                }
            }
            let rest = &code[from..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            for seg in path.split("::").filter(|s| !s.is_empty()) {
                module.push(seg.to_string());
                match file_of(&module) {
                    Some(f) => target = Some(f),
                    None => break,
                }
            }
            if let Some(t) = target {
                if t != rel {
                    out.insert(t);
                }
            }
        }
    }
    out
}

fn rs_files(src: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p
                    .strip_prefix(src)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// Every breach of the layering, the cycle rule and the slicing rule in
/// the tree at `src`, one line each.
fn breaches(src: &Path) -> Vec<String> {
    let rank: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, l)| (*l, i)).collect();
    let mut out = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for rel in rs_files(src) {
        let text = fs::read_to_string(src.join(&rel)).unwrap();
        let code = code_of(&text);
        let Some(&mine) = rank.get(layer_of(&rel)) else {
            out.push(format!("{rel}: in no layer; add its folder to LAYERS"));
            continue;
        };
        let refs = references(src, &rel, &code);
        for target in &refs {
            let theirs = rank.get(layer_of(target)).copied().unwrap_or(usize::MAX);
            if theirs > mine && layer_of(target) != "lib" {
                out.push(format!(
                    "{rel}: imports {target}, a layer above its own ({} above {})",
                    layer_of(target),
                    layer_of(&rel)
                ));
            }
        }
        if !SLICERS.contains(&rel.as_str()) {
            for (n, line) in code.lines().enumerate() {
                let sliced_id = line.contains(".id[") || line.contains("id[4..]");
                let sliced_digest = ["[..16]", "[..32]", "[..8]", "[4..]"]
                    .iter()
                    .any(|p| line.contains(p))
                    && (line.contains("sha") || line.contains("hex") || line.contains("id"));
                if sliced_id || sliced_digest {
                    out.push(format!(
                        "{rel}:{}: slices an ID or digest; use ArticleId or input/digest.rs",
                        n + 1
                    ));
                }
            }
        }
        graph.insert(rel, refs);
    }
    // Cycles between files, by depth-first search in sorted order.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
        out: &mut Vec<String>,
    ) {
        state.insert(node, 1);
        stack.push(node);
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let from = stack.iter().position(|n| *n == next).unwrap_or(0);
                    let mut cycle: Vec<&str> = stack[from..].to_vec();
                    cycle.push(next);
                    out.push(format!("import cycle: {}", cycle.join(" -> ")));
                }
                Some(_) => {}
                None => visit(next, graph, state, stack, out),
            }
        }
        stack.pop();
        state.insert(node, 2);
    }
    for node in graph.keys() {
        if !state.contains_key(node.as_str()) {
            let mut stack = Vec::new();
            visit(node, &graph, &mut state, &mut stack, &mut out);
        }
    }
    out
}

#[test]
fn src_is_layered_acyclic_and_slices_no_ids() {
    let found = breaches(&common::repo().join("src"));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// A copy of `src/` with `file` rewritten by `edit`.
fn planted(file: &str, edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    common::copy_dir(&common::repo().join("src"), &src);
    let path = src.join(file);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, edit(&text)).unwrap();
    (tmp, src)
}

#[test]
fn an_upward_import_is_caught() {
    let (_tmp, src) = planted("parse/text.rs", |t| {
        format!("use crate::release::layout::CSV;\n{t}")
    });
    let found = breaches(&src);
    assert!(
        found
            .iter()
            .any(|b| b.starts_with("parse/text.rs: imports release/layout.rs")),
        "{found:?}"
    );
}

#[test]
fn a_cycle_between_files_is_caught() {
    // record/schema.rs already uses record/article.rs; make article use it back.
    let (_tmp, src) = planted("record/article.rs", |t| {
        format!("use super::schema::TEXT as _CYCLE;\n{t}")
    });
    let found = breaches(&src);
    assert!(
        found.iter().any(|b| b.starts_with("import cycle:")
            && b.contains("record/article.rs")
            && b.contains("record/schema.rs")),
        "{found:?}"
    );
}

#[test]
fn slicing_an_id_is_caught() {
    let (_tmp, src) = planted("pipeline/shard.rs", |t| {
        format!("{t}\nfn _bad(a: &str) -> &str {{ &a.source_sha256[..16] }}\n")
    });
    let found = breaches(&src);
    assert!(
        found
            .iter()
            .any(|b| b.starts_with("pipeline/shard.rs:") && b.contains("slices")),
        "{found:?}"
    );
}
