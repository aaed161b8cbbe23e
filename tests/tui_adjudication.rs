//! The adjudication TUI through `update` and `view`: whole-screen snapshots on a TestBackend, and
//! key-driven tests of deciding, the required reason, saving, and that the codings never change.
mod tui_adjudication_support;

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use tapecoder::study::model::Adjudication;
use tapecoder::tui::supervisor::{Effect, Job, Msg, Overlay, Pane, Screen, update};
use tapecoder::tui::transport::Transport;
use tui_adjudication_support::*;

// ----- snapshots ----------------------------------------------------------------------------

#[test]
fn list_with_items() {
    let a = app();
    assert_snapshot!(render(&a, 120, 40));
}

#[test]
fn list_empty() {
    let a = app_with(vec![]);
    assert_snapshot!(render(&a, 120, 40));
}

#[test]
fn recording_with_disagreement_selected() {
    let mut a = recording_app(100.0);
    // A decision on empathy (the first disagreement, selected on opening) with its reason.
    send(&mut a, [ch('3')]);
    typed(&mut a, "Listened twice: warm but interrupting");
    send(&mut a, [key(KeyCode::Enter)]);
    update(&mut a, Msg::Tick(200_000));
    assert_snapshot!(render(&a, 120, 40));
}

#[test]
fn recording_at_minimum_size() {
    let mut a = recording_app(320.0);
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)]);
    assert_snapshot!(render(&a, 80, 24));
}

#[test]
fn reason_prompt() {
    let mut a = recording_app(100.0);
    send(&mut a, [ch('2')]);
    typed(&mut a, "Both have a point");
    assert_snapshot!("reason_prompt", render(&a, 120, 40));
    // Enter on an empty reason keeps the prompt open with the error.
    send(&mut a, [ctrl_u()]);
    send(&mut a, [key(KeyCode::Enter)]);
    assert_snapshot!("reason_prompt_required", render(&a, 120, 40));
}

#[test]
fn help_overlay() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('?')]);
    assert_snapshot!(render(&a, 120, 40));
}

#[test]
fn leave_with_unsaved_decisions() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('4')]);
    typed(&mut a, "why");
    send(&mut a, [key(KeyCode::Enter), ch('q')]);
    assert_snapshot!(render(&a, 100, 30));
    assert_snapshot!("leave_with_unsaved_decisions_80x24", render(&a, 80, 24));
    assert_snapshot!("leave_with_unsaved_decisions_120x40", render(&a, 120, 40));
}

/// A rationale too long for its pane at 80×24: `v` shows both coders' rationales in full,
/// wrapped; PageDown / ↓ scroll, Esc closes.
#[test]
fn rationales_in_full() {
    let mut a = recording_app(0.0);
    let domain = a.selected_domain().unwrap().to_string();
    let long = (1..=30)
        .map(|i| format!("Point {i}: the worker reflects the parent's worry about the meeting."))
        .collect::<Vec<_>>()
        .join(" ");
    a.recording_mut().unwrap().case.primary.rationales.insert(domain, long);
    update(&mut a, Msg::Resize(80, 24));
    assert!(render(&a, 80, 24).contains("… v all"));
    send(&mut a, [ch('v')]);
    assert_eq!(a.overlay, Some(Overlay::Rationales { scroll: 0 }));
    assert_snapshot!("rationales_in_full_80x24", render(&a, 80, 24));
    send(&mut a, [key(KeyCode::PageDown)]);
    let Some(Overlay::Rationales { scroll }) = a.overlay else { panic!("{:?}", a.overlay) };
    assert!(scroll > 0);
    assert!(render(&a, 80, 24).contains('▲'));
    // No further than the end, where B's rationale is.
    send(&mut a, [key(KeyCode::PageDown), key(KeyCode::PageDown), key(KeyCode::PageDown)]);
    let Some(Overlay::Rationales { scroll: end }) = a.overlay else { panic!() };
    let scrolled = render(&a, 80, 24);
    assert!(scrolled.contains("Point 30") && scrolled.contains("B  ben"), "{scrolled}");
    assert_snapshot!("rationales_in_full_80x24_end", scrolled);
    send(&mut a, [key(KeyCode::Down)]);
    assert_eq!(a.overlay, Some(Overlay::Rationales { scroll: end }));
    send(&mut a, [key(KeyCode::Esc)]);
    assert_eq!(a.overlay, None);
    assert!(matches!(a.screen, Screen::Recording(_)));
    update(&mut a, Msg::Resize(120, 40));
    send(&mut a, [ch('v')]);
    assert_snapshot!("rationales_in_full_120x40", render(&a, 120, 40));
}

/// Changing a final score that has a reason asks what becomes of the reason.
#[test]
fn a_changed_final_score_asks_about_its_reason() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('3')]);
    typed(&mut a, "why");
    send(&mut a, [key(KeyCode::Enter)]);
    let draft = |a: &tapecoder::tui::supervisor::AdjApp| {
        let d = a.recording().unwrap().drafts.get("empathy").cloned().unwrap();
        (d.score, d.reason)
    };
    // k: keep it.
    send(&mut a, [ch('4')]);
    assert!(matches!(&a.overlay, Some(Overlay::ReasonChoice { previous: Some(3), .. })));
    assert_snapshot!("reason_choice_80x24", render(&a, 80, 24));
    assert_snapshot!("reason_choice_120x40", render(&a, 120, 40));
    send(&mut a, [ch('k')]);
    assert_eq!(a.overlay, None);
    assert_eq!(draft(&a), (Some(4), "why".to_string()));
    // Esc: the old score back.
    send(&mut a, [ch('1'), key(KeyCode::Esc)]);
    assert_eq!(a.overlay, None);
    assert_eq!(draft(&a), (Some(4), "why".to_string()));
    // e / Enter: edit it.
    send(&mut a, [ch('2'), ch('e')]);
    match &a.overlay {
        Some(Overlay::Reason(p)) => assert_eq!(p.text(), "why"),
        other => panic!("{other:?}"),
    }
    send(&mut a, [key(KeyCode::Esc)]);
    assert_eq!(draft(&a), (Some(2), "why".to_string()));
    // c: clear it and write a new one.
    send(&mut a, [ch('5'), ch('c')]);
    match &a.overlay {
        Some(Overlay::Reason(p)) => assert_eq!(p.text(), ""),
        other => panic!("{other:?}"),
    }
    typed(&mut a, "clearly a five");
    send(&mut a, [key(KeyCode::Enter)]);
    assert_eq!(draft(&a), (Some(5), "clearly a five".to_string()));
    // The same score again asks nothing.
    send(&mut a, [ch('5')]);
    assert_eq!(a.overlay, None);
}

/// The decisions being made are autosaved (as a draft) 300 ms after the last change, once; a
/// save needs no draft; leaving without saving drops it; SIGTERM with incomplete decisions
/// keeps them as a draft.
#[test]
fn decisions_are_autosaved_as_a_draft() {
    use tapecoder::study::adjudication::draft_file;
    let mut a = recording_app(0.0); // the clock is at 100 000 ms
    send(&mut a, [ch('3')]);
    assert!(update(&mut a, Msg::Tick(100_200)).is_empty());
    typed(&mut a, "warm");
    send(&mut a, [key(KeyCode::Enter)]);
    assert!(update(&mut a, Msg::Tick(100_400)).is_empty());
    let fx = update(&mut a, Msg::Tick(100_500));
    let drafts = a.recording().unwrap().drafts.clone();
    assert_eq!(drafts.get("empathy").unwrap().reason, "warm");
    assert_eq!(
        fx,
        vec![Effect::Disk(Job::SaveDraft(Box::new(draft_file("R002", "sup", &drafts))))]
    );
    assert!(update(&mut a, Msg::Tick(101_000)).is_empty(), "autosaved once");
    // Leaving without saving (y) removes the draft written.
    let mut left = a.clone();
    send(&mut left, [ch('q')]);
    let fx = send(&mut left, [ch('y')]);
    assert_eq!(
        fx,
        vec![
            Effect::Disk(Job::DiscardDraft("R002".into())),
            Effect::Close,
            Effect::Disk(Job::RefreshList)
        ]
    );
    // Saving: the worker removes the draft, so nothing more is autosaved or removed.
    send(&mut a, [ch('2'), ch('k')]);
    let fx = send(&mut a, [ch('S')]);
    let Some(Effect::Disk(Job::Save(adj))) = fx.first().cloned() else { panic!("{fx:?}") };
    assert!(update(&mut a, Msg::Tick(102_000)).is_empty());
    update(&mut a, Msg::Saved(Ok(adj)));
    assert_eq!(send(&mut a, [ch('q')]), vec![Effect::Close, Effect::Disk(Job::RefreshList)]);

    // SIGTERM with a decision that lacks its reason: kept as a draft, not lost.
    let mut a = recording_app(0.0);
    send(&mut a, [ch('3'), key(KeyCode::Esc)]);
    let fx = update(&mut a, Msg::Terminate);
    assert!(
        matches!(fx.first(), Some(Effect::Disk(Job::SaveDraft(d))) if d.recording == "R002"),
        "{fx:?}"
    );
    assert!(fx.contains(&Effect::Quit));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Disk(Job::DiscardDraft(_)))), "{fx:?}");
}

/// A draft left by a crash comes back when the recording is opened again, unsaved; another
/// supervisor's draft does not.
#[test]
fn a_draft_comes_back_on_reopening() {
    use std::collections::BTreeMap;
    use tapecoder::study::adjudication::{Draft, draft_file};
    let drafts = BTreeMap::from([(
        "empathy".to_string(),
        Draft { score: Some(2), reason: "half written".into() },
    )]);
    for (who, restored) in [("sup", true), ("other", false)] {
        let mut a = app();
        send(&mut a, [key(KeyCode::Enter)]);
        let draft = Some(Box::new(draft_file("R002", who, &drafts)));
        update(
            &mut a,
            Msg::Opened {
                id: "R002".into(),
                snapshot: snapshot_at(0.0),
                draft,
                transcript: Ok(None),
            },
        );
        let r = a.recording().unwrap();
        assert_eq!(r.dirty, restored, "{who}");
        assert_eq!(r.drafts == drafts, restored, "{who}");
        if restored {
            assert!(a.current_notice().unwrap().contains("restored"), "{:?}", a.current_notice());
        }
        // Only one's own draft is removed on leaving (here with `y`).
        let fx = send(&mut a, [ch('q'), ch('y')]);
        assert!(fx.contains(&Effect::Close), "{who}: {fx:?}");
        assert_eq!(
            fx.contains(&Effect::Disk(Job::DiscardDraft("R002".into()))),
            restored,
            "{who}: {fx:?}"
        );
    }
}

fn ctrl_u() -> Msg {
    Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    ))
}

// ----- keys ---------------------------------------------------------------------------------

#[test]
fn list_navigation_and_quit() {
    let mut a = app();
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(a.list.selected, 2);
    let fx = send(&mut a, [key(KeyCode::Enter)]);
    assert_eq!(fx, vec![Effect::Open(Job::Prepare { id: "R007".into(), duration_s: 3725.0 })]);
    assert!(matches!(a.screen, Screen::List), "the screen changes only once the runner opened it");
    let fx = send(&mut a, [ch('q')]);
    assert_eq!(fx, vec![Effect::Quit]);
    assert!(a.quitting);
}

#[test]
fn empty_list_enter_explains() {
    let mut a = app_with(vec![]);
    assert!(send(&mut a, [key(KeyCode::Enter)]).is_empty());
    assert_eq!(a.current_notice(), Some("nothing to adjudicate"));
}

#[test]
fn opening_selects_the_first_disagreement() {
    let a = recording_app(0.0);
    assert!(matches!(a.screen, Screen::Recording(_)));
    assert_eq!(a.selected_domain(), Some("empathy"));
    let r = a.recording().unwrap();
    assert_eq!(r.case.diffs.len(), 2);
    assert!(r.drafts.is_empty() && !r.dirty);
}

#[test]
fn score_reason_and_save_produce_the_adjudication() {
    let mut a = recording_app(0.0);
    let before = a.recording().unwrap().case.clone();
    // Empathy: 3, reason required.
    let fx = send(&mut a, [ch('3')]);
    assert!(fx.is_empty());
    assert!(matches!(a.overlay, Some(Overlay::Reason(_))));
    typed(&mut a, "  Warm, but two interruptions  ");
    send(&mut a, [key(KeyCode::Enter)]);
    assert!(a.overlay.is_none());
    // Evocation (down 3 rows): 2, with reason.
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(a.selected_domain(), Some("evocation"));
    send(&mut a, [ch('2')]);
    typed(&mut a, "Brief change talk only");
    send(&mut a, [key(KeyCode::Enter)]);
    assert!(a.recording().unwrap().dirty);
    let fx = send(&mut a, [ch('S')]);
    let [Effect::Disk(Job::Save(adj))] = fx.as_slice() else { panic!("expected one save: {fx:?}") };
    assert_eq!(adj.recording, "R002");
    assert_eq!(adj.supervisor, "sup");
    assert_eq!(adj.schema, 1);
    let got: Vec<(&str, u8, &str)> = adj
        .decisions
        .iter()
        .map(|d| (d.domain.as_str(), d.final_score, d.reason.as_str()))
        .collect();
    assert_eq!(
        got,
        [("empathy", 3, "Warm, but two interruptions"), ("evocation", 2, "Brief change talk only")]
    );
    assert_eq!(adj.decisions[0].coder_scores.get("ann"), Some(&1));
    assert_eq!(adj.decisions[0].coder_scores.get("ben"), Some(&4));
    // Ben did not score evocation: only ann's score is recorded.
    assert_eq!(adj.decisions[1].coder_scores.len(), 1);
    // A second S while the save is on its way sends nothing.
    assert!(send(&mut a, [ch('s')]).is_empty());
    // The runner's answer.
    let mut saved: Adjudication = (**adj).clone();
    saved.decided_at = "2026-02-02T10:00:00Z".into();
    update(&mut a, Msg::Saved(Ok(Box::new(saved.clone()))));
    let r = a.recording().unwrap();
    assert!(!r.dirty && !r.saving);
    assert_eq!(r.case.existing.as_ref(), Some(&saved));
    assert_eq!(a.list.cases[0].existing.as_ref(), Some(&saved), "the list shows it adjudicated");
    assert!(a.current_notice().unwrap().contains("supervisor/adjudications/R002.toml"));
    // Originals untouched.
    assert_eq!(r.case.primary, before.primary);
    assert_eq!(r.case.secondary, before.secondary);
    assert_eq!(a.list.cases[0].primary, before.primary);
    assert_eq!(a.list.cases[0].secondary, before.secondary);
    // Back to the list: no question asked, the list is refreshed.
    let fx = send(&mut a, [key(KeyCode::Esc)]);
    assert_eq!(fx, vec![Effect::Close, Effect::Disk(Job::RefreshList)]);
    assert!(matches!(a.screen, Screen::List));
}

#[test]
fn saving_refuses_while_a_decision_lacks_a_reason() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('3')]);
    send(&mut a, [key(KeyCode::Esc)]); // later…
    assert!(a.overlay.is_none());
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)]);
    let fx = send(&mut a, [ch('S')]);
    assert!(fx.is_empty(), "{fx:?}");
    let notice = a.current_notice().unwrap();
    assert!(notice.contains("Empathy") && notice.contains("needs a reason"), "{notice}");
    assert_eq!(a.selected_domain(), Some("empathy"), "the problem is selected");
    // An empty reason is not accepted either.
    send(&mut a, [key(KeyCode::Enter)]);
    typed(&mut a, "   ");
    send(&mut a, [key(KeyCode::Enter)]);
    let Some(Overlay::Reason(p)) = &a.overlay else { panic!("prompt stays open") };
    assert!(p.error.as_deref().unwrap().contains("required"));
    typed(&mut a, "ok");
    send(&mut a, [key(KeyCode::Enter)]);
    assert!(matches!(send(&mut a, [ch('S')]).as_slice(), [Effect::Disk(Job::Save(_))]));
}

#[test]
fn nothing_decided_is_not_saved() {
    let mut a = recording_app(0.0);
    assert!(send(&mut a, [ch('S')]).is_empty());
    assert!(a.current_notice().unwrap().contains("nothing decided"));
}

#[test]
fn agreeing_domains_and_other_panes_take_no_score() {
    let mut a = recording_app(0.0);
    send(&mut a, [key(KeyCode::Down)]);
    assert_eq!(a.selected_domain(), Some("collaboration"));
    send(&mut a, [ch('5')]);
    assert!(a.recording().unwrap().drafts.is_empty());
    assert!(a.current_notice().unwrap().contains("agree within ±1"));
    send(&mut a, [key(KeyCode::Up), key(KeyCode::Tab), ch('5')]);
    assert!(a.recording().unwrap().drafts.is_empty());
    assert!(a.current_notice().unwrap().contains("scores pane"));
    // b/e/n never edit a coder's segments or notes.
    let before = a.recording().unwrap().case.clone();
    send(&mut a, [ch('b'), ch('e'), ch('n'), ch('x')]);
    assert_eq!(a.recording().unwrap().case, before);
}

#[test]
fn clearing_a_decision() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('3')]);
    typed(&mut a, "r");
    send(&mut a, [key(KeyCode::Enter), ch('0')]);
    assert!(a.recording().unwrap().drafts.is_empty());
    assert!(a.current_notice().unwrap().contains("cleared"));
}

#[test]
fn an_earlier_adjudication_is_continued() {
    let mut a = app();
    send(&mut a, [key(KeyCode::Down)]);
    let fx = send(&mut a, [key(KeyCode::Enter)]);
    assert_eq!(fx, vec![Effect::Open(Job::Prepare { id: "R005".into(), duration_s: 600.0 })]);
    update(
        &mut a,
        Msg::Opened {
            id: "R005".into(),
            snapshot: snapshot_at(0.0),
            draft: None,
            transcript: Ok(None),
        },
    );
    let r = a.recording().unwrap();
    assert_eq!(a.selected_domain(), Some("child_focus"));
    let d = r.drafts.get("child_focus").unwrap();
    assert_eq!((d.score, d.reason.as_str()), (Some(2), "Child barely mentioned"));
    assert!(!r.dirty);
}

#[test]
fn leaving_with_unsaved_decisions_asks() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('4')]);
    typed(&mut a, "why");
    send(&mut a, [key(KeyCode::Enter)]);
    assert!(send(&mut a, [ch('q')]).is_empty());
    assert_eq!(a.overlay, Some(Overlay::Leave { quit: false }));
    assert!(send(&mut a, [ch('n')]).is_empty());
    assert!(matches!(a.screen, Screen::Recording(_)));
    // Enter stays: leaving without saving needs an explicit `y`.
    send(&mut a, [ch('q')]);
    assert!(send(&mut a, [key(KeyCode::Enter)]).is_empty());
    assert_eq!(a.overlay, None);
    assert!(matches!(a.screen, Screen::Recording(_)));
    send(&mut a, [ch('q')]);
    let fx = send(&mut a, [ch('y')]);
    assert_eq!(fx, vec![Effect::Close, Effect::Disk(Job::RefreshList)]);
    assert!(matches!(a.screen, Screen::List));
}

#[test]
fn ctrl_c_with_unsaved_decisions_asks_then_quits() {
    let ctrl_c = || {
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('c'),
            crossterm::event::KeyModifiers::CONTROL,
        ))
    };
    let mut a = recording_app(0.0);
    send(&mut a, [ch('4')]);
    typed(&mut a, "why");
    send(&mut a, [key(KeyCode::Enter)]);
    assert!(send(&mut a, [ctrl_c()]).is_empty());
    assert_eq!(a.overlay, Some(Overlay::Leave { quit: true }));
    let fx = send(&mut a, [ctrl_c()]);
    assert_eq!(fx, vec![Effect::Close, Effect::Quit]);
    assert!(a.quitting);
}

#[test]
fn transport_keys() {
    let mut a = recording_app(100.0);
    assert_eq!(send(&mut a, [ch(' ')]), vec![Effect::Player(Transport::Play)]);
    assert_eq!(send(&mut a, [ch(' ')]), vec![Effect::Player(Transport::Pause)]);
    assert_eq!(send(&mut a, [key(KeyCode::Right)]), vec![Effect::Player(Transport::Seek(105.0))]);
    assert_eq!(
        send(&mut a, [key(KeyCode::Left), key(KeyCode::Left)]),
        vec![Effect::Player(Transport::Seek(100.0)), Effect::Player(Transport::Seek(95.0))]
    );
    assert_eq!(send(&mut a, [shift(KeyCode::Right)]), vec![Effect::Player(Transport::Seek(125.0))]);
    assert_eq!(send(&mut a, [shift(KeyCode::Left)]), vec![Effect::Player(Transport::Seek(95.0))]);
    assert_eq!(send(&mut a, [key(KeyCode::End)]), vec![Effect::Player(Transport::Seek(600.0))]);
    assert_eq!(send(&mut a, [key(KeyCode::Home)]), vec![Effect::Player(Transport::Seek(0.0))]);
    assert_eq!(
        send(&mut a, [key(KeyCode::Left)]),
        vec![Effect::Player(Transport::Seek(0.0))],
        "clamped"
    );
    assert_eq!(
        send(&mut a, [ch(']'), ch(']')]),
        vec![Effect::Player(Transport::Speed(1.1)), Effect::Player(Transport::Speed(1.2))]
    );
    assert_eq!(send(&mut a, [ch('[')]), vec![Effect::Player(Transport::Speed(1.1))]);
    assert_eq!(send(&mut a, [ch('=')]), vec![Effect::Player(Transport::Speed(1.0))]);
    // Go to 5:00.
    send(&mut a, [ch('g')]);
    typed(&mut a, "5:00");
    assert_eq!(send(&mut a, [key(KeyCode::Enter)]), vec![Effect::Player(Transport::Seek(300.0))]);
}

#[test]
fn jump_to_notes_and_segments_of_either_coder() {
    let mut a = recording_app(0.0);
    // A's list: note 0:45, segment 1:00, segment 6:40.
    send(&mut a, [key(KeyCode::Tab)]);
    assert_eq!(a.recording().unwrap().focus, Pane::Primary);
    assert_eq!(send(&mut a, [key(KeyCode::Enter)]), vec![Effect::Player(Transport::Seek(45.0))]);
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(send(&mut a, [key(KeyCode::Enter)]), vec![Effect::Player(Transport::Seek(400.0))]);
    // B's list: notes 0:50, 5:20.
    send(&mut a, [key(KeyCode::Tab), key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(a.recording().unwrap().focus, Pane::Secondary);
    assert_eq!(send(&mut a, [key(KeyCode::Enter)]), vec![Effect::Player(Transport::Seek(320.0))]);
    // Back to the scores pane.
    send(&mut a, [key(KeyCode::Tab)]);
    assert_eq!(a.recording().unwrap().focus, Pane::Scores);
}

#[test]
fn a_failed_save_keeps_the_decisions() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('3')]);
    typed(&mut a, "r");
    send(&mut a, [key(KeyCode::Enter)]);
    assert_eq!(send(&mut a, [ch('S')]).len(), 1);
    update(&mut a, Msg::Saved(Err("disk full".into())));
    let r = a.recording().unwrap();
    assert!(r.dirty && !r.saving && r.case.existing.is_none());
    assert!(a.current_notice().unwrap().contains("not saved: disk full"));
    assert_eq!(send(&mut a, [ch('S')]).len(), 1, "it can be saved again");
}

#[test]
fn help_opens_and_closes() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('?')]);
    assert_eq!(a.overlay, Some(Overlay::Help));
    send(&mut a, [ch('3')]);
    assert_eq!(a.overlay, Some(Overlay::Help), "keys do not leak through help");
    assert!(a.recording().unwrap().drafts.is_empty());
    send(&mut a, [key(KeyCode::Esc)]);
    assert!(a.overlay.is_none());
    assert!(matches!(a.screen, Screen::Recording(_)));
}

#[test]
fn a_decision_on_a_domain_now_within_tolerance_blocks_saving_until_cleared() {
    use tapecoder::study::model::Decision;
    let mut case = main_case();
    case.existing = Some(Adjudication {
        schema: 1,
        recording: "R002".into(),
        supervisor: "sup".into(),
        decided_at: "2026-01-02T00:00:00Z".into(),
        decisions: vec![Decision {
            domain: "collaboration".into(),
            final_score: 3,
            reason: "made when the tolerance was 0".into(),
            coder_scores: Default::default(),
        }],
    });
    let mut a = app_with(vec![case]);
    send(&mut a, [key(KeyCode::Enter)]);
    update(
        &mut a,
        Msg::Opened {
            id: "R002".into(),
            snapshot: snapshot_at(0.0),
            draft: None,
            transcript: Ok(None),
        },
    );
    send(&mut a, [ch('3')]);
    typed(&mut a, "r");
    send(&mut a, [key(KeyCode::Enter)]);
    assert!(send(&mut a, [ch('S')]).is_empty());
    assert_eq!(a.selected_domain(), Some("collaboration"));
    assert!(a.current_notice().unwrap().contains("agree within tolerance"));
    send(&mut a, [ch('0')]);
    assert!(!a.recording().unwrap().drafts.contains_key("collaboration"));
    assert!(matches!(send(&mut a, [ch('S')]).as_slice(), [Effect::Disk(Job::Save(_))]));
}

#[test]
fn clicking_the_timeline_seeks() {
    use ratatui::layout::Rect;
    use tapecoder::tui::supervisor::recording::view::recording_layout;
    let mut a = recording_app(0.0);
    let l = recording_layout(Rect::new(0, 0, 120, 40), DOMAINS.len());
    let x = l.wave.x + l.wave.width / 2;
    let fx = send(
        &mut a,
        [Msg::Mouse(crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column: x,
            row: l.wave.y,
            modifiers: crossterm::event::KeyModifiers::NONE,
        })],
    );
    let [Effect::Player(Transport::Seek(t))] = fx.as_slice() else { panic!("{fx:?}") };
    assert!((t - 300.0).abs() < 600.0 / f64::from(l.wave.width), "{t}");
}

#[test]
fn too_small_then_resized_keeps_the_decisions() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('3')]);
    typed(&mut a, "kept");
    send(&mut a, [key(KeyCode::Enter)]);
    let small = render(&a, 60, 20);
    assert!(small.contains("Terminal too small"), "{small}");
    update(&mut a, Msg::Resize(60, 20));
    // Only leaving is possible while nothing is visible; the decision stays.
    assert!(send(&mut a, [ch('0')]).is_empty());
    update(&mut a, Msg::Resize(120, 40));
    let d = a.recording().unwrap().drafts.get("empathy").unwrap();
    assert_eq!((d.score, d.reason.as_str()), (Some(3), "kept"));
    assert!(render(&a, 120, 40).contains("Reason: kept"));
}

#[test]
fn hostile_text_from_files_never_reaches_the_terminal_raw() {
    let (mut a, mut b) = pair();
    a.rationales.insert("empathy".into(), "ok\x1b[2J\x1b]0;pwned\x07 then\u{202e}reversed".into());
    b.notes[0].text = "note\r\nwith\tcontrols\x1b[31m".into();
    b.coder = "b\x1bx".into();
    let mut app = app_with(vec![case_of("R002", a, b, None)]);
    send(&mut app, [key(KeyCode::Enter)]);
    update(
        &mut app,
        Msg::Opened {
            id: "R002".into(),
            snapshot: snapshot_at(0.0),
            draft: None,
            transcript: Ok(None),
        },
    );
    for screen in [render(&app, 120, 40), render(&app_with(app.list.cases.clone()), 120, 40)] {
        assert!(
            !screen.chars().any(|c| c.is_control() && c != '\n' || c == '\u{202e}'),
            "{screen:?}"
        );
        assert!(!screen.contains("pwned\x07"));
    }
}

#[test]
fn terminate_saves_complete_decisions_and_quits() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('3')]);
    typed(&mut a, "complete");
    send(&mut a, [key(KeyCode::Enter)]);
    let fx = update(&mut a, Msg::Terminate);
    assert!(
        matches!(fx.as_slice(), [Effect::Disk(Job::Save(_)), Effect::Close, Effect::Quit]),
        "{fx:?}"
    );
    assert!(a.quitting);
    // Incomplete decisions (no reason) cannot be saved: they are kept as a draft, and it quits.
    let mut a = recording_app(0.0);
    send(&mut a, [ch('3'), key(KeyCode::Esc)]);
    let fx = update(&mut a, Msg::Terminate);
    assert!(
        matches!(fx.as_slice(), [Effect::Disk(Job::SaveDraft(_)), Effect::Close, Effect::Quit]),
        "{fx:?}"
    );
}

/// A pasted reason with line breaks stays in the reason prompt: the first line break does not
/// close it and the rest is not read as commands.
#[test]
fn pasted_reason_stays_in_the_prompt() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('3')]);
    let fx = update(&mut a, Msg::Paste("Warm tone;\r\nsee notes q".into()));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(a.overlay, Some(Overlay::Reason(_))));
    send(&mut a, [key(KeyCode::Enter)]);
    let d = a.recording().unwrap().drafts.get("empathy").unwrap();
    assert_eq!((d.score, d.reason.as_str()), (Some(3), "Warm tone;  see notes q"));
    // With no prompt open a paste does nothing.
    let fx = update(&mut a, Msg::Paste("q".into()));
    assert!(fx.is_empty() && a.recording().is_some());
}

/// The supervisor's reason (or the "reason required" hint) stays visible under the final score
/// even when the chosen level's descriptor is long and the pane small: it used to be pushed out
/// of the three decision rows by the wrapped descriptor.
#[test]
fn the_reason_stays_visible_under_a_long_descriptor() {
    let mut a = recording_app(0.0);
    // The sample handbook's descriptors run to several lines.
    let mut book = (*a.shell.codebook).clone();
    for d in &mut book.domains {
        for l in &mut d.levels {
            *l = format!("{l} {}", "More of what this level sounds like in a visit. ".repeat(4));
        }
    }
    a.shell.codebook = std::sync::Arc::new(book);
    send(&mut a, [ch('3')]);
    let s = render(&a, 80, 24);
    assert!(s.contains("Reason: required"), "{s}");
    typed(&mut a, "Warm tone");
    send(&mut a, [key(KeyCode::Enter)]);
    for (w, h) in [(80, 24), (120, 40)] {
        let s = render(&a, w, h);
        assert!(s.contains("Reason: Warm tone"), "{w}×{h}:\n{s}");
    }
}

/// At the minimum size (80×24) the help is whole: no key description or line of the introduction
/// is cut off.
#[test]
fn help_fits_at_80_by_24() {
    let mut a = recording_app(0.0);
    send(&mut a, [ch('?')]);
    let s = render(&a, 80, 24);
    for part in [
        "jump",
        "(scores→A→B→text)",
        "search the transcript…",
        "save the adjudication",
        "files never",
    ] {
        assert!(s.contains(part), "{part:?} cut off:\n{s}");
    }
}

/// The selected recording is marked with ▸ as in the coder's queue, not by colour alone.
#[test]
fn the_selected_recording_is_marked_without_colour() {
    let mut a = app();
    assert!(render(&a, 120, 40).contains("▸ R002"));
    send(&mut a, [key(KeyCode::Down)]);
    let s = render(&a, 120, 40);
    assert!(s.contains("▸ R005") && !s.contains("▸ R002"), "{s}");
}

/// A rationale longer than the pane shows that it goes on (ends with "…") instead of stopping
/// mid-sentence as if it were complete.
#[test]
fn a_clipped_rationale_says_so() {
    let mut a = recording_app(0.0);
    let domain = a.selected_domain().unwrap().to_string();
    let long = "The worker reflects the parent's worry about the school meeting. ".repeat(8);
    a.recording_mut().unwrap().case.primary.rationales.insert(domain, long);
    let small = render(&a, 80, 24);
    assert!(small.contains("…"), "{small}");
    // With room for all of it there is no marker.
    let big = render(&a, 200, 60);
    assert!(!big.contains("…"), "{big}");
}

/// The footer is built from the keymap and the focused pane.
#[test]
fn the_footer_follows_keys_toml_and_the_focused_pane() {
    let mut a = recording_app(0.0);
    a.shell.keymap =
        tapecoder::tui::keys::Keymap::parse("play_pause = \"p\"\nrationales = \"f2\"\n", "k.toml")
            .unwrap();
    let footer = |a: &tapecoder::tui::supervisor::AdjApp, w| {
        render(a, w, 40).lines().nth(39).unwrap().to_string()
    };
    let f = footer(&a, 120);
    assert!(f.contains("p play") && !f.contains("Space"), "{f}");
    assert!(f.contains("F2 rationales") && f.contains("1-5 final score"), "{f}");
    send(&mut a, [key(KeyCode::Tab)]);
    let f = footer(&a, 120);
    assert!(f.contains("Enter jump there") && !f.contains("final score"), "{f}");
    let f = footer(&a, 80);
    assert!(f.chars().count() <= 80 && f.contains("p play"), "{f}");
}

/// At 80 columns the header's silent status is shortened to what fits, never cut mid-word.
#[test]
fn the_silent_status_fits_the_header_at_80_columns() {
    let mut a = recording_app(0.0);
    let mut snap = a.recording().unwrap().snap.clone();
    snap.silent_reason = Some("silent playback (--no-audio)".into());
    update(&mut a, Msg::Playback(snap));
    let header = render(&a, 80, 24).lines().next().unwrap().to_string();
    assert!(!header.contains('('), "{header}");
    let wide = render(&a, 200, 40).lines().next().unwrap().to_string();
    assert!(wide.ends_with("silent playback (--no-audio)"), "{wide}");
}
