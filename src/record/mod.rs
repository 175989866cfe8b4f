//! The release record: [`Article`], its JSON Schema, release order, the
//! spill store that holds records on disk between parsing and writing, and
//! the external sort of compact keys (`spill`) that keeps comparisons of
//! whole releases in bounded memory.

pub(crate) mod article;
pub(crate) mod calendar;
pub(crate) mod schema;
pub(crate) mod store;

pub use crate::input::id::ArticleId;
pub use article::{Article, Cell, DateSourceField, LanguageSourceField, FIELDS};
