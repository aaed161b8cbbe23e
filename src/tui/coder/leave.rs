//! Saving and leaving, which both the app's `update` and the coding screen's ask for: the save
//! that hands a coding to the disk thread, closing a recording, quitting.
use crate::tui::coder::coding::{CodingState, SaveState};
use crate::tui::coder::model::{App, Effect, Screen};

/// Marks the save as on its way and hands the coding to the saver.
pub fn save(c: &mut CodingState, now: u64) -> Effect {
    c.dirty_since = None;
    c.listen_dirty = false;
    c.last_save_ms = now;
    c.saving += 1;
    if !matches!(c.save_state, SaveState::Failed(_)) {
        c.save_state = SaveState::Saving;
    }
    c.coding.resume_s = c.snap.position_s;
    Effect::Save(Box::new(c.coding.clone()))
}

/// Closing a recording: the last save (if anything is unsaved), then release it.
pub fn close(app: &mut App) -> Vec<Effect> {
    let mut fx = vec![];
    if let Screen::Coding(mut c) = std::mem::replace(&mut app.screen, Screen::Queue) {
        if c.snap.playing {
            fx.push(Effect::from(crate::tui::transport::Transport::Pause));
        }
        if !c.read_only() {
            // `resume_s` is the position last saved: a seek alone (no play, no edit) must be
            // saved too, so that reopening resumes where the coder stopped.
            let moved = (c.coding.resume_s - c.snap.position_s).abs() >= 0.1;
            c.coding.resume_s = c.snap.position_s;
            let unsaved = moved
                || c.dirty_since.is_some()
                || c.listen_dirty
                || matches!(c.save_state, SaveState::Failed(_) | SaveState::Unsaved);
            if unsaved {
                fx.push(save(&mut c, app.shell.now_ms));
            }
        }
        app.queue.update_from(&c.coding, c.duration_s);
    }
    fx.push(Effect::Close);
    fx.push(Effect::RefreshQueue);
    app.overlay = None;
    fx
}

/// Quitting: closes the recording first (saving it), then asks the runtime to stop.
pub fn quit(app: &mut App) -> Vec<Effect> {
    let mut fx = if app.coding().is_some() { close(app) } else { vec![] };
    fx.retain(|e| *e != Effect::RefreshQueue);
    fx.push(Effect::Quit);
    app.quitting = true;
    fx
}
