//! Prompts (go to time, note, rationale) with the editing keys users expect, and the confirm
//! dialogs (delete, submit). State and view live together here.
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::coding::SubmitCheck;
use crate::tui::format::hms_tenths;
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

#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    DeleteSegment(usize),
    DeleteNote(usize),
    Submit(SubmitCheck),
    /// The submit is on its way; waits for the answer.
    Submitting,
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [r] =
        Layout::horizontal([Constraint::Length(w.min(area.width))]).flex(Flex::Center).areas(area);
    let [r] =
        Layout::vertical([Constraint::Length(h.min(area.height))]).flex(Flex::Center).areas(r);
    r
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
    let area = centered(f.area(), 70, 4);
    let text = p.text();
    f.render_widget(
        PromptBox { title: &title, hint, text: &text, cursor: p.cursor, error: p.error.as_deref() },
        area,
    );
}

pub fn view_dialog(f: &mut Frame, d: &Dialog, segments: &[(f64, f64)], notes: &[(f64, String)]) {
    let mut lines: Vec<Line> = vec![];
    let (title, color) = match d {
        Dialog::DeleteSegment(i) => {
            let what = segments
                .get(*i)
                .map(|(a, b)| format!("the segment {} – {}", hms_tenths(*a), hms_tenths(*b)))
                .unwrap_or_else(|| "this segment".into());
            lines.push(Line::raw(format!("Delete {what}?")));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "y / Enter delete · n / Esc keep",
                Style::new().fg(Color::DarkGray),
            ));
            ("Delete segment", Color::Red)
        }
        Dialog::DeleteNote(i) => {
            let what = notes
                .get(*i)
                .map(|(t, s)| {
                    format!(
                        "the note at {}: “{}”",
                        hms_tenths(*t),
                        crate::tui::terminal::sanitize(s)
                    )
                })
                .unwrap_or_else(|| "this note".into());
            lines.push(Line::raw(format!("Delete {what}?")));
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "y / Enter delete · n / Esc keep",
                Style::new().fg(Color::DarkGray),
            ));
            ("Delete note", Color::Red)
        }
        Dialog::Submit(check) => {
            if check.problems.is_empty() {
                lines.push(Line::styled(
                    "Ready to submit. A submitted coding can no longer be changed.",
                    Style::new().add_modifier(Modifier::BOLD),
                ));
            } else {
                lines.push(Line::styled(
                    "Cannot submit yet — fix these first:",
                    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
                ));
                for p in &check.problems {
                    lines.push(Line::styled(
                        format!("  ✗ {}", crate::tui::terminal::sanitize(&p.to_string())),
                        Style::new().fg(Color::Red),
                    ));
                }
            }
            if !check.warnings.is_empty() {
                lines.push(Line::raw(""));
                for w in &check.warnings {
                    lines.push(Line::styled(format!("  ! {w}"), Style::new().fg(Color::Yellow)));
                }
            }
            lines.push(Line::raw(""));
            let keys = if check.problems.is_empty() {
                "y / Enter submit · n / Esc cancel"
            } else {
                "Enter / Esc back to coding"
            };
            lines.push(Line::styled(keys, Style::new().fg(Color::DarkGray)));
            ("Submit coding", if check.problems.is_empty() { Color::Green } else { Color::Red })
        }
        Dialog::Submitting => {
            lines.push(Line::raw("Submitting…"));
            ("Submit coding", Color::Green)
        }
    };
    let area = centered(f.area(), 76, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(format!(" {title} "))
        .border_style(Style::new().fg(color));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
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
}
