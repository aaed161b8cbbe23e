//! Issue #15: the transcript pane on the supervisor's adjudication screen, under the two coders'
//! lists. Snapshots (current cue, search, no transcript; 80x24 and 120x40) and key-driven tests
//! through `update`: `T` toggles it (on by default with a transcript), Tab reaches it only while
//! shown, `/` searches with `n` / `N` through the matches while it is focused, `Enter` on a cue
//! jumps the audio there, and a transcript that cannot be read still opens the recording.
mod tui_adjudication_support;

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use tapecoder::tui::shell::prompt::PromptKind;
use tapecoder::tui::supervisor::recording::view::recording_layout_with;
use tapecoder::tui::supervisor::{AdjApp, Effect, Msg, Overlay, Pane, RecordingState, update};
use tapecoder::tui::transport::Transport;
use tui_adjudication_support::*;

fn st(a: &AdjApp) -> &RecordingState {
    a.recording().expect("on the recording screen")
}
fn notice(a: &AdjApp) -> String {
    a.current_notice().unwrap_or_default().to_string()
}
fn with_transcript(pos: f64) -> AdjApp {
    recording_app_with(pos, Ok(Some(transcript())))
}
fn search(a: &mut AdjApp, text: &str) -> Vec<Effect> {
    let mut fx = update(a, ch('/'));
    assert!(
        matches!(&a.overlay, Some(Overlay::GoTo(p)) if p.kind == PromptKind::Search),
        "/ opens the search prompt"
    );
    fx.extend(typed(a, text));
    fx.extend(update(a, key(KeyCode::Enter)));
    fx
}
fn tab_to_transcript(a: &mut AdjApp) {
    for _ in 0..4 {
        if st(a).focus == Pane::Transcript {
            return;
        }
        update(a, key(KeyCode::Tab));
    }
    assert_eq!(st(a).focus, Pane::Transcript);
}

// ----- snapshots ----------------------------------------------------------------------------

#[test]
fn transcript_current_cue() {
    let a = with_transcript(14.0);
    assert_snapshot!("adj_transcript_current_cue_80x24", render(&a, 80, 24));
    assert_snapshot!("adj_transcript_current_cue_120x40", render(&a, 120, 40));
}

#[test]
fn transcript_search() {
    let mut a = with_transcript(0.0);
    search(&mut a, "baby");
    update(&mut a, ch('n'));
    assert_snapshot!("adj_transcript_search_80x24", render(&a, 80, 24));
    assert_snapshot!("adj_transcript_search_120x40", render(&a, 120, 40));
}

#[test]
fn transcript_none() {
    let mut a = recording_app_with(14.0, Ok(None));
    assert!(!st(&a).tpane.visible, "off by default without a transcript");
    update(&mut a, ch('T'));
    assert_snapshot!("adj_transcript_none_80x24", render(&a, 80, 24));
    assert_snapshot!("adj_transcript_none_120x40", render(&a, 120, 40));
}

// ----- keys ---------------------------------------------------------------------------------

#[test]
fn shown_by_default_and_t_toggles_it() {
    let mut a = with_transcript(14.0);
    assert!(st(&a).tpane.visible);
    assert!(render(&a, 120, 40).contains("How has the baby been sleeping"));
    update(&mut a, ch('T'));
    assert!(!st(&a).tpane.visible);
    assert!(notice(&a).contains("transcript hidden"), "{}", notice(&a));
    assert!(!render(&a, 120, 40).contains("How has the baby been sleeping"));
    update(&mut a, ch('T'));
    assert!(st(&a).tpane.visible);
}

#[test]
fn tab_reaches_the_pane_only_while_shown() {
    let mut a = with_transcript(14.0);
    let mut seen = vec![];
    for _ in 0..4 {
        update(&mut a, key(KeyCode::Tab));
        seen.push(st(&a).focus);
    }
    assert_eq!(seen, [Pane::Primary, Pane::Secondary, Pane::Transcript, Pane::Scores]);
    // Entering it selects the cue at the playhead.
    update(&mut a, key(KeyCode::BackTab));
    assert_eq!(st(&a).focus, Pane::Transcript);
    assert_eq!(st(&a).tpane.sel, 2);
    update(&mut a, ch('T'));
    assert_eq!(st(&a).focus, Pane::Scores, "hiding the focused pane leaves it");
    let mut seen = vec![];
    for _ in 0..3 {
        update(&mut a, key(KeyCode::Tab));
        seen.push(st(&a).focus);
    }
    assert_eq!(seen, [Pane::Primary, Pane::Secondary, Pane::Scores]);
}

#[test]
fn search_then_n_and_shift_n_go_through_the_matches() {
    let mut a = with_transcript(0.0);
    search(&mut a, "BABY");
    let r = st(&a);
    assert_eq!(r.tpane.matches, [1, 2]);
    assert_eq!((r.focus, r.tpane.sel), (Pane::Transcript, 1));
    assert!(notice(&a).contains("match 1 of 2"), "{}", notice(&a));
    update(&mut a, ch('n'));
    assert_eq!(st(&a).tpane.sel, 2);
    update(&mut a, ch('n'));
    assert_eq!(st(&a).tpane.sel, 1, "round to the first");
    update(&mut a, ch('N'));
    assert_eq!(st(&a).tpane.sel, 2, "round to the last");
    // Away from the pane, `n` is no longer the search's: the coders' notes stay theirs.
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, ch('n'));
    assert_eq!(st(&a).tpane.sel, 2);
    assert!(notice(&a).contains("adjudication never changes them"), "{}", notice(&a));
    // No match, and an empty search clears it.
    search(&mut a, "zebra");
    assert!(notice(&a).contains("no cue holds"), "{}", notice(&a));
    search(&mut a, "");
    assert!(st(&a).tpane.matches.is_empty());
    assert_eq!(notice(&a), "search cleared");
}

#[test]
fn enter_on_a_cue_seeks_the_audio_there() {
    let mut a = with_transcript(0.0);
    tab_to_transcript(&mut a);
    update(&mut a, key(KeyCode::Down));
    update(&mut a, key(KeyCode::Down));
    assert_eq!(st(&a).tpane.sel, 2);
    let fx = update(&mut a, key(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::Player(Transport::Seek(11.5))]);
    assert!((st(&a).snap.position_s - 11.5).abs() < 1e-9);
}

#[test]
fn without_a_transcript_search_says_so() {
    let mut a = recording_app_with(0.0, Ok(None));
    update(&mut a, ch('/'));
    assert!(a.overlay.is_none());
    assert!(notice(&a).contains("no transcript is attached"), "{}", notice(&a));
}

#[test]
fn an_unreadable_transcript_still_opens_the_recording() {
    let mut a = app();
    update(&mut a, key(KeyCode::Enter));
    let transcript = Err("the transcript cannot be read: bad cue".into());
    let opened =
        Msg::Opened { id: "R002".into(), snapshot: snapshot_at(0.0), draft: None, transcript };
    update(&mut a, opened);
    let r = st(&a);
    assert!(r.tpane.transcript.is_none() && !r.tpane.visible);
    assert!(notice(&a).contains("the transcript cannot be read"), "{}", notice(&a));
}

#[test]
fn a_click_in_the_pane_focuses_it_at_the_playhead() {
    let mut a = with_transcript(14.0);
    let l = recording_layout_with(ratatui::layout::Rect::new(0, 0, 120, 40), DOMAINS.len(), true);
    assert!(!l.transcript.is_empty() && l.transcript.y > l.primary.y, "under the coders' lists");
    let (x, y) = (l.transcript.x + 3, l.transcript.y + 2);
    update(&mut a, click(x, y));
    assert_eq!((st(&a).focus, st(&a).tpane.sel), (Pane::Transcript, 2));
    let small =
        recording_layout_with(ratatui::layout::Rect::new(0, 0, 80, 24), DOMAINS.len(), true);
    assert_eq!(small.transcript.y, small.primary.y, "beside them at 80x24");
}
