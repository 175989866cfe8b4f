//! The folder of releases: building a release into it under a lock,
//! reading releases back, verifying, diffing, and checking new articles
//! against a published release.

pub(crate) mod against;
pub(crate) mod build;
pub(crate) mod diff;
pub(crate) mod folder;
pub(crate) mod verify;
