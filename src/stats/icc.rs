//! Intraclass correlations (Shrout & Fleiss 1979; McGraw & Wong 1996) from the mean squares of a
//! complete n recordings × k coders table, with F tests and 95% confidence intervals.
//!
//! - ICC(1,1) / ICC(1,k): one-way random — the right form when different pairs of coders code
//!   different recordings;
//! - ICC(2,1) / ICC(2,k): two-way random, absolute agreement — the same coders on every recording;
//!   CI by McGraw & Wong's approximate F (Satterthwaite df), the average form's CI by Spearman–Brown
//!   of the single-measure bounds (as R `psych::ICC`);
//! - ICC(3,1) / ICC(3,k): two-way mixed, consistency.
use statrs::distribution::{ContinuousCDF, FisherSnedecor};

use super::{Stat, Undefined, undefined::finite};

/// The two-way ANOVA mean squares of a complete table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanSquares {
    /// Recordings (rows).
    pub n: usize,
    /// Coders (columns).
    pub k: usize,
    /// Between recordings.
    pub msr: f64,
    /// Within recordings (one-way residual).
    pub msw: f64,
    /// Between coders (columns).
    pub msc: f64,
    /// Two-way residual.
    pub mse: f64,
}

/// Which ICC model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// ICC(1): one-way random effects.
    OneWay,
    /// ICC(2) = ICC(A): two-way random effects, absolute agreement.
    Absolute,
    /// ICC(3) = ICC(C): two-way mixed effects, consistency.
    Consistency,
}

/// Reliability of one coder's rating, or of the mean of the k coders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Single,
    Average,
}

/// An ICC estimate with its F test and 95% CI.
#[derive(Debug, Clone, PartialEq)]
pub struct Icc {
    pub value: f64,
    pub ci95: Stat<(f64, f64)>,
    /// The F statistic (MSR/MSW one-way, MSR/MSE two-way).
    pub f: Stat,
    pub df1: f64,
    pub df2: f64,
}

/// Mean squares of `rows` (each a recording's k ratings; every row must have the same length).
pub fn mean_squares(rows: &[Vec<f64>]) -> Stat<MeanSquares> {
    let n = rows.len();
    let k = rows.first().map_or(0, Vec::len);
    if n < 2 {
        return Err(Undefined::new(format!(
            "needs at least 2 recordings with every rating (n = {n})"
        )));
    }
    if k < 2 {
        return Err(Undefined::new("needs at least 2 coders per recording"));
    }
    if rows.iter().any(|r| r.len() != k) {
        return Err(Undefined::new("recordings have different numbers of ratings"));
    }
    if rows.iter().flatten().any(|x| !x.is_finite()) {
        return Err(Undefined::new("a rating is not a finite number"));
    }
    let (nf, kf) = (n as f64, k as f64);
    let grand = rows.iter().flatten().sum::<f64>() / (nf * kf);
    let sst: f64 = rows.iter().flatten().map(|x| (x - grand).powi(2)).sum();
    let ssr: f64 =
        rows.iter().map(|r| (r.iter().sum::<f64>() / kf - grand).powi(2)).sum::<f64>() * kf;
    let ssc: f64 = (0..k)
        .map(|j| {
            let m = rows.iter().filter_map(|r| r.get(j)).sum::<f64>() / nf;
            (m - grand).powi(2)
        })
        .sum::<f64>()
        * nf;
    // Differences of sums: clamp rounding noise so a perfect table gives exactly zero.
    let tiny = 1e-12 * sst.max(1.0);
    let clamp = |x: f64| if x.abs() < tiny { 0.0 } else { x.max(0.0) };
    let ssw = clamp(sst - ssr);
    let sse = clamp(sst - ssr - ssc);
    Ok(MeanSquares {
        n,
        k,
        msr: ssr / (nf - 1.0),
        msw: ssw / (nf * (kf - 1.0)),
        msc: ssc / (kf - 1.0),
        mse: sse / ((nf - 1.0) * (kf - 1.0)),
    })
}

/// The ICC of `model` and `unit` from mean squares.
///
/// A zero residual (MSW one-way, MSE two-way) is not an error: the F statistic is then infinite
/// (reported as undefined, with what is so), ICC(1,·) and ICC(3,·) have the limit interval [1, 1],
/// and ICC(2,·) keeps McGraw & Wong's interval, whose Satterthwaite df tends to k − 1.
pub fn icc(ms: &MeanSquares, model: Model, unit: Unit) -> Stat<Icc> {
    let MeanSquares { n, k, msr, msw, msc, mse } = *ms;
    let (nf, kf) = (n as f64, k as f64);
    if n < 2 || k < 2 {
        return Err(Undefined::new("needs at least 2 recordings and 2 coders"));
    }
    if msr <= 0.0 && msw <= 0.0 {
        return Err(Undefined::new("no variance: every rating is the same"));
    }
    let same_mean = || {
        Undefined::new("no variance between recordings: every recording has the same mean rating")
    };
    let (value, resid, df2) = match (model, unit) {
        (Model::OneWay, Unit::Single) => {
            ((msr - msw) / (msr + (kf - 1.0) * msw), msw, nf * (kf - 1.0))
        }
        (Model::OneWay, Unit::Average) => {
            if msr <= 0.0 {
                return Err(same_mean());
            }
            ((msr - msw) / msr, msw, nf * (kf - 1.0))
        }
        (Model::Absolute, Unit::Single) => {
            let d = msr + (kf - 1.0) * mse + kf * (msc - mse) / nf;
            if d <= 0.0 {
                return Err(Undefined::new(
                    "undefined: the denominator MSR + (k − 1)·MSE + k·(MSC − MSE)/n is not positive (the recordings do not differ and the coder effect does not exceed the residual)",
                ));
            }
            ((msr - mse) / d, mse, (nf - 1.0) * (kf - 1.0))
        }
        (Model::Absolute, Unit::Average) => {
            let d = msr + (msc - mse) / nf;
            if d <= 0.0 {
                return Err(Undefined::new(format!(
                    "undefined: the denominator MSR + (MSC − MSE)/n = {d:.4} is not positive (the recordings differ less than the residual noise)"
                )));
            }
            ((msr - mse) / d, mse, (nf - 1.0) * (kf - 1.0))
        }
        (Model::Consistency, Unit::Single) => {
            let d = msr + (kf - 1.0) * mse;
            if d <= 0.0 {
                return Err(Undefined::new(
                    "no variance between recordings: each coder gave every recording the same score",
                ));
            }
            ((msr - mse) / d, mse, (nf - 1.0) * (kf - 1.0))
        }
        (Model::Consistency, Unit::Average) => {
            if msr <= 0.0 {
                return Err(same_mean());
            }
            ((msr - mse) / msr, mse, (nf - 1.0) * (kf - 1.0))
        }
    };
    let value = finite(value, "the ICC is not a finite number for these data")?;
    let df1 = nf - 1.0;
    if resid <= 0.0 {
        return Ok(zero_residual(ms, model, unit, value, df1, df2));
    }
    let f = finite(msr / resid, "the F statistic is not a finite number for these data");
    let ci95 = match &f {
        Err(e) => Err(e.clone()),
        Ok(f) => match model {
            Model::OneWay | Model::Consistency => f_interval(*f, df1, df2, kf, unit),
            Model::Absolute => absolute_interval(ms, value, unit),
        },
    };
    Ok(Icc { value, ci95, f, df1, df2 })
}

/// The result when the residual mean square is zero: F is infinite; the interval is the limit
/// [1, 1] for ICC(1,·) and ICC(3,·) (and for perfect agreement), McGraw & Wong's for ICC(2,·).
fn zero_residual(
    ms: &MeanSquares,
    model: Model,
    unit: Unit,
    value: f64,
    df1: f64,
    df2: f64,
) -> Icc {
    let exact = model == Model::OneWay || ms.msc <= 0.0;
    let what = if exact {
        "the coders agree exactly on every recording"
    } else {
        "the coders' scores differ by the same amount on every recording (perfect consistency, not agreement)"
    };
    let resid = if model == Model::OneWay { "MSW" } else { "MSE" };
    let f = Err(Undefined::new(format!("F is infinite: {resid} = 0 because {what}")));
    let ci95 = match model {
        Model::Absolute if !exact => absolute_interval(ms, value, unit),
        _ => Ok((1.0, 1.0)),
    };
    Icc { value, ci95, f, df1, df2 }
}
/// The upper 97.5% quantile of F(df1, df2).
fn f975(df1: f64, df2: f64) -> Stat {
    if !(df1.is_finite() && df2.is_finite() && df1 > 0.0 && df2 > 0.0) {
        return Err(Undefined::new("degrees of freedom out of range for the F distribution"));
    }
    let dist = FisherSnedecor::new(df1, df2)
        .map_err(|e| Undefined::new(format!("F distribution: {e}")))?;
    finite(dist.inverse_cdf(0.975), "F quantile out of range")
}

/// The F-based interval of the one-way and consistency forms (F observed or expected).
pub fn f_interval(f: f64, df1: f64, df2: f64, k: f64, unit: Unit) -> Stat<(f64, f64)> {
    let fl = f / f975(df1, df2)?;
    let fu = f * f975(df2, df1)?;
    let (lo, hi) = match unit {
        Unit::Single => ((fl - 1.0) / (fl + k - 1.0), (fu - 1.0) / (fu + k - 1.0)),
        Unit::Average => (1.0 - 1.0 / fl, 1.0 - 1.0 / fu),
    };
    bounds(lo, hi)
}

/// McGraw & Wong (1996) interval for absolute agreement, in their a, b form of the Satterthwaite
/// df (defined when MSE = 0, where it tends to k − 1); the same numbers as R `psych::ICC` and
/// pingouin when MSE > 0. The average form's bounds are the single form's by Spearman–Brown.
fn absolute_interval(ms: &MeanSquares, rho: f64, unit: Unit) -> Stat<(f64, f64)> {
    let MeanSquares { n, k, msr, msc, mse, .. } = *ms;
    let (nf, kf) = (n as f64, k as f64);
    // `rho` is the single-measure ICC(2,1) even for the average form.
    let rho = if unit == Unit::Average {
        (msr - mse) / (msr + (kf - 1.0) * mse + kf * (msc - mse) / nf)
    } else {
        rho
    };
    if rho >= 1.0 {
        return Ok((1.0, 1.0));
    }
    let a = kf * rho / (nf * (1.0 - rho));
    let b = 1.0 + kf * rho * (nf - 1.0) / (nf * (1.0 - rho));
    let num = (a * msc + b * mse).powi(2);
    let den = (a * msc).powi(2) / (kf - 1.0) + (b * mse).powi(2) / ((nf - 1.0) * (kf - 1.0));
    let v = finite(
        num / den,
        "interval undefined: the Satterthwaite degrees of freedom are not defined for these mean squares",
    )?;
    let fu = f975(nf - 1.0, v)?;
    let fl = f975(v, nf - 1.0)?;
    let c = kf * msc + (kf * nf - kf - nf) * mse;
    let lo = nf * (msr - fu * mse) / (fu * c + nf * msr);
    let hi = nf * (fl * msr - mse) / (c + nf * fl * msr);
    match unit {
        Unit::Single => bounds(lo, hi),
        Unit::Average => {
            // Spearman–Brown is only monotone above −1/(k − 1): below it the average form's
            // bound is unbounded, so the interval is reported as undefined rather than nonsense.
            if 1.0 + lo * (kf - 1.0) <= 0.0 {
                return Err(Undefined::new(
                    "interval undefined: the single-measure lower bound is below −1/(k − 1), where the average form is unbounded (too few or too discordant ratings)",
                ));
            }
            let sb = |x: f64| x * kf / (1.0 + x * (kf - 1.0));
            bounds(sb(lo), sb(hi))
        }
    }
}

fn bounds(lo: f64, hi: f64) -> Stat<(f64, f64)> {
    let reason = "interval undefined for these data";
    let (lo, hi) = (finite(lo, reason)?, finite(hi, reason)?);
    if lo > hi {
        return Err(Undefined::new(reason));
    }
    Ok((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sf() -> Vec<Vec<f64>> {
        [
            [9., 2., 5., 8.],
            [6., 1., 3., 2.],
            [8., 4., 6., 8.],
            [7., 1., 2., 6.],
            [10., 5., 6., 9.],
            [6., 2., 4., 7.],
        ]
        .iter()
        .map(|r| r.to_vec())
        .collect()
    }

    #[test]
    fn shrout_fleiss_mean_squares() {
        let ms = mean_squares(&sf()).unwrap();
        assert!((ms.msr - 11.241667).abs() < 1e-5);
        assert!((ms.msw - 6.263889).abs() < 1e-5);
        assert!((ms.msc - 32.486111).abs() < 1e-5);
        assert!((ms.mse - 1.019444).abs() < 1e-5);
    }

    #[test]
    fn perfect_agreement_is_one_with_the_limit_interval() {
        let rows = vec![vec![1.0, 1.0], vec![3.0, 3.0], vec![5.0, 5.0]];
        let ms = mean_squares(&rows).unwrap();
        for m in [Model::OneWay, Model::Absolute, Model::Consistency] {
            for u in [Unit::Single, Unit::Average] {
                let i = icc(&ms, m, u).unwrap();
                assert_eq!(i.value, 1.0, "{m:?} {u:?}");
                assert_eq!(i.ci95, Ok((1.0, 1.0)), "{m:?} {u:?}");
                let e = i.f.unwrap_err();
                assert!(e.reason.contains("agree exactly"), "{m:?} {u:?}: {e}");
            }
        }
    }

    #[test]
    fn zero_mse_offset_keeps_the_absolute_interval() {
        // b = a + 1 on ten recordings: exact agreement 0%, MSE = 0, ICC(2,1) = 0.7.
        let a = [1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 4.0];
        let rows: Vec<Vec<f64>> = a.iter().map(|&x| vec![x, x + 1.0]).collect();
        let ms = mean_squares(&rows).unwrap();
        assert_eq!(ms.mse, 0.0);
        let a1 = icc(&ms, Model::Absolute, Unit::Single).unwrap();
        assert!((a1.value - 0.7).abs() < 1e-12);
        let (lo, hi) = a1.ci95.unwrap();
        assert!((lo - 0.002416).abs() < 1e-6 && (hi - 0.943889).abs() < 1e-6, "{lo} {hi}");
        let ak = icc(&ms, Model::Absolute, Unit::Average).unwrap();
        let (lo, hi) = ak.ci95.unwrap();
        assert!((lo - 0.004821).abs() < 1e-6 && (hi - 0.971134).abs() < 1e-6, "{lo} {hi}");
        let e = a1.f.unwrap_err();
        assert!(e.reason.contains("consistency") && !e.reason.contains("agree exactly"), "{e}");
        for u in [Unit::Single, Unit::Average] {
            let c = icc(&ms, Model::Consistency, u).unwrap();
            assert_eq!(c.value, 1.0);
            assert_eq!(c.ci95, Ok((1.0, 1.0)));
        }
    }

    #[test]
    fn mirrored_scores_say_what_is_so() {
        // (1,5),(5,1),(2,4),(4,2): every recording's mean is 3, the residual is not zero.
        let rows = vec![vec![1.0, 5.0], vec![5.0, 1.0], vec![2.0, 4.0], vec![4.0, 2.0]];
        let ms = mean_squares(&rows).unwrap();
        assert!(ms.mse > 0.0 && ms.msr == 0.0);
        for (m, u) in [(Model::Absolute, Unit::Single), (Model::Consistency, Unit::Single)] {
            if let Ok(i) = icc(&ms, m, u)
                && let Err(e) = &i.ci95
            {
                assert!(!e.reason.contains("residual variance"), "{m:?}: {e}");
            }
        }
        let e = icc(&ms, Model::Absolute, Unit::Average).unwrap_err();
        assert!(e.reason.contains("not positive") && !e.reason.contains("every rating"), "{e}");
        let e = icc(&ms, Model::Consistency, Unit::Average).unwrap_err();
        assert!(e.reason.contains("same mean"), "{e}");
    }

    #[test]
    fn constant_offset_is_consistent_but_not_absolute() {
        let rows = vec![vec![1.0, 2.0], vec![2.0, 3.0], vec![3.0, 4.0], vec![4.0, 5.0]];
        let ms = mean_squares(&rows).unwrap();
        let c = icc(&ms, Model::Consistency, Unit::Single).unwrap();
        assert!((c.value - 1.0).abs() < 1e-12);
        let a = icc(&ms, Model::Absolute, Unit::Single).unwrap();
        assert!(a.value < 1.0 && a.value > 0.0);
    }

    #[test]
    fn zero_variance_is_undefined() {
        let rows = vec![vec![3.0, 3.0], vec![3.0, 3.0], vec![3.0, 3.0]];
        let ms = mean_squares(&rows).unwrap();
        for m in [Model::OneWay, Model::Absolute, Model::Consistency] {
            for u in [Unit::Single, Unit::Average] {
                let e = icc(&ms, m, u).unwrap_err();
                assert!(e.reason.contains("variance"), "{m:?} {u:?}: {e}");
            }
        }
    }

    #[test]
    fn too_few_recordings_is_undefined() {
        assert!(mean_squares(&[vec![1.0, 2.0]]).unwrap_err().reason.contains("n = 1"));
        assert!(mean_squares(&[]).is_err());
        assert!(mean_squares(&[vec![1.0], vec![2.0]]).is_err());
        assert!(mean_squares(&[vec![1.0, 2.0], vec![2.0]]).is_err());
    }
}
