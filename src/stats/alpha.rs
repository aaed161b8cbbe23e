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
                let between: f64 = marg[lo..=hi].iter().sum();
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

    #[test]
    fn undefined_without_pairs_or_variance() {
        assert!(alpha(&[vec![Some(1.0), None]], Metric::Interval).is_err());
        assert!(alpha(&[], Metric::Interval).is_err());
        let same = vec![vec![Some(2.0), Some(2.0)], vec![Some(2.0), Some(2.0)]];
        assert!(alpha(&same, Metric::Ordinal).unwrap_err().reason.contains("variance"));
    }
}
