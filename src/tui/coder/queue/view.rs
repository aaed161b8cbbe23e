//! Drawing the queue from its state; nothing here changes anything.
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Cell, Paragraph, Row, Wrap};

use super::{QueueRow, RowStatus};
use crate::tui::coder::model::App;
use crate::tui::layout::{self, list_offset};
use crate::tui::terminal::sanitize;
use crate::tui::widgets::chrome;
use crate::tui::widgets::lists::{recording_cells, recording_table};

pub fn view(f: &mut Frame, app: &App) {
    let l = layout::queue(f.area());
    let q = &app.queue;
    let done = q
        .rows
        .iter()
        .filter(|r| if app.gold { r.gold } else { r.status == RowStatus::Submitted })
        .count();
    let (who, done_word) =
        if app.gold { ("supervisor", "with gold") } else { ("coder", "submitted") };
    let header = Line::from(vec![
        chrome::badge(" tapecoder ", Color::Cyan),
        Span::raw(format!(" {} ", sanitize(&app.study_name))),
        Span::styled(format!("· {who} {} ", sanitize(&app.coder)), Style::new().fg(Color::Gray)),
        Span::styled(
            format!("· {done} of {} {done_word}", q.rows.len()),
            Style::new().fg(Color::DarkGray),
        ),
    ]);
    f.render_widget(header, l.header);

    let offset = list_offset(q.selected, q.rows.len(), l.rows.height);
    let rows =
        q.rows.iter().enumerate().skip(offset).take(usize::from(l.rows.height)).map(|(i, r)| {
            // A submitted coding is done whatever happened to the audio since: say so, and that
            // only playback is unavailable.
            let (status, color) = match (&r.problem, r.status) {
                (None, RowStatus::Submitted) if app.gold => ("gold ✓", Color::Yellow),
                (None, RowStatus::InProgress) if app.gold && r.gold => {
                    ("gold ✓ · draft", Color::Yellow)
                }
                (None, RowStatus::InProgress) if app.gold => ("draft …", Color::Yellow),
                (None, RowStatus::NotStarted) if app.gold => ("no gold", Color::Gray),
                (_, RowStatus::Submitted) if r.training => ("training ✓", Color::Magenta),
                (None, RowStatus::NotStarted) if r.training => ("training", Color::Magenta),
                (None, RowStatus::InProgress) if r.training => ("training …", Color::Magenta),
                (_, RowStatus::Submitted) => ("submitted ✓", Color::Green),
                (Some(_), _) => ("cannot open", Color::Red),
                (None, RowStatus::NotStarted) => ("not started", Color::Gray),
                (None, RowStatus::InProgress) => ("in progress", Color::Yellow),
            };
            let pct = (r.listened * 100.0).clamp(0.0, 100.0);
            let bar_w = 10usize;
            let filled = ((pct / 100.0) * bar_w as f64).round() as usize;
            let bar = format!("{}{} {pct:>3.0}%", "█".repeat(filled), "░".repeat(bar_w - filled));
            let [id, duration] = recording_cells(i == q.selected, &r.id, r.duration_s);
            let row = Row::new(vec![
                id,
                duration,
                Cell::from(Span::styled(status, Style::new().fg(color))),
                if r.problem.is_some() && r.status == RowStatus::Submitted {
                    Cell::from(Span::styled("playback unavailable", Style::new().fg(Color::Red)))
                } else if app.gold && r.status != RowStatus::InProgress {
                    // Only a draft has listening of its own.
                    Cell::from("")
                } else {
                    Cell::from(bar)
                },
            ]);
            (i, row)
        });
    let widths = [
        Constraint::Length(24),
        Constraint::Length(10),
        Constraint::Length(15),
        Constraint::Min(16),
    ];
    let table = recording_table(
        rows,
        q.selected,
        widths,
        ["  Recording", "Duration", "Status", "Listened"],
    )
    .block(
        Block::bordered()
            .border_type(BorderType::Rounded)
            .title(if app.gold { " Gold codings " } else { " My recordings " })
            .border_style(Style::new().fg(Color::Cyan)),
    );
    f.render_widget(table, l.table);
    if q.rows.is_empty() {
        let msg = Line::styled(
            if app.gold {
                "  No recordings yet: import some with `tapecoder import`."
            } else {
                "  Nothing assigned to you yet: ask your supervisor to run `tapecoder assign`."
            },
            Style::new().fg(Color::DarkGray),
        );
        f.render_widget(msg, Rect { height: 1, ..l.rows });
    }

    let row = q.rows.get(q.selected);
    let detail = if app.gold { gold_detail_line(row) } else { detail_line(row) };
    f.render_widget(Paragraph::new(detail).wrap(Wrap { trim: true }), l.detail);
    chrome::list_footer(f, &app.shell.keymap, app.current_notice(), l.footer, false);
}

/// The line under a supervisor's gold queue: what Enter does on the selected row.
fn gold_detail_line(row: Option<&QueueRow>) -> Line<'static> {
    let (text, color) = match row {
        None => return Line::raw(""),
        Some(QueueRow { problem: Some(p), id, .. }) => {
            (format!(" {}: {}", sanitize(id), sanitize(p)), Color::Red)
        }
        Some(r) => (
            format!(
                " Enter opens {}: {}",
                sanitize(&r.id),
                match r.status {
                    RowStatus::Submitted => {
                        "its gold, to change; submitting sets it again (the earlier gold is replaced)"
                    }
                    RowStatus::InProgress if r.gold => {
                        "your draft of a new gold, where you left it (the gold set stays until you submit)"
                    }
                    RowStatus::InProgress => "your draft, where you left it",
                    RowStatus::NotStarted => {
                        "code it as a coder would; submitting sets it as its gold (signed)"
                    }
                }
            ),
            Color::Gray,
        ),
    };
    Line::styled(text, Style::new().fg(color))
}

/// The line under the table: what Enter does on the selected row, or why it cannot open.
fn detail_line(row: Option<&QueueRow>) -> Line<'static> {
    match row {
        Some(QueueRow { problem: Some(p), id, status: RowStatus::Submitted, .. }) => Line::styled(
            format!(" {} is submitted ✓; playback unavailable: {}", sanitize(id), sanitize(p)),
            Style::new().fg(Color::Red),
        ),
        Some(QueueRow { problem: Some(p), id, .. }) => {
            Line::styled(format!(" {}: {}", sanitize(id), sanitize(p)), Style::new().fg(Color::Red))
        }
        Some(r) if r.training && r.status == RowStatus::Submitted => Line::styled(
            format!(
                " {} is training, submitted: Enter shows your coding against gold.",
                sanitize(&r.id)
            ),
            Style::new().fg(Color::Magenta),
        ),
        Some(r) if r.training => Line::styled(
            format!(
                " {} is a training recording: code it as usual; after you submit, you see your coding against gold.",
                sanitize(&r.id)
            ),
            Style::new().fg(Color::Magenta),
        ),
        Some(r) if r.status == RowStatus::Submitted => Line::styled(
            format!(" {} is submitted: Enter opens it read-only.", sanitize(&r.id)),
            Style::new().fg(Color::Gray),
        ),
        Some(r) => Line::styled(
            format!(
                " Enter opens {}; your work is saved as you go and resumes where you stopped.",
                sanitize(&r.id)
            ),
            Style::new().fg(Color::Gray),
        ),
        None => Line::raw(""),
    }
}
