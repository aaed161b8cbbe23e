//! The recording screen's part of `update`: its keys, the answers to its prompts, and its mouse.
//! Pure: state changes and effects, no I/O. Every function gets the screen's own state (so there
//! is always a recording) and what of the app it may read or change.
use super::view::recording_layout_with;
use super::{Pane, RecordingState};
use crate::study::adjudication::{self, DecisionProblem};
use crate::timefmt::{Clock, hms};
use crate::tui::keys::Action;
use crate::tui::layout::{contains, row_at};
use crate::tui::shell::prompt::{Prompt, PromptKind, parse_go_to};
use crate::tui::shell::{Shell, step};
use crate::tui::supervisor::model::{Effect, Job, Overlay, Step};
use crate::tui::transcript_pane::{Transcribed, cue_s, searched_notice};
use crate::tui::transport;
use crate::tui::widgets::timeline::time_at;

use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEventKind};

/// What the recording screen's update may read or change besides its own state.
pub struct Ctx<'a> {
    pub shell: &'a mut Shell,
    pub overlay: &'a mut Option<Overlay>,
    pub supervisor: &'a str,
    pub tolerance: u8,
}

fn stay() -> Step {
    Step::Stay(vec![])
}

fn seek(r: &mut RecordingState, t: f64) -> Step {
    Step::Stay(vec![r.seek_to(t).into()])
}

pub fn on_action(cx: &mut Ctx, r: &mut RecordingState, a: Action) -> Step {
    let duration_s = r.duration_s();
    if let Some(t) = transport::on_action(a, &mut r.snap, duration_s) {
        return Step::Stay(t.into_iter().map(Effect::from).collect());
    }
    let n_domains = cx.shell.codebook.domains.len();
    match a {
        // Handled by `transport::on_action` above.
        crate::transport_actions!() => stay(),
        Action::GoTo => {
            *cx.overlay = Some(Overlay::GoTo(Prompt::new(PromptKind::GoTo, "")));
            stay()
        }
        Action::FocusNext | Action::FocusPrev => {
            r.focus_step(a == Action::FocusNext);
            stay()
        }
        Action::Up | Action::Down => {
            let down = a == Action::Down;
            match r.focus {
                Pane::Scores => r.domain_sel = step(r.domain_sel, n_domains, down),
                Pane::Primary => r.item_sel[0] = step(r.item_sel[0], r.items[0].len(), down),
                Pane::Secondary => r.item_sel[1] = step(r.item_sel[1], r.items[1].len(), down),
                Pane::Transcript => r.tpane.sel = step(r.tpane.sel, r.cues().len(), down),
            }
            stay()
        }
        Action::Activate => activate(cx, r),
        Action::Score(level) => {
            set_score(cx, r, Some(level));
            stay()
        }
        Action::ClearScore | Action::Delete => {
            set_score(cx, r, None);
            stay()
        }
        Action::Submit => Step::Stay(save(cx, r)),
        // With a search in the focused transcript pane, `n` / `N` go through its matches.
        Action::Note | Action::SegmentNote
            if r.focus == Pane::Transcript && r.tpane.searching() =>
        {
            r.tpane.next_match(a == Action::Note);
            say_match(cx, r);
            stay()
        }
        Action::SegmentBegin
        | Action::SegmentEnd
        | Action::SegmentStartHere
        | Action::SegmentEndHere
        | Action::SegmentNote
        | Action::Note
        | Action::NoteDomains => {
            cx.shell.notice(
                "the coders' segments and notes are theirs: adjudication never changes them",
            );
            stay()
        }
        Action::Undo | Action::Redo => {
            cx.shell.notice("undo is for coding: here, choose the final score again");
            stay()
        }
        Action::ZoomIn | Action::ZoomOut => {
            if let Some(n) = r.zoom.key(a == Action::ZoomIn) {
                cx.shell.notice(n);
            }
            stay()
        }
        Action::Help => {
            *cx.overlay = Some(Overlay::Help);
            stay()
        }
        Action::Back => Step::Leave,
        Action::Rationales => {
            *cx.overlay = Some(Overlay::Rationales { scroll: 0 });
            stay()
        }
        // Nothing scrolls by pages here but the rationales (`v`).
        Action::PageUp | Action::PageDown => stay(),
        Action::Transcript => {
            toggle_transcript(cx, r);
            stay()
        }
        Action::Search => {
            if r.tpane.transcript.is_some() {
                *cx.overlay = Some(Overlay::GoTo(Prompt::new(PromptKind::Search, "")));
            } else {
                cx.shell.notice("no transcript is attached to this recording: nothing to search");
            }
            stay()
        }
    }
}

/// A key in the full rationales: ↑↓ and PageUp/PageDown scroll, `v`, Enter, `q` / Esc close.
pub fn rationales_key(
    cx: &mut Ctx,
    r: &mut RecordingState,
    scroll: u16,
    action: Option<Action>,
    k: &KeyEvent,
) -> Step {
    let (page, max) = super::view::rationales_extent(cx.shell, r);
    let scroll = match action {
        Some(Action::Back | Action::Rationales | Action::Help) => return stay(),
        _ if k.code == KeyCode::Enter => return stay(),
        Some(Action::Up) => scroll.saturating_sub(1),
        Some(Action::Down) => scroll.saturating_add(1),
        Some(Action::PageUp) => scroll.saturating_sub(page),
        Some(Action::PageDown) => scroll.saturating_add(page),
        Some(Action::Start) => 0,
        Some(Action::End) => max,
        _ => scroll,
    };
    *cx.overlay = Some(Overlay::Rationales { scroll: scroll.min(max) });
    stay()
}

/// The answer to "the final score changed: the old reason?": `k` keep it, `e` / Enter edit it,
/// `c` clear it and write a new one, Esc put the old score back.
pub fn reason_choice_key(
    cx: &mut Ctx,
    r: &mut RecordingState,
    (domain, label, previous): (String, String, Option<u8>),
    k: &KeyEvent,
) -> Step {
    let reason = r.drafts.get(&domain).map(|d| d.reason.clone()).unwrap_or_default();
    let prompt = |text: &str| {
        let kind = PromptKind::Rationale { domain: domain.clone(), label: label.clone() };
        Overlay::Reason(Prompt::new(kind, text))
    };
    match k.code {
        KeyCode::Char('k' | 'K') => cx.shell.notice(format!("{label}: reason kept")),
        KeyCode::Char('e' | 'E') | KeyCode::Enter => *cx.overlay = Some(prompt(&reason)),
        KeyCode::Char('c' | 'C') => {
            if let Some(d) = r.drafts.get_mut(&domain) {
                d.reason.clear();
            }
            r.dirty = true;
            *cx.overlay = Some(prompt(""));
        }
        KeyCode::Esc => {
            if let Some(d) = r.drafts.get_mut(&domain) {
                d.score = previous;
            }
            r.dirty = r.drafts != adjudication::drafts_from(r.case.existing.as_ref());
            cx.shell.notice(format!("{label}: final score unchanged"));
        }
        _ => *cx.overlay = Some(Overlay::ReasonChoice { domain, label, previous }),
    }
    stay()
}

fn activate(cx: &mut Ctx, r: &mut RecordingState) -> Step {
    match r.focus {
        Pane::Scores => {
            open_reason(cx, r);
            stay()
        }
        Pane::Primary | Pane::Secondary => {
            let i = usize::from(r.focus == Pane::Secondary);
            match r.items[i].get(r.item_sel[i]).map(|it| it.at_s) {
                Some(t) => seek(r, t),
                None => stay(),
            }
        }
        Pane::Transcript => match r.cues().get(r.tpane.sel).map(|q| cue_s(q.start_ms)) {
            Some(t) => seek(r, t),
            None => stay(),
        },
    }
}

/// `T`: the transcript pane shown or hidden (focus goes back to the scores when hidden).
fn toggle_transcript(cx: &mut Ctx, r: &mut RecordingState) {
    let key = cx.shell.keymap.keys_for(Action::Transcript).join("/");
    let said = r.tpane.toggle(r.tpane.transcript.is_some(), &key);
    if !r.tpane.visible && r.focus == Pane::Transcript {
        r.focus = Pane::Scores;
    }
    cx.shell.notice(said);
}

/// "match 2 of 5 at 1:02", after a search or `n` / `N`.
fn say_match(cx: &mut Ctx, r: &RecordingState) {
    let clock = Clock::for_duration(r.duration_s());
    cx.shell.notice(r.tpane.match_notice(r.cues(), clock, &cx.shell.keymap));
}

/// The search typed at `/`: its matches, the first at or after the cue at the playhead selected
/// in the pane, which is shown and focused. An empty search clears it.
pub fn search_done(cx: &mut Ctx, r: &mut RecordingState, text: &str) -> Step {
    let Some(t) = r.tpane.transcript.clone() else { return stay() };
    let from = if r.focus == Pane::Transcript { r.tpane.sel } else { r.cue_near_playhead() };
    if let Some(n) = searched_notice(&r.tpane.search(&t, text, from), text) {
        cx.shell.notice(n);
    } else {
        r.focus = Pane::Transcript;
        say_match(cx, r);
    }
    stay()
}

/// The selected domain if it is in disagreement, else a notice and `None`.
fn disputed_selection(cx: &mut Ctx, r: &RecordingState) -> Option<(String, String)> {
    if r.focus != Pane::Scores {
        cx.shell.notice("final scores are given in the scores pane: press Tab to get there");
        return None;
    }
    let d = cx.shell.codebook.domains.get(r.domain_sel)?;
    let (key, label) = (d.key.clone(), d.label.clone());
    if r.case.diff(&key).is_none() {
        cx.shell.notice(format!(
            "{label}: the coders agree within ±{}; only disagreements are adjudicated",
            cx.tolerance
        ));
        return None;
    }
    Some((key, label))
}

fn set_score(cx: &mut Ctx, r: &mut RecordingState, level: Option<u8>) {
    // A decision can always be cleared, even on a domain no longer in disagreement (the
    // tolerance in study.toml may have changed since it was made).
    if level.is_none()
        && r.focus == Pane::Scores
        && let Some(d) = cx.shell.codebook.domains.get(r.domain_sel)
        && r.drafts.remove(&d.key).is_some()
    {
        r.dirty = true;
        let label = d.label.clone();
        cx.shell.notice(format!("{label}: decision cleared"));
        return;
    }
    let Some((key, label)) = disputed_selection(cx, r) else { return };
    let (min, max) = (cx.shell.codebook.scale.min, cx.shell.codebook.scale.max);
    if let Some(l) = level.filter(|l| (min..=max).contains(l)) {
        let d = r.drafts.entry(key.clone()).or_default();
        let previous = d.score;
        let changed = previous != Some(l);
        d.score = Some(l);
        r.dirty |= changed;
        if d.reason.trim().is_empty() {
            let p = Prompt::new(PromptKind::Rationale { domain: key, label }, "");
            *cx.overlay = Some(Overlay::Reason(p));
        } else if changed && previous.is_some() {
            // The reason was written for the old score: ask what becomes of it.
            *cx.overlay = Some(Overlay::ReasonChoice { domain: key, label, previous });
        }
    }
}

fn open_reason(cx: &mut Ctx, r: &RecordingState) {
    let Some((key, label)) = disputed_selection(cx, r) else { return };
    let current = r.drafts.get(&key).map(|d| d.reason.clone()).unwrap_or_default();
    let kind = PromptKind::Rationale { domain: key, label };
    *cx.overlay = Some(Overlay::Reason(Prompt::new(kind, &current)));
}

pub fn reason_done(cx: &mut Ctx, r: &mut RecordingState, mut p: Prompt, text: String) -> Step {
    let PromptKind::Rationale { domain, .. } = &p.kind else { return stay() };
    let domain = domain.clone();
    let text = text.trim().to_string();
    if text.is_empty() {
        p.error = Some("a reason is required: say why this score settles it (Esc: later)".into());
        *cx.overlay = Some(Overlay::Reason(p));
        return stay();
    }
    let d = r.drafts.entry(domain).or_default();
    if d.reason != text {
        d.reason = text;
        r.dirty = true;
    }
    if d.score.is_none() {
        cx.shell.notice("reason kept: now choose the final score (1–5)");
    }
    stay()
}

pub fn goto_done(cx: &mut Ctx, r: &mut RecordingState, mut p: Prompt, text: String) -> Step {
    if p.kind == PromptKind::Search {
        return search_done(cx, r, &text);
    }
    match parse_go_to(&text) {
        Ok(t) if t <= r.duration_s() => return seek(r, t),
        Ok(_) => {
            p.error = Some(format!(
                "past the end ({}): give a time within the recording",
                hms(r.duration_s())
            ));
        }
        Err(why) => p.error = Some(why),
    }
    *cx.overlay = Some(Overlay::GoTo(p));
    stay()
}

/// Checks the decisions and asks the runtime to save them; refuses (with the first problem shown
/// and selected) while any decided domain lacks a reason.
pub fn save(cx: &mut Ctx, r: &mut RecordingState) -> Vec<Effect> {
    if r.saving {
        cx.shell.notice("saving…");
        return vec![];
    }
    let book = &cx.shell.codebook;
    match adjudication::build(book, &r.case, cx.supervisor, "", &r.drafts) {
        Ok(adj) => {
            r.saving = true;
            // The save removes the draft: nothing is left to autosave.
            r.edited_at = None;
            vec![Effect::Disk(Job::Save(Box::new(adj)))]
        }
        Err(problems) => {
            let first_domain = problems.iter().find_map(|p| match p {
                DecisionProblem::MissingReason { domain, .. }
                | DecisionProblem::MissingScore { domain, .. }
                | DecisionProblem::NotInDisagreement { domain, .. }
                | DecisionProblem::OutOfScale { domain, .. } => Some(domain.clone()),
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
            cx.shell.notice(format!("not saved — {first}{tail}"));
            vec![]
        }
    }
}

pub fn on_mouse(
    cx: &mut Ctx,
    r: &mut RecordingState,
    kind: MouseEventKind,
    x: u16,
    y: u16,
) -> Step {
    let n_domains = cx.shell.codebook.domains.len();
    let l = recording_layout_with(cx.shell.size, n_domains, r.tpane.visible);
    let over_timeline = contains(l.wave, x, y);
    match kind {
        MouseEventKind::Down(MouseButton::Left) | MouseEventKind::Drag(MouseButton::Left)
            if over_timeline =>
        {
            let t = time_at(l.wave, x, 0.0, r.duration_s());
            seek(r, t)
        }
        MouseEventKind::Down(MouseButton::Left) | MouseEventKind::Drag(MouseButton::Left)
            if contains(l.zoom, x, y) =>
        {
            let (a, b) = r.zoom_window();
            seek(r, time_at(l.zoom, x, a, b))
        }
        _ if over_timeline && let Some(t) = transport::wheel_seek(kind, r.snap.position_s) => {
            seek(r, t)
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if let Some(i) = row_at(l.score_rows, y, r.domain_sel, n_domains)
                .filter(|_| contains(l.scores, x, y))
            {
                r.focus = Pane::Scores;
                r.domain_sel = i;
            } else if contains(l.transcript, x, y) {
                // A click in the transcript pane focuses it at the cue by the playhead.
                if r.focus != Pane::Transcript {
                    r.tpane.sel = r.cue_near_playhead();
                }
                r.focus = Pane::Transcript;
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
            stay()
        }
        _ => stay(),
    }
}
