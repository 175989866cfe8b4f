//! How the parser compiles its patterns.

use regex::Regex;

/// Every pattern of the parser, compiled with room for its lazy DFA. The
/// default cache (2 MiB) is too small for patterns that repeat Unicode
/// classes (`BYLINE`'s names, the date line's labels): the regex crate then
/// answers every line with its backtracker, clearing a bitmap as large as
/// the automaton each time (measured: `BYLINE` on a paragraph 0.21 µs,
/// 0.034 µs with room; see BENCHMARKS.md). The cache is per thread and
/// grows only as states are used.
pub fn regex(pattern: &str) -> Regex {
    regex::RegexBuilder::new(pattern)
        .size_limit(64 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .expect("the parser's patterns are valid regexes")
}
