//! `tapecoder code` (and bare `tapecoder`): the coder TUI. This is the runner around the pure
//! `tui::app::update`: it owns the terminal, the player, the study and the worker threads, feeds
//! messages in, and carries out the effects that come back. Disk work happens on a saver thread and
//! the overview on its own thread, so nothing here waits on the disk or the decoder while keys
//! arrive.
use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::audio::output::Output;
use crate::audio::overview::{OverviewHandle, OverviewMsg};
use crate::audio::{Playback, Snapshot};
use crate::cli::{CodeArgs, GlobalArgs};
use crate::coding::{CodebookRef, Coding, Status};
use crate::study::journal::now_rfc3339;
use crate::study::{CodingLock, Study, StudyError};
use crate::tui::app::{App, Effect, Msg, Opened, update};
use crate::tui::keys::{self, Keymap};
use crate::tui::rules;
use crate::tui::screens::queue::{QueueRow, RowStatus};
use crate::tui::{event, screens, terminal};

/// How long the loop waits for a message before it polls the player and ticks.
const FRAME: Duration = Duration::from_millis(40);

pub fn run(g: &GlobalArgs, a: &CodeArgs) -> anyhow::Result<ExitCode> {
    let ctx = crate::commands::context::resolve(g)?;
    let coder = ctx.me()?.id.clone();
    let study = ctx.study;
    let keymap = match keys::default_path() {
        Some(p) => Keymap::load(&p)?,
        None => Keymap::default(),
    };
    let rows = queue_rows(&study, &coder)?;
    let app =
        App::new(Arc::new(study.codebook().clone()), keymap, &coder, &study.config().name, rows);
    // The device is opened before the terminal is taken, so nothing it prints can garble it.
    let output = Output::open(a.no_audio);
    Runner::new(Arc::new(study), coder, output).run(app)?;
    Ok(ExitCode::SUCCESS)
}

/// The coder's queue as the screen shows it: only their own recordings and their own codings.
/// Checks only that each audio file is there (hashing waits until a recording is opened).
pub fn queue_rows(study: &Study, coder: &str) -> anyhow::Result<Vec<QueueRow>> {
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
                rules::listened_share(&c, r.duration_s),
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

/// Work for the disk thread, done in order: a refresh after a save sees the saved file.
enum Job {
    Save(Box<Coding>),
    Submit(Box<Coding>),
    RefreshQueue,
    /// Lock the recording and check its audio and coding (hashing a long file takes a while).
    Prepare(String),
}

/// What opening a recording found, handed back to the UI thread, which owns the audio output.
struct Prepared {
    id: String,
    result: Result<(CodingLock, Coding, PathBuf, f64), String>,
}

/// The thread that touches the study folder, so no key ever waits for the disk. Consecutive saves
/// collapse into the newest; submits, refreshes and opens are never skipped.
fn spawn_disk_worker(
    study: Arc<Study>,
    coder: String,
    rx: Receiver<Job>,
    out: Sender<Msg>,
    prepared: Sender<Prepared>,
) -> Option<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("tui-disk".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut jobs = vec![first];
                jobs.extend(rx.try_iter());
                let mut jobs = jobs.into_iter().peekable();
                while let Some(job) = jobs.next() {
                    let msg = match job {
                        Job::Save(_) if matches!(jobs.peek(), Some(Job::Save(_))) => {
                            // Answered too, so the UI's count of pending saves stays right.
                            Msg::Saved(Ok(()))
                        }
                        Job::Save(c) => {
                            let mut c = *c;
                            c.updated_at = now_rfc3339();
                            Msg::Saved(study.save_coding(&c).map_err(|e| e.to_string()))
                        }
                        Job::Submit(c) => submit(&study, *c),
                        Job::RefreshQueue => match queue_rows(&study, &coder) {
                            Ok(rows) => Msg::Queue(rows),
                            Err(_) => continue,
                        },
                        Job::Prepare(id) => {
                            let result = study
                                .lock_coding(&coder, &id)
                                .map_err(|e| e.to_string())
                                .and_then(|lock| {
                                    prepare_open(&study, &coder, &id)
                                        .map(|(c, p, d)| (lock, c, p, d))
                                });
                            let _ = prepared.send(Prepared { id, result });
                            continue;
                        }
                    };
                    let _ = out.send(msg);
                }
            }
        })
        .ok()
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

/// Number of waveform buckets for the whole recording (the timeline is never wider).
const OVERVIEW_BUCKETS: usize = 2_000;

/// The recording open on the coding screen: its lock (held while open), player and overview.
/// (Dropping it cancels the overview worker and releases the lock.)
struct Session {
    _lock: CodingLock,
    player: Box<dyn Playback>,
    overview: OverviewHandle,
}

struct Runner {
    study: Arc<Study>,
    coder: String,
    output: Output,
    /// The recording being prepared on the disk thread, if any.
    opening: Option<String>,
    session: Option<Session>,
    last_snap: Option<Snapshot>,
}

impl Runner {
    fn new(study: Arc<Study>, coder: String, output: Output) -> Self {
        Runner { study, coder, output, opening: None, session: None, last_snap: None }
    }

    /// Second half of opening, on the UI thread: the player, the overview, the session.
    fn finish_open(&mut self, p: Prepared) -> Msg {
        self.opening = None;
        let (lock, coding, path, duration_s) = match p.result {
            Ok(v) => v,
            Err(reason) => return Msg::OpenFailed { id: p.id, reason },
        };
        let duration_s = if duration_s.is_finite() { duration_s.max(0.0) } else { 0.0 };
        let mut player = self.output.playback(&path, duration_s);
        let resume = if coding.resume_s.is_finite() { coding.resume_s } else { 0.0 };
        player.seek(resume.clamp(0.0, duration_s));
        let snapshot = player.snapshot();
        let key = self.study.recording(&p.id).map_or_else(|| p.id.clone(), |r| r.sha256.clone());
        let overview = crate::audio::overview::spawn(&path, &key, OVERVIEW_BUCKETS);
        self.last_snap = Some(snapshot.clone());
        self.session = Some(Session { _lock: lock, player, overview });
        Msg::Opened(Box::new(Opened { coding, duration_s, snapshot }))
    }

    fn run(mut self, mut app: App) -> anyhow::Result<()> {
        let mut guard = terminal::TerminalGuard::enter().context("taking the terminal")?;
        event::watch_termination();
        let (tx, rx) = event::channel();
        event::spawn_input(tx.clone()).context("starting the input thread")?;
        let (job_tx, job_rx) = mpsc::channel::<Job>();
        let (prep_tx, prep_rx) = mpsc::channel::<Prepared>();
        let saver = spawn_disk_worker(
            Arc::clone(&self.study),
            self.coder.clone(),
            job_rx,
            tx.clone(),
            prep_tx,
        );
        if let Ok(sz) = guard.terminal.size() {
            update(&mut app, Msg::Resize(sz.width, sz.height));
        }
        // A panic inside the loop must not lose work either: the hook has already given the
        // terminal back; here the unsaved coding is still handed to the saver below.
        let looped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.event_loop(&mut guard, &mut app, &rx, &prep_rx, &job_tx)
        }));
        if !app.quitting {
            for fx in update(&mut app, Msg::Shutdown) {
                if let Effect::Save(c) = fx {
                    let _ = job_tx.send(Job::Save(c));
                }
            }
        }
        // Let the saver finish every write before the terminal is given back.
        drop(job_tx);
        if let Some(h) = saver {
            let _ = h.join();
        }
        self.session = None;
        drop(guard);
        match looped {
            Ok(r) => r,
            Err(_) => anyhow::bail!(
                "tapecoder stopped on an internal error (reported above); your work up to that moment was saved"
            ),
        }
    }

    fn event_loop(
        &mut self,
        guard: &mut terminal::TerminalGuard,
        app: &mut App,
        rx: &Receiver<Msg>,
        prepared: &Receiver<Prepared>,
        job_tx: &Sender<Job>,
    ) -> anyhow::Result<()> {
        let started = Instant::now();
        let mut pending: VecDeque<Msg> = VecDeque::new();
        // Debug builds only: F12 panics when TAPECODER_DEBUG_PANIC_KEY is set, so the tests can
        // prove a panic restores the terminal and still saves the work.
        let panic_key =
            cfg!(debug_assertions) && std::env::var_os("TAPECODER_DEBUG_PANIC_KEY").is_some();
        // Draw when something happened, and at least a few times a second (notices expire).
        let mut dirty = true;
        let mut last_draw = Instant::now();
        while !app.quitting {
            if dirty || last_draw.elapsed() >= Duration::from_millis(250) {
                guard.terminal.draw(|f| screens::draw(f, app)).context("drawing the screen")?;
                last_draw = Instant::now();
                dirty = false;
            }
            if !event::gather(rx, FRAME, &mut pending) {
                break;
            }
            if let Ok(p) = prepared.try_recv() {
                pending.push_back(self.finish_open(p));
            }
            if let Some(s) = &self.session {
                while let Some(m) = s.overview.try_recv() {
                    match m {
                        OverviewMsg::Chunk { first_bucket, peaks } => {
                            pending.push_back(Msg::Overview {
                                total: OVERVIEW_BUCKETS,
                                start: first_bucket,
                                peaks: peaks.iter().map(|p| p.min.abs().max(p.max.abs())).collect(),
                            });
                        }
                        // The reason names the file: not for a coder's screen (blinding).
                        OverviewMsg::Failed(_) | OverviewMsg::Done => {}
                    }
                }
                if let Some(snap) = event::changed_snapshot(&*s.player, &mut self.last_snap) {
                    pending.push_back(Msg::Playback(snap));
                }
            }
            pending.push_back(Msg::Tick(started.elapsed().as_millis() as u64));
            if event::termination_requested() {
                pending.push_back(Msg::Shutdown);
            }
            while let Some(m) = pending.pop_front() {
                dirty |= !matches!(m, Msg::Tick(_));
                if panic_key
                    && matches!(&m, Msg::Key(k) if k.code == crossterm::event::KeyCode::F(12))
                {
                    panic!("deliberate panic (TAPECODER_DEBUG_PANIC_KEY)");
                }
                for fx in update(app, m) {
                    dirty = true;
                    if let Some(reply) = self.execute(fx, job_tx) {
                        pending.push_back(reply);
                    }
                }
            }
        }
        Ok(())
    }

    fn execute(&mut self, fx: Effect, jobs: &Sender<Job>) -> Option<Msg> {
        let player = self.session.as_mut().map(|s| &mut s.player);
        match fx {
            Effect::Open(id) => {
                if self.opening.is_none() {
                    self.session = None;
                    self.opening = Some(id.clone());
                    if jobs.send(Job::Prepare(id.clone())).is_err() {
                        self.opening = None;
                        return Some(Msg::OpenFailed {
                            id,
                            reason: "the disk worker stopped; quit and reopen".into(),
                        });
                    }
                }
            }
            Effect::Close => {
                self.session = None;
                self.last_snap = None;
            }
            Effect::Save(c) => {
                if jobs.send(Job::Save(c)).is_err() {
                    return Some(Msg::Saved(Err("the saver stopped; quit and reopen".into())));
                }
            }
            Effect::Submit(c) => {
                if jobs.send(Job::Submit(c)).is_err() {
                    return Some(Msg::Submitted(Err("the saver stopped; quit and reopen".into())));
                }
            }
            Effect::Play => player.into_iter().for_each(|p| p.play()),
            Effect::Pause => player.into_iter().for_each(|p| p.pause()),
            Effect::Seek(t) => player.into_iter().for_each(|p| p.seek(t)),
            Effect::Speed(s) => player.into_iter().for_each(|p| p.set_speed(s)),
            Effect::RefreshQueue => {
                let _ = jobs.send(Job::RefreshQueue);
            }
            Effect::Quit => {}
        }
        None
    }
}
