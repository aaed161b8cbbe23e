//! One coder's coding of one recording, and its rules, as pure functions: scores, segments, notes,
//! the behaviour-change share, composites and `can_submit`. No I/O: the study module stores it at
//! `coders/<coder>/codings/<recording>.toml` (text in and out through [`Coding::to_toml`] and
//! [`Coding::from_toml`]).
//!
//! Scores are stored only when the coder chose them: nothing is ever pre-filled. "Not applicable"
//! is not stored either: a domain that requires a segment kind (evocation) is not applicable exactly
//! when the coding has no segment of that kind and the domain is unscored (see
//! [`Coding::score_state`]). A score given without such a segment is kept and shown as a level, and
//! [`Coding::can_submit`] reports it, so nothing the coder typed is silently dropped.
//!
//! Segment policy: a new segment is clamped to the recording `[0, duration]`; its ends may be given
//! in either order. Segments of the **same kind** that overlap or touch the new one are merged into
//! it (their notes joined with "; "), so the segments of one kind are always disjoint and the
//! behaviour-change share is simply their total length. Segments of different kinds may overlap.
//! Segments are kept sorted by start time; notes by their time.
//!
//! A submitted coding is read-only: every edit returns [`CodingError::Submitted`].
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::codebook::{Codebook, line_col};

mod items;
mod window;
pub use items::Event;
pub use window::Window;

/// The schema version written in every coding file.
pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coding {
    pub schema: u32,
    pub recording: String,
    pub coder: String,
    pub codebook: CodebookRef,
    /// sha256 of the audio file this coding was made from.
    pub audio_sha256: String,
    pub status: Status,
    /// RFC 3339 UTC timestamps.
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
    /// Where playback resumes when the coder reopens the recording.
    #[serde(default)]
    pub resume_s: f64,
    /// Disjoint, sorted intervals of media time actually played, `[start_s, end_s]`.
    #[serde(default)]
    pub listened: Vec<[f64; 2]>,
    /// domain key -> chosen level. Absent = unscored.
    #[serde(default)]
    pub scores: BTreeMap<String, u8>,
    /// domain key -> the coder's rationale.
    #[serde(default)]
    pub rationales: BTreeMap<String, String>,
    /// checklist item key -> present (`true`) or absent (`false`). Absent key = not answered.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checklist: BTreeMap<String, bool>,
    /// classification key -> the class the coder chose (classifications derived by rules are
    /// computed from the checklist, never stored).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub classes: BTreeMap<String, String>,
    #[serde(default, rename = "segment")]
    pub segments: Vec<Segment>,
    #[serde(default, rename = "note")]
    pub notes: Vec<Note>,
    /// Behaviour counts logged while listening, in time order (see [`Event`]).
    #[serde(default, rename = "event", skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodebookRef {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    InProgress,
    Submitted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// A segment kind key from the codebook, e.g. `behaviour-change`.
    pub kind: String,
    pub start_s: f64,
    pub end_s: f64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub at_s: f64,
    pub text: String,
    /// Domain keys this note bears on (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
}

/// What a domain's score is, as shown and exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreState {
    Unscored,
    Level(u8),
    NotApplicable,
}

impl ScoreState {
    /// The chosen level, if any.
    pub fn level(self) -> Option<u8> {
        match self {
            Self::Level(l) => Some(l),
            Self::Unscored | Self::NotApplicable => None,
        }
    }

    /// The value as exported (SPEC §8): the level, empty when unscored, `NA` when not applicable.
    pub fn export_value(self) -> String {
        match self {
            Self::Level(l) => l.to_string(),
            Self::Unscored => String::new(),
            Self::NotApplicable => "NA".to_string(),
        }
    }
}

/// The segment kind whose share of the session is reported (SPEC §1).
pub const BEHAVIOUR_CHANGE: &str = "behaviour-change";

/// Below this share of the audio listened to, submitting warns (it does not block).
pub const LISTENED_WARNING_BELOW: f64 = 0.9;

impl CodebookRef {
    /// The reference a coding keeps to the codebook it was made with.
    pub fn of(codebook: &Codebook) -> Self {
        Self {
            id: codebook.id.clone(),
            version: codebook.version.clone(),
            sha256: codebook.sha256.clone(),
        }
    }
}

/// Why an edit to a coding was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CodingError {
    #[error(
        "the coding of recording {recording} by {coder} is submitted and read-only; ask a supervisor if it must change"
    )]
    Submitted { recording: String, coder: String },
    #[error("`{domain}` is not a domain of codebook {codebook}; its domains are: {known}")]
    UnknownDomain { domain: String, codebook: String, known: String },
    #[error("level {level} is outside the scale {min}–{max} of `{domain}`; choose {min} to {max}")]
    LevelOutOfScale { domain: String, level: u8, min: u8, max: u8 },
    #[error("{what} must be a finite time of 0 s or more (got {value})")]
    InvalidTime { what: &'static str, value: f64 },
    #[error(
        "the segment from {start_s:.1} s to {end_s:.1} s is empty within the recording (0–{duration_s:.1} s); mark a start and a later end"
    )]
    EmptySegment { start_s: f64, end_s: f64, duration_s: f64 },
    #[error("segment kind is empty; use a kind from the codebook, e.g. `{BEHAVIOUR_CHANGE}`")]
    EmptyKind,
    #[error("a note needs some text")]
    EmptyNote,
    #[error("there is no {what} number {index} (there are {count})")]
    NoSuchItem { what: &'static str, index: usize, count: usize },
    #[error("`{key}` is not a {what} of this codebook; its {what}s are: {known}")]
    UnknownItem { what: &'static str, key: String, known: String },
    #[error(
        "{label} is derived from the checklist by the codebook's rules; answer the checklist instead"
    )]
    Derived { key: String, label: String },
}

/// Why a coding file could not be read or written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CodingFileError {
    /// Malformed TOML or a wrong field, or a value that breaks a rule, located in the file.
    #[error("{origin}:{line}:{column}: {message}")]
    Invalid { origin: String, line: usize, column: usize, message: String },
    #[error("cannot write the coding of {recording}: {message}")]
    Write { recording: String, message: String },
}

/// Something that stops a coding from being submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubmitProblem {
    /// A scorable domain has no score.
    Unscored {
        domain: String,
        label: String,
    },
    /// A domain that needs a segment kind (evocation) is scored but no such segment is tagged.
    ScoredWithoutSegment {
        domain: String,
        label: String,
        kind: String,
    },
    /// Segments of the needed kind are tagged but the domain (evocation) is not scored.
    MissingWithSegments {
        domain: String,
        label: String,
        kind: String,
    },
    /// A stored score is outside the codebook's scale (a hand-edited file).
    InvalidScore {
        domain: String,
        level: u8,
    },
    /// A score for a domain the codebook does not have (a hand-edited file or another codebook).
    UnknownDomain {
        domain: String,
    },
    /// A checklist item is neither present nor absent yet.
    Unanswered {
        key: String,
        label: String,
    },
    /// A classification the coder chooses has no class chosen.
    Unclassified {
        key: String,
        label: String,
    },
    /// An answer or event for an item the codebook does not have (a hand-edited file).
    UnknownItem {
        key: String,
    },
    AlreadySubmitted,
}

impl std::fmt::Display for SubmitProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unscored { label, .. } => write!(f, "{label} is not scored"),
            Self::ScoredWithoutSegment { label, kind, .. } => write!(
                f,
                "{label} is scored but no {kind} segment is tagged: tag the segments or clear the score"
            ),
            Self::MissingWithSegments { label, kind, .. } => {
                write!(f, "{label} is not scored although {kind} segments are tagged")
            }
            Self::InvalidScore { domain, level } => {
                write!(f, "{domain} has score {level}, which is outside the scale: score it again")
            }
            Self::UnknownDomain { domain } => {
                write!(f, "a score is stored for `{domain}`, which is not in the codebook")
            }
            Self::Unanswered { label, .. } => {
                write!(f, "{label}: mark it present or absent")
            }
            Self::Unclassified { label, .. } => write!(f, "{label}: choose a class"),
            Self::UnknownItem { key } => {
                write!(f, "an answer is stored for `{key}`, which is not in the codebook")
            }
            Self::AlreadySubmitted => write!(f, "this coding is already submitted"),
        }
    }
}

/// Something the coder should know before submitting, which does not block it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SubmitWarning {
    /// Less than [`LISTENED_WARNING_BELOW`] of the audio (of the sampled window, when
    /// `in_window`) was played.
    LittleListened { fraction: f64, in_window: bool },
}

impl std::fmt::Display for SubmitWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::LittleListened { fraction, in_window } => write!(
                f,
                "only {:.0}% of the {} has been listened to",
                (fraction * 100.0).floor(),
                if *in_window { "sampled window" } else { "recording" }
            ),
        }
    }
}

/// The outcome of [`Coding::can_submit`]: problems block submitting, warnings only warn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SubmitCheck {
    pub problems: Vec<SubmitProblem>,
    pub warnings: Vec<SubmitWarning>,
}

impl SubmitCheck {
    /// True when nothing blocks submitting (there may still be warnings).
    pub fn can_submit(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Total length of the union of `intervals`, each clamped to `[lo, hi]`.
fn union_length(intervals: impl Iterator<Item = (f64, f64)>, lo: f64, hi: f64) -> f64 {
    merge_intervals(intervals, lo, hi).iter().fold(0.0, |acc, [a, b]| acc + (b - a))
}

/// Sorted, disjoint union of `intervals` clamped to `[lo, hi]`; touching intervals are joined,
/// empty and non-finite ones dropped.
fn merge_intervals(intervals: impl Iterator<Item = (f64, f64)>, lo: f64, hi: f64) -> Vec<[f64; 2]> {
    let mut v: Vec<(f64, f64)> = intervals
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (a.min(b).max(lo), b.max(a).min(hi)))
        .filter(|(a, b)| b > a)
        .collect();
    v.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(v.len());
    for (a, b) in v {
        match out.last_mut() {
            Some(last) if a <= last[1] => last[1] = last[1].max(b),
            _ => out.push([a, b]),
        }
    }
    out
}

fn check_time(what: &'static str, value: f64) -> Result<f64, CodingError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(CodingError::InvalidTime { what, value })
    }
}

fn unknown_domain(codebook: &Codebook, domain: &str) -> CodingError {
    CodingError::UnknownDomain {
        domain: crate::ids::sanitize_for_terminal(domain).into_owned(),
        codebook: codebook.id.clone(),
        known: codebook.domain_keys().collect::<Vec<_>>().join(", "),
    }
}

impl Coding {
    /// A fresh, empty coding: nothing scored, nothing listened to.
    pub fn new(
        recording: &str,
        coder: &str,
        codebook: CodebookRef,
        audio_sha256: &str,
        now: &str,
    ) -> Self {
        Self {
            schema: SCHEMA,
            recording: recording.to_string(),
            coder: coder.to_string(),
            codebook,
            audio_sha256: audio_sha256.to_string(),
            status: Status::InProgress,
            created_at: now.to_string(),
            updated_at: now.to_string(),
            submitted_at: None,
            resume_s: 0.0,
            listened: Vec::new(),
            scores: BTreeMap::new(),
            rationales: BTreeMap::new(),
            segments: Vec::new(),
            notes: Vec::new(),
            checklist: BTreeMap::new(),
            classes: BTreeMap::new(),
            events: Vec::new(),
        }
    }

    pub fn is_submitted(&self) -> bool {
        self.status == Status::Submitted
    }

    fn editable(&self) -> Result<(), CodingError> {
        if self.is_submitted() {
            Err(CodingError::Submitted {
                recording: self.recording.clone(),
                coder: self.coder.clone(),
            })
        } else {
            Ok(())
        }
    }

    /// Records the time of the latest change (the storage layer calls this when it saves).
    pub fn touch(&mut self, now: &str) -> Result<(), CodingError> {
        self.editable()?;
        self.updated_at = now.to_string();
        Ok(())
    }

    /// Scores `domain` at `level` (within the codebook's scale). A domain that requires a segment
    /// kind may be scored before its segments are tagged; [`Coding::can_submit`] reports it if they
    /// never are.
    pub fn set_score(
        &mut self,
        codebook: &Codebook,
        domain: &str,
        level: u8,
    ) -> Result<(), CodingError> {
        self.editable()?;
        if codebook.domain(domain).is_none() {
            return Err(unknown_domain(codebook, domain));
        }
        let (min, max) = (codebook.scale.min, codebook.scale.max);
        if level < min || level > max {
            return Err(CodingError::LevelOutOfScale {
                domain: domain.to_string(),
                level,
                min,
                max,
            });
        }
        self.scores.insert(domain.to_string(), level);
        Ok(())
    }

    /// Removes the score of `domain` (back to unscored). Clearing an unscored domain is a no-op.
    pub fn clear_score(&mut self, domain: &str) -> Result<(), CodingError> {
        self.editable()?;
        self.scores.remove(domain);
        Ok(())
    }

    /// Sets the coder's rationale for `domain`; blank text removes it.
    pub fn set_rationale(
        &mut self,
        codebook: &Codebook,
        domain: &str,
        text: &str,
    ) -> Result<(), CodingError> {
        self.editable()?;
        if codebook.domain(domain).is_none() {
            return Err(unknown_domain(codebook, domain));
        }
        if text.trim().is_empty() {
            self.rationales.remove(domain);
        } else {
            self.rationales.insert(domain.to_string(), text.to_string());
        }
        Ok(())
    }

    fn has_segment_of(&self, kind: &str) -> bool {
        self.segments.iter().any(|s| s.kind == kind)
    }

    /// Whether `domain` can be given a score now: it is in the codebook, and the segment kind it
    /// needs (if any) is tagged. (A domain that needs talk that never happened is not applicable.)
    pub fn scorable(&self, codebook: &Codebook, domain: &str) -> bool {
        match codebook.domain(domain) {
            None => false,
            Some(d) => d.requires_segment.as_deref().is_none_or(|kind| self.has_segment_of(kind)),
        }
    }

    /// What `domain`'s score is: a level if the coder chose one; not applicable when the domain
    /// needs a segment kind, none is tagged and it is unscored; otherwise unscored.
    pub fn score_state(&self, codebook: &Codebook, domain: &str) -> ScoreState {
        if let Some(level) = self.scores.get(domain) {
            return ScoreState::Level(*level);
        }
        let needs = codebook.domain(domain).and_then(|d| d.requires_segment.as_deref());
        match needs {
            Some(kind) if !self.has_segment_of(kind) => ScoreState::NotApplicable,
            _ => ScoreState::Unscored,
        }
    }

    /// The mean of a composite's domain levels; `None` when the composite is unknown or any of its
    /// domains is unscored or not applicable.
    pub fn composite(&self, codebook: &Codebook, key: &str) -> Option<f64> {
        let composite = codebook.composites.iter().find(|c| c.key == key)?;
        if composite.domains.is_empty() {
            return None;
        }
        let mut sum = 0.0;
        for d in &composite.domains {
            match self.score_state(codebook, d) {
                ScoreState::Level(l) => sum += f64::from(l),
                ScoreState::Unscored | ScoreState::NotApplicable => return None,
            }
        }
        Some(sum / composite.domains.len() as f64)
    }

    /// Tags a segment of `kind` from `start_s` to `end_s` (either order), clamped to the recording
    /// `[0, duration_s]`, merging it with overlapping or touching segments of the same kind.
    /// Returns the index of the resulting segment in [`Coding::segments`].
    pub fn add_segment(
        &mut self,
        kind: &str,
        start_s: f64,
        end_s: f64,
        duration_s: f64,
    ) -> Result<usize, CodingError> {
        self.editable()?;
        if kind.trim().is_empty() {
            return Err(CodingError::EmptyKind);
        }
        let duration = check_time("the recording's duration", duration_s)?;
        if !start_s.is_finite() {
            return Err(CodingError::InvalidTime { what: "the segment start", value: start_s });
        }
        if !end_s.is_finite() {
            return Err(CodingError::InvalidTime { what: "the segment end", value: end_s });
        }
        let (a, b) = if end_s < start_s { (end_s, start_s) } else { (start_s, end_s) };
        let mut start = a.clamp(0.0, duration);
        let mut end = b.clamp(0.0, duration);
        if end <= start {
            return Err(CodingError::EmptySegment { start_s, end_s, duration_s });
        }
        let mut notes: Vec<String> = Vec::new();
        loop {
            let before = self.segments.len();
            let mut kept = Vec::with_capacity(before);
            for s in std::mem::take(&mut self.segments) {
                if s.kind == kind && s.start_s <= end && s.end_s >= start {
                    start = start.min(s.start_s);
                    end = end.max(s.end_s);
                    if !s.note.is_empty() && !notes.contains(&s.note) {
                        notes.push(s.note);
                    }
                } else {
                    kept.push(s);
                }
            }
            self.segments = kept;
            if self.segments.len() == before {
                break;
            }
        }
        let new =
            Segment { kind: kind.to_string(), start_s: start, end_s: end, note: notes.join("; ") };
        self.segments.push(new.clone());
        self.sort_segments();
        Ok(self.segments.iter().position(|s| *s == new).unwrap_or(0))
    }

    fn sort_segments(&mut self) {
        self.segments.sort_by(|x, y| {
            x.start_s
                .total_cmp(&y.start_s)
                .then(x.end_s.total_cmp(&y.end_s))
                .then(x.kind.cmp(&y.kind))
        });
    }

    /// Removes segment `index` and returns it.
    pub fn remove_segment(&mut self, index: usize) -> Result<Segment, CodingError> {
        self.editable()?;
        if index >= self.segments.len() {
            return Err(CodingError::NoSuchItem {
                what: "segment",
                index,
                count: self.segments.len(),
            });
        }
        Ok(self.segments.remove(index))
    }

    /// Sets the note of segment `index` (blank text clears it).
    pub fn set_segment_note(&mut self, index: usize, text: &str) -> Result<(), CodingError> {
        self.editable()?;
        let count = self.segments.len();
        let seg = self.segments.get_mut(index).ok_or(CodingError::NoSuchItem {
            what: "segment",
            index,
            count,
        })?;
        seg.note = text.trim().to_string();
        Ok(())
    }

    /// Moves segment `index` to `start_s`–`end_s` (clamped to the recording; the start must come
    /// before the end), merging it with the segments of its kind it now overlaps or touches, as
    /// [`Coding::add_segment`] does, and keeping its note. Returns its new index. When refused,
    /// the segment stays as it was.
    pub fn set_segment_bounds(
        &mut self,
        index: usize,
        start_s: f64,
        end_s: f64,
        duration_s: f64,
    ) -> Result<usize, CodingError> {
        self.editable()?;
        let count = self.segments.len();
        if index >= count {
            return Err(CodingError::NoSuchItem { what: "segment", index, count });
        }
        if end_s <= start_s {
            return Err(CodingError::EmptySegment { start_s, end_s, duration_s });
        }
        let old = self.segments.remove(index);
        match self.add_segment(&old.kind, start_s, end_s, duration_s) {
            Ok(i) => {
                if let Some(seg) = self.segments.get_mut(i)
                    && !old.note.is_empty()
                    && !seg.note.split("; ").any(|n| n == old.note)
                {
                    seg.note = if seg.note.is_empty() {
                        old.note
                    } else {
                        format!("{}; {}", old.note, seg.note)
                    };
                }
                Ok(i)
            }
            Err(e) => {
                self.segments.insert(index, old);
                Err(e)
            }
        }
    }

    /// Sets the domains note `index` bears on (keys of the codebook's domains; empty: none).
    pub fn set_note_domains(
        &mut self,
        codebook: &Codebook,
        index: usize,
        domains: Vec<String>,
    ) -> Result<(), CodingError> {
        self.editable()?;
        if let Some(d) = domains.iter().find(|d| codebook.domain(d).is_none()) {
            return Err(unknown_domain(codebook, d));
        }
        let count = self.notes.len();
        let note = self.notes.get_mut(index).ok_or(CodingError::NoSuchItem {
            what: "note",
            index,
            count,
        })?;
        note.domains = domains;
        Ok(())
    }

    /// Adds a note at `at_s` (kept in time order) and returns its index in [`Coding::notes`].
    pub fn add_note(
        &mut self,
        at_s: f64,
        text: &str,
        domains: Vec<String>,
    ) -> Result<usize, CodingError> {
        self.editable()?;
        let at_s = check_time("the note's time", at_s)?;
        if text.trim().is_empty() {
            return Err(CodingError::EmptyNote);
        }
        let index = self.notes.partition_point(|n| n.at_s <= at_s);
        self.notes.insert(index, Note { at_s, text: text.to_string(), domains });
        Ok(index)
    }

    /// Removes note `index` and returns it.
    pub fn remove_note(&mut self, index: usize) -> Result<Note, CodingError> {
        self.editable()?;
        if index >= self.notes.len() {
            return Err(CodingError::NoSuchItem { what: "note", index, count: self.notes.len() });
        }
        Ok(self.notes.remove(index))
    }

    /// The share of the session (0..=1) covered by segments of `kind`.
    pub fn share_of(&self, kind: &str, duration_s: f64) -> f64 {
        if !(duration_s.is_finite() && duration_s > 0.0) {
            return 0.0;
        }
        let covered = union_length(
            self.segments.iter().filter(|s| s.kind == kind).map(|s| (s.start_s, s.end_s)),
            0.0,
            duration_s,
        );
        (covered / duration_s).clamp(0.0, 1.0)
    }

    /// The share of the session (0..=1) spent in behaviour-change talk.
    pub fn bc_share(&self, duration_s: f64) -> f64 {
        self.share_of(BEHAVIOUR_CHANGE, duration_s)
    }

    /// Records that media time `from_s..to_s` was played; overlapping and touching intervals are
    /// merged so [`Coding::listened`] stays sorted and disjoint. Empty or invalid intervals are
    /// ignored.
    pub fn record_listened(&mut self, from_s: f64, to_s: f64) -> Result<(), CodingError> {
        self.editable()?;
        let all =
            self.listened.iter().map(|[a, b]| (*a, *b)).chain(std::iter::once((from_s, to_s)));
        self.listened = merge_intervals(all, 0.0, f64::MAX);
        Ok(())
    }

    /// The share of the recording (0..=1) listened to.
    pub fn listened_fraction(&self, duration_s: f64) -> f64 {
        if !(duration_s.is_finite() && duration_s > 0.0) {
            return 0.0;
        }
        let covered = union_length(self.listened.iter().map(|[a, b]| (*a, *b)), 0.0, duration_s);
        (covered / duration_s).clamp(0.0, 1.0)
    }

    /// Where playback resumes next time.
    pub fn set_resume(&mut self, at_s: f64) -> Result<(), CodingError> {
        self.editable()?;
        self.resume_s = check_time("the resume position", at_s)?;
        Ok(())
    }

    /// Every reason the coding cannot be submitted yet, and warnings that do not block it.
    pub fn can_submit(&self, codebook: &Codebook, duration_s: f64) -> SubmitCheck {
        self.can_submit_in(codebook, duration_s, None)
    }

    /// [`Coding::can_submit`] for a recording with a sampled `window`: the listened warning is
    /// about the window's share (the whole recording's without one).
    pub fn can_submit_in(
        &self,
        codebook: &Codebook,
        duration_s: f64,
        window: Option<&Window>,
    ) -> SubmitCheck {
        let mut check = SubmitCheck::default();
        if self.is_submitted() {
            check.problems.push(SubmitProblem::AlreadySubmitted);
        }
        for d in &codebook.domains {
            let scored = self.scores.get(&d.key);
            let label = d.label.clone();
            let domain = d.key.clone();
            match (&d.requires_segment, scored) {
                (Some(kind), Some(_)) if !self.has_segment_of(kind) => {
                    check.problems.push(SubmitProblem::ScoredWithoutSegment {
                        domain,
                        label,
                        kind: kind.clone(),
                    })
                }
                (Some(kind), None) if self.has_segment_of(kind) => check
                    .problems
                    .push(SubmitProblem::MissingWithSegments { domain, label, kind: kind.clone() }),
                (Some(_), None) => {} // not applicable
                (None, None) => check.problems.push(SubmitProblem::Unscored { domain, label }),
                (_, Some(level)) if *level < codebook.scale.min || *level > codebook.scale.max => {
                    check.problems.push(SubmitProblem::InvalidScore { domain, level: *level })
                }
                (_, Some(_)) => {}
            }
        }
        for domain in self.scores.keys() {
            if codebook.domain(domain).is_none() {
                check.problems.push(SubmitProblem::UnknownDomain { domain: domain.clone() });
            }
        }
        self.item_problems(codebook, &mut check.problems);
        let fraction = match window {
            Some(w) => self.listened_fraction_in(w),
            None => self.listened_fraction(duration_s),
        };
        if fraction < LISTENED_WARNING_BELOW {
            check
                .warnings
                .push(SubmitWarning::LittleListened { fraction, in_window: window.is_some() });
        }
        check
    }

    /// Marks the coding submitted (read-only from now on). This is the bare transition: callers
    /// normally use [`Coding::try_submit`], which first checks [`Coding::can_submit`].
    pub fn submit(&mut self, now: &str) -> Result<(), CodingError> {
        self.editable()?;
        self.status = Status::Submitted;
        self.submitted_at = Some(now.to_string());
        self.updated_at = now.to_string();
        Ok(())
    }

    /// Submits only when nothing blocks it; otherwise returns every blocking problem.
    pub fn try_submit(
        &mut self,
        codebook: &Codebook,
        duration_s: f64,
        now: &str,
    ) -> Result<(), Vec<SubmitProblem>> {
        self.try_submit_in(codebook, duration_s, None, now)
    }

    /// [`Coding::try_submit`] for a recording with a sampled `window`.
    pub fn try_submit_in(
        &mut self,
        codebook: &Codebook,
        duration_s: f64,
        window: Option<&Window>,
        now: &str,
    ) -> Result<(), Vec<SubmitProblem>> {
        let check = self.can_submit_in(codebook, duration_s, window);
        if !check.can_submit() {
            return Err(check.problems);
        }
        self.submit(now).map_err(|_| vec![SubmitProblem::AlreadySubmitted])
    }

    /// The coding file's text.
    pub fn to_toml(&self) -> Result<String, CodingFileError> {
        toml::to_string(self).map_err(|e| CodingFileError::Write {
            recording: self.recording.clone(),
            message: e.to_string(),
        })
    }

    /// Reads a coding file's text; `origin` names the file in messages, which carry line:col.
    /// Besides the TOML shape it checks the schema, the ids, and that every time is finite and not
    /// negative and every segment ends after it starts.
    pub fn from_toml(text: &str, origin: &str) -> Result<Coding, CodingFileError> {
        let invalid = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            CodingFileError::Invalid { origin: origin.to_string(), line, column, message }
        };
        let coding: Coding = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let message = e.message().trim().replace('\n', " ");
            invalid(offset, crate::toml_hint::with_hint(&message, text, offset))
        })?;
        let locate = |path: &[PathStep]| locate(text, path).unwrap_or(0);
        if coding.schema != SCHEMA {
            return Err(invalid(
                locate(&[PathStep::Key("schema")]),
                format!(
                    "unsupported coding schema {}; this version of tapecoder reads schema {SCHEMA}",
                    coding.schema
                ),
            ));
        }
        for (key, kind) in [("recording", "recording id"), ("coder", "coder id")] {
            let value = if key == "recording" { &coding.recording } else { &coding.coder };
            if let Err(e) = crate::ids::validate_id(kind, value) {
                return Err(invalid(locate(&[PathStep::Key(key)]), e.to_string()));
            }
        }
        let bad_time = |t: f64| !(t.is_finite() && t >= 0.0);
        if bad_time(coding.resume_s) {
            return Err(invalid(
                locate(&[PathStep::Key("resume_s")]),
                "resume_s must be a time of 0 s or more".into(),
            ));
        }
        for (i, [a, b]) in coding.listened.iter().enumerate() {
            if bad_time(*a) || bad_time(*b) || b < a {
                return Err(invalid(
                    locate(&[PathStep::Key("listened"), PathStep::Index(i)]),
                    format!(
                        "listened interval {} must be [start, end] with 0 <= start <= end",
                        i + 1
                    ),
                ));
            }
        }
        for (i, s) in coding.segments.iter().enumerate() {
            if bad_time(s.start_s) || bad_time(s.end_s) || s.end_s <= s.start_s {
                return Err(invalid(
                    locate(&[PathStep::Key("segment"), PathStep::Index(i)]),
                    format!(
                        "segment {} must have 0 <= start_s < end_s (has {} to {})",
                        i + 1,
                        s.start_s,
                        s.end_s
                    ),
                ));
            }
        }
        for (i, n) in coding.notes.iter().enumerate() {
            if bad_time(n.at_s) {
                return Err(invalid(
                    locate(&[PathStep::Key("note"), PathStep::Index(i)]),
                    format!("note {} must have at_s of 0 s or more", i + 1),
                ));
            }
        }
        for (i, e) in coding.events.iter().enumerate() {
            if bad_time(e.at_s) {
                return Err(invalid(
                    locate(&[PathStep::Key("event"), PathStep::Index(i)]),
                    format!("event {} must have at_s of 0 s or more", i + 1),
                ));
            }
        }
        let mut events = coding.events.clone();
        events.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
        let mut coding = coding;
        coding.events = events;
        Ok(coding)
    }
}

enum PathStep {
    Key(&'static str),
    Index(usize),
}

/// The byte offset of a value in TOML text, for messages about values that parse but break a rule.
fn locate(text: &str, path: &[PathStep]) -> Option<usize> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut offset = doc.span().start;
    let root = DeValue::Table(doc.into_inner());
    let mut current = &root;
    for step in path {
        match (step, current) {
            (PathStep::Key(k), DeValue::Table(t)) => {
                let (key, value) = t.get_key_value(*k)?;
                offset = key.span().start;
                current = value.get_ref();
            }
            (PathStep::Index(i), DeValue::Array(a)) => {
                let value = a.get(*i)?;
                offset = value.span().start;
                current = value.get_ref();
            }
            _ => return None,
        }
    }
    Some(offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook;

    const NOW: &str = "2026-11-22T10:00:00Z";
    const LATER: &str = "2026-11-22T11:00:00Z";

    fn handbook() -> Codebook {
        codebook::parse(include_str!("../codebook/handbook.toml"), "handbook.toml")
            .expect("handbook")
    }

    fn coding() -> Coding {
        let cb = handbook();
        Coding::new("R001", "ana", CodebookRef::of(&cb), "ab12", NOW)
    }

    fn score_all(c: &mut Coding, cb: &Codebook, level: u8) {
        for d in [
            "empathy",
            "collaboration",
            "autonomy",
            "purposefulness",
            "clarity_about_concerns",
            "child_focus",
        ] {
            c.set_score(cb, d, level).expect("score");
        }
    }

    #[test]
    fn new_coding_is_empty_and_in_progress() {
        let cb = handbook();
        let c = coding();
        assert_eq!(c.status, Status::InProgress);
        assert_eq!(c.schema, SCHEMA);
        assert_eq!((c.created_at.as_str(), c.updated_at.as_str()), (NOW, NOW));
        assert!(c.scores.is_empty() && c.segments.is_empty() && c.notes.is_empty());
        assert_eq!(c.codebook.id, "tapecoder-handbook");
        assert_eq!(c.score_state(&cb, "empathy"), ScoreState::Unscored);
        assert_eq!(c.score_state(&cb, "evocation"), ScoreState::NotApplicable);
    }

    #[test]
    fn set_and_clear_scores_within_the_scale() {
        let cb = handbook();
        let mut c = coding();
        c.set_score(&cb, "empathy", 4).expect("4 is on the scale");
        assert_eq!(c.score_state(&cb, "empathy"), ScoreState::Level(4));
        c.set_score(&cb, "empathy", 2).expect("rescore");
        assert_eq!(c.scores.get("empathy"), Some(&2));
        for bad in [0, 6, 255] {
            let err = c.set_score(&cb, "empathy", bad).expect_err("off the scale");
            assert!(matches!(err, CodingError::LevelOutOfScale { min: 1, max: 5, .. }), "{err}");
        }
        assert_eq!(c.scores.get("empathy"), Some(&2), "a refused score changes nothing");
        let err = c.set_score(&cb, "warmth", 3).expect_err("unknown domain");
        assert!(
            err.to_string().contains("`warmth` is not a domain of codebook tapecoder-handbook")
        );
        assert!(err.to_string().contains("empathy, collaboration"));
        c.clear_score("empathy").expect("clear");
        assert_eq!(c.score_state(&cb, "empathy"), ScoreState::Unscored);
    }

    #[test]
    fn evocation_is_not_applicable_only_without_segments_and_unscored() {
        let cb = handbook();
        let mut c = coding();
        assert_eq!(c.score_state(&cb, "evocation"), ScoreState::NotApplicable);
        c.set_score(&cb, "evocation", 3).expect("may be scored before segments");
        assert_eq!(c.score_state(&cb, "evocation"), ScoreState::Level(3));
        c.clear_score("evocation").expect("clear");
        c.add_segment(BEHAVIOUR_CHANGE, 1.0, 2.0, 10.0).expect("segment");
        assert_eq!(c.score_state(&cb, "evocation"), ScoreState::Unscored);
        c.add_segment("other-kind", 3.0, 4.0, 10.0).expect("segment");
        c.remove_segment(0).expect("remove bc");
        assert_eq!(
            c.score_state(&cb, "evocation"),
            ScoreState::NotApplicable,
            "other kinds do not count"
        );
    }

    #[test]
    fn segment_bounds_move_merge_and_keep_notes() {
        let mut c = coding();
        c.add_segment(BEHAVIOUR_CHANGE, 10.0, 20.0, 100.0).expect("segment");
        c.add_segment(BEHAVIOUR_CHANGE, 30.0, 40.0, 100.0).expect("segment");
        c.set_segment_note(0, "first").expect("note");
        c.set_segment_note(1, "second").expect("note");
        assert_eq!(c.set_segment_bounds(0, 12.0, 20.0, 100.0), Ok(0));
        assert_eq!((c.segments[0].start_s, c.segments[0].end_s), (12.0, 20.0));
        let err = c.set_segment_bounds(0, 25.0, 20.0, 100.0).expect_err("start after end");
        assert!(matches!(err, CodingError::EmptySegment { .. }), "{err}");
        assert_eq!((c.segments[0].start_s, c.segments[0].end_s), (12.0, 20.0), "unchanged");
        // Its end moved into the next one: they merge, with both notes.
        assert_eq!(c.set_segment_bounds(0, 12.0, 35.0, 100.0), Ok(0));
        assert_eq!(c.segments.len(), 1);
        assert_eq!((c.segments[0].start_s, c.segments[0].end_s), (12.0, 40.0));
        assert_eq!(c.segments[0].note, "first; second");
        assert_eq!(c.set_segment_bounds(0, 12.0, 500.0, 100.0), Ok(0));
        assert_eq!(c.segments[0].end_s, 100.0, "clamped to the recording");
        assert!(c.set_segment_bounds(3, 1.0, 2.0, 100.0).is_err());
    }

    #[test]
    fn note_domains_are_the_codebooks() {
        let cb = handbook();
        let mut c = coding();
        c.add_note(5.0, "asks about school", vec![]).expect("note");
        c.set_note_domains(&cb, 0, vec!["empathy".into(), "child_focus".into()]).expect("set");
        assert_eq!(c.notes[0].domains, vec!["empathy".to_string(), "child_focus".to_string()]);
        let err = c.set_note_domains(&cb, 0, vec!["warmth".into()]).expect_err("unknown");
        assert!(err.to_string().contains("`warmth` is not a domain"), "{err}");
        assert_eq!(c.notes[0].domains.len(), 2, "a refused change changes nothing");
        assert!(c.set_note_domains(&cb, 1, vec![]).is_err());
    }

    #[test]
    fn score_state_values_for_display_and_export() {
        assert_eq!(ScoreState::Level(3).level(), Some(3));
        assert_eq!(ScoreState::Unscored.level(), None);
        assert_eq!(ScoreState::NotApplicable.level(), None);
        assert_eq!(ScoreState::Level(3).export_value(), "3");
        assert_eq!(ScoreState::Unscored.export_value(), "");
        assert_eq!(ScoreState::NotApplicable.export_value(), "NA");
    }

    #[test]
    fn rationale_set_and_blank_removes() {
        let cb = handbook();
        let mut c = coding();
        c.set_rationale(&cb, "empathy", "many reflections").expect("set");
        assert_eq!(c.rationales.get("empathy").map(String::as_str), Some("many reflections"));
        c.set_rationale(&cb, "empathy", "  ").expect("clear");
        assert!(c.rationales.is_empty());
        assert!(c.set_rationale(&cb, "nope", "x").is_err());
    }

    #[test]
    fn composites_are_means_and_undefined_when_incomplete() {
        let cb = handbook();
        let mut c = coding();
        assert_eq!(c.composite(&cb, "care_and_engagement"), None);
        c.set_score(&cb, "empathy", 2).unwrap();
        c.set_score(&cb, "collaboration", 3).unwrap();
        assert_eq!(c.composite(&cb, "care_and_engagement"), None, "autonomy unscored");
        c.set_score(&cb, "autonomy", 3).unwrap();
        let ce = c.composite(&cb, "care_and_engagement").expect("complete");
        assert!((ce - 8.0 / 3.0).abs() < 1e-12);
        c.set_score(&cb, "purposefulness", 1).unwrap();
        c.set_score(&cb, "clarity_about_concerns", 2).unwrap();
        c.set_score(&cb, "child_focus", 4).unwrap();
        assert_eq!(c.composite(&cb, "good_authority"), Some(7.0 / 3.0));
        assert_eq!(c.composite(&cb, "overall_skill"), Some(12.0 / 5.0));
        assert_eq!(c.composite(&cb, "nonexistent"), None);
    }

    #[test]
    fn composite_with_a_not_applicable_domain_is_undefined() {
        let mut cb = handbook();
        cb.composites.push(codebook::Composite {
            key: "mi".into(),
            label: "MI".into(),
            domains: vec!["empathy".into(), "evocation".into()],
        });
        let mut c = coding();
        c.set_score(&cb, "empathy", 4).unwrap();
        assert_eq!(c.composite(&cb, "mi"), None);
        c.add_segment(BEHAVIOUR_CHANGE, 0.0, 1.0, 10.0).unwrap();
        c.set_score(&cb, "evocation", 2).unwrap();
        assert_eq!(c.composite(&cb, "mi"), Some(3.0));
    }

    #[test]
    fn segments_are_clamped_ordered_and_validated() {
        let mut c = coding();
        let i = c.add_segment(BEHAVIOUR_CHANGE, -5.0, 12.0, 100.0).expect("clamped");
        assert_eq!(i, 0);
        assert_eq!((c.segments[0].start_s, c.segments[0].end_s), (0.0, 12.0));
        c.add_segment(BEHAVIOUR_CHANGE, 120.0, 90.0, 100.0).expect("reversed and clamped");
        assert_eq!((c.segments[1].start_s, c.segments[1].end_s), (90.0, 100.0));
        let i = c.add_segment(BEHAVIOUR_CHANGE, 50.0, 60.0, 100.0).expect("middle");
        assert_eq!(i, 1, "kept sorted by start");
        let empty =
            |r: Result<usize, CodingError>| matches!(r, Err(CodingError::EmptySegment { .. }));
        let invalid =
            |r: Result<usize, CodingError>| matches!(r, Err(CodingError::InvalidTime { .. }));
        assert!(empty(c.add_segment(BEHAVIOUR_CHANGE, 5.0, 5.0, 100.0)));
        assert!(empty(c.add_segment(BEHAVIOUR_CHANGE, 150.0, 160.0, 100.0)));
        assert!(invalid(c.add_segment(BEHAVIOUR_CHANGE, f64::NAN, 1.0, 100.0)));
        assert!(invalid(c.add_segment(BEHAVIOUR_CHANGE, 0.0, f64::INFINITY, 100.0)));
        assert!(invalid(c.add_segment(BEHAVIOUR_CHANGE, 0.0, 1.0, f64::NAN)));
        assert!(matches!(c.add_segment(" ", 0.0, 1.0, 10.0), Err(CodingError::EmptyKind)));
        assert_eq!(c.segments.len(), 3, "refused segments change nothing");
    }

    #[test]
    fn overlapping_and_touching_segments_of_one_kind_merge() {
        let mut c = coding();
        c.add_segment(BEHAVIOUR_CHANGE, 10.0, 20.0, 100.0).unwrap();
        c.set_segment_note(0, "first").unwrap();
        c.add_segment(BEHAVIOUR_CHANGE, 30.0, 40.0, 100.0).unwrap();
        c.set_segment_note(1, "second").unwrap();
        c.add_segment("other", 15.0, 35.0, 100.0).unwrap();
        assert_eq!(c.segments.len(), 3, "different kinds overlap freely");
        let i = c.add_segment(BEHAVIOUR_CHANGE, 20.0, 30.0, 100.0).expect("bridges both");
        let bc: Vec<&Segment> = c.segments.iter().filter(|s| s.kind == BEHAVIOUR_CHANGE).collect();
        assert_eq!(bc.len(), 1);
        assert_eq!((bc[0].start_s, bc[0].end_s), (10.0, 40.0));
        assert_eq!(bc[0].note, "first; second");
        assert_eq!(c.segments[i].kind, BEHAVIOUR_CHANGE);
        assert_eq!(c.segments.len(), 2);
        c.add_segment(BEHAVIOUR_CHANGE, 12.0, 18.0, 100.0).unwrap();
        assert_eq!(c.segments.len(), 2, "contained segment is absorbed");
    }

    #[test]
    fn remove_segment_and_notes_by_index() {
        let mut c = coding();
        c.add_segment(BEHAVIOUR_CHANGE, 1.0, 2.0, 10.0).unwrap();
        assert!(matches!(
            c.remove_segment(3),
            Err(CodingError::NoSuchItem { what: "segment", index: 3, count: 1 })
        ));
        assert_eq!(c.remove_segment(0).expect("removed").start_s, 1.0);
        assert!(c.segments.is_empty());
        assert_eq!(c.add_note(30.0, "later", vec![]).unwrap(), 0);
        assert_eq!(c.add_note(10.0, "earlier", vec!["empathy".into()]).unwrap(), 0);
        assert_eq!(c.add_note(30.0, "same time, after", vec![]).unwrap(), 2);
        let texts: Vec<&str> = c.notes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["earlier", "later", "same time, after"]);
        assert!(matches!(c.add_note(1.0, "  ", vec![]), Err(CodingError::EmptyNote)));
        assert!(matches!(c.add_note(-1.0, "x", vec![]), Err(CodingError::InvalidTime { .. })));
        assert_eq!(c.remove_note(1).expect("removed").text, "later");
        assert!(c.remove_note(2).is_err());
        assert!(c.set_segment_note(0, "x").is_err());
    }

    #[test]
    fn bc_share_is_the_union_over_the_duration() {
        let mut c = coding();
        assert_eq!(c.bc_share(100.0), 0.0);
        c.add_segment(BEHAVIOUR_CHANGE, 10.0, 20.0, 100.0).unwrap();
        c.add_segment(BEHAVIOUR_CHANGE, 50.0, 75.0, 100.0).unwrap();
        c.add_segment("other", 0.0, 100.0, 100.0).unwrap();
        assert!((c.bc_share(100.0) - 0.35).abs() < 1e-12);
        // A hand-edited file with overlapping segments still counts time once.
        c.segments.push(Segment {
            kind: BEHAVIOUR_CHANGE.into(),
            start_s: 15.0,
            end_s: 25.0,
            note: String::new(),
        });
        assert!((c.bc_share(100.0) - 0.40).abs() < 1e-12);
        assert_eq!(c.bc_share(0.0), 0.0);
        assert_eq!(c.bc_share(f64::NAN), 0.0);
        assert_eq!(c.bc_share(30.0), 0.5, "clamped to a shorter duration");
        assert_eq!(c.bc_share(5.0).to_bits(), 0.0f64.to_bits(), "no negative zero");
    }

    #[test]
    fn listened_intervals_merge() {
        let mut c = coding();
        c.record_listened(10.0, 20.0).unwrap();
        c.record_listened(30.0, 40.0).unwrap();
        c.record_listened(20.0, 30.0).unwrap();
        assert_eq!(c.listened, vec![[10.0, 40.0]]);
        c.record_listened(50.0, 45.0).unwrap();
        assert_eq!(c.listened, vec![[10.0, 40.0], [45.0, 50.0]], "reversed ends are ordered");
        c.record_listened(5.0, 5.0).unwrap();
        c.record_listened(f64::NAN, 5.0).unwrap();
        c.record_listened(-3.0, 1.0).unwrap();
        assert_eq!(c.listened, vec![[0.0, 1.0], [10.0, 40.0], [45.0, 50.0]]);
        assert!((c.listened_fraction(100.0) - 0.36).abs() < 1e-12);
        assert_eq!(c.listened_fraction(20.0), 0.55);
        assert_eq!(c.listened_fraction(0.0), 0.0);
    }

    #[test]
    fn can_submit_reports_every_problem_and_warns_on_listening() {
        let cb = handbook();
        let mut c = coding();
        let check = c.can_submit(&cb, 100.0);
        assert!(!check.can_submit());
        assert_eq!(check.problems.len(), 6, "evocation is not applicable: {:?}", check.problems);
        assert!(check.problems.iter().all(|p| matches!(p, SubmitProblem::Unscored { .. })));
        assert_eq!(check.problems[0].to_string(), "Empathy is not scored");
        assert_eq!(
            check.warnings,
            vec![SubmitWarning::LittleListened { fraction: 0.0, in_window: false }]
        );

        score_all(&mut c, &cb, 3);
        c.record_listened(0.0, 95.0).unwrap();
        let check = c.can_submit(&cb, 100.0);
        assert!(check.can_submit(), "{:?}", check.problems);
        assert!(check.warnings.is_empty());

        c.set_score(&cb, "evocation", 2).unwrap();
        let check = c.can_submit(&cb, 100.0);
        assert!(matches!(
            &check.problems[..],
            [SubmitProblem::ScoredWithoutSegment { domain, .. }] if domain == "evocation"
        ));
        assert!(
            check.problems[0]
                .to_string()
                .contains("Evocation is scored but no behaviour-change segment")
        );

        c.clear_score("evocation").unwrap();
        c.add_segment(BEHAVIOUR_CHANGE, 1.0, 5.0, 100.0).unwrap();
        c.clear_score("empathy").unwrap();
        c.scores.insert("autonomy".into(), 9);
        c.scores.insert("ghost".into(), 3);
        let check = c.can_submit(&cb, 200.0);
        let texts: Vec<String> = check.problems.iter().map(ToString::to_string).collect();
        assert_eq!(check.problems.len(), 4, "{texts:?}");
        assert!(
            matches!(&check.problems[0], SubmitProblem::Unscored { domain, .. } if domain == "empathy")
        );
        assert!(matches!(check.problems[1], SubmitProblem::InvalidScore { level: 9, .. }));
        assert!(matches!(
            &check.problems[2],
            SubmitProblem::MissingWithSegments { domain, .. } if domain == "evocation"
        ));
        assert!(
            matches!(&check.problems[3], SubmitProblem::UnknownDomain { domain } if domain == "ghost")
        );
        assert_eq!(check.warnings[0].to_string(), "only 47% of the recording has been listened to");
    }

    #[test]
    fn submitted_codings_refuse_every_edit() {
        let cb = handbook();
        let mut c = coding();
        score_all(&mut c, &cb, 3);
        c.add_segment(BEHAVIOUR_CHANGE, 1.0, 2.0, 10.0).unwrap();
        c.add_note(1.0, "n", vec![]).unwrap();
        assert!(c.try_submit(&cb, 10.0, LATER).is_err(), "evocation missing with segments");
        assert!(!c.is_submitted());
        c.set_score(&cb, "evocation", 4).unwrap();
        c.try_submit(&cb, 10.0, LATER).expect("complete coding submits despite the warning");
        assert!(c.is_submitted());
        assert_eq!(c.submitted_at.as_deref(), Some(LATER));
        assert_eq!(c.updated_at, LATER);
        let before = c.clone();
        let refused = |r: Result<(), CodingError>| matches!(r, Err(CodingError::Submitted { .. }));
        assert!(refused(c.set_score(&cb, "empathy", 5)));
        assert!(refused(c.clear_score("empathy")));
        assert!(refused(c.set_rationale(&cb, "empathy", "x")));
        assert!(refused(c.add_segment(BEHAVIOUR_CHANGE, 3.0, 4.0, 10.0).map(|_| ())));
        assert!(refused(c.remove_segment(0).map(|_| ())));
        assert!(refused(c.set_segment_note(0, "x")));
        assert!(refused(c.add_note(2.0, "x", vec![]).map(|_| ())));
        assert!(refused(c.remove_note(0).map(|_| ())));
        assert!(refused(c.record_listened(0.0, 5.0)));
        assert!(refused(c.set_resume(3.0)));
        assert!(refused(c.touch(NOW)));
        assert!(refused(c.submit(NOW)));
        assert_eq!(c, before, "nothing changed");
        assert_eq!(c.can_submit(&cb, 10.0).problems, vec![SubmitProblem::AlreadySubmitted]);
        assert_eq!(c.try_submit(&cb, 10.0, NOW), Err(vec![SubmitProblem::AlreadySubmitted]));
        let msg = c.set_score(&cb, "empathy", 5).expect_err("refused").to_string();
        assert!(msg.contains("R001") && msg.contains("ana") && msg.contains("read-only"), "{msg}");
    }

    #[test]
    fn toml_round_trip_and_located_errors() {
        let cb = handbook();
        let mut c = coding();
        score_all(&mut c, &cb, 3);
        c.set_rationale(&cb, "empathy", "said \"I see\"\nmany times — ünïcode").unwrap();
        c.add_segment(BEHAVIOUR_CHANGE, 10.0, 20.5, 100.0).unwrap();
        c.add_note(12.25, "good 'reflection'", vec!["empathy".into()]).unwrap();
        c.record_listened(0.0, 50.0).unwrap();
        c.set_resume(49.9).unwrap();
        let text = c.to_toml().expect("writes");
        assert_eq!(Coding::from_toml(&text, "c.toml").expect("reads"), c);

        let bad = text.replace("status = \"in_progress\"", "status = \"done\"");
        let err = Coding::from_toml(&bad, "c.toml").expect_err("bad status");
        assert!(err.to_string().starts_with("c.toml:5:10: unknown variant `done`"), "{err}");
        let bad = text.replace("schema = 1\n", "schema = 1\ncolour = 1\n");
        let err = Coding::from_toml(&bad, "c.toml").expect_err("unknown");
        assert!(err.to_string().starts_with("c.toml:2:1: unknown field `colour`"), "{err}");
        let bad = text.replace("end_s = 20.5", "end_s = 2.5");
        let err = Coding::from_toml(&bad, "c.toml").expect_err("bad segment");
        let seg_line = text.lines().position(|l| l == "[[segment]]").expect("segment table") + 1;
        assert!(err.to_string().starts_with(&format!("c.toml:{seg_line}:")), "{err}");
        assert!(err.to_string().contains("segment 1 must have 0 <= start_s < end_s"), "{err}");
        let bad = text.replace("coder = \"ana\"", "coder = \"../x\"");
        let err = Coding::from_toml(&bad, "c.toml").expect_err("bad id");
        assert!(err.to_string().starts_with("c.toml:3:1: coder id `../x`"), "{err}");
        let err = Coding::from_toml(&text.replace("schema = 1", "schema = 7"), "c.toml")
            .expect_err("schema");
        assert!(err.to_string().contains("c.toml:1:1: unsupported coding schema 7"), "{err}");
        let err = Coding::from_toml(&text.replace("resume_s = 49.9", "resume_s = -1.0"), "c.toml")
            .expect_err("resume");
        assert!(err.to_string().contains("resume_s must be"), "{err}");
        assert!(Coding::from_toml("schema = ", "c.toml").is_err());
        assert!(Coding::from_toml("", "c.toml").is_err());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        const DOMAINS: [&str; 7] = [
            "empathy",
            "collaboration",
            "autonomy",
            "evocation",
            "purposefulness",
            "clarity_about_concerns",
            "child_focus",
        ];

        fn time() -> impl Strategy<Value = f64> {
            prop_oneof![0.0..7200.0f64, (0u32..7200).prop_map(f64::from), Just(0.0)]
        }

        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                "[a-z \"'\\\\\n\t]{0,20}",
                Just("\"\"\"triple\"\"\" and '''single'''".to_string()),
                Just("line\r\nbreak\rcr".to_string()),
            ]
        }

        fn domain() -> impl Strategy<Value = &'static str> {
            proptest::sample::select(&DOMAINS[..])
        }

        prop_compose! {
            fn arb_coding()(
                scores in proptest::collection::btree_map(domain(), 1u8..=5, 0..7),
                rationales in proptest::collection::btree_map(domain(), text(), 0..7),
                segs in proptest::collection::vec((time(), time(), text()), 0..6),
                notes in proptest::collection::vec(
                    (time(), text(), proptest::collection::vec(domain(), 0..3)),
                    0..6,
                ),
                listened in proptest::collection::vec((time(), time()), 0..6),
                resume in time(),
                submitted in any::<bool>(),
            ) -> Coding {
                let cb = handbook();
                let mut c = Coding::new("R1", "c_1", CodebookRef::of(&cb), "00ff", NOW);
                for (d, l) in scores {
                    c.set_score(&cb, d, l).expect("valid score");
                }
                for (d, t) in rationales {
                    c.rationales.insert(d.to_string(), t);
                }
                for (a, b, note) in segs {
                    if let Ok(i) = c.add_segment(BEHAVIOUR_CHANGE, a, b, 7200.0) {
                        c.segments[i].note = note;
                    }
                }
                for (at_s, text, ds) in notes {
                    let domains = ds.into_iter().map(String::from).collect();
                    c.notes.push(Note { at_s, text, domains });
                }
                for (a, b) in listened {
                    c.record_listened(a, b).expect("in progress");
                }
                c.resume_s = resume;
                if submitted {
                    c.submit(LATER).expect("submit");
                }
                c
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(128))]

            #[test]
            fn to_toml_from_toml_is_lossless(c in arb_coding()) {
                let text = c.to_toml().expect("serialises");
                let back = Coding::from_toml(&text, "p.toml").expect("parses back");
                prop_assert_eq!(back, c);
            }

            #[test]
            fn bc_share_is_bounded_and_order_invariant(
                segs in proptest::collection::vec((-100.0..8000.0f64, -100.0..8000.0f64), 0..10),
                duration in 1.0..7200.0f64,
            ) {
                let mut c = coding();
                for (a, b) in &segs {
                    let _ = c.add_segment(BEHAVIOUR_CHANGE, *a, *b, duration);
                }
                let share = c.bc_share(duration);
                prop_assert!((0.0..=1.0).contains(&share));
                let mut reversed = coding();
                for (a, b) in segs.iter().rev() {
                    let _ = reversed.add_segment(BEHAVIOUR_CHANGE, *a, *b, duration);
                }
                prop_assert!((reversed.bc_share(duration) - share).abs() < 1e-9);
                prop_assert_eq!(&reversed.segments, &c.segments, "merging is order independent");
                // Raw, unmerged, reordered segments give the same share as well.
                let mut raw = coding();
                raw.segments = c.segments.iter().rev().cloned().collect();
                prop_assert!((raw.bc_share(duration) - share).abs() < 1e-9);
                for w in c.segments.windows(2) {
                    prop_assert!(w[0].end_s < w[1].start_s, "same-kind segments are disjoint, sorted");
                }
            }

            #[test]
            fn listened_stays_sorted_and_disjoint(
                ivs in proptest::collection::vec((0.0..100.0f64, 0.0..100.0f64), 0..12),
            ) {
                let mut c = coding();
                for (a, b) in ivs {
                    c.record_listened(a, b).expect("in progress");
                }
                for w in c.listened.windows(2) {
                    prop_assert!(w[0][1] < w[1][0]);
                }
                prop_assert!((0.0..=1.0).contains(&c.listened_fraction(100.0)));
            }
        }
    }
}
