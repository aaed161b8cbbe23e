//! The reliability report: every number a renderer shows, already computed. Undefined statistics
//! are [`Stat`] errors that carry their reason.
use crate::stats::Stat;
use crate::stats::alpha::AlphaBoot;
use crate::stats::bands::{Band, Verdict};
use crate::stats::bland_altman::BlandAltman;
use crate::stats::gwet::Coefficient;
use crate::stats::icc::Icc;

/// What a measure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureKind {
    /// One codebook domain (a category score on the scale).
    Domain,
    /// The mean of several domains.
    Composite,
    /// The share of the session in behaviour-change talk, in percent.
    BcShare,
}

impl MeasureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureKind::Domain => "domain",
            MeasureKind::Composite => "composite",
            MeasureKind::BcShare => "bc_share",
        }
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Where the ratings came from ("study Example study", "ratings.csv").
    pub source: String,
    /// The agreement criterion in scale points.
    pub tolerance: f64,
    pub scale: (i64, i64),
    /// Recordings meant to be double-coded (study) or rated more than once (CSV).
    pub double_coded: usize,
    /// Of those, recordings with at least two submitted codings: the ones analysed.
    pub complete: usize,
    pub average_measures: bool,
    /// Bootstrap resamples of alpha and the seed that makes them reproducible.
    pub resamples: usize,
    pub seed: u64,
    pub measures: Vec<MeasureReport>,
    pub pairs: Vec<PairReport>,
    pub coders: Vec<CoderReport>,
    pub bins: Option<BinsReport>,
    /// Things the reader should know (e.g. the behaviour-change tolerance).
    pub notes: Vec<String>,
    /// A study instrument's checklist items, classifications, counts, summaries and count timing
    /// (none for a schema-1 codebook or a ratings CSV).
    pub items: Option<super::items::ItemsReport>,
}

/// One ICC form's result.
#[derive(Debug, Clone, PartialEq)]
pub struct IccResult {
    /// "ICC(1,1)", "ICC(2,k)", …
    pub form: &'static str,
    pub stat: Stat<Icc>,
    /// The band of the point and the CI's bounds, or "too uncertain to judge" (Koo & Li 2016).
    pub verdict: Option<Verdict>,
}

impl IccResult {
    pub fn new(form: &'static str, stat: Stat<Icc>, n: usize) -> Self {
        let verdict =
            stat.as_ref().ok().map(|i| Verdict::of(i.value, i.ci95.as_ref().ok().copied(), n));
        IccResult { form, stat, verdict }
    }

    pub fn band(&self) -> Option<Band> {
        self.stat.as_ref().ok().map(|i| Band::of(i.value))
    }
}

/// How the two ratings of a recording are paired for kappa, AC1/AC2's table and Bland–Altman.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pairing {
    /// The same two coders rated every recording (crossed): paired by coder, `a` first.
    Coders { a: String, b: String },
    /// Different coders on different recordings: primary slot first, secondary second.
    Slots,
}

impl Pairing {
    pub fn as_str(&self) -> &'static str {
        match self {
            Pairing::Coders { .. } => "coder",
            Pairing::Slots => "slot",
        }
    }

    /// "ann vs ben (the same two coders on every recording)" or "primary vs secondary slot".
    pub fn describe(&self) -> String {
        match self {
            Pairing::Coders { a, b } => format!("{a} vs {b} (same two coders throughout)"),
            Pairing::Slots => "primary vs secondary coder (different coders)".to_string(),
        }
    }

    /// The first and second rater's names for labels.
    pub fn names(&self) -> (String, String) {
        match self {
            Pairing::Coders { a, b } => (a.clone(), b.clone()),
            Pairing::Slots => ("primary".to_string(), "secondary".to_string()),
        }
    }
}

/// Cohen's kappa over the full scale, three weightings.
#[derive(Debug, Clone, PartialEq)]
pub struct Kappas {
    pub unweighted: Stat,
    pub linear: Stat,
    pub quadratic: Stat,
}

/// Gwet's AC1 and AC2 (linear, quadratic weights) over the full scale.
#[derive(Debug, Clone, PartialEq)]
pub struct Gwets {
    pub ac1: Stat<Coefficient>,
    pub ac2_linear: Stat<Coefficient>,
    pub ac2_quadratic: Stat<Coefficient>,
}

/// The statistics of one measure (a domain, a composite, the behaviour-change share).
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureReport {
    pub key: String,
    pub label: String,
    pub kind: MeasureKind,
    /// Within-tolerance criterion for this measure (scale points; percentage points for the share).
    pub tolerance: f64,
    /// Recordings with every rating present.
    pub n: usize,
    pub exact: Stat,
    pub within: Stat,
    /// Recordings whose ratings differ by more than the tolerance.
    pub outside: Vec<String>,
    /// Recordings and ratings per recording the ICCs were computed from.
    pub icc_n: usize,
    pub icc_k: usize,
    /// Recordings with two or more ratings but not k of them, so left out of the ICCs.
    pub icc_dropped: usize,
    /// ICC(1,1), ICC(2,1), ICC(3,1), then (on request) ICC(1,k), ICC(2,k), ICC(3,k).
    pub iccs: Vec<IccResult>,
    /// How the two ratings are paired (kappa, the confusion matrix, Bland–Altman).
    pub pairing: Pairing,
    /// (recording, first, second) for recordings with both ratings, by `pairing`.
    pub paired: Vec<(String, f64, f64)>,
    /// Category scale of kappa and AC1/AC2; `None` for composites and the share.
    pub categories: Option<(i64, i64)>,
    /// Cohen's kappa over the full scale (category measures only).
    pub kappa: Kappas,
    pub gwet: Gwets,
    pub alpha_ordinal: Stat,
    pub alpha_interval: Stat,
    pub alpha_ordinal_boot: Stat<AlphaBoot>,
    pub alpha_interval_boot: Stat<AlphaBoot>,
    /// Bias (first − second) and limits of agreement.
    pub bland_altman: Stat<BlandAltman>,
}

impl MeasureReport {
    pub fn icc(&self, form: &str) -> Option<&IccResult> {
        self.iccs.iter().find(|i| i.form == form)
    }
}

/// Agreement of one pair of coders over every domain score they both gave.
#[derive(Debug, Clone, PartialEq)]
pub struct PairReport {
    pub a: String,
    pub b: String,
    /// Recordings they both coded.
    pub recordings: usize,
    /// Domain comparisons (recording × domain with both scores).
    pub n: usize,
    pub within: Stat,
    /// Mean of (a − b).
    pub mean_diff: Stat,
}

/// One coder against whoever else coded the same recordings.
#[derive(Debug, Clone, PartialEq)]
pub struct CoderReport {
    pub coder: String,
    pub recordings: usize,
    pub n: usize,
    pub within: Stat,
    /// Mean of (this coder − the other coder): positive = scores higher.
    pub mean_diff: Stat,
}

/// Time-unit agreement on behaviour-change segments: 1-second bins pooled over recordings.
#[derive(Debug, Clone, PartialEq)]
pub struct BinsReport {
    pub recordings: usize,
    pub bins: usize,
    /// % of bins where both coders agree (both in or both out of a segment).
    pub agreement: Stat,
    /// Cohen's kappa over the bins (two categories).
    pub kappa: Stat,
}
