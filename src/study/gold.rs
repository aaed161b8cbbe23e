//! Gold (reference) codings (issue #13): `supervisor/gold/<recording>.toml`, a recording's coding
//! as the study's supervisors settled it — scores, rationales, segments and notes — with its
//! provenance (`source = "coder:ana"`, `"adjudicated"` or `"written"`, who set it, when).
//!
//! Written only by supervisors, atomically, with a signed intent line before and a signed `gold`
//! line (path and sha256) after, like an adjudication; `verify` checks every gold file against
//! the latest of its lines. Coders never read `supervisor/gold/`: the feedback copies that
//! `calibration assign` writes into a coder's folder are [`feedback_copy`]s of these.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{Action, Adjudication, Event, SCHEMA};
use super::{Study, StudyError, check_schema, files, toml_stems};
use crate::coding::{CodebookRef, Coding, Note, Segment, Status};

/// The provenance of a gold coding made from an adjudication.
pub const ADJUDICATED: &str = "adjudicated";
/// The provenance of a gold coding its supervisor wrote in the TUI (`tapecoder gold edit`).
pub const WRITTEN: &str = "written";

/// `supervisor/gold/<recording>.toml` (and its feedback copy in a coder's training folder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoldCoding {
    pub schema: u32,
    pub recording: String,
    /// Where it came from: `coder:<id>` (that coder's submitted coding), `adjudicated`, or
    /// `written` (by `set_by`, in the TUI).
    pub source: String,
    /// The supervisor who set it.
    pub set_by: String,
    /// RFC 3339 UTC.
    pub set_at: String,
    pub codebook: CodebookRef,
    pub audio_sha256: String,
    /// domain key -> gold level. A domain left out is not compared.
    #[serde(default)]
    pub scores: BTreeMap<String, u8>,
    #[serde(default)]
    pub rationales: BTreeMap<String, String>,
    #[serde(default, rename = "segment")]
    pub segments: Vec<Segment>,
    #[serde(default, rename = "note")]
    pub notes: Vec<Note>,
}

impl GoldCoding {
    /// Gold made from a coder's submitted coding (everything it holds).
    pub fn from_coding(c: &Coding, set_by: &str, set_at: &str) -> Self {
        Self {
            schema: SCHEMA,
            recording: c.recording.clone(),
            source: format!("coder:{}", c.coder),
            set_by: set_by.to_string(),
            set_at: set_at.to_string(),
            codebook: c.codebook.clone(),
            audio_sha256: c.audio_sha256.clone(),
            scores: c.scores.clone(),
            rationales: c.rationales.clone(),
            segments: c.segments.clone(),
            notes: c.notes.clone(),
        }
    }

    /// Gold made from an adjudicated double-coded recording: the primary coder's submitted coding
    /// (segments, notes, scores and rationales where the coders agreed), with every adjudicated
    /// domain's final score and the supervisor's reason as its rationale.
    pub fn from_adjudicated(
        primary: &Coding,
        adjudication: &Adjudication,
        set_by: &str,
        set_at: &str,
    ) -> Self {
        let mut g = Self::from_coding(primary, set_by, set_at);
        g.source = ADJUDICATED.to_string();
        for d in &adjudication.decisions {
            g.scores.insert(d.domain.clone(), d.final_score);
            g.rationales.insert(d.domain.clone(), d.reason.clone());
        }
        g
    }

    /// The gold as a coding in progress by `supervisor`, to edit it again in the TUI: everything
    /// it holds, nothing listened to yet.
    pub fn as_draft(&self, supervisor: &str, now: &str) -> Coding {
        let mut c = self.as_coding(supervisor);
        c.status = Status::InProgress;
        c.submitted_at = None;
        c.created_at = now.to_string();
        c.updated_at = now.to_string();
        c
    }

    /// The gold as a submitted coding by `coder` (for the coding's own measures: segment shares,
    /// score states).
    pub fn as_coding(&self, coder: &str) -> Coding {
        Coding {
            checklist: Default::default(),
            classes: Default::default(),
            events: Vec::new(),
            schema: crate::coding::SCHEMA,
            recording: self.recording.clone(),
            coder: coder.to_string(),
            codebook: self.codebook.clone(),
            audio_sha256: self.audio_sha256.clone(),
            status: Status::Submitted,
            created_at: self.set_at.clone(),
            updated_at: self.set_at.clone(),
            submitted_at: Some(self.set_at.clone()),
            resume_s: 0.0,
            listened: vec![],
            scores: self.scores.clone(),
            rationales: self.rationales.clone(),
            segments: self.segments.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// The gold coding of `recording`, if one was set (supervisor only: reads `supervisor/gold/`).
pub fn load(study: &Study, recording: &str) -> Result<Option<GoldCoding>, StudyError> {
    let path = study.layout.gold_file(recording)?;
    read(&path, recording)
}

/// Every gold coding, sorted by recording (supervisor only).
pub fn all(study: &Study) -> Result<Vec<GoldCoding>, StudyError> {
    let mut out = Vec::new();
    for rec in toml_stems(&study.layout.gold_dir())? {
        if super::check_id("recording", &rec).is_ok()
            && let Some(g) = load(study, &rec)?
        {
            out.push(g);
        }
    }
    Ok(out)
}

/// The feedback copy of `recording`'s gold in `coder`'s training folder, if one was written (the
/// coder's screens read it only after their signed training submit).
pub fn feedback_copy(
    study: &Study,
    coder: &str,
    recording: &str,
) -> Result<Option<GoldCoding>, StudyError> {
    let path = study.layout.training_gold_file(coder, recording)?;
    read(&path, recording)
}

fn read(path: &std::path::Path, recording: &str) -> Result<Option<GoldCoding>, StudyError> {
    let Some(g) = files::read_toml_opt::<GoldCoding>(path)? else { return Ok(None) };
    check_schema(path, g.schema)?;
    if g.recording != recording {
        return Err(StudyError::Invalid {
            path: path.to_path_buf(),
            message: format!("the file is about recording {:?}", g.recording),
        });
    }
    Ok(Some(g))
}

/// Saves a gold coding: a signed intent line, the file (atomically), a signed `gold` line, all by
/// `gold.set_by`, who must be a supervisor. Replaces an earlier gold of the same recording.
pub fn save(study: &Study, gold: &GoldCoding) -> Result<(), StudyError> {
    study.require_supervisor(&gold.set_by, "set a gold coding")?;
    study.require_recording(&gold.recording)?;
    let path = study.layout.gold_file(&gold.recording)?;
    let dir = study.layout.gold_dir();
    files::create_dir_all(&dir)?;
    files::clean_stale_temps(&dir);
    let bytes = files::to_toml_bytes(&path, gold)?;
    let file = study.file_hash(&path, &bytes);
    study
        .append_journal(&gold.set_by, Event::Intent { action: Action::Gold, file: file.clone() })?;
    files::atomic_write(&path, &bytes)?;
    study.append_journal(&gold.set_by, Event::Gold { file })?;
    Ok(())
}

/// Gold, calibration and drift are defined on the study's first instrument: refuses a recording
/// coded with another.
pub fn require_first_instrument(study: &Study, recording: &str) -> Result<(), StudyError> {
    let (book, first) = (study.codebook_for(recording), study.codebook());
    if book.id == first.id {
        return Ok(());
    }
    Err(StudyError::Invalid {
        path: study.layout.gold_file(recording).unwrap_or_default(),
        message: format!(
            "{recording} is coded with instrument `{}`; gold, calibration and drift are defined on the study's first instrument (`{}`), so give gold only to its recordings",
            book.id, first.id
        ),
    })
}

/// Sets the gold coding a supervisor wrote in the TUI: `coding` is their draft (coder = the
/// supervisor), submitted by the codebook's rules and made from the recording's registered
/// audio. Saved as [`save`] does (signed lines, atomic write), then the draft is removed.
pub fn set_written(study: &Study, coding: &Coding) -> Result<(), StudyError> {
    let draft = study.layout.gold_draft_file(&coding.coder, &coding.recording)?;
    let rec = study.require_recording(&coding.recording)?;
    require_first_instrument(study, &rec.id)?;
    if coding.status != Status::Submitted {
        return Err(StudyError::Invalid {
            path: draft,
            message: "only a finished gold coding can be set (status = \"submitted\")".into(),
        });
    }
    study.require_coded_audio(rec, coding)?;
    let set_at = coding.submitted_at.clone().unwrap_or_else(|| coding.updated_at.clone());
    let mut gold = GoldCoding::from_coding(coding, &coding.coder, &set_at);
    gold.source = WRITTEN.to_string();
    save(study, &gold)?;
    match std::fs::remove_file(&draft) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StudyError::io(
            draft,
            "removing the gold draft (the gold is set)",
            "delete the draft by hand",
            e,
        )),
        _ => Ok(()),
    }
}

/// Where a gold is taken from (`gold set --from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum From {
    /// That coder's submitted live coding of the recording.
    Coder(String),
    /// The recording's adjudication over the primary coder's submitted coding.
    Adjudicated,
}

impl From {
    pub fn parse(s: &str) -> Self {
        if s == ADJUDICATED { Self::Adjudicated } else { Self::Coder(s.to_string()) }
    }
}

/// Builds the gold of `recording` from `from` (supervisor only: reads assignments and
/// adjudications). Refuses a coding that is not submitted, and a recording with no adjudication.
pub fn build(
    study: &Study,
    recording: &str,
    from: &From,
    set_by: &str,
    set_at: &str,
) -> Result<GoldCoding, StudyError> {
    study.require_recording(recording)?;
    let invalid = |message: String| StudyError::Invalid {
        path: study.layout.gold_file(recording).unwrap_or_default(),
        message,
    };
    match from {
        From::Coder(coder) => {
            study.require_coder(coder)?;
            let c = study.load_coding(coder, recording)?.filter(|c| c.is_submitted());
            let c = c.ok_or_else(|| {
                invalid(format!(
                    "{coder} has no submitted coding of {recording}; choose a coder who submitted it, or `--from adjudicated`"
                ))
            })?;
            Ok(GoldCoding::from_coding(&c, set_by, set_at))
        }
        From::Adjudicated => {
            let adj = study.adjudication(recording)?.ok_or_else(|| {
                invalid(format!(
                    "{recording} has no adjudication yet; adjudicate it first (`tapecoder adjudicate`) or take a coder's coding with `--from CODER`"
                ))
            })?;
            let primary = study
                .assignments()?
                .into_iter()
                .find(|a| a.id == recording)
                .and_then(|a| a.coders.first().cloned())
                .ok_or_else(|| invalid(format!("{recording} is not assigned to any coder")))?;
            let c = study.load_coding(&primary, recording)?.filter(|c| c.is_submitted());
            let c = c.ok_or_else(|| {
                invalid(format!(
                    "the primary coder {primary} has no submitted coding of {recording}"
                ))
            })?;
            Ok(GoldCoding::from_adjudicated(&c, &adj, set_by, set_at))
        }
    }
}
