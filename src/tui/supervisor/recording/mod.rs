//! The recording screen: one recording with both coders side by side. This module holds its state
//! (the case, the player's snapshot, focus and selections, the decisions being made);
//! `update.rs` its keys, prompts and mouse, `view.rs` its view.
pub mod update;
pub mod view;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::audio::Snapshot;
use crate::codebook::Codebook;
use crate::coding::Coding;
use crate::study::adjudication::{self, Case, Draft};
use crate::study::model::AdjudicationDraft;
use crate::transcript::Transcript;
use crate::tui::transcript_pane::{Transcribed, TranscriptPane};
use crate::tui::transport::{self, Transport};
use crate::tui::zoom::{Zoom, ZoomPeaks};

/// The panes `Tab` moves between on the recording screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Scores,
    Primary,
    Secondary,
    /// The transcript pane, in the order only while it is shown.
    Transcript,
}

impl Pane {
    pub fn next(self) -> Self {
        match self {
            Pane::Scores => Pane::Primary,
            Pane::Primary => Pane::Secondary,
            Pane::Secondary => Pane::Transcript,
            Pane::Transcript => Pane::Scores,
        }
    }
    pub fn prev(self) -> Self {
        match self {
            Pane::Scores => Pane::Transcript,
            Pane::Transcript => Pane::Secondary,
            Pane::Primary => Pane::Scores,
            Pane::Secondary => Pane::Primary,
        }
    }
}

/// A segment or a note of one coder, as listed and jumped to.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub at_s: f64,
    /// `Some(end)` for a segment, `None` for a note.
    pub end_s: Option<f64>,
    pub kind: String,
    pub text: String,
}

/// One coder's segments and notes, sorted by time (segments first at equal times).
pub fn items(c: &Coding) -> Vec<Item> {
    let mut v: Vec<Item> = c
        .segments
        .iter()
        .map(|s| Item {
            at_s: s.start_s,
            end_s: Some(s.end_s),
            kind: s.kind.clone(),
            text: s.note.clone(),
        })
        .chain(c.notes.iter().map(|n| Item {
            at_s: n.at_s,
            end_s: None,
            kind: "note".into(),
            text: n.text.clone(),
        }))
        .collect();
    v.sort_by(|a, b| a.at_s.total_cmp(&b.at_s).then(b.end_s.is_some().cmp(&a.end_s.is_some())));
    v
}

/// The recording being adjudicated.
#[derive(Debug, Clone)]
pub struct RecordingState {
    pub case: Case,
    pub snap: Snapshot,
    /// Overview peaks (negative = not known yet).
    pub peaks: Vec<f32>,
    /// The zoom strip's level (`+` / `-`) and its own peaks as they arrive.
    pub zoom: Zoom,
    pub zoom_peaks: ZoomPeaks,
    pub focus: Pane,
    /// Index into the codebook's domains.
    pub domain_sel: usize,
    /// Selected item in each coder's list: `[primary, secondary]`.
    pub item_sel: [usize; 2],
    pub items: [Vec<Item>; 2],
    /// The decisions being made, by domain key.
    pub drafts: BTreeMap<String, Draft>,
    /// Decisions changed since the last save.
    pub dirty: bool,
    /// A save is on its way.
    pub saving: bool,
    /// When (the shell's clock) the decisions last changed and were not autosaved since.
    pub edited_at: Option<u64>,
    /// This supervisor's draft of it is on disk (restored, or autosaved since the last save):
    /// leaving removes it. Another supervisor's draft is never removed, only replaced.
    pub draft_on_disk: bool,
    /// The transcript pane, with the recording's transcript.
    pub tpane: TranscriptPane,
}

impl RecordingState {
    pub fn new(case: Case, book: &Codebook, snap: Snapshot) -> Self {
        let drafts = adjudication::drafts_from(case.existing.as_ref());
        let first = case
            .diffs
            .first()
            .and_then(|d| book.domains.iter().position(|x| x.key == d.domain))
            .unwrap_or(0);
        let items = [items(&case.primary), items(&case.secondary)];
        RecordingState {
            case,
            snap,
            peaks: vec![],
            zoom: Zoom::default(),
            zoom_peaks: ZoomPeaks::default(),
            focus: Pane::Scores,
            domain_sel: first,
            item_sel: [0, 0],
            items,
            drafts,
            dirty: false,
            saving: false,
            edited_at: None,
            draft_on_disk: false,
            tpane: TranscriptPane::default(),
        }
    }

    /// `Tab` (`forward`) or `Shift+Tab`: the next pane (the transcript's only while shown).
    pub fn focus_step(&mut self, forward: bool) {
        let near = self.cue_near_playhead();
        let step = |p: Pane| if forward { p.next() } else { p.prev() };
        self.tpane.step_focus(&mut self.focus, Pane::Transcript, near, step);
    }

    /// Puts back the decisions of an autosaved draft; unsaved when they differ from the file.
    pub fn restore(&mut self, draft: &AdjudicationDraft) {
        self.drafts = adjudication::drafts_from_file(draft);
        self.draft_on_disk = true;
        self.dirty = self.drafts != adjudication::drafts_from(self.case.existing.as_ref());
    }

    pub fn duration_s(&self) -> f64 {
        self.case.duration_s
    }

    /// Moves the playhead now (so repeated keys add up) and asks the player to follow.
    pub fn seek_to(&mut self, t: f64) -> Transport {
        let d = self.duration_s();
        transport::seek(&mut self.snap, d, t)
    }

    /// The zoomed strip's window: the zoom level each side of the playhead.
    pub fn zoom_window(&self) -> (f64, f64) {
        self.zoom.window(self.snap.position_s, self.duration_s())
    }

    /// The zoom tiles still to decode for the strip on show.
    pub fn zoom_tiles(&self) -> Vec<u64> {
        self.zoom_peaks.wanted(self.zoom_window(), self.duration_s())
    }

    pub fn on_overview(&mut self, total: usize, start: usize, peaks: &[f32]) {
        crate::tui::peaks::merge(&mut self.peaks, total, start, peaks);
    }
}

impl Transcribed for RecordingState {
    fn attached(&self) -> Option<&Arc<Transcript>> {
        self.tpane.transcript.as_ref()
    }
    fn playhead_s(&self) -> f64 {
        self.snap.position_s
    }
}
