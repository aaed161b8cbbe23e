//! The coding screen's part of `update`: its keys, the answers to its prompts and dialogs, and its
//! mouse. Pure like the rest of `update`: state changes and effects, no I/O. Every function gets
//! the screen's own state (so there is always a coding) and the shell and overlay it may change.
use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEventKind};

use super::history::{Content, Described};
use super::rows;
use super::{CodingState, ItemRow, Pane, cue_s};
use crate::codebook::Codebook;
use crate::tui::coder::dialogs::{Dialog, little_listened};
use crate::tui::coder::model::{Effect, Job, Overlay, Step};
use crate::tui::keys::Action;
use crate::tui::layout::{self, contains, wrapped_row_at};
use crate::tui::shell::prompt::parse_go_to;
use crate::tui::shell::prompt::{Prompt, PromptKind};
use crate::tui::shell::{Shell, step};
use crate::tui::transcript_pane::{Transcribed, searched_notice};
use crate::tui::transport::{self, Transport};
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

/// An edit went through: remembered for undo (it changed the coding from `before`) and saved
/// after the debounce.
fn edited(cx: &Ctx, c: &mut CodingState, before: Content, said: Described) {
    c.history.record(before, &c.coding, said);
    c.touch(cx.shell.now_ms);
}

/// The keys bound to `a` now, for messages ("B", or "B/ctrl+b").
fn keys(cx: &Ctx, a: Action) -> String {
    cx.shell.keymap.keys_for(a).join("/")
}

/// `u` (`redo`: Ctrl+R): undoes (redoes) the last edit of this recording, saved like any edit.
fn undo(cx: &mut Ctx, c: &mut CodingState, redo: bool) -> Step {
    if c.read_only() {
        cx.shell.notice("this coding is submitted: it is read-only, nothing to undo");
        return stay();
    }
    let done = if redo { c.history.redo(&mut c.coding) } else { c.history.undo(&mut c.coding) };
    match done {
        Some(what) => {
            c.seg_sel = c.seg_sel.min(c.coding.segments.len().saturating_sub(1));
            c.note_sel = c.note_sel.min(c.coding.notes.len().saturating_sub(1));
            c.ev_sel = c.ev_sel.min(c.coding.events.len().saturating_sub(1));
            c.touch(cx.shell.now_ms);
            cx.shell.notice(format!("{}: {what}", if redo { "redid" } else { "undid" }));
        }
        None if redo => cx.shell.notice("nothing to redo"),
        None => cx.shell.notice("nothing to undo in this recording"),
    }
    stay()
}

pub fn on_action(cx: &mut Ctx, c: &mut CodingState, a: Action) -> Step {
    let now = cx.shell.now_ms;
    let bounds = c.bounds();
    if let Some(t) = transport::on_action_in(a, &mut c.snap, bounds) {
        // Pausing is a good moment to keep the listening progress and resume position.
        if t == [Transport::Pause] && c.listen_dirty {
            c.touch(now);
        }
        return Step::Stay(t.into_iter().map(Effect::from).collect());
    }
    match a {
        // Handled by `transport::on_action_in` above.
        crate::transport_actions!() => stay(),
        Action::GoTo => {
            cx.open(Overlay::Prompt(Prompt::new(PromptKind::GoTo, "")));
            stay()
        }
        Action::SegmentBegin => segment_begin(cx, c),
        Action::SegmentEnd => segment_end(cx, c),
        Action::SegmentStartHere => move_segment_edge(cx, c, true),
        Action::SegmentEndHere => move_segment_edge(cx, c, false),
        // With a search in the focused transcript pane, `n` / `N` go through its matches.
        Action::Note | Action::SegmentNote if in_search(c) => {
            next_match(cx, c, a == Action::Note);
            stay()
        }
        Action::SegmentNote => segment_note(cx, c),
        Action::NoteDomains => note_domains(cx, c),
        Action::Transcript => {
            toggle_transcript(cx, c);
            stay()
        }
        Action::Search => {
            if c.tpane.transcript.is_some() {
                cx.open(Overlay::Prompt(Prompt::new(PromptKind::Search, "")));
            } else {
                cx.shell.notice("no transcript is attached to this recording: nothing to search");
            }
            stay()
        }
        Action::Note => {
            if editable(cx, c) {
                let at_s = c.snap.position_s;
                cx.open(Overlay::Prompt(Prompt::guarded(PromptKind::Note { at_s }, "")));
            }
            stay()
        }
        Action::FocusNext | Action::FocusPrev => {
            c.focus_step(a == Action::FocusNext);
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
        Action::Undo => undo(cx, c, false),
        Action::Redo => undo(cx, c, true),
        Action::ZoomIn | Action::ZoomOut => {
            if let Some(n) = c.zoom.key(a == Action::ZoomIn) {
                cx.shell.notice(n);
            }
            stay()
        }
        Action::Back => back(cx, c),
        Action::Help => {
            cx.open(Overlay::Help);
            stay()
        }
        Action::PageUp | Action::PageDown => {
            page_rubric(cx, c, a == Action::PageDown);
            stay()
        }
        // The supervisor's view of both coders' rationales; a coder's own is in the rubric.
        Action::Rationales => stay(),
    }
}

/// A search with matches, and the transcript pane focused: `n` / `N` are the search's.
fn in_search(c: &CodingState) -> bool {
    c.focus == Pane::Transcript && !c.tpane.matches.is_empty()
}

/// `T`: the transcript pane shown or hidden (focus leaves it when hidden).
fn toggle_transcript(cx: &mut Ctx, c: &mut CodingState) {
    let said = c.tpane.toggle(c.tpane.transcript.is_some(), &keys(cx, Action::Transcript));
    if !c.tpane.visible && c.focus == Pane::Transcript {
        c.focus = Pane::Timeline;
    }
    cx.shell.notice(said);
}

/// `n` (`forward`) / `N`: the next (previous) match of the search, round to the first (last).
fn next_match(cx: &mut Ctx, c: &mut CodingState, forward: bool) {
    c.tpane.next_match(forward);
    say_match(cx, c);
}

fn say_match(cx: &mut Ctx, c: &CodingState) {
    cx.shell.notice(c.tpane.match_notice(c.cues(), c.clock(), &cx.shell.keymap));
}

/// The search typed at `/`: its matches, the first at or after the cue at the playhead selected
/// in the transcript pane (shown and focused). An empty search clears it.
fn search(cx: &mut Ctx, c: &mut CodingState, text: &str) {
    let Some(t) = c.tpane.transcript.clone() else { return };
    let from = if c.focus == Pane::Transcript { c.tpane.sel } else { c.cue_near_playhead() };
    let said = searched_notice(&c.tpane.search(&t, text, from), text);
    match said {
        Some(n) => cx.shell.notice(n),
        None => {
            c.focus = Pane::Transcript;
            say_match(cx, c);
        }
    }
}

/// Scrolls the rubric by a page (its height less one row), no further than its end.
fn page_rubric(cx: &mut Ctx, c: &mut CodingState, down: bool) {
    let inner = layout::coding_with(cx.shell.size, c.tpane.visible)
        .rubric
        .inner(ratatui::layout::Margin::new(1, 1));
    let page = inner.height.saturating_sub(1).max(1);
    let book = std::sync::Arc::clone(&cx.shell.codebook);
    let max = super::view::rubric_widget(&book, &cx.shell.keymap, c).map_or(0, |r| {
        u16::try_from(r.content_height(inner.width))
            .unwrap_or(u16::MAX)
            .saturating_sub(inner.height)
    });
    c.rubric_scroll = if down {
        c.rubric_scroll.saturating_add(page).min(max)
    } else {
        c.rubric_scroll.min(max).saturating_sub(page)
    };
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
        // In the focused transcript pane, at the selected cue's start.
        let cue = c.selected_cue().map(|q| cue_s(q.start_ms));
        let pos = c.clamp_in(cue.unwrap_or(c.snap.position_s));
        c.pending_begin = Some(pos);
        let kind = tag_name(&cx.shell.codebook);
        let at = c.clock().tenths(pos);
        let end = if cue.is_some() {
            "e on a cue ends it at the cue's end"
        } else {
            "press e at its end"
        };
        cx.shell.notice(format!("{kind} segment begins at {at}: {end}"));
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
    let content = Content::of(&c.coding);
    // In the focused transcript pane, at the selected cue's end.
    // Inside the sampled window, if any.
    let pos = c.clamp_in(c.selected_cue().map_or(c.snap.position_s, |q| cue_s(q.end_ms)));
    let (begin, dur) = (c.clamp_in(begin), c.duration_s);
    match c.coding.add_segment(&kind, begin, pos, dur) {
        Ok(i) => {
            c.pending_begin = None;
            c.seg_sel = i;
            let span = c.coding.segments.get(i).map(|s| (s.start_s, s.end_s)).unwrap_or_default();
            let clock = c.clock();
            let what = format!("segment {}–{} added", clock.tenths(span.0), clock.tenths(span.1));
            edited(cx, c, content, Described::same(what));
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

/// `B` / `E` in the segments pane: the selected segment's start (end) moves to the playhead. A
/// segment that then overlaps another of its kind is joined with it, as when tagging.
fn move_segment_edge(cx: &mut Ctx, c: &mut CodingState, start: bool) -> Step {
    if !editable(cx, c) {
        return stay();
    }
    let action = if start { Action::SegmentStartHere } else { Action::SegmentEndHere };
    let Some(seg) = c.coding.segments.get(c.seg_sel).filter(|_| c.focus == Pane::Segments) else {
        cx.shell.notice(format!(
            "select a segment in the segments pane (Tab to it), then {} moves its {} to the playhead",
            keys(cx, action),
            if start { "start" } else { "end" }
        ));
        return stay();
    };
    let pos = c.clamp_in(c.snap.position_s);
    let (a, b, old) =
        if start { (pos, seg.end_s, seg.start_s) } else { (seg.start_s, pos, seg.end_s) };
    let clock = c.clock();
    if b <= a {
        cx.shell.notice(if start {
            format!(
                "the playhead is at or after this segment's end ({}): a start must come before it",
                clock.tenths(b)
            )
        } else {
            format!(
                "the playhead is at or before this segment's start ({}): an end must come after it",
                clock.tenths(a)
            )
        });
        return stay();
    }
    let (before, count) = (Content::of(&c.coding), c.coding.segments.len());
    match c.coding.set_segment_bounds(c.seg_sel, a, b, c.duration_s) {
        Ok(i) => {
            c.seg_sel = i;
            let edge = if start { "start" } else { "end" };
            let said = Described::change(
                &format!("segment {edge}"),
                &clock.tenths(old),
                &clock.tenths(pos),
            );
            edited(cx, c, before, said);
            let joined = if c.coding.segments.len() < count {
                " (joined with the one it now overlaps)"
            } else {
                ""
            };
            cx.shell.notice(format!("segment {edge} moved to {}{joined}", clock.tenths(pos)));
        }
        Err(e) => cx.shell.notice(e.to_string()),
    }
    stay()
}

/// `N` in the segments pane: the selected segment's note (a prompt with the note it has).
fn segment_note(cx: &mut Ctx, c: &mut CodingState) -> Step {
    let prompt = c.coding.segments.get(c.seg_sel).map(|s| {
        let kind = PromptKind::SegmentNote { index: c.seg_sel, start_s: s.start_s, end_s: s.end_s };
        Overlay::Prompt(Prompt::guarded(kind, &s.note))
    });
    let how = ("segment", Action::SegmentNote, "gives it a note");
    open_for_selected(cx, c, Pane::Segments, prompt, how)
}

/// `t` in the notes pane: the domains the selected note bears on (a dialog of the codebook's
/// domains to tick).
fn note_domains(cx: &mut Ctx, c: &mut CodingState) -> Step {
    let domains = &cx.shell.codebook.domains;
    let dialog = c.coding.notes.get(c.note_sel).map(|n| {
        let chosen = domains.iter().map(|d| n.domains.contains(&d.key)).collect();
        Overlay::Dialog(Dialog::NoteDomains { note: c.note_sel, chosen, cursor: 0 })
    });
    open_for_selected(cx, c, Pane::Notes, dialog, ("note", Action::NoteDomains, "gives it domains"))
}

/// Opens `overlay`, made for the selected row of `pane`, if the coding may be edited and `pane`
/// has the focus and a row; else says how: "select a `row` in the `row`s pane (Tab to it), then
/// (the keys of `action`) `does`".
fn open_for_selected(
    cx: &mut Ctx,
    c: &CodingState,
    pane: Pane,
    overlay: Option<Overlay>,
    (row, action, does): (&str, Action, &str),
) -> Step {
    if !editable(cx, c) {
        return stay();
    }
    match overlay.filter(|_| c.focus == pane) {
        Some(o) => cx.open(o),
        None => cx.shell.notice(format!(
            "select a {row} in the {row}s pane (Tab to it), then {} {does}",
            keys(cx, action)
        )),
    }
    stay()
}

fn select(cx: &Ctx, c: &mut CodingState, down: bool) {
    let n_rows = super::item_rows(&cx.shell.codebook).len();
    let (sel, len) = match c.focus {
        Pane::Segments => (&mut c.seg_sel, c.coding.segments.len()),
        Pane::Events => (&mut c.ev_sel, c.coding.events.len()),
        Pane::Notes => (&mut c.note_sel, c.coding.notes.len()),
        Pane::Scores => (&mut c.score_sel, n_rows),
        Pane::Transcript => {
            let n = c.cues().len();
            (&mut c.tpane.sel, n)
        }
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
        Pane::Events => c.coding.events.get(c.ev_sel).map(|e| e.at_s),
        Pane::Notes => c.coding.notes.get(c.note_sel).map(|n| n.at_s),
        Pane::Scores if !matches!(c.selected_row(&cx.shell.codebook), Some(ItemRow::Scale(_))) => {
            activate_item(cx, c);
            None
        }
        Pane::Scores => {
            let Some(d) = cx.shell.codebook.domains.get(c.score_sel) else { return stay() };
            let (domain, label) = (d.key.clone(), d.label.clone());
            if editable(cx, c) {
                let current = c.coding.rationales.get(&domain).cloned().unwrap_or_default();
                let kind = PromptKind::Rationale { domain, label };
                cx.open(Overlay::Prompt(Prompt::guarded(kind, &current)));
            }
            None
        }
        Pane::Transcript => c.selected_cue().map(|q| cue_s(q.start_ms)),
        Pane::Timeline => None,
    };
    Step::Stay(at.map(|t| Effect::from(c.seek_to(t))).into_iter().collect())
}

fn delete(cx: &mut Ctx, c: &mut CodingState) -> Step {
    if c.focus == Pane::Events {
        delete_event(cx, c);
        return stay();
    }
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
        None if c.counts => {
            cx.shell.notice("select an event or note (Tab to its pane) to delete it")
        }
        None => cx.shell.notice("select a segment or note (Tab to its pane) to delete it"),
    }
    stay()
}

/// `x` in the events pane: the selected event goes at once (undo puts it back).
fn delete_event(cx: &mut Ctx, c: &mut CodingState) {
    if !editable(cx, c) {
        return;
    }
    let before = Content::of(&c.coding);
    let book = std::sync::Arc::clone(&cx.shell.codebook);
    match c.coding.remove_event(c.ev_sel) {
        Ok(e) => {
            c.ev_sel = c.ev_sel.min(c.coding.events.len().saturating_sub(1));
            let label = book.items.count(&e.code).map_or(e.code.as_str(), |i| i.label.as_str());
            let what = format!("{label} at {} deleted", c.clock().tenths(e.at_s));
            edited(cx, c, before, Described::same(what.clone()));
            cx.shell.notice(format!("{what} ({} undoes)", keys(cx, Action::Undo)));
        }
        Err(_) => cx.shell.notice("no event to delete: count keys log them while you listen"),
    }
}

/// A count key: one `code` logged at the playhead less the coder's reaction-time offset.
pub fn log_count(cx: &mut Ctx, c: &mut CodingState, code: &str) -> Step {
    if !editable(cx, c) {
        return stay();
    }
    let book = std::sync::Arc::clone(&cx.shell.codebook);
    let Some(item) = book.items.count(code) else { return stay() };
    let before = Content::of(&c.coding);
    let (at, offset) = (c.snap.position_s, c.reaction_offset_s);
    // Only inside the sampled window: a count outside it would not be coded.
    if let Some(w) = c.window {
        let at_s = at - if offset.is_finite() { offset } else { 0.0 };
        if !w.contains(at_s.max(0.0)) {
            let clock = c.clock();
            cx.shell.notice(format!(
                "{} not logged: {} is outside the sampled window ({}–{})",
                item.label,
                clock.tenths(at_s.max(0.0)),
                clock.at(w.start_s),
                clock.at(w.end_s)
            ));
            return stay();
        }
    }
    match c.coding.log_event(&book, code, at, offset, c.duration_s) {
        Ok(i) => {
            c.ev_sel = i;
            let at_s = c.coding.events.get(i).map_or(at, |e| e.at_s);
            let n = c.coding.events.iter().filter(|e| e.code == code).count();
            let what = format!("{} at {}", item.label, c.clock().tenths(at_s));
            edited(cx, c, before, Described::same(format!("{what} logged")));
            cx.shell.notice(format!("{what} ({n} in all) · {} undoes", keys(cx, Action::Undo)));
        }
        Err(e) => cx.shell.notice(e.to_string()),
    }
    stay()
}

/// Enter on an item row: a checklist item goes unanswered → present → absent → present…, a
/// chosen classification to its next class; the rest say what they are.
fn activate_item(cx: &mut Ctx, c: &mut CodingState) {
    let book = std::sync::Arc::clone(&cx.shell.codebook);
    match c.selected_row(&book) {
        Some(ItemRow::Check(i)) => {
            let Some(item) = book.items.checklist.get(i) else { return };
            let next = c.coding.next_check(&item.key);
            set_check(cx, c, i, Some(next));
        }
        Some(ItemRow::Class(i)) => {
            let Some(cl) = book.items.classifications.get(i) else { return };
            if cl.derived() {
                cx.shell.notice(derived_notice(cx, &cl.label));
                return;
            }
            let now = c.coding.classes.get(&cl.key);
            let at = now.and_then(|k| cl.classes.iter().position(|x| &x.key == k));
            let next = at.map_or(0, |p| (p + 1) % cl.classes.len().max(1));
            choose(cx, c, i, Some(next));
        }
        Some(ItemRow::Count(i)) => count_notice(cx, &book, i),
        Some(ItemRow::Summary(_)) => {
            cx.shell.notice("a summary is computed from the counts and scores: nothing to enter")
        }
        Some(ItemRow::Scale(_)) | None => {}
    }
}

fn derived_notice(cx: &Ctx, label: &str) -> String {
    format!(
        "{label} is derived from the checklist: mark its items present or absent ({} on an item)",
        keys(cx, Action::Activate)
    )
}

fn count_notice(cx: &mut Ctx, book: &Codebook, i: usize) {
    if let Some(item) = book.items.counts.get(i) {
        let key = crate::tui::keys::key_name(&cx.shell.keymap.count_key(item));
        cx.shell.notice(format!(
            "{key} logs {} at the playhead, in any pane, while you listen",
            item.label
        ));
    }
}

/// Checklist item `i` answered (`None`: cleared), remembered for undo.
fn set_check(cx: &mut Ctx, c: &mut CodingState, i: usize, answer: Option<bool>) {
    if !editable(cx, c) {
        return;
    }
    let book = std::sync::Arc::clone(&cx.shell.codebook);
    let Some(item) = book.items.checklist.get(i) else { return };
    let shown = |a: Option<&bool>| match a {
        Some(true) => "✓ present",
        Some(false) => "✗ absent",
        None => "· unanswered",
    };
    let before = Content::of(&c.coding);
    let old = shown(c.coding.checklist.get(&item.key));
    match c.coding.set_check(&book, &item.key, answer) {
        Ok(()) => {
            let new = shown(c.coding.checklist.get(&item.key));
            edited(cx, c, before, Described::change(&item.label, old, new));
        }
        Err(e) => cx.shell.notice(e.to_string()),
    }
}

/// Class `class` (an index; `None`: cleared) chosen for classification `i`, remembered for undo.
fn choose(cx: &mut Ctx, c: &mut CodingState, i: usize, class: Option<usize>) {
    if !editable(cx, c) {
        return;
    }
    let book = std::sync::Arc::clone(&cx.shell.codebook);
    let Some(cl) = book.items.classifications.get(i) else { return };
    if cl.derived() {
        cx.shell.notice(derived_notice(cx, &cl.label));
        return;
    }
    let key = match class {
        Some(n) => match cl.classes.get(n) {
            Some(x) => Some(x.key.as_str()),
            None => {
                cx.shell.notice(format!("{} has {} classes", cl.label, cl.classes.len()));
                return;
            }
        },
        None => None,
    };
    let label_of = |k: Option<&String>| {
        k.and_then(|k| cl.classes.iter().find(|x| &x.key == k))
            .map_or_else(|| "–".to_string(), |x| x.label.clone())
    };
    let before = Content::of(&c.coding);
    let old = label_of(c.coding.classes.get(&cl.key));
    match c.coding.choose_class(&book, &cl.key, key) {
        Ok(()) => {
            let new = label_of(c.coding.classes.get(&cl.key));
            edited(cx, c, before, Described::change(&cl.label, &old, &new));
        }
        Err(e) => cx.shell.notice(e.to_string()),
    }
}

/// A digit or the clear key on an item row (not a scale).
fn score_item(cx: &mut Ctx, c: &mut CodingState, row: ItemRow, level: Option<u8>) {
    let book = std::sync::Arc::clone(&cx.shell.codebook);
    match row {
        ItemRow::Check(i) if level.is_none() => set_check(cx, c, i, None),
        ItemRow::Check(_) => cx.shell.notice(format!(
            "{} marks a checklist item present, then absent; {} clears it",
            keys(cx, Action::Activate),
            keys(cx, Action::ClearScore)
        )),
        ItemRow::Class(i) => {
            choose(cx, c, i, level.map(|l| usize::from(l.saturating_sub(1))));
        }
        ItemRow::Count(i) => count_notice(cx, &book, i),
        ItemRow::Summary(_) => {
            cx.shell.notice("a summary is computed from the counts and scores: nothing to enter")
        }
        ItemRow::Scale(_) => {}
    }
}

fn submit(cx: &mut Ctx, c: &CodingState) -> Step {
    if !editable(cx, c) {
        return stay();
    }
    if let Some(b) = c.pending_begin {
        // Submitting would drop the half-tagged segment without a word.
        cx.shell.notice(format!(
            "the segment begun at {} is not ended: press e at its end, then S",
            c.clock().tenths(b)
        ));
        return stay();
    }
    let check = c.coding.can_submit_in(&cx.shell.codebook, c.duration_s, c.window.as_ref());
    cx.open(Overlay::Dialog(Dialog::Submit(check)));
    stay()
}

fn back(cx: &mut Ctx, c: &mut CodingState) -> Step {
    if let Some(b) = c.pending_begin.take() {
        // Leaving would drop a half-tagged segment: say so once.
        cx.shell.notice(format!(
            "the segment begun at {} is not ended: press b and e again to tag it, or q to leave",
            c.clock().tenths(b)
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
    match c.selected_row(&book) {
        Some(ItemRow::Scale(_)) => {}
        Some(row) => {
            score_item(cx, c, row, level);
            return stay();
        }
        None => return stay(),
    }
    let Some(d) = book.domains.get(c.score_sel) else { return stay() };
    let before = Content::of(&c.coding);
    let shown = |l: Option<&u8>| l.map_or_else(|| "–".to_string(), u8::to_string);
    let old = shown(c.coding.scores.get(&d.key));
    let done = match level {
        Some(_) if !c.coding.scorable(&book, &d.key) => {
            let kind = d.requires_segment.as_deref().unwrap_or("required");
            Err(format!("{}: not applicable — no {kind} segment (mark one with b and e)", d.label))
        }
        Some(l) => c.coding.set_score(&book, &d.key, l).map_err(|e| e.to_string()),
        None => c.coding.clear_score(&d.key).map_err(|e| e.to_string()),
    };
    match done {
        Ok(()) => {
            let new = shown(c.coding.scores.get(&d.key));
            edited(cx, c, before, Described::change(&d.label, &old, &new));
        }
        Err(e) => cx.shell.notice(e),
    }
    stay()
}

pub fn on_prompt_done(cx: &mut Ctx, c: &mut CodingState, mut p: Prompt, text: String) -> Step {
    let before = Content::of(&c.coding);
    let clock = c.clock();
    let book = std::sync::Arc::clone(&cx.shell.codebook);
    let text = text.trim();
    let done = match p.kind {
        PromptKind::GoTo => {
            match parse_go_to(text) {
                Ok(t) if t <= c.duration_s => {
                    let to = c.clamp_in(t);
                    if (to - t).abs() > 1e-9 {
                        let (lo, hi) = c.bounds();
                        cx.shell.notice(format!(
                            "{} is outside the sampled window ({}–{}): went to {}",
                            clock.at(t),
                            clock.at(lo),
                            clock.at(hi),
                            clock.at(to)
                        ));
                    }
                    return Step::Stay(vec![c.seek_to(to).into()]);
                }
                Ok(_) => {
                    p.error = Some(format!(
                        "past the end ({}): give a time within the recording",
                        clock.at(c.duration_s)
                    ));
                    cx.open(Overlay::Prompt(p));
                }
                Err(why) => {
                    p.error = Some(why);
                    cx.open(Overlay::Prompt(p));
                }
            }
            return stay();
        }
        PromptKind::Search => {
            search(cx, c, text);
            return stay();
        }
        PromptKind::Note { .. } if text.is_empty() => return stay(),
        PromptKind::Note { at_s } => c.coding.add_note(at_s, text, vec![]).map(|at| {
            c.note_sel = at;
            Described::same(format!("note at {} added", clock.tenths(at_s)))
        }),
        PromptKind::Rationale { ref domain, ref label } => {
            let had = c.coding.rationales.contains_key(domain);
            c.coding
                .set_rationale(&book, domain, text)
                .map(|()| Described::same(format!("{label} rationale {}", changed(had, text))))
        }
        PromptKind::SegmentNote { index, start_s, end_s } => {
            let had = c.coding.segments.get(index).is_some_and(|s| !s.note.is_empty());
            c.coding.set_segment_note(index, text).map(|()| {
                let span = format!("{}–{}", clock.tenths(start_s), clock.tenths(end_s));
                Described::same(format!("note of the segment {span} {}", changed(had, text)))
            })
        }
    };
    match done {
        Ok(said) => edited(cx, c, before, said),
        Err(e) => cx.shell.notice(e.to_string()),
    }
    stay()
}

/// How a text changed, for undo's notice.
fn changed(had: bool, now: &str) -> &'static str {
    match (had, now.is_empty()) {
        (_, true) => "cleared",
        (false, false) => "added",
        (true, false) => "changed",
    }
}

pub fn on_dialog_key(cx: &mut Ctx, c: &mut CodingState, d: Dialog, k: &KeyEvent) -> Step {
    if let Dialog::NoteDomains { note, chosen, cursor } = d {
        return on_note_domains_key(cx, c, (note, chosen, cursor), k);
    }
    let yes = matches!(k.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter);
    let no = matches!(k.code, KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc);
    if !yes && !no {
        cx.open(Overlay::Dialog(d));
        return stay();
    }
    if no {
        return stay();
    }
    let before = Content::of(&c.coding);
    let clock = c.clock();
    match d {
        Dialog::DeleteSegment(i) => {
            if let Ok(s) = c.coding.remove_segment(i) {
                c.seg_sel = c.seg_sel.min(c.coding.segments.len().saturating_sub(1));
                let span = format!("{}–{}", clock.tenths(s.start_s), clock.tenths(s.end_s));
                edited(cx, c, before, Described::same(format!("segment {span} deleted")));
            }
        }
        Dialog::DeleteNote(i) => {
            if let Ok(n) = c.coding.remove_note(i) {
                c.note_sel = c.note_sel.min(c.coding.notes.len().saturating_sub(1));
                let at = clock.tenths(n.at_s);
                edited(cx, c, before, Described::same(format!("note at {at} deleted")));
            }
        }
        // Enter only dismisses a dialog that lists problems.
        Dialog::Submit(check) if !check.can_submit() => {}
        // Below the listened threshold a single key does not submit: `y`, then Enter.
        Dialog::Submit(check) if little_listened(&check).is_some() => {
            let typed_y = matches!(k.code, KeyCode::Char('y' | 'Y'));
            cx.open(Overlay::Dialog(if typed_y {
                Dialog::SubmitAnyway(check)
            } else {
                Dialog::Submit(check)
            }));
        }
        Dialog::SubmitAnyway(check) if k.code != KeyCode::Enter => {
            cx.open(Overlay::Dialog(Dialog::SubmitAnyway(check)));
        }
        Dialog::Submit(_) | Dialog::SubmitAnyway(_) => {
            c.coding.resume_s = c.snap.position_s;
            cx.open(Overlay::Dialog(Dialog::Submitting));
            return Step::Stay(vec![Effect::Disk(Job::Submit(Box::new(c.coding.clone())))]);
        }
        Dialog::Submitting => cx.open(Overlay::Dialog(Dialog::Submitting)),
        // Handled above; the app answers LeaveUnsaved (`coder/leave.rs`): it never reaches here.
        d @ (Dialog::LeaveUnsaved { .. } | Dialog::NoteDomains { .. }) => {
            cx.open(Overlay::Dialog(d));
        }
    }
    stay()
}

/// The note-domains dialog: 1–9 or Space toggle a domain, ↑↓ (k/j) move, Enter saves, Esc
/// (or q, n) cancels.
fn on_note_domains_key(
    cx: &mut Ctx,
    c: &mut CodingState,
    (note, mut chosen, mut cursor): (usize, Vec<bool>, usize),
    k: &KeyEvent,
) -> Step {
    let n = chosen.len();
    match k.code {
        KeyCode::Esc | KeyCode::Char('q' | 'n') => return stay(),
        KeyCode::Enter => {
            let book = std::sync::Arc::clone(&cx.shell.codebook);
            let domains: Vec<String> = book
                .domains
                .iter()
                .zip(&chosen)
                .filter(|(_, on)| **on)
                .map(|(d, _)| d.key.clone())
                .collect();
            let before = Content::of(&c.coding);
            let at = c.coding.notes.get(note).map(|x| c.clock().tenths(x.at_s)).unwrap_or_default();
            match c.coding.set_note_domains(&book, note, domains) {
                Ok(()) => {
                    edited(cx, c, before, Described::same(format!("domains of the note at {at}")))
                }
                Err(e) => cx.shell.notice(e.to_string()),
            }
            return stay();
        }
        KeyCode::Up | KeyCode::Char('k') => cursor = cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => cursor = (cursor + 1).min(n.saturating_sub(1)),
        KeyCode::Char(' ') => {
            if let Some(on) = chosen.get_mut(cursor) {
                *on = !*on;
            }
        }
        KeyCode::Char(d @ '1'..='9') => {
            let i = usize::from(d as u8 - b'1');
            if let Some(on) = chosen.get_mut(i) {
                *on = !*on;
                cursor = i;
            }
        }
        _ => {}
    }
    cx.open(Overlay::Dialog(Dialog::NoteDomains { note, chosen, cursor }));
    stay()
}

pub fn on_mouse(cx: &mut Ctx, c: &mut CodingState, kind: MouseEventKind, x: u16, y: u16) -> Step {
    let l = layout::coding_with(cx.shell.size, c.tpane.visible);
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
                let book = std::sync::Arc::clone(&cx.shell.codebook);
                click(c, &l, &book, x, y);
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
        _ if in_timeline && let Some(t) = transport::wheel_seek(kind, c.snap.position_s) => {
            seek(c, t)
        }
        _ => stay(),
    }
}

/// A click on a row selects it (and focuses its pane); on a pane, focuses it. Rows are hit-tested
/// with the heights the view draws them with (wrapped notes, rationales under scores).
fn click(c: &mut CodingState, l: &layout::CodingLayout, book: &Codebook, x: u16, y: u16) {
    let seg_h = rows::heights(&rows::segment_items(c, l.segment_rows.width.saturating_sub(1)));
    let note_h = rows::heights(&rows::note_items(c, book, l.note_rows.width.saturating_sub(1)));
    let score_h: Vec<u16> =
        rows::score_rationales(c, book, l.score_rows.width, l.score_rows.height)
            .iter()
            .map(|r| 1 + u16::try_from(r.len()).unwrap_or(0))
            .collect();
    if c.counts && contains(l.segments, x, y) {
        // The events pane, one row an event.
        let ev_h = vec![1u16; c.coding.events.len()];
        if let Some(i) = wrapped_row_at(l.segment_rows, y, c.ev_sel, &ev_h) {
            c.ev_sel = i;
        }
        c.focus = Pane::Events;
    } else if let Some(i) =
        wrapped_row_at(l.segment_rows, y, c.seg_sel, &seg_h).filter(|_| contains(l.segments, x, y))
    {
        c.focus = Pane::Segments;
        c.seg_sel = i;
    } else if let Some(i) =
        wrapped_row_at(l.note_rows, y, c.note_sel, &note_h).filter(|_| contains(l.notes, x, y))
    {
        c.focus = Pane::Notes;
        c.note_sel = i;
    } else if let Some(i) =
        wrapped_row_at(l.score_rows, y, c.score_sel, &score_h).filter(|_| contains(l.scores, x, y))
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
    } else if contains(l.transcript, x, y) && (l.split() || c.focus != Pane::Scores) {
        if c.focus != Pane::Transcript {
            c.tpane.sel = c.cue_near_playhead();
        }
        c.focus = Pane::Transcript;
    }
}
