//! A recording's transcript in the study: `transcripts/<recording>.toml`, the normalised copy of
//! the file a supervisor attached (cues in whole milliseconds, speakers kept), written by
//! supervisors and read by everyone (a coder sees it beside the audio). Attaching and detaching
//! are signed journal events (`transcript`, `transcript_detached`, with the file's sha256), so
//! `verify` proves that what coders read is what a supervisor attached.
//!
//! The copy keeps the source's format and sha256 but not its name, which could carry a study
//! variable (`armB_visit3.vtt`).
use std::fs;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::files::{self, WRITE_HINT};
use super::model::Event;
use super::{Study, StudyError};
use crate::transcript::{Cue, Transcript};

/// The stored file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranscriptFile {
    pub schema: u32,
    pub recording: String,
    pub source: Source,
    #[serde(default, rename = "cue")]
    pub cues: Vec<Cue>,
}

/// What the copy was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The format's name (`WebVTT`, `SRT`, `Praat TextGrid`, `ELAN EAF`, `timed-turns text`).
    pub format: String,
    /// sha256 of the attached file's bytes.
    pub sha256: String,
}

impl TranscriptFile {
    pub fn transcript(&self) -> Transcript {
        Transcript { cues: self.cues.clone() }
    }
}

impl Study {
    /// `transcripts/<recording>.toml`.
    pub fn transcript_file(&self, recording: &str) -> Result<PathBuf, StudyError> {
        super::check_id("recording", recording)?;
        Ok(self.layout.transcripts_dir().join(format!("{recording}.toml")))
    }

    /// The recording's transcript, if one is attached.
    pub fn transcript(&self, recording: &str) -> Result<Option<TranscriptFile>, StudyError> {
        let path = self.transcript_file(recording)?;
        files::read_toml_opt(&path)
    }

    /// Stores `t` as the transcript of `recording` (replacing one attached before), checked
    /// against the recording's duration, with a signed `transcript` line by `actor`. All or
    /// nothing: if the journal line cannot be written, the previous transcript (or none) is back.
    pub fn attach_transcript(
        &self,
        recording: &str,
        t: &Transcript,
        source: Source,
        actor: &str,
    ) -> Result<PathBuf, StudyError> {
        self.require_supervisor(actor, "attach a transcript")?;
        let rec = self.require_recording(recording)?;
        let path = self.transcript_file(recording)?;
        t.check(rec.duration_s).map_err(|e| StudyError::Invalid {
            path: path.clone(),
            message: format!("the transcript does not fit recording {recording}: {e}"),
        })?;
        let dir = self.layout.transcripts_dir();
        files::create_dir_all(&dir)?;
        files::clean_stale_temps(&dir);
        let file = TranscriptFile {
            schema: 1,
            recording: recording.to_string(),
            source,
            cues: t.cues.clone(),
        };
        let bytes = files::to_toml_bytes(&path, &file)?;
        let mut batch = files::Batch::new();
        batch.stage(&path, &bytes)?;
        let applied = batch.commit()?;
        if let Err(e) =
            self.append_journal(actor, Event::Transcript { file: self.file_hash(&path, &bytes) })
        {
            return Err(applied.undo(e));
        }
        Ok(path)
    }

    /// Removes the transcript of `recording` with a signed `transcript_detached` line; false if
    /// there was none. If the line cannot be written, the file stays.
    pub fn detach_transcript(&self, recording: &str, actor: &str) -> Result<bool, StudyError> {
        self.require_supervisor(actor, "detach a transcript")?;
        self.require_recording(recording)?;
        let path = self.transcript_file(recording)?;
        let bytes = match fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(StudyError::io(&path, "reading", WRITE_HINT, e)),
            Ok(b) => b,
        };
        // Moved aside first, so a failed journal line can put it back untouched.
        let aside = files::temp_path(&path);
        fs::rename(&path, &aside).map_err(|e| StudyError::io(&path, "removing", WRITE_HINT, e))?;
        if let Err(e) = self.append_journal(
            actor,
            Event::TranscriptDetached { file: self.file_hash(&path, &bytes) },
        ) {
            return Err(match fs::rename(&aside, &path) {
                Ok(()) => StudyError::Undone { cause: Box::new(e) },
                Err(_) => StudyError::NotRestored {
                    cause: Box::new(e),
                    files: vec![format!("{} (it is {} now)", path.display(), aside.display())],
                },
            });
        }
        let _ = fs::remove_file(&aside);
        let _ = files::sync_dir(&self.layout.transcripts_dir());
        Ok(true)
    }
}
