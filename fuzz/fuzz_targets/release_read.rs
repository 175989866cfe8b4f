//! Reading a release back: `manifest.json`, `articles.jsonl` and the
//! fingerprint cache made of arbitrary bytes, then everything that reads a
//! release (`verify`, `diff`, the `--against` fingerprints). Properties: no
//! panic and no hang on anything; the same folder gets the same answers
//! twice (the second time with the fingerprint cache the first wrote).
#![no_main]

use libfuzzer_sys::fuzz_target;
use newscorpus::fuzzing::read_release;

// The input is the manifest, then the records, split at the first
// `\n---\n` (the seed corpus is built that way from real releases).
fuzz_target!(|bytes: &[u8]| {
    let sep = b"\n---\n";
    let (manifest, records) = match bytes.windows(sep.len()).position(|w| w == sep) {
        Some(i) => (&bytes[..i], &bytes[i + sep.len()..]),
        None => (bytes, &b""[..]),
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("1.0.0");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("manifest.json"), manifest).unwrap();
    std::fs::write(dir.join("articles.jsonl"), records).unwrap();
    let cache = tmp.path().join(".cache");
    let first = read_release(&dir, &cache);
    let second = read_release(&dir, &cache);
    assert_eq!(first, second, "a second reading differs");
});
