//! Which shard of a sharded build owns an article: by its ID modulo the
//! shard count, so shards are even and stay stable as the corpus grows.

use crate::input::digest::prefix64;
use crate::input::id::ArticleId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u32,
    pub n: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 0/4")?;
        let (k, n): (u32, u32) = (
            k.parse().map_err(|_| format!("`{k}` is not a number"))?,
            n.parse().map_err(|_| format!("`{n}` is not a number"))?,
        );
        if n == 0 || k >= n {
            return Err(format!(
                "shard {k}/{n}: K must be below N (shards are numbered 0 to N-1)"
            ));
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    /// Whether the article with this source digest is this shard's: the id's
    /// 64 bits modulo N, so shards are even and stable as the corpus grows.
    pub fn owns_id(&self, id: ArticleId) -> bool {
        id.as_u64() % u64::from(self.n) == u64::from(self.k)
    }

    /// For files with no id (unreadable, not UTF-8): by a hash of the path.
    pub fn owns_path(&self, rel: &str) -> bool {
        use sha2::{Digest, Sha256};
        prefix64(&Sha256::digest(rel.as_bytes()).into()) % u64::from(self.n) == u64::from(self.k)
    }

    pub fn dir_name(&self) -> String {
        format!("part-{}-of-{}", self.k, self.n)
    }
}
