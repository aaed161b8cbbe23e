//! Pieces of screen that only draw: they take borrowed data and a `Rect`, hold no state, do no I/O.
pub mod chrome;
pub mod lists;
pub mod prompt;
pub mod rubric;
pub mod scores;
pub mod timeline;
pub mod transcript;
