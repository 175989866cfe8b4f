//! The releases folder (`dist/`): which versions exist, reading one back,
//! and the lock under which a build changes anything in it.
//!
//! Only a holder of [`Lock`] writes. Everything a build writes goes into a
//! hidden (dot) folder first and is renamed into place, so a build killed at
//! any moment leaves every release as it was; the next build removes what it
//! left behind. `index.json` is derived from the releases present and is
//! rewritten by every build, so it heals even if a build died between
//! renaming its release into place and rewriting the catalogue.

use crate::error::{json, Error, Result};
use crate::fault::{self, Op};
use crate::input::digest::sha256_hex;
use crate::release::layout::{Manifest, MANIFEST, SCHEMA};
use semver::Version;
use serde::Serialize;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const INDEX: &str = "index.json";
const LOCK: &str = ".lock";
const STAGING_PREFIX: &str = ".staging-";

pub struct Dist {
    root: PathBuf,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Written(PathBuf),
    /// The release existed with exactly these bytes.
    Unchanged(PathBuf),
}

impl Dist {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Dist { root: root.into() }
    }

    /// Released versions, ascending. A folder counts when its name is a
    /// semantic version and it holds a manifest.
    pub fn versions(&self) -> Result<Vec<Version>> {
        let entries = match fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&self.root, e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&self.root, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Ok(v) = Version::parse(&name) {
                if entry.path().join(MANIFEST).is_file() {
                    out.push(v);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// The highest released version below `version`.
    pub fn previous(&self, version: &Version) -> Result<Option<Version>> {
        Ok(self.versions()?.into_iter().filter(|v| v < version).max())
    }

    /// The folder of release `version`.
    pub fn dir(&self, version: &Version) -> PathBuf {
        self.root.join(version.to_string())
    }

    /// Takes the folder's lock, creating the folder; fails fast when another
    /// build holds it. Stale staging folders of killed builds are removed.
    pub fn lock(&self) -> Result<Lock<'_>> {
        fault::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let path = self.root.join(LOCK);
        let file = fault::create(&path).map_err(|e| Error::io(&path, e))?;
        fault::check(Op::Lock, &path).map_err(|e| Error::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => return Err(Error::Locked { path }),
            Err(fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
        let lock = Lock {
            dist: self,
            _file: file,
        };
        lock.remove_stale_staging()?;
        Ok(lock)
    }
}

/// The JSON Schema a release was written with.
pub fn read_schema(dir: &Path) -> Result<serde_json::Value> {
    let path = dir.join(SCHEMA);
    let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
    serde_json::from_slice(&bytes).map_err(json(&path))
}

pub struct Lock<'a> {
    dist: &'a Dist,
    _file: File,
}

#[derive(Serialize)]
struct Index {
    releases: Vec<IndexEntry>,
}

#[derive(Serialize)]
struct IndexEntry {
    version: String,
    record_count: u64,
    manifest_sha256: String,
}

impl Lock<'_> {
    fn remove_stale_staging(&self) -> Result<()> {
        let root = &self.dist.root;
        for entry in fs::read_dir(root).map_err(|e| Error::io(root, e))? {
            let entry = entry.map_err(|e| Error::io(root, e))?;
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(STAGING_PREFIX)
            {
                let path = entry.path();
                let removed = fault::check(Op::Remove, &path).and_then(|()| {
                    if path.is_dir() {
                        fs::remove_dir_all(&path)
                    } else {
                        fs::remove_file(&path)
                    }
                });
                removed.map_err(|e| Error::io(&path, e))?;
            }
        }
        Ok(())
    }

    /// Publishes `dist/version/`: `fill` writes the release into a hidden
    /// staging folder, which is then renamed into place. When the version
    /// exists, the staged files are compared with it instead: identical is a
    /// no-op, different an error; the staging folder goes either way.
    pub fn publish(
        &self,
        version: &str,
        fill: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<Outcome> {
        let root = &self.dist.root;
        let target = root.join(version);
        let staging = root.join(format!("{STAGING_PREFIX}{version}-{}", std::process::id()));
        fault::create_dir(&staging).map_err(|e| Error::io(&staging, e))?;
        let result = fill(&staging)
            .and_then(|()| sync_dir(&staging))
            .and_then(|()| {
                if target.exists() {
                    compare_dirs(&staging, &target).map(|()| Outcome::Unchanged(target.clone()))
                } else {
                    // `rename` replaces an empty target folder silently; the
                    // existence check above runs under the lock, so nobody made one since.
                    fault::rename(&staging, &target).map_err(|e| Error::io(&target, e))?;
                    sync_dir(root)?;
                    Ok(Outcome::Written(target.clone()))
                }
            });
        if staging.exists() {
            let _ = fs::remove_dir_all(&staging);
        }
        result
    }

    /// Rewrites `index.json` from the releases present (atomically, and only
    /// when its bytes change).
    pub fn write_index(&self) -> Result<()> {
        let root = &self.dist.root;
        let mut releases = Vec::new();
        for v in self.dist.versions()? {
            let path = root.join(v.to_string()).join(MANIFEST);
            let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
            let manifest = Manifest::from_bytes(&path, &bytes)?;
            releases.push(IndexEntry {
                version: v.to_string(),
                record_count: manifest.record_count as u64,
                manifest_sha256: sha256_hex(&bytes),
            });
        }
        let mut bytes =
            serde_json::to_vec_pretty(&Index { releases }).map_err(json(root.join(INDEX)))?;
        bytes.push(b'\n');
        let path = root.join(INDEX);
        if fs::read(&path).ok().as_deref() == Some(&bytes[..]) {
            return Ok(());
        }
        let tmp = root.join(format!("{STAGING_PREFIX}{INDEX}-{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = fault::Checked::new(fault::create(&tmp)?, &tmp);
            f.write_all(&bytes)?;
            fault::sync(f.get_ref(), &tmp)?;
            fault::rename(&tmp, &path)
        };
        if let Err(e) = write() {
            let _ = fs::remove_file(&tmp);
            return Err(Error::io(&path, e));
        }
        sync_dir(root)
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| fault::sync(&d, dir))
        .map_err(|e| Error::io(dir, e))
}

/// Names every file that differs between a freshly built release and the
/// existing one, comparing bytes in chunks (releases can be large).
pub fn compare_dirs(built: &Path, existing: &Path) -> Result<()> {
    let names = |dir: &Path| -> Result<Vec<String>> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        Ok(v)
    };
    let (new, old) = (names(built)?, names(existing)?);
    let mut differing = Vec::new();
    for name in &new {
        if !old.contains(name) {
            differing.push(format!("{name} (missing)"));
        } else if !same_bytes(&built.join(name), &existing.join(name))? {
            differing.push(name.clone());
        }
    }
    for name in old.iter().filter(|n| !new.contains(n)) {
        differing.push(format!("{name} (not built)"));
    }
    if differing.is_empty() {
        Ok(())
    } else {
        Err(Error::ReleaseDiffers {
            path: existing.to_path_buf(),
            files: differing.join(", "),
        })
    }
}

fn same_bytes(a: &Path, b: &Path) -> Result<bool> {
    use std::io::Read;
    let open = |p: &Path| File::open(p).map_err(|e| Error::io(p, e));
    let (fa, fb) = (open(a)?, open(b)?);
    let len = |f: &File, p: &Path| f.metadata().map(|m| m.len()).map_err(|e| Error::io(p, e));
    if len(&fa, a)? != len(&fb, b)? {
        return Ok(false);
    }
    let (mut ra, mut rb) = (std::io::BufReader::new(fa), std::io::BufReader::new(fb));
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = ra.read(&mut ba).map_err(|e| Error::io(a, e))?;
        if n == 0 {
            return Ok(true);
        }
        rb.read_exact(&mut bb[..n]).map_err(|e| Error::io(b, e))?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}
