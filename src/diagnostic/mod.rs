//! One type for every finding about the input, and the table of rules.
//!
//! Rule ids are a public interface: contributors grep for them and CI
//! configurations match on them, so an id is never renamed once released.

pub(crate) mod render;

use serde::Serialize;
use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

macro_rules! rules {
    ($( $variant:ident => ($id:literal, $sev:ident, $summary:literal), )*) => {
        /// Every check newscorpus makes. Each entry: stable id, default severity, what it means.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            pub fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$sev, )* }
            }

            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }
        }
    };
}

rules! {
    InvalidUtf8 => ("invalid-utf8", Error, "the file is not valid UTF-8"),
    BinaryContent => ("binary-content", Error, "the file holds NUL bytes"),
    EmptyFile => ("empty-file", Error, "the file holds no text"),
    FileTooLarge => ("file-too-large", Error, "the file is larger than the configured limit"),
    UnreadableFile => ("unreadable-file", Error, "the file could not be read"),
    ByteOrderMark => ("byte-order-mark", Info, "a UTF-8 byte order mark was dropped"),
    BidiControl => ("bidi-control", Error, "a bidirectional control character can hide or reorder text"),
    InvisibleCharacter => ("invisible-character", Warning, "an invisible character (zero width, soft hyphen)"),
    ControlCharacter => ("control-character", Error, "a control character other than newline"),
    TemplateResidue => ("template-residue", Error, "page template markup survived cleaning"),
    HtmlEntity => ("html-entity", Warning, "an `&name;` reference that names no HTML entity"),
    DateMissing => ("date-missing", Warning, "no publication date found"),
    DateInvalid => ("date-invalid", Error, "a date line names a date or time that does not exist"),
    DateAmbiguous => ("date-ambiguous", Warning, "a numeric date whose day/month order nothing settles"),
    DateOutOfRange => ("date-out-of-range", Error, "the date lies outside the period of the dataset"),
    LanguageUnexpected => ("language-unexpected", Warning, "the record's language is not one the dataset allows"),
    DateConflict => ("date-conflict", Warning, "two date lines disagree"),
    WeekdayMismatch => ("weekday-mismatch", Error, "the weekday contradicts the date"),
    TitleTooLong => ("title-too-long", Warning, "the headline is longer than the configured limit"),
    BodyTooShort => ("body-too-short", Error, "the body has fewer words than the configured minimum"),
    DuplicateSource => ("duplicate-source", Error, "two files hold the same canonical text"),
    DuplicateText => ("duplicate-text", Error, "two files clean to the same body"),
    NearDuplicate => ("near-duplicate", Warning, "two bodies are nearly the same"),
    IdCollision => ("id-collision", Error, "two different sources share an id"),
    SymlinkEscape => ("symlink-escape", Error, "a symbolic link in the seeds folder"),
    UnexpectedFile => ("unexpected-file", Warning, "a file that is not an article is ignored"),
    InvalidFileName => ("invalid-file-name", Error, "a file name the corpus cannot carry"),
    FolderTooDeep => ("folder-too-deep", Error, "a folder nested deeper than the limit; nothing in it is read"),
    NameCollision => ("name-collision", Error, "two paths that are one file on macOS or Windows (case, Unicode normalisation)"),
    FileNameConvention => ("file-name-convention", Warning, "a file name off the <digits>_<16 hex>.txt convention"),
    FrontMatterInvalid => ("front-matter-invalid", Error, "the TOML front matter does not parse"),
    FrontMatterUnknownKey => ("front-matter-unknown-key", Error, "the front matter has a key newscorpus does not know"),
    FrontMatterDate => ("front-matter-date", Error, "the front matter date is not a YYYY-MM-DD date"),
    SchemaViolation => ("schema-violation", Error, "the record breaks schema/article.schema.json"),
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The offending source line and the span in it, for renderers that show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// Byte range within `text`.
    pub span: std::ops::Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the seeds folder (or as given on the command line), `/`-separated.
    pub file: String,
    /// 1-based line in the file as stored on disk.
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    #[serde(skip)]
    pub snippet: Option<Snippet>,
}

impl Diagnostic {
    pub fn new(file: impl Into<String>, rule: Rule, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Points at `span` (a byte range) within `line_text`, which is line `line` of the file.
    pub fn at_span(mut self, line: usize, line_text: &str, span: std::ops::Range<usize>) -> Self {
        let start = span.start.min(line_text.len());
        let end = span.end.clamp(start, line_text.len());
        self.line = Some(line);
        self.column = Some(line_text[..start].chars().count() + 1);
        self.snippet = Some(Snippet {
            text: line_text.to_string(),
            span: start..end,
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.file,
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.rule.id(),
            &self.message,
        )
    }
}

/// Sorts findings by file, line, column, rule, so output never depends on
/// thread scheduling or the order files were listed in.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn rule_ids_are_unique_kebab_case() {
        let mut seen = BTreeSet::new();
        for rule in Rule::ALL {
            let id = rule.id();
            assert!(seen.insert(id), "duplicate rule id {id}");
            assert!(
                id.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{id} is not kebab-case"
            );
        }
    }

    #[test]
    fn column_counts_characters_not_bytes() {
        let d = Diagnostic::new("a.txt", Rule::TemplateResidue, "m").at_span(3, "é {{x}}", 3..8);
        assert_eq!(d.line, Some(3));
        assert_eq!(d.column, Some(3));
    }
}
