//! The help overlay, built from the keymap: each action with the keys bound to it now (so
//! rebinding shows up here) and what it does in the app that shows it.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::tui::keys::{Action, Keymap};

/// What each action does, in help's words (an app says otherwise where its screens differ: the
/// supervisor's scores are final scores).
pub fn words(a: Action) -> &'static str {
    match a {
        Action::PlayPause => "play / pause",
        Action::Back5 => "back 5 s",
        Action::Forward5 => "forward 5 s",
        Action::Back30 => "back 30 s",
        Action::Forward30 => "forward 30 s",
        Action::Start => "go to start",
        Action::End => "go to end",
        Action::GoTo => "go to time…",
        Action::SpeedDown => "speed −0.1",
        Action::SpeedUp => "speed +0.1",
        Action::SpeedReset => "speed 1.0",
        Action::Replay => "replay last 5 s",
        Action::SegmentBegin => "begin segment (cue start)",
        Action::SegmentEnd => "end segment (cue end)",
        Action::SegmentStartHere => "segment start → playhead",
        Action::SegmentEndHere => "segment end → playhead",
        Action::SegmentNote => "segment note… · prev match",
        Action::Note => "note here… · next match",
        Action::NoteDomains => "note's domains…",
        Action::FocusNext => "next pane",
        Action::FocusPrev => "previous pane",
        Action::Up => "select up",
        Action::Down => "select down",
        Action::Activate => "open · jump · rationale",
        Action::Delete => "delete segment or note",
        Action::Score(1) => "score 1 (scores pane)",
        Action::Score(2) => "score 2",
        Action::Score(3) => "score 3",
        Action::Score(4) => "score 4",
        Action::Score(_) => "score 5",
        Action::ClearScore => "clear score",
        Action::Submit => "submit…",
        Action::Undo => "undo the last edit",
        Action::Redo => "redo",
        Action::ZoomIn => "zoom strip narrower (±5 s)",
        Action::ZoomOut => "zoom strip wider (±5 min)",
        Action::Help => "this help",
        Action::Back => "back / quit",
        Action::PageUp => "rubric, feedback: page up",
        Action::PageDown => "rubric, feedback: page down",
        Action::Rationales => "",
        Action::Transcript => "transcript pane on / off",
        Action::Search => "search the transcript…",
    }
}

/// One app's help: its actions in order, with what each does there.
pub struct Help<'a> {
    pub title: &'a str,
    /// The line on the bottom border (mouse use, how to close).
    pub bottom: &'a str,
    /// Lines above the keys (may be empty), wrapped into `intro_rows` rows, left out when the
    /// terminal is too short for them and every key; the keys then get one spare row below them
    /// (for the note).
    pub intro: Vec<Line<'a>>,
    pub intro_rows: u16,
    pub entries: &'a [(Action, &'a str)],
    /// The widest the box gets.
    pub max_width: u16,
    /// A line at the bottom of the box (why there is no audio device), if any.
    pub note: Option<String>,
    /// Width of the keys column; `None`: as wide as the longest keys, at most 16, padded by one
    /// space each side.
    pub keys_width: Option<usize>,
}

impl Help<'_> {
    pub fn view(&self, f: &mut Frame, keymap: &Keymap) {
        let keys: Vec<String> =
            self.entries.iter().map(|(a, _)| keymap.keys_for(*a).join(" ")).collect();
        let cell = |k: &str| match self.keys_width {
            Some(w) => format!("{k:>w$} "),
            None => {
                let w = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0).min(16);
                format!(" {k:>w$}  ")
            }
        };
        let entries: Vec<Line> = self
            .entries
            .iter()
            .zip(&keys)
            .map(|((_, what), k)| {
                Line::from(vec![
                    Span::styled(
                        cell(k),
                        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(*what),
                ])
            })
            .collect();
        let half = u16::try_from(entries.len().div_ceil(2)).unwrap_or(u16::MAX);
        let area = f.area();
        // The keys come first: on a short terminal (80×24 with every key of the coder's app) the
        // intro gives way, so that every key and the note still show.
        let spare = u16::from(self.intro_rows > 0 || self.note.is_some());
        let intro_h =
            if half + 2 + self.intro_rows + spare <= area.height { self.intro_rows } else { 0 };
        let h = (half + 2 + intro_h + spare).min(area.height);
        let r = area
            .centered(Constraint::Length(area.width.min(self.max_width)), Constraint::Length(h));
        f.render_widget(Clear, r);
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .title(self.title)
            .title_bottom(self.bottom)
            .border_style(Style::new().fg(Color::Cyan));
        let inner = block.inner(r);
        f.render_widget(block, r);
        let [intro, cols] =
            Layout::vertical([Constraint::Length(intro_h), Constraint::Min(0)]).areas(inner);
        if intro_h > 0 {
            f.render_widget(
                Paragraph::new(self.intro.clone())
                    .wrap(Wrap { trim: true })
                    .style(Style::new().fg(Color::Gray)),
                intro,
            );
        }
        if let Some(note) = &self.note {
            // On the spare row below the keys.
            let row =
                ratatui::layout::Rect { y: cols.bottom().saturating_sub(1), height: 1, ..cols };
            f.render_widget(
                Line::styled(
                    crate::tui::terminal::sanitize(note).into_owned(),
                    Style::new().fg(Color::Magenta),
                ),
                row,
            );
        }
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(cols);
        let mut it = entries.into_iter();
        let left: Vec<Line> = it.by_ref().take(usize::from(half)).collect();
        let right: Vec<Line> = it.collect();
        f.render_widget(Paragraph::new(left), a);
        f.render_widget(Paragraph::new(right), b);
    }
}
