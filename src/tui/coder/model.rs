//! The coder app's model: its state ([`App`], with the screen it is on and that screen's state),
//! its messages ([`Msg`]) and the effects `update` returns ([`Effect`]). No logic beyond
//! accessors: `update.rs` changes the state, `view.rs` draws it.
use std::sync::Arc;

use crate::audio::Snapshot;
use crate::codebook::Codebook;
use crate::coding::{Coding, Window};
use crate::study::prefs::Prefs;
use crate::transcript::Transcript;
use crate::tui::coder::coding::CodingState;
use crate::tui::coder::dialogs::Dialog;
use crate::tui::coder::feedback::{FeedbackData, FeedbackState};
use crate::tui::coder::queue::{QueueRow, QueueState};
use crate::tui::keys::Keymap;
use crate::tui::runtime::Command;
use crate::tui::shell::Shell;
use crate::tui::shell::prompt::Prompt;

/// How long edits wait before they are saved (well inside SPEC's one second).
pub const SAVE_DEBOUNCE_MS: u64 = 300;
/// How often listening progress alone (listened intervals, resume position) is saved.
pub const LISTEN_SAVE_MS: u64 = 5_000;
/// How often the queue screen reads the queue again, so recordings imported and assigned while
/// the app is open show up by themselves.
pub const QUEUE_REFRESH_MS: u64 = 5_000;

crate::app_msg! {
    /// Everything that can happen to the UI.
    pub enum Msg {
        /// A recording the runtime opened (coding loaded or created, lock held, player ready).
        Opened(Box<Opened>),
        /// A recording that could not be opened, and why (shown on its queue row).
        OpenFailed {
            id: String,
            reason: String,
        },
        /// The saver's answer for the last save.
        Saved(Result<(), String>),
        /// The answer for the coder's preferences (the playback speed) written.
        PrefsSaved(Result<(), String>),
        /// The submit's answer: the submitted coding, or why it failed.
        Submitted(Result<Box<Coding>, String>),
        /// The feedback on a submitted training recording, or why it cannot be shown.
        Feedback(Result<Box<FeedbackData>, String>),
        /// A fresh queue (after closing a recording, and every few seconds on the queue screen).
        Queue(Vec<QueueRow>),
        /// The queue could not be read again, and why (shown; the rows on screen stay).
        QueueFailed(String),
        /// Stop now (terminal hung up, SIGTERM, an internal error): save what is unsaved and quit.
        Shutdown,
    }
}

#[derive(Debug, Clone)]
pub struct Opened {
    pub coding: Coding,
    pub duration_s: f64,
    pub snapshot: Snapshot,
    /// The recording's transcript as attached (`None`: none attached), or why it cannot be read
    /// (the recording still opens, without it).
    pub transcript: Result<Option<Transcript>, String>,
    /// The sampled window the coder codes (`[sampling]`), from their queue; `None`: the whole
    /// recording.
    pub window: Option<Window>,
}

/// The screen on show, with its own state: a coding screen always has its coding.
#[derive(Debug, Clone)]
pub enum Screen {
    Queue,
    Coding(Box<CodingState>),
    Feedback(Box<FeedbackState>),
}

/// What is drawn over the current screen and takes the keys first.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    Prompt(Prompt),
    Dialog(Dialog),
}

/// The whole UI state. Each screen keeps its own state next to its view.
#[derive(Debug, Clone)]
pub struct App {
    pub shell: Shell,
    /// The coder's own id and the study's name, for the title bar.
    pub coder: String,
    pub study_name: String,
    pub screen: Screen,
    pub queue: QueueState,
    pub overlay: Option<Overlay>,
    /// Set once `Quit` was emitted.
    pub quitting: bool,
    /// When the queue screen reads the queue again next (ms, the shell's clock).
    pub next_refresh_ms: u64,
    /// The coder's preferences (playback speed), read at the start: every recording opens at
    /// this speed, and changing it keeps it (`Effect::SavePrefs`).
    pub prefs: Prefs,
    /// The recording being opened or open is a training one (a calibration set).
    pub training: bool,
    /// A supervisor writing gold codings (`tapecoder gold edit`): the queue is the study's
    /// recordings with their gold, and a submit sets the recording's gold.
    pub gold: bool,
    /// Every instrument of the study (empty: only the shell's): opening a recording makes its
    /// coding's instrument the shell's codebook.
    pub instruments: Vec<Arc<Codebook>>,
    /// The coder's reaction-time offset in seconds (`tapecoder code --reaction-offset S`): a
    /// count is logged this long before the playhead.
    pub reaction_offset_s: f64,
}

impl App {
    pub fn new(
        codebook: Arc<Codebook>,
        keymap: Keymap,
        coder: &str,
        study_name: &str,
        rows: Vec<QueueRow>,
    ) -> Self {
        App {
            shell: Shell::new(codebook, keymap),
            coder: coder.to_string(),
            study_name: study_name.to_string(),
            screen: Screen::Queue,
            queue: QueueState::new(rows),
            overlay: None,
            quitting: false,
            next_refresh_ms: QUEUE_REFRESH_MS,
            prefs: Prefs::default(),
            training: false,
            gold: false,
            instruments: Vec::new(),
            reaction_offset_s: 0.0,
        }
    }

    pub fn notice(&mut self, text: impl Into<String>) {
        self.shell.notice(text);
    }

    pub fn current_notice(&self) -> Option<&str> {
        self.shell.current_notice()
    }

    /// The open coding, when the coding screen is on show.
    pub fn coding(&self) -> Option<&CodingState> {
        match &self.screen {
            Screen::Coding(c) => Some(c),
            Screen::Queue | Screen::Feedback(_) => None,
        }
    }

    pub fn coding_mut(&mut self) -> Option<&mut CodingState> {
        match &mut self.screen {
            Screen::Coding(c) => Some(c),
            Screen::Queue | Screen::Feedback(_) => None,
        }
    }
}

/// Work for the disk thread, done in order (a refresh after a save sees the saved file): what
/// `update` asks for in [`Command::Disk`] and, for an open, [`Command::Open`].
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// Write the coding (atomically, off the UI thread).
    Save(Box<Coding>),
    /// Submit the coding (after the coder confirmed).
    Submit(Box<Coding>),
    /// Keep the coder's playback speed for the next recording (`coders/<id>/prefs.toml`; the
    /// newest replaces one still queued).
    SavePrefs(Prefs),
    /// Re-read the queue rows (with the study opened again: new recordings and assignments).
    RefreshQueue,
    /// Lock the recording, check its audio and load or create its coding (hashing a long file
    /// takes a while); the player then opens at the resume position and the overview starts.
    Prepare(String),
    /// The same for a training recording: saves and submits go to its training coding (under
    /// `coders/<id>/training/`) until the next open.
    PrepareTraining(String),
    /// Read the feedback on a submitted training recording (coder's own folder only).
    Feedback(String),
}

/// What `update` asks of the runtime: play, pause or seek ([`Command::Player`]), a [`Job`] for
/// the disk thread, open or close a recording, quit.
pub type Effect = Command<Job>;

/// What a screen's part of `update` asks of the app.
pub type Step = crate::tui::shell::Step<Effect>;
