//! The queue: the coder's own recordings in their assigned order, with duration, status and how
//! much has been listened to. Deliberately nothing else: no other coder, no double-coding flag, no
//! study variables, no file names (SPEC §2 blinding).
//!
//! This module holds its state; `update.rs` its keys and mouse, `view.rs` its view.
pub mod update;
pub mod view;

use crate::coding::{Coding, Status, Window};
use crate::tui::shell::keep_selection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    NotStarted,
    InProgress,
    Submitted,
}

/// One recording as the coder may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub id: String,
    pub duration_s: f64,
    pub status: RowStatus,
    /// 0.0–1.0 of the recording listened to.
    pub listened: f64,
    /// Why it cannot be opened (audio missing or changed), if so.
    pub problem: Option<String>,
    /// A training recording (a calibration set): coded apart, with feedback against gold.
    pub training: bool,
    /// A gold coding is set for it (a supervisor's gold queue only; a draft may be open too).
    pub gold: bool,
}

#[derive(Debug, Clone, Default)]
pub struct QueueState {
    pub rows: Vec<QueueRow>,
    pub selected: usize,
}

impl QueueState {
    pub fn new(rows: Vec<QueueRow>) -> Self {
        QueueState { rows, selected: 0 }
    }

    pub fn select_next(&mut self) {
        if self.selected + 1 < self.rows.len() {
            self.selected += 1;
        }
    }

    pub fn select_prev(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    /// New rows, keeping the selection on the same recording when it is still there.
    pub fn replace_rows(&mut self, rows: Vec<QueueRow>) {
        let old = self.rows.get(self.selected).map(|r| r.id.clone());
        self.selected = keep_selection(old.as_deref(), self.selected, &rows, |r| &r.id);
        self.rows = rows;
    }

    pub fn set_problem(&mut self, id: &str, problem: &str) {
        if let Some(r) = self.rows.get_mut(self.selected).filter(|r| r.id == id) {
            r.problem = Some(problem.to_string());
        } else if let Some(r) = self.rows.iter_mut().find(|r| r.id == id) {
            r.problem = Some(problem.to_string());
        }
    }

    pub fn clear_problem(&mut self, id: &str) {
        if let Some(r) = self.rows.iter_mut().find(|r| r.id == id) {
            r.problem = None;
        }
    }

    /// Reflects a coding just closed (status, listened) without waiting for the disk.
    /// `coded`: the sampled window, or the whole recording.
    pub fn update_from(&mut self, coding: &Coding, coded: &Window, training: bool) {
        if let Some(r) =
            self.rows.iter_mut().find(|r| r.id == coding.recording && r.training == training)
        {
            r.status = match coding.status {
                Status::Submitted => RowStatus::Submitted,
                Status::InProgress => RowStatus::InProgress,
            };
            r.listened = coding.listened_fraction_in(coded);
        }
    }
}
