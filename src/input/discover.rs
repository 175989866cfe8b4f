//! The seeds folder -> a sorted list of article files. Nothing is followed
//! out of the tree and nothing is skipped silently: every entry that is not
//! an article gets a diagnostic saying why it was left out.

use crate::config::{self, Limits};
use crate::diagnostic::{Diagnostic, Rule};
use crate::error::{Error, Result};
use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

/// One article file. Every file's entry is kept for the whole run, so what
/// the files of a folder share sits behind one pointer: 24 bytes and the
/// name a file (a root and a display name of its own took 64 and more).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path relative to the origin's root, `/`-separated (the record's `source_file`).
    pub rel: Box<str>,
    pub origin: Arc<Origin>,
}

/// What every entry found in one folder shares.
#[derive(Debug, PartialEq, Eq)]
pub struct Origin {
    /// The folder `rel` is relative to.
    pub root: PathBuf,
    /// How findings name the file.
    pub shown_as: Shown,
}

/// How findings name a file: as `rel`, under a folder (`folder/rel`), or
/// as the user gave it.
#[derive(Debug, PartialEq, Eq)]
pub enum Shown {
    Rel,
    Under(String),
    As(String),
}

impl Entry {
    pub fn path(&self) -> PathBuf {
        self.origin.root.join(&*self.rel)
    }

    pub fn shown(&self) -> std::borrow::Cow<'_, str> {
        match &self.origin.shown_as {
            Shown::Rel => (*self.rel).into(),
            Shown::Under(folder) => format!("{folder}/{}", self.rel).into(),
            Shown::As(path) => path.as_str().into(),
        }
    }

    /// Orders entries as their shown names would sort, without building them.
    pub fn cmp_shown(&self, other: &Entry) -> std::cmp::Ordering {
        fn bytes(e: &Entry) -> impl Iterator<Item = u8> + '_ {
            let (folder, rel): (&[u8], &str) = match &e.origin.shown_as {
                Shown::Rel => (b"", &e.rel),
                Shown::Under(f) => (f.as_bytes(), &e.rel),
                Shown::As(p) => (b"", p),
            };
            let slash: &[u8] = if folder.is_empty() { b"" } else { b"/" };
            folder.iter().chain(slash).chain(rel.as_bytes()).copied()
        }
        bytes(self).cmp(bytes(other))
    }
}

#[derive(Debug, Default)]
pub struct Discovered {
    /// Sorted by `rel` (byte order), whatever order the file system lists.
    pub articles: Vec<Entry>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Folders are read this many levels below the seeds folder and no
/// further: a corpus is a few levels deep, and a path thousands of folders
/// deep would outgrow the length the OS allows and every message naming it.
pub const MAX_DEPTH: usize = 32;

/// Walks `root` recursively.
pub fn discover(root: &Path, limits: &Limits) -> Result<Discovered> {
    let convention = Regex::new(&limits.file_name_pattern).map_err(|e| Error::Config {
        path: root.join(config::FILE_NAME),
        message: format!("limits.file_name_pattern: {e}"),
    })?;
    let meta = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
    if !meta.is_dir() {
        return Err(Error::NotADirectory { path: root.into() });
    }
    let mut out = Discovered::default();
    let origin = Arc::new(Origin {
        root: root.to_path_buf(),
        shown_as: Shown::Rel,
    });
    let mut walker = WalkDir::new(root)
        .follow_links(false)
        .min_depth(1)
        .into_iter();
    while let Some(item) = walker.next() {
        let entry = item.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            Error::io(path, e.into())
        })?;
        let rel_path = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let file_type = entry.file_type();
        let Some(rel) = rel_string(rel_path) else {
            out.diagnostics.push(
                Diagnostic::new(
                    rel_path.to_string_lossy(),
                    Rule::InvalidFileName,
                    "the path is not valid UTF-8",
                )
                .help("rename the file using UTF-8 letters, digits, `_`, `-` and `.`"),
            );
            if file_type.is_dir() {
                walker.skip_current_dir();
            }
            continue;
        };
        let name = entry.file_name().to_string_lossy();
        if file_type.is_symlink() {
            out.diagnostics.push(symlink(root, entry.path(), &rel));
            continue;
        }
        if name.starts_with('.') {
            out.diagnostics.push(
                Diagnostic::new(&rel, Rule::UnexpectedFile, "hidden file or folder is ignored")
                    .help("articles are visible `.txt` files; remove it or move it out of the seeds folder"),
            );
            if file_type.is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if let Some(c) = rel.chars().find(|c| c.is_control()) {
            out.diagnostics.push(
                Diagnostic::new(
                    rel.escape_debug().to_string(),
                    Rule::InvalidFileName,
                    format!("the path holds the control character {:?}", c),
                )
                .help("rename the file without control characters (newlines, tabs)"),
            );
            if file_type.is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if file_type.is_dir() {
            if entry.depth() >= MAX_DEPTH {
                out.diagnostics.push(
                    Diagnostic::new(
                        &rel,
                        Rule::FolderTooDeep,
                        format!("folder nested {} levels deep (the limit is {MAX_DEPTH}); nothing in it is read", entry.depth()),
                    )
                    .help("move the articles into a shallower folder"),
                );
                walker.skip_current_dir();
            }
            continue;
        }
        if !file_type.is_file() {
            out.diagnostics.push(
                Diagnostic::new(&rel, Rule::UnexpectedFile, "not a regular file; ignored")
                    .help("articles are regular `.txt` files"),
            );
            continue;
        }
        if rel == config::FILE_NAME {
            continue;
        }
        if !name.ends_with(".txt") {
            out.diagnostics.push(
                Diagnostic::new(&rel, Rule::UnexpectedFile, "not a `.txt` article; ignored")
                    .help("articles are `.txt` files; the only other file the seeds folder holds is dataset.toml"),
            );
            continue;
        }
        if !convention.is_match(&name) {
            out.diagnostics.push(
                Diagnostic::new(
                    &rel,
                    Rule::FileNameConvention,
                    format!("file name is off the corpus convention `{}`", limits.file_name_pattern),
                )
                .help("e.g. `005_1f3a9c0d2b4e6a81.txt`; a corpus with its own numbering sets limits.file_name_pattern in dataset.toml"),
            );
        }
        out.articles.push(Entry {
            rel: rel.into_boxed_str(),
            origin: origin.clone(),
        });
    }
    out.articles.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.diagnostics.extend(name_collisions(&out.articles));
    Ok(out)
}

/// A path as a case-insensitive, Unicode-normalising file system (the
/// default on macOS and Windows) sees it: lower case, NFC.
fn portable_key(rel: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    if rel.is_ascii() {
        if rel.bytes().any(|b| b.is_ascii_uppercase()) {
            return rel.to_ascii_lowercase().into();
        }
        return rel.into();
    }
    let lower = rel.nfc().collect::<String>().to_lowercase();
    lower.nfc().collect::<String>().into()
}

/// Paths (sorted) that are two files here and one on another machine
/// (`a.txt` and `A.txt`, `café.txt` in NFC and NFD): git keeps one of them
/// there, so the same commit would build another release. Each pair is an
/// error on the later path, naming the earlier.
fn name_collisions(sorted: &[Entry]) -> Vec<Diagnostic> {
    // A 64-bit hash of each key first: at a million files, no key strings
    // held at once; equal hashes are confirmed on the keys themselves.
    let hash = |rel: &str| {
        portable_key(rel)
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
    };
    let mut keyed: Vec<(u64, u32)> = sorted
        .iter()
        .enumerate()
        .map(|(i, e)| (hash(&e.rel), i as u32))
        .collect();
    keyed.sort_unstable();
    let mut out = Vec::new();
    for group in keyed.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        let mut seen: Vec<(std::borrow::Cow<'_, str>, usize)> = Vec::new();
        for &(_, i) in group {
            let rel = &*sorted[i as usize].rel;
            let key = portable_key(rel);
            match seen.iter().find(|(k, _)| *k == key) {
                Some(&(_, first)) => {
                    let first = &*sorted[first].rel;
                    out.push(
                        Diagnostic::new(
                            rel,
                            Rule::NameCollision,
                            format!(
                                "`{first}` and `{rel}` are one file where names ignore case or Unicode normalisation (macOS and Windows by default): a checkout there keeps only one"
                            ),
                        )
                        .help("rename one of them; a portable name uses lower-case ASCII letters, digits, `_`, `-` and `.`"),
                    );
                }
                None => seen.push((key, i as usize)),
            }
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

fn rel_string(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

fn symlink(root: &Path, path: &Path, rel: &str) -> Diagnostic {
    let target = std::fs::read_link(path).ok();
    let inside = std::fs::canonicalize(path)
        .ok()
        .zip(std::fs::canonicalize(root).ok())
        .is_some_and(|(t, r)| t.starts_with(r));
    let shown = target.map_or_else(|| "?".to_string(), |t| t.display().to_string());
    let message = if inside {
        format!("symbolic link to `{shown}` is not followed")
    } else {
        format!("symbolic link to `{shown}` leads out of the seeds folder and is not followed")
    };
    Diagnostic::new(rel, Rule::SymlinkEscape, message)
        .help("copy the article into the seeds folder as a regular file")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(names: &[&str]) -> Vec<Entry> {
        let origin = Arc::new(Origin {
            root: PathBuf::from("/seeds"),
            shown_as: Shown::Rel,
        });
        let mut v: Vec<Entry> = names
            .iter()
            .map(|n| Entry {
                rel: (*n).into(),
                origin: origin.clone(),
            })
            .collect();
        v.sort_by(|a, b| a.rel.cmp(&b.rel));
        v
    }

    #[test]
    fn an_entry_is_its_name_and_a_shared_pointer() {
        // Held for every file of the corpus for the whole run: a field
        // added here costs its size a million times over.
        assert_eq!(std::mem::size_of::<Entry>(), 24);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("x")).unwrap();
        for name in ["b.txt", "x/a.txt"] {
            std::fs::write(dir.path().join(name), "text").unwrap();
        }
        let found = discover(dir.path(), &Limits::default()).unwrap().articles;
        assert_eq!(found.len(), 2);
        assert!(Arc::ptr_eq(&found[0].origin, &found[1].origin));
        assert_eq!(found[1].path(), dir.path().join("x/a.txt"));
        assert_eq!(found[1].shown(), "x/a.txt");
    }

    #[test]
    fn names_one_file_on_macos_or_windows_are_refused_naming_both() {
        let nfc = "caf\u{e9}.txt";
        let nfd = "cafe\u{301}.txt";
        let found = name_collisions(&entries(&[
            "a/010_abcdef0123456789.txt",
            "a/010_ABCDEF0123456789.txt",
            nfc,
            nfd,
            "b.txt",
            "B/c.txt",
            "b/c.txt",
            "Stra\u{df}e.txt",
            "strasse.txt",
        ]));
        let pairs: Vec<(&str, Rule)> = found.iter().map(|d| (d.file.as_str(), d.rule)).collect();
        assert_eq!(
            pairs,
            [
                ("a/010_abcdef0123456789.txt", Rule::NameCollision),
                ("b/c.txt", Rule::NameCollision),
                (nfc, Rule::NameCollision),
            ],
            "{found:?}"
        );
        // `Straße` and `strasse` differ under the simple case folding file
        // systems use; `b.txt` has no twin.
        assert!(found[0]
            .message
            .contains("`a/010_ABCDEF0123456789.txt` and `a/010_abcdef0123456789.txt`"));
    }
}
