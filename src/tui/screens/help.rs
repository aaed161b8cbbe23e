//! The help overlay: every action with the keys bound to it now (so rebinding shows up here).
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use crate::tui::keys::{ACTIONS, Action, Keymap};

fn describe(a: Action) -> &'static str {
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
        Action::SegmentBegin => "begin segment (b-c talk)",
        Action::SegmentEnd => "end segment (b-c talk)",
        Action::Note => "note at playhead…",
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
        Action::Help => "this help",
        Action::Back => "back / quit",
    }
}

pub fn view(f: &mut Frame, keymap: &Keymap) {
    let keys: Vec<String> = ACTIONS.iter().map(|(a, _, _)| keymap.keys_for(*a).join(" ")).collect();
    let w = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0).min(16);
    let entries: Vec<Line> = ACTIONS
        .iter()
        .zip(&keys)
        .map(|((a, _, _), keys)| {
            Line::from(vec![
                Span::styled(
                    format!(" {keys:>w$}  "),
                    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                ),
                Span::raw(describe(*a)),
            ])
        })
        .collect();
    let half = entries.len().div_ceil(2);
    let area = f.area();
    let h = (half as u16 + 2).min(area.height);
    let [r] =
        Layout::horizontal([Constraint::Length(area.width.min(96))]).flex(Flex::Center).areas(area);
    let [r] = Layout::vertical([Constraint::Length(h)]).flex(Flex::Center).areas(r);
    f.render_widget(Clear, r);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(" Help — keys ")
        .title_bottom(" mouse: click or drag the timeline, wheel ±5 s, click rows · Esc closes ")
        .border_style(Style::new().fg(Color::Cyan));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let [a, b] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    let mut it = entries.into_iter();
    let left: Vec<Line> = it.by_ref().take(half).collect();
    let right: Vec<Line> = it.collect();
    f.render_widget(Paragraph::new(left), a);
    f.render_widget(Paragraph::new(right), b);
}
