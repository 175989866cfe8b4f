//! `newscorpus eval` on the real-world heads: the figures CI holds, and a
//! planted regression that must turn it red.

use crate::common::{self, code, stderr, stdout, Workdir};
use std::fs;

/// The thresholds `.ci/run` holds (the figures reached; they only go up).
const THRESHOLDS: &[&str] = &[
    "--min-date",
    "naive=0.97",
    "--min-date",
    "extracted=1",
    "--min-title",
    "naive=0.97",
    "--min-title",
    "extracted=1",
    "--min-lead",
    "naive=0.92",
    "--min-lead",
    "extracted=0.97",
];

/// The thresholds `.ci/run` holds for our own real-page layouts.
const LAYOUT_THRESHOLDS: &[&str] = &[
    "--min-date",
    "naive=0.9",
    "--min-date",
    "extracted=0.85",
    "--min-title",
    "naive=0.6",
    "--min-title",
    "extracted=0.85",
    "--min-lead",
    "naive=0.5",
    "--min-lead",
    "extracted=0.71",
];

fn eval(wd: &Workdir, dir: &str, extra: &[&str]) -> std::process::Output {
    let tsv = format!("{dir}/expected.tsv");
    let mut args = vec!["eval", dir, "--expected", &tsv, "--by", "style"];
    args.extend_from_slice(extra);
    wd.run(&args)
}

fn realworld(wd: &Workdir) {
    common::copy_dir(
        &common::repo().join("tests/fixtures/realworld"),
        &wd.path().join("rw"),
    );
}

#[test]
fn the_real_world_sample_meets_its_thresholds_and_invents_no_date() {
    let wd = Workdir::new();
    realworld(&wd);
    let out = eval(&wd, "rw", THRESHOLDS);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let json = eval(&wd, "rw", &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let all = &doc["report"]["all"];
    assert_eq!(all["date"]["total"], 88);
    assert_eq!(all["date"]["invented"], 0);
    assert_eq!(doc["report"]["groups"]["naive"]["title"]["total"], 43);
    // Every miss names its file and says what became of the right line.
    for m in doc["report"]["misses"].as_array().unwrap() {
        assert!(m["file"].as_str().unwrap().starts_with("heads/"), "{m}");
        assert!(!m["explain"].as_str().unwrap().is_empty(), "{m}");
    }
}

/// Pages from the search corpus, written down as scrapers save them, with
/// the date, headline and lead read off each page by hand.
#[test]
fn our_own_real_page_layouts_meet_their_thresholds_and_invent_no_date() {
    let wd = Workdir::new();
    common::copy_dir(
        &common::repo().join("tests/fixtures/layouts-real"),
        &wd.path().join("lr"),
    );
    let out = eval(&wd, "lr", LAYOUT_THRESHOLDS);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let json = eval(&wd, "lr", &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(doc["report"]["all"]["date"]["total"], 24);
    assert_eq!(doc["report"]["all"]["date"]["invented"], 0);
}

#[test]
fn a_planted_regression_fails_eval() {
    let wd = Workdir::new();
    realworld(&wd);
    // An extracted page with no date gets a date line: an invented date,
    // and its headline line is now the date line's neighbour, not the top.
    let tsv = fs::read_to_string(wd.path().join("rw/expected.tsv")).unwrap();
    let row = tsv
        .lines()
        .find(|l| l.contains("\textracted\t") && l.split('\t').nth(4) == Some("NONE"))
        .unwrap();
    let file = row.split('\t').next().unwrap();
    let path = wd.path().join("rw").join(file);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("Posted: 23 Nov 2021 15:27 GMT\n\n{text}")).unwrap();
    let out = eval(&wd, "rw", THRESHOLDS);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let report = stdout(&out);
    assert!(
        report.contains("FAIL extracted: date: 1 invented where the page has none"),
        "{report}"
    );
    assert!(
        report.contains(&format!("{file}: date: expected none, got `2021-11-23`")),
        "{report}"
    );
}

#[test]
fn a_bad_annotation_file_names_itself() {
    let wd = Workdir::new();
    wd.write("s/a.txt", "Headline\n\nText of the article.\n");
    wd.write("s/expected.tsv", "file\texpected_title\na.txt\tHeadline\n");
    let out = wd.run(&["eval", "s", "--expected", "s/expected.tsv"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("s/expected.tsv: no `expected_date` column"),
        "{}",
        stderr(&out)
    );
    let out = wd.run(&[
        "eval",
        "s",
        "--expected",
        "s/expected.tsv",
        "--min-date",
        "x=2",
    ]);
    assert_eq!(code(&out), 2, "a rate above 1 is a usage error");
}
