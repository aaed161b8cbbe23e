//! The coding screen's dialogs (delete a segment or note, submit, leaving with unsaved changes):
//! their state and view.
use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::coding::SubmitCheck;
use crate::timefmt::hms_tenths;

#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    DeleteSegment(usize),
    DeleteNote(usize),
    Submit(SubmitCheck),
    /// The submit is on its way; waits for the answer.
    Submitting,
    /// Leaving (quitting the app when `quit`) with changes the last save could not write, and
    /// why: `r` retry, `y` leave and lose them, `n` / Esc stay (`coder/leave.rs`).
    LeaveUnsaved {
        reason: String,
        quit: bool,
    },
}

fn leave_unsaved_lines(lines: &mut Vec<Line>, reason: &str, quit: bool) -> (&'static str, Color) {
    lines.push(Line::styled(
        "Your latest changes are NOT saved:",
        Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
    ));
    lines.push(Line::raw(format!("  {}", crate::tui::terminal::sanitize(reason))));
    lines.push(Line::raw(""));
    let leave = if quit { "quit" } else { "leave" };
    lines.push(Line::styled(
        format!("r retry the save · y {leave} and lose them · n / Esc stay"),
        Style::new().fg(Color::DarkGray),
    ));
    ("Unsaved changes", Color::Red)
}

/// The rows `lines` take wrapped at `width` columns (a long reason, such as a file path in an
/// error, must not push the dialog's keys out of its box). Word wrapping can leave up to a word
/// per row unused, so a wrapped line is given one row more than its bare length needs.
fn wrapped_rows(lines: &[Line], width: usize) -> u16 {
    let rows: usize = lines
        .iter()
        .map(|l| match l.width().div_ceil(width.max(1)) {
            0 | 1 => 1,
            n => n + 1,
        })
        .sum();
    u16::try_from(rows).unwrap_or(u16::MAX)
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
        Dialog::LeaveUnsaved { reason, quit } => leave_unsaved_lines(&mut lines, reason, *quit),
    };
    let h = (wrapped_rows(&lines, 74) + 2).min(f.area().height);
    let area = f.area().centered(Constraint::Length(76), Constraint::Length(h));
    f.render_widget(Clear, area);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(format!(" {title} "))
        .border_style(Style::new().fg(color));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}
