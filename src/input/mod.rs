//! The first stage: find the article files, read and canonicalise each,
//! and name it by the ID rule. Nothing here knows about parsing.

pub(crate) mod digest;
pub(crate) mod discover;
pub(crate) mod id;
pub(crate) mod listing;
pub(crate) mod source;
pub(crate) mod sources;
pub(crate) mod synth;
