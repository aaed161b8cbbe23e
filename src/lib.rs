//! tapecoder: blind, double-coded scoring of social-work home-visit recordings.
//!
//! The crate is layered so that a newcomer can see it at a glance:
//!
//! - pure domain logic with no I/O: [`codebook`] (the instrument), [`coding`] (one coder's coding of
//!   one recording and its rules), [`stats`] (reliability statistics), the planners in [`study`];
//! - storage at the edge: [`study`] reads and writes the study folder (atomic writes, journal, locks);
//! - [`audio`]: decoding, exact durations, playback behind the small [`audio::Playback`] trait;
//! - [`reliability`] and [`export`]: from study codings to reports and tables;
//! - [`tui`]: the coder and supervisor terminal interfaces, Elm style (state, messages, update, view);
//! - [`cli`] and [`commands`]: the command line and the glue of each subcommand.
// No function in `src/` longer than 100 lines (clippy.toml sets the threshold); CI runs clippy with
// `-D warnings`. Unit-test modules are exempt (`#[allow]` on the module where needed).
#![warn(clippy::too_many_lines)]

pub mod audio;
pub mod cli;
pub mod codebook;
pub mod coding;
pub mod commands;
pub mod drift;
pub mod export;
pub mod identity;
pub mod ids;
pub mod instrument;
pub mod par;
pub mod quality;
pub mod reliability;
pub mod stats;
pub mod study;
pub mod tiers;
pub mod timefmt;
pub mod toml_hint;
pub mod transcript;
pub mod tui;
