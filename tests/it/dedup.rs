//! A maintainer importing a crawl: duplicates are refused by default, and a
//! `[dedup]` keep-one policy releases one of each group, lists the rest in
//! `duplicates.csv`, and keeps the same ones however the build is run.

use crate::common::*;

const KEEP_ONE: &str = "\n[dedup]\nexact = \"keep-one\"\nnear = \"keep-one\"\n";

/// 400 generated articles, 5% exact copies and 2% near copies.
fn crawl(wd: &Workdir) {
    let out = wd.run(&[
        "synth",
        "--count",
        "400",
        "--seed",
        "3",
        "--exact-duplicates",
        "0.05",
        "--near-duplicates",
        "0.02",
        "--out",
        "gen",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(bytes);
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "dropped_id",
            "kept_id",
            "kind",
            "similarity",
            "dropped_file",
            "kept_file"
        ]
    );
    r.records()
        .map(|row| row.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn the_default_refuses_duplicates_and_writes_nothing() {
    let wd = Workdir::new();
    crawl(&wd);
    let out = wd.run(&["build", "--seeds", "gen", "--out", "dist"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("error[duplicate-source]"),
        "{}",
        stderr(&out)
    );
    assert!(!wd.exists("dist/1.0.0"));
    // The groupings sort their keys in runs spilled past the sort budget:
    // with a budget of a few bytes every finding is the same.
    let findings = |budget: &str| {
        let out = wd
            .command(&["validate", "gen", "--format", "json"])
            .env("NEWSCORPUS_SORT_BUFFER", budget)
            .output()
            .unwrap();
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        stdout(&out)
    };
    let spilled = findings("16");
    assert!(spilled.contains("\"duplicate-source\""), "{spilled}");
    assert!(spilled.contains("\"near-duplicate\""), "{spilled}");
    assert_eq!(spilled, findings("1G"));
}

#[test]
fn keep_one_releases_one_of_each_group_whatever_the_threads_order_or_shards() {
    let wd = Workdir::new();
    crawl(&wd);
    let toml = wd.path().join("gen/dataset.toml");
    let mut config = std::fs::read_to_string(&toml).unwrap();
    config.push_str(KEEP_ONE);
    std::fs::write(&toml, &config).unwrap();

    let mut trees = Vec::new();
    for threads in ["1", "2", "8"] {
        let dist = format!("dist-{threads}");
        let out = wd
            .command(&["build", "--seeds", "gen", "--out", &dist])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        trees.push(tree(&wd.path().join(dist)));
    }
    // Every grouping spilled, a key a run.
    let out = wd
        .command(&["build", "--seeds", "gen", "--out", "dist-spilled"])
        .env("NEWSCORPUS_SORT_BUFFER", "16")
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    trees.push(tree(&wd.path().join("dist-spilled")));
    // The same files created in reverse order.
    let mut files = tree(&wd.path().join("gen"));
    files.reverse();
    for (name, bytes) in &files {
        wd.write(&format!("rev/{name}"), bytes);
    }
    let out = wd.run(&["build", "--seeds", "rev", "--out", "dist-rev"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    trees.push(tree(&wd.path().join("dist-rev")));
    // Four shards, merged: the copies of a group fall in different shards.
    for k in 0..4 {
        let shard = format!("{k}/4");
        let out = wd.run(&[
            "build", "--seeds", "gen", "--shard", &shard, "--out", "parts",
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let out = wd.run(&["merge", "parts", "--out", "dist-merged"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    trees.push(tree(&wd.path().join("dist-merged")));
    for (i, t) in trees.iter().enumerate().skip(1) {
        assert!(*t == trees[0], "build {i} kept other records");
    }

    // The lineage: every dropped file is out of the release, every kept
    // file in it, and the two add up to every article read.
    let rows = csv_rows(&wd.read("dist-1/1.0.0/duplicates.csv"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&wd.read("dist-1/1.0.0/manifest.json")).unwrap();
    assert_eq!(manifest["duplicates_dropped"], rows.len());
    let released: Vec<String> = String::from_utf8(wd.read("dist-1/1.0.0/articles.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["source_file"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(released.len() + rows.len(), 400);
    assert_eq!(manifest["record_count"], released.len());
    let kinds: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert!(
        kinds.contains("source") && kinds.contains("near"),
        "{kinds:?}"
    );
    for r in &rows {
        assert!(
            !released.contains(&r[4]),
            "{} was dropped and released",
            r[4]
        );
        assert!(
            released.contains(&r[5]),
            "{} was kept but not released",
            r[5]
        );
        let similarity: f64 = r[3].parse().unwrap();
        assert!((0.8..=1.0).contains(&similarity), "{r:?}");
        if r[2] == "source" {
            assert_eq!(r[0], r[1], "a copy of the source has its id");
        }
    }
    // Researchers are told: the card, the Data Package and Croissant.
    let card = String::from_utf8(wd.read("dist-1/1.0.0/README.md")).unwrap();
    assert!(
        card.contains(&format!(
            "{} records were dropped as duplicates",
            rows.len()
        )),
        "{card}"
    );
    let package: serde_json::Value =
        serde_json::from_slice(&wd.read("dist-1/1.0.0/datapackage.json")).unwrap();
    assert!(package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["path"] == "duplicates.csv"));
    let croissant = String::from_utf8(wd.read("dist-1/1.0.0/croissant.json")).unwrap();
    assert!(croissant.contains("\"duplicates/kept_id\""));
    let out = wd.run(&["verify", "dist-1/1.0.0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // A contributor's `validate` shows the groups the build collapses, as
    // notes: nothing to fix.
    let out = wd.run(&["validate", "gen", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let notes = stdout(&out).matches("dropped from the release").count();
    assert_eq!(notes, rows.len(), "{}", stdout(&out));

    // The next release: the kept copy of a group is deleted, so a copy that
    // was left out is released in its place; CHANGES.md and `diff` say so.
    let source_row = rows.iter().find(|r| r[2] == "source").unwrap();
    std::fs::remove_file(wd.path().join("gen").join(&source_row[5])).unwrap();
    let out = wd.run(&[
        "build",
        "--seeds",
        "gen",
        "--out",
        "dist-1",
        "--version",
        "2.0.0",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let changes = String::from_utf8(wd.read("dist-1/2.0.0/CHANGES.md")).unwrap();
    let back = format!(
        "- `{}`: no longer left out as a source copy of `{}`",
        source_row[4], source_row[5]
    );
    assert!(changes.contains(&back), "{changes}");
    let out = wd.run(&["diff", "dist-1/1.0.0", "dist-1/2.0.0"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!(
            "back in  {} (source copy of {})",
            source_row[4], source_row[5]
        )),
        "{}",
        stdout(&out)
    );
}
