//! `tapecoder adjudicate [--no-audio]`: the supervisor's adjudication TUI (SPEC §7). This is the
//! runner around the pure `tui::adjudication::app::update`: it checks the role, reads what needs
//! adjudicating, opens the audio output before the terminal is taken, owns the player and the
//! overview thread, and carries out the effects (the only file it ever writes is
//! `supervisor/adjudications/<recording>.toml`, with its journal line, through
//! [`Study::save_adjudication`]). Codings are only read.
use std::collections::VecDeque;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::audio::output::Output;
use crate::audio::overview::{self, OverviewHandle, OverviewMsg};
use crate::audio::{Playback, Snapshot};
use crate::cli::{AdjudicateArgs, GlobalArgs};
use crate::study::adjudication::{self, Case};
use crate::study::journal::now_rfc3339;
use crate::study::model::{Adjudication, Role};
use crate::study::{Study, StudyError};
use crate::tui::adjudication::app::{AdjApp, Effect, Msg, update};
use crate::tui::adjudication::view;
use crate::tui::keys::{self, Keymap};
use crate::tui::{event, terminal};

use super::context;

/// How long the loop waits for a message before it polls the player.
const FRAME: Duration = Duration::from_millis(40);
/// Number of waveform buckets for the whole recording.
const OVERVIEW_BUCKETS: usize = 2_000;

pub fn run(g: &GlobalArgs, a: &AdjudicateArgs) -> anyhow::Result<ExitCode> {
    let ctx = context::resolve(g)?;
    let me = ctx.me()?.clone();
    if me.role != Role::Supervisor {
        bail!(
            "`tapecoder adjudicate` is for supervisors: {} is registered with role \"coder\" in {}. \
             Coders never see each other's scores; ask a supervisor",
            me.id,
            ctx.study.layout().coders_file().display()
        );
    }
    let study = ctx.study;
    let cases = load_cases(&study)?;
    let keymap = match keys::default_path() {
        Some(p) => Keymap::load(&p)?,
        None => Keymap::default(),
    };
    // The device opens before the terminal is taken, so nothing the audio stack prints lands
    // on the TUI.
    let output = Output::open(a.no_audio);
    let app = AdjApp::new(
        Arc::new(study.codebook().clone()),
        keymap,
        &me.id,
        &study.config().name,
        study.config().reliability.tolerance,
        cases,
    );
    Runner { study: Arc::new(study), output, session: None, last_snap: None }.run(app)?;
    Ok(ExitCode::SUCCESS)
}

/// The recordings to adjudicate: double-coded, both codings submitted, outside the study's
/// tolerance on some domain; each with the adjudication saved earlier, if any.
pub fn load_cases(study: &Study) -> Result<Vec<Case>, StudyError> {
    let assignments = study.assignments()?;
    let codings = study.all_codings()?;
    let adjudications = study.adjudications()?;
    Ok(adjudication::cases(
        study.codebook(),
        study.recordings(),
        &assignments,
        &codings,
        &adjudications,
        study.config().reliability.tolerance,
    ))
}

/// Stamps `adj` with the time and saves it (journal line with its sha256, then the file,
/// atomically). Returns what was written.
pub fn save(study: &Study, adj: &Adjudication) -> Result<Adjudication, StudyError> {
    let mut adj = adj.clone();
    adj.decided_at = now_rfc3339();
    study.save_adjudication(&adj)?;
    Ok(adj)
}

/// The overview worker's news as a message for `update` (peaks are the louder of |min|, |max|).
fn overview_msg(m: OverviewMsg) -> Option<Msg> {
    match m {
        OverviewMsg::Chunk { first_bucket, peaks } => Some(Msg::Overview {
            total: OVERVIEW_BUCKETS,
            start: first_bucket,
            peaks: peaks.iter().map(|p| p.max.abs().max(p.min.abs())).collect(),
        }),
        OverviewMsg::Done => None,
        OverviewMsg::Failed(e) => Some(Msg::Problem(format!("no waveform: {e}"))),
    }
}

/// The recording open on the recording screen: its player and overview worker (cancelled when
/// dropped).
struct Session {
    player: Box<dyn Playback>,
    overview: Option<OverviewHandle>,
}

struct Runner {
    study: Arc<Study>,
    output: Output,
    session: Option<Session>,
    last_snap: Option<Snapshot>,
}

impl Runner {
    fn open(&mut self, id: &str, duration_s: f64) -> Msg {
        self.session = None;
        let mut overview = None;
        let player: Box<dyn Playback> = match self.study.require_recording(id) {
            Ok(rec) => match self.study.checked_audio_path(rec) {
                Ok(path) => {
                    overview = Some(overview::spawn(&path, &rec.sha256, OVERVIEW_BUCKETS));
                    self.output.playback(&path, duration_s)
                }
                // Adjudication can go on from the scores without the audio.
                Err(e) => Box::new(crate::audio::clock::SilentClock::new(
                    duration_s,
                    format!("no audio: {e}"),
                )),
            },
            Err(e) => Box::new(crate::audio::clock::SilentClock::new(
                duration_s,
                format!("no audio: {e}"),
            )),
        };
        let snapshot = player.snapshot();
        self.last_snap = Some(snapshot.clone());
        self.session = Some(Session { player, overview });
        Msg::Opened { id: id.to_string(), snapshot }
    }

    fn run(mut self, mut app: AdjApp) -> anyhow::Result<()> {
        let mut guard = terminal::TerminalGuard::enter().context("taking the terminal")?;
        let (tx, rx) = event::channel::<Msg>();
        event::spawn_input(tx.clone()).context("starting the input thread")?;
        let started = Instant::now();
        if let Ok(sz) = guard.terminal.size() {
            update(&mut app, Msg::Resize(sz.width, sz.height));
        }
        event::watch_termination();
        let mut pending: VecDeque<Msg> = VecDeque::new();
        while !app.quitting {
            guard.terminal.draw(|f| view::draw(f, &app)).context("drawing the screen")?;
            if !event::gather(&rx, FRAME, &mut pending) {
                break;
            }
            if let Some(s) = &self.session {
                if let Some(snap) = event::changed_snapshot(&*s.player, &mut self.last_snap) {
                    pending.push_back(Msg::Playback(snap));
                }
                if let Some(o) = &s.overview {
                    pending.extend(std::iter::from_fn(|| o.try_recv()).filter_map(overview_msg));
                }
            }
            pending.push_back(Msg::Tick(started.elapsed().as_millis() as u64));
            if event::termination_requested() {
                pending.push_back(Msg::Terminate);
            }
            while let Some(m) = pending.pop_front() {
                for fx in update(&mut app, m) {
                    if let Some(reply) = self.execute(fx) {
                        pending.push_back(reply);
                    }
                }
            }
        }
        self.session = None;
        drop(guard);
        Ok(())
    }

    fn execute(&mut self, fx: Effect) -> Option<Msg> {
        let player = self.session.as_mut().map(|s| &mut s.player);
        match fx {
            Effect::Open { id, duration_s } => return Some(self.open(&id, duration_s)),
            Effect::Close => {
                self.session = None;
                self.last_snap = None;
            }
            Effect::Play => player.into_iter().for_each(|p| p.play()),
            Effect::Pause => player.into_iter().for_each(|p| p.pause()),
            Effect::Seek(t) => player.into_iter().for_each(|p| p.seek(t)),
            Effect::Speed(s) => player.into_iter().for_each(|p| p.set_speed(s)),
            // One small file: written here, between frames, so the answer comes back in order.
            Effect::Save(adj) => {
                return Some(Msg::Saved(
                    save(&self.study, &adj).map(Box::new).map_err(|e| e.to_string()),
                ));
            }
            Effect::RefreshList => match load_cases(&self.study) {
                Ok(cases) => return Some(Msg::List(cases)),
                Err(e) => return Some(Msg::Problem(format!("cannot re-read the study: {e}"))),
            },
            Effect::Quit => {}
        }
        None
    }
}
