//! The coder TUI's model, its messages, and `update`: the only place state changes. `update` is
//! pure (no I/O, no clock, no terminal): it returns [`Effect`]s that the runner in
//! `commands/code.rs` carries out (saving, submitting, driving the player), so every key and click
//! is testable by feeding messages and looking at the state and the effects.
use std::sync::Arc;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use crate::audio::Snapshot;
use crate::codebook::Codebook;
use crate::coding::{Coding, Status};
use crate::tui::keys::{Action, Keymap};
use crate::tui::layout::{self, contains, row_at};
use crate::tui::rules;
use crate::tui::screens::coding::{CodingState, Pane, SaveState};
use crate::tui::screens::dialogs::{Dialog, Prompt, PromptKind, PromptOutcome};
use crate::tui::screens::queue::{QueueRow, QueueState};

/// How long edits wait before they are saved (well inside SPEC's one second).
pub const SAVE_DEBOUNCE_MS: u64 = 300;
/// How often listening progress alone (listened intervals, resume position) is saved.
pub const LISTEN_SAVE_MS: u64 = 5_000;
/// How long a notice stays in the footer.
pub const NOTICE_MS: u64 = 4_000;
/// Seconds per step of `←`/`→`, `Shift+←`/`Shift+→`, the wheel, and `r`.
pub const STEP_S: f64 = 5.0;
pub const BIG_STEP_S: f64 = 30.0;

/// Everything that can happen to the UI.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Time since the UI started, in milliseconds (drives debounced saving and notices).
    Tick(u64),
    Resize(u16, u16),
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
fn save(c: &mut CodingState, now: u64) -> Effect {
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
fn close(app: &mut App) -> Vec<Effect> {
    let mut fx = vec![];
    if let Some(mut c) = app.coding.take() {
        if c.snap.playing {
            fx.push(Effect::Pause);
        }
        if !c.read_only() {
            c.coding.resume_s = c.snap.position_s;
            let unsaved = c.dirty_since.is_some()
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
            PromptOutcome::Done(text) => prompt_done(app, p, text),
        },
        Some(Overlay::Dialog(d)) => dialog_key(app, d, &k),
        None => match (app.screen, action) {
            (_, None) => vec![],
            (_, Some(Action::Help)) => {
                app.overlay = Some(Overlay::Help);
                vec![]
            }
            (Screen::Queue, Some(a)) => queue_action(app, a),
            (Screen::Coding, Some(a)) => coding_action(app, a),
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
        Some(row) => vec![Effect::Open(row.id.clone())],
    }
}

/// Refuses an edit on a submitted coding; `true` when the edit may go ahead.
fn editable(app: &mut App) -> bool {
    match app.coding.as_ref() {
        Some(c) if !c.read_only() => true,
        Some(_) => {
            app.notice("this coding is submitted: it is read-only");
            false
        }
        None => false,
    }
}

fn coding_action(app: &mut App, a: Action) -> Vec<Effect> {
    let now = app.now_ms;
    let Some(c) = app.coding.as_mut() else { return vec![] };
    let pos = c.snap.position_s;
    match a {
        Action::PlayPause => {
            if c.snap.playing {
                c.snap.playing = false;
                // Pausing is a good moment to keep the listening progress.
                c.listen_dirty = c.listen_dirty || !c.read_only();
                return vec![Effect::Pause];
            }
            if c.snap.ended || pos >= c.duration_s {
                c.snap.position_s = 0.0;
                c.snap.playing = true;
                return vec![Effect::Seek(0.0), Effect::Play];
            }
            c.snap.playing = true;
            vec![Effect::Play]
        }
        Action::Back5 => vec![c.seek_to(pos - STEP_S)],
        Action::Forward5 => vec![c.seek_to(pos + STEP_S)],
        Action::Back30 => vec![c.seek_to(pos - BIG_STEP_S)],
        Action::Forward30 => vec![c.seek_to(pos + BIG_STEP_S)],
        Action::Start => vec![c.seek_to(0.0)],
        Action::End => vec![c.seek_to(c.duration_s)],
        Action::Replay => {
            let seek = c.seek_to(pos - STEP_S);
            c.snap.playing = true;
            vec![seek, Effect::Play]
        }
        Action::SpeedDown | Action::SpeedUp | Action::SpeedReset => {
            let s = match a {
                Action::SpeedDown => c.snap.speed - 0.1,
                Action::SpeedUp => c.snap.speed + 0.1,
                _ => 1.0,
            };
            let s = ((s * 10.0).round() / 10.0).clamp(0.5, 2.0);
            c.snap.speed = s;
            vec![Effect::Speed(s)]
        }
        Action::GoTo => {
            app.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::GoTo, "")));
            vec![]
        }
        Action::SegmentBegin => {
            if editable(app)
                && let Some(c) = app.coding.as_mut()
            {
                c.pending_begin = Some(pos);
                let m = format!(
                    "behaviour-change segment begins at {}: press e at its end",
                    crate::tui::format::hms_tenths(pos)
                );
                app.notice(m);
            }
            vec![]
        }
        Action::SegmentEnd => {
            if !editable(app) {
                return vec![];
            }
            let Some(c) = app.coding.as_mut() else { return vec![] };
            let Some(begin) = c.pending_begin else {
                app.notice("press b at the start of the behaviour-change talk first");
                return vec![];
            };
            let before = c.coding.segments.len();
            match c.coding.add_segment(rules::BEHAVIOUR_CHANGE, begin, pos, c.duration_s) {
                Ok(i) => {
                    c.pending_begin = None;
                    c.seg_sel = i;
                    c.touch(now);
                    let merged = c.coding.segments.len() <= before;
                    app.notice(if merged {
                        "behaviour-change segment added (joined with the one it overlaps)"
                    } else {
                        "behaviour-change segment added"
                    });
                }
                Err(_) => app.notice("the segment is empty: move the playhead away from its start"),
            }
            vec![]
        }
        Action::Note => {
            if editable(app) {
                app.overlay =
                    Some(Overlay::Prompt(Prompt::new(PromptKind::Note { at_s: pos }, "")));
            }
            vec![]
        }
        Action::FocusNext => {
            c.focus = c.focus.next();
            vec![]
        }
        Action::FocusPrev => {
            c.focus = c.focus.prev();
            vec![]
        }
        Action::Up | Action::Down => {
            let down = a == Action::Down;
            let n_domains = app.codebook.domains.len();
            let (sel, len) = match c.focus {
                Pane::Segments => (&mut c.seg_sel, c.coding.segments.len()),
                Pane::Notes => (&mut c.note_sel, c.coding.notes.len()),
                Pane::Scores => (&mut c.score_sel, n_domains),
                Pane::Timeline => return vec![],
            };
            *sel = step(*sel, len, down);
            if c.focus == Pane::Scores {
                c.rubric_scroll = 0;
            }
            vec![]
        }
        Action::Activate => match c.focus {
            Pane::Segments => match c.coding.segments.get(c.seg_sel) {
                Some(s) => {
                    let t = s.start_s;
                    vec![c.seek_to(t)]
                }
                None => vec![],
            },
            Pane::Notes => match c.coding.notes.get(c.note_sel) {
                Some(n) => {
                    let t = n.at_s;
                    vec![c.seek_to(t)]
                }
                None => vec![],
            },
            Pane::Scores => {
                let Some(d) = app.codebook.domains.get(c.score_sel) else { return vec![] };
                let (key, label) = (d.key.clone(), d.label.clone());
                if editable(app)
                    && let Some(c) = app.coding.as_ref()
                {
                    let current = c.coding.rationales.get(&key).cloned().unwrap_or_default();
                    app.overlay = Some(Overlay::Prompt(Prompt::new(
                        PromptKind::Rationale { domain: key, label },
                        &current,
                    )));
                }
                vec![]
            }
            Pane::Timeline => vec![],
        },
        Action::Delete => {
            let target = match c.focus {
                Pane::Segments if c.seg_sel < c.coding.segments.len() => {
                    Some(Dialog::DeleteSegment(c.seg_sel))
                }
                Pane::Notes if c.note_sel < c.coding.notes.len() => {
                    Some(Dialog::DeleteNote(c.note_sel))
                }
                _ => None,
            };
            match target {
                Some(d) if editable(app) => app.overlay = Some(Overlay::Dialog(d)),
                Some(_) => {}
                None => app.notice("select a segment or note (Tab to its pane) to delete it"),
            }
            vec![]
        }
        Action::Score(level) => score(app, Some(level)),
        Action::ClearScore => score(app, None),
        Action::Submit => {
            if !editable(app) {
                return vec![];
            }
            let Some(c) = app.coding.as_ref() else { return vec![] };
            let check = rules::check_submit(&c.coding, &app.codebook, c.duration_s);
            app.overlay = Some(Overlay::Dialog(Dialog::Submit(check)));
            vec![]
        }
        Action::Back => close(app),
        Action::Help => {
            app.overlay = Some(Overlay::Help);
            vec![]
        }
    }
}

fn step(sel: usize, len: usize, down: bool) -> usize {
    if len == 0 {
        0
    } else if down {
        (sel + 1).min(len - 1)
    } else {
        sel.saturating_sub(1).min(len - 1)
    }
}

fn score(app: &mut App, level: Option<u8>) -> Vec<Effect> {
    let Some(c) = app.coding.as_ref() else { return vec![] };
    if c.focus != Pane::Scores {
        app.notice("scores are entered in the scores pane: press Tab to get there");
        return vec![];
    }
    if !editable(app) {
        return vec![];
    }
    let book = Arc::clone(&app.codebook);
    let now = app.now_ms;
    let Some(c) = app.coding.as_mut() else { return vec![] };
    let Some(d) = book.domains.get(c.score_sel) else { return vec![] };
    match level {
        Some(l) => {
            if !rules::scorable(&c.coding, &book, &d.key) {
                let m = format!(
                    "{}: not applicable — no behaviour-change segment (mark one with b and e)",
                    d.label
                );
                app.notice(m);
                return vec![];
            }
            if let Err(e) = c.coding.set_score(&book, &d.key, l) {
                app.notice(e.to_string());
                return vec![];
            }
        }
        None => {
            if let Err(e) = c.coding.clear_score(&d.key) {
                app.notice(e.to_string());
                return vec![];
            }
        }
    }
    c.touch(now);
    vec![]
}

fn prompt_done(app: &mut App, p: Prompt, text: String) -> Vec<Effect> {
    let now = app.now_ms;
    let Some(c) = app.coding.as_mut() else { return vec![] };
    match p.kind {
        PromptKind::GoTo => match crate::tui::format::parse_time(&text) {
            Some(t) if t <= c.duration_s => vec![c.seek_to(t)],
            Some(_) => {
                let mut p = p;
                p.error = Some(format!(
                    "past the end ({}): give a time within the recording",
                    crate::tui::format::hms(c.duration_s)
                ));
                app.overlay = Some(Overlay::Prompt(p));
                vec![]
            }
            None => {
                let mut p = p;
                p.error = Some("not a time: use seconds (754.2), mm:ss or h:mm:ss".into());
                app.overlay = Some(Overlay::Prompt(p));
                vec![]
            }
        },
        PromptKind::Note { at_s } => {
            if text.trim().is_empty() {
                return vec![];
            }
            match c.coding.add_note(at_s, text.trim(), vec![]) {
                Ok(at) => {
                    c.note_sel = at;
                    c.touch(now);
                }
                Err(e) => app.notice(e.to_string()),
            }
            vec![]
        }
        PromptKind::Rationale { domain, .. } => {
            let book = Arc::clone(&app.codebook);
            match c.coding.set_rationale(&book, &domain, text.trim()) {
                Ok(()) => c.touch(now),
                Err(e) => app.notice(e.to_string()),
            }
            vec![]
        }
    }
}

fn dialog_key(app: &mut App, d: Dialog, k: &KeyEvent) -> Vec<Effect> {
    let yes = matches!(k.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter);
    let no = matches!(k.code, KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc);
    if !yes && !no {
        app.overlay = Some(Overlay::Dialog(d));
        return vec![];
    }
    if no {
        return vec![];
    }
    let now = app.now_ms;
    let Some(c) = app.coding.as_mut() else { return vec![] };
    match d {
        Dialog::DeleteSegment(i) => {
            if c.coding.remove_segment(i).is_ok() {
                c.seg_sel = c.seg_sel.min(c.coding.segments.len().saturating_sub(1));
                c.touch(now);
            }
            vec![]
        }
        Dialog::DeleteNote(i) => {
            if c.coding.remove_note(i).is_ok() {
                c.note_sel = c.note_sel.min(c.coding.notes.len().saturating_sub(1));
                c.touch(now);
            }
            vec![]
        }
        Dialog::Submit(check) => {
            if !check.can_submit() {
                // Enter only dismisses a dialog that lists problems.
                return vec![];
            }
            c.coding.resume_s = c.snap.position_s;
            app.overlay = Some(Overlay::Dialog(Dialog::Submitting));
            vec![Effect::Submit(Box::new(c.coding.clone()))]
        }
        Dialog::Submitting => {
            app.overlay = Some(Overlay::Dialog(Dialog::Submitting));
            vec![]
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
        Screen::Coding => coding_mouse(app, m.kind, x, y),
    }
}

fn coding_mouse(app: &mut App, kind: MouseEventKind, x: u16, y: u16) -> Vec<Effect> {
    let l = layout::coding(app.size);
    let n_domains = app.codebook.domains.len();
    let Some(c) = app.coding.as_mut() else { return vec![] };
    let in_timeline = contains(l.timeline, x, y);
    match kind {
        MouseEventKind::Down(MouseButton::Left) | MouseEventKind::Drag(MouseButton::Left) => {
            if contains(l.overview, x, y) || contains(l.marks, x, y) {
                c.focus = Pane::Timeline;
                let t = crate::tui::widgets::timeline::time_at(l.overview, x, 0.0, c.duration_s);
                return vec![c.seek_to(t)];
            }
            if contains(l.zoom, x, y) {
                c.focus = Pane::Timeline;
                let (a, b) = c.zoom_window();
                let t = crate::tui::widgets::timeline::time_at(l.zoom, x, a, b);
                return vec![c.seek_to(t)];
            }
            if !matches!(kind, MouseEventKind::Down(_)) {
                return vec![];
            }
            if let Some(i) = row_at(l.segment_rows, y, c.seg_sel, c.coding.segments.len())
                .filter(|_| contains(l.segments, x, y))
            {
                c.focus = Pane::Segments;
                c.seg_sel = i;
            } else if let Some(i) = row_at(l.note_rows, y, c.note_sel, c.coding.notes.len())
                .filter(|_| contains(l.notes, x, y))
            {
                c.focus = Pane::Notes;
                c.note_sel = i;
            } else if let Some(i) =
                row_at(l.score_rows, y, c.score_sel, n_domains).filter(|_| contains(l.scores, x, y))
            {
                c.focus = Pane::Scores;
                c.score_sel = i;
                c.rubric_scroll = 0;
            } else if contains(l.segments, x, y) {
                c.focus = Pane::Segments;
            } else if contains(l.notes, x, y) {
                c.focus = Pane::Notes;
            } else if contains(l.scores, x, y) {
                c.focus = Pane::Scores;
            }
            vec![]
        }
        MouseEventKind::ScrollUp if contains(l.rubric, x, y) => {
            c.rubric_scroll = c.rubric_scroll.saturating_sub(2);
            vec![]
        }
        MouseEventKind::ScrollDown if contains(l.rubric, x, y) => {
            c.rubric_scroll = c.rubric_scroll.saturating_add(2).min(500);
            vec![]
        }
        MouseEventKind::ScrollUp if in_timeline => {
            let t = c.snap.position_s - STEP_S;
            vec![c.seek_to(t)]
        }
        MouseEventKind::ScrollDown if in_timeline => {
            let t = c.snap.position_s + STEP_S;
            vec![c.seek_to(t)]
        }
        _ => vec![],
    }
}
