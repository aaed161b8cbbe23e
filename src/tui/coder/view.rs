//! Draws the coder app: the screen on show, then the overlay over it. Views read the state and
//! draw; they never change anything.
use ratatui::Frame;
use ratatui::text::Line;

use crate::timefmt::Clock;
use crate::tui::coder::coding::CodingState;
use crate::tui::coder::coding::view as coding_view;
use crate::tui::coder::dialogs;
use crate::tui::coder::feedback::view as feedback_view;
use crate::tui::coder::model::{App, Overlay, Screen};
use crate::tui::coder::queue::view as queue_view;
use crate::tui::keys::{ACTIONS, Action};
use crate::tui::shell::help::{self, Help};
use crate::tui::shell::prompt::view_prompt_with;
use crate::tui::widgets::chrome;

/// Draws the app: the screen on show, then the overlay (without colour when the shell says so).
pub fn draw(f: &mut Frame, app: &App) {
    chrome::draw_app(f, app.shell.mono, |f| {
        match &app.screen {
            Screen::Coding(c) => coding_view::view(f, app, c),
            Screen::Queue => queue_view::view(f, app),
            Screen::Feedback(s) => feedback_view::view(f, app, s),
        }
        overlay(f, app);
    });
}

/// The overlay over the screen, if one is open.
fn overlay(f: &mut Frame, app: &App) {
    match &app.overlay {
        None => {}
        Some(Overlay::Help) => help(f, app),
        Some(Overlay::Prompt(p)) => {
            view_prompt_with(f, p, app.coding().map(CodingState::clock).unwrap_or_default());
        }
        Some(Overlay::Dialog(d)) => {
            let (segs, notes, clock) = match app.coding() {
                Some(c) => (
                    c.coding.segments.iter().map(|s| (s.start_s, s.end_s)).collect(),
                    c.coding.notes.iter().map(|n| (n.at_s, n.text.clone())).collect(),
                    c.clock(),
                ),
                None => (vec![], vec![], Clock::default()),
            };
            let domains: Vec<String> =
                app.shell.codebook.domains.iter().map(|d| d.label.clone()).collect();
            let shown = dialogs::Shown {
                segments: &segs,
                notes: &notes,
                domains: &domains,
                clock,
                gold: app.gold,
            };
            dialogs::view_dialog(f, d, &shown);
        }
    }
}

/// Every action with the keys bound to it now (so rebinding shows up here), and above them what
/// leaving with unsaved changes does (the keys of that dialog are fixed).
fn help(f: &mut Frame, app: &App) {
    let entries: Vec<(Action, &str)> = ACTIONS
        .iter()
        .filter(|(a, _)| *a != Action::Rationales)
        .map(|(a, _)| (*a, describe(*a, !app.shell.codebook.items.is_empty())))
        .collect();
    let back = app.shell.keymap.keys_for(Action::Back).join(" ");
    let mut intro = vec![
        Line::raw(format!("Leaving ({back}, Ctrl+C) saves first and goes once it is on disk.")),
        Line::raw("If that save fails: r retry · y leave and lose the changes · n / Esc stay."),
    ];
    let mut intro_rows = 2;
    // An instrument's count keys (from the codebook, rebindable in keys.toml's [counts]).
    let counts = &app.shell.codebook.items.counts;
    if !counts.is_empty() {
        let keys: Vec<String> = counts
            .iter()
            .map(|c| {
                let k = crate::tui::keys::key_name(&app.shell.keymap.count_key(c));
                format!("{k} {}", crate::tui::terminal::sanitize(&c.label))
            })
            .collect();
        let text = format!("Count keys log at the playhead, in any pane: {}", keys.join(" · "));
        intro_rows += u16::try_from(text.chars().count().div_ceil(90)).unwrap_or(1);
        intro.push(Line::raw(text));
    }
    Help {
        title: " Help — keys ",
        bottom: " mouse: click or drag the timeline, wheel ±5 s, click rows · Esc closes ",
        intro,
        intro_rows,
        entries: &entries,
        max_width: 96,
        note: app
            .shell
            .audio_detail
            .as_ref()
            .map(|d| format!("No audio device, so playback is silent: {d}")),
        keys_width: None,
    }
    .view(f, &app.shell.keymap);
}

/// What `a` does in the coder's app; `items`: the codebook is an instrument with items beside
/// its scales (the items pane, the events pane).
fn describe(a: Action, items: bool) -> &'static str {
    match a {
        Action::Activate if items => "jump · rationale · ✓/✗",
        Action::Delete if items => "delete event or note",
        Action::Score(1) if items => "score/class 1 (items)",
        Action::ClearScore if items => "clear score / answer",
        _ => help::words(a),
    }
}
