//! The terminal interfaces in the Elm style: state, messages, `update`, `view`.
//!
//! - [`app`]: the model, [`app::Msg`], and `update(&mut App, Msg) -> Vec<Effect>` (pure, tested);
//! - [`keys`]: the default keymap and `keys.toml` rebinding;
//! - [`screens`]: one view function per screen or overlay, next to its own state;
//! - [`widgets`]: pieces that only draw (timeline, scores, rubric, lists, prompt);
//! - [`event`]: the input thread and the worker messages that feed the loop;
//! - [`transport`]: the player keys (play, seek, replay, speed) both TUIs share;
//! - [`peaks`]: the waveform overview as it arrives in chunks (both TUIs);
//! - [`terminal`]: taking and restoring the terminal on every exit path, and sanitising text;
//! - [`bench_support`]: the coding-screen state the frame benchmarks draw.
pub mod adjudication;
pub mod app;
pub mod bench_support;
pub mod coder;
pub mod event;
pub mod format;
pub mod keys;
pub mod layout;
pub mod peaks;
pub mod rules;
pub mod runtime;
pub mod screens;
pub mod supervisor;
pub mod terminal;
pub mod transport;
pub mod widgets;
