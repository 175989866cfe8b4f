//! What a release says of its inputs: each file's size and SHA-256, and one
//! digest of them all that coreutils can recompute.

use sha2::{Digest, Sha256};

/// One input file as read: its size and the SHA-256 of its raw bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// `sha256sum`-format listing of every input, hashed as it streams past in
/// path order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    pub files: usize,
    pub bytes: u64,
    /// SHA-256 of `<sha256>  <path>\n` for every input, sorted by path.
    pub sha256: String,
}

pub(crate) struct SourcesDigest {
    hasher: Sha256,
    files: usize,
    bytes: u64,
    /// Inputs from outside the walk (dataset.toml), merged in by path.
    extra: Vec<InputFile>,
}

impl SourcesDigest {
    pub(crate) fn new(extra: &[InputFile]) -> Self {
        let mut extra = extra.to_vec();
        extra.sort_by(|a, b| b.path.cmp(&a.path));
        SourcesDigest {
            hasher: Sha256::new(),
            files: 0,
            bytes: 0,
            extra,
        }
    }

    pub(crate) fn add(&mut self, input: &InputFile) {
        while self.extra.last().is_some_and(|e| e.path < input.path) {
            let e = self.extra.pop().expect("checked");
            self.line(&e);
        }
        self.line(input);
    }

    fn line(&mut self, input: &InputFile) {
        // `<sha256>  <path>\n`, fed in pieces: no string made per file.
        self.hasher.update(&input.sha256);
        self.hasher.update(b"  ");
        self.hasher.update(&input.path);
        self.hasher.update(b"\n");
        self.files += 1;
        self.bytes += input.bytes;
    }

    pub(crate) fn finish(mut self) -> Sources {
        while let Some(e) = self.extra.pop() {
            self.line(&e);
        }
        Sources {
            files: self.files,
            bytes: self.bytes,
            sha256: super::digest::hex(&self.hasher.finalize()),
        }
    }
}
