//! The feedback screen (issue #13): shown at once after a coder submits a training recording (and
//! on Enter on a submitted training row of the queue). Per domain the coder's score beside gold,
//! the gold rationale and the level descriptors of both levels; the behaviour-change segments
//! compared (seconds matched, missed and extra, share of the session); the gold notes on a
//! timeline; and, when the calibration set is complete, the certification with its reasons.
//!
//! The data is read on the disk thread (`coder/worker.rs`, `Job::Feedback`) from the coder's own
//! folder only — their submitted training coding and the feedback copy of the gold that
//! `calibration assign` wrote — and only once the signed submit line exists.
//!
//! This module holds its state; `update.rs` its keys, `view.rs` its view.
pub mod update;
pub mod view;

use crate::coding::Coding;
use crate::quality::{Certification, RecordingCompare};
use crate::study::gold::GoldCoding;

/// Everything the screen shows, computed on the disk thread.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackData {
    pub recording: String,
    pub duration_s: f64,
    pub coder: Coding,
    pub gold: GoldCoding,
    pub compare: RecordingCompare,
    /// The calibration set this recording is in, and the coder's standing on it.
    pub set: Option<(String, Certification)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackState {
    pub data: FeedbackData,
    /// The selected domain (index into the comparison's domains).
    pub selected: usize,
    /// Rows the "Why" pane (the selected domain's detail, then the certification's reasons) is
    /// scrolled down by PageDown; back to the top when another domain is chosen.
    pub scroll: u16,
}

impl FeedbackState {
    pub fn new(data: FeedbackData) -> Self {
        Self { data, selected: 0, scroll: 0 }
    }
}
