//! The coding screen's dialogs (delete a segment or note, submit, leaving with unsaved changes):
//! their state and view.
use ratatui::Frame;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use crate::coding::{SubmitCheck, SubmitProblem, SubmitWarning};
use crate::timefmt::Clock;

/// The share listened, when it is below the threshold that makes submitting take a second step
/// (SPEC's 90 %, [`crate::coding::LISTENED_WARNING_BELOW`]).
pub fn little_listened(check: &SubmitCheck) -> Option<f64> {
    // (The only warning there is; a new one gets its own arm here.)
    check
        .warnings
        .iter()
        .map(|w| match w {
            SubmitWarning::LittleListened { fraction, .. } => *fraction,
        })
        .next()
}

/// What the dialogs show of the open coding.
pub struct Shown<'a> {
    pub segments: &'a [(f64, f64)],
    pub notes: &'a [(f64, String)],
    /// The codebook's domain labels, in order.
    pub domains: &'a [String],
    pub clock: Clock,
    /// A supervisor's gold draft: the submit dialog says what submitting does to gold.
    pub gold: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    DeleteSegment(usize),
    DeleteNote(usize),
    Submit(SubmitCheck),
    /// Below the listened threshold, `y` was typed in the submit dialog: Enter submits now.
    SubmitAnyway(SubmitCheck),
    /// The domains note `note` bears on: `chosen[i]` for the codebook's domain `i`; `cursor` is
    /// the domain Space toggles.
    NoteDomains {
        note: usize,
        chosen: Vec<bool>,
        cursor: usize,
    },
    /// The submit is on its way; waits for the answer.
    Submitting,
    /// Leaving (quitting the app when `quit`) with changes the last save could not write, and
    /// why: `r` retry, `y` leave and lose them, `n` / Esc stay (`coder/leave.rs`).
    LeaveUnsaved {
        reason: String,
        quit: bool,
    },
}

/// The problems as the dialog lists them: the checklist items not answered yet in one line
/// (an instrument has many), every other problem on its own.
fn problem_lines(problems: &[SubmitProblem]) -> Vec<String> {
    let unanswered: Vec<&str> = problems
        .iter()
        .filter_map(|p| match p {
            SubmitProblem::Unanswered { label, .. } => Some(label.as_str()),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    let mut said = false;
    for p in problems {
        match p {
            SubmitProblem::Unanswered { .. } if unanswered.len() > 1 => {
                if !said {
                    out.push(format!(
                        "checklist: {} items not marked present or absent (Enter on each in the items pane): {}",
                        unanswered.len(),
                        unanswered.join("; ")
                    ));
                    said = true;
                }
            }
            p => out.push(p.to_string()),
        }
    }
    out
}

fn submit_lines(
    lines: &mut Vec<Line>,
    check: &SubmitCheck,
    typed_y: bool,
    gold: bool,
) -> (&'static str, Color) {
    if check.problems.is_empty() {
        lines.push(Line::styled(
            if gold {
                "Ready to set this as the recording's gold coding (signed; it replaces any earlier gold)."
            } else {
                "Ready to submit. A submitted coding can no longer be changed."
            },
            Style::new().add_modifier(Modifier::BOLD),
        ));
    } else {
        lines.push(Line::styled(
            "Cannot submit yet — fix these first:",
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ));
        for p in problem_lines(&check.problems) {
            lines.push(Line::styled(
                format!("  ✗ {}", crate::tui::terminal::sanitize(&p)),
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
    let keys = match (check.problems.is_empty(), little_listened(check), gold) {
        (false, _, _) => "Enter / Esc back to coding",
        (true, None, false) => "y / Enter submit · n / Esc cancel",
        (true, None, true) => "y / Enter set gold · n / Esc cancel",
        (true, Some(_), false) if typed_y => "y typed: Enter submits anyway · n / Esc cancel",
        (true, Some(_), true) if typed_y => "y typed: Enter sets gold anyway · n / Esc cancel",
        (true, Some(_), false) => "to submit anyway type y, then Enter · n / Esc cancel",
        (true, Some(_), true) => "to set gold anyway type y, then Enter · n / Esc cancel",
    };
    let style = if typed_y {
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    lines.push(Line::styled(keys, style));
    let title = if gold { "Set gold coding" } else { "Submit coding" };
    (title, if check.problems.is_empty() { Color::Green } else { Color::Red })
}

fn note_domains_lines(
    lines: &mut Vec<Line>,
    shown: &Shown,
    note: usize,
    chosen: &[bool],
    cursor: usize,
) -> (&'static str, Color) {
    let what = shown.notes.get(note).map_or_else(String::new, |(t, s)| {
        format!(" at {}: “{}”", shown.clock.tenths(*t), crate::tui::terminal::sanitize(s))
    });
    lines.push(Line::raw(format!("The domains the note{what} bears on:")));
    for (i, label) in shown.domains.iter().enumerate() {
        let mark = if chosen.get(i).copied().unwrap_or(false) { "[x]" } else { "[ ]" };
        let number = if i < 9 { format!("{}", i + 1) } else { " ".into() };
        let text = format!(
            "{} {number} {mark} {}",
            if i == cursor { "▸" } else { " " },
            crate::tui::terminal::sanitize(label)
        );
        let style =
            if i == cursor { Style::new().add_modifier(Modifier::BOLD) } else { Style::new() };
        lines.push(Line::styled(text, style));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "1–9 or Space toggle · ↑↓ move · Enter save · Esc cancel",
        Style::new().fg(Color::DarkGray),
    ));
    ("Note domains", Color::Cyan)
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

pub fn view_dialog(f: &mut Frame, d: &Dialog, shown: &Shown) {
    let mut lines: Vec<Line> = vec![];
    let hint = |text: &str| Line::styled(text.to_string(), Style::new().fg(Color::DarkGray));
    let clock = shown.clock;
    let (title, color) = match d {
        Dialog::DeleteSegment(i) => {
            let what = shown
                .segments
                .get(*i)
                .map(|(a, b)| format!("the segment {} – {}", clock.tenths(*a), clock.tenths(*b)))
                .unwrap_or_else(|| "this segment".into());
            lines.push(Line::raw(format!("Delete {what}?")));
            lines.push(Line::raw(""));
            lines.push(hint("y / Enter delete · n / Esc keep"));
            ("Delete segment", Color::Red)
        }
        Dialog::DeleteNote(i) => {
            let what = shown
                .notes
                .get(*i)
                .map(|(t, s)| {
                    format!(
                        "the note at {}: “{}”",
                        clock.tenths(*t),
                        crate::tui::terminal::sanitize(s)
                    )
                })
                .unwrap_or_else(|| "this note".into());
            lines.push(Line::raw(format!("Delete {what}?")));
            lines.push(Line::raw(""));
            lines.push(hint("y / Enter delete · n / Esc keep"));
            ("Delete note", Color::Red)
        }
        Dialog::Submit(check) => submit_lines(&mut lines, check, false, shown.gold),
        Dialog::SubmitAnyway(check) => submit_lines(&mut lines, check, true, shown.gold),
        Dialog::NoteDomains { note, chosen, cursor } => {
            note_domains_lines(&mut lines, shown, *note, chosen, *cursor)
        }
        Dialog::Submitting => {
            lines.push(Line::raw("Submitting…"));
            ("Submit coding", Color::Green)
        }
        Dialog::LeaveUnsaved { reason, quit } => leave_unsaved_lines(&mut lines, reason, *quit),
    };
    let h = wrapped_rows(&lines, 74) + 2;
    crate::tui::widgets::chrome::dialog(f, title, color, lines, 76, h);
}
