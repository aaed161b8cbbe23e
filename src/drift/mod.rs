//! Drift of coders from gold over time, from their drift probes (issue #13). Pure: codings and
//! gold codings in, a report out; the rule itself is [`crate::stats::drift::Cusum`].
//!
//! A probe counts once its coder has submitted it, in the order of submission. On each domain its
//! deviation is the coder's level minus gold's wherever the calibration sets compare
//! ([`crate::quality::compare_domain`]: gold scored the domain and it applies, a domain needing a
//! segment kind being not applicable when gold tagged none of that kind); a domain
//! the coder left unscored where gold scored it counts as no deviation at all (it is listed as
//! missing), so that a rule about bias is not fed guesses.
pub mod render;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::codebook::{Codebook, Domain};
use crate::coding::{Coding, Status};
use crate::quality::compare_domain;
use crate::stats::drift::Cusum;

/// One submitted probe, ready to compare.
#[derive(Debug, Clone)]
pub struct ProbeCoding<'a> {
    /// The probe's id (what the coder saw).
    pub probe: &'a str,
    pub coding: &'a Coding,
    /// The gold coding it stands for, as a coding (`GoldCoding::as_coding`); its `recording` is
    /// the gold recording's id.
    pub gold: &'a Coding,
}

/// The whole report: the rule and one entry per coder with probes.
#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    pub k: f64,
    pub h: f64,
    pub coders: Vec<CoderDrift>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoderDrift {
    pub coder: String,
    /// Submitted probes compared.
    pub probes: usize,
    /// Probes assigned but not yet submitted.
    pub pending: usize,
    /// True when any domain is flagged.
    pub flagged: bool,
    pub domains: Vec<DomainDrift>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DomainDrift {
    pub domain: String,
    /// One per compared probe, in submission order.
    pub points: Vec<Point>,
    /// Mean signed deviation (`null` without points).
    pub mean: Option<f64>,
    /// The upper and lower CUSUM after the last point.
    pub upper: f64,
    pub lower: f64,
    /// The first point at which the rule flagged, if it did.
    pub flag: Option<FlagAt>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub probe: String,
    pub gold_recording: String,
    pub submitted_at: String,
    pub coder_score: u8,
    pub gold_score: u8,
    pub deviation: i32,
    /// The upper and lower CUSUM after this probe.
    pub upper: f64,
    pub lower: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlagAt {
    /// Counted from 1 among this domain's points.
    pub point: usize,
    pub direction: &'static str,
    pub submitted_at: String,
}

/// What a coder's own feedback shows of their drift: per domain the number of probes compared,
/// the mean deviation, the sums and the flag, but no probe, gold recording or date, so that a coder
/// cannot tell which of their recordings were probes.
#[derive(Debug, Clone, Serialize)]
pub struct OwnDrift {
    pub probes: usize,
    pub flagged: bool,
    pub domains: Vec<OwnDomain>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnDomain {
    pub domain: String,
    pub n: usize,
    pub mean: Option<f64>,
    pub upper: f64,
    pub lower: f64,
    /// `high` or `low` when the rule flagged this domain.
    pub flag: Option<&'static str>,
}

impl CoderDrift {
    /// The coder's own view (see [`OwnDrift`]).
    pub fn own(&self) -> OwnDrift {
        OwnDrift {
            probes: self.probes,
            flagged: self.flagged,
            domains: self
                .domains
                .iter()
                .map(|d| OwnDomain {
                    domain: d.domain.clone(),
                    n: d.points.len(),
                    mean: d.mean,
                    upper: d.upper,
                    lower: d.lower,
                    flag: d.flag.as_ref().map(|f| f.direction),
                })
                .collect(),
        }
    }
}

/// The report for `coders` (in that order; a coder without probes is left out), given each coder's
/// submitted and pending probes. Probes not submitted are ignored here.
pub fn report(
    codebook: &Codebook,
    rule: Cusum,
    coders: &[String],
    probes: &[ProbeCoding],
    pending: &BTreeMap<String, usize>,
) -> DriftReport {
    let mut out = Vec::new();
    for coder in coders {
        let mut mine: Vec<&ProbeCoding> = probes
            .iter()
            .filter(|p| &p.coding.coder == coder && p.coding.status == Status::Submitted)
            .collect();
        let waiting = pending.get(coder).copied().unwrap_or(0);
        if mine.is_empty() && waiting == 0 {
            continue;
        }
        mine.sort_by(|a, b| {
            a.coding.submitted_at.cmp(&b.coding.submitted_at).then(a.probe.cmp(b.probe))
        });
        let domains: Vec<DomainDrift> =
            codebook.domains.iter().map(|d| domain_drift(d, rule, &mine)).collect();
        out.push(CoderDrift {
            coder: coder.clone(),
            probes: mine.len(),
            pending: waiting,
            flagged: domains.iter().any(|d| d.flag.is_some()),
            domains,
        });
    }
    DriftReport { k: rule.k, h: rule.h, coders: out }
}

/// One domain's points, compared by the calibration sets' rule ([`compare_domain`]): only where
/// gold scored the domain and it applies, and where the coder scored it too.
fn domain_drift(domain: &Domain, rule: Cusum, probes: &[&ProbeCoding]) -> DomainDrift {
    let points: Vec<Point> = probes
        .iter()
        .filter_map(|p| {
            let cmp = compare_domain(domain, p.coding, p.gold, 0);
            let (c, g) = cmp.coder.zip(cmp.gold).filter(|_| cmp.compared)?;
            Some(Point {
                probe: p.probe.to_string(),
                gold_recording: p.gold.recording.clone(),
                submitted_at: p.coding.submitted_at.clone().unwrap_or_default(),
                coder_score: c,
                gold_score: g,
                deviation: i32::from(c) - i32::from(g),
                upper: 0.0,
                lower: 0.0,
            })
        })
        .collect();
    let devs: Vec<f64> = points.iter().map(|p| f64::from(p.deviation)).collect();
    let track = rule.track(&devs);
    let mut points = points;
    for (p, (u, l)) in points.iter_mut().zip(track.upper.iter().zip(&track.lower)) {
        (p.upper, p.lower) = (*u, *l);
    }
    let flag = track.flag.map(|f| FlagAt {
        point: f.probe,
        direction: f.direction.as_str(),
        submitted_at: points.get(f.probe - 1).map(|p| p.submitted_at.clone()).unwrap_or_default(),
    });
    DomainDrift {
        domain: domain.key.clone(),
        mean: track.mean,
        upper: track.upper.last().copied().unwrap_or(0.0),
        lower: track.lower.last().copied().unwrap_or(0.0),
        flag,
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::CodebookRef;

    fn book() -> Codebook {
        crate::codebook::test_book(&[("empathy", None), ("evocation", Some("bc"))])
    }

    fn coding(coder: &str, rec: &str, at: &str, empathy: Option<u8>, evocation: u8) -> Coding {
        let mut scores = BTreeMap::new();
        if let Some(e) = empathy {
            scores.insert("empathy".to_string(), e);
        }
        scores.insert("evocation".to_string(), evocation);
        Coding {
            checklist: Default::default(),
            classes: Default::default(),
            events: Vec::new(),
            schema: 1,
            recording: rec.into(),
            coder: coder.into(),
            codebook: CodebookRef { id: "b".into(), version: "1".into(), sha256: String::new() },
            audio_sha256: String::new(),
            status: Status::Submitted,
            created_at: String::new(),
            updated_at: String::new(),
            submitted_at: Some(at.into()),
            resume_s: 0.0,
            listened: vec![],
            scores,
            rationales: BTreeMap::new(),
            segments: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn deviations_in_submission_order_flag_a_coder_who_scores_high() {
        let book = book();
        let gold = coding("gold", "R002", "", Some(3), 3);
        // Submitted out of id order: the report follows submission times.
        let codings = [
            coding("ana", "R900", "2026-02-03T00:00:00Z", Some(4), 5),
            coding("ana", "R100", "2026-02-01T00:00:00Z", Some(4), 5),
            coding("ana", "R500", "2026-02-02T00:00:00Z", None, 5),
            coding("ana", "R700", "2026-02-04T00:00:00Z", Some(5), 5),
            coding("ana", "R800", "2026-02-05T00:00:00Z", Some(5), 5),
        ];
        let probes: Vec<ProbeCoding> = codings
            .iter()
            .map(|c| ProbeCoding { probe: &c.recording, coding: c, gold: &gold })
            .collect();
        let rule = Cusum { k: 0.25, h: 3.25 };
        let r = report(&book, rule, &["ana".into(), "ben".into()], &probes, &BTreeMap::new());
        assert_eq!(r.coders.len(), 1, "ben has no probes");
        let ana = &r.coders[0];
        assert_eq!(ana.probes, 5);
        let empathy = &ana.domains[0];
        let order: Vec<&str> = empathy.points.iter().map(|p| p.probe.as_str()).collect();
        // R500 left empathy unscored: no point, not a zero.
        assert_eq!(order, vec!["R100", "R900", "R700", "R800"]);
        assert_eq!(
            empathy.points.iter().map(|p| p.deviation).collect::<Vec<_>>(),
            vec![1, 1, 2, 2]
        );
        // 0.75, 1.5, 3.25: flagged at the third point, high.
        let flag = empathy.flag.as_ref().expect("flagged");
        assert_eq!((flag.point, flag.direction), (3, "high"));
        assert_eq!(flag.submitted_at, "2026-02-04T00:00:00Z");
        assert!(ana.flagged);
        // Evocation needs a bc segment and gold tagged none: never compared.
        assert!(ana.domains[1].points.is_empty());
        assert_eq!(ana.domains[1].mean, None);
    }

    #[test]
    fn pending_probes_are_listed_and_unsubmitted_ones_ignored() {
        let book = book();
        let gold = coding("gold", "R002", "", Some(3), 3);
        let mut c = coding("ben", "R300", "2026-02-01T00:00:00Z", Some(3), 3);
        c.status = Status::InProgress;
        let probes = [ProbeCoding { probe: "R300", coding: &c, gold: &gold }];
        let pending: BTreeMap<String, usize> = [("ben".to_string(), 1)].into();
        let r = report(&book, Cusum::default(), &["ben".into()], &probes, &pending);
        assert_eq!((r.coders[0].probes, r.coders[0].pending, r.coders[0].flagged), (0, 1, false));
    }
}
