//! What needs adjudicating (SPEC §7), as pure functions: which double-coded recordings have both
//! codings submitted and differ by more than the tolerance, on which domains, and how a supervisor's
//! decisions become an [`Adjudication`] file. No I/O: the adjudication command reads the study and
//! hands the pieces in; the study saves the result with [`super::Study::save_adjudication`].
//!
//! A domain is in disagreement when both coders scored it and the scores differ by more than the
//! tolerance, or when only one coder scored it (the same rule as [`super::progress::disagree`], so
//! `status` and the adjudication list always count the same recordings).
use std::collections::BTreeMap;

use crate::codebook::Codebook;
use crate::coding::{Coding, Status};

use super::model::{
    Adjudication, AdjudicationDraft, Assignment, Decision, DraftDecision, Recording, SCHEMA,
};

/// One domain on which two coders disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainDiff {
    pub domain: String,
    /// The primary coder's score (`None` = unscored or not applicable).
    pub primary: Option<u8>,
    /// The secondary coder's score.
    pub secondary: Option<u8>,
}

impl DomainDiff {
    /// The absolute difference, when both scored.
    pub fn difference(&self) -> Option<u8> {
        Some(self.primary?.abs_diff(self.secondary?))
    }
}

/// The domains (in codebook order) on which `a` and `b` differ by more than `tolerance`.
pub fn disagreements(book: &Codebook, a: &Coding, b: &Coding, tolerance: u8) -> Vec<DomainDiff> {
    book.domains
        .iter()
        .filter_map(|d| {
            let (x, y) = (a.scores.get(&d.key).copied(), b.scores.get(&d.key).copied());
            let differs = match (x, y) {
                (Some(x), Some(y)) => x.abs_diff(y) > tolerance,
                (None, None) => false,
                _ => true,
            };
            differs.then(|| DomainDiff { domain: d.key.clone(), primary: x, secondary: y })
        })
        .collect()
}

/// A double-coded recording to adjudicate: both submitted codings and where they differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub recording: String,
    pub duration_s: f64,
    /// The first coder in the assignment.
    pub primary: Coding,
    pub secondary: Coding,
    pub diffs: Vec<DomainDiff>,
    /// The adjudication saved earlier, if any.
    pub existing: Option<Adjudication>,
}

impl Case {
    pub fn diff(&self, domain: &str) -> Option<&DomainDiff> {
        self.diffs.iter().find(|d| d.domain == domain)
    }
}

/// Every recording needing adjudication, in the order of `recordings` (the study's order).
/// `adjudications` are those already saved (they are attached, never a reason to leave one out).
pub fn cases(
    book: &Codebook,
    recordings: &[Recording],
    assignments: &[Assignment],
    codings: &[Coding],
    adjudications: &[Adjudication],
    tolerance: u8,
) -> Vec<Case> {
    let submitted: BTreeMap<(&str, &str), &Coding> = codings
        .iter()
        .filter(|c| c.status == Status::Submitted)
        .map(|c| ((c.coder.as_str(), c.recording.as_str()), c))
        .collect();
    let mut out = Vec::new();
    for rec in recordings {
        let Some(a) = assignments.iter().find(|a| a.id == rec.id && a.double_coded) else {
            continue;
        };
        let [p, s, ..] = a.coders.as_slice() else { continue };
        let (Some(cp), Some(cs)) = (
            submitted.get(&(p.as_str(), rec.id.as_str())),
            submitted.get(&(s.as_str(), rec.id.as_str())),
        ) else {
            continue;
        };
        let diffs = disagreements(book, cp, cs, tolerance);
        if diffs.is_empty() {
            continue;
        }
        out.push(Case {
            recording: rec.id.clone(),
            duration_s: if rec.duration_s.is_finite() { rec.duration_s.max(0.0) } else { 0.0 },
            primary: (*cp).clone(),
            secondary: (*cs).clone(),
            diffs,
            existing: adjudications.iter().find(|x| x.recording == rec.id).cloned(),
        });
    }
    out
}

/// The supervisor's decision on one domain while it is being made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub score: Option<u8>,
    pub reason: String,
}

/// Why a set of drafts cannot be saved yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecisionProblem {
    #[error("nothing decided yet: choose a final score (1–5) on a domain in disagreement")]
    NothingDecided,
    #[error("{label}: a final score needs a reason (Enter to write one)")]
    MissingReason { domain: String, label: String },
    #[error("{label}: a reason is written but no final score chosen (1–5, or clear the reason)")]
    MissingScore { domain: String, label: String },
    #[error("{label}: the coders agree within tolerance, so there is nothing to adjudicate")]
    NotInDisagreement { domain: String, label: String },
    #[error("{label}: {score} is outside the scale {min}–{max}")]
    OutOfScale { domain: String, label: String, score: u8, min: u8, max: u8 },
}

/// The drafts of an earlier adjudication, to continue from it.
pub fn drafts_from(existing: Option<&Adjudication>) -> BTreeMap<String, Draft> {
    existing
        .map(|a| {
            a.decisions
                .iter()
                .map(|d| {
                    (
                        d.domain.clone(),
                        Draft { score: Some(d.final_score), reason: d.reason.clone() },
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The decisions being made, as autosaved to `supervisor/drafts/<recording>.toml`.
pub fn draft_file(
    recording: &str,
    supervisor: &str,
    drafts: &BTreeMap<String, Draft>,
) -> AdjudicationDraft {
    AdjudicationDraft {
        schema: SCHEMA,
        recording: recording.to_string(),
        supervisor: supervisor.to_string(),
        decisions: drafts
            .iter()
            .map(|(k, d)| DraftDecision {
                domain: k.clone(),
                final_score: d.score,
                reason: d.reason.clone(),
            })
            .collect(),
    }
}

/// The decisions of an autosaved draft, by domain.
pub fn drafts_from_file(file: &AdjudicationDraft) -> BTreeMap<String, Draft> {
    file.decisions
        .iter()
        .map(|d| (d.domain.clone(), Draft { score: d.final_score, reason: d.reason.clone() }))
        .collect()
}

/// The problems that stop `drafts` from being saved (empty = ready), in codebook order.
pub fn check(
    book: &Codebook,
    case: &Case,
    drafts: &BTreeMap<String, Draft>,
) -> Vec<DecisionProblem> {
    let mut problems = Vec::new();
    let label = |k: &str| book.domain(k).map_or_else(|| k.to_string(), |d| d.label.clone());
    let mut decided = 0;
    for (domain, d) in drafts {
        let reason = d.reason.trim();
        let (domain, label) = (domain.clone(), label(domain));
        match d.score {
            None if reason.is_empty() => continue,
            None => problems.push(DecisionProblem::MissingScore { domain, label }),
            Some(score) => {
                decided += 1;
                if case.diff(&domain).is_none() {
                    problems.push(DecisionProblem::NotInDisagreement { domain, label });
                } else if !(book.scale.min..=book.scale.max).contains(&score) {
                    let (min, max) = (book.scale.min, book.scale.max);
                    problems.push(DecisionProblem::OutOfScale { domain, label, score, min, max });
                } else if reason.is_empty() {
                    problems.push(DecisionProblem::MissingReason { domain, label });
                }
            }
        }
    }
    if decided == 0 && problems.is_empty() {
        problems.push(DecisionProblem::NothingDecided);
    }
    let order = |p: &DecisionProblem| match p {
        DecisionProblem::NothingDecided => usize::MAX,
        DecisionProblem::MissingReason { domain, .. }
        | DecisionProblem::MissingScore { domain, .. }
        | DecisionProblem::NotInDisagreement { domain, .. }
        | DecisionProblem::OutOfScale { domain, .. } => {
            book.domains.iter().position(|d| &d.key == domain).unwrap_or(usize::MAX)
        }
    };
    problems.sort_by_key(order);
    problems
}

/// The adjudication file for `drafts`, or what stops it. Decisions follow the codebook's domain
/// order and carry both coders' submitted scores; `decided_at` is the caller's clock (RFC 3339).
pub fn build(
    book: &Codebook,
    case: &Case,
    supervisor: &str,
    decided_at: &str,
    drafts: &BTreeMap<String, Draft>,
) -> Result<Adjudication, Vec<DecisionProblem>> {
    let problems = check(book, case, drafts);
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut decisions = Vec::new();
    for d in &book.domains {
        let Some(Draft { score: Some(score), reason }) = drafts.get(&d.key) else { continue };
        let mut coder_scores = BTreeMap::new();
        for c in [&case.primary, &case.secondary] {
            if let Some(s) = c.scores.get(&d.key) {
                coder_scores.insert(c.coder.clone(), *s);
            }
        }
        decisions.push(Decision {
            domain: d.key.clone(),
            final_score: *score,
            reason: reason.trim().to_string(),
            coder_scores,
        });
    }
    Ok(Adjudication {
        schema: SCHEMA,
        recording: case.recording.clone(),
        supervisor: supervisor.to_string(),
        decided_at: decided_at.to_string(),
        decisions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::{Domain, Scale};
    use crate::coding::CodebookRef;

    fn book() -> Codebook {
        Codebook {
            id: "b".into(),
            version: "1".into(),
            title: "t".into(),
            sha256: String::new(),
            scale: Scale { min: 1, max: 5 },
            tolerance: 1,
            domains: ["empathy", "evocation", "clarity"]
                .iter()
                .map(|k| Domain {
                    key: k.to_string(),
                    label: k.to_uppercase(),
                    group: "g".into(),
                    description: String::new(),
                    levels: vec![String::new(); 5],
                    requires_segment: None,
                })
                .collect(),
            segment_kinds: vec![],
            composites: vec![],
            items: Default::default(),
        }
    }

    fn coding(coder: &str, rec: &str, status: Status, scores: &[(&str, u8)]) -> Coding {
        Coding {
            checklist: Default::default(),
            classes: Default::default(),
            events: Vec::new(),
            schema: 1,
            recording: rec.into(),
            coder: coder.into(),
            codebook: CodebookRef { id: "b".into(), version: "1".into(), sha256: String::new() },
            audio_sha256: String::new(),
            status,
            created_at: String::new(),
            updated_at: String::new(),
            submitted_at: None,
            resume_s: 0.0,
            listened: vec![],
            scores: scores.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            rationales: BTreeMap::new(),
            segments: vec![],
            notes: vec![],
        }
    }

    fn rec(id: &str) -> Recording {
        Recording {
            id: id.into(),
            file: "x.wav".into(),
            sha256: String::new(),
            duration_s: 60.0,
            instrument: None,
        }
    }

    fn assign(id: &str, double: bool) -> Assignment {
        Assignment {
            id: id.into(),
            coders: vec!["a".into(), "b".into()],
            double_coded: double,
            window: None,
        }
    }

    #[test]
    fn disagreement_needs_more_than_tolerance_or_one_sided_score() {
        let a = coding("a", "R1", Status::Submitted, &[("empathy", 2), ("evocation", 3)]);
        let b = coding("b", "R1", Status::Submitted, &[("empathy", 3), ("clarity", 4)]);
        let d = disagreements(&book(), &a, &b, 1);
        let keys: Vec<&str> = d.iter().map(|x| x.domain.as_str()).collect();
        assert_eq!(keys, ["evocation", "clarity"]);
        let b2 = coding("b", "R1", Status::Submitted, &[("empathy", 4), ("evocation", 3)]);
        let d = disagreements(&book(), &a, &b2, 1);
        assert_eq!(
            d,
            vec![DomainDiff { domain: "empathy".into(), primary: Some(2), secondary: Some(4) }]
        );
        assert_eq!(d[0].difference(), Some(2));
        assert!(disagreements(&book(), &a, &b2, 2).is_empty());
    }

    #[test]
    fn cases_only_for_complete_double_coded_disagreements() {
        let recs = [rec("R1"), rec("R2"), rec("R3"), rec("R4")];
        let assigns =
            [assign("R1", true), assign("R2", true), assign("R3", false), assign("R4", true)];
        let codings = vec![
            coding("a", "R1", Status::Submitted, &[("empathy", 1)]),
            coding("b", "R1", Status::Submitted, &[("empathy", 4)]),
            // R2: agree within tolerance.
            coding("a", "R2", Status::Submitted, &[("empathy", 3)]),
            coding("b", "R2", Status::Submitted, &[("empathy", 4)]),
            // R3: single-coded.
            coding("a", "R3", Status::Submitted, &[("empathy", 1)]),
            coding("b", "R3", Status::Submitted, &[("empathy", 5)]),
            // R4: one still in progress.
            coding("a", "R4", Status::Submitted, &[("empathy", 1)]),
            coding("b", "R4", Status::InProgress, &[("empathy", 5)]),
        ];
        let c = cases(&book(), &recs, &assigns, &codings, &[], 1);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].recording, "R1");
        assert_eq!(c[0].primary.coder, "a");
        assert!(c[0].existing.is_none());
    }

    #[test]
    fn build_requires_reasons_and_records_coder_scores() {
        let b = book();
        let case = Case {
            recording: "R1".into(),
            duration_s: 60.0,
            primary: coding("a", "R1", Status::Submitted, &[("empathy", 1), ("evocation", 2)]),
            secondary: coding("b", "R1", Status::Submitted, &[("empathy", 4)]),
            diffs: vec![
                DomainDiff { domain: "empathy".into(), primary: Some(1), secondary: Some(4) },
                DomainDiff { domain: "evocation".into(), primary: Some(2), secondary: None },
            ],
            existing: None,
        };
        let mut drafts = BTreeMap::new();
        assert_eq!(check(&b, &case, &drafts), vec![DecisionProblem::NothingDecided]);
        drafts.insert("empathy".to_string(), Draft { score: Some(3), reason: "  ".into() });
        assert!(matches!(
            build(&b, &case, "sup", "t", &drafts).unwrap_err().as_slice(),
            [DecisionProblem::MissingReason { .. }]
        ));
        drafts.insert("clarity".to_string(), Draft { score: Some(3), reason: "x".into() });
        assert_eq!(check(&b, &case, &drafts).len(), 2);
        drafts.remove("clarity");
        drafts.insert(
            "empathy".to_string(),
            Draft { score: Some(3), reason: " Heard it twice ".into() },
        );
        let adj = build(&b, &case, "sup", "2026-01-01T00:00:00Z", &drafts).unwrap();
        assert_eq!(adj.decisions.len(), 1);
        let d = &adj.decisions[0];
        assert_eq!(
            (d.domain.as_str(), d.final_score, d.reason.as_str()),
            ("empathy", 3, "Heard it twice")
        );
        assert_eq!(d.coder_scores.get("a"), Some(&1));
        assert_eq!(d.coder_scores.get("b"), Some(&4));
        assert_eq!(drafts_from(Some(&adj)).get("empathy").and_then(|d| d.score), Some(3));
    }
}
