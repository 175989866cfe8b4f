//! What a researcher's tools read besides the records: the card, the
//! standard metadata, the citation, the figures. (Real clients load releases
//! in `tests/python/interop.py`, run by `.ci/run`.)

use crate::common;

use crate::common::{code, stderr, stdout, Workdir};
use serde_json::Value;
use std::fs;

fn sha256(bytes: &[u8]) -> String {
    common::sha256_hex(bytes)
}

#[test]
fn the_repositorys_citation_file_is_the_newest_releases() {
    let (version, dir) = common::newest_release();
    let top = fs::read_to_string(common::repo().join("CITATION.cff")).unwrap();
    let released = fs::read_to_string(dir.join("CITATION.cff")).unwrap();
    assert_eq!(
        top, released,
        "CITATION.cff is generated: cp dist/{version}/CITATION.cff ."
    );
    assert!(top.contains(&format!("version: \"{version}\"")));
}

#[test]
fn croissant_and_datapackage_carry_the_real_checksums() {
    let (_, dir) = common::newest_release();
    let croissant: Value =
        serde_json::from_slice(&fs::read(dir.join("croissant.json")).unwrap()).unwrap();
    let listed: Vec<&str> = croissant["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = f["contentUrl"].as_str().unwrap();
            let bytes = fs::read(dir.join(path)).unwrap();
            assert_eq!(f["sha256"], sha256(&bytes), "croissant.json: {path}");
            path
        })
        .collect();
    // Every file but the three written after it (itself, the manifest, the sums).
    for entry in fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !["croissant.json", "manifest.json", "SHA256SUMS"].contains(&name.as_str()) {
            assert!(
                listed.contains(&name.as_str()),
                "croissant.json misses {name}"
            );
        }
    }
    let fields: Vec<&str> = croissant["recordSet"][0]["field"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(fields, newscorpus::FIELDS);

    let pkg: Value =
        serde_json::from_slice(&fs::read(dir.join("datapackage.json")).unwrap()).unwrap();
    for r in pkg["resources"].as_array().unwrap() {
        let path = r["path"].as_str().unwrap();
        let bytes = fs::read(dir.join(path)).unwrap();
        assert_eq!(r["hash"], format!("sha256:{}", sha256(&bytes)), "{path}");
        assert_eq!(r["bytes"], bytes.len(), "{path}");
        assert_eq!(r["schema"]["primaryKey"], serde_json::json!(["id"]));
    }
}

#[test]
fn stats_prints_the_figures_the_card_shows() {
    let (_, dir) = common::newest_release();
    let wd = Workdir::new();
    let out = wd.run(&["stats", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let stats: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let card = fs::read_to_string(dir.join("README.md")).unwrap();
    for (label, key) in [
        ("articles", &stats["records"]),
        ("with a publication date", &stats["dated"]),
        ("words in all", &stats["words"]["total"]),
    ] {
        let row = format!("| {label} | {key} |");
        assert!(card.contains(&row), "the card lacks `{row}`");
    }
    let records: Vec<Value> =
        serde_json::from_slice(&fs::read(dir.join("articles.json")).unwrap()).unwrap();
    assert_eq!(stats["records"], records.len());
    let weekly: u64 = stats["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["articles"].as_u64().unwrap())
        .sum();
    assert_eq!(weekly, stats["dated"].as_u64().unwrap());
    let text = stdout(&wd.run(&["stats", dir.to_str().unwrap()]));
    assert!(text.contains("week of"), "{text}");
    assert!(
        card.contains("![Articles per week"),
        "the card shows the chart"
    );
}

#[test]
fn stats_defaults_to_the_newest_release_and_fails_cleanly_without_one() {
    let wd = Workdir::with_seeds();
    let out = wd.run(&["stats"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("dist"), "{}", stderr(&out));
    assert_eq!(code(&wd.run(&["build"])), 0);
    let out = wd.run(&["stats", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("\"records\": 5"));
}

#[test]
fn the_card_warns_spreadsheet_users_and_explains_loading() {
    let (version, dir) = common::newest_release();
    let card = fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(card.starts_with("---\n"), "Hugging Face front matter first");
    // A config name of the dataset's own, with the version and the Parquet
    // file's digest: `datasets` caches by it, so two releases never share one.
    let parquet = common::sha256_hex(&fs::read(dir.join("articles.parquet")).unwrap());
    assert!(
        card.contains(&format!(
            "configs:\n- config_name: \"kremlin-denials-{version}-{}\"\n",
            &parquet[..16]
        )),
        "{card}"
    );
    assert!(card.contains("# client: datasets (no cache)"));
    assert!(card.contains("Formula injection"));
    for client in ["pandas", "polars", "duckdb", "datasets"] {
        assert!(card.contains(&format!("# client: {client}")), "{client}");
    }
    assert!(
        card.contains(&format!("version = {{{version}}}")),
        "BibTeX entry"
    );
    // Every chrome rule is explained.
    for rule in newscorpus::chrome::RULES {
        assert!(card.contains(&format!("`{}`", rule.name)), "{}", rule.name);
    }
}
