//! The coder app's `update`: the only way its state changes. Pure (no I/O, no clock, no
//! terminal): it returns [`Effect`]s that the runtime carries out (saving, submitting, driving the
//! player), so every key and click is testable by feeding messages and looking at the state and
//! the effects. This file holds what is common (ticks and saving, overlays, the runtime's answers);
//! each screen's own keys and mouse are in its folder (`queue/update.rs`, `coding/update.rs`).
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};

use crate::coding::Status;
use crate::study::prefs::Prefs;
use crate::tui::coder::coding::update::{self as coding_update, Ctx};
use crate::tui::coder::coding::{CodingState, SaveState};
use crate::tui::coder::dialogs::Dialog;
use crate::tui::coder::feedback::FeedbackState;
use crate::tui::coder::feedback::update as feedback_update;
use crate::tui::coder::leave::{
    ask_if_leaving, close, leave, leave_when_saved, on_leave_unsaved_key, quit, quit_now, save,
};
use crate::tui::coder::model::{
    App, Effect, Job, LISTEN_SAVE_MS, Msg, Overlay, QUEUE_REFRESH_MS, SAVE_DEBOUNCE_MS, Screen,
    Step,
};
use crate::tui::coder::queue::update as queue_update;
use crate::tui::keys::Action;
use crate::tui::layout;
use crate::tui::shell::prompt::PromptOutcome;
use crate::tui::transport::Transport;

/// What the open recording's player, overview and zoom workers sent.
fn on_media(app: &mut App, m: Msg) -> Vec<Effect> {
    let now = app.shell.now_ms;
    let Some(c) = app.coding_mut() else { return vec![] };
    match m {
        Msg::Playback(s) => {
            let fx = c.on_snapshot(s, now);
            if fx.is_empty() {
                return vec![];
            }
            // Paused at the window's end: a good moment to keep the listening progress.
            if c.listen_dirty && !c.read_only() {
                c.touch(now);
            }
            let end = c.clock().at(c.bounds().1);
            app.notice(format!("the end of the sampled window ({end}): playback paused"));
            return fx.into_iter().map(Effect::from).collect();
        }
        Msg::Overview { total, start, peaks } => c.on_overview(total, start, &peaks),
        Msg::Zoom { index, peaks } => {
            let at = c.snap.position_s;
            c.zoom_peaks.merge(index, &peaks, at);
        }
        _ => {}
    }
    vec![]
}

/// Applies one message; returns what the runtime must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) if k.kind == KeyEventKind::Release => vec![],
        Msg::Key(k) => on_key(app, k),
        Msg::Mouse(m) => on_mouse(app, m),
        Msg::Tick(now) => on_tick(app, now),
        Msg::Resize(w, h) => {
            app.shell.resize(w, h);
            vec![]
        }
        Msg::Paste(s) => {
            match app.overlay.as_mut() {
                Some(Overlay::Prompt(p)) => p.paste(&s),
                _ => app.notice("paste into a note (n) or a rationale (Enter on a score)"),
            }
            vec![]
        }
        m @ (Msg::Playback(_) | Msg::Overview { .. } | Msg::Zoom { .. }) => on_media(app, m),
        Msg::Opened(o) => {
            let o = *o;
            app.queue.clear_problem(&o.coding.recording);
            if let Some(book) = app.instruments.iter().find(|b| b.id == o.coding.codebook.id) {
                app.shell.codebook = Arc::clone(book);
            }
            let read_only = o.coding.status == Status::Submitted;
            let (transcript, transcript_problem) = match o.transcript {
                Ok(t) => (t, None),
                Err(e) => (None, Some(e)),
            };
            let mut c = CodingState::new(o.coding, o.duration_s, o.snapshot)
                .with_transcript(transcript)
                .for_book(&app.shell.codebook);
            c.training = app.training;
            c.gold = app.gold;
            c.reaction_offset_s = app.reaction_offset_s;
            // A sampled window: the playhead starts (or resumes) inside it.
            let mut fx: Vec<Effect> =
                c.set_window(o.window).into_iter().map(Effect::from).collect();
            // The coder's own speed, kept from the last recording.
            let speed = app.prefs.speed;
            if (c.snap.speed - speed).abs() > 0.01 {
                c.snap.speed = speed;
                fx.push(Effect::Player(Transport::Speed(speed)));
            }
            app.screen = Screen::Coding(Box::new(c));
            app.overlay = None;
            app.shell.notice = None;
            if read_only {
                app.notice("this coding is submitted: it is read-only");
            } else if app.gold {
                app.notice(
                    "gold draft: submitting sets this recording's gold (replacing any earlier one)",
                );
            } else if app.training {
                app.notice(
                    "a training recording: after you submit you see your coding against gold",
                );
            }
            if !read_only && !app.training && !app.shell.codebook.items.counts.is_empty() {
                app.notice("count keys log at the playhead in any pane (the items pane lists them; ? for help)");
            }
            if let Some(p) = transcript_problem {
                app.notice(p);
            }
            fx
        }
        Msg::OpenFailed { id, reason } => {
            app.queue.set_problem(&id, &reason);
            app.notice(format!("{id}: {reason}"));
            vec![]
        }
        Msg::Saved(r) => {
            on_saved(app, r);
            leave_when_saved(app)
        }
        Msg::PrefsSaved(Ok(())) => vec![],
        Msg::PrefsSaved(Err(e)) => {
            app.notice(format!("your playback speed could not be kept for next time: {e}"));
            vec![]
        }
        Msg::Submitted(r) => on_submitted(app, r),
        Msg::Feedback(Ok(data)) => {
            if matches!(app.screen, Screen::Queue) {
                app.screen = Screen::Feedback(Box::new(FeedbackState::new(*data)));
                app.shell.notice = None;
            }
            vec![]
        }
        Msg::Feedback(Err(why)) => {
            app.notice(format!("no feedback yet: {why}"));
            vec![]
        }
        Msg::Queue(rows) => {
            app.queue.replace_rows(rows);
            vec![]
        }
        Msg::QueueFailed(why) => {
            app.notice(format!("your queue could not be read again: {why}"));
            vec![]
        }
        Msg::Shutdown if app.quitting => vec![],
        // A termination signal or a lost terminal: nobody to ask; the last save goes on the way
        // out and the runtime waits for it.
        Msg::Shutdown => quit_now(app),
    }
}

fn on_saved(app: &mut App, r: Result<(), String>) {
    let now = app.shell.now_ms;
    let Screen::Coding(c) = &mut app.screen else { return };
    if c.read_only() {
        return;
    }
    c.saving = c.saving.saturating_sub(1);
    match r {
        Ok(()) => {
            if let SaveState::Failed(_) = c.save_state {
                c.save_state = SaveState::Unsaved;
            }
            if c.saving == 0 && c.dirty_since.is_none() {
                c.save_state = SaveState::Saved;
            }
        }
        Err(e) => {
            c.save_state = SaveState::Failed(e.clone());
            // Retry on the next debounce: the work is still in memory.
            c.dirty_since.get_or_insert(now);
            // Never close over unsaved work: a pending leave asks instead.
            if !ask_if_leaving(app, &e) {
                app.notice(format!("not saved: {e}"));
            }
        }
    }
}

fn on_tick(app: &mut App, now: u64) -> Vec<Effect> {
    app.shell.now_ms = now;
    match app.overlay {
        // The submit carries everything; a save racing it would hit the submitted file.
        Some(Overlay::Dialog(Dialog::Submitting)) => return vec![],
        // The coder is asked what to do with the unsaved changes: `r` retries, not the clock.
        Some(Overlay::Dialog(Dialog::LeaveUnsaved { .. })) => return vec![],
        _ => {}
    }
    let Screen::Coding(c) = &mut app.screen else { return refresh_due(app, now) };
    if c.read_only() {
        return vec![];
    }
    let edits_due = c.dirty_since.is_some_and(|t| now.saturating_sub(t) >= SAVE_DEBOUNCE_MS);
    let listen_due = c.listen_dirty && now.saturating_sub(c.last_save_ms) >= LISTEN_SAVE_MS;
    if edits_due || listen_due { vec![save(c, now)] } else { vec![] }
}

/// On the queue screen, the queue is read again every [`QUEUE_REFRESH_MS`]: recordings imported
/// and assigned since the app started show up without restarting it.
fn refresh_due(app: &mut App, now: u64) -> Vec<Effect> {
    if app.quitting || now < app.next_refresh_ms {
        return vec![];
    }
    app.next_refresh_ms = now + QUEUE_REFRESH_MS;
    vec![Effect::Disk(Job::RefreshQueue)]
}

fn on_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        // Typed text in a prompt is not thrown away without asking.
        if let Some(Overlay::Prompt(p)) = app.overlay.as_mut()
            && p.ask_before_quitting()
        {
            return vec![];
        }
        return quit(app);
    }
    let action = app.shell.keymap.action(&k);
    if layout::too_small(app.shell.size) {
        // Nothing is visible: only leaving is allowed.
        return if action == Some(Action::Back) { back(app) } else { vec![] };
    }
    match app.overlay.take() {
        Some(Overlay::Help) => {
            if !matches!(action, Some(Action::Help | Action::Back)) && k.code != KeyCode::Enter {
                app.overlay = Some(Overlay::Help);
            }
            vec![]
        }
        Some(Overlay::Prompt(mut p)) => match p.edit(&k) {
            PromptOutcome::Editing => {
                app.overlay = Some(Overlay::Prompt(p));
                vec![]
            }
            // Ctrl-C, then `y` to discard the typed text: quit.
            PromptOutcome::Cancel if p.quits() => quit(app),
            PromptOutcome::Cancel => vec![],
            PromptOutcome::Done(text) => {
                on_coding(app, |cx, c| coding_update::on_prompt_done(cx, c, p, text))
            }
        },
        Some(Overlay::Dialog(Dialog::LeaveUnsaved { reason, quit })) => {
            on_leave_unsaved_key(app, reason, quit, &k)
        }
        Some(Overlay::Dialog(d)) => {
            on_coding(app, |cx, c| coding_update::on_dialog_key(cx, c, d, &k))
        }
        None => match (&app.screen, action) {
            // A count key logs its count at the playhead in any pane of the coding screen.
            (Screen::Coding(_), None) => {
                match app.shell.keymap.count_for(&app.shell.codebook.items.counts, &k) {
                    Some(count) => {
                        let code = count.key.clone();
                        on_coding(app, |cx, c| coding_update::log_count(cx, c, &code))
                    }
                    None => vec![],
                }
            }
            (_, None) => vec![],
            (_, Some(Action::Help)) => {
                app.overlay = Some(Overlay::Help);
                vec![]
            }
            (Screen::Queue, Some(a)) => queue_update::on_action(app, a),
            (Screen::Feedback(s), Some(a)) => {
                let mut s = s.clone();
                match feedback_update::on_action(&mut s, &app.shell, a) {
                    Step::Stay(fx) => {
                        app.screen = Screen::Feedback(s);
                        fx
                    }
                    Step::Leave => back_to_queue(app),
                }
            }
            (Screen::Coding(_), Some(a)) => {
                on_coding(app, |cx, c| coding_update::on_action(cx, c, a))
            }
        },
    }
}

/// Runs a part of the coding screen's update on its state; leaving closes the recording once its
/// work is saved.
fn on_coding(app: &mut App, f: impl FnOnce(&mut Ctx, &mut CodingState) -> Step) -> Vec<Effect> {
    let Screen::Coding(c) = &mut app.screen else { return vec![] };
    let mut cx = Ctx { shell: &mut app.shell, overlay: &mut app.overlay };
    match f(&mut cx, c) {
        Step::Stay(mut fx) => {
            keep_speed(&mut app.prefs, &mut fx);
            fx
        }
        Step::Leave => leave(app, false),
    }
}

/// A speed the coder chose is kept for the next recording: written to the coder's prefs file by
/// the disk thread.
fn keep_speed(prefs: &mut Prefs, fx: &mut Vec<Effect>) {
    let chosen = fx.iter().rev().find_map(|e| match e {
        Effect::Player(Transport::Speed(s)) => Some(*s),
        _ => None,
    });
    if let Some(speed) = chosen.filter(|s| (s - prefs.speed).abs() > 0.001) {
        prefs.speed = speed;
        fx.push(Effect::Disk(Job::SavePrefs(*prefs)));
    }
}

fn back(app: &mut App) -> Vec<Effect> {
    if app.overlay.take().is_some() {
        return vec![];
    }
    match app.screen {
        Screen::Queue => quit(app),
        Screen::Coding(_) => leave(app, false),
        Screen::Feedback(_) => back_to_queue(app),
    }
}

/// From the feedback screen to the queue, read afresh.
fn back_to_queue(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Queue;
    app.next_refresh_ms = app.shell.now_ms + QUEUE_REFRESH_MS;
    vec![Effect::Disk(Job::RefreshQueue)]
}

fn on_mouse(app: &mut App, m: MouseEvent) -> Vec<Effect> {
    let Some(m) = app.shell.mouse_for_screen(m, app.overlay.is_some()) else { return vec![] };
    let (x, y) = (m.column, m.row);
    match app.screen {
        Screen::Queue => queue_update::on_mouse(app, m.kind, y),
        Screen::Feedback(_) => vec![],
        Screen::Coding(_) => on_coding(app, |cx, c| coding_update::on_mouse(cx, c, m.kind, x, y)),
    }
}

/// The submit's answer. A training submit closes the recording and asks for the feedback.
fn on_submitted(app: &mut App, r: Result<Box<crate::coding::Coding>, String>) -> Vec<Effect> {
    // A coder who asked to quit while the submit was on its way quits (no feedback screen).
    let training = app.coding().is_some_and(|c| c.training && c.leaving != Some(true));
    match r {
        Ok(coding) if training => {
            let id = coding.recording.clone();
            if let Some(c) = app.coding_mut() {
                c.submitted(*coding);
            }
            // Training: the feedback at once (the signed submit line exists now).
            let mut fx = close(app);
            app.notice("submitted: reading your feedback…");
            fx.push(Effect::Disk(Job::Feedback(id)));
            return fx;
        }
        Ok(coding) => {
            let id = coding.recording.clone();
            if let Some(c) = app.coding_mut() {
                c.submitted(*coding);
            }
            app.overlay = None;
            if app.gold {
                app.notice(format!(
                    "gold set: {id}'s gold coding is saved and signed (supervisor/gold/{id}.toml); open it again to change it"
                ));
            } else {
                app.notice("submitted: thank you. The coding is now read-only");
            }
        }
        Err(e) => {
            app.overlay = None;
            app.notice(format!("not submitted: {e}"));
        }
    }
    // A leave asked for while the submit was on its way goes ahead now.
    leave_when_saved(app)
}
