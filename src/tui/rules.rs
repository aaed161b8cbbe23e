//! The coding rules the coder screens need, as thin pure functions over [`Coding`] and
//! [`Codebook`]: what a domain's score state is, the behaviour-change share, adding segments,
//! tracking listened intervals, and what blocks or warns at submit. Kept in one place so the
//! screens ask one module, whatever holds the rules.
use crate::codebook::Codebook;
use crate::coding::{Coding, ScoreState, Segment};

/// The segment kind tagged with `b` / `e`.
pub const BEHAVIOUR_CHANGE: &str = "behaviour-change";

/// Share of the listened-to audio needed before submit stops warning.
pub const LISTEN_WARN_SHARE: f64 = 0.9;

/// Unscored, a level, or not applicable (a domain that requires a segment kind the coding lacks).
pub fn score_state(coding: &Coding, book: &Codebook, domain: &str) -> ScoreState {
    if let Some(kind) = book.domain(domain).and_then(|d| d.requires_segment.as_deref())
        && !coding.segments.iter().any(|s| s.kind == kind)
    {
        return ScoreState::NotApplicable;
    }
    match coding.scores.get(domain) {
        Some(&l) => ScoreState::Level(l),
        None => ScoreState::Unscored,
    }
}

/// Whether `domain` can be scored now (its required segment kind exists, if any).
pub fn scorable(coding: &Coding, book: &Codebook, domain: &str) -> bool {
    score_state(coding, book, domain) != ScoreState::NotApplicable
}

/// Total length of the union of `kind` segments, over `duration_s`; 0 for a zero duration.
pub fn share(coding: &Coding, kind: &str, duration_s: f64) -> f64 {
    if duration_s.is_nan() || duration_s <= 0.0 {
        return 0.0;
    }
    let mut spans: Vec<[f64; 2]> = coding
        .segments
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| [s.start_s.clamp(0.0, duration_s), s.end_s.clamp(0.0, duration_s)])
        .collect();
    spans.sort_by(|a, b| a[0].total_cmp(&b[0]));
    let total = merge(spans).iter().fold(0.0, |acc, s| acc + (s[1] - s[0]));
    (total / duration_s).clamp(0.0, 1.0)
}

/// Adds a segment `[min, max]` of the two times, kept sorted by start. `None` if it is empty.
pub fn add_segment(coding: &mut Coding, kind: &str, a: f64, b: f64) -> Option<usize> {
    let (start_s, end_s) = (a.min(b), a.max(b));
    if (end_s - start_s).is_nan() || end_s - start_s <= 0.05 {
        return None;
    }
    let seg = Segment { kind: kind.to_string(), start_s, end_s, note: String::new() };
    let at = coding.segments.partition_point(|s| s.start_s <= start_s);
    coding.segments.insert(at, seg);
    Some(at)
}

/// Records that `[a, b]` was played, merged into the sorted, disjoint `listened` intervals.
pub fn record_listened(coding: &mut Coding, a: f64, b: f64) {
    if b.is_nan() || a.is_nan() || b <= a {
        return;
    }
    let mut all = std::mem::take(&mut coding.listened);
    let at = all.partition_point(|s| s[0] <= a);
    all.insert(at, [a, b]);
    coding.listened = merge(all);
}

/// Share of the recording actually listened to.
pub fn listened_share(coding: &Coding, duration_s: f64) -> f64 {
    if duration_s.is_nan() || duration_s <= 0.0 {
        return 0.0;
    }
    let total = coding.listened.iter().fold(0.0, |acc, s| acc + (s[1] - s[0]).max(0.0));
    (total / duration_s).clamp(0.0, 1.0)
}

/// Sorted intervals merged where they touch or overlap (within 0.25 s).
fn merge(sorted: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::with_capacity(sorted.len());
    for s in sorted {
        match out.last_mut() {
            Some(last) if s[0] <= last[1] + 0.25 => last[1] = last[1].max(s[1]),
            _ => out.push(s),
        }
    }
    out
}

/// What a submit would be refused for, and what it should warn about.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubmitCheck {
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

/// SPEC §5: unscored domains, a segment-requiring domain scored without its segments or missing
/// with them are problems; under 90% of the audio listened to is a warning.
pub fn check_submit(coding: &Coding, book: &Codebook, duration_s: f64) -> SubmitCheck {
    let mut check = SubmitCheck::default();
    for d in &book.domains {
        let has_kind =
            d.requires_segment.as_deref().map(|k| coding.segments.iter().any(|s| s.kind == k));
        let scored = coding.scores.contains_key(&d.key);
        match (has_kind, scored) {
            (Some(false), true) => check.problems.push(format!(
                "{} is scored but there is no {} segment: add one or clear the score with 0",
                d.label,
                d.requires_segment.as_deref().unwrap_or_default()
            )),
            (Some(false), false) => {}
            (Some(true), false) => check.problems.push(format!(
                "{} is unscored, and it must be scored because there is a {} segment",
                d.label,
                d.requires_segment.as_deref().unwrap_or_default()
            )),
            (None, false) => check.problems.push(format!("{} is unscored", d.label)),
            _ => {}
        }
    }
    let heard = listened_share(coding, duration_s);
    if heard < LISTEN_WARN_SHARE {
        check.warnings.push(format!(
            "only {:.0}% of the audio has been listened to (under 90%)",
            heard * 100.0
        ));
    }
    check
}
