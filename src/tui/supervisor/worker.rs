//! The supervisor app's disk work, done on the runtime's disk thread: checking a recording's audio
//! before it opens (hashing it) and reading its transcript, saving an adjudication (with its journal line) and autosaving
//! the one being made (`supervisor/drafts/`), the only files this app writes, and reading the
//! list of recordings to adjudicate again. Codings are only read.
use std::sync::Arc;

use crate::study::adjudication::{self, Case};
use crate::study::journal::now_rfc3339;
use crate::study::model::Adjudication;
use crate::study::{Study, StudyError};
use crate::tui::runtime::{MediaOpen, Reply, Worker};
use crate::tui::supervisor::model::{Job, Msg};

/// The study, on the disk thread.
pub struct SupervisorWorker {
    pub study: Arc<Study>,
}

impl Worker for SupervisorWorker {
    type Job = Job;
    type Msg = Msg;

    fn run(&mut self, job: Job, superseded: bool) -> Reply<Msg> {
        let study = &*self.study;
        match job {
            Job::Prepare { id, duration_s } => {
                let checked = study
                    .require_recording(&id)
                    .and_then(|rec| Ok((study.checked_audio_path(rec)?, rec.sha256.clone())));
                // A draft left by a crash comes back with the recording; one that cannot be
                // read is left alone (the next autosave replaces it).
                let draft = study.adjudication_draft(&id).ok().flatten().map(Box::new);
                let transcript = study
                    .transcript(&id)
                    .map(|t| t.map(|f| Box::new(f.transcript())))
                    .map_err(|e| format!("the transcript cannot be read: {e}"));
                let (audio, overview_key) = match checked {
                    Ok((path, key)) => (Ok(path), key),
                    // Adjudication can go on from the scores without the audio.
                    Err(e) => (Err(format!("no audio: {e}")), String::new()),
                };
                Reply::Media(Box::new(MediaOpen {
                    audio,
                    duration_s,
                    start_s: 0.0,
                    overview_key,
                    hold: None,
                    opened: Box::new(move |snapshot| Msg::Opened {
                        id,
                        snapshot,
                        draft,
                        transcript,
                    }),
                }))
            }
            Job::Save(adj) => {
                Reply::Msg(Msg::Saved(save(study, &adj).map(Box::new).map_err(|e| e.to_string())))
            }
            Job::SaveDraft(_) if superseded => Reply::None,
            Job::SaveDraft(d) => match study.save_adjudication_draft(&d) {
                Ok(()) => Reply::None,
                Err(e) => Reply::Msg(Msg::Problem(format!("decisions not autosaved: {e}"))),
            },
            Job::DiscardDraft(rec) => match study.remove_adjudication_draft(&rec) {
                Ok(()) => Reply::None,
                Err(e) => Reply::Msg(Msg::Problem(format!("draft not removed: {e}"))),
            },
            Job::RefreshList => Reply::Msg(match load_cases(study) {
                Ok(cases) => Msg::List(cases),
                Err(e) => Msg::Problem(format!("cannot re-read the study: {e}")),
            }),
        }
    }

    /// A newer autosave of the same recording's draft makes an older one still queued pointless.
    fn supersedes(next: &Job, job: &Job) -> bool {
        matches!((next, job), (Job::SaveDraft(a), Job::SaveDraft(b)) if a.recording == b.recording)
    }

    fn unavailable(job: Job) -> Option<Msg> {
        let why = "the disk worker stopped; quit and reopen";
        Some(match job {
            Job::Save(_) => Msg::Saved(Err(why.into())),
            Job::Prepare { .. } | Job::RefreshList | Job::SaveDraft(_) | Job::DiscardDraft(_) => {
                Msg::Problem(why.into())
            }
        })
    }
}

/// The recordings to adjudicate: double-coded, both codings submitted, outside the study's
/// tolerance on some domain; each with the adjudication saved earlier, if any. Each instrument's
/// recordings are compared on its own scale domains (checklists and classes are not adjudicated:
/// their disagreements show in the reliability report and `export final`'s `items_disagree`).
pub fn load_cases(study: &Study) -> Result<Vec<Case>, StudyError> {
    let assignments = study.assignments()?;
    let codings = study.all_codings()?;
    let adjudications = study.adjudications()?;
    let mut cases = Vec::new();
    for book in study.codebooks() {
        let mine: Vec<_> =
            assignments.iter().filter(|a| study.codes_with(&a.id, book)).cloned().collect();
        cases.extend(adjudication::cases(
            book,
            study.recordings(),
            &mine,
            &codings,
            &adjudications,
            study.config().reliability.tolerance,
        ));
    }
    cases.sort_by(|a, b| a.recording.cmp(&b.recording));
    Ok(cases)
}

/// Stamps `adj` with the time and saves it (journal line with its sha256, then the file,
/// atomically), then removes its autosaved draft. Returns what was written.
pub fn save(study: &Study, adj: &Adjudication) -> Result<Adjudication, StudyError> {
    let mut adj = adj.clone();
    adj.decided_at = now_rfc3339();
    study.save_adjudication(&adj)?;
    // The adjudication is saved; a draft left behind holds the same decisions, so reopening
    // would restore them unchanged: not worth failing the save over.
    let _ = study.remove_adjudication_draft(&adj.recording);
    Ok(adj)
}
