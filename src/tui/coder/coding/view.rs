//! Drawing the coding screen from its state; nothing here changes anything.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::{CodingState, Pane, SaveState, rows};
use crate::codebook::Codebook;
use crate::coding::ScoreState;
use crate::tui::coder::model::App;
use crate::tui::keys::Action;
use crate::tui::layout::{self, CodingLayout};
use crate::tui::terminal::sanitize;
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
    segments(f, c, kind, &l);
    notes(f, book, c, &l);
    scores(f, book, c, &l);
    // On a short terminal the transcript takes the rubric's place but while scoring.
    if !l.split() && c.tpane.visible && c.focus != Pane::Scores {
        transcript(f, c, l.transcript);
    } else {
        rubric(f, book, c, l.rubric);
        if l.split() {
            transcript(f, c, l.transcript);
        }
    }
    let (prefix, hints) = match (c.read_only(), c.focus) {
        (true, _) => (Some("read-only"), READ_ONLY_HINTS),
        (false, Pane::Timeline) => (None, TIMELINE_HINTS),
        (false, Pane::Segments) => (None, SEGMENTS_HINTS),
        (false, Pane::Notes) => (None, NOTES_HINTS),
        (false, Pane::Scores) => (None, SCORES_HINTS),
        (false, Pane::Transcript) if !c.tpane.matches.is_empty() => (None, SEARCH_HINTS),
        (false, Pane::Transcript) => (None, TRANSCRIPT_HINTS),
    };
    let hints = chrome::hint_line(&app.shell.keymap, prefix, hints, l.footer.width);
    chrome::footer(f, app.current_notice(), l.footer, &hints);
}

// The footer of each pane: what its keys do there, as bound now.
const READ_ONLY_HINTS: &[Hint] = &[
    Hint::new(&[Action::PlayPause], "play", 0),
    Hint::new(&[Action::Back5, Action::Forward5], "seek", 1),
    Hint::new(&[Action::FocusNext], "panes", 2),
    Hint::new(&[Action::Help], "help", 0),
    Hint::new(&[Action::Back], "back", 0),
];
const TIMELINE_HINTS: &[Hint] = &[
    Hint::new(&[Action::PlayPause], "play", 0),
    Hint::new(&[Action::Back5, Action::Forward5], "±5s", 1),
    Hint::pair(&[Action::SegmentBegin, Action::SegmentEnd], "segment", 0),
    Hint::new(&[Action::Note], "note", 1),
    Hint::new(&[Action::GoTo], "go to", 3),
    Hint::new(&[Action::FocusNext], "panes", 2),
    Hint::new(&[Action::Submit], "submit", 2),
    Hint::new(&[Action::Help], "help", 0),
    Hint::new(&[Action::Back], "back", 3),
];
const SEGMENTS_HINTS: &[Hint] = &[
    Hint::new(&[Action::PlayPause], "play", 0),
    Hint::new(&[Action::Up, Action::Down], "select", 2),
    Hint::new(&[Action::Activate], "jump", 1),
    Hint::pair(&[Action::SegmentStartHere, Action::SegmentEndHere], "edge here", 1),
    Hint::new(&[Action::SegmentNote], "note", 2),
    Hint::new(&[Action::Delete], "delete", 3),
    Hint::new(&[Action::Undo], "undo", 3),
    Hint::new(&[Action::FocusNext], "panes", 2),
    Hint::new(&[Action::Help], "help", 0),
    Hint::new(&[Action::Back], "back", 3),
];
const NOTES_HINTS: &[Hint] = &[
    Hint::new(&[Action::PlayPause], "play", 0),
    Hint::new(&[Action::Up, Action::Down], "select", 2),
    Hint::new(&[Action::Activate], "jump", 1),
    Hint::new(&[Action::Note], "new note", 1),
    Hint::new(&[Action::NoteDomains], "domains", 2),
    Hint::new(&[Action::Delete], "delete", 3),
    Hint::new(&[Action::Undo], "undo", 3),
    Hint::new(&[Action::FocusNext], "panes", 2),
    Hint::new(&[Action::Help], "help", 0),
    Hint::new(&[Action::Back], "back", 3),
];
const TRANSCRIPT_HINTS: &[Hint] = &[
    Hint::new(&[Action::PlayPause], "play", 0),
    Hint::new(&[Action::Up, Action::Down], "select", 2),
    Hint::new(&[Action::Activate], "jump", 0),
    Hint::new(&[Action::Search], "search", 0),
    Hint::pair(&[Action::SegmentBegin, Action::SegmentEnd], "snap to cue", 0),
    Hint::new(&[Action::Transcript], "hide", 2),
    Hint::new(&[Action::FocusNext], "panes", 2),
    Hint::new(&[Action::Help], "help", 1),
    Hint::new(&[Action::Back], "back", 3),
];
const SEARCH_HINTS: &[Hint] = &[
    Hint::new(&[Action::PlayPause], "play", 1),
    Hint::pair(&[Action::Note, Action::SegmentNote], "next/prev match", 0),
    Hint::new(&[Action::Activate], "jump", 0),
    Hint::new(&[Action::Search], "search", 1),
    Hint::pair(&[Action::SegmentBegin, Action::SegmentEnd], "snap to cue", 0),
    Hint::new(&[Action::Up, Action::Down], "select", 2),
    Hint::new(&[Action::FocusNext], "panes", 2),
    Hint::new(&[Action::Help], "help", 1),
    Hint::new(&[Action::Back], "back", 3),
];
const SCORES_HINTS: &[Hint] = &[
    Hint::new(&[Action::PlayPause], "play", 1),
    Hint::new(&[Action::Up, Action::Down], "select", 2),
    Hint::range(&[Action::Score(1), Action::Score(5)], "score", 0),
    Hint::new(&[Action::ClearScore], "clear", 3),
    Hint::new(&[Action::Activate], "rationale", 0),
    Hint::pair(&[Action::PageUp, Action::PageDown], "rubric", 1),
    Hint::new(&[Action::FocusNext], "panes", 2),
    Hint::new(&[Action::Submit], "submit", 1),
    Hint::new(&[Action::Help], "help", 0),
    Hint::new(&[Action::Back], "back", 3),
];

fn header(f: &mut Frame, c: &CodingState, area: Rect) {
    let s = &c.snap;
    let play = chrome::play_state(s);
    let saved = match &c.save_state {
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
        Span::styled(
            format!(" {} ", sanitize(&c.coding.recording)),
            Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD),
        ),
        if c.training {
            Span::styled(" training ", Style::new().fg(Color::Black).bg(Color::Magenta))
        } else {
            Span::raw(" ")
        },
        Span::raw(if c.training { " " } else { "" }),
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
    let w = area.width;
    if let Some(e) = &s.error {
        let choices = [format!("  ⚠ {}", sanitize(e)), "  ⚠ audio error".into()];
        chrome::push_fitting(&mut spans, w, &choices, Style::new().fg(Color::Red));
    } else if let Some(r) = &s.silent_reason {
        let choices = chrome::silent_choices("◌", r);
        chrome::push_fitting(&mut spans, w, &choices, Style::new().fg(Color::Magenta));
    }
    f.render_widget(Line::from(spans), area);
}

const BC_SHADE: Color = Color::Indexed(58);

fn timeline(f: &mut Frame, c: &CodingState, kind: &str, l: &CodingLayout, mono: bool) {
    let focused = c.focus == Pane::Timeline;
    f.render_widget(
        pane_block(" Timeline ".into(), focused).title_bottom(Line::from(vec![Span::styled(
            format!(" zoom {} ", c.zoom.label()),
            Style::new().fg(Color::DarkGray),
        )])),
        l.timeline,
    );
    let spans = c.tagged_spans(kind);
    let ticks: Vec<f64> = c.coding.notes.iter().map(|n| n.at_s).collect();
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
    };
    f.render_widget(base.clone(), over);
    let window = c.zoom_window();
    let detail = c.zoom_peaks.detail(window);
    f.render_widget(
        Timeline { window, tick_row: false, axis: true, detail: Some(&detail), ..base },
        l.zoom,
    );
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
            let _ = with_open.add_segment(kind, b, c.snap.position_s, c.duration_s);
            with_open.share_of(kind, c.duration_s)
        }
        None => c.coding.share_of(kind, c.duration_s),
    } * 100.0;
    let inner = l.segments.inner(ratatui::layout::Margin::new(1, 1));
    let label = |text| Span::styled(text, Style::new().fg(Color::Gray));
    let value = Span::styled(
        format!("{share:.1}% of session"),
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    );
    let summary: Vec<Line> = if l.segment_rows.y > inner.y + 1 {
        // No padding on its own line, so the label fits the narrowest segments pane.
        vec![Line::from(label(format!("{kind} talk:"))), Line::from(value)]
    } else {
        vec![Line::from(vec![label(format!(" {kind} talk: ")), value])]
    };
    let summary_area = Rect { height: l.segment_rows.y.saturating_sub(inner.y), ..inner };
    f.render_widget(ratatui::widgets::Paragraph::new(summary), summary_area);
    let items = rows::segment_items(c, l.segment_rows.width.saturating_sub(1));
    f.render_widget(
        WrapList { items, selected: c.seg_sel, focused, empty: "b at the start, e at the end" },
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

fn scores(f: &mut Frame, book: &Codebook, c: &CodingState, l: &CodingLayout) {
    let focused = c.focus == Pane::Scores;
    let scored = book.domains.iter().filter(|d| c.coding.scores.contains_key(&d.key)).count();
    f.render_widget(
        pane_block(format!(" Scores {scored}/{} ", book.domains.len()), focused),
        l.scores,
    );
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
    let pane = (c.transcript.as_ref(), &c.tpane);
    crate::tui::transcript_pane::draw(f, area, pane, c.snap.position_s, focused, c.clock());
}

fn rubric(f: &mut Frame, book: &Codebook, c: &CodingState, area: Rect) {
    let Some(d) = book.domains.get(c.score_sel) else {
        f.render_widget(pane_block(" Rubric ".into(), false), area);
        return;
    };
    let block = pane_block(format!(" Rubric: {} ", sanitize(&d.label)), false);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if let Some(r) = rubric_widget(book, c) {
        f.render_widget(r, inner);
    }
}

/// The rubric of the selected domain (what the pane draws, and what PageDown measures).
pub fn rubric_widget<'a>(book: &'a Codebook, c: &'a CodingState) -> Option<Rubric<'a>> {
    let d = book.domains.get(c.score_sel)?;
    let state = c.coding.score_state(book, &d.key);
    let notice = match (state, d.requires_segment.as_deref()) {
        (ScoreState::NotApplicable, Some(_)) => {
            Some("not applicable — no behaviour-change segment")
        }
        _ => None,
    };
    let chosen = match state {
        ScoreState::Level(l) => Some(l),
        _ => None,
    };
    let levels = (book.scale.min..=book.scale.max)
        .filter_map(|lv| book.descriptor(&d.key, lv).map(|t| (lv, t)))
        .collect();
    Some(Rubric {
        description: &d.description,
        levels,
        chosen,
        notice,
        rationale: c.coding.rationales.get(&d.key).map(String::as_str),
        scroll: c.rubric_scroll,
    })
}
