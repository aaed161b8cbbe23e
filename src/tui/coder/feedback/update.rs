//! The feedback screen's keys: up and down choose the domain whose rationale and descriptors are
//! shown; PageUp / PageDown scroll the "Why" pane (the domain's detail and the certification's
//! reasons) when it is taller than its pane; back returns to the queue.
use super::FeedbackState;
use super::view;
use crate::tui::coder::model::Step;
use crate::tui::keys::Action;
use crate::tui::shell::{Shell, list_move};

pub fn on_action(s: &mut FeedbackState, shell: &Shell, a: Action) -> Step {
    if let Some(sel) = list_move(s.selected, s.data.compare.domains.len(), a) {
        if sel != s.selected {
            s.scroll = 0;
        }
        s.selected = sel;
    } else if matches!(a, Action::PageUp | Action::PageDown) {
        let (page, max) = view::why_scroll_range(&shell.codebook, s, shell.size);
        s.scroll = if a == Action::PageDown {
            s.scroll.saturating_add(page).min(max)
        } else {
            s.scroll.min(max).saturating_sub(page)
        };
    } else if matches!(a, Action::Back | Action::Activate) {
        return Step::Leave;
    }
    Step::Stay(vec![])
}
