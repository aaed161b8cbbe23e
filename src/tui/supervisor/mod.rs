//! The supervisor's adjudication app (`tapecoder adjudicate`, SPEC §7): the list of recordings
//! outside tolerance and one recording with both coders side by side, on the shared runtime.
//! Each screen has a folder with its state, its part of `update` and its view; what is common is
//! beside them:
//!
//! - [`model`]: [`AdjApp`] (with [`Screen`] holding the screen's state), [`Msg`], [`Effect`];
//! - [`update`](mod@update): `update(&mut AdjApp, Msg) -> Vec<Effect>` (pure, tested),
//!   overlays, leaving, the runtime's answers;
//! - [`view`](mod@view): draws the screen on show and the overlay;
//! - [`list`], [`recording`]: the two screens;
//! - [`worker`]: the disk thread's work (audio check, adjudication save, list refresh);
//! - this file: how the app runs on the runtime ([`runtime::App`]).
//!
//! Nothing here can change a coding: the only files an effect writes are the adjudication and
//! its autosaved draft (`supervisor/drafts/`).
pub mod list;
pub mod model;
pub mod recording;
pub mod update;
pub mod view;
pub mod worker;

pub use model::{AdjApp, Effect, Job, Msg, Overlay, Screen};
pub use recording::{Pane, RecordingState};
pub use update::update;
pub use view::draw;

use crate::tui::runtime::{self, Event};
use worker::SupervisorWorker;

impl runtime::App for AdjApp {
    crate::app_forwarding!(worker: SupervisorWorker, update, draw);

    fn event(ev: Event) -> Option<Msg> {
        match ev {
            Event::Tick(ms) => Some(Msg::Tick(ms)),
            Event::Playback(s) => Some(Msg::Playback(s)),
            Event::Overview { total, start, peaks } => Some(Msg::Overview { total, start, peaks }),
            Event::OverviewFailed(e) => Some(Msg::Problem(format!("no waveform: {e}"))),
            Event::Zoom { index, peaks } => Some(Msg::Zoom { index, peaks }),
            Event::Shutdown => Some(Msg::Terminate),
        }
    }

    fn zoom_tiles(&self) -> Vec<u64> {
        self.recording().map(|r| r.zoom_tiles()).unwrap_or_default()
    }
}
