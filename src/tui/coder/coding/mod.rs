//! The coding screen: header, timeline (overview + zoom), segments, notes, scores and rubric. This
//! module holds its state (the coding being edited, the last playback snapshot, focus and
//! selections, what has been saved); [`update`] handles its keys, prompts, dialogs and mouse, and
//! [`view`](mod@view) draws it. A feature of this screen changes these files, not the app's.
pub mod history;
pub mod rows;
pub mod update;
pub mod view;

use std::sync::Arc;

use crate::audio::Snapshot;
use crate::codebook::Codebook;
use crate::coding::{Coding, Status, Window};
use crate::timefmt::Clock;
use crate::transcript::{Cue, Transcript};
use crate::tui::transport::{self, Transport};
use crate::tui::zoom::{Zoom, ZoomPeaks};
use history::History;

/// The panes `Tab` moves between, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Timeline,
    Segments,
    Notes,
    Scores,
    /// The transcript pane, in the order only while it is shown.
    Transcript,
    /// The logged counts (an instrument with counts): in the segments pane's place.
    Events,
}

impl Pane {
    pub fn next(self) -> Self {
        match self {
            Pane::Timeline => Pane::Segments,
            Pane::Segments => Pane::Notes,
            Pane::Notes => Pane::Scores,
            Pane::Scores => Pane::Transcript,
            Pane::Transcript => Pane::Timeline,
            Pane::Events => Pane::Notes,
        }
    }

    pub fn prev(self) -> Self {
        match self {
            Pane::Timeline => Pane::Transcript,
            Pane::Transcript => Pane::Scores,
            Pane::Segments => Pane::Timeline,
            Pane::Notes => Pane::Segments,
            Pane::Scores => Pane::Notes,
            Pane::Events => Pane::Timeline,
        }
    }
}

/// One row of the scores pane (the items pane of an instrument): the codebook's domains (an
/// instrument's scales) first, as a one-scale codebook shows them, then the checklist,
/// the classifications, the counts (their keys and tallies) and the summaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemRow {
    Scale(usize),
    Check(usize),
    Class(usize),
    Count(usize),
    Summary(usize),
}

/// The rows of the scores pane for `book`, in order.
pub fn item_rows(book: &Codebook) -> Vec<ItemRow> {
    let i = &book.items;
    (0..book.domains.len())
        .map(ItemRow::Scale)
        .chain((0..i.checklist.len()).map(ItemRow::Check))
        .chain((0..i.classifications.len()).map(ItemRow::Class))
        .chain((0..i.counts.len()).map(ItemRow::Count))
        .chain((0..i.summaries.len()).map(ItemRow::Summary))
        .collect()
}

use crate::tui::transcript_pane as tp;
pub use crate::tui::transcript_pane::{Transcribed, TranscriptPane, cue_s};

#[derive(Debug, Clone, PartialEq)]
pub enum SaveState {
    Saved,
    Unsaved,
    Saving,
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct CodingState {
    pub coding: Coding,
    pub duration_s: f64,
    pub snap: Snapshot,
    pub focus: Pane,
    pub seg_sel: usize,
    pub note_sel: usize,
    pub score_sel: usize,
    /// Where `b` was pressed, until `e`.
    pub pending_begin: Option<f64>,
    /// Lines the rubric is scrolled (mouse wheel); back to 0 when another domain is selected.
    pub rubric_scroll: u16,
    /// Overview peaks (negative = not known yet).
    pub peaks: Vec<f32>,
    /// The zoom strip's level (`+` / `-`) and its own peaks as they arrive.
    pub zoom: Zoom,
    pub zoom_peaks: ZoomPeaks,
    /// When the first unsaved edit happened (ms), if any.
    pub dirty_since: Option<u64>,
    /// Listening progress not yet saved.
    pub listen_dirty: bool,
    pub last_save_ms: u64,
    /// Saves sent and not yet answered.
    pub saving: u32,
    pub save_state: SaveState,
    /// The coder asked to leave (`Some(true)`: and quit the app) while something was unsaved:
    /// the screen closes once the last save is confirmed, and asks if it fails
    /// (`coder/leave.rs`).
    pub leaving: Option<bool>,
    /// The edits of this recording since it opened, for undo and redo.
    pub history: History,
    /// The transcript pane, with the recording's transcript.
    pub tpane: TranscriptPane,
    /// A training recording: saved under `coders/<id>/training/`, feedback after submit.
    pub training: bool,
    /// A supervisor's gold draft (`tapecoder gold edit`): submitting sets the recording's gold.
    pub gold: bool,
    /// The codebook has counts: the events pane takes the segments pane's place.
    pub counts: bool,
    /// The selected event in the events pane.
    pub ev_sel: usize,
    /// The coder's reaction-time offset (s): subtracted from the playhead when a count is logged.
    pub reaction_offset_s: f64,
    /// The sampled window the coder codes (`[sampling]`, from their queue), inside the
    /// recording; `None`: the whole recording. Playback, counts and segments keep inside it.
    pub window: Option<Window>,
}

/// A snapshot with finite numbers only: a player is trusted for nothing that could break drawing.
fn sane(mut s: Snapshot, previous_s: f64, duration_s: f64) -> Snapshot {
    if !s.position_s.is_finite() {
        s.position_s = if previous_s.is_finite() { previous_s } else { 0.0 };
    }
    s.position_s = s.position_s.clamp(0.0, duration_s);
    if !s.speed.is_finite() {
        s.speed = 1.0;
    }
    s
}

impl CodingState {
    /// The submitted coding as the disk thread wrote it: saved, and read-only from now on
    /// (nothing left to save or to undo).
    pub fn submitted(&mut self, coding: Coding) {
        self.coding = coding;
        self.save_state = SaveState::Saved;
        self.dirty_since = None;
        self.listen_dirty = false;
        self.history.clear();
    }

    pub fn new(coding: Coding, duration_s: f64, snap: Snapshot) -> Self {
        let duration_s = if duration_s.is_finite() { duration_s.max(0.0) } else { 0.0 };
        CodingState {
            coding,
            duration_s,
            snap: sane(snap, 0.0, duration_s),
            focus: Pane::Timeline,
            seg_sel: 0,
            note_sel: 0,
            score_sel: 0,
            pending_begin: None,
            rubric_scroll: 0,
            peaks: vec![],
            zoom: Zoom::default(),
            zoom_peaks: ZoomPeaks::default(),
            dirty_since: None,
            listen_dirty: false,
            last_save_ms: 0,
            saving: 0,
            save_state: SaveState::Saved,
            leaving: None,
            history: History::default(),
            tpane: TranscriptPane::default(),
            training: false,
            gold: false,
            counts: false,
            ev_sel: 0,
            reaction_offset_s: 0.0,
            window: None,
        }
    }

    /// The state confined to `window` (clamped into the recording; `None`: the whole
    /// recording). The playhead moves inside it; the seek the player must follow, if any.
    pub fn set_window(&mut self, window: Option<Window>) -> Option<Transport> {
        let d = self.duration_s;
        self.window = window.filter(|w| w.start_s.is_finite() && w.end_s.is_finite()).map(|w| {
            let start_s = w.start_s.clamp(0.0, d);
            Window { start_s, end_s: w.end_s.clamp(start_s, d) }
        });
        let (lo, hi) = self.bounds();
        let p = self.snap.position_s;
        (self.window.is_some() && !(lo..=hi).contains(&p)).then(|| self.seek_to(p))
    }

    /// The part of the recording that is coded: the window, or `[0, duration]`.
    pub fn bounds(&self) -> (f64, f64) {
        self.window.map_or((0.0, self.duration_s), |w| (w.start_s, w.end_s))
    }

    /// The window, or the whole recording when there is none.
    pub fn coded(&self) -> Window {
        Window::or_whole(self.window.as_ref(), self.duration_s)
    }

    /// The share (0..=1) of the coded part listened to.
    pub fn listened_share(&self) -> f64 {
        self.coding.listened_fraction_in(&self.coded())
    }

    /// `t` kept inside the coded part.
    pub fn clamp_in(&self, t: f64) -> f64 {
        let (lo, hi) = self.bounds();
        if t.is_finite() { t.clamp(lo, hi) } else { lo }
    }

    /// The state for a coding with `book`'s items: with counts, the events pane shows in the
    /// segments pane's place.
    #[must_use]
    pub fn for_book(mut self, book: &Codebook) -> Self {
        self.counts = !book.items.counts.is_empty();
        if self.counts && self.focus == Pane::Segments {
            self.focus = Pane::Events;
        }
        self
    }

    /// The scores pane's selected row.
    pub fn selected_row(&self, book: &Codebook) -> Option<ItemRow> {
        item_rows(book).get(self.score_sel).copied()
    }

    /// The state with `t` as the recording's transcript: the pane is shown when there is one.
    #[must_use]
    pub fn with_transcript(mut self, t: Option<Transcript>) -> Self {
        self.tpane = tp::open(t);
        self
    }

    /// The cue playing at `s` seconds, if any (a note shows the cue it falls in).
    pub fn cue_at(&self, s: f64) -> Option<&Cue> {
        tp::current(self.tpane.transcript.as_ref(), s).and_then(|i| self.cues().get(i))
    }

    /// The cue selected in the focused transcript pane.
    pub fn selected_cue(&self) -> Option<&Cue> {
        (self.focus == Pane::Transcript).then(|| self.cues().get(self.tpane.sel)).flatten()
    }

    /// `Tab` (`forward`) or `Shift+Tab`: the next pane, the transcript only while it is shown.
    /// Entering the transcript selects the cue at the playhead.
    pub fn focus_step(&mut self, forward: bool) {
        let near = self.cue_near_playhead();
        let counts = self.counts;
        let step = move |p: Pane| {
            let n = if forward { p.next() } else { p.prev() };
            if counts && n == Pane::Segments { Pane::Events } else { n }
        };
        self.tpane.step_focus(&mut self.focus, Pane::Transcript, near, step);
    }

    /// How this recording's times read: `h:mm:ss` everywhere when it is an hour or longer.
    pub fn clock(&self) -> Clock {
        Clock::for_duration(self.duration_s)
    }

    pub fn read_only(&self) -> bool {
        self.coding.status == Status::Submitted
    }

    /// Records an edit made at `now` (ms): saved after the debounce.
    pub fn touch(&mut self, now: u64) {
        self.dirty_since.get_or_insert(now);
        if !matches!(self.save_state, SaveState::Failed(_)) {
            self.save_state = SaveState::Unsaved;
        }
    }

    /// Moves the playhead now (so repeated keys add up) and asks the player to follow.
    pub fn seek_to(&mut self, t: f64) -> Transport {
        let bounds = self.bounds();
        transport::seek_in(&mut self.snap, bounds, t)
    }

    /// A new snapshot: continuous playback since the last one counts as listened (within the
    /// window). Playing up to the window's end pauses there, as at the recording's end: the
    /// requests for the player, if any.
    pub fn on_snapshot(&mut self, s: Snapshot, _now: u64) -> Vec<Transport> {
        let mut s = sane(s, self.snap.position_s, self.duration_s);
        let (lo, hi) = self.bounds();
        if !self.read_only() && self.snap.playing && s.playing {
            let (a, b) = (self.snap.position_s.max(lo), s.position_s.min(hi));
            let max_step = 1.5 * f64::from(s.speed.max(1.0)) + 0.25;
            if b > a
                && s.position_s - self.snap.position_s <= max_step
                && self.coding.record_listened(a, b).is_ok()
            {
                self.listen_dirty = true;
            }
        }
        let mut fx = vec![];
        if self.window.is_some() && s.playing && s.position_s >= hi {
            s.playing = false;
            s.position_s = hi;
            fx = vec![Transport::Pause, Transport::Seek(hi)];
        }
        self.snap = s;
        fx
    }

    pub fn on_overview(&mut self, total: usize, start: usize, peaks: &[f32]) {
        crate::tui::peaks::merge(&mut self.peaks, total, start, peaks);
    }

    /// The zoomed strip's window: the zoom level each side of the playhead, inside the
    /// recording.
    pub fn zoom_window(&self) -> (f64, f64) {
        self.zoom.window(self.snap.position_s, self.duration_s)
    }

    /// The zoom tiles still to decode for the strip on show.
    pub fn zoom_tiles(&self) -> Vec<u64> {
        self.zoom_peaks.wanted(self.zoom_window(), self.duration_s)
    }

    /// The spans of segments of `kind` (the one `b` and `e` tag), with the one being tagged.
    fn tagged_spans(&self, kind: &str) -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = self
            .coding
            .segments
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| (s.start_s, s.end_s))
            .collect();
        if let Some(b) = self.pending_begin {
            let p = self.snap.position_s;
            let p = self.clamp_in(p);
            v.push((b.min(p), b.max(p)));
        }
        v
    }
}

impl Transcribed for CodingState {
    fn attached(&self) -> Option<&Arc<Transcript>> {
        self.tpane.transcript.as_ref()
    }
    fn playhead_s(&self) -> f64 {
        self.snap.position_s
    }
}
