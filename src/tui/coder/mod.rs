//! The coder app (`tapecoder code`): the coder's queue and the coding screen, on the shared
//! runtime. Each screen has a folder with its state (`mod.rs`), its part of `update` and its
//! view; what is common is beside them:
//!
//! - [`model`]: [`App`] (with [`Screen`] holding the screen's state), [`Msg`], [`Effect`];
//! - [`update`](mod@update): `update(&mut App, Msg) -> Vec<Effect>` (pure, tested), ticks and
//!   debounced saving, overlays, the runtime's answers; [`leave`]: saving, closing, quitting;
//! - [`view`](mod@view): draws the screen on show and the overlay;
//! - [`queue`], [`coding`]: the two screens; [`dialogs`]: the coding screen's confirm dialogs;
//! - [`worker`]: the disk thread's work (saves, submits, queue, open checks);
//! - this file: how the app runs on the runtime ([`runtime::App`]).
//!
//! A new screen: a folder here with `mod.rs` (state), `update.rs` and `view.rs`, a variant of
//! [`Screen`] holding its state, one arm each in `update.rs` and `view.rs`.
pub mod coding;
pub mod dialogs;
pub mod feedback;
pub mod leave;
pub mod model;
pub mod queue;
pub mod update;
pub mod view;
pub mod worker;

pub use model::{
    App, Effect, Job, LISTEN_SAVE_MS, Msg, Opened, Overlay, QUEUE_REFRESH_MS, SAVE_DEBOUNCE_MS,
    Screen,
};
pub use update::update;
pub use view::draw;

use crate::tui::runtime::{self, Event};
use worker::CoderWorker;

impl runtime::App for App {
    crate::app_forwarding!(worker: CoderWorker, update, draw);

    fn event(ev: Event) -> Option<Msg> {
        Some(match ev {
            Event::Tick(ms) => Msg::Tick(ms),
            Event::Playback(s) => Msg::Playback(s),
            Event::Overview { total, start, peaks } => Msg::Overview { total, start, peaks },
            Event::Zoom { index, peaks } => Msg::Zoom { index, peaks },
            // The reason names the file: not for a coder's screen (blinding).
            Event::OverviewFailed(_) => return None,
            Event::Shutdown => Msg::Shutdown,
        })
    }

    fn zoom_tiles(&self) -> Vec<u64> {
        self.coding().map(|c| c.zoom_tiles()).unwrap_or_default()
    }
}
