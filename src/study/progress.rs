//! Progress and agreement summaries for `status` and the supervisor's screens. Pure: codings in,
//! numbers out.
use std::collections::BTreeMap;

use serde::Serialize;

use crate::coding::{Coding, Status, Window};

use super::model::Assignment;

/// One coder's progress through their queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoderProgress {
    pub coder: String,
    pub assigned: usize,
    pub not_started: usize,
    pub in_progress: usize,
    pub submitted: usize,
    /// Share of the assigned audio listened to, 0–100 (None when nothing is assigned); of a
    /// recording with a sampled window, the window is what is assigned.
    pub listened_percent: Option<f64>,
}

/// Progress of `coder` over the queue `queue` (recording id, duration) given their codings.
pub fn coder_progress(coder: &str, queue: &[(String, f64)], codings: &[Coding]) -> CoderProgress {
    let spans: Vec<(String, Window)> =
        queue.iter().map(|(id, d)| (id.clone(), Window::whole(*d))).collect();
    coder_progress_in(coder, &spans, codings)
}

/// [`coder_progress`] over the part of each recording the coder codes: (recording id, its
/// sampled window or the whole recording).
pub fn coder_progress_in(
    coder: &str,
    queue: &[(String, Window)],
    codings: &[Coding],
) -> CoderProgress {
    let by_rec: BTreeMap<&str, &Coding> =
        codings.iter().filter(|c| c.coder == coder).map(|c| (c.recording.as_str(), c)).collect();
    let (mut in_progress, mut submitted, mut total, mut heard) = (0, 0, 0.0, 0.0);
    for (rec, span) in queue {
        let d = span.len_s();
        total += d;
        if let Some(c) = by_rec.get(rec.as_str()) {
            match c.status {
                Status::InProgress => in_progress += 1,
                Status::Submitted => submitted += 1,
            }
            heard += d * c.listened_fraction_in(span);
        }
    }
    CoderProgress {
        coder: coder.to_string(),
        assigned: queue.len(),
        not_started: queue.len().saturating_sub(in_progress + submitted),
        in_progress,
        submitted,
        listened_percent: (total > 0.0).then(|| (100.0 * heard / total).clamp(0.0, 100.0)),
    }
}

/// Seconds covered by `intervals` within `[0, duration]`, overlaps counted once.
pub fn listened_s(intervals: &[[f64; 2]], duration: f64) -> f64 {
    let mut v: Vec<(f64, f64)> = intervals
        .iter()
        .filter(|[a, b]| a.is_finite() && b.is_finite())
        .map(|[a, b]| (a.max(0.0).min(duration), b.max(0.0).min(duration)))
        .filter(|(a, b)| b > a)
        .collect();
    v.sort_by(|x, y| x.0.total_cmp(&y.0));
    let (mut sum, mut end) = (0.0, f64::NEG_INFINITY);
    for (a, b) in v {
        if b <= end {
            continue;
        }
        sum += b - a.max(end);
        end = b;
    }
    sum
}

/// Whether two codings of one recording differ by more than `tolerance` on any domain. A domain
/// scored by one coder only counts as a difference; unscored by both does not.
pub fn disagree<'a>(
    a: &Coding,
    b: &Coding,
    domains: impl IntoIterator<Item = &'a str>,
    tolerance: u8,
) -> bool {
    domains.into_iter().any(|d| match (a.scores.get(d), b.scores.get(d)) {
        (Some(x), Some(y)) => x.abs_diff(*y) > tolerance,
        (None, None) => false,
        _ => true,
    })
}

/// The study's double-coding summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DoubleCodingSummary {
    /// Double-coded recordings.
    pub pairs: usize,
    /// … whose two codings are both submitted.
    pub complete: usize,
    /// … complete and differing by more than the tolerance, with no adjudication yet.
    pub awaiting_adjudication: usize,
    /// … complete, differing, and adjudicated.
    pub adjudicated: usize,
}

/// Summarises double coding from the assignments, all codings and the adjudicated recording ids.
pub fn double_coding(
    assignments: &[Assignment],
    codings: &[Coding],
    adjudicated: &[String],
    domains: &[&str],
    tolerance: u8,
) -> DoubleCodingSummary {
    let submitted: BTreeMap<(&str, &str), &Coding> = codings
        .iter()
        .filter(|c| c.status == Status::Submitted)
        .map(|c| ((c.coder.as_str(), c.recording.as_str()), c))
        .collect();
    let mut s = DoubleCodingSummary::default();
    for a in assignments.iter().filter(|a| a.double_coded) {
        s.pairs += 1;
        let [x, y, ..] = a.coders.as_slice() else { continue };
        let (Some(cx), Some(cy)) = (
            submitted.get(&(x.as_str(), a.id.as_str())),
            submitted.get(&(y.as_str(), a.id.as_str())),
        ) else {
            continue;
        };
        s.complete += 1;
        if disagree(cx, cy, domains.iter().copied(), tolerance) {
            if adjudicated.contains(&a.id) {
                s.adjudicated += 1;
            } else {
                s.awaiting_adjudication += 1;
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::CodebookRef;

    pub(crate) fn coding(coder: &str, rec: &str, status: Status, scores: &[(&str, u8)]) -> Coding {
        Coding {
            checklist: Default::default(),
            classes: Default::default(),
            events: Vec::new(),
            schema: 1,
            recording: rec.into(),
            coder: coder.into(),
            codebook: CodebookRef { id: "cb".into(), version: "1".into(), sha256: "0".into() },
            audio_sha256: "a".into(),
            status,
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
            submitted_at: None,
            resume_s: 0.0,
            listened: vec![[0.0, 30.0], [20.0, 50.0]],
            scores: scores.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            rationales: Default::default(),
            segments: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn the_listened_share_is_of_the_window_when_there_is_one() {
        // Listened 0–50 s (merged): of a 100 s recording 50 %, of its window 40–60 s 50 % too,
        // of the window 0–50 s all of it.
        let c = coding("c1", "R1", Status::InProgress, &[]);
        let whole = coder_progress("c1", &[("R1".into(), 100.0)], std::slice::from_ref(&c));
        assert_eq!(whole.listened_percent, Some(50.0));
        let w = Window { start_s: 0.0, end_s: 50.0 };
        let p = coder_progress_in("c1", &[("R1".into(), w)], std::slice::from_ref(&c));
        assert_eq!(p.listened_percent, Some(100.0));
        let w = Window { start_s: 40.0, end_s: 60.0 };
        let p = coder_progress_in("c1", &[("R1".into(), w)], &[c]);
        assert_eq!(p.listened_percent, Some(50.0));
    }

    #[test]
    fn listened_merges_overlaps_and_clips() {
        assert_eq!(listened_s(&[[0.0, 30.0], [20.0, 50.0]], 100.0), 50.0);
        assert_eq!(listened_s(&[[90.0, 130.0], [-5.0, 5.0]], 100.0), 15.0);
        assert_eq!(listened_s(&[[f64::NAN, 5.0]], 100.0), 0.0);
    }

    #[test]
    fn progress_counts() {
        let q =
            vec![("R001".to_string(), 100.0), ("R002".to_string(), 100.0), ("R003".into(), 0.0)];
        let cs = vec![
            coding("c1", "R001", Status::Submitted, &[]),
            coding("c1", "R002", Status::InProgress, &[]),
        ];
        let p = coder_progress("c1", &q, &cs);
        assert_eq!((p.assigned, p.not_started, p.in_progress, p.submitted), (3, 1, 1, 1));
        assert_eq!(p.listened_percent, Some(50.0));
    }

    #[test]
    fn disagreement_and_summary() {
        let a = coding("c1", "R001", Status::Submitted, &[("empathy", 2), ("evocation", 3)]);
        let b = coding("c2", "R001", Status::Submitted, &[("empathy", 3), ("evocation", 3)]);
        let c = coding("c2", "R001", Status::Submitted, &[("empathy", 4), ("evocation", 3)]);
        let d = coding("c2", "R001", Status::Submitted, &[("empathy", 2)]);
        let doms = ["empathy", "evocation"];
        assert!(!disagree(&a, &b, doms, 1));
        assert!(disagree(&a, &c, doms, 1));
        assert!(disagree(&a, &d, doms, 1), "scored by one only");
        let asg = vec![
            Assignment {
                id: "R001".into(),
                coders: vec!["c1".into(), "c2".into()],
                double_coded: true,
                window: None,
            },
            Assignment {
                id: "R002".into(),
                coders: vec!["c1".into(), "c2".into()],
                double_coded: true,
                window: None,
            },
            Assignment {
                id: "R003".into(),
                coders: vec!["c1".into()],
                double_coded: false,
                window: None,
            },
        ];
        let s = double_coding(&asg, &[a.clone(), c], &[], &doms, 1);
        assert_eq!(
            s,
            DoubleCodingSummary { pairs: 2, complete: 1, awaiting_adjudication: 1, adjudicated: 0 }
        );
        let s = double_coding(&asg, &[a, b], &[], &doms, 1);
        assert_eq!(s.awaiting_adjudication, 0);
    }
}
