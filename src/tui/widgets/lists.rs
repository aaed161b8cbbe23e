//! A plain selectable list: one line per item, the selection kept in view, a highlight that is
//! stronger when the pane has focus. Used for segments, notes and the queue's detail.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::tui::layout::list_offset;

pub struct SelectList<'a> {
    pub items: Vec<Line<'a>>,
    pub selected: usize,
    pub focused: bool,
    /// Shown when there are no items.
    pub empty: &'a str,
}

pub fn selection_style(focused: bool) -> Style {
    if focused {
        Style::new().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD)
    } else {
        Style::new().bg(Color::DarkGray)
    }
}

impl Widget for SelectList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 {
            return;
        }
        if self.items.is_empty() {
            // Wrapped: a narrow pane must not cut the hint off mid-word.
            Paragraph::new(Line::styled(self.empty, Style::new().fg(Color::DarkGray)))
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        let offset = list_offset(self.selected, self.items.len(), area.height);
        for (row, (i, line)) in self
            .items
            .into_iter()
            .enumerate()
            .skip(offset)
            .take(usize::from(area.height))
            .enumerate()
        {
            let r = Rect { y: area.y + row as u16, height: 1, ..area };
            if i == self.selected {
                buf.set_style(r, selection_style(self.focused));
                let marker = if self.focused { "▸" } else { " " };
                buf.set_string(r.x, r.y, marker, selection_style(self.focused));
            }
            let text = Rect { x: r.x + 1, width: r.width.saturating_sub(1), ..r };
            line.render(text, buf);
        }
    }
}
