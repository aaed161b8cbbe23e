//! The terminal interfaces in the Elm style: state, messages, a pure `update` returning effects,
//! and a read-only `view`, for two apps on one runtime.
//!
//! - [`runtime`]: the event loop both apps run on (drawing, input, player and overview polling,
//!   effects carried out, the disk thread, termination signals), generic over the backend;
//! - [`shell`]: what both apps share around their screens (codebook, keymap, size, clock,
//!   notice; prompts; the help overlay built from the keymap);
//! - [`coder`]: the coder app (queue, coding screen); [`supervisor`]: the adjudication app;
//! - [`keys`]: the default keymap and `keys.toml` rebinding;
//! - [`widgets`]: pieces that only draw (timeline, scores, rubric, lists, prompt, chrome);
//! - [`event`]: the input thread;
//! - [`transport`]: the player keys (play, seek, replay, speed) both apps share;
//! - [`peaks`]: the waveform overview as it arrives in chunks (both apps);
//! - [`zoom`]: the zoom strip's level and its own peaks as they arrive (both apps);
//! - [`layout`]: pane rectangles, shared by the views and mouse hit-testing;
//! - [`terminal`]: taking and restoring the terminal on every exit path, and sanitising text;
//! - `bench_support` (feature `bench`): the coding-screen state the frame benchmarks draw.
#[cfg(feature = "bench")]
pub mod bench_support;
pub mod coder;
pub mod event;
pub mod keys;
pub mod layout;
pub mod peaks;
pub mod runtime;
pub mod shell;
pub mod supervisor;
pub mod terminal;
pub mod transcript_pane;
pub mod transport;
pub mod widgets;
pub mod zoom;
