//! Records spilled to disk: each article is serialised once (the bytes that
//! become its line of `articles.jsonl`) into an anonymous temporary file, and
//! its key (where it lies, what it sorts by) into another; at the end the
//! keys are sorted into release order by the external sort. Nothing stays
//! in memory for each record, and the release is written by reading records
//! back in release order.

use super::article::{Article, Order};
use crate::error::{Error, Result};
use crate::fault::Checked;
use crate::spill::{self, temporary, Appender, Row, Sorter, Table};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;

/// How errors name the store's anonymous file.
const SPILL: &str = "the record spill file (a temporary file)";
/// How errors name the file of rows kept beside the records.
const ROWS: &str = "the sketch spill file (a temporary file)";
/// How errors name the files of record keys, in insertion and in release order.
const KEYS: &str = "the record key spill file (a temporary file)";

/// Numbers kept beside each record, a row of them to a record.
pub const ROW: usize = 16;
const ROW_BYTES: usize = ROW * 4;

/// Where one record lies in the spill file, and what it sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub order: Order,
    pub offset: u64,
    pub len: u32,
}

impl Row for Key {
    const SIZE: usize = 24;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.order.published.to_le_bytes());
        out.extend_from_slice(&self.order.id.as_u64().to_le_bytes());
        out.extend_from_slice(&self.offset.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
    }
    fn get(b: &[u8]) -> Self {
        let word = |at: usize| -> [u8; 4] { b[at..at + 4].try_into().unwrap_or_default() };
        let long = |at: usize| -> [u8; 8] { b[at..at + 8].try_into().unwrap_or_default() };
        Key {
            order: Order {
                published: i32::from_le_bytes(word(0)),
                id: crate::input::id::ArticleId::from_u64(u64::from_le_bytes(long(4))),
            },
            offset: u64::from_le_bytes(long(12)),
            len: u32::from_le_bytes(word(20)),
        }
    }
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
    /// A row of numbers per record (the near-duplicate sketch), in a file
    /// of its own: 64 bytes an article need not stay in memory while the
    /// corpus is read. Made at the first row.
    rows: Option<Rows>,
    keep: Keep,
    writer: Option<BufWriter<Checked<File>>>,
    file: File,
    end: u64,
    /// The keys in insertion order, until `finish`.
    inserted: Option<Appender<Key>>,
    /// Insertion indices the duplicate policy left out, sorted.
    dropped: Vec<usize>,
    /// The keys of the records kept, in release order, after `finish`.
    released: Option<Table<Key>>,
}

impl Store {
    pub fn new() -> Result<Self> {
        Self::keeping(Keep::Records)
    }

    pub fn keeping(keep: Keep) -> Result<Self> {
        let (file, writer) = temporary(SPILL, 1 << 20)?;
        Ok(Store {
            rows: None,
            keep,
            writer: Some(writer),
            file,
            end: 0,
            inserted: Some(Appender::new(KEYS)?),
            dropped: Vec::new(),
            released: None,
        })
    }

    /// Appends a record (its JSON Lines bytes, without the newline, which
    /// a store that keeps only bodies ignores); returns its index.
    pub fn push(&mut self, article: &Article, json: &[u8]) -> Result<usize> {
        let kept = match self.keep {
            Keep::Records => json,
            Keep::Bodies => article.body.as_bytes(),
        };
        self.push_kept(article.order(), kept)
    }

    /// Appends what this store keeps of a record, chosen by the caller (the
    /// JSON Lines bytes, or the body: see [`Keep`]); returns its index.
    pub fn push_kept(&mut self, order: Order, kept: &[u8]) -> Result<usize> {
        let w = self.writer.as_mut().expect("store is open for writing");
        w.write_all(kept).map_err(|e| Error::io(SPILL, e))?;
        let key = Key {
            order,
            offset: self.end,
            len: kept.len() as u32,
        };
        self.end += kept.len() as u64;
        let keys = self.inserted.as_mut().expect("store is open for writing");
        keys.push(&key)?;
        Ok(keys.len() - 1)
    }

    /// Appends a row of numbers (rows are numbered in the order they come).
    pub fn push_row(&mut self, row: &[u32; ROW]) -> Result<()> {
        let rows = match &mut self.rows {
            Some(rows) => rows,
            none => none.insert(Rows::new()?),
        };
        let mut bytes = [0u8; ROW_BYTES];
        for (out, n) in bytes.chunks_exact_mut(4).zip(row) {
            out.copy_from_slice(&n.to_le_bytes());
        }
        rows.writer
            .write_all(&bytes)
            .map_err(|e| Error::io(ROWS, e))?;
        rows.len += 1;
        Ok(())
    }

    /// How many rows were pushed.
    pub fn row_count(&self) -> usize {
        self.rows.as_ref().map_or(0, |r| r.len)
    }

    /// Calls `f(row, number)` with column `c` of every row, in row order,
    /// reading the rows back from their file a block at a time.
    pub fn column(&mut self, c: usize, f: &mut dyn FnMut(usize, u32)) -> Result<()> {
        let Some(rows) = self.rows.as_mut() else {
            return Ok(());
        };
        rows.writer.flush().map_err(|e| Error::io(ROWS, e))?;
        let mut block = vec![0u8; ROW_BYTES * 16_384];
        let mut row = 0;
        while row < rows.len {
            let n = (rows.len - row).min(16_384);
            let bytes = &mut block[..n * ROW_BYTES];
            rows.file
                .read_exact_at(bytes, (row * ROW_BYTES) as u64)
                .map_err(|e| Error::io(ROWS, e))?;
            for (k, r) in bytes.chunks_exact(ROW_BYTES).enumerate() {
                let at = c * 4;
                f(
                    row + k,
                    u32::from_le_bytes(r[at..at + 4].try_into().expect("4 bytes")),
                );
            }
            row += n;
        }
        Ok(())
    }

    /// Leaves out the records with these insertion indices (duplicates the
    /// policy dropped); before `finish`, which forgets insertion order.
    pub fn drop_inserted(&mut self, records: &[usize]) {
        self.dropped.extend_from_slice(records);
        self.dropped.sort_unstable();
        self.dropped.dedup();
    }

    /// Ends writing and puts the records in release order (published, nulls
    /// last; then id). Indices handed out by `push` refer to insertion order
    /// and must be resolved (e.g. with `inserted_body`) before this call.
    pub fn finish(&mut self) -> Result<()> {
        // The rows served the checks across records, which are done (and
        // which read them all, so every write was flushed and checked).
        self.rows = None;
        if let Some(mut w) = self.writer.take() {
            w.flush().map_err(|e| Error::io(SPILL, e))?;
        }
        let inserted = self
            .inserted
            .take()
            .expect("a store is finished once")
            .seal()?;
        // Keys sort by release order, then by offset (insertion order). Two
        // keys alike in both are alike in length too (one id, one body), so
        // every budget gives the same sequence.
        let mut sorter = Sorter::<Key>::new(spill::budget());
        let mut dropped = self.dropped.iter().peekable();
        for row in inserted.scan() {
            let (i, key) = row?;
            if dropped.next_if_eq(&&i).is_none() {
                sorter.push(key)?;
            }
        }
        drop(inserted);
        let mut released = Appender::new(KEYS)?;
        for key in sorter.finish()? {
            released.push(&key?)?;
        }
        self.released = Some(released.seal()?);
        Ok(())
    }

    /// Makes every record pushed so far readable by [`Store::inserted_body`].
    pub fn flush(&mut self) -> Result<()> {
        if let Some(w) = self.writer.as_mut() {
            w.flush().map_err(|e| Error::io(SPILL, e))?;
        }
        if let Some(keys) = self.inserted.as_mut() {
            keys.flush()?;
        }
        Ok(())
    }

    /// How many records the store holds (less those dropped).
    pub fn len(&self) -> usize {
        match (&self.released, &self.inserted) {
            (Some(keys), _) => keys.len(),
            (None, Some(keys)) => keys.len() - self.dropped.len(),
            (None, None) => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
        let keys = self.released.as_ref().expect("a finished store");
        self.read(&keys.get(i)?)
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
        let keys = self.inserted.as_ref().expect("a store not yet finished");
        let raw = self.read(&keys.get(i)?)?;
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

/// The rows' file and its writer.
struct Rows {
    writer: BufWriter<Checked<File>>,
    file: File,
    len: usize,
}

impl Rows {
    fn new() -> Result<Rows> {
        let (file, writer) = temporary(ROWS, 1 << 16)?;
        Ok(Rows {
            writer,
            file,
            len: 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_come_back_in_release_order_without_those_dropped() {
        let mut store = Store::new().unwrap();
        let order = |published, id| Order {
            published,
            id: crate::input::id::ArticleId::from_u64(id),
        };
        // Inserted out of order: undated (i32::MAX) last, then by day, then id.
        let records = [
            (order(i32::MAX, 1), "undated"),
            (order(738_000, 9), "late"),
            (order(737_000, 5), "early, id 5"),
            (order(737_000, 2), "early, id 2"),
            (order(737_500, 3), "dropped"),
            (order(737_000, 4), ""),
        ];
        let json = |body: &str| format!(r#"{{"body":"{body}"}}"#);
        for (i, (o, body)) in records.iter().enumerate() {
            assert_eq!(store.push_kept(*o, json(body).as_bytes()).unwrap(), i);
        }
        store.flush().unwrap();
        assert_eq!(store.inserted_body(4).unwrap(), "dropped");
        store.drop_inserted(&[4]);
        assert_eq!(store.len(), 5);
        store.finish().unwrap();
        let back: Vec<String> = (0..store.len())
            .map(|i| String::from_utf8(store.raw(i).unwrap()).unwrap())
            .collect();
        let want = ["early, id 2", "", "early, id 5", "late", "undated"];
        assert_eq!(back, want.map(json));
    }

    #[test]
    fn rows_come_back_a_column_at_a_time_in_order() {
        let mut store = Store::new().unwrap();
        assert_eq!(store.row_count(), 0);
        // More rows than one block of reading holds.
        let n = 40_000u32;
        for r in 0..n {
            store
                .push_row(&std::array::from_fn(|c| r * 100 + c as u32))
                .unwrap();
        }
        assert_eq!(store.row_count(), n as usize);
        for c in [0, 7, ROW - 1] {
            let mut seen = Vec::new();
            store.column(c, &mut |row, x| seen.push((row, x))).unwrap();
            let want: Vec<(usize, u32)> =
                (0..n).map(|r| (r as usize, r * 100 + c as u32)).collect();
            assert_eq!(seen, want, "column {c}");
        }
        // Rows pushed after a read are read too.
        store.push_row(&[9; ROW]).unwrap();
        let mut last = None;
        store
            .column(3, &mut |row, x| last = Some((row, x)))
            .unwrap();
        assert_eq!(last, Some((n as usize, 9)));
    }
}
