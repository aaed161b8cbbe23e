//! Computes the report from gathered ratings: numbers only, no I/O.
use std::collections::{BTreeMap, BTreeSet};

use crate::stats::agreement::agree;
use crate::stats::alpha::{Metric, alpha};
use crate::stats::icc::{Model, Unit, icc, mean_squares};
use crate::stats::kappa::{Weights, kappa_from_table, weighted_kappa};
use crate::stats::{Stat, Undefined};

use super::input::{MeasureRatings, Ratings, RecordingBins};
use super::model::{
    BinsReport, CoderReport, IccResult, MeasureKind, MeasureReport, PairReport, Report,
};

/// Builds the report; `average_measures` adds ICC(1,k), ICC(2,k) and ICC(3,k).
pub fn build(r: &Ratings, average_measures: bool) -> Report {
    let measures: Vec<MeasureReport> =
        r.measures.iter().map(|m| measure(m, average_measures)).collect();
    let complete: BTreeSet<&str> = r
        .measures
        .iter()
        .flat_map(|m| m.recordings.iter())
        .filter(|rec| rec.ratings.iter().filter(|(_, v)| v.is_some()).count() >= 2)
        .map(|rec| rec.recording.as_str())
        .collect();
    let (pairs, coders) = pairs_and_coders(r);
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
        complete: complete.len(),
        average_measures,
        measures,
        pairs,
        coders,
        bins: r.bins.as_ref().map(|b| bins(b)),
        notes,
    }
}

fn measure(m: &MeasureRatings, average: bool) -> MeasureReport {
    let subjects: Vec<Vec<Option<f64>>> =
        m.recordings.iter().map(|r| r.ratings.iter().map(|(_, v)| *v).collect()).collect();
    let within = agree(&subjects, m.tolerance);
    let exact = agree(&subjects, 0.0);
    let outside = within
        .outside
        .iter()
        .filter_map(|&i| m.recordings.get(i).map(|r| r.recording.clone()))
        .collect();

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
    let mut iccs = vec![
        IccResult { form: "ICC(1,1)", stat: one_way(Unit::Single) },
        IccResult { form: "ICC(2,1)", stat: two_way(Model::Absolute, Unit::Single) },
        IccResult { form: "ICC(3,1)", stat: two_way(Model::Consistency, Unit::Single) },
    ];
    if average {
        iccs.push(IccResult { form: "ICC(1,k)", stat: one_way(Unit::Average) });
        iccs.push(IccResult { form: "ICC(2,k)", stat: two_way(Model::Absolute, Unit::Average) });
        iccs.push(IccResult { form: "ICC(3,k)", stat: two_way(Model::Consistency, Unit::Average) });
    }

    let kappa = match m.categories {
        None => Err(Undefined::new("not a category score (kappa needs whole scale points)")),
        Some((min, max)) => {
            let pairs: Option<Vec<(i64, i64)>> = m
                .recordings
                .iter()
                .filter_map(|r| match (r.ratings.first(), r.ratings.get(1)) {
                    (Some((_, Some(a))), Some((_, Some(b)))) => Some((*a, *b)),
                    _ => None,
                })
                .map(|(a, b)| whole(a).zip(whole(b)))
                .collect();
            match pairs {
                None => Err(Undefined::new("a score is not a whole scale point")),
                Some(p) => weighted_kappa(&p, min, max, Weights::Quadratic),
            }
        }
    };
    MeasureReport {
        key: m.key.clone(),
        label: m.label.clone(),
        kind: m.kind,
        tolerance: m.tolerance,
        n: within.n,
        exact: exact.percent,
        within: within.percent,
        outside,
        icc_n: slot_rows.len(),
        icc_dropped: present.iter().filter(|p| p.len() >= 2 && p.len() != k).count(),
        icc_k: k,
        iccs,
        kappa,
        alpha_ordinal: alpha(&subjects, Metric::Ordinal),
        alpha_interval: alpha(&subjects, Metric::Interval),
    }
}

fn whole(x: f64) -> Option<i64> {
    (x.fract() == 0.0 && x.abs() < 1e15).then_some(x as i64)
}

#[derive(Default)]
struct Tally<'a> {
    recordings: BTreeSet<&'a str>,
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
    for (_, x, y) in b {
        for (&p, &q) in x.iter().zip(y) {
            table[usize::from(p) * 2 + usize::from(q)] += 1.0;
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
