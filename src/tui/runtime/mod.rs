//! The one event loop both TUIs run on, generic over the terminal backend and the app.
//!
//! An [`App`] is pure: `update(msg) -> commands` and `view(frame)`. The runtime does everything
//! else, the same way for every app:
//!
//! - draws only when something changed (and a few times a second, so notices expire);
//! - gathers terminal input (an input thread in [`run`], or [`Runtime::send`] in tests), the
//!   player's state, the waveform overview and the zoom strip's tiles as they arrive (asking the
//!   zoom worker for the tiles the app lacks after each pass), the clock and termination signals;
//! - carries out the [`Command`]s the app returns: player requests on the UI thread (which owns
//!   the audio output), and every read or write of the study (the app's jobs) on one disk thread
//!   ([`disk`]), so no key ever waits on the disk;
//! - on quit, a termination signal, a draw error or a panic, hands unsaved work to the disk
//!   thread and waits until it is written.
//!
//! Tests drive the same loop on ratatui's `TestBackend`: [`Runtime::send`] keys, [`Runtime::settle`]
//! until the disk thread and the overview are idle, and look at the backend's buffer.
pub mod disk;
pub mod event;
pub mod media;
pub mod signals;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crossterm::event::KeyCode;
use ratatui::backend::Backend;
use ratatui::{Frame, Terminal};

use crate::audio::output::Output;
use crate::tui::event::{Input, spawn_input};
use crate::tui::transport::Transport;

pub use disk::{Reply, Worker};
pub use event::Event;
pub use media::MediaOpen;

/// How long a pass waits for a message before it polls the player and ticks.
pub const FRAME: Duration = Duration::from_millis(40);
/// Drawn at least this often even when nothing changed (notices expire, the clock moves).
const REDRAW: Duration = Duration::from_millis(250);

/// What an app's `update` asks the runtime to do; `J` is the app's work for the disk thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Command<J> {
    /// Play, pause, seek or change speed on the open recording's player.
    Player(Transport),
    /// Work for the disk thread, done in order.
    Disk(J),
    /// Close the open recording and prepare this one on the disk thread; its [`Reply::Media`]
    /// opens the player. Ignored while another open is on its way.
    Open(J),
    /// Stop the player and the overview (and release what the open held, e.g. a lock).
    Close,
    /// The app has quit (its `quitting` is set): nothing more for the runtime to do but end.
    Quit,
}

/// Playback requests from the shared transport keys arrive as [`Command::Player`].
impl<J> From<Transport> for Command<J> {
    fn from(t: Transport) -> Self {
        Command::Player(t)
    }
}

/// A TUI app: state, messages and a pure `update` returning [`Command`]s, a read-only `view`, and
/// a [`Worker`] that does its disk work and replies.
pub trait App {
    type Msg: From<Input> + Send + 'static;
    /// The disk thread's work, carried out by [`App::Worker`].
    type Job: Send + 'static;
    type Worker: Worker<Job = Self::Job, Msg = Self::Msg>;

    /// Applies one message; returns what the runtime must do.
    fn update(&mut self, msg: Self::Msg) -> Vec<Command<Self::Job>>;
    /// Draws the whole UI (reads the state only).
    fn view(&self, f: &mut Frame);
    /// Set once the app asked to quit: the loop ends after this pass.
    fn quitting(&self) -> bool;
    /// The message for one of the runtime's events, if the app wants it.
    fn event(ev: Event) -> Option<Self::Msg>;
    /// The zoom-strip tiles the screen on show lacks, most wanted first (asked after every
    /// pass; the zoom worker decodes them and each arrives as [`Event::Zoom`]).
    fn zoom_tiles(&self) -> Vec<u64> {
        Vec::new()
    }
}

/// The part of `impl runtime::App` that both apps write alike: the associated types (the app's
/// own `Msg`, `Effect` and `Job`, in scope where the macro is used, and its worker), `update` and
/// `view` handed to the app's own `update` and `draw` functions, `quitting` read from its
/// `quitting` field.
#[macro_export]
macro_rules! app_forwarding {
    (worker: $worker:ty, $update:path, $draw:path) => {
        type Msg = Msg;
        type Job = Job;
        type Worker = $worker;

        fn update(&mut self, msg: Self::Msg) -> Vec<$crate::tui::runtime::Command<Self::Job>> {
            $update(self, msg)
        }

        fn view(&self, f: &mut ratatui::Frame) {
            $draw(f, self);
        }

        fn quitting(&self) -> bool {
            self.quitting
        }
    };
}

/// The UI's clock: real time since start, or a hand-set one (tests).
#[derive(Debug, Clone)]
pub enum Clock {
    Real(Instant),
    Manual(Arc<AtomicU64>),
}

impl Clock {
    pub fn now_ms(&self) -> u64 {
        match self {
            Clock::Real(t) => u64::try_from(t.elapsed().as_millis()).unwrap_or(u64::MAX),
            Clock::Manual(ms) => ms.load(Ordering::SeqCst),
        }
    }
}

/// Why the loop stopped early.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("drawing the screen failed: {0}; your work was saved")]
    Draw(String),
    #[error(
        "tapecoder stopped on an internal error (reported above); your work up to that moment was saved"
    )]
    Panicked,
}

/// The loop's state between passes: the app, its channels, the disk thread and the open
/// recording.
pub struct Runtime<A: App> {
    app: A,
    tx: Sender<Input>,
    rx: Receiver<Input>,
    disk: disk::Disk<A::Job, A::Msg>,
    media: media::Media,
    pending: VecDeque<A::Msg>,
    clock: Clock,
    /// How long a pass waits for a message (shorter in tests).
    pub frame: Duration,
    dirty: bool,
    last_draw: Option<Instant>,
    /// Debug builds only: F12 panics (TAPECODER_DEBUG_PANIC_KEY), so tests can prove a panic
    /// restores the terminal and still saves the work.
    panic_key: bool,
}

impl<A: App> Runtime<A> {
    /// Starts the disk thread; `output` plays the recordings (silent in tests).
    pub fn new(app: A, worker: A::Worker, output: Output) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel();
        Ok(Runtime {
            app,
            tx,
            rx,
            disk: disk::Disk::spawn(worker)?,
            media: media::Media::new(output, crate::audio::overview::cache_dir()),
            pending: VecDeque::new(),
            clock: Clock::Real(Instant::now()),
            frame: FRAME,
            dirty: true,
            last_draw: None,
            panic_key: cfg!(debug_assertions)
                && std::env::var_os("TAPECODER_DEBUG_PANIC_KEY").is_some(),
        })
    }

    /// Uses `clock` instead of real time.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Where waveform overviews are cached (`None`: not cached).
    pub fn with_overview_cache(mut self, dir: Option<PathBuf>) -> Self {
        self.media.cache = dir;
        self
    }

    pub fn app(&self) -> &A {
        &self.app
    }

    /// A sender for terminal input (the input thread's end of the channel).
    pub fn sender(&self) -> Sender<Input> {
        self.tx.clone()
    }

    /// Queues terminal input, as if it had been typed.
    pub fn send(&mut self, input: Input) {
        let _ = self.tx.send(input);
    }

    /// Queues one of the app's messages (tests: what a worker would send).
    pub fn send_msg(&mut self, msg: A::Msg) {
        self.pending.push_back(msg);
    }

    /// One pass: draw if needed, gather messages (waiting up to `frame`), apply them and carry out
    /// their effects.
    pub fn step<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> Result<(), RuntimeError> {
        let redraw = self.last_draw.is_none_or(|t| t.elapsed() >= REDRAW);
        if self.dirty || redraw {
            terminal.draw(|f| self.app.view(f)).map_err(|e| RuntimeError::Draw(e.to_string()))?;
            self.last_draw = Some(Instant::now());
            self.dirty = false;
        }
        self.gather();
        self.drain();
        if let Some(tick) = A::event(Event::Tick(self.clock.now_ms())) {
            self.apply(tick, true);
            self.drain();
        }
        if signals::termination_requested()
            && let Some(m) = A::event(Event::Shutdown)
        {
            self.apply(m, false);
            self.drain();
        }
        self.media.want_zoom(self.app.zoom_tiles());
        Ok(())
    }

    /// Runs passes until nothing is left to do: no message queued, no disk work on its way, the
    /// overview complete; then draws. For tests (a bounded number of passes).
    pub fn settle<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> Result<(), RuntimeError> {
        for _ in 0..2_000 {
            self.step(terminal)?;
            if self.pending.is_empty() && self.disk.idle() && self.media.idle() && !self.dirty {
                break;
            }
        }
        self.dirty = true;
        self.last_draw = None;
        self.step(terminal)
    }

    fn drain(&mut self) {
        while let Some(m) = self.pending.pop_front() {
            self.apply(m, false);
        }
    }

    fn gather(&mut self) {
        let mut inputs: Vec<Input> = vec![];
        if self.pending.is_empty() {
            match self.rx.recv_timeout(self.frame) {
                Ok(i) => inputs.push(i),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
            }
        }
        // At most 256 more, so a flood of input cannot starve drawing.
        inputs.extend(self.rx.try_iter().take(256));
        for i in inputs {
            if self.panic_key && matches!(&i, Input::Key(k) if k.code == KeyCode::F(12)) {
                panic!("deliberate panic (TAPECODER_DEBUG_PANIC_KEY)");
            }
            self.pending.push_back(A::Msg::from(i));
        }
        while let Some(reply) = self.disk.try_reply() {
            if let Some(m) = self.reply(reply) {
                self.pending.push_back(m);
            }
        }
        let events = self.media.poll();
        self.pending.extend(events.into_iter().filter_map(A::event));
    }

    fn reply(&mut self, reply: Reply<A::Msg>) -> Option<A::Msg> {
        match reply {
            Reply::None => None,
            Reply::Msg(m) => Some(m),
            Reply::Media(open) => Some(self.media.open(*open)),
        }
    }

    /// Applies one message and carries out its effects. A tick alone does not make the screen
    /// dirty (the periodic redraw covers it) unless it had effects.
    fn apply(&mut self, m: A::Msg, tick: bool) {
        let effects = self.app.update(m);
        self.dirty |= !tick || !effects.is_empty();
        for fx in effects {
            if let Some(reply) = self.execute(fx) {
                self.pending.push_back(reply);
            }
        }
    }

    fn execute(&mut self, cmd: Command<A::Job>) -> Option<A::Msg> {
        match cmd {
            Command::Player(t) => self.media.transport(t),
            Command::Disk(job) => return self.disk.send(job, false),
            Command::Open(job) => {
                if !self.disk.opening() {
                    self.media.close();
                    return self.disk.send(job, true);
                }
            }
            Command::Close => self.media.close(),
            Command::Quit => {}
        }
        None
    }

    /// Ends the run: unless the app already quit, it is told to shut down and its disk work is
    /// handed over; then every write is waited for and the recording closed. Returns the app.
    pub fn finish(mut self) -> A {
        if !self.app.quitting()
            && let Some(m) = A::event(Event::Shutdown)
        {
            for fx in self.app.update(m) {
                if let Command::Disk(job) = fx {
                    let _ = self.disk.send(job, false);
                }
            }
        }
        self.disk.finish();
        self.media.close();
        self.app
    }
}

/// Runs `app` on `terminal` until it quits: the input thread, the termination signals, the loop,
/// and [`Runtime::finish`] on every way out (a panic inside the loop too).
pub fn run<B: Backend, A: App>(
    terminal: &mut Terminal<B>,
    app: A,
    worker: A::Worker,
    output: Output,
) -> anyhow::Result<A> {
    signals::watch_termination();
    let mut rt = Runtime::new(app, worker, output)?;
    spawn_input(rt.sender())?;
    if let Ok(sz) = terminal.size() {
        rt.send(Input::Resize(sz.width, sz.height));
    }
    let looped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        while !rt.app.quitting() {
            rt.step(terminal)?;
        }
        Ok::<(), RuntimeError>(())
    }));
    let app = rt.finish();
    match looped {
        Ok(r) => r.map(|()| app).map_err(Into::into),
        Err(_) => Err(RuntimeError::Panicked.into()),
    }
}
