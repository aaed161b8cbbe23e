//! Reliability of a study's instrument items beside its scales (issue #14): over the
//! double-coded recordings with both study codings submitted (the same recordings as the scale
//! domains), each checklist item and classification by the nominal statistics and each count and
//! summary by ICC(1,1) and alpha (interval), computed by [`crate::instrument::reliability`] from
//! the codings, primary first; plus **count timing agreement**.
//!
//! Timing agreement: for each recording and count code, the two coders' events of that code are
//! matched one to one where at most [`TIMING_WINDOW_S`] seconds apart, as many pairs as possible
//! (the sweep in [`crate::stats::kinds::timing`], which finds a largest matching). Per code, the
//! matched events, the events of either coder left unmatched, and the matched share
//! `2 × matched / (events of both coders)` are pooled over the recordings; `overall` pools every
//! code. A code nobody logged has no share (undefined, with the reason). Pure: codings in.
use serde::Serialize;

use crate::codebook::Codebook;
use crate::coding::Coding;
use crate::instrument::reliability::{ItemResult, Row, report};
use crate::instrument::{Instrument, ScaleItem};
use crate::stats::kinds::timing;

/// Events of one code by the two coders match when at most this far apart, in seconds.
pub const TIMING_WINDOW_S: f64 = 2.0;

/// The items section of a study's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemsReport {
    /// Recordings compared (double-coded, both study codings submitted).
    pub recordings: usize,
    /// Checklist items, classifications, counts and summaries, in the instrument's order.
    pub items: Vec<ItemResult>,
    /// The timing window, in seconds (± around an event).
    pub timing_window_s: f64,
    /// Count timing agreement per count code, then `overall`.
    pub timing: Vec<TimingRow>,
    pub overall: TimingRow,
}

/// Timing agreement of one count code (or all of them), pooled over the recordings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimingRow {
    pub code: String,
    pub label: String,
    /// Matched pairs of events.
    pub matched: usize,
    /// Events of the primary (first) coder with no partner.
    pub only_first: usize,
    /// Events of the secondary coder with no partner.
    pub only_second: usize,
    /// 100 × 2 × matched / (events of both coders); `null` when neither coder logged the code.
    pub percent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

impl TimingRow {
    fn new(code: &str, label: &str) -> Self {
        Self {
            code: code.into(),
            label: label.into(),
            matched: 0,
            only_first: 0,
            only_second: 0,
            percent: None,
            why: None,
        }
    }

    fn add(&mut self, matched: usize, only_first: usize, only_second: usize) {
        self.matched += matched;
        self.only_first += only_first;
        self.only_second += only_second;
    }

    fn finish(mut self) -> Self {
        let total = 2 * self.matched + self.only_first + self.only_second;
        if total == 0 {
            self.why = Some("neither coder logged this code".into());
        } else {
            self.percent = Some(200.0 * self.matched as f64 / total as f64);
        }
        self
    }
}

/// The instrument a study's codebook stands for (its domains as scales, on the one range).
fn instrument_of(cb: &Codebook) -> Instrument {
    Instrument {
        id: cb.id.clone(),
        version: cb.version.clone(),
        title: cb.title.clone(),
        source: String::new(),
        scales: cb
            .domains
            .iter()
            .map(|d| ScaleItem {
                key: d.key.clone(),
                label: d.label.clone(),
                description: d.description.clone(),
                min: cb.scale.min,
                max: cb.scale.max,
                levels: d.levels.clone(),
            })
            .collect(),
        checklist: cb.items.checklist.clone(),
        classifications: cb.items.classifications.clone(),
        counts: cb.items.counts.clone(),
        summaries: cb.items.summaries.clone(),
    }
}

/// One coding's values as rows: answered checklist items, classes (chosen or derived), every
/// count (0 when not logged: a submitted coding counted them all) and the scores.
fn rows_of(cb: &Codebook, c: &Coding, out: &mut Vec<Row>) {
    let mut push = |item: &str, value: String| {
        out.push(Row {
            line: out.len() + 1,
            recording: c.recording.clone(),
            coder: c.coder.clone(),
            item: item.to_string(),
            value,
        })
    };
    for (k, present) in &c.checklist {
        if cb.items.check_item(k).is_some() {
            push(k, if *present { "present" } else { "absent" }.to_string());
        }
    }
    for k in &cb.items.classifications {
        if let Some(class) = c.class_of(cb, &k.key) {
            push(&k.key, class.key.clone());
        }
    }
    for (k, n) in c.tallies(cb) {
        push(&k, n.to_string());
    }
    for d in &cb.domains {
        if let Some(v) = c.scores.get(&d.key).filter(|v| (cb.scale.min..=cb.scale.max).contains(v))
        {
            push(&d.key, v.to_string());
        }
    }
}

/// The items section for `pairs` (each recording's primary and secondary submitted codings), or
/// `None` for a codebook without items (a schema-1 study's report is unchanged).
pub fn items_report(cb: &Codebook, pairs: &[(&Coding, &Coding)]) -> Option<ItemsReport> {
    if cb.items.is_empty() {
        return None;
    }
    let instr = instrument_of(cb);
    let mut rows = Vec::new();
    for (a, b) in pairs {
        rows_of(cb, a, &mut rows);
        rows_of(cb, b, &mut rows);
    }
    // Every value comes from a coding checked against the codebook, so no row is refused; a
    // refused one (a hand-edited coding) leaves the items out rather than the whole report.
    let items = report(&instr, &rows)
        .map(|r| r.into_iter().filter(|i| i.kind != "scale").collect())
        .unwrap_or_default();
    let mut overall = TimingRow::new("overall", "All counts");
    let timing = cb
        .items
        .counts
        .iter()
        .map(|k| {
            let mut row = TimingRow::new(&k.key, &k.label);
            for (a, b) in pairs {
                let times = |c: &Coding| -> Vec<f64> {
                    c.events.iter().filter(|e| e.code == k.key).map(|e| e.at_s).collect()
                };
                let t = timing(&times(a), &times(b), TIMING_WINDOW_S);
                row.add(t.matched, t.only_first, t.only_second);
                overall.add(t.matched, t.only_first, t.only_second);
            }
            row.finish()
        })
        .collect();
    Some(ItemsReport {
        recordings: pairs.len(),
        items,
        timing_window_s: TIMING_WINDOW_S,
        timing,
        overall: overall.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::{CodebookRef, Event};

    fn mi() -> Codebook {
        let text = include_str!("../../codebook/mi-fidelity.toml");
        crate::codebook::parse(text, "mi-fidelity.toml").expect("bundled instrument is valid")
    }

    fn coding(rec: &str, coder: &str, events: &[(&str, f64)]) -> Coding {
        let cb = mi();
        let mut c = Coding::new(rec, coder, CodebookRef::of(&cb), "00", "2026-01-01T00:00:00Z");
        c.events = events.iter().map(|(k, t)| Event { code: k.to_string(), at_s: *t }).collect();
        c
    }

    #[test]
    fn timing_matches_within_two_seconds_pooled_per_code_and_overall() {
        let cb = mi();
        // R1: questions at 10, 20, 40 vs 11.5, 23 (20–23 is 3 s apart): 1 matched, 2 + 1 not.
        // R2: questions 5 vs 6.9 (matched); affirm 30 vs 32 (matched, the window is inclusive).
        let pairs = [
            (
                coding("R1", "a", &[("question", 10.0), ("question", 20.0), ("question", 40.0)]),
                coding("R1", "b", &[("question", 11.5), ("question", 23.0)]),
            ),
            (
                coding("R2", "a", &[("question", 5.0), ("affirm", 30.0)]),
                coding("R2", "b", &[("question", 6.9), ("affirm", 32.0)]),
            ),
        ];
        let refs: Vec<(&Coding, &Coding)> = pairs.iter().map(|(a, b)| (a, b)).collect();
        let r = items_report(&cb, &refs).expect("the instrument has items");
        let q = r.timing.iter().find(|t| t.code == "question").unwrap();
        assert_eq!((q.matched, q.only_first, q.only_second), (2, 2, 1));
        assert!((q.percent.unwrap() - 200.0 * 2.0 / 7.0).abs() < 1e-9, "{q:?}");
        let a = r.timing.iter().find(|t| t.code == "affirm").unwrap();
        assert_eq!(a.percent, Some(100.0));
        let none = r.timing.iter().find(|t| t.code == "confront").unwrap();
        assert_eq!(none.percent, None);
        assert!(none.why.is_some());
        assert_eq!((r.overall.matched, r.overall.only_first, r.overall.only_second), (3, 2, 1));
        assert!((r.overall.percent.unwrap() - 200.0 * 3.0 / 9.0).abs() < 1e-9);
        // Counts per recording: questions 3 vs 2 and 1 vs 1.
        let count = r.items.iter().find(|i| i.key == "question").unwrap();
        assert_eq!((count.kind, count.n), ("count", 2));
        assert!(r.items.iter().all(|i| i.kind != "scale"), "scales are the report's domains");
    }

    #[test]
    fn a_codebook_without_items_has_no_section() {
        let cb = crate::codebook::test_book(&[("a", None)]);
        assert_eq!(items_report(&cb, &[]), None);
    }
}
