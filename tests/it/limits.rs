//! Resource limits as tested promises: each hostile input gets a named
//! finding or error, within the bounds each test states, enforced on the
//! child process (`ulimit -v` for its address space, `timeout` for its
//! time) so a regression fails here instead of exhausting the machine.
//! The bounds are ceilings against runaway growth, not speed targets
//! (BENCHMARKS.md has those).

use crate::common::*;
use std::process::{Command, Output};

/// Runs newscorpus with `args` in `wd`, its address space capped at
/// `mib` MiB and its time at `secs` seconds.
fn bounded(wd: &Workdir, mib: u64, secs: u64, args: &[&str]) -> Output {
    let script = format!(
        "ulimit -v {}; exec timeout {secs} \"$0\" \"$@\"",
        mib * 1024
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(BIN)
        .args(args)
        .current_dir(wd.path())
        .output()
        .unwrap()
}

const CONFIG: &str = "name = \"x\"\ntitle = \"x\"\ndescription = \"x\"\nlicense = \"CC0-1.0\"\nversion = \"1.0.0\"\n";

#[test]
fn a_200_mb_dataset_toml_is_refused_unread() {
    // Bound: 512 MiB of address space, 20 s (it is refused before it is read).
    let wd = Workdir::new();
    wd.write(
        "big/a.txt",
        "Posted: 1 Dec 2021\n\nThe Kremlin said the reports were false.\n",
    );
    let f = std::fs::File::create(wd.path().join("big/dataset.toml")).unwrap();
    f.set_len(200 << 20).unwrap();
    let out = bounded(&wd, 512, 20, &["validate", "big"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("big/dataset.toml: larger than 1024 KiB"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_1_gib_single_line_file_is_too_large_and_never_read() {
    // Bound: 512 MiB, 20 s: the size is checked before a byte is read.
    let wd = Workdir::new();
    std::fs::create_dir_all(wd.path().join("one")).unwrap();
    let f = std::fs::File::create(wd.path().join("one/001_0123456789abcdef.txt")).unwrap();
    f.set_len(1 << 30).unwrap();
    let out = bounded(&wd, 512, 20, &["validate", "one", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"file-too-large\""),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_front_matter_of_100000_keys_is_one_mistake() {
    // Bound: 512 MiB, 20 s (a scan per key once took 31 s here).
    let wd = Workdir::new();
    let keys: String = (0..100_000).map(|i| format!("k{i} = \"v\"\n")).collect();
    let body =
        "The Kremlin said the reports were false and that Moscow was not planning an attack. "
            .repeat(5);
    wd.write(
        "fm/001_0123456789abcdef.txt",
        format!("+++\n{keys}+++\nPosted: 1 Dec 2021\n\n{body}\n"),
    );
    wd.write(
        "fm/dataset.toml",
        format!("{CONFIG}[limits]\nmax_file_bytes = 4000000\nmin_words = 1\n"),
    );
    let out = bounded(&wd, 512, 20, &["validate", "fm", "--format", "json"]);
    assert_eq!(code(&out), 1, "unknown keys are errors: {}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let unknown: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "front-matter-unknown-key")
        .collect();
    assert_eq!(unknown.len(), 21, "twenty named, one counting the rest");
    assert!(unknown.iter().any(|d| d["message"]
        .as_str()
        .unwrap()
        .starts_with("99980 more unknown front matter keys")));
    // Each named key points at its own line, not at the first that starts
    // like it (`k1` is not line `k10 = ...`).
    let k1 = unknown
        .iter()
        .find(|d| d["message"] == "unknown front matter key `k1`")
        .unwrap();
    assert_eq!(k1["line"], 3);
}

#[test]
fn a_line_of_a_million_combining_marks_is_read_in_bounds() {
    // Bound: 512 MiB, 30 s for a 2 MB line (NFC reorders marks by class).
    let wd = Workdir::new();
    let marks = "\u{301}".repeat(1_000_000);
    wd.write(
        "cm/001_0123456789abcdef.txt",
        format!("Posted: 1 Dec 2021\n\nThe Kremlin said the reports were false. a{marks}\n"),
    );
    wd.write(
        "cm/dataset.toml",
        format!("{CONFIG}[limits]\nmax_file_bytes = 4000000\nmin_words = 1\n"),
    );
    let out = bounded(&wd, 512, 30, &["validate", "cm", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // With the default limit the same file is refused unread.
    wd.write("cm/dataset.toml", CONFIG);
    let out = bounded(&wd, 512, 30, &["validate", "cm", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stdout(&out).contains("\"file-too-large\""));
}

#[test]
fn a_hundred_thousand_one_byte_files_get_a_finding_each() {
    // Bound: 1.5 GiB of address space, 120 s. Each file gets four findings
    // (400,000 in all, about 400 MB resident: findings are sorted before
    // they are printed, so they are held), the rest of memory is flat.
    let wd = Workdir::new();
    let dir = wd.path().join("many");
    for folder in 0..100 {
        let sub = dir.join(format!("{folder:03}"));
        std::fs::create_dir_all(&sub).unwrap();
        for i in 0..1000 {
            std::fs::write(
                sub.join(format!("{:07}_{:016x}.txt", folder * 1000 + i, i)),
                "x",
            )
            .unwrap();
        }
    }
    let out = bounded(&wd, 1536, 120, &["validate", "many", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let files: std::collections::BTreeSet<&str> = diagnostics
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 100_000, "every file is named");
}

#[test]
fn folders_ten_thousand_deep_are_named_at_the_limit_and_not_walked() {
    // Bound: 512 MiB, 20 s. The tree is made one relative `mkdir` and
    // `chdir` at a time (a path 10,000 levels long is longer than the OS
    // allows; perl is in every Debian), and removed by `rm -rf`, which
    // walks any depth.
    let wd = Workdir::new();
    std::fs::create_dir_all(wd.path().join("tree")).unwrap();
    let made = Command::new("perl")
        .arg("-e")
        .arg(r#"for (1..10000) { mkdir "d" or die "mkdir: $!"; chdir "d" or die "chdir: $!" } open(F, ">001_0123456789abcdef.txt") or die "$!"; print F "x""#)
        .current_dir(wd.path().join("tree"))
        .status()
        .unwrap();
    assert!(made.success());
    wd.write(
        "tree/001_0123456789abcdef.txt",
        format!(
            "Posted: 1 Dec 2021\n\n{}\n",
            "The Kremlin said the reports were false. ".repeat(20)
        ),
    );
    let out = bounded(&wd, 512, 20, &["validate", "tree", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let deep: Vec<&serde_json::Value> = findings["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "folder-too-deep")
        .collect();
    assert_eq!(deep.len(), 1, "{findings}");
    let expected = vec!["d"; newscorpus::MAX_FOLDER_DEPTH].join("/");
    assert_eq!(deep[0]["file"], format!("tree/{expected}").as_str());
    let removed = Command::new("rm")
        .args(["-rf", "tree"])
        .current_dir(wd.path())
        .status()
        .unwrap();
    assert!(removed.success());
}
