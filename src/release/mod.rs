//! One release folder's files: the layout (every file name, the manifest
//! type), the writer that streams records into CSV, JSON, JSON Lines and
//! Parquet, the metadata and card generated from the schema and
//! `dataset.toml`, the chart and stats, and the version policy.

pub(crate) mod card;
pub(crate) mod chart;
pub(crate) mod duplicates;
pub(crate) mod layout;
pub(crate) mod metadata;
pub(crate) mod parquet;
pub(crate) mod policy;
pub(crate) mod stats;
pub(crate) mod writer;
