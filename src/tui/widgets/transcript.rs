//! The transcript pane's list: each cue as `mm:ss Speaker: text`, wrapped, the cue playing marked
//! `▶` and bold, the selected one highlighted while the pane is focused, and the search's matches
//! marked `•` with the matching text highlighted. Draws only; the cue in view is the selected one
//! when focused, else the one playing (the pane follows the playhead).
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::timefmt::Clock;
use crate::transcript::{Cue, find_folded};
use crate::tui::layout::wrapped_offset;
use crate::tui::terminal::sanitize;
use crate::tui::widgets::lists::{selection_style, wrap};

pub struct TranscriptList<'a> {
    pub cues: &'a [Cue],
    /// The cue playing at the playhead.
    pub current: Option<usize>,
    /// The cue kept in view: the selected one when focused, else the one at the playhead.
    pub anchor: usize,
    pub focused: bool,
    /// The search, [`crate::transcript::fold`]ed; empty: none.
    pub needle: &'a [char],
    /// The cues it matches, in order.
    pub matches: &'a [usize],
    pub clock: Clock,
    /// Shown when there are no cues.
    pub empty: &'a str,
}

const MATCH: Style = Style::new().fg(Color::Black).bg(Color::Yellow);

impl TranscriptList<'_> {
    /// The cue's lines, `width` wide.
    fn item(&self, i: usize, cue: &Cue, width: usize) -> Vec<Line<'static>> {
        let time = self.clock.at(cue.start_ms as f64 / 1000.0);
        let speaker = cue.speaker.as_deref().map(|s| format!("{}: ", sanitize(s)));
        let text = format!("{time} {}{}", speaker.as_deref().unwrap_or(""), sanitize(&cue.text));
        let current = self.current == Some(i);
        let base = if current {
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        wrap(&text, width)
            .into_iter()
            .enumerate()
            .map(|(k, l)| {
                // The time and speaker are on the first line (a line is at least a time wide).
                let lead = if k == 0 && l.starts_with(&time) {
                    time.chars().count()
                        + speaker
                            .as_ref()
                            .filter(|s| l[time.len()..].starts_with(&format!(" {s}")))
                            .map_or(0, |s| s.chars().count() + 1)
                } else {
                    0
                };
                styled(&l, lead, base, self.needle)
            })
            .collect()
    }
}

/// `line` in `base`, its first `lead` chars dimmed (time and speaker), matches of `needle`
/// highlighted.
fn styled(line: &str, lead: usize, base: Style, needle: &[char]) -> Line<'static> {
    let chars: Vec<char> = line.chars().collect();
    let mut styles: Vec<Style> =
        (0..chars.len()).map(|i| if i < lead { base.fg(Color::Cyan) } else { base }).collect();
    for (a, b) in find_folded(line, needle) {
        for s in styles.iter_mut().take(b).skip(a) {
            *s = MATCH;
        }
    }
    let mut spans: Vec<Span<'static>> = vec![];
    let mut start = 0;
    for i in 1..=chars.len() {
        if i == chars.len() || styles[i] != styles[start] {
            spans.push(Span::styled(chars[start..i].iter().collect::<String>(), styles[start]));
            start = i;
        }
    }
    Line::from(spans)
}

impl Widget for TranscriptList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 || area.width < 2 {
            return;
        }
        if self.cues.is_empty() {
            Paragraph::new(self.empty.to_string())
                .style(Style::new().fg(Color::DarkGray))
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        let anchor = self.anchor.min(self.cues.len() - 1);
        // Only the cues that can be in view are wrapped: each takes a row at least.
        let h = usize::from(area.height);
        let first = anchor.saturating_sub(h);
        let last = (anchor + h).min(self.cues.len() - 1);
        let width = usize::from(area.width - 1);
        let items: Vec<Vec<Line>> =
            (first..=last).map(|i| self.item(i, &self.cues[i], width)).collect();
        let heights: Vec<u16> =
            items.iter().map(|l| u16::try_from(l.len().max(1)).unwrap_or(u16::MAX)).collect();
        // The cue after the anchor shows too when it fits (what is coming next).
        let rel = anchor - first;
        let shown_after = (rel + 1).min(heights.len() - 1);
        let mut offset = wrapped_offset(shown_after, &heights, area.height).min(rel);
        if heights[offset..=rel].iter().map(|x| u32::from(*x)).sum::<u32>() > u32::from(area.height)
        {
            offset = rel;
        }
        let mut y = area.y;
        for (k, lines) in items.into_iter().enumerate().skip(offset) {
            let i = first + k;
            let selected = self.focused && i == anchor;
            let matched = self.matches.binary_search(&i).is_ok();
            for (n, line) in lines.into_iter().enumerate() {
                if y >= area.bottom() {
                    return;
                }
                let r = Rect { y, height: 1, ..area };
                if selected {
                    buf.set_style(r, selection_style(true));
                }
                if n == 0 {
                    let (mark, style) = if self.current == Some(i) {
                        ("▶", Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD))
                    } else if selected {
                        ("▸", selection_style(true))
                    } else if matched {
                        ("•", Style::new().fg(Color::Yellow))
                    } else {
                        (" ", Style::new())
                    };
                    buf.set_string(r.x, r.y, mark, style);
                }
                line.render(Rect { x: r.x + 1, width: r.width - 1, ..r }, buf);
                y += 1;
            }
        }
    }
}
