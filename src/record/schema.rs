//! The record contract, `schema/article.schema.json`, compiled once into the
//! binary so the builder can never check against a schema other than the one
//! it ships in the release.

use crate::diagnostic::{Diagnostic, Rule};
use crate::record::Article;
use std::sync::LazyLock;

pub const TEXT: &str = include_str!("../../schema/article.schema.json");

static VALIDATOR: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let schema: serde_json::Value = serde_json::from_str(TEXT).map_err(|e| e.to_string())?;
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| e.to_string())
});

pub fn validator() -> Result<&'static jsonschema::Validator, crate::error::Error> {
    VALIDATOR
        .as_ref()
        .map_err(|e| crate::error::Error::Schema(e.clone()))
}

/// Every way `article` breaks the schema, as diagnostics on its source file.
pub fn check(article: &Article) -> Result<Vec<Diagnostic>, crate::error::Error> {
    thread_local! {
        static VALUE: std::cell::RefCell<serde_json::Value> =
            const { std::cell::RefCell::new(serde_json::Value::Null) };
    }
    let validator = validator()?;
    VALUE.with_borrow_mut(|value| {
        write_value(value, article);
        judge(validator, value, article)
    })
}

/// Writes `article` into `value` as the JSON object the release holds (the
/// value `serde_json::to_value` makes of it; a test holds the two equal),
/// reusing the keys and strings the previous record left there. Making a
/// new value for each record (16 keys, a tree map, a copy of every string)
/// was two thirds of the schema check's time.
fn write_value(value: &mut serde_json::Value, article: &Article) {
    use crate::record::article::{Cell, FIELDS};
    use serde_json::Value;
    use std::fmt::Write;
    if !matches!(value, Value::Object(map) if map.len() == FIELDS.len()) {
        *value = Value::Object(
            FIELDS
                .iter()
                .map(|name| (name.to_string(), Value::Null))
                .collect(),
        );
    }
    let Value::Object(map) = value else {
        unreachable!("made an object above");
    };
    for name in FIELDS {
        let (Some(slot), Some(cell)) = (map.get_mut(*name), article.cell(name)) else {
            unreachable!("every field is a key and a cell");
        };
        let text = |slot: &mut Value, write: &dyn Fn(&mut String)| {
            if !slot.is_string() {
                *slot = Value::String(String::new());
            }
            if let Value::String(s) = slot {
                s.clear();
                write(s);
            }
        };
        match cell {
            Cell::Text(None) => *slot = Value::Null,
            Cell::Text(Some(t)) => text(slot, &|s| s.push_str(t)),
            Cell::Id(id) => text(slot, &|s| {
                let _ = write!(s, "{id}");
            }),
            Cell::Int(n) => *slot = Value::from(n),
        }
    }
}

fn judge(
    validator: &jsonschema::Validator,
    value: &serde_json::Value,
    article: &Article,
) -> Result<Vec<Diagnostic>, crate::error::Error> {
    // Nearly every record is valid, and the yes-or-no check is the cheaper.
    if validator.is_valid(value) {
        return Ok(Vec::new());
    }
    let mut out: Vec<Diagnostic> = validator
        .iter_errors(value)
        .map(|e| {
            let path = e.instance_path().to_string();
            Diagnostic::new(
                &article.source_file,
                Rule::SchemaViolation,
                format!("field `{}`: {}", path.trim_start_matches('/'), e),
            )
            .help("the parser produced a record the schema refuses; fix the article or report the parser bug")
        })
        .collect();
    out.sort_by(|a, b| a.message.cmp(&b.message));
    Ok(out)
}

/// What a release column holds, as the schema says it: the single source
/// for the Table Schema, Croissant, Arrow and card descriptions of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// `format: date`, written `YYYY-MM-DD`.
    Date,
    Integer,
    /// One of fixed strings (`enum`).
    Choice(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub description: String,
    pub kind: Kind,
    pub nullable: bool,
    /// The JSON Schema pattern, anchored `^...$` (every pattern of ours is).
    pub pattern: Option<String>,
    pub min_length: Option<u64>,
    pub minimum: Option<i64>,
}

impl Field {
    /// The pattern without its anchors, as Table Schema and XML Schema want
    /// it: their patterns always match the whole value.
    pub fn whole_value_pattern(&self) -> Option<&str> {
        self.pattern
            .as_deref()
            .map(|p| p.trim_start_matches('^').trim_end_matches('$'))
    }
}

/// The fields of a record in column order, read from the embedded schema.
pub fn fields() -> Result<Vec<Field>, crate::error::Error> {
    static FIELDS: LazyLock<Result<Vec<Field>, String>> = LazyLock::new(|| {
        let schema: serde_json::Value = serde_json::from_str(TEXT).map_err(|e| e.to_string())?;
        fields_of(&schema)
    });
    FIELDS
        .as_ref()
        .cloned()
        .map_err(|e| crate::error::Error::Schema(e.clone()))
}

fn fields_of(schema: &serde_json::Value) -> Result<Vec<Field>, String> {
    use serde_json::Value;
    let props = schema["properties"]
        .as_object()
        .ok_or("no `properties` object")?;
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if props.len() != crate::record::FIELDS.len() {
        return Err("the schema's properties are not the record's fields".into());
    }
    // serde_json's map is sorted by key; the record's field list keeps the
    // column order (a test holds the two together).
    let mut out = Vec::with_capacity(props.len());
    for &name in crate::record::FIELDS {
        let p = props
            .get(name)
            .ok_or(format!("the schema has no property `{name}`"))?;
        let name = &name.to_string();
        if !required.contains(&name.as_str()) {
            // An absent key and a null would be two ways to say one thing.
            return Err(format!("property `{name}` is not required"));
        }
        let types: Vec<&str> = match &p["type"] {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let nullable = types.contains(&"null");
        let kind = if let Some(values) = p["enum"].as_array() {
            Kind::Choice(
                values
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_string)
                            .ok_or(format!("`{name}`: enum values must be strings"))
                    })
                    .collect::<Result<_, _>>()?,
            )
        } else if types.contains(&"integer") {
            Kind::Integer
        } else if types.contains(&"string") && p["format"] == "date" {
            Kind::Date
        } else if types.contains(&"string") {
            Kind::Text
        } else {
            return Err(format!("`{name}`: type {types:?} has no column kind"));
        };
        let pattern = p["pattern"].as_str().map(str::to_string);
        if let Some(pat) = &pattern {
            if !(pat.starts_with('^') && pat.ends_with('$') && !pat.ends_with("\\$")) {
                return Err(format!("`{name}`: pattern `{pat}` must be anchored ^...$"));
            }
        }
        out.push(Field {
            name: name.clone(),
            description: p["description"].as_str().unwrap_or_default().to_string(),
            kind,
            nullable,
            pattern,
            min_length: p["minLength"].as_u64(),
            minimum: p["minimum"].as_i64(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records of the seeds and the fixture articles: dated and
    /// undated, with and without titles, languages and front matter.
    fn records() -> Vec<Article> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        for dir in [
            "seeds",
            "tests/fixtures/articles",
            "tests/fixtures/layouts-real",
        ] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                paths.push(entry.unwrap().path());
            }
        }
        paths.sort();
        paths
            .iter()
            .filter_map(|path| {
                let bytes = std::fs::read(path).ok()?;
                let source = crate::input::source::read(&path.to_string_lossy(), &bytes).ok()?;
                let parsed = crate::parse::parse(&source, &crate::parse::Options::default());
                Some(Article::new(&source, &parsed))
            })
            .collect()
    }

    #[test]
    fn the_value_judged_is_the_records_json_whatever_came_before() {
        let records = records();
        let kinds = |f: fn(&Article) -> bool| records.iter().filter(|a| f(a)).count();
        assert!(kinds(|a| a.published.is_some()) > 0 && kinds(|a| a.published.is_none()) > 0);
        assert!(kinds(|a| a.title.is_some()) > 0 && kinds(|a| a.title.is_none()) > 0);
        let mut value = serde_json::Value::Null;
        for article in &records {
            write_value(&mut value, article);
            assert_eq!(value, serde_json::to_value(article).unwrap(), "{article:?}");
        }
        // A record the schema refuses is written as it is.
        let invalid = Article {
            title: Some(String::new()),
            ..records[0].clone()
        };
        write_value(&mut value, &invalid);
        assert_eq!(value, serde_json::to_value(&invalid).unwrap());
        // A value of another shape (none yet, or an object of other keys) is replaced.
        let mut value = serde_json::json!({"id": 1});
        write_value(&mut value, &records[0]);
        assert_eq!(value, serde_json::to_value(&records[0]).unwrap());
    }
}
