//! Records spilled to disk: each article is serialised once (the bytes that
//! become its line of `articles.jsonl`) into an anonymous temporary file, and
//! only a small sort key stays in memory. Memory stays flat however large
//! the bodies are, and the release is written by reading records back in
//! release order.

use super::article::{Article, Order};
use crate::error::{Error, Result};
use crate::fault::{self, Checked, Op};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

/// How errors name the store's anonymous file.
const SPILL: &str = "the record spill file (a temporary file)";

/// Where one record lies in the spill file, and what it sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub order: Order,
    pub offset: u64,
    pub len: u32,
}

/// What a store keeps of each record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Its JSON Lines bytes: everything a release or a later check reads.
    Records,
    /// Only its body, as UTF-8: enough for the near-duplicate scores, which
    /// is all that `validate` reads back; it saves serialising each record.
    Bodies,
}

pub struct Store {
    keep: Keep,
    writer: Option<BufWriter<Checked<File>>>,
    file: File,
    end: u64,
    keys: Vec<Key>,
}

impl Store {
    pub fn new() -> Result<Self> {
        Self::keeping(Keep::Records)
    }

    pub fn keeping(keep: Keep) -> Result<Self> {
        let file = fault::check(Op::Create, Path::new(SPILL))
            .and_then(|()| tempfile::tempfile())
            .map_err(|e| Error::io(format!("{SPILL} in {}", std::env::temp_dir().display()), e))?;
        let writer = BufWriter::with_capacity(
            1 << 20,
            Checked::new(file.try_clone().map_err(|e| Error::io(SPILL, e))?, SPILL),
        );
        Ok(Store {
            keep,
            writer: Some(writer),
            file,
            end: 0,
            keys: Vec::new(),
        })
    }

    /// Appends a record (its JSON Lines bytes, without the newline, which
    /// a store that keeps only bodies ignores); returns its index.
    pub fn push(&mut self, article: &Article, json: &[u8]) -> Result<usize> {
        let json = match self.keep {
            Keep::Records => json,
            Keep::Bodies => article.body.as_bytes(),
        };
        let w = self.writer.as_mut().expect("store is open for writing");
        w.write_all(json).map_err(|e| Error::io(SPILL, e))?;
        let key = Key {
            order: article.order(),
            offset: self.end,
            len: json.len() as u32,
        };
        self.end += json.len() as u64;
        self.keys.push(key);
        Ok(self.keys.len() - 1)
    }

    /// Leaves out the records with these insertion indices (duplicates the
    /// policy dropped); before `finish`, which forgets insertion order.
    pub fn drop_inserted(&mut self, records: &[usize]) {
        if records.is_empty() {
            return;
        }
        let mut gone = vec![false; self.keys.len()];
        for &r in records {
            gone[r] = true;
        }
        let mut i = 0;
        self.keys.retain(|_| {
            i += 1;
            !gone[i - 1]
        });
    }

    /// Ends writing and puts the records in release order (published, nulls
    /// last; then id). Indices handed out by `push` refer to insertion order
    /// and must be resolved (e.g. with `inserted_body`) before this call.
    pub fn finish(&mut self) -> Result<()> {
        if let Some(mut w) = self.writer.take() {
            w.flush().map_err(|e| Error::io(SPILL, e))?;
        }
        self.keys.sort_unstable_by_key(|k| (k.order, k.offset));
        Ok(())
    }

    /// Makes every record pushed so far readable by [`Store::inserted_body`].
    pub fn flush(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.flush().map_err(|e| Error::io(SPILL, e))?;
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn read(&self, key: &Key) -> Result<Vec<u8>> {
        let mut buf = vec![0; key.len as usize];
        self.file
            .read_exact_at(&mut buf, key.offset)
            .map_err(|e| Error::io(SPILL, e))?;
        Ok(buf)
    }

    /// The JSON Lines bytes of the `i`th record (release order after
    /// `finish`), from a store that keeps records.
    pub fn raw(&self, i: usize) -> Result<Vec<u8>> {
        assert_eq!(self.keep, Keep::Records, "this store keeps only bodies");
        self.read(&self.keys[i])
    }

    pub fn get(&self, i: usize) -> Result<Article> {
        serde_json::from_slice(&self.raw(i)?).map_err(crate::error::json(SPILL))
    }

    /// The body of a record by insertion index, before `finish` and after
    /// `flush` (for checks that compare two records' bodies, from any
    /// thread).
    pub fn inserted_body(&self, i: usize) -> Result<String> {
        #[derive(serde::Deserialize)]
        struct Body {
            body: String,
        }
        let raw = self.read(&self.keys[i])?;
        if self.keep == Keep::Bodies {
            return String::from_utf8(raw).map_err(|_| {
                Error::io(
                    SPILL,
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "a body is not UTF-8"),
                )
            });
        }
        let record: Body = serde_json::from_slice(&raw).map_err(crate::error::json(SPILL))?;
        Ok(record.body)
    }

    pub fn iter(&self) -> impl Iterator<Item = Result<Article>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}
