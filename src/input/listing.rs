//! The article files of a run, in the order they are processed, kept on
//! disk: each file's name in one temporary file, where it lies (and which
//! folder it came from) in a table beside it. A million names cost no
//! memory; the pipeline reads back a chunk of entries at a time, and a
//! finding or a duplicate's lineage the one name it needs.

use crate::error::{Error, Result};
use crate::fault::Checked;
use crate::spill::{temporary, Appender, Row, Table};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::Arc;

/// How errors name the listing's files.
const NAMES: &str = "the file listing (a temporary file)";

/// One article file, as a chunk of the listing is read back: what the
/// files of a folder share sits behind one pointer.
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

/// Where an entry's name lies in the names file, and the index of its origin.
#[derive(Debug, Clone, Copy)]
struct Place {
    offset: u64,
    len: u32,
    origin: u32,
}

impl Row for Place {
    const SIZE: usize = 16;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
        out.extend_from_slice(&self.origin.to_le_bytes());
    }
    fn get(b: &[u8]) -> Self {
        Place {
            offset: u64::from_le_bytes(b[..8].try_into().unwrap_or_default()),
            len: u32::from_le_bytes(b[8..12].try_into().unwrap_or_default()),
            origin: u32::from_le_bytes(b[12..16].try_into().unwrap_or_default()),
        }
    }
}

/// A listing being written, entry by entry, in processing order.
pub struct ListingWriter {
    origins: Vec<Arc<Origin>>,
    /// Each origin's index by its address (a file given on the command
    /// line has one of its own: there can be thousands).
    known: HashMap<usize, u32>,
    places: Appender<Place>,
    names: BufWriter<Checked<File>>,
    file: File,
    end: u64,
}

impl ListingWriter {
    pub fn new() -> Result<Self> {
        let (file, names) = temporary(NAMES, 1 << 16)?;
        Ok(ListingWriter {
            origins: Vec::new(),
            known: HashMap::new(),
            places: Appender::new(NAMES)?,
            names,
            file,
            end: 0,
        })
    }

    /// The number entries from `origin` are pushed with. (Its address is
    /// a key only while `origins` holds it, which is as long as `self`.)
    pub fn origin(&mut self, origin: &Arc<Origin>) -> u32 {
        let next = self.origins.len() as u32;
        let i = *self
            .known
            .entry(Arc::as_ptr(origin) as usize)
            .or_insert(next);
        if i == next {
            self.origins.push(origin.clone());
        }
        i
    }

    pub fn push(&mut self, rel: &str, origin: u32) -> Result<()> {
        self.names
            .write_all(rel.as_bytes())
            .map_err(|e| Error::io(NAMES, e))?;
        self.places.push(&Place {
            offset: self.end,
            len: rel.len() as u32,
            origin,
        })?;
        self.end += rel.len() as u64;
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn finish(mut self) -> Result<Listing> {
        self.names.flush().map_err(|e| Error::io(NAMES, e))?;
        Ok(Listing {
            origins: self.origins,
            places: self.places.seal()?,
            file: self.file,
        })
    }
}

/// Article files in processing order, read back from disk.
pub struct Listing {
    origins: Vec<Arc<Origin>>,
    places: Table<Place>,
    file: File,
}

/// Entries read back at once by [`Listing::iter`].
const BLOCK: usize = 4096;

impl Listing {
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Entries `start..end`, with two reads.
    pub fn range(&self, start: usize, end: usize) -> Result<Vec<Entry>> {
        let places = self.places.range(start, end)?;
        let (Some(first), Some(last)) = (places.first(), places.last()) else {
            return Ok(Vec::new());
        };
        let from = first.offset;
        let mut bytes = vec![0u8; (last.offset + u64::from(last.len) - from) as usize];
        self.file
            .read_exact_at(&mut bytes, from)
            .map_err(|e| Error::io(NAMES, e))?;
        places
            .iter()
            .map(|p| {
                let at = (p.offset - from) as usize;
                let rel = std::str::from_utf8(&bytes[at..at + p.len as usize]).map_err(|_| {
                    Error::io(NAMES, std::io::Error::from(std::io::ErrorKind::InvalidData))
                })?;
                Ok(Entry {
                    rel: rel.into(),
                    origin: self.origins[p.origin as usize].clone(),
                })
            })
            .collect()
    }

    pub fn get(&self, i: usize) -> Result<Entry> {
        Ok(self.range(i, i + 1)?.remove(0))
    }

    /// Every entry in order, a block at a time.
    pub fn iter(&self) -> impl Iterator<Item = Result<Entry>> + '_ {
        (0..self.len()).step_by(BLOCK).flat_map(move |start| {
            match self.range(start, (start + BLOCK).min(self.len())) {
                Ok(entries) => entries.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            }
        })
    }

    /// The same entries, every one from `origin` (a folder's listing has
    /// one origin, which the caller names its own way).
    pub fn with_origin(mut self, origin: Arc<Origin>) -> Self {
        for o in &mut self.origins {
            *o = origin.clone();
        }
        self
    }

    /// Listings merged in the order of their shown names, a name shown
    /// twice kept once; each must already be in that order.
    pub fn merge(lists: &[Listing]) -> Result<Listing> {
        let mut out = ListingWriter::new()?;
        let mut heads: Vec<_> = lists.iter().map(|l| l.iter().peekable()).collect();
        let mut last: Option<Entry> = None;
        loop {
            // The fewest lists are a handful (the paths given): a scan
            // for the least head is all it takes.
            let mut best: Option<(usize, Entry)> = None;
            for (k, head) in heads.iter_mut().enumerate() {
                match head.peek() {
                    None => {}
                    Some(Err(_)) => {
                        return Err(head.next().and_then(|r| r.err()).expect("an error"));
                    }
                    Some(Ok(e)) if best.as_ref().is_none_or(|(_, b)| e.cmp_shown(b).is_lt()) => {
                        best = Some((k, e.clone()));
                    }
                    Some(Ok(_)) => {}
                }
            }
            let Some((k, entry)) = best else { break };
            heads[k].next();
            if last.as_ref().is_some_and(|l| l.cmp_shown(&entry).is_eq()) {
                continue;
            }
            let origin = out.origin(&entry.origin);
            out.push(&entry.rel, origin)?;
            last = Some(entry);
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(origin: &Arc<Origin>, names: &[&str]) -> Listing {
        let mut w = ListingWriter::new().unwrap();
        let o = w.origin(origin);
        for n in names {
            w.push(n, o).unwrap();
        }
        w.finish().unwrap()
    }

    fn origin(root: &str, shown_as: Shown) -> Arc<Origin> {
        Arc::new(Origin {
            root: root.into(),
            shown_as,
        })
    }

    #[test]
    fn listings_merge_in_shown_order_with_a_file_given_twice_kept_once() {
        let seeds = origin("seeds", Shown::Under("seeds".into()));
        let more = origin("more", Shown::Under("more".into()));
        let lone = origin("seeds", Shown::As("seeds/b.txt".into()));
        let merged = Listing::merge(&[
            listing(&seeds, &["a.txt", "b.txt", "x/c.txt"]),
            listing(&lone, &["b.txt"]),
            listing(&more, &["z.txt"]),
        ])
        .unwrap();
        let shown: Vec<String> = merged
            .iter()
            .map(|e| e.unwrap().shown().into_owned())
            .collect();
        assert_eq!(
            shown,
            ["more/z.txt", "seeds/a.txt", "seeds/b.txt", "seeds/x/c.txt"]
        );
        // Read back one at a time and a range at a time alike.
        let e = merged.get(3).unwrap();
        assert_eq!(e.path(), PathBuf::from("seeds/x/c.txt"));
        assert_eq!(merged.range(1, 3).unwrap()[1].shown(), "seeds/b.txt");
        assert!(merged.range(2, 2).unwrap().is_empty());
    }
}
