//! The timeline: a waveform overview (drawn progressively as peaks arrive, `·` where not yet known),
//! segment lanes, note ticks, the playhead, and an optional time axis. The same widget draws the
//! whole recording and the zoomed strip around the playhead (a different time window), and can give
//! each lane its own row, so the supervisor's screen can show two coders' segments one above the
//! other. [`time_at`] is the inverse used for mouse hit-testing.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Widget;

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
}

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

    /// The loudest known peak in `[t0, t1)`, `None` if nothing there is known yet.
    fn peak(&self, t0: f64, t1: f64) -> Option<f32> {
        let n = self.peaks.len();
        if n == 0 || self.duration_s.is_nan() || self.duration_s <= 0.0 {
            return None;
        }
        let per = self.duration_s / n as f64;
        let i0 = ((t0 / per).floor().max(0.0) as usize).min(n - 1);
        let i1 = (((t1 / per).ceil().max(0.0) as usize).min(n)).max(i0 + 1);
        self.peaks[i0..i1].iter().copied().filter(|p| *p >= 0.0).reduce(f32::max)
    }

    fn in_any(spans: &[(f64, f64)], t0: f64, t1: f64) -> bool {
        spans.iter().any(|&(s, e)| s < t1 && e > t0)
    }
}

impl Widget for Timeline<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let extra_rows = if self.lane_rows { self.lanes.len() as u16 } else { 0 }
            + u16::from(self.tick_row || self.axis);
        let wave_h = area.height.saturating_sub(extra_rows).max(1);
        let bottom = area.y + wave_h - 1;
        for col in 0..area.width {
            let x = area.x + col;
            let (t0, t1) = self.col_range(area, col);
            let beyond = t0 >= self.duration_s;
            let shade = if self.lane_rows {
                None
            } else {
                self.lanes.iter().find(|l| Self::in_any(l.spans, t0, t1)).map(|l| l.color)
            };
            let heard = self.listened.iter().any(|s| s[0] < t1 && s[1] > t0);
            let mut style = Style::new().fg(if heard { WAVE_HEARD } else { WAVE_UNHEARD });
            if let Some(bg) = shade {
                style = style.bg(bg).fg(Color::Yellow);
            }
            for y in area.y..=bottom {
                buf[(x, y)].set_char(' ').set_style(style);
            }
            if beyond {
                continue;
            }
            match self.peak(t0, t1) {
                None => {
                    buf[(x, bottom)].set_char('·').set_style(style.fg(Color::DarkGray));
                }
                Some(p) => {
                    let eighths =
                        ((p.clamp(0.0, 1.0) * f32::from(wave_h) * 8.0).round() as u16).max(1);
                    for row in 0..wave_h {
                        let filled = eighths.saturating_sub(row * 8).min(8);
                        if filled == 0 {
                            break;
                        }
                        buf[(x, bottom - row)].set_char(BARS[usize::from(filled - 1)]);
                    }
                }
            }
        }
        let y = if self.lane_rows { self.render_lanes(area, bottom + 1, buf) } else { bottom + 1 };
        if y < area.bottom() {
            if self.axis {
                self.render_axis(area, y, buf);
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
        if let Some(c) = self.playhead.and_then(|t| self.col_of(area, t)) {
            let x = area.x + c;
            for yy in area.y..=bottom {
                let cell = &mut buf[(x, yy)];
                cell.set_style(Style::new().fg(Color::Black).bg(Color::White));
                if cell.symbol() == " " {
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
}

impl Timeline<'_> {
    /// One row per lane from `y` down (as many as fit); returns the row below them.
    fn render_lanes(&self, area: Rect, mut y: u16, buf: &mut Buffer) -> u16 {
        for lane in &self.lanes {
            if y >= area.bottom() {
                break;
            }
            for col in 0..area.width {
                let (t0, t1) = self.col_range(area, col);
                let cell = &mut buf[(area.x + col, y)];
                if Self::in_any(lane.spans, t0, t1) {
                    cell.set_char(' ').set_style(Style::new().bg(lane.color));
                } else {
                    cell.set_char('─').set_style(Style::new().fg(Color::DarkGray));
                }
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
        }
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
        let mut t = tl(&[0.5; 10], &a, &[]);
        t.lanes.push(Lane { spans: &b, color: Color::Indexed(24) });
        t.lane_rows = true;
        t.tick_row = false;
        t.playhead = None;
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 3));
        t.render(buf.area, &mut buf);
        let row = |y: u16| (0..10).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>();
        assert_eq!(row(1), "   ───────");
        assert_eq!(row(2), "─────     ");
    }

    #[test]
    fn zoom_with_axis_flags_notes_and_labels_times() {
        let mut t = tl(&[0.5; 10], &[], &[4.0]);
        t.window = (2.0, 6.0);
        t.tick_row = false;
        t.axis = true;
        t.playhead = None;
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 3));
        t.render(buf.area, &mut buf);
        let row = |y: u16| (0..40).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>();
        assert_eq!(row(0).find('▾').map(|b| row(0)[..b].chars().count()), Some(20));
        assert!(row(2).contains("╵00:02") && row(2).contains("╵00:04"), "{}", row(2));
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
