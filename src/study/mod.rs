//! The study folder (SPEC §2; layout schema 2, issue #9): a plain folder in which every file has
//! exactly one writer and every write is atomic, so it works on a shared drive or a sync client
//! without cross-machine locks. Everything of one coder sits in that coder's folder and everything
//! of the supervisors in `supervisor/`, so folder permissions can keep coders apart.
//!
//! ```text
//! study.toml                              settings a coder may read (schema = 2)
//! coders.toml                             [[coder]] id, name, role
//! recordings.toml                         [[recording]] id, file, sha256, duration_s
//! coders/<coder>/queue.toml               the recording ids assigned to that coder (supervisors write)
//! coders/<coder>/codings/<recording>.toml one coder's coding of one recording (that coder writes)
//! coders/<coder>/journal.jsonl            that coder's append-only, hash-chained events
//! coders/<coder>/locks/<recording>.lock   that coder's open recordings
//! coders/<coder>/prefs.toml               that coder's own preferences: playback speed (that coder writes)
//! supervisor/metadata.toml                per recording: observer, study variables
//! supervisor/assignments.toml             per recording: coders (first = primary), double-coded or not
//! supervisor/adjudications/<recording>.toml
//! supervisor/journal/<supervisor>.jsonl   each supervisor's append-only, hash-chained events
//! supervisor/drafts/<recording>.toml      an adjudication being made, autosaved (not journalled)
//! ```
//!
//! A schema-1 study (shared `queues/`, `codings/`, `journal/`) is refused with
//! [`StudyError::OldLayout`] until a supervisor runs [`migrate`].
//!
//! [`Study`] is the handle every command and screen goes through. Blinding is structural: the
//! accessors a coder's screens use ([`Study::queue`], [`Study::load_coding`],
//! [`Study::codings_of`], [`Study::save_coding`], [`Study::submit_coding`],
//! [`Study::lock_coding`]) never read `supervisor/` or another coder's folder; the supervisor
//! accessors ([`Study::assignments`], [`Study::metadata`], [`Study::all_codings`],
//! [`Study::adjudication`]) read those files only when called, and opening a study never does.
//!
//! Journal policy: `submit` and `adjudicate` events (with the saved file's sha256) are always
//! journalled, as are the supervisor's `coder_added`, `import` and `assign`. Autosaves of a coding in
//! progress are NOT journalled (they happen every second and prove nothing: only a submitted coding
//! is protected against change).
pub mod adjudication;
pub mod assign;
pub mod calibration;
pub mod error;
pub mod files;
pub mod gold;
pub mod join;
pub mod journal;
pub mod locate;
pub mod lock;
pub mod media;
pub mod migrate;
pub mod model;
pub mod parse_cache;
pub mod prefs;
pub mod probes;
pub mod progress;
pub mod sampling;
pub mod transcripts;
pub mod verify;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use error::StudyError;
pub use locate::{Layout, check_id};
pub use lock::CodingLock;

use crate::codebook::Codebook;
use crate::coding::{Coding, Status};
use crate::identity::{PublicKey, Signer};
use model::{
    Action, Adjudication, AdjudicationDraft, Assignment, AssignmentsFile, Coder, CodersFile, Event,
    FileHash, MetadataFile, QueueFile, Recording, RecordingMeta, RecordingsFile, Role, SCHEMA,
    STUDY_SCHEMA, StudyConfig,
};

/// What [`Study::save_plan`] writes: the assignments and the queues built from them and
/// `probes`, `extra` files in the same batch, and `events` journalled after the `assign` line.
struct Plan<'a> {
    assignments: &'a [Assignment],
    probes: &'a [probes::Probe],
    extra: Vec<(PathBuf, Vec<u8>)>,
    events: Vec<Event>,
}

/// Which of a coder's codings: live study work, or training (a calibration set), kept apart so a
/// recording can be both and training never enters reliability, adjudication or exports; or a
/// supervisor's gold coding being written in the TUI (a draft until it is set as gold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Work {
    #[default]
    Live,
    Training,
    /// `supervisor/gold/drafts/<supervisor>/`: "submitting" it sets the recording's gold
    /// ([`gold::set_written`]).
    Gold,
}

/// An open study: its settings, coders, recordings and codebook, read once; everything else is
/// read on demand.
#[derive(Debug, Clone)]
pub struct Study {
    layout: Layout,
    config: StudyConfig,
    coders: Vec<Coder>,
    recordings: Vec<Recording>,
    /// Where each recording id stands in `recordings` (a study has thousands; lookups by id are
    /// made per coding).
    recording_at: HashMap<String, usize>,
    /// The study's instruments, the first (study.toml's `codebook`) first; ids are unique.
    codebooks: Vec<Codebook>,
    codebook_paths: Vec<PathBuf>,
    /// The private keys this process acts with (one in a command: the `--as` identity's).
    signers: Vec<Signer>,
}

impl Study {
    /// Opens the study in `dir`: reads study.toml, coders.toml and recordings.toml, and loads the
    /// codebook. Reads nothing under `supervisor/`.
    pub fn open(dir: impl AsRef<Path>) -> Result<Study, StudyError> {
        let dir = dir.as_ref();
        let layout = Layout::new(dir);
        let study_file = layout.study_file();
        if !study_file.is_file() {
            return Err(StudyError::NotAStudy { dir: dir.to_path_buf() });
        }
        let config: StudyConfig = files::read_toml(&study_file)?;
        check_study_schema(&study_file, config.schema)?;
        if !(0.0..=1.0).contains(&config.double_coding.fraction) {
            return Err(StudyError::Invalid {
                path: study_file,
                message: format!(
                    "double_coding.fraction = {} must be between 0 and 1",
                    config.double_coding.fraction
                ),
            });
        }

        let coders_file = layout.coders_file();
        let coders: CodersFile = files::read_toml_opt(&coders_file)?
            .unwrap_or(CodersFile { schema: SCHEMA, coders: vec![] });
        check_schema(&coders_file, coders.schema)?;
        check_unique(&coders_file, "coder", coders.coders.iter().map(|c| c.id.as_str()))?;

        let recordings_file = layout.recordings_file();
        let recordings: RecordingsFile = files::read_toml_opt(&recordings_file)?
            .unwrap_or(RecordingsFile { schema: SCHEMA, recordings: vec![] });
        check_schema(&recordings_file, recordings.schema)?;
        check_unique(
            &recordings_file,
            "recording",
            recordings.recordings.iter().map(|r| r.id.as_str()),
        )?;
        if let Some(r) = recordings
            .recordings
            .iter()
            .find(|r| !(r.duration_s.is_finite() && r.duration_s >= 0.0))
        {
            return Err(StudyError::Invalid {
                path: recordings_file,
                message: format!(
                    "recording {:?} has duration_s = {}, not a duration in seconds; fix the file by hand (`tapecoder probe` gives the duration)",
                    r.id, r.duration_s
                ),
            });
        }

        let mut codebooks: Vec<Codebook> = Vec::new();
        let mut codebook_paths: Vec<PathBuf> = Vec::new();
        for named in std::iter::once(&config.codebook).chain(&config.instruments) {
            let path = resolve(dir, named);
            let book = crate::codebook::load(&path)
                .map_err(|source| StudyError::Codebook { path: path.clone(), source })?;
            if let Some(i) = codebooks.iter().position(|b| b.id == book.id) {
                return Err(StudyError::Invalid {
                    path: study_file,
                    message: format!(
                        "{} and {} are both instrument `{}`: a study lists each instrument once (two versions of one instrument are two studies)",
                        codebook_paths[i].display(),
                        path.display(),
                        book.id
                    ),
                });
            }
            codebooks.push(book);
            codebook_paths.push(path);
        }
        if let Some((r, id)) = recordings.recordings.iter().find_map(|r| {
            r.instrument
                .as_deref()
                .filter(|i| !codebooks.iter().any(|b| b.id == *i))
                .map(|i| (r, i))
        }) {
            return Err(StudyError::Invalid {
                path: recordings_file,
                message: format!(
                    "recording {:?} names instrument {:?}, which study.toml does not list (it lists: {}); add the instrument's codebook to `instruments` in study.toml",
                    r.id,
                    id,
                    codebooks.iter().map(|b| b.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
            });
        }
        Ok(Study {
            layout,
            config,
            coders: coders.coders,
            recording_at: index_of(&recordings.recordings),
            recordings: recordings.recordings,
            codebooks,
            codebook_paths,
            signers: Vec::new(),
        })
    }

    /// Creates a new study in `dir` (which must not exist, or be empty): the whole layout, an empty
    /// coders.toml and recordings.toml, and the codebook written to `codebook/<codebook_name>`;
    /// `tolerance` (the codebook's default) goes into study.toml.
    /// Nothing is left behind on failure.
    pub fn create(
        dir: &Path,
        name: &str,
        codebook_name: &str,
        codebook_bytes: &[u8],
        tolerance: u8,
        founder: Option<&PublicKey>,
    ) -> Result<(), StudyError> {
        let existed = dir.exists();
        if existed {
            let mut rd = fs::read_dir(dir).map_err(|e| {
                StudyError::io(dir, "listing", "choose a new folder for the study", e)
            })?;
            if rd.next().is_some() {
                return Err(StudyError::Invalid {
                    path: dir.to_path_buf(),
                    message: "the folder is not empty; choose a new or empty folder for the study"
                        .into(),
                });
            }
        }
        let result = Self::populate(dir, name, codebook_name, codebook_bytes, tolerance, founder);
        if result.is_err() {
            if existed {
                if let Ok(rd) = fs::read_dir(dir) {
                    for e in rd.flatten() {
                        let p = e.path();
                        let _ =
                            if p.is_dir() { fs::remove_dir_all(&p) } else { fs::remove_file(&p) };
                    }
                }
            } else {
                let _ = fs::remove_dir_all(dir);
            }
        }
        result
    }

    fn populate(
        dir: &Path,
        name: &str,
        codebook_name: &str,
        codebook_bytes: &[u8],
        tolerance: u8,
        founder: Option<&PublicKey>,
    ) -> Result<(), StudyError> {
        let layout = Layout::new(dir);
        for d in [
            layout.coders_dir(),
            layout.adjudications_dir(),
            layout.supervisor_journal_dir(),
            dir.join("codebook"),
        ] {
            files::create_dir_all(&d)?;
        }
        files::atomic_write(&dir.join("codebook").join(codebook_name), codebook_bytes)?;
        files::write_toml(&layout.coders_file(), &CodersFile { schema: SCHEMA, coders: vec![] })?;
        files::write_toml(
            &layout.recordings_file(),
            &RecordingsFile { schema: SCHEMA, recordings: vec![] },
        )?;
        files::write_toml(
            &layout.metadata_file(),
            &MetadataFile { schema: SCHEMA, recordings: vec![] },
        )?;
        files::write_toml(
            &layout.assignments_file(),
            &AssignmentsFile { schema: SCHEMA, recordings: vec![] },
        )?;
        let config = StudyConfig {
            schema: STUDY_SCHEMA,
            name: name.to_string(),
            codebook: format!("codebook/{codebook_name}"),
            instruments: Vec::new(),
            founder: founder.map(PublicKey::fingerprint),
            double_coding: Default::default(),
            reliability: model::ReliabilityConfig { tolerance },
            final_scores: Default::default(),
            audio: Default::default(),
            drift: Default::default(),
            training: Default::default(),
            sampling: Default::default(),
        };
        // study.toml last: a folder without it is not a study, so a failure leaves no half study.
        files::write_toml(&layout.study_file(), &config)?;
        Ok(())
    }

    // ----- what everyone may read -------------------------------------------------------------

    pub fn dir(&self) -> &Path {
        self.layout.root()
    }
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
    pub fn config(&self) -> &StudyConfig {
        &self.config
    }
    pub fn coders(&self) -> &[Coder] {
        &self.coders
    }
    pub fn coder(&self, id: &str) -> Option<&Coder> {
        self.coders.iter().find(|c| c.id == id)
    }
    /// The coder with this id, or an error listing the known ones and how to add one.
    pub fn require_coder(&self, id: &str) -> Result<&Coder, StudyError> {
        check_id("coder", id)?;
        self.coder(id).ok_or_else(|| StudyError::UnknownCoder {
            id: id.to_string(),
            known: self.coders.iter().map(|c| c.id.clone()).collect(),
            coders_file: self.layout.coders_file(),
        })
    }
    /// The coder with this id if it is a supervisor; `action` says what needed the role.
    pub fn require_supervisor(&self, id: &str, action: &'static str) -> Result<&Coder, StudyError> {
        let c = self.require_coder(id)?;
        if c.role != Role::Supervisor {
            return Err(StudyError::NotSupervisor { id: id.to_string(), action });
        }
        Ok(c)
    }
    pub fn recordings(&self) -> &[Recording] {
        &self.recordings
    }
    pub fn recording(&self, id: &str) -> Option<&Recording> {
        self.recording_at.get(id).and_then(|&i| self.recordings.get(i))
    }
    pub fn require_recording(&self, id: &str) -> Result<&Recording, StudyError> {
        check_id("recording", id)?;
        self.recording(id).ok_or_else(|| StudyError::UnknownRecording {
            id: id.to_string(),
            recordings_file: self.layout.recordings_file(),
        })
    }
    /// The study's first instrument (study.toml's `codebook`): the default of `import`, and the
    /// one gold, calibration, drift and certification are defined on.
    pub fn codebook(&self) -> &Codebook {
        &self.codebooks[0]
    }
    /// Where the first instrument was loaded from.
    pub fn codebook_path(&self) -> &Path {
        &self.codebook_paths[0]
    }
    /// Every instrument of the study, the first first.
    pub fn codebooks(&self) -> &[Codebook] {
        &self.codebooks
    }
    /// The instrument with id `id`.
    pub fn instrument(&self, id: &str) -> Option<&Codebook> {
        self.codebooks.iter().find(|b| b.id == id)
    }
    /// The instrument `id` (the first when `None`), or an error listing the study's instruments.
    pub fn require_instrument(&self, id: Option<&str>) -> Result<&Codebook, StudyError> {
        let Some(id) = id else { return Ok(self.codebook()) };
        self.instrument(id).ok_or_else(|| StudyError::Invalid {
            path: self.layout.study_file(),
            message: format!(
                "the study has no instrument {:?}; it has: {}",
                crate::ids::sanitize_for_terminal(id),
                self.codebooks.iter().map(|b| b.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        })
    }
    /// True when `recording` is coded with `book` (the same instrument id).
    pub fn codes_with(&self, recording: &str, book: &Codebook) -> bool {
        self.codebook_for(recording).id == book.id
    }
    /// The instrument `recording` is coded with (the first for an unknown recording).
    pub fn codebook_for(&self, recording: &str) -> &Codebook {
        self.recording(recording)
            .and_then(|r| r.instrument.as_deref())
            .and_then(|id| self.instrument(id))
            .unwrap_or(&self.codebooks[0])
    }
    /// Where recordings.toml says a recording's audio is (relative to the study folder).
    pub fn stored_audio_path(&self, recording: &Recording) -> PathBuf {
        resolve(self.dir(), &recording.file)
    }

    /// Where a recording's audio file is: the stored path, or when nothing is there a file of the
    /// same name in an `[audio] search` folder (by name only; [`Study::checked_audio_path`] also
    /// finds renamed files by sha256).
    pub fn audio_path(&self, recording: &Recording) -> PathBuf {
        let stored = self.stored_audio_path(recording);
        if stored.is_file() || self.config.audio.search.is_empty() {
            return stored;
        }
        let folders = media::search_folders(self.dir(), &self.config.audio.search);
        media::find_by_name(&folders, &stored).unwrap_or(stored)
    }

    /// The recording's audio path after checking that the file is there and unchanged since import
    /// (its sha256); a missing file is looked for in the `[audio] search` folders by name and by
    /// sha256. Use before opening a recording for coding.
    pub fn checked_audio_path(&self, recording: &Recording) -> Result<PathBuf, StudyError> {
        let path = self.stored_audio_path(recording);
        let actual = match files::sha256_file(&path) {
            Ok(h) => h,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let folders = media::search_folders(self.dir(), &self.config.audio.search);
                return media::find_by_sha256(&folders, &path, &recording.sha256)
                    .ok_or(StudyError::AudioMissing { recording: recording.id.clone(), path });
            }
            Err(e) => {
                return Err(StudyError::io(path, "reading the audio", "check you may read it", e));
            }
        };
        if !actual.eq_ignore_ascii_case(&recording.sha256) {
            return Err(StudyError::AudioChanged {
                recording: recording.id.clone(),
                path,
                expected: recording.sha256.clone(),
                actual,
            });
        }
        Ok(path)
    }

    /// Refuses `coding` unless it was made on `rec`'s audio (the sha256 recorded in the coding is
    /// the recording's): a coding of other audio is never submitted or set as gold.
    pub(crate) fn require_coded_audio(
        &self,
        rec: &Recording,
        coding: &Coding,
    ) -> Result<(), StudyError> {
        if coding.audio_sha256.eq_ignore_ascii_case(&rec.sha256) {
            return Ok(());
        }
        Err(StudyError::AudioChanged {
            recording: rec.id.clone(),
            path: self.audio_path(rec),
            expected: rec.sha256.clone(),
            actual: coding.audio_sha256.clone(),
        })
    }

    // ----- one coder's own work (never touches supervisor/ or other coders) --------------------

    /// The recordings in `coder`'s queue, in order (empty when nothing is assigned yet).
    pub fn queue(&self, coder: &str) -> Result<Vec<&Recording>, StudyError> {
        let path = self.layout.queue_file(coder)?;
        self.queue_ids(coder)?
            .iter()
            .map(|id| {
                self.recording(id).ok_or_else(|| StudyError::Invalid {
                    path: path.clone(),
                    message: format!(
                        "recording {id:?} is not in recordings.toml; ask the supervisor to re-run `tapecoder assign`"
                    ),
                })
            })
            .collect()
    }

    /// The recording ids in `coder`'s queue file, as written (empty when there is none).
    pub fn queue_ids(&self, coder: &str) -> Result<Vec<String>, StudyError> {
        Ok(self.queue_file(coder)?.recordings)
    }

    /// `coder`'s queue file as written (an empty one when there is none).
    pub fn queue_file(&self, coder: &str) -> Result<QueueFile, StudyError> {
        let path = self.layout.queue_file(coder)?;
        let Some(q) = files::read_toml_opt::<QueueFile>(&path)? else {
            return Ok(QueueFile {
                schema: SCHEMA,
                coder: coder.to_string(),
                ..Default::default()
            });
        };
        check_schema(&path, q.schema)?;
        if q.coder != coder {
            return Err(StudyError::Invalid {
                path,
                message: format!("the queue names coder {:?}, not {coder:?}", q.coder),
            });
        }
        Ok(q)
    }

    /// The training recordings in `coder`'s queue (a calibration set), in order.
    pub fn training_queue(&self, coder: &str) -> Result<Vec<&Recording>, StudyError> {
        let path = self.layout.queue_file(coder)?;
        self.queue_file(coder)?
            .training
            .iter()
            .map(|id| {
                self.recording(id).ok_or_else(|| StudyError::Invalid {
                    path: path.clone(),
                    message: format!(
                        "training recording {id:?} is not in recordings.toml; ask the supervisor to re-run `tapecoder calibration assign`"
                    ),
                })
            })
            .collect()
    }

    /// `coder`'s coding of `recording`, if one was started.
    pub fn load_coding(&self, coder: &str, recording: &str) -> Result<Option<Coding>, StudyError> {
        self.load_coding_in(Work::Live, coder, recording)
    }

    /// Where a coding of `coder`'s lives: live work or training.
    pub fn coding_path(
        &self,
        work: Work,
        coder: &str,
        recording: &str,
    ) -> Result<PathBuf, StudyError> {
        match work {
            Work::Live => self.layout.coding_file(coder, recording),
            Work::Training => self.layout.training_coding_file(coder, recording),
            Work::Gold => self.layout.gold_draft_file(coder, recording),
        }
    }

    /// `coder`'s live or training coding of `recording`, if one was started.
    pub fn load_coding_in(
        &self,
        work: Work,
        coder: &str,
        recording: &str,
    ) -> Result<Option<Coding>, StudyError> {
        let path = self.coding_path(work, coder, recording)?;
        let Some(c) = read_coding(&path)? else { return Ok(None) };
        self.check_loaded(&path, &c, coder, recording)?;
        Ok(Some(c))
    }

    /// The checks of a coding read from `path` that depend on the study, not only the file: its
    /// place (coder, recording) and the codebook's scale.
    fn check_loaded(
        &self,
        path: &Path,
        c: &Coding,
        coder: &str,
        recording: &str,
    ) -> Result<(), StudyError> {
        check_coding(path, c, coder, recording)?;
        // A hand-edited level outside the scale would reach exports and the reliability report.
        let scale = &self.codebook_for(recording).scale;
        if let Some((domain, level)) =
            c.scores.iter().find(|(_, l)| !(scale.min..=scale.max).contains(*l))
        {
            return Err(StudyError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "{domain} = {level} is outside the codebook's scale {}..{}; fix the file by hand or restore it from a backup",
                    scale.min, scale.max
                ),
            });
        }
        Ok(())
    }

    /// Every training coding `coder` has started, sorted by recording id (never live work).
    pub fn training_codings_of(&self, coder: &str) -> Result<Vec<Coding>, StudyError> {
        let dir = self.layout.training_codings_dir(coder)?;
        let mut out = Vec::new();
        for rec in toml_stems(&dir)?.into_iter().filter(|r| check_id("recording", r).is_ok()) {
            out.extend(self.load_coding_in(Work::Training, coder, &rec)?);
        }
        Ok(out)
    }

    /// Every coding `coder` has started, sorted by recording id.
    pub fn codings_of(&self, coder: &str) -> Result<Vec<Coding>, StudyError> {
        self.load_codings(&self.coding_files_of(coder)?)
    }

    /// (coder, recording) of every coding file in `coder`'s folder, sorted by recording id.
    fn coding_files_of(&self, coder: &str) -> Result<Vec<(String, String)>, StudyError> {
        let dir = self.layout.codings_dir(coder)?;
        Ok(toml_stems(&dir)?
            .into_iter()
            .filter(|rec| check_id("recording", rec).is_ok())
            .map(|rec| (coder.to_string(), rec))
            .collect())
    }

    /// The codings in `files`, in that order, read and parsed on every core (a study of a
    /// thousand recordings has thousands of coding files); the first error in that order wins.
    fn load_codings(&self, files: &[(String, String)]) -> Result<Vec<Coding>, StudyError> {
        let loaded = crate::par::map(files, |(coder, rec)| self.load_coding(coder, rec));
        let mut out = Vec::with_capacity(loaded.len());
        for c in loaded {
            out.extend(c?);
        }
        Ok(out)
    }

    /// Saves a coding in progress (atomically; not journalled). A submitted coding on disk is never
    /// overwritten; a coding whose status is `submitted` goes through [`Study::submit_coding`].
    pub fn save_coding(&self, coding: &Coding) -> Result<(), StudyError> {
        self.save_coding_in(Work::Live, coding)
    }

    /// [`Study::save_coding`] for live work or training.
    pub fn save_coding_in(&self, work: Work, coding: &Coding) -> Result<(), StudyError> {
        if coding.status == Status::Submitted {
            return self.submit_coding_in(work, coding);
        }
        let path = self.prepare_coding_write(work, coding)?;
        files::atomic_write(&path, &coding_bytes(coding)?)
    }

    /// Submits a coding: appends a `submit` line with the file's sha256 to the coder's journal,
    /// then writes the file atomically. The coding must have status `submitted` and be made from
    /// the recording's registered audio.
    pub fn submit_coding(&self, coding: &Coding) -> Result<(), StudyError> {
        self.submit_coding_in(Work::Live, coding)
    }

    /// [`Study::submit_coding`] for live work or training (a training submit is signed the same
    /// way, its path under `coders/<id>/training/codings/`).
    pub fn submit_coding_in(&self, work: Work, coding: &Coding) -> Result<(), StudyError> {
        if work == Work::Gold {
            return gold::set_written(self, coding);
        }
        let path = self.prepare_coding_write(work, coding)?;
        if coding.status != Status::Submitted {
            return Err(StudyError::Invalid {
                path,
                message: "only a coding with status = \"submitted\" can be submitted".into(),
            });
        }
        let rec = self.require_recording(&coding.recording)?;
        self.require_coded_audio(rec, coding)?;
        let bytes = coding_bytes(coding)?;
        let file = self.file_hash(&path, &bytes);
        // Intent, durable save, commit: a crash after the intent leaves either the old coding in
        // progress (the intent is void) or the submitted file matching the signed intent (verify
        // accepts it); never a journal line for a file that did not change unnoticed.
        self.append_journal(
            &coding.coder,
            Event::Intent { action: Action::Submit, file: file.clone() },
        )?;
        files::atomic_write(&path, &bytes)?;
        self.append_journal(&coding.coder, Event::Submit { file })?;
        Ok(())
    }

    fn prepare_coding_write(&self, work: Work, coding: &Coding) -> Result<PathBuf, StudyError> {
        if work == Work::Gold {
            self.require_supervisor(&coding.coder, "write a gold coding")?;
        } else {
            self.require_coder(&coding.coder)?;
        }
        self.require_recording(&coding.recording)?;
        let path = self.coding_path(work, &coding.coder, &coding.recording)?;
        if let Some(old) = read_coding(&path)?
            && old.status == Status::Submitted
        {
            return Err(StudyError::AlreadySubmitted {
                coder: coding.coder.clone(),
                recording: coding.recording.clone(),
            });
        }
        if let Some(dir) = path.parent() {
            files::create_dir_all(dir)?;
        }
        Ok(path)
    }

    /// Takes the lock of (coder, recording) for as long as the returned value lives. A second
    /// live instance is refused with a clear message; a crashed holder's lock is recovered.
    pub fn lock_coding(&self, coder: &str, recording: &str) -> Result<CodingLock, StudyError> {
        self.require_coder(coder)?;
        self.require_recording(recording)?;
        files::create_dir_all(&self.layout.locks_dir(coder)?)?;
        // A coder's start: temp files of their own killed saves go at once.
        files::clean_stale_temps(&self.layout.codings_dir(coder)?);
        files::clean_stale_temps(&self.layout.locks_dir(coder)?);
        CodingLock::acquire(&self.layout.lock_file(coder, recording)?, coder, recording)
    }

    /// Takes the lock of a gold coding `supervisor` is writing (in their own gold drafts
    /// folder), as [`Study::lock_coding`] does for a coder.
    pub fn lock_gold(&self, supervisor: &str, recording: &str) -> Result<CodingLock, StudyError> {
        self.require_supervisor(supervisor, "write a gold coding")?;
        self.require_recording(recording)?;
        let dir = self.layout.gold_drafts_dir(supervisor)?;
        files::create_dir_all(&dir)?;
        files::clean_stale_temps(&dir);
        CodingLock::acquire(&dir.join(format!("{recording}.lock")), supervisor, recording)
    }

    // ----- supervisor only: callers check the role (Study::require_supervisor) ----------------

    /// Every coding of every coder (supervisor only).
    pub fn all_codings(&self) -> Result<Vec<Coding>, StudyError> {
        let mut files = Vec::new();
        for c in &self.coders {
            files.extend(self.coding_files_of(&c.id)?);
        }
        self.load_codings(&files)
    }

    /// Every coding of every coder as the reliability report reads it
    /// ([`parse_cache::report_view`]: status, scores and segments), through the per-user parse
    /// cache of this study (supervisor only). The same codings in the same order, and the same
    /// first error, as [`Study::all_codings`] reduced to that view; the cache only saves parsing.
    pub fn report_codings(&self) -> Result<Vec<Coding>, StudyError> {
        let cache = parse_cache::Cache::open(parse_cache::Cache::file_for(self.dir()));
        Ok(self.report_codings_with(cache)?.0)
    }

    /// [`Study::report_codings`] through `cache`; also returns how many of them the cache gave.
    pub fn report_codings_with(
        &self,
        cache: parse_cache::Cache,
    ) -> Result<(Vec<Coding>, usize), StudyError> {
        use parse_cache::FileKey;
        let mut files = Vec::new();
        for c in &self.coders {
            files.extend(self.coding_files_of(&c.id)?);
        }
        // Each file's metadata is taken before it is read, so a change while reading it leaves
        // an entry that no longer matches (never an old content under a new key).
        let keys = crate::par::map(&files, |(coder, rec)| {
            let path = self.layout.coding_file(coder, rec)?;
            let key = match fs::metadata(&path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Ok(m) => FileKey::of(&m),
                Err(_) => None,
            };
            Ok::<_, StudyError>(Some((path, key)))
        });
        // The hits are taken out of the cache (no copy), the rest parsed; both checked on
        // every core.
        let mut cache = cache;
        let slots: Vec<Result<Option<Slot>, StudyError>> = files
            .iter()
            .zip(keys)
            .map(|((coder, rec), k)| {
                Ok(k?.map(|(path, key)| {
                    match key.and_then(|k| Some((cache.take(coder, rec, k)?, k))) {
                        Some((c, key)) => Slot::Hit { path, coding: c, key, coder, rec },
                        None => Slot::Miss { key, coder, rec },
                    }
                }))
            })
            .collect();
        let loaded = crate::par::map(&slots, |slot| {
            let Ok(Some(slot)) = slot else { return Ok(None) };
            match slot {
                Slot::Hit { path, coding, coder, rec, .. } => {
                    self.check_loaded(path, coding, coder, rec)?;
                    Ok(None)
                }
                Slot::Miss { key, coder, rec, .. } => {
                    let Some(c) = self.load_coding(coder, rec)? else { return Ok(None) };
                    let entry = cache.entry(&c, *key);
                    Ok::<_, StudyError>(Some((parse_cache::report_view(&c), entry)))
                }
            }
        });
        let mut out = Vec::with_capacity(loaded.len());
        let (mut hit_keys, mut new) = (Vec::new(), Vec::new());
        // The first error in file order wins.
        for (slot, parsed) in slots.into_iter().zip(loaded) {
            let parsed = parsed?;
            match (slot?, parsed) {
                (None, _) | (Some(Slot::Miss { .. }), None) => {}
                (Some(Slot::Hit { coding, key, .. }), _) => {
                    hit_keys.push((out.len(), key));
                    out.push(coding);
                }
                (Some(Slot::Miss { .. }), Some((c, entry))) => {
                    new.push(entry);
                    out.push(c);
                }
            }
        }
        let hits: Vec<(&Coding, FileKey)> =
            hit_keys.iter().filter_map(|&(i, key)| Some((out.get(i)?, key))).collect();
        let cached = hits.len();
        cache.update(&hits, new);
        Ok((out, cached))
    }

    /// `supervisor/assignments.toml` (supervisor only); empty before the first `assign`.
    pub fn assignments(&self) -> Result<Vec<Assignment>, StudyError> {
        Self::read_assignments(&self.layout)
    }

    /// [`assignments`](Self::assignments) of the study at `layout`, read without opening it (the
    /// report reads them while the study opens; it uses them only once the caller is known to
    /// be a supervisor).
    pub fn read_assignments(layout: &Layout) -> Result<Vec<Assignment>, StudyError> {
        let path = layout.assignments_file();
        let Some(f) = files::read_toml_opt::<AssignmentsFile>(&path)? else { return Ok(vec![]) };
        check_schema(&path, f.schema)?;
        Ok(f.recordings)
    }

    /// The sampled window `coder` codes of `recording`, from their queue file (the coder's side:
    /// never reads supervisor/); `None`: the whole recording.
    pub fn window(
        &self,
        coder: &str,
        recording: &str,
    ) -> Result<Option<crate::coding::Window>, StudyError> {
        Ok(self.queue_file(coder)?.windows.get(recording).copied())
    }

    /// `supervisor/metadata.toml` (supervisor only): observer and study variables per recording.
    pub fn metadata(&self) -> Result<Vec<RecordingMeta>, StudyError> {
        let path = self.layout.metadata_file();
        let Some(f) = files::read_toml_opt::<MetadataFile>(&path)? else { return Ok(vec![]) };
        check_schema(&path, f.schema)?;
        Ok(f.recordings)
    }

    /// The adjudication of a recording, if there is one (supervisor only).
    pub fn adjudication(&self, recording: &str) -> Result<Option<Adjudication>, StudyError> {
        let path = self.layout.adjudication_file(recording)?;
        let Some(a) = files::read_toml_opt::<Adjudication>(&path)? else { return Ok(None) };
        check_schema(&path, a.schema)?;
        if a.recording != recording {
            return Err(StudyError::Invalid {
                path,
                message: format!("the file is about recording {:?}", a.recording),
            });
        }
        Ok(Some(a))
    }

    /// Records in `supervisor`'s signed journal a receipt (path and sha256) of every submitted
    /// coding that no supervisor has received yet, so that `verify` can later prove it unchanged
    /// even if its author rewrites their own journal. Returns how many were new (supervisor only).
    pub fn record_receipts(&self, supervisor: &str) -> Result<usize, StudyError> {
        self.record_receipts_with(supervisor, &verify::SupervisorJournals::default())
    }

    /// [`record_receipts`](Self::record_receipts), taking the supervisors' journals from
    /// `journals` where they were read already (at open, for the supervisor check), so that
    /// none is read twice; one not there is read here.
    pub fn record_receipts_with(
        &self,
        supervisor: &str,
        journals: &verify::SupervisorJournals,
    ) -> Result<usize, StudyError> {
        self.require_supervisor(supervisor, "receive submitted codings")?;
        let received = self.received(journals)?;
        let mut unreceived = Vec::new();
        let mut shown = String::new();
        for c in &self.coders {
            let dir = self.layout.codings_dir(&c.id)?;
            let shown_dir = self.layout.relative(&dir);
            for rec in toml_stems(&dir)? {
                if check_id("recording", &rec).is_err() {
                    continue;
                }
                // A coding with a receipt is not read again (a submitted file never changes;
                // `verify` checks it against its receipt).
                shown.clear();
                shown.push_str(&shown_dir);
                shown.push('/');
                shown.push_str(&rec);
                shown.push_str(".toml");
                if received.contains(shown.as_str()) {
                    continue;
                }
                unreceived.push(dir.join(format!("{rec}.toml")));
            }
        }
        // The rest (new submissions, and codings in progress, read every time) on every core;
        // only a file that can be a submitted coding is parsed.
        let read = crate::par::map(&unreceived, |path| {
            let bytes = files::read_text(path)?;
            let submitted = may_be_submitted(&bytes)
                && Coding::from_toml(&bytes, &path.display().to_string())
                    .is_ok_and(|x| x.status == Status::Submitted);
            Ok::<_, StudyError>(submitted.then(|| self.file_hash(path, bytes.as_bytes())))
        });
        let mut new = Vec::new();
        for r in read {
            new.extend(r?);
        }
        let n = new.len();
        if n > 0 {
            self.append_journal(supervisor, Event::Receipts { codings: new })?;
        }
        Ok(n)
    }

    /// The paths of every coding some supervisor's journal has a receipt for.
    fn received(&self, read: &verify::SupervisorJournals) -> Result<HashSet<String>, StudyError> {
        let mut out = HashSet::new();
        for sup in self.coders.iter().filter(|c| c.role == Role::Supervisor) {
            let path = self.layout.journal_file(&sup.id, Role::Supervisor)?;
            if !path.is_file() {
                continue;
            }
            let fresh;
            let lines = match read.lines(&path) {
                Some(lines) => lines,
                None => {
                    fresh = journal::read_and_check(&path, &sup.id, None)?.0;
                    &fresh[..]
                }
            };
            for l in lines {
                if let Event::Receipts { codings } = &l.entry.event {
                    out.extend(codings.iter().map(|f| f.path.clone()));
                }
            }
        }
        Ok(out)
    }

    /// Every adjudication (supervisor only), sorted by recording.
    pub fn adjudications(&self) -> Result<Vec<Adjudication>, StudyError> {
        let mut out = Vec::new();
        for rec in toml_stems(&self.layout.adjudications_dir())? {
            if check_id("recording", &rec).is_ok()
                && let Some(a) = self.adjudication(&rec)?
            {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Saves an adjudication: an `adjudicate` journal line (actor = its supervisor) with the
    /// file's sha256, then the file, atomically. Originals are never touched.
    pub fn save_adjudication(&self, adjudication: &Adjudication) -> Result<(), StudyError> {
        self.require_supervisor(&adjudication.supervisor, "adjudicate")?;
        self.require_recording(&adjudication.recording)?;
        let path = self.layout.adjudication_file(&adjudication.recording)?;
        files::create_dir_all(&self.layout.adjudications_dir())?;
        files::clean_stale_temps(&self.layout.adjudications_dir());
        let bytes = files::to_toml_bytes(&path, adjudication)?;
        let file = self.file_hash(&path, &bytes);
        let actor = &adjudication.supervisor;
        self.append_journal(
            actor,
            Event::Intent { action: Action::Adjudicate, file: file.clone() },
        )?;
        files::atomic_write(&path, &bytes)?;
        self.append_journal(actor, Event::Adjudicate { file })?;
        Ok(())
    }

    /// The autosaved draft of `recording`'s adjudication, if there is one (supervisor only).
    pub fn adjudication_draft(
        &self,
        recording: &str,
    ) -> Result<Option<AdjudicationDraft>, StudyError> {
        let path = self.layout.draft_file(recording)?;
        let Some(d) = files::read_toml_opt::<AdjudicationDraft>(&path)? else { return Ok(None) };
        check_schema(&path, d.schema)?;
        if d.recording != recording {
            return Err(StudyError::Invalid {
                path,
                message: format!("the file is about recording {:?}", d.recording),
            });
        }
        Ok(Some(d))
    }

    /// Autosaves an adjudication being made to `supervisor/drafts/<recording>.toml`, atomically
    /// (not journalled: it is no decision yet). Supervisor only.
    pub fn save_adjudication_draft(&self, draft: &AdjudicationDraft) -> Result<(), StudyError> {
        self.require_supervisor(&draft.supervisor, "adjudicate")?;
        self.require_recording(&draft.recording)?;
        let path = self.layout.draft_file(&draft.recording)?;
        files::create_dir_all(&self.layout.drafts_dir())?;
        files::clean_stale_temps(&self.layout.drafts_dir());
        let bytes = files::to_toml_bytes(&path, draft)?;
        files::atomic_write(&path, &bytes)
    }

    /// Removes the draft of `recording`'s adjudication (saved, or discarded); none is fine.
    pub fn remove_adjudication_draft(&self, recording: &str) -> Result<(), StudyError> {
        let path = self.layout.draft_file(recording)?;
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(StudyError::io(path, "removing the draft", "check the folder's permissions", e))
            }
            _ => Ok(()),
        }
    }

    // ----- setup (supervisor) ------------------------------------------------------------------

    /// Registers a coder and their public key in coders.toml, journalled (signed) by `actor`, a
    /// supervisor. The founding supervisor registers themself: `actor` is their own id. A coder
    /// registered before signed identities (no key, after a migration) is registered again, with
    /// their key.
    pub fn add_coder(&mut self, coder: Coder, actor: &str) -> Result<(), StudyError> {
        check_id("coder", &coder.id)?;
        check_text("name", &coder.name)?;
        let key = match &coder.key {
            Some(k) => PublicKey::parse(k)?.to_string(),
            None => {
                return Err(StudyError::Invalid {
                    path: self.layout.coders_file(),
                    message: format!(
                        "coder {:?} needs a public key: they run `tapecoder keys init` and give you the line `tapecoder keys show` prints, for --key",
                        coder.id
                    ),
                });
            }
        };
        self.signer(actor)?;
        // A coder registered before signed identities (no key) gets their key registered now.
        let keyless = self.coder(&coder.id).is_some_and(|c| c.key.is_none());
        if self.coder(&coder.id).is_some() && !keyless {
            return Err(StudyError::Invalid {
                path: self.layout.coders_file(),
                message: format!("coder {:?} is already registered; choose another id", coder.id),
            });
        }
        if let Some(other) =
            self.coders.iter().find(|c| c.id != coder.id && c.id.eq_ignore_ascii_case(&coder.id))
        {
            return Err(StudyError::Invalid {
                path: self.layout.coders_file(),
                message: format!(
                    "coder {:?} differs only in case from the registered {:?}: on a Windows share or a case-insensitive drive both would be the same folder; choose another id",
                    coder.id, other.id
                ),
            });
        }
        let mut all = self.coders.clone();
        all.retain(|c| c.id != coder.id);
        let event_of = |file| Event::CoderAdded {
            id: coder.id.clone(),
            name: coder.name.clone(),
            role: coder.role,
            key: key.clone(),
            file,
        };
        all.push(Coder { key: Some(key.clone()), ..coder.clone() });
        // The actor may be the supervisor just added (the founder registers themself).
        let actor_role = match all.iter().find(|c| c.id == actor) {
            Some(c) => c.role,
            None => self.require_coder(actor)?.role,
        };
        let path = self.layout.coders_file();
        files::clean_stale_temps(self.dir());
        let bytes =
            files::to_toml_bytes(&path, &CodersFile { schema: SCHEMA, coders: all.clone() })?;
        let mut batch = files::Batch::new();
        batch.stage(&path, &bytes)?;
        let applied = batch.commit()?;
        let event = event_of(self.file_hash(&path, &bytes));
        if let Err(e) = self.append_journal_as(actor, actor_role, event) {
            // A failed command leaves the study as it was.
            return Err(applied.undo(e));
        }
        drop(applied);
        self.coders = all;
        Ok(())
    }

    /// Registers recordings (and their supervisor-only metadata) in one step: metadata first, then
    /// recordings.toml; if the second write fails the first is restored.
    pub fn add_recordings(
        &mut self,
        new: Vec<Recording>,
        meta: Vec<RecordingMeta>,
        actor: Option<&str>,
    ) -> Result<(), StudyError> {
        let meta_path = self.layout.metadata_file();
        let mut all = self.recordings.clone();
        all.extend(new);
        // Metadata of a recording that is not registered is an earlier import's leftover (killed
        // between the two writes): dropped, so a new recording given that id does not inherit it.
        let old_meta = self.metadata()?;
        let orphans = old_meta.iter().any(|m| self.recording(&m.id).is_none());
        let mut batch = files::Batch::new();
        files::clean_stale_temps(self.dir());
        if !meta.is_empty() || orphans {
            let mut kept: Vec<RecordingMeta> = old_meta
                .into_iter()
                .filter(|m| self.recording(&m.id).is_some())
                .filter(|m| !meta.iter().any(|n| n.id == m.id))
                .collect();
            kept.extend(meta);
            files::create_dir_all(&self.layout.supervisor_dir())?;
            files::clean_stale_temps(&self.layout.supervisor_dir());
            let bytes = files::to_toml_bytes(
                &meta_path,
                &MetadataFile { schema: SCHEMA, recordings: kept },
            )?;
            batch.stage(&meta_path, &bytes)?;
        }
        let path = self.layout.recordings_file();
        let bytes = files::to_toml_bytes(
            &path,
            &RecordingsFile { schema: SCHEMA, recordings: all.clone() },
        )?;
        batch.stage(&path, &bytes)?;
        let applied = batch.commit()?;
        if let Some(actor) = actor
            && let Err(e) =
                self.append_journal(actor, Event::Import { file: self.file_hash(&path, &bytes) })
        {
            // A failed import imports nothing: both files as they were.
            return Err(applied.undo(e));
        }
        drop(applied);
        self.recording_at = index_of(&all);
        self.recordings = all;
        Ok(())
    }

    // ----- join requests (see [`join`]) --------------------------------------------------------

    /// Writes `join/<id>.toml`. Refused when `id` is registered already, or when someone else's
    /// request (another key) for `id` is waiting.
    pub fn write_join_request(&self, request: &join::JoinRequest) -> Result<PathBuf, StudyError> {
        let path = self.layout.join_file(&request.id)?;
        let refuse = |message: String| StudyError::Invalid { path: path.clone(), message };
        // A coder registered before signed identities (no key) may ask for their key this way.
        if self.coder(&request.id).is_some_and(|c| c.key.is_some()) {
            return Err(refuse(format!(
                "{:?} is registered in this study already, with a key; if you are them, ask a supervisor to check the key registered for you",
                request.id
            )));
        }
        if let Some(Ok(old)) = self.join_request(&request.id)?
            && old.key != request.key
        {
            return Err(refuse(format!(
                "a request for {:?} with another key is waiting; choose another id or ask a supervisor to remove {}",
                request.id,
                self.layout.relative(&path)
            )));
        }
        files::create_dir_all(&self.layout.join_dir())?;
        files::clean_stale_temps(&self.layout.join_dir());
        let bytes = files::to_toml_bytes(&path, request)?;
        files::atomic_write(&path, &bytes)?;
        Ok(path)
    }

    /// `id`'s join request: none, or the request (or why it cannot be read).
    pub fn join_request(
        &self,
        id: &str,
    ) -> Result<Option<Result<join::JoinRequest, StudyError>>, StudyError> {
        let path = self.layout.join_file(id)?;
        if !path.is_file() {
            return Ok(None);
        }
        let read = files::read_toml::<join::JoinRequest>(&path).and_then(|r| {
            if r.id == id {
                Ok(r)
            } else {
                Err(StudyError::Invalid {
                    path: path.clone(),
                    message: format!("the request is for {:?}, not {id:?}", r.id),
                })
            }
        });
        Ok(Some(read))
    }

    /// The ids of every waiting join request (`join/*.toml`), sorted.
    pub fn join_request_ids(&self) -> Result<Vec<String>, StudyError> {
        let dir = self.layout.join_dir();
        let rd = match fs::read_dir(&dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            r => r.map_err(|e| {
                StudyError::io(&dir, "listing the join requests", "check that you may read it", e)
            })?,
        };
        let mut ids: Vec<String> = rd
            .flatten()
            .filter_map(|e| {
                e.file_name().to_str().and_then(|n| n.strip_suffix(".toml")).map(String::from)
            })
            .filter(|id| check_id("coder", id).is_ok())
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// The next free opaque recording id: R001, R002, … (after the highest registered).
    pub fn next_recording_number(&self) -> u32 {
        self.recordings
            .iter()
            .filter_map(|r| r.id.strip_prefix('R').and_then(|n| n.parse::<u32>().ok()))
            .max()
            .map_or(1, |n| n.saturating_add(1))
    }

    /// Writes supervisor/assignments.toml and every coder's queue (with their drift probes woven
    /// in); `actor` is journalled.
    pub fn save_assignments(
        &self,
        assignments: &[Assignment],
        actor: &str,
    ) -> Result<(), StudyError> {
        let probes = self.probes()?;
        self.save_plan(&Plan { assignments, probes: &probes, extra: vec![], events: vec![] }, actor)
    }

    /// The sampled window of every recording a queue may hold: a live recording's from its
    /// assignment, a drift probe's planned like any recording's from its own id (so nothing about
    /// it points at the gold recording).
    fn queue_windows<'p>(&self, plan: &'p Plan) -> BTreeMap<&'p str, crate::coding::Window> {
        let mut out: BTreeMap<&str, crate::coding::Window> =
            plan.assignments.iter().filter_map(|a| a.window.map(|w| (a.id.as_str(), w))).collect();
        if let Some(window_s) = self.config.sampling.window_s() {
            for p in plan.probes {
                // The gold recording's duration: a new probe's own entry in recordings.toml is
                // written in the same batch (its audio is a copy of gold's).
                if let Some(r) = self.recording(&p.gold) {
                    let seed = self.config.double_coding.seed;
                    out.insert(
                        p.id.as_str(),
                        sampling::window_for(seed, &p.id, r.duration_s, window_s),
                    );
                }
            }
        }
        out
    }

    /// Writes the assignments, every queue and `plan.extra` in one batch, then journals `assign`
    /// and `plan.events`; on any failure every file is as it was.
    fn save_plan(&self, plan: &Plan, actor: &str) -> Result<(), StudyError> {
        let mut created = Vec::new();
        let saved = self.save_plan_in(plan, actor, &mut created);
        if saved.is_err() {
            // Folders made for new coders' queues go too: the study is as it was.
            for d in created.iter().rev() {
                let _ = fs::remove_dir(d);
            }
        }
        saved
    }

    fn save_plan_in(
        &self,
        plan: &Plan,
        actor: &str,
        created: &mut Vec<PathBuf>,
    ) -> Result<(), StudyError> {
        let path = self.layout.assignments_file();
        files::create_dir_all(&self.layout.supervisor_dir())?;
        files::clean_stale_temps(&self.layout.supervisor_dir());
        // Every file staged first (a full disk or an unwritable queue folder fails here, with
        // nothing changed), then all replaced at once.
        let mut batch = files::Batch::new();
        for (p, bytes) in &plan.extra {
            batch.stage(p, bytes)?;
        }
        let bytes = files::to_toml_bytes(
            &path,
            &AssignmentsFile { schema: SCHEMA, recordings: plan.assignments.to_vec() },
        )?;
        batch.stage(&path, &bytes)?;
        let coders: Vec<String> =
            self.coders.iter().filter(|c| c.role == Role::Coder).map(|c| c.id.clone()).collect();
        let windows = self.queue_windows(plan);
        for (coder, live) in assign::queues(plan.assignments, &coders) {
            let recs = probes::weave(&live, &coder, plan.probes);
            let windows: BTreeMap<String, crate::coding::Window> = recs
                .iter()
                .filter_map(|r| windows.get(r.as_str()).map(|w| (r.clone(), *w)))
                .collect();
            let qpath = self.layout.queue_file(&coder)?;
            let dir = self.layout.coder_dir(&coder)?;
            let mut missing: Vec<PathBuf> =
                dir.ancestors().take_while(|d| !d.exists()).map(Path::to_path_buf).collect();
            files::create_dir_all(&dir)?;
            missing.reverse();
            created.extend(missing);
            files::clean_stale_temps(&dir);
            // Training recordings (calibration sets) stay in the queue through a re-assign.
            let old = files::read_toml_opt::<QueueFile>(&qpath)?.unwrap_or_default();
            let q = files::to_toml_bytes(
                &qpath,
                &QueueFile {
                    schema: SCHEMA,
                    coder,
                    recordings: recs,
                    training: old.training,
                    calibration: old.calibration,
                    windows,
                },
            )?;
            batch.stage(&qpath, &q)?;
        }
        let applied = batch.commit()?;
        let assign = Event::Assign { file: self.file_hash(&path, &bytes) };
        for event in std::iter::once(assign).chain(plan.events.iter().cloned()) {
            if let Err(e) = self.append_journal(actor, event) {
                return Err(applied.undo(e));
            }
        }
        Ok(())
    }

    /// Appends an event to `actor`'s journal (`coders/<id>/journal.jsonl` for a coder,
    /// `supervisor/journal/<id>.jsonl` for a supervisor), signed with `actor`'s key (which this
    /// process must hold: see [`Study::add_signer`]).
    pub fn append_journal(
        &self,
        actor: &str,
        event: Event,
    ) -> Result<model::JournalEntry, StudyError> {
        let role = self.require_coder(actor)?.role;
        self.append_journal_as(actor, role, event)
    }

    fn append_journal_as(
        &self,
        actor: &str,
        role: Role,
        event: Event,
    ) -> Result<model::JournalEntry, StudyError> {
        let signer = self.signer(actor)?;
        let jpath = self.layout.journal_file(actor, role)?;
        if let Some(parent) = jpath.parent() {
            files::create_dir_all(parent)?;
        }
        files::injected_fault(&jpath).map_err(|e| {
            StudyError::io(&jpath, "appending to the journal", files::WRITE_HINT, e)
        })?;
        journal::append(&jpath, signer, event).map_err(|e| match e {
            // Said plainly: a journal line that cannot be written leaves the journal (and,
            // through the callers' undo, every file) as it was.
            StudyError::Io { path, action, source, .. } => {
                StudyError::Io { path, action, hint: files::WRITE_HINT, source }
            }
            other => other,
        })
    }

    /// The study-relative path and sha256 of a file's bytes, as the journal records them.
    pub fn file_hash(&self, path: &Path, bytes: &[u8]) -> FileHash {
        FileHash::new(self.layout.relative(path), files::sha256_hex(bytes))
    }

    /// Lets this study act with `signer`'s private key (the caller proved it holds it).
    pub fn add_signer(&mut self, signer: Signer) {
        self.signers.retain(|s| s.id() != signer.id());
        self.signers.push(signer);
    }

    /// The private key of `actor`, or an error saying it is not held.
    pub fn signer(&self, actor: &str) -> Result<&Signer, StudyError> {
        self.signers
            .iter()
            .find(|s| s.id() == actor)
            .ok_or_else(|| StudyError::NotSigned { id: actor.to_string() })
    }
}

/// A path from a file: relative to the study folder, or absolute.
fn resolve(dir: &Path, file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() { p.to_path_buf() } else { dir.join(p) }
}

/// study.toml's schema: the current layout, or the old one (which a supervisor migrates).
fn check_study_schema(path: &Path, schema: u32) -> Result<(), StudyError> {
    if schema == model::LEGACY_STUDY_SCHEMA {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        return Err(StudyError::OldLayout { dir, sample: false });
    }
    if schema != STUDY_SCHEMA {
        return Err(StudyError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "schema = {schema} is not supported (this tapecoder reads study schema {STUDY_SCHEMA}); use a tapecoder version that matches the study"
            ),
        });
    }
    Ok(())
}

fn check_schema(path: &Path, schema: u32) -> Result<(), StudyError> {
    if schema != SCHEMA {
        return Err(StudyError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "schema = {schema} is not supported (this tapecoder reads schema {SCHEMA}); use a tapecoder version that matches the study"
            ),
        });
    }
    Ok(())
}

/// A coding file on its way into the report: taken from the parse cache, or to be parsed.
// Nearly every slot is a hit (a warm cache): boxing the coding would cost an allocation each.
#[allow(clippy::large_enum_variant)]
enum Slot<'a> {
    Hit { path: PathBuf, coding: Coding, key: parse_cache::FileKey, coder: &'a str, rec: &'a str },
    Miss { key: Option<parse_cache::FileKey>, coder: &'a str, rec: &'a str },
}

/// Whether `text` can be a coding whose status is submitted: TOML can spell the status only with
/// the word itself or with an escape (`\u0073…`, a line-ending backslash), so a file with neither
/// need not be parsed to know it is not submitted.
fn may_be_submitted(text: &str) -> bool {
    text.contains("submitted") || text.contains('\\')
}

/// The sampled window of each of `assignments` that has one (see [`sampling`]): recording id ->
/// window.
pub fn windows_of(assignments: &[Assignment]) -> BTreeMap<String, crate::coding::Window> {
    assignments.iter().filter_map(|a| Some((a.id.clone(), a.window?))).collect()
}

/// Each recording's place in `recordings`, by id.
fn index_of(recordings: &[Recording]) -> HashMap<String, usize> {
    recordings.iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect()
}

fn check_unique<'a>(
    path: &Path,
    what: &'static str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<(), StudyError> {
    let mut seen = BTreeMap::new();
    for id in ids {
        if let Err(e) = check_id(what, id) {
            return Err(located(path, id, 1, e.to_string()));
        }
        match seen.insert(id.to_ascii_lowercase(), id) {
            Some(first) if first == id => {
                return Err(located(
                    path,
                    id,
                    2,
                    format!("{what} {id:?} is listed twice; remove one entry"),
                ));
            }
            Some(first) => {
                return Err(located(
                    path,
                    id,
                    1,
                    format!(
                        "{what} {id:?} differs only in case from {first:?}: on a Windows share or a case-insensitive drive both are the same file; rename one"
                    ),
                ));
            }
            None => {}
        }
    }
    Ok(())
}

/// An error about the `nth` `id = "…"` holding `id` in the file, with its line and column when it
/// can be found (the file is read again: this is the error path only).
fn located(path: &Path, id: &str, nth: usize, message: String) -> StudyError {
    let text = fs::read_to_string(path).unwrap_or_default();
    let quoted = toml::Value::String(id.to_string()).to_string();
    let offset = text
        .match_indices(&quoted)
        .map(|(i, _)| i)
        .filter(|&i| {
            text.get(..i)
                .and_then(|b| b.lines().last())
                .is_some_and(|l| l.trim_start().starts_with("id"))
        })
        .nth(nth.saturating_sub(1));
    match offset {
        Some(o) => {
            let (line, column) = files::line_col(&text, o);
            StudyError::Parse { path: path.to_path_buf(), line, column, message }
        }
        None => StudyError::Invalid { path: path.to_path_buf(), message },
    }
}

/// Reads a coding file with the coding module's own checks (line:col on every problem).
pub fn read_coding(path: &Path) -> Result<Option<Coding>, StudyError> {
    match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        _ => {}
    }
    let text = files::read_text(path)?;
    Coding::from_toml(&text, &path.display().to_string()).map(Some).map_err(|e| match e {
        crate::coding::CodingFileError::Invalid { line, column, message, .. } => {
            StudyError::Parse { path: path.to_path_buf(), line, column, message }
        }
        other => StudyError::Invalid { path: path.to_path_buf(), message: other.to_string() },
    })
}

fn coding_bytes(coding: &Coding) -> Result<Vec<u8>, StudyError> {
    coding.to_toml().map(String::into_bytes).map_err(|e| StudyError::Invalid {
        path: PathBuf::from(format!("coders/{}/codings/{}.toml", coding.coder, coding.recording)),
        message: e.to_string(),
    })
}

fn check_coding(path: &Path, c: &Coding, coder: &str, recording: &str) -> Result<(), StudyError> {
    check_schema(path, c.schema)?;
    if c.coder != coder || c.recording != recording {
        return Err(StudyError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "the file says coder {:?}, recording {:?}, but its place says coder {coder:?}, recording {recording:?}",
                c.coder, c.recording
            ),
        });
    }
    Ok(())
}

/// Free text that is stored (names): no control characters (they could reach a terminal raw).
pub fn check_text(what: &'static str, text: &str) -> Result<(), StudyError> {
    if text.trim().is_empty() {
        return Err(StudyError::InvalidText {
            what,
            text: text.to_string(),
            reason: "it is empty".into(),
        });
    }
    if text.chars().any(char::is_control) {
        return Err(StudyError::InvalidText {
            what,
            text: text.to_string(),
            reason: "it contains a control character".into(),
        });
    }
    Ok(())
}

/// File stems of the `*.toml` files in a folder (skipping temp files), sorted; none if missing.
fn toml_stems(dir: &Path) -> Result<Vec<String>, StudyError> {
    let rd = match fs::read_dir(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(vec![]),
        r => {
            r.map_err(|e| StudyError::io(dir, "listing", "check that you may read the folder", e))?
        }
    };
    let mut out: Vec<String> = rd
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                return None;
            }
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::CodebookRef;
    use crate::identity::fictional_signer;

    fn study_with_audio() -> (tempfile::TempDir, Study) {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("s");
        let founder = fictional_signer("sup").public();
        let handbook = crate::commands::init::HANDBOOK.as_bytes();
        Study::create(&dir, "T", "handbook.toml", handbook, 1, Some(&founder)).unwrap();
        let mut s = Study::open(&dir).unwrap();
        for (id, role) in [("sup", Role::Supervisor), ("c1", Role::Coder), ("c2", Role::Coder)] {
            let signer = fictional_signer(id);
            let key = Some(signer.public().to_string());
            s.add_signer(signer);
            s.add_coder(Coder { id: id.into(), name: id.into(), role, key }, "sup").unwrap();
        }
        fs::write(dir.join("a.wav"), b"pretend audio").unwrap();
        let rec = Recording {
            id: "R001".into(),
            file: "a.wav".into(),
            sha256: files::sha256_hex(b"pretend audio"),
            duration_s: 60.0,
            instrument: None,
        };
        let meta =
            RecordingMeta { id: "R001".into(), observer: None, variables: Default::default() };
        s.add_recordings(vec![rec], vec![meta], Some("sup")).unwrap();
        let plan = vec![Assignment {
            id: "R001".into(),
            coders: vec!["c1".into(), "c2".into()],
            double_coded: true,
            window: None,
        }];
        s.save_assignments(&plan, "sup").unwrap();
        let s = open_signed(&dir);
        (d, s)
    }

    /// The study, able to sign as each of its fictional people.
    fn open_signed(dir: &Path) -> Study {
        let mut s = Study::open(dir).unwrap();
        for id in ["sup", "c1", "c2"] {
            s.add_signer(fictional_signer(id));
        }
        s
    }

    /// Two codings in progress with scores and segments, and a cache at `cache` that trusts files
    /// at once (`racy_s` 0).
    fn study_with_codings() -> (tempfile::TempDir, Study) {
        let (d, s) = study_with_audio();
        for (coder, level) in [("c1", 2), ("c2", 4)] {
            let mut c = new_coding(&s, coder);
            c.set_score(s.codebook(), "empathy", level).unwrap();
            c.add_segment(crate::coding::BEHAVIOUR_CHANGE, 10.0, 20.5, 60.0).unwrap();
            c.add_note(5.0, "a note the report never reads", vec![]).unwrap();
            s.save_coding(&c).unwrap();
        }
        (d, s)
    }

    fn cache_at(d: &tempfile::TempDir, racy_s: f64) -> parse_cache::Cache {
        parse_cache::Cache::open_with(Some(d.path().join("cache/codings.bin")), racy_s)
    }

    fn reduced(s: &Study) -> Vec<Coding> {
        s.all_codings().unwrap().iter().map(parse_cache::report_view).collect()
    }

    #[test]
    fn report_codings_are_the_parsed_ones_and_come_from_the_cache_the_second_time() {
        let (d, s) = study_with_codings();
        let (first, hits) = s.report_codings_with(cache_at(&d, 0.0)).unwrap();
        assert_eq!(hits, 0);
        assert_eq!(first, reduced(&s));
        assert_eq!(first.len(), 2);
        assert_eq!(first[0].scores.get("empathy"), Some(&2));
        assert_eq!(first[0].segments.len(), 1);
        assert!(first[0].notes.is_empty(), "the report's view keeps no notes");
        let (second, hits) = s.report_codings_with(cache_at(&d, 0.0)).unwrap();
        assert_eq!((second, hits), (first, 2));
    }

    #[test]
    fn a_file_changed_just_now_is_not_trusted_to_its_metadata() {
        let (d, s) = study_with_codings();
        s.report_codings_with(cache_at(&d, parse_cache::RACY_S)).unwrap();
        let (_, hits) = s.report_codings_with(cache_at(&d, parse_cache::RACY_S)).unwrap();
        assert_eq!(hits, 0, "files written within the racy window are parsed every time");
    }

    #[test]
    fn a_changed_file_is_read_again_even_with_its_size_and_mtime_restored() {
        let (d, s) = study_with_codings();
        s.report_codings_with(cache_at(&d, 0.0)).unwrap();
        let path = s.layout().coding_file("c2", "R001").unwrap();
        let before = fs::metadata(&path).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("empathy = 4"));
        // A later timestamp tick, then an edit in place of the same length, mtime set back.
        std::thread::sleep(std::time::Duration::from_millis(50));
        fs::write(&path, text.replace("empathy = 4", "empathy = 5")).unwrap();
        fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(before.modified().unwrap())
            .unwrap();
        let after = fs::metadata(&path).unwrap();
        assert_eq!(
            (after.len(), after.modified().unwrap()),
            (before.len(), before.modified().unwrap())
        );
        let (codings, hits) = s.report_codings_with(cache_at(&d, 0.0)).unwrap();
        assert_eq!(hits, 1, "only c1's coding is unchanged");
        assert_eq!(codings[1].scores.get("empathy"), Some(&5));
        assert_eq!(codings, reduced(&s));
    }

    #[test]
    fn a_corrupt_or_foreign_cache_is_ignored_and_rewritten() {
        let (d, s) = study_with_codings();
        let want = reduced(&s);
        s.report_codings_with(cache_at(&d, 0.0)).unwrap();
        let file = d.path().join("cache/codings.bin");
        let good = fs::read(&file).unwrap();
        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x40;
        let corruptions: Vec<Vec<u8>> = vec![
            flipped,
            good[..good.len() - 1].to_vec(),
            good[..20].to_vec(),
            [good.clone(), b"x".to_vec()].concat(),
            b"not a cache at all".to_vec(),
            Vec::new(),
        ];
        for bad in corruptions {
            fs::write(&file, &bad).unwrap();
            let (codings, hits) = s.report_codings_with(cache_at(&d, 0.0)).unwrap();
            assert_eq!((hits, &codings), (0, &want));
            let (_, hits) = s.report_codings_with(cache_at(&d, 0.0)).unwrap();
            assert_eq!(hits, 2, "the cache was rewritten");
        }
        // A deleted cache is rebuilt; a cache folder that cannot be written only costs time.
        fs::remove_file(&file).unwrap();
        assert_eq!(s.report_codings_with(cache_at(&d, 0.0)).unwrap(), (want.clone(), 0));
        let blocked = parse_cache::Cache::open_with(Some(s.dir().join("a.wav/x.bin")), 0.0);
        assert_eq!(s.report_codings_with(blocked).unwrap(), (want, 0));
    }

    #[test]
    fn writing_a_cache_removes_other_studies_caches_unused_for_a_month() {
        let (d, s) = study_with_codings();
        let dir = d.path().join("cache");
        fs::create_dir_all(&dir).unwrap();
        let month_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(31 * 86_400);
        for name in ["old.bin", "recent.bin", ".tmpKilled", "notes.txt"] {
            fs::write(dir.join(name), b"x").unwrap();
        }
        for name in ["old.bin", ".tmpKilled", "notes.txt"] {
            let f = fs::File::options().write(true).open(dir.join(name)).unwrap();
            f.set_modified(month_ago).unwrap();
        }
        s.report_codings_with(cache_at(&d, 0.0)).unwrap();
        let mut left: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["codings.bin", "notes.txt", "recent.bin"]);
    }

    #[test]
    fn a_broken_coding_is_reported_whatever_the_cache_holds() {
        let (d, s) = study_with_codings();
        s.report_codings_with(cache_at(&d, 0.0)).unwrap();
        let path = s.layout().coding_file("c1", "R001").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        fs::write(&path, "schema = 1\nrecording = \"R001\"\n[broken\n").unwrap();
        for _ in 0..2 {
            let e = s.report_codings_with(cache_at(&d, 0.0)).unwrap_err();
            assert!(e.to_string().contains("R001"), "{e}");
        }
    }

    fn new_coding(s: &Study, coder: &str) -> Coding {
        let rec = s.recording("R001").unwrap();
        Coding::new(
            "R001",
            coder,
            CodebookRef::of(s.codebook()),
            &rec.sha256,
            "2026-01-01T00:00:00Z",
        )
    }

    #[test]
    fn only_a_file_that_cannot_be_submitted_is_left_unparsed() {
        let (_d, s) = study_with_audio();
        let mut c = new_coding(&s, "c1");
        c.scores.insert("empathy".into(), 3);
        let open = c.to_toml().unwrap();
        assert!(!may_be_submitted(&open), "{open}");
        c.submit("2026-01-01T01:00:00Z").unwrap();
        let submitted = c.to_toml().unwrap();
        assert!(may_be_submitted(&submitted));
        // A hand-written file may spell the status with an escape: it is parsed, and is submitted.
        for spelled in ["\"\\u0073ubmitted\"", "\"\"\"sub\\\n   mitted\"\"\""] {
            let text = submitted.replacen("\"submitted\"", spelled, 1);
            assert_ne!(text, submitted);
            let parsed = Coding::from_toml(&text, "hand.toml").unwrap();
            assert_eq!(parsed.status, Status::Submitted, "{spelled}");
            assert!(may_be_submitted(&text), "{spelled}");
        }
    }

    #[test]
    fn save_submit_and_read_only_after() {
        let (_d, s) = study_with_audio();
        assert_eq!(s.queue("c1").unwrap().len(), 1);
        assert!(s.load_coding("c1", "R001").unwrap().is_none());
        let mut c = new_coding(&s, "c1");
        c.scores.insert("empathy".into(), 3);
        s.save_coding(&c).unwrap();
        assert_eq!(s.load_coding("c1", "R001").unwrap().as_ref(), Some(&c));
        c.submit("2026-01-01T01:00:00Z").unwrap();
        s.submit_coding(&c).unwrap();
        let journal = fs::read_to_string(s.dir().join("coders/c1/journal.jsonl")).unwrap();
        let bytes = fs::read(s.dir().join("coders/c1/codings/R001.toml")).unwrap();
        assert!(journal.contains(&files::sha256_hex(&bytes)), "{journal}");
        assert!(journal.contains("\"path\":\"coders/c1/codings/R001.toml\""), "{journal}");
        // Everything of c1 is in c1's folder; nothing of c1 is anywhere else.
        assert!(s.dir().join("coders/c1/queue.toml").is_file());
        assert!(fs::read_to_string(s.dir().join("supervisor/journal/sup.jsonl")).is_ok());
        for old in ["journal", "queues", "codings"] {
            assert!(!s.dir().join(old).exists(), "{old}/ of schema 1");
        }
        let mut again = c.clone();
        again.status = Status::InProgress;
        assert!(matches!(s.save_coding(&again), Err(StudyError::AlreadySubmitted { .. })));
        assert!(matches!(s.submit_coding(&c), Err(StudyError::AlreadySubmitted { .. })));
        let report = verify::verify(s.dir(), &verify::Scope::All, |_| {});
        assert!(report.ok(), "{:?}", report.problems);
        assert_eq!(report.submitted_matched, 1);
    }

    #[test]
    fn receipts_from_the_journals_read_at_open_are_the_receipts_read_again() {
        let (_d, s) = study_with_audio();
        let mut c = new_coding(&s, "c1");
        c.scores.insert("empathy".into(), 3);
        c.submit("2026-01-01T01:00:00Z").unwrap();
        s.submit_coding(&c).unwrap();
        let read = verify::SupervisorJournals::read(s.layout(), s.coders());
        assert!(verify::trusted_supervisor_in(
            &read,
            s.config(),
            "sup",
            s.coder("sup").and_then(|c| c.key.as_deref()).unwrap()
        ));
        assert!(!verify::trusted_supervisor_in(&read, s.config(), "c1", "x"));
        // The first open receives the submission; one read before it knows of no receipt.
        assert_eq!(s.record_receipts_with("sup", &read).unwrap(), 1);
        // Read again: the receipt just written is there, so nothing is received twice, whether
        // the journals come from a fresh read or are read by the receipts themselves.
        let again = verify::SupervisorJournals::read(s.layout(), s.coders());
        let sup_journal = s.layout().supervisor_journal_file("sup").unwrap();
        assert!(again.lines(&sup_journal).is_some_and(|l| !l.is_empty()));
        assert_eq!(s.record_receipts_with("sup", &again).unwrap(), 0);
        assert_eq!(s.record_receipts("sup").unwrap(), 0);
        let report = verify::verify(s.dir(), &verify::Scope::All, |_| {});
        assert!(report.ok(), "{:?}", report.problems);
    }

    #[test]
    fn coder_side_never_needs_supervisor_folder() {
        let (_d, s) = study_with_audio();
        fs::remove_dir_all(s.dir().join("supervisor")).unwrap();
        let s = open_signed(s.dir());
        assert_eq!(s.queue("c2").unwrap().len(), 1);
        let mut c = new_coding(&s, "c2");
        s.save_coding(&c).unwrap();
        c.submit("2026-01-01T01:00:00Z").unwrap();
        s.submit_coding(&c).unwrap();
        assert_eq!(s.codings_of("c2").unwrap().len(), 1);
        let _lock = s.lock_coding("c2", "R001").unwrap();
        assert!(!s.dir().join("supervisor").exists());
    }

    #[test]
    fn identities_are_checked() {
        let (_d, s) = study_with_audio();
        let mut c = new_coding(&s, "c1");
        c.coder = "ghost".into();
        assert!(matches!(s.save_coding(&c), Err(StudyError::UnknownCoder { .. })));
        assert!(matches!(s.load_coding("../c1", "R001"), Err(StudyError::InvalidId(_))));
        assert!(matches!(s.require_supervisor("c1", "x"), Err(StudyError::NotSupervisor { .. })));
        // A coding file moved into another coder's folder is refused.
        let c = new_coding(&s, "c1");
        s.save_coding(&c).unwrap();
        fs::create_dir_all(s.dir().join("coders/c2/codings")).unwrap();
        fs::copy(
            s.dir().join("coders/c1/codings/R001.toml"),
            s.dir().join("coders/c2/codings/R001.toml"),
        )
        .unwrap();
        assert!(matches!(s.load_coding("c2", "R001"), Err(StudyError::Invalid { .. })));
    }

    #[test]
    fn audio_missing_or_changed_is_typed() {
        let (_d, s) = study_with_audio();
        let rec = s.recording("R001").unwrap().clone();
        assert!(s.checked_audio_path(&rec).is_ok());
        fs::write(s.audio_path(&rec), b"other audio").unwrap();
        assert!(matches!(s.checked_audio_path(&rec), Err(StudyError::AudioChanged { .. })));
        fs::remove_file(s.audio_path(&rec)).unwrap();
        assert!(matches!(s.checked_audio_path(&rec), Err(StudyError::AudioMissing { .. })));
    }

    #[test]
    fn second_lock_refused() {
        let (_d, s) = study_with_audio();
        let lock = s.lock_coding("c1", "R001").unwrap();
        let err = s.lock_coding("c1", "R001").unwrap_err();
        assert!(matches!(err, StudyError::Locked { .. }), "{err}");
        drop(lock);
        assert!(s.lock_coding("c1", "R001").is_ok());
        // The lock file is not a coding.
        let _l = s.lock_coding("c1", "R001").unwrap();
        assert!(s.codings_of("c1").unwrap().is_empty());
    }

    #[test]
    fn adjudication_is_journalled_and_verified() {
        let (_d, s) = study_with_audio();
        let a = Adjudication {
            schema: SCHEMA,
            recording: "R001".into(),
            supervisor: "sup".into(),
            decided_at: "2026-01-02T00:00:00Z".into(),
            decisions: vec![model::Decision {
                domain: "empathy".into(),
                final_score: 3,
                reason: "heard it".into(),
                coder_scores: [("c1".to_string(), 2), ("c2".to_string(), 4)].into(),
            }],
        };
        let bad = Adjudication { supervisor: "c1".into(), ..a.clone() };
        assert!(s.save_adjudication(&bad).is_err());
        s.save_adjudication(&a).unwrap();
        assert_eq!(s.adjudication("R001").unwrap(), Some(a));
        let report = verify::verify(s.dir(), &verify::Scope::All, |_| {});
        assert!(report.ok(), "{:?}", report.problems);
        assert_eq!(report.adjudications_matched, 1);
        let p = s.dir().join("supervisor/adjudications/R001.toml");
        let text = fs::read_to_string(&p).unwrap().replace("final_score = 3", "final_score = 4");
        fs::write(&p, text).unwrap();
        let report = verify::verify(s.dir(), &verify::Scope::All, |_| {});
        assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
        assert!(report.problems[0].contains("changed after it was saved"));
    }

    #[test]
    fn duplicate_ids_and_bad_schema_refuse_to_open() {
        let (_d, s) = study_with_audio();
        let p = s.dir().join("coders.toml");
        let text = fs::read_to_string(&p).unwrap();
        fs::write(&p, format!("{text}\n[[coder]]\nid = \"c1\"\nname = \"x\"\nrole = \"coder\"\n"))
            .unwrap();
        let err = Study::open(s.dir()).unwrap_err().to_string();
        assert!(err.contains("\"c1\" is listed twice"), "{err}");
        fs::write(&p, text.replace("schema = 1", "schema = 2")).unwrap();
        let err = Study::open(s.dir()).unwrap_err().to_string();
        assert!(err.contains("schema = 2 is not supported"), "{err}");
        fs::write(&p, text).unwrap();
        let sp = s.dir().join("study.toml");
        let study = fs::read_to_string(&sp).unwrap();
        assert!(study.starts_with("schema = 2\n"), "{study}");
        fs::write(&sp, study.replacen("schema = 2", "schema = 1", 1)).unwrap();
        let err = Study::open(s.dir()).unwrap_err();
        assert!(matches!(err, StudyError::OldLayout { .. }), "{err}");
        assert!(err.to_string().contains("tapecoder migrate"), "{err}");
        fs::write(&sp, study.replacen("schema = 2", "schema = 3", 1)).unwrap();
        let err = Study::open(s.dir()).unwrap_err().to_string();
        assert!(err.contains("schema = 3 is not supported"), "{err}");
    }
}
