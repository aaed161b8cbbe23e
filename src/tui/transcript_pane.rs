//! The transcript pane's state and its pure logic, shared by the coder's coding screen and the
//! supervisor's adjudication screen: shown or not, the cue selected, the search and its matches,
//! `n` / `N` through them, the cue at the playhead, and the pane's title and list as drawn.
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::timefmt::Clock;
use crate::transcript::{Cue, Transcript, fold};
use crate::tui::keys::{Action, Keymap};
use crate::tui::terminal::sanitize;
use crate::tui::widgets::chrome::pane_block;
use crate::tui::widgets::transcript::TranscriptList;

/// The transcript pane's state: the transcript, shown or not, the cue selected in it, and the
/// search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TranscriptPane {
    /// The recording's transcript as attached, if any (read by the open job on the disk thread).
    pub transcript: Option<Arc<Transcript>>,
    /// Shown (`T`); on when the recording opens with a transcript.
    pub visible: bool,
    /// The cue selected while the pane is focused (`Enter` jumps there).
    pub sel: usize,
    /// The search (`/`), as typed; empty: none.
    pub query: String,
    /// The cues the search matches, in order.
    pub matches: Vec<usize>,
}

/// What a search did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Searched {
    Cleared,
    NoMatch,
    /// The first match at or after the cue searched from is selected.
    Found,
}

/// Seconds as whole milliseconds (a cue's unit), never negative.
pub fn ms(s: f64) -> u64 {
    if s.is_finite() && s > 0.0 {
        // Saturates at u64::MAX; a recording is far shorter.
        (s * 1000.0).round() as u64
    } else {
        0
    }
}

/// A cue's time in seconds.
pub fn cue_s(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// The transcript's cues (none without one).
pub fn cues(t: Option<&Arc<Transcript>>) -> &[Cue] {
    t.map_or(&[], |t| t.cues.as_slice())
}

/// The cue playing at `s` seconds, if any.
pub fn current(t: Option<&Arc<Transcript>>, s: f64) -> Option<usize> {
    t?.at(ms(s))
}

/// The cue the pane is about at `s`: the one playing, else the next to come (else the last).
pub fn near(t: Option<&Arc<Transcript>>, s: f64) -> usize {
    let cues = cues(t);
    current(t, s).unwrap_or_else(|| {
        let at = ms(s);
        cues.partition_point(|c| c.end_ms < at).min(cues.len().saturating_sub(1))
    })
}

/// A screen with a recording's transcript and a playhead: the cues, and the one at the playhead.
pub trait Transcribed {
    /// The recording's transcript as attached, if any.
    fn attached(&self) -> Option<&Arc<Transcript>>;
    /// Where the playhead is, in seconds.
    fn playhead_s(&self) -> f64;

    /// The transcript's cues (none without a transcript).
    fn cues(&self) -> &[Cue] {
        cues(self.attached())
    }

    /// The cue playing at the playhead, if any.
    fn current_cue(&self) -> Option<usize> {
        current(self.attached(), self.playhead_s())
    }

    /// The cue the pane is about at the playhead: the one playing, else the next to come (else
    /// the last).
    fn cue_near_playhead(&self) -> usize {
        near(self.attached(), self.playhead_s())
    }
}

/// The pane of a recording opening with the transcript `t`: shown when there is one.
pub fn open(t: Option<Transcript>) -> TranscriptPane {
    TranscriptPane {
        visible: t.is_some(),
        transcript: t.map(Arc::new),
        ..TranscriptPane::default()
    }
}

/// What the footer says after a search: `None` when it found something (the match is said).
pub fn searched_notice(s: &Searched, text: &str) -> Option<String> {
    match s {
        Searched::Cleared => Some("search cleared".into()),
        Searched::NoMatch => Some(format!("no cue holds “{}”", sanitize(text))),
        Searched::Found => None,
    }
}

impl TranscriptPane {
    /// `Tab` (`step`: a pane's next or previous) from `focus`: the transcript's pane (`pane`)
    /// only while shown; entering it selects cue `near` (the one at the playhead).
    pub fn step_focus<P: Copy + PartialEq>(
        &mut self,
        focus: &mut P,
        pane: P,
        near: usize,
        step: impl Fn(P) -> P,
    ) {
        let mut p = step(*focus);
        if p == pane && !self.visible {
            p = step(p);
        }
        if p == pane {
            self.sel = near;
        }
        *focus = p;
    }

    /// `T`: shown or hidden; what the footer says (`has`: a transcript exists, `key`: `T`'s keys).
    pub fn toggle(&mut self, has: bool, key: &str) -> String {
        self.visible = !self.visible;
        match (self.visible, has) {
            (true, true) => format!("transcript shown ({key} hides it; Tab to it, / searches)"),
            (true, false) => {
                format!("no transcript is attached to this recording ({key} hides the pane)")
            }
            (false, _) => format!("transcript hidden ({key} shows it)"),
        }
    }

    /// A search with matches: `n` / `N` are the search's (while the pane is focused).
    pub fn searching(&self) -> bool {
        !self.matches.is_empty()
    }

    /// `n` (`forward`) / `N`: the next (previous) match after (before) the selected cue, round to
    /// the first (last).
    pub fn next_match(&mut self, forward: bool) {
        let m = &self.matches;
        let (Some(&first), Some(&last)) = (m.first(), m.last()) else { return };
        let sel = self.sel;
        self.sel = if forward {
            m.iter().copied().find(|&i| i > sel).unwrap_or(first)
        } else {
            m.iter().rev().copied().find(|&i| i < sel).unwrap_or(last)
        };
    }

    /// The search `text`: its matches, the first at or after cue `from` selected and the pane
    /// shown. An empty search clears it.
    pub fn search(&mut self, t: &Transcript, text: &str, from: usize) -> Searched {
        self.query = text.to_string();
        self.matches = t.search(text);
        if text.is_empty() {
            return Searched::Cleared;
        }
        let Some(&first) = self.matches.first() else { return Searched::NoMatch };
        self.sel = self.matches.iter().copied().find(|&i| i >= from).unwrap_or(first);
        self.visible = true;
        Searched::Found
    }

    /// "match 2 of 5 at 1:02", after a search or `n` / `N` (as bound in `km`).
    pub fn match_notice(&self, cues: &[Cue], clock: Clock, km: &Keymap) -> String {
        let keys = format!(
            "{} {}",
            km.keys_for(Action::Note).join("/"),
            km.keys_for(Action::SegmentNote).join("/")
        );
        let k = self.matches.iter().position(|&i| i == self.sel).map_or(0, |k| k + 1);
        let at = cues.get(self.sel).map(|q| clock.tenths(cue_s(q.start_ms)));
        format!(
            "match {k} of {} at {} · Enter jumps there · {keys} next/previous",
            self.matches.len(),
            at.unwrap_or_default()
        )
    }

    /// The pane's title: the number of cues, or the search and where the selection is in it.
    pub fn title(&self, has: bool, n_cues: usize, focused: bool) -> String {
        if !has {
            return " Transcript ".to_string();
        }
        if self.query.is_empty() {
            return format!(" Transcript ({n_cues}) ");
        }
        let k = self.matches.iter().position(|&i| i == self.sel);
        let n = self.matches.len();
        let count = match k.filter(|_| focused) {
            Some(k) => format!("{}/{n}", k + 1),
            None => format!("({n})"),
        };
        format!(" Transcript /{} {count} ", sanitize(&self.query))
    }
}

/// Draws the pane in `area`: its block and the cues, following the playhead at `position_s`
/// (the selected cue while `focused`).
pub fn draw(
    f: &mut Frame,
    area: Rect,
    p: &TranscriptPane,
    position_s: f64,
    focused: bool,
    clock: Clock,
) {
    let t = p.transcript.as_ref();
    let cues = cues(t);
    let block = pane_block(p.title(t.is_some(), cues.len(), focused), focused);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let needle: Vec<char> = p.query.trim().chars().map(fold).collect();
    let anchor = if focused { p.sel } else { near(t, position_s) };
    f.render_widget(
        TranscriptList {
            cues,
            current: current(t, position_s),
            anchor,
            focused,
            needle: &needle,
            matches: &p.matches,
            clock,
            empty: "No transcript is attached to this recording.",
        },
        inner,
    );
}
