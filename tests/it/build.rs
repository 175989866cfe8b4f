//! `newscorpus build` as a maintainer uses it.

use crate::common;

use crate::common::{code, stderr, stdout, tree, Workdir};
use std::fs;

const SEED_NAMES: usize = 5;

/// Every committed release: (version, folder).
fn common_releases() -> Vec<(String, std::path::PathBuf)> {
    let dist = common::repo().join("dist");
    fs::read_dir(&dist)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| semver::Version::parse(&e.file_name().to_string_lossy()).is_ok())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect()
}

/// Where a plain `build` of the seeds writes: `dist/<version in dataset.toml>`.
fn seeds_release() -> String {
    let toml = fs::read_to_string(common::repo().join("seeds/dataset.toml")).unwrap();
    let version = toml
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .expect("a version in seeds/dataset.toml")
        .trim_matches('"');
    format!("dist/{version}")
}

#[test]
fn builds_the_seeds_into_a_release() {
    let wd = Workdir::with_seeds();
    let out = wd.run(&["build"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let names: Vec<String> = tree(&wd.path().join(seeds_release()))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "CHANGES.md",
            "CITATION.cff",
            "README.md",
            "SHA256SUMS",
            "article.schema.json",
            "articles.csv",
            "articles.json",
            "articles.jsonl",
            "articles.parquet",
            "corpus.svg",
            "croissant.json",
            "datapackage.json",
            "manifest.json",
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&wd.read(&format!("{}/manifest.json", seeds_release()))).unwrap();
    assert_eq!(manifest["name"], "kremlin-denials");
    assert_eq!(
        format!("dist/{}", manifest["version"].as_str().unwrap()),
        seeds_release()
    );
    assert_eq!(manifest["record_count"], SEED_NAMES);
    assert_eq!(manifest["id_rule"], 1);
    assert_eq!(manifest["builder"]["version"], env!("CARGO_PKG_VERSION"));
    // Each listed file's size and hash are the real ones.
    for f in manifest["files"].as_array().unwrap() {
        let bytes = wd.read(&format!(
            "{}/{}",
            seeds_release(),
            f["path"].as_str().unwrap()
        ));
        assert_eq!(f["bytes"], bytes.len());
        assert_eq!(f["sha256"], common::sha256_hex(&bytes));
    }
    // The release's records are exactly the ones `parse` gives, sorted
    // by date with the undated one last.
    let records: Vec<serde_json::Value> =
        serde_json::from_slice(&wd.read(&format!("{}/articles.json", seeds_release()))).unwrap();
    let dates: Vec<Option<&str>> = records.iter().map(|r| r["published"].as_str()).collect();
    assert_eq!(
        dates,
        [
            Some("2021-11-23"),
            Some("2021-12-11"),
            Some("2021-12-23"),
            Some("2022-01-15"),
            None
        ]
    );
    let jsonl: Vec<serde_json::Value> =
        String::from_utf8(wd.read(&format!("{}/articles.jsonl", seeds_release())))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
    assert_eq!(jsonl, records);
}

#[test]
fn sha256sums_passes_sha256sum_check() {
    let wd = Workdir::with_seeds();
    assert_eq!(code(&wd.run(&["build"])), 0);
    let dir = wd.path().join(seeds_release());
    let sums = String::from_utf8(wd.read(&format!("{}/SHA256SUMS", seeds_release()))).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&wd.read(&format!("{}/manifest.json", seeds_release()))).unwrap();
    assert_eq!(
        sums.lines().count(),
        manifest["files"].as_array().unwrap().len() + 1,
        "every file but SHA256SUMS itself: the manifest's files and the manifest"
    );
    for line in sums.lines() {
        let (hash, name) = line
            .split_once("  ")
            .expect("sha256sum format: HASH, two spaces, NAME");
        assert_eq!(
            hash,
            common::sha256_hex(&fs::read(dir.join(name)).unwrap()),
            "{name}"
        );
    }
    if let Ok(out) = std::process::Command::new("sha256sum")
        .args(["-c", "SHA256SUMS"])
        .current_dir(&dir)
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn committed_release_is_reproduced_byte_for_byte() {
    // Any change to the builder's output must come with a new version.
    let (version, committed) = common::newest_release();
    let wd = Workdir::new();
    let seeds = common::repo().join("seeds");
    // Earlier releases are there too: CHANGES.md and the version policy
    // are written against the previous one.
    for (v, dir) in common_releases() {
        if v != version {
            common::copy_dir(&dir, &wd.path().join("dist").join(&v));
        }
    }
    let out = wd.run(&[
        "build",
        "--seeds",
        seeds.to_str().unwrap(),
        "--out",
        "dist",
        "--version",
        &version,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let built = tree(&wd.path().join("dist").join(&version));
    let shipped = tree(&committed);
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&built), names(&shipped));
    for ((name, a), (_, b)) in built.iter().zip(&shipped) {
        assert!(a == b, "dist/{version}/{name} differs from a fresh build: bump the version and build a new release");
    }
}

#[test]
fn every_committed_release_matches_its_checksums() {
    for entry in fs::read_dir(common::repo().join("dist")).unwrap() {
        let dir = entry.unwrap().path();
        let is_release =
            semver::Version::parse(&dir.file_name().unwrap().to_string_lossy()).is_ok();
        if !dir.is_dir() || !is_release {
            continue;
        }
        let sums = fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
        let mut listed: Vec<&str> = vec!["SHA256SUMS"];
        for line in sums.lines() {
            let (hash, name) = line.split_once("  ").unwrap();
            let bytes = fs::read(dir.join(name)).unwrap();
            assert_eq!(hash, common::sha256_hex(&bytes), "{}/{name}", dir.display());
            listed.push(name);
        }
        for (name, _) in tree(&dir) {
            assert!(
                listed.contains(&name.as_str()),
                "{}/{name} is not in SHA256SUMS",
                dir.display()
            );
        }
        // Today's `verify` reads every older release (older schemas lack
        // newer columns) and finds it whole.
        let problems = newscorpus::verify(&dir).unwrap();
        assert!(problems.is_empty(), "{}: {problems:?}", dir.display());
    }
}

#[test]
fn output_does_not_depend_on_tz_locale_threads_or_directory_order() {
    let wd = Workdir::new();
    wd.copy_seeds("a", false);
    wd.copy_seeds("b", true);
    let first = wd
        .command(&["build", "--seeds", "a", "--out", "out-a"])
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let second = wd
        .command(&["build", "--seeds", "b", "--out", "out-b"])
        .env("TZ", "Pacific/Kiritimati")
        .env("LC_ALL", "tr_TR.UTF-8")
        .env("LANG", "ja_JP.UTF-8")
        .env("RAYON_NUM_THREADS", "8")
        .output()
        .unwrap();
    assert_eq!(code(&second), 0, "{}", stderr(&second));
    assert!(
        tree(&wd.path().join("out-a")) == tree(&wd.path().join("out-b")),
        "the two releases differ"
    );
}

#[test]
fn rebuilding_an_identical_release_is_a_no_op() {
    let wd = Workdir::with_seeds();
    assert_eq!(code(&wd.run(&["build"])), 0);
    let before = tree(&wd.path().join(seeds_release()));
    let out = wd.run(&["build"]);
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).contains("up to date"), "{}", stderr(&out));
    assert!(before == tree(&wd.path().join(seeds_release())));
}

#[test]
fn a_release_that_would_change_is_refused_and_left_untouched() {
    let wd = Workdir::with_seeds();
    assert_eq!(code(&wd.run(&["build"])), 0);
    let before = tree(&wd.path().join("dist"));
    let mut text = fs::read_to_string(wd.path().join("seeds/004_3c148edddf5b7089.txt")).unwrap();
    text.push_str("\n\nOne more paragraph of article text.");
    wd.write("seeds/004_3c148edddf5b7089.txt", text);
    let out = wd.run(&["build"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("already exists") && err.contains("articles.csv"),
        "{err}"
    );
    assert!(
        before == tree(&wd.path().join("dist")),
        "the existing release was modified"
    );
    // A new version is the way forward (major: the edit retires an ID).
    assert_eq!(code(&wd.run(&["build", "--version", "3.0.0"])), 0);
    assert!(wd.exists("dist/3.0.0/articles.csv"));
}

#[test]
fn validation_errors_stop_the_build_before_anything_is_written() {
    let wd = Workdir::with_seeds();
    wd.write("seeds/005_0000000000000001.txt", b"caf\xE9 au lait\n");
    wd.write(
        "seeds/006_0000000000000002.txt",
        fs::read(common::repo().join("seeds/000_4885012b05b90505.txt")).unwrap(),
    );
    let out = wd.run(&["build"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains("error[invalid-utf8]") && err.contains("seeds/005_0000000000000001.txt"),
        "{err}"
    );
    assert!(
        err.contains("error[duplicate-source]") && err.contains("000_4885012b05b90505.txt"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!wd.exists(&seeds_release()));
}

#[test]
fn stale_staging_folders_are_cleaned_and_a_held_lock_refuses() {
    let wd = Workdir::with_seeds();
    wd.write("dist/.staging-1.0.0-99999/articles.csv", "half");
    let out = wd.run(&["build"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!wd.exists("dist/.staging-1.0.0-99999"));

    let lock = fs::File::create(wd.path().join("dist/.lock")).unwrap();
    lock.try_lock().unwrap();
    let out = wd.run(&["build", "--version", "3.0.0"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("another build"), "{}", stderr(&out));
    assert!(!wd.exists("dist/3.0.0"));
}

#[test]
fn bad_usage_exits_2() {
    let wd = Workdir::with_seeds();
    let out = wd.run(&["build", "--version", "one"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("not a semantic version"),
        "{}",
        stderr(&out)
    );
    let out = wd.run(&["build", "--seeds", "nowhere"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("nowhere"), "{}", stderr(&out));
    assert_eq!(code(&wd.run(&["build", "--no-such-flag"])), 2);
}

#[test]
fn every_command_has_help() {
    let wd = Workdir::new();
    for (cmd, flag) in [
        ("build", "--seeds"),
        ("parse", "--explain"),
        ("validate", "--format"),
    ] {
        let out = wd.run(&[cmd, "--help"]);
        assert_eq!(code(&out), 0);
        assert!(
            stdout(&out).contains(flag),
            "{cmd} --help: {}",
            stdout(&out)
        );
    }
}

#[test]
fn parse_prints_json_lines_and_explains_drops() {
    let wd = Workdir::with_seeds();
    let out = wd.run(&[
        "parse",
        "--explain",
        "seeds/003_95e29a5b85b68a4f.txt",
        "seeds/002_c85ca255a4b327b4.txt",
    ]);
    assert_eq!(code(&out), 0);
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["published"], "2022-01-15");
    assert_eq!(lines[1]["source_file"], "seeds/002_c85ca255a4b327b4.txt");
    let err = stderr(&out);
    assert!(
        err.contains("seeds/003_95e29a5b85b68a4f.txt:5: dropped (story-code): Story Code : 973712"),
        "{err}"
    );
    assert!(
        err.contains("seeds/003_95e29a5b85b68a4f.txt:6: dropped (repeated-headline)"),
        "{err}"
    );
    assert!(
        err.contains("seeds/002_c85ca255a4b327b4.txt:1: dropped (timestamp-stub): Last Updated:"),
        "{err}"
    );
}

#[test]
fn release_files_snapshot() {
    let wd = Workdir::with_seeds();
    assert_eq!(code(&wd.run(&["build"])), 0);
    let settings = common::insta_settings();
    settings.bind(|| {
        for (name, bytes) in tree(&wd.path().join(seeds_release())) {
            if name == "article.schema.json" {
                // The schema is the committed file itself (tests/schema.rs holds them equal).
                continue;
            }
            if name == "articles.parquet" {
                insta::assert_snapshot!("release-articles.parquet-layout", parquet_layout(&bytes));
                continue;
            }
            insta::assert_snapshot!(format!("release-{name}"), String::from_utf8(bytes).unwrap());
        }
    });
}

#[test]
fn one_two_and_eight_threads_write_identical_bytes() {
    let wd = Workdir::new();
    let out = wd.run(&["synth", "--count", "600", "--seed", "7", "--out", "gen"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
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
    assert!(
        trees[0] == trees[1] && trees[1] == trees[2],
        "thread count changed the release"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&wd.read("dist-1/1.0.0/manifest.json")).unwrap();
    assert_eq!(manifest["record_count"], 600);
}

#[test]
fn synth_is_deterministic() {
    let wd = Workdir::new();
    for dir in ["a", "b"] {
        assert_eq!(
            code(&wd.run(&["synth", "--count", "50", "--seed", "3", "--out", dir])),
            0
        );
    }
    assert!(tree(&wd.path().join("a")) == tree(&wd.path().join("b")));
    let sizes: Vec<usize> = tree(&wd.path().join("a"))
        .iter()
        .filter(|(n, _)| n.ends_with(".txt"))
        .map(|(_, b)| b.len())
        .collect();
    assert_eq!(sizes.len(), 50);
    assert!(
        sizes.iter().all(|s| (1500..=6144).contains(s)),
        "1.5–6 KiB: {sizes:?}"
    );
}

#[test]
fn shards_merged_equal_the_plain_build() {
    let wd = Workdir::new();
    assert_eq!(
        code(&wd.run(&["synth", "--count", "400", "--seed", "9", "--out", "gen"])),
        0
    );
    // An exact copy whose two files fall in different shards: only the merge
    // sees both.
    let first = tree(&wd.path().join("gen"))
        .into_iter()
        .find(|(n, _)| n.ends_with(".txt"))
        .unwrap();
    let plain = wd.run(&["build", "--seeds", "gen", "--out", "plain"]);
    assert_eq!(code(&plain), 0, "{}", stderr(&plain));
    for k in 0..3 {
        let shard = format!("{k}/3");
        let out = wd.run(&[
            "build", "--seeds", "gen", "--shard", &shard, "--out", "parts",
        ]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let out = wd.run(&["merge", "parts", "--out", "merged"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        tree(&wd.path().join("plain")) == tree(&wd.path().join("merged")),
        "merge differs from the plain build"
    );
    // Merge reports as the plain build does: the same findings (near
    // duplicates across shards found by merge), each file under the seeds
    // folder, each file counted once.
    let findings = |s: String| -> String {
        s.lines()
            .filter(|l| !l.starts_with("wrote "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let merged = findings(stderr(&out));
    assert_eq!(findings(stderr(&plain)), merged);
    assert!(merged.contains("warning[near-duplicate]"), "{merged}");
    assert!(merged.contains("--> gen/"), "{merged}");
    assert!(merged.contains("(400 checked)"), "{merged}");

    wd.write("gen/zzz/copy_0000000000000000.txt", &first.1);
    let plain = wd.run(&["build", "--seeds", "gen", "--out", "plain2"]);
    assert_eq!(code(&plain), 1);
    for k in 0..3 {
        let shard = format!("{k}/3");
        wd.run(&[
            "build", "--seeds", "gen", "--shard", &shard, "--out", "parts2",
        ]);
    }
    let out = wd.run(&["merge", "parts2", "--out", "merged2"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("error[duplicate-source]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&plain), stderr(&out));
    assert!(!wd.exists("merged2/1.0.0"));
    // A missing shard is refused.
    std::fs::remove_dir_all(wd.path().join("parts/part-1-of-3")).unwrap();
    let out = wd.run(&["merge", "parts", "--out", "merged3"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("exactly once"), "{}", stderr(&out));
}

/// What a reader sees of a Parquet file's layout: writer, row groups, column types.
fn parquet_layout(bytes: &[u8]) -> String {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(bytes::Bytes::copy_from_slice(bytes)).unwrap();
    let meta = reader.metadata();
    let file = meta.file_metadata();
    let mut out = format!(
        "created_by: {}\nversion: {}\nrows: {}\nrow groups: {}\n",
        file.created_by().unwrap_or("-"),
        file.version(),
        file.num_rows(),
        meta.num_row_groups()
    );
    for rg in meta.row_groups() {
        out.push_str(&format!("  rows {}:", rg.num_rows()));
        if let Some(c) = rg.columns().first() {
            out.push_str(&format!(" {:?}", c.compression()));
        }
        out.push('\n');
    }
    out.push_str("columns:\n");
    for c in file.schema_descr().columns() {
        out.push_str(&format!(
            "  {} {:?} {:?} max_def={}\n",
            c.name(),
            c.physical_type(),
            c.logical_type_ref(),
            c.max_def_level()
        ));
    }
    out
}

#[test]
fn parquet_holds_the_json_records_with_the_schemas_types() {
    use arrow_array::{Array, Date32Array, Int64Array, StringArray};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let wd = Workdir::new();
    let out = wd.run(&["synth", "--count", "5000", "--seed", "3", "--out", "gen"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = wd.run(&["build", "--seeds", "gen", "--out", "dist"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let records: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&wd.read("dist/1.0.0/articles.json")).unwrap();
    let file = fs::File::open(wd.path().join("dist/1.0.0/articles.parquet")).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    // Row groups of 4096 rows (filled from several chunks of rendering): the
    // file has more than one.
    assert_eq!(builder.metadata().num_row_groups(), 2);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let mut row = 0;
    for batch in builder.build().unwrap() {
        let batch = batch.unwrap();
        let schema = batch.schema();
        for r in 0..batch.num_rows() {
            let want = &records[row];
            for (k, field) in schema.fields().iter().enumerate() {
                let col = batch.column(k);
                let got = if col.is_null(r) {
                    serde_json::Value::Null
                } else if let Some(a) = col.as_any().downcast_ref::<StringArray>() {
                    serde_json::json!(a.value(r))
                } else if let Some(a) = col.as_any().downcast_ref::<Int64Array>() {
                    serde_json::json!(a.value(r))
                } else if let Some(a) = col.as_any().downcast_ref::<Date32Array>() {
                    let d = epoch + chrono::Duration::days(i64::from(a.value(r)));
                    serde_json::json!(d.format("%Y-%m-%d").to_string())
                } else {
                    panic!(
                        "{}: unexpected column type {:?}",
                        field.name(),
                        field.data_type()
                    )
                };
                assert_eq!(
                    &got,
                    &want[field.name()],
                    "row {row} field {}",
                    field.name()
                );
            }
            row += 1;
        }
    }
    assert_eq!(row, records.len());
}

/// The second release is diffed against the first from sorted compact keys
/// spilled to disk: with a sort budget of a few bytes (every key its own
/// run, runs merged in cascades) the release, its CHANGES.md and manifest,
/// and `diff` in every format are byte-identical to the default budget.
#[test]
fn a_second_release_is_the_same_whatever_the_sort_budget() {
    let wd = Workdir::new();
    for (dir, count, seed) in [("gen", "300", "21"), ("more", "5", "22")] {
        let out = wd.run(&["synth", "--count", count, "--seed", seed, "--out", dir]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let first = wd.run(&["build", "--seeds", "gen", "--out", "dist"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    // Add 5, edit 2, remove 2.
    let files: Vec<String> = tree(&wd.path().join("gen"))
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.ends_with(".txt"))
        .collect();
    for (n, bytes) in tree(&wd.path().join("more")) {
        if n.ends_with(".txt") {
            wd.write(&format!("gen/added/{n}"), bytes);
        }
    }
    for f in &files[..2] {
        let mut text = wd.read(&format!("gen/{f}"));
        text.extend_from_slice(b"\nA sentence added in the second release, after the fact.\n");
        wd.write(&format!("gen/{f}"), text);
    }
    for f in &files[2..4] {
        std::fs::remove_file(wd.path().join("gen").join(f)).unwrap();
    }
    crate::common::copy_dir(&wd.path().join("dist"), &wd.path().join("tiny"));
    let build = |out: &str, budget: Option<&str>| {
        let mut cmd = wd.command(&[
            "build",
            "--seeds",
            "gen",
            "--out",
            out,
            "--version",
            "2.0.0",
        ]);
        if let Some(b) = budget {
            cmd.env("NEWSCORPUS_SORT_BUFFER", b);
        }
        let out = cmd.output().unwrap();
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    };
    build("dist", None);
    build("tiny", Some("16"));
    assert!(tree(&wd.path().join("dist")) == tree(&wd.path().join("tiny")));
    let changes = String::from_utf8(wd.read("dist/2.0.0/CHANGES.md")).unwrap();
    assert!(
        changes.contains("5 added, 2 removed, 2 edited, 0 changed, 296 unchanged."),
        "{changes}"
    );
    assert_eq!(changes.matches("\n- `").count(), 5 + 2 + 2, "{changes}");
    for format in ["text", "json", "markdown"] {
        let run = |budget: &str| {
            let out = wd
                .command(&["diff", "dist/1.0.0", "dist/2.0.0", "--format", format])
                .env("NEWSCORPUS_SORT_BUFFER", budget)
                .output()
                .unwrap();
            assert_eq!(code(&out), 0, "{}", stderr(&out));
            stdout(&out)
        };
        assert_eq!(run("16"), run("1G"), "diff --format {format}");
    }
}
