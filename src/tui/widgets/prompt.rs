//! A one-line text prompt in a centred box: label, the text with a block cursor, and an error line.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use crate::tui::terminal::sanitize;

pub struct PromptBox<'a> {
    pub title: &'a str,
    pub hint: &'a str,
    pub text: &'a str,
    /// Cursor position in characters.
    pub cursor: usize,
    pub error: Option<&'a str>,
}

impl Widget for PromptBox<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Clear.render(area, buf);
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .title(format!(" {} ", self.title))
            .border_style(Style::new().fg(Color::Yellow));
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.height == 0 || inner.width < 4 {
            return;
        }
        let width = usize::from(inner.width) - 2;
        let chars: Vec<char> = sanitize(self.text).chars().collect();
        let cursor = self.cursor.min(chars.len());
        // Scroll horizontally so the cursor stays visible.
        let start = cursor.saturating_sub(width.saturating_sub(1));
        let visible: String = chars.iter().skip(start).take(width).collect();
        let line = Line::from(vec![
            Span::styled("> ", Style::new().fg(Color::Yellow)),
            Span::raw(visible),
        ]);
        line.render(Rect { height: 1, ..inner }, buf);
        let cx = inner.x + 2 + (cursor - start) as u16;
        if cx < inner.right() {
            buf[(cx, inner.y)].set_style(Style::new().add_modifier(Modifier::REVERSED));
        }
        if inner.height > 1 {
            let (text, style) = match self.error {
                Some(e) => (e, Style::new().fg(Color::Red)),
                None => (self.hint, Style::new().fg(Color::DarkGray)),
            };
            Line::styled(text, style).render(Rect { y: inner.y + 1, height: 1, ..inner }, buf);
        }
    }
}
