//! Issue #11, "words the coder wrote", on the coder's coding screen, driven through `update`:
//! undo and redo of every kind of edit, typed text never thrown away without asking, segment
//! boundaries moved to the playhead, notes on segments and domains on notes, the second step to
//! submit below the listened threshold, one time format per recording, and the playback speed
//! kept per coder.
mod tui_support;

use crossterm::event::{KeyCode, MouseButton, MouseEventKind};
use proptest::prelude::*;
use tapecoder::coding::Coding;
use tapecoder::study::prefs::Prefs;
use tapecoder::tui::coder::coding::{Pane, SaveState};
use tapecoder::tui::coder::dialogs::Dialog;
use tapecoder::tui::coder::{
    App, Effect, Job, Msg, Opened, Overlay, SAVE_DEBOUNCE_MS, Screen, update,
};
use tapecoder::tui::layout;
use tapecoder::tui::shell::prompt::Discard;
use tapecoder::tui::transport::Transport;
use tui_support::*;

fn cs(a: &App) -> &Coding {
    &a.coding().unwrap().coding
}
fn notice(a: &App) -> String {
    a.current_notice().unwrap_or_default().to_string()
}
fn focus_to(a: &mut App, pane: Pane) {
    for _ in 0..4 {
        if a.coding().unwrap().focus == pane {
            return;
        }
        update(a, key(KeyCode::Tab));
    }
    assert_eq!(a.coding().unwrap().focus, pane);
}
fn seek(a: &mut App, t: f64) {
    update(a, Msg::Playback(snapshot_at(t)));
}
/// The save the debounce sends next, if any.
fn saved_after_debounce(a: &mut App) -> Option<Coding> {
    let now = a.shell.now_ms + SAVE_DEBOUNCE_MS + 1;
    update(a, Msg::Tick(now)).into_iter().find_map(|e| match e {
        Effect::Disk(Job::Save(c)) => Some(*c),
        _ => None,
    })
}

// ---- 1. undo / redo ---------------------------------------------------------------------------

#[test]
fn u_undoes_a_score_says_what_and_is_saved_like_an_edit() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    update(&mut a, Msg::Tick(1_000));
    focus_to(&mut a, Pane::Scores);
    update(&mut a, ch('4'));
    assert_eq!(cs(&a).scores.get("empathy"), Some(&4));
    assert!(saved_after_debounce(&mut a).is_some());
    update(&mut a, Msg::Saved(Ok(())));
    assert_eq!(a.coding().unwrap().save_state, SaveState::Saved);
    update(&mut a, ch('u'));
    assert_eq!(cs(&a).scores.get("empathy"), Some(&3));
    assert_eq!(notice(&a), "undid: Empathy 4 → 3");
    let saved = saved_after_debounce(&mut a).expect("an undo is saved");
    assert_eq!(saved.scores.get("empathy"), Some(&3));
    update(&mut a, ctrl('r'));
    assert_eq!(cs(&a).scores.get("empathy"), Some(&4));
    assert_eq!(notice(&a), "redid: Empathy 3 → 4");
    // Clearing a score undoes too.
    update(&mut a, ch('0'));
    update(&mut a, ch('u'));
    assert_eq!(cs(&a).scores.get("empathy"), Some(&4));
    assert_eq!(notice(&a), "undid: Empathy – → 4");
}

#[test]
fn u_undoes_segments_notes_and_rationales() {
    let mut a = coding_app(coding("R001"), 10.0);
    let original = cs(&a).clone();
    // A segment tagged with b and e.
    update(&mut a, ch('b'));
    seek(&mut a, 70.0);
    update(&mut a, ch('e'));
    assert_eq!(cs(&a).segments.len(), 1);
    // A note.
    update(&mut a, ch('n'));
    typed(&mut a, "Parent asks about school");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(cs(&a).notes.len(), 1);
    // A rationale.
    focus_to(&mut a, Pane::Scores);
    update(&mut a, key(KeyCode::Enter));
    typed(&mut a, "Warm");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(cs(&a).rationales.get("empathy").map(String::as_str), Some("Warm"));
    // The note deleted.
    focus_to(&mut a, Pane::Notes);
    update(&mut a, ch('x'));
    update(&mut a, ch('y'));
    assert!(cs(&a).notes.is_empty());
    // The segment deleted.
    focus_to(&mut a, Pane::Segments);
    update(&mut a, ch('x'));
    update(&mut a, ch('y'));
    assert!(cs(&a).segments.is_empty());

    update(&mut a, ch('u'));
    assert_eq!(cs(&a).segments.len(), 1);
    assert_eq!(notice(&a), "undid: segment 00:10.0–01:10.0 deleted");
    update(&mut a, ch('u'));
    assert_eq!(cs(&a).notes[0].text, "Parent asks about school");
    assert_eq!(notice(&a), "undid: note at 01:10.0 deleted");
    update(&mut a, ch('u'));
    assert!(cs(&a).rationales.is_empty());
    assert_eq!(notice(&a), "undid: Empathy rationale added");
    update(&mut a, ch('u'));
    assert!(cs(&a).notes.is_empty());
    update(&mut a, ch('u'));
    assert!(cs(&a).segments.is_empty());
    assert_eq!(notice(&a), "undid: segment 00:10.0–01:10.0 added");
    update(&mut a, ch('u'));
    assert_eq!(notice(&a), "nothing to undo in this recording");
    let mut now = cs(&a).clone();
    now.listened.clone_from(&original.listened);
    now.resume_s = original.resume_s;
    assert_eq!(now, original);
    // Everything can be redone.
    for _ in 0..5 {
        update(&mut a, ctrl('r'));
    }
    assert_eq!(cs(&a).segments.len(), 0);
    assert_eq!(cs(&a).notes.len(), 0);
    assert_eq!(cs(&a).rationales.get("empathy").map(String::as_str), Some("Warm"));
    update(&mut a, ctrl('r'));
    assert_eq!(notice(&a), "nothing to redo");
}

#[test]
fn undo_never_crosses_recordings_nor_a_submit() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    focus_to(&mut a, Pane::Scores);
    update(&mut a, ch('5'));
    // Another recording opens: its history starts empty.
    update(
        &mut a,
        Msg::Opened(Box::new(Opened {
            coding: partly_coded("R002"),
            duration_s: 600.0,
            snapshot: snapshot_at(0.0),
            transcript: Ok(None),
            window: None,
        })),
    );
    update(&mut a, ch('u'));
    assert_eq!(cs(&a).scores.get("empathy"), Some(&3));
    assert_eq!(notice(&a), "nothing to undo in this recording");

    // After a submit: read-only, nothing is undone.
    let mut c = coding("R003");
    c.listened = vec![[0.0, 600.0]];
    let mut a = coding_app(c, 0.0);
    focus_to(&mut a, Pane::Scores);
    for _ in 0..7 {
        update(&mut a, ch('3'));
        update(&mut a, key(KeyCode::Down));
    }
    update(&mut a, ch('S'));
    let fx = update(&mut a, ch('y'));
    let Some(Effect::Disk(Job::Submit(sub))) = fx.into_iter().next() else {
        panic!("not submitted")
    };
    let mut done = *sub;
    done.status = tapecoder::coding::Status::Submitted;
    update(&mut a, Msg::Submitted(Ok(Box::new(done.clone()))));
    update(&mut a, ch('u'));
    assert_eq!(*cs(&a), done);
    assert!(notice(&a).contains("nothing to undo"), "{}", notice(&a));
}

/// The edit keys the property test presses on the coding screen (no leaving, no submit).
fn edit_keys() -> impl Strategy<Value = Vec<Msg>> {
    let one = prop_oneof![
        prop::sample::select(vec!['1', '2', '3', '4', '5', '0', 'b', 'e', 'x', 'y', 'B', 'E'])
            .prop_map(ch::<Msg>),
        Just(key::<Msg>(KeyCode::Tab)),
        Just(key::<Msg>(KeyCode::Down)),
        (0.0f64..600.0).prop_map(|t| Msg::Playback(snapshot_at(t))),
        "[a-z ]{1,8}".prop_map(|t| Msg::Paste(format!("n{t}"))),
        Just(ch::<Msg>('n')),
        Just(key::<Msg>(KeyCode::Enter)),
    ];
    prop::collection::vec(one, 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Any sequence of edits, then `u` as often as there were edits: the coding is as it opened
    /// (apart from listening, which is not an edit).
    #[test]
    fn undoing_every_edit_gives_back_the_coding(msgs in edit_keys()) {
        let mut a = coding_app(partly_coded("R001"), 100.0);
        let original = cs(&a).clone();
        for m in msgs {
            update(&mut a, m);
        }
        // Close whatever is open (a prompt, a dialog) without changing anything.
        while a.overlay.is_some() {
            update(&mut a, key(KeyCode::Esc));
            update(&mut a, ch('y'));
        }
        let steps = a.coding().unwrap().history.undo_len();
        for _ in 0..steps {
            update(&mut a, ch('u'));
        }
        let c = cs(&a);
        prop_assert_eq!(&c.scores, &original.scores);
        prop_assert_eq!(&c.rationales, &original.rationales);
        prop_assert_eq!(&c.segments, &original.segments);
        prop_assert_eq!(&c.notes, &original.notes);
    }
}

// ---- 2. typed text is never thrown away --------------------------------------------------------

#[test]
fn esc_on_a_note_with_text_asks_first_and_keeps_it_by_default() {
    let mut a = coding_app(coding("R001"), 30.0);
    update(&mut a, ch('n'));
    update(&mut a, key(KeyCode::Esc));
    assert!(a.overlay.is_none(), "an empty prompt closes at once");
    update(&mut a, ch('n'));
    typed(&mut a, "Parent asks if the worker will come back");
    update(&mut a, key(KeyCode::Esc));
    let Some(Overlay::Prompt(p)) = &a.overlay else { panic!("closed: {:?}", a.overlay) };
    assert_eq!(p.asking, Some(Discard::Close));
    let s = render(&a, 80, 24);
    assert!(s.contains("discard the text you typed? y discard · n/Esc keep editing"), "{s}");
    // Enter (the default), n and Esc keep the text.
    for keep in [key(KeyCode::Enter), ch('n'), key(KeyCode::Esc)] {
        update(&mut a, keep);
        let Some(Overlay::Prompt(p)) = &a.overlay else { panic!("closed") };
        assert_eq!(
            (p.text().as_str(), p.asking),
            ("Parent asks if the worker will come back", None)
        );
        update(&mut a, key(KeyCode::Esc));
        assert!(matches!(&a.overlay, Some(Overlay::Prompt(p)) if p.asking.is_some()));
    }
    update(&mut a, ch('y'));
    assert!(a.overlay.is_none());
    assert!(cs(&a).notes.is_empty());
}

#[test]
fn esc_on_a_changed_rationale_asks_and_an_unchanged_one_closes() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    focus_to(&mut a, Pane::Scores);
    update(&mut a, key(KeyCode::Enter));
    update(&mut a, key(KeyCode::Esc));
    assert!(a.overlay.is_none(), "opened with its text and left unchanged: nothing to lose");
    update(&mut a, key(KeyCode::Enter));
    typed(&mut a, " Also summarises.");
    update(&mut a, key(KeyCode::Esc));
    assert!(matches!(&a.overlay, Some(Overlay::Prompt(p)) if p.asking.is_some()));
}

#[test]
fn ctrl_c_with_typed_text_does_not_quit_without_an_answer() {
    let mut a = coding_app(coding("R001"), 30.0);
    update(&mut a, ch('n'));
    typed(&mut a, "mother agrees");
    let fx = update(&mut a, ctrl('c'));
    assert_eq!(fx, vec![]);
    assert_eq!(a.coding().unwrap().leaving, None, "no quit pending");
    let Some(Overlay::Prompt(p)) = &a.overlay else { panic!("closed") };
    assert_eq!(p.asking, Some(Discard::Quit));
    assert!(render(&a, 120, 40).contains("quit and discard the text you typed?"));
    // Ctrl-C again still asks; n keeps editing.
    assert_eq!(update(&mut a, ctrl('c')), vec![]);
    update(&mut a, ch('n'));
    assert!(matches!(&a.overlay, Some(Overlay::Prompt(p)) if p.asking.is_none()));
    assert_eq!(a.coding().unwrap().leaving, None);
    // Asked again, y quits (saving first, as Ctrl-C always does).
    update(&mut a, ctrl('c'));
    let fx = update(&mut a, ch('y'));
    assert!(matches!(fx.as_slice(), [Effect::Disk(Job::Save(_))]), "{fx:?}");
    assert_eq!(a.coding().unwrap().leaving, Some(true));
    assert!(update(&mut a, Msg::Saved(Ok(()))).contains(&Effect::Quit));
    assert!(a.quitting);
    // With an empty prompt Ctrl-C quits at once, as before.
    let mut b = coding_app(coding("R001"), 0.0);
    update(&mut b, ch('n'));
    assert!(update(&mut b, ctrl('c')).contains(&Effect::Quit));
}

#[test]
fn go_to_closes_on_esc_as_before() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, ch('g'));
    typed(&mut a, "1:00");
    update(&mut a, key(KeyCode::Esc));
    assert!(a.overlay.is_none());
}

// ---- 3. rationales and notes shown whole -------------------------------------------------------

fn wordy() -> Coding {
    let mut c = partly_coded("R001");
    c.notes[0].text = "Parent asks if the worker will come back next week with the forms".into();
    c.notes[0].domains = vec!["empathy".into(), "child_focus".into()];
    c.segments[0].note = "worker invites the mother to name one change".into();
    c.rationales
        .insert("collaboration".into(), "Agrees the plan with the mother, step by step.".into());
    c
}

#[test]
fn rationales_show_under_their_scores_and_notes_wrap() {
    let mut a = coding_app(wordy(), 0.0);
    update(&mut a, Msg::Tick(10_000));
    let wide = render(&a, 120, 40);
    assert!(wide.contains("Several accurate reflections."), "{wide}");
    assert!(wide.contains("Agrees the plan with the mother"), "{wide}");
    assert!(wide.contains("come back"), "the note wraps instead of being cut:\n{wide}");
    assert!(wide.contains("→ Empathy, Child focus"), "{wide}");
    assert!(wide.contains("✎ worker invites the"), "{wide}");
    insta::assert_snapshot!("words_120x40", wide);
    insta::assert_snapshot!("words_80x24", render(&a, 80, 24));
}

#[test]
fn a_click_on_a_wrapped_note_selects_the_note_it_belongs_to() {
    let mut a = coding_app(wordy(), 0.0);
    let l = layout::coding(a.shell.size);
    let heights = {
        let c = a.coding().unwrap();
        tapecoder::tui::coder::coding::rows::heights(
            &tapecoder::tui::coder::coding::rows::note_items(
                c,
                &a.shell.codebook,
                l.note_rows.width - 1,
            ),
        )
    };
    assert!(heights[0] >= 3, "{heights:?}");
    // The row just below the first note's lines is the second note.
    update(&mut a, click(l.note_rows.x + 2, l.note_rows.y + heights[0]));
    assert_eq!(a.coding().unwrap().focus, Pane::Notes);
    assert_eq!(a.coding().unwrap().note_sel, 1);
    update(&mut a, click(l.note_rows.x + 2, l.note_rows.y + 1));
    assert_eq!(a.coding().unwrap().note_sel, 0);
    // The scores pane: rationales take rows too.
    update(
        &mut a,
        mouse(MouseEventKind::Down(MouseButton::Left), l.score_rows.x + 2, l.score_rows.y + 2),
    );
    assert_eq!(
        a.coding().unwrap().score_sel,
        1,
        "row 2 is the first rationale's: Collaboration is below it"
    );
}

// ---- 4. segment boundaries, segment notes, note domains ----------------------------------------

#[test]
fn shift_b_and_shift_e_move_the_selected_segment_to_the_playhead() {
    let mut a = coding_app(partly_coded("R001"), 50.0);
    update(&mut a, ch('B'));
    assert!(notice(&a).contains("select a segment in the segments pane"), "{}", notice(&a));
    assert_eq!(cs(&a).segments[0].start_s, 60.0);
    focus_to(&mut a, Pane::Segments);
    update(&mut a, ch('B'));
    assert_eq!((cs(&a).segments[0].start_s, cs(&a).segments[0].end_s), (50.0, 120.0));
    seek(&mut a, 130.0);
    update(&mut a, ch('E'));
    assert_eq!(cs(&a).segments[0].end_s, 130.0);
    assert_eq!(notice(&a), "segment end moved to 02:10.0");
    // A start after the end is refused and changes nothing.
    seek(&mut a, 200.0);
    update(&mut a, ch('B'));
    assert!(notice(&a).contains("after this segment's end"), "{}", notice(&a));
    assert_eq!(cs(&a).segments[0].start_s, 50.0);
    // Moved into the next segment: joined.
    seek(&mut a, 310.0);
    update(&mut a, ch('E'));
    assert_eq!(cs(&a).segments.len(), 1);
    assert_eq!(cs(&a).segments[0].end_s, 330.5);
    assert!(notice(&a).contains("joined"), "{}", notice(&a));
    update(&mut a, ch('u'));
    assert_eq!(cs(&a).segments.len(), 2);
    assert_eq!(notice(&a), "undid: segment end 05:10.0 → 02:10.0");
    assert!(a.coding().unwrap().dirty_since.is_some(), "saved like any edit");
}

#[test]
fn shift_n_gives_the_selected_segment_a_note() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    focus_to(&mut a, Pane::Segments);
    update(&mut a, key(KeyCode::Down));
    update(&mut a, ch('N'));
    assert!(render(&a, 80, 24).contains("Note on the segment 05:00.0–05:30.5"));
    typed(&mut a, "change talk about drinking");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(cs(&a).segments[1].note, "change talk about drinking");
    assert!(render(&a, 120, 40).contains("✎ change talk"));
    update(&mut a, ch('u'));
    assert_eq!(cs(&a).segments[1].note, "");
    assert_eq!(notice(&a), "undid: note of the segment 05:00.0–05:30.5 added");
}

#[test]
fn t_gives_the_selected_note_domains() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    update(&mut a, ch('t'));
    assert!(a.overlay.is_none(), "only in the notes pane");
    focus_to(&mut a, Pane::Notes);
    update(&mut a, ch('t'));
    assert!(matches!(a.overlay, Some(Overlay::Dialog(Dialog::NoteDomains { .. }))));
    let s = render(&a, 80, 24);
    assert!(s.contains("[ ] Empathy") && s.contains("Enter save"), "{s}");
    // 1 and 7 toggle Empathy and Child focus; ↑ ↑ from Child focus, Space: Purposefulness.
    send(&mut a, [ch('1'), ch('7'), key(KeyCode::Up), key(KeyCode::Up), ch(' ')]);
    assert!(render(&a, 80, 24).contains("▸ 5 [x] Purposefulness"));
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(cs(&a).notes[0].domains, vec!["empathy", "purposefulness", "child_focus"]);
    let s = render(&a, 200, 60);
    assert!(s.contains("→ Empathy, Purposefulness, Child focus"), "{s}");
    // Esc cancels without a change.
    send(&mut a, [ch('t'), ch('2'), key(KeyCode::Esc)]);
    assert_eq!(cs(&a).notes[0].domains.len(), 3);
    update(&mut a, ch('u'));
    assert!(cs(&a).notes[0].domains.is_empty());
    assert_eq!(notice(&a), "undid: domains of the note at 00:45.0");
}

// ---- 5. submitting below the listened threshold ------------------------------------------------

fn all_scored(listened_to: f64) -> Coding {
    let mut c = coding("R001");
    for (k, _) in DOMAINS {
        if k != "evocation" {
            c.scores.insert(k.into(), 3);
        }
    }
    c.listened = vec![[0.0, listened_to]];
    c
}

#[test]
fn below_the_threshold_enter_alone_does_not_submit_y_then_enter_does() {
    let mut a = coding_app(all_scored(0.0), 0.0);
    update(&mut a, ch('S'));
    let s = render(&a, 80, 24);
    assert!(s.contains("only 0% of the recording has been listened to"), "{s}");
    assert!(s.contains("type y, then Enter"), "{s}");
    assert_eq!(update(&mut a, key(KeyCode::Enter)), vec![], "a single Enter does not submit");
    assert!(matches!(a.overlay, Some(Overlay::Dialog(Dialog::Submit(_)))));
    assert_eq!(update(&mut a, ch('y')), vec![], "y alone does not submit either");
    assert!(matches!(a.overlay, Some(Overlay::Dialog(Dialog::SubmitAnyway(_)))));
    assert!(render(&a, 80, 24).contains("y typed: Enter submits anyway"));
    let fx = update(&mut a, key(KeyCode::Enter));
    assert!(matches!(fx.as_slice(), [Effect::Disk(Job::Submit(_))]), "{fx:?}");
    // n / Esc cancel at either step.
    for cancel in [ch('n'), key(KeyCode::Esc)] {
        let mut b = coding_app(all_scored(100.0), 0.0);
        send(&mut b, [ch('S'), ch('y')]);
        assert_eq!(update(&mut b, cancel), vec![]);
        assert!(b.overlay.is_none());
    }
}

#[test]
fn above_the_threshold_one_key_submits_as_before() {
    let mut a = coding_app(all_scored(560.0), 0.0);
    update(&mut a, ch('S'));
    let fx = update(&mut a, key(KeyCode::Enter));
    assert!(matches!(fx.as_slice(), [Effect::Disk(Job::Submit(_))]), "{fx:?}");
}

// ---- 6. one time format per recording ----------------------------------------------------------

#[test]
fn an_hour_long_recording_shows_h_mm_ss_everywhere_and_lengths_read_m_ss() {
    let mut a = app();
    let mut c = partly_coded("R002");
    c.segments[0].end_s = 810.0;
    update(
        &mut a,
        Msg::Opened(Box::new(Opened {
            coding: c,
            duration_s: 7200.0,
            snapshot: snapshot_at(2.0),
            transcript: Ok(None),
            window: None,
        })),
    );
    update(&mut a, Msg::Tick(10_000));
    let s = render(&a, 120, 40);
    assert!(s.contains("0:00:02 / 2:00:00"), "{s}");
    assert!(s.contains("0:01:00.0–0:13:30.0 12:30"), "{s}");
    assert!(s.contains("0:00:45.0 Parent"), "{s}");
    assert!(!s.contains("750s") && !s.contains(" 00:"), "{s}");
    // A short one keeps mm:ss, with lengths in m:ss.
    let short = render(&coding_app(partly_coded("R001"), 2.0), 120, 40);
    assert!(short.contains("00:02 / 10:00") && short.contains("01:00.0–02:00.0 1:00"), "{short}");
}

// ---- 7. the playback speed is kept per coder ---------------------------------------------------

#[test]
fn a_chosen_speed_is_kept_and_every_recording_opens_at_it() {
    let mut a = coding_app(coding("R001"), 0.0);
    let fx = update(&mut a, ch(']'));
    assert_eq!(
        fx,
        vec![
            Effect::Player(Transport::Speed(1.1)),
            Effect::Disk(Job::SavePrefs(Prefs { speed: 1.1 }))
        ]
    );
    update(&mut a, ch(']'));
    assert_eq!(a.prefs.speed, 1.2);
    update(&mut a, ch('q'));
    update(&mut a, Msg::Saved(Ok(())));
    assert!(matches!(a.screen, Screen::Queue));
    let fx = update(
        &mut a,
        Msg::Opened(Box::new(Opened {
            coding: coding("R002"),
            duration_s: 600.0,
            snapshot: snapshot_at(0.0),
            transcript: Ok(None),
            window: None,
        })),
    );
    assert_eq!(fx, vec![Effect::Player(Transport::Speed(1.2))]);
    assert_eq!(a.coding().unwrap().snap.speed, 1.2);
    assert!(render(&a, 80, 24).contains("1.2×"));
    // The same speed again is not written again.
    let fx = update(&mut a, ch('='));
    assert!(fx.contains(&Effect::Disk(Job::SavePrefs(Prefs { speed: 1.0 }))), "{fx:?}");
    assert_eq!(update(&mut a, ch('=')), vec![Effect::Player(Transport::Speed(1.0))]);
}

#[test]
fn a_failed_prefs_write_is_a_notice_not_a_dialog() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::PrefsSaved(Err("permission denied".into())));
    assert!(a.overlay.is_none());
    assert!(notice(&a).contains("playback speed could not be kept"), "{}", notice(&a));
}
