//! The parse cache (`build --cache DIR`, `validate --cache DIR`) changes how
//! long a run takes, never what it finds or writes.

use crate::common;

use crate::common::{code, stderr, stdout, tree, Workdir};
use std::fs;

fn copy_rules(wd: &Workdir) {
    let src = common::repo().join("tests/fixtures/rules");
    for entry in fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        fs::copy(
            entry.path(),
            wd.path().join("rules").join(entry.file_name()),
        )
        .or_else(|_| {
            fs::create_dir_all(wd.path().join("rules"))?;
            fs::copy(
                entry.path(),
                wd.path().join("rules").join(entry.file_name()),
            )
        })
        .unwrap();
    }
}

/// (exit code, stdout, stderr) of a validate run.
fn validate(wd: &Workdir, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["validate", "rules"];
    args.extend_from_slice(extra);
    let out = wd.run(&args);
    (code(&out), stdout(&out), stderr(&out))
}

#[test]
fn validate_finds_the_same_with_a_cold_a_warm_and_no_cache() {
    let wd = Workdir::new();
    copy_rules(&wd);
    for format in [&["--format", "json"][..], &[][..]] {
        let none = validate(&wd, format);
        let cold = validate(&wd, &[format, &["--cache", "cache"][..]].concat());
        assert!(wd.exists("cache/parse.pack") && wd.exists("cache/parse.idx"));
        let warm = validate(&wd, &[format, &["--cache", "cache"][..]].concat());
        assert_eq!(none.0, 1, "the rule fixtures have errors");
        // Text output includes the source lines under each finding: those
        // come back from the cache too.
        assert_eq!(none, cold);
        assert_eq!(none, warm);
    }
}

#[test]
fn an_edited_file_or_changed_limits_are_never_answered_from_the_cache() {
    let wd = Workdir::with_seeds();
    let cached = || {
        let out = wd.run(&["validate", "seeds", "--format", "json", "--cache", "cache"]);
        stdout(&out)
    };
    let plain = || stdout(&wd.run(&["validate", "seeds", "--format", "json"]));
    assert_eq!(cached(), plain());
    // The edit adds a finding (an invisible character) the old entry lacks.
    let path = wd.path().join("seeds/001_da1ada9ae65b21ab.txt");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("Kremlin", "Krem\u{200b}lin", 1)).unwrap();
    let after_edit = cached();
    assert!(after_edit.contains("invisible-character"), "{after_edit}");
    assert_eq!(after_edit, plain());
    // A stricter limit in dataset.toml: every file's findings change.
    let toml_path = wd.path().join("seeds/dataset.toml");
    let toml = fs::read_to_string(&toml_path).unwrap();
    fs::write(
        &toml_path,
        toml.replace("min_words = 50", "min_words = 5000"),
    )
    .unwrap();
    let stricter = cached();
    assert!(stricter.contains("body-too-short"), "{stricter}");
    assert_eq!(stricter, plain());
}

#[test]
fn builds_with_and_without_the_cache_write_the_same_release() {
    let wd = Workdir::new();
    let out = wd.run(&["synth", "--count", "400", "--seed", "11", "--out", "gen"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let build = |out: &str, cache: bool| {
        let mut args = vec!["build", "--seeds", "gen", "--out", out];
        if cache {
            args.extend(["--cache", "cache"]);
        }
        let o = wd.run(&args);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        (
            tree(&wd.path().join(out).join("1.0.0")),
            stderr(&o).replace(out, "OUT"),
        )
    };
    let plain = build("plain", false);
    let cold = build("cold", true);
    let warm = build("warm", true);
    assert!(
        plain == cold,
        "a cold cache changed the release or the findings"
    );
    assert!(
        plain == warm,
        "a warm cache changed the release or the findings"
    );
    // A damaged pack is detected entry by entry, and the run still agrees.
    let pack_path = wd.path().join("cache/parse.pack");
    let mut pack = fs::read(&pack_path).unwrap();
    for i in (0..pack.len()).step_by(997) {
        pack[i] ^= 0x55;
    }
    fs::write(&pack_path, pack).unwrap();
    assert!(
        plain == build("damaged", true),
        "a damaged cache changed the release"
    );
    // Cut short, or filled with random bytes, either file: ignored and
    // rebuilt, never trusted.
    let idx_path = wd.path().join("cache/parse.idx");
    let mut rng = common::Lcg(5);
    for (n, (path, how)) in [
        (&idx_path, "truncated"),
        (&pack_path, "truncated"),
        (&idx_path, "random"),
        (&pack_path, "random"),
    ]
    .into_iter()
    .enumerate()
    {
        let bytes = fs::read(path).unwrap();
        let damaged: Vec<u8> = match how {
            "truncated" => bytes[..bytes.len() / 2].to_vec(),
            _ => (0..bytes.len()).map(|_| rng.next() as u8).collect(),
        };
        fs::write(path, damaged).unwrap();
        assert!(
            plain == build(&format!("damaged-{n}"), true),
            "a {how} {} changed the release",
            path.display()
        );
    }
}
