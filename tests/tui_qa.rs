//! Rough edges found by driving the coder TUI as a coder would (QA pass), each pinned by a test.
mod tui_support;

use crossterm::event::KeyCode;
use tapecoder::tui::coder::{Effect, Job, Msg, Opened, update};
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
fn long_app() -> tapecoder::tui::coder::App {
    let mut a = app();
    let opened = Opened {
        coding: coding("R001"),
        duration_s: 7200.0,
        snapshot: snapshot_at(0.0),
        transcript: Ok(None),
        window: None,
    };
    update(&mut a, Msg::Opened(Box::new(opened)));
    update(&mut a, Msg::Tick(10_000));
    a
}

/// Text pasted into a note (several lines, escape sequences) stays in the note: its line breaks
/// do not save it early and its letters are not taken as commands (`b`, `e`, `q`, Space).
#[test]
fn pasted_lines_stay_in_the_note() {
    let mut a = coding_app(coding("R001"), 12.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('n'));
    let fx = update(&mut a, Msg::Paste("line one\r\nbe quiet\x1b[2J\tnow".into()));
    assert!(fx.is_empty(), "{fx:?}");
    update(&mut a, key(KeyCode::Enter));
    let c = a.coding().expect("still on the coding screen");
    assert_eq!(c.coding.notes.len(), 1);
    assert_eq!(c.coding.notes[0].text, "line one  be quiet[2J now");
    assert!(c.coding.segments.is_empty() && c.pending_begin.is_none());
}

/// A paste with no prompt open changes nothing.
#[test]
fn paste_outside_a_prompt_is_ignored() {
    let mut a = coding_app(coding("R001"), 12.0);
    update(&mut a, Msg::Tick(10_000));
    let fx = update(&mut a, Msg::Paste("b e q ".into()));
    assert!(fx.is_empty(), "{fx:?}");
    let c = a.coding().expect("still on the coding screen");
    assert!(c.pending_begin.is_none());
    assert!(render(&a, 100, 30).contains("paste into a note"));
}

/// On a submitted coding a score key says the coding is read-only, not "press Tab to get there"
/// (which would send the coder to a pane where the key still does nothing).
#[test]
fn score_key_on_a_submitted_coding_says_read_only() {
    let mut c = coding("R001");
    c.status = tapecoder::coding::Status::Submitted;
    let mut a = coding_app(c, 0.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('4'));
    let n = a.current_notice().unwrap_or_default().to_string();
    assert!(n.contains("read-only"), "{n}");
}

/// The coder's help is whole at 80×24.
#[test]
fn coder_help_fits_at_80_by_24() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('?'));
    let s = render(&a, 80, 24);
    for part in [
        "replay last 5 s",
        "open · jump · rationale",
        "delete segment or note",
        "back / quit",
        "segment start → playhead",
        "note's domains…",
        "undo the last edit",
        "redo",
    ] {
        assert!(s.contains(part), "{part:?} cut off:\n{s}");
    }
}

/// The live share's label is whole at 80 columns (its colon used to be cut off).
#[test]
fn share_label_whole_at_80_columns() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    let s = render(&a, 80, 24);
    assert!(s.contains("behaviour-change talk:"), "{s}");
}

/// Seeking (g, Home/End, arrows, a click) without playing or editing and then leaving still
/// saves where the coder stopped: reopening used to start from the old position.
#[test]
fn leaving_after_a_seek_saves_the_resume_position() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, Msg::Playback(snapshot_at(454.0)));
    update(&mut a, Msg::Tick(20_000));
    let fx = update(&mut a, ch('q'));
    let saved = fx.iter().find_map(|e| match e {
        Effect::Disk(Job::Save(c)) => Some(c.resume_s),
        _ => None,
    });
    assert_eq!(saved, Some(454.0), "{fx:?}");
}

/// Leaving where the coding was opened writes nothing.
#[test]
fn leaving_without_moving_does_not_save() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    let fx = update(&mut a, ch('q'));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Disk(Job::Save(_)))), "{fx:?}");
}

/// At 80×24 the submit dialog shows every problem, the listening warning and its keys.
#[test]
fn submit_dialog_whole_at_80_by_24() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('S'));
    let s = render(&a, 80, 24);
    for part in
        ["Empathy is not scored", "Child focus is not scored", "listened to", "back to coding"]
    {
        assert!(s.contains(part), "{part:?} missing:\n{s}");
    }
}

/// Submitting with a segment begun (b) but not ended (e) would silently drop it: S says so
/// instead of opening the dialog, as leaving does.
#[test]
fn submit_with_a_segment_half_tagged_says_so() {
    let mut a = coding_app(coding("R001"), 30.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('b'));
    update(&mut a, ch('S'));
    assert!(a.overlay.is_none(), "{:?}", a.overlay);
    let n = a.current_notice().unwrap_or_default().to_string();
    assert!(n.contains("not ended"), "{n}");
    // Ending it lets the dialog open.
    update(&mut a, Msg::Playback(snapshot_at(40.0)));
    update(&mut a, ch('e'));
    update(&mut a, ch('S'));
    assert!(a.overlay.is_some());
}
