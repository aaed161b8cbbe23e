//! Rough edges found by driving the coder TUI as a coder would (QA pass), each pinned by a test.
mod tui_support;

use crossterm::event::KeyCode;
use tapecoder::tui::app::{Msg, Opened, update};
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

/// `g` with minutes of 60 or more in `mm:ss` (as coders write times in long recordings) says why
/// it is refused and what to type instead, not just "not a time".
#[test]
fn go_to_explains_minutes_over_an_hour() {
    let mut a = long_app();
    update(&mut a, ch('g'));
    typed(&mut a, "75:30");
    update(&mut a, key(KeyCode::Enter));
    let s = render(&a, 100, 30);
    assert!(s.contains("1:15:30"), "no h:mm:ss suggestion:\n{s}");
    // And the suggestion works.
    update(&mut a, key(KeyCode::Esc));
    update(&mut a, ch('g'));
    let fx = typed(&mut a, "1:15:30");
    assert!(fx.is_empty());
    let fx = update(&mut a, key(KeyCode::Enter));
    assert!(!render(&a, 100, 30).contains("Go to time"), "prompt still open");
    assert!(!fx.is_empty(), "no seek");
}

/// Seconds of 60 or more are refused with the reason.
#[test]
fn go_to_explains_seconds_over_59() {
    let mut a = long_app();
    update(&mut a, ch('g'));
    typed(&mut a, "1:75");
    update(&mut a, key(KeyCode::Enter));
    let s = render(&a, 100, 30);
    assert!(s.contains("seconds must be below 60"), "{s}");
}

/// A two-hour recording's coding app.
fn long_app() -> tapecoder::tui::app::App {
    let mut a = app();
    let opened = Opened { coding: coding("R001"), duration_s: 7200.0, snapshot: snapshot_at(0.0) };
    update(&mut a, Msg::Opened(Box::new(opened)));
    update(&mut a, Msg::Tick(10_000));
    a
}
