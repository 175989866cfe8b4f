//! Records spilled to disk: each article is serialised once (the bytes that
//! become its line of `articles.jsonl`) into an anonymous temporary file, and
//! only a small sort key stays in memory. Memory stays flat however large
//! the bodies are, and the release is written by reading records back in
//! release order.

use crate::error::{Error, Result};
use crate::record::Article;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;

/// Where one record lies in the spill file, and what it sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// Days since 0001-01-01 of `published`; `i32::MAX` for none, so
    /// undated records sort last.
    pub published: i32,
    /// The id's 16 hex digits as a number: the same order as the id string.
    pub id: u64,
    pub offset: u64,
    pub len: u32,
}

pub fn key_of(article: &Article, offset: u64, len: u32) -> Key {
    use chrono::Datelike;
    let published = article
        .published
        .as_deref()
        .and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
        .map_or(i32::MAX, |d| d.num_days_from_ce());
    let id = u64::from_str_radix(article.id.trim_start_matches("art_"), 16).unwrap_or(u64::MAX);
    Key {
        published,
        id,
        offset,
        len,
    }
}

pub struct Store {
    writer: Option<BufWriter<File>>,
    file: File,
    end: u64,
    keys: Vec<Key>,
}

impl Store {
    pub fn new() -> Result<Self> {
        let file = tempfile::tempfile().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let writer = BufWriter::with_capacity(
            1 << 20,
            file.try_clone().map_err(|e| Error::io("spill file", e))?,
        );
        Ok(Store {
            writer: Some(writer),
            file,
            end: 0,
            keys: Vec::new(),
        })
    }

    /// Appends a record (its JSON Lines bytes, without the newline); returns its index.
    pub fn push(&mut self, article: &Article, json: &[u8]) -> Result<usize> {
        let w = self.writer.as_mut().expect("store is open for writing");
        w.write_all(json).map_err(|e| Error::io("spill file", e))?;
        let key = key_of(article, self.end, json.len() as u32);
        self.end += json.len() as u64;
        self.keys.push(key);
        Ok(self.keys.len() - 1)
    }

    /// Ends writing and puts the records in release order (published, nulls
    /// last; then id). Indices handed out by `push` refer to insertion order
    /// and must be resolved with `get_inserted` before this call.
    pub fn finish(&mut self) -> Result<()> {
        if let Some(mut w) = self.writer.take() {
            w.flush().map_err(|e| Error::io("spill file", e))?;
        }
        self.keys
            .sort_unstable_by_key(|k| (k.published, k.id, k.offset));
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.flush().map_err(|e| Error::io("spill file", e))?;
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
            .map_err(|e| Error::io("spill file", e))?;
        Ok(buf)
    }

    /// The JSON Lines bytes of the `i`th record (release order after `finish`).
    pub fn raw(&self, i: usize) -> Result<Vec<u8>> {
        self.read(&self.keys[i])
    }

    pub fn get(&self, i: usize) -> Result<Article> {
        Ok(serde_json::from_slice(&self.raw(i)?)?)
    }

    /// Reads a record by insertion index while still writing (for checks
    /// that compare two records' bodies).
    pub fn get_inserted(&mut self, i: usize) -> Result<Article> {
        self.flush()?;
        let key = self.keys[i];
        Ok(serde_json::from_slice(&self.read(&key)?)?)
    }

    pub fn iter(&self) -> impl Iterator<Item = Result<Article>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Every record, in memory: for small corpora and for diffs.
    pub fn to_vec(&self) -> Result<Vec<Article>> {
        self.iter().collect()
    }
}
