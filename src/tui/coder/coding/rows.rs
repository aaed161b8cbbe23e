//! The wrapped rows of the coding screen's lists (segments with their notes, notes with their
//! domains, scores with their rationales), built once here so that the view draws them and the
//! mouse hit-tests them with the same heights.
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use super::{CodingState, ItemRow};
use crate::codebook::Codebook;
use crate::coding::{Note, Segment};
use crate::instrument::{Band, Classification, Formula, Rule, Summary};
use crate::timefmt::{Clock, length};
use crate::tui::keys::{Keymap, key_name};
use crate::tui::terminal::{cut, sanitize};
use crate::tui::widgets::lists::wrap;
use crate::tui::widgets::scores::ItemLine;

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

/// What shows under each item row after the scores (unwrapped): a classification's class
/// description (or the checklist items it still needs), a summary's reason for having no value.
fn item_unders(c: &CodingState, book: &Codebook) -> Vec<Option<String>> {
    super::item_rows(book)
        .into_iter()
        .filter_map(|r| match r {
            ItemRow::Scale(_) => None,
            ItemRow::Class(i) => Some(book.items.classifications.get(i).and_then(|cl| {
                match c.coding.class_of(book, &cl.key) {
                    Some(x) => Some(x.description.clone()),
                    // The last few items it needs by name (all of them are in the rubric).
                    None if cl.derived() => {
                        let missing = needs(c, book, cl);
                        (missing.len() <= 2).then(|| format!("needs: {}", missing.join(", ")))
                    }
                    None => None,
                }
            })),
            ItemRow::Summary(i) => Some(book.items.summaries.get(i).and_then(|s| {
                c.coding.summary(book, s).err().map(|why| unlabelled(&why.reason, &s.label))
            })),
            ItemRow::Check(_) | ItemRow::Count(_) => Some(None),
        })
        .collect()
}

/// `reason` without its leading `"{label} n/a: "` (the row already names the summary).
pub fn unlabelled(reason: &str, label: &str) -> String {
    reason.strip_prefix(&format!("{label} n/a: ")).unwrap_or(reason).to_string()
}

/// The labels of the checklist items derived classification `cl` needs and that are not
/// answered yet, in checklist order.
pub fn needs(c: &CodingState, book: &Codebook, cl: &Classification) -> Vec<String> {
    let named: Vec<&String> = cl
        .classes
        .iter()
        .filter_map(|x| match &x.rule {
            Some(Rule::When { present, absent }) => Some(present.iter().chain(absent)),
            _ => None,
        })
        .flatten()
        .collect();
    book.items
        .checklist
        .iter()
        .filter(|i| named.contains(&&i.key) && !c.coding.checklist.contains_key(&i.key))
        .map(|i| i.label.clone())
        .collect()
}

/// Each item row after the scores, as the pane draws it: label and value (`✓`, the class,
/// the count's key and tally, the summary's value and band).
pub fn item_lines(c: &CodingState, book: &Codebook, keymap: &Keymap) -> Vec<ItemLine> {
    let items = &book.items;
    let tallies = c.coding.tallies(book);
    super::item_rows(book)
        .into_iter()
        .filter_map(|r| {
            let (label, value, color) = match r {
                ItemRow::Scale(_) => return None,
                ItemRow::Check(i) => {
                    let item = items.checklist.get(i)?;
                    let (v, color) = match c.coding.checklist.get(&item.key) {
                        Some(true) => ("✓", Color::Green),
                        Some(false) => ("✗", Color::Red),
                        None => ("·", Color::DarkGray),
                    };
                    (item.label.clone(), v.to_string(), color)
                }
                ItemRow::Class(i) => {
                    let cl = items.classifications.get(i)?;
                    let (v, color) = match c.coding.class_of(book, &cl.key) {
                        Some(x) => (x.label.clone(), Color::Cyan),
                        None if cl.derived() => {
                            (format!("needs {}", needs(c, book, cl).len()), Color::Yellow)
                        }
                        None => ("–".to_string(), Color::DarkGray),
                    };
                    (cl.label.clone(), v, color)
                }
                ItemRow::Count(i) => {
                    let item = items.counts.get(i)?;
                    let key = key_name(&keymap.count_key(item));
                    let n = tallies.get(&item.key).copied().unwrap_or(0);
                    let color = if n > 0 { Color::Green } else { Color::Gray };
                    (item.label.clone(), format!("{key} {n:>3}"), color)
                }
                ItemRow::Summary(i) => {
                    let s = items.summaries.get(i)?;
                    let (v, color) = summary_value(c, book, s);
                    (s.label.clone(), v, color)
                }
            };
            Some(ItemLine { label, value, color })
        })
        .collect()
}

/// A summary's value as shown (`12`, `1.50`, `40%`, `3.5`) with its band, or `n/a`.
pub fn summary_value(c: &CodingState, book: &Codebook, s: &Summary) -> (String, Color) {
    let Ok(v) = c.coding.summary(book, s) else {
        return ("n/a".to_string(), Color::DarkGray);
    };
    let shown = match &s.formula {
        Formula::Sum(_) => format!("{v:.0}"),
        Formula::Ratio { percent: true, .. } => format!("{v:.0}%"),
        Formula::Ratio { .. } => format!("{v:.2}"),
        Formula::Mean(_) => format!("{v:.1}"),
    };
    match s.band(v) {
        Some(Band::Good) => (format!("{shown} good"), Color::Green),
        Some(Band::Fair) => (format!("{shown} fair"), Color::Yellow),
        Some(Band::BelowFair) => (format!("{shown} below fair"), Color::Red),
        None => (shown, Color::White),
    }
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
        .chain(item_unders(c, book).into_iter().map(|u| match u {
            Some(t) => wrap(&sanitize(&t), width),
            None => vec![],
        }))
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

/// A window of the events pane's rows around the selected event (a long session has thousands):
/// the rows, one line each (`01:23.4 Question`), and the index of the first.
pub struct EventRows {
    pub rows: Vec<Vec<Line<'static>>>,
    pub first_index: usize,
}

/// The events pane's rows that can show in `height` rows with the selected one in view.
pub fn event_items(c: &CodingState, book: &Codebook, height: u16) -> EventRows {
    let clock = c.clock();
    let h = usize::from(height.max(1));
    let n = c.coding.events.len();
    let first = c.ev_sel.min(n.saturating_sub(1)).saturating_sub(h);
    let rows = c.coding.events[first..n.min(first + 2 * h + 1)]
        .iter()
        .map(|e| {
            let label = book.items.count(&e.code).map_or(e.code.as_str(), |i| i.label.as_str());
            vec![Line::from(vec![
                Span::styled(clock.tenths(e.at_s), Style::new().fg(Color::Green)),
                Span::raw(format!(" {}", sanitize(label))),
            ])]
        })
        .collect();
    EventRows { rows, first_index: first }
}
