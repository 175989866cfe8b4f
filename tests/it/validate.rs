//! `newscorpus validate` as a contributor's CI uses it: one bad file per
//! rule yields exactly one finding, in the right file and line.

use crate::common;

use crate::common::{code, stderr, stdout, Workdir};
use newscorpus::Rule;
use std::collections::BTreeSet;

/// (file, rule, line) planted in tests/fixtures/rules/ (and two entries
/// that git cannot hold portably, made by `fixture_folder`).
const EXPECTED: &[(&str, &str, Option<usize>)] = &[
    ("Bad-Name.txt", "file-name-convention", None),
    ("bad\\nname.txt", "invalid-file-name", None),
    ("bidi-control.txt", "bidi-control", Some(3)),
    ("binary-content.txt", "binary-content", Some(3)),
    ("body-too-short.txt", "body-too-short", None),
    ("byte-order-mark.txt", "byte-order-mark", Some(1)),
    ("control-character.txt", "control-character", Some(3)),
    ("date-ambiguous.txt", "date-ambiguous", Some(1)),
    ("date-conflict.txt", "date-conflict", Some(1)),
    ("date-invalid.txt", "date-invalid", Some(1)),
    ("date-missing.txt", "date-missing", None),
    ("date-out-of-range.txt", "date-out-of-range", Some(1)),
    // 32 levels below `rules/` (made by `fixture_folder`).
    (
        "deep/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d",
        "folder-too-deep",
        None,
    ),
    ("duplicate-source.txt", "duplicate-source", None),
    ("duplicate-text.txt", "duplicate-text", None),
    ("empty-file.txt", "empty-file", None),
    ("file-too-large.txt", "file-too-large", None),
    ("front-matter-date.txt", "front-matter-date", Some(2)),
    ("front-matter-invalid.txt", "front-matter-invalid", Some(2)),
    (
        "front-matter-unknown-key.txt",
        "front-matter-unknown-key",
        Some(2),
    ),
    ("html-entity.txt", "html-entity", Some(3)),
    ("invalid-utf8.txt", "invalid-utf8", Some(3)),
    ("invisible-character.txt", "invisible-character", Some(3)),
    ("language-unexpected.txt", "language-unexpected", None),
    ("link.txt", "symlink-escape", None),
    ("near-duplicate.txt", "near-duplicate", None),
    ("notes.md", "unexpected-file", None),
    ("pair/x.txt", "name-collision", None),
    ("schema-violation.txt", "schema-violation", None),
    ("template-residue.txt", "template-residue", Some(3)),
    ("title-too-long.txt", "title-too-long", Some(3)),
    ("weekday-mismatch.txt", "weekday-mismatch", Some(1)),
];

/// Rules no folder can plant: an id collision needs two SHA-256 digests that
/// share 64 bits (unit-tested in `check_across_reports_id_collisions`), and an
/// unreadable file needs a user without root's read-anything rights.
const NOT_PLANTABLE: &[Rule] = &[Rule::IdCollision, Rule::UnreadableFile];

fn fixture_folder(wd: &Workdir) -> std::path::PathBuf {
    let src = common::repo().join("tests/fixtures/rules");
    let dest = wd.path().join("rules");
    std::fs::create_dir_all(&dest).unwrap();
    for entry in std::fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dest.join(entry.file_name())).unwrap();
    }
    wd.write("outside.txt", "A secret outside the seeds folder.");
    std::os::unix::fs::symlink("../outside.txt", dest.join("link.txt")).unwrap();
    wd.write("rules/bad\nname.txt", "whatever");
    // A folder at the depth limit, with an article in it that is not read.
    let deep = format!("deep{}", "/d".repeat(newscorpus::MAX_FOLDER_DEPTH - 1));
    common::write_generated_corpus(&dest.join(&deep), 1, 13);
    // Two folders whose names differ only in case: one folder on macOS.
    for (folder, seed) in [("Pair", 11), ("pair", 12)] {
        let dir = dest.join(folder);
        common::write_generated_corpus(&dir, 1, seed);
        let made = std::fs::read_dir(&dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        std::fs::rename(made, dir.join("x.txt")).unwrap();
    }
    dest
}

#[test]
fn one_finding_per_planted_problem() {
    let wd = Workdir::new();
    fixture_folder(&wd);
    let out = wd.run(&["validate", "--format", "json", "rules"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let found: Vec<(String, String, Option<usize>)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            (
                file.strip_prefix("rules/").unwrap_or(file).to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().map(|l| l as usize),
            )
        })
        .collect();
    let expected: Vec<(String, String, Option<usize>)> = EXPECTED
        .iter()
        .map(|(f, r, l)| (f.to_string(), r.to_string(), *l))
        .collect();
    assert_eq!(found, expected);
    // No finding on the clean originals the duplicates copy.
    assert!(found.iter().all(|(f, _, _)| !f.starts_with("clean-")));
    let summary = &report["summary"];
    assert_eq!(summary["files_with_findings"], EXPECTED.len());
    assert_eq!(
        summary["errors"].as_u64().unwrap()
            + summary["warnings"].as_u64().unwrap()
            + summary["infos"].as_u64().unwrap(),
        EXPECTED.len() as u64
    );
}

#[test]
fn every_rule_has_a_fixture() {
    let planted: BTreeSet<&str> = EXPECTED.iter().map(|(_, r, _)| *r).collect();
    for rule in Rule::ALL {
        assert!(
            planted.contains(rule.id()) || NOT_PLANTABLE.contains(rule),
            "rule {} has no fixture",
            rule.id()
        );
    }
}

#[test]
fn pair_findings_name_both_files() {
    let wd = Workdir::new();
    fixture_folder(&wd);
    let out = wd.run(&["validate", "--format", "json", "rules"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let message = |rule: &str| -> String {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == rule)
            .map(|d| d["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(message("duplicate-source").contains("rules/clean-a.txt"));
    assert!(message("duplicate-text").contains("rules/clean-b.txt"));
    let near = message("near-duplicate");
    assert!(
        near.contains("rules/clean-c.txt") && near.contains("Jaccard similarity 0.9"),
        "{near}"
    );
    assert!(message("symlink-escape").contains("leads out of the seeds folder"));
    assert!(message("invalid-utf8").contains("byte offset 34"));
}

#[test]
fn text_rendering_of_every_rule_snapshot() {
    let wd = Workdir::new();
    let root = fixture_folder(&wd);
    let diagnostics = newscorpus::validate(&root).unwrap();
    assert_eq!(diagnostics.len(), EXPECTED.len());
    let settings = common::insta_settings();
    settings.bind(|| {
        for d in &diagnostics {
            let text = newscorpus::render_text(std::slice::from_ref(d), 1);
            insta::assert_snapshot!(format!("rule-{}", d.rule.id()), text);
        }
    });
}

#[test]
fn github_format_is_workflow_commands() {
    let wd = Workdir::new();
    fixture_folder(&wd);
    let out = wd.run(&["validate", "--format", "github", "rules"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let re = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:]+(,line=[0-9]+(,col=[0-9]+)?)?,title=[a-z0-9-]+::[^\r\n]*$",
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (commands, rest) = lines.split_at(lines.len() - 1);
    assert_eq!(commands.len(), EXPECTED.len());
    for line in commands {
        assert!(re.is_match(line), "not a workflow command: {line}");
    }
    assert!(text.contains("::error file=rules/date-invalid.txt,line=1,col=1,title=date-invalid::"));
    assert!(
        text.contains("file=rules/bad\\nname.txt"),
        "control characters in names are escaped"
    );
    assert!(rest[0].contains("errors"), "{}", rest[0]);
}

#[test]
fn text_format_shows_the_line_and_a_summary_without_colour_in_pipes() {
    let wd = Workdir::new();
    fixture_folder(&wd);
    let out = wd.run(&["validate", "rules"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(
        !err.contains('\u{1b}'),
        "no ANSI colour when stderr is not a terminal"
    );
    assert!(
        err.contains("error[template-residue]: page markup `{{ad_slot}}` survived cleaning"),
        "{err}"
    );
    assert!(
        err.contains(" --> rules/template-residue.txt:3:15"),
        "{err}"
    );
    assert!(
        err.trim_end().ends_with("in 32 files (32 checked)"),
        "{err}"
    );
}

#[test]
fn exit_codes() {
    let wd = Workdir::with_seeds();
    let out = wd.run(&["validate"]);
    assert_eq!(code(&out), 0, "the seeds have no errors: {}", stderr(&out));
    assert!(
        stderr(&out).contains("0 errors, 1 warning in 1 file (5 checked)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        code(&wd.run(&["validate", "--strict"])),
        1,
        "--strict counts the seeds' date-missing warning"
    );
    assert_eq!(
        code(&wd.run(&["validate", "seeds/000_4885012b05b90505.txt"])),
        0
    );
    assert_eq!(code(&wd.run(&["validate", "no/such/folder"])), 2);
    assert_eq!(code(&wd.run(&["validate", "--format", "yaml"])), 2);
    assert!(!wd.exists("dist"), "validate writes nothing");
}

#[test]
fn single_files_are_checked_together() {
    let wd = Workdir::with_seeds();
    wd.write("copy.txt", wd.read("seeds/001_da1ada9ae65b21ab.txt"));
    let out = wd.run(&[
        "validate",
        "--format",
        "json",
        "seeds/001_da1ada9ae65b21ab.txt",
        "copy.txt",
    ]);
    assert_eq!(code(&out), 1);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let d = &report["diagnostics"][0];
    assert_eq!(d["rule"], "duplicate-source");
    assert_eq!(d["file"], "seeds/001_da1ada9ae65b21ab.txt");
    assert!(d["message"].as_str().unwrap().contains("copy.txt"));
}

#[test]
fn readme_documents_every_rule() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    for rule in Rule::ALL {
        let row = format!("| `{}` | ", rule.id());
        assert!(
            readme.contains(&row),
            "README's rule table lacks {}",
            rule.id()
        );
    }
}
