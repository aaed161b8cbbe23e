//! The coder app's disk work, done on the runtime's disk thread: saves (newest wins), submits,
//! queue refreshes (with the study opened again), and the checks before a recording opens (lock,
//! audio sha256, coding). The only place the coder TUI reads or writes the study.
//!
//! The same app lets a supervisor write gold codings (`tapecoder gold edit`): its worker is made
//! with [`CoderWorker::gold`], its queue is every recording of the study's first instrument with
//! its gold, and a recording opens as the supervisor's gold draft ([`Work::Gold`]), which a
//! submit sets as the recording's gold.
use std::path::PathBuf;
use std::sync::Arc;

use crate::coding::{CodebookRef, Coding, Status, Window};
use crate::study::journal::now_rfc3339;
use crate::study::{Study, StudyError, Work, calibration, gold};
use crate::tui::coder::feedback::FeedbackData;
use crate::tui::coder::model::{Job, Msg, Opened};
use crate::tui::coder::queue::{QueueRow, RowStatus};
use crate::tui::runtime::{MediaOpen, Reply, Worker};

/// The coder's study and id, on the disk thread.
pub struct CoderWorker {
    pub study: Arc<Study>,
    pub coder: String,
    /// Whether the recording open is live work, training or gold (set by each open; the jobs
    /// run in order, so every save between two opens belongs to the first).
    pub work: Work,
    /// What `Job::Prepare` opens: live work for a coder, a gold draft for a supervisor.
    pub opens: Work,
}

impl CoderWorker {
    pub fn new(study: Arc<Study>, coder: String) -> Self {
        Self { study, coder, work: Work::Live, opens: Work::Live }
    }

    /// The worker of a supervisor writing gold codings.
    pub fn gold(study: Arc<Study>, supervisor: String) -> Self {
        Self { study, coder: supervisor, work: Work::Gold, opens: Work::Gold }
    }
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
                let saved = self.study.save_coding_in(self.work, &c);
                Reply::Msg(Msg::Saved(saved.map_err(|e| e.to_string())))
            }
            Job::Submit(c) => Reply::Msg(submit(&self.study, &self.coder, self.work, *c)),
            // A supervisor has no coder folder to keep a speed in: it lasts the session.
            Job::SavePrefs(_) if superseded || self.opens == Work::Gold => {
                Reply::Msg(Msg::PrefsSaved(Ok(())))
            }
            Job::SavePrefs(p) => Reply::Msg(Msg::PrefsSaved(
                self.study.save_prefs(&self.coder, &p).map_err(|e| e.to_string()),
            )),
            Job::RefreshQueue => Reply::Msg(self.refresh()),
            Job::Prepare(id) => {
                self.work = self.opens;
                prepare(&self.study, &self.coder, self.opens, id)
            }
            Job::PrepareTraining(id) => {
                self.work = Work::Training;
                prepare(&self.study, &self.coder, Work::Training, id)
            }
            Job::Feedback(id) => {
                Reply::Msg(Msg::Feedback(feedback(&self.study, &self.coder, &id).map(Box::new)))
            }
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
            Job::Prepare(id) | Job::PrepareTraining(id) => {
                Some(Msg::OpenFailed { id, reason: why })
            }
            Job::Feedback(_) => Some(Msg::Feedback(Err(why))),
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
        let rows = match self.opens {
            Work::Gold => gold_rows(&self.study, &self.coder),
            Work::Live | Work::Training => queue_rows(&self.study, &self.coder),
        };
        match rows {
            Ok(rows) => Msg::Queue(rows),
            Err(e) => Msg::QueueFailed(e.to_string()),
        }
    }
}

/// Locks the recording and checks everything; the player opens on the UI thread.
fn prepare(study: &Study, coder: &str, work: Work, id: String) -> Reply<Msg> {
    let lock = match work {
        Work::Gold => study.lock_gold(coder, &id),
        Work::Live | Work::Training => study.lock_coding(coder, &id),
    };
    let checked = lock.map_err(|e| e.to_string()).and_then(|lock| {
        prepare_open_in(study, work, coder, &id).map(|(c, p, d, w)| (lock, c, p, d, w))
    });
    let (lock, coding, path, duration_s, window) = match checked {
        Ok(v) => v,
        Err(reason) => return Reply::Msg(Msg::OpenFailed { id, reason }),
    };
    let duration_s = if duration_s.is_finite() { duration_s.max(0.0) } else { 0.0 };
    let overview_key = study.recording(&id).map_or_else(|| id.clone(), |r| r.sha256.clone());
    // The player opens where the coder left off, inside the window.
    let start_s = match window {
        Some(w) if coding.resume_s.is_finite() => coding.resume_s.clamp(w.start_s, w.end_s),
        Some(w) => w.start_s,
        None => coding.resume_s,
    };
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
            Msg::Opened(Box::new(Opened { coding, duration_s, snapshot, transcript, window }))
        }),
    }))
}

/// The coder's queue as the screen shows it: only their own recordings and their own codings.
/// Checks only that each audio file is there (hashing waits until a recording is opened).
pub fn queue_rows(study: &Study, coder: &str) -> Result<Vec<QueueRow>, StudyError> {
    let live = study.queue(coder)?.into_iter().map(|r| (r, Work::Live));
    let training = study.training_queue(coder)?.into_iter().map(|r| (r, Work::Training));
    let recs: Vec<_> = training.chain(live).collect();
    // A live recording's listened share is taken within the coder's sampled window.
    let windows = study.queue_file(coder)?.windows;
    let mut rows = Vec::with_capacity(recs.len());
    for (r, work) in recs {
        let window = windows.get(&r.id).filter(|_| work == Work::Live);
        let coded = Window::or_whole(window, r.duration_s);
        let coding = study.load_coding_in(work, coder, &r.id);
        let (status, listened, problem) = match coding {
            Ok(Some(c)) => (
                match c.status {
                    Status::Submitted => RowStatus::Submitted,
                    Status::InProgress => RowStatus::InProgress,
                },
                c.listened_fraction_in(&coded),
                None,
            ),
            Ok(None) => (RowStatus::NotStarted, 0.0, None),
            Err(e) => {
                (RowStatus::InProgress, 0.0, Some(format!("your coding file cannot be read: {e}")))
            }
        };
        rows.push(queue_row(study, r, (status, listened, problem), work == Work::Training));
    }
    Ok(rows)
}

/// A queue row of `r` as its coding (or gold) stands: status, listened share and a problem; a
/// missing audio file is the problem when there is no other.
fn queue_row(
    study: &Study,
    r: &crate::study::model::Recording,
    (status, listened, problem): (RowStatus, f64, Option<String>),
    training: bool,
) -> QueueRow {
    let problem = problem.or_else(|| {
        (!study.audio_path(r).is_file()).then(|| {
            "the audio file is missing or was moved; ask your supervisor to restore it".to_string()
        })
    });
    QueueRow {
        id: r.id.clone(),
        duration_s: r.duration_s,
        status,
        listened,
        problem,
        training,
        gold: false,
    }
}

/// A supervisor's gold queue: every recording of the study's first instrument (gold is defined
/// on it), in the study's order: "submitted" where a gold is set and no draft of theirs is open,
/// "in progress" where they have a draft; `gold` says whether a gold is set, draft or not.
pub fn gold_rows(study: &Study, supervisor: &str) -> Result<Vec<QueueRow>, StudyError> {
    study.require_supervisor(supervisor, "write gold codings")?;
    let first = &study.codebook().id;
    let mut rows = Vec::new();
    for r in study.recordings().iter().filter(|r| &study.codebook_for(&r.id).id == first) {
        let coded = Window::or_whole(None, r.duration_s);
        let (gold, gold_problem) = match gold::load(study, &r.id) {
            Ok(g) => (g.is_some(), None),
            Err(e) => (false, Some(format!("its gold cannot be read: {e}"))),
        };
        let state = match study.load_coding_in(Work::Gold, supervisor, &r.id) {
            // A draft opens by itself: an unreadable gold does not stop it.
            Ok(Some(c)) => (RowStatus::InProgress, c.listened_fraction_in(&coded), None),
            Ok(None) if gold => (RowStatus::Submitted, 0.0, None),
            Ok(None) => (RowStatus::NotStarted, 0.0, gold_problem),
            Err(e) => (RowStatus::InProgress, 0.0, Some(format!("your draft cannot be read: {e}"))),
        };
        rows.push(QueueRow { gold, ..queue_row(study, r, state, false) });
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
    let book = CodebookRef::of(study.codebook_for(recording));
    Coding::new(recording, coder, book, audio_sha256, &now_rfc3339())
}

/// What opening a recording needs: the coding, the audio file, the recording's duration (s) and
/// the sampled window the coder codes (`None`: the whole recording).
pub type OpenCheck = (Coding, PathBuf, f64, Option<Window>);

/// Everything opening a recording needs, checked: the audio is there and unchanged since import,
/// the coder's own coding (or a new one) and their sampled window of it (from their queue).
/// Errors are user-facing and name no audio file.
pub fn prepare_open(study: &Study, coder: &str, id: &str) -> Result<OpenCheck, String> {
    prepare_open_in(study, Work::Live, coder, id)
}

/// [`prepare_open`] for live work or training.
pub fn prepare_open_in(
    study: &Study,
    work: Work,
    coder: &str,
    id: &str,
) -> Result<OpenCheck, String> {
    let Some(rec) = study.recording(id) else {
        return Err("this recording is no longer in the study; ask your supervisor".into());
    };
    let path = study.checked_audio_path(rec).map_err(|e| open_problem(&e))?;
    let coding = match study.load_coding_in(work, coder, id) {
        Ok(Some(c)) => c,
        // A gold already set is edited again from what it holds.
        Ok(None) if work == Work::Gold => match gold::load(study, id) {
            Ok(Some(g)) => g.as_draft(coder, &now_rfc3339()),
            Ok(None) => new_coding(study, coder, id, &rec.sha256),
            Err(e) => return Err(format!("the gold coding cannot be read: {e}")),
        },
        Ok(None) => new_coding(study, coder, id, &rec.sha256),
        Err(e) => return Err(format!("your coding file cannot be read: {e}")),
    };
    let instrument = study.codebook_for(id);
    if coding.codebook.id != instrument.id {
        return Err(format!(
            "your coding was made with instrument `{}`, but this recording is coded with `{}`; ask your supervisor",
            coding.codebook.id, instrument.id
        ));
    }
    if coding.status != Status::Submitted && !coding.audio_sha256.eq_ignore_ascii_case(&rec.sha256)
    {
        return Err(
            "your coding was made from different audio than the study now holds; ask your supervisor"
                .into(),
        );
    }
    // Training recordings and gold are coded whole; a live one keeps to its window (if well
    // formed).
    let window = match work {
        Work::Training | Work::Gold => None,
        Work::Live => study
            .window(coder, id)
            .map_err(|e| format!("your queue cannot be read: {e}"))?
            .filter(|w| w.fits(rec.duration_s)),
    };
    Ok((coding, path, rec.duration_s, window))
}

/// Submits after checking the rules once more; the answer for the UI.
/// A live recording's listened share is taken within the coder's sampled window.
fn submit(study: &Study, coder: &str, work: Work, mut c: Coding) -> Msg {
    let duration = study.recording(&c.recording).map_or(0.0, |r| r.duration_s);
    let window = match work {
        Work::Training | Work::Gold => None,
        Work::Live => study.window(coder, &c.recording).ok().flatten(),
    };
    let submitted = c
        .try_submit_in(study.codebook_for(&c.recording), duration, window.as_ref(), &now_rfc3339())
        .map_err(|problems| problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        .and_then(|()| study.submit_coding_in(work, &c).map_err(|e| e.to_string()));
    match submitted {
        Ok(()) => Msg::Submitted(Ok(Box::new(c))),
        Err(e) => Msg::Submitted(Err(e)),
    }
}

/// The feedback on `coder`'s submitted training coding of `id`, from their own folder only: the
/// coding (which must be submitted, with its signed line) and the feedback copy of gold.
pub fn feedback(study: &Study, coder: &str, id: &str) -> Result<FeedbackData, String> {
    let coding = study
        .load_coding_in(Work::Training, coder, id)
        .map_err(|e| format!("your training coding cannot be read: {e}"))?
        .filter(|c| c.is_submitted())
        .ok_or_else(|| format!("{id} is not submitted yet: submit it to see the gold"))?;
    signed_submit(study, coder, id)?;
    let gold = gold::feedback_copy(study, coder, id)
        .map_err(|e| format!("the gold of {id} cannot be read: {e}"))?
        .ok_or_else(|| {
            format!("your supervisor has not given {id}'s gold yet; ask them to run `tapecoder calibration assign`")
        })?;
    let duration_s = study.recording(id).map_or(0.0, |r| r.duration_s);
    let results = calibration::own_results(study, coder).map_err(|e| e.to_string())?;
    let mine = results.into_iter().find(|r| r.set.recordings.iter().any(|x| x == id));
    let within = mine.as_ref().map_or(study.codebook().tolerance, |r| r.set.within);
    let compare = crate::quality::compare(
        study.codebook(),
        &coding,
        &gold.as_coding("gold"),
        duration_s,
        within,
    );
    Ok(FeedbackData {
        recording: id.to_string(),
        duration_s,
        coder: coding,
        gold,
        compare,
        set: mine.map(|r| (r.set.name.clone(), r.certification)),
    })
}

/// Whether `coder`'s own journal holds the signed submit line of their training coding of `id`
/// as it is now (the gold is shown only after it).
fn signed_submit(study: &Study, coder: &str, id: &str) -> Result<(), String> {
    use crate::study::model::Event;
    let l = study.layout();
    let path = study.coding_path(Work::Training, coder, id).map_err(|e| e.to_string())?;
    let bytes = crate::study::files::read_bytes(&path).map_err(|e| e.to_string())?;
    let want = study.file_hash(&path, &bytes);
    let journal = l.coder_journal_file(coder).map_err(|e| e.to_string())?;
    let key =
        study.coder(coder).and_then(|c| c.key.as_deref()).map(crate::identity::PublicKey::parse);
    let key = match key {
        Some(Ok(k)) => k,
        _ => return Err("your key is not registered; ask your supervisor".into()),
    };
    let (lines, _) = crate::study::journal::read_and_check(&journal, coder, Some(&key))
        .map_err(|e| e.to_string())?;
    let signed = lines.iter().any(|x| {
        matches!(&x.entry.event, Event::Submit { file } if *file == want)
            && crate::study::journal::signature_valid(&x.raw, &key)
    });
    if signed {
        Ok(())
    } else {
        Err(format!("{id} has no signed submit line in your journal for the coding as it is now"))
    }
}
