//! One coder's coding of one recording, and its rules, as pure functions: scores, segments, notes,
//! the behaviour-change share, composites and `can_submit`. No I/O: the study module stores it at
//! `codings/<coder>/<recording>.toml`.
//!
//! Scores are stored only when the coder chose them: nothing is ever pre-filled. "Not applicable"
//! is not stored either: a domain that requires a segment kind (evocation) is not applicable exactly
//! when the coding has no segment of that kind (see [`Coding::score_state`]).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The schema version written in every coding file.
pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(default, rename = "segment")]
    pub segments: Vec<Segment>,
    #[serde(default, rename = "note")]
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct Segment {
    /// A segment kind key from the codebook, e.g. `behaviour-change`.
    pub kind: String,
    pub start_s: f64,
    pub end_s: f64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
