//! Injected I/O faults, for the test that fails every write in turn
//! (ARCHITECTURE.md, "Failure"). Every operation that changes a file the
//! tool keeps (a release, `index.json`, a shard part, the caches, the spill
//! files) first passes [`check`], and so does opening each input file. Built with the cargo feature
//! `fault-injection`, the process counts those operations and fails the
//! one numbered `NEWSCORPUS_FAULT_AT` (or the first of a kind on a path
//! ending in a text, `NEWSCORPUS_FAULT_MATCH=Write:/articles.csv`) with a
//! real OS error; with
//! `NEWSCORPUS_FAULT_LOG` set it appends one line per operation (number,
//! kind, path) so a test knows how many there are. Without the feature
//! [`check`] is an empty inline function.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The kinds of operation a fault can hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Creating or opening a file for writing.
    Create,
    /// Creating a folder.
    Mkdir,
    /// Writing bytes (each write the buffered writer passes on).
    Write,
    /// `fsync`/`fdatasync` of a file or folder; setting a file's length.
    Sync,
    Rename,
    /// Taking a file lock.
    Lock,
    /// Removing a file or folder left by an earlier run.
    Remove,
    /// Opening an input file (an article): failed as if the file had
    /// vanished since the folder was listed.
    Read,
}

#[cfg(feature = "fault-injection")]
impl Op {
    /// The OS error this operation fails with: what a full disk, a failing
    /// device or a lost lock gives on Linux.
    fn errno(self) -> i32 {
        const ENOENT: i32 = 2;
        const EIO: i32 = 5;
        const EACCES: i32 = 13;
        const ENOSPC: i32 = 28;
        const ENOLCK: i32 = 37;
        match self {
            Op::Create | Op::Mkdir | Op::Write => ENOSPC,
            Op::Sync | Op::Rename => EIO,
            Op::Lock => ENOLCK,
            Op::Remove => EACCES,
            Op::Read => ENOENT,
        }
    }
}

/// Passes, or fails with the injected error when this is the operation the
/// test chose.
#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub fn check(_op: Op, _path: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(feature = "fault-injection")]
pub fn check(op: Op, path: &Path) -> io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{LazyLock, Mutex};
    static AT: LazyLock<Option<usize>> = LazyLock::new(|| {
        std::env::var("NEWSCORPUS_FAULT_AT")
            .ok()
            .and_then(|v| v.parse().ok())
    });
    static LOG: LazyLock<Option<Mutex<std::fs::File>>> = LazyLock::new(|| {
        let path = std::env::var_os("NEWSCORPUS_FAULT_LOG")?;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()
            .map(Mutex::new)
    });
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
    if let Some(log) = LOG.as_ref() {
        if let Ok(mut f) = log.lock() {
            let _ = writeln!(f, "{n}\t{op:?}\t{}", path.display());
        }
    }
    // `Kind:text`: the first operation of that kind on a path ending in the
    // text, whatever its number (threads number operations in any order).
    static MATCH: LazyLock<Option<(String, String)>> = LazyLock::new(|| {
        let v = std::env::var("NEWSCORPUS_FAULT_MATCH").ok()?;
        let (kind, text) = v.split_once(':')?;
        Some((kind.to_string(), text.to_string()))
    });
    static FIRED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let matched = MATCH.as_ref().is_some_and(|(kind, text)| {
        *kind == format!("{op:?}")
            && path.to_string_lossy().ends_with(text.as_str())
            && !FIRED.swap(true, Ordering::SeqCst)
    });
    if *AT == Some(n) || matched {
        return Err(io::Error::from_raw_os_error(op.errno()));
    }
    Ok(())
}

/// A writer whose every write passes [`check`] first.
pub struct Checked<W> {
    inner: W,
    path: PathBuf,
}

impl<W> Checked<W> {
    pub fn new(inner: W, path: impl Into<PathBuf>) -> Self {
        Checked {
            inner,
            path: path.into(),
        }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }

    pub fn get_ref(&self) -> &W {
        &self.inner
    }
}

impl<W: Write> Write for Checked<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        check(Op::Write, &self.path)?;
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `File::sync_all` behind [`check`].
pub fn sync(file: &std::fs::File, path: &Path) -> io::Result<()> {
    check(Op::Sync, path)?;
    file.sync_all()
}

/// `fs::rename` behind [`check`].
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    check(Op::Rename, to)?;
    std::fs::rename(from, to)
}

/// `fs::create_dir_all` behind [`check`].
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    check(Op::Mkdir, dir)?;
    std::fs::create_dir_all(dir)
}

/// `fs::create_dir` behind [`check`].
pub fn create_dir(dir: &Path) -> io::Result<()> {
    check(Op::Mkdir, dir)?;
    std::fs::create_dir(dir)
}

/// `File::create` behind [`check`].
pub fn create(path: &Path) -> io::Result<std::fs::File> {
    check(Op::Create, path)?;
    std::fs::File::create(path)
}
