//! Prompts (go to time, note, rationale or reason) with the editing keys users expect, in both
//! apps; and reading the go-to prompt's time. State and view live together here.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Constraint;

use crate::timefmt::{Clock, TimeError, hms, parse_time};
use crate::tui::widgets::prompt::PromptBox;

#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    GoTo,
    Note {
        at_s: f64,
    },
    Rationale {
        domain: String,
        label: String,
    },
    /// The note of segment `index` (from `start_s` to `end_s`).
    SegmentNote {
        index: usize,
        start_s: f64,
        end_s: f64,
    },
    /// A search of the transcript (the coder's transcript pane).
    Search,
}

/// What the coder asked for that would throw typed text away, asked about first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discard {
    /// Esc: close the prompt.
    Close,
    /// Ctrl-C: close the prompt and quit.
    Quit,
}

/// A line being edited: the text as characters and a cursor between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: Vec<char>,
    pub cursor: usize,
    pub error: Option<String>,
    /// Typed text is never thrown away without asking ([`Prompt::guarded`]).
    pub guard: bool,
    /// The text the prompt opened with: closing with it unchanged loses nothing.
    pub initial: Vec<char>,
    /// Asking "discard the text you typed?" (`y` discards, anything else keeps editing).
    pub asking: Option<Discard>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptOutcome {
    Editing,
    Cancel,
    Done(String),
}

/// The longest text a prompt accepts (a note or rationale, not an essay).
pub const MAX_PROMPT_CHARS: usize = 2_000;

impl Prompt {
    pub fn new(kind: PromptKind, initial: &str) -> Self {
        let text: Vec<char> = initial.chars().filter(|c| !c.is_control()).collect();
        Prompt {
            kind,
            cursor: text.len(),
            initial: text.clone(),
            text,
            error: None,
            guard: false,
            asking: None,
        }
    }

    /// A prompt whose typed text is not thrown away without asking: Esc (or Ctrl-C, through
    /// [`Prompt::ask_before_quitting`]) with typed text asks first, and keeps editing unless the
    /// answer is `y`.
    pub fn guarded(kind: PromptKind, initial: &str) -> Self {
        Prompt { guard: true, ..Prompt::new(kind, initial) }
    }

    /// Whether closing now would lose text the coder typed (not blank, not what it opened with).
    pub fn has_typed(&self) -> bool {
        self.text != self.initial && self.text.iter().any(|c| !c.is_whitespace())
    }

    /// Ctrl-C with this prompt open: with typed text in a guarded prompt, asks first (`true`:
    /// do not quit yet); `false` when nothing would be lost.
    pub fn ask_before_quitting(&mut self) -> bool {
        if self.guard && self.has_typed() {
            self.asking = Some(Discard::Quit);
            return true;
        }
        false
    }

    /// After [`PromptOutcome::Cancel`]: whether the coder agreed to quit (Ctrl-C, then `y`).
    pub fn quits(&self) -> bool {
        self.asking == Some(Discard::Quit)
    }

    /// The question on show, if one is asked.
    pub fn question(&self) -> Option<&'static str> {
        self.asking.map(|d| match d {
            Discard::Close => "discard the text you typed? y discard · n/Esc keep editing",
            Discard::Quit => "quit and discard the text you typed? y quit · n/Esc keep editing",
        })
    }

    pub fn text(&self) -> String {
        self.text.iter().collect()
    }

    /// Inserts pasted text at the cursor: line breaks and tabs become spaces, other control
    /// characters are dropped, and the text stops at [`MAX_PROMPT_CHARS`].
    pub fn paste(&mut self, s: &str) {
        for c in s.chars() {
            let c = if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c };
            if c.is_control() {
                continue;
            }
            if self.text.len() >= MAX_PROMPT_CHARS {
                break;
            }
            self.text.insert(self.cursor, c);
            self.cursor += 1;
        }
        self.error = None;
    }

    /// Left/Right, Home/End (Ctrl-A/Ctrl-E), Backspace/Delete, Ctrl-U (to start), Ctrl-K (to end),
    /// Ctrl-W (word before), Enter, Esc.
    pub fn edit(&mut self, k: &KeyEvent) -> PromptOutcome {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if self.asking.is_some() {
            // Only `y` discards; every other key (Enter too) keeps the text.
            if matches!(k.code, KeyCode::Char('y' | 'Y')) && !ctrl {
                return PromptOutcome::Cancel;
            }
            self.asking = None;
            return PromptOutcome::Editing;
        }
        match k.code {
            KeyCode::Esc if self.guard && self.has_typed() => self.asking = Some(Discard::Close),
            KeyCode::Esc => return PromptOutcome::Cancel,
            KeyCode::Enter => return PromptOutcome::Done(self.text()),
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.text.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.len(),
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.len(),
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.text.remove(self.cursor);
            }
            KeyCode::Delete if self.cursor < self.text.len() => {
                self.text.remove(self.cursor);
            }
            KeyCode::Char('u') if ctrl => {
                self.text.drain(..self.cursor);
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => self.text.truncate(self.cursor),
            KeyCode::Char('w') if ctrl => {
                let mut i = self.cursor;
                while i > 0 && self.text[i - 1].is_whitespace() {
                    i -= 1;
                }
                while i > 0 && !self.text[i - 1].is_whitespace() {
                    i -= 1;
                }
                self.text.drain(i..self.cursor);
                self.cursor = i;
            }
            KeyCode::Char(c) if !ctrl && !c.is_control() && self.text.len() < MAX_PROMPT_CHARS => {
                self.text.insert(self.cursor, c);
                self.cursor += 1;
            }
            _ => {}
        }
        self.error = None;
        PromptOutcome::Editing
    }
}

pub fn view_prompt(f: &mut Frame, p: &Prompt) {
    view_prompt_with(f, p, Clock::default());
}

/// [`view_prompt`] with times as the open recording shows them.
pub fn view_prompt_with(f: &mut Frame, p: &Prompt, clock: Clock) {
    let (title, hint) = match &p.kind {
        PromptKind::GoTo => {
            ("Go to time".to_string(), "seconds (754.2), mm:ss or h:mm:ss · Enter go · Esc cancel")
        }
        PromptKind::Note { at_s } => {
            (format!("Note at {}", clock.tenths(*at_s)), "Enter save · Esc cancel")
        }
        PromptKind::Rationale { label, .. } => {
            (format!("Rationale: {label}"), "Enter save (empty clears) · Esc cancel")
        }
        PromptKind::SegmentNote { start_s, end_s, .. } => (
            format!("Note on the segment {}–{}", clock.tenths(*start_s), clock.tenths(*end_s)),
            "Enter save (empty clears) · Esc cancel",
        ),
        PromptKind::Search => (
            "Search the transcript".to_string(),
            "Enter search (any case; empty clears) · Esc cancel",
        ),
    };
    let area = f.area().centered(Constraint::Length(70), Constraint::Length(4));
    let text = p.text();
    let error = p.question().or(p.error.as_deref());
    f.render_widget(PromptBox { title: &title, hint, text: &text, cursor: p.cursor, error }, area);
}

/// [`parse_time`] for the go-to prompts, with a short reason (fits the prompt box) when the
/// input is refused: minutes of 60 or more in `mm:ss` get the `h:mm:ss` to type instead.
pub fn parse_go_to(s: &str) -> Result<f64, String> {
    match parse_time(s.trim()) {
        Ok(t) => Ok(t),
        Err(TimeError::OutOfRange { part, .. }) if part.starts_with("seconds") => {
            Err("seconds must be below 60: use seconds (754.2), mm:ss or h:mm:ss".into())
        }
        Err(TimeError::OutOfRange { .. }) => {
            let parts: Vec<&str> = s.trim().split(':').collect();
            match (parts.as_slice(), parts.first().and_then(|m| m.parse::<u64>().ok())) {
                ([_, sec], Some(min)) => match parse_time(&format!("0:{sec}")) {
                    Ok(sec_s) => Err(format!(
                        "minutes must be below 60: for an hour or more write {}",
                        hms(min as f64 * 60.0 + sec_s)
                    )),
                    Err(_) => {
                        Err("minutes and seconds must be below 60: use mm:ss or h:mm:ss".into())
                    }
                },
                _ => Err("minutes must be below 60: use seconds (754.2), mm:ss or h:mm:ss".into()),
            }
        }
        Err(_) => Err("not a time: use seconds (754.2), mm:ss or h:mm:ss".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }
    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }
    fn typed(p: &mut Prompt, s: &str) {
        for c in s.chars() {
            p.edit(&key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn editing_keys() {
        let mut p = Prompt::new(PromptKind::GoTo, "");
        typed(&mut p, "hello world");
        p.edit(&ctrl('w'));
        assert_eq!(p.text(), "hello ");
        p.edit(&key(KeyCode::Home));
        p.edit(&key(KeyCode::Delete));
        assert_eq!(p.text(), "ello ");
        p.edit(&key(KeyCode::End));
        p.edit(&key(KeyCode::Left));
        p.edit(&key(KeyCode::Backspace));
        assert_eq!(p.text(), "ell ");
        p.edit(&key(KeyCode::Right));
        typed(&mut p, "x");
        assert_eq!(p.text(), "ell x");
        p.edit(&key(KeyCode::Left));
        p.edit(&ctrl('u'));
        assert_eq!((p.text().as_str(), p.cursor), ("x", 0));
        p.edit(&ctrl('e'));
        assert_eq!(p.cursor, 1);
        p.edit(&ctrl('a'));
        p.edit(&ctrl('k'));
        assert_eq!(p.text(), "");
        assert_eq!(p.edit(&key(KeyCode::Enter)), PromptOutcome::Done(String::new()));
        assert_eq!(p.edit(&key(KeyCode::Esc)), PromptOutcome::Cancel);
    }

    #[test]
    fn a_guarded_prompt_asks_before_esc_throws_typed_text_away() {
        let mut p = Prompt::guarded(PromptKind::Note { at_s: 1.0 }, "");
        assert_eq!(p.edit(&key(KeyCode::Esc)), PromptOutcome::Cancel, "empty closes at once");
        typed(&mut p, "Parent asks");
        assert_eq!(p.edit(&key(KeyCode::Esc)), PromptOutcome::Editing);
        assert!(p.question().is_some());
        // Enter (the default) keeps the text and goes on editing, as do n and Esc.
        for keep in [key(KeyCode::Enter), key(KeyCode::Char('n')), key(KeyCode::Esc)] {
            assert_eq!(p.edit(&keep), PromptOutcome::Editing);
            assert_eq!((p.text().as_str(), p.asking), ("Parent asks", None));
            p.edit(&key(KeyCode::Esc));
        }
        assert_eq!(p.edit(&key(KeyCode::Char('y'))), PromptOutcome::Cancel);
        assert!(!p.quits());
        // Reopened with its text unchanged: nothing typed, nothing to ask.
        let mut r = Prompt::guarded(PromptKind::GoTo, "kept");
        assert_eq!(r.edit(&key(KeyCode::Esc)), PromptOutcome::Cancel);
        assert!(!r.ask_before_quitting());
        // Unguarded prompts close as before.
        let mut g = Prompt::new(PromptKind::GoTo, "");
        typed(&mut g, "1:00");
        assert_eq!(g.edit(&key(KeyCode::Esc)), PromptOutcome::Cancel);
    }

    #[test]
    fn backspace_at_start_and_delete_at_end_do_nothing() {
        let mut p = Prompt::new(PromptKind::GoTo, "ab");
        p.edit(&key(KeyCode::Delete));
        p.edit(&key(KeyCode::Home));
        p.edit(&key(KeyCode::Backspace));
        assert_eq!(p.text(), "ab");
    }

    #[test]
    fn go_to_reasons() {
        assert_eq!(parse_go_to(" 1:15:30 "), Ok(4530.0));
        let e = parse_go_to("75:30").unwrap_err();
        assert!(e.contains("1:15:30"), "{e}");
        assert!(parse_go_to("1:75").unwrap_err().starts_with("seconds must be below 60"));
        assert!(parse_go_to("75:75").unwrap_err().starts_with("minutes and seconds"));
        assert!(parse_go_to("1:75:00").unwrap_err().starts_with("minutes must be below 60"));
        assert!(parse_go_to("abc").unwrap_err().starts_with("not a time"));
    }
}
