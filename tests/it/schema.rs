//! The Rust record type and `schema/article.schema.json` agree field by field.

use crate::common;

use newscorpus::{Article, DateSourceField, LanguageSourceField, FIELDS};
use serde_json::{json, Value};
use std::fs;

fn schema() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(common::repo().join("schema/article.schema.json")).unwrap(),
    )
    .unwrap()
}

fn full() -> Article {
    Article {
        id: "art_0123456789abcdef".parse().unwrap(),
        published: Some("2021-12-11".into()),
        published_time: Some("09:30".into()),
        timezone: Some("+03:00".into()),
        date_source: DateSourceField::Dateline,
        title: Some("Title".into()),
        url: Some("https://example.com/a".into()),
        outlet: Some("Example".into()),
        language: Some("en".into()),
        language_source: LanguageSourceField::FrontMatter,
        body: "Body text.".into(),
        word_count: 2,
        source_file: "sub/001_0123456789abcdef.txt".into(),
        source_sha256: "0123456789abcdef".repeat(4),
        text_sha256: "fedcba9876543210".repeat(4),
        removed_lines: 0,
    }
}

fn empty() -> Article {
    Article {
        published: None,
        published_time: None,
        timezone: None,
        date_source: DateSourceField::None,
        title: None,
        url: None,
        outlet: None,
        language: None,
        language_source: LanguageSourceField::None,
        ..full()
    }
}

fn valid(v: &Value) -> bool {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema())
        .unwrap()
        .is_valid(v)
}

#[test]
fn schema_file_is_the_embedded_one() {
    let on_disk =
        std::fs::read_to_string(common::repo().join("schema/article.schema.json")).unwrap();
    assert_eq!(on_disk, newscorpus::SCHEMA);
}

#[test]
fn same_fields_in_the_same_order() {
    let schema = schema();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        required, FIELDS,
        "`required` lists every field in record order"
    );
    let mut props: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut fields = FIELDS.to_vec();
    props.sort();
    fields.sort();
    assert_eq!(props, fields);
    assert_eq!(schema["additionalProperties"], json!(false));

    // A release's CSV has exactly FIELDS as its columns, in that order, and
    // each JSON Lines record its keys in the same order.
    let wd = common::Workdir::with_seeds();
    let out = wd.run(&["build", "--seeds", "seeds", "--out", "dist"]);
    assert_eq!(common::code(&out), 0, "{}", common::stderr(&out));
    let release = fs::read_dir(wd.path().join("dist"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("manifest.json").is_file())
        .expect("a release was written");
    let csv = fs::read_to_string(release.join("articles.csv")).unwrap();
    assert_eq!(csv.lines().next().unwrap(), FIELDS.join(","));
    let jsonl = fs::read_to_string(release.join("articles.jsonl")).unwrap();
    for line in jsonl.lines() {
        let at: Vec<usize> = FIELDS
            .iter()
            .map(|f| {
                line.find(&format!("\"{f}\":"))
                    .expect("every field is written")
            })
            .collect();
        assert!(
            at.windows(2).all(|w| w[0] < w[1]),
            "keys out of order: {line}"
        );
    }
}

#[test]
fn optional_fields_are_exactly_the_nullable_ones() {
    let schema = schema();
    let nulls = serde_json::to_value(empty()).unwrap();
    for field in FIELDS {
        let prop = &schema["properties"][field];
        let nullable = prop["type"]
            .as_array()
            .is_some_and(|t| t.contains(&json!("null")));
        assert_eq!(
            nulls[field].is_null(),
            nullable,
            "{field}: Option in Rust iff nullable in the schema"
        );
    }
    assert!(valid(&serde_json::to_value(full()).unwrap()));
    assert!(valid(&nulls));
}

#[test]
fn schema_refuses_what_the_record_type_cannot_hold() {
    let base = serde_json::to_value(full()).unwrap();
    let bad: &[(&str, Value)] = &[
        ("id", json!("0123456789abcdef")),
        ("id", json!("art_0123456789ABCDEF")),
        ("published", json!("2021-02-31")),
        ("published", json!("11/12/2021")),
        ("published_time", json!("24:00")),
        ("timezone", json!("gmt")),
        ("date_source", json!("guess")),
        ("title", json!("")),
        ("body", json!("")),
        ("word_count", json!(-1)),
        ("word_count", json!(1.5)),
        ("source_file", json!("/etc/passwd.txt")),
        ("source_sha256", json!("abc")),
        ("removed_lines", json!("0")),
    ];
    for (field, value) in bad {
        let mut v = base.clone();
        v[*field] = value.clone();
        assert!(!valid(&v), "{field} = {value} must be refused");
    }
    let mut extra = base.clone();
    extra["extra"] = json!(1);
    assert!(!valid(&extra));
}

#[test]
fn records_round_trip_through_json() {
    for a in [full(), empty()] {
        let back: Article = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(back, a);
    }
}
