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
use tapecoder::tui::coder::{Effect, Job, Msg, Screen, update};
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
    training_result(me, g, compare, cert)
}

/// The feedback on R002 of the set `basic`.
fn training_result(
    me: tapecoder::coding::Coding,
    gold: GoldCoding,
    compare: quality::RecordingCompare,
    cert: quality::Certification,
) -> FeedbackData {
    FeedbackData {
        recording: "R002".into(),
        duration_s: 600.0,
        coder: me,
        gold,
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
    assert_eq!(
        update(&mut a, key(KeyCode::Enter)),
        vec![Effect::Open(Job::PrepareTraining("R002".into()))]
    );
    // A submitted training row shows the feedback instead.
    let mut rows = training_rows();
    rows[1].status = RowStatus::Submitted;
    update(&mut a, Msg::Queue(rows));
    assert_eq!(
        update(&mut a, key(KeyCode::Enter)),
        vec![Effect::Disk(Job::Feedback("R002".into()))]
    );
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
    assert_eq!(fx.last(), Some(&Effect::Disk(Job::Feedback("R002".into()))), "{fx:?}");
    assert!(matches!(a.screen, Screen::Queue));
    update(&mut a, Msg::Feedback(Ok(Box::new(data(true)))));
    assert!(matches!(a.screen, Screen::Feedback(_)));
    // Esc goes back to the queue, read afresh.
    assert_eq!(update(&mut a, key(KeyCode::Esc)), vec![Effect::Disk(Job::RefreshQueue)]);
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

/// A not-certified coder whose set fails on several domains, one reason long enough to wrap over
/// several rows at 80 columns.
fn failing_on_several_domains() -> (FeedbackData, Vec<String>) {
    let book = codebook();
    let mut me = partly_coded("R002");
    me.status = Status::Submitted;
    let mut g = gold();
    g.scores.insert("collaboration".into(), 4);
    let compare = quality::compare(&book, &me, &g.as_coding("gold"), 600.0, 1);
    let mut cert = quality::certify(&book, &PassRule::default(), std::slice::from_ref(&compare), 1);
    cert.reasons.push(
        "Clarity about concerns: the gold coder marked this domain as needing a second listen \
         of the closing ten minutes, where the worker restates the concerns in the family's own \
         words; your coding left it unscored (tail-marker)"
            .into(),
    );
    let reasons = cert.reasons.clone();
    assert_eq!(cert.standing, quality::Standing::NotCertified);
    let failing = reasons.iter().filter(|r| r.contains("mean deviation")).count();
    assert!(failing >= 3, "{reasons:?}");
    (training_result(me, g, compare, cert), reasons)
}

/// The rows inside the "Why" pane of a rendered screen.
fn why_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.starts_with("╭ Why"))
        .skip(1)
        .take_while(|l| !l.starts_with('╰'))
        .map(|l| l.trim_matches('│').trim_end().to_string())
        .collect()
}

fn scroll_of(a: &tapecoder::tui::coder::App) -> usize {
    match &a.screen {
        Screen::Feedback(s) => usize::from(s.scroll),
        _ => panic!("not on the feedback screen"),
    }
}

/// Issue #13's 80×24 feedback cut the certification's reasons off: PageDown scrolls the "Why"
/// pane, and every reason, wrapped, is read in full on the way down.
#[test]
fn feedback_80x24_every_reason_can_be_read() {
    let (data, reasons) = failing_on_several_domains();
    let mut a = app();
    update(&mut a, Msg::Resize(80, 24));
    update(&mut a, Msg::Feedback(Ok(Box::new(data))));
    let first = render(&a, 80, 24);
    assert!(first.contains("↓ more: PgDn"), "{first}");
    assert!(first.contains("PgUp/PgDn scroll why"), "{first}");
    // Every row of the pane, by its place in the whole text, over every page.
    let mut rows: std::collections::BTreeMap<usize, String> = Default::default();
    let mut last = String::new();
    for _ in 0..40 {
        let screen = render(&a, 80, 24);
        for (i, r) in why_rows(&screen).into_iter().enumerate() {
            assert!(r.chars().count() <= 78, "{screen}");
            rows.insert(scroll_of(&a) + i, r);
        }
        let before = scroll_of(&a);
        send(&mut a, [key(KeyCode::PageDown)]);
        last = screen;
        if scroll_of(&a) == before {
            break;
        }
    }
    assert!(last.contains("end"), "{last}");
    assert!(last.contains("(tail-marker)"), "{last}");
    let text = rows.values().map(String::as_str).collect::<Vec<_>>().join(" ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for r in &reasons {
        let r = r.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&format!("Not certified: {r}")), "{r}\nnot in\n{text}");
    }
    assert_snapshot!("feedback_80x24_reasons_end", last);
    // PageUp climbs back to the top; choosing another domain starts its detail at the top.
    for _ in 0..40 {
        send(&mut a, [key(KeyCode::PageUp)]);
    }
    assert_eq!(scroll_of(&a), 0);
    send(&mut a, [key(KeyCode::PageDown)]);
    assert!(scroll_of(&a) > 0);
    send(&mut a, [key(KeyCode::Down)]);
    assert_eq!(scroll_of(&a), 0);
    // At 120×40 the whole text fits: nothing to scroll, no hint.
    let big = render(&a, 120, 40);
    assert!(!big.contains("more: PgDn"), "{big}");
    assert!(big.contains("(tail-marker)"), "{big}");
}
