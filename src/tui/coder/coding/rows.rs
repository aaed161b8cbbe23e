//! The wrapped rows of the coding screen's lists (segments with their notes, notes with their
//! domains, scores with their rationales), built once here so that the view draws them and the
//! mouse hit-tests them with the same heights.
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::CodingState;
use crate::codebook::Codebook;
use crate::coding::{Note, Segment};
use crate::timefmt::{Clock, length};
use crate::tui::terminal::sanitize;
use crate::tui::widgets::lists::wrap;

/// The rows each item takes.
pub fn heights(items: &[Vec<Line>]) -> Vec<u16> {
    items.iter().map(|i| u16::try_from(i.len().max(1)).unwrap_or(u16::MAX)).collect()
}

/// One line per segment (`01:00.0–02:00.0 1:00`), then its note wrapped to `width` columns.
pub fn segment_items(c: &CodingState, width: u16) -> Vec<Vec<Line<'static>>> {
    let (clock, width) = (c.clock(), usize::from(width.max(4)));
    c.coding.segments.iter().map(|s| segment_rows(&clock, width, s)).collect()
}

fn segment_rows(clock: &Clock, width: usize, s: &Segment) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::raw(format!("{}–{}", clock.tenths(s.start_s), clock.tenths(s.end_s))),
        Span::styled(format!(" {}", length(s.end_s - s.start_s)), Style::new().fg(Color::DarkGray)),
    ])];
    if !s.note.is_empty() {
        lines.extend(wrapped(&format!("✎ {}", sanitize(&s.note)), width, Color::Gray));
    }
    lines
}

/// Each note wrapped to `width` columns (its time first), then the domains it bears on, then the
/// transcript's cue it falls in (one line, cut with `…`), when there is a transcript.
pub fn note_items(c: &CodingState, book: &Codebook, width: u16) -> Vec<Vec<Line<'static>>> {
    let (clock, width) = (c.clock(), usize::from(width.max(4)));
    c.coding
        .notes
        .iter()
        .map(|n| {
            let mut lines = note_rows(&clock, book, width, n);
            if let Some(q) = c.cue_at(n.at_s) {
                let who = q.speaker.as_deref().map(|s| format!("{}: ", sanitize(s)));
                let text = format!("❝ {}{}", who.unwrap_or_default(), sanitize(&q.text));
                lines.push(Line::styled(cut(&text, width), Style::new().fg(Color::DarkGray)));
            }
            lines
        })
        .collect()
}

/// `s` in at most `width` characters, ending `…` when cut.
fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn note_rows(clock: &Clock, book: &Codebook, width: usize, n: &Note) -> Vec<Line<'static>> {
    let at = clock.tenths(n.at_s);
    let text = format!("{at} {}", sanitize(&n.text));
    let mut lines: Vec<Line> = wrap(&text, width)
        .into_iter()
        .enumerate()
        .map(|(i, l)| match l.strip_prefix(&at).filter(|_| i == 0) {
            Some(rest) => Line::from(vec![
                Span::styled(at.clone(), Style::new().fg(Color::Magenta)),
                Span::raw(rest.to_string()),
            ]),
            None => Line::raw(l),
        })
        .collect();
    if !n.domains.is_empty() {
        let labels: Vec<String> = n
            .domains
            .iter()
            .map(|k| sanitize(book.domain(k).map_or(k.as_str(), |d| d.label.as_str())).into_owned())
            .collect();
        lines.extend(wrapped(&format!("→ {}", labels.join(", ")), width, Color::Cyan));
    }
    lines
}

/// `text` wrapped to `width` columns, each line in `color`.
fn wrapped(text: &str, width: usize, color: Color) -> impl Iterator<Item = Line<'static>> {
    wrap(text, width).into_iter().map(move |l| Line::styled(l, Style::new().fg(color)))
}

/// Each domain's rationale wrapped to `width` columns, as the scores pane shows it under the
/// score when there is room in its `height` rows: every rationale if all fit, else only the
/// selected domain's, else none (the `✎` mark still says there is one).
pub fn score_rationales(
    c: &CodingState,
    book: &Codebook,
    width: u16,
    height: u16,
) -> Vec<Vec<String>> {
    let width = usize::from(width.saturating_sub(3).max(4));
    let all: Vec<Vec<String>> = book
        .domains
        .iter()
        .map(|d| match c.coding.rationales.get(&d.key) {
            Some(r) if !r.trim().is_empty() => wrap(&sanitize(r), width),
            _ => vec![],
        })
        .collect();
    let rows = |v: &[Vec<String>]| v.iter().map(|r| 1 + r.len()).sum::<usize>();
    if rows(&all) <= usize::from(height) {
        return all;
    }
    let only_selected: Vec<Vec<String>> = all
        .iter()
        .enumerate()
        .map(|(i, r)| if i == c.score_sel { r.clone() } else { vec![] })
        .collect();
    if rows(&only_selected) <= usize::from(height) {
        return only_selected;
    }
    vec![vec![]; all.len()]
}
