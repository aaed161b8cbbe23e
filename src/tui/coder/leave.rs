//! Saving and leaving, which both the app's `update` and the coding screen's ask for: the save
//! that hands a coding to the disk thread, closing a recording, quitting.
//!
//! A screen with unsaved changes never closes without asking: `q`, Esc and Ctrl-C save first and
//! close (or quit) only once the disk thread confirmed the save ([`leave`], then
//! [`leave_when_saved`] on each answer). A failed save (a full disk or anything else) opens
//! [`Dialog::LeaveUnsaved`]: `r` retries, `y` leaves and loses the changes, `n` / Esc stays. A
//! termination signal or a lost terminal cannot ask: [`quit_now`] saves on the way out and the
//! runtime waits for the write.
use crossterm::event::{KeyCode, KeyEvent};

use crate::tui::coder::coding::{CodingState, SaveState};
use crate::tui::coder::dialogs::Dialog;
use crate::tui::coder::model::{App, Effect, Job, Overlay, QUEUE_REFRESH_MS, Screen};
use crate::tui::transport::Transport;

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
    Effect::Disk(Job::Save(Box::new(c.coding.clone())))
}

/// Whether the playhead moved since the position last saved: a seek alone (no play, no edit) is
/// saved too, so that reopening resumes where the coder stopped.
fn moved(c: &CodingState) -> bool {
    (c.coding.resume_s - c.snap.position_s).abs() >= 0.1
}

/// Whether the open coding has changes the disk has not confirmed yet (a save on its way, edits
/// or listening not yet saved, a failed save, a playhead moved since the last save).
pub fn unsaved(c: &CodingState) -> bool {
    !c.read_only()
        && (c.saving > 0
            || c.dirty_since.is_some()
            || c.listen_dirty
            || moved(c)
            || matches!(c.save_state, SaveState::Failed(_) | SaveState::Unsaved))
}

/// Closing a recording now: the last save (if anything is unsaved, not waited for), then release
/// it. Only for what may not wait: nothing unsaved, a save already confirmed, the coder's `y` in
/// the unsaved-changes dialog, a termination signal.
pub fn close(app: &mut App) -> Vec<Effect> {
    let mut fx = vec![];
    if let Screen::Coding(mut c) = std::mem::replace(&mut app.screen, Screen::Queue) {
        if c.snap.playing {
            fx.push(Effect::from(Transport::Pause));
        }
        let mut saved = false;
        if !c.read_only() {
            let moved = moved(&c);
            c.coding.resume_s = c.snap.position_s;
            saved = moved
                || c.dirty_since.is_some()
                || c.listen_dirty
                || matches!(c.save_state, SaveState::Failed(_) | SaveState::Unsaved);
            if saved {
                fx.push(save(&mut c, app.shell.now_ms));
            }
        }
        // A gold opened and left unchanged has no draft: its row stays as it was.
        if !(c.gold && !saved && !c.read_only()) {
            app.queue.update_from(&c.coding, &c.coded(), c.training);
        }
    }
    fx.push(Effect::Close);
    fx.push(Effect::Disk(Job::RefreshQueue));
    app.next_refresh_ms = app.shell.now_ms + QUEUE_REFRESH_MS;
    app.overlay = None;
    fx
}

/// The coder leaves the coding screen (`quit`: and the app). With nothing unsaved it goes at
/// once; otherwise the work is saved first and the screen closes when the save is confirmed
/// ([`leave_when_saved`]), asking if the save fails. While a submit is on its way, it waits for
/// the submit's answer instead.
pub fn leave(app: &mut App, quit: bool) -> Vec<Effect> {
    let now = app.shell.now_ms;
    let submitting = matches!(app.overlay, Some(Overlay::Dialog(Dialog::Submitting)));
    if matches!(app.overlay, Some(Overlay::Dialog(Dialog::LeaveUnsaved { .. }))) {
        app.overlay = None;
    }
    let Some(c) = app.coding_mut().filter(|c| unsaved(c) || submitting) else {
        return leave_now(app, quit);
    };
    // Ctrl-C while a close waits for its save: it quits too, once saved.
    let quit = quit || c.leaving == Some(true);
    c.leaving = Some(quit);
    if submitting {
        app.notice("leaving once the submit is answered…");
        return vec![];
    }
    let mut fx = vec![];
    if c.snap.playing {
        fx.push(Effect::from(Transport::Pause));
    }
    fx.push(save(c, now));
    app.notice("saving before leaving…");
    fx
}

/// Leaves without waiting: closes the recording (saving what is unsaved on the way), and quits
/// when `quit`.
pub fn leave_now(app: &mut App, quit: bool) -> Vec<Effect> {
    if quit { quit_now(app) } else { close(app) }
}

/// After the answer to a save or a submit: a pending leave goes ahead once everything is
/// confirmed on disk (edits made while waiting are saved first). A failed save has already
/// turned the leave into the unsaved-changes dialog.
pub fn leave_when_saved(app: &mut App) -> Vec<Effect> {
    let submitting = matches!(app.overlay, Some(Overlay::Dialog(Dialog::Submitting)));
    let Some(c) = app.coding() else { return vec![] };
    let Some(quit) = c.leaving else { return vec![] };
    if c.saving > 0 || submitting || matches!(c.save_state, SaveState::Failed(_)) {
        return vec![];
    }
    if !c.read_only() && (c.dirty_since.is_some() || c.listen_dirty) {
        return leave(app, quit);
    }
    // (A playhead that moved on while the player paused is saved by `close` itself.)
    leave_now(app, quit)
}

/// A save failed: a pending leave becomes the question of what to do with the unsaved changes.
/// `true` when the dialog was opened.
pub fn ask_if_leaving(app: &mut App, reason: &str) -> bool {
    let Some(quit) = app.coding_mut().and_then(|c| c.leaving.take()) else { return false };
    app.overlay = Some(Overlay::Dialog(Dialog::LeaveUnsaved { reason: reason.to_string(), quit }));
    // "saving before leaving…" is over: the dialog says what happened.
    app.shell.notice = None;
    true
}

/// The keys of the unsaved-changes dialog: `r` retry (and leave once saved), `y` leave anyway
/// (the changes are lost), `n` / Esc stay on the screen with the changes.
pub fn on_leave_unsaved_key(
    app: &mut App,
    reason: String,
    quit: bool,
    k: &KeyEvent,
) -> Vec<Effect> {
    match k.code {
        KeyCode::Char('r' | 'R') => leave(app, quit),
        KeyCode::Char('y' | 'Y') => leave_now(app, quit),
        KeyCode::Char('n' | 'N') | KeyCode::Esc => {
            if let Some(c) = app.coding_mut() {
                c.leaving = None;
            }
            vec![]
        }
        _ => {
            app.overlay = Some(Overlay::Dialog(Dialog::LeaveUnsaved { reason, quit }));
            vec![]
        }
    }
}

/// Quitting, as `q` on the queue or Ctrl-C ask: from the coding screen it saves first and quits
/// once the save is confirmed ([`leave`]).
pub fn quit(app: &mut App) -> Vec<Effect> {
    if app.coding().is_some() { leave(app, true) } else { quit_now(app) }
}

/// Quitting at once (a termination signal, a lost terminal, the coder's `y`): closes the
/// recording first, handing its last save to the disk thread, then asks the runtime to stop
/// (which waits for the write).
pub fn quit_now(app: &mut App) -> Vec<Effect> {
    let mut fx = if app.coding().is_some() { close(app) } else { vec![] };
    fx.retain(|e| *e != Effect::Disk(Job::RefreshQueue));
    fx.push(Effect::Quit);
    app.quitting = true;
    fx
}
