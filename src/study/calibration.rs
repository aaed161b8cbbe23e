//! Calibration sets (issue #13): `supervisor/calibration/<name>.toml` names recordings that have
//! gold and the pass rule ([`crate::quality::PassRule`]). Saved by a supervisor with a signed
//! intent and a signed `calibration` line, like a gold coding.
//!
//! [`assign`] puts a set in a coder's queue as *training*: it adds the recordings to
//! `coders/<id>/queue.toml`'s `training` list and writes a feedback copy of each gold into
//! `coders/<id>/training/gold/<rec>.toml` (supervisor-written; the coder's screens read it only
//! once their signed training submit exists), journalled in one signed `calibration_assign` line.
//! [`certification`] computes a coder's standing from `supervisor/gold/` itself.
use serde::{Deserialize, Serialize};

use super::gold::{self, GoldCoding};
use super::model::{Action, Event, FileHash, QueueFile, SCHEMA};
use super::{Study, StudyError, Work, check_schema, files, toml_stems};
use crate::coding::CodebookRef;
use crate::quality::{self, Certification, PassRule, RecordingCompare};

/// `supervisor/calibration/<name>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationSet {
    pub schema: u32,
    pub name: String,
    pub created_by: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// The codebook the set certifies on (id and version; a new version needs a new set).
    pub codebook: CodebookRef,
    /// Largest |coder − gold| that counts as agreeing.
    pub within: u8,
    /// Smallest share of compared scores within `within`.
    pub share: f64,
    /// Largest |mean signed deviation| allowed per domain.
    pub max_bias: f64,
    pub recordings: Vec<String>,
}

impl CalibrationSet {
    pub fn rule(&self) -> PassRule {
        PassRule { within: self.within, share: self.share, max_bias: self.max_bias }
    }
}

/// The set called `name`, if there is one (supervisor only).
pub fn load(study: &Study, name: &str) -> Result<Option<CalibrationSet>, StudyError> {
    let path = study.layout.calibration_file(name)?;
    let Some(c) = files::read_toml_opt::<CalibrationSet>(&path)? else { return Ok(None) };
    check_schema(&path, c.schema)?;
    if c.name != name {
        return Err(StudyError::Invalid {
            path,
            message: format!("the file names the set {:?}", c.name),
        });
    }
    Ok(Some(c))
}

/// Every calibration set, sorted by name (supervisor only).
pub fn all(study: &Study) -> Result<Vec<CalibrationSet>, StudyError> {
    let mut out = Vec::new();
    for name in toml_stems(&study.layout.calibration_dir())? {
        if super::check_id("calibration set", &name).is_ok()
            && let Some(c) = load(study, &name)?
        {
            out.push(c);
        }
    }
    Ok(out)
}

/// Checks and saves a new set (replacing one of that name): every recording known and with gold,
/// none twice, `share` in 0..=1, `max_bias` not negative. Signed like a gold coding.
pub fn create(study: &Study, set: &CalibrationSet) -> Result<(), StudyError> {
    study.require_supervisor(&set.created_by, "create a calibration set")?;
    let path = study.layout.calibration_file(&set.name)?;
    let invalid = |message: String| StudyError::Invalid { path: path.clone(), message };
    if set.recordings.is_empty() {
        return Err(invalid("a calibration set needs at least one recording".into()));
    }
    if !(0.0..=1.0).contains(&set.share) {
        return Err(invalid(format!("--share {} must be between 0 and 1", set.share)));
    }
    if !(set.max_bias.is_finite() && set.max_bias >= 0.0) {
        return Err(invalid(format!("--max-bias {} must be 0 or more", set.max_bias)));
    }
    let mut without = Vec::new();
    for (i, rec) in set.recordings.iter().enumerate() {
        study.require_recording(rec)?;
        if set.recordings[..i].contains(rec) {
            return Err(invalid(format!("recording {rec} is listed twice")));
        }
        if gold::load(study, rec)?.is_none() {
            without.push(rec.as_str());
        }
    }
    if !without.is_empty() {
        return Err(invalid(format!(
            "no gold coding for {}; set one first with `tapecoder gold set REC --from CODER|adjudicated`",
            without.join(", ")
        )));
    }
    let dir = study.layout.calibration_dir();
    files::create_dir_all(&dir)?;
    files::clean_stale_temps(&dir);
    let bytes = files::to_toml_bytes(&path, set)?;
    let file = study.file_hash(&path, &bytes);
    let actor = &set.created_by;
    study
        .append_journal(actor, Event::Intent { action: Action::Calibration, file: file.clone() })?;
    files::atomic_write(&path, &bytes)?;
    study.append_journal(actor, Event::Calibration { file })?;
    Ok(())
}

/// Puts set `name` in `coder`'s queue as training and writes the feedback copies of its gold
/// into their folder, journalled by `supervisor`. Returns the recordings added (already there
/// ones are kept once).
pub fn assign(
    study: &Study,
    coder: &str,
    name: &str,
    supervisor: &str,
) -> Result<Vec<String>, StudyError> {
    study.require_supervisor(supervisor, "assign a calibration set")?;
    let who = study.require_coder(coder)?;
    let set_path = study.layout.calibration_file(name)?;
    let set = load(study, name)?.ok_or_else(|| StudyError::Invalid {
        path: set_path.clone(),
        message: format!(
            "there is no calibration set {name:?}; create it with `tapecoder calibration create {name} REC…`"
        ),
    })?;
    if who.role != super::model::Role::Coder {
        return Err(StudyError::Invalid {
            path: set_path,
            message: format!("{coder} is a supervisor; calibration sets are for coders"),
        });
    }
    let mut queue = study.queue_file(coder)?;
    let mut batch = files::Batch::new();
    let mut written = Vec::new();
    let gold_dir = study.layout.training_gold_dir(coder)?;
    files::create_dir_all(&gold_dir)?;
    files::clean_stale_temps(&gold_dir);
    for rec in &set.recordings {
        let g = gold::load(study, rec)?.ok_or_else(|| StudyError::Invalid {
            path: study.layout.gold_file(rec).unwrap_or_default(),
            message: format!("{rec} of set {name} has no gold coding any more; set it again"),
        })?;
        let p = study.layout.training_gold_file(coder, rec)?;
        let bytes = files::to_toml_bytes(&p, &g)?;
        batch.stage(&p, &bytes)?;
        written.push(study.file_hash(&p, &bytes));
        if !queue.training.contains(rec) {
            queue.training.push(rec.clone());
        }
    }
    queue.calibration.retain(|c| c.name != set.name);
    queue.calibration.push(set.clone());
    let qpath = study.layout.queue_file(coder)?;
    let qbytes = files::to_toml_bytes(&qpath, &QueueFile { schema: SCHEMA, ..queue })?;
    batch.stage(&qpath, &qbytes)?;
    let mut all: Vec<FileHash> = vec![study.file_hash(&qpath, &qbytes)];
    all.extend(written);
    let applied = batch.commit()?;
    let event =
        Event::CalibrationAssign { coder: coder.to_string(), set: set.name.clone(), files: all };
    if let Err(e) = study.append_journal(supervisor, event) {
        return Err(applied.undo(e));
    }
    Ok(set.recordings.clone())
}

/// `coder`'s results on every set in their queue from their own folder only: the set copies in
/// their queue and the feedback copies of gold (what a coder may read; the TUI's feedback).
pub fn own_results(study: &Study, coder: &str) -> Result<Vec<SetResult>, StudyError> {
    let queue = study.queue_file(coder)?;
    let mut out = Vec::new();
    for set in queue.calibration {
        let mut golds = Vec::new();
        for rec in &set.recordings {
            golds.push((rec.clone(), gold::feedback_copy(study, coder, rec)?));
        }
        out.push(evaluate(study, coder, set, &golds)?);
    }
    Ok(out)
}

/// One coder's results on one set.
#[derive(Debug, Clone, PartialEq)]
pub struct SetResult {
    pub set: CalibrationSet,
    /// The submitted training recordings compared with gold, in the set's order.
    pub done: Vec<RecordingCompare>,
    pub certification: Certification,
    /// Recordings whose feedback copy in the coder's folder differs from `supervisor/gold/` (the
    /// gold changed after `calibration assign`, or the copy was edited): assign the set again.
    pub stale_copies: Vec<String>,
}

/// `coder`'s results on every set in their queue, from `supervisor/gold/` and their submitted
/// training codings (supervisor only).
pub fn results(study: &Study, coder: &str) -> Result<Vec<SetResult>, StudyError> {
    let queue = study.queue_file(coder)?;
    let mut out = Vec::new();
    for copy in &queue.calibration {
        let Some(set) = load(study, &copy.name)? else { continue };
        let mut golds = Vec::new();
        for rec in &set.recordings {
            golds.push((rec.clone(), gold::load(study, rec)?));
        }
        let mut stale = Vec::new();
        for (rec, g) in &golds {
            if gold::feedback_copy(study, coder, rec)? != *g {
                stale.push(rec.clone());
            }
        }
        if *copy != set {
            stale.push(format!("the pass rule of {}", set.name));
        }
        let r = evaluate(study, coder, set, &golds)?;
        out.push(SetResult { stale_copies: stale, ..r });
    }
    Ok(out)
}

/// `coder`'s result on `set` against `golds` (from `supervisor/gold/`, or the coder's feedback
/// copies when the coder reads their own feedback).
pub fn evaluate(
    study: &Study,
    coder: &str,
    set: CalibrationSet,
    golds: &[(String, Option<GoldCoding>)],
) -> Result<SetResult, StudyError> {
    let book = study.codebook();
    let mut done = Vec::new();
    for (rec, g) in golds {
        let Some(g) = g else { continue };
        let Some(c) =
            study.load_coding_in(Work::Training, coder, rec)?.filter(|c| c.is_submitted())
        else {
            continue;
        };
        let duration = study.recording(rec).map_or(0.0, |r| r.duration_s);
        done.push(quality::compare(book, &c, &g.as_coding("gold"), duration, set.within));
    }
    let certification = quality::certify(book, &set.rule(), &done, set.recordings.len());
    Ok(SetResult { set, done, certification, stale_copies: vec![] })
}

/// Whether `coder` is certified on the study's codebook (id and version): some set of that
/// codebook in their queue is certified (supervisor only).
pub fn certified(study: &Study, coder: &str) -> Result<Option<SetResult>, StudyError> {
    let book = study.codebook();
    Ok(results(study, coder)?.into_iter().find(|r| {
        r.set.codebook.id == book.id
            && r.set.codebook.version == book.version
            && r.certification.standing == quality::Standing::Certified
    }))
}
