//! Prompts (go to time, note, rationale or reason) with the editing keys users expect, in both
//! apps; and reading the go-to prompt's time. State and view live together here.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Constraint;

use crate::timefmt::{TimeError, hms, hms_tenths, parse_time};
use crate::tui::widgets::prompt::PromptBox;

#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    GoTo,
    Note { at_s: f64 },
    Rationale { domain: String, label: String },
}

/// A line being edited: the text as characters and a cursor between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: Vec<char>,
    pub cursor: usize,
    pub error: Option<String>,
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
        Prompt { kind, cursor: text.len(), text, error: None }
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
        match k.code {
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
    let (title, hint) = match &p.kind {
        PromptKind::GoTo => {
            ("Go to time".to_string(), "seconds (754.2), mm:ss or h:mm:ss · Enter go · Esc cancel")
        }
        PromptKind::Note { at_s } => {
            (format!("Note at {}", hms_tenths(*at_s)), "Enter save · Esc cancel")
        }
        PromptKind::Rationale { label, .. } => {
            (format!("Rationale: {label}"), "Enter save (empty clears) · Esc cancel")
        }
    };
    let area = f.area().centered(Constraint::Length(70), Constraint::Length(4));
    let text = p.text();
    f.render_widget(
        PromptBox { title: &title, hint, text: &text, cursor: p.cursor, error: p.error.as_deref() },
        area,
    );
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
