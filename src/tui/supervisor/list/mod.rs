//! The list screen: the recordings to adjudicate. Its state (the cases and the selection) is on
//! the app, which every screen returns to; `update.rs` holds its keys and mouse, `view.rs` its
//! view.
pub mod update;
pub mod view;
