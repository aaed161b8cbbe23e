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

/// Alpha for `units` (each unit's values, one per coder slot; `None` = missing).
pub fn alpha(units: &[Vec<Option<f64>>], metric: Metric) -> Stat {
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
    // Coincidence matrix o[c][k].
    let mut o = vec![0.0f64; v * v];
    for u in &pairable {
        let m = u.len() as f64;
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
    let delta = |c: usize, k: usize| -> f64 {
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
    let mut observed = 0.0;
    let mut expected = 0.0;
    for c in 0..v {
        for k in 0..v {
            let d = delta(c, k);
            observed += o[c * v + k] * d;
            expected += marg[c] * marg[k] * d;
        }
    }
    if expected <= 0.0 {
        return Err(Undefined::new("no variance: every rating is the same"));
    }
    let a = 1.0 - (n - 1.0) * observed / expected;
    super::undefined::finite(a, "alpha is not a finite number for these data")
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
    fn undefined_without_pairs_or_variance() {
        assert!(alpha(&[vec![Some(1.0), None]], Metric::Interval).is_err());
        assert!(alpha(&[], Metric::Interval).is_err());
        let same = vec![vec![Some(2.0), Some(2.0)], vec![Some(2.0), Some(2.0)]];
        assert!(alpha(&same, Metric::Ordinal).unwrap_err().reason.contains("variance"));
    }
}
