//! The feedback screen's keys: up and down choose the domain whose rationale and descriptors are
//! shown; back returns to the queue.
use super::FeedbackState;
use crate::tui::coder::model::Step;
use crate::tui::keys::Action;
use crate::tui::shell::step;

pub fn on_action(s: &mut FeedbackState, a: Action) -> Step {
    let len = s.data.compare.domains.len();
    match a {
        Action::Up => s.selected = step(s.selected, len, false),
        Action::Down => s.selected = step(s.selected, len, true),
        Action::Start => s.selected = 0,
        Action::End => s.selected = len.saturating_sub(1),
        Action::Back | Action::Activate => return Step::Leave,
        _ => {}
    }
    Step::Stay(vec![])
}
