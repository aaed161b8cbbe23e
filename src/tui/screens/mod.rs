//! One view per screen or overlay, and [`draw`], which picks them. Views read the state and draw;
//! they never change anything.
pub mod coding;
pub mod dialogs;
pub mod help;
pub mod queue;

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::tui::app::{App, Overlay, Screen};
use crate::tui::layout::{MIN_HEIGHT, MIN_WIDTH, too_small};
use crate::tui::terminal::sanitize;

/// Draws the whole UI for the current state.
pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    if too_small(area) {
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
        let [r] = Layout::vertical([Constraint::Length(3)]).flex(Flex::Center).areas(area);
        f.render_widget(Paragraph::new(text).centered(), r);
        return;
    }
    match (app.screen, app.coding.as_ref()) {
        (Screen::Coding, Some(c)) => coding::view(f, app, c),
        _ => queue::view(f, app),
    }
    match &app.overlay {
        None => {}
        Some(Overlay::Help) => help::view(f, &app.keymap),
        Some(Overlay::Prompt(p)) => dialogs::view_prompt(f, p),
        Some(Overlay::Dialog(d)) => {
            let (segs, notes) = match app.coding.as_ref() {
                Some(c) => (
                    c.coding.segments.iter().map(|s| (s.start_s, s.end_s)).collect(),
                    c.coding.notes.iter().map(|n| (n.at_s, n.text.clone())).collect(),
                ),
                None => (vec![], vec![]),
            };
            dialogs::view_dialog(f, d, &segs, &notes);
        }
    }
}

/// The bottom line: a notice if one is showing, else the key hints.
pub(crate) fn footer(f: &mut Frame, app: &App, area: Rect, hints: &str) {
    let line = match app.current_notice() {
        Some(n) => Line::styled(format!(" {}", sanitize(n)), Style::new().fg(Color::Yellow)),
        None => Line::styled(format!(" {hints}"), Style::new().fg(Color::DarkGray)),
    };
    f.render_widget(line, area);
}
