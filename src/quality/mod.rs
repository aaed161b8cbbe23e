//! Coder quality against gold (issue #13), as pure functions: how one training coding compares
//! with its gold coding, and whether a coder passes a calibration set. No I/O: the commands and
//! screens read the codings and the gold and hand them in.
//!
//! The pass rule (a calibration set's `within`, `share` and `max_bias`):
//! - every domain the gold scored is compared, except a domain that needs a segment kind (evocation
//!   needs behaviour-change talk) where the gold tagged none: there it is not applicable and not
//!   compared, whatever the coder did. A domain the gold left unscored is not compared either;
//! - a compared score is *within* when the coder's level differs from gold by at most `within`; a
//!   compared domain the coder left unscored (or not applicable) counts as compared and not within;
//! - the coder passes when the share of compared scores within is at least `share` and, for every
//!   domain, the mean signed deviation (coder − gold, over the recordings where both scored) is at
//!   most `max_bias` in absolute value. Thresholds are inclusive (a share of exactly 0.8 passes
//!   0.8). A set with no compared score at all does not certify.
use serde::Serialize;

use crate::codebook::{Codebook, Domain};
use crate::coding::Coding;

/// Slack for comparing a share or a mean with its threshold (0.8 computed as 4/5 must pass 0.8).
const EPS: f64 = 1e-9;

/// A calibration set's pass rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PassRule {
    /// Largest |coder − gold| that counts as agreeing.
    pub within: u8,
    /// Smallest share (0..=1) of compared scores within tolerance.
    pub share: f64,
    /// Largest |mean signed deviation| allowed on any one domain.
    pub max_bias: f64,
}

impl Default for PassRule {
    fn default() -> Self {
        Self { within: 1, share: 0.8, max_bias: 0.5 }
    }
}

/// One domain of one recording, coder against gold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainCompare {
    pub domain: String,
    pub coder: Option<u8>,
    pub gold: Option<u8>,
    /// Whether this domain counts in the pass rule (see the module docs).
    pub compared: bool,
    pub within: bool,
    /// coder − gold, when both scored.
    pub deviation: Option<i16>,
    /// Why it is not compared, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_compared: Option<&'static str>,
}

/// Behaviour-change (or any kind's) segments, coder against gold, in seconds of the session.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SegmentCompare {
    /// Seconds both tagged.
    pub matched_s: f64,
    /// Seconds gold tagged and the coder did not.
    pub missed_s: f64,
    /// Seconds the coder tagged and gold did not.
    pub extra_s: f64,
    /// Share of the session each tagged.
    pub coder_share: f64,
    pub gold_share: f64,
}

/// One training recording's comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordingCompare {
    pub recording: String,
    pub domains: Vec<DomainCompare>,
    pub segments: SegmentCompare,
}

impl RecordingCompare {
    pub fn compared(&self) -> usize {
        self.domains.iter().filter(|d| d.compared).count()
    }
    pub fn within(&self) -> usize {
        self.domains.iter().filter(|d| d.compared && d.within).count()
    }
}

/// One domain of `coder` against `gold`: compared unless gold left it unscored or it needs a
/// segment kind gold did not tag; within when compared and at most `within` points from gold.
/// (The drift probes compare by the same rule: [`crate::drift`].)
pub fn compare_domain(d: &Domain, coder: &Coding, gold: &Coding, within: u8) -> DomainCompare {
    let c = coder.scores.get(&d.key).copied();
    let g = gold.scores.get(&d.key).copied();
    let gold_segment =
        d.requires_segment.as_deref().is_none_or(|k| gold.segments.iter().any(|s| s.kind == k));
    let not_compared = if g.is_none() {
        Some("gold left it unscored")
    } else if !gold_segment {
        Some("not applicable: gold tagged no segment it needs")
    } else {
        None
    };
    let deviation = c.zip(g).map(|(c, g)| i16::from(c) - i16::from(g));
    DomainCompare {
        domain: d.key.clone(),
        coder: c,
        gold: g,
        compared: not_compared.is_none(),
        within: not_compared.is_none()
            && deviation.is_some_and(|x| x.unsigned_abs() <= u16::from(within)),
        deviation,
        not_compared,
    }
}

/// `coder` against `gold` (a gold coding as a coding, see
/// [`crate::study::gold::GoldCoding::as_coding`]) on a recording of `duration_s` seconds.
pub fn compare(
    book: &Codebook,
    coder: &Coding,
    gold: &Coding,
    duration_s: f64,
    within: u8,
) -> RecordingCompare {
    let domains = book.domains.iter().map(|d| compare_domain(d, coder, gold, within)).collect();
    let kind = book.tagged_kind().map_or(crate::coding::BEHAVIOUR_CHANGE, |k| k.key.as_str());
    RecordingCompare {
        recording: gold.recording.clone(),
        domains,
        segments: segments(coder, gold, kind, duration_s),
    }
}

/// Segments of `kind`, coder against gold, clipped to the session.
pub fn segments(coder: &Coding, gold: &Coding, kind: &str, duration_s: f64) -> SegmentCompare {
    let d = if duration_s.is_finite() && duration_s > 0.0 { duration_s } else { 0.0 };
    let of = |c: &Coding| {
        union(c.segments.iter().filter(|s| s.kind == kind).map(|s| (s.start_s, s.end_s)), d)
    };
    let (a, b) = (of(coder), of(gold));
    // `+ 0.0`: an empty sum is -0.0, which would print as "-0.0 s".
    let total = |v: &[(f64, f64)]| v.iter().map(|(s, e)| e - s).sum::<f64>() + 0.0;
    let matched = intersection(&a, &b);
    let (ca, gb) = (total(&a), total(&b));
    let share = |x: f64| if d > 0.0 { (x / d).clamp(0.0, 1.0) } else { 0.0 };
    SegmentCompare {
        matched_s: matched,
        missed_s: (gb - matched).max(0.0),
        extra_s: (ca - matched).max(0.0),
        coder_share: share(ca),
        gold_share: share(gb),
    }
}

/// Sorted disjoint union of intervals, clipped to `0..=end`.
fn union(it: impl Iterator<Item = (f64, f64)>, end: f64) -> Vec<(f64, f64)> {
    let mut v: Vec<(f64, f64)> =
        it.map(|(s, e)| (s.clamp(0.0, end), e.clamp(0.0, end))).filter(|(s, e)| e > s).collect();
    v.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn intersection(a: &[(f64, f64)], b: &[(f64, f64)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        let lo = x.0.max(y.0);
        let hi = x.1.min(y.1);
        if hi > lo {
            sum += hi - lo;
        }
        if x.1 < y.1 { i += 1 } else { j += 1 }
    }
    sum
}

/// A coder's standing on a calibration set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Certified,
    NotCertified,
    /// Not every recording of the set is submitted yet.
    Pending,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Certified => "certified",
            Self::NotCertified => "not certified",
            Self::Pending => "pending",
        }
    }
}

/// One domain over the whole set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainSummary {
    pub domain: String,
    pub compared: usize,
    pub within: usize,
    /// Mean signed deviation (coder − gold) over the recordings where both scored.
    pub bias: Option<f64>,
}

/// The pass rule applied to a set's comparisons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Certification {
    pub standing: Standing,
    /// Why (one line per failed condition, or what is still to do); empty when certified.
    pub reasons: Vec<String>,
    pub compared: usize,
    pub within: usize,
    /// within / compared (0 when nothing was compared).
    pub share: f64,
    pub domains: Vec<DomainSummary>,
    /// Recordings of the set submitted / in the set.
    pub submitted: usize,
    pub total: usize,
}

/// The pass rule on `done` (the comparisons of the set's submitted recordings), `total` being
/// the set's size. `label` names a domain in reasons.
pub fn certify(
    book: &Codebook,
    rule: &PassRule,
    done: &[RecordingCompare],
    total: usize,
) -> Certification {
    let domains: Vec<DomainSummary> = book
        .domains
        .iter()
        .map(|d| {
            let all: Vec<&DomainCompare> = done
                .iter()
                .flat_map(|r| r.domains.iter())
                .filter(|x| x.domain == d.key && x.compared)
                .collect();
            let devs: Vec<f64> = all.iter().filter_map(|x| x.deviation).map(f64::from).collect();
            DomainSummary {
                domain: d.key.clone(),
                compared: all.len(),
                within: all.iter().filter(|x| x.within).count(),
                bias: (!devs.is_empty()).then(|| devs.iter().sum::<f64>() / devs.len() as f64),
            }
        })
        .collect();
    let compared: usize = domains.iter().map(|d| d.compared).sum();
    let within: usize = domains.iter().map(|d| d.within).sum();
    let share = if compared == 0 { 0.0 } else { within as f64 / compared as f64 };
    let label = |k: &str| book.domain(k).map_or_else(|| k.to_string(), |d| d.label.clone());
    let mut reasons = Vec::new();
    let standing = if done.len() < total {
        reasons.push(format!("{} of {total} training recordings submitted", done.len()));
        Standing::Pending
    } else {
        if compared == 0 {
            reasons.push("no score could be compared with gold".to_string());
        } else if share + EPS < rule.share {
            reasons.push(format!(
                "{within} of {compared} scores ({:.0}%) within ±{} of gold; {:.0}% needed",
                share * 100.0,
                rule.within,
                rule.share * 100.0
            ));
        }
        for d in &domains {
            if let Some(b) = d.bias
                && b.abs() > rule.max_bias + EPS
            {
                reasons.push(format!(
                    "{}: mean deviation {b:+.2} from gold; at most ±{:.2} allowed",
                    label(&d.domain),
                    rule.max_bias
                ));
            }
        }
        if reasons.is_empty() { Standing::Certified } else { Standing::NotCertified }
    };
    Certification {
        standing,
        reasons,
        compared,
        within,
        share,
        domains,
        submitted: done.len(),
        total,
    }
}

#[cfg(test)]
mod tests;

pub mod live;
