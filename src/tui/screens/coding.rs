//! The coding screen: header, timeline (overview + zoom), segments, notes, scores and rubric. Its
//! state lives here too: the coding being edited, the last playback snapshot, focus and selections,
//! and what has been saved.
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

use crate::audio::Snapshot;
use crate::codebook::Codebook;
use crate::coding::{Coding, ScoreState, Status};
use crate::tui::app::{App, Effect};
use crate::tui::format::{hms, hms_tenths};
use crate::tui::layout::{self, CodingLayout};
use crate::tui::rules;
use crate::tui::terminal::sanitize;
use crate::tui::widgets::lists::SelectList;
use crate::tui::widgets::rubric::Rubric;
use crate::tui::widgets::scores::Scores;
use crate::tui::widgets::timeline::{Lane, Timeline};

/// The panes `Tab` moves between, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Timeline,
    Segments,
    Notes,
    Scores,
}

impl Pane {
    pub fn next(self) -> Self {
        match self {
            Pane::Timeline => Pane::Segments,
            Pane::Segments => Pane::Notes,
            Pane::Notes => Pane::Scores,
            Pane::Scores => Pane::Timeline,
        }
    }

    pub fn prev(self) -> Self {
        match self {
            Pane::Timeline => Pane::Scores,
            Pane::Segments => Pane::Timeline,
            Pane::Notes => Pane::Segments,
            Pane::Scores => Pane::Notes,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SaveState {
    Saved,
    Unsaved,
    Saving,
    Failed(String),
}

/// Width of the zoomed strip around the playhead, in seconds.
pub const ZOOM_S: f64 = 30.0;

#[derive(Debug, Clone)]
pub struct CodingState {
    pub coding: Coding,
    pub duration_s: f64,
    pub snap: Snapshot,
    pub focus: Pane,
    pub seg_sel: usize,
    pub note_sel: usize,
    pub score_sel: usize,
    /// Where `b` was pressed, until `e`.
    pub pending_begin: Option<f64>,
    /// Lines the rubric is scrolled (mouse wheel); back to 0 when another domain is selected.
    pub rubric_scroll: u16,
    /// Overview peaks (negative = not known yet).
    pub peaks: Vec<f32>,
    /// When the first unsaved edit happened (ms), if any.
    pub dirty_since: Option<u64>,
    /// Listening progress not yet saved.
    pub listen_dirty: bool,
    pub last_save_ms: u64,
    /// Saves sent and not yet answered.
    pub saving: u32,
    pub save_state: SaveState,
}

impl CodingState {
    pub fn new(coding: Coding, duration_s: f64, snap: Snapshot) -> Self {
        CodingState {
            coding,
            duration_s: if duration_s.is_finite() { duration_s.max(0.0) } else { 0.0 },
            snap,
            focus: Pane::Timeline,
            seg_sel: 0,
            note_sel: 0,
            score_sel: 0,
            pending_begin: None,
            rubric_scroll: 0,
            peaks: vec![],
            dirty_since: None,
            listen_dirty: false,
            last_save_ms: 0,
            saving: 0,
            save_state: SaveState::Saved,
        }
    }

    pub fn read_only(&self) -> bool {
        self.coding.status == Status::Submitted
    }

    /// Records an edit made at `now` (ms): saved after the debounce.
    pub fn touch(&mut self, now: u64) {
        self.dirty_since.get_or_insert(now);
        if !matches!(self.save_state, SaveState::Failed(_)) {
            self.save_state = SaveState::Unsaved;
        }
    }

    /// Moves the playhead now (so repeated keys add up) and asks the player to follow.
    pub fn seek_to(&mut self, t: f64) -> Effect {
        let t = if t.is_finite() { t.clamp(0.0, self.duration_s) } else { 0.0 };
        self.snap.position_s = t;
        self.snap.ended = false;
        Effect::Seek(t)
    }

    /// A new snapshot: continuous playback since the last one counts as listened.
    pub fn on_snapshot(&mut self, s: Snapshot, _now: u64) {
        if !self.read_only() && self.snap.playing && s.playing {
            let (a, b) = (self.snap.position_s, s.position_s);
            let max_step = 1.5 * f64::from(s.speed.max(1.0)) + 0.25;
            if b > a
                && b - a <= max_step
                && self.coding.record_listened(a, b.min(self.duration_s)).is_ok()
            {
                self.listen_dirty = true;
            }
        }
        self.snap = s;
    }

    pub fn on_overview(&mut self, total: usize, start: usize, peaks: &[f32]) {
        let total = total.min(1 << 20);
        if self.peaks.len() != total {
            self.peaks = vec![-1.0; total];
        }
        for (i, p) in peaks.iter().enumerate() {
            if let Some(slot) = self.peaks.get_mut(start + i) {
                *slot = if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 };
            }
        }
    }

    /// The zoomed strip's window: `ZOOM_S` seconds around the playhead, inside the recording.
    pub fn zoom_window(&self) -> (f64, f64) {
        let w = ZOOM_S.min(self.duration_s).max(0.0);
        let a = (self.snap.position_s - w / 2.0).clamp(0.0, (self.duration_s - w).max(0.0));
        (a, a + w)
    }

    fn bc_spans(&self) -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = self
            .coding
            .segments
            .iter()
            .filter(|s| s.kind == rules::BEHAVIOUR_CHANGE)
            .map(|s| (s.start_s, s.end_s))
            .collect();
        if let Some(b) = self.pending_begin {
            let p = self.snap.position_s;
            v.push((b.min(p), b.max(p)));
        }
        v
    }
}

fn pane_block(title: String, focused: bool) -> Block<'static> {
    let color = if focused { Color::Cyan } else { Color::DarkGray };
    let mut title_style = Style::new().fg(if focused { Color::Cyan } else { Color::Gray });
    if focused {
        title_style = title_style.add_modifier(Modifier::BOLD);
    }
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(color))
        .title(Span::styled(title, title_style))
}

pub fn view(f: &mut Frame, app: &App, c: &CodingState) {
    let l = layout::coding(f.area());
    header(f, c, l.header);
    timeline(f, c, &l);
    segments(f, c, &l);
    notes(f, c, &l);
    scores(f, &app.codebook, c, &l);
    rubric(f, &app.codebook, c, l.rubric);
    let hints = match (c.read_only(), f.area().width >= 100) {
        (true, _) => "read-only · Space play · ←→ seek · Tab panes · ? help · q back",
        (false, true) => {
            "Space play · ←→ ±5s · b/e segment · n note · Tab panes · 1-5 score · S submit · ? help · q back"
        }
        (false, false) => "Space play ←→ ±5s b/e segment n note Tab pane 1-5 score S submit ? help",
    };
    super::footer(f, app, l.footer, hints);
}

fn header(f: &mut Frame, c: &CodingState, area: Rect) {
    let s = &c.snap;
    let play = if s.playing {
        Span::styled(" ▶ playing ", Style::new().fg(Color::Black).bg(Color::Green))
    } else if s.ended {
        Span::styled(" ■ ended ", Style::new().fg(Color::Black).bg(Color::Gray))
    } else {
        Span::styled(" ❚❚ paused ", Style::new().fg(Color::Black).bg(Color::Yellow))
    };
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
        Span::raw(" "),
        Span::styled(
            format!("{} / {}", hms(s.position_s), hms(c.duration_s)),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        play,
        Span::raw(format!(" {:.1}× ", s.speed)),
        saved,
    ];
    if let Some(b) = c.pending_begin {
        spans.push(Span::styled(
            format!("  ● segment from {}", hms_tenths(b)),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(e) = &s.error {
        spans.push(Span::styled(format!("  ⚠ {}", sanitize(e)), Style::new().fg(Color::Red)));
    } else if let Some(r) = &s.silent_reason {
        spans.push(Span::styled(format!("  ◌ {}", sanitize(r)), Style::new().fg(Color::Magenta)));
    }
    f.render_widget(Line::from(spans), area);
}

const BC_SHADE: Color = Color::Indexed(58);

fn timeline(f: &mut Frame, c: &CodingState, l: &CodingLayout) {
    let focused = c.focus == Pane::Timeline;
    f.render_widget(
        pane_block(" Timeline ".into(), focused).title_bottom(Line::from(vec![Span::styled(
            format!(" zoom ±{}s ", ZOOM_S / 2.0),
            Style::new().fg(Color::DarkGray),
        )])),
        l.timeline,
    );
    let spans = c.bc_spans();
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
    };
    f.render_widget(base.clone(), over);
    f.render_widget(
        Timeline { window: c.zoom_window(), tick_row: false, axis: true, ..base },
        l.zoom,
    );
}

fn segments(f: &mut Frame, c: &CodingState, l: &CodingLayout) {
    let focused = c.focus == Pane::Segments;
    f.render_widget(
        pane_block(format!(" Segments ({}) ", c.coding.segments.len()), focused),
        l.segments,
    );
    let share = rules::share(&c.coding, rules::BEHAVIOUR_CHANGE, c.duration_s) * 100.0;
    let inner = l.segments.inner(ratatui::layout::Margin::new(1, 1));
    let label = Span::styled(" behaviour-change talk: ", Style::new().fg(Color::Gray));
    let value = Span::styled(
        format!("{share:.1}% of session"),
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    );
    let summary: Vec<Line> = if l.segment_rows.y > inner.y + 1 {
        vec![Line::from(label), Line::from(vec![Span::raw(" "), value])]
    } else {
        vec![Line::from(vec![label, value])]
    };
    let summary_area = Rect { height: l.segment_rows.y.saturating_sub(inner.y), ..inner };
    f.render_widget(ratatui::widgets::Paragraph::new(summary), summary_area);
    let items = c
        .coding
        .segments
        .iter()
        .map(|s| {
            Line::from(vec![
                Span::raw(format!("{}–{}", hms_tenths(s.start_s), hms_tenths(s.end_s))),
                Span::styled(
                    format!(" {:.0}s", s.end_s - s.start_s),
                    Style::new().fg(Color::DarkGray),
                ),
            ])
        })
        .collect();
    f.render_widget(
        SelectList { items, selected: c.seg_sel, focused, empty: "b at the start, e at the end" },
        l.segment_rows,
    );
}

fn notes(f: &mut Frame, c: &CodingState, l: &CodingLayout) {
    let focused = c.focus == Pane::Notes;
    f.render_widget(pane_block(format!(" Notes ({}) ", c.coding.notes.len()), focused), l.notes);
    let items = c
        .coding
        .notes
        .iter()
        .map(|n| {
            Line::from(vec![
                Span::styled(format!("{} ", hms_tenths(n.at_s)), Style::new().fg(Color::Magenta)),
                Span::raw(sanitize(&n.text).into_owned()),
            ])
        })
        .collect();
    f.render_widget(
        SelectList { items, selected: c.note_sel, focused, empty: "n adds a note at the playhead" },
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
    let rows = book
        .domains
        .iter()
        .map(|d| {
            (
                d.label.as_str(),
                rules::score_state(&c.coding, book, &d.key),
                c.coding.rationales.contains_key(&d.key),
            )
        })
        .collect();
    f.render_widget(
        Scores { rows, max: book.scale.max, selected: c.score_sel, focused },
        l.score_rows,
    );
}

fn rubric(f: &mut Frame, book: &Codebook, c: &CodingState, area: Rect) {
    let Some(d) = book.domains.get(c.score_sel) else {
        f.render_widget(pane_block(" Rubric ".into(), false), area);
        return;
    };
    let block = pane_block(format!(" Rubric: {} ", sanitize(&d.label)), false);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let state = rules::score_state(&c.coding, book, &d.key);
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
    f.render_widget(
        Rubric {
            description: &d.description,
            levels,
            chosen,
            notice,
            rationale: c.coding.rationales.get(&d.key).map(String::as_str),
            scroll: c.rubric_scroll,
        },
        inner,
    );
}
