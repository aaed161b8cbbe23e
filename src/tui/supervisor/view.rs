//! Draws the supervisor app: the screen on show, then the overlay over it (help, go to, reason,
//! leaving with unsaved decisions). Views read the state and draw; they change nothing.
use ratatui::Frame;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use crate::tui::keys::Action;
use crate::tui::shell::help::Help;
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

/// The keys of the adjudication screens, with what they do here.
const HELP: &[(Action, &str)] = &[
    (Action::Up, "select up"),
    (Action::Down, "select down"),
    (Action::Activate, "open · reason · jump"),
    (Action::FocusNext, "pane (scores→A→B→text)"),
    (Action::FocusPrev, "previous pane"),
    (Action::Score(1), "final score 1"),
    (Action::Score(2), "final score 2"),
    (Action::Score(3), "final score 3"),
    (Action::Score(4), "final score 4"),
    (Action::Score(5), "final score 5"),
    (Action::ClearScore, "clear the decision"),
    (Action::Rationales, "both rationales in full"),
    (Action::PageDown, "rationales: page down"),
    (Action::PageUp, "rationales: page up"),
    (Action::Submit, "save the adjudication"),
    (Action::PlayPause, "play / pause"),
    (Action::Back5, "back 5 s"),
    (Action::Forward5, "forward 5 s"),
    (Action::Back30, "back 30 s"),
    (Action::Forward30, "forward 30 s"),
    (Action::Start, "start"),
    (Action::End, "end"),
    (Action::GoTo, "go to time…"),
    (Action::SpeedDown, "speed −0.1"),
    (Action::SpeedUp, "speed +0.1"),
    (Action::SpeedReset, "speed 1.0"),
    (Action::Replay, "replay last 5 s"),
    (Action::ZoomIn, "zoom strip narrower"),
    (Action::ZoomOut, "zoom strip wider"),
    (Action::Transcript, "transcript pane on / off"),
    (Action::Search, "search the transcript…"),
    (Action::Note, "transcript: next match"),
    (Action::SegmentNote, "transcript: prev match"),
    (Action::Help, "this help"),
    (Action::Back, "back / quit"),
];

fn help(f: &mut Frame, app: &AdjApp) {
    let tolerance = app.tolerance;
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
        entries: HELP,
        max_width: 104,
        note: app.shell.audio_detail.as_ref().map(|d| format!("No audio device, so playback is silent: {d}")),
        keys_width: Some(12),
    }
    .view(f, &app.shell.keymap);
}
