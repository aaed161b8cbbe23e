//! The coder's coding screen with a sampled window (`[sampling]`, issue #14): the playhead opens
//! and stays inside it (seeks, `Home`/`End`, replay, go-to, clicks and the wheel on the timeline),
//! playback pauses at its end, count keys log only inside it, segments keep to it, and the
//! listened share and the submit dialog are taken over it. Key-driven, through `update`.
mod tui_support;

use crossterm::event::{KeyCode, MouseEventKind};
use ratatui::layout::Rect;
use tapecoder::audio::Snapshot;
use tapecoder::tui::coder::dialogs::Dialog;
use tapecoder::tui::coder::{App, Effect, Msg, Overlay, update};
use tapecoder::tui::layout;
use tapecoder::tui::transport::Transport;
use tui_support::*;

const W: (f64, f64) = (120.0, 360.0);

fn pos(a: &App) -> f64 {
    a.coding().unwrap().snap.position_s
}

fn playing(at: f64) -> Snapshot {
    Snapshot { playing: true, ..snapshot_at(at) }
}

#[test]
fn opening_outside_the_window_starts_at_its_start_and_inside_it_resumes() {
    let (a, fx) = windowed_app(coding("R001"), 0.0, W);
    assert_eq!(pos(&a), 120.0);
    assert_eq!(fx, vec![Effect::Player(Transport::Seek(120.0))]);
    let (a, fx) = windowed_app(coding("R001"), 500.0, W);
    assert_eq!((pos(&a), fx), (360.0, vec![Effect::Player(Transport::Seek(360.0))]));
    // Resuming inside the window: no seek.
    let (a, fx) = windowed_app(coding("R001"), 200.0, W);
    assert_eq!((pos(&a), fx), (200.0, vec![]));
    // Without a window nothing changes.
    assert_eq!(pos(&coding_app(coding("R001"), 0.0)), 0.0);
}

#[test]
fn seeks_jumps_home_end_and_replay_are_clamped_to_the_window() {
    let (mut a, _) = windowed_app(coding("R001"), 130.0, W);
    let fx = update(&mut a, shift(KeyCode::Left));
    assert_eq!((pos(&a), fx), (120.0, vec![Effect::Player(Transport::Seek(120.0))]));
    update(&mut a, key(KeyCode::Left));
    assert_eq!(pos(&a), 120.0, "no step back out of the window");
    let fx = update(&mut a, ch('r'));
    assert_eq!(fx, vec![Effect::Player(Transport::Seek(120.0)), Effect::Player(Transport::Play)]);
    update(&mut a, ch(' '));
    update(&mut a, key(KeyCode::End));
    assert_eq!(pos(&a), 360.0, "End goes to the window's end");
    update(&mut a, shift(KeyCode::Right));
    assert_eq!(pos(&a), 360.0);
    update(&mut a, key(KeyCode::Home));
    assert_eq!(pos(&a), 120.0, "Home goes to the window's start");
    // Play from the window's end starts again at its start.
    update(&mut a, key(KeyCode::End));
    let fx = update(&mut a, ch(' '));
    assert_eq!(fx, vec![Effect::Player(Transport::Seek(120.0)), Effect::Player(Transport::Play)]);
}

#[test]
fn go_to_outside_the_window_goes_to_its_nearest_bound_and_says_so() {
    let (mut a, _) = windowed_app(coding("R001"), 200.0, W);
    update(&mut a, ch('g'));
    typed(&mut a, "0:30");
    let fx = update(&mut a, key(KeyCode::Enter));
    assert_eq!((pos(&a), fx), (120.0, vec![Effect::Player(Transport::Seek(120.0))]));
    let n = a.current_notice().unwrap();
    assert!(n.contains("00:30 is outside the sampled window (02:00–06:00)"), "{n}");
    update(&mut a, ch('g'));
    typed(&mut a, "9:00");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(pos(&a), 360.0);
    update(&mut a, ch('g'));
    typed(&mut a, "4:00");
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(pos(&a), 240.0, "inside the window: exactly there");
}

#[test]
fn clicks_and_the_wheel_on_the_timeline_stay_in_the_window() {
    let (mut a, _) = windowed_app(coding("R001"), 125.0, W);
    let l = layout::coding(Rect::new(0, 0, 120, 40));
    // A click at the very start of the overview (00:00).
    update(&mut a, click(l.overview.x, l.overview.y));
    assert_eq!(pos(&a), 120.0);
    update(&mut a, click(l.overview.right() - 1, l.overview.y));
    assert_eq!(pos(&a), 360.0);
    update(&mut a, mouse(MouseEventKind::ScrollDown, l.overview.x + 5, l.overview.y));
    assert_eq!(pos(&a), 360.0);
}

#[test]
fn playback_pauses_at_the_window_end_and_counts_only_the_window_as_listened() {
    let (mut a, _) = windowed_app(coding("R001"), 358.0, W);
    update(&mut a, ch(' '));
    assert!(update(&mut a, Msg::Playback(playing(359.0))).is_empty());
    let fx = update(&mut a, Msg::Playback(playing(360.4)));
    assert_eq!(fx, vec![Effect::Player(Transport::Pause), Effect::Player(Transport::Seek(360.0))]);
    let c = a.coding().unwrap();
    assert!(!c.snap.playing && c.snap.position_s == 360.0);
    assert_eq!(c.coding.listened, vec![[358.0, 360.0]], "nothing past the window's end");
    let n = a.current_notice().unwrap();
    assert!(n.contains("end of the sampled window (06:00): playback paused"), "{n}");
    // The listened share on screen is the window's (2 s of 240 s), the queue's too on leaving.
    assert!((a.coding().unwrap().listened_share() - 2.0 / 240.0).abs() < 1e-9);
    // Without a window, the same snapshot plays on.
    let mut b = coding_app(coding("R001"), 358.0);
    update(&mut b, ch(' '));
    assert!(update(&mut b, Msg::Playback(playing(359.0))).is_empty());
    assert!(update(&mut b, Msg::Playback(playing(360.4))).is_empty());
}

#[test]
fn a_count_outside_the_window_is_not_logged() {
    // At the window's start, a 2 s reaction offset would put the count before it.
    let mut a = instrument_app_in("mi-fidelity", 120.0, 2.0, Some(W));
    update(&mut a, ch('Q'));
    assert!(a.coding().unwrap().coding.events.is_empty());
    let n = a.current_notice().unwrap();
    assert!(
        n.contains("not logged") && n.contains("outside the sampled window (02:00–06:00)"),
        "{n}"
    );
    // The player reporting a position past the window (paused there): refused too.
    update(&mut a, Msg::Playback(snapshot_at(400.0)));
    update(&mut a, ch('Q'));
    assert!(a.coding().unwrap().coding.events.is_empty());
    update(&mut a, Msg::Playback(snapshot_at(130.0)));
    update(&mut a, ch('Q'));
    let ev: Vec<f64> = a.coding().unwrap().coding.events.iter().map(|e| e.at_s).collect();
    assert_eq!(ev, vec![128.0]);
    // Without a window the first count logs.
    let mut b = instrument_app("mi-fidelity", 120.0, 2.0);
    update(&mut b, ch('Q'));
    assert_eq!(b.coding().unwrap().coding.events.len(), 1);
}

#[test]
fn segments_are_clamped_to_the_window() {
    let (mut a, _) = windowed_app(coding("R001"), 200.0, W);
    // The player reports a position before the window (paused there): `b` begins at its start.
    update(&mut a, Msg::Playback(snapshot_at(60.0)));
    update(&mut a, ch('b'));
    assert_eq!(a.coding().unwrap().pending_begin, Some(120.0));
    update(&mut a, Msg::Playback(snapshot_at(450.0)));
    update(&mut a, ch('e'));
    let s = &a.coding().unwrap().coding.segments;
    assert_eq!((s.len(), s[0].start_s, s[0].end_s), (1, 120.0, 360.0));
}

#[test]
fn the_submit_dialog_takes_the_listened_share_over_the_window() {
    let mut c = coding("R001");
    for (k, _) in DOMAINS {
        if k != "evocation" {
            c.scores.insert(k.into(), 3);
        }
    }
    c.listened = vec![[120.0, 360.0]];
    let (mut a, _) = windowed_app(c.clone(), 200.0, W);
    update(&mut a, ch('S'));
    let Some(Overlay::Dialog(Dialog::Submit(check))) = &a.overlay else { panic!() };
    assert!(check.problems.is_empty() && check.warnings.is_empty(), "{check:?}");
    // The same coding over the whole recording: 40% listened, a warning.
    let mut b = coding_app(c, 200.0);
    update(&mut b, ch('S'));
    let Some(Overlay::Dialog(Dialog::Submit(check))) = &b.overlay else { panic!() };
    assert_eq!(check.warnings.len(), 1, "{check:?}");
}
