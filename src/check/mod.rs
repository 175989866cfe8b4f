//! Rules a record must pass beyond the schema: one article at a time
//! ([`per_article`]) and across the corpus ([`across`]), with the
//! similarity sketches near duplicates are found by.

pub(crate) mod across;
pub(crate) mod per_article;
pub(crate) mod similarity;
