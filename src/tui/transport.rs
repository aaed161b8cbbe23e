//! The player controls both TUIs share (play/pause, seeking, replay, speed): one mapping from a
//! transport key and the current snapshot to what the player must do, so the coder's and the
//! supervisor's screens cannot drift apart. Pure: it moves the shown playhead at once (so repeated
//! keys add up) and returns [`Transport`] requests, which each app's `Effect` turns into its own.
use crate::audio::Snapshot;
use crate::tui::keys::Action;

/// Seconds per step of `←`/`→`, the wheel, and `r` (replay).
pub const STEP_S: f64 = 5.0;
/// Seconds per step of `Shift+←`/`Shift+→`.
pub const BIG_STEP_S: f64 = 30.0;

/// Where the mouse wheel over a timeline moves the playhead from `pos`: a step back (up) or on
/// (down); `None` for any other mouse event.
pub fn wheel_seek(kind: crossterm::event::MouseEventKind, pos: f64) -> Option<f64> {
    use crossterm::event::MouseEventKind;
    match kind {
        MouseEventKind::ScrollUp => Some(pos - STEP_S),
        MouseEventKind::ScrollDown => Some(pos + STEP_S),
        _ => None,
    }
}

/// The actions [`on_action`] handles, as a pattern, so the screens' own matches can name them.
#[macro_export]
macro_rules! transport_actions {
    () => {
        $crate::tui::keys::Action::PlayPause
            | $crate::tui::keys::Action::Back5
            | $crate::tui::keys::Action::Forward5
            | $crate::tui::keys::Action::Back30
            | $crate::tui::keys::Action::Forward30
            | $crate::tui::keys::Action::Start
            | $crate::tui::keys::Action::End
            | $crate::tui::keys::Action::Replay
            | $crate::tui::keys::Action::SpeedDown
            | $crate::tui::keys::Action::SpeedUp
            | $crate::tui::keys::Action::SpeedReset
    };
}

/// What the player must do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transport {
    Play,
    Pause,
    Seek(f64),
    Speed(f32),
}

/// Moves the playhead to `t` (clamped to the recording; not a number goes to the start) and
/// asks the player to follow.
pub fn seek(snap: &mut Snapshot, duration_s: f64, t: f64) -> Transport {
    seek_in(snap, (0.0, duration_s), t)
}

/// [`seek`] confined to `[lo, hi]` (a sampled window; not a number goes to `lo`).
pub fn seek_in(snap: &mut Snapshot, (lo, hi): (f64, f64), t: f64) -> Transport {
    let hi = hi.max(lo);
    let t = if t.is_finite() { t.clamp(lo, hi) } else { lo };
    snap.position_s = t;
    snap.ended = false;
    Transport::Seek(t)
}

/// The requests for a transport action, with `snap` updated to match; `None` when `a` is not a
/// transport action (the screen handles it). Play from the end starts again from the beginning;
/// speed moves in tenths within 0.5–2.0.
pub fn on_action(a: Action, snap: &mut Snapshot, duration_s: f64) -> Option<Vec<Transport>> {
    on_action_in(a, snap, (0.0, duration_s))
}

/// [`on_action`] confined to `[lo, hi]` (a sampled window): every seek is clamped to it, `Home`
/// and `End` go to its bounds and play from its end starts again at its start.
pub fn on_action_in(
    a: Action,
    snap: &mut Snapshot,
    (lo, hi): (f64, f64),
) -> Option<Vec<Transport>> {
    let b = (lo, hi.max(lo));
    let pos = snap.position_s;
    let fx = match a {
        Action::PlayPause => {
            if snap.playing {
                snap.playing = false;
                return Some(vec![Transport::Pause]);
            }
            snap.playing = true;
            if snap.ended || pos >= b.1 || pos < b.0 {
                snap.position_s = b.0;
                snap.ended = false;
                return Some(vec![Transport::Seek(b.0), Transport::Play]);
            }
            vec![Transport::Play]
        }
        Action::Back5 => vec![seek_in(snap, b, pos - STEP_S)],
        Action::Forward5 => vec![seek_in(snap, b, pos + STEP_S)],
        Action::Back30 => vec![seek_in(snap, b, pos - BIG_STEP_S)],
        Action::Forward30 => vec![seek_in(snap, b, pos + BIG_STEP_S)],
        Action::Start => vec![seek_in(snap, b, b.0)],
        Action::End => vec![seek_in(snap, b, b.1)],
        Action::Replay => {
            let s = seek_in(snap, b, pos - STEP_S);
            snap.playing = true;
            vec![s, Transport::Play]
        }
        Action::SpeedDown | Action::SpeedUp | Action::SpeedReset => {
            let s = match a {
                Action::SpeedDown => snap.speed - 0.1,
                Action::SpeedUp => snap.speed + 0.1,
                _ => 1.0,
            };
            let s = ((s * 10.0).round() / 10.0).clamp(0.5, 2.0);
            snap.speed = s;
            vec![Transport::Speed(s)]
        }
        _ => return None,
    };
    Some(fx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(position_s: f64, playing: bool, speed: f32) -> Snapshot {
        Snapshot { position_s, duration_s: 100.0, playing, speed, ..Snapshot::default() }
    }

    #[test]
    fn play_at_the_end_starts_again() {
        let mut s = snap(100.0, false, 1.0);
        assert_eq!(
            on_action(Action::PlayPause, &mut s, 100.0),
            Some(vec![Transport::Seek(0.0), Transport::Play])
        );
        assert!(s.playing);
        assert_eq!(s.position_s, 0.0);
        assert_eq!(on_action(Action::PlayPause, &mut s, 100.0), Some(vec![Transport::Pause]));
        assert!(!s.playing);
    }

    #[test]
    fn seeks_are_clamped_and_replay_plays() {
        let mut s = snap(3.0, false, 1.0);
        assert_eq!(on_action(Action::Back30, &mut s, 100.0), Some(vec![Transport::Seek(0.0)]));
        assert_eq!(on_action(Action::End, &mut s, 100.0), Some(vec![Transport::Seek(100.0)]));
        assert_eq!(
            on_action(Action::Replay, &mut s, 100.0),
            Some(vec![Transport::Seek(95.0), Transport::Play])
        );
        assert!(s.playing);
        assert_eq!(seek(&mut s, 100.0, f64::NAN), Transport::Seek(0.0));
    }

    #[test]
    fn a_window_confines_every_seek() {
        let w = (20.0, 60.0);
        let mut s = snap(22.0, false, 1.0);
        assert_eq!(on_action_in(Action::Back30, &mut s, w), Some(vec![Transport::Seek(20.0)]));
        assert_eq!(on_action_in(Action::Forward30, &mut s, w), Some(vec![Transport::Seek(50.0)]));
        assert_eq!(on_action_in(Action::Forward30, &mut s, w), Some(vec![Transport::Seek(60.0)]));
        assert_eq!(on_action_in(Action::Start, &mut s, w), Some(vec![Transport::Seek(20.0)]));
        assert_eq!(on_action_in(Action::End, &mut s, w), Some(vec![Transport::Seek(60.0)]));
        assert_eq!(
            on_action_in(Action::PlayPause, &mut s, w),
            Some(vec![Transport::Seek(20.0), Transport::Play])
        );
        assert_eq!(
            on_action_in(Action::Replay, &mut s, w),
            Some(vec![Transport::Seek(20.0), Transport::Play])
        );
        assert_eq!(seek_in(&mut s, w, 5.0), Transport::Seek(20.0));
        assert_eq!(seek_in(&mut s, w, f64::NAN), Transport::Seek(20.0));
    }

    #[test]
    fn speed_stays_in_tenths_between_half_and_double() {
        let mut s = snap(0.0, false, 1.95);
        assert_eq!(on_action(Action::SpeedUp, &mut s, 100.0), Some(vec![Transport::Speed(2.0)]));
        s.speed = 0.5;
        assert_eq!(on_action(Action::SpeedDown, &mut s, 100.0), Some(vec![Transport::Speed(0.5)]));
        assert_eq!(on_action(Action::SpeedReset, &mut s, 100.0), Some(vec![Transport::Speed(1.0)]));
        assert_eq!(on_action(Action::GoTo, &mut s, 100.0), None);
    }

    #[test]
    fn the_pattern_names_exactly_the_actions_the_transport_handles() {
        let mut handled = 0;
        for (a, name) in crate::tui::keys::ACTIONS {
            let named = matches!(a, crate::transport_actions!());
            let done = on_action(*a, &mut snap(50.0, true, 1.0), 100.0).is_some();
            assert_eq!(named, done, "{name}");
            handled += usize::from(done);
        }
        assert_eq!(handled, 11, "play/pause, four seeks, start, end, replay, three speeds");
    }
}
