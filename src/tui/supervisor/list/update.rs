//! The list screen's part of `update`: moving the selection and opening a recording.
use crossterm::event::{MouseButton, MouseEventKind};

use super::view::list_layout;
use crate::tui::keys::Action;
use crate::tui::layout::click_row;
use crate::tui::supervisor::model::{AdjApp, Effect};

pub fn on_action(app: &mut AdjApp, a: Action) -> Vec<Effect> {
    let n = app.cases.len();
    match a {
        Action::Up => app.selected = app.selected.saturating_sub(1),
        Action::Down => app.selected = (app.selected + 1).min(n.saturating_sub(1)),
        Action::Start => app.selected = 0,
        Action::End => app.selected = n.saturating_sub(1),
        Action::Activate => return open_selected(app),
        _ => {}
    }
    vec![]
}

fn open_selected(app: &mut AdjApp) -> Vec<Effect> {
    match app.cases.get(app.selected) {
        None => {
            app.notice("nothing to adjudicate");
            vec![]
        }
        Some(c) => vec![Effect::Open { id: c.recording.clone(), duration_s: c.duration_s }],
    }
}

pub fn on_mouse(app: &mut AdjApp, kind: MouseEventKind, y: u16) -> Vec<Effect> {
    let l = list_layout(app.shell.size);
    match kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if click_row(l.rows, y, &mut app.selected, app.cases.len()) {
                return open_selected(app);
            }
            vec![]
        }
        MouseEventKind::ScrollDown => on_action(app, Action::Down),
        MouseEventKind::ScrollUp => on_action(app, Action::Up),
        _ => vec![],
    }
}
