//! The coding screen with a schema-2 instrument (issue #14), driven through `update`: checklist
//! answers toggled in the items pane, the class derived live, a chosen class, counts logged with
//! their keys (at the playhead less the coder's reaction-time offset), the events pane (select,
//! jump, `x` deletes), undo of each, `[counts]` rebinding, the submit dialog's problems, and the
//! saved coding file through the coder app's disk worker. Snapshots of the items pane and the
//! count lane for both bundled instruments at 80×24 and 120×40.
mod tui_support;

use std::sync::Arc;

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use tapecoder::codebook::Codebook;
use tapecoder::coding::{CodebookRef, Status};
use tapecoder::tui::coder::coding::{CodingState, Pane};
use tapecoder::tui::coder::dialogs::Dialog;
use tapecoder::tui::coder::{App, Effect, Msg, Opened, Overlay, update};
use tapecoder::tui::keys::Keymap;
use tapecoder::tui::transport::Transport;
use tui_support::*;

fn cs(a: &App) -> &CodingState {
    a.coding().unwrap()
}

fn focus(a: &App) -> Pane {
    cs(a).focus
}

/// To the items pane (Shift+Tab from the timeline).
fn to_items(a: &mut App) {
    update(a, key(KeyCode::BackTab));
    assert_eq!(focus(a), Pane::Scores);
}

fn answer(a: &App, key: &str) -> Option<bool> {
    cs(a).coding.checklist.get(key).copied()
}

fn class(a: &App, key: &str) -> Option<String> {
    let book = Arc::clone(&a.shell.codebook);
    cs(a).coding.class_of(&book, key).map(|c| c.key.clone())
}

fn events(a: &App) -> Vec<(String, f64)> {
    cs(a).coding.events.iter().map(|e| (e.code.clone(), e.at_s)).collect()
}

/// A small instrument with a chosen classification (neither bundled one has one).
const SMALL: &str = r#"
schema = 2
id = "small"
version = "1"
title = "Small"
source = "a test"

[[checklist]]
key = "warmth"
label = "Warmth"
description = "The worker is warm."

[[classification]]
key = "tone"
label = "Tone"
description = "The visit's tone, as the coder hears it."

[[classification.class]]
key = "calm"
label = "Calm"
description = "Calm throughout."

[[classification.class]]
key = "tense"
label = "Tense"
description = "Tense for most of it."

[[classification.class]]
key = "mixed"
label = "Mixed"
description = "Some of each."
"#;

fn app_with(book: Codebook, keymap: Keymap, pos: f64) -> App {
    let mut c = coding("R001");
    c.codebook = CodebookRef::of(&book);
    let mut a = App::new(Arc::new(book), keymap, "c1", "Test study", rows());
    update(&mut a, Msg::Resize(120, 40));
    update(
        &mut a,
        Msg::Opened(Box::new(Opened {
            coding: c,
            duration_s: 600.0,
            snapshot: snapshot_at(pos),
            transcript: Ok(None),
            window: None,
        })),
    );
    a
}

fn small_app() -> App {
    let book = tapecoder::codebook::parse(SMALL, "small.toml").unwrap();
    app_with(book, Keymap::default(), 0.0)
}

#[test]
fn enter_toggles_a_checklist_item_present_then_absent_and_0_clears_it_each_undoable() {
    let mut a = instrument_app("unit-meeting", 0.0, 0.0);
    to_items(&mut a);
    assert_eq!(cs(&a).score_sel, 0, "no scales: the first row is the first checklist item");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(answer(&a, "wider_context"), Some(true));
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(answer(&a, "wider_context"), Some(false));
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(answer(&a, "wider_context"), Some(true));
    update(&mut a, ch('0'));
    assert_eq!(answer(&a, "wider_context"), None);
    update(&mut a, ch('u'));
    assert_eq!(answer(&a, "wider_context"), Some(true));
    assert!(a.current_notice().unwrap().contains("undid"), "{:?}", a.current_notice());
    update(&mut a, ch('u'));
    assert_eq!(answer(&a, "wider_context"), Some(false));
    update(&mut a, ctrl('r'));
    assert_eq!(answer(&a, "wider_context"), Some(true));
    // The next row is the next item.
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Enter)]);
    assert_eq!(answer(&a, "curious"), Some(true));
    // A digit on a checklist item says how to answer it, and answers nothing.
    update(&mut a, ch('3'));
    assert_eq!(answer(&a, "curious"), Some(true));
    assert!(a.current_notice().unwrap().contains("present"), "{:?}", a.current_notice());
}

#[test]
fn the_derived_class_follows_the_checklist_live_and_cannot_be_chosen() {
    let mut a = instrument_app("unit-meeting", 0.0, 0.0);
    to_items(&mut a);
    // All seven present: systemic.
    for _ in 0..7 {
        send(&mut a, [key(KeyCode::Enter), key(KeyCode::Down)]);
    }
    assert_eq!(class(&a, "practice").as_deref(), Some("systemic"));
    let screen = render(&a, 120, 40);
    assert!(
        screen.contains("Systemic") && screen.contains("All seven features present"),
        "{screen}"
    );
    // The classification row is selected now: digits do not choose a derived class.
    update(&mut a, ch('2'));
    assert!(a.current_notice().unwrap().contains("derived"), "{:?}", a.current_notice());
    assert_eq!(class(&a, "practice").as_deref(), Some("systemic"));
    // Actionable (the fourth item) absent: green shoots; unanswered: needs it.
    send(&mut a, [key(KeyCode::Up), key(KeyCode::Up), key(KeyCode::Up), key(KeyCode::Up)]);
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(answer(&a, "actionable"), Some(false));
    assert_eq!(class(&a, "practice").as_deref(), Some("green_shoots"));
    update(&mut a, ch('0'));
    assert_eq!(class(&a, "practice"), None);
    let screen = render(&a, 120, 40);
    assert!(screen.contains("needs 1"), "{screen}");
    assert!(screen.contains("needs: Hypotheses developed into"), "{screen}");
    update(&mut a, ch('u'));
    assert_eq!(class(&a, "practice").as_deref(), Some("green_shoots"));
}

#[test]
fn digits_choose_a_chosen_class_enter_steps_through_them_0_clears_each_undoable() {
    let mut a = small_app();
    to_items(&mut a);
    update(&mut a, key(KeyCode::Down));
    update(&mut a, ch('2'));
    assert_eq!(class(&a, "tone").as_deref(), Some("tense"));
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(class(&a, "tone").as_deref(), Some("mixed"));
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(class(&a, "tone").as_deref(), Some("calm"));
    update(&mut a, ch('4'));
    assert!(a.current_notice().unwrap().contains("3 classes"), "{:?}", a.current_notice());
    update(&mut a, ch('0'));
    assert_eq!(class(&a, "tone"), None);
    update(&mut a, ch('u'));
    assert_eq!(class(&a, "tone").as_deref(), Some("calm"));
    update(&mut a, ch('u'));
    assert_eq!(class(&a, "tone").as_deref(), Some("mixed"));
    // The submit dialog names what is missing, per kind.
    let mut c = cs(&a).coding.clone();
    c.classes.clear();
    c.listened = vec![[0.0, 600.0]];
    let mut b = small_app();
    update(
        &mut b,
        Msg::Opened(Box::new(Opened {
            coding: c,
            duration_s: 600.0,
            snapshot: snapshot_at(0.0),
            transcript: Ok(None),
            window: None,
        })),
    );
    update(&mut b, ch('S'));
    let screen = render(&b, 80, 24);
    assert!(screen.contains("Tone: choose a class"), "{screen}");
    assert!(screen.contains("Warmth: mark it present or absent"), "{screen}");
}

#[test]
fn a_count_key_logs_at_the_playhead_less_the_offset_in_any_pane_and_undo_takes_it_back() {
    let mut a = instrument_app("mi-fidelity", 100.0, 0.5);
    assert_eq!(focus(&a), Pane::Timeline);
    update(&mut a, ch('Q'));
    assert_eq!(events(&a), vec![("question".to_string(), 99.5)]);
    assert!(
        a.current_notice().unwrap().contains("Question at 01:39.5"),
        "{:?}",
        a.current_notice()
    );
    to_items(&mut a);
    update(&mut a, ch('s'));
    update(&mut a, ch('Q'));
    assert_eq!(events(&a).len(), 3);
    let book = Arc::clone(&a.shell.codebook);
    assert_eq!(cs(&a).coding.tallies(&book)["question"], 2);
    // Near the start the offset stops at 0.
    update(&mut a, Msg::Playback(snapshot_at(0.2)));
    update(&mut a, ch('c'));
    assert_eq!(events(&a)[0], ("complex_reflection".to_string(), 0.0));
    assert_eq!(cs(&a).ev_sel, 0, "the new event is selected");
    update(&mut a, ch('u'));
    assert_eq!(events(&a).len(), 3);
    assert!(events(&a).iter().all(|(c, _)| c != "complex_reflection"));
    // Lower-case q is still back (never a count), and a key no count has does nothing.
    update(&mut a, ch('z'));
    assert_eq!(events(&a).len(), 3);
}

#[test]
fn count_keys_type_into_an_open_prompt_and_log_nothing_on_a_submitted_coding() {
    let mut a = instrument_app("mi-fidelity", 30.0, 0.0);
    update(&mut a, ch('n'));
    assert!(matches!(a.overlay, Some(Overlay::Prompt(_))));
    typed(&mut a, "Qs");
    assert!(events(&a).is_empty(), "typed into the note");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(cs(&a).coding.notes[0].text, "Qs");
    let mut c = cs(&a).coding.clone();
    c.status = Status::Submitted;
    update(
        &mut a,
        Msg::Opened(Box::new(Opened {
            coding: c,
            duration_s: 600.0,
            snapshot: snapshot_at(30.0),
            transcript: Ok(None),
            window: None,
        })),
    );
    update(&mut a, ch('Q'));
    assert!(events(&a).is_empty());
    assert!(a.current_notice().unwrap().contains("read-only"), "{:?}", a.current_notice());
}

#[test]
fn the_events_pane_selects_jumps_and_x_deletes_undoably() {
    let mut a = instrument_app("mi-fidelity", 10.0, 0.0);
    update(&mut a, ch('Q'));
    update(&mut a, Msg::Playback(snapshot_at(20.0)));
    update(&mut a, ch('s'));
    update(&mut a, Msg::Playback(snapshot_at(30.0)));
    update(&mut a, ch('a'));
    update(&mut a, key(KeyCode::Tab));
    assert_eq!(focus(&a), Pane::Events, "the events pane takes the segments pane's place");
    assert_eq!(cs(&a).ev_sel, 2);
    send(&mut a, [key(KeyCode::Up)]);
    assert_eq!(update(&mut a, key(KeyCode::Enter)), vec![Effect::Player(Transport::Seek(20.0))]);
    update(&mut a, ch('x'));
    assert_eq!(events(&a), vec![("question".into(), 10.0), ("affirm".into(), 30.0)]);
    assert!(a.current_notice().unwrap().contains("Simple reflection at 00:20.0 deleted"));
    assert!(a.overlay.is_none(), "no dialog: undo puts it back");
    update(&mut a, ch('u'));
    assert_eq!(events(&a).len(), 3);
    assert_eq!(events(&a)[1], ("simple_reflection".into(), 20.0));
    // Tab order: timeline, events, notes, items, timeline.
    send(&mut a, [key(KeyCode::Tab), key(KeyCode::Tab), key(KeyCode::Tab)]);
    assert_eq!(focus(&a), Pane::Timeline);
    update(&mut a, key(KeyCode::BackTab));
    update(&mut a, key(KeyCode::BackTab));
    update(&mut a, key(KeyCode::BackTab));
    assert_eq!(focus(&a), Pane::Events);
}

#[test]
fn a_count_key_is_rebound_in_the_counts_table_and_clashes_are_refused() {
    let keymap = Keymap::parse("[counts]\nquestion = \"w\"\n", "keys.toml").unwrap();
    let book = instrument("mi-fidelity");
    assert!(keymap.count_keys(&book.items.counts).is_ok());
    let mut a = app_with(book.clone(), keymap, 50.0);
    update(&mut a, ch('w'));
    update(&mut a, ch('Q'));
    assert_eq!(events(&a), vec![("question".to_string(), 50.0)]);
    let screen = render(&a, 120, 40);
    assert!(screen.contains("Question                     w   1"), "{screen}");
    // Onto an action's key, or onto another count's: refused, with the file and line.
    let e = Keymap::parse("help = \"h\"\n[counts]\nquestion = \"u\"\n", "k.toml").unwrap_err();
    assert!(e.to_string().starts_with("k.toml:3: count `question`: u is the key of `undo`"), "{e}");
    let e = Keymap::parse("[counts]\nquestion = \"w\"\naffirm = \"w\"\n", "k.toml").unwrap_err();
    assert!(e.to_string().contains("already count"), "{e}");
    let e = Keymap::parse("[counts]\nquestion = \"hyper+w\"\n", "k.toml").unwrap_err();
    assert!(e.to_string().starts_with("k.toml:2: unknown key"), "{e}");
    // An action rebound onto a codebook's count key, or a count onto another's press: the app
    // refuses to start with it (checked against the study's counts).
    let k = Keymap::parse("undo = \"Q\"\n", "k.toml").unwrap();
    let why = k.count_keys(&book.items.counts).unwrap_err();
    assert!(
        why.contains("count `question` is logged with Q, which is also the key of `undo`"),
        "{why}"
    );
    let k = Keymap::parse("[counts]\nquestion = \"s\"\n", "k.toml").unwrap();
    let why = k.count_keys(&book.items.counts).unwrap_err();
    assert!(why.contains("both logged with s"), "{why}");
}

#[test]
fn the_items_pane_shows_tallies_summaries_and_their_bands_live() {
    let mut a = instrument_app("mi-fidelity", 100.0, 0.0);
    to_items(&mut a);
    for _ in 0..17 {
        update(&mut a, key(KeyCode::Down));
    }
    let screen = render(&a, 120, 40);
    assert!(screen.contains("Reflection-to-question ratio   n/a"), "{screen}");
    assert!(screen.contains("Summary: Reflection-to-question ratio"), "{screen}");
    assert!(screen.contains("Now: n/a — no question logged."), "{screen}");
    typed(&mut a, "QsccQ");
    let screen = render(&a, 120, 40);
    // R:Q = 3 / 2, % complex = 2 / 3.
    assert!(screen.contains("1.50 fair"), "{screen}");
    assert!(screen.contains("67% good"), "{screen}");
    assert!(screen.contains("counts 5"), "{screen}");
}

/// The screens of the snapshots: each instrument part-way through, at both sizes.
fn unit_meeting_part_way() -> App {
    let mut a = instrument_app("unit-meeting", 200.0, 0.0);
    with_overview(&mut a);
    to_items(&mut a);
    // Present, present, absent; the rest unanswered; the fourth selected.
    send(&mut a, [key(KeyCode::Enter), key(KeyCode::Down), key(KeyCode::Enter)]);
    send(
        &mut a,
        [key(KeyCode::Down), key(KeyCode::Enter), key(KeyCode::Enter), key(KeyCode::Down)],
    );
    update(&mut a, Msg::Tick(10_000));
    a
}

fn mi_part_way() -> App {
    let mut a = instrument_app("mi-fidelity", 0.0, 0.5);
    with_overview(&mut a);
    for (t, keys) in
        [(12.0, "Q"), (15.0, "s"), (31.0, "Qc"), (47.5, "a"), (160.0, "QQs"), (420.0, "i")]
    {
        update(&mut a, Msg::Playback(snapshot_at(t)));
        typed(&mut a, keys);
    }
    update(&mut a, Msg::Playback(snapshot_at(160.0)));
    to_items(&mut a);
    send(&mut a, [ch('4'), key(KeyCode::Down), ch('3')]);
    update(&mut a, Msg::Tick(10_000));
    a
}

#[test]
fn snapshot_unit_meeting_items_pane() {
    let mut a = unit_meeting_part_way();
    assert_snapshot!("unit_meeting_items_80x24", render(&a, 80, 24));
    assert_snapshot!("unit_meeting_items_120x40", render(&a, 120, 40));
    // The derived class selected: its classes, the one it needs.
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)]);
    assert_snapshot!("unit_meeting_class_120x40", render(&a, 120, 40));
}

#[test]
fn snapshot_mi_fidelity_count_lane_and_items_pane() {
    let mut a = mi_part_way();
    assert_snapshot!("mi_fidelity_items_80x24", render(&a, 80, 24));
    assert_snapshot!("mi_fidelity_items_120x40", render(&a, 120, 40));
    // The events pane focused, a summary selected in the items pane.
    update(&mut a, key(KeyCode::Up));
    for _ in 0..15 {
        update(&mut a, key(KeyCode::Down));
    }
    update(&mut a, key(KeyCode::Tab));
    update(&mut a, key(KeyCode::Tab));
    assert_eq!(focus(&a), Pane::Events);
    assert_snapshot!("mi_fidelity_events_80x24", render(&a, 80, 24));
    assert_snapshot!("mi_fidelity_events_120x40", render(&a, 120, 40));
}

#[test]
fn snapshot_submit_dialog_with_instrument_problems() {
    let mut a = unit_meeting_part_way();
    update(&mut a, ch('S'));
    assert!(matches!(a.overlay, Some(Overlay::Dialog(Dialog::Submit(_)))));
    assert_snapshot!("unit_meeting_submit_80x24", render(&a, 80, 24));
    assert_snapshot!("unit_meeting_submit_120x40", render(&a, 120, 40));
}

#[test]
fn snapshot_help_lists_the_count_keys() {
    let mut a = mi_part_way();
    update(&mut a, ch('?'));
    let screen = render(&a, 120, 40);
    assert!(screen.contains("Q Question"), "{screen}");
    assert_snapshot!("mi_fidelity_help_120x40", screen);
    assert_snapshot!("mi_fidelity_help_80x24", render(&a, 80, 24));
}
