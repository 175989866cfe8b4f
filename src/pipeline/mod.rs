//! The per-file pipeline (read -> parse -> record -> check) run over a whole
//! folder in parallel with output independent of thread count, the parse
//! cache that lets unchanged files skip parsing, and sharded runs with their
//! merge.

pub(crate) mod cache;
pub(crate) mod corpus;
pub(crate) mod eval;
pub(crate) mod inputs;
pub(crate) mod partition;
pub(crate) mod shard;
pub(crate) mod timings;
