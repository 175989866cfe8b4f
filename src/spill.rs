//! Sorting more small fixed-size keys than memory should hold: keys gather
//! in a buffer of at most the sort budget; a full buffer is sorted and
//! spilled to an anonymous temporary file as one run; at the end the runs
//! are merged. Memory is the budget whatever the number of keys. Sorting is
//! by the keys' own total order, so the result does not depend on the
//! budget: a budget of a few KiB gives the same sequence as one of a GiB
//! (tested), it only spills more.

use crate::error::{Error, Result};
use crate::fault::{self, Checked, Op};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::marker::PhantomData;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// How errors name the sorter's anonymous files.
const RUN: &str = "a sorted run (a temporary file)";

/// The sort budget when `NEWSCORPUS_SORT_BUFFER` does not set one.
pub const DEFAULT_BUDGET: usize = 64 << 20;

/// Runs merged at once; more are first merged into one longer run, so a
/// tiny budget never needs thousands of open files.
const FAN_IN: usize = 64;

/// The sort budget in bytes: `NEWSCORPUS_SORT_BUFFER` (a number of bytes,
/// or with a `K`, `M` or `G` suffix), else [`DEFAULT_BUDGET`]. It changes
/// how much is spilled, never a byte of output.
pub fn budget() -> usize {
    std::env::var("NEWSCORPUS_SORT_BUFFER")
        .ok()
        .and_then(|v| parse_size(&v))
        .unwrap_or(DEFAULT_BUDGET)
}

fn parse_size(v: &str) -> Option<usize> {
    let v = v.trim();
    let (digits, unit) = match v.char_indices().last()? {
        (i, 'k' | 'K') => (&v[..i], 1 << 10),
        (i, 'm' | 'M') => (&v[..i], 1 << 20),
        (i, 'g' | 'G') => (&v[..i], 1 << 30),
        _ => (v, 1),
    };
    digits.parse::<usize>().ok()?.checked_mul(unit)
}

/// A value of a fixed number of bytes, as a run or a [`Table`] stores it.
pub trait Row: Copy + 'static {
    const SIZE: usize;
    fn put(&self, out: &mut Vec<u8>);
    fn get(bytes: &[u8]) -> Self;
}

/// A row that sorts: a key.
pub trait Fixed: Row + Ord {}

impl<T: Row + Ord> Fixed for T {}

pub struct Sorter<T: Fixed> {
    buf: Vec<T>,
    cap: usize,
    runs: Vec<File>,
}

impl<T: Fixed> Sorter<T> {
    /// A sorter that keeps at most `budget` bytes of keys in memory.
    pub fn new(budget: usize) -> Self {
        Sorter {
            buf: Vec::new(),
            cap: (budget / T::SIZE).max(1),
            runs: Vec::new(),
        }
    }

    pub fn push(&mut self, key: T) -> Result<()> {
        self.buf.push(key);
        if self.buf.len() >= self.cap {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> Result<()> {
        self.buf.sort_unstable();
        let keys = std::mem::take(&mut self.buf);
        let run = write_run(keys.into_iter().map(Ok))?;
        self.runs.push(run);
        if self.runs.len() >= FAN_IN {
            let runs = std::mem::take(&mut self.runs);
            let merged = write_run(Merge::<T>::new(runs)?)?;
            self.runs.push(merged);
        }
        Ok(())
    }

    /// Every key pushed, in order.
    pub fn finish(mut self) -> Result<Box<dyn Iterator<Item = Result<T>>>> {
        if self.runs.is_empty() {
            self.buf.sort_unstable();
            return Ok(Box::new(self.buf.into_iter().map(Ok)));
        }
        if !self.buf.is_empty() {
            self.spill()?;
        }
        Ok(Box::new(Merge::<T>::new(self.runs)?))
    }
}

fn write_run<T: Fixed>(keys: impl Iterator<Item = Result<T>>) -> Result<File> {
    let (mut file, mut w) = temporary(RUN, 1 << 16)?;
    let mut bytes = Vec::with_capacity(T::SIZE);
    for key in keys {
        bytes.clear();
        key?.put(&mut bytes);
        w.write_all(&bytes).map_err(|e| Error::io(RUN, e))?;
    }
    w.flush().map_err(|e| Error::io(RUN, e))?;
    drop(w);
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(RUN, e))?;
    Ok(file)
}

/// Calls `each` with the items of every run of equal keys in `sorted` (a
/// [`Sorter`]'s output as key and item), in order: how sorted keys become
/// groups.
pub fn runs<K: PartialEq, V>(
    sorted: impl Iterator<Item = Result<(K, V)>>,
    mut each: impl FnMut(&[V]) -> Result<()>,
) -> Result<()> {
    let mut run = Vec::new();
    let mut at = None;
    for item in sorted {
        let (key, value) = item?;
        if at.as_ref() != Some(&key) {
            if !run.is_empty() {
                each(&run)?;
                run.clear();
            }
            at = Some(key);
        }
        run.push(value);
    }
    if !run.is_empty() {
        each(&run)?;
    }
    Ok(())
}

/// Rows appended to an anonymous temporary file, then read back in order or
/// by index (see [`Table`]): a list as long as the corpus that need not sit
/// in memory.
pub struct Appender<T: Row> {
    name: &'static str,
    file: File,
    writer: BufWriter<Checked<File>>,
    len: usize,
    bytes: Vec<u8>,
    row: PhantomData<T>,
}

impl<T: Row> Appender<T> {
    /// An empty table; errors name its file as `name`.
    pub fn new(name: &'static str) -> Result<Self> {
        let (file, writer) = temporary(name, 1 << 16)?;
        Ok(Appender {
            name,
            file,
            writer,
            len: 0,
            bytes: Vec::with_capacity(T::SIZE),
            row: PhantomData,
        })
    }

    pub fn push(&mut self, row: &T) -> Result<()> {
        self.bytes.clear();
        row.put(&mut self.bytes);
        debug_assert_eq!(self.bytes.len(), T::SIZE);
        self.writer
            .write_all(&self.bytes)
            .map_err(|e| Error::io(self.name, e))?;
        self.len += 1;
        Ok(())
    }

    /// How many rows were pushed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Makes every row pushed so far readable by [`Appender::get`].
    pub fn flush(&mut self) -> Result<()> {
        self.writer.flush().map_err(|e| Error::io(self.name, e))
    }

    /// The `i`th row pushed, if it was pushed before the last
    /// [`Appender::flush`].
    pub fn get(&self, i: usize) -> Result<T> {
        read_row(&self.file, self.name, 0, i, self.len)
    }

    /// Ends appending: every row is written and can be read back.
    pub fn seal(mut self) -> Result<Table<T>> {
        self.writer.flush().map_err(|e| Error::io(self.name, e))?;
        Ok(Table::at(self.file, self.name, 0, self.len))
    }
}

/// The rows an [`Appender`] wrote, read with positioned reads, so any
/// number of readers on any thread can share it.
pub struct Table<T: Row> {
    name: &'static str,
    file: File,
    /// Where the first row is in the file.
    start: u64,
    len: usize,
    row: PhantomData<T>,
}

impl<T: Row> Table<T> {
    /// The `len` rows from byte `start` of `file`, a file of rows written
    /// by other means (one with a header first); errors name it `name`.
    pub fn at(file: File, name: &'static str, start: u64, len: usize) -> Self {
        Table {
            name,
            file,
            start,
            len,
            row: PhantomData,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The `i`th row pushed.
    pub fn get(&self, i: usize) -> Result<T> {
        read_row(&self.file, self.name, self.start, i, self.len)
    }

    /// Rows `start..end`, in one read.
    pub fn range(&self, start: usize, end: usize) -> Result<Vec<T>> {
        assert!(
            start <= end && end <= self.len,
            "rows {start}..{end} of {}",
            self.len
        );
        let mut block = vec![0u8; (end - start) * T::SIZE];
        self.file
            .read_exact_at(&mut block, self.start + (start * T::SIZE) as u64)
            .map_err(|e| Error::io(self.name, e))?;
        Ok(block.chunks_exact(T::SIZE).map(T::get).collect())
    }

    /// Every row with its index, in the order pushed, read a block at a time.
    pub fn scan(&self) -> impl Iterator<Item = Result<(usize, T)>> + '_ {
        let per_block = ((1 << 16) / T::SIZE).max(1);
        (0..self.len).step_by(per_block).flat_map(move |start| {
            let end = (start + per_block).min(self.len);
            let rows: Vec<Result<(usize, T)>> = match self.range(start, end) {
                Ok(rows) => rows
                    .into_iter()
                    .enumerate()
                    .map(|(k, row)| Ok((start + k, row)))
                    .collect(),
                Err(e) => vec![Err(e)],
            };
            rows
        })
    }
}

/// Row `i` of the `len` rows from byte `start` of `file`.
fn read_row<T: Row>(
    file: &File,
    name: &'static str,
    start: u64,
    i: usize,
    len: usize,
) -> Result<T> {
    assert!(i < len, "row {i} of a table of {len}");
    // Rows are small: read on the stack, not allocated for each read.
    let (mut small, mut large) = ([0u8; 64], Vec::new());
    let bytes = if T::SIZE <= small.len() {
        &mut small[..T::SIZE]
    } else {
        large.resize(T::SIZE, 0);
        &mut large[..]
    };
    file.read_exact_at(bytes, start + (i * T::SIZE) as u64)
        .map_err(|e| Error::io(name, e))?;
    Ok(T::get(bytes))
}

/// A set of indices below a bound, a bit each: an eighth of a byte an
/// article where a flag for each must stay in memory.
#[derive(Clone)]
pub struct Bits(Vec<u64>);

impl Bits {
    pub fn new(n: usize) -> Self {
        Bits(vec![0; n.div_ceil(64)])
    }
    pub fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    pub fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

/// An anonymous temporary file, through the fault gate, and a buffered
/// writer of `capacity` bytes to it; errors name it as `name`.
pub fn temporary(name: &'static str, capacity: usize) -> Result<(File, BufWriter<Checked<File>>)> {
    let file = fault::check(Op::Create, Path::new(name))
        .and_then(|()| tempfile::tempfile())
        .map_err(|e| Error::io(format!("{name} in {}", std::env::temp_dir().display()), e))?;
    let writer = BufWriter::with_capacity(
        capacity,
        Checked::new(file.try_clone().map_err(|e| Error::io(name, e))?, name),
    );
    Ok((file, writer))
}

/// The k-way merge of sorted runs.
struct Merge<T: Fixed> {
    readers: Vec<BufReader<File>>,
    heap: BinaryHeap<Reverse<(T, usize)>>,
    failed: bool,
}

impl<T: Fixed> Merge<T> {
    fn new(runs: Vec<File>) -> Result<Self> {
        let mut m = Merge {
            readers: runs
                .into_iter()
                .map(|f| BufReader::with_capacity(1 << 16, f))
                .collect(),
            heap: BinaryHeap::new(),
            failed: false,
        };
        for i in 0..m.readers.len() {
            if let Some(key) = m.read(i)? {
                m.heap.push(Reverse((key, i)));
            }
        }
        Ok(m)
    }

    fn read(&mut self, i: usize) -> Result<Option<T>> {
        let mut bytes = vec![0u8; T::SIZE];
        let r = &mut self.readers[i];
        let mut filled = 0;
        while filled < T::SIZE {
            match r.read(&mut bytes[filled..]) {
                Ok(0) if filled == 0 => return Ok(None),
                Ok(0) => {
                    return Err(Error::io(
                        RUN,
                        std::io::Error::from(std::io::ErrorKind::UnexpectedEof),
                    ))
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(RUN, e)),
            }
        }
        Ok(Some(T::get(&bytes)))
    }
}

impl<T: Fixed> Iterator for Merge<T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        if self.failed {
            return None;
        }
        let Reverse((key, i)) = self.heap.pop()?;
        match self.read(i) {
            Ok(Some(next)) => self.heap.push(Reverse((next, i))),
            Ok(None) => {}
            Err(e) => {
                self.failed = true;
                return Some(Err(e));
            }
        }
        Some(Ok(key))
    }
}

/// Ids and other 64-bit numbers.
impl Row for u64 {
    const SIZE: usize = 8;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_be_bytes());
    }
    fn get(bytes: &[u8]) -> Self {
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        u64::from_be_bytes(b)
    }
}

/// A 64-bit key (a hash) and the index of what it keys.
impl Row for (u64, u32) {
    const SIZE: usize = 12;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_be_bytes());
        out.extend_from_slice(&self.1.to_be_bytes());
    }
    fn get(b: &[u8]) -> Self {
        (
            u64::from_be_bytes(b[..8].try_into().unwrap_or_default()),
            u32::from_be_bytes(b[8..12].try_into().unwrap_or_default()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(keys: &[u64], budget: usize) -> Vec<u64> {
        let mut s = Sorter::new(budget);
        for &k in keys {
            s.push(k).unwrap();
        }
        s.finish().unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn any_budget_gives_the_same_order() {
        // Deterministic scrambled keys with duplicates.
        let keys: Vec<u64> = (0..20_000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % 5_000)
            .collect();
        let mut expected = keys.clone();
        expected.sort();
        assert_eq!(sorted(&keys, 1 << 30), expected);
        // 2 keys a run: 10,000 runs, merged FAN_IN at a time.
        assert_eq!(sorted(&keys, 16), expected);
        assert_eq!(sorted(&keys, 1000), expected);
        assert_eq!(sorted(&[], 16), Vec::<u64>::new());
    }

    #[test]
    fn runs_are_the_items_of_equal_keys_in_order() {
        let sorted = [(1, 'a'), (1, 'b'), (2, 'c'), (5, 'd'), (5, 'e'), (5, 'f')];
        let mut seen = Vec::new();
        runs(sorted.into_iter().map(Ok), |run| {
            seen.push(run.iter().collect::<String>());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["ab", "c", "def"]);
        runs(std::iter::empty::<Result<(u8, u8)>>(), |_| {
            panic!("no runs")
        })
        .unwrap();
    }

    #[test]
    fn sizes_read_from_the_environment_spelling() {
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("4K"), Some(4096));
        assert_eq!(parse_size("64m"), Some(64 << 20));
        assert_eq!(parse_size("1G"), Some(1 << 30));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size(""), None);
    }
}
