//! Drawing the feedback screen from its state; nothing here changes anything.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use super::FeedbackState;
use crate::codebook::Codebook;
use crate::quality::{DomainCompare, Standing};
use crate::timefmt;
use crate::tui::coder::model::App;
use crate::tui::keys::Action;
use crate::tui::terminal::sanitize;
use crate::tui::widgets::chrome::{self, Hint};
use crate::tui::widgets::rubric::wrap;

pub fn view(f: &mut Frame, app: &App, s: &FeedbackState) {
    let area = f.area();
    let [header, table, detail, segs, footer] = areas(s, area);
    let d = &s.data;
    let within = format!("{} of {} within", d.compare.within(), d.compare.compared());
    f.render_widget(
        Line::from(vec![
            chrome::badge(" Feedback ", Color::Magenta),
            Span::raw(format!(
                " {} · training · your coding against gold ",
                sanitize(&d.recording)
            )),
            Span::styled(format!("· {within}"), Style::new().fg(Color::Gray)),
        ]),
        header,
    );
    draw_table(f, app, s, table);
    let overflows = draw_detail(f, app, s, detail);
    draw_segments(f, app, s, segs);
    let mut hints = vec![
        Hint::new(&[Action::Up, Action::Down], "domain", 1),
        Hint::new(&[Action::Back], "back to the queue", 0),
    ];
    if overflows {
        hints.push(Hint::pair(&[Action::PageUp, Action::PageDown], "scroll why", 0));
    }
    hints.push(Hint::new(&[Action::Help], "help", 2));
    chrome::footer(f, &app.shell.keymap, app.current_notice(), footer, None, &hints);
}

/// The screen's panes: header, scores table, the "Why" pane, segments, footer.
fn areas(s: &FeedbackState, area: Rect) -> [Rect; 5] {
    let rows = s.data.compare.domains.len() as u16;
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(rows + 3),
        Constraint::Min(3),
        Constraint::Length(segments_height(s, area)),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// For PageUp / PageDown on a screen of `size`: a page of the "Why" pane (its rows less one, so a
/// line stays in view) and the furthest it can scroll.
pub fn why_scroll_range(book: &Codebook, s: &FeedbackState, size: Rect) -> (u16, u16) {
    let inner = areas(s, size)[2].inner(Margin::new(1, 1));
    let total =
        u16::try_from(detail_lines(book, s, usize::from(inner.width)).len()).unwrap_or(u16::MAX);
    (inner.height.saturating_sub(1).max(1), total.saturating_sub(inner.height))
}

/// The segments pane's height: its two text lines wrapped to the width, the strip and the
/// borders, at most a third of the screen.
fn segments_height(s: &FeedbackState, area: Rect) -> u16 {
    let inner = usize::from(area.width.saturating_sub(2).max(1));
    let notes: usize = s.data.gold.notes.iter().map(|n| n.text.chars().count() + 12).sum();
    let wrapped = |chars: usize| chars.div_ceil(inner).max(1);
    let rows = wrapped(96) + wrapped(notes + 12) + 1 + 2;
    u16::try_from(rows).unwrap_or(u16::MAX).min((area.height / 3).max(5))
}

fn score(x: Option<u8>) -> String {
    x.map_or_else(|| "–".to_string(), |v| v.to_string())
}

fn mark(d: &DomainCompare) -> (String, Color) {
    match (d.compared, d.within, d.deviation) {
        (false, _, _) => ("not compared".into(), Color::DarkGray),
        (true, true, Some(0)) => ("✓ same".into(), Color::Green),
        (true, true, Some(x)) => (format!("✓ {x:+}"), Color::Green),
        (true, false, Some(x)) => (format!("✗ {x:+}"), Color::Red),
        (true, _, None) => ("✗ you left it unscored".into(), Color::Red),
    }
}

fn draw_table(f: &mut Frame, app: &App, s: &FeedbackState, area: Rect) {
    let book = &app.shell.codebook;
    let mut lines = vec![Line::styled(
        format!("  {:<30} {:>4} {:>5}  {}", "Domain", "You", "Gold", "±"),
        Style::new().fg(Color::Gray).add_modifier(Modifier::BOLD),
    )];
    for (i, d) in s.data.compare.domains.iter().enumerate() {
        let label = book.domain(&d.domain).map_or(d.domain.as_str(), |x| x.label.as_str());
        let (m, color) = mark(d);
        let sel = i == s.selected;
        let style = if sel { Style::new().add_modifier(Modifier::REVERSED) } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{}{:<30} {:>4} {:>5}  ",
                    if sel { "▶ " } else { "  " },
                    sanitize(label),
                    score(d.coder),
                    score(d.gold)
                ),
                style,
            ),
            Span::styled(m, Style::new().fg(color)),
        ]));
    }
    let title = match &s.data.set {
        None => " Scores ".to_string(),
        Some((name, c)) => match c.standing {
            Standing::Certified => format!(" Scores · set {} : certified ✓ ", sanitize(name)),
            Standing::NotCertified => format!(" Scores · set {} : not certified ", sanitize(name)),
            Standing::Pending => {
                format!(" Scores · set {} : {} of {} done ", sanitize(name), c.submitted, c.total)
            }
        },
    };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(title)
        .border_style(Style::new().fg(Color::Magenta));
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// `prefix` (styled) then `body`, word-wrapped to `width` columns; the prefix keeps its style on
/// the rows it reaches.
fn wrapped(
    prefix: &str,
    pstyle: Style,
    body: &str,
    bstyle: Style,
    width: usize,
) -> Vec<Line<'static>> {
    let mut left = prefix.chars().count();
    wrap(&format!("{prefix}{body}"), width)
        .into_iter()
        .map(|row| {
            let n = left.min(row.chars().count());
            left = left.saturating_sub(n + 1);
            let (p, b) = row.split_at(row.char_indices().nth(n).map_or(row.len(), |(i, _)| i));
            let mut spans = Vec::new();
            if !p.is_empty() {
                spans.push(Span::styled(p.to_string(), pstyle));
            }
            if !b.is_empty() {
                spans.push(Span::styled(b.to_string(), bstyle));
            }
            Line::from(spans)
        })
        .collect()
}

/// The "Why" pane's rows wrapped to `width`: the selected domain's gold rationale and the level
/// descriptors, then (the set complete and not passed) every reason of the certification.
fn detail_lines(book: &Codebook, s: &FeedbackState, width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(d) = s.data.compare.domains.get(s.selected) {
        let label = book.domain(&d.domain).map_or(d.domain.as_str(), |x| x.label.as_str());
        if let Some(why) = d.not_compared {
            let gray = Style::new().fg(Color::DarkGray);
            lines.extend(wrapped(&format!("{}: ", sanitize(label)), gray, why, gray, width));
        }
        let rationale = s.data.gold.rationales.get(&d.domain).map_or("", String::as_str);
        let rationale = if rationale.trim().is_empty() {
            "(none written)".to_string()
        } else {
            sanitize(rationale).into_owned()
        };
        let yellow = Style::new().fg(Color::Yellow);
        lines.extend(wrapped("Gold rationale: ", yellow, &rationale, Style::new(), width));
        let mut descriptor = |who: &str, level: Option<u8>| {
            let text = level
                .and_then(|l| book.descriptor(&d.domain, l))
                .map_or_else(|| "–".to_string(), |t| sanitize(t).into_owned());
            let cyan = Style::new().fg(Color::Cyan);
            lines.extend(wrapped(
                &format!("{who} {}: ", score(level)),
                cyan,
                &text,
                Style::new(),
                width,
            ));
        };
        descriptor("You", d.coder);
        if d.gold != d.coder {
            descriptor("Gold", d.gold);
        }
    }
    if let Some((_, c)) = &s.data.set
        && c.standing == Standing::NotCertified
    {
        let red = Style::new().fg(Color::Red);
        for r in &c.reasons {
            lines.extend(wrapped("Not certified: ", red, &sanitize(r), red, width));
        }
    }
    lines
}

/// Draws the "Why" pane scrolled as far as asked (within what there is); says on its bottom
/// border when there is more above or below. True when its text is taller than the pane.
fn draw_detail(f: &mut Frame, app: &App, s: &FeedbackState, area: Rect) -> bool {
    let inner = area.inner(Margin::new(1, 1));
    let lines = detail_lines(&app.shell.codebook, s, usize::from(inner.width));
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let scroll = s.scroll.min(total.saturating_sub(inner.height));
    let keys = |a: Action| app.shell.keymap.keys_for(a).join(" ");
    let mut block = Block::bordered().border_type(BorderType::Rounded).title(" Why ");
    let overflows = total > inner.height;
    if overflows {
        let above = scroll > 0;
        let below = scroll + inner.height < total;
        let more = match (above, below) {
            (false, _) => format!(" ↓ more: {} ", keys(Action::PageDown)),
            (true, true) => {
                format!(" ↑ {} · ↓ more: {} ", keys(Action::PageUp), keys(Action::PageDown))
            }
            (true, false) => format!(" ↑ {} · end ", keys(Action::PageUp)),
        };
        block = block.title_bottom(Line::styled(more, Style::new().fg(Color::Yellow)));
    }
    let shown: Vec<Line> =
        lines.into_iter().skip(usize::from(scroll)).take(usize::from(inner.height)).collect();
    f.render_widget(Paragraph::new(shown).block(block), area);
    overflows
}

fn draw_segments(f: &mut Frame, app: &App, s: &FeedbackState, area: Rect) {
    let seg = &s.data.compare.segments;
    let kind = app.shell.codebook.tagged_kind().map_or("Behaviour change", |k| k.label.as_str());
    let inner = area.width.saturating_sub(2).max(1);
    let mut lines = vec![Line::raw(format!(
        "{}: {:.1} s matched · {:.1} s missed · {:.1} s extra · share: you {:.0}%, gold {:.0}%",
        sanitize(kind),
        seg.matched_s,
        seg.missed_s,
        seg.extra_s,
        seg.coder_share * 100.0,
        seg.gold_share * 100.0
    ))];
    // Gold notes on a timeline of the whole session: ▲ at each note, numbered below.
    let dur = s.data.duration_s.max(f64::MIN_POSITIVE);
    let mut strip: Vec<char> = vec!['─'; usize::from(inner)];
    for n in &s.data.gold.notes {
        let x = ((n.at_s / dur) * f64::from(inner - 1)).round().clamp(0.0, f64::from(inner - 1));
        if let Some(c) = strip.get_mut(x as usize) {
            *c = '▲';
        }
    }
    lines.push(Line::styled(strip.into_iter().collect::<String>(), Style::new().fg(Color::Yellow)));
    let notes: Vec<String> = s
        .data
        .gold
        .notes
        .iter()
        .map(|n| format!("{} {}", timefmt::hms_tenths(n.at_s), sanitize(&n.text)))
        .collect();
    lines.push(Line::raw(if notes.is_empty() {
        "Gold notes: none".to_string()
    } else {
        format!("Gold notes: {}", notes.join(" · "))
    }));
    let block =
        Block::bordered().border_type(BorderType::Rounded).title(" Segments and gold notes ");
    f.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: true }), area);
}
