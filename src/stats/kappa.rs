//! Cohen's kappa (unweighted, linear or quadratic weights) for two raters over the FULL category scale min..=max (categories count
//! even when nobody used them, which matters for the weights' denominator).
use super::{Stat, Undefined};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weights {
    /// Unweighted: every disagreement weighs 1.
    Unweighted,
    /// Disagreement weight |i − j| / (K − 1).
    Linear,
    /// Disagreement weight ((i − j) / (K − 1))².
    Quadratic,
}

/// Weighted kappa of `pairs` (rater 1, rater 2) on the integer scale `min..=max`.
pub fn weighted_kappa(pairs: &[(i64, i64)], min: i64, max: i64, weights: Weights) -> Stat {
    if max <= min {
        return Err(Undefined::new(format!("the scale {min}..{max} has fewer than 2 categories")));
    }
    if pairs.is_empty() {
        return Err(Undefined::new("no recording has both scores"));
    }
    let span = max - min;
    let k = usize::try_from(span + 1)
        .ok()
        .filter(|&k| k <= 10_000)
        .ok_or_else(|| Undefined::new(format!("the scale {min}..{max} is too wide for kappa")))?;
    let mut table = vec![0.0f64; k * k];
    for &(a, b) in pairs {
        let idx = |x: i64| {
            if (min..=max).contains(&x) { usize::try_from(x - min).ok() } else { None }
        };
        let (Some(i), Some(j)) = (idx(a), idx(b)) else {
            let bad = if (min..=max).contains(&a) { b } else { a };
            return Err(Undefined::new(format!("score {bad} is outside the scale {min}..{max}")));
        };
        table[i * k + j] += 1.0;
    }
    kappa_from_table(&table, k, weights)
}

/// Weighted kappa from a k × k contingency table (row-major: rater 1's category × rater 2's), for
/// callers that count rather than list pairs (e.g. millions of one-second bins).
pub fn kappa_from_table(table: &[f64], k: usize, weights: Weights) -> Stat {
    if k < 2 || table.len() != k * k {
        return Err(Undefined::new("kappa needs a square table of at least 2 categories"));
    }
    let n: f64 = table.iter().sum();
    if n <= 0.0 {
        return Err(Undefined::new("no recording has both scores"));
    }
    let row: Vec<f64> = (0..k).map(|i| table[i * k..(i + 1) * k].iter().sum()).collect();
    let col: Vec<f64> = (0..k).map(|j| (0..k).map(|i| table[i * k + j]).sum()).collect();
    let span = (k - 1) as f64;
    let mut obs_dis = 0.0;
    let mut exp_dis = 0.0;
    for i in 0..k {
        for j in 0..k {
            let d = (i as f64 - j as f64).abs() / span;
            let w = match weights {
                Weights::Unweighted => f64::from(u8::from(i != j)),
                Weights::Linear => d,
                Weights::Quadratic => d * d,
            };
            obs_dis += w * table[i * k + j] / n;
            exp_dis += w * row[i] * col[j] / (n * n);
        }
    }
    if exp_dis <= 0.0 {
        return Err(Undefined::new(
            "no variance: both coders gave one and the same score throughout",
        ));
    }
    Ok(1.0 - obs_dis / exp_dis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_agreement_is_one() {
        let p = [(1, 1), (2, 2), (5, 5)];
        assert!((weighted_kappa(&p, 1, 5, Weights::Quadratic).unwrap() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn known_value_quadratic_and_linear() {
        // Hand computation: K = 3 (1..3), pairs (1,1) (2,3) (3,3) (1,2).
        // Observed quadratic disagreement: (0 + .25 + 0 + .25)/4 = .125.
        // Marginals rater1: 1:2, 2:1, 3:1; rater2: 1:1, 2:1, 3:2.
        // Expected: Σ w r_i c_j / 16 = [.25(2·1 + 1·1 + 1·2 ... )] computed below.
        let p = [(1, 1), (2, 3), (3, 3), (1, 2)];
        let r = [2.0, 1.0, 1.0];
        let c = [1.0, 1.0, 2.0];
        let mut e = 0.0;
        for (i, ri) in r.iter().enumerate() {
            for (j, cj) in c.iter().enumerate() {
                let d: f64 = (i as f64 - j as f64) / 2.0;
                e += d * d * ri * cj / 16.0;
            }
        }
        let want = 1.0 - 0.125 / e;
        assert!((weighted_kappa(&p, 1, 3, Weights::Quadratic).unwrap() - want).abs() < 1e-12);
        let lin = weighted_kappa(&p, 1, 3, Weights::Linear).unwrap();
        assert!(lin.is_finite() && lin < 1.0);
        // Unweighted by hand: po = 2/4, pe = (2·1 + 1·1 + 1·2)/16.
        let (po, pe) = (0.5, 5.0 / 16.0);
        let un = weighted_kappa(&p, 1, 3, Weights::Unweighted).unwrap();
        assert!((un - (po - pe) / (1.0 - pe)).abs() < 1e-12);
    }

    #[test]
    fn unused_categories_keep_their_distance() {
        // Scores 1, 2 and 4 on 1..5: 4 is two steps from 2 even though nobody used 3. Recoding
        // the used levels to ranks (as tools that only see observed levels do) gives another value.
        let p = [(1, 2), (2, 4), (4, 4), (1, 1), (2, 1), (4, 2)];
        let full = weighted_kappa(&p, 1, 5, Weights::Quadratic).unwrap();
        let rank = |x: i64| if x == 4 { 3 } else { x };
        let ranked: Vec<_> = p.iter().map(|&(a, b)| (rank(a), rank(b))).collect();
        let observed_levels = weighted_kappa(&ranked, 1, 3, Weights::Quadratic).unwrap();
        assert!((full - observed_levels).abs() > 1e-3);
    }

    #[test]
    fn table_and_pairs_agree() {
        let p = [(0, 0), (0, 1), (1, 1), (1, 1), (0, 0), (1, 0), (0, 0)];
        let mut t = [0.0; 4];
        for &(a, b) in &p {
            t[(a * 2 + b) as usize] += 1.0;
        }
        let from_pairs = weighted_kappa(&p, 0, 1, Weights::Linear).unwrap();
        let from_table = kappa_from_table(&t, 2, Weights::Linear).unwrap();
        assert!((from_pairs - from_table).abs() < 1e-12);
        // Unweighted two-category kappa by hand: po = 5/7, pe = (4·4 + 3·3)/49.
        let (po, pe) = (5.0 / 7.0, 25.0 / 49.0);
        assert!((from_table - (po - pe) / (1.0 - pe)).abs() < 1e-12);
        assert!(kappa_from_table(&[0.0; 4], 2, Weights::Linear).is_err());
        assert!(kappa_from_table(&[1.0; 3], 2, Weights::Linear).is_err());
    }

    #[test]
    fn undefined_cases() {
        assert!(weighted_kappa(&[], 1, 5, Weights::Quadratic).is_err());
        assert!(weighted_kappa(&[(3, 3), (3, 3)], 1, 5, Weights::Quadratic).is_err());
        let e = weighted_kappa(&[(3, 7)], 1, 5, Weights::Quadratic).unwrap_err();
        assert!(e.reason.contains('7'));
        assert!(weighted_kappa(&[(1, 1)], 1, 1, Weights::Quadratic).is_err());
    }
}
