//! No input makes the UI panic or break its invariants: random sequences of keys, mouse events,
//! resizes, ticks, playback snapshots and overview chunks are fed to `update`, and every screen is
//! drawn along the way.
mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use proptest::prelude::*;
use tapecoder::audio::Snapshot;
use tapecoder::tui::coder::{Msg, update};
use tui_support::*;

fn key_code() -> impl Strategy<Value = KeyCode> {
    prop_oneof![
        prop::sample::select(vec![
            ' ', 'g', '[', ']', '=', 'r', 'b', 'e', 'n', 'j', 'k', 'x', '0', '1', '2', '3', '4',
            '5', 'S', '?', 'q', 'y', 'a', 'u', 'w', ':', '.', '7', 'Q', 's', 'c', 'p', 'i'
        ])
        .prop_map(KeyCode::Char),
        any::<char>().prop_map(KeyCode::Char),
        prop::sample::select(vec![
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Delete,
            KeyCode::Backspace,
            KeyCode::F(5),
        ]),
    ]
}

fn mods() -> impl Strategy<Value = KeyModifiers> {
    prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
    ])
}

fn msg() -> impl Strategy<Value = Msg> {
    let mouse_kind = prop::sample::select(vec![
        MouseEventKind::Down(MouseButton::Left),
        MouseEventKind::Drag(MouseButton::Left),
        MouseEventKind::Up(MouseButton::Left),
        MouseEventKind::ScrollUp,
        MouseEventKind::ScrollDown,
        MouseEventKind::Moved,
    ]);
    prop_oneof![
        8 => (key_code(), mods()).prop_filter("no ctrl-c", |(c, m)| !(*c == KeyCode::Char('c') && m.contains(KeyModifiers::CONTROL)))
            .prop_map(|(c, m)| Msg::Key(KeyEvent::new(c, m))),
        3 => (mouse_kind, 0u16..260, 0u16..90).prop_map(|(kind, column, row)| Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE
        })),
        1 => (0u16..260, 0u16..90).prop_map(|(w, h)| Msg::Resize(w, h)),
        2 => (0u64..100_000).prop_map(Msg::Tick),
        2 => (prop_oneof![-10.0f64..700.0, Just(f64::NAN), Just(f64::INFINITY)], any::<bool>(), 0.1f32..3.0)
            .prop_map(|(p, playing, speed)| Msg::Playback(Snapshot {
                position_s: p,
                duration_s: 600.0,
                playing,
                speed,
                ..Default::default()
            })),
        1 => (0usize..3000, 0usize..3000, prop::collection::vec(-2.0f32..2.0, 0..50))
            .prop_map(|(total, start, peaks)| Msg::Overview { total, start, peaks }),
        1 => any::<bool>().prop_map(|ok| Msg::Saved(if ok { Ok(()) } else { Err("disk full".into()) })),
        1 => (prop_oneof![0.0f64..8000.0, Just(f64::NAN), Just(-5.0), Just(f64::INFINITY)], prop_oneof![-5.0f64..9000.0, Just(f64::NAN)])
            .prop_map(|(duration_s, pos)| Msg::Opened(Box::new(tapecoder::tui::coder::Opened {
                coding: partly_coded("R002"),
                duration_s,
                snapshot: Snapshot { position_s: pos, duration_s, speed: 1.0, ..Default::default() },
                // With a transcript, so random keys reach the transcript pane too.
                transcript: Ok(Some(transcript())),
                window: None,
            }))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_message_sequence_is_safe(msgs in prop::collection::vec(msg(), 0..150), start_coding in any::<bool>()) {
        let mut a = if start_coding { coding_app(partly_coded("R001"), 30.0) } else { app() };
        for (i, m) in msgs.into_iter().enumerate() {
            let _ = update(&mut a, m);
            if let Some(c) = a.coding() {
                let cod = &c.coding;
                prop_assert!(cod.scores.values().all(|l| (1..=5).contains(l)));
                prop_assert!(cod.segments.windows(2).all(|w| w[0].start_s <= w[1].start_s));
                // Segments from the coder stay inside the recording (fixtures may predate a shorter one).
                prop_assert!(cod.segments.iter().all(|s| s.start_s >= 0.0 && s.start_s < s.end_s));
                prop_assert!(c.snap.position_s.is_finite() && c.snap.position_s <= c.duration_s.max(0.0));
                prop_assert!(cod.notes.windows(2).all(|w| w[0].at_s <= w[1].at_s));
                prop_assert!(c.seg_sel <= cod.segments.len() && c.note_sel <= cod.notes.len());
                prop_assert!(c.score_sel < 7);
            }
            prop_assert!(a.queue.selected < a.queue.rows.len().max(1));
            if i % 7 == 0 {
                let (w, h) = (a.shell.size.width.max(1), a.shell.size.height.max(1));
                let _ = render(&a, w, h);
            }
            if a.quitting {
                break;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// The same with a bundled instrument (items pane, count keys, events pane): events stay in
    /// time order inside the recording, selections inside their lists, answers for known items.
    #[test]
    fn any_message_sequence_is_safe_with_an_instrument(
        msgs in prop::collection::vec(msg(), 0..150),
        mi in any::<bool>(),
    ) {
        let name = if mi { "mi-fidelity" } else { "unit-meeting" };
        let mut a = instrument_app(name, 30.0, 0.5);
        let rows = {
            let b = &a.shell.codebook;
            b.domains.len() + b.items.checklist.len() + b.items.classifications.len()
                + b.items.counts.len() + b.items.summaries.len()
        };
        for (i, m) in msgs.into_iter().enumerate() {
            let _ = update(&mut a, m);
            if let Some(c) = a.coding() {
                let cod = &c.coding;
                prop_assert!(cod.events.windows(2).all(|w| w[0].at_s <= w[1].at_s));
                prop_assert!(cod.events.iter().all(|e| e.at_s >= 0.0 && e.at_s <= c.duration_s));
                prop_assert!(c.ev_sel <= cod.events.len());
                prop_assert!(c.score_sel < rows);
                let book = &a.shell.codebook;
                prop_assert!(cod.checklist.keys().all(|k| book.items.check_item(k).is_some()));
            }
            if i % 7 == 0 {
                let (w, h) = (a.shell.size.width.max(1), a.shell.size.height.max(1));
                let _ = render(&a, w, h);
            }
            if a.quitting {
                break;
            }
        }
    }
}

/// A hand-edited coding file with impossible numbers still draws and edits without panicking.
#[test]
fn hostile_coding_values_draw() {
    use tapecoder::coding::{Note, Segment};
    let mut c = coding("R001");
    for (a, b) in
        [(f64::NAN, 3.0), (-50.0, 1e300), (500.0, 100.0), (f64::INFINITY, f64::NEG_INFINITY)]
    {
        c.segments.push(Segment {
            kind: "behaviour-change".into(),
            start_s: a,
            end_s: b,
            note: "\x1b[2J".into(),
        });
        c.notes.push(Note { at_s: a, text: "x".repeat(5000), domains: vec![] });
    }
    c.listened = vec![[f64::NAN, 1.0], [-1.0, 1e308]];
    c.scores.insert("empathy".into(), 200);
    c.scores.insert("no-such-domain".into(), 3);
    c.resume_s = f64::NAN;
    let mut a = coding_app(c, f64::NAN);
    with_overview(&mut a);
    for m in [key(KeyCode::Tab), key(KeyCode::Enter), key(KeyCode::Down), ch('S')] {
        update(&mut a, m);
        for (w, h) in [(80, 24), (200, 60), (20, 5)] {
            let _ = render(&a, w, h);
        }
    }
}
