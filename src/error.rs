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

    #[error(
        "{path}: no such file, and a seeds folder needs one to say what the dataset is; \
         run `newscorpus init {dir}` to write a commented one"
    )]
    MissingConfig { path: PathBuf, dir: String },

    #[error(
        "{path}: no articles to release (an article is a `.txt` file){ignored}; \
         add article files, or point --seeds at the folder that holds them"
    )]
    NoArticles { path: PathBuf, ignored: String },

    #[error(
        "{path}: {errors} article error(s); nothing was written (`newscorpus validate` lists them)"
    )]
    Invalid { path: PathBuf, errors: usize },

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
    Part { path: PathBuf, message: String },

    /// A release file that is not what its release's writer writes.
    #[error("{path}: {message}")]
    ReleaseFile { path: PathBuf, message: String },

    #[error("version policy: {0}")]
    VersionPolicy(String),

    #[error("the embedded article schema is invalid: {0}")]
    Schema(String),

    #[error("drawing the corpus chart: {0}")]
    Chart(String),

    #[error("writing Parquet: {0}")]
    Parquet(String),

    #[error("{path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    #[error("{path}: line {line}: not a record: {source}")]
    Record {
        path: PathBuf,
        line: usize,
        #[source]
        source: serde_json::Error,
    },

    #[error("{path}: {source}")]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },

    #[error("{path}: no manifest.json, so this is not a release folder (a release is a folder `dist/X.Y.Z/` that `newscorpus build` wrote)")]
    NotARelease { path: PathBuf },
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// A `serde_json` error about the file at `path`.
pub(crate) fn json(path: impl Into<PathBuf>) -> impl FnOnce(serde_json::Error) -> Error {
    let path = path.into();
    move |source| Error::Json { path, source }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
