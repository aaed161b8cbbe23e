//! The open recording, on the UI thread: the audio output, the player, the waveform overview
//! worker, the zoom worker, and whatever the open holds (the coder's lock). Polled once per pass.
use std::any::Any;
use std::path::PathBuf;

use crate::audio::clock::SilentClock;
use crate::audio::output::Output;
use crate::audio::overview::{self, OverviewHandle, OverviewMsg};
use crate::audio::zoom::{self, ZoomHandle, ZoomMsg};
use crate::audio::{Playback, Snapshot};
use crate::tui::transport::Transport;

use super::event::Event;

/// Number of waveform buckets for the whole recording (the timeline is never wider).
pub const OVERVIEW_BUCKETS: usize = 2_000;

/// What the disk thread found for a recording to open.
pub struct MediaOpen<M> {
    /// The checked audio file, or why there is none (then a silent clock with the reason).
    pub audio: Result<PathBuf, String>,
    pub duration_s: f64,
    /// Where the playhead starts.
    pub start_s: f64,
    /// The overview cache key (the audio's sha256).
    pub overview_key: String,
    /// Kept while the recording is open, dropped when it closes (a lock).
    pub hold: Option<Box<dyn Any + Send>>,
    /// The app's message once the player is ready, from its first snapshot.
    pub opened: Box<dyn FnOnce(Snapshot) -> M + Send>,
}

struct Session {
    player: Box<dyn Playback>,
    overview: Option<OverviewHandle>,
    overview_done: bool,
    zoom: Option<ZoomHandle>,
    /// The tiles last asked of the zoom worker (asked again only when the list changes).
    zoom_wanted: Vec<u64>,
    last_snap: Option<Snapshot>,
    _hold: Option<Box<dyn Any + Send>>,
}

pub(super) struct Media {
    output: Output,
    pub(super) cache: Option<PathBuf>,
    session: Option<Session>,
}

impl Media {
    pub(super) fn new(output: Output, cache: Option<PathBuf>) -> Self {
        Media { output, cache, session: None }
    }

    /// Opens the player (at `start_s`) and the overview; returns the app's message.
    pub(super) fn open<M>(&mut self, o: MediaOpen<M>) -> M {
        self.session = None;
        let duration_s = if o.duration_s.is_finite() { o.duration_s.max(0.0) } else { 0.0 };
        let (mut player, overview, zoom): (Box<dyn Playback>, _, _) = match &o.audio {
            Ok(path) => (
                self.output.playback(path, duration_s),
                Some(overview::spawn_with_cache(
                    path,
                    &o.overview_key,
                    OVERVIEW_BUCKETS,
                    self.cache.clone(),
                )),
                Some(zoom::spawn(path)),
            ),
            Err(reason) => (Box::new(SilentClock::new(duration_s, reason.clone())), None, None),
        };
        let start = if o.start_s.is_finite() { o.start_s } else { 0.0 };
        player.seek(start.clamp(0.0, duration_s));
        let snapshot = player.snapshot();
        self.session = Some(Session {
            player,
            overview_done: overview.is_none(),
            overview,
            zoom,
            zoom_wanted: vec![],
            last_snap: Some(snapshot.clone()),
            _hold: o.hold,
        });
        (o.opened)(snapshot)
    }

    pub(super) fn close(&mut self) {
        self.session = None;
    }

    pub(super) fn transport(&mut self, t: Transport) {
        let Some(s) = self.session.as_mut() else { return };
        let p = &mut s.player;
        match t {
            Transport::Play => p.play(),
            Transport::Pause => p.pause(),
            Transport::Seek(at) => p.seek(at),
            Transport::Speed(x) => p.set_speed(x),
        }
    }

    /// Whether the overview (if any) has arrived in full, and the zoom tiles last asked for.
    pub(super) fn idle(&self) -> bool {
        self.session
            .as_ref()
            .is_none_or(|s| s.overview_done && (s.zoom.is_none() || s.zoom_wanted.is_empty()))
    }

    /// Asks the zoom worker for `tiles` (most wanted first) if that is not what it has.
    pub(super) fn want_zoom(&mut self, tiles: Vec<u64>) {
        let Some(s) = self.session.as_mut() else { return };
        let Some(z) = &s.zoom else { return };
        if s.zoom_wanted != tiles {
            if !tiles.is_empty() {
                z.want(tiles.clone());
            }
            s.zoom_wanted = tiles;
        }
    }

    /// What arrived since the last pass: overview chunks, then the player's state if it changed.
    pub(super) fn poll(&mut self) -> Vec<Event> {
        let Some(s) = self.session.as_mut() else { return vec![] };
        let mut events = vec![];
        if let Some(o) = &s.overview {
            while let Some(m) = o.try_recv() {
                match m {
                    OverviewMsg::Chunk { first_bucket, peaks } => events.push(Event::Overview {
                        total: OVERVIEW_BUCKETS,
                        start: first_bucket,
                        peaks: peaks.iter().map(|p| p.min.abs().max(p.max.abs())).collect(),
                    }),
                    OverviewMsg::Done => s.overview_done = true,
                    OverviewMsg::Failed(e) => {
                        s.overview_done = true;
                        events.push(Event::OverviewFailed(e));
                    }
                }
            }
        }
        if let Some(z) = &s.zoom {
            while let Some(m) = z.try_recv() {
                match m {
                    ZoomMsg::Tile(t) => events.push(Event::Zoom { index: t.index, peaks: t.peaks }),
                    // The zoom strip stays the overview stretched (the overview reports why).
                    ZoomMsg::Failed(_) => {
                        s.zoom = None;
                        break;
                    }
                }
            }
        }
        let snap = s.player.snapshot();
        if s.last_snap.as_ref() != Some(&snap) {
            s.last_snap = Some(snap.clone());
            events.push(Event::Playback(snap));
        }
        events
    }
}
