//! Where each pane sits for a given terminal size. Pure, so the view draws with it and `update`
//! hit-tests mouse clicks with exactly the same rectangles.
use ratatui::layout::{Constraint, Layout, Margin, Position, Rect};

/// Below this the screens show a "terminal too small" message instead.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The coding screen's rectangles. `*_rows` are the first rows of list items (inside borders,
/// below any summary line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CodingLayout {
    pub header: Rect,
    pub timeline: Rect,
    pub overview: Rect,
    pub marks: Rect,
    pub zoom: Rect,
    pub segments: Rect,
    pub segment_rows: Rect,
    pub notes: Rect,
    pub note_rows: Rect,
    pub scores: Rect,
    pub score_rows: Rect,
    pub rubric: Rect,
    /// The transcript pane when shown: the lower part of the rubric's column on a tall terminal
    /// (40 rows or more), else the rubric's whole column (the rubric then shows while the scores
    /// pane is focused, the transcript otherwise; see [`CodingLayout::split`]). Empty when hidden.
    pub transcript: Rect,
    pub footer: Rect,
}

impl CodingLayout {
    /// The rubric and the transcript both show (each has its own rectangle).
    pub fn split(&self) -> bool {
        !self.transcript.is_empty() && self.transcript != self.rubric
    }
}

/// The coding screen without the transcript pane.
pub fn coding(area: Rect) -> CodingLayout {
    coding_with(area, false)
}

/// The coding screen, with the transcript pane when `transcript` is shown.
pub fn coding_with(area: Rect, transcript: bool) -> CodingLayout {
    let overview_h = if area.height >= 40 { 5 } else { 3 };
    let zoom_h = if area.height >= 40 { 3 } else { 2 };
    let timeline_h = overview_h + 1 + zoom_h + 2;
    let [header, timeline, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(timeline_h),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let inner = timeline.inner(Margin::new(1, 1));
    let [overview, marks, zoom] = Layout::vertical([
        Constraint::Length(overview_h),
        Constraint::Length(1),
        Constraint::Length(zoom_h),
    ])
    .areas(inner);
    let lists_w = (area.width / 4).max(24);
    let scores_w = if area.width >= 120 { 38 } else { 30 };
    let [lists, scores, rubric] = Layout::horizontal([
        Constraint::Length(lists_w),
        Constraint::Length(scores_w),
        Constraint::Min(0),
    ])
    .areas(body);
    let [segments, notes] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(lists);
    let (rubric, transcript) = match transcript {
        false => (rubric, Rect::default()),
        true if area.height >= 40 => {
            let [r, t] =
                Layout::vertical([Constraint::Percentage(40), Constraint::Min(0)]).areas(rubric);
            (r, t)
        }
        true => (rubric, rubric),
    };
    CodingLayout {
        header,
        timeline,
        overview,
        marks,
        zoom,
        // The share summary takes one line, or two in a narrow pane.
        segment_rows: rows_below(segments, if segments.width >= 44 { 1 } else { 2 }),
        segments,
        note_rows: rows_below(notes, 0),
        notes,
        score_rows: rows_below(scores, 0),
        scores,
        rubric,
        transcript,
        footer,
    }
}

/// The queue screen's rectangles; `rows` is where recordings are listed (below the table header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueLayout {
    pub header: Rect,
    pub table: Rect,
    pub rows: Rect,
    pub detail: Rect,
    pub footer: Rect,
}

pub fn queue(area: Rect) -> QueueLayout {
    let [header, table, detail, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let i = table.inner(Margin::new(1, 1));
    let rows = Rect { y: i.y + 1.min(i.height), height: i.height.saturating_sub(1), ..i };
    QueueLayout { header, table, rows, detail, footer }
}

/// The first item shown in a list of `len` items, `height` rows tall, with `selected` visible.
pub fn list_offset(selected: usize, len: usize, height: u16) -> usize {
    let h = usize::from(height.max(1));
    if len <= h { 0 } else { selected.saturating_sub(h - 1).min(len - h) }
}

/// [`list_offset`] for a list whose items take `heights` rows each (wrapped text): the first item
/// shown, so that `selected` is in view with as many items above it as fit.
pub fn wrapped_offset(selected: usize, heights: &[u16], height: u16) -> usize {
    if heights.is_empty() {
        return 0;
    }
    let selected = selected.min(heights.len() - 1);
    let mut offset = selected;
    let mut used = heights[selected];
    while offset > 0 && used.saturating_add(heights[offset - 1]) <= height {
        offset -= 1;
        used = used.saturating_add(heights[offset]);
    }
    offset
}

/// [`row_at`] for a list whose items take `heights` rows each.
pub fn wrapped_row_at(rows: Rect, y: u16, selected: usize, heights: &[u16]) -> Option<usize> {
    if y < rows.y || y >= rows.bottom() {
        return None;
    }
    let mut top = rows.y;
    for (i, h) in heights.iter().enumerate().skip(wrapped_offset(selected, heights, rows.height)) {
        let next = top.saturating_add(*h);
        if y < next {
            return Some(i);
        }
        top = next;
    }
    None
}

/// The item under row `y` of a list drawn in `rows`, if any.
pub fn row_at(rows: Rect, y: u16, selected: usize, len: usize) -> Option<usize> {
    if y < rows.y || y >= rows.y + rows.height {
        return None;
    }
    let i = list_offset(selected, len, rows.height) + usize::from(y - rows.y);
    (i < len).then_some(i)
}

/// A left click at row `y` of a list of `len` rows: selects the row there and says whether it was
/// selected already (a second click on it opens it).
pub fn click_row(rows: Rect, y: u16, selected: &mut usize, len: usize) -> bool {
    match row_at(rows, y, *selected, len) {
        Some(i) if i == *selected => true,
        Some(i) => {
            *selected = i;
            false
        }
        None => false,
    }
}

pub fn contains(r: Rect, x: u16, y: u16) -> bool {
    r.contains(Position { x, y })
}

/// The rows inside a bordered pane `r`, below its first `skip` lines (a header or summary).
pub fn rows_below(r: Rect, skip: u16) -> Rect {
    let i = r.inner(Margin::new(1, 1));
    Rect { y: i.y + skip.min(i.height), height: i.height.saturating_sub(skip), ..i }
}
