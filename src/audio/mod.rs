//! Audio: decoding (symphonia), exact durations, playback with pitch-preserving speed, the waveform
//! overview, and clips. The TUI drives playback only through the small [`Playback`] trait and reads
//! a cheap [`Snapshot`]; tests and headless runs use a silent real-time clock.
//!
//! Modules: `decode` (the one streaming symphonia decoder), `probe` (exact durations), `mp3index`
//! (MP3 seek index), `flacindex` (FLAC frame index), `stretch` (pitch-preserving WSOLA), `player` (transport + rodio source),
//! `output` (device or silent clock), `clock` (the silent real-time clock), `overview` (waveform
//! peaks worker + cache). See `src/audio/README.md`.
use serde::Serialize;

pub mod clip;
pub mod clock;
pub mod decode;
pub mod flacindex;
pub mod headers;
pub mod mp3index;
pub mod mp4edit;
pub mod output;
pub mod overview;
pub mod player;
pub mod probe;
pub mod stretch;
pub mod zoom;

/// What the UI reads about playback. Cheap to take; never blocks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    /// Media position in seconds, at any speed.
    pub position_s: f64,
    pub duration_s: f64,
    pub playing: bool,
    /// 0.5–2.0.
    pub speed: f32,
    /// Set when playback is silent (no device, `--no-audio`): the reason to show.
    pub silent_reason: Option<String>,
    /// Set when decoding stopped (damaged audio): what to show.
    pub error: Option<String>,
    /// True once the end of the media has been reached.
    pub ended: bool,
}

/// The transport the UI drives. Implemented by the real player and by the silent clock.
pub trait Playback: Send {
    fn play(&mut self);
    fn pause(&mut self);
    /// Seek to media time `to_s`, clamped to the recording.
    fn seek(&mut self, to_s: f64);
    /// Speed 0.5–2.0 (clamped), pitch preserved.
    fn set_speed(&mut self, speed: f32);
    /// Volume 0.0–1.0 (clamped). Silent playback ignores it.
    fn set_volume(&mut self, _volume: f32) {}
    fn snapshot(&self) -> Snapshot;
}

/// What `probe` reports about an audio file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeInfo {
    pub codec: String,
    pub container: String,
    pub sample_rate: u32,
    pub channels: u16,
    /// Total frames (samples per channel), exact.
    pub frames: u64,
    /// Exact duration in seconds (frames / sample_rate).
    pub duration_s: f64,
}

/// Why an audio file cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AudioError {
    #[error("cannot open {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Codec, container, rate, channels and exact duration (a demux pass where headers are missing or
/// wrong). Does not decode the whole file.
pub fn probe(path: &std::path::Path) -> Result<ProbeInfo, AudioError> {
    probe::probe(path)
}

/// Runs `f`, turning a panic inside the codec library (possible on hostile input) into an error
/// naming the file, so no input can bring the program down. The panic prints nothing (no
/// "thread 'main' panicked", no backtrace): the error says what happened in one line.
pub(crate) fn guard<T>(
    path: &std::path::Path,
    f: impl FnOnce() -> Result<T, AudioError>,
) -> Result<T, AudioError> {
    quiet_panics::run(f).unwrap_or_else(|| {
        Err(AudioError::Unreadable {
            path: path.display().to_string(),
            reason: "the audio decoder failed on damaged data; re-export or re-copy the recording"
                .into(),
        })
    })
}

/// Panics inside [`guard`] are silent; any other panic is reported by the hook installed before.
pub(crate) mod quiet_panics {
    use std::cell::Cell;
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::Once;

    thread_local! {
        static DEPTH: Cell<u32> = const { Cell::new(0) };
    }
    static HOOK: Once = Once::new();

    /// Whether this thread is inside [`run`] (a decoder call whose panic is expected and caught).
    pub fn active() -> bool {
        DEPTH.with(|d| d.get() > 0)
    }

    /// Runs `f`; `None` if it panicked (silently).
    pub fn run<T>(f: impl FnOnce() -> T) -> Option<T> {
        HOOK.call_once(|| {
            let previous = panic::take_hook();
            panic::set_hook(Box::new(move |info| {
                if !active() {
                    previous(info);
                }
            }));
        });
        DEPTH.with(|d| d.set(d.get() + 1));
        let r = panic::catch_unwind(AssertUnwindSafe(f));
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
        r.ok()
    }
}
