//! The frame pieces the coder and adjudication TUIs draw the same way: pane borders, the play
//! state badge, the footer line, and the "terminal too small" notice. Shared so both screens look
//! alike and a change to one reaches the other.
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use crate::audio::Snapshot;
use crate::tui::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::terminal::sanitize;

/// A rounded pane border with its title, highlighted when the pane has the focus.
pub fn pane_block(title: String, focused: bool) -> Block<'static> {
    let color = if focused { Color::Cyan } else { Color::DarkGray };
    let mut title_style = Style::new().fg(if focused { Color::Cyan } else { Color::Gray });
    if focused {
        title_style = title_style.add_modifier(Modifier::BOLD);
    }
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(color))
        .title(Span::styled(title, title_style))
}

/// The header's badge: playing, ended or paused.
pub fn play_state(s: &Snapshot) -> Span<'static> {
    if s.playing {
        Span::styled(" ▶ playing ", Style::new().fg(Color::Black).bg(Color::Green))
    } else if s.ended {
        Span::styled(" ■ ended ", Style::new().fg(Color::Black).bg(Color::Gray))
    } else {
        Span::styled(" ❚❚ paused ", Style::new().fg(Color::Black).bg(Color::Yellow))
    }
}

/// The bottom line: the notice if one is showing, else the key hints.
pub fn footer(f: &mut Frame, notice: Option<&str>, area: Rect, hints: &str) {
    let line = match notice {
        Some(n) => Line::styled(format!(" {}", sanitize(n)), Style::new().fg(Color::Yellow)),
        None => Line::styled(format!(" {hints}"), Style::new().fg(Color::DarkGray)),
    };
    f.render_widget(line, area);
}

/// Drawn instead of a screen when the terminal is smaller than the layouts need.
pub fn too_small(f: &mut Frame, area: Rect) {
    let text = vec![
        Line::styled(
            "Terminal too small",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ),
        Line::raw(format!(
            "{}×{} — tapecoder needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::raw("Enlarge the window: nothing is lost."),
    ];
    let r = area.centered_vertically(Constraint::Length(3));
    f.render_widget(Paragraph::new(text).centered(), r);
}

/// Takes every colour out of a drawn frame (`NO_COLOR`): a cell drawn on a coloured background
/// (a selection, a badge) is shown in reverse video instead, so it still stands out; bold and
/// the other modifiers stay.
pub fn strip_colour(buf: &mut ratatui::buffer::Buffer) {
    use ratatui::style::{Color, Modifier};
    for cell in buf.content.iter_mut() {
        if cell.bg != Color::Reset {
            cell.modifier.insert(Modifier::REVERSED);
        }
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
    }
}
