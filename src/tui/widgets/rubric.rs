//! The selected domain's description and every level descriptor from the codebook, the chosen
//! level highlighted, plus the coder's rationale; wraps to the pane.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::tui::terminal::sanitize;

pub struct Rubric<'a> {
    pub description: &'a str,
    /// (level, descriptor)
    pub levels: Vec<(u8, &'a str)>,
    pub chosen: Option<u8>,
    /// Shown above the levels when the domain cannot be scored yet.
    pub notice: Option<&'a str>,
    pub rationale: Option<&'a str>,
}

impl Widget for Rubric<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut lines: Vec<Line> = vec![Line::styled(
            sanitize(self.description).into_owned(),
            Style::new().fg(Color::Gray),
        )];
        if let Some(n) = self.notice {
            lines.push(Line::styled(n.to_string(), Style::new().fg(Color::Yellow)));
        }
        lines.push(Line::raw(""));
        for (level, text) in self.levels {
            let chosen = self.chosen == Some(level);
            let style = if chosen {
                Style::new().fg(Color::Black).bg(Color::Green).add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            let mark = if chosen { "▶" } else { " " };
            lines.push(Line::from(vec![
                Span::styled(format!("{mark}{level} "), style.add_modifier(Modifier::BOLD)),
                Span::styled(sanitize(text).into_owned(), style),
            ]));
        }
        match self.rationale {
            Some(r) => lines.push(Line::from(vec![
                Span::styled("Rationale: ", Style::new().fg(Color::Magenta)),
                Span::raw(sanitize(r).into_owned()),
            ])),
            None => lines.push(Line::styled(
                "No rationale yet (Enter in the scores pane to write one)",
                Style::new().fg(Color::DarkGray),
            )),
        }
        Paragraph::new(lines).wrap(Wrap { trim: true }).render(area, buf);
    }
}
