//! Release lifecycle: verify, diff, changelog, version policy, catalogue,
//! and crash safety under SIGKILL.

use crate::common;

use crate::common::{code, copy_dir, stderr, stdout, tree, Workdir};
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

#[test]
fn committed_release_verifies_and_rebuilds_identically() {
    let repo = common::repo();
    let wd = Workdir::new();
    let out = wd.run(&[
        "verify",
        common::newest_release().1.to_str().unwrap(),
        "--rebuild",
        "--seeds",
        repo.join("seeds").to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn tampering_with_any_byte_of_any_file_is_caught_and_named() {
    let wd = Workdir::new();
    let release = wd.path().join("1.0.0");
    copy_dir(&common::newest_release().1, &release);
    assert!(newscorpus::verify(&release).unwrap().is_empty());
    let mut rng = common::Lcg(7);
    for (name, original) in tree(&release) {
        // Every byte of the small files, 40 spread over each large one, and the ends.
        let mut positions: Vec<usize> = if original.len() <= 2048 {
            (0..original.len()).collect()
        } else {
            (0..40)
                .map(|_| rng.below(original.len() as u64) as usize)
                .collect()
        };
        positions.extend([0, original.len() - 1]);
        for pos in positions {
            let mut bytes = original.clone();
            bytes[pos] ^= 0x01;
            fs::write(release.join(&name), &bytes).unwrap();
            let problems = newscorpus::verify(&release).unwrap();
            assert!(
                problems.iter().any(|p| p.contains(name.as_str())),
                "flipping byte {pos} of {name} went unnamed: {problems:?}"
            );
        }
        fs::write(release.join(&name), &original).unwrap();
    }
    // Through the binary: exit 1 and the file named on stdout.
    let mut csv = fs::read(release.join("articles.csv")).unwrap();
    csv[100] ^= 0x20;
    fs::write(release.join("articles.csv"), csv).unwrap();
    fs::write(release.join("extra.txt"), "x").unwrap();
    fs::remove_file(release.join("articles.json")).unwrap();
    let out = wd.run(&["verify", "1.0.0"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    for needle in [
        "1.0.0/articles.csv: sha256 differs from SHA256SUMS",
        "1.0.0/extra.txt: not listed in SHA256SUMS",
        "1.0.0/SHA256SUMS: lists `articles.json`, which is missing",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
}

/// The record-level checks, which read the three record files side by side
/// as streams: order, unique ids, counts and agreement are each named.
#[test]
fn verify_names_disordered_duplicated_and_missing_records() {
    let wd = Workdir::new();
    let release = wd.path().join("r");
    let (_, newest) = common::newest_release();
    let jsonl = fs::read_to_string(newest.join("articles.jsonl")).unwrap();
    let lines: Vec<&str> = jsonl.lines().collect();
    assert!(lines.len() >= 3);
    let check = |edit: &dyn Fn(&mut Vec<&str>), expected: &[&str]| {
        let _ = fs::remove_dir_all(&release);
        copy_dir(&newest, &release);
        let mut l = lines.clone();
        edit(&mut l);
        fs::write(
            release.join("articles.jsonl"),
            format!("{}\n", l.join("\n")),
        )
        .unwrap();
        let problems = newscorpus::verify(&release).unwrap();
        for e in expected {
            assert!(
                problems.iter().any(|p| p.contains(e)),
                "{e:?} not in {problems:#?}"
            );
        }
    };
    check(
        &|l| l.swap(0, 2),
        &[
            "articles.jsonl: records are not in release order",
            "articles.json: record",
            "articles.csv: record",
        ],
    );
    check(&|l| l[1] = l[0], &["articles.jsonl: ids are not unique"]);
    check(
        &|l| {
            l.pop();
        },
        &[
            &format!(
                "articles.json: {} records, but articles.jsonl has {}",
                lines.len(),
                lines.len() - 1
            ),
            "manifest.json: record_count is not the number of records",
        ],
    );
    check(&|l| l[1] = "{not json", &["articles.jsonl: line 2:"]);
}

/// Builds `seeds` as version `v` into `dist`, returning the process output.
fn build(wd: &Workdir, seeds: &str, v: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "--seeds", seeds, "--out", "dist", "--version", v];
    args.extend_from_slice(extra);
    wd.run(&args)
}

#[test]
fn diff_changelog_policy_and_catalogue_across_releases() {
    let wd = Workdir::with_seeds();
    assert_eq!(code(&build(&wd, "seeds", "1.0.0", &[])), 0);
    // One added, one removed, one edited.
    let extra = fs::read_to_string(wd.path().join("seeds/004_3c148edddf5b7089.txt")).unwrap();
    wd.write(
        "seeds/005_00000000000000aa.txt",
        extra
            .replace(" date 2021-12-23", " date 2021-12-24")
            .replace("breakthrough", "surprise move"),
    );
    fs::remove_file(wd.path().join("seeds/000_4885012b05b90505.txt")).unwrap();
    let mut edited = fs::read_to_string(wd.path().join("seeds/001_da1ada9ae65b21ab.txt")).unwrap();
    edited = edited.replace("does not intends", "does not intend");
    wd.write("seeds/001_da1ada9ae65b21ab.txt", edited);

    // A minor bump is not enough for a removal and an edit.
    let out = build(&wd, "seeds", "1.1.0", &[]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("needs a major bump") && err.contains("1 record(s) removed"),
        "{err}"
    );
    assert!(!wd.exists("dist/1.1.0"));
    // Nor a version below the newest.
    assert_eq!(code(&build(&wd, "seeds", "0.9.0", &[])), 1);

    let out = build(&wd, "seeds", "2.0.0", &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let out = wd.run(&["diff", "dist/1.0.0", "dist/2.0.0", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let d: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(d["added"].as_array().unwrap().len(), 1);
    assert_eq!(d["removed"], serde_json::json!(["art_fa73ae0896fd4656"]));
    assert_eq!(d["edited"][0]["source_file"], "001_da1ada9ae65b21ab.txt");
    assert_eq!(d["edited"][0]["old_id"], "art_6c9098b9b7a47578");
    assert_eq!(d["changed"], serde_json::json!([]));
    assert_eq!(
        d["summary"],
        serde_json::json!({"added": 1, "removed": 1, "edited": 1, "changed": 0, "unchanged": 3})
    );

    let changes = String::from_utf8(wd.read("dist/2.0.0/CHANGES.md")).unwrap();
    assert!(
        changes.starts_with("# Changes in 2.0.0 (since 1.0.0)"),
        "{changes}"
    );
    assert!(
        changes.contains("1 added, 1 removed, 1 edited, 0 changed, 3 unchanged."),
        "{changes}"
    );
    assert!(changes.contains("`005_00000000000000aa.txt`"), "{changes}");
    let markdown = stdout(&wd.run(&["diff", "dist/1.0.0", "dist/2.0.0", "--format", "markdown"]));
    assert_eq!(markdown, changes, "CHANGES.md is the Markdown diff");
    assert!(String::from_utf8(wd.read("dist/1.0.0/CHANGES.md"))
        .unwrap()
        .contains("Initial release: 5 records."));

    let manifest: serde_json::Value =
        serde_json::from_slice(&wd.read("dist/2.0.0/manifest.json")).unwrap();
    assert_eq!(manifest["version_policy"]["previous_version"], "1.0.0");
    assert_eq!(manifest["version_policy"]["required_bump"], "major");
    assert_eq!(manifest["version_policy"]["overridden"], false);

    // The catalogue lists both, with each manifest's digest.
    let index: serde_json::Value = serde_json::from_slice(&wd.read("dist/index.json")).unwrap();
    let versions: Vec<&str> = index["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["1.0.0", "2.0.0"]);
    assert_eq!(index["releases"][1]["record_count"], 5);
    assert_eq!(
        index["releases"][1]["manifest_sha256"],
        common::sha256_hex(&wd.read("dist/2.0.0/manifest.json"))
    );

    // Adding one record needs a minor bump; the override is recorded.
    wd.write(
        "seeds/006_00000000000000bb.txt",
        extra
            .replace(" date 2021-12-23", " date 2021-12-25")
            .replace("Die Welt", "Le Monde and others"),
    );
    let out = build(&wd, "seeds", "2.0.1", &[]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("needs a minor bump"),
        "{}",
        stderr(&out)
    );
    let out = build(&wd, "seeds", "2.0.1", &["--allow-version-policy"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let manifest: serde_json::Value =
        serde_json::from_slice(&wd.read("dist/2.0.1/manifest.json")).unwrap();
    assert_eq!(manifest["version_policy"]["overridden"], true);
    // Rebuilding the overridden release is still a no-op, and it verifies.
    assert_eq!(code(&build(&wd, "seeds", "2.0.1", &[])), 0);
    let out = wd.run(&["verify", "dist/2.0.1", "--rebuild", "--seeds", "seeds"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn diff_reports_field_changes_of_an_unchanged_id() {
    let wd = Workdir::new();
    copy_dir(&common::repo().join("dist/1.0.0"), &wd.path().join("old"));
    copy_dir(&common::repo().join("dist/1.0.0"), &wd.path().join("new"));
    let jsonl = String::from_utf8(wd.read("new/articles.jsonl")).unwrap();
    wd.write(
        "new/articles.jsonl",
        jsonl.replacen("\"title\":null", "\"title\":\"A parser found this\"", 1),
    );
    let out = wd.run(&["diff", "old", "new"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.contains("changed  art_6c9098b9b7a47578"), "{text}");
    assert!(
        text.contains("title: null -> \"A parser found this\""),
        "{text}"
    );
    assert!(
        text.contains("0 added, 0 removed, 0 edited, 1 changed, 4 unchanged"),
        "{text}"
    );
}

/// What `dist/` holds, without the lock file and hidden staging leftovers
/// (which the next build removes).
fn visible(dist: &Path) -> Vec<(String, Vec<u8>)> {
    tree(dist)
        .into_iter()
        .filter(|(rel, _)| !rel.starts_with('.'))
        .collect()
}

#[test]
fn builds_killed_at_random_moments_leave_dist_as_it_was() {
    let wd = Workdir::new();
    common::write_generated_corpus(&wd.path().join("seeds"), 250, 42);
    fs::copy(
        common::repo().join("seeds/dataset.toml"),
        wd.path().join("seeds/dataset.toml"),
    )
    .unwrap();
    // The state before each kill: one earlier release and its catalogue.
    let out = wd.run(&[
        "build",
        "--seeds",
        "seeds",
        "--out",
        "base",
        "--version",
        "0.1.0",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let before = visible(&wd.path().join("base"));

    // The state a completed build gives, and how long one takes.
    copy_dir(&wd.path().join("base"), &wd.path().join("done"));
    let start = Instant::now();
    let out = wd.run(&[
        "build",
        "--seeds",
        "seeds",
        "--out",
        "done",
        "--version",
        "0.2.0",
    ]);
    let full = start.elapsed();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let after = visible(&wd.path().join("done"));

    let mut rng = common::Lcg(2024);
    let (mut untouched, mut completed, mut mid_write) = (0, 0, 0);
    for i in 0..50 {
        let dist = wd.path().join(format!("kill-{i}"));
        copy_dir(&wd.path().join("base"), &dist);
        let mut child = wd
            .command(&[
                "build",
                "--seeds",
                "seeds",
                "--out",
                dist.to_str().unwrap(),
                "--version",
                "0.2.0",
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let nanos = full.as_nanos() as u64;
        if i % 2 == 0 {
            // Anywhere in the run (mostly while it reads and checks).
            std::thread::sleep(Duration::from_nanos(rng.below(nanos)));
        } else {
            // While it writes: as soon as its staging folder appears, plus a
            // random few hundred microseconds.
            let deadline = Instant::now() + full * 3;
            while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
                let staging = fs::read_dir(&dist)
                    .map(|d| {
                        d.flatten()
                            .any(|e| e.file_name().to_string_lossy().starts_with(".staging"))
                    })
                    .unwrap_or(false);
                if staging {
                    std::thread::sleep(Duration::from_micros(rng.below(400)));
                    break;
                }
            }
        }
        let at = i;
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let state = visible(&dist);
        if tree(&dist)
            .iter()
            .any(|(rel, _)| rel.starts_with(".staging"))
        {
            mid_write += 1;
        }
        if state == before {
            untouched += 1;
        } else if state == after {
            completed += 1;
        } else {
            // The one window between renaming the release into place and
            // rewriting the derived catalogue: the release must be whole,
            // and the next build must heal the catalogue.
            let release = dist.join("0.2.0");
            assert!(
                release.is_dir(),
                "kill {at} left a state that is neither before nor after"
            );
            assert!(
                newscorpus::verify(&release).unwrap().is_empty(),
                "kill {i}: half a release"
            );
            let out = wd.run(&[
                "build",
                "--seeds",
                "seeds",
                "--out",
                dist.to_str().unwrap(),
                "--version",
                "0.2.0",
            ]);
            assert_eq!(code(&out), 0);
            assert!(
                visible(&dist) == after,
                "kill {i}: the next build did not heal the catalogue"
            );
            completed += 1;
        }
        // Whatever the kill left hidden, the next build clears it.
        let out = wd.run(&[
            "build",
            "--seeds",
            "seeds",
            "--out",
            dist.to_str().unwrap(),
            "--version",
            "0.2.0",
        ]);
        assert_eq!(code(&out), 0, "kill {i}: {}", stderr(&out));
        let leftovers: Vec<String> = fs::read_dir(&dist)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".staging"))
            .collect();
        assert!(leftovers.is_empty(), "kill {i}: {leftovers:?}");
        assert!(visible(&dist) == after);
    }
    eprintln!(
        "50 kills: {untouched} left dist untouched ({mid_write} of them mid-write, leaving a hidden staging folder), \
         {completed} came after the release was in place"
    );
    assert!(
        untouched > 0,
        "no kill landed before the rename; the test does not test"
    );
}

#[test]
fn committed_catalogue_lists_every_committed_release() {
    let dist = common::repo().join("dist");
    let index: serde_json::Value =
        serde_json::from_slice(&fs::read(dist.join("index.json")).unwrap()).unwrap();
    let listed: Vec<(String, String)> = index["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["version"].as_str().unwrap().to_string(),
                r["manifest_sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut present: Vec<(semver::Version, String)> = fs::read_dir(&dist)
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("manifest.json").is_file())
        .map(|e| {
            let v = semver::Version::parse(&e.file_name().to_string_lossy()).unwrap();
            (
                v,
                common::sha256_hex(&fs::read(e.path().join("manifest.json")).unwrap()),
            )
        })
        .collect();
    present.sort();
    let present: Vec<(String, String)> = present
        .into_iter()
        .map(|(v, h)| (v.to_string(), h))
        .collect();
    assert_eq!(listed, present);
}
