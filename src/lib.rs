//! newscorpus: raw news-article text files -> reproducible, validated,
//! versioned dataset releases.
//!
//! The pipeline runs one way, one module a stage:
//! [`discover`] -> [`source`] -> [`parse`] -> [`record`] -> [`check`] -> [`release`].

pub mod against;
pub mod builder;
pub mod cache;
pub mod card;
pub mod chart;
pub mod check;
pub mod cmd;
pub mod columnar;
pub mod config;
pub mod corpus;
pub mod diagnostic;
pub mod diff;
pub mod discover;
pub mod dist;
pub mod error;
pub mod metadata;
pub mod parse;
pub mod record;
pub mod release;
pub mod render;
pub mod schema;
pub mod shard;
pub mod similarity;
pub mod source;
pub mod stats;
pub mod store;
pub mod synth;
pub mod timings;
pub mod verify;

pub use error::{Error, Result};

/// Builder version recorded in every manifest.
pub const BUILDER_VERSION: &str = env!("CARGO_PKG_VERSION");
