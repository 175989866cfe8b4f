//! A temporary working folder and the built binary, so integration tests
//! read like a user session (the xsv/qsv `Workdir` shape).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_newscorpus");

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Self {
        Workdir {
            dir: tempfile::Builder::new()
                .prefix("newscorpus-test")
                .tempdir()
                .unwrap(),
        }
    }

    /// A work folder whose `seeds/` is a copy of the repository's seeds.
    pub fn with_seeds() -> Self {
        let wd = Workdir::new();
        wd.copy_seeds("seeds", false);
        wd
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Copies the repository's seeds into `rel`, creating files in name order
    /// or in reverse, so tests can show directory order does not matter.
    pub fn copy_seeds(&self, rel: &str, reverse: bool) {
        let mut names: Vec<PathBuf> = std::fs::read_dir(repo().join("seeds"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        if reverse {
            names.reverse();
        }
        let dest = self.path().join(rel);
        std::fs::create_dir_all(&dest).unwrap();
        for src in names {
            std::fs::copy(&src, dest.join(src.file_name().unwrap())).unwrap();
        }
    }

    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).exists()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .current_dir(self.path())
            .env_remove("NO_COLOR");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }
}

pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for (rel, bytes) in tree(from) {
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, bytes).unwrap();
    }
}

/// Every file under `dir`, as (relative path, bytes), sorted.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((rel, std::fs::read(entry.path()).unwrap()));
        }
    }
    out
}

/// insta settings shared by every snapshot test: snapshots live in the
/// repository's top-level `snapshots/` folder.
pub fn insta_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(repo().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// A tiny deterministic generator (64-bit LCG), so generated corpora are the
/// same on every run without a dependency.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: &[&str] = &[
    "Kremlin",
    "Moscow",
    "Kyiv",
    "troops",
    "border",
    "talks",
    "sanctions",
    "spokesman",
    "said",
    "denied",
    "reports",
    "officials",
    "minister",
    "security",
    "guarantees",
    "NATO",
    "Washington",
    "Brussels",
    "Geneva",
    "statement",
    "on",
    "the",
    "a",
    "of",
    "in",
    "that",
    "with",
    "would",
    "not",
    "plans",
    "attack",
    "invade",
    "ceasefire",
    "Donbas",
    "drills",
    "exercises",
    "pipeline",
    "gas",
    "Europe",
    "allies",
    "week",
    "month",
    "envoy",
    "embassy",
    "diplomats",
    "summit",
    "negotiations",
    "warned",
    "urged",
    "rejected",
    "claimed",
];

/// Writes `n` valid, mutually dissimilar articles into `dir` (corpus
/// convention names, dated inside the seed dataset's period).
pub fn write_generated_corpus(dir: &Path, n: usize, seed: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = Lcg(seed);
    for i in 0..n {
        let day = 1 + rng.below(28);
        let mut text = format!("Posted: {day} Dec 2021 10:{:02} GMT\n\n", rng.below(60));
        for p in 0..3 {
            if p > 0 {
                text.push_str("\n\n");
            }
            let words: Vec<&str> = (0..60)
                .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
                .collect();
            text.push_str(&words.join(" "));
            text.push('.');
        }
        let name = format!("{i:06}_{:016x}.txt", rng.next() ^ (rng.next() << 31));
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// The highest committed release: (version, folder).
pub fn newest_release() -> (String, PathBuf) {
    let dist = repo().join("dist");
    let newest = std::fs::read_dir(&dist)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| semver::Version::parse(&e.file_name().to_string_lossy()).ok())
        .max()
        .expect("a committed release in dist/");
    let v = newest.to_string();
    (v.clone(), dist.join(v))
}

/// SHA-256 as lowercase hex, computed here (not by the code under test).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
