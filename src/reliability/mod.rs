//! From submitted blind codings of double-coded recordings to the reliability report model (SPEC
//! §6), and its renderers: table, JSON, CSV, HTML.
//!
//! The flow is pure and in three steps, so the same report comes from a study or from a CSV of
//! ratings made elsewhere:
//!
//! 1. [`input`] turns the study's parts (codebook, assignments, durations, codings) or a ratings
//!    CSV into [`input::Ratings`]: per measure, per recording, each coder slot's value;
//! 2. [`build`] computes the statistics into the [`model::Report`];
//! 3. [`render`] writes it as a table, JSON, CSV or a self-contained HTML page.
pub mod build;
pub mod input;
pub mod items;
pub mod model;
pub mod render;

pub use build::{Options, build, build_with};
pub use model::Report;
