//! A supervisor writing gold codings in the TUI (`tapecoder gold edit`, issue #13): the gold
//! queue, a recording opened as the supervisor's draft with the gold badge, the submit dialog that
//! says it sets gold, and the screen after the gold is set, at 80×24 and 120×40.
mod tui_support;

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use tapecoder::coding::Status;
use tapecoder::tui::coder::queue::{QueueRow, RowStatus};
use tapecoder::tui::coder::{App, Effect, Job, Msg, update};
use tui_support::*;

fn gold_rows() -> Vec<QueueRow> {
    let row = |id: &str, status, listened, gold| QueueRow {
        id: id.into(),
        duration_s: 600.0,
        status,
        listened,
        problem: None,
        training: false,
        gold,
    };
    vec![
        row("R001", RowStatus::Submitted, 0.0, true),
        // A draft of a new gold over the one set: the gold stays until the draft is submitted.
        row("R002", RowStatus::InProgress, 0.25, true),
        row("R003", RowStatus::NotStarted, 0.0, false),
        row("R004", RowStatus::InProgress, 0.5, false),
    ]
}

/// The app of supervisor `sup` writing gold, on its queue.
fn gold_app() -> App {
    let mut a = app();
    a.coder = "sup".into();
    a.gold = true;
    update(&mut a, Msg::Queue(gold_rows()));
    a
}

/// [`gold_app`] with R003 opened: every domain scored but evocation (no segment).
fn gold_coding_app() -> App {
    let mut a = gold_app();
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(
        update(&mut a, key(KeyCode::Enter)),
        vec![Effect::Open(Job::Prepare("R003".into()))]
    );
    let mut c = coding("R003");
    c.coder = "sup".into();
    for d in codebook().domains.iter().filter(|d| d.requires_segment.is_none()) {
        c.scores.insert(d.key.clone(), 3);
    }
    c.listened = vec![[0.0, 600.0]];
    open_on(&mut a, c);
    a
}

#[test]
fn the_gold_queue_says_which_recordings_have_gold() {
    let mut a = gold_app();
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&a, w, h);
        assert!(screen.contains("Gold codings"), "{screen}");
        assert!(screen.contains("supervisor sup · 2 of 4 with gold"), "{screen}");
        let line = |id: &str| screen.lines().find(|l| l.contains(id)).unwrap().to_string();
        assert!(line("R001").contains("gold ✓"), "{screen}");
        assert!(!line("R001").contains('%'), "a set gold has no listening of its own:\n{screen}");
        assert!(
            line("R002").contains("gold ✓ · draft") && line("R002").contains("25%"),
            "{screen}"
        );
        assert!(line("R004").contains("draft …") && line("R004").contains("50%"), "{screen}");
        assert!(line("R003").contains("no gold"), "{screen}");
        assert!(screen.contains("Enter opens R001: its gold, to change"), "{screen}");
        assert_snapshot!(format!("gold_queue_{w}x{h}"), screen);
    }
    send(&mut a, [key(KeyCode::Down)]);
    assert!(render(&a, 120, 40).contains("Enter opens R002: your draft of a new gold"));
    // A gold that is set opens like any other row (as a draft from the gold, on the disk thread).
    send(&mut a, [key(KeyCode::Up)]);
    assert_eq!(
        update(&mut a, key(KeyCode::Enter)),
        vec![Effect::Open(Job::Prepare("R001".into()))]
    );
}

#[test]
fn a_gold_draft_is_badged_and_its_submit_sets_gold() {
    let mut a = gold_coding_app();
    let c = a.coding().unwrap();
    assert!(c.gold && !c.training);
    let screen = render(&a, 120, 40);
    assert!(screen.contains(" R003  gold  00:00"), "{screen}");
    assert!(screen.contains("gold draft: submitting sets this recording's gold"), "{screen}");

    update(&mut a, ch('S'));
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&a, w, h);
        assert!(screen.contains("Set gold coding"), "{screen}");
        assert!(screen.contains("Ready to set this as the recording's gold"), "{screen}");
        assert_snapshot!(format!("gold_submit_{w}x{h}"), screen);
    }
    let fx = update(&mut a, ch('y'));
    let Some(Effect::Disk(Job::Submit(c))) = fx.last() else { panic!("{fx:?}") };
    assert_eq!((c.recording.as_str(), c.coder.as_str()), ("R003", "sup"));

    // The worker's answer: the gold is set; the screen stays on it, read-only.
    let mut done = (**c).clone();
    done.status = Status::Submitted;
    let fx = update(&mut a, Msg::Submitted(Ok(Box::new(done))));
    assert!(!fx.contains(&Effect::Close), "{fx:?}");
    assert!(a.coding().is_some_and(|c| c.read_only()));
    let screen = render(&a, 120, 40);
    assert!(screen.contains("gold set · read-only"), "{screen}");
    assert!(screen.contains("gold set: R003's gold coding is saved and signed"), "{screen}");
    // Back on the queue, the row has gold.
    send(&mut a, [key(KeyCode::Esc)]);
    let queue = render(&a, 120, 40);
    let row = queue.lines().find(|l| l.contains("R003")).unwrap();
    assert!(row.contains("gold ✓"), "{queue}");
}

#[test]
fn a_refused_gold_submit_says_why_and_keeps_the_draft() {
    let mut a = gold_coding_app();
    update(&mut a, ch('S'));
    update(&mut a, ch('y'));
    update(&mut a, Msg::Submitted(Err("sup is not a supervisor".into())));
    let c = a.coding().unwrap();
    assert!(!c.read_only());
    assert!(a.current_notice().unwrap().contains("not submitted: sup is not a supervisor"));
}

#[test]
fn a_gold_opened_and_left_unchanged_stays_gold_and_saves_nothing() {
    let mut a = gold_app();
    update(&mut a, key(KeyCode::Enter));
    let mut c = coding("R001");
    c.coder = "sup".into();
    c.scores.insert("empathy".into(), 4);
    open_on(&mut a, c);
    let fx = update(&mut a, key(KeyCode::Esc));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Disk(Job::Save(_)))), "{fx:?}");
    let queue = render(&a, 120, 40);
    let row = queue.lines().find(|l| l.contains("R001")).unwrap();
    assert!(row.contains("gold ✓"), "{queue}");
}
