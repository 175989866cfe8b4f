//! What every subcommand shares: exit codes, output formats, paths as the
//! user typed them, colour and progress on a terminal only.

use crate::diagnostic::Diagnostic;
use clap::ValueEnum;
use std::io::IsTerminal;
use std::path::Path;

/// What a command tells the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done, nothing wrong.
    Ok = 0,
    /// 1: the input has problems (validation errors, a release conflict).
    Findings = 1,
    /// 2: usage or I/O trouble.
    Trouble = 2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-like, for people
    Text,
    /// one JSON document, for machines
    Json,
    /// GitHub Actions workflow commands
    Github,
}

/// Diagnostic paths are relative to the folder they were found in; people
/// and CI annotations need them relative to where the command ran.
pub fn rebase(diags: &mut [Diagnostic], root: &Path) {
    if root == Path::new(".") || root.as_os_str().is_empty() {
        return;
    }
    let prefix = root.to_string_lossy().replace('\\', "/");
    let prefix = prefix.trim_end_matches('/');
    for d in diags {
        d.file = format!("{prefix}/{}", d.file);
    }
}

/// Colour only when a person is looking: never in pipes, files or CI logs.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// A progress bar with rate and ETA on a terminal, for runs over a second:
/// it stays hidden until a second has passed and never draws into a pipe,
/// a file or a CI log.
pub struct Progress {
    bar: indicatif::ProgressBar,
    start: std::time::Instant,
    shown: std::cell::Cell<bool>,
}

impl Progress {
    pub fn new(total: usize) -> Self {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total as u64),
            indicatif::ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} files  {per_sec}  eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Progress {
            bar,
            start: std::time::Instant::now(),
            shown: std::cell::Cell::new(false),
        }
    }

    pub fn inc(&self, n: usize) {
        if !self.shown.get()
            && self.start.elapsed().as_secs() >= 1
            && std::io::stderr().is_terminal()
        {
            self.shown.set(true);
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
        }
        self.bar.inc(n as u64);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
