//! Drawing one recording with both coders side by side (scores, rationales, segments and notes,
//! one timeline with a lane each) and the reason prompt; nothing here changes anything. The
//! layout is pure so that the screen's `update` hit-tests the mouse with the same rectangles.
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::{Item, Pane, RecordingState};
use crate::codebook::Codebook;
use crate::coding::{Coding, ScoreState};
use crate::timefmt::{Clock, hms, hms_tenths};
use crate::tui::keys::Action;
use crate::tui::layout::{list_offset, rows_below};
use crate::tui::shell::Shell;
use crate::tui::shell::prompt::{Prompt, PromptKind};
use crate::tui::supervisor::model::AdjApp;
use crate::tui::terminal::sanitize;
use crate::tui::widgets::chrome::hints::{self, CLEAR, HELP, HIDE, MATCHES, SEARCH};
use crate::tui::widgets::chrome::{self, Hint, pane_block};
use crate::tui::widgets::lists::{SelectList, selection_style};
use crate::tui::widgets::prompt::PromptBox;
use crate::tui::widgets::rubric::wrap;
use crate::tui::widgets::timeline::{Lane, Timeline};

/// Lane colours: primary coder (A), secondary coder (B).
pub const LANE_COLORS: [Color; 2] = [Color::Indexed(58), Color::Indexed(24)];
const LABEL_W: u16 = 9;

/// The recording screen's rectangles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordingLayout {
    pub header: Rect,
    pub timeline: Rect,
    /// The lane labels, left of the timeline.
    pub labels: Rect,
    /// The timeline widget: waveform, two lanes, axis.
    pub wave: Rect,
    /// The zoom strip around the playhead (waveform, two lanes, axis): below the overview on a
    /// terminal 40 rows high or more, beside it on a smaller one.
    pub zoom: Rect,
    pub scores: Rect,
    pub score_rows: Rect,
    pub detail: Rect,
    pub primary: Rect,
    pub primary_rows: Rect,
    pub secondary: Rect,
    pub secondary_rows: Rect,
    /// The transcript pane when shown (empty when hidden): a row of its own under the two
    /// coders' lists when the terminal has the rows for it (40 or more), else beside them, the
    /// lists' row split in three (so the scores keep every row they need).
    pub transcript: Rect,
    pub footer: Rect,
}

/// The transcript pane's height under the coders' lists on a tall terminal.
const TRANSCRIPT_H: u16 = 6;

/// The recording screen without the transcript pane.
pub fn recording_layout(area: Rect, n_domains: usize) -> RecordingLayout {
    recording_layout_with(area, n_domains, false)
}

/// The recording screen, with the transcript pane when `transcript` is shown.
pub fn recording_layout_with(area: Rect, n_domains: usize, transcript: bool) -> RecordingLayout {
    use Constraint::{Length, Min, Percentage};
    let stacked = area.height >= 40;
    let wave_h = if stacked { 4 } else { 2 };
    // Below the overview: a 2-row waveform, the lanes and the axis.
    let zoom_h = if stacked { 2 + 2 + 1 } else { 0 };
    let timeline_h = wave_h + 2 + 1 + 2 + zoom_h;
    let middle_min = n_domains as u16 + 3;
    let rest = area.height.saturating_sub(timeline_h + 2);
    let lists_h = (rest / 3).max(5).min(rest.saturating_sub(middle_min));
    let below = transcript && stacked && rest.saturating_sub(lists_h + middle_min) >= TRANSCRIPT_H;
    let tr_h = if below { TRANSCRIPT_H } else { 0 };
    let [header, timeline, middle, lists, tr_row, footer] = Layout::vertical([
        Length(1),
        Length(timeline_h),
        Min(0),
        Length(lists_h),
        Length(tr_h),
        Length(1),
    ])
    .areas(area);
    let inner = timeline.inner(Margin::new(1, 1));
    let [labels, strips] = Layout::horizontal([Length(LABEL_W), Min(0)]).areas(inner);
    let (wave, zoom) = if stacked {
        let [wave, zoom] = Layout::vertical([Length(wave_h + 3), Length(zoom_h)]).areas(strips);
        (wave, zoom)
    } else {
        let [wave, _, zoom] = Layout::horizontal([Percentage(50), Length(1), Min(0)]).areas(strips);
        (wave, zoom)
    };
    let scores_w = if area.width >= 120 { 56 } else { 48 };
    let [scores, detail] = Layout::horizontal([Length(scores_w), Min(0)]).areas(middle);
    let (primary, secondary, transcript) = if below || !transcript {
        let [p, s] = Layout::horizontal([Percentage(50), Percentage(50)]).areas(lists);
        (p, s, tr_row)
    } else {
        let [p, s, t] = Layout::horizontal([Percentage(30), Percentage(30), Min(0)]).areas(lists);
        (p, s, t)
    };
    RecordingLayout {
        header,
        timeline,
        labels,
        wave,
        zoom,
        score_rows: rows_below(scores, 1),
        scores,
        detail,
        primary_rows: rows_below(primary, 0),
        primary,
        secondary_rows: rows_below(secondary, 0),
        secondary,
        transcript,
        footer,
    }
}

pub fn label_of<'a>(book: &'a Codebook, key: &'a str) -> &'a str {
    book.domain(key).map_or(key, |d| d.label.as_str())
}

pub fn score_text(s: Option<u8>) -> String {
    s.map_or_else(|| "–".to_string(), |v| v.to_string())
}

pub fn view(f: &mut Frame, app: &AdjApp, r: &RecordingState) {
    let l = recording_layout_with(f.area(), app.shell.codebook.domains.len(), r.tpane.visible);
    header(f, app, r, l.header);
    timeline(f, r, &l, app.shell.mono);
    scores(f, app, r, &l);
    detail(f, app, r, l.detail);
    for (k, (area, rows)) in
        [(l.primary, l.primary_rows), (l.secondary, l.secondary_rows)].into_iter().enumerate()
    {
        item_list(f, r, k, area, rows);
    }
    if r.tpane.visible {
        let focused = r.focus == Pane::Transcript;
        let clock = Clock::for_duration(r.duration_s());
        crate::tui::transcript_pane::draw(
            f,
            l.transcript,
            &r.tpane,
            r.snap.position_s,
            focused,
            clock,
        );
    }
    let hints = match r.focus {
        Pane::Scores => SCORES_HINTS,
        Pane::Transcript if r.tpane.searching() => SEARCH_HINTS,
        Pane::Transcript => TRANSCRIPT_HINTS,
        Pane::Primary | Pane::Secondary => ITEMS_HINTS,
    };
    chrome::footer(f, &app.shell.keymap, app.current_notice(), l.footer, None, hints);
}

// The footer of each pane (keys as bound now): the hints both apps share (`hints`) ranked as
// this screen ranks them, and its own.
const PLAY: Hint = hints::PLAY.keep(2);
const SEEK: Hint = hints::SEEK.keep(3);
const PANES: Hint = hints::PANES.keep(4);
const SELECT: Hint = hints::SELECT.keep(3);
const BACK: Hint = hints::BACK.keep(2);
const FINAL: Hint = Hint::range(&[Action::Score(1), Action::Score(5)], "final score", 0);
const REASON: Hint = Hint::new(&[Action::Activate], "reason", 1);
const RATIONALES: Hint = Hint::new(&[Action::Rationales], "rationales", 1);
const SAVE: Hint = Hint::new(&[Action::Submit], "save", 0);
const JUMP: Hint = Hint::new(&[Action::Activate], "jump there", 0);

/// The footer in the scores pane and in a coder's segments and notes.
const SCORES_HINTS: &[Hint] =
    &[PLAY, SEEK, PANES, FINAL, REASON, CLEAR.keep(5), RATIONALES, SAVE, HELP, BACK];
const ITEMS_HINTS: &[Hint] =
    &[PLAY, SEEK, PANES, SELECT, JUMP, RATIONALES.keep(4), SAVE, HELP, BACK];
const TRANSCRIPT_HINTS: &[Hint] = &[PLAY, SELECT, JUMP, SEARCH, HIDE, PANES, HELP, BACK];
const SEARCH_HINTS: &[Hint] = &[PLAY, MATCHES, JUMP, SEARCH.keep(1), SELECT, PANES, HELP, BACK];

fn coder_name(r: &RecordingState, k: usize) -> String {
    let (c, role) =
        if k == 0 { (&r.case.primary, "primary") } else { (&r.case.secondary, "secondary") };
    format!("{} {} ({role})", ["A", "B"][k.min(1)], sanitize(&c.coder))
}

fn header(f: &mut Frame, app: &AdjApp, r: &RecordingState, area: Rect) {
    let s = &r.snap;
    let play = chrome::play_state(s);
    let decided = r.drafts.values().filter(|d| d.score.is_some()).count();
    let state = if r.saving {
        Span::styled("● saving…", Style::new().fg(Color::Yellow))
    } else if r.dirty {
        Span::styled("● unsaved (S saves)", Style::new().fg(Color::Yellow))
    } else if r.case.existing.is_some() {
        Span::styled("✓ saved", Style::new().fg(Color::Green))
    } else {
        Span::styled("not adjudicated yet", Style::new().fg(Color::Gray))
    };
    let mut spans = vec![
        chrome::badge(format!(" {} ", sanitize(&r.case.recording)), Color::Magenta),
        Span::raw(" "),
        Span::styled(
            format!("{} / {}", hms(s.position_s), hms(r.duration_s())),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(" "),
        play,
        Span::raw(format!(" {:.1}× ", s.speed)),
        Span::raw(format!(" decided {decided} of {} · ", r.case.diffs.len())),
        state,
    ];
    chrome::push_audio_status(&mut spans, area.width, s, "🔇");
    let _ = app;
    f.render_widget(Line::from(spans), area);
}

fn spans_of(c: &Coding) -> Vec<(f64, f64)> {
    c.segments.iter().map(|s| (s.start_s, s.end_s)).collect()
}

fn timeline(f: &mut Frame, r: &RecordingState, l: &RecordingLayout, mono: bool) {
    f.render_widget(
        pane_block(
            " Timeline — behaviour-change segments: one lane per coder, ◆ notes ".into(),
            false,
        )
        .title_bottom(
            Line::from(Span::styled(
                format!(" zoom {} ", r.zoom.label()),
                Style::new().fg(Color::DarkGray),
            ))
            .right_aligned(),
        ),
        l.timeline,
    );
    let dur = r.duration_s();
    let a = spans_of(&r.case.primary);
    let b = spans_of(&r.case.secondary);
    let ticks: Vec<f64> = vec![];
    let tl = Timeline {
        peaks: &r.peaks,
        duration_s: dur,
        window: (0.0, dur),
        lanes: vec![
            Lane { spans: &a, color: LANE_COLORS[0] },
            Lane { spans: &b, color: LANE_COLORS[1] },
        ],
        lane_rows: true,
        listened: &[],
        ticks: &ticks,
        playhead: Some(r.snap.position_s),
        tick_row: false,
        axis: true,
        detail: None,
        mono,
        events: &[],
        event_row: false,
    };
    f.render_widget(tl.clone(), l.wave);
    // The zoom strip: the same lanes around the playhead, with both coders' notes flagged.
    let window = r.zoom_window();
    let detail = r.zoom_peaks.detail(window);
    let notes: Vec<f64> = [&r.case.primary, &r.case.secondary]
        .iter()
        .flat_map(|c| c.notes.iter().map(|n| n.at_s))
        .collect();
    f.render_widget(Timeline { window, ticks: &notes, detail: Some(&detail), ..tl }, l.zoom);
    // Lane rows sit below the waveform: height - 2 lanes - 1 axis.
    let wave_h = l.wave.height.saturating_sub(3).max(1);
    let buf = f.buffer_mut();
    // The playhead on the axis row, so it shows where the waveform is full.
    if let Some(x) = column_of(l.wave, dur, r.snap.position_s) {
        let y = l.wave.bottom().saturating_sub(1);
        if y > l.wave.y {
            buf[(x, y)]
                .set_char('▲')
                .set_style(Style::new().fg(Color::White).add_modifier(Modifier::BOLD));
        }
    }
    for (k, c) in [&r.case.primary, &r.case.secondary].into_iter().enumerate() {
        let y = l.wave.y + wave_h + k as u16;
        if y >= l.wave.bottom() {
            continue;
        }
        note_marks(buf, l.wave, y, dur, c);
        let text = format!(
            "{} {:<w$}",
            ["A", "B"][k],
            sanitize(&c.coder).chars().take(usize::from(LABEL_W) - 3).collect::<String>(),
            w = usize::from(LABEL_W) - 3
        );
        let style = Style::new().fg(Color::White).bg(LANE_COLORS[k]).add_modifier(Modifier::BOLD);
        buf.set_string(l.labels.x, y, &text, style);
        // The zoom strip's lanes when it is below the overview (its waveform is 2 rows).
        let zy = l.zoom.y + 2 + k as u16;
        if l.zoom.x == l.wave.x && l.zoom.height > 0 && zy < l.zoom.bottom() {
            buf.set_string(l.labels.x, zy, &text, style);
        }
    }
}

/// The column of `area` (showing `0..dur`) where time `t` falls, if it does.
fn column_of(area: Rect, dur: f64, t: f64) -> Option<u16> {
    if area.width == 0 || dur.is_nan() || dur <= 0.0 || !(t.is_finite() && (0.0..=dur).contains(&t))
    {
        return None;
    }
    let col = ((t / dur) * f64::from(area.width)).floor() as u16;
    Some(area.x + col.min(area.width - 1))
}

/// A `◆` in the coder's lane at each of their notes.
fn note_marks(buf: &mut Buffer, area: Rect, y: u16, dur: f64, c: &Coding) {
    for n in &c.notes {
        if let Some(x) = column_of(area, dur, n.at_s) {
            buf[(x, y)].set_char('◆').set_fg(Color::Magenta);
        }
    }
}

fn scores(f: &mut Frame, app: &AdjApp, r: &RecordingState, l: &RecordingLayout) {
    let focused = r.focus == Pane::Scores;
    let title = format!(
        " Scores — A {} · B {} · final ",
        sanitize(&r.case.primary.coder),
        sanitize(&r.case.secondary.coder)
    );
    f.render_widget(pane_block(title, focused), l.scores);
    let inner = l.scores.inner(Margin::new(1, 1));
    let book = &app.shell.codebook;
    let label_w = usize::from(inner.width).saturating_sub(28).max(8);
    let head = format!(" {:<label_w$}   A   B   Δ   final", "domain");
    f.render_widget(
        Line::styled(head, Style::new().fg(Color::Gray).add_modifier(Modifier::BOLD)),
        Rect { height: 1, ..inner },
    );
    let rows = l.score_rows;
    let offset = list_offset(r.domain_sel, book.domains.len(), rows.height);
    for (row, (i, d)) in
        book.domains.iter().enumerate().skip(offset).take(usize::from(rows.height)).enumerate()
    {
        let area = Rect { y: rows.y + row as u16, height: 1, ..rows };
        let sel = i == r.domain_sel;
        if sel {
            f.buffer_mut().set_style(area, selection_style(focused));
        }
        let cell = |c: &Coding| match c.score_state(book, &d.key) {
            ScoreState::Level(v) => v.to_string(),
            ScoreState::Unscored => "–".into(),
            ScoreState::NotApplicable => "n/a".into(),
        };
        let diff = r.case.diff(&d.key);
        let label: String = sanitize(&d.label).chars().take(label_w).collect();
        let marker = if sel && focused { "▸" } else { " " };
        let mut spans = vec![Span::raw(marker)];
        match diff {
            Some(x) => {
                let strong = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
                let delta = x.difference().map_or_else(|| "!".to_string(), |v| v.to_string());
                spans.push(Span::styled(format!("{label:<label_w$}"), strong));
                spans.push(Span::styled(
                    format!(" {:>3} {:>3} ", cell(&r.case.primary), cell(&r.case.secondary)),
                    strong,
                ));
                spans.push(chrome::badge(format!("{delta:>3} "), Color::Red));
                let draft = r.drafts.get(&d.key);
                let fin = match draft {
                    Some(dr) if dr.score.is_some() => {
                        let mark = if dr.reason.trim().is_empty() { "✗ reason" } else { "✎" };
                        Span::styled(
                            format!("  → {} {mark}", score_text(dr.score)),
                            Style::new()
                                .fg(if dr.reason.trim().is_empty() {
                                    Color::Yellow
                                } else {
                                    Color::Green
                                })
                                .add_modifier(Modifier::BOLD),
                        )
                    }
                    Some(_) => Span::styled("  ? ✎", Style::new().fg(Color::Yellow)),
                    None => Span::styled("  ? 1-5", Style::new().fg(Color::Yellow)),
                };
                spans.push(fin);
            }
            None => {
                let dim = Style::new().fg(Color::Gray);
                spans.push(Span::styled(format!("{label:<label_w$}"), dim));
                spans.push(Span::styled(
                    format!(" {:>3} {:>3} ", cell(&r.case.primary), cell(&r.case.secondary)),
                    dim,
                ));
                spans.push(Span::styled("  ✓ agree", Style::new().fg(Color::DarkGray)));
                if let Some(s) = r.drafts.get(&d.key).and_then(|x| x.score) {
                    spans.push(Span::styled(
                        format!(" →{s}? 0 clears"),
                        Style::new().fg(Color::Yellow),
                    ));
                }
            }
        }
        f.render_widget(Line::from(spans), area);
    }
}

fn detail(f: &mut Frame, app: &AdjApp, r: &RecordingState, area: Rect) {
    let book = &app.shell.codebook;
    let Some(d) = book.domains.get(r.domain_sel) else { return };
    let block = pane_block(format!(" {} — rationales and decision ", sanitize(&d.label)), false);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let decision_h = 3.min(inner.height);
    let levels = usize::from(book.scale.max.saturating_sub(book.scale.min)) + 1;
    // The handbook's levels, when there is room for them beside a few lines of rationale.
    let rubric_h =
        if inner.height >= levels as u16 + 1 + decision_h + 5 { levels as u16 + 1 } else { 0 };
    let [cols, rubric, decision] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(rubric_h),
        Constraint::Length(decision_h),
    ])
    .areas(inner);
    if rubric_h > 0 {
        levels_view(f, app, r, &d.key, rubric);
    }
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(cols);
    for (k, (c, col)) in
        [(&r.case.primary, left), (&r.case.secondary, right)].into_iter().enumerate()
    {
        let score = match c.score_state(book, &d.key) {
            ScoreState::Level(v) => v.to_string(),
            ScoreState::Unscored => "unscored".into(),
            ScoreState::NotApplicable => "n/a".into(),
        };
        let mut lines = vec![Line::from(vec![
            Span::styled(
                format!("{} ", ["A", "B"][k]),
                Style::new().fg(Color::White).bg(LANE_COLORS[k]).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(" {}: {score}", sanitize(&c.coder)),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ])];
        let col = Rect { width: col.width.saturating_sub(1), ..col };
        match c.rationales.get(&d.key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            Some(t) => {
                // Wrapped here so that a rationale longer than the pane ends in "…" rather than
                // stopping mid-sentence as if it were complete.
                let width = usize::from(col.width);
                let mut body = wrap(&sanitize(t), width);
                let rows = usize::from(col.height).saturating_sub(1);
                if body.len() > rows && rows > 0 {
                    body.truncate(rows);
                    // "… v all": it goes on, and the key that shows all of it.
                    let marker = match app.shell.keymap.keys_for(Action::Rationales).first() {
                        Some(k) => format!("… {k} all"),
                        None => "…".to_string(),
                    };
                    if let Some(last) = body.last_mut() {
                        let n = marker.chars().count();
                        let keep = last.chars().count().min(width.saturating_sub(n));
                        *last = last.chars().take(keep).collect::<String>() + &marker;
                    }
                }
                lines.extend(body.into_iter().map(Line::raw));
            }
            None => lines.push(Line::styled("(no rationale)", Style::new().fg(Color::DarkGray))),
        }
        f.render_widget(Paragraph::new(lines), col);
    }
    let lines: Vec<Line> = match (r.case.diff(&d.key), r.drafts.get(&d.key)) {
        (None, _) => vec![Line::styled(
            format!("The coders agree within ±{}: nothing to decide.", app.tolerance),
            Style::new().fg(Color::DarkGray),
        )],
        (Some(_), None) => vec![Line::styled(
            "Not decided: press 1–5 for the final score, then give the reason.",
            Style::new().fg(Color::Yellow),
        )],
        (Some(_), Some(dr)) => {
            let level = dr
                .score
                .and_then(|s| book.descriptor(&d.key, s).map(|t| (s, t)))
                .map(|(s, t)| format!("Final {s}: {}", sanitize(t)))
                .unwrap_or_else(|| "Final score not chosen yet (1–5).".into());
            let reason = if dr.reason.trim().is_empty() {
                Line::styled(
                    "Reason: required — press Enter to write it",
                    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
                )
            } else {
                Line::raw(format!("Reason: {}", sanitize(dr.reason.trim())))
            };
            // The level's descriptor on one line (it is in full under "Handbook levels" when
            // there is room) so that a long one never pushes the reason out of sight.
            let [first, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(decision);
            f.render_widget(Line::styled(level, Style::new().fg(Color::Green)), first);
            f.render_widget(Paragraph::new(reason).wrap(Wrap { trim: true }), rest);
            return;
        }
    };
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), decision);
}

/// The handbook's descriptor of every level of `domain`, marking A's, B's and the final score.
fn levels_view(f: &mut Frame, app: &AdjApp, r: &RecordingState, domain: &str, area: Rect) {
    let book = &app.shell.codebook;
    let level_of = |c: &Coding| c.scores.get(domain).copied();
    let (a, b) = (level_of(&r.case.primary), level_of(&r.case.secondary));
    let fin = r.drafts.get(domain).and_then(|d| d.score);
    let mut lines = vec![Line::styled(
        "Handbook levels",
        Style::new().fg(Color::Gray).add_modifier(Modifier::BOLD),
    )];
    for level in (book.scale.min..=book.scale.max).rev() {
        let mark = |who: Option<u8>, tag: &'static str, k: usize| {
            if who == Some(level) {
                Span::styled(
                    tag,
                    Style::new().fg(Color::White).bg(LANE_COLORS[k]).add_modifier(Modifier::BOLD),
                )
            } else {
                Span::raw(" ")
            }
        };
        let is_final = fin == Some(level);
        let text = book.descriptor(domain, level).unwrap_or("");
        let style = if is_final {
            Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
        } else {
            Style::new().fg(Color::Gray)
        };
        lines.push(Line::from(vec![
            mark(a, "A", 0),
            mark(b, "B", 1),
            Span::styled(if is_final { "→" } else { " " }, style),
            Span::styled(format!("{level} {}", sanitize(text)), style),
        ]));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn item_line(it: &Item) -> Line<'static> {
    match it.end_s {
        Some(end) => {
            let mut spans = vec![
                Span::styled("▮ ", Style::new().fg(Color::Yellow)),
                Span::raw(format!("{} – {}", hms_tenths(it.at_s), hms_tenths(end))),
                Span::styled(format!("  {}", sanitize(&it.kind)), Style::new().fg(Color::DarkGray)),
            ];
            if !it.text.trim().is_empty() {
                spans.push(Span::raw(format!("  {}", sanitize(it.text.trim()))));
            }
            Line::from(spans)
        }
        None => Line::from(vec![
            Span::styled("◆ ", Style::new().fg(Color::Magenta)),
            Span::raw(format!("{}  ", hms_tenths(it.at_s))),
            Span::raw(sanitize(it.text.trim()).into_owned()),
        ]),
    }
}

fn item_list(f: &mut Frame, r: &RecordingState, k: usize, area: Rect, rows: Rect) {
    let pane = if k == 0 { Pane::Primary } else { Pane::Secondary };
    let focused = r.focus == pane;
    let items = r.items.get(k).map_or(&[][..], Vec::as_slice);
    let title = format!(" {} — segments & notes ({}) ", coder_name(r, k), items.len());
    f.render_widget(pane_block(title, focused), area);
    f.render_widget(
        SelectList {
            items: items.iter().map(item_line).collect(),
            selected: r.item_sel.get(k).copied().unwrap_or(0),
            focused,
            empty: "no segments or notes",
        },
        rows,
    );
}

pub fn reason_view(f: &mut Frame, app: &AdjApp, p: &Prompt) {
    let (key, label) = match &p.kind {
        PromptKind::Rationale { domain, label } => (domain.as_str(), label.as_str()),
        _ => ("", ""),
    };
    let score = app
        .recording()
        .and_then(|r| r.drafts.get(key))
        .and_then(|d| d.score)
        .map_or_else(|| "not chosen".to_string(), |s| s.to_string());
    let title = format!("Reason — {} (final score {score})", sanitize(label));
    let text = p.text();
    let w = f.area().width.saturating_sub(8).min(100);
    let area = f.area().centered(Constraint::Length(w), Constraint::Length(4));
    f.render_widget(
        PromptBox {
            title: &title,
            hint: "required: why this score settles the disagreement · Enter save · Esc later",
            text: &text,
            cursor: p.cursor,
            error: p.error.as_deref(),
        },
        area,
    );
}

/// Where the full rationales are drawn: the screen less a margin.
pub fn rationales_area(size: Rect) -> Rect {
    size.inner(Margin::new(2, 1))
}

/// Both coders' whole rationales (and the decision) for the selected domain, wrapped to `width`.
pub fn rationale_lines(book: &Codebook, r: &RecordingState, width: u16) -> Vec<Line<'static>> {
    let Some(d) = book.domains.get(r.domain_sel) else { return vec![] };
    let width = usize::from(width).max(1);
    let mut lines = vec![];
    for (k, c) in [&r.case.primary, &r.case.secondary].into_iter().enumerate() {
        let score = match c.score_state(book, &d.key) {
            ScoreState::Level(v) => v.to_string(),
            ScoreState::Unscored => "unscored".into(),
            ScoreState::NotApplicable => "n/a".into(),
        };
        if k > 0 {
            lines.push(Line::raw(""));
        }
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} ", ["A", "B"][k]),
                Style::new().fg(Color::White).bg(LANE_COLORS[k]).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(" {} ({}): {score}", sanitize(&c.coder), ["primary", "secondary"][k]),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ]));
        match c.rationales.get(&d.key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            Some(t) => lines.extend(wrap(&sanitize(t), width).into_iter().map(Line::raw)),
            None => lines.push(Line::styled("(no rationale)", Style::new().fg(Color::DarkGray))),
        }
    }
    if let Some(dr) = r.drafts.get(&d.key) {
        lines.push(Line::raw(""));
        let head = format!("Final {}: ", score_text(dr.score));
        let text = if dr.reason.trim().is_empty() { "(no reason yet)" } else { dr.reason.trim() };
        let body = format!("{head}{}", sanitize(text));
        lines.extend(
            wrap(&body, width).into_iter().map(|l| Line::styled(l, Style::new().fg(Color::Green))),
        );
    }
    lines
}

/// The page (rows shown) and the furthest scroll of the full rationales on this screen.
pub fn rationales_extent(shell: &Shell, r: &RecordingState) -> (u16, u16) {
    let inner = rationales_area(shell.size).inner(Margin::new(1, 1));
    let n = rationale_lines(&shell.codebook, r, inner.width).len();
    let max = u16::try_from(n).unwrap_or(u16::MAX).saturating_sub(inner.height);
    (inner.height.saturating_sub(1).max(1), max)
}

/// The full rationales overlay: `v` on the recording screen.
pub fn rationales_view(f: &mut Frame, app: &AdjApp, r: &RecordingState, scroll: u16) {
    let book = &app.shell.codebook;
    let label = book.domains.get(r.domain_sel).map_or("", |d| d.label.as_str());
    let area = rationales_area(f.area());
    f.render_widget(Clear, area);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(format!(" {} — rationales in full ", sanitize(label)))
        .title_bottom(" ↑↓ PgUp PgDn scroll · v / Esc close ")
        .border_style(Style::new().fg(Color::Cyan));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let lines = rationale_lines(book, r, inner.width);
    let (_, max) = rationales_extent(&app.shell, r);
    let top = scroll.min(max);
    f.render_widget(Paragraph::new(lines.clone()).scroll((top, 0)), inner);
    let more = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    if top > 0 {
        f.buffer_mut().set_string(inner.right().saturating_sub(1), inner.y, "▲", more);
    }
    if usize::from(top) + usize::from(inner.height) < lines.len() {
        let y = inner.bottom().saturating_sub(1);
        f.buffer_mut().set_string(inner.right().saturating_sub(1), y, "▼", more);
    }
}

/// "The final score changed: what of the reason written for the old one?"
pub fn reason_choice_view(
    f: &mut Frame,
    app: &AdjApp,
    domain: &str,
    label: &str,
    previous: Option<u8>,
) {
    let r = app.recording();
    let draft = r.and_then(|r| r.drafts.get(domain));
    let now = score_text(draft.and_then(|d| d.score));
    let reason = draft.map_or("", |d| d.reason.trim());
    let lines = vec![
        Line::styled(
            format!("{}: final score {} → {now}", sanitize(label), score_text(previous)),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Line::raw(format!(
            "The reason was written for {}: “{}”",
            score_text(previous),
            sanitize(reason)
        )),
        Line::raw(""),
        Line::styled(
            format!(
                "k keep it · e / Enter edit it · c clear it · Esc back to {}",
                score_text(previous)
            ),
            Style::new().fg(Color::Cyan),
        ),
    ];
    let w = f.area().width.saturating_sub(4).min(84);
    crate::tui::widgets::chrome::dialog(f, "The final score changed", Color::Yellow, lines, w, 8);
}
