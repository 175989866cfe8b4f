//! `duplicates.csv`: the lineage of what a keep-one duplicate policy left
//! out of a release, one row a dropped record, and how the metadata
//! describes it. Its columns are defined once, here.

use crate::check::across::Lineage;
use serde_json::{json, Value};

/// Each column: name, Table Schema type, Croissant type, description.
pub const COLUMNS: &[(&str, &str, &str, &str)] = &[
    ("dropped_id", "string", "sc:Text", "id of the record left out of the release"),
    ("kept_id", "string", "sc:Text", "id of the released record it copies"),
    (
        "kind",
        "string",
        "sc:Text",
        "source: the same source text; text: the same cleaned body under other page chrome; near: a body whose similarity passes the dataset's threshold",
    ),
    (
        "similarity",
        "number",
        "sc:Float",
        "Jaccard similarity of the two bodies' word 5-shingles (1 for exact copies)",
    ),
    ("dropped_file", "string", "sc:Text", "source file of the record left out"),
    ("kept_file", "string", "sc:Text", "source file of the released record"),
];

/// The file's bytes: a header, then one row a dropped record, in the order
/// given (sorted by the dropped file).
pub fn csv(rows: &[Lineage]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let header: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
    // Writing into memory cannot fail.
    w.write_record(&header).expect("in-memory CSV");
    for r in rows {
        w.write_record([
            r.dropped_id.to_string().as_str(),
            &r.kept_id.to_string(),
            r.kind.as_str(),
            &format!("{:.3}", r.similarity),
            &r.dropped_file,
            &r.kept_file,
        ])
        .expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

/// The Table Schema of `duplicates.csv`, for `datapackage.json`.
pub fn table_schema() -> Value {
    let fields: Vec<Value> = COLUMNS
        .iter()
        .map(|(name, kind, _, description)| {
            json!({
                "name": name,
                "type": kind,
                "description": description,
                "constraints": { "required": true },
            })
        })
        .collect();
    json!({ "fields": fields, "primaryKey": ["dropped_file"] })
}

/// The Croissant record set of `duplicates.csv`.
pub fn record_set(file: &str) -> Value {
    let fields: Vec<Value> = COLUMNS
        .iter()
        .map(|(name, _, kind, description)| {
            json!({
                "@type": "cr:Field",
                "@id": format!("duplicates/{name}"),
                "name": name,
                "description": description,
                "dataType": kind,
                "source": {
                    "fileObject": { "@id": file },
                    "extract": { "column": name },
                },
            })
        })
        .collect();
    json!({
        "@type": "cr:RecordSet",
        "@id": "duplicates",
        "name": "duplicates",
        "description": "Records the duplicate policy left out of the release, each with the released record it copies.",
        "field": fields,
    })
}
