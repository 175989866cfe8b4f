//! How the parser compiles its patterns.

use regex::Regex;

/// Every pattern of the parser, compiled with room for its lazy DFA. The
/// default cache (2 MiB) is too small for patterns that repeat Unicode
/// classes (`BYLINE`'s names, the date line's labels) or join many rules
/// (the chrome rules' one pass): the regex crate then answers every line
/// with its backtracker, clearing a bitmap as large as the automaton each
/// time (measured: `BYLINE` on a paragraph 0.21 µs, 0.034 µs with room).
/// The cache is per thread and grows only as states are used: `validate`
/// at 100k holds about 45 MB more than with the default (BENCHMARKS.md);
/// an 8 MiB cache was too small (the validation took 70% longer), 16 MiB
/// and 64 MiB ran as fast.
pub fn regex(pattern: &str) -> Regex {
    regex::RegexBuilder::new(pattern)
        .size_limit(64 << 20)
        .dfa_size_limit(32 << 20)
        .build()
        .expect("the parser's patterns are valid regexes")
}
