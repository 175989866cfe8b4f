//! Diagnostics for people (`text`), machines (`json`) and GitHub Actions (`github`).

use crate::diagnostic::{Diagnostic, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files_checked: usize,
    pub files_with_findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn new(diags: &[Diagnostic], files_checked: usize) -> Self {
        let count = |s| diags.iter().filter(|d| d.severity == s).count();
        Summary {
            files_checked,
            files_with_findings: diags.iter().map(|d| &d.file).collect::<BTreeSet<_>>().len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        if self.errors + self.warnings + self.infos == 0 {
            return write!(f, "no problems in {}", plural(self.files_checked, "file"));
        }
        let mut parts = vec![
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
        ];
        if self.infos > 0 {
            parts.push(plural(self.infos, "note"));
        }
        write!(
            f,
            "{} in {} ({} checked)",
            parts.join(", "),
            plural(self.files_with_findings, "file"),
            self.files_checked
        )
    }
}

/// rustc-like report: the offending line with the span marked, then help.
pub fn text(diags: &[Diagnostic], summary: &Summary, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::NOTE,
        };
        let title = level.primary_title(d.message.as_str()).id(d.rule.id());
        let group = match (&d.snippet, d.line) {
            (Some(snippet), Some(line)) => Group::with_title(title).element(
                Snippet::source(snippet.text.as_str())
                    .line_start(line)
                    .path(d.file.as_str())
                    .annotation(AnnotationKind::Primary.span(snippet.span.clone())),
            ),
            (_, line) => {
                let mut origin = Origin::path(d.file.as_str());
                if let Some(line) = line {
                    origin = origin.line(line);
                    if let Some(col) = d.column {
                        origin = origin.char_column(col);
                    }
                }
                Group::with_title(title).element(origin)
            }
        };
        let group = match &d.help {
            Some(help) => group.element(Level::HELP.message(help.as_str())),
            None => group,
        };
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out.push_str(&summary.to_string());
    out.push('\n');
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: &'a [Diagnostic],
    summary: &'a Summary,
}

/// `{"diagnostics": [...], "summary": {...}}`, pretty-printed, newline-terminated.
pub fn json(diags: &[Diagnostic], summary: &Summary) -> String {
    let mut s = serde_json::to_string_pretty(&JsonReport {
        diagnostics: diags,
        summary,
    })
    .expect("diagnostics serialize to JSON");
    s.push('\n');
    s
}

/// GitHub Actions workflow commands, one per finding, so findings show as
/// annotations on the pull request's files.
pub fn github(diags: &[Diagnostic], summary: &Summary) -> String {
    let mut out = String::new();
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!("file={}", escape_property(&d.file))];
        if let Some(line) = d.line {
            props.push(format!("line={line}"));
            if let Some(col) = d.column {
                props.push(format!("col={col}"));
            }
        }
        props.push(format!("title={}", escape_property(d.rule.id())));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out.push_str(&format!("{summary}\n"));
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Rule;

    #[test]
    fn github_commands_escape_their_separators() {
        let d = Diagnostic::new("seeds/a,b:c.txt", Rule::DateInvalid, "50% wrong\nreally").at_span(
            3,
            "x",
            0..1,
        );
        let out = github(
            std::slice::from_ref(&d),
            &Summary::new(std::slice::from_ref(&d), 1),
        );
        assert_eq!(
            out.lines().next().unwrap(),
            "::error file=seeds/a%2Cb%3Ac.txt,line=3,col=1,title=date-invalid::50%25 wrong%0Areally"
        );
    }
}
