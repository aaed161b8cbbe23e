//! Gwet's AC1 (unweighted) and AC2 (linear or quadratic weights) for any number of raters with
//! missing ratings, with the standard error, t-based 95% CI and the same conventions as irrCAC
//! (`gwet.ac1.raw` in R, `CAC.gwet` in Python): subjects with no rating are dropped, percent
//! agreement uses the subjects with two or more ratings, the variance is the linearised one with
//! no finite-population correction, and the upper bound is capped at 1.
//!
//! The categories are the FULL scale `min..=max` (irrCAC's `categ.labels` / `categories`), so an
//! unused scale point still counts in the chance agreement and the weights.
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::kappa::Weights;
use super::{Stat, Undefined};

/// A chance-corrected agreement coefficient with its standard error and 95% CI.
#[derive(Debug, Clone, PartialEq)]
pub struct Coefficient {
    pub value: f64,
    pub se: f64,
    pub ci95: (f64, f64),
    /// Weighted percent agreement and percent chance agreement.
    pub pa: f64,
    pub pe: f64,
    /// Subjects with at least one rating (the variance's n).
    pub n: usize,
}

/// The agreement weight of categories `i`, `j` (0-based) on a scale of `q` points.
fn agreement_weight(weights: Weights, i: usize, j: usize, q: usize) -> f64 {
    let d = (i as f64 - j as f64).abs() / (q - 1) as f64;
    match weights {
        Weights::Unweighted => f64::from(u8::from(i == j)),
        Weights::Linear => 1.0 - d,
        Weights::Quadratic => 1.0 - d * d,
    }
}

/// Gwet's AC1 (`Weights::Unweighted`) or AC2 of `subjects` (each subject's ratings, `None` =
/// missing) on the integer scale `min..=max`.
pub fn gwet(
    subjects: &[Vec<Option<f64>>],
    min: i64,
    max: i64,
    weights: Weights,
) -> Stat<Coefficient> {
    let q = usize::try_from(max - min + 1)
        .ok()
        .filter(|&q| (2..=1000).contains(&q))
        .ok_or_else(|| Undefined::new(format!("the scale {min}..{max} needs 2 to 1000 points")))?;
    // counts[s][c]: raters who put subject s in category c.
    let mut counts: Vec<Vec<f64>> = Vec::new();
    for s in subjects {
        let mut row = vec![0.0; q];
        let mut any = false;
        for v in s.iter().flatten() {
            let c = (v.fract() == 0.0 && *v >= min as f64 && *v <= max as f64)
                .then_some((*v - min as f64) as usize)
                .ok_or_else(|| {
                    Undefined::new(format!(
                        "score {v} is not a whole point of the scale {min}..{max}"
                    ))
                })?;
            row[c] += 1.0;
            any = true;
        }
        if any {
            counts.push(row);
        }
    }
    let n = counts.len();
    if n < 2 {
        return Err(Undefined::new(format!(
            "needs at least 2 recordings with a rating for a standard error (n = {n})"
        )));
    }
    let w: Vec<Vec<f64>> =
        (0..q).map(|i| (0..q).map(|j| agreement_weight(weights, i, j, q)).collect()).collect();
    let w_sum: f64 = w.iter().flatten().sum();
    let nf = n as f64;
    let r: Vec<f64> = counts.iter().map(|row| row.iter().sum()).collect();
    // Σ_k r_ik (r*_ik − 1), where r*_ik = Σ_l w_kl r_il.
    let sum_q: Vec<f64> = counts
        .iter()
        .map(|row| {
            (0..q).map(|k| row[k] * ((0..q).map(|l| w[k][l] * row[l]).sum::<f64>() - 1.0)).sum()
        })
        .collect();
    let two_plus: Vec<bool> = r.iter().map(|&ri| ri >= 2.0).collect();
    let n2 = two_plus.iter().filter(|&&b| b).count();
    if n2 == 0 {
        return Err(Undefined::new("no recording has two or more ratings"));
    }
    let n2f = n2 as f64;
    let pa_i: Vec<f64> = sum_q
        .iter()
        .zip(&r)
        .map(|(s, &ri)| if ri >= 2.0 { s / (ri * (ri - 1.0)) } else { 0.0 })
        .collect();
    let pa = pa_i.iter().sum::<f64>() / n2f;
    let pi: Vec<f64> = (0..q)
        .map(|k| counts.iter().zip(&r).map(|(row, ri)| row[k] / ri).sum::<f64>() / nf)
        .collect();
    let scale = w_sum / (q * (q - 1)) as f64;
    let pe = scale * pi.iter().map(|p| p * (1.0 - p)).sum::<f64>();
    if pe >= 1.0 {
        return Err(Undefined::new("chance agreement is 1: the coefficient is undefined"));
    }
    let ac = (pa - pe) / (1.0 - pe);
    let mut ss = 0.0;
    for (i, row) in counts.iter().enumerate() {
        let pe_r2 = if two_plus[i] { pe } else { 0.0 };
        let ac_i = (nf / n2f) * (pa_i[i] - pe_r2) / (1.0 - pe);
        let pe_i = scale * (0..q).map(|k| row[k] * (1.0 - pi[k])).sum::<f64>() / r[i];
        let x = ac_i - 2.0 * (1.0 - ac) * (pe_i - pe) / (1.0 - pe);
        ss += (x - ac).powi(2);
    }
    let se = (ss / (nf * (nf - 1.0))).sqrt();
    let t = StudentsT::new(0.0, 1.0, nf - 1.0)
        .map_err(|e| Undefined::new(format!("t distribution: {e}")))?
        .inverse_cdf(0.975);
    let half = se * t;
    let ci95 = (ac - half, (ac + half).min(1.0));
    if !(ac.is_finite() && se.is_finite() && ci95.0.is_finite()) {
        return Err(Undefined::new("the coefficient is not a finite number for these data"));
    }
    Ok(Coefficient { value: ac, se, ci95, pa, pe, n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subjects(rows: &[[Option<f64>; 4]]) -> Vec<Vec<Option<f64>>> {
        rows.iter().map(|r| r.to_vec()).collect()
    }

    /// irrCAC's documented example (`raw_4raters`): AC1 0.77544, se 0.14295, CI (0.46081, 1).
    #[test]
    fn irrcac_four_raters_example() {
        let (o, x) = (None, |v: f64| Some(v));
        let data = subjects(&[
            [x(1.), x(1.), o, x(1.)],
            [x(2.), x(2.), x(3.), x(2.)],
            [x(3.), x(3.), x(3.), x(3.)],
            [x(3.), x(3.), x(3.), x(3.)],
            [x(2.), x(2.), x(2.), x(2.)],
            [x(1.), x(2.), x(3.), x(4.)],
            [x(4.), x(4.), x(4.), x(4.)],
            [x(1.), x(1.), x(2.), x(1.)],
            [x(2.), x(2.), x(2.), x(2.)],
            [o, x(5.), x(5.), x(5.)],
            [o, o, x(1.), x(1.)],
            [o, o, x(3.), o],
        ]);
        let c = gwet(&data, 1, 5, Weights::Unweighted).unwrap();
        assert!((c.value - 0.77544).abs() < 1e-5, "{c:?}");
        assert!((c.se - 0.14295).abs() < 1e-5, "{c:?}");
        assert!((c.ci95.0 - 0.46081).abs() < 1e-5 && c.ci95.1 == 1.0, "{c:?}");
        assert!((c.pa - 0.81818).abs() < 1e-5 && (c.pe - 0.19032).abs() < 1e-5);
    }

    #[test]
    fn undefined_cases_say_why() {
        assert!(gwet(&[], 1, 5, Weights::Unweighted).is_err());
        let one = vec![vec![Some(1.0), Some(2.0)]];
        assert!(gwet(&one, 1, 5, Weights::Linear).unwrap_err().reason.contains("n = 1"));
        let off = vec![vec![Some(1.0), Some(7.0)], vec![Some(1.0), Some(1.0)]];
        assert!(gwet(&off, 1, 5, Weights::Linear).unwrap_err().reason.contains('7'));
    }
}
