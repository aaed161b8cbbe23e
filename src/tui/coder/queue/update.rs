//! The queue's part of `update`: moving the selection and opening a recording, by key or mouse.
use crossterm::event::{MouseButton, MouseEventKind};

use crate::tui::coder::leave::quit;
use crate::tui::coder::model::{App, Effect, Job};
use crate::tui::coder::queue::RowStatus;
use crate::tui::keys::Action;
use crate::tui::layout::{self, click_row};
use crate::tui::shell::list_move;

pub fn on_action(app: &mut App, a: Action) -> Vec<Effect> {
    let q = &mut app.queue;
    match a {
        Action::Activate => open_selected(app),
        Action::Back => quit(app),
        _ => {
            q.selected = list_move(q.selected, q.rows.len(), a).unwrap_or(q.selected);
            vec![]
        }
    }
}

/// Asks to open the selected recording. A row with a known problem is tried again (the audio may
/// be back, the other instance closed); the runtime checks everything afresh.
fn open_selected(app: &mut App) -> Vec<Effect> {
    let Some(row) = app.queue.rows.get(app.queue.selected) else {
        app.notice("your queue is empty: ask your supervisor to assign recordings");
        return vec![];
    };
    let (id, training) = (row.id.clone(), row.training);
    if training && row.status == RowStatus::Submitted {
        app.notice(format!("reading the feedback on {id}…"));
        return vec![Effect::Disk(Job::Feedback(id))];
    }
    app.training = training;
    app.notice(format!("opening {id}: checking the audio…"));
    if training {
        vec![Effect::Open(Job::PrepareTraining(id))]
    } else {
        vec![Effect::Open(Job::Prepare(id))]
    }
}

pub fn on_mouse(app: &mut App, kind: MouseEventKind, y: u16) -> Vec<Effect> {
    let l = layout::queue(app.shell.size);
    let q = &mut app.queue;
    match kind {
        MouseEventKind::Down(MouseButton::Left) => {
            // Selects the row; a click on the selected one opens it.
            let open = click_row(l.rows, y, &mut q.selected, q.rows.len());
            if open {
                return open_selected(app);
            }
        }
        MouseEventKind::ScrollDown => q.select_next(),
        MouseEventKind::ScrollUp => q.select_prev(),
        _ => {}
    }
    vec![]
}
