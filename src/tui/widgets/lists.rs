//! A plain selectable list: one line per item, the selection kept in view, a highlight that is
//! stronger when the pane has focus. Used for segments, notes and the queue's detail.
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget, Wrap};

use crate::tui::layout::{list_offset, wrapped_offset};

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

/// A table of rows (one per recording, each with its index in the whole list: the coder's queue,
/// the supervisor's list) in `widths`, under a bold grey `header`; the row at index `selected`
/// has the focused selection's style.
pub fn recording_table<'a>(
    rows: impl IntoIterator<Item = (usize, Row<'a>)>,
    selected: usize,
    widths: [Constraint; 4],
    header: [&'a str; 4],
) -> Table<'a> {
    let rows = rows
        .into_iter()
        .map(|(i, r)| if i == selected { r.style(selection_style(true)) } else { r });
    Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().fg(Color::Gray).add_modifier(Modifier::BOLD)))
}

/// The first two cells of a recording's row in such a table: its id, marked `▸` when selected
/// (not only coloured), and its duration.
pub fn recording_cells(selected: bool, id: &str, duration_s: f64) -> [Cell<'static>; 2] {
    let mark = if selected { "▸ " } else { "  " };
    [
        Cell::from(format!("{mark}{}", crate::tui::terminal::sanitize(id))),
        Cell::from(crate::timefmt::hms(duration_s)),
    ]
}

/// Whether a list's render is done: there are no rows to draw into, or the list is empty and its
/// hint has been drawn (wrapped: a narrow pane must not cut it off mid-word).
fn nothing_more_to_draw(empty: &str, is_empty: bool, area: Rect, buf: &mut Buffer) -> bool {
    if area.height == 0 {
        return true;
    }
    if is_empty {
        Paragraph::new(Line::styled(empty, Style::new().fg(Color::DarkGray)))
            .wrap(Wrap { trim: true })
            .render(area, buf);
    }
    is_empty
}

impl Widget for SelectList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if nothing_more_to_draw(self.empty, self.items.is_empty(), area, buf) {
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

/// `text` broken into lines of at most `width` columns, at spaces where it can (a word longer
/// than a line is cut). Always at least one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let w = |s: &str| Line::raw(s.to_string()).width();
    let mut lines: Vec<String> = vec![];
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let gap = usize::from(!line.is_empty());
            if w(&line) + gap + w(&word) <= width {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // A word longer than the line: as much as fits, the rest on the next.
            let mut head = String::new();
            let mut rest = word.chars();
            for ch in rest.by_ref() {
                head.push(ch);
                if w(&head) >= width {
                    break;
                }
            }
            lines.push(head);
            word = rest.collect();
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// [`SelectList`] whose items take one line or more (wrapped text): the selection is kept in
/// view whole, its rows highlighted. Mouse hit-testing uses [`crate::tui::layout::wrapped_row_at`]
/// with the same heights.
pub struct WrapList<'a> {
    pub items: Vec<Vec<Line<'a>>>,
    pub selected: usize,
    pub focused: bool,
    /// Shown when there are no items.
    pub empty: &'a str,
}

impl Widget for WrapList<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if nothing_more_to_draw(self.empty, self.items.is_empty(), area, buf) {
            return;
        }
        let heights: Vec<u16> =
            self.items.iter().map(|i| u16::try_from(i.len().max(1)).unwrap_or(u16::MAX)).collect();
        let offset = wrapped_offset(self.selected, &heights, area.height);
        let mut y = area.y;
        for (i, lines) in self.items.into_iter().enumerate().skip(offset) {
            for (k, line) in lines.into_iter().enumerate() {
                if y >= area.bottom() {
                    return;
                }
                let r = Rect { y, height: 1, ..area };
                if i == self.selected {
                    buf.set_style(r, selection_style(self.focused));
                    if k == 0 && self.focused {
                        buf.set_string(r.x, r.y, "▸", selection_style(true));
                    }
                }
                line.render(Rect { x: r.x + 1, width: r.width.saturating_sub(1), ..r }, buf);
                y += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(
            wrap("Parent asks if the worker will come back", 16),
            ["Parent asks if", "the worker will", "come back"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("  two   spaces ", 20), ["two spaces"]);
    }
}
