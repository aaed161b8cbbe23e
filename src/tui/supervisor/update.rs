//! The supervisor app's `update`: the only place its state changes. Pure, like the coder's: it
//! returns [`Effect`]s that the runtime carries out (opening the player, saving the adjudication),
//! so every key is testable by feeding messages. This file holds what is common (overlays,
//! leaving, the runtime's answers); each screen's keys and mouse are in its folder.
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent};

use crate::study::adjudication;
use crate::tui::keys::Action;
use crate::tui::layout;
use crate::tui::shell::keep_selection;
use crate::tui::shell::prompt::{Prompt, PromptOutcome};
use crate::tui::supervisor::list::update as list_update;
use crate::tui::supervisor::model::{AdjApp, Effect, Job, Msg, Overlay, Screen, Step};
use crate::tui::supervisor::recording::RecordingState;
use crate::tui::supervisor::recording::update::{self as recording_update, Ctx};
use crate::tui::transport::Transport;

/// Applies one message; returns what the runtime must do.
pub fn update(app: &mut AdjApp, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) if k.kind == KeyEventKind::Release => vec![],
        Msg::Key(k) => on_key(app, k),
        Msg::Mouse(m) => on_mouse(app, m),
        Msg::Tick(now) => {
            app.shell.now_ms = now;
            autosave(app, false)
        }
        Msg::Resize(w, h) => {
            app.shell.resize(w, h);
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
            if let Some(r) = app.recording_mut() {
                r.snap = s;
            }
            vec![]
        }
        Msg::Overview { total, start, peaks } => {
            if let Some(r) = app.recording_mut() {
                r.on_overview(total, start, &peaks);
            }
            vec![]
        }
        Msg::Zoom { index, peaks } => {
            if let Some(r) = app.recording_mut() {
                let at = r.snap.position_s;
                r.zoom_peaks.merge(index, &peaks, at);
            }
            vec![]
        }
        Msg::Opened { id, snapshot, draft, transcript } => {
            let Some(case) = app.list.cases.iter().find(|c| c.recording == id).cloned() else {
                return vec![Effect::Close];
            };
            let (transcript, problem) = match transcript {
                Ok(t) => (t, None),
                Err(e) => (None, Some(e)),
            };
            if let Some(book) = app.instruments.iter().find(|b| b.id == case.primary.codebook.id) {
                app.shell.codebook = std::sync::Arc::clone(book);
            }
            let mut r = RecordingState::new(case, &app.shell.codebook, snapshot);
            // The pane is shown when there is a transcript.
            r.tpane = crate::tui::transcript_pane::open(transcript.map(|t| *t));
            if let Some(p) = problem {
                app.shell.notice(p);
            }
            // Only the supervisor's own draft comes back (another's is replaced at the next
            // autosave).
            if let Some(d) = draft.filter(|d| d.supervisor == app.supervisor) {
                r.restore(&d);
                if r.dirty {
                    app.shell.notice(format!(
                        "unsaved decisions restored from supervisor/drafts/{id}.toml (S saves them)"
                    ));
                }
            }
            app.screen = Screen::Recording(Box::new(r));
            app.overlay = None;
            vec![]
        }
        Msg::Saved(result) => {
            on_saved(app, result);
            vec![]
        }
        Msg::Terminate => terminate(app),
        Msg::Problem(text) => {
            app.notice(text);
            vec![]
        }
        Msg::List(cases) => {
            let old = app.list.cases.get(app.list.selected).map(|c| c.recording.clone());
            app.list.selected =
                keep_selection(old.as_deref(), app.list.selected, &cases, |c| &c.recording);
            app.list.cases = cases;
            vec![]
        }
    }
}

fn on_saved(app: &mut AdjApp, result: Result<Box<crate::study::model::Adjudication>, String>) {
    let Screen::Recording(r) = &mut app.screen else { return };
    r.saving = false;
    match result {
        Ok(adj) => {
            let n = adj.decisions.len();
            if let Some(c) = app.list.cases.iter_mut().find(|c| c.recording == adj.recording) {
                c.existing = Some((*adj).clone());
            }
            r.case.existing = Some(*adj);
            // The worker removed the draft once the adjudication was written.
            r.draft_on_disk = false;
            // Decisions changed while the save was on its way are still unsaved.
            r.dirty = r.drafts != adjudication::drafts_from(r.case.existing.as_ref());
            let rec = r.case.recording.clone();
            app.notice(format!(
                "saved {n} decision(s) to supervisor/adjudications/{rec}.toml (the codings are unchanged)"
            ));
        }
        Err(e) => {
            // Keep the decisions as a draft meanwhile (the save may have come before the
            // autosave).
            if r.dirty {
                r.edited_at = Some(app.shell.now_ms);
            }
            app.notice(format!("not saved: {e}"));
        }
    }
}

fn on_key(app: &mut AdjApp, k: KeyEvent) -> Vec<Effect> {
    let ctrl_c = k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c');
    let action = app.shell.keymap.action(&k);
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
        Some(Overlay::Leave { quit: q }) => on_leave_key(app, q, ctrl_c, &k),
        Some(Overlay::Rationales { scroll }) => {
            if ctrl_c {
                return quit(app, false);
            }
            on_recording(app, |cx, r| recording_update::rationales_key(cx, r, scroll, action, &k))
        }
        Some(Overlay::ReasonChoice { domain, label, previous }) => {
            if ctrl_c {
                app.overlay = Some(Overlay::ReasonChoice { domain, label, previous });
                return quit(app, false);
            }
            on_recording(app, |cx, r| {
                recording_update::reason_choice_key(cx, r, (domain, label, previous), &k)
            })
        }
        Some(Overlay::Reason(p)) => prompt_key(app, p, false, ctrl_c, &k),
        Some(Overlay::GoTo(p)) => prompt_key(app, p, true, ctrl_c, &k),
        None if ctrl_c => quit(app, false),
        None => on_screen_key(app, action, &k),
    }
}

/// A key in the reason prompt or (`goto`) the go-to prompt: edit, cancel, or hand the text to the
/// recording screen. Ctrl+C quits (keeping a typed reason for the unsaved-decisions question).
fn prompt_key(
    app: &mut AdjApp,
    mut p: Prompt,
    goto: bool,
    ctrl_c: bool,
    k: &KeyEvent,
) -> Vec<Effect> {
    let keep = |p: Prompt| if goto { Overlay::GoTo(p) } else { Overlay::Reason(p) };
    if ctrl_c {
        if !goto {
            app.overlay = Some(keep(p));
        }
        return quit(app, false);
    }
    match p.edit(k) {
        PromptOutcome::Editing => {
            app.overlay = Some(keep(p));
            vec![]
        }
        PromptOutcome::Cancel => vec![],
        PromptOutcome::Done(text) if goto => {
            on_recording(app, |cx, r| recording_update::goto_done(cx, r, p, text))
        }
        PromptOutcome::Done(text) => {
            on_recording(app, |cx, r| recording_update::reason_done(cx, r, p, text))
        }
    }
}

/// The leave-with-unsaved-decisions question: only `y` leaves (and drops the draft); Enter, `n`,
/// `q` and Esc stay, so a stray Enter never loses decisions.
fn on_leave_key(app: &mut AdjApp, q: bool, ctrl_c: bool, k: &KeyEvent) -> Vec<Effect> {
    if ctrl_c {
        return quit(app, true);
    }
    match k.code {
        KeyCode::Char('y' | 'Y') => {
            if q {
                quit(app, true)
            } else {
                close(app, true)
            }
        }
        KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc | KeyCode::Enter => vec![],
        _ => {
            app.overlay = Some(Overlay::Leave { quit: q });
            vec![]
        }
    }
}

fn on_screen_key(app: &mut AdjApp, action: Option<Action>, k: &KeyEvent) -> Vec<Effect> {
    if layout::too_small(app.shell.size) {
        return if action == Some(Action::Back) { back(app) } else { vec![] };
    }
    // `s` saves too (unless rebound to something else).
    let action = action.or(match k.code {
        KeyCode::Char('s') => Some(Action::Submit),
        _ => None,
    });
    match (&app.screen, action) {
        (_, None) => vec![],
        (_, Some(Action::Help)) => {
            app.overlay = Some(Overlay::Help);
            vec![]
        }
        (_, Some(Action::Back)) => back(app),
        (Screen::List, Some(a)) => list_update::on_action(app, a),
        (Screen::Recording(_), Some(a)) => {
            on_recording(app, |cx, r| recording_update::on_action(cx, r, a))
        }
    }
}

/// Runs a part of the recording screen's update on its state; leaving goes back to the list
/// (asking first when decisions are unsaved).
fn on_recording(
    app: &mut AdjApp,
    f: impl FnOnce(&mut Ctx, &mut RecordingState) -> Step,
) -> Vec<Effect> {
    let Screen::Recording(r) = &mut app.screen else { return vec![] };
    let before = r.drafts.clone();
    let mut cx = Ctx {
        shell: &mut app.shell,
        overlay: &mut app.overlay,
        supervisor: &app.supervisor,
        tolerance: app.tolerance,
    };
    let step = f(&mut cx, r);
    // Any change to the decisions is autosaved `DRAFT_MS` after the last one.
    if r.drafts != before {
        r.edited_at = Some(app.shell.now_ms);
    }
    match step {
        Step::Stay(fx) => fx,
        Step::Leave => close(app, false),
    }
}

fn back(app: &mut AdjApp) -> Vec<Effect> {
    match app.screen {
        Screen::List => quit(app, false),
        Screen::Recording(_) => close(app, false),
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

/// Closes the recording (if one is open), then quits or goes back to the list. Its draft, if on
/// disk, goes: the decisions are saved, or the supervisor chose to leave them.
fn leave(app: &mut AdjApp, force: bool, quit: bool) -> Vec<Effect> {
    if !force && app.recording().is_some_and(|r| r.dirty) {
        app.overlay = Some(Overlay::Leave { quit });
        return vec![];
    }
    let mut fx = vec![];
    if let Some(r) = app.recording().filter(|r| r.draft_on_disk) {
        fx.push(Effect::Disk(Job::DiscardDraft(r.case.recording.clone())));
    }
    fx.extend(close_recording(app));
    finish_leaving(app, quit, fx)
}

/// Stops the player and leaves the recording screen (nothing is saved or removed here).
fn close_recording(app: &mut AdjApp) -> Vec<Effect> {
    let mut fx = vec![];
    if let Screen::Recording(r) = std::mem::replace(&mut app.screen, Screen::List) {
        if r.snap.playing {
            fx.push(Effect::from(Transport::Pause));
        }
        fx.push(Effect::Close);
    }
    fx
}

fn finish_leaving(app: &mut AdjApp, quit: bool, mut fx: Vec<Effect>) -> Vec<Effect> {
    if quit {
        fx.push(Effect::Quit);
        app.quitting = true;
    } else {
        fx.push(Effect::Disk(Job::RefreshList));
        app.overlay = None;
    }
    fx
}

/// Quits at once; unsaved decisions are saved first when they are complete (each with its
/// reason), since nobody is there to answer a question, and kept as a draft when they are not.
fn terminate(app: &mut AdjApp) -> Vec<Effect> {
    let mut fx = vec![];
    let built = app
        .recording()
        .filter(|r| r.dirty && !r.saving)
        .map(|r| adjudication::build(&app.shell.codebook, &r.case, &app.supervisor, "", &r.drafts));
    match built {
        Some(Ok(adj)) => fx.push(Effect::Disk(Job::Save(Box::new(adj)))),
        Some(Err(_)) => fx.extend(autosave(app, true)),
        None => {}
    }
    fx.extend(close_recording(app));
    finish_leaving(app, true, fx)
}

/// How long after the last change to the decisions they are autosaved as a draft.
pub const DRAFT_MS: u64 = 300;

/// The draft autosave, `DRAFT_MS` after the last change (or at once with `now`): the decisions
/// to `supervisor/drafts/`, or the draft removed when they are the saved ones again.
fn autosave(app: &mut AdjApp, now: bool) -> Vec<Effect> {
    let clock = app.shell.now_ms;
    let supervisor = app.supervisor.clone();
    let Some(r) = app.recording_mut() else { return vec![] };
    let due = r.edited_at.is_some_and(|t| now || clock >= t.saturating_add(DRAFT_MS));
    if !due || r.saving {
        return vec![];
    }
    r.edited_at = None;
    let rec = r.case.recording.clone();
    if r.dirty {
        r.draft_on_disk = true;
        vec![Effect::Disk(Job::SaveDraft(Box::new(adjudication::draft_file(
            &rec,
            &supervisor,
            &r.drafts,
        ))))]
    } else if std::mem::take(&mut r.draft_on_disk) {
        vec![Effect::Disk(Job::DiscardDraft(rec))]
    } else {
        vec![]
    }
}

fn on_mouse(app: &mut AdjApp, m: MouseEvent) -> Vec<Effect> {
    let Some(m) = app.shell.mouse_for_screen(m, app.overlay.is_some()) else { return vec![] };
    let (x, y) = (m.column, m.row);
    match app.screen {
        Screen::List => list_update::on_mouse(app, m.kind, y),
        Screen::Recording(_) => {
            on_recording(app, |cx, r| recording_update::on_mouse(cx, r, m.kind, x, y))
        }
    }
}
