//! The record contract, `schema/article.schema.json`, compiled once into the
//! binary so the builder can never check against a schema other than the one
//! it ships in the release.

use crate::diagnostic::{Diagnostic, Rule};
use crate::record::Article;
use std::sync::LazyLock;

pub const FILE_NAME: &str = "article.schema.json";
pub const TEXT: &str = include_str!("../schema/article.schema.json");

static VALIDATOR: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let schema: serde_json::Value = serde_json::from_str(TEXT).map_err(|e| e.to_string())?;
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| e.to_string())
});

pub fn validator() -> Result<&'static jsonschema::Validator, crate::Error> {
    VALIDATOR
        .as_ref()
        .map_err(|e| crate::Error::Schema(e.clone()))
}

/// Every way `article` breaks the schema, as diagnostics on its source file.
pub fn check(article: &Article) -> Result<Vec<Diagnostic>, crate::Error> {
    let validator = validator()?;
    let value = serde_json::to_value(article)?;
    let mut out: Vec<Diagnostic> = validator
        .iter_errors(&value)
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
