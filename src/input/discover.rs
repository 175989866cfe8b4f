//! The seeds folder -> a sorted list of article files. Nothing is followed
//! out of the tree and nothing is skipped silently: every entry that is not
//! an article gets a diagnostic saying why it was left out.

use super::listing::{Listing, ListingWriter, Origin, Shown};
use crate::config::{self, Limits};
use crate::diagnostic::{Diagnostic, Rule};
use crate::error::{Error, Result};
use crate::spill::{self, Sorter};
use regex::Regex;
use std::path::Path;
use std::sync::Arc;
use walkdir::WalkDir;

pub struct Discovered {
    /// Sorted by `rel` (byte order), whatever order the file system lists.
    pub articles: Listing,
    pub diagnostics: Vec<Diagnostic>,
}

/// How a walk orders the entries of one folder: by name, a folder's name
/// with a `/` after it. Walked depth first in this order, the files come
/// out sorted by their whole relative path, byte by byte (`a-b.txt`,
/// `a.txt`, `a/b.txt`, `ab.txt`), so the listing is written in its final
/// order and never held in memory to be sorted; a folder's own entries
/// are the most a walk holds at once.
fn walk_order(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    fn key(e: &walkdir::DirEntry) -> impl Iterator<Item = u8> + '_ {
        let slash: &[u8] = if e.file_type().is_dir() { b"/" } else { b"" };
        e.file_name()
            .as_encoded_bytes()
            .iter()
            .chain(slash)
            .copied()
    }
    key(a).cmp(key(b))
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
    let mut diagnostics = Vec::new();
    let mut listing = ListingWriter::new()?;
    let origin = listing.origin(&Arc::new(Origin {
        root: root.to_path_buf(),
        shown_as: Shown::Rel,
    }));
    let mut collisions = Sorter::<(u64, u32)>::new(spill::budget());
    let mut last = String::new();
    let mut walker = WalkDir::new(root)
        .follow_links(false)
        .min_depth(1)
        .sort_by(walk_order)
        .into_iter();
    while let Some(item) = walker.next() {
        let entry = item.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            Error::io(path, e.into())
        })?;
        let rel_path = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let file_type = entry.file_type();
        let Some(rel) = rel_string(rel_path) else {
            diagnostics.push(
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
            diagnostics.push(symlink(root, entry.path(), &rel));
            continue;
        }
        if name.starts_with('.') {
            diagnostics.push(
                Diagnostic::new(&rel, Rule::UnexpectedFile, "hidden file or folder is ignored")
                    .help("articles are visible `.txt` files; remove it or move it out of the seeds folder"),
            );
            if file_type.is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if let Some(c) = rel.chars().find(|c| c.is_control()) {
            diagnostics.push(
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
                diagnostics.push(
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
            diagnostics.push(
                Diagnostic::new(&rel, Rule::UnexpectedFile, "not a regular file; ignored")
                    .help("articles are regular `.txt` files"),
            );
            continue;
        }
        if rel == config::FILE_NAME {
            continue;
        }
        if !name.ends_with(".txt") {
            diagnostics.push(
                Diagnostic::new(&rel, Rule::UnexpectedFile, "not a `.txt` article; ignored")
                    .help("articles are `.txt` files; the only other file the seeds folder holds is dataset.toml"),
            );
            continue;
        }
        if !convention.is_match(&name) {
            diagnostics.push(
                Diagnostic::new(
                    &rel,
                    Rule::FileNameConvention,
                    format!("file name is off the corpus convention `{}`", limits.file_name_pattern),
                )
                .help("e.g. `005_1f3a9c0d2b4e6a81.txt`; a corpus with its own numbering sets limits.file_name_pattern in dataset.toml"),
            );
        }
        debug_assert!(
            last.is_empty() || *last < *rel,
            "the walk lists `{rel}` after `{last}`"
        );
        collisions.push((portable_hash(&rel), listing.len() as u32))?;
        listing.push(&rel, origin)?;
        last = rel;
    }
    let articles = listing.finish()?;
    diagnostics.extend(name_collisions(&articles, collisions)?);
    Ok(Discovered {
        articles,
        diagnostics,
    })
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

/// A 64-bit hash of a path's [`portable_key`]: at a million files, no key
/// strings held at once; equal hashes are confirmed on the keys themselves.
fn portable_hash(rel: &str) -> u64 {
    portable_key(rel)
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// Paths (sorted) that are two files here and one on another machine
/// (`a.txt` and `A.txt`, `café.txt` in NFC and NFD): git keeps one of them
/// there, so the same commit would build another release. Each pair is an
/// error on the later path, naming the earlier. `keyed` holds each entry's
/// [`portable_hash`] and index.
fn name_collisions(sorted: &Listing, keyed: Sorter<(u64, u32)>) -> Result<Vec<Diagnostic>> {
    let mut out = Vec::new();
    spill::runs(keyed.finish()?, |group| {
        if group.len() > 1 {
            let mut seen: Vec<(String, Box<str>)> = Vec::new();
            for &i in group.iter() {
                let rel = sorted.get(i as usize)?.rel;
                let key = portable_key(&rel).into_owned();
                match seen.iter().find(|(k, _)| *k == key) {
                    Some((_, first)) => {
                        out.push(
                            Diagnostic::new(
                                &*rel,
                                Rule::NameCollision,
                                format!(
                                    "`{first}` and `{rel}` are one file where names ignore case or Unicode normalisation (macOS and Windows by default): a checkout there keeps only one"
                                ),
                            )
                            .help("rename one of them; a portable name uses lower-case ASCII letters, digits, `_`, `-` and `.`"),
                        );
                    }
                    None => seen.push((key, rel)),
                }
            }
        }
        Ok(())
    })?;
    out.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(out)
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
    use crate::input::listing::Entry;

    /// The name collisions among `names`, listed as a walk lists them.
    fn collisions(names: &[&str]) -> Vec<Diagnostic> {
        let mut sorted = names.to_vec();
        sorted.sort_unstable();
        let mut listing = ListingWriter::new().unwrap();
        let origin = listing.origin(&Arc::new(Origin {
            root: "/seeds".into(),
            shown_as: Shown::Rel,
        }));
        let mut keyed = Sorter::new(16);
        for (i, n) in sorted.iter().enumerate() {
            keyed.push((portable_hash(n), i as u32)).unwrap();
            listing.push(n, origin).unwrap();
        }
        name_collisions(&listing.finish().unwrap(), keyed).unwrap()
    }

    #[test]
    fn the_walk_lists_files_in_the_byte_order_of_their_paths() {
        // Folder and file names that sort one way as names and another as
        // paths: `a-b.txt` < `a.txt` < `a/...` < `a0.txt` byte by byte.
        let dir = tempfile::tempdir().unwrap();
        let files = [
            "a/b.txt",
            "a/c/d.txt",
            "a-b.txt",
            "a-b/x.txt",
            "a.txt",
            "a.b/y.txt",
            "a0.txt",
            "a b.txt",
            "ab/z.txt",
            "\u{e9}t\u{e9}.txt",
            "Z.txt",
        ];
        for f in files {
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "text").unwrap();
        }
        let found = discover(dir.path(), &Limits::default()).unwrap();
        let listed: Vec<Entry> = found.articles.iter().map(Result::unwrap).collect();
        let mut want = files.to_vec();
        want.sort_unstable();
        assert_eq!(listed.iter().map(|e| &*e.rel).collect::<Vec<_>>(), want);
        // Read back, the entries share their folder's origin.
        assert!(Arc::ptr_eq(&listed[0].origin, &listed[5].origin));
        let a = found
            .articles
            .get(want.iter().position(|&f| f == "a/c/d.txt").unwrap());
        let a = a.unwrap();
        assert_eq!(a.path(), dir.path().join("a/c/d.txt"));
        assert_eq!(a.shown(), "a/c/d.txt");
    }

    #[test]
    fn names_one_file_on_macos_or_windows_are_refused_naming_both() {
        let nfc = "caf\u{e9}.txt";
        let nfd = "cafe\u{301}.txt";
        let found = collisions(&[
            "a/010_abcdef0123456789.txt",
            "a/010_ABCDEF0123456789.txt",
            nfc,
            nfd,
            "b.txt",
            "B/c.txt",
            "b/c.txt",
            "Stra\u{df}e.txt",
            "strasse.txt",
        ]);
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
