//! Errors that stop a command outright (I/O, configuration, release conflicts).
//!
//! Problems *in the articles* are not errors of this kind: they are
//! [`Diagnostic`](crate::diagnostic::Diagnostic)s, collected all at once so a
//! contributor sees every finding in one run.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },

    #[error("`{0}` is not a semantic version (expected X.Y.Z, e.g. 1.0.0)")]
    Version(String),

    #[error("{path}: not a folder")]
    NotADirectory { path: PathBuf },

    #[error(
        "release {path} already exists and this build differs from it in {files}; \
         a published release never changes: build a new version instead"
    )]
    ReleaseDiffers { path: PathBuf, files: String },

    #[error("another build is writing to {path} (lock held); wait for it to finish")]
    Locked { path: PathBuf },

    #[error("{path}: {message}")]
    Release { path: PathBuf, message: String },

    #[error("version policy: {0}")]
    VersionPolicy(String),

    #[error("the embedded article schema is invalid: {0}")]
    Schema(String),

    #[error("drawing the corpus chart: {0}")]
    Chart(String),

    #[error("writing Parquet: {0}")]
    Parquet(String),

    #[error("{0}")]
    Json(#[from] serde_json::Error),

    #[error("{0}")]
    Csv(#[from] csv::Error),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
