//! The coder app's disk work, done on the runtime's disk thread: saves (newest wins), submits,
//! queue refreshes (with the study opened again), and the checks before a recording opens (lock,
//! audio sha256, coding). The only place the coder TUI reads or writes the study.
use std::path::PathBuf;
use std::sync::Arc;

use crate::coding::{CodebookRef, Coding, Status};
use crate::study::journal::now_rfc3339;
use crate::study::prefs::Prefs;
use crate::study::{Study, StudyError};
use crate::tui::coder::model::{Msg, Opened};
use crate::tui::coder::queue::{QueueRow, RowStatus};
use crate::tui::runtime::{MediaOpen, Reply, Worker};

/// Work for the disk thread, done in order: a refresh after a save sees the saved file.
#[derive(Debug)]
pub enum Job {
    Save(Box<Coding>),
    Submit(Box<Coding>),
    /// The coder's preferences (the newest replaces one still queued).
    SavePrefs(Prefs),
    RefreshQueue,
    /// Lock the recording and check its audio and coding (hashing a long file takes a while).
    Prepare(String),
}

/// The coder's study and id, on the disk thread.
pub struct CoderWorker {
    pub study: Arc<Study>,
    pub coder: String,
}

impl Worker for CoderWorker {
    type Job = Job;
    type Msg = Msg;

    fn run(&mut self, job: Job, superseded: bool) -> Reply<Msg> {
        match job {
            // Answered too, so the UI's count of pending saves stays right.
            Job::Save(_) if superseded => Reply::Msg(Msg::Saved(Ok(()))),
            Job::Save(c) => {
                let mut c = *c;
                c.updated_at = now_rfc3339();
                Reply::Msg(Msg::Saved(self.study.save_coding(&c).map_err(|e| e.to_string())))
            }
            Job::Submit(c) => Reply::Msg(submit(&self.study, *c)),
            Job::SavePrefs(_) if superseded => Reply::Msg(Msg::PrefsSaved(Ok(()))),
            Job::SavePrefs(p) => Reply::Msg(Msg::PrefsSaved(
                self.study.save_prefs(&self.coder, &p).map_err(|e| e.to_string()),
            )),
            Job::RefreshQueue => Reply::Msg(self.refresh()),
            Job::Prepare(id) => prepare(&self.study, &self.coder, id),
        }
    }

    fn supersedes(next: &Job, job: &Job) -> bool {
        matches!((next, job), (Job::Save(_), Job::Save(_)) | (Job::SavePrefs(_), Job::SavePrefs(_)))
    }

    fn unavailable(job: Job) -> Option<Msg> {
        let why = "the disk worker stopped; quit and reopen".to_string();
        match job {
            Job::Save(_) => Some(Msg::Saved(Err(why))),
            Job::Submit(_) => Some(Msg::Submitted(Err(why))),
            Job::SavePrefs(_) => Some(Msg::PrefsSaved(Err(why))),
            Job::RefreshQueue => Some(Msg::QueueFailed(why)),
            Job::Prepare(id) => Some(Msg::OpenFailed { id, reason: why }),
        }
    }
}

impl CoderWorker {
    /// The queue read afresh. The study is opened again first: recordings imported and assigned
    /// since the app started are in `recordings.toml`, which was read at the start. A failure is
    /// said on screen and the study as last read stays in use.
    fn refresh(&mut self) -> Msg {
        match Study::open(self.study.dir()) {
            Ok(mut fresh) => {
                // The coder's key, proven at the start, signs on in the study read afresh.
                if let Ok(signer) = self.study.signer(&self.coder) {
                    fresh.add_signer(signer.clone());
                }
                self.study = Arc::new(fresh);
            }
            Err(e) => return Msg::QueueFailed(e.to_string()),
        }
        match queue_rows(&self.study, &self.coder) {
            Ok(rows) => Msg::Queue(rows),
            Err(e) => Msg::QueueFailed(e.to_string()),
        }
    }
}

/// Locks the recording and checks everything; the player opens on the UI thread.
fn prepare(study: &Study, coder: &str, id: String) -> Reply<Msg> {
    let checked = study
        .lock_coding(coder, &id)
        .map_err(|e| e.to_string())
        .and_then(|lock| prepare_open(study, coder, &id).map(|(c, p, d)| (lock, c, p, d)));
    let (lock, coding, path, duration_s) = match checked {
        Ok(v) => v,
        Err(reason) => return Reply::Msg(Msg::OpenFailed { id, reason }),
    };
    let duration_s = if duration_s.is_finite() { duration_s.max(0.0) } else { 0.0 };
    let overview_key = study.recording(&id).map_or_else(|| id.clone(), |r| r.sha256.clone());
    let start_s = coding.resume_s;
    let transcript = study
        .transcript(&id)
        .map(|t| t.map(|f| f.transcript()))
        .map_err(|e| format!("the transcript cannot be read: {e}"));
    Reply::Media(Box::new(MediaOpen {
        audio: Ok(path),
        duration_s,
        start_s,
        overview_key,
        hold: Some(Box::new(lock)),
        opened: Box::new(move |snapshot| {
            Msg::Opened(Box::new(Opened { coding, duration_s, snapshot, transcript }))
        }),
    }))
}

/// The coder's queue as the screen shows it: only their own recordings and their own codings.
/// Checks only that each audio file is there (hashing waits until a recording is opened).
pub fn queue_rows(study: &Study, coder: &str) -> Result<Vec<QueueRow>, StudyError> {
    let recs = study.queue(coder)?;
    let mut rows = Vec::with_capacity(recs.len());
    for r in recs {
        let coding = study.load_coding(coder, &r.id);
        let (status, listened, problem) = match coding {
            Ok(Some(c)) => (
                match c.status {
                    Status::Submitted => RowStatus::Submitted,
                    Status::InProgress => RowStatus::InProgress,
                },
                c.listened_fraction(r.duration_s),
                None,
            ),
            Ok(None) => (RowStatus::NotStarted, 0.0, None),
            Err(e) => {
                (RowStatus::InProgress, 0.0, Some(format!("your coding file cannot be read: {e}")))
            }
        };
        let problem = problem.or_else(|| {
            (!study.audio_path(r).is_file()).then(|| {
                "the audio file is missing or was moved; ask your supervisor to restore it"
                    .to_string()
            })
        });
        rows.push(QueueRow {
            id: r.id.clone(),
            duration_s: r.duration_s,
            status,
            listened,
            problem,
        });
    }
    Ok(rows)
}

/// A user-facing reason a recording cannot be opened. Names no audio file (blinding).
fn open_problem(e: &StudyError) -> String {
    match e {
        StudyError::AudioMissing { .. } => {
            "the audio file is missing or was moved; ask your supervisor to restore it".into()
        }
        StudyError::AudioChanged { .. } => {
            "the audio file has changed since it was imported; ask your supervisor to restore the original".into()
        }
        other => other.to_string(),
    }
}

/// Creates the coding of a recording opened for the first time: nothing scored, nothing tagged.
pub fn new_coding(study: &Study, coder: &str, recording: &str, audio_sha256: &str) -> Coding {
    Coding::new(recording, coder, CodebookRef::of(study.codebook()), audio_sha256, &now_rfc3339())
}

/// Everything opening a recording needs, checked: the audio is there and unchanged since import,
/// and the coder's own coding (or a new one). Errors are user-facing and name no audio file.
pub fn prepare_open(
    study: &Study,
    coder: &str,
    id: &str,
) -> Result<(Coding, PathBuf, f64), String> {
    let Some(rec) = study.recording(id) else {
        return Err("this recording is no longer in the study; ask your supervisor".into());
    };
    let path = study.checked_audio_path(rec).map_err(|e| open_problem(&e))?;
    let coding = match study.load_coding(coder, id) {
        Ok(Some(c)) => c,
        Ok(None) => new_coding(study, coder, id, &rec.sha256),
        Err(e) => return Err(format!("your coding file cannot be read: {e}")),
    };
    if coding.status != Status::Submitted && !coding.audio_sha256.eq_ignore_ascii_case(&rec.sha256)
    {
        return Err(
            "your coding was made from different audio than the study now holds; ask your supervisor"
                .into(),
        );
    }
    Ok((coding, path, rec.duration_s))
}

/// Submits after checking the rules once more; the answer for the UI.
fn submit(study: &Study, mut c: Coding) -> Msg {
    let duration = study.recording(&c.recording).map_or(0.0, |r| r.duration_s);
    let submitted = c
        .try_submit(study.codebook(), duration, &now_rfc3339())
        .map_err(|problems| problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        .and_then(|()| study.submit_coding(&c).map_err(|e| e.to_string()));
    match submitted {
        Ok(()) => Msg::Submitted(Ok(Box::new(c))),
        Err(e) => Msg::Submitted(Err(e)),
    }
}
