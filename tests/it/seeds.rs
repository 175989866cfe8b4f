//! The five seed articles parse as the shared design notes expect.

use crate::common;

use newscorpus::chrome;
use newscorpus::Article;
use newscorpus::Limits;
use newscorpus::{check_file as process_bytes, CheckedFile as Processed};

fn seed(name: &str) -> Processed {
    let path = common::repo().join("seeds").join(name);
    let bytes = std::fs::read(&path).unwrap();
    process_bytes(name, &bytes, &Limits::default())
}

fn article(name: &str) -> Article {
    seed(name).article.expect("seed parses")
}

const SEEDS: [&str; 5] = [
    "000_4885012b05b90505.txt",
    "001_da1ada9ae65b21ab.txt",
    "002_c85ca255a4b327b4.txt",
    "003_95e29a5b85b68a4f.txt",
    "004_3c148edddf5b7089.txt",
];

#[test]
fn seeds_are_the_shared_files_byte_for_byte() {
    let shared = common::repo().join("../shared/seeds");
    if !shared.exists() {
        // Outside the project's workspace (e.g. a packaged crate) there is nothing to compare.
        return;
    }
    for name in SEEDS {
        assert_eq!(
            std::fs::read(shared.join(name)).unwrap(),
            std::fs::read(common::repo().join("seeds").join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn dates_times_and_zones() {
    let expect = [
        (SEEDS[0], Some("2021-12-11"), None, None),
        (SEEDS[1], Some("2021-11-23"), Some("15:27"), Some("GMT")),
        (SEEDS[2], None, None, None),
        (SEEDS[3], Some("2022-01-15"), Some("10:25"), None),
        (SEEDS[4], Some("2021-12-23"), None, None),
    ];
    for (name, date, time, tz) in expect {
        let a = article(name);
        assert_eq!(a.published.as_deref(), date, "{name}");
        assert_eq!(a.published_time.as_deref(), time, "{name}");
        assert_eq!(a.timezone.as_deref(), tz, "{name}");
    }
}

#[test]
fn a_missing_date_is_a_warning_not_a_guess() {
    let p = seed(SEEDS[2]);
    let a = p.article.unwrap();
    assert_eq!(a.published, None);
    assert_eq!(serde_json::to_value(a.date_source).unwrap(), "none");
    let rules: Vec<&str> = p.diagnostics.iter().map(|d| d.rule.id()).collect();
    assert_eq!(rules, ["date-missing"]);
    assert!(!p.diagnostics[0].is_error());
}

#[test]
fn headlines() {
    assert_eq!(
        article(SEEDS[2]).title.as_deref(),
        Some("Kremlin Refutes US Media Reports Claiming Russia Intends To 'invade Ukrainian Land'")
    );
    let a = article(SEEDS[3]);
    let title = "Kremlin Dismisses ‘Unfounded’ US Reports Accusing Russia of Invading Ukraine";
    assert_eq!(a.title.as_deref(), Some(title));
    assert!(
        !a.body.contains(title),
        "the repeated headline is dropped from the body"
    );
    for name in [SEEDS[0], SEEDS[1], SEEDS[4]] {
        assert_eq!(article(name).title, None, "{name} has no headline line");
    }
}

#[test]
fn no_chrome_or_odd_white_space_survives_in_any_body() {
    for name in SEEDS {
        let a = article(name);
        for needle in [
            "{{",
            "}}",
            "SHARE THIS",
            "Image: AP",
            "Story Code",
            "Last Updated",
            "First Published",
            " date 20",
        ] {
            assert!(!a.body.contains(needle), "{name}: `{needle}` in body");
        }
        assert!(!a.body.contains('\u{a0}'), "{name}: no-break space in body");
        assert!(!a.body.contains("  "), "{name}: double space in body");
        assert!(
            !a.body.contains("\n\n\n"),
            "{name}: paragraphs are separated by exactly one blank line"
        );
        for paragraph in a.body.split("\n\n") {
            assert!(
                chrome::match_line(paragraph).is_none(),
                "{name}: {paragraph}"
            );
            assert_eq!(paragraph.trim(), paragraph);
        }
    }
    // Article text next to chrome is kept.
    assert!(article(SEEDS[0])
        .body
        .starts_with("Russia is not planning an attack on Ukraine"));
    assert!(article(SEEDS[0]).body.ends_with("(With agency inputs)"));
    assert!(article(SEEDS[4])
        .body
        .contains("What is happening on the Russia-Ukraine border?"));
}

#[test]
fn ids_follow_the_canonical_text_rule() {
    for name in SEEDS {
        let a = article(name);
        assert_eq!(a.id.to_string(), format!("art_{}", &a.source_sha256[..16]));
    }
    // Seed 002 carries a trailing no-break space; the canonical text drops
    // trailing white space, so its source hash is not the file's hash.
    let raw = std::fs::read(common::repo().join("seeds").join(SEEDS[2])).unwrap();
    assert_ne!(common::sha256_hex(&raw), article(SEEDS[2]).source_sha256);
}

#[test]
fn parsed_records_snapshot() {
    let settings = common::insta_settings();
    settings.bind(|| {
        for name in SEEDS {
            let a = article(name);
            insta::assert_json_snapshot!(format!("seed-record-{}", &name[..3]), a);
        }
    });
}
