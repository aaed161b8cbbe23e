//! The coding screen's part of `update`: its keys, the answers to its prompts and dialogs, and its
//! mouse. Pure like the rest of `update`: state changes and effects, no I/O. Every function gets
//! the screen's own state (so there is always a coding) and the shell and overlay it may change.
use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEventKind};

use super::{CodingState, Pane};
use crate::timefmt::{hms, hms_tenths};
use crate::tui::coder::dialogs::Dialog;
use crate::tui::coder::model::{Effect, Overlay, Step};
use crate::tui::keys::Action;
use crate::tui::layout::{self, contains, row_at};
use crate::tui::shell::prompt::parse_go_to;
use crate::tui::shell::prompt::{Prompt, PromptKind};
use crate::tui::shell::{Shell, step};
use crate::tui::transport::{self, STEP_S, Transport};
use crate::tui::widgets::timeline::time_at;

/// What the coding screen's update may change besides its own state.
pub struct Ctx<'a> {
    pub shell: &'a mut Shell,
    pub overlay: &'a mut Option<Overlay>,
}

impl Ctx<'_> {
    fn open(&mut self, o: Overlay) {
        *self.overlay = Some(o);
    }
}

/// Refuses an edit on a submitted coding (saying so); `true` when the edit may go ahead.
fn editable(cx: &mut Ctx, c: &CodingState) -> bool {
    if c.read_only() {
        cx.shell.notice("this coding is submitted: it is read-only");
        return false;
    }
    true
}

fn stay() -> Step {
    Step::Stay(vec![])
}

pub fn on_action(cx: &mut Ctx, c: &mut CodingState, a: Action) -> Step {
    let now = cx.shell.now_ms;
    if let Some(t) = transport::on_action(a, &mut c.snap, c.duration_s) {
        // Pausing is a good moment to keep the listening progress and resume position.
        if t == [Transport::Pause] && c.listen_dirty {
            c.touch(now);
        }
        return Step::Stay(t.into_iter().map(Effect::from).collect());
    }
    match a {
        // Handled by `transport::on_action` above.
        crate::transport_actions!() => stay(),
        Action::GoTo => {
            cx.open(Overlay::Prompt(Prompt::new(PromptKind::GoTo, "")));
            stay()
        }
        Action::SegmentBegin => segment_begin(cx, c),
        Action::SegmentEnd => segment_end(cx, c),
        Action::Note => {
            if editable(cx, c) {
                let at_s = c.snap.position_s;
                cx.open(Overlay::Prompt(Prompt::new(PromptKind::Note { at_s }, "")));
            }
            stay()
        }
        Action::FocusNext => {
            c.focus = c.focus.next();
            stay()
        }
        Action::FocusPrev => {
            c.focus = c.focus.prev();
            stay()
        }
        Action::Up | Action::Down => {
            select(cx, c, a == Action::Down);
            stay()
        }
        Action::Activate => activate(cx, c),
        Action::Delete => delete(cx, c),
        Action::Score(level) => score(cx, c, Some(level)),
        Action::ClearScore => score(cx, c, None),
        Action::Submit => submit(cx, c),
        Action::Back => back(cx, c),
        Action::Help => {
            cx.open(Overlay::Help);
            stay()
        }
    }
}

/// What `b` and `e` say when the codebook has no segment kind to tag.
pub const NO_TAGGED_KIND: &str =
    "this codebook defines no segment kind ([[segment_kinds]]): b and e have nothing to tag";

/// The key of the segment kind `b` and `e` tag, for messages.
fn tag_name(book: &crate::codebook::Codebook) -> String {
    book.tagged_kind().map_or_else(|| "segment".to_string(), |k| k.key.clone())
}

fn segment_begin(cx: &mut Ctx, c: &mut CodingState) -> Step {
    if cx.shell.codebook.tagged_kind().is_none() {
        cx.shell.notice(NO_TAGGED_KIND);
        return stay();
    }
    if editable(cx, c) {
        let pos = c.snap.position_s;
        c.pending_begin = Some(pos);
        let kind = tag_name(&cx.shell.codebook);
        cx.shell
            .notice(format!("{kind} segment begins at {}: press e at its end", hms_tenths(pos)));
    }
    stay()
}

fn segment_end(cx: &mut Ctx, c: &mut CodingState) -> Step {
    if !editable(cx, c) {
        return stay();
    }
    let Some(kind) = cx.shell.codebook.tagged_kind().map(|k| k.key.clone()) else {
        cx.shell.notice(NO_TAGGED_KIND);
        return stay();
    };
    let label = kind.clone();
    let Some(begin) = c.pending_begin else {
        cx.shell.notice(format!("press b at the start of the {label} talk first"));
        return stay();
    };
    let before = c.coding.segments.len();
    let (pos, dur) = (c.snap.position_s, c.duration_s);
    match c.coding.add_segment(&kind, begin, pos, dur) {
        Ok(i) => {
            c.pending_begin = None;
            c.seg_sel = i;
            c.touch(cx.shell.now_ms);
            let merged = c.coding.segments.len() <= before;
            cx.shell.notice(if merged {
                format!("{label} segment added (joined with the one it overlaps)")
            } else {
                format!("{label} segment added")
            });
        }
        Err(_) => cx.shell.notice("the segment is empty: move the playhead away from its start"),
    }
    stay()
}

fn select(cx: &Ctx, c: &mut CodingState, down: bool) {
    let n_domains = cx.shell.codebook.domains.len();
    let (sel, len) = match c.focus {
        Pane::Segments => (&mut c.seg_sel, c.coding.segments.len()),
        Pane::Notes => (&mut c.note_sel, c.coding.notes.len()),
        Pane::Scores => (&mut c.score_sel, n_domains),
        Pane::Timeline => return,
    };
    *sel = step(*sel, len, down);
    if c.focus == Pane::Scores {
        c.rubric_scroll = 0;
    }
}

fn activate(cx: &mut Ctx, c: &mut CodingState) -> Step {
    let at = match c.focus {
        Pane::Segments => c.coding.segments.get(c.seg_sel).map(|s| s.start_s),
        Pane::Notes => c.coding.notes.get(c.note_sel).map(|n| n.at_s),
        Pane::Scores => {
            let Some(d) = cx.shell.codebook.domains.get(c.score_sel) else { return stay() };
            let (domain, label) = (d.key.clone(), d.label.clone());
            if editable(cx, c) {
                let current = c.coding.rationales.get(&domain).cloned().unwrap_or_default();
                let kind = PromptKind::Rationale { domain, label };
                cx.open(Overlay::Prompt(Prompt::new(kind, &current)));
            }
            None
        }
        Pane::Timeline => None,
    };
    Step::Stay(at.map(|t| Effect::from(c.seek_to(t))).into_iter().collect())
}

fn delete(cx: &mut Ctx, c: &CodingState) -> Step {
    let target = match c.focus {
        Pane::Segments if c.seg_sel < c.coding.segments.len() => {
            Some(Dialog::DeleteSegment(c.seg_sel))
        }
        Pane::Notes if c.note_sel < c.coding.notes.len() => Some(Dialog::DeleteNote(c.note_sel)),
        _ => None,
    };
    match target {
        Some(d) if editable(cx, c) => cx.open(Overlay::Dialog(d)),
        Some(_) => {}
        None => cx.shell.notice("select a segment or note (Tab to its pane) to delete it"),
    }
    stay()
}

fn submit(cx: &mut Ctx, c: &CodingState) -> Step {
    if !editable(cx, c) {
        return stay();
    }
    if let Some(b) = c.pending_begin {
        // Submitting would drop the half-tagged segment without a word.
        cx.shell.notice(format!(
            "the segment begun at {} is not ended: press e at its end, then S",
            hms_tenths(b)
        ));
        return stay();
    }
    let check = c.coding.can_submit(&cx.shell.codebook, c.duration_s);
    cx.open(Overlay::Dialog(Dialog::Submit(check)));
    stay()
}

fn back(cx: &mut Ctx, c: &mut CodingState) -> Step {
    if let Some(b) = c.pending_begin.take() {
        // Leaving would drop a half-tagged segment: say so once.
        cx.shell.notice(format!(
            "the segment begun at {} is not ended: press b and e again to tag it, or q to leave",
            hms_tenths(b)
        ));
        return stay();
    }
    Step::Leave
}

fn score(cx: &mut Ctx, c: &mut CodingState, level: Option<u8>) -> Step {
    if !editable(cx, c) {
        return stay();
    }
    if c.focus != Pane::Scores {
        cx.shell.notice("scores are entered in the scores pane: press Tab to get there");
        return stay();
    }
    let book = std::sync::Arc::clone(&cx.shell.codebook);
    let Some(d) = book.domains.get(c.score_sel) else { return stay() };
    let done = match level {
        Some(_) if !c.coding.scorable(&book, &d.key) => {
            let kind = d.requires_segment.as_deref().unwrap_or("required");
            Err(format!("{}: not applicable — no {kind} segment (mark one with b and e)", d.label))
        }
        Some(l) => c.coding.set_score(&book, &d.key, l).map_err(|e| e.to_string()),
        None => c.coding.clear_score(&d.key).map_err(|e| e.to_string()),
    };
    match done {
        Ok(()) => c.touch(cx.shell.now_ms),
        Err(e) => cx.shell.notice(e),
    }
    stay()
}

pub fn on_prompt_done(cx: &mut Ctx, c: &mut CodingState, mut p: Prompt, text: String) -> Step {
    let now = cx.shell.now_ms;
    match p.kind {
        PromptKind::GoTo => match parse_go_to(&text) {
            Ok(t) if t <= c.duration_s => return Step::Stay(vec![c.seek_to(t).into()]),
            Ok(_) => {
                p.error = Some(format!(
                    "past the end ({}): give a time within the recording",
                    hms(c.duration_s)
                ));
                cx.open(Overlay::Prompt(p));
            }
            Err(why) => {
                p.error = Some(why);
                cx.open(Overlay::Prompt(p));
            }
        },
        PromptKind::Note { at_s } => {
            if !text.trim().is_empty() {
                match c.coding.add_note(at_s, text.trim(), vec![]) {
                    Ok(at) => {
                        c.note_sel = at;
                        c.touch(now);
                    }
                    Err(e) => cx.shell.notice(e.to_string()),
                }
            }
        }
        PromptKind::Rationale { domain, .. } => {
            let book = std::sync::Arc::clone(&cx.shell.codebook);
            match c.coding.set_rationale(&book, &domain, text.trim()) {
                Ok(()) => c.touch(now),
                Err(e) => cx.shell.notice(e.to_string()),
            }
        }
    }
    stay()
}

pub fn on_dialog_key(cx: &mut Ctx, c: &mut CodingState, d: Dialog, k: &KeyEvent) -> Step {
    let yes = matches!(k.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter);
    let no = matches!(k.code, KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc);
    if !yes && !no {
        cx.open(Overlay::Dialog(d));
        return stay();
    }
    if no {
        return stay();
    }
    let now = cx.shell.now_ms;
    match d {
        Dialog::DeleteSegment(i) => {
            if c.coding.remove_segment(i).is_ok() {
                c.seg_sel = c.seg_sel.min(c.coding.segments.len().saturating_sub(1));
                c.touch(now);
            }
        }
        Dialog::DeleteNote(i) => {
            if c.coding.remove_note(i).is_ok() {
                c.note_sel = c.note_sel.min(c.coding.notes.len().saturating_sub(1));
                c.touch(now);
            }
        }
        // Enter only dismisses a dialog that lists problems.
        Dialog::Submit(check) if !check.can_submit() => {}
        Dialog::Submit(_) => {
            c.coding.resume_s = c.snap.position_s;
            cx.open(Overlay::Dialog(Dialog::Submitting));
            return Step::Stay(vec![Effect::Submit(Box::new(c.coding.clone()))]);
        }
        Dialog::Submitting => cx.open(Overlay::Dialog(Dialog::Submitting)),
        // The app answers this one (`coder/leave.rs`); it never reaches the screen.
        d @ Dialog::LeaveUnsaved { .. } => cx.open(Overlay::Dialog(d)),
    }
    stay()
}

pub fn on_mouse(cx: &mut Ctx, c: &mut CodingState, kind: MouseEventKind, x: u16, y: u16) -> Step {
    let l = layout::coding(cx.shell.size);
    let in_timeline = contains(l.timeline, x, y);
    let seek = |c: &mut CodingState, t: f64| Step::Stay(vec![c.seek_to(t).into()]);
    match kind {
        MouseEventKind::Down(MouseButton::Left) | MouseEventKind::Drag(MouseButton::Left) => {
            if contains(l.overview, x, y) || contains(l.marks, x, y) {
                c.focus = Pane::Timeline;
                let t = time_at(l.overview, x, 0.0, c.duration_s);
                return seek(c, t);
            }
            if contains(l.zoom, x, y) {
                c.focus = Pane::Timeline;
                let (a, b) = c.zoom_window();
                return seek(c, time_at(l.zoom, x, a, b));
            }
            if matches!(kind, MouseEventKind::Down(_)) {
                click(c, &l, cx.shell.codebook.domains.len(), x, y);
            }
            stay()
        }
        MouseEventKind::ScrollUp if contains(l.rubric, x, y) => {
            c.rubric_scroll = c.rubric_scroll.saturating_sub(2);
            stay()
        }
        MouseEventKind::ScrollDown if contains(l.rubric, x, y) => {
            c.rubric_scroll = c.rubric_scroll.saturating_add(2).min(500);
            stay()
        }
        MouseEventKind::ScrollUp if in_timeline => {
            let t = c.snap.position_s - STEP_S;
            seek(c, t)
        }
        MouseEventKind::ScrollDown if in_timeline => {
            let t = c.snap.position_s + STEP_S;
            seek(c, t)
        }
        _ => stay(),
    }
}

/// A click on a row selects it (and focuses its pane); on a pane, focuses it.
fn click(c: &mut CodingState, l: &layout::CodingLayout, n_domains: usize, x: u16, y: u16) {
    if let Some(i) = row_at(l.segment_rows, y, c.seg_sel, c.coding.segments.len())
        .filter(|_| contains(l.segments, x, y))
    {
        c.focus = Pane::Segments;
        c.seg_sel = i;
    } else if let Some(i) =
        row_at(l.note_rows, y, c.note_sel, c.coding.notes.len()).filter(|_| contains(l.notes, x, y))
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
}
