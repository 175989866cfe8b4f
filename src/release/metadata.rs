//! Standard descriptions of a release, generated from the schema and
//! `dataset.toml` (never written by hand): a Frictionless Data Package, MLCommons
//! Croissant metadata and a `CITATION.cff`. Each is built from the files already
//! written, so sizes and checksums are the real ones.

use crate::config::DatasetConfig;
use crate::error::Result;
use crate::record::schema::{self, Field, Kind};
use crate::release::layout::FileEntry;
use serde_json::{json, Map, Value};

/// The license as catalogues spell it: an SPDX id, or `other`.
fn is_spdx_like(license: &str) -> bool {
    license != "other" && !license.is_empty()
}

fn pretty(v: &Value) -> Result<String> {
    let mut s =
        serde_json::to_string_pretty(v).map_err(|e| crate::error::Error::Schema(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

fn entry<'a>(files: &'a [FileEntry], name: &str) -> Option<&'a FileEntry> {
    files.iter().find(|f| f.path == name)
}

/// A Table Schema field. Table Schema patterns match the whole value, so the
/// JSON Schema's anchors are dropped; `required` there means "not null".
fn table_field(f: &Field) -> Value {
    let mut constraints = Map::new();
    if !f.nullable {
        constraints.insert("required".into(), json!(true));
    }
    if f.name == "id" {
        constraints.insert("unique".into(), json!(true));
    }
    // A date field is a date to Table Schema; its format says the rest.
    if let Some(p) = f.whole_value_pattern().filter(|_| f.kind != Kind::Date) {
        constraints.insert("pattern".into(), json!(p));
    }
    if let Some(n) = f.min_length {
        constraints.insert("minLength".into(), json!(n));
    }
    if let Some(n) = f.minimum {
        constraints.insert("minimum".into(), json!(n));
    }
    let ty = match &f.kind {
        Kind::Text => "string",
        Kind::Date => "date",
        Kind::Integer => "integer",
        Kind::Choice(values) => {
            constraints.insert("enum".into(), json!(values));
            "string"
        }
    };
    let mut field = json!({
        "name": f.name,
        "type": ty,
        "description": f.description,
    });
    if !constraints.is_empty() {
        field["constraints"] = Value::Object(constraints);
    }
    field
}

fn table_schema(fields: &[Field]) -> Value {
    json!({
        "fields": fields.iter().map(table_field).collect::<Vec<_>>(),
        "primaryKey": ["id"],
        // A null is an empty cell in the CSV file; no string field is ever
        // empty when present (the schema's minLength), so this is unambiguous.
        "missingValues": [""],
    })
}

/// `datapackage.json`: resources for the CSV and JSON Lines files.
pub fn datapackage(config: &DatasetConfig, version: &str, files: &[FileEntry]) -> Result<String> {
    let fields = schema::fields()?;
    let schema = table_schema(&fields);
    let resource = |name: &str, path: &str, format: &str, mediatype: &str| -> Value {
        let mut r = json!({
            "name": name,
            "path": path,
            "profile": "tabular-data-resource",
            "format": format,
            "mediatype": mediatype,
            "encoding": "utf-8",
        });
        if let Some(e) = entry(files, path) {
            r["bytes"] = json!(e.bytes);
            r["hash"] = json!(format!("sha256:{}", e.sha256));
        }
        if format == "csv" {
            r["dialect"] = json!({
                "delimiter": ",",
                "lineTerminator": "\n",
                "quoteChar": "\"",
                "doubleQuote": true,
                "header": true,
            });
        }
        r["schema"] = schema.clone();
        r
    };
    let mut license = json!({ "name": config.license });
    if let Some(note) = &config.license_note {
        license["title"] = json!(note);
    }
    if is_spdx_like(&config.license) {
        license["path"] = json!(format!("https://spdx.org/licenses/{}.html", config.license));
    }
    let mut pkg = json!({
        "profile": "tabular-data-package",
        "name": config.name,
        "title": config.title,
        "description": config.description.trim(),
        "version": version,
        "licenses": [license],
    });
    if !config.keywords.is_empty() {
        pkg["keywords"] = json!(config.keywords);
    }
    if let Some(home) = &config.homepage {
        pkg["homepage"] = json!(home);
    }
    if !config.authors.is_empty() {
        pkg["contributors"] = json!(config
            .authors
            .iter()
            .map(|a| json!({ "title": a, "role": "author" }))
            .collect::<Vec<_>>());
    }
    pkg["resources"] = json!([
        resource(
            "articles-csv",
            crate::release::layout::CSV,
            "csv",
            "text/csv"
        ),
        resource(
            "articles-jsonl",
            crate::release::layout::JSONL,
            "jsonl",
            "application/jsonl"
        ),
    ]);
    if entry(files, crate::release::layout::DUPLICATES).is_some() {
        let mut r = resource(
            "duplicates",
            crate::release::layout::DUPLICATES,
            "csv",
            "text/csv",
        );
        r["description"] = json!(
            "Records the duplicate policy left out, each with the released record it copies."
        );
        r["schema"] = crate::release::duplicates::table_schema();
        pkg["resources"]
            .as_array_mut()
            .expect("resources is an array")
            .push(r);
    }
    pretty(&pkg)
}

/// Media types of the files a release may hold.
fn media_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "csv" => "text/csv",
        "jsonl" => "application/jsonlines",
        "parquet" => "application/x-parquet",
        "md" => "text/markdown",
        "svg" => "image/svg+xml",
        "cff" => "application/x-yaml",
        _ if path.ends_with(".schema.json") => "application/schema+json",
        _ => "application/json",
    }
}

fn croissant_type(kind: &Kind) -> &'static str {
    match kind {
        Kind::Text | Kind::Choice(_) => "sc:Text",
        Kind::Date => "sc:Date",
        Kind::Integer => "sc:Integer",
    }
}

/// The Croissant 1.0 JSON-LD context, as the specification gives it.
fn croissant_context() -> Value {
    json!({
        "@language": "en",
        "@vocab": "https://schema.org/",
        "citeAs": "cr:citeAs",
        "column": "cr:column",
        "conformsTo": "dct:conformsTo",
        "cr": "http://mlcommons.org/croissant/",
        "rai": "http://mlcommons.org/croissant/RAI/",
        "data": { "@id": "cr:data", "@type": "@json" },
        "dataType": { "@id": "cr:dataType", "@type": "@vocab" },
        "dct": "http://purl.org/dc/terms/",
        "equivalentProperty": "cr:equivalentProperty",
        "examples": { "@id": "cr:examples", "@type": "@json" },
        "extract": "cr:extract",
        "field": "cr:field",
        "fileProperty": "cr:fileProperty",
        "fileObject": "cr:fileObject",
        "fileSet": "cr:fileSet",
        "format": "cr:format",
        "includes": "cr:includes",
        "isLiveDataset": "cr:isLiveDataset",
        "jsonPath": "cr:jsonPath",
        "key": "cr:key",
        "md5": "cr:md5",
        "parentField": "cr:parentField",
        "path": "cr:path",
        "recordSet": "cr:recordSet",
        "references": "cr:references",
        "regex": "cr:regex",
        "repeated": "cr:repeated",
        "replace": "cr:replace",
        "samplingRate": "cr:samplingRate",
        "sc": "https://schema.org/",
        "separator": "cr:separator",
        "source": "cr:source",
        "subField": "cr:subField",
        "transform": "cr:transform",
    })
}

/// `croissant.json`: every file of `files` as a FileObject with its sha256,
/// and one record set whose fields mirror the schema, read from the Parquet
/// file (which carries the types).
pub fn croissant(config: &DatasetConfig, version: &str, files: &[FileEntry]) -> Result<String> {
    let fields = schema::fields()?;
    let distribution: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "@type": "cr:FileObject",
                "@id": f.path,
                "name": f.path,
                "contentUrl": f.path,
                "contentSize": format!("{} B", f.bytes),
                "encodingFormat": media_type(&f.path),
                "sha256": f.sha256,
            })
        })
        .collect();
    let source = crate::release::layout::PARQUET;
    let record_fields: Vec<Value> = fields
        .iter()
        .map(|f| {
            json!({
                "@type": "cr:Field",
                "@id": format!("articles/{}", f.name),
                "name": f.name,
                "description": f.description,
                "dataType": croissant_type(&f.kind),
                "source": {
                    "fileObject": { "@id": source },
                    "extract": { "column": f.name },
                },
            })
        })
        .collect();
    let mut doc = json!({
        "@context": croissant_context(),
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": config.name,
        "alternateName": config.title,
        "description": config.description.trim(),
        "version": version,
        "license": license_text(config),
        "citeAs": bibtex(config, version),
    });
    if let Some(home) = &config.homepage {
        doc["url"] = json!(home);
    }
    if !config.keywords.is_empty() {
        doc["keywords"] = json!(config.keywords);
    }
    if !config.languages.is_empty() {
        doc["inLanguage"] = json!(config.languages);
    }
    if !config.authors.is_empty() {
        doc["creator"] = json!(config
            .authors
            .iter()
            .map(|a| json!({ "@type": "sc:Organization", "name": a }))
            .collect::<Vec<_>>());
    }
    doc["distribution"] = json!(distribution);
    doc["recordSet"] = json!([{
        "@type": "cr:RecordSet",
        "@id": "articles",
        "name": "articles",
        "description": "One cleaned news article per record.",
        "key": { "@id": "articles/id" },
        "field": record_fields,
    }]);
    if entry(files, crate::release::layout::DUPLICATES).is_some() {
        doc["recordSet"]
            .as_array_mut()
            .expect("recordSet is an array")
            .push(crate::release::duplicates::record_set(
                crate::release::layout::DUPLICATES,
            ));
    }
    pretty(&doc)
}

/// The license in words: the SPDX id, or the note that says what applies.
pub fn license_text(config: &DatasetConfig) -> String {
    match (&config.license_note, is_spdx_like(&config.license)) {
        (Some(note), true) => format!("{} ({note})", config.license),
        (None, _) => config.license.clone(),
        (Some(note), false) => note.clone(),
    }
}

fn authors_or_default(config: &DatasetConfig) -> Vec<String> {
    if config.authors.is_empty() {
        vec![format!("{} maintainers", config.name)]
    } else {
        config.authors.clone()
    }
}

/// A BibTeX entry for release `version`; braces in values are dropped so
/// no title can break the entry.
pub fn bibtex(config: &DatasetConfig, version: &str) -> String {
    let clean = |s: &str| s.replace(['{', '}'], "");
    let key = format!("{}_{}", config.name, version).replace(['-', '.'], "_");
    let authors = authors_or_default(config)
        .iter()
        // Double braces keep an organisation's name from being read as
        // "last, first" by BibTeX.
        .map(|a| format!("{{{}}}", clean(a)))
        .collect::<Vec<_>>()
        .join(" and ");
    let mut out = format!(
        "@misc{{{key},\n  title = {{{}}},\n  author = {{{authors}}},\n  version = {{{version}}},\n  note = {{Dataset release {version}, built with newscorpus}}",
        clean(&config.title),
    );
    if let Some(home) = &config.homepage {
        out.push_str(&format!(",\n  url = {{{}}}", clean(home)));
    }
    out.push_str("\n}");
    out
}

/// A YAML scalar that means exactly `s`: a JSON string is a valid YAML
/// double-quoted scalar, escapes and all.
pub fn yaml_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// `CITATION.cff` (Citation File Format 1.2.0) for release `version`.
pub fn citation(config: &DatasetConfig, version: &str) -> String {
    let mut out = String::new();
    out.push_str("# Generated by newscorpus from dataset.toml; rebuild, do not edit.\n");
    out.push_str("cff-version: 1.2.0\n");
    out.push_str("message: \"If you use this dataset, please cite it as below.\"\n");
    out.push_str("type: dataset\n");
    out.push_str(&format!("title: {}\n", yaml_str(&config.title)));
    out.push_str(&format!("version: {}\n", yaml_str(version)));
    out.push_str("authors:\n");
    for a in authors_or_default(config) {
        out.push_str(&format!("  - name: {}\n", yaml_str(&a)));
    }
    out.push_str(&format!(
        "abstract: {}\n",
        yaml_str(&config.description.trim().replace('\n', " "))
    ));
    if is_spdx_like(&config.license) {
        out.push_str(&format!("license: {}\n", yaml_str(&config.license)));
    }
    if let Some(home) = &config.homepage {
        out.push_str(&format!("url: {}\n", yaml_str(home)));
    }
    if !config.keywords.is_empty() {
        out.push_str("keywords:\n");
        for k in &config.keywords {
            out.push_str(&format!("  - {}\n", yaml_str(k)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> DatasetConfig {
        DatasetConfig::parse(
            "name='demo'\ntitle='A \"quoted\" {title}'\ndescription='d'\nlicense='CC-BY-4.0'\nversion='1.0.0'\nauthors=['Ada Lovelace']\n",
        )
        .unwrap()
    }

    #[test]
    fn table_schema_mirrors_the_json_schema() {
        let fields = schema::fields().unwrap();
        let ts = table_schema(&fields);
        let f = |name: &str| {
            ts["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == name)
                .unwrap()
                .clone()
        };
        assert_eq!(f("published")["type"], "date");
        assert_eq!(
            f("published")
                .get("constraints")
                .and_then(|c| c.get("required")),
            None
        );
        assert_eq!(f("id")["constraints"]["pattern"], "art_[0-9a-f]{16}");
        assert_eq!(f("id")["constraints"]["required"], true);
        assert_eq!(f("word_count")["type"], "integer");
        assert_eq!(f("word_count")["constraints"]["minimum"], 0);
        assert_eq!(
            f("date_source")["constraints"]["enum"],
            json!(["dateline", "front_matter", "none"])
        );
        assert_eq!(f("title")["constraints"]["minLength"], 1);
        assert_eq!(
            ts["fields"].as_array().unwrap().len(),
            crate::record::FIELDS.len()
        );
    }

    #[test]
    fn resources_carry_the_real_size_and_hash() {
        let files = vec![FileEntry {
            path: "articles.csv".into(),
            bytes: 42,
            sha256: "ab".repeat(32),
        }];
        let pkg: Value =
            serde_json::from_str(&datapackage(&config(), "1.2.3", &files).unwrap()).unwrap();
        assert_eq!(pkg["version"], "1.2.3");
        assert_eq!(pkg["resources"][0]["bytes"], 42);
        assert_eq!(
            pkg["resources"][0]["hash"],
            format!("sha256:{}", "ab".repeat(32))
        );
        assert_eq!(pkg["resources"][1]["format"], "jsonl");
    }

    #[test]
    fn citation_quotes_every_value_and_bibtex_survives_braces() {
        let cff = citation(&config(), "1.0.0");
        assert!(
            cff.contains("title: \"A \\\"quoted\\\" {title}\"\n"),
            "{cff}"
        );
        assert!(cff.contains("license: \"CC-BY-4.0\"\n"));
        assert!(cff.contains("  - name: \"Ada Lovelace\"\n"));
        let bib = bibtex(&config(), "1.0.0");
        assert!(bib.starts_with("@misc{demo_1_0_0,"), "{bib}");
        assert_eq!(bib.matches('{').count(), bib.matches('}').count(), "{bib}");
    }

    #[test]
    fn every_release_file_has_a_media_type() {
        assert_eq!(media_type("articles.jsonl"), "application/jsonlines");
        assert_eq!(media_type("article.schema.json"), "application/schema+json");
        assert_eq!(media_type("articles.parquet"), "application/x-parquet");
    }
}
