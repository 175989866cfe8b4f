//! The article ID: `art_` and the first 64 bits of the SHA-256 of the
//! canonical source text, as 16 lowercase hex digits (ARCHITECTURE.md, "The
//! ID rule"). This is the one parser and the one formatter of an ID; nothing
//! else slices ID strings.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Version of the rule that turns a source into an ID; recorded in every manifest.
pub const ID_RULE: u32 = 1;

const PREFIX: &str = "art_";

/// A stable article ID. Ordered by its number, which is also the order of
/// its spelling (fixed-width lowercase hex), so sorting either agrees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleId(u64);

impl ArticleId {
    /// The ID of a text whose canonical form has this SHA-256.
    pub fn from_digest(sha256: &[u8; 32]) -> Self {
        ArticleId(super::digest::prefix64(sha256))
    }

    /// The 64 bits, for shard assignment and compact fingerprints.
    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// The ID whose 64 bits are `n`: for compact keys read back (a diff
    /// sorts ids as numbers, not strings).
    pub(crate) fn from_u64(n: u64) -> Self {
        ArticleId(n)
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{:016x}", self.0)
    }
}

/// Why a string is not an article ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an article id (expected `art_` and 16 lowercase hex digits)")]
pub struct ParseIdError(String);

impl FromStr for ArticleId {
    type Err = ParseIdError;
    fn from_str(s: &str) -> Result<Self, ParseIdError> {
        let bad = || ParseIdError(s.chars().take(40).collect());
        let hex = s.strip_prefix(PREFIX).ok_or_else(bad)?;
        if hex.len() != 16 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(bad());
        }
        u64::from_str_radix(hex, 16)
            .map(ArticleId)
            .map_err(|_| bad())
    }
}

impl Serialize for ArticleId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ArticleId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_orders_like_its_spelling() {
        let ids = [0u64, 1, 0xff, 0x0123_4567_89ab_cdef, u64::MAX];
        let mut spelled: Vec<String> = ids.iter().map(|&n| ArticleId(n).to_string()).collect();
        assert_eq!(spelled[3], "art_0123456789abcdef");
        for (n, s) in ids.iter().zip(&spelled) {
            assert_eq!(s.parse::<ArticleId>(), Ok(ArticleId(*n)));
        }
        spelled.sort();
        let back: Vec<u64> = spelled
            .iter()
            .map(|s| s.parse::<ArticleId>().unwrap().0)
            .collect();
        assert_eq!(back, ids);
    }

    #[test]
    fn refuses_what_is_not_an_id_without_panicking() {
        for s in [
            "",
            "art_",
            "art_1",
            "art_0123456789ABCDEF",
            "art_0123456789abcdeg",
            "art_0123456789abcdef0",
            "xrt_0123456789abcdef",
            "art_é123456789abcde",
            "a",
        ] {
            assert!(s.parse::<ArticleId>().is_err(), "{s:?}");
        }
    }

    #[test]
    fn serialises_as_its_spelling() {
        let id = ArticleId(0xdead_beef);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"art_00000000deadbeef\"");
        assert_eq!(serde_json::from_str::<ArticleId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<ArticleId>("\"art_x\"").is_err());
    }
}
