//! Bland & Altman (1986) agreement of two raters on a continuous scale: the mean difference
//! (bias) with its t-based 95% CI and the 95% limits of agreement, bias ± 1.96 SD.
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::{Stat, Undefined};

/// Bias and limits of agreement of the differences first − second.
#[derive(Debug, Clone, PartialEq)]
pub struct BlandAltman {
    pub n: usize,
    /// Mean of (first − second).
    pub bias: f64,
    pub bias_ci95: (f64, f64),
    /// Sample standard deviation of the differences.
    pub sd: f64,
    /// bias − 1.96 SD, bias + 1.96 SD.
    pub loa: (f64, f64),
}

/// Bland–Altman statistics of `pairs` (first, second).
pub fn bland_altman(pairs: &[(f64, f64)]) -> Stat<BlandAltman> {
    let n = pairs.len();
    if n < 2 {
        return Err(Undefined::new(format!(
            "needs at least 2 recordings with both ratings (n = {n})"
        )));
    }
    let nf = n as f64;
    let diffs: Vec<f64> = pairs.iter().map(|(a, b)| a - b).collect();
    let bias = diffs.iter().sum::<f64>() / nf;
    let sd = (diffs.iter().map(|d| (d - bias).powi(2)).sum::<f64>() / (nf - 1.0)).sqrt();
    let t = StudentsT::new(0.0, 1.0, nf - 1.0)
        .map_err(|e| Undefined::new(format!("t distribution: {e}")))?
        .inverse_cdf(0.975);
    let half = t * sd / nf.sqrt();
    if !(bias.is_finite() && sd.is_finite() && half.is_finite()) {
        return Err(Undefined::new("a rating is not a finite number"));
    }
    Ok(BlandAltman {
        n,
        bias,
        bias_ci95: (bias - half, bias + half),
        sd,
        loa: (bias - 1.96 * sd, bias + 1.96 * sd),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bias_ci_and_limits_by_hand() {
        // Differences 1, 0, 2, 1: mean 1, SD sqrt(2/3), t(3, .975) = 3.182446.
        let p = [(3.0, 2.0), (2.0, 2.0), (5.0, 3.0), (2.0, 1.0)];
        let b = bland_altman(&p).unwrap();
        let sd = (2.0f64 / 3.0).sqrt();
        assert!((b.bias - 1.0).abs() < 1e-12 && (b.sd - sd).abs() < 1e-12);
        let half = 3.182446 * sd / 2.0;
        assert!((b.bias_ci95.0 - (1.0 - half)).abs() < 1e-5);
        assert!((b.loa.1 - (1.0 + 1.96 * sd)).abs() < 1e-12);
        assert!(bland_altman(&p[..1]).unwrap_err().reason.contains("n = 1"));
    }
}
