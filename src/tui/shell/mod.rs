//! What both apps share around their screens: the codebook, the keymap, the terminal size, the
//! clock, the footer notice ([`Shell`]); the prompts ([`prompt`]) and the help overlay built from
//! the keymap ([`help`]).
pub mod help;
pub mod prompt;

use std::sync::Arc;

use crossterm::event::MouseEvent;
use ratatui::layout::Rect;

use crate::codebook::Codebook;
use crate::tui::keys::{Action, Keymap};

/// How long a notice stays in the footer (both apps).
pub const NOTICE_MS: u64 = 5_000;

/// The state every screen of either app may read and the few things it may change: the notice,
/// and (from the runtime's messages) the size and the clock.
#[derive(Debug, Clone)]
pub struct Shell {
    pub codebook: Arc<Codebook>,
    pub keymap: Keymap,
    pub size: Rect,
    /// Milliseconds since the UI started (from the runtime's ticks).
    pub now_ms: u64,
    /// A short message in the footer, and when it expires.
    pub notice: Option<(String, u64)>,
    /// Why no audio device opened, in the audio library's words (help shows it).
    pub audio_detail: Option<String>,
    /// No colour (`NO_COLOR`, `TERM=dumb`): the views draw segments with glyphs and the app's
    /// frame is stripped of colour (highlights become reverse video).
    pub mono: bool,
}

impl Shell {
    pub fn new(codebook: Arc<Codebook>, keymap: Keymap) -> Self {
        Shell {
            codebook,
            keymap,
            size: Rect::new(0, 0, 120, 40),
            now_ms: 0,
            notice: None,
            audio_detail: None,
            mono: false,
        }
    }

    /// Shows `text` in the footer for [`NOTICE_MS`].
    pub fn notice(&mut self, text: impl Into<String>) {
        self.notice = Some((text.into(), self.now_ms + NOTICE_MS));
    }

    pub fn current_notice(&self) -> Option<&str> {
        self.notice.as_ref().filter(|(_, until)| *until > self.now_ms).map(|(t, _)| t.as_str())
    }

    /// Without colour when `NO_COLOR` is set and not empty (<https://no-color.org>), or the
    /// terminal is `TERM=dumb`; the values are given, so the caller reads the environment.
    pub fn mono_from(no_color: Option<&std::ffi::OsStr>, term: Option<&std::ffi::OsStr>) -> bool {
        no_color.is_some_and(|v| !v.is_empty()) || term.is_some_and(|t| t == "dumb")
    }

    /// The click or wheel `m` if it reaches the screen: not while an overlay is open (the
    /// overlay is over it) nor when the terminal is too small for the screen to be drawn.
    pub fn mouse_for_screen(&self, m: MouseEvent, overlay_open: bool) -> Option<MouseEvent> {
        (!overlay_open && !crate::tui::layout::too_small(self.size)).then_some(m)
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.size = Rect::new(0, 0, w, h);
    }
}

/// What a screen's part of `update` asks of its app: stay on the screen (with these effects), or
/// leave it (the app closes the screen, saving what needs saving).
#[derive(Debug)]
pub enum Step<E> {
    Stay(Vec<E>),
    Leave,
}

/// The selection after one step up or down a list of `len` rows.
pub fn step(sel: usize, len: usize, down: bool) -> usize {
    if len == 0 {
        0
    } else if down {
        (sel + 1).min(len - 1)
    } else {
        sel.saturating_sub(1).min(len - 1)
    }
}

/// Where `a` moves the selection `sel` of a list of `len` rows (up, down, to the first or the
/// last row); `None` when `a` is not a move.
pub fn list_move(sel: usize, len: usize, a: Action) -> Option<usize> {
    match a {
        Action::Up | Action::Down => Some(step(sel, len, a == Action::Down)),
        Action::Start => Some(0),
        Action::End => Some(len.saturating_sub(1)),
        _ => None,
    }
}

/// The selection after a list was replaced: the same item (by `id`) when it is still there,
/// else the same position, within the new list.
pub fn keep_selection<T>(
    old: Option<&str>,
    sel: usize,
    new: &[T],
    id: impl Fn(&T) -> &str,
) -> usize {
    old.and_then(|o| new.iter().position(|x| id(x) == o))
        .unwrap_or(sel)
        .min(new.len().saturating_sub(1))
}
