//! A seeds folder read whole: its `dataset.toml` and every article run
//! through the pipeline. What `build`, `verify --rebuild` and shards start from.

use super::cache::ParseCache;
use super::corpus::{self, Corpus};
use super::partition::Shard;
use crate::config::{self, DatasetConfig};
use crate::diagnostic::Rule;
use crate::error::{Error, Result};
use crate::input::digest::sha256_hex;
use crate::input::sources::InputFile;
use crate::record::store::Keep;
use std::path::Path;

/// Everything read from a seeds folder.
pub struct Inputs {
    pub config: DatasetConfig,
    pub corpus: Corpus,
}

/// `progress(done, total)` is called as files are processed.
pub fn load(seeds: &Path, progress: &dyn Fn(usize, usize)) -> Result<Inputs> {
    load_shard(seeds, None, None, progress)
}

/// Like [`load`], for one shard of the corpus (or all of it).
/// `cache_dir`: where the parse cache lives, if one is to be used.
pub fn load_shard(
    seeds: &Path,
    shard: Option<Shard>,
    cache_dir: Option<&Path>,
    progress: &dyn Fn(usize, usize),
) -> Result<Inputs> {
    let (config, bytes) = DatasetConfig::read(seeds)?;
    let config_input = InputFile {
        path: config::FILE_NAME.into(),
        bytes: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
    };
    let corpus = corpus::load_dir(
        seeds,
        &config.limits,
        std::slice::from_ref(&config_input),
        shard,
        cache_dir.and_then(|d| ParseCache::open(d, &config.limits)),
        Keep::Records,
        progress,
    )?;
    if corpus.files == 0 {
        return Err(no_articles(seeds, &corpus));
    }
    Ok(Inputs { config, corpus })
}

/// The error for a folder with nothing to release, naming what was found
/// and ignored (a release of nothing would be published for ever).
fn no_articles(seeds: &Path, corpus: &Corpus) -> Error {
    let ignored: Vec<&str> = corpus
        .diagnostics
        .iter()
        .filter(|d| d.rule == Rule::UnexpectedFile)
        .map(|d| d.file.as_str())
        .collect();
    const SHOWN: usize = 5;
    let ignored = match ignored.len() {
        0 => String::new(),
        n => {
            let mut list: Vec<String> = ignored
                .iter()
                .take(SHOWN)
                .map(|f| format!("`{f}`"))
                .collect();
            if n > SHOWN {
                list.push(format!("and {} more", n - SHOWN));
            }
            format!("; found and ignored {n} other file(s): {}", list.join(", "))
        }
    };
    Error::NoArticles {
        path: seeds.to_path_buf(),
        ignored,
    }
}
