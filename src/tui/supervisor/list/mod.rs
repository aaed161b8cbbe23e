//! The list screen: the recordings to adjudicate. Its state ([`ListState`]: the cases and the
//! selection) is on the app, which every screen returns to; `update.rs` holds its keys and mouse,
//! `view.rs` its view.
pub mod update;
pub mod view;

use crate::study::adjudication::Case;

/// The recordings outside tolerance, in the list's order, and the selected one.
#[derive(Debug, Clone, Default)]
pub struct ListState {
    pub cases: Vec<Case>,
    pub selected: usize,
}
