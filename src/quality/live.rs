//! A coder against the final scores of adjudicated double-coded live recordings (issue #13,
//! `tapecoder feedback`), as pure functions. The final score of a domain is the adjudicated one
//! where the supervisor decided it, else the primary coder's (the study's `adjudicated` rule), so
//! for the primary coder the domains nobody disputed agree by construction. The other coder is
//! never named: their rationale is "the other coder's".
use std::collections::BTreeMap;

use serde::Serialize;

use crate::codebook::Codebook;
use crate::coding::Coding;
use crate::study::model::Adjudication;

/// One double-coded, adjudicated recording the coder coded: their coding, the other coder's, and
/// the adjudication; `primary` says whose scores stand where nothing was decided.
pub struct LiveCase<'a> {
    pub mine: &'a Coding,
    pub other: &'a Coding,
    pub adjudication: &'a Adjudication,
    pub i_am_primary: bool,
}

/// Agreement on one domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveDomain {
    pub domain: String,
    /// Recordings where both the coder and the final scored it.
    pub n: usize,
    pub exact: usize,
    pub within: usize,
    /// Mean signed deviation (coder − final).
    pub bias: Option<f64>,
}

/// One of the largest disagreements.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    pub recording: String,
    pub domain: String,
    pub yours: u8,
    #[serde(rename = "final")]
    pub final_score: u8,
    pub deviation: i16,
    pub your_rationale: String,
    pub other_rationale: String,
    /// The supervisor's reason, when the domain was adjudicated.
    pub adjudication_reason: Option<String>,
    pub your_descriptor: String,
    pub final_descriptor: String,
    /// Your segments of the tagged kind on that recording, `[start_s, end_s]`.
    pub segments: Vec<[f64; 2]>,
}

/// Everything `feedback` shows about live work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveFeedback {
    pub recordings: usize,
    pub tolerance: u8,
    pub domains: Vec<LiveDomain>,
    /// `confusion[i][j]`: how often the coder gave level `min + i` where the final is `min + j`.
    pub confusion: Vec<Vec<usize>>,
    pub levels: Vec<u8>,
    pub largest: Vec<Disagreement>,
}

/// The final score of `domain` for a case (see the module docs).
fn final_of(c: &LiveCase, domain: &str) -> Option<u8> {
    if let Some(d) = c.adjudication.decisions.iter().find(|d| d.domain == domain) {
        return Some(d.final_score);
    }
    let primary = if c.i_am_primary { c.mine } else { c.other };
    primary.scores.get(domain).copied()
}

/// The coder's agreement with the final scores over `cases`; the `largest` few disagreements
/// first by size, then recording and codebook order.
pub fn live(book: &Codebook, cases: &[LiveCase], tolerance: u8, largest: usize) -> LiveFeedback {
    let levels: Vec<u8> = book.levels().collect();
    let k = levels.len();
    let mut confusion = vec![vec![0usize; k]; k];
    let mut per: BTreeMap<&str, Vec<i16>> = BTreeMap::new();
    let mut all = Vec::new();
    let kind = book.tagged_kind().map_or(crate::coding::BEHAVIOUR_CHANGE, |x| x.key.as_str());
    for c in cases {
        for d in &book.domains {
            let (Some(y), Some(f)) = (c.mine.scores.get(&d.key).copied(), final_of(c, &d.key))
            else {
                continue;
            };
            let dev = i16::from(y) - i16::from(f);
            per.entry(d.key.as_str()).or_default().push(dev);
            let (i, j) = (y.saturating_sub(book.scale.min), f.saturating_sub(book.scale.min));
            if let Some(cell) =
                confusion.get_mut(usize::from(i)).and_then(|r| r.get_mut(usize::from(j)))
            {
                *cell += 1;
            }
            if dev != 0 {
                let reason = c.adjudication.decisions.iter().find(|x| x.domain == d.key);
                all.push(Disagreement {
                    recording: c.mine.recording.clone(),
                    domain: d.key.clone(),
                    yours: y,
                    final_score: f,
                    deviation: dev,
                    your_rationale: c.mine.rationales.get(&d.key).cloned().unwrap_or_default(),
                    other_rationale: c.other.rationales.get(&d.key).cloned().unwrap_or_default(),
                    adjudication_reason: reason.map(|r| r.reason.clone()),
                    your_descriptor: book.descriptor(&d.key, y).unwrap_or_default().to_string(),
                    final_descriptor: book.descriptor(&d.key, f).unwrap_or_default().to_string(),
                    segments: c
                        .mine
                        .segments
                        .iter()
                        .filter(|s| s.kind == kind)
                        .map(|s| [s.start_s, s.end_s])
                        .collect(),
                });
            }
        }
    }
    let order = |k: &str| book.domains.iter().position(|d| d.key == k).unwrap_or(usize::MAX);
    all.sort_by(|a, b| {
        b.deviation
            .unsigned_abs()
            .cmp(&a.deviation.unsigned_abs())
            .then_with(|| a.recording.cmp(&b.recording))
            .then_with(|| order(&a.domain).cmp(&order(&b.domain)))
    });
    all.truncate(largest);
    let domains = book
        .domains
        .iter()
        .map(|d| {
            let devs = per.get(d.key.as_str()).cloned().unwrap_or_default();
            LiveDomain {
                domain: d.key.clone(),
                n: devs.len(),
                exact: devs.iter().filter(|x| **x == 0).count(),
                within: devs.iter().filter(|x| x.unsigned_abs() <= u16::from(tolerance)).count(),
                bias: (!devs.is_empty())
                    .then(|| devs.iter().map(|x| f64::from(*x)).sum::<f64>() / devs.len() as f64),
            }
        })
        .collect();
    LiveFeedback { recordings: cases.len(), tolerance, domains, confusion, levels, largest: all }
}
