//! The supervisor app's model: its state ([`AdjApp`], with the screen it is on and that screen's
//! state), its messages ([`Msg`]) and the effects `update` returns ([`Effect`]). Nothing here can
//! change a coding: the only files an effect writes are the adjudication and its draft.
use std::sync::Arc;

use crate::audio::Snapshot;
use crate::codebook::Codebook;
use crate::study::adjudication::Case;
use crate::study::model::{Adjudication, AdjudicationDraft};
use crate::transcript::Transcript;
use crate::tui::keys::Keymap;
use crate::tui::runtime::Command;
use crate::tui::shell::Shell;
use crate::tui::shell::prompt::Prompt;
use crate::tui::supervisor::list::ListState;
use crate::tui::supervisor::recording::RecordingState;

crate::app_msg! {
    /// Everything that can happen to the adjudication UI.
    pub enum Msg {
        /// Something the runtime could not do, to show in the footer.
        Problem(String),
        /// The runtime opened the player for this recording.
        Opened {
            id: String,
            snapshot: Snapshot,
            /// The autosaved draft of its adjudication, if one was left (`supervisor/drafts/`).
            draft: Option<Box<AdjudicationDraft>>,
            /// The recording's transcript as attached (`None`: none attached), or why it cannot
            /// be read (the recording still opens, without it).
            transcript: Result<Option<Box<Transcript>>, String>,
        },
        /// The disk thread's answer: the adjudication as written, or why it was not.
        Saved(Result<Box<Adjudication>, String>),
        /// The recordings to adjudicate, read again from the study.
        List(Vec<Case>),
        /// Stop now (SIGTERM, the terminal hung up): save the decisions if they can be saved, quit.
        Terminate,
    }
}

/// The screen on show, with its own state: the recording screen always has its recording.
#[derive(Debug, Clone)]
pub enum Screen {
    List,
    Recording(Box<RecordingState>),
}

/// What is drawn over the screen and takes the keys first.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help,
    /// The reason for a final score (required); `PromptKind::Rationale` names the domain.
    Reason(Prompt),
    GoTo(Prompt),
    /// Leaving a recording with unsaved decisions; `quit` = leave the program too.
    Leave {
        quit: bool,
    },
    /// Both coders' full rationales for the selected domain, scrolled `scroll` rows.
    Rationales {
        scroll: u16,
    },
    /// A final score with a reason changed (from `previous`): keep, edit or clear the reason.
    ReasonChoice {
        domain: String,
        label: String,
        previous: Option<u8>,
    },
}

/// The whole adjudication UI state.
#[derive(Debug, Clone)]
pub struct AdjApp {
    pub shell: Shell,
    pub supervisor: String,
    pub study_name: String,
    pub tolerance: u8,
    pub screen: Screen,
    /// The list screen's state: the recordings to adjudicate and the selected one.
    pub list: ListState,
    pub overlay: Option<Overlay>,
    pub quitting: bool,
    /// Every instrument of the study (empty: only the shell's): opening a recording makes its
    /// codings' instrument the shell's codebook.
    pub instruments: Vec<Arc<Codebook>>,
}

impl AdjApp {
    /// The instrument a case's codings were made with (the shell's when the study has one).
    pub fn book_of(&self, case: &crate::study::adjudication::Case) -> &Codebook {
        self.instruments
            .iter()
            .find(|b| b.id == case.primary.codebook.id)
            .map_or(&*self.shell.codebook, |b| &**b)
    }

    pub fn new(
        codebook: Arc<Codebook>,
        keymap: Keymap,
        supervisor: &str,
        study_name: &str,
        tolerance: u8,
        cases: Vec<Case>,
    ) -> Self {
        AdjApp {
            shell: Shell::new(codebook, keymap),
            supervisor: supervisor.to_string(),
            study_name: study_name.to_string(),
            tolerance,
            screen: Screen::List,
            list: ListState { cases, selected: 0 },
            overlay: None,
            quitting: false,
            instruments: Vec::new(),
        }
    }

    pub fn notice(&mut self, text: impl Into<String>) {
        self.shell.notice(text);
    }

    pub fn current_notice(&self) -> Option<&str> {
        self.shell.current_notice()
    }

    /// The open recording, when the recording screen is on show.
    pub fn recording(&self) -> Option<&RecordingState> {
        match &self.screen {
            Screen::Recording(r) => Some(r),
            Screen::List => None,
        }
    }

    pub fn recording_mut(&mut self) -> Option<&mut RecordingState> {
        match &mut self.screen {
            Screen::Recording(r) => Some(r),
            Screen::List => None,
        }
    }

    /// The domain key selected on the recording screen.
    pub fn selected_domain(&self) -> Option<&str> {
        let r = self.recording()?;
        self.shell.codebook.domains.get(r.domain_sel).map(|d| d.key.as_str())
    }
}

/// Work for the disk thread, done in order: what `update` asks for in [`Command::Disk`] and,
/// for an open, [`Command::Open`].
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    /// Check the audio of `id` (`duration_s` from the study) and read its transcript; the player
    /// and the overview then open.
    Prepare { id: String, duration_s: f64 },
    /// Write `supervisor/adjudications/<recording>.toml` and its journal line. `decided_at` is
    /// empty: the worker stamps it with the clock.
    Save(Box<Adjudication>),
    /// Autosave the decisions being made to `supervisor/drafts/<recording>.toml`.
    SaveDraft(Box<AdjudicationDraft>),
    /// Remove the draft of this recording (the decisions were saved, or discarded).
    DiscardDraft(String),
    /// Re-read the list of recordings to adjudicate.
    RefreshList,
}

/// What `update` asks of the runtime: play, pause or seek ([`Command::Player`]), a [`Job`] for
/// the disk thread, open or close a recording, quit.
pub type Effect = Command<Job>;

/// What a screen's part of `update` asks of the app.
pub type Step = crate::tui::shell::Step<Effect>;
