//! The shapes of the study folder's files. `study.toml` carries the folder layout's version
//! ([`STUDY_SCHEMA`]); every other file carries its own format's version ([`SCHEMA`]).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The format version of every study file except `study.toml` (unchanged by the layout's move).
pub const SCHEMA: u32 = 1;
/// `study.toml`'s `schema`: the version of the folder layout. 1 = shared `queues/`, `codings/`
/// and `journal/` folders; 2 = one folder per coder (`coders/<id>/`) and `supervisor/journal/`.
pub const STUDY_SCHEMA: u32 = 2;
/// The layout [`crate::study::migrate`] migrates from.
pub const LEGACY_STUDY_SCHEMA: u32 = 1;

/// `study.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyConfig {
    pub schema: u32,
    pub name: String,
    /// The study's first instrument (the default of `import`), relative to the study folder, or
    /// absolute.
    pub codebook: String,
    /// Further instruments (codebook files, same rules) a recording may be coded with: `import
    /// --instrument ID` picks one per recording.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instruments: Vec<String>,
    /// The sha256 fingerprint of the founding supervisor's public key, pinned at `init`: the root
    /// of trust for every signed change to coders.toml.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founder: Option<String>,
    #[serde(default)]
    pub double_coding: DoubleCoding,
    #[serde(default)]
    pub reliability: ReliabilityConfig,
    #[serde(default)]
    pub final_scores: FinalScores,
    #[serde(default)]
    pub audio: AudioConfig,
    #[serde(default, skip_serializing_if = "DriftConfig::is_default")]
    pub drift: DriftConfig,
    #[serde(default, skip_serializing_if = "TrainingConfig::is_default")]
    pub training: TrainingConfig,
    #[serde(default, skip_serializing_if = "SamplingConfig::is_default")]
    pub sampling: SamplingConfig,
}

/// `[sampling]`: code a reproducible random window of every recording (MITI practice codes a
/// 20-minute window), planned at `assign` by [`crate::study::sampling`].
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingConfig {
    /// The window's length in minutes; none: every recording is coded whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_minutes: Option<f64>,
}

impl SamplingConfig {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The window's length in seconds, when sampling is on.
    pub fn window_s(&self) -> Option<f64> {
        self.window_minutes.filter(|m| m.is_finite() && *m > 0.0).map(|m| m * 60.0)
    }
}

/// `[drift]`: the CUSUM that flags a coder drifting from gold on drift probes
/// ([`crate::stats::drift`]; the defaults are calibrated there).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftConfig {
    /// Allowance: half the bias to detect, in score points.
    #[serde(default = "default_k")]
    pub k: f64,
    /// Decision interval: a sum at or above it flags the domain.
    #[serde(default = "default_h")]
    pub h: f64,
}

fn default_k() -> f64 {
    crate::stats::drift::Cusum::default().k
}
fn default_h() -> f64 {
    crate::stats::drift::Cusum::default().h
}

impl Default for DriftConfig {
    fn default() -> Self {
        Self { k: default_k(), h: default_h() }
    }
}

impl DriftConfig {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// `[training]`: calibration before live coding.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingConfig {
    /// `assign` gives live recordings only to coders certified on the study's codebook.
    #[serde(default)]
    pub require_certification: bool,
}

impl TrainingConfig {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// `[audio]`: where to look for recordings whose file is not where recordings.toml says.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AudioConfig {
    /// Folders (relative to the study, absolute, or `~/…`) searched by file name and sha256.
    #[serde(default)]
    pub search: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoubleCoding {
    pub fraction: f64,
    pub seed: u64,
}

impl Default for DoubleCoding {
    fn default() -> Self {
        Self { fraction: 0.2, seed: 1 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReliabilityConfig {
    pub tolerance: u8,
}

impl Default for ReliabilityConfig {
    fn default() -> Self {
        Self { tolerance: 1 }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinalScores {
    pub rule: FinalRule,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalRule {
    Primary,
    Mean,
    /// The adjudicated score where there is one, else the primary coder's (the default: a study
    /// made before this default keeps the `rule` its study.toml names).
    #[default]
    Adjudicated,
}

/// `coders.toml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodersFile {
    pub schema: u32,
    #[serde(default, rename = "coder")]
    pub coders: Vec<Coder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coder {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The coder's public signing key, `ed25519:<hex>` (see [`crate::identity`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Coder,
    Supervisor,
}

/// `recordings.toml`. Holds no study variables: coders may read it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingsFile {
    pub schema: u32,
    #[serde(default, rename = "recording")]
    pub recordings: Vec<Recording>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recording {
    /// Opaque id: R001, R002, …
    pub id: String,
    /// Relative to the study folder, or absolute.
    pub file: String,
    pub sha256: String,
    pub duration_s: f64,
    /// The id of the instrument this recording is coded with; absent: the study's first
    /// (`codebook` in study.toml).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
}

/// `coders/<coder>/queue.toml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueFile {
    pub schema: u32,
    pub coder: String,
    pub recordings: Vec<String>,
    /// Training recordings (a calibration set), coded apart from live work: the coder knows
    /// these are training and sees feedback against gold after submitting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub training: Vec<String>,
    /// The calibration sets these training recordings came from, as `calibration assign` copied
    /// them (the pass rule, for the coder's feedback).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calibration: Vec<super::calibration::CalibrationSet>,
    /// recording id -> the sampled window the coder codes (`[sampling]`; none: the whole
    /// recording). The same window as supervisor/assignments.toml's for every coder.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub windows: BTreeMap<String, crate::coding::Window>,
}

/// `supervisor/metadata.toml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataFile {
    pub schema: u32,
    #[serde(default, rename = "recording")]
    pub recordings: Vec<RecordingMeta>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingMeta {
    pub id: String,
    /// The coder id of whoever observed the visit (never assigned it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observer: Option<String>,
    /// Free study variables: arm, site, worker, …
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

/// `supervisor/assignments.toml`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentsFile {
    pub schema: u32,
    #[serde(default, rename = "recording")]
    pub recordings: Vec<Assignment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub id: String,
    /// First = primary; second = secondary when `double_coded`. Any further coder (or a second
    /// coder of a single-coded recording) is an additional coder, e.g. a coder in training: their
    /// codings are kept and exported but never enter reliability, adjudication or final scores.
    pub coders: Vec<String>,
    pub double_coded: bool,
    /// The sampled window every coder of the recording codes (`[sampling]`), planned once at
    /// `assign` and never moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<crate::coding::Window>,
}

/// A coder's place on a recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Primary,
    Secondary,
    /// Coded for training or calibration: outside reliability, adjudication and final scores.
    Additional,
}

impl Slot {
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Primary => "primary",
            Slot::Secondary => "secondary",
            Slot::Additional => "additional",
        }
    }
}

impl Assignment {
    /// The coders whose codings count for the study: the primary, and the secondary when the
    /// recording is double-coded.
    pub fn study_coders(&self) -> &[String] {
        let n = if self.double_coded { 2 } else { 1 };
        &self.coders[..self.coders.len().min(n)]
    }

    /// `coder`'s slot on this recording, if assigned.
    pub fn slot_of(&self, coder: &str) -> Option<Slot> {
        match self.coders.iter().position(|c| c == coder)? {
            0 => Some(Slot::Primary),
            1 if self.double_coded => Some(Slot::Secondary),
            _ => Some(Slot::Additional),
        }
    }
}

/// `supervisor/adjudications/<recording>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adjudication {
    pub schema: u32,
    pub recording: String,
    pub supervisor: String,
    /// RFC 3339 UTC.
    pub decided_at: String,
    #[serde(default, rename = "decision")]
    pub decisions: Vec<Decision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub domain: String,
    pub final_score: u8,
    pub reason: String,
    /// The submitted scores it settles: coder id -> score.
    #[serde(default)]
    pub coder_scores: BTreeMap<String, u8>,
}

/// `supervisor/drafts/<recording>.toml`: a supervisor's adjudication while it is being made,
/// autosaved so that a crash loses nothing; removed once the adjudication is saved. Not
/// journalled (like a coder's autosaves), supervisor-only like everything in `supervisor/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjudicationDraft {
    pub schema: u32,
    pub recording: String,
    pub supervisor: String,
    #[serde(default, rename = "decision")]
    pub decisions: Vec<DraftDecision>,
}

/// One domain of an [`AdjudicationDraft`]: a score or a reason may still be missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftDecision {
    pub domain: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_score: Option<u8>,
    #[serde(default)]
    pub reason: String,
}

/// One line of a journal (`coders/<id>/journal.jsonl` or `supervisor/journal/<id>.jsonl`):
/// `{"seq":…,"at":…,"actor":…,"event":{"kind":…},"prev":…,"sig":…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalEntry {
    pub seq: u64,
    pub at: String,
    pub actor: String,
    pub event: Event,
    /// sha256 of the previous journal line's bytes (without its newline); all zeros for the first.
    pub prev: String,
    /// The actor's ed25519 signature (hex) of the line without this field (see
    /// [`crate::study::journal::signed_line`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

/// A file an event saved or saw: its study-relative path and the sha256 of its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileHash {
    pub path: String,
    pub sha256: String,
}

impl FileHash {
    pub fn new(path: impl Into<String>, sha256: impl Into<String>) -> Self {
        Self { path: path.into(), sha256: sha256.into() }
    }
}

/// What a journal line records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// A supervisor registered a coder (or the founding supervisor registered themself); `file` is
    /// coders.toml as saved.
    CoderAdded { id: String, name: String, role: Role, key: String, file: FileHash },
    /// A supervisor registered recordings; `file` is recordings.toml as saved.
    Import { file: FileHash },
    /// A supervisor saved the assignments; `file` is supervisor/assignments.toml.
    Assign { file: FileHash },
    /// A supervisor added drift probes; `file` is supervisor/probes.toml as saved.
    Probes { file: FileHash },
    /// A supervisor attached a recording's transcript; `file` is transcripts/<recording>.toml.
    Transcript { file: FileHash },
    /// A supervisor removed a recording's transcript; `file` is the removed file as it was.
    TranscriptDetached { file: FileHash },
    /// About to save `file` for `action` (written before the file; the matching commit after it).
    Intent { action: Action, file: FileHash },
    /// A coder's coding, submitted and durably saved.
    Submit { file: FileHash },
    /// An adjudication, durably saved.
    Adjudicate { file: FileHash },
    /// A gold (reference) coding, durably saved (`supervisor/gold/<recording>.toml`).
    Gold { file: FileHash },
    /// A calibration set, durably saved (`supervisor/calibration/<name>.toml`).
    Calibration { file: FileHash },
    /// A calibration set put in a coder's queue: `files` are the queue and the feedback copies of
    /// the gold codings written into the coder's folder (`coders/<id>/training/gold/`).
    CalibrationAssign { coder: String, set: String, files: Vec<FileHash> },
    /// Submitted codings a supervisor has seen for the first time (their receipt).
    Receipts { codings: Vec<FileHash> },
    /// A supervisor moved a schema-1 study to the current layout (`file` is the new study.toml):
    /// they vouch for the unsigned lines written before signed identities, `journals` (each
    /// journal's new path and the sha256 of those lines), and for the coders registered then
    /// without a key, `keyless` (who must have a key registered before they act).
    Migrate { file: FileHash, journals: Vec<FileHash>, keyless: Vec<String> },
    /// A line written before signed identities (schema-1 studies), as read; never written.
    Legacy { event: String },
}

/// What an [`Event::Intent`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    Adjudicate,
    Gold,
    Calibration,
}
