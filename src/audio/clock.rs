//! Silent playback on a real-time clock: what runs with no output device (SSH, CI, `--no-audio`).
//! The transport behaves like the real player (position is media time at any speed, seeks clamp,
//! the end is reached) but nothing is decoded or played. The time source is injectable so tests
//! can advance time without sleeping.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{Playback, Snapshot};

/// Where the clock reads "now" from.
pub trait TimeSource: Send + Sync {
    fn now(&self) -> Duration;
}

/// The wall clock (monotonic).
#[derive(Debug)]
pub struct RealTime(Instant);

impl Default for RealTime {
    fn default() -> Self {
        RealTime(Instant::now())
    }
}

impl TimeSource for RealTime {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// A clock the caller advances by hand (tests).
#[derive(Debug, Clone, Default)]
pub struct ManualTime(Arc<AtomicU64>);

impl ManualTime {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_nanos() as u64, Ordering::SeqCst);
    }
}

impl TimeSource for ManualTime {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::SeqCst))
    }
}

/// Clamps a requested speed to 0.5–2.0 (non-finite values become 1.0).
pub fn clamp_speed(speed: f32) -> f32 {
    if speed.is_finite() { speed.clamp(0.5, 2.0) } else { 1.0 }
}

/// Playback without sound: position advances with real time × speed.
pub struct SilentClock {
    time: Box<dyn TimeSource>,
    duration_s: f64,
    reason: String,
    /// Media position at `anchor`.
    base_s: f64,
    anchor: Duration,
    playing: bool,
    speed: f32,
}

impl SilentClock {
    /// A silent clock over a recording of `duration_s` seconds; `reason` is shown to the user
    /// (e.g. "no audio device: playing silently").
    pub fn new(duration_s: f64, reason: impl Into<String>) -> Self {
        Self::with_time_source(duration_s, reason, Box::new(RealTime::default()))
    }

    pub fn with_time_source(
        duration_s: f64,
        reason: impl Into<String>,
        time: Box<dyn TimeSource>,
    ) -> Self {
        let duration_s = if duration_s.is_finite() { duration_s.max(0.0) } else { 0.0 };
        let anchor = time.now();
        SilentClock {
            time,
            duration_s,
            reason: reason.into(),
            base_s: 0.0,
            anchor,
            playing: false,
            speed: 1.0,
        }
    }

    fn position(&self) -> f64 {
        if !self.playing {
            return self.base_s;
        }
        let elapsed = self.time.now().saturating_sub(self.anchor).as_secs_f64();
        (self.base_s + elapsed * f64::from(self.speed)).min(self.duration_s)
    }

    /// Re-anchors the clock at the current position (before any change of state).
    fn rebase(&mut self) {
        self.base_s = self.position();
        self.anchor = self.time.now();
    }
}

impl Playback for SilentClock {
    fn play(&mut self) {
        self.rebase();
        if self.base_s >= self.duration_s {
            return;
        }
        self.playing = true;
    }

    fn pause(&mut self) {
        self.rebase();
        self.playing = false;
    }

    fn seek(&mut self, to_s: f64) {
        self.rebase();
        let to = if to_s.is_finite() { to_s } else { 0.0 };
        self.base_s = to.clamp(0.0, self.duration_s);
    }

    fn set_speed(&mut self, speed: f32) {
        self.rebase();
        self.speed = clamp_speed(speed);
    }

    fn snapshot(&self) -> Snapshot {
        let position_s = self.position();
        let ended = position_s >= self.duration_s;
        Snapshot {
            position_s,
            duration_s: self.duration_s,
            playing: self.playing && !ended,
            speed: self.speed,
            silent_reason: Some(self.reason.clone()),
            error: None,
            ended,
        }
    }
}

/// Pulls `source` (interleaved, `channels` wide, `rate` Hz) the way an output device does, on
/// `time`: every `period`, the frames due since the start, for `secs` of clock time. Returns the
/// frames pulled. With no device the silent clock keeps the time and nothing pulls the player;
/// this is the device's side of that accounting, for checking that the player's source keeps up
/// (its underrun count, [`super::player::Player::underruns`]) under load.
pub fn pull_paced(
    source: &mut dyn Iterator<Item = f32>,
    channels: u16,
    rate: u32,
    time: &dyn TimeSource,
    secs: f64,
    period: Duration,
) -> u64 {
    let start = time.now();
    let per_frame = usize::from(channels.max(1));
    let mut pulled = 0u64;
    loop {
        let elapsed = time.now().saturating_sub(start).as_secs_f64().min(secs);
        let due = (elapsed * f64::from(rate)) as u64;
        while pulled < due {
            for _ in 0..per_frame {
                if source.next().is_none() {
                    return pulled;
                }
            }
            pulled += 1;
        }
        if elapsed >= secs {
            return pulled;
        }
        std::thread::sleep(period);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(d: f64) -> (SilentClock, ManualTime) {
        let t = ManualTime::new();
        (SilentClock::with_time_source(d, "test", Box::new(t.clone())), t)
    }

    #[test]
    fn position_is_media_time_at_speed() {
        let (mut c, t) = clock(100.0);
        c.set_speed(1.5);
        c.play();
        t.advance(Duration::from_secs(10));
        assert!((c.snapshot().position_s - 15.0).abs() < 0.05);
        c.pause();
        t.advance(Duration::from_secs(10));
        assert!((c.snapshot().position_s - 15.0).abs() < 0.05);
        assert!(!c.snapshot().playing);
    }

    #[test]
    fn seek_clamps_and_end_is_reached() {
        let (mut c, t) = clock(20.0);
        c.seek(-5.0);
        assert_eq!(c.snapshot().position_s, 0.0);
        c.seek(f64::NAN);
        assert_eq!(c.snapshot().position_s, 0.0);
        c.seek(18.0);
        c.play();
        t.advance(Duration::from_secs(5));
        let s = c.snapshot();
        assert_eq!(s.position_s, 20.0);
        assert!(s.ended && !s.playing);
        assert_eq!(s.silent_reason.as_deref(), Some("test"));
    }

    #[test]
    fn pull_paced_takes_what_the_clock_says_is_due() {
        let t = RealTime::default();
        let mut ones = std::iter::repeat(1.0f32);
        let n = pull_paced(&mut ones, 2, 8000, &t, 0.05, Duration::from_millis(5));
        assert_eq!(n, 400, "50 ms at 8 kHz");
        let mut short = std::iter::repeat_n(1.0f32, 11);
        assert_eq!(pull_paced(&mut short, 2, 8000, &t, 0.05, Duration::from_millis(5)), 5);
    }

    #[test]
    fn speed_is_clamped() {
        let (mut c, _t) = clock(20.0);
        c.set_speed(9.0);
        assert_eq!(c.snapshot().speed, 2.0);
        c.set_speed(0.1);
        assert_eq!(c.snapshot().speed, 0.5);
    }
}
