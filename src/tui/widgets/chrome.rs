//! The frame pieces the coder and adjudication TUIs draw the same way: pane borders, the play
//! state badge, the footer line, and the "terminal too small" notice. Shared so both screens look
//! alike and a change to one reaches the other.
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};

use crate::audio::Snapshot;
use crate::tui::keys::{Action, Keymap};
use crate::tui::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::terminal::sanitize;

/// A rounded pane border with its title, highlighted when the pane has the focus.
pub fn pane_block(title: String, focused: bool) -> Block<'static> {
    let color = if focused { Color::Cyan } else { Color::DarkGray };
    let mut title_style = Style::new().fg(if focused { Color::Cyan } else { Color::Gray });
    if focused {
        title_style = title_style.add_modifier(Modifier::BOLD);
    }
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(Style::new().fg(color))
        .title(Span::styled(title, title_style))
}

/// A badge, black on `bg` and bold: what a header starts with (the screen's name, the
/// recording), a difference out of tolerance.
pub fn badge<'a>(text: impl Into<std::borrow::Cow<'a, str>>, bg: Color) -> Span<'a> {
    Span::styled(text, Style::new().fg(Color::Black).bg(bg).add_modifier(Modifier::BOLD))
}

/// The header's badge: playing, ended or paused.
pub fn play_state(s: &Snapshot) -> Span<'static> {
    if s.playing {
        Span::styled(" ▶ playing ", Style::new().fg(Color::Black).bg(Color::Green))
    } else if s.ended {
        Span::styled(" ■ ended ", Style::new().fg(Color::Black).bg(Color::Gray))
    } else {
        Span::styled(" ❚❚ paused ", Style::new().fg(Color::Black).bg(Color::Yellow))
    }
}

/// A dialog box: `lines` wrapped in a rounded box titled ` title ` in `color`, `width` × `height`
/// (at most the screen), in the middle of the screen over what is there.
pub fn dialog(f: &mut Frame, title: &str, color: Color, lines: Vec<Line>, width: u16, height: u16) {
    let screen = f.area();
    let area = screen.centered(
        Constraint::Length(width.min(screen.width)),
        Constraint::Length(height.min(screen.height)),
    );
    f.render_widget(ratatui::widgets::Clear, area);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(format!(" {title} "))
        .border_style(Style::new().fg(color));
    f.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }).block(block),
        area,
    );
}

/// The footer of a list screen (the coder's queue, the supervisor's list), keys as bound now;
/// an empty list has nothing to select or open.
pub fn list_footer(f: &mut Frame, keymap: &Keymap, notice: Option<&str>, area: Rect, empty: bool) {
    const OPEN: Hint = Hint::new(&[Action::Activate], "open", 0);
    const QUIT: Hint = Hint::new(&[Action::Back], "quit", 0);
    const LIST_HINTS: &[Hint] = &[hints::SELECT.keep(1), OPEN, hints::HELP, QUIT];
    let hints = if empty { &LIST_HINTS[2..] } else { LIST_HINTS };
    footer(f, keymap, notice, area, None, hints);
}

/// The bottom line: the notice if one is showing, else the key hints ([`hint_line`]) after
/// `prefix`.
pub fn footer(
    f: &mut Frame,
    keymap: &Keymap,
    notice: Option<&str>,
    area: Rect,
    prefix: Option<&str>,
    hints: &[Hint],
) {
    let line = match notice {
        Some(n) => Line::styled(format!(" {}", sanitize(n)), Style::new().fg(Color::Yellow)),
        None => Line::styled(
            format!(" {}", hint_line(keymap, prefix, hints, area.width)),
            Style::new().fg(Color::DarkGray),
        ),
    };
    f.render_widget(line, area);
}

/// One footer hint: the keys of `actions` as bound now (joined by `sep`: `←→`, `1-5`) and what
/// they do. When the line is too narrow the hints of the lowest `keep` go first.
#[derive(Debug, Clone, Copy)]
pub struct Hint {
    pub actions: &'static [Action],
    pub sep: &'static str,
    pub what: &'static str,
    /// 0 = always shown; higher = dropped sooner.
    pub keep: u8,
}

impl Hint {
    pub const fn new(actions: &'static [Action], what: &'static str, keep: u8) -> Self {
        Hint { actions, sep: "", what, keep }
    }
    /// Keys told apart: `b/e`, `PgUp/PgDn`.
    pub const fn pair(actions: &'static [Action], what: &'static str, keep: u8) -> Self {
        Hint { actions, sep: "/", what, keep }
    }
    /// A range of keys: `1-5`.
    pub const fn range(actions: &'static [Action], what: &'static str, keep: u8) -> Self {
        Hint { actions, sep: "-", what, keep }
    }
    /// This hint, dropped as soon as `keep` says (each footer ranks its own hints).
    pub const fn keep(self, keep: u8) -> Self {
        Hint { keep, ..self }
    }
}

/// The hints both apps' footers show, named once so that a key is called the same on every
/// screen. Ranked as most panes want them (play and help always, back the first to go); a
/// footer that wants otherwise says so with [`Hint::keep`].
pub mod hints {
    use super::Hint;
    use crate::tui::keys::Action;

    pub const PLAY: Hint = Hint::new(&[Action::PlayPause], "play", 0);
    pub const SEEK: Hint = Hint::new(&[Action::Back5, Action::Forward5], "±5s", 1);
    pub const SELECT: Hint = Hint::new(&[Action::Up, Action::Down], "select", 2);
    pub const MATCHES: Hint =
        Hint::pair(&[Action::Note, Action::SegmentNote], "next/prev match", 0);
    pub const SEARCH: Hint = Hint::new(&[Action::Search], "search", 0);
    pub const HIDE: Hint = Hint::new(&[Action::Transcript], "hide", 2);
    pub const CLEAR: Hint = Hint::new(&[Action::ClearScore], "clear", 0);
    pub const PANES: Hint = Hint::new(&[Action::FocusNext], "panes", 2);
    pub const HELP: Hint = Hint::new(&[Action::Help], "help", 0);
    pub const BACK: Hint = Hint::new(&[Action::Back], "back", 3);
}

/// The footer's key hints, built from the keymap (so a rebinding in `keys.toml` shows) and fitted
/// to `width` columns: `·` between hints, the least needed dropped first; when that is not
/// enough, spaces between them and more dropped. A hint whose actions have no key is left out. `prefix` (e.g. "read-only") comes first.
pub fn hint_line(keymap: &Keymap, prefix: Option<&str>, hints: &[Hint], width: u16) -> String {
    let mut shown: Vec<(u8, String)> = hints
        .iter()
        .filter_map(|h| {
            let keys: Vec<String> =
                h.actions.iter().map(|a| keymap.shown_key(*a)).collect::<Option<_>>()?;
            Some((h.keep, format!("{} {}", keys.join(h.sep), h.what)))
        })
        .collect();
    let room = usize::from(width).saturating_sub(2);
    let join = |v: &[(u8, String)], sep: &str| {
        let mut parts: Vec<&str> = prefix.into_iter().collect();
        parts.extend(v.iter().map(|(_, t)| t.as_str()));
        parts.join(sep)
    };
    // With `·` the less needed hints (keep ≥ 2) may go; then with spaces any but keep = 0.
    for (sep, droppable) in [(" · ", 2), (" ", 1)] {
        let mut v = shown.clone();
        loop {
            let line = join(&v, sep);
            if line.chars().count() <= room {
                return line;
            }
            let Some(worst) = v.iter().map(|(k, _)| *k).max().filter(|k| *k >= droppable) else {
                break;
            };
            if let Some(i) = v.iter().rposition(|(k, _)| *k == worst) {
                v.remove(i);
            }
        }
    }
    shown.retain(|(k, _)| *k == 0);
    join(&shown, " ")
}

/// Appends the audio's trouble to a header line, if any, as much as fits in `width` columns: a
/// playback error (red), or why playback is silent (after `silent_mark`).
pub fn push_audio_status(
    spans: &mut Vec<Span<'static>>,
    width: u16,
    s: &Snapshot,
    silent_mark: &str,
) {
    if let Some(e) = &s.error {
        let choices = [format!("  ⚠ {}", sanitize(e)), "  ⚠ audio error".into()];
        push_fitting(spans, width, &choices, Style::new().fg(Color::Red));
    } else if let Some(reason) = &s.silent_reason {
        let choices = silent_choices(silent_mark, reason);
        push_fitting(spans, width, &choices, Style::new().fg(Color::Magenta));
    }
}

/// Appends a status to a header line: the first of `choices` with which the line fits in
/// `width` columns (longest first), else nothing, so the header never ends in a word cut in half.
fn push_fitting(spans: &mut Vec<Span<'static>>, width: u16, choices: &[String], style: Style) {
    let used: usize = spans.iter().map(Span::width).sum();
    let room = usize::from(width).saturating_sub(used);
    if let Some(c) = choices.iter().find(|c| Span::raw(c.as_str()).width() <= room) {
        spans.push(Span::styled(c.clone(), style));
    }
}

/// The header's silent-playback status, longest first: the reason, its first part (before a
/// `:`), or just "silent", each after `mark`.
fn silent_choices(mark: &str, reason: &str) -> Vec<String> {
    let reason = sanitize(reason);
    let mut v = vec![format!("  {mark} {reason}")];
    if let Some((head, _)) = reason.split_once(':') {
        v.push(format!("  {mark} {head}"));
    }
    v.push(format!("  {mark} silent"));
    v
}

/// Draws an app's frame, as both apps do: `screen` (its screen, then its overlay), or the
/// "terminal too small" notice instead when the terminal is smaller than the layouts need; then,
/// when `mono` (`NO_COLOR`), takes the colour out.
pub fn draw_app(f: &mut Frame, mono: bool, screen: impl FnOnce(&mut Frame)) {
    let area = f.area();
    if crate::tui::layout::too_small(area) {
        too_small(f, area);
    } else {
        screen(f);
    }
    if mono {
        strip_colour(f.buffer_mut());
    }
}

/// Drawn instead of a screen when the terminal is smaller than the layouts need.
fn too_small(f: &mut Frame, area: Rect) {
    let text = vec![
        Line::styled(
            "Terminal too small",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ),
        Line::raw(format!(
            "{}×{} — tapecoder needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::raw("Enlarge the window: nothing is lost."),
    ];
    let r = area.centered_vertically(Constraint::Length(3));
    f.render_widget(Paragraph::new(text).centered(), r);
}

/// Takes every colour out of a drawn frame (`NO_COLOR`): a cell drawn on a coloured background
/// (a selection, a badge) is shown in reverse video instead, so it still stands out; bold and
/// the other modifiers stay.
fn strip_colour(buf: &mut ratatui::buffer::Buffer) {
    use ratatui::style::{Color, Modifier};
    for cell in buf.content.iter_mut() {
        if cell.bg != Color::Reset {
            cell.modifier.insert(Modifier::REVERSED);
        }
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
    }
}
