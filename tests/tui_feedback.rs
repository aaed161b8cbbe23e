//! The coder's training feedback (issue #13): a training row in the queue, the submit that opens
//! the feedback at once, and the feedback screen at 80×24 and 120×40.
mod tui_support;

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use tapecoder::coding::{Note, Status};
use tapecoder::quality::{self, PassRule};
use tapecoder::study::gold::GoldCoding;
use tapecoder::tui::coder::feedback::FeedbackData;
use tapecoder::tui::coder::queue::RowStatus;
use tapecoder::tui::coder::{Effect, Msg, Screen, update};
use tui_support::*;

fn gold() -> GoldCoding {
    let mut g = GoldCoding::from_coding(&partly_coded("R002"), "sup", "2026-01-02T00:00:00Z");
    g.scores.insert("empathy".into(), 4);
    g.scores.insert("collaboration".into(), 2);
    g.scores.insert("evocation".into(), 2);
    g.scores.insert("autonomy".into(), 3);
    g.rationales.insert("empathy".into(), "Reflects feelings accurately three times.".into());
    g.segments[1].end_s = 360.0;
    g.notes.push(Note { at_s: 520.0, text: "Good summary before leaving".into(), domains: vec![] });
    g
}

fn data(complete: bool) -> FeedbackData {
    let book = codebook();
    let mut me = partly_coded("R002");
    me.status = Status::Submitted;
    let g = gold();
    let compare = quality::compare(&book, &me, &g.as_coding("gold"), 600.0, 1);
    let total = if complete { 1 } else { 2 };
    let cert = quality::certify(&book, &PassRule::default(), std::slice::from_ref(&compare), total);
    FeedbackData {
        recording: "R002".into(),
        duration_s: 600.0,
        coder: me,
        gold: g,
        compare,
        set: Some(("basic".into(), cert)),
    }
}

fn training_rows() -> Vec<tapecoder::tui::coder::queue::QueueRow> {
    let mut r = rows();
    r[1].training = true;
    r
}

fn on_feedback(complete: bool) -> tapecoder::tui::coder::App {
    let mut a = app();
    update(&mut a, Msg::Feedback(Ok(Box::new(data(complete)))));
    assert!(matches!(a.screen, Screen::Feedback(_)));
    a
}

#[test]
fn queue_marks_training_rows() {
    let mut a = app();
    update(&mut a, Msg::Queue(training_rows()));
    send(&mut a, [key(KeyCode::Down)]);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&a, w, h);
        let line = screen.lines().find(|l| l.contains("R002")).unwrap();
        assert!(line.contains("training"), "{screen}");
        assert!(screen.contains("R002 is a training recording"), "{screen}");
    }
    // Enter opens the training coding (not the live one).
    assert_eq!(update(&mut a, key(KeyCode::Enter)), vec![Effect::OpenTraining("R002".into())]);
    // A submitted training row shows the feedback instead.
    let mut rows = training_rows();
    rows[1].status = RowStatus::Submitted;
    update(&mut a, Msg::Queue(rows));
    assert_eq!(update(&mut a, key(KeyCode::Enter)), vec![Effect::Feedback("R002".into())]);
}

#[test]
fn a_training_submit_closes_and_asks_for_the_feedback() {
    let mut a = app();
    update(&mut a, Msg::Queue(training_rows()));
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Enter)]);
    assert!(a.training);
    let mut c = partly_coded("R002");
    update(
        &mut a,
        Msg::Opened(Box::new(tapecoder::tui::coder::Opened {
            coding: c.clone(),
            duration_s: 600.0,
            snapshot: snapshot_at(0.0),
            transcript: Ok(None),
            window: None,
        })),
    );
    assert!(a.coding().is_some_and(|c| c.training));
    assert!(render(&a, 120, 40).contains(" training "));
    c.status = Status::Submitted;
    let fx = update(&mut a, Msg::Submitted(Ok(Box::new(c))));
    assert!(fx.contains(&Effect::Close), "{fx:?}");
    assert_eq!(fx.last(), Some(&Effect::Feedback("R002".into())), "{fx:?}");
    assert!(matches!(a.screen, Screen::Queue));
    update(&mut a, Msg::Feedback(Ok(Box::new(data(true)))));
    assert!(matches!(a.screen, Screen::Feedback(_)));
    // Esc goes back to the queue, read afresh.
    assert_eq!(update(&mut a, key(KeyCode::Esc)), vec![Effect::RefreshQueue]);
    assert!(matches!(a.screen, Screen::Queue));
}

#[test]
fn feedback_not_ready_is_said() {
    let mut a = app();
    update(&mut a, Msg::Feedback(Err("R002 is not submitted yet".into())));
    assert!(matches!(a.screen, Screen::Queue));
    assert!(a.current_notice().unwrap().contains("no feedback yet: R002 is not submitted yet"));
}

#[test]
fn feedback_80x24() {
    let a = on_feedback(true);
    let screen = render(&a, 80, 24);
    assert!(screen.contains("Gold rationale: Reflects feelings accurately"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn feedback_120x40() {
    let mut a = on_feedback(true);
    let screen = render(&a, 120, 40);
    assert!(screen.contains("90.5 s matched"), "{screen}");
    assert!(screen.contains("29.5 s missed"), "{screen}");
    assert!(screen.contains("08:40.0 Good summary before leaving"), "{screen}");
    assert_snapshot!(screen);
    // Down to evocation (scored 4 by the coder, 2 by gold): both descriptors shown.
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)]);
    let screen = render(&a, 120, 40);
    assert_snapshot!("feedback_120x40_evocation", screen);
}

#[test]
fn feedback_pending_set_120x40() {
    let a = on_feedback(false);
    let screen = render(&a, 120, 40);
    assert!(screen.contains("set basic : 1 of 2 done"), "{screen}");
}
