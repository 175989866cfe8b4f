//! The release record: [`Article`], its JSON Schema, release order, and the
//! spill store that holds records on disk between parsing and writing.

pub(crate) mod article;
pub(crate) mod schema;
pub(crate) mod store;

pub use crate::input::id::ArticleId;
pub use article::{Article, Cell, DateSourceField, FIELDS};
