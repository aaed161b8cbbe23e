//! Issue #15 item 2, the transcript pane on the coder's coding screen, driven through `update`:
//! `T` shows and hides it (on by default where a transcript exists), Tab reaches it only while
//! shown, `/` searches (any case) with `n` / `N` through the matches while the pane is focused,
//! `Enter` on a cue jumps the audio there, and `b` / `e` snap a segment to the selected cue.
mod tui_support;

use crossterm::event::KeyCode;
use tapecoder::tui::coder::coding::{CodingState, Pane, Transcribed};
use tapecoder::tui::coder::{App, Effect, Overlay, update};
use tapecoder::tui::shell::prompt::PromptKind;
use tapecoder::tui::transport::Transport;
use tui_support::*;

fn st(a: &App) -> &CodingState {
    a.coding().unwrap()
}
fn notice(a: &App) -> String {
    a.current_notice().unwrap_or_default().to_string()
}
fn search(a: &mut App, text: &str) -> Vec<Effect> {
    let mut fx = update(a, ch('/'));
    assert!(
        matches!(&a.overlay, Some(Overlay::Prompt(p)) if p.kind == PromptKind::Search),
        "/ opens the search prompt"
    );
    fx.extend(typed(a, text));
    fx.extend(update(a, key(KeyCode::Enter)));
    fx
}

#[test]
fn shown_by_default_with_a_transcript_and_t_toggles_it() {
    let mut a = coding_app_with_transcript(coding("R001"), 10.0);
    assert!(st(&a).tpane.visible);
    assert_eq!(st(&a).current_cue(), Some(2));
    update(&mut a, ch('T'));
    assert!(!st(&a).tpane.visible);
    assert!(notice(&a).contains("transcript hidden"), "{}", notice(&a));
    update(&mut a, ch('T'));
    assert!(st(&a).tpane.visible);
    // `t` is still the note's domains, not the transcript.
    update(&mut a, ch('t'));
    assert!(st(&a).tpane.visible);
}

#[test]
fn without_a_transcript_the_pane_is_off_and_says_so_when_shown() {
    let mut a = coding_app(coding("R001"), 10.0);
    assert!(!st(&a).tpane.visible);
    update(&mut a, ch('T'));
    assert!(st(&a).tpane.visible);
    assert!(notice(&a).contains("no transcript is attached"), "{}", notice(&a));
    update(&mut a, ch('/'));
    assert!(a.overlay.is_none(), "nothing to search");
    assert!(notice(&a).contains("nothing to search"));
}

#[test]
fn tab_reaches_the_pane_only_while_shown() {
    let mut a = coding_app_with_transcript(coding("R001"), 33.0);
    let mut order = vec![];
    for _ in 0..5 {
        update(&mut a, key(KeyCode::Tab));
        order.push(st(&a).focus);
    }
    assert_eq!(
        order,
        [Pane::Segments, Pane::Notes, Pane::Scores, Pane::Transcript, Pane::Timeline]
    );
    update(&mut a, shift(KeyCode::BackTab));
    assert_eq!(st(&a).focus, Pane::Transcript);
    // Entering it selects the cue at the playhead.
    assert_eq!(st(&a).tpane.sel, 5);
    update(&mut a, ch('T'));
    assert_eq!(st(&a).focus, Pane::Timeline, "hiding the focused pane moves focus off it");
    for _ in 0..4 {
        update(&mut a, key(KeyCode::Tab));
        assert_ne!(st(&a).focus, Pane::Transcript);
    }
}

#[test]
fn search_ignores_case_and_n_shift_n_go_through_the_matches() {
    let mut a = coding_app_with_transcript(coding("R001"), 0.0);
    let notes = st(&a).coding.notes.len();
    search(&mut a, "SLEEP");
    assert_eq!(st(&a).tpane.matches, [5, 6]);
    assert_eq!(st(&a).focus, Pane::Transcript);
    assert_eq!(st(&a).tpane.sel, 5);
    assert!(notice(&a).starts_with("match 1 of 2 at 00:31.0"), "{}", notice(&a));
    update(&mut a, ch('n'));
    assert_eq!(st(&a).tpane.sel, 6);
    update(&mut a, ch('n'));
    assert_eq!(st(&a).tpane.sel, 5, "round to the first");
    update(&mut a, ch('N'));
    assert_eq!(st(&a).tpane.sel, 6, "round to the last");
    update(&mut a, ch('N'));
    assert_eq!(st(&a).tpane.sel, 5);
    assert!(a.overlay.is_none(), "n and N opened no note prompt");
    assert_eq!(st(&a).coding.notes.len(), notes);
    // Away from the pane, `n` adds a note as ever.
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, ch('n'));
    assert!(
        matches!(&a.overlay, Some(Overlay::Prompt(p)) if matches!(p.kind, PromptKind::Note { .. }))
    );
}

#[test]
fn search_with_no_match_or_empty_clears() {
    let mut a = coding_app_with_transcript(coding("R001"), 0.0);
    search(&mut a, "sleep");
    search(&mut a, "");
    assert!(st(&a).tpane.matches.is_empty());
    assert!(st(&a).tpane.query.is_empty());
    // The pane is still focused: `n` now adds a note.
    update(&mut a, ch('n'));
    assert!(
        matches!(&a.overlay, Some(Overlay::Prompt(p)) if matches!(p.kind, PromptKind::Note { .. }))
    );
    update(&mut a, key(KeyCode::Esc));
    search(&mut a, "giraffe");
    assert!(st(&a).tpane.matches.is_empty());
    assert!(notice(&a).contains("no cue holds “giraffe”"), "{}", notice(&a));
}

#[test]
fn enter_on_a_cue_seeks_to_its_start() {
    let mut a = coding_app_with_transcript(coding("R001"), 0.0);
    search(&mut a, "money");
    let fx = update(&mut a, key(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::Player(Transport::Seek(50.0))]);
    update(&mut a, key(KeyCode::Up));
    let fx = update(&mut a, key(KeyCode::Enter));
    assert_eq!(fx, vec![Effect::Player(Transport::Seek(40.0))]);
}

#[test]
fn b_and_e_in_the_pane_snap_the_segment_to_the_cues() {
    let mut a = coding_app_with_transcript(coding("R001"), 100.0);
    search(&mut a, "drinking");
    assert_eq!(st(&a).tpane.sel, 2);
    update(&mut a, ch('b'));
    assert_eq!(st(&a).pending_begin, Some(9.5), "b: the cue's start, not the playhead");
    update(&mut a, ch('n'));
    update(&mut a, ch('e'));
    let segs = &st(&a).coding.segments;
    assert_eq!(segs.len(), 1);
    assert_eq!((segs[0].start_s, segs[0].end_s), (9.5, 22.0), "e: the next match's end");
    // Outside the pane, b and e are at the playhead as before.
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, ch('b'));
    assert_eq!(st(&a).pending_begin, Some(100.0));
}
