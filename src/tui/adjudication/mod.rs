//! The supervisor's adjudication TUI (SPEC §7), in the same Elm style as the coder TUI:
//!
//! - [`app`]: the model, [`app::Msg`], and `update(&mut AdjApp, Msg) -> Vec<Effect>` (pure, tested);
//! - [`view`]: the list and recording screens, the reason prompt and the help overlay (draw only).
//!
//! It reuses the coder TUI's pieces: the keymap (`keys.toml` rebinding applies here too), the
//! prompt editor, the timeline widget (one lane per coder), lists, and the terminal guard. What
//! needs adjudicating and how decisions become a file is pure logic in
//! [`crate::study::adjudication`]; the runner is `commands/adjudicate.rs`.
pub mod app;
pub mod view;
