//! Rough edges found by driving the coder TUI as a coder would (QA pass), each pinned by a test.
mod tui_support;

use tapecoder::tui::app::{Msg, update};
use tui_support::*;

/// The empty-state hints of the segments and notes panes wrap instead of being cut off at the
/// minimum terminal width.
#[test]
fn empty_list_hints_wrap_at_80_columns() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    let s = render(&a, 80, 24);
    assert!(s.contains("playhead"), "notes hint cut off:\n{s}");
    assert!(s.contains("the end"), "segments hint cut off:\n{s}");
}
