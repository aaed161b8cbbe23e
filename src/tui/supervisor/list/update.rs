//! The list screen's part of `update`: moving the selection and opening a recording.
use crossterm::event::{MouseButton, MouseEventKind};

use super::view::list_layout;
use crate::tui::keys::Action;
use crate::tui::layout::click_row;
use crate::tui::shell::list_move;
use crate::tui::supervisor::model::{AdjApp, Effect, Job};

pub fn on_action(app: &mut AdjApp, a: Action) -> Vec<Effect> {
    if a == Action::Activate {
        return open_selected(app);
    }
    let l = &mut app.list;
    l.selected = list_move(l.selected, l.cases.len(), a).unwrap_or(l.selected);
    vec![]
}

fn open_selected(app: &mut AdjApp) -> Vec<Effect> {
    match app.list.cases.get(app.list.selected) {
        None => {
            app.notice("nothing to adjudicate");
            vec![]
        }
        Some(c) => {
            vec![Effect::Open(Job::Prepare { id: c.recording.clone(), duration_s: c.duration_s })]
        }
    }
}

pub fn on_mouse(app: &mut AdjApp, kind: MouseEventKind, y: u16) -> Vec<Effect> {
    let l = list_layout(app.shell.size);
    match kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if click_row(l.rows, y, &mut app.list.selected, app.list.cases.len()) {
                return open_selected(app);
            }
            vec![]
        }
        MouseEventKind::ScrollDown => on_action(app, Action::Down),
        MouseEventKind::ScrollUp => on_action(app, Action::Up),
        _ => vec![],
    }
}
