//! The timeline: a waveform overview (drawn progressively as peaks arrive, `·` where not yet known),
//! segment lanes, note ticks, the playhead, and an optional time axis. The same widget draws the
//! whole recording and the zoomed strip around the playhead (a different time window), and can give
//! each lane its own row, so the supervisor's screen can show two coders' segments one above the
//! other. [`time_at`] is the inverse used for mouse hit-testing.
//!
//! The zoomed strip draws from its own peaks ([`Detail`], decoded around the playhead) where they
//! have arrived and from the overview elsewhere. Every segment takes at least one column, however
//! short next to the window. Without colour (`mono`: `NO_COLOR`) segments are drawn with glyphs:
//! `░` fills the empty part of a shaded waveform column and `▓` its full cells (`█` outside
//! segments), `█` marks a segment in a lane row (`─` where there is none), and the playhead is in
//! reverse video.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Widget;

use crate::tui::zoom::Detail;

/// One lane of segments, `(start_s, end_s)`.
#[derive(Debug, Clone)]
pub struct Lane<'a> {
    pub spans: &'a [(f64, f64)],
    /// The background of shaded columns.
    pub color: Color,
}

/// See the module docs. Rows, top to bottom: waveform, one row per lane (if `lane_rows`), then the
/// tick row (if `tick_row`) or the axis (if `axis`).
#[derive(Debug, Clone)]
pub struct Timeline<'a> {
    /// Peaks of the whole recording in equal buckets, 0.0–1.0; negative = not known yet.
    pub peaks: &'a [f32],
    pub duration_s: f64,
    /// The time range drawn, `(from_s, to_s)`.
    pub window: (f64, f64),
    pub lanes: Vec<Lane<'a>>,
    /// Lanes in their own rows instead of shading the waveform.
    pub lane_rows: bool,
    /// Intervals already listened to: drawn brighter than the rest.
    pub listened: &'a [[f64; 2]],
    /// Note positions.
    pub ticks: &'a [f64],
    pub playhead: Option<f64>,
    pub tick_row: bool,
    pub axis: bool,
    /// Peaks decoded for this window at their own resolution (the zoomed strip), if any.
    pub detail: Option<&'a Detail>,
    /// No colour: segments and the playhead drawn with glyphs and reverse video.
    pub mono: bool,
    /// Logged counts (their times): on their own row below the waveform when `event_row`, as
    /// small marks on the waveform's top row in a strip with an axis (the zoom).
    pub events: &'a [f64],
    /// A row of its own for `events` (the count lane).
    pub event_row: bool,
}

/// The count lane's mark for a column holding `n` events: `•` for one, the number up to 9,
/// `+` for more (a column of a 2-hour overview spans a minute).
pub fn event_mark(n: usize) -> char {
    match n {
        0 => ' ',
        1 => '•',
        2..=9 => char::from(b'0' + n as u8),
        _ => '+',
    }
}

/// Glyph of a shaded (segment) cell above the waveform without colour.
pub const MONO_SHADE: char = '░';
/// Glyph of a full waveform cell in a shaded (segment) column without colour (`█` elsewhere).
pub const MONO_SHADE_FULL: char = '▓';
/// Glyph of a segment in a lane row without colour.
pub const MONO_LANE: char = '█';

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const WAVE_HEARD: Color = Color::Cyan;
const WAVE_UNHEARD: Color = Color::Blue;

/// The time under column `x` of `area` showing `from..to` (clamped to the window).
pub fn time_at(area: Rect, x: u16, from: f64, to: f64) -> f64 {
    if !from.is_finite() || !to.is_finite() {
        return 0.0;
    }
    if area.width == 0 {
        return from;
    }
    let col = f64::from(x.saturating_sub(area.x).min(area.width - 1));
    let frac = (col + 0.5) / f64::from(area.width);
    (from + frac * (to - from)).clamp(from.min(to), to.max(from))
}

impl Timeline<'_> {
    fn col_range(&self, area: Rect, col: u16) -> (f64, f64) {
        let (a, b) = self.window;
        let w = f64::from(area.width.max(1));
        (a + f64::from(col) / w * (b - a), a + f64::from(col + 1) / w * (b - a))
    }

    fn col_of(&self, area: Rect, t: f64) -> Option<u16> {
        let (a, b) = self.window;
        if b.is_nan() || a.is_nan() || b <= a || t < a || t > b {
            return None;
        }
        let c = ((t - a) / (b - a) * f64::from(area.width)).floor() as u16;
        Some(c.min(area.width.saturating_sub(1)))
    }

    /// The loudest known peak in `[t0, t1)`, `None` if nothing there is known yet: from the
    /// detail when all of its buckets there have arrived, else from the overview.
    fn peak(&self, t0: f64, t1: f64) -> Option<f32> {
        if let Some(d) = self.detail {
            let step = crate::audio::zoom::BUCKET_S;
            // (A column edge on a bucket edge stays there despite rounding.)
            let i0 = ((t0 - d.from_s) / step + 1e-6).floor();
            let i1 = ((t1 - d.from_s) / step - 1e-6).ceil().max(i0 + 1.0);
            if i0 >= 0.0 && i1 <= d.peaks.len() as f64 {
                let got = &d.peaks[i0 as usize..i1 as usize];
                if got.iter().all(|p| *p >= 0.0) {
                    return got.iter().copied().reduce(f32::max);
                }
            }
        }
        let n = self.peaks.len();
        if n == 0 || self.duration_s.is_nan() || self.duration_s <= 0.0 {
            return None;
        }
        let per = self.duration_s / n as f64;
        let i0 = ((t0 / per).floor().max(0.0) as usize).min(n - 1);
        let i1 = (((t1 / per).ceil().max(0.0) as usize).min(n)).max(i0 + 1);
        self.peaks[i0..i1].iter().copied().filter(|p| *p >= 0.0).reduce(f32::max)
    }

    /// The columns of `area` that `spans` cover: every column a span overlaps, and at least one
    /// for each span inside the window however short it is (60 s in 2 h, or a zero-length one).
    pub fn span_columns(&self, area: Rect, spans: &[(f64, f64)]) -> Vec<bool> {
        let w = usize::from(area.width);
        let mut cols = vec![false; w];
        let (a, b) = self.window;
        if w == 0 || !(a.is_finite() && b.is_finite()) || b <= a {
            return cols;
        }
        let per = (b - a) / w as f64;
        for &(s, e) in spans {
            if !(s.is_finite() && e.is_finite()) || e < a || s > b {
                continue;
            }
            let (s, e) = (s.max(a), e.min(b));
            let c0 = (((s - a) / per).floor().max(0.0) as usize).min(w - 1);
            let c1 = ((((e - a) / per).ceil() as usize).saturating_sub(1)).clamp(c0, w - 1);
            cols[c0..=c1].iter_mut().for_each(|c| *c = true);
        }
        cols
    }
}

impl Widget for Timeline<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let extra_rows = if self.lane_rows { self.lanes.len() as u16 } else { 0 }
            + u16::from(self.tick_row || self.axis)
            + u16::from(self.event_row);
        let wave_h = area.height.saturating_sub(extra_rows).max(1);
        let bottom = area.y + wave_h - 1;
        let shaded: Vec<Vec<bool>> = if self.lane_rows {
            vec![]
        } else {
            self.lanes.iter().map(|l| self.span_columns(area, l.spans)).collect()
        };
        for col in 0..area.width {
            let x = area.x + col;
            let (t0, t1) = self.col_range(area, col);
            let beyond = t0 >= self.duration_s;
            let shade = self
                .lanes
                .iter()
                .zip(&shaded)
                .find(|(_, cols)| cols.get(usize::from(col)).copied().unwrap_or(false))
                .map(|(l, _)| l.color);
            let heard = self.listened.iter().any(|s| s[0] < t1 && s[1] > t0);
            let mut style = Style::new().fg(if heard { WAVE_HEARD } else { WAVE_UNHEARD });
            if let Some(bg) = shade {
                style = style.bg(bg).fg(Color::Yellow);
            }
            if self.mono {
                style = Style::new();
            }
            let mono_shade = self.mono && shade.is_some();
            let empty = if mono_shade { MONO_SHADE } else { ' ' };
            for y in area.y..=bottom {
                buf[(x, y)].set_char(empty).set_style(style);
            }
            if beyond {
                continue;
            }
            match self.peak(t0, t1) {
                None => {
                    let dim = if self.mono { style } else { style.fg(Color::DarkGray) };
                    buf[(x, bottom)].set_char('·').set_style(dim);
                }
                Some(p) => {
                    let eighths =
                        ((p.clamp(0.0, 1.0) * f32::from(wave_h) * 8.0).round() as u16).max(1);
                    for row in 0..wave_h {
                        let filled = eighths.saturating_sub(row * 8).min(8);
                        if filled == 0 {
                            break;
                        }
                        let bar = if mono_shade && filled == 8 {
                            MONO_SHADE_FULL
                        } else {
                            BARS[usize::from(filled - 1)]
                        };
                        buf[(x, bottom - row)].set_char(bar);
                    }
                }
            }
        }
        let mut y =
            if self.lane_rows { self.render_lanes(area, bottom + 1, buf) } else { bottom + 1 };
        if self.event_row && y < area.bottom() {
            self.render_events(area, y, buf);
            y += 1;
        }
        if y < area.bottom() {
            if self.axis {
                self.render_axis(area, y, buf);
                if !self.event_row {
                    self.render_event_marks(area, buf);
                }
                // Notes as small flags over the waveform (the axis row holds the times).
                for &t in self.ticks {
                    if let Some(c) = self.col_of(area, t) {
                        buf[(area.x + c, area.y)]
                            .set_char('▾')
                            .set_style(Style::new().fg(Color::Magenta));
                    }
                }
            } else if self.tick_row {
                for col in 0..area.width {
                    buf[(area.x + col, y)].set_char(' ');
                }
                for &t in self.ticks {
                    if let Some(c) = self.col_of(area, t) {
                        buf[(area.x + c, y)]
                            .set_char('╵')
                            .set_style(Style::new().fg(Color::Magenta));
                    }
                }
            }
        }
        self.render_playhead(area, bottom, buf);
    }
}

impl Timeline<'_> {
    /// How many events fall in each column of `area` (one pass over them, so thousands of
    /// events cost one frame's arithmetic, never one cell each).
    pub fn event_columns(&self, area: Rect) -> Vec<usize> {
        let mut cols = vec![0usize; usize::from(area.width)];
        for &t in self.events {
            if let Some(c) = self.col_of(area, t) {
                cols[usize::from(c)] += 1;
            }
        }
        cols
    }

    /// Events as marks on the waveform's top row (the zoom strip, which has no lane of its own).
    fn render_event_marks(&self, area: Rect, buf: &mut Buffer) {
        for (c, n) in self.event_columns(area).into_iter().enumerate() {
            if n > 0 {
                buf[(area.x + c as u16, area.y)]
                    .set_char(event_mark(n))
                    .set_style(Style::new().fg(Color::Green));
            }
        }
    }

    /// The count lane: a mark for each column with events, `─` elsewhere.
    fn render_events(&self, area: Rect, y: u16, buf: &mut Buffer) {
        for (c, n) in self.event_columns(area).into_iter().enumerate() {
            let cell = &mut buf[(area.x + c as u16, y)];
            if n == 0 {
                cell.set_char('─').set_style(Style::new().fg(Color::DarkGray));
            } else {
                cell.set_char(event_mark(n)).set_style(Style::new().fg(Color::Green));
            }
        }
    }

    /// The playhead's column over the waveform, and `▲` on the tick row.
    fn render_playhead(&self, area: Rect, bottom: u16, buf: &mut Buffer) {
        if let Some(c) = self.playhead.and_then(|t| self.col_of(area, t)) {
            let x = area.x + c;
            for yy in area.y..=bottom {
                let cell = &mut buf[(x, yy)];
                if self.mono {
                    cell.set_style(Style::new().add_modifier(Modifier::REVERSED));
                } else {
                    cell.set_style(Style::new().fg(Color::Black).bg(Color::White));
                }
                if cell.symbol() == " " || cell.symbol() == MONO_SHADE.to_string() {
                    cell.set_char('│');
                }
            }
            if self.tick_row && !self.axis && bottom + 1 < area.bottom() {
                let yy = area.bottom() - 1;
                buf[(x, yy)]
                    .set_char('▲')
                    .set_style(Style::new().fg(Color::White).add_modifier(Modifier::BOLD));
            }
        }
    }

    /// One row per lane from `y` down (as many as fit); returns the row below them.
    fn render_lanes(&self, area: Rect, mut y: u16, buf: &mut Buffer) -> u16 {
        for lane in &self.lanes {
            if y >= area.bottom() {
                break;
            }
            let cols = self.span_columns(area, lane.spans);
            for (col, on) in (0..area.width).zip(cols) {
                let cell = &mut buf[(area.x + col, y)];
                match (on, self.mono) {
                    (true, false) => cell.set_char(' ').set_style(Style::new().bg(lane.color)),
                    (true, true) => cell.set_char(MONO_LANE).set_style(Style::new()),
                    (false, false) => {
                        cell.set_char('─').set_style(Style::new().fg(Color::DarkGray))
                    }
                    (false, true) => cell.set_char('─').set_style(Style::new()),
                };
            }
            y += 1;
        }
        y
    }

    fn render_axis(&self, area: Rect, y: u16, buf: &mut Buffer) {
        let (a, b) = self.window;
        for col in 0..area.width {
            buf[(area.x + col, y)].set_char(' ').set_style(Style::new().fg(Color::DarkGray));
        }
        if b.is_nan() || a.is_nan() || b <= a {
            return;
        }
        let per_col = (b - a) / f64::from(area.width.max(1));
        let step = [1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0]
            .into_iter()
            .find(|s| s / per_col >= 10.0)
            .unwrap_or(7200.0);
        let mut t = (a / step).ceil() * step;
        while t <= b {
            if let Some(c) = self.col_of(area, t) {
                // One format per recording: `0:00:05` in an hour-long one, never `00:05`.
                let clock = crate::timefmt::Clock::for_duration(self.duration_s);
                let label = format!("╵{}", clock.at(t));
                for (x, ch) in (area.x + c..area.right()).zip(label.chars()) {
                    buf[(x, y)].set_char(ch);
                }
            }
            t += step;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tl<'a>(peaks: &'a [f32], spans: &'a [(f64, f64)], ticks: &'a [f64]) -> Timeline<'a> {
        Timeline {
            peaks,
            duration_s: 10.0,
            window: (0.0, 10.0),
            lanes: vec![Lane { spans, color: Color::Indexed(58) }],
            lane_rows: false,
            listened: &[],
            ticks,
            playhead: Some(5.0),
            tick_row: true,
            axis: false,
            detail: None,
            mono: false,
            events: &[],
            event_row: false,
        }
    }

    /// `t` drawn into a `w`×`h` buffer.
    fn drawn(t: &Timeline, w: u16, h: u16) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
        t.clone().render(buf.area, &mut buf);
        buf
    }

    /// `t` with a second coder's lane `b`, one row per lane (the supervisor's view), no playhead.
    fn two_lanes<'a>(mut t: Timeline<'a>, b: &'a [(f64, f64)]) -> Timeline<'a> {
        t.lanes.push(Lane { spans: b, color: Color::Indexed(24) });
        t.lane_rows = true;
        t.tick_row = false;
        t.playhead = None;
        t
    }

    /// Row `y` of `buf` as text.
    fn row(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect()
    }

    #[test]
    fn draws_peaks_unknowns_ticks_and_playhead() {
        let peaks = [1.0, 0.5, 0.0, 1.0, -1.0, -1.0, 0.25, 0.5, 1.0, 1.0];
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 3));
        tl(&peaks, &[], &[1.5]).render(buf.area, &mut buf);
        let expected = Buffer::with_lines(["█  █ │  ██", "██▁█··▄███", " ╵   ▲    "]);
        for y in 0..3 {
            for x in 0..10 {
                assert_eq!(buf[(x, y)].symbol(), expected[(x, y)].symbol(), "at {x},{y}");
            }
        }
    }

    #[test]
    fn lanes_in_rows_for_several_coders() {
        let a = [(0.0, 3.0)];
        let b = [(5.0, 10.0)];
        let t = two_lanes(tl(&[0.5; 10], &a, &[]), &b);
        let buf = drawn(&t, 10, 3);
        assert_eq!(row(&buf, 1), "   ───────");
        assert_eq!(row(&buf, 2), "─────     ");
    }

    #[test]
    fn zoom_with_axis_flags_notes_and_labels_times() {
        let mut t = tl(&[0.5; 10], &[], &[4.0]);
        t.window = (2.0, 6.0);
        t.tick_row = false;
        t.axis = true;
        t.playhead = None;
        let buf = drawn(&t, 40, 3);
        let (top, axis) = (row(&buf, 0), row(&buf, 2));
        assert_eq!(top.find('▾').map(|b| top[..b].chars().count()), Some(20));
        assert!(axis.contains("╵00:02") && axis.contains("╵00:04"), "{axis}");
    }

    #[test]
    fn a_short_segment_takes_at_least_one_cell() {
        // 60 s at 1:44:41 of a 2-hour recording on a 78-column overview (92 s a column).
        let spans = [(6281.0, 6341.0)];
        let mut t = tl(&[], &spans, &[]);
        t.duration_s = 7200.0;
        t.window = (0.0, 7200.0);
        let on = |t: &Timeline, spans: &[(f64, f64)]| {
            let cols = t.span_columns(Rect::new(0, 0, 78, 1), spans);
            (0..78).filter(|&c| cols[c]).collect::<Vec<usize>>()
        };
        assert_eq!(on(&t, &spans), vec![68]);
        // A zero-length one exactly on a column's edge (100 s a column).
        t.window = (0.0, 7800.0);
        assert_eq!(on(&t, &[(1000.0, 1000.0)]), vec![10]);
        // Outside the window: nothing.
        t.window = (0.0, 60.0);
        assert!(t.span_columns(Rect::new(0, 0, 78, 1), &spans).iter().all(|c| !c));
    }

    #[test]
    fn mono_draws_segments_with_glyphs_and_no_colour() {
        let a = [(0.0, 3.0)];
        let mut t = tl(&[0.25, 1.0, 0.25, 1.0, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25], &a, &[]);
        t.mono = true;
        t.playhead = Some(5.0);
        let buf = drawn(&t, 10, 3);
        assert_eq!(row(&buf, 0), "░▓░█ │    ");
        assert_eq!(row(&buf, 1), "▄▓▄█▄▄▄▄▄▄");
        for x in 0..10 {
            for y in 0..3 {
                assert_eq!(buf[(x, y)].bg, Color::Reset, "{x},{y}");
            }
        }
        assert!(buf[(5, 0)].modifier.contains(Modifier::REVERSED));
        let b = [(5.0, 10.0)];
        let buf = drawn(&two_lanes(t, &b), 10, 3);
        assert_eq!(row(&buf, 1), "███───────");
        assert_eq!(row(&buf, 2), "─────█████");
    }

    #[test]
    fn the_zoom_detail_is_drawn_where_it_has_arrived() {
        // The overview says 1.0 everywhere; the detail knows better for 2.0–3.0 s.
        let mut t = tl(&[1.0; 10], &[], &[]);
        t.window = (2.0, 4.0);
        t.tick_row = false;
        t.playhead = None;
        let mut peaks = vec![0.0f32; 40];
        peaks[20] = 1.0; // 2.5 s
        peaks.extend(std::iter::repeat_n(-1.0, 40)); // 3.0–4.0 s not decoded yet
        let d = Detail { from_s: 2.0, peaks };
        t.detail = Some(&d);
        assert_eq!(row(&drawn(&t, 8, 1), 0), "▁▁█▁████");
    }

    #[test]
    fn the_count_lane_marks_each_column_with_how_many_events() {
        let ev = [0.2, 3.1, 3.5, 3.9, 7.0, 7.1, 7.2, 7.3, 7.4, 7.5, 7.6, 7.7, 7.8, 7.9];
        let mut t = tl(&[0.5; 10], &[], &[]);
        t.events = &ev;
        t.event_row = true;
        t.playhead = None;
        let buf = drawn(&t, 10, 3);
        assert_eq!(row(&buf, 1), "•──3───+──");
        // In a strip with an axis (the zoom) they mark the waveform's top row instead.
        t.event_row = false;
        t.tick_row = false;
        t.axis = true;
        let buf = drawn(&t, 10, 2);
        assert_eq!(row(&buf, 0), "•▄▄3▄▄▄+▄▄");
    }

    #[test]
    fn time_at_inverts_columns() {
        let r = Rect::new(10, 0, 100, 1);
        assert!((time_at(r, 10, 0.0, 100.0) - 0.5).abs() < 1e-9);
        assert!((time_at(r, 109, 0.0, 100.0) - 99.5).abs() < 1e-9);
        assert!((time_at(r, 500, 0.0, 100.0) - 99.5).abs() < 1e-9);
        assert_eq!(time_at(Rect::new(0, 0, 0, 0), 3, 1.0, 2.0), 1.0);
    }
}
