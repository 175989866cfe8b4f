//! `newscorpus validate --against RELEASE`: a contributor's new files are
//! checked for copies and near copies of articles already released, without
//! re-parsing the release.

use crate::common;

use crate::common::{code, stderr, stdout, Workdir};
use serde_json::Value;
use std::fs;

/// A workdir with the seeds, their release in `dist/`, and two new files:
/// a renamed copy of a released seed and a lightly edited one.
fn setup() -> Workdir {
    let wd = Workdir::with_seeds();
    assert_eq!(code(&wd.run(&["build"])), 0);
    let seed = |n: &str| fs::read_to_string(wd.path().join("seeds").join(n)).unwrap();
    wd.write(
        "new/010_00000000000000aa.txt",
        seed("003_95e29a5b85b68a4f.txt"),
    );
    wd.write(
        "new/011_00000000000000bb.txt",
        seed("004_3c148edddf5b7089.txt").replacen("Kremlin", "The Kremlin", 1),
    );
    wd
}

/// The seeds' release, which `setup` built (the seeds build the newest
/// committed version).
fn release(_: &Workdir) -> String {
    format!("dist/{}", common::newest_release().0)
}

fn findings(out: &std::process::Output) -> Vec<(String, String, String)> {
    let doc: Value = serde_json::from_str(&stdout(out)).unwrap();
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn copies_and_near_copies_of_released_articles_are_found() {
    let wd = setup();
    let rel = release(&wd);
    let out = wd.run(&["validate", "new", "--against", &rel, "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let f = findings(&out);
    let copy = f
        .iter()
        .find(|(file, rule, _)| {
            file == "new/010_00000000000000aa.txt" && rule == "duplicate-source"
        })
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(copy.2.contains("`003_95e29a5b85b68a4f.txt`"), "{}", copy.2);
    assert!(copy.2.contains("already in release"), "{}", copy.2);
    let near = f
        .iter()
        .find(|(file, rule, _)| file == "new/011_00000000000000bb.txt" && rule == "near-duplicate")
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(near.2.contains("`004_3c148edddf5b7089.txt`"), "{}", near.2);
    // Without --against the new files are fine on their own.
    let alone = wd.run(&["validate", "new", "--format", "json"]);
    assert_eq!(code(&alone), 0, "{}", stdout(&alone));
}

#[test]
fn released_files_are_not_their_own_duplicates() {
    let wd = setup();
    let rel = release(&wd);
    let plain = wd.run(&["validate", "seeds", "--format", "json"]);
    let against = wd.run(&["validate", "seeds", "--against", &rel, "--format", "json"]);
    assert_eq!(code(&against), 0, "{}", stdout(&against));
    assert_eq!(findings(&plain), findings(&against));
}

#[test]
fn the_cache_changes_nothing_but_speed_and_a_bad_cache_is_ignored() {
    let wd = setup();
    let rel = release(&wd);
    let args = ["validate", "new", "--against", &rel, "--format", "json"];
    let uncached = wd.run(&[
        "validate",
        "new",
        "--against",
        &rel,
        "--format",
        "json",
        "--no-cache",
    ]);
    let against_caches = || -> Vec<std::path::PathBuf> {
        fs::read_dir(wd.path().join("dist/.cache"))
            .map(|d| {
                d.map(|e| e.unwrap().path())
                    .filter(|p| {
                        p.file_name()
                            .unwrap()
                            .to_string_lossy()
                            .starts_with("against-")
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(against_caches().is_empty(), "--no-cache wrote a cache");
    let first = wd.run(&args);
    let caches = against_caches();
    assert_eq!(caches.len(), 1);
    let second = wd.run(&args);
    assert_eq!(findings(&uncached), findings(&first));
    assert_eq!(findings(&first), findings(&second));
    // A cache cut short or overwritten is recomputed, not trusted.
    let bytes = fs::read(&caches[0]).unwrap();
    fs::write(&caches[0], &bytes[..bytes.len() - 3]).unwrap();
    assert_eq!(findings(&wd.run(&args)), findings(&first));
    fs::write(&caches[0], b"junk").unwrap();
    assert_eq!(findings(&wd.run(&args)), findings(&first));
}

#[test]
fn a_sort_budget_of_a_few_bytes_finds_the_same() {
    let wd = setup();
    // The same story saved with other page chrome: a copy of the body.
    let seed = fs::read_to_string(wd.path().join("seeds/002_c85ca255a4b327b4.txt")).unwrap();
    wd.write(
        "new/012_00000000000000cc.txt",
        format!("{}\n\nSHARE THIS ARTICLE ON\n", seed.trim_end()),
    );
    let rel = release(&wd);
    // Both sides' keys are joined by the external sort: with a budget of
    // 16 bytes, every key is a run of its own.
    let findings = |budget: &str| {
        let out = wd
            .command(&["validate", "new", "--against", &rel, "--format", "json"])
            .env("NEWSCORPUS_SORT_BUFFER", budget)
            .output()
            .unwrap();
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        findings(&out)
    };
    let spilled = findings("16");
    for rule in ["duplicate-source", "duplicate-text", "near-duplicate"] {
        assert!(
            spilled.iter().any(|(_, r, _)| r == rule),
            "no {rule}: {spilled:?}"
        );
    }
    assert_eq!(spilled, findings("1G"));
}

#[test]
fn a_missing_release_is_a_usage_error() {
    let wd = setup();
    let out = wd.run(&["validate", "new", "--against", "dist/9.9.9"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("dist/9.9.9/manifest.json"),
        "{}",
        stderr(&out)
    );
}
