//! The integration tests, as one binary (it links the library once): each
//! module reads like a user session against the built `newscorpus` binary
//! or the library's small public API (the xsv and ripgrep shape).

mod against;
mod architecture;
mod build;
mod cache;
mod common;
mod dedup;
mod ecosystem;
mod errors;
mod eval;
#[cfg(feature = "fault-injection")]
mod faults;
mod language;
mod lifecycle;
mod limits;
mod no_panic;
mod parser_fixtures;
mod schema;
mod seeds;
mod validate;
