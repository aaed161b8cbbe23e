//! The supervisor's adjudication TUI: its model, messages and `update`, the only place its state
//! changes. Like the coder TUI, `update` is pure: it returns [`Effect`]s that the runner in
//! `commands/adjudicate.rs` carries out (opening the player, saving the adjudication), so every key
//! is testable by feeding messages. Nothing here can change a coding: the only file an effect
//! writes is the adjudication.
use std::collections::BTreeMap;
use std::sync::Arc;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use crate::audio::Snapshot;
use crate::codebook::Codebook;
use crate::coding::Coding;
use crate::study::adjudication::{self, Case, Draft};
use crate::study::model::Adjudication;
use crate::tui::event::Input;
use crate::tui::keys::{Action, Keymap};
use crate::tui::layout::{self as tui_layout, contains, row_at};
use crate::tui::screens::dialogs::{Prompt, PromptKind, PromptOutcome};
use crate::tui::transport::{self, STEP_S, Transport};
use crate::tui::widgets::timeline::time_at;

use super::view;

/// How long a notice stays in the footer.
pub const NOTICE_MS: u64 = 5_000;

/// Everything that can happen to the adjudication UI.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Time since the UI started, in milliseconds (notices expire by it).
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
    /// The runner opened the player for this recording.
    Opened {
        id: String,
        snapshot: Snapshot,
    },
    /// The saver's answer: the adjudication as written, or why it was not.
    Saved(Result<Box<Adjudication>, String>),
    /// The recordings to adjudicate, read again from the study.
    List(Vec<Case>),
    /// Something the runner could not do, to show in the footer.
    Problem(String),
    /// Stop now (SIGTERM, the terminal hung up): save the decisions if they can be saved, quit.
    Terminate,
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
    /// Open the player and the overview of this recording (`duration_s` from the study).
    Open {
        id: String,
        duration_s: f64,
    },
    /// Stop the player and the overview.
    Close,
    Play,
    Pause,
    Seek(f64),
    Speed(f32),
    /// Write `supervisor/adjudications/<recording>.toml` and its journal line. `decided_at` is
    /// empty: the runner stamps it with the clock.
    Save(Box<Adjudication>),
    /// Re-read the list of recordings to adjudicate.
    RefreshList,
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
    List,
    Recording,
}

/// The panes `Tab` moves between on the recording screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Scores,
    Primary,
    Secondary,
}

impl Pane {
    fn next(self) -> Self {
        match self {
            Pane::Scores => Pane::Primary,
            Pane::Primary => Pane::Secondary,
            Pane::Secondary => Pane::Scores,
        }
    }
    fn prev(self) -> Self {
        match self {
            Pane::Scores => Pane::Secondary,
            Pane::Primary => Pane::Scores,
            Pane::Secondary => Pane::Primary,
        }
    }
}

/// What is drawn over the screen and takes the keys first.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    /// The reason for a final score (required); `PromptKind::Rationale` names the domain.
    Reason(Prompt),
    GoTo(Prompt),
    /// Leaving a recording with unsaved decisions; `quit` = leave the program too.
    Leave {
        quit: bool,
    },
}

/// A segment or a note of one coder, as listed and jumped to.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub at_s: f64,
    /// `Some(end)` for a segment, `None` for a note.
    pub end_s: Option<f64>,
    pub kind: String,
    pub text: String,
}

/// One coder's segments and notes, sorted by time (segments first at equal times).
pub fn items(c: &Coding) -> Vec<Item> {
    let mut v: Vec<Item> = c
        .segments
        .iter()
        .map(|s| Item {
            at_s: s.start_s,
            end_s: Some(s.end_s),
            kind: s.kind.clone(),
            text: s.note.clone(),
        })
        .chain(c.notes.iter().map(|n| Item {
            at_s: n.at_s,
            end_s: None,
            kind: "note".into(),
            text: n.text.clone(),
        }))
        .collect();
    v.sort_by(|a, b| a.at_s.total_cmp(&b.at_s).then(b.end_s.is_some().cmp(&a.end_s.is_some())));
    v
}

/// The recording being adjudicated.
#[derive(Debug, Clone)]
pub struct RecordingState {
    pub case: Case,
    pub snap: Snapshot,
    /// Overview peaks (negative = not known yet).
    pub peaks: Vec<f32>,
    pub focus: Pane,
    /// Index into the codebook's domains.
    pub domain_sel: usize,
    /// Selected item in each coder's list: `[primary, secondary]`.
    pub item_sel: [usize; 2],
    pub items: [Vec<Item>; 2],
    /// The decisions being made, by domain key.
    pub drafts: BTreeMap<String, Draft>,
    /// Decisions changed since the last save.
    pub dirty: bool,
    /// A save is on its way.
    pub saving: bool,
}

impl RecordingState {
    pub fn new(case: Case, book: &Codebook, snap: Snapshot) -> Self {
        let drafts = adjudication::drafts_from(case.existing.as_ref());
        let first = case
            .diffs
            .first()
            .and_then(|d| book.domains.iter().position(|x| x.key == d.domain))
            .unwrap_or(0);
        let items = [items(&case.primary), items(&case.secondary)];
        RecordingState {
            case,
            snap,
            peaks: vec![],
            focus: Pane::Scores,
            domain_sel: first,
            item_sel: [0, 0],
            items,
            drafts,
            dirty: false,
            saving: false,
        }
    }

    pub fn duration_s(&self) -> f64 {
        self.case.duration_s
    }

    /// Moves the playhead now (so repeated keys add up) and asks the player to follow.
    pub fn seek_to(&mut self, t: f64) -> Effect {
        let d = self.duration_s();
        transport::seek(&mut self.snap, d, t).into()
    }

    pub fn on_overview(&mut self, total: usize, start: usize, peaks: &[f32]) {
        crate::tui::peaks::merge(&mut self.peaks, total, start, peaks);
    }
}

/// The whole adjudication UI state.
#[derive(Debug, Clone)]
pub struct AdjApp {
    pub codebook: Arc<Codebook>,
    pub keymap: Keymap,
    pub supervisor: String,
    pub study_name: String,
    pub tolerance: u8,
    pub size: Rect,
    pub now_ms: u64,
    pub screen: Screen,
    pub cases: Vec<Case>,
    pub selected: usize,
    pub recording: Option<RecordingState>,
    pub overlay: Option<Overlay>,
    pub notice: Option<(String, u64)>,
    pub quitting: bool,
}

impl AdjApp {
    pub fn new(
        codebook: Arc<Codebook>,
        keymap: Keymap,
        supervisor: &str,
        study_name: &str,
        tolerance: u8,
        cases: Vec<Case>,
    ) -> Self {
        AdjApp {
            codebook,
            keymap,
            supervisor: supervisor.to_string(),
            study_name: study_name.to_string(),
            tolerance,
            size: Rect::new(0, 0, 120, 40),
            now_ms: 0,
            screen: Screen::List,
            cases,
            selected: 0,
            recording: None,
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

    /// The domain key selected on the recording screen.
    pub fn selected_domain(&self) -> Option<&str> {
        let r = self.recording.as_ref()?;
        self.codebook.domains.get(r.domain_sel).map(|d| d.key.as_str())
    }
}

/// Applies one message; returns what the runner must do.
pub fn update(app: &mut AdjApp, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) if k.kind == KeyEventKind::Release => vec![],
        Msg::Key(k) => on_key(app, k),
        Msg::Mouse(m) => on_mouse(app, m),
        Msg::Tick(now) => {
            app.now_ms = now;
            vec![]
        }
        Msg::Resize(w, h) => {
            app.size = Rect::new(0, 0, w, h);
            vec![]
        }
        Msg::Paste(s) => {
            match app.overlay.as_mut() {
                Some(Overlay::Reason(p) | Overlay::GoTo(p)) => p.paste(&s),
                _ => app.notice("paste into a reason: Enter on a domain in disagreement"),
            }
            vec![]
        }
        Msg::Playback(s) => {
            if let Some(r) = app.recording.as_mut() {
                r.snap = s;
            }
            vec![]
        }
        Msg::Overview { total, start, peaks } => {
            if let Some(r) = app.recording.as_mut() {
                r.on_overview(total, start, &peaks);
            }
            vec![]
        }
        Msg::Opened { id, snapshot } => {
            let Some(case) = app.cases.iter().find(|c| c.recording == id).cloned() else {
                return vec![Effect::Close];
            };
            app.recording = Some(RecordingState::new(case, &app.codebook, snapshot));
            app.screen = Screen::Recording;
            app.overlay = None;
            vec![]
        }
        Msg::Saved(result) => {
            let Some(r) = app.recording.as_mut() else { return vec![] };
            r.saving = false;
            match result {
                Ok(adj) => {
                    let n = adj.decisions.len();
                    if let Some(c) = app.cases.iter_mut().find(|c| c.recording == adj.recording) {
                        c.existing = Some((*adj).clone());
                    }
                    r.case.existing = Some(*adj);
                    r.dirty = false;
                    let rec = r.case.recording.clone();
                    app.notice(format!(
                        "saved {n} decision(s) to supervisor/adjudications/{rec}.toml (the codings are unchanged)"
                    ));
                }
                Err(e) => app.notice(format!("not saved: {e}")),
            }
            vec![]
        }
        Msg::Terminate => terminate(app),
        Msg::Problem(text) => {
            app.notice(text);
            vec![]
        }
        Msg::List(cases) => {
            let id = app.cases.get(app.selected).map(|c| c.recording.clone());
            app.cases = cases;
            app.selected = id
                .and_then(|id| app.cases.iter().position(|c| c.recording == id))
                .unwrap_or(app.selected)
                .min(app.cases.len().saturating_sub(1));
            vec![]
        }
    }
}

fn on_key(app: &mut AdjApp, k: KeyEvent) -> Vec<Effect> {
    let ctrl_c = k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c');
    let action = app.keymap.action(&k);
    match app.overlay.take() {
        Some(Overlay::Help) => {
            if ctrl_c {
                return quit(app, false);
            }
            if !matches!(action, Some(Action::Help | Action::Back)) && k.code != KeyCode::Enter {
                app.overlay = Some(Overlay::Help);
            }
            vec![]
        }
        Some(Overlay::Leave { quit: q }) => {
            if ctrl_c {
                return quit(app, true);
            }
            match k.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => {
                    if q {
                        quit(app, true)
                    } else {
                        close(app, true)
                    }
                }
                KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => vec![],
                _ => {
                    app.overlay = Some(Overlay::Leave { quit: q });
                    vec![]
                }
            }
        }
        Some(Overlay::Reason(mut p)) => {
            if ctrl_c {
                app.overlay = Some(Overlay::Reason(p));
                return quit(app, false);
            }
            match p.edit(&k) {
                PromptOutcome::Editing => {
                    app.overlay = Some(Overlay::Reason(p));
                    vec![]
                }
                PromptOutcome::Cancel => vec![],
                PromptOutcome::Done(text) => reason_done(app, p, text),
            }
        }
        Some(Overlay::GoTo(mut p)) => {
            if ctrl_c {
                return quit(app, false);
            }
            match p.edit(&k) {
                PromptOutcome::Editing => {
                    app.overlay = Some(Overlay::GoTo(p));
                    vec![]
                }
                PromptOutcome::Cancel => vec![],
                PromptOutcome::Done(text) => goto_done(app, p, text),
            }
        }
        None if ctrl_c => quit(app, false),
        None => {
            if tui_layout::too_small(app.size) {
                return if action == Some(Action::Back) { back(app) } else { vec![] };
            }
            // `s` saves too (unless rebound to something else).
            let action = action.or(match k.code {
                KeyCode::Char('s') => Some(Action::Submit),
                _ => None,
            });
            match (app.screen, action) {
                (_, None) => vec![],
                (_, Some(Action::Help)) => {
                    app.overlay = Some(Overlay::Help);
                    vec![]
                }
                (_, Some(Action::Back)) => back(app),
                (Screen::List, Some(a)) => list_action(app, a),
                (Screen::Recording, Some(a)) => recording_action(app, a),
            }
        }
    }
}

fn back(app: &mut AdjApp) -> Vec<Effect> {
    match app.screen {
        Screen::List => quit(app, false),
        Screen::Recording => close(app, false),
    }
}

/// Leaves the recording screen; with unsaved decisions, asks first unless `force`.
fn close(app: &mut AdjApp, force: bool) -> Vec<Effect> {
    leave(app, force, false)
}

/// Quits; with unsaved decisions, asks first unless `force`.
fn quit(app: &mut AdjApp, force: bool) -> Vec<Effect> {
    leave(app, force, true)
}

/// Closes the recording (if one is open), then quits or goes back to the list.
fn leave(app: &mut AdjApp, force: bool, quit: bool) -> Vec<Effect> {
    if !force && app.recording.as_ref().is_some_and(|r| r.dirty) {
        app.overlay = Some(Overlay::Leave { quit });
        return vec![];
    }
    let mut fx = vec![];
    if let Some(r) = app.recording.take() {
        if r.snap.playing {
            fx.push(Effect::Pause);
        }
        fx.push(Effect::Close);
    }
    if quit {
        fx.push(Effect::Quit);
        app.quitting = true;
    } else {
        fx.push(Effect::RefreshList);
        app.screen = Screen::List;
        app.overlay = None;
    }
    fx
}

/// Quits at once; unsaved decisions are saved first when they are complete (each with its
/// reason), since nobody is there to answer a question.
fn terminate(app: &mut AdjApp) -> Vec<Effect> {
    let mut fx = vec![];
    if let Some(r) = app.recording.as_ref().filter(|r| r.dirty && !r.saving)
        && let Ok(adj) = adjudication::build(&app.codebook, &r.case, &app.supervisor, "", &r.drafts)
    {
        fx.push(Effect::Save(Box::new(adj)));
    }
    fx.extend(quit(app, true));
    fx
}

fn list_action(app: &mut AdjApp, a: Action) -> Vec<Effect> {
    let n = app.cases.len();
    match a {
        Action::Up => app.selected = app.selected.saturating_sub(1),
        Action::Down => app.selected = (app.selected + 1).min(n.saturating_sub(1)),
        Action::Start => app.selected = 0,
        Action::End => app.selected = n.saturating_sub(1),
        Action::Activate => return open_selected(app),
        _ => {}
    }
    vec![]
}

fn open_selected(app: &mut AdjApp) -> Vec<Effect> {
    match app.cases.get(app.selected) {
        None => {
            app.notice("nothing to adjudicate");
            vec![]
        }
        Some(c) => vec![Effect::Open { id: c.recording.clone(), duration_s: c.duration_s }],
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

fn recording_action(app: &mut AdjApp, a: Action) -> Vec<Effect> {
    let n_domains = app.codebook.domains.len();
    let Some(r) = app.recording.as_mut() else { return vec![] };
    let duration_s = r.duration_s();
    if let Some(t) = transport::on_action(a, &mut r.snap, duration_s) {
        return t.into_iter().map(Effect::from).collect();
    }
    match a {
        // Handled by `transport::on_action` above.
        crate::transport_actions!() => vec![],
        Action::GoTo => {
            app.overlay = Some(Overlay::GoTo(Prompt::new(PromptKind::GoTo, "")));
            vec![]
        }
        Action::FocusNext => {
            r.focus = r.focus.next();
            vec![]
        }
        Action::FocusPrev => {
            r.focus = r.focus.prev();
            vec![]
        }
        Action::Up | Action::Down => {
            let down = a == Action::Down;
            match r.focus {
                Pane::Scores => r.domain_sel = step(r.domain_sel, n_domains, down),
                Pane::Primary => r.item_sel[0] = step(r.item_sel[0], r.items[0].len(), down),
                Pane::Secondary => r.item_sel[1] = step(r.item_sel[1], r.items[1].len(), down),
            }
            vec![]
        }
        Action::Activate => match r.focus {
            Pane::Scores => {
                open_reason(app);
                vec![]
            }
            Pane::Primary | Pane::Secondary => {
                let i = usize::from(r.focus == Pane::Secondary);
                match r.items[i].get(r.item_sel[i]).map(|it| it.at_s) {
                    Some(t) => vec![r.seek_to(t)],
                    None => vec![],
                }
            }
        },
        Action::Score(level) => {
            set_score(app, Some(level));
            vec![]
        }
        Action::ClearScore | Action::Delete => {
            set_score(app, None);
            vec![]
        }
        Action::Submit => save(app),
        Action::SegmentBegin | Action::SegmentEnd | Action::Note => {
            app.notice(
                "the coders' segments and notes are theirs: adjudication never changes them",
            );
            vec![]
        }
        Action::Help => {
            app.overlay = Some(Overlay::Help);
            vec![]
        }
        Action::Back => close(app, false),
    }
}

/// The selected domain if it is in disagreement, else a notice and `None`.
fn disputed_selection(app: &mut AdjApp) -> Option<(String, String)> {
    let r = app.recording.as_ref()?;
    if r.focus != Pane::Scores {
        app.notice("final scores are given in the scores pane: press Tab to get there");
        return None;
    }
    let d = app.codebook.domains.get(r.domain_sel)?;
    let (key, label) = (d.key.clone(), d.label.clone());
    if r.case.diff(&key).is_none() {
        app.notice(format!(
            "{label}: the coders agree within ±{}; only disagreements are adjudicated",
            app.tolerance
        ));
        return None;
    }
    Some((key, label))
}

fn set_score(app: &mut AdjApp, level: Option<u8>) {
    // A decision can always be cleared, even on a domain no longer in disagreement (the
    // tolerance in study.toml may have changed since it was made).
    if level.is_none()
        && let Some(r) = app.recording.as_mut()
        && r.focus == Pane::Scores
        && let Some(d) = app.codebook.domains.get(r.domain_sel)
        && r.drafts.remove(&d.key).is_some()
    {
        r.dirty = true;
        let label = d.label.clone();
        app.notice(format!("{label}: decision cleared"));
        return;
    }
    let Some((key, label)) = disputed_selection(app) else { return };
    let (min, max) = (app.codebook.scale.min, app.codebook.scale.max);
    let Some(r) = app.recording.as_mut() else { return };
    match level {
        Some(l) if (min..=max).contains(&l) => {
            let d = r.drafts.entry(key.clone()).or_default();
            let changed = d.score != Some(l);
            d.score = Some(l);
            r.dirty |= changed;
            if d.reason.trim().is_empty() {
                let p = Prompt::new(PromptKind::Rationale { domain: key, label }, "");
                app.overlay = Some(Overlay::Reason(p));
            }
        }
        Some(_) => {}
        None => {}
    }
}

fn open_reason(app: &mut AdjApp) {
    let Some((key, label)) = disputed_selection(app) else { return };
    let Some(r) = app.recording.as_ref() else { return };
    let current = r.drafts.get(&key).map(|d| d.reason.clone()).unwrap_or_default();
    app.overlay =
        Some(Overlay::Reason(Prompt::new(PromptKind::Rationale { domain: key, label }, &current)));
}

fn reason_done(app: &mut AdjApp, mut p: Prompt, text: String) -> Vec<Effect> {
    let PromptKind::Rationale { domain, .. } = &p.kind else { return vec![] };
    let domain = domain.clone();
    let text = text.trim().to_string();
    if text.is_empty() {
        p.error = Some("a reason is required: say why this score settles it (Esc: later)".into());
        app.overlay = Some(Overlay::Reason(p));
        return vec![];
    }
    let Some(r) = app.recording.as_mut() else { return vec![] };
    let d = r.drafts.entry(domain).or_default();
    if d.reason != text {
        d.reason = text;
        r.dirty = true;
    }
    if d.score.is_none() {
        app.notice("reason kept: now choose the final score (1–5)");
    }
    vec![]
}

fn goto_done(app: &mut AdjApp, mut p: Prompt, text: String) -> Vec<Effect> {
    let Some(r) = app.recording.as_mut() else { return vec![] };
    match crate::tui::format::parse_go_to(&text) {
        Ok(t) if t <= r.duration_s() => vec![r.seek_to(t)],
        Ok(_) => {
            p.error = Some(format!(
                "past the end ({}): give a time within the recording",
                crate::tui::format::hms(r.duration_s())
            ));
            app.overlay = Some(Overlay::GoTo(p));
            vec![]
        }
        Err(why) => {
            p.error = Some(why);
            app.overlay = Some(Overlay::GoTo(p));
            vec![]
        }
    }
}

/// Checks the decisions and asks the runner to save them; refuses (with the first problem shown
/// and selected) while any decided domain lacks a reason.
fn save(app: &mut AdjApp) -> Vec<Effect> {
    let book = Arc::clone(&app.codebook);
    let supervisor = app.supervisor.clone();
    let Some(r) = app.recording.as_mut() else { return vec![] };
    if r.saving {
        app.notice("saving…");
        return vec![];
    }
    match adjudication::build(&book, &r.case, &supervisor, "", &r.drafts) {
        Ok(adj) => {
            r.saving = true;
            vec![Effect::Save(Box::new(adj))]
        }
        Err(problems) => {
            let first_domain = problems.iter().find_map(|p| match p {
                adjudication::DecisionProblem::MissingReason { domain, .. }
                | adjudication::DecisionProblem::MissingScore { domain, .. }
                | adjudication::DecisionProblem::NotInDisagreement { domain, .. }
                | adjudication::DecisionProblem::OutOfScale { domain, .. } => Some(domain.clone()),
                _ => None,
            });
            if let Some(i) = first_domain.and_then(|d| book.domains.iter().position(|x| x.key == d))
            {
                r.domain_sel = i;
                r.focus = Pane::Scores;
            }
            let more = problems.len().saturating_sub(1);
            let first = problems.first().map(ToString::to_string).unwrap_or_default();
            let tail = if more > 0 { format!(" (and {more} more)") } else { String::new() };
            app.notice(format!("not saved — {first}{tail}"));
            vec![]
        }
    }
}

fn on_mouse(app: &mut AdjApp, m: MouseEvent) -> Vec<Effect> {
    if tui_layout::too_small(app.size) || app.overlay.is_some() {
        return vec![];
    }
    let (x, y) = (m.column, m.row);
    match app.screen {
        Screen::List => {
            let l = view::list_layout(app.size);
            match m.kind {
                MouseEventKind::Down(MouseButton::Left) => {
                    if let Some(i) = row_at(l.rows, y, app.selected, app.cases.len()) {
                        if i == app.selected {
                            return open_selected(app);
                        }
                        app.selected = i;
                    }
                }
                MouseEventKind::ScrollDown => {
                    list_action(app, Action::Down);
                }
                MouseEventKind::ScrollUp => {
                    list_action(app, Action::Up);
                }
                _ => {}
            }
            vec![]
        }
        Screen::Recording => {
            let l = view::recording_layout(app.size, app.codebook.domains.len());
            let Some(r) = app.recording.as_mut() else { return vec![] };
            let over_timeline = contains(l.wave, x, y);
            match m.kind {
                MouseEventKind::Down(MouseButton::Left)
                | MouseEventKind::Drag(MouseButton::Left)
                    if over_timeline =>
                {
                    let t = time_at(l.wave, x, 0.0, r.duration_s());
                    vec![r.seek_to(t)]
                }
                MouseEventKind::ScrollUp if over_timeline => {
                    vec![r.seek_to(r.snap.position_s - STEP_S)]
                }
                MouseEventKind::ScrollDown if over_timeline => {
                    vec![r.seek_to(r.snap.position_s + STEP_S)]
                }
                MouseEventKind::Down(MouseButton::Left) => {
                    if let Some(i) =
                        row_at(l.score_rows, y, r.domain_sel, app.codebook.domains.len())
                            .filter(|_| contains(l.scores, x, y))
                    {
                        r.focus = Pane::Scores;
                        r.domain_sel = i;
                    } else {
                        for (k, (pane, rows)) in
                            [(Pane::Primary, l.primary_rows), (Pane::Secondary, l.secondary_rows)]
                                .into_iter()
                                .enumerate()
                        {
                            if let Some(i) = row_at(rows, y, r.item_sel[k], r.items[k].len())
                                .filter(|_| contains(rows, x, y))
                            {
                                r.focus = pane;
                                r.item_sel[k] = i;
                            }
                        }
                    }
                    vec![]
                }
                _ => vec![],
            }
        }
    }
}
