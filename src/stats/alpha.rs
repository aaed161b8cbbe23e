//! Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability") from the
//! coincidence matrix of all pairable values: any number of coders, missing values allowed. Units
//! with fewer than two values are not pairable and are left out.
use super::{Stat, Undefined};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Nominal,
    Ordinal,
    Interval,
    Ratio,
}

/// The coincidence matrix of the pairable values, with the metric's distances.
struct Coincidences {
    /// Distinct values, sorted.
    v: usize,
    /// o[c * v + k].
    o: Vec<f64>,
    /// delta[c * v + k]: the metric's squared distance.
    delta: Vec<f64>,
    marg: Vec<f64>,
    /// n..: the pairable values.
    n: f64,
    /// Unordered pairs of values compared within units: Σ m_u (m_u − 1) / 2.
    pairs: f64,
}

impl Coincidences {
    fn new(units: &[Vec<Option<f64>>], metric: Metric) -> Stat<Self> {
        // Pairable units and the distinct values they hold, sorted.
        let pairable: Vec<Vec<f64>> = units
            .iter()
            .map(|u| u.iter().flatten().copied().filter(|x| x.is_finite()).collect::<Vec<_>>())
            .filter(|u| u.len() >= 2)
            .collect();
        let mut values: Vec<f64> = pairable.iter().flatten().copied().collect();
        values.sort_by(f64::total_cmp);
        values.dedup();
        let total: usize = pairable.iter().map(Vec::len).sum();
        if total < 2 {
            return Err(Undefined::new("no pairable values: no recording has two or more ratings"));
        }
        let v = values.len();
        let index = |x: f64| values.binary_search_by(|p| p.total_cmp(&x)).unwrap_or(0);
        let mut o = vec![0.0f64; v * v];
        let mut pairs = 0.0;
        for u in &pairable {
            let m = u.len() as f64;
            pairs += m * (m - 1.0) / 2.0;
            for (i, &a) in u.iter().enumerate() {
                for (j, &b) in u.iter().enumerate() {
                    if i != j {
                        o[index(a) * v + index(b)] += 1.0 / (m - 1.0);
                    }
                }
            }
        }
        let marg: Vec<f64> = (0..v).map(|c| (0..v).map(|k| o[c * v + k]).sum()).collect();
        let n: f64 = marg.iter().sum();
        // cum[i] = marg[0] + … + marg[i - 1]: the ordinal distance needs the marginals between two
        // values, and summing them for every pair was cubic in the number of distinct values (a
        // continuous measure such as the behaviour-change share can have a thousand).
        let cum: Vec<f64> = std::iter::once(0.0)
            .chain(marg.iter().scan(0.0, |acc, m| {
                *acc += m;
                Some(*acc)
            }))
            .collect();
        let distance = |c: usize, k: usize| -> f64 {
            if c == k {
                return 0.0;
            }
            let (a, b) = (values[c], values[k]);
            match metric {
                Metric::Nominal => 1.0,
                Metric::Interval => (a - b).powi(2),
                Metric::Ratio => {
                    let s = a + b;
                    if s == 0.0 { 0.0 } else { ((a - b) / s).powi(2) }
                }
                Metric::Ordinal => {
                    let (lo, hi) = if c < k { (c, k) } else { (k, c) };
                    let between = cum[hi + 1] - cum[lo];
                    (between - (marg[lo] + marg[hi]) / 2.0).powi(2)
                }
            }
        };
        let delta = (0..v * v).map(|i| distance(i / v, i % v)).collect();
        Ok(Coincidences { v, o, delta, marg, n, pairs })
    }

    /// (Σ o·δ, Σ n_c n_k δ).
    fn disagreements(&self) -> (f64, f64) {
        let v = self.v;
        let mut observed = 0.0;
        let mut expected = 0.0;
        for c in 0..v {
            for k in 0..v {
                let d = self.delta[c * v + k];
                observed += self.o[c * v + k] * d;
                expected += self.marg[c] * self.marg[k] * d;
            }
        }
        (observed, expected)
    }
}

const NO_VARIANCE: &str = "no variance: every rating is the same";

/// Alpha for `units` (each unit's values, one per coder slot; `None` = missing).
pub fn alpha(units: &[Vec<Option<f64>>], metric: Metric) -> Stat {
    let co = Coincidences::new(units, metric)?;
    let (observed, expected) = co.disagreements();
    if expected <= 0.0 {
        return Err(Undefined::new(NO_VARIANCE));
    }
    let a = 1.0 - (co.n - 1.0) * observed / expected;
    super::undefined::finite(a, "alpha is not a finite number for these data")
}

/// The bootstrapped distribution of alpha (Hayes & Krippendorff 2007; Krippendorff's algorithm).
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaBoot {
    /// Percentile 95% interval of the resampled alphas.
    pub ci95: (f64, f64),
    /// Share of resamples below 0.667 and below 0.80 (the probability of failing to reach them).
    pub p_below_667: f64,
    pub p_below_800: f64,
    pub resamples: usize,
    /// Pairs of values drawn per resample.
    pub draws: usize,
    pub seed: u64,
}

/// Bootstraps alpha after Hayes & Krippendorff (2007): each of `resamples` resamples draws M pairs
/// of values with replacement from the observed coincidences (M = the number of pairs compared
/// within units, capped at 25 × the non-empty cells as in Krippendorff's algorithm) and computes
/// 1 − ΣΔ / (M · De) with the original expected disagreement De; values below −1 count as −1, and
/// a resample whose pairs all come from one diagonal cell (alpha indeterminate) counts as 0.
/// The same `seed` gives the same numbers.
pub fn alpha_bootstrap(
    units: &[Vec<Option<f64>>],
    metric: Metric,
    resamples: usize,
    seed: u64,
) -> Stat<AlphaBoot> {
    use rand::{Rng, SeedableRng};
    let co = Coincidences::new(units, metric)?;
    let (_, expected) = co.disagreements();
    if expected <= 0.0 {
        return Err(Undefined::new(NO_VARIANCE));
    }
    if resamples < 2 {
        return Err(Undefined::new("needs at least 2 resamples"));
    }
    let v = co.v;
    let de = expected / (co.n * (co.n - 1.0));
    // Cells c <= k with probability o_ck / n.. (diagonal) or 2 o_ck / n.. (off-diagonal).
    let mut cum = Vec::new();
    let mut cells: Vec<(f64, bool)> = Vec::new();
    let mut acc = 0.0;
    for c in 0..v {
        for k in c..v {
            let o = co.o[c * v + k];
            if o > 0.0 {
                acc += if c == k { o } else { 2.0 * o } / co.n;
                cum.push(acc);
                cells.push((co.delta[c * v + k], c == k));
            }
        }
    }
    let q = cells.len() as f64;
    let draws = co.pairs.min(25.0 * q).round().max(1.0) as usize;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut alphas: Vec<f64> = (0..resamples)
        .map(|_| {
            let mut sum = 0.0;
            let mut first = None;
            let mut one_diagonal = true;
            for _ in 0..draws {
                let r: f64 = rng.random::<f64>() * acc;
                let i = cum.partition_point(|&x| x < r).min(cells.len() - 1);
                let (d, diagonal) = cells[i];
                sum += d;
                one_diagonal &= diagonal && *first.get_or_insert(i) == i;
            }
            if one_diagonal { 0.0 } else { (1.0 - sum / (draws as f64 * de)).max(-1.0) }
        })
        .collect();
    alphas.sort_by(f64::total_cmp);
    let x = resamples as f64;
    let lo = ((0.025 * x).floor() as usize).max(1) - 1;
    let hi = ((0.975 * x).floor() as usize + 1).min(resamples) - 1;
    let below = |m: f64| alphas.iter().filter(|&&a| a < m).count() as f64 / x;
    Ok(AlphaBoot {
        ci95: (alphas[lo], alphas[hi]),
        p_below_667: below(0.667),
        p_below_800: below(0.80),
        resamples,
        draws,
        seed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_agreement_is_one() {
        let u = vec![vec![Some(1.0), Some(1.0)], vec![Some(3.0), Some(3.0), None]];
        for m in [Metric::Nominal, Metric::Ordinal, Metric::Interval, Metric::Ratio] {
            assert!((alpha(&u, m).unwrap() - 1.0).abs() < 1e-12);
        }
    }

    /// The ordinal distance by its definition (the sum of the marginals between two values).
    fn ordinal_by_definition(units: &[Vec<Option<f64>>]) -> f64 {
        let pairable: Vec<Vec<f64>> = units
            .iter()
            .map(|u| u.iter().flatten().copied().collect::<Vec<_>>())
            .filter(|u| u.len() >= 2)
            .collect();
        let mut values: Vec<f64> = pairable.iter().flatten().copied().collect();
        values.sort_by(f64::total_cmp);
        values.dedup();
        let v = values.len();
        let ix = |x: f64| values.iter().position(|&y| y == x).unwrap();
        let mut o = vec![vec![0.0; v]; v];
        for u in &pairable {
            for (i, &a) in u.iter().enumerate() {
                for (j, &b) in u.iter().enumerate() {
                    if i != j {
                        o[ix(a)][ix(b)] += 1.0 / (u.len() as f64 - 1.0);
                    }
                }
            }
        }
        let marg: Vec<f64> = o.iter().map(|r| r.iter().sum()).collect();
        let n: f64 = marg.iter().sum();
        let (mut obs, mut exp) = (0.0, 0.0);
        for c in 0..v {
            for k in 0..v {
                let (lo, hi) = (c.min(k), c.max(k));
                let d = if c == k {
                    0.0
                } else {
                    (marg[lo..=hi].iter().sum::<f64>() - (marg[lo] + marg[hi]) / 2.0).powi(2)
                };
                obs += o[c][k] * d;
                exp += marg[c] * marg[k] * d;
            }
        }
        1.0 - (n - 1.0) * obs / exp
    }

    #[test]
    fn ordinal_matches_its_definition_with_many_distinct_values() {
        // Like a behaviour-change share in 0.1-point steps: two or three coders, some missing.
        let units: Vec<Vec<Option<f64>>> = (0..300)
            .map(|i| {
                let a = ((i * 7919) % 400) as f64 / 10.0;
                let b = ((i * 7919 + 13 + i % 17) % 400) as f64 / 10.0;
                let c = (i % 3 == 0).then_some(((i * 31) % 400) as f64 / 10.0);
                vec![Some(a), if i % 11 == 0 { None } else { Some(b) }, c]
            })
            .collect();
        let fast = alpha(&units, Metric::Ordinal).unwrap();
        let slow = ordinal_by_definition(&units);
        assert!((fast - slow).abs() < 1e-12, "{fast} vs {slow}");
    }

    #[test]
    fn bootstrap_is_reproducible_for_a_seed_and_brackets_alpha() {
        let units: Vec<Vec<Option<f64>>> = (0..40)
            .map(|i| {
                let a = f64::from((i * 7) % 5 + 1);
                let b = if i % 4 == 0 { a.min(4.0) + 1.0 } else { a };
                vec![Some(a), Some(b)]
            })
            .collect();
        let point = alpha(&units, Metric::Ordinal).unwrap();
        let x = alpha_bootstrap(&units, Metric::Ordinal, 2000, 7).unwrap();
        let y = alpha_bootstrap(&units, Metric::Ordinal, 2000, 7).unwrap();
        assert_eq!(x, y);
        let z = alpha_bootstrap(&units, Metric::Ordinal, 2000, 8).unwrap();
        assert_ne!(x.ci95, z.ci95);
        assert!(x.ci95.0 < point && point <= x.ci95.1 + 1e-9, "{point} {x:?}");
        assert_eq!(x.draws, 40);
        assert!(x.p_below_667 <= x.p_below_800);
        assert!((0.0..=1.0).contains(&x.p_below_800));
    }

    #[test]
    fn undefined_without_pairs_or_variance() {
        assert!(alpha(&[vec![Some(1.0), None]], Metric::Interval).is_err());
        assert!(alpha(&[], Metric::Interval).is_err());
        let same = vec![vec![Some(2.0), Some(2.0)], vec![Some(2.0), Some(2.0)]];
        assert!(alpha(&same, Metric::Ordinal).unwrap_err().reason.contains("variance"));
    }
}
