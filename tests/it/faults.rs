//! Every write, fsync, rename, folder creation and lock that `build`,
//! `build --shard`, `merge` and `validate --against` make, failed in turn
//! with a real OS error (built with `--features fault-injection`; see
//! `src/fault.rs`). After each: a failed release write exits 2 naming the
//! file and the OS error; a failed cache write costs nothing but speed;
//! either way every release already in `dist/` is byte-identical, no staging
//! folder is left, `index.json` is valid, and the next run succeeds with
//! the release it would have written anyway.

use crate::common::{code, copy_dir, stderr, tree, Workdir, BIN};
use std::path::Path;
use std::process::{Command, Output};

/// One operation the fault layer counted: its number, kind and path.
struct Op {
    n: usize,
    kind: String,
    path: String,
}

fn run(dir: &Path, args: &[&str], fault: Option<usize>, log: Option<&Path>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        // One thread: the operations are counted in one order every run.
        .env("RAYON_NUM_THREADS", "1")
        .env_remove("NEWSCORPUS_FAULT_AT")
        .env_remove("NEWSCORPUS_FAULT_LOG");
    if let Some(n) = fault {
        cmd.env("NEWSCORPUS_FAULT_AT", n.to_string());
    }
    if let Some(log) = log {
        cmd.env("NEWSCORPUS_FAULT_LOG", log);
    }
    cmd.output().unwrap()
}

/// The operations a fault-free run of `args` in a copy of `base` makes.
fn operations(base: &Path, args: &[&str]) -> Vec<Op> {
    let probe = Workdir::new();
    copy_dir(base, probe.path());
    let log = probe.path().join("ops.log");
    let out = run(probe.path(), args, None, Some(&log));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = std::fs::read_to_string(&log).unwrap();
    text.lines()
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            Op {
                n: f.next().unwrap().parse().unwrap(),
                kind: f.next().unwrap().to_string(),
                path: f.next().unwrap().to_string(),
            }
        })
        .collect()
}

/// The operations that change files (opening an input is counted too, and
/// has a test of its own).
fn writes(base: &Path, args: &[&str]) -> Vec<Op> {
    operations(base, args)
        .into_iter()
        .filter(|o| o.kind != "Read")
        .collect()
}

/// Files under `dir`, leaving out what is not a release: the lock file and
/// the caches.
/// Each with the SHA-256 of its bytes, so a failed comparison reads well.
fn releases(dir: &Path) -> Vec<(String, String)> {
    if !dir.exists() {
        return Vec::new();
    }
    tree(dir)
        .into_iter()
        .filter(|(rel, _)| rel != ".lock" && !rel.starts_with(".cache"))
        .map(|(rel, bytes)| (rel, crate::common::sha256_hex(&bytes)))
        .collect()
}

/// Checks the state of `dist` after a failed run: the releases that were
/// there are as they were, the new one is absent or complete, nothing is
/// staged, and `index.json` lists releases that exist with their
/// manifests' digests.
fn assert_intact(dist: &Path, before: &[(String, String)], after: &[(String, String)], what: &str) {
    let now = releases(dist);
    for (rel, bytes) in before {
        if rel == "index.json" {
            continue;
        }
        let found = now.iter().find(|(r, _)| r == rel);
        assert_eq!(found.map(|(_, b)| b), Some(bytes), "{what}: {rel} changed");
    }
    for (rel, bytes) in &now {
        assert!(!rel.starts_with(".staging"), "{what}: {rel} left behind");
        if rel == "index.json" {
            continue;
        }
        let expected = after.iter().find(|(r, _)| r == rel);
        assert_eq!(
            Some(bytes),
            expected.map(|(_, b)| b),
            "{what}: {rel} is not the release's"
        );
    }
    let staged = std::fs::read_dir(dist)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with(".staging"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(
        staged,
        0,
        "{what}: a staging folder is left in {}",
        dist.display()
    );
    if let Ok(bytes) = std::fs::read(dist.join("index.json")) {
        let index: serde_json::Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{what}: index.json is not JSON: {e}"));
        for entry in index["releases"].as_array().unwrap() {
            let version = entry["version"].as_str().unwrap();
            let manifest = std::fs::read(dist.join(version).join("manifest.json"))
                .unwrap_or_else(|e| panic!("{what}: index lists {version}: {e}"));
            assert_eq!(
                entry["manifest_sha256"].as_str().unwrap(),
                crate::common::sha256_hex(&manifest),
                "{what}"
            );
        }
    }
}

/// The digits a staging name ends with.
fn pid_of(path: &str) -> &str {
    let digits = path.bytes().rev().take_while(u8::is_ascii_digit).count();
    &path[path.len() - digits..]
}

/// What a failure must say: the file and the OS error.
fn assert_named(out: &Output, op: &Op, what: &str) {
    let err = stderr(out);
    assert_eq!(code(out), 2, "{what}: exit code; stderr: {err}");
    // A staging folder's name ends with the writer's process id, which
    // differs from run to run: the name is checked up to it, and the file.
    let mut parts: Vec<&str> = vec![&op.path];
    if let Some(dir) = op.path.strip_suffix(&format!(
        "/.staging-index.json-{pid}",
        pid = pid_of(&op.path)
    )) {
        // `index.json` is written under a temporary name; the error names it.
        parts = vec![dir, "/index.json"];
    } else if let Some(at) = op.path.find(".staging-") {
        let end = op.path[at..].find('/').map_or(op.path.len(), |e| at + e);
        let pid = op.path[..end].rfind('-').unwrap_or(end);
        parts = vec![&op.path[..pid + 1], &op.path[end..]];
    }
    for shown in parts {
        assert!(
            err.contains(shown),
            "{what}: stderr does not name {shown}:\n{err}"
        );
    }
    assert!(err.contains("(os error "), "{what}: no OS error in:\n{err}");
}

/// Whether a counted operation is on a cache: a file in `.cache/`, or a
/// temporary file the parse cache writes its new index through.
fn is_cache(path: &str) -> bool {
    path.contains("/.cache") || path.contains("the parse cache's")
}

/// Fails each operation of `args` in turn, in a fresh copy of `base`;
/// `out` is the releases folder the command writes. Returns the number of
/// faults injected.
fn walk(base: &Path, args: &[&str], out: &str) -> usize {
    let ops = writes(base, args);
    assert!(
        !ops.is_empty(),
        "the fault layer counted nothing for {args:?}"
    );
    let before = releases(&base.join(out));
    let after = {
        let wd = Workdir::new();
        copy_dir(base, wd.path());
        assert_eq!(code(&run(wd.path(), args, None, None)), 0);
        releases(&wd.path().join(out))
    };
    for op in &ops {
        let what = format!("{args:?} with fault {} ({} {})", op.n, op.kind, op.path);
        let wd = Workdir::new();
        copy_dir(base, wd.path());
        let dist = wd.path().join(out);
        let failed = run(wd.path(), args, Some(op.n), None);
        if is_cache(&op.path) {
            // A cache is only speed: the run goes on without it.
            assert_eq!(code(&failed), 0, "{what}: {}", stderr(&failed));
            assert_eq!(releases(&dist), after, "{what}");
        } else {
            assert_named(&failed, op, &what);
            assert_intact(&dist, &before, &after, &what);
        }
        let again = run(wd.path(), args, None, None);
        assert_eq!(code(&again), 0, "{what}: the next run: {}", stderr(&again));
        assert_eq!(releases(&dist), after, "{what}: the next run");
    }
    eprintln!("{} faults injected into {args:?}", ops.len());
    ops.len()
}

/// The build of the next release, 1.1.0 beside 1.0.0.
const NEXT: &[&str] = &[
    "build",
    "--seeds",
    "seeds",
    "--out",
    "dist",
    "--version",
    "1.1.0",
];

/// A work folder with the seeds released as 1.0.0, and one article added
/// since, so the next build writes `CHANGES.md` against 1.0.0.
fn second_release() -> Workdir {
    let wd = Workdir::with_seeds();
    let out = wd.run(&[
        "build",
        "--seeds",
        "seeds",
        "--out",
        "dist",
        "--version",
        "1.0.0",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let first = String::from_utf8(wd.read("seeds/000_4885012b05b90505.txt")).unwrap();
    let body: String = first.lines().skip(1).collect::<Vec<_>>().join("\n");
    wd.write(
        "seeds/005_00000000000000aa.txt",
        format!("Posted: 30 Jan 2022 10:00 GMT\n\nKremlin repeats its call for security guarantees\n{body}\n"),
    );
    wd
}

#[test]
fn every_write_of_a_build_fails_cleanly() {
    let wd = second_release();
    let args = [NEXT, &["--cache", "dist/.cache"]].concat();
    let n = walk(wd.path(), &args, "dist");
    // Spill file, lock, staging, 14 files x (create, write, sync), renames,
    // index and the parse cache: fewer means a write path lost its check.
    assert!(n >= 60, "only {n} operations counted");
}

#[test]
fn every_write_of_shards_and_a_merge_fails_cleanly() {
    let wd = second_release();
    let n1 = walk(
        wd.path(),
        &[
            "build", "--seeds", "seeds", "--shard", "1/2", "--out", "parts",
        ],
        "parts",
    );
    for k in ["0/2", "1/2"] {
        let out = wd.run(&["build", "--seeds", "seeds", "--shard", k, "--out", "parts"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let n2 = walk(
        wd.path(),
        &["merge", "parts", "--out", "dist", "--version", "1.1.0"],
        "dist",
    );
    assert!(n1 >= 8 && n2 >= 50, "only {n1} and {n2} operations counted");
}

#[test]
fn every_write_of_the_fingerprint_cache_fails_cleanly() {
    let wd = second_release();
    let args = ["validate", "seeds", "--against", "dist/1.0.0"];
    let ops = writes(wd.path(), &args);
    assert!(
        ops.iter().any(|o| o.path.contains(".cache")),
        "no cache write counted"
    );
    eprintln!("{} faults injected into {args:?}", ops.len());
    for op in &ops {
        let probe = Workdir::new();
        copy_dir(wd.path(), probe.path());
        let failed = run(probe.path(), &args, Some(op.n), None);
        let what = format!("fault {} ({} {})", op.n, op.kind, op.path);
        if op.path.contains(".cache") {
            assert_eq!(code(&failed), 0, "{what}: {}", stderr(&failed));
        } else {
            assert_named(&failed, op, &what);
        }
        assert_eq!(
            releases(&probe.path().join("dist")),
            releases(&wd.path().join("dist")),
            "{what}"
        );
        let again = run(probe.path(), &args, None, None);
        assert_eq!(code(&again), 0, "{what}: the next run: {}", stderr(&again));
    }
}

#[test]
fn an_article_that_vanishes_after_the_folder_was_listed_is_named() {
    let wd = second_release();
    let reads: Vec<Op> = operations(wd.path(), NEXT)
        .into_iter()
        .filter(|o| o.kind == "Read")
        .collect();
    // The six articles, each opened once after the folder was listed.
    assert_eq!(reads.len(), 6);
    let before = releases(&wd.path().join("dist"));
    for op in &reads {
        let probe = Workdir::new();
        copy_dir(wd.path(), probe.path());
        let failed = run(probe.path(), NEXT, Some(op.n), None);
        let err = stderr(&failed);
        let what = format!("{} vanished", op.path);
        // A finding in an article (exit 1), not an I/O failure of the tool:
        // the file is named, with the rule and the OS error, and the build
        // writes nothing.
        assert_eq!(code(&failed), 1, "{what}: {err}");
        let name = Path::new(&op.path).file_name().unwrap().to_string_lossy();
        assert!(err.contains("error[unreadable-file]"), "{what}: {err}");
        assert!(err.contains(&*name), "{what}: {err}");
        assert!(
            err.contains("No such file or directory (os error 2)"),
            "{what}: {err}"
        );
        assert_eq!(releases(&probe.path().join("dist")), before, "{what}");
    }
}

#[test]
fn a_release_file_that_fails_while_written_by_its_own_thread_fails_the_build_cleanly() {
    // With two threads the text files and Parquet are written by threads of
    // their own, which number operations in any order: the fault is chosen
    // by kind and file instead.
    let wd = second_release();
    let before = releases(&wd.path().join("dist"));
    for file in [
        "articles.csv",
        "articles.json",
        "articles.jsonl",
        "articles.parquet",
    ] {
        for kind in ["Write", "Sync"] {
            let probe = Workdir::new();
            copy_dir(wd.path(), probe.path());
            let out = Command::new(BIN)
                .args(NEXT)
                .current_dir(probe.path())
                .env("RAYON_NUM_THREADS", "2")
                .env("NEWSCORPUS_FAULT_MATCH", format!("{kind}:/{file}"))
                .env_remove("NEWSCORPUS_FAULT_AT")
                .output()
                .unwrap();
            let err = stderr(&out);
            let what = format!("{kind} {file}");
            assert_eq!(code(&out), 2, "{what}: {err}");
            assert!(
                err.contains(file) && err.contains("(os error "),
                "{what}: {err}"
            );
            assert_intact(&probe.path().join("dist"), &before, &before, &what);
        }
    }
}

#[test]
fn a_read_only_dist_is_refused_with_its_file_named_and_left_as_it_was() {
    let wd = second_release();
    let before = releases(&wd.path().join("dist"));
    // Root writes anywhere, so the run drops to `nobody` (setpriv, from
    // util-linux) when the tests run as root; the binary and the seeds are
    // made readable to it and `dist/` read-only to everyone.
    let bin = wd.path().join("newscorpus");
    std::fs::copy(BIN, &bin).unwrap();
    let chmod = |mode: &str, path: &str| {
        let ok = Command::new("chmod")
            .args(["-R", mode, path])
            .current_dir(wd.path())
            .status()
            .unwrap();
        assert!(ok.success());
    };
    chmod("a+rX", ".");
    chmod("a-w", "dist");
    let root = String::from_utf8(Command::new("id").arg("-u").output().unwrap().stdout).unwrap();
    let mut cmd = if root.trim() == "0" {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let out = cmd
        .args(NEXT)
        .current_dir(wd.path())
        .env_remove("NEWSCORPUS_FAULT_AT")
        .env_remove("NEWSCORPUS_FAULT_MATCH")
        .output()
        .unwrap();
    chmod("u+w", "dist");
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(
        err.contains("dist/.lock") && err.contains("Permission denied (os error 13)"),
        "{err}"
    );
    assert_intact(&wd.path().join("dist"), &before, &before, "read-only dist");
}
