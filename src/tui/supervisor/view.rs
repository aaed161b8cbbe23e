//! Draws the supervisor app: the screen on show, then the overlay over it (help, go to, reason,
//! leaving with unsaved decisions). Views read the state and draw; they change nothing.
use ratatui::Frame;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use crate::tui::keys::Action;
use crate::tui::shell::help::{self, Help};
use crate::tui::shell::prompt::view_prompt;
use crate::tui::supervisor::list::view as list_view;
use crate::tui::supervisor::model::{AdjApp, Overlay, Screen};
use crate::tui::supervisor::recording::view as recording_view;
use crate::tui::terminal::sanitize;
use crate::tui::widgets::chrome;

/// Draws the app: the screen on show, then the overlay (without colour when the shell says so).
pub fn draw(f: &mut Frame, app: &AdjApp) {
    chrome::draw_app(f, app.shell.mono, |f| {
        match &app.screen {
            Screen::Recording(r) => recording_view::view(f, app, r),
            Screen::List => list_view::view(f, app),
        }
        overlay(f, app);
    });
}

/// The overlay over the screen, if one is open.
fn overlay(f: &mut Frame, app: &AdjApp) {
    match &app.overlay {
        None => {}
        Some(Overlay::Help) => help(f, app),
        Some(Overlay::GoTo(p)) => view_prompt(f, p),
        Some(Overlay::Reason(p)) => recording_view::reason_view(f, app, p),
        Some(Overlay::Leave { quit }) => leave_view(f, app, *quit),
        Some(Overlay::Rationales { scroll }) => {
            if let Some(r) = app.recording() {
                recording_view::rationales_view(f, app, r, *scroll);
            }
        }
        Some(Overlay::ReasonChoice { domain, label, previous }) => {
            recording_view::reason_choice_view(f, app, domain, label, *previous);
        }
    }
}

fn leave_view(f: &mut Frame, app: &AdjApp, quit: bool) {
    let rec = app.recording().map_or("", |r| r.case.recording.as_str());
    let lines = vec![
        Line::styled(
            format!("{} has decisions that are not saved.", sanitize(rec)),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Line::raw(""),
        Line::styled(
            if quit {
                "y quit without saving · Enter / n / Esc stay (then S to save)"
            } else {
                "y leave without saving · Enter / n / Esc stay (then S to save)"
            },
            Style::new().fg(Color::DarkGray),
        ),
    ];
    let h = u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_add(2);
    chrome::dialog(f, "Unsaved decisions", Color::Yellow, lines, 72, h);
}

/// The actions of the adjudication screens' help, in order.
const HELP: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::Activate,
    Action::FocusNext,
    Action::FocusPrev,
    Action::Score(1),
    Action::Score(2),
    Action::Score(3),
    Action::Score(4),
    Action::Score(5),
    Action::ClearScore,
    Action::Rationales,
    Action::PageDown,
    Action::PageUp,
    Action::Submit,
    Action::PlayPause,
    Action::Back5,
    Action::Forward5,
    Action::Back30,
    Action::Forward30,
    Action::Start,
    Action::End,
    Action::GoTo,
    Action::SpeedDown,
    Action::SpeedUp,
    Action::SpeedReset,
    Action::Replay,
    Action::ZoomIn,
    Action::ZoomOut,
    Action::Transcript,
    Action::Search,
    Action::Note,
    Action::SegmentNote,
    Action::Help,
    Action::Back,
];

/// What `a` does on the adjudication screens, where the coder's words do not fit.
fn describe(a: Action) -> &'static str {
    const FINAL: [&str; 5] =
        ["final score 1", "final score 2", "final score 3", "final score 4", "final score 5"];
    match a {
        Action::Score(n) => {
            FINAL.get(usize::from(n).wrapping_sub(1)).copied().unwrap_or("final score")
        }
        Action::Activate => "open · reason · jump",
        Action::FocusNext => "pane (scores→A→B→text)",
        Action::ClearScore => "clear the decision",
        Action::Rationales => "both rationales in full",
        Action::PageDown => "rationales: page down",
        Action::PageUp => "rationales: page up",
        Action::Submit => "save the adjudication",
        Action::Start => "start",
        Action::End => "end",
        Action::ZoomIn => "zoom strip narrower",
        Action::ZoomOut => "zoom strip wider",
        Action::Note => "transcript: next match",
        Action::SegmentNote => "transcript: prev match",
        _ => help::words(a),
    }
}

fn help(f: &mut Frame, app: &AdjApp) {
    let tolerance = app.tolerance;
    let entries: Vec<(Action, &str)> = HELP.iter().map(|a| (*a, describe(*a))).collect();
    Help {
        title: " Help — adjudication ",
        bottom: " mouse: click the timeline to seek, wheel ±5 s, click rows · Esc/q/? close ",
        intro: vec![
            Line::raw(format!(
                "Red rows differ by more than ±{tolerance}: choose a final score and write a reason."
            )),
            Line::raw(
                "S saves supervisor/adjudications/<recording>.toml; the coders' files never change.",
            ),
        ],
        intro_rows: 3,
        entries: &entries,
        max_width: 104,
        note: app.shell.audio_detail.as_ref().map(|d| format!("No audio device, so playback is silent: {d}")),
        keys_width: Some(12),
    }
    .view(f, &app.shell.keymap);
}
