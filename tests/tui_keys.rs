//! Every default key of SPEC §5 and the mouse, driven through `update`: the state it leaves and
//! the effects it asks for.
mod tui_support;

use crossterm::event::{KeyCode, MouseButton, MouseEventKind};
use tapecoder::coding::{ScoreState, Status};
use tapecoder::study::prefs::Prefs;
use tapecoder::tui::coder::coding::{Pane, SaveState};
use tapecoder::tui::coder::dialogs::Dialog;
use tapecoder::tui::coder::{Effect, Job, Msg, Overlay, Screen, update};
use tapecoder::tui::layout;
use tapecoder::tui::transport::Transport;
use tui_support::*;

fn pos(a: &tapecoder::tui::coder::App) -> f64 {
    a.coding().unwrap().snap.position_s
}
fn focus(a: &tapecoder::tui::coder::App) -> Pane {
    a.coding().unwrap().focus
}
fn to_scores(a: &mut tapecoder::tui::coder::App) {
    update(a, key(KeyCode::BackTab));
    assert_eq!(focus(a), Pane::Scores);
}

#[test]
fn space_plays_and_pauses() {
    let mut a = coding_app(coding("R001"), 10.0);
    assert_eq!(update(&mut a, ch(' ')), vec![Effect::Player(Transport::Play)]);
    assert!(a.coding().unwrap().snap.playing);
    assert_eq!(update(&mut a, ch(' ')), vec![Effect::Player(Transport::Pause)]);
}

#[test]
fn space_at_the_end_restarts() {
    let mut a = coding_app(coding("R001"), 600.0);
    assert_eq!(
        update(&mut a, ch(' ')),
        vec![Effect::Player(Transport::Seek(0.0)), Effect::Player(Transport::Play)]
    );
}

#[test]
fn arrows_step_5_and_30_seconds_clamped() {
    let mut a = coding_app(coding("R001"), 100.0);
    assert_eq!(update(&mut a, key(KeyCode::Right)), vec![Effect::Player(Transport::Seek(105.0))]);
    assert_eq!(update(&mut a, key(KeyCode::Right)), vec![Effect::Player(Transport::Seek(110.0))]);
    assert_eq!(update(&mut a, key(KeyCode::Left)), vec![Effect::Player(Transport::Seek(105.0))]);
    assert_eq!(update(&mut a, shift(KeyCode::Right)), vec![Effect::Player(Transport::Seek(135.0))]);
    assert_eq!(update(&mut a, shift(KeyCode::Left)), vec![Effect::Player(Transport::Seek(105.0))]);
    send(&mut a, (0..10).map(|_| shift(KeyCode::Left)));
    assert_eq!(pos(&a), 0.0);
    send(&mut a, (0..30).map(|_| shift(KeyCode::Right)));
    assert_eq!(pos(&a), 600.0);
}

#[test]
fn home_and_end() {
    let mut a = coding_app(coding("R001"), 100.0);
    assert_eq!(update(&mut a, key(KeyCode::End)), vec![Effect::Player(Transport::Seek(600.0))]);
    assert_eq!(update(&mut a, key(KeyCode::Home)), vec![Effect::Player(Transport::Seek(0.0))]);
}

#[test]
fn g_goes_to_a_typed_time() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, ch('g'));
    assert!(matches!(a.overlay, Some(Overlay::Prompt(_))));
    typed(&mut a, "2:05");
    assert_eq!(update(&mut a, key(KeyCode::Enter)), vec![Effect::Player(Transport::Seek(125.0))]);
    assert!(a.overlay.is_none());
    // A bad time keeps the prompt open with an error; Esc cancels.
    update(&mut a, ch('g'));
    typed(&mut a, "soon");
    assert_eq!(update(&mut a, key(KeyCode::Enter)), vec![]);
    match &a.overlay {
        Some(Overlay::Prompt(p)) => assert!(p.error.is_some()),
        o => panic!("{o:?}"),
    }
    update(&mut a, key(KeyCode::Esc));
    assert!(a.overlay.is_none());
    assert_eq!(pos(&a), 125.0);
    // Past the end is refused.
    update(&mut a, ch('g'));
    typed(&mut a, "1:00:00");
    assert_eq!(update(&mut a, key(KeyCode::Enter)), vec![]);
}

#[test]
fn speed_keys() {
    let mut a = coding_app(coding("R001"), 0.0);
    // Each new speed is also kept for the coder (tests/tui_words.rs).
    let kept = |s: f32| {
        vec![Effect::Player(Transport::Speed(s)), Effect::Disk(Job::SavePrefs(Prefs { speed: s }))]
    };
    assert_eq!(update(&mut a, ch(']')), kept(1.1));
    assert_eq!(update(&mut a, ch('=')), kept(1.0));
    assert_eq!(update(&mut a, ch('[')), kept(0.9));
    send(&mut a, (0..20).map(|_| ch('[')));
    assert_eq!(a.coding().unwrap().snap.speed, 0.5);
    send(&mut a, (0..30).map(|_| ch(']')));
    assert_eq!(a.coding().unwrap().snap.speed, 2.0);
}

#[test]
fn r_replays_the_last_5_seconds() {
    let mut a = coding_app(coding("R001"), 42.0);
    assert_eq!(
        update(&mut a, ch('r')),
        vec![Effect::Player(Transport::Seek(37.0)), Effect::Player(Transport::Play)]
    );
}

#[test]
fn b_e_mark_a_behaviour_change_segment_and_unlock_evocation() {
    let mut a = coding_app(coding("R001"), 50.0);
    let book = codebook();
    assert_eq!(
        a.coding().unwrap().coding.score_state(&book, "evocation"),
        ScoreState::NotApplicable
    );
    update(&mut a, ch('e'));
    assert!(a.current_notice().unwrap().contains("press b"));
    update(&mut a, ch('b'));
    update(&mut a, Msg::Playback(snapshot_at(80.0)));
    update(&mut a, ch('e'));
    let c = a.coding().unwrap();
    assert_eq!(c.coding.segments.len(), 1);
    assert_eq!((c.coding.segments[0].start_s, c.coding.segments[0].end_s), (50.0, 80.0));
    assert_eq!(c.coding.segments[0].kind, "behaviour-change");
    assert!((c.coding.share_of("behaviour-change", 600.0) - 0.05).abs() < 1e-9);
    assert_eq!(c.coding.score_state(&book, "evocation"), ScoreState::Unscored);
    assert!(c.dirty_since.is_some());
}

#[test]
fn n_adds_a_note_at_the_playhead() {
    let mut a = coding_app(coding("R001"), 33.3);
    update(&mut a, ch('n'));
    // The playhead moving while typing does not move the note.
    update(&mut a, Msg::Playback(snapshot_at(40.0)));
    typed(&mut a, "Worker asks open question");
    update(&mut a, key(KeyCode::Enter));
    let n = &a.coding().unwrap().coding.notes;
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].at_s, n[0].text.as_str()), (33.3, "Worker asks open question"));
    // Keys typed in a prompt are text, not commands.
    assert_eq!(pos(&a), 40.0);
}

#[test]
fn tab_and_shift_tab_cycle_panes_in_order() {
    let mut a = coding_app(coding("R001"), 0.0);
    let mut seen = vec![focus(&a)];
    for _ in 0..4 {
        update(&mut a, key(KeyCode::Tab));
        seen.push(focus(&a));
    }
    assert_eq!(seen, [Pane::Timeline, Pane::Segments, Pane::Notes, Pane::Scores, Pane::Timeline]);
    update(&mut a, key(KeyCode::BackTab));
    assert_eq!(focus(&a), Pane::Scores);
    update(&mut a, shift(KeyCode::BackTab));
    assert_eq!(focus(&a), Pane::Notes);
}

#[test]
fn up_down_and_jk_select_in_the_focused_pane() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, key(KeyCode::Down));
    assert_eq!(a.coding().unwrap().seg_sel, 1);
    update(&mut a, ch('j'));
    assert_eq!(a.coding().unwrap().seg_sel, 1, "stays on the last");
    update(&mut a, ch('k'));
    assert_eq!(a.coding().unwrap().seg_sel, 0);
    update(&mut a, key(KeyCode::Up));
    assert_eq!(a.coding().unwrap().seg_sel, 0);
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, ch('j'));
    assert_eq!(a.coding().unwrap().note_sel, 1);
    update(&mut a, key(KeyCode::Tab));
    send(&mut a, (0..10).map(|_| key(KeyCode::Down)));
    assert_eq!(a.coding().unwrap().score_sel, 6);
}

#[test]
fn enter_jumps_to_segments_and_notes_and_edits_rationale() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, key(KeyCode::Down));
    assert_eq!(update(&mut a, key(KeyCode::Enter)), vec![Effect::Player(Transport::Seek(300.0))]);
    update(&mut a, key(KeyCode::Tab));
    assert_eq!(update(&mut a, key(KeyCode::Enter)), vec![Effect::Player(Transport::Seek(45.0))]);
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, key(KeyCode::Enter));
    match &a.overlay {
        Some(Overlay::Prompt(p)) => assert_eq!(p.text(), "Several accurate reflections."),
        o => panic!("{o:?}"),
    }
    send(&mut a, [ctrl('u')]);
    typed(&mut a, "Reflects feelings often");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(
        a.coding().unwrap().coding.rationales.get("empathy").map(String::as_str),
        Some("Reflects feelings often")
    );
}

#[test]
fn delete_and_x_ask_before_deleting() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, key(KeyCode::Delete));
    assert_eq!(a.overlay, Some(Overlay::Dialog(Dialog::DeleteSegment(0))));
    update(&mut a, ch('n'));
    assert_eq!(a.coding().unwrap().coding.segments.len(), 2);
    update(&mut a, ch('x'));
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.coding().unwrap().coding.segments.len(), 2);
    update(&mut a, ch('x'));
    update(&mut a, ch('y'));
    assert_eq!(a.coding().unwrap().coding.segments.len(), 1);
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, ch('x'));
    assert_eq!(a.overlay, Some(Overlay::Dialog(Dialog::DeleteNote(0))));
    update(&mut a, key(KeyCode::Enter));
    let notes = &a.coding().unwrap().coding.notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text, "Worker summarises well");
}

#[test]
fn digits_score_the_selected_domain_and_zero_clears() {
    let mut a = coding_app(coding("R001"), 0.0);
    // Outside the scores pane a digit only explains.
    update(&mut a, ch('3'));
    assert!(a.coding().unwrap().coding.scores.is_empty());
    to_scores(&mut a);
    for (i, d) in ['1', '2', '3', '4', '5'].into_iter().enumerate() {
        update(&mut a, ch(d));
        assert_eq!(a.coding().unwrap().coding.scores.get("empathy"), Some(&(i as u8 + 1)));
    }
    assert_eq!(a.coding().unwrap().score_sel, 0, "the selection stays");
    update(&mut a, ch('0'));
    assert_eq!(a.coding().unwrap().coding.scores.get("empathy"), None);
    // Evocation cannot be scored without a behaviour-change segment.
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down), ch('4')]);
    assert_eq!(a.coding().unwrap().coding.scores.get("evocation"), None);
    assert!(a.current_notice().unwrap().contains("not applicable"));
}

#[test]
fn submit_dialog_lists_problems_and_cannot_confirm() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    update(&mut a, ch('S'));
    let Some(Overlay::Dialog(Dialog::Submit(check))) = &a.overlay else { panic!() };
    assert_eq!(check.problems.len(), 4);
    assert_eq!(check.warnings.len(), 1);
    assert_eq!(update(&mut a, ch('y')), vec![]);
    assert!(a.overlay.is_none());
}

#[test]
fn submit_confirmed_with_y_or_enter_and_cancelled_with_n_or_esc() {
    let mut c = coding("R001");
    for (k, _) in DOMAINS {
        if k != "evocation" {
            c.scores.insert(k.into(), 3);
        }
    }
    c.listened = vec![[0.0, 600.0]];
    let mut a = coding_app(c, 0.0);
    for cancel in [ch('n'), key(KeyCode::Esc)] {
        update(&mut a, ch('S'));
        let Some(Overlay::Dialog(Dialog::Submit(check))) = &a.overlay else { panic!() };
        assert!(check.problems.is_empty() && check.warnings.is_empty(), "{check:?}");
        assert_eq!(update(&mut a, cancel), vec![]);
    }
    for confirm in [ch('y'), key(KeyCode::Enter)] {
        let mut b = a.clone();
        update(&mut b, ch('S'));
        let fx = update(&mut b, confirm);
        assert!(matches!(fx.as_slice(), [Effect::Disk(Job::Submit(_))]), "{fx:?}");
    }
    update(&mut a, ch('S'));
    let fx = update(&mut a, ch('y'));
    let Some(Effect::Disk(Job::Submit(sub))) = fx.into_iter().next() else { panic!() };
    let mut done = *sub;
    done.status = Status::Submitted;
    update(&mut a, Msg::Submitted(Ok(Box::new(done))));
    assert!(a.coding().unwrap().read_only());
    // Read-only now: edits are refused.
    to_scores(&mut a);
    update(&mut a, ch('1'));
    assert_eq!(a.coding().unwrap().coding.scores.get("empathy"), Some(&3));
    update(&mut a, ch('b'));
    assert!(a.coding().unwrap().pending_begin.is_none());
}

#[test]
fn question_mark_opens_and_closes_help() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, ch('?'));
    assert_eq!(a.overlay, Some(Overlay::Help));
    update(&mut a, ch(' '));
    assert_eq!(a.overlay, Some(Overlay::Help), "other keys do nothing under help");
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(a.overlay, None);
    let mut q = app();
    update(&mut q, ch('?'));
    update(&mut q, ch('?'));
    assert_eq!(q.overlay, None);
}

#[test]
fn q_and_esc_go_back_then_quit() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    to_scores(&mut a);
    update(&mut a, ch('5'));
    let fx = update(&mut a, ch('q'));
    assert!(
        matches!(fx[0], Effect::Disk(Job::Save(_))),
        "unsaved work is saved on the way out: {fx:?}"
    );
    // The screen closes once the save is confirmed (a failed one asks: tests/tui_unsaved.rs).
    assert!(!fx.contains(&Effect::Close), "{fx:?}");
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert!(fx.contains(&Effect::Close));
    assert!(matches!(a.screen, Screen::Queue));
    assert_eq!(a.queue.rows[0].listened, 0.7);
    let fx = update(&mut a, key(KeyCode::Esc));
    assert_eq!(fx, vec![Effect::Quit]);
    assert!(a.quitting);
}

#[test]
fn queue_keys_select_and_open() {
    let mut a = app();
    update(&mut a, key(KeyCode::Down));
    update(&mut a, ch('j'));
    assert_eq!(a.queue.selected, 2);
    update(&mut a, ch('k'));
    assert_eq!(
        update(&mut a, key(KeyCode::Enter)),
        vec![Effect::Open(Job::Prepare("R002".into()))]
    );
    update(&mut a, key(KeyCode::End));
    // R004's audio was missing: opening it is tried again (the runner checks afresh).
    assert_eq!(
        update(&mut a, key(KeyCode::Enter)),
        vec![Effect::Open(Job::Prepare("R004".into()))]
    );
    update(
        &mut a,
        Msg::OpenFailed { id: "R004".into(), reason: "the audio file is missing".into() },
    );
    assert!(a.current_notice().unwrap().contains("missing"));
    assert!(matches!(a.screen, Screen::Queue));
    update(&mut a, key(KeyCode::Home));
    assert_eq!(a.queue.selected, 0);
}

#[test]
fn open_failure_marks_the_row_and_the_rest_still_works() {
    let mut a = app();
    update(
        &mut a,
        Msg::OpenFailed { id: "R001".into(), reason: "the audio file has changed".into() },
    );
    assert!(a.queue.rows[0].problem.is_some());
    update(&mut a, key(KeyCode::Down));
    assert_eq!(
        update(&mut a, key(KeyCode::Enter)),
        vec![Effect::Open(Job::Prepare("R002".into()))]
    );
}

#[test]
fn ctrl_c_saves_and_quits_from_anywhere() {
    let mut a = coding_app(coding("R001"), 0.0);
    to_scores(&mut a);
    update(&mut a, ch('2'));
    update(&mut a, ch('n'));
    let fx = update(&mut a, ctrl('c'));
    assert!(matches!(fx[0], Effect::Disk(Job::Save(_))));
    // Quits once the save is confirmed (a failed one asks: tests/tui_unsaved.rs).
    assert!(!fx.contains(&Effect::Quit), "{fx:?}");
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert_eq!(fx.last(), Some(&Effect::Quit));
}

#[test]
fn edits_are_saved_after_the_debounce_and_within_a_second() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(1_000));
    to_scores(&mut a);
    update(&mut a, ch('4'));
    assert_eq!(update(&mut a, Msg::Tick(1_100)), vec![]);
    let fx = update(&mut a, Msg::Tick(1_400));
    let [Effect::Disk(Job::Save(c))] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(c.scores.get("empathy"), Some(&4));
    assert_eq!(a.coding().unwrap().save_state, SaveState::Saving);
    update(&mut a, Msg::Saved(Ok(())));
    assert_eq!(a.coding().unwrap().save_state, SaveState::Saved);
    assert_eq!(update(&mut a, Msg::Tick(3_000)), vec![]);
}

#[test]
fn a_failed_save_is_shown_and_retried() {
    let mut a = coding_app(coding("R001"), 0.0);
    to_scores(&mut a);
    update(&mut a, ch('4'));
    update(&mut a, Msg::Tick(500));
    update(&mut a, Msg::Saved(Err("disk full".into())));
    assert!(matches!(a.coding().unwrap().save_state, SaveState::Failed(_)));
    let fx = update(&mut a, Msg::Tick(900));
    assert!(matches!(fx.as_slice(), [Effect::Disk(Job::Save(_))]), "{fx:?}");
}

#[test]
fn playback_snapshots_record_listened_intervals() {
    let mut a = coding_app(coding("R001"), 0.0);
    let mut s = snapshot_at(0.0);
    s.playing = true;
    for i in 0..=20 {
        s.position_s = f64::from(i) * 0.5;
        update(&mut a, Msg::Playback(s.clone()));
    }
    // A jump (seek) is not listening.
    s.position_s = 300.0;
    update(&mut a, Msg::Playback(s.clone()));
    s.position_s = 300.5;
    update(&mut a, Msg::Playback(s.clone()));
    let c = &a.coding().unwrap().coding;
    assert_eq!(c.listened, vec![[0.0, 10.0], [300.0, 300.5]]);
    // Listening alone is saved every few seconds, with the resume position.
    let fx = update(&mut a, Msg::Tick(6_000));
    let [Effect::Disk(Job::Save(saved))] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(saved.resume_s, 300.5);
}

#[test]
fn too_small_ignores_everything_but_back() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Resize(60, 20));
    assert_eq!(update(&mut a, ch(' ')), vec![]);
    update(&mut a, Msg::Resize(120, 40));
    assert_eq!(update(&mut a, ch(' ')), vec![Effect::Player(Transport::Play)]);
}

#[test]
fn rebound_keys_drive_the_same_actions() {
    let mut a = coding_app(coding("R001"), 0.0);
    a.shell.keymap =
        tapecoder::tui::keys::Keymap::parse("play_pause = \"p\"\n", "keys.toml").unwrap();
    assert_eq!(update(&mut a, ch('p')), vec![Effect::Player(Transport::Play)]);
    assert_eq!(update(&mut a, ch(' ')), vec![]);
}

// ----- mouse -------------------------------------------------------------------------------------

#[test]
fn click_on_timeline_seeks_and_drag_scrubs() {
    let mut a = coding_app(coding("R001"), 0.0);
    let l = layout::coding(a.shell.size);
    let mid = l.overview.x + l.overview.width / 2;
    let fx = update(&mut a, click(mid, l.overview.y));
    let [Effect::Player(Transport::Seek(t))] = fx.as_slice() else { panic!("{fx:?}") };
    assert!((t - 300.0).abs() < 600.0 / f64::from(l.overview.width), "{t}");
    let fx = update(
        &mut a,
        mouse(MouseEventKind::Drag(MouseButton::Left), l.overview.x, l.overview.y + 1),
    );
    let [Effect::Player(Transport::Seek(t))] = fx.as_slice() else { panic!("{fx:?}") };
    assert!(*t < 5.0, "{t}");
    assert_eq!(focus(&a), Pane::Timeline);
    // The zoomed strip seeks within its window.
    let (za, zb) = a.coding().unwrap().zoom_window();
    let fx = update(&mut a, click(l.zoom.right() - 1, l.zoom.y));
    let [Effect::Player(Transport::Seek(t))] = fx.as_slice() else { panic!("{fx:?}") };
    assert!(*t > za && *t <= zb, "{t} in {za}..{zb}");
}

#[test]
fn wheel_over_timeline_steps_5_seconds() {
    let mut a = coding_app(coding("R001"), 100.0);
    let l = layout::coding(a.shell.size);
    assert_eq!(
        update(&mut a, mouse(MouseEventKind::ScrollDown, l.overview.x + 3, l.overview.y)),
        vec![Effect::Player(Transport::Seek(105.0))]
    );
    assert_eq!(
        update(&mut a, mouse(MouseEventKind::ScrollUp, l.zoom.x + 3, l.zoom.y)),
        vec![Effect::Player(Transport::Seek(100.0))]
    );
    // Not over the timeline: nothing.
    assert_eq!(
        update(&mut a, mouse(MouseEventKind::ScrollUp, l.scores.x + 2, l.scores.y + 2)),
        vec![]
    );
}

#[test]
fn click_selects_rows_and_focuses_their_pane() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    let l = layout::coding(a.shell.size);
    update(&mut a, click(l.segment_rows.x + 2, l.segment_rows.y + 1));
    assert_eq!((focus(&a), a.coding().unwrap().seg_sel), (Pane::Segments, 1));
    // The first note wraps onto two rows; the second note starts on the third.
    update(&mut a, click(l.note_rows.x + 2, l.note_rows.y + 1));
    assert_eq!((focus(&a), a.coding().unwrap().note_sel), (Pane::Notes, 0));
    update(&mut a, click(l.note_rows.x + 2, l.note_rows.y + 2));
    assert_eq!((focus(&a), a.coding().unwrap().note_sel), (Pane::Notes, 1));
    // Empathy's rationale takes the row under it.
    update(&mut a, click(l.score_rows.x + 2, l.score_rows.y + 5));
    assert_eq!((focus(&a), a.coding().unwrap().score_sel), (Pane::Scores, 4));
    // Then digits score the clicked domain.
    update(&mut a, ch('2'));
    assert_eq!(a.coding().unwrap().coding.scores.get("purposefulness"), Some(&2));
}

#[test]
fn queue_click_selects_then_opens_and_wheel_moves() {
    let mut a = app();
    let l = layout::queue(a.shell.size);
    update(&mut a, click(l.rows.x + 3, l.rows.y + 2));
    assert_eq!(a.queue.selected, 2);
    assert_eq!(
        update(&mut a, click(l.rows.x + 3, l.rows.y + 2)),
        vec![Effect::Open(Job::Prepare("R003".into()))]
    );
    update(&mut a, mouse(MouseEventKind::ScrollUp, l.rows.x, l.rows.y));
    assert_eq!(a.queue.selected, 1);
}

#[test]
fn shutdown_saves_unsaved_work_and_quits() {
    let mut a = coding_app(coding("R001"), 0.0);
    to_scores(&mut a);
    update(&mut a, ch('4'));
    let fx = update(&mut a, Msg::Shutdown);
    let Some(Effect::Disk(Job::Save(c))) = fx.first() else { panic!("{fx:?}") };
    assert_eq!(c.scores.get("empathy"), Some(&4));
    assert_eq!(fx.last(), Some(&Effect::Quit));
    assert_eq!(update(&mut a, Msg::Shutdown), vec![], "only once");
}

#[test]
fn no_save_races_a_submit_in_flight() {
    let mut c = coding("R001");
    for (k, _) in DOMAINS {
        if k != "evocation" {
            c.scores.insert(k.into(), 3);
        }
    }
    let mut a = coding_app(c, 0.0);
    // Nothing listened yet: submitting takes y, then Enter.
    send(&mut a, [ch('S'), ch('y')]);
    let fx = update(&mut a, key(KeyCode::Enter));
    assert!(matches!(fx.as_slice(), [Effect::Disk(Job::Submit(_))]));
    // Listening continues while the submit is written: no save may follow it.
    let mut s = snapshot_at(0.0);
    s.playing = true;
    a.coding_mut().unwrap().snap.playing = true;
    s.position_s = 0.5;
    update(&mut a, Msg::Playback(s));
    assert_eq!(update(&mut a, Msg::Tick(10_000)), vec![]);
    assert_eq!(update(&mut a, ch('q')), vec![], "keys wait for the submit's answer");
}

#[test]
fn leaving_with_a_half_tagged_segment_warns_once() {
    let mut a = coding_app(coding("R001"), 10.0);
    update(&mut a, ch('b'));
    assert_eq!(update(&mut a, ch('q')), vec![], "the first q only warns");
    assert!(a.current_notice().unwrap().contains("not ended"));
    assert!(matches!(a.screen, Screen::Coding(_)));
    let fx = update(&mut a, ch('q'));
    // Unsaved (the playhead moved): closes once the save is confirmed.
    assert!(matches!(fx.last(), Some(Effect::Disk(Job::Save(_)))), "{fx:?}");
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert!(fx.contains(&Effect::Close));
}

#[test]
fn share_is_live_while_a_segment_is_being_tagged() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, ch('b'));
    update(&mut a, Msg::Playback(snapshot_at(60.0)));
    let s = render(&a, 120, 40);
    assert!(s.contains("10.0% of session"), "{s}");
}

#[test]
fn pausing_saves_listening_progress_promptly() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(1_000));
    update(&mut a, ch(' '));
    let mut s = snapshot_at(0.0);
    s.playing = true;
    for i in 0..10 {
        s.position_s = f64::from(i) * 0.2;
        update(&mut a, Msg::Playback(s.clone()));
    }
    update(&mut a, Msg::Tick(1_100));
    update(&mut a, ch(' '));
    let fx = update(&mut a, Msg::Tick(1_500));
    let [Effect::Disk(Job::Save(c))] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(c.listened, vec![[0.0, 1.8]]);
    assert_eq!(c.resume_s, 1.8);
}

/// The footer is built from the keymap (play rebound to `p` says `p play`) and from the pane
/// with the focus.
#[test]
fn the_footer_follows_keys_toml_and_the_focused_pane() {
    let mut a = coding_app(coding("R001"), 10.0);
    a.shell.keymap = tapecoder::tui::keys::Keymap::parse(
        "play_pause = \"p\"\nsubmit = \"ctrl+s\"\n",
        "keys.toml",
    )
    .unwrap();
    let footer =
        |a: &tapecoder::tui::coder::App, w| render(a, w, 40).lines().nth(39).unwrap().to_string();
    let f = footer(&a, 120);
    assert!(f.contains("p play") && !f.contains("Space"), "{f}");
    assert!(f.contains("Ctrl+s submit"), "{f}");
    assert_eq!(focus(&a), Pane::Timeline);
    assert!(f.contains("b/e segment"), "{f}");
    to_scores(&mut a);
    let f = footer(&a, 120);
    assert!(f.contains("1-5 score") && f.contains("PgUp/PgDn rubric"), "{f}");
    assert!(!f.contains("b/e segment"), "{f}");
    update(&mut a, key(KeyCode::BackTab)); // notes
    let f = footer(&a, 120);
    assert!(f.contains("t domains") && f.contains("Enter jump"), "{f}");
    // At 80 columns it still fits, without breaking a hint.
    let f = footer(&a, 80);
    assert!(f.chars().count() <= 80 && f.contains("p play") && f.contains("? help"), "{f}");
}

/// PageDown / PageUp scroll the rubric (at 80×24 only its description shows at first), no
/// further than its end.
#[test]
fn page_keys_scroll_the_rubric() {
    let mut a = coding_app(coding("R001"), 10.0);
    update(&mut a, Msg::Resize(80, 24));
    to_scores(&mut a);
    let before = render(&a, 80, 24);
    assert!(!before.contains("Empathy at level 5"), "{before}");
    update(&mut a, key(KeyCode::PageDown));
    let scroll = a.coding().unwrap().rubric_scroll;
    assert!(scroll > 0);
    assert_ne!(render(&a, 80, 24), before);
    for _ in 0..40 {
        update(&mut a, key(KeyCode::PageDown));
    }
    let end = a.coding().unwrap().rubric_scroll;
    assert!(end < 200, "stops at the end: {end}");
    update(&mut a, key(KeyCode::PageUp));
    assert!(a.coding().unwrap().rubric_scroll < end);
    for _ in 0..40 {
        update(&mut a, key(KeyCode::PageUp));
    }
    assert_eq!(a.coding().unwrap().rubric_scroll, 0);
}
