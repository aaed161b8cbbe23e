//! Taking the terminal and giving it back on every path: normal quit, error (a guard's `Drop`) and
//! panic (a hook that runs before the panic message is printed). Also the one place that turns
//! text from files into something safe to draw: no control characters or escapes reach the
//! terminal.
use std::borrow::Cow;
use std::io::stdout;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use ratatui::DefaultTerminal;

/// Owns the terminal while the TUI runs; restores it when dropped (also on `?` error paths).
pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

/// What a failed [`TerminalGuard::enter`] means to the user, and what to do.
pub const NO_TERMINAL: &str = "taking the terminal: tapecoder's screens need a terminal; run it in a terminal window, without piping or redirecting its input or output (commands such as `status` and `reliability` work without one)";

impl TerminalGuard {
    /// Raw mode, alternate screen, mouse capture, and a panic hook that undoes all three before the
    /// panic message is printed.
    pub fn enter() -> std::io::Result<Self> {
        // ratatui's init installs a hook that restores raw mode and the alternate screen; wrap it so
        // mouse capture is released first.
        let mut terminal = ratatui::try_init()?;
        let inner = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(stdout(), DisableBracketedPaste, DisableMouseCapture);
            inner(info);
        }));
        // Cleared once: after a crash that could not restore the terminal (kill -9), the alternate
        // screen still holds the old frame, and ratatui's first draw only writes cells that are
        // not blank, so leftovers (a coding screen behind the queue) would stay visible.
        if let Err(e) = execute!(stdout(), EnableMouseCapture, EnableBracketedPaste)
            .and_then(|()| terminal.clear())
        {
            restore();
            return Err(e);
        }
        Ok(Self { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Mouse capture off, then raw mode and alternate screen off. Safe to call more than once.
pub fn restore() {
    let _ = execute!(stdout(), DisableBracketedPaste, DisableMouseCapture);
    ratatui::restore();
}

/// `s` in at most `width` characters, ending `…` when cut.
pub fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Text from a file made safe to draw: escape sequences removed, other control characters and bidi
/// overrides replaced, tabs and newlines made spaces (see [`crate::ids::sanitize_for_terminal`]).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    crate::ids::sanitize_for_terminal(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls_never_pass() {
        let s = sanitize("a\x1b[31mred\x07\u{9b}2J\tb\nc\u{202e}x");
        assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        assert!(s.contains("red"));
        assert!(!s.contains('\u{202e}'));
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(sanitize("Empathy — 3"), Cow::Borrowed(_)));
    }
}
