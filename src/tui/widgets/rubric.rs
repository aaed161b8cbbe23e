//! The selected domain's description and every level descriptor from the codebook, the chosen
//! level highlighted, plus the coder's rationale. Wraps to the pane with hanging indents; when the
//! text is taller than the pane it scrolls (by the wheel, PageUp / PageDown) and always keeps the chosen level in view.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::tui::terminal::sanitize;

pub struct Rubric<'a> {
    pub description: String,
    /// (level, descriptor); for a classification its classes, numbered.
    pub levels: Vec<(u8, String)>,
    pub chosen: Option<u8>,
    /// Shown above the levels when the domain cannot be scored yet (or an item's state).
    pub notice: Option<String>,
    /// A domain's rationale (`None`: how to write one); `show_rationale` false for other items.
    pub rationale: Option<&'a str>,
    pub show_rationale: bool,
    /// Lines scrolled down by the coder.
    pub scroll: u16,
}

/// Greedy word wrap to `width` columns (by characters); long words are cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0usize;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if cur_len > 0 {
                lines.push(std::mem::take(&mut cur));
                cur_len = 0;
            }
            lines.push(word.drain(..width).collect());
        }
        let wl = word.len();
        if cur_len > 0 && cur_len + 1 + wl > width {
            lines.push(std::mem::take(&mut cur));
            cur_len = 0;
        }
        if cur_len > 0 {
            cur.push(' ');
            cur_len += 1;
        }
        cur.extend(word);
        cur_len += wl;
    }
    if cur_len > 0 || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

impl Rubric<'_> {
    /// How many rows the whole text takes at `width` columns (what PageDown can scroll to).
    pub fn content_height(&self, width: u16) -> usize {
        self.lines(usize::from(width)).0.len()
    }

    /// The wrapped lines, and the rows of the chosen level.
    fn lines(&self, w: usize) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
        let mut lines: Vec<Line> = Vec::new();
        for l in wrap(&sanitize(&self.description), w) {
            lines.push(Line::styled(l, Style::new().fg(Color::Gray)));
        }
        if let Some(n) = &self.notice {
            for l in wrap(n, w) {
                lines.push(Line::styled(l, Style::new().fg(Color::Yellow)));
            }
        }
        let mut chosen_range = None;
        for (level, text) in &self.levels {
            lines.push(Line::raw(""));
            let chosen = self.chosen == Some(*level);
            let style =
                if chosen { Style::new().fg(Color::Black).bg(Color::Green) } else { Style::new() };
            let start = lines.len();
            for (i, l) in wrap(&sanitize(text), w.saturating_sub(3)).into_iter().enumerate() {
                let prefix = match (i, chosen) {
                    (0, true) => format!("▶{level} "),
                    (0, false) => format!(" {level} "),
                    _ => "   ".to_string(),
                };
                let pad = w.saturating_sub(3 + l.chars().count());
                lines.push(Line::from(vec![
                    Span::styled(prefix, style.add_modifier(Modifier::BOLD)),
                    Span::styled(l, style),
                    Span::styled(" ".repeat(if chosen { pad } else { 0 }), style),
                ]));
            }
            if chosen {
                chosen_range = Some((start, lines.len()));
            }
        }
        lines.push(Line::raw(""));
        match self.rationale {
            _ if !self.show_rationale => {}
            Some(r) => {
                for (i, l) in
                    wrap(&format!("Rationale: {}", sanitize(r)), w).into_iter().enumerate()
                {
                    let style = if i == 0 { Style::new().fg(Color::Magenta) } else { Style::new() };
                    lines.push(Line::styled(l, style));
                }
            }
            None => {
                for l in wrap("No rationale yet (Enter in the scores pane to write one)", w) {
                    lines.push(Line::styled(l, Style::new().fg(Color::DarkGray)));
                }
            }
        }
        (lines, chosen_range)
    }
}

impl Widget for Rubric<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < 4 || area.height == 0 {
            return;
        }
        let (lines, chosen_range) = self.lines(usize::from(area.width));
        let h = usize::from(area.height);
        let max_scroll = lines.len().saturating_sub(h);
        let mut top = usize::from(self.scroll).min(max_scroll);
        if let Some((a, b)) = chosen_range {
            // Keep the chosen level in view.
            if b > top + h {
                top = b.saturating_sub(h).min(a);
            }
            if a < top {
                top = a;
            }
        }
        for (row, line) in lines.iter().skip(top).take(h).enumerate() {
            line.render(Rect { y: area.y + row as u16, height: 1, ..area }, buf);
        }
        let more = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
        if top > 0 {
            buf.set_string(area.right() - 1, area.y, "▲", more);
        }
        if top + h < lines.len() {
            buf.set_string(area.right() - 1, area.bottom() - 1, "▼", more);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_and_cuts_long_ones() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), vec![""]);
    }

    #[test]
    fn chosen_level_stays_in_view() {
        let long = "word ".repeat(40);
        let r = Rubric {
            description: long.clone(),
            levels: (1..=5).map(|l| (l, long.clone())).collect(),
            chosen: Some(5),
            notice: None,
            rationale: None,
            show_rationale: true,
            scroll: 0,
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, 10));
        r.render(buf.area, &mut buf);
        let text: String = (0..10)
            .flat_map(|y| (0..30).map(move |x| (x, y)))
            .map(|(x, y)| buf[(x, y)].symbol().to_string())
            .collect();
        assert!(text.contains("▶5"), "{text}");
        assert!(text.contains('▲'));
    }
}
