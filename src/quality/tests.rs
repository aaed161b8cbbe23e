use std::collections::BTreeMap;

use super::*;
use crate::coding::{CodebookRef, Segment, Status};

fn book() -> Codebook {
    crate::codebook::test_book(&[
        ("empathy", None),
        ("evocation", Some("behaviour-change")),
        ("clarity", None),
    ])
}

fn coding(coder: &str, scores: &[(&str, u8)], segs: &[(f64, f64)]) -> Coding {
    Coding {
        checklist: Default::default(),
        classes: Default::default(),
        events: Vec::new(),
        schema: 1,
        recording: "R1".into(),
        coder: coder.into(),
        codebook: CodebookRef { id: "b".into(), version: "1".into(), sha256: String::new() },
        audio_sha256: String::new(),
        status: Status::Submitted,
        created_at: String::new(),
        updated_at: String::new(),
        submitted_at: None,
        resume_s: 0.0,
        listened: vec![],
        scores: scores.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        rationales: BTreeMap::new(),
        segments: segs
            .iter()
            .map(|(s, e)| Segment {
                kind: "behaviour-change".into(),
                start_s: *s,
                end_s: *e,
                note: String::new(),
            })
            .collect(),
        notes: vec![],
    }
}

fn rule() -> PassRule {
    PassRule { within: 1, share: 0.8, max_bias: 0.5 }
}

#[test]
fn evocation_counts_only_where_gold_has_a_behaviour_change_segment() {
    let b = book();
    // No gold segment: evocation is not applicable, not compared even though both scored.
    let gold = coding("gold", &[("empathy", 3), ("evocation", 2), ("clarity", 3)], &[]);
    let me = coding("c", &[("empathy", 3), ("evocation", 5), ("clarity", 3)], &[(0.0, 10.0)]);
    let r = compare(&b, &me, &gold, 100.0, 1);
    let evo = &r.domains[1];
    assert!(!evo.compared && !evo.within, "{evo:?}");
    assert!(evo.not_compared.is_some_and(|w| w.contains("not applicable")));
    assert_eq!((r.compared(), r.within()), (2, 2));
    // With a gold segment it counts, and the coder's 5 against 2 is outside.
    let gold = coding("gold", &[("empathy", 3), ("evocation", 2), ("clarity", 3)], &[(5.0, 20.0)]);
    let r = compare(&b, &me, &gold, 100.0, 1);
    assert!(r.domains[1].compared && !r.domains[1].within);
    assert_eq!(r.domains[1].deviation, Some(3));
    // Segments: coder 0–10, gold 5–20: 5 s matched, 10 missed, 5 extra.
    let s = r.segments;
    assert_eq!((s.matched_s, s.missed_s, s.extra_s), (5.0, 10.0, 5.0));
    assert!((s.coder_share - 0.1).abs() < 1e-12 && (s.gold_share - 0.15).abs() < 1e-12);
}

#[test]
fn evocation_not_applicable_for_the_coder_but_gold_tagged_counts_as_a_miss() {
    let b = book();
    let gold = coding("gold", &[("empathy", 3), ("evocation", 2)], &[(5.0, 20.0)]);
    let me = coding("c", &[("empathy", 3)], &[]);
    let r = compare(&b, &me, &gold, 100.0, 1);
    assert!(r.domains[1].compared && !r.domains[1].within && r.domains[1].deviation.is_none());
    assert_eq!(r.segments.matched_s, 0.0);
    assert_eq!(r.segments.missed_s, 15.0);
}

#[test]
fn a_domain_gold_left_unscored_is_not_compared() {
    let b = book();
    let gold = coding("gold", &[("empathy", 3)], &[]);
    let me = coding("c", &[("empathy", 3), ("clarity", 1)], &[]);
    let r = compare(&b, &me, &gold, 60.0, 1);
    assert!(!r.domains[2].compared);
    assert_eq!(r.domains[2].not_compared, Some("gold left it unscored"));
    let c = certify(&b, &rule(), &[r], 1);
    assert_eq!((c.compared, c.within), (1, 1));
    assert_eq!(c.domains[2].bias, None);
    assert_eq!(c.standing, Standing::Certified, "{:?}", c.reasons);
}

#[test]
fn empty_set_and_nothing_compared_do_not_certify() {
    let b = book();
    let c = certify(&b, &rule(), &[], 0);
    assert_eq!(c.standing, Standing::NotCertified);
    assert!(c.reasons[0].contains("no score could be compared"), "{:?}", c.reasons);
    let gold = coding("gold", &[], &[]);
    let r = compare(&b, &coding("c", &[("empathy", 3)], &[]), &gold, 60.0, 1);
    assert_eq!(certify(&b, &rule(), &[r], 1).standing, Standing::NotCertified);
}

#[test]
fn incomplete_set_is_pending() {
    let b = book();
    let gold = coding("gold", &[("empathy", 3)], &[]);
    let r = compare(&b, &coding("c", &[("empathy", 3)], &[]), &gold, 60.0, 1);
    let c = certify(&b, &rule(), &[r], 2);
    assert_eq!(c.standing, Standing::Pending);
    assert_eq!(c.reasons, vec!["1 of 2 training recordings submitted".to_string()]);
}

#[test]
fn thresholds_are_inclusive() {
    let b = book();
    // 5 recordings, empathy and clarity scored: 8 of 10 within (exactly 0.8) passes 0.8.
    let gold = coding("gold", &[("empathy", 3), ("clarity", 3)], &[]);
    let mut done = Vec::new();
    for i in 0..5 {
        // empathy: +1, +1, -1, -1, 0 → bias 0; clarity: two far off in opposite directions.
        let e = [4, 4, 2, 2, 3][i];
        let c = [3, 5, 1, 3, 3][i];
        let me = coding("c", &[("empathy", e), ("clarity", c)], &[]);
        done.push(compare(&b, &me, &gold, 60.0, 1));
    }
    let c = certify(&b, &rule(), &done, 5);
    assert_eq!((c.within, c.compared), (8, 10));
    assert_eq!(c.standing, Standing::Certified, "{:?}", c.reasons);
    // One more miss: 7 of 10 fails the share.
    let strict = PassRule { share: 0.81, ..rule() };
    let c = certify(&b, &strict, &done, 5);
    assert_eq!(c.standing, Standing::NotCertified);
    assert!(c.reasons[0].contains("8 of 10"), "{:?}", c.reasons);
}

#[test]
fn bias_exactly_at_max_passes_and_above_fails() {
    let b = book();
    let gold = coding("gold", &[("empathy", 3)], &[]);
    // Deviations +1, 0: mean +0.5, exactly max_bias.
    let done: Vec<RecordingCompare> = [4, 3]
        .iter()
        .map(|e| compare(&b, &coding("c", &[("empathy", *e)], &[]), &gold, 60.0, 1))
        .collect();
    let c = certify(&b, &rule(), &done, 2);
    assert_eq!(c.domains[0].bias, Some(0.5));
    assert_eq!(c.standing, Standing::Certified, "{:?}", c.reasons);
    let c = certify(&b, &PassRule { max_bias: 0.49, ..rule() }, &done, 2);
    assert_eq!(c.standing, Standing::NotCertified);
    assert!(
        c.reasons.iter().any(|r| r.starts_with("EMPATHY: mean deviation +0.50")),
        "{:?}",
        c.reasons
    );
}
