//! Runs the per-file pipeline (read -> parse -> record -> check) over a set
//! of files in parallel, then the cross-file checks. Output order never
//! depends on thread count: rayon's indexed collect keeps input order, and
//! everything is sorted before it leaves this module.

use crate::check;
use crate::config::Limits;
use crate::diagnostic::{self, Diagnostic, Rule};
use crate::discover::{self, Entry};
use crate::error::Result;
use crate::parse::{self, Parsed};
use crate::record::{self, Article};
use crate::schema;
use crate::source::{self, sha256_hex, Source};
use rayon::prelude::*;
use std::io::Read;
use std::path::Path;

/// One input file as read: its size and the SHA-256 of its raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Everything one file yielded. A stage that failed leaves the later ones `None`.
#[derive(Debug)]
pub struct Processed {
    pub input: Option<InputFile>,
    pub source: Option<Source>,
    pub parsed: Option<Parsed>,
    pub article: Option<Article>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Default)]
pub struct Corpus {
    /// In release order (published, nulls last; then id).
    pub articles: Vec<Article>,
    /// Sorted by file, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Article files read, sorted by path.
    pub inputs: Vec<InputFile>,
    /// Number of article files examined.
    pub files: usize,
}

impl Corpus {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Discovers and processes every article under `root`.
pub fn load_dir(root: &Path, limits: &Limits) -> Result<Corpus> {
    let found = discover::discover(root, limits)?;
    let mut corpus = load_entries(&found.articles, limits)?;
    corpus.diagnostics.extend(found.diagnostics);
    diagnostic::sort(&mut corpus.diagnostics);
    Ok(corpus)
}

pub fn load_entries(entries: &[Entry], limits: &Limits) -> Result<Corpus> {
    // Fail on a broken embedded schema once, up front, not once per file.
    schema::validator()?;
    let processed: Vec<Processed> = entries
        .par_iter()
        .map(|e| process_file(e, limits))
        .collect();
    let mut corpus = Corpus {
        files: entries.len(),
        ..Corpus::default()
    };
    for p in processed {
        corpus.diagnostics.extend(p.diagnostics);
        corpus.inputs.extend(p.input);
        corpus.articles.extend(p.article);
    }
    let refs: Vec<&Article> = corpus.articles.iter().collect();
    corpus.diagnostics.extend(check::across(&refs, limits));
    record::sort(&mut corpus.articles);
    corpus.inputs.sort_by(|a, b| a.path.cmp(&b.path));
    diagnostic::sort(&mut corpus.diagnostics);
    Ok(corpus)
}

pub fn process_file(entry: &Entry, limits: &Limits) -> Processed {
    match read_capped(&entry.path, limits.max_file_bytes) {
        Ok(Some(bytes)) => process_bytes(&entry.rel, &bytes, limits),
        Ok(None) => failed(
            Diagnostic::new(
                &entry.rel,
                Rule::FileTooLarge,
                format!("the file is larger than the limit of {} bytes", limits.max_file_bytes),
            )
            .help("an article this large is probably not one article; split it, or raise limits.max_file_bytes in dataset.toml"),
        ),
        Err(e) => failed(
            Diagnostic::new(&entry.rel, Rule::UnreadableFile, format!("cannot read the file: {e}"))
                .help("check the file's permissions"),
        ),
    }
}

fn failed(d: Diagnostic) -> Processed {
    Processed {
        input: None,
        source: None,
        parsed: None,
        article: None,
        diagnostics: vec![d],
    }
}

/// Reads at most `limit` bytes; `None` when the file is larger, so a huge
/// file is never read whole.
fn read_capped(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(None);
    }
    Ok(Some(bytes))
}

pub fn process_bytes(rel: &str, bytes: &[u8], limits: &Limits) -> Processed {
    let input = Some(InputFile {
        path: rel.to_string(),
        bytes: bytes.len() as u64,
        sha256: sha256_hex(bytes),
    });
    let source = match source::read(rel, bytes) {
        Ok(s) => s,
        Err(d) => {
            return Processed {
                input,
                ..failed(*d)
            }
        }
    };
    let parsed = parse::parse(
        &source,
        &parse::Options {
            date_order: limits.date_order,
        },
    );
    let article = Article::new(&source, &parsed);
    let mut diagnostics = parsed.diagnostics.clone();
    diagnostics.extend(check::article(&source, &parsed, &article, limits));
    match schema::check(&article) {
        Ok(d) => diagnostics.extend(d),
        Err(e) => diagnostics.push(Diagnostic::new(rel, Rule::SchemaViolation, e.to_string())),
    }
    Processed {
        input,
        source: Some(source),
        parsed: Some(parsed),
        article: Some(article),
        diagnostics,
    }
}
