//! Where a run spends its time, for `--timings` and BENCHMARKS.md. Stage
//! costs are summed over threads (CPU time spent in the stage), so on two
//! threads they add up to about twice the wall time of the parallel part.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

static ENABLED: AtomicBool = AtomicBool::new(false);

#[derive(Clone, Copy)]
pub enum Stage {
    Read,
    Canonicalize,
    Parse,
    Check,
    Schema,
    Serialize,
    CrossFile,
    Diff,
    Write,
}

const NAMES: [&str; 9] = [
    "read (open, read bytes, hash raw bytes)",
    "canonicalise + source hash",
    "parse",
    "corpus rules (per article)",
    "schema check",
    "serialise + sketch",
    "cross-file checks (duplicates, near duplicates)",
    "diff against the previous release (CHANGES.md, version policy)",
    "write release (serialise, hash, write, sync)",
];

static NANOS: [AtomicU64; 9] = [const { AtomicU64::new(0) }; 9];

pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Runs `f`, adding its duration to `stage` when timings are on.
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    if !ENABLED.load(Ordering::Relaxed) {
        return f();
    }
    let start = Instant::now();
    let out = f();
    NANOS[stage as usize].fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
    out
}

pub fn report() -> String {
    let mut s = String::from("timings (CPU seconds summed over threads):\n");
    for (name, n) in NAMES.iter().zip(&NANOS) {
        s.push_str(&format!(
            "  {:>8.3} s  {name}\n",
            n.load(Ordering::Relaxed) as f64 / 1e9
        ));
    }
    s
}
