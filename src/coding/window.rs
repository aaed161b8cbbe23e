//! A sampled window of a recording (issue #14, `[sampling] window_minutes`): the part of the
//! recording a coder codes. The listened share and the behaviour-change share are taken within
//! it, and `can_submit`'s listened warning uses it. Pure; the planner that picks a recording's
//! window is [`crate::study::sampling`].
use serde::{Deserialize, Serialize};

use super::{Coding, union_length};

/// `[start_s, end_s]` of a recording, in seconds (`start_s <= end_s`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub start_s: f64,
    pub end_s: f64,
}

impl Window {
    /// The whole of a recording of `duration_s` seconds (a non-finite or negative duration is 0).
    pub fn whole(duration_s: f64) -> Self {
        let d = if duration_s.is_finite() && duration_s > 0.0 { duration_s } else { 0.0 };
        Self { start_s: 0.0, end_s: d }
    }

    /// Its length in seconds (0 for a malformed window).
    pub fn len_s(&self) -> f64 {
        let l = self.end_s - self.start_s;
        if l.is_finite() && l > 0.0 { l } else { 0.0 }
    }

    /// True when `at_s` lies inside the window (ends included).
    pub fn contains(&self, at_s: f64) -> bool {
        (self.start_s..=self.end_s).contains(&at_s)
    }

    /// True when the window is well formed and lies inside `[0, duration_s]`.
    pub fn fits(&self, duration_s: f64) -> bool {
        self.start_s.is_finite()
            && self.end_s.is_finite()
            && 0.0 <= self.start_s
            && self.start_s <= self.end_s
            && self.end_s <= duration_s + 1e-6
    }

    /// The window, or the whole recording when there is none.
    pub fn or_whole(window: Option<&Window>, duration_s: f64) -> Window {
        window.copied().unwrap_or_else(|| Window::whole(duration_s))
    }
}

/// The share (0..=1) of `window` covered by `intervals`; 0 for an empty window.
fn share_in(intervals: impl Iterator<Item = (f64, f64)>, window: &Window) -> f64 {
    let len = window.len_s();
    if len <= 0.0 {
        return 0.0;
    }
    (union_length(intervals, window.start_s, window.end_s) / len).clamp(0.0, 1.0)
}

impl Coding {
    /// The share (0..=1) of `window` listened to.
    pub fn listened_fraction_in(&self, window: &Window) -> f64 {
        share_in(self.listened.iter().map(|[a, b]| (*a, *b)), window)
    }

    /// The share (0..=1) of `window` covered by segments of `kind`.
    pub fn share_of_in(&self, kind: &str, window: &Window) -> f64 {
        share_in(
            self.segments.iter().filter(|s| s.kind == kind).map(|s| (s.start_s, s.end_s)),
            window,
        )
    }

    /// The share (0..=1) of `window` spent in behaviour-change talk.
    pub fn bc_share_in(&self, window: &Window) -> f64 {
        self.share_of_in(super::BEHAVIOUR_CHANGE, window)
    }

    /// The events logged inside `window` (all of them when `window` is `None`).
    pub fn events_in<'a>(
        &'a self,
        window: Option<&'a Window>,
    ) -> impl Iterator<Item = &'a super::Event> + 'a {
        self.events.iter().filter(move |e| window.is_none_or(|w| w.contains(e.at_s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::{CodebookRef, Segment};

    fn coding() -> Coding {
        let cb = crate::codebook::test_book(&[("a", None)]);
        Coding::new("R1", "ana", CodebookRef::of(&cb), "00", "2026-01-01T00:00:00Z")
    }

    #[test]
    fn shares_are_taken_within_the_window() {
        let mut c = coding();
        c.listened = vec![[0.0, 150.0], [250.0, 400.0]];
        let w = Window { start_s: 100.0, end_s: 300.0 };
        // 100–150 and 250–300 of 200 s.
        assert!((c.listened_fraction_in(&w) - 0.5).abs() < 1e-12);
        assert!((c.listened_fraction(400.0) - 0.75).abs() < 1e-12);
        c.segments = vec![Segment {
            kind: crate::coding::BEHAVIOUR_CHANGE.into(),
            start_s: 280.0,
            end_s: 500.0,
            note: String::new(),
        }];
        assert!((c.bc_share_in(&w) - 0.1).abs() < 1e-12);
        assert_eq!(c.listened_fraction_in(&Window { start_s: 5.0, end_s: 5.0 }), 0.0);
        assert_eq!(Window::whole(f64::NAN), Window { start_s: 0.0, end_s: 0.0 });
        assert!(w.fits(300.0) && !w.fits(299.0) && w.contains(100.0) && !w.contains(301.0));
    }

    #[test]
    fn the_listened_warning_is_about_the_window_when_there_is_one() {
        let cb = crate::codebook::test_book(&[("a", None)]);
        let mut c = coding();
        c.scores.insert("a".into(), 3);
        c.listened = vec![[100.0, 300.0]];
        let w = Window { start_s: 100.0, end_s: 300.0 };
        assert!(c.can_submit_in(&cb, 1000.0, Some(&w)).warnings.is_empty());
        let whole = c.can_submit(&cb, 1000.0);
        assert_eq!(whole.warnings[0].to_string(), "only 20% of the recording has been listened to");
        c.listened = vec![[100.0, 200.0]];
        let half = c.can_submit_in(&cb, 1000.0, Some(&w));
        assert_eq!(
            half.warnings[0].to_string(),
            "only 50% of the sampled window has been listened to"
        );
        assert!(c.try_submit_in(&cb, 1000.0, Some(&w), "2026-01-01T00:00:00Z").is_ok());
    }
}
