//! The coder TUI's model, its messages, and `update`: the only way state changes. `update` is pure
//! (no I/O, no clock, no terminal): it returns [`Effect`]s that the runner in `commands/code.rs`
//! carries out (saving, submitting, driving the player), so every key and click is testable by
//! feeding messages and looking at the state and the effects. This file holds what is common
//! (ticks and saving, the queue, overlays, leaving); the coding screen's own keys, prompts, dialogs
//! and mouse are in `screens/coding/update.rs`, next to its state and view.
use std::sync::Arc;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use crate::audio::Snapshot;
use crate::codebook::Codebook;
use crate::coding::{Coding, Status};
use crate::tui::event::Input;
use crate::tui::keys::{Action, Keymap};
use crate::tui::layout::{self, row_at};
use crate::tui::screens::coding::update as coding_update;
use crate::tui::screens::coding::{CodingState, SaveState};
use crate::tui::screens::dialogs::{Dialog, Prompt, PromptOutcome};
use crate::tui::screens::queue::{QueueRow, QueueState};
use crate::tui::transport::Transport;

/// How long edits wait before they are saved (well inside SPEC's one second).
pub const SAVE_DEBOUNCE_MS: u64 = 300;
/// How often listening progress alone (listened intervals, resume position) is saved.
pub const LISTEN_SAVE_MS: u64 = 5_000;
/// How long a notice stays in the footer.
pub const NOTICE_MS: u64 = 4_000;

/// Everything that can happen to the UI.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Time since the UI started, in milliseconds (drives debounced saving and notices).
    Tick(u64),
    Resize(u16, u16),
    /// Pasted text: goes into an open prompt, never read as keys.
    Paste(String),
    /// The player's latest state.
    Playback(Snapshot),
    /// Waveform peaks `start..start + peaks.len()` of `total` buckets (0.0–1.0).
    Overview {
        total: usize,
        start: usize,
        peaks: Vec<f32>,
    },
    /// A recording the runner opened (coding loaded or created, lock held, player ready).
    Opened(Box<Opened>),
    /// A recording that could not be opened, and why (shown on its queue row).
    OpenFailed {
        id: String,
        reason: String,
    },
    /// The saver's answer for the last save.
    Saved(Result<(), String>),
    /// The submit's answer: the submitted coding, or why it failed.
    Submitted(Result<Box<Coding>, String>),
    /// A fresh queue (after closing a recording).
    Queue(Vec<QueueRow>),
    /// Stop now (terminal hung up, SIGTERM, an internal error): save what is unsaved and quit.
    Shutdown,
}

#[derive(Debug, Clone)]
pub struct Opened {
    pub coding: Coding,
    pub duration_s: f64,
    pub snapshot: Snapshot,
}

impl From<Input> for Msg {
    fn from(i: Input) -> Self {
        match i {
            Input::Key(k) => Msg::Key(k),
            Input::Mouse(m) => Msg::Mouse(m),
            Input::Resize(w, h) => Msg::Resize(w, h),
            Input::Paste(s) => Msg::Paste(s),
        }
    }
}

/// What the runner must do for `update`.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Lock, load or create the coding, open the player at the resume position, start the overview.
    Open(String),
    /// Stop the player and overview, release the lock.
    Close,
    /// Write the coding (atomically, off the UI thread).
    Save(Box<Coding>),
    /// Submit the coding (after the coder confirmed).
    Submit(Box<Coding>),
    Play,
    Pause,
    Seek(f64),
    Speed(f32),
    /// Re-read the queue rows.
    RefreshQueue,
    Quit,
}

impl From<Transport> for Effect {
    fn from(t: Transport) -> Self {
        match t {
            Transport::Play => Effect::Play,
            Transport::Pause => Effect::Pause,
            Transport::Seek(s) => Effect::Seek(s),
            Transport::Speed(s) => Effect::Speed(s),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Coding,
}

/// What is drawn over the current screen and takes the keys first.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    Prompt(Prompt),
    Dialog(Dialog),
}

/// The whole UI state. Each screen keeps its own state next to its view.
#[derive(Debug, Clone)]
pub struct App {
    pub codebook: Arc<Codebook>,
    pub keymap: Keymap,
    /// The coder's own id and the study's name, for the title bar.
    pub coder: String,
    pub study_name: String,
    pub size: Rect,
    pub now_ms: u64,
    pub screen: Screen,
    pub queue: QueueState,
    pub coding: Option<CodingState>,
    pub overlay: Option<Overlay>,
    /// A short message in the footer, and when it expires.
    pub notice: Option<(String, u64)>,
    /// Set once `Quit` was emitted.
    pub quitting: bool,
}

impl App {
    pub fn new(
        codebook: Arc<Codebook>,
        keymap: Keymap,
        coder: &str,
        study_name: &str,
        rows: Vec<QueueRow>,
    ) -> Self {
        App {
            codebook,
            keymap,
            coder: coder.to_string(),
            study_name: study_name.to_string(),
            size: Rect::new(0, 0, 120, 40),
            now_ms: 0,
            screen: Screen::Queue,
            queue: QueueState::new(rows),
            coding: None,
            overlay: None,
            notice: None,
            quitting: false,
        }
    }

    pub fn notice(&mut self, text: impl Into<String>) {
        self.notice = Some((text.into(), self.now_ms + NOTICE_MS));
    }

    pub fn current_notice(&self) -> Option<&str> {
        self.notice.as_ref().filter(|(_, until)| *until > self.now_ms).map(|(t, _)| t.as_str())
    }
}

/// Applies one message; returns what the runner must do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) if k.kind == KeyEventKind::Release => vec![],
        Msg::Key(k) => on_key(app, k),
        Msg::Mouse(m) => on_mouse(app, m),
        Msg::Tick(now) => on_tick(app, now),
        Msg::Resize(w, h) => {
            app.size = Rect::new(0, 0, w, h);
            vec![]
        }
        Msg::Paste(s) => {
            match app.overlay.as_mut() {
                Some(Overlay::Prompt(p)) => p.paste(&s),
                _ => app.notice("paste into a note (n) or a rationale (Enter on a score)"),
            }
            vec![]
        }
        Msg::Playback(s) => {
            if let Some(c) = app.coding.as_mut() {
                c.on_snapshot(s, app.now_ms);
            }
            vec![]
        }
        Msg::Overview { total, start, peaks } => {
            if let Some(c) = app.coding.as_mut() {
                c.on_overview(total, start, &peaks);
            }
            vec![]
        }
        Msg::Opened(o) => {
            let o = *o;
            app.queue.clear_problem(&o.coding.recording);
            let read_only = o.coding.status == Status::Submitted;
            app.coding = Some(CodingState::new(o.coding, o.duration_s, o.snapshot));
            app.screen = Screen::Coding;
            app.overlay = None;
            app.notice = None;
            if read_only {
                app.notice("this coding is submitted: it is read-only");
            }
            vec![]
        }
        Msg::OpenFailed { id, reason } => {
            app.queue.set_problem(&id, &reason);
            app.notice(format!("{id}: {reason}"));
            vec![]
        }
        Msg::Saved(r) => {
            if let Some(c) = app.coding.as_mut().filter(|c| !c.read_only()) {
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
                        c.dirty_since.get_or_insert(app.now_ms);
                        app.notice(format!("not saved: {e}"));
                    }
                }
            }
            vec![]
        }
        Msg::Submitted(r) => {
            match r {
                Ok(coding) => {
                    if let Some(c) = app.coding.as_mut() {
                        c.coding = *coding;
                        c.save_state = SaveState::Saved;
                        c.dirty_since = None;
                        c.listen_dirty = false;
                    }
                    app.overlay = None;
                    app.notice("submitted: thank you. The coding is now read-only");
                }
                Err(e) => {
                    app.overlay = None;
                    app.notice(format!("not submitted: {e}"));
                }
            }
            vec![]
        }
        Msg::Queue(rows) => {
            app.queue.replace_rows(rows);
            vec![]
        }
        Msg::Shutdown if app.quitting => vec![],
        Msg::Shutdown => quit(app),
    }
}

fn on_tick(app: &mut App, now: u64) -> Vec<Effect> {
    app.now_ms = now;
    if matches!(app.overlay, Some(Overlay::Dialog(Dialog::Submitting))) {
        // The submit carries everything; a save racing it would hit the submitted file.
        return vec![];
    }
    let Some(c) = app.coding.as_mut().filter(|c| !c.read_only()) else { return vec![] };
    let edits_due = c.dirty_since.is_some_and(|t| now.saturating_sub(t) >= SAVE_DEBOUNCE_MS);
    let listen_due = c.listen_dirty && now.saturating_sub(c.last_save_ms) >= LISTEN_SAVE_MS;
    if edits_due || listen_due { vec![save(c, now)] } else { vec![] }
}

/// Marks the save as on its way and hands the coding to the saver.
pub(crate) fn save(c: &mut CodingState, now: u64) -> Effect {
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
pub(crate) fn close(app: &mut App) -> Vec<Effect> {
    let mut fx = vec![];
    if let Some(mut c) = app.coding.take() {
        if c.snap.playing {
            fx.push(Effect::Pause);
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
                fx.push(save(&mut c, app.now_ms));
            }
        }
        app.queue.update_from(&c.coding, c.duration_s);
    }
    fx.push(Effect::Close);
    fx.push(Effect::RefreshQueue);
    app.screen = Screen::Queue;
    app.overlay = None;
    fx
}

fn quit(app: &mut App) -> Vec<Effect> {
    let mut fx = if app.coding.is_some() { close(app) } else { vec![] };
    fx.retain(|e| *e != Effect::RefreshQueue);
    fx.push(Effect::Quit);
    app.quitting = true;
    fx
}

fn on_key(app: &mut App, k: KeyEvent) -> Vec<Effect> {
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return quit(app);
    }
    let action = app.keymap.action(&k);
    if layout::too_small(app.size) {
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
            PromptOutcome::Cancel => vec![],
            PromptOutcome::Done(text) => coding_update::on_prompt_done(app, p, text),
        },
        Some(Overlay::Dialog(d)) => coding_update::on_dialog_key(app, d, &k),
        None => match (app.screen, action) {
            (_, None) => vec![],
            (_, Some(Action::Help)) => {
                app.overlay = Some(Overlay::Help);
                vec![]
            }
            (Screen::Queue, Some(a)) => queue_action(app, a),
            (Screen::Coding, Some(a)) => coding_update::on_action(app, a),
        },
    }
}

fn back(app: &mut App) -> Vec<Effect> {
    if app.overlay.take().is_some() {
        return vec![];
    }
    match app.screen {
        Screen::Queue => quit(app),
        Screen::Coding => close(app),
    }
}

fn queue_action(app: &mut App, a: Action) -> Vec<Effect> {
    match a {
        Action::Up => app.queue.select_prev(),
        Action::Down => app.queue.select_next(),
        Action::Start => app.queue.selected = 0,
        Action::End => app.queue.selected = app.queue.rows.len().saturating_sub(1),
        Action::Activate => return open_selected(app),
        Action::Back => return quit(app),
        _ => {}
    }
    vec![]
}

/// Asks to open the selected recording. A row with a known problem is tried again (the audio may
/// be back, the other instance closed); the runner checks everything afresh.
fn open_selected(app: &mut App) -> Vec<Effect> {
    match app.queue.rows.get(app.queue.selected) {
        None => {
            app.notice("your queue is empty: ask your supervisor to assign recordings");
            vec![]
        }
        Some(row) => {
            let id = row.id.clone();
            app.notice(format!("opening {id}: checking the audio…"));
            vec![Effect::Open(id)]
        }
    }
}

fn on_mouse(app: &mut App, m: MouseEvent) -> Vec<Effect> {
    if layout::too_small(app.size) || app.overlay.is_some() {
        return vec![];
    }
    let (x, y) = (m.column, m.row);
    match app.screen {
        Screen::Queue => {
            let l = layout::queue(app.size);
            match m.kind {
                MouseEventKind::Down(MouseButton::Left) => {
                    if let Some(i) = row_at(l.rows, y, app.queue.selected, app.queue.rows.len()) {
                        if i == app.queue.selected {
                            return open_selected(app);
                        }
                        app.queue.selected = i;
                    }
                }
                MouseEventKind::ScrollDown => app.queue.select_next(),
                MouseEventKind::ScrollUp => app.queue.select_prev(),
                _ => {}
            }
            vec![]
        }
        Screen::Coding => coding_update::on_mouse(app, m.kind, x, y),
    }
}
