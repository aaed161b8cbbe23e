//! The seven domains and their state: unscored (`·····  –`), a level (`●●●○○  3`), or not
//! applicable. Nothing is ever shown as a score the coder did not choose.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::coding::ScoreState;
use crate::tui::layout::wrapped_offset;
use crate::tui::terminal::sanitize;
use crate::tui::widgets::lists::selection_style;

/// A row after the scores (an instrument's checklist item, classification, count or summary):
/// its label, and its value drawn at the right in `color` (`✓`, `Systemic`, `Q 4`, `1.50 good`).
pub struct ItemLine {
    pub label: String,
    pub value: String,
    pub color: Color,
}

pub struct Scores<'a> {
    /// (label, state, has a rationale)
    pub rows: Vec<(&'a str, ScoreState, bool)>,
    /// The rows after the scores (an instrument's other items); `selected` counts on into them.
    pub items: Vec<ItemLine>,
    /// The lines drawn under each row, scores then items (a rationale, a class's description),
    /// if any.
    pub under: Vec<Vec<String>>,
    pub max: u8,
    pub selected: usize,
    pub focused: bool,
}

impl Widget for Scores<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let heights: Vec<u16> = (0..self.rows.len() + self.items.len())
            .map(|i| 1 + u16::try_from(self.under.get(i).map_or(0, Vec::len)).unwrap_or(0))
            .collect();
        let offset = wrapped_offset(self.selected, &heights, area.height);
        let mut y = area.y;
        let longest = self.rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        // Dots when there is room for the longest label beside them, else just the number.
        let dots = usize::from(area.width) >= longest + usize::from(self.max) + 6;
        let dots_w = if dots { usize::from(self.max) + 3 } else { 3 };
        for (i, (label, state, rationale)) in self.rows.iter().enumerate().skip(offset) {
            let Some((r, marker)) = self.row(i, area, y, buf) else { break };
            y += 1;
            let right: Vec<Span> = match state {
                ScoreState::Level(l) if !dots => {
                    vec![Span::styled(format!(" {l} "), Style::new().add_modifier(Modifier::BOLD))]
                }
                ScoreState::Unscored if !dots => {
                    vec![Span::styled(" – ", Style::new().fg(Color::DarkGray))]
                }
                ScoreState::Level(l) => {
                    let l = (*l).min(self.max);
                    vec![
                        Span::styled("●".repeat(usize::from(l)), Style::new().fg(Color::Green)),
                        Span::styled(
                            "○".repeat(usize::from(self.max - l)),
                            Style::new().fg(Color::DarkGray),
                        ),
                        Span::styled(format!(" {l} "), Style::new().add_modifier(Modifier::BOLD)),
                    ]
                }
                ScoreState::Unscored => vec![Span::styled(
                    format!("{} – ", "·".repeat(usize::from(self.max))),
                    Style::new().fg(Color::DarkGray),
                )],
                ScoreState::NotApplicable => {
                    vec![Span::styled(
                        format!("{:>w$}", "n/a ", w = dots_w),
                        Style::new().fg(Color::DarkGray),
                    )]
                }
            };
            let note = if *rationale { "✎" } else { " " };
            // marker, label, a space, ✎, then the score (its number has a space of its own;
            // the dots get one more): the label never touches the ✎.
            let gap = if dots { " " } else { "" };
            let label_w = usize::from(r.width).saturating_sub(dots_w + 3 + gap.len());
            let label = fit(label, label_w);
            let mut spans = vec![
                Span::raw(marker),
                Span::raw(format!("{label:<label_w$} ")),
                Span::styled(note, Style::new().fg(Color::Magenta)),
                Span::raw(gap),
            ];
            spans.extend(right);
            Line::from(spans).render(r, buf);
            y = self.under_lines(i, area, y, buf);
        }
        let first = self.rows.len();
        for (j, item) in self.items.iter().enumerate().skip(offset.saturating_sub(first)) {
            let i = first + j;
            let Some((r, marker)) = self.row(i, area, y, buf) else { break };
            y += 1;
            let value = sanitize(&item.value);
            let value_w = value.chars().count() + 1;
            let label_w = usize::from(r.width).saturating_sub(value_w + 2);
            let label = fit(&item.label, label_w);
            Line::from(vec![
                Span::raw(marker),
                Span::raw(format!("{label:<label_w$} ")),
                Span::styled(
                    format!("{value} "),
                    Style::new().fg(item.color).add_modifier(Modifier::BOLD),
                ),
            ])
            .render(r, buf);
            y = self.under_lines(i, area, y, buf);
        }
    }
}

impl Scores<'_> {
    /// Row `i`'s line at `y` (selected: highlighted) and its marker (`▸` when selected and
    /// focused); none below the area.
    fn row(&self, i: usize, area: Rect, y: u16, buf: &mut Buffer) -> Option<(Rect, &'static str)> {
        if y >= area.bottom() {
            return None;
        }
        let r = Rect { y, height: 1, ..area };
        let sel = i == self.selected;
        if sel {
            buf.set_style(r, selection_style(self.focused));
        }
        Some((r, if sel && self.focused { "▸" } else { " " }))
    }

    /// Row `i`'s lines under it from `y`; the row below them.
    fn under_lines(&self, i: usize, area: Rect, mut y: u16, buf: &mut Buffer) -> u16 {
        for text in self.under.get(i).into_iter().flatten() {
            if y >= area.bottom() {
                break;
            }
            let r = Rect { x: area.x + 3, y, width: area.width.saturating_sub(3), height: 1 };
            let style = Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC);
            Line::styled(text.as_str(), style).render(r, buf);
            y += 1;
        }
        y
    }
}

/// `label` made safe to draw and cut to `width` columns (`…` where it is cut).
fn fit(label: &str, width: usize) -> String {
    crate::tui::terminal::cut(&sanitize(label), width)
}
