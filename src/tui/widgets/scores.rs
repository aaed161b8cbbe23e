//! The seven domains and their state: unscored (`·····  –`), a level (`●●●○○  3`), or not
//! applicable. Nothing is ever shown as a score the coder did not choose.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::coding::ScoreState;
use crate::tui::layout::list_offset;
use crate::tui::terminal::sanitize;
use crate::tui::widgets::lists::selection_style;

pub struct Scores<'a> {
    /// (label, state, has a rationale)
    pub rows: Vec<(&'a str, ScoreState, bool)>,
    pub max: u8,
    pub selected: usize,
    pub focused: bool,
}

impl Widget for Scores<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let offset = list_offset(self.selected, self.rows.len(), area.height);
        let longest = self.rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
        // Dots when there is room for the longest label beside them, else just the number.
        let dots = usize::from(area.width) >= longest + usize::from(self.max) + 6;
        let dots_w = if dots { usize::from(self.max) + 3 } else { 3 };
        for (row, (i, (label, state, rationale))) in
            self.rows.iter().enumerate().skip(offset).take(usize::from(area.height)).enumerate()
        {
            let r = Rect { y: area.y + row as u16, height: 1, ..area };
            let sel = i == self.selected;
            if sel {
                buf.set_style(r, selection_style(self.focused));
            }
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
            let marker = if sel && self.focused { "▸" } else { " " };
            let note = if *rationale { "✎" } else { " " };
            let label_w = usize::from(r.width).saturating_sub(dots_w + 3);
            let label: String = sanitize(label).chars().take(label_w).collect();
            let mut spans = vec![
                Span::raw(marker),
                Span::raw(format!("{label:<label_w$}")),
                Span::styled(note, Style::new().fg(Color::Magenta)),
                Span::raw(" "),
            ];
            spans.extend(right);
            Line::from(spans).render(r, buf);
        }
    }
}
