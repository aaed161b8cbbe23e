//! Drawing the coding screen from its state; nothing here changes anything.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::{CodingState, ItemRow, Pane, SaveState, rows};
use crate::codebook::Codebook;
use crate::coding::ScoreState;
use crate::instrument::Formula;
use crate::tui::coder::model::App;
use crate::tui::keys::Action;
use crate::tui::keys::Keymap;
use crate::tui::layout::{self, CodingLayout};
use crate::tui::terminal::sanitize;
use crate::tui::widgets::chrome::hints::{
    BACK, CLEAR, HELP, HIDE, MATCHES, PANES, PLAY, SEARCH, SEEK, SELECT,
};
use crate::tui::widgets::chrome::{self, Hint, pane_block};
use crate::tui::widgets::lists::WrapList;
use crate::tui::widgets::rubric::Rubric;
use crate::tui::widgets::scores::Scores;
use crate::tui::widgets::timeline::{Lane, Timeline};

pub fn view(f: &mut Frame, app: &App, c: &CodingState) {
    let l = layout::coding_with(f.area(), c.tpane.visible);
    let book = &app.shell.codebook;
    // The segment kind `b` and `e` tag (the codebook's; see `Codebook::tagged_kind`).
    let kind = book.tagged_kind().map_or("", |k| k.key.as_str());
    header(f, c, l.header);
    timeline(f, c, kind, &l, app.shell.mono);
    if c.counts {
        events(f, book, c, &l);
    } else {
        segments(f, c, kind, &l);
    }
    notes(f, book, c, &l);
    scores(f, app, c, &l);
    // On a short terminal the transcript takes the rubric's place but while scoring.
    if !l.split() && c.tpane.visible && c.focus != Pane::Scores {
        transcript(f, c, l.transcript);
    } else {
        rubric(f, app, c, l.rubric);
        if l.split() {
            transcript(f, c, l.transcript);
        }
    }
    let (prefix, hints) = match (c.read_only(), c.focus) {
        (true, _) => (Some("read-only"), READ_ONLY_HINTS),
        (false, Pane::Timeline) => (None, TIMELINE_HINTS),
        (false, Pane::Segments) => (None, SEGMENTS_HINTS),
        (false, Pane::Notes) => (None, NOTES_HINTS),
        (false, Pane::Scores) => match c.selected_row(book) {
            Some(ItemRow::Check(_)) => (None, CHECK_HINTS),
            Some(ItemRow::Class(i))
                if book.items.classifications.get(i).is_some_and(|x| !x.derived()) =>
            {
                (None, CLASS_HINTS)
            }
            Some(ItemRow::Scale(_)) | None => (None, SCORES_HINTS),
            Some(_) => (None, ITEM_HINTS),
        },
        (false, Pane::Events) => (None, EVENTS_HINTS),
        (false, Pane::Transcript) if !c.tpane.matches.is_empty() => (None, SEARCH_HINTS),
        (false, Pane::Transcript) => (None, TRANSCRIPT_HINTS),
    };
    chrome::footer(f, &app.shell.keymap, app.current_notice(), l.footer, prefix, hints);
}

// The footer of each pane: what its keys do there, as bound now. The hints both apps share
// (`hints`), then this screen's own.
const SEGMENT: Hint = Hint::pair(&[Action::SegmentBegin, Action::SegmentEnd], "segment", 0);
const NOTE: Hint = Hint::new(&[Action::Note], "note", 1);
const GO_TO: Hint = Hint::new(&[Action::GoTo], "go to", 3);
const SUBMIT: Hint = Hint::new(&[Action::Submit], "submit", 1);
const JUMP: Hint = Hint::new(&[Action::Activate], "jump", 1);
const EDGE_HERE: Hint =
    Hint::pair(&[Action::SegmentStartHere, Action::SegmentEndHere], "edge here", 1);
const SEGMENT_NOTE: Hint = Hint::new(&[Action::SegmentNote], "note", 2);
const DELETE: Hint = Hint::new(&[Action::Delete], "delete", 3);
const UNDO: Hint = Hint::new(&[Action::Undo], "undo", 3);
const NEW_NOTE: Hint = Hint::new(&[Action::Note], "new note", 1);
const DOMAINS: Hint = Hint::new(&[Action::NoteDomains], "domains", 2);
const SNAP: Hint = Hint::pair(&[Action::SegmentBegin, Action::SegmentEnd], "snap to cue", 0);
const PRESENT: Hint = Hint::new(&[Action::Activate], "present/absent", 0);
const CHOOSE: Hint = Hint::range(&[Action::Score(1), Action::Score(5)], "choose", 0);
const NEXT_CLASS: Hint = Hint::new(&[Action::Activate], "next class", 1);
const SCORE: Hint = Hint::range(&[Action::Score(1), Action::Score(5)], "score", 0);
const RATIONALE: Hint = Hint::new(&[Action::Activate], "rationale", 0);
const RUBRIC: Hint = Hint::pair(&[Action::PageUp, Action::PageDown], "rubric", 1);

const READ_ONLY_HINTS: &[Hint] =
    &[PLAY, Hint::new(&[Action::Back5, Action::Forward5], "seek", 1), PANES, HELP, BACK.keep(0)];
const TIMELINE_HINTS: &[Hint] =
    &[PLAY, SEEK, SEGMENT, NOTE, GO_TO, PANES, SUBMIT.keep(2), HELP, BACK];
const SEGMENTS_HINTS: &[Hint] =
    &[PLAY, SELECT, JUMP, EDGE_HERE, SEGMENT_NOTE, DELETE, UNDO, PANES, HELP, BACK];
const NOTES_HINTS: &[Hint] =
    &[PLAY, SELECT, JUMP, NEW_NOTE, DOMAINS, DELETE, UNDO, PANES, HELP, BACK];
const TRANSCRIPT_HINTS: &[Hint] =
    &[PLAY, SELECT, JUMP.keep(0), SEARCH, SNAP, HIDE, PANES, HELP.keep(1), BACK];
const SEARCH_HINTS: &[Hint] =
    &[PLAY.keep(1), MATCHES, JUMP.keep(0), SEARCH.keep(1), SNAP, SELECT, PANES, HELP.keep(1), BACK];
const EVENTS_HINTS: &[Hint] =
    &[PLAY, SELECT, JUMP, DELETE.keep(0), UNDO.keep(0), PANES, HELP, BACK];
const CHECK_HINTS: &[Hint] =
    &[PLAY.keep(1), SELECT, PRESENT, CLEAR.keep(1), UNDO.keep(2), PANES, SUBMIT, HELP, BACK];
const CLASS_HINTS: &[Hint] =
    &[PLAY.keep(1), SELECT, CHOOSE, NEXT_CLASS, CLEAR.keep(2), PANES, SUBMIT, HELP, BACK];
const ITEM_HINTS: &[Hint] = &[PLAY, SELECT.keep(1), UNDO.keep(2), PANES, SUBMIT, HELP, BACK];
const SCORES_HINTS: &[Hint] =
    &[PLAY.keep(1), SELECT, SCORE, CLEAR.keep(3), RATIONALE, RUBRIC, PANES, SUBMIT, HELP, BACK];

fn header(f: &mut Frame, c: &CodingState, area: Rect) {
    let s = &c.snap;
    let play = chrome::play_state(s);
    let saved = match &c.save_state {
        _ if c.read_only() && c.gold => {
            Span::styled("gold set · read-only", Style::new().fg(Color::Green))
        }
        _ if c.read_only() => Span::styled("submitted · read-only", Style::new().fg(Color::Green)),
        SaveState::Saved => Span::styled("✓ saved", Style::new().fg(Color::Green)),
        SaveState::Unsaved | SaveState::Saving => {
            Span::styled("● saving…", Style::new().fg(Color::Yellow))
        }
        SaveState::Failed(_) => Span::styled(
            "✗ NOT SAVED (retrying)",
            Style::new().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD),
        ),
    };
    let mut spans = vec![
        chrome::badge(format!(" {} ", sanitize(&c.coding.recording)), Color::Cyan),
        if c.training {
            Span::styled(" training ", Style::new().fg(Color::Black).bg(Color::Magenta))
        } else if c.gold {
            Span::styled(" gold ", Style::new().fg(Color::Black).bg(Color::Yellow))
        } else {
            Span::raw(" ")
        },
        Span::raw(if c.training || c.gold { " " } else { "" }),
        Span::styled(
            format!("{} / {}", c.clock().at(s.position_s), c.clock().at(c.duration_s)),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        play,
        Span::raw(format!(" {:.1}× ", s.speed)),
        saved,
    ];
    if let Some(b) = c.pending_begin {
        spans.push(Span::styled(
            format!("  ● segment from {}", c.clock().tenths(b)),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ));
    }
    chrome::push_audio_status(&mut spans, area.width, s, "◌");
    f.render_widget(Line::from(spans), area);
}

const BC_SHADE: Color = Color::Indexed(58);

fn timeline(f: &mut Frame, c: &CodingState, kind: &str, l: &CodingLayout, mono: bool) {
    let focused = c.focus == Pane::Timeline;
    let mut bottom =
        vec![Span::styled(format!(" zoom {} ", c.zoom.label()), Style::new().fg(Color::DarkGray))];
    if c.counts {
        bottom.push(Span::styled(
            format!(" counts {} ", c.coding.events.len()),
            Style::new().fg(Color::Green),
        ));
    }
    let title = match c.window {
        Some(w) => {
            let clock = c.clock();
            format!(" Timeline · window {}–{} ", clock.at(w.start_s), clock.at(w.end_s))
        }
        None => " Timeline ".into(),
    };
    f.render_widget(pane_block(title, focused).title_bottom(Line::from(bottom)), l.timeline);
    let spans = c.tagged_spans(kind);
    let ticks: Vec<f64> = c.coding.notes.iter().map(|n| n.at_s).collect();
    let events: Vec<f64> = c.coding.events.iter().map(|e| e.at_s).collect();
    let over = Rect { height: l.overview.height + l.marks.height, ..l.overview };
    let base = Timeline {
        peaks: &c.peaks,
        duration_s: c.duration_s,
        window: (0.0, c.duration_s),
        lanes: vec![Lane { spans: &spans, color: BC_SHADE }],
        lane_rows: false,
        listened: &c.coding.listened,
        ticks: &ticks,
        playhead: Some(c.snap.position_s),
        tick_row: true,
        axis: false,
        detail: None,
        mono,
        events: &events,
        event_row: c.counts,
    };
    f.render_widget(base.clone(), over);
    let window = c.zoom_window();
    let detail = c.zoom_peaks.detail(window);
    f.render_widget(
        Timeline {
            window,
            tick_row: false,
            axis: true,
            detail: Some(&detail),
            event_row: false,
            ..base
        },
        l.zoom,
    );
    if let Some(w) = c.window {
        let buf = f.buffer_mut();
        outside_window(buf, over, (0.0, c.duration_s), (w.start_s, w.end_s), Some(l.marks));
        outside_window(buf, l.zoom, window, (w.start_s, w.end_s), None);
    }
}

/// Dims the columns of `area` (showing `from..to`) that lie outside the sampled window
/// `lo..hi`; on the `marks` row, `░` outside it and `[` `]` at its bounds.
fn outside_window(
    buf: &mut ratatui::buffer::Buffer,
    area: Rect,
    (from, to): (f64, f64),
    (lo, hi): (f64, f64),
    marks: Option<Rect>,
) {
    let area = area.intersection(buf.area);
    if area.width == 0 || to.partial_cmp(&from) != Some(std::cmp::Ordering::Greater) {
        return;
    }
    let w = f64::from(area.width);
    let col_of = |t: f64| ((t - from) / (to - from) * w).floor().clamp(0.0, w - 1.0) as u16;
    let dim = Style::new().fg(Color::DarkGray).add_modifier(Modifier::DIM);
    for col in 0..area.width {
        let t0 = from + f64::from(col) / w * (to - from);
        let t1 = from + f64::from(col + 1) / w * (to - from);
        if t1 > lo && t0 < hi {
            continue;
        }
        for y in area.y..area.bottom() {
            let cell = &mut buf[(area.x + col, y)];
            cell.set_style(dim);
            if marks.is_some_and(|m| m.y == y) && cell.symbol() == " " {
                cell.set_char('░');
            }
        }
    }
    let Some(m) = marks.filter(|m| area.bottom() > m.y && m.y >= area.y) else { return };
    let bound = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    // `[` on the window's first column, `]` on its last.
    let last = ((hi - from) / (to - from) * w).ceil().clamp(1.0, w) as u16 - 1;
    if (from..=to).contains(&lo) {
        buf[(area.x + col_of(lo), m.y)].set_char('[').set_style(bound);
    }
    if (from..=to).contains(&hi) {
        buf[(area.x + last, m.y)].set_char(']').set_style(bound);
    }
}

fn segments(f: &mut Frame, c: &CodingState, kind: &str, l: &CodingLayout) {
    let focused = c.focus == Pane::Segments;
    f.render_widget(
        pane_block(format!(" Segments ({}) ", c.coding.segments.len()), focused),
        l.segments,
    );
    // Live: a segment being tagged (b pressed, e not yet) counts up to the playhead.
    let share = match c.pending_begin {
        Some(b) => {
            let mut with_open = c.coding.clone();
            let _ = with_open.add_segment(kind, b, c.clamp_in(c.snap.position_s), c.duration_s);
            with_open.share_of_in(kind, &c.coded())
        }
        None => c.coding.share_of_in(kind, &c.coded()),
    } * 100.0;
    // Within a sampled window, the share is the window's.
    let of = if c.window.is_some() { "window" } else { "session" };
    let inner = l.segments.inner(ratatui::layout::Margin::new(1, 1));
    let label = |text| Span::styled(text, Style::new().fg(Color::Gray));
    let value = Span::styled(
        format!("{share:.1}% of {of}"),
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    );
    let summary: Vec<Line> = if kind.is_empty() {
        // An instrument tags no segments (the empty list says so).
        vec![]
    } else if l.segment_rows.y > inner.y + 1 {
        // No padding on its own line, so the label fits the narrowest segments pane.
        vec![Line::from(label(format!("{kind} talk:"))), Line::from(value)]
    } else {
        vec![Line::from(vec![label(format!(" {kind} talk: ")), value])]
    };
    let summary_area = Rect { height: l.segment_rows.y.saturating_sub(inner.y), ..inner };
    f.render_widget(ratatui::widgets::Paragraph::new(summary), summary_area);
    let items = rows::segment_items(c, l.segment_rows.width.saturating_sub(1));
    f.render_widget(
        WrapList {
            items,
            selected: c.seg_sel,
            focused,
            empty: if kind.is_empty() {
                "no segments to tag in this codebook"
            } else {
                "b at the start, e at the end"
            },
        },
        l.segment_rows,
    );
}

/// The events pane (an instrument with counts, in the segments pane's place): how many are
/// logged and the reaction-time offset, then every event, its time and count.
fn events(f: &mut Frame, book: &Codebook, c: &CodingState, l: &CodingLayout) {
    let focused = c.focus == Pane::Events;
    f.render_widget(
        pane_block(format!(" Events ({}) ", c.coding.events.len()), focused),
        l.segments,
    );
    let inner = l.segments.inner(ratatui::layout::Margin::new(1, 1));
    let offset = if c.reaction_offset_s > 0.0 {
        format!("offset −{:.1} s", c.reaction_offset_s)
    } else {
        "no reaction offset".to_string()
    };
    let summary =
        Line::from(vec![Span::styled(format!(" {offset}"), Style::new().fg(Color::Gray))]);
    let summary_area = Rect { height: l.segment_rows.y.saturating_sub(inner.y), ..inner };
    f.render_widget(summary, summary_area);
    let items = rows::event_items(c, book, l.segment_rows.height);
    let first = items.first_index;
    f.render_widget(
        WrapList {
            items: items.rows,
            selected: c.ev_sel.saturating_sub(first),
            focused,
            empty: "count keys log at the playhead (see the items pane)",
        },
        l.segment_rows,
    );
}

fn notes(f: &mut Frame, book: &Codebook, c: &CodingState, l: &CodingLayout) {
    let focused = c.focus == Pane::Notes;
    f.render_widget(pane_block(format!(" Notes ({}) ", c.coding.notes.len()), focused), l.notes);
    let items = rows::note_items(c, book, l.note_rows.width.saturating_sub(1));
    f.render_widget(
        WrapList { items, selected: c.note_sel, focused, empty: "n adds a note at the playhead" },
        l.note_rows,
    );
}

fn scores(f: &mut Frame, app: &App, c: &CodingState, l: &CodingLayout) {
    let book = &app.shell.codebook;
    let focused = c.focus == Pane::Scores;
    let scored = book.domains.iter().filter(|d| c.coding.scores.contains_key(&d.key)).count();
    let title = if book.items.is_empty() {
        format!(" Scores {scored}/{} ", book.domains.len())
    } else {
        // What submitting needs: every scale scored, item answered, chosen class chosen.
        let i = &book.items;
        let chosen: Vec<_> = i.classifications.iter().filter(|x| !x.derived()).collect();
        let done = scored
            + i.checklist.iter().filter(|x| c.coding.checklist.contains_key(&x.key)).count()
            + chosen.iter().filter(|x| c.coding.classes.contains_key(&x.key)).count();
        let all = book.domains.len() + i.checklist.len() + chosen.len();
        format!(" Items {done}/{all} ")
    };
    f.render_widget(pane_block(title, focused), l.scores);
    let domain_rows = book
        .domains
        .iter()
        .map(|d| {
            (
                d.label.as_str(),
                c.coding.score_state(book, &d.key),
                c.coding.rationales.contains_key(&d.key),
            )
        })
        .collect();
    f.render_widget(
        Scores {
            rows: domain_rows,
            items: rows::item_lines(c, book, &app.shell.keymap),
            under: rows::score_rationales(c, book, l.score_rows.width, l.score_rows.height),
            max: book.scale.max,
            selected: c.score_sel,
            focused,
        },
        l.score_rows,
    );
}

fn transcript(f: &mut Frame, c: &CodingState, area: Rect) {
    let focused = c.focus == Pane::Transcript;
    crate::tui::transcript_pane::draw(f, area, &c.tpane, c.snap.position_s, focused, c.clock());
}

fn rubric(f: &mut Frame, app: &App, c: &CodingState, area: Rect) {
    let book = &app.shell.codebook;
    let i = &book.items;
    let title = match c.selected_row(book) {
        Some(ItemRow::Scale(n)) => book.domains.get(n).map(|d| format!("Rubric: {}", d.label)),
        Some(ItemRow::Check(n)) => i.checklist.get(n).map(|x| format!("Checklist: {}", x.label)),
        Some(ItemRow::Class(n)) => i.classifications.get(n).map(|x| x.label.clone()),
        Some(ItemRow::Count(n)) => i.counts.get(n).map(|x| format!("Count: {}", x.label)),
        Some(ItemRow::Summary(n)) => i.summaries.get(n).map(|x| format!("Summary: {}", x.label)),
        None => None,
    };
    let Some(title) = title else {
        f.render_widget(pane_block(" Rubric ".into(), false), area);
        return;
    };
    let block = pane_block(format!(" {} ", sanitize(&title)), false);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if let Some(r) = rubric_widget(book, &app.shell.keymap, c) {
        f.render_widget(r, inner);
    }
}

/// The rubric of the selected row (what the pane draws, and what PageDown measures): a domain's
/// levels, or an item's description with its state.
pub fn rubric_widget<'a>(
    book: &'a Codebook,
    keymap: &Keymap,
    c: &'a CodingState,
) -> Option<Rubric<'a>> {
    match c.selected_row(book)? {
        ItemRow::Scale(_) => {}
        row => return item_rubric(book, keymap, c, row),
    }
    let d = book.domains.get(c.score_sel)?;
    let state = c.coding.score_state(book, &d.key);
    let notice = match (state, d.requires_segment.as_deref()) {
        (ScoreState::NotApplicable, Some(_)) => {
            Some("not applicable — no behaviour-change segment".to_string())
        }
        _ => None,
    };
    let chosen = match state {
        ScoreState::Level(l) => Some(l),
        _ => None,
    };
    let levels = (book.scale.min..=book.scale.max)
        .filter_map(|lv| book.descriptor(&d.key, lv).map(|t| (lv, t.to_string())))
        .collect();
    Some(Rubric {
        description: d.description.clone(),
        levels,
        chosen,
        notice,
        rationale: c.coding.rationales.get(&d.key).map(String::as_str),
        show_rationale: true,
        scroll: c.rubric_scroll,
    })
}

/// The rubric pane for an item row: what counts, its state, how to answer it.
fn item_rubric<'a>(
    book: &'a Codebook,
    keymap: &Keymap,
    c: &'a CodingState,
    row: ItemRow,
) -> Option<Rubric<'a>> {
    let items = &book.items;
    let key = |a: Action| keymap.keys_for(a).join("/");
    let mut r = Rubric {
        description: String::new(),
        levels: vec![],
        chosen: None,
        notice: None,
        rationale: None,
        show_rationale: false,
        scroll: c.rubric_scroll,
    };
    match row {
        ItemRow::Scale(_) => return None,
        ItemRow::Check(i) => {
            let item = items.checklist.get(i)?;
            r.description = item.description.clone();
            r.notice = Some(match c.coding.checklist.get(&item.key) {
                Some(true) => format!("✓ Present ({} marks it absent)", key(Action::Activate)),
                Some(false) => format!(
                    "✗ Absent ({} marks it present, {} clears it)",
                    key(Action::Activate),
                    key(Action::ClearScore)
                ),
                None => format!(
                    "· Not answered yet: {} marks it present, again absent",
                    key(Action::Activate)
                ),
            });
        }
        ItemRow::Class(i) => {
            let cl = items.classifications.get(i)?;
            r.description = cl.description.clone();
            r.levels = cl
                .classes
                .iter()
                .zip(1u8..)
                .map(|(x, n)| (n, format!("{}: {}", x.label, x.description)))
                .collect();
            let now = c.coding.class_of(book, &cl.key);
            r.chosen = now
                .and_then(|x| cl.classes.iter().position(|y| y.key == x.key))
                .and_then(|p| u8::try_from(p + 1).ok());
            r.notice = Some(match now {
                _ if cl.derived() => {
                    let missing = rows::needs(c, book, cl);
                    if missing.is_empty() {
                        "Derived live from the checklist by the codebook's rules.".to_string()
                    } else {
                        format!("Derived from the checklist; it needs: {}.", missing.join("; "))
                    }
                }
                Some(_) => format!(
                    "Chosen. 1–{} choose another, {} clears it.",
                    cl.classes.len(),
                    key(Action::ClearScore)
                ),
                None => format!(
                    "Choose with 1–{} ({} steps through them).",
                    cl.classes.len(),
                    key(Action::Activate)
                ),
            });
        }
        ItemRow::Count(i) => {
            let item = items.counts.get(i)?;
            r.description = item.description.clone();
            let n = c.coding.events.iter().filter(|e| e.code == item.key).count();
            let press = crate::tui::keys::key_name(&keymap.count_key(item));
            let offset = if c.reaction_offset_s > 0.0 {
                format!(" less your reaction-time offset of {:.1} s", c.reaction_offset_s)
            } else {
                String::new()
            };
            r.notice = Some(format!(
                "{press} logs one at the playhead{offset}, in any pane. {n} logged so far."
            ));
        }
        ItemRow::Summary(i) => {
            let s = items.summaries.get(i)?;
            r.description = formula_text(book, &s.formula);
            let (value, _) = rows::summary_value(c, book, s);
            let mut notice = match c.coding.summary(book, s) {
                Ok(_) => format!("Now: {value}."),
                Err(why) => format!("Now: n/a — {}.", rows::unlabelled(&why.reason, &s.label)),
            };
            if let Some(t) = s.thresholds {
                notice.push_str(&format!(" Fair from {}, good from {}.", t.fair, t.good));
            }
            r.notice = Some(notice);
        }
    }
    Some(r)
}

/// What a summary computes, in words, with the items' labels.
fn formula_text(book: &Codebook, f: &Formula) -> String {
    let count = |k: &String| book.items.count(k).map_or(k.clone(), |c| c.label.clone());
    let scale = |k: &String| book.domain(k).map_or(k.clone(), |d| d.label.clone());
    let list = |ks: &[String], name: &dyn Fn(&String) -> String| {
        ks.iter().map(name).collect::<Vec<_>>().join(" + ")
    };
    match f {
        Formula::Sum(ks) => format!("The total of: {}.", list(ks, &count)),
        Formula::Ratio { numerator, denominator, percent } => format!(
            "({}) ÷ ({}){}.",
            list(numerator, &count),
            list(denominator, &count),
            if *percent { " × 100" } else { "" }
        ),
        Formula::Mean(ks) => format!("The mean of: {}.", list(ks, &scale)),
    }
}
