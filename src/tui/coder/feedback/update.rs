//! The feedback screen's keys: up and down choose the domain whose rationale and descriptors are
//! shown; back returns to the queue.
use super::FeedbackState;
use crate::tui::coder::model::Step;
use crate::tui::keys::Action;
use crate::tui::shell::list_move;

pub fn on_action(s: &mut FeedbackState, a: Action) -> Step {
    if let Some(sel) = list_move(s.selected, s.data.compare.domains.len(), a) {
        s.selected = sel;
    } else if matches!(a, Action::Back | Action::Activate) {
        return Step::Leave;
    }
    Step::Stay(vec![])
}
