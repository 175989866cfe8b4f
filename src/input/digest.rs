//! SHA-256 as the release spells it (lowercase hex), and the one place a
//! digest is cut to a prefix.

use sha2::{Digest, Sha256};

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// The first 128 bits of a hex SHA-256 (0 for anything shorter).
pub fn prefix128(hex: &str) -> u128 {
    hex.get(..32)
        .and_then(|h| u128::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}

/// The first 128 bits of the SHA-256 of `bytes`, big-endian: a compact key
/// for comparing values that are too large to keep.
pub fn sha256_u128(bytes: &[u8]) -> u128 {
    let digest = Sha256::digest(bytes);
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_be_bytes(first)
}

/// The first 64 bits of a SHA-256, big-endian (the number its first 16 hex
/// digits spell).
pub fn prefix64(digest: &[u8; 32]) -> u64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The first 16 hex digits of a digest, for file names and messages (the
/// whole of anything shorter).
pub fn short(hex: &str) -> &str {
    hex.get(..16).unwrap_or(hex)
}
