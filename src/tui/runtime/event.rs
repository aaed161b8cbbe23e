//! What the runtime itself tells an app, besides terminal input (which arrives as
//! [`Input`](crate::tui::event::Input)).
use crate::audio::Snapshot;

/// What the runtime itself tells an app (besides terminal input, which arrives as [`Input`]).
#[derive(Debug, Clone)]
pub enum Event {
    /// Milliseconds since the UI started.
    Tick(u64),
    /// The player's state changed.
    Playback(Snapshot),
    /// Waveform peaks `start..start + peaks.len()` of `total` buckets (0.0–1.0).
    Overview { total: usize, start: usize, peaks: Vec<f32> },
    /// The overview could not be computed; the reason may name the audio file.
    OverviewFailed(String),
    /// Zoom-strip peaks: tile `index` of the recording (see `audio::zoom`), 0.0–1.0.
    Zoom { index: u64, peaks: Vec<f32> },
    /// Stop now (SIGTERM, SIGHUP, SIGINT, an internal error): save what can be saved and quit.
    Shutdown,
}
