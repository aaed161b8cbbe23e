//! The coding screen's part of `update`: its keys, the answers to its prompts and dialogs, and its
//! mouse. Pure like the rest of `update`: state changes and effects, no I/O.
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEventKind};

use super::Pane;
use crate::tui::app::{App, Effect, Overlay, close};
use crate::tui::keys::Action;
use crate::tui::layout::{self, contains, row_at};
use crate::tui::rules;
use crate::tui::screens::dialogs::{Dialog, Prompt, PromptKind};
use crate::tui::transport::{self, STEP_S, Transport};

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

pub(crate) fn on_action(app: &mut App, a: Action) -> Vec<Effect> {
    let now = app.now_ms;
    let Some(c) = app.coding.as_mut() else { return vec![] };
    let pos = c.snap.position_s;
    if let Some(t) = transport::on_action(a, &mut c.snap, c.duration_s) {
        // Pausing is a good moment to keep the listening progress and resume position.
        if t == [Transport::Pause] && c.listen_dirty {
            c.touch(now);
        }
        return t.into_iter().map(Effect::from).collect();
    }
    match a {
        // Handled by `transport::on_action` above.
        crate::transport_actions!() => vec![],
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
            if let Some(b) = c.pending_begin {
                // Submitting would drop the half-tagged segment without a word.
                let m = format!(
                    "the segment begun at {} is not ended: press e at its end, then S",
                    crate::tui::format::hms_tenths(b)
                );
                app.notice(m);
                return vec![];
            }
            let check = rules::check_submit(&c.coding, &app.codebook, c.duration_s);
            app.overlay = Some(Overlay::Dialog(Dialog::Submit(check)));
            vec![]
        }
        Action::Back => {
            if let Some(b) = c.pending_begin.take() {
                // Leaving would drop a half-tagged segment: say so once.
                let m = format!(
                    "the segment begun at {} is not ended: press b and e again to tag it, or q to leave",
                    crate::tui::format::hms_tenths(b)
                );
                app.notice(m);
                return vec![];
            }
            close(app)
        }
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
    if !editable(app) {
        return vec![];
    }
    let Some(c) = app.coding.as_ref() else { return vec![] };
    if c.focus != Pane::Scores {
        app.notice("scores are entered in the scores pane: press Tab to get there");
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

pub(crate) fn on_prompt_done(app: &mut App, p: Prompt, text: String) -> Vec<Effect> {
    let now = app.now_ms;
    let Some(c) = app.coding.as_mut() else { return vec![] };
    match p.kind {
        PromptKind::GoTo => match crate::tui::format::parse_go_to(&text) {
            Ok(t) if t <= c.duration_s => vec![c.seek_to(t)],
            Ok(_) => {
                let mut p = p;
                p.error = Some(format!(
                    "past the end ({}): give a time within the recording",
                    crate::tui::format::hms(c.duration_s)
                ));
                app.overlay = Some(Overlay::Prompt(p));
                vec![]
            }
            Err(why) => {
                let mut p = p;
                p.error = Some(why);
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

pub(crate) fn on_dialog_key(app: &mut App, d: Dialog, k: &KeyEvent) -> Vec<Effect> {
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

pub(crate) fn on_mouse(app: &mut App, kind: MouseEventKind, x: u16, y: u16) -> Vec<Effect> {
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
