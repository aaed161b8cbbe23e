//! One view per screen or overlay, and [`draw`], which picks them. Views read the state and draw;
//! they never change anything.
pub mod coding;
pub mod dialogs;
pub mod help;
pub mod queue;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::tui::app::{App, Overlay, Screen};
use crate::tui::layout::too_small;
use crate::tui::widgets::chrome;

/// Draws the whole UI for the current state.
pub fn draw(f: &mut Frame, app: &App) {
    let area = f.area();
    if too_small(area) {
        chrome::too_small(f, area);
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
    chrome::footer(f, app.current_notice(), area, hints);
}
