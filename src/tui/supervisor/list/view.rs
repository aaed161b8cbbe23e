//! Drawing the list of recordings to adjudicate; nothing here changes anything. Its layout is
//! pure so that the list's `update` hit-tests the mouse with the same rectangles.
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use crate::study::adjudication::Case;
use crate::tui::layout::list_offset;
use crate::tui::supervisor::model::AdjApp;
use crate::tui::supervisor::recording::view::{label_of, score_text};
use crate::tui::terminal::sanitize;
use crate::tui::widgets::chrome::{self, pane_block};
use crate::tui::widgets::lists::{recording_cells, recording_table};

/// The list screen's rectangles; `rows` is where recordings are listed (below the table header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListLayout {
    pub header: Rect,
    pub table: Rect,
    pub rows: Rect,
    pub footer: Rect,
}

pub fn list_layout(area: Rect) -> ListLayout {
    let [header, table, footer] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)])
            .areas(area);
    let i = table.inner(Margin::new(1, 1));
    let rows = Rect { y: i.y + 1.min(i.height), height: i.height.saturating_sub(1), ..i };
    ListLayout { header, table, rows, footer }
}

fn adjudicated_cell(c: &Case) -> (String, Style) {
    match &c.existing {
        None => ("no".into(), Style::new().fg(Color::Yellow)),
        Some(a) => {
            let n = a.decisions.len();
            let of = c.diffs.len();
            let text = if n >= of {
                format!("yes · {n} decision{}", if n == 1 { "" } else { "s" })
            } else {
                format!("partly · {n} of {of} decided")
            };
            (text, Style::new().fg(Color::Green))
        }
    }
}

pub fn view(f: &mut Frame, app: &AdjApp) {
    let l = list_layout(f.area());
    let done = app.list.cases.iter().filter(|c| c.existing.is_some()).count();
    f.render_widget(
        Line::from(vec![
            chrome::badge(" Adjudication ", Color::Magenta),
            Span::raw(format!(
                " {} · supervisor {} · {} recording(s) outside ±{} · {done} adjudicated",
                sanitize(&app.study_name),
                sanitize(&app.supervisor),
                app.list.cases.len(),
                app.tolerance
            )),
        ]),
        l.header,
    );
    let block = pane_block(" Double-coded recordings where the coders disagree ".into(), true);
    if app.list.cases.is_empty() {
        f.render_widget(block, l.table);
        let inner = l.table.inner(Margin::new(2, 1));
        let text = vec![
            Line::raw(""),
            Line::styled(
                "Nothing to adjudicate.",
                Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
            ),
            Line::raw(""),
            Line::raw(format!(
                "Every double-coded recording with both codings submitted agrees within ±{} on every domain.",
                app.tolerance
            )),
            Line::styled(
                "Recordings still being coded appear here once both coders have submitted. `tapecoder status` shows progress.",
                Style::new().fg(Color::DarkGray),
            ),
        ];
        f.render_widget(Paragraph::new(text).centered().wrap(Wrap { trim: true }), inner);
        chrome::list_footer(f, &app.shell.keymap, app.current_notice(), l.footer, true);
        return;
    }
    let offset = list_offset(app.list.selected, app.list.cases.len(), l.rows.height);
    let rows: Vec<(usize, Row)> = app
        .list
        .cases
        .iter()
        .enumerate()
        .skip(offset)
        .map(|(i, c)| {
            let book = app.book_of(c);
            let diffs: Vec<String> = c
                .diffs
                .iter()
                .map(|d| {
                    format!(
                        "{} {}↔{}",
                        sanitize(label_of(book, &d.domain)),
                        score_text(d.primary),
                        score_text(d.secondary)
                    )
                })
                .collect();
            let (adj, adj_style) = adjudicated_cell(c);
            let [id, duration] =
                recording_cells(i == app.list.selected, &c.recording, c.duration_s);
            let row = Row::new(vec![
                id,
                duration,
                Cell::from(Line::styled(diffs.join(" · "), Style::new().fg(Color::Red))),
                Cell::from(Line::styled(adj, adj_style)),
            ]);
            (i, row)
        })
        .collect();
    let widths = [
        Constraint::Length(12),
        Constraint::Length(9),
        Constraint::Min(20),
        Constraint::Length(24),
    ];
    let header = ["  Recording", "Duration", "Domains in disagreement (A↔B)", "Adjudicated"];
    let table = recording_table(rows, app.list.selected, widths, header).block(block);
    f.render_widget(table, l.table);
    chrome::list_footer(f, &app.shell.keymap, app.current_notice(), l.footer, false);
}
