//! Computes the report from gathered ratings: numbers only, no I/O.
use std::collections::{BTreeMap, HashSet};

use crate::stats::agreement::agree;
use crate::stats::alpha::{Metric, alpha_and_bootstrap};
use crate::stats::bland_altman::bland_altman;
use crate::stats::gwet::gwet;
use crate::stats::icc::{Model, Unit, icc, mean_squares};
use crate::stats::kappa::{Weights, kappa_from_table, weighted_kappa};
use crate::stats::{Stat, Undefined};

use super::input::{MeasureRatings, Ratings, RecordingBins};
use super::model::{
    BinsReport, CoderReport, Gwets, IccResult, Kappas, MeasureKind, MeasureReport, PairReport,
    Pairing, Report,
};

/// Default bootstrap resamples of alpha (Hayes & Krippendorff suggest at least 1,000).
pub const RESAMPLES: usize = 2000;
/// Default bootstrap seed: the same data give the same intervals on every run.
pub const SEED: u64 = 20070101;

/// What to compute beyond the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Add ICC(1,k), ICC(2,k) and ICC(3,k).
    pub average_measures: bool,
    pub resamples: usize,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { average_measures: false, resamples: RESAMPLES, seed: SEED }
    }
}

/// Builds the report; `average_measures` adds ICC(1,k), ICC(2,k) and ICC(3,k).
pub fn build(r: &Ratings, average_measures: bool) -> Report {
    build_with(r, &Options { average_measures, ..Options::default() })
}

/// Builds the report with explicit options.
pub fn build_with(r: &Ratings, opt: &Options) -> Report {
    // The costliest first (a bootstrap's cost grows with the distinct values: the share has
    // thousands, a domain five), so no core is left idle while one finishes the share at the end.
    let mut order: Vec<(usize, &MeasureRatings)> = r.measures.iter().enumerate().collect();
    order.sort_by_cached_key(|(_, m)| std::cmp::Reverse(distinct_values(m)));
    // The tallies over all measures beside them.
    let (mut done, (complete, (pairs, coders))) = std::thread::scope(|s| {
        let tallies = s.spawn(|| (complete_recordings(r), pairs_and_coders(r)));
        let done: Vec<(usize, MeasureReport)> =
            crate::par::map(&order, |&(i, m)| (i, measure(m, opt)));
        (done, tallies.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    });
    done.sort_by_key(|(i, _)| *i);
    let measures: Vec<MeasureReport> = done.into_iter().map(|(_, m)| m).collect();
    let mut notes = r.notes.clone();
    for m in &measures {
        if m.icc_dropped > 0 {
            notes.push(format!(
                "{}: the ICCs use the {} recordings with {} ratings each; {} recording(s) with another number of ratings are left out of them.",
                m.label, m.icc_n, m.icc_k, m.icc_dropped
            ));
        }
    }
    Report {
        source: r.source.clone(),
        tolerance: r.tolerance,
        scale: r.scale,
        double_coded: r.double_coded,
        complete,
        average_measures: opt.average_measures,
        resamples: opt.resamples,
        seed: opt.seed,
        measures,
        pairs,
        coders,
        bins: r.bins.as_ref().map(|b| bins(b)),
        notes,
        items: r.items.clone(),
    }
}

/// How many recordings have two or more ratings of some measure.
fn complete_recordings(r: &Ratings) -> usize {
    let complete: HashSet<&str> = r
        .measures
        .iter()
        .flat_map(|m| m.recordings.iter())
        .filter(|rec| rec.ratings.iter().filter(|(_, v)| v.is_some()).count() >= 2)
        .map(|rec| rec.recording.as_str())
        .collect();
    complete.len()
}

/// How many distinct values a measure's ratings take.
fn distinct_values(m: &MeasureRatings) -> usize {
    let mut v: Vec<u64> = m
        .recordings
        .iter()
        .flat_map(|r| r.ratings.iter().filter_map(|(_, v)| v.map(f64::to_bits)))
        .collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}

/// Rounds to one decimal, the precision the share is reported in: "exact" for the share means
/// equal there (every other statistic uses the unrounded share).
fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn measure(m: &MeasureRatings, opt: &Options) -> MeasureReport {
    let subjects: Vec<Vec<Option<f64>>> =
        m.recordings.iter().map(|r| r.ratings.iter().map(|(_, v)| *v).collect()).collect();
    let within = agree(&subjects, m.tolerance);
    let exact = if m.kind == MeasureKind::BcShare {
        let rounded: Vec<Vec<Option<f64>>> =
            subjects.iter().map(|s| s.iter().map(|v| v.map(round1)).collect()).collect();
        agree(&rounded, 0.0)
    } else {
        agree(&subjects, 0.0)
    };
    let outside = within
        .outside
        .iter()
        .filter_map(|&i| m.recordings.get(i).map(|r| r.recording.clone()))
        .collect();
    let icc = iccs(m, opt.average_measures);
    let (pairing, paired) = pairing(m);
    let (kappa, gwet) = categorical(m, &subjects, &paired);
    let numbers: Vec<(f64, f64)> = paired.iter().map(|(_, a, b)| (*a, *b)).collect();
    let (alpha_ordinal, alpha_ordinal_boot) =
        alpha_and_bootstrap(&subjects, Metric::Ordinal, opt.resamples, opt.seed);
    let (alpha_interval, alpha_interval_boot) =
        alpha_and_bootstrap(&subjects, Metric::Interval, opt.resamples, opt.seed);
    MeasureReport {
        key: m.key.clone(),
        label: m.label.clone(),
        kind: m.kind,
        tolerance: m.tolerance,
        n: within.n,
        exact: exact.percent,
        within: within.percent,
        outside,
        icc_n: icc.n,
        icc_dropped: icc.dropped,
        icc_k: icc.k,
        iccs: icc.results,
        pairing,
        paired,
        categories: m.categories,
        kappa,
        gwet,
        alpha_ordinal,
        alpha_interval,
        alpha_ordinal_boot,
        alpha_interval_boot,
        bland_altman: bland_altman(&numbers),
    }
}

/// The ICC forms of a measure and the rows they came from.
struct Iccs {
    n: usize,
    k: usize,
    dropped: usize,
    results: Vec<IccResult>,
}

fn iccs(m: &MeasureRatings, average: bool) -> Iccs {
    // ICC rows: recordings with the most common number k (≥ 2) of present ratings.
    let present: Vec<Vec<(&str, f64)>> = m
        .recordings
        .iter()
        .map(|r| r.ratings.iter().filter_map(|(c, v)| v.map(|v| (c.as_str(), v))).collect())
        .collect();
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for p in present.iter().filter(|p| p.len() >= 2) {
        *counts.entry(p.len()).or_default() += 1;
    }
    let k = counts.iter().max_by_key(|&(len, n)| (*n, *len)).map_or(2, |(len, _)| *len);
    let rows: Vec<&Vec<(&str, f64)>> = present.iter().filter(|p| p.len() == k).collect();
    let slot_rows: Vec<Vec<f64>> =
        rows.iter().map(|r| r.iter().map(|(_, v)| *v).collect()).collect();
    let n = slot_rows.len();
    let ms = mean_squares(&slot_rows);
    let one_way = |unit| ms.clone().and_then(|ms| icc(&ms, Model::OneWay, unit));
    // Two-way forms need the same coders on every recording (fully crossed).
    fn coder_set<'a>(r: &[(&'a str, f64)]) -> Vec<&'a str> {
        let mut c: Vec<&str> = r.iter().map(|(c, _)| *c).collect();
        c.sort_unstable();
        c
    }
    let first_set = rows.first().map(|r| coder_set(r));
    let crossed: Stat<Vec<Vec<f64>>> = match &first_set {
        None => Err(Undefined::new("needs at least 2 recordings with every rating (n = 0)")),
        Some(first) if rows.iter().all(|r| coder_set(r) == *first) => Ok(rows
            .iter()
            .map(|r| {
                let mut r = (*r).clone();
                r.sort_by(|a, b| a.0.cmp(b.0));
                r.into_iter().map(|(_, v)| v).collect()
            })
            .collect()),
        Some(_) => Err(Undefined::new(
            "different coders rated different recordings (not fully crossed): use ICC(1,1)",
        )),
    };
    let two_way = |model, unit| {
        crossed.clone().and_then(|rows| mean_squares(&rows)).and_then(|ms| icc(&ms, model, unit))
    };
    let mut results = vec![
        IccResult::new("ICC(1,1)", one_way(Unit::Single), n),
        IccResult::new("ICC(2,1)", two_way(Model::Absolute, Unit::Single), n),
        IccResult::new("ICC(3,1)", two_way(Model::Consistency, Unit::Single), n),
    ];
    if average {
        results.push(IccResult::new("ICC(1,k)", one_way(Unit::Average), n));
        results.push(IccResult::new("ICC(2,k)", two_way(Model::Absolute, Unit::Average), n));
        results.push(IccResult::new("ICC(3,k)", two_way(Model::Consistency, Unit::Average), n));
    }
    let dropped = present.iter().filter(|p| p.len() >= 2 && p.len() != k).count();
    Iccs { n, k, dropped, results }
}

/// A recording with both of its first two ratings: (recording, (coder, value), (coder, value)).
type Both<'a> = (&'a str, (&'a str, f64), (&'a str, f64));

/// The recordings with both of the first two ratings, paired by coder when the same two coders
/// rated every one of them (a crossed design: `assign` alternates who is primary), else by slot.
fn pairing(m: &MeasureRatings) -> (Pairing, Vec<(String, f64, f64)>) {
    let both: Vec<Both> = m
        .recordings
        .iter()
        .filter_map(|r| match (r.ratings.first(), r.ratings.get(1)) {
            (Some((ca, Some(a))), Some((cb, Some(b)))) => {
                Some((r.recording.as_str(), (ca.as_str(), *a), (cb.as_str(), *b)))
            }
            _ => None,
        })
        .collect();
    fn pair_of<'a>(x: &Both<'a>) -> (&'a str, &'a str) {
        if x.1.0 <= x.2.0 { (x.1.0, x.2.0) } else { (x.2.0, x.1.0) }
    }
    let crossed = both
        .first()
        .map(pair_of)
        .filter(|first| first.0 != first.1 && both.iter().all(|x| pair_of(x) == *first));
    match crossed {
        Some((a, b)) => {
            let paired = both
                .iter()
                .map(|(rec, x, y)| {
                    let (first, second) = if x.0 == a { (x.1, y.1) } else { (y.1, x.1) };
                    (rec.to_string(), first, second)
                })
                .collect();
            (Pairing::Coders { a: a.to_string(), b: b.to_string() }, paired)
        }
        None => {
            (Pairing::Slots, both.iter().map(|(rec, x, y)| (rec.to_string(), x.1, y.1)).collect())
        }
    }
}

/// Cohen's kappas of the pairs and Gwet's AC1 / AC2 of every rating, over the full scale.
fn categorical(
    m: &MeasureRatings,
    subjects: &[Vec<Option<f64>>],
    paired: &[(String, f64, f64)],
) -> (Kappas, Gwets) {
    let Some((min, max)) = m.categories else {
        let e = Err(Undefined::new(NOT_CATEGORY));
        let c = Err(Undefined::new(NOT_CATEGORY));
        return (
            Kappas { unweighted: e.clone(), linear: e.clone(), quadratic: e },
            Gwets { ac1: c.clone(), ac2_linear: c.clone(), ac2_quadratic: c },
        );
    };
    let pairs: Option<Vec<(i64, i64)>> =
        paired.iter().map(|(_, a, b)| whole(*a).zip(whole(*b))).collect();
    let kappa = |w| match &pairs {
        None => Err(Undefined::new("a score is not a whole scale point")),
        Some(p) => weighted_kappa(p, min, max, w),
    };
    (
        Kappas {
            unweighted: kappa(Weights::Unweighted),
            linear: kappa(Weights::Linear),
            quadratic: kappa(Weights::Quadratic),
        },
        Gwets {
            ac1: gwet(subjects, min, max, Weights::Unweighted),
            ac2_linear: gwet(subjects, min, max, Weights::Linear),
            ac2_quadratic: gwet(subjects, min, max, Weights::Quadratic),
        },
    )
}

/// Why kappa and AC1/AC2 are not given for composites and the share.
pub const NOT_CATEGORY: &str = "not a category score (kappa and AC1/AC2 need whole scale points)";

fn whole(x: f64) -> Option<i64> {
    (x.fract() == 0.0 && x.abs() < 1e15).then_some(x as i64)
}

#[derive(Default)]
struct Tally<'a> {
    recordings: HashSet<&'a str>,
    n: usize,
    within: usize,
    diff: f64,
}

impl<'a> Tally<'a> {
    fn add(&mut self, recording: &'a str, diff: f64, tolerance: f64) {
        self.recordings.insert(recording);
        self.n += 1;
        self.diff += diff;
        if diff.abs() <= tolerance + 1e-9 {
            self.within += 1;
        }
    }

    fn stats(&self) -> (Stat, Stat) {
        if self.n == 0 {
            let e = Undefined::new("no domain scored by both");
            return (Err(e.clone()), Err(e));
        }
        let n = self.n as f64;
        (Ok(100.0 * self.within as f64 / n), Ok(self.diff / n))
    }
}

/// Per pair and per coder, over every domain score both gave (composites and the share excluded).
fn pairs_and_coders(r: &Ratings) -> (Vec<PairReport>, Vec<CoderReport>) {
    let mut pairs: BTreeMap<(&str, &str), Tally> = BTreeMap::new();
    let mut coders: BTreeMap<&str, Tally> = BTreeMap::new();
    for m in r.measures.iter().filter(|m| m.kind == MeasureKind::Domain) {
        for rec in &m.recordings {
            for (i, (ca, va)) in rec.ratings.iter().enumerate() {
                for (cb, vb) in rec.ratings.iter().skip(i + 1) {
                    let (Some(va), Some(vb)) = (va, vb) else { continue };
                    let (a, b, d) = if ca <= cb {
                        (ca.as_str(), cb.as_str(), va - vb)
                    } else {
                        (cb.as_str(), ca.as_str(), vb - va)
                    };
                    let rid = rec.recording.as_str();
                    pairs.entry((a, b)).or_default().add(rid, d, m.tolerance);
                    coders.entry(a).or_default().add(rid, d, m.tolerance);
                    coders.entry(b).or_default().add(rid, -d, m.tolerance);
                }
            }
        }
    }
    let pairs = pairs
        .into_iter()
        .map(|((a, b), t)| {
            let (within, mean_diff) = t.stats();
            PairReport {
                a: a.to_string(),
                b: b.to_string(),
                recordings: t.recordings.len(),
                n: t.n,
                within,
                mean_diff,
            }
        })
        .collect();
    let coders = coders
        .into_iter()
        .map(|(coder, t)| {
            let (within, mean_diff) = t.stats();
            CoderReport {
                coder: coder.to_string(),
                recordings: t.recordings.len(),
                n: t.n,
                within,
                mean_diff,
            }
        })
        .collect();
    (pairs, coders)
}

fn bins(b: &[RecordingBins]) -> BinsReport {
    // 2 × 2 counts: (primary in segment, secondary in segment).
    let mut table = [0.0f64; 4];
    for r in b {
        for (t, n) in table.iter_mut().zip(r.table) {
            *t += n as f64;
        }
    }
    let total: f64 = table.iter().sum();
    let agreement = if total == 0.0 {
        Err(Undefined::new("no double-coded recording with a known duration"))
    } else {
        Ok(100.0 * (table[0] + table[3]) / total)
    };
    let kappa = if total == 0.0 {
        Err(Undefined::new("no double-coded recording with a known duration"))
    } else {
        kappa_from_table(&table, 2, Weights::Linear).map_err(|_| {
            Undefined::new(
                "no variance: every second is in (or out of) behaviour-change talk for both coders",
            )
        })
    };
    BinsReport { recordings: b.len(), bins: total as usize, agreement, kappa }
}
