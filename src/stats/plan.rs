//! How many double-coded recordings give a 95% CI of a chosen width around an expected ICC, with
//! the F-based intervals the report uses (the expected F of an ICC ρ with k coders is
//! (1 + (k − 1)ρ) / (1 − ρ)).
use super::icc::{Unit, f_interval};
use super::{Stat, Undefined};

/// Most recordings searched.
const MAX_N: usize = 100_000;

/// The smallest n with its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub n: usize,
    pub ci95: (f64, f64),
}

/// Which form's degrees of freedom: one-way ICC(1,1) (df2 = n(k − 1)) or the two-way consistency
/// ICC(3,1) (df2 = (n − 1)(k − 1)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    OneWay,
    Crossed,
}

fn interval(rho: f64, n: usize, k: usize, design: Design) -> Stat<(f64, f64)> {
    let (nf, kf) = (n as f64, k as f64);
    let f0 = (1.0 + (kf - 1.0) * rho) / (1.0 - rho);
    let df2 = match design {
        Design::OneWay => nf * (kf - 1.0),
        Design::Crossed => (nf - 1.0) * (kf - 1.0),
    };
    f_interval(f0, nf - 1.0, df2, kf, Unit::Single)
}

/// The fewest recordings for which the 95% CI of an expected ICC `rho` is at most `width` wide.
pub fn plan(rho: f64, width: f64, k: usize, design: Design) -> Stat<Plan> {
    if !(rho.is_finite() && rho > 0.0 && rho < 1.0) {
        return Err(Undefined::new(format!("--icc {rho}: give an expected ICC between 0 and 1")));
    }
    if !(width.is_finite() && width > 0.0 && width < 2.0) {
        return Err(Undefined::new(format!("--width {width}: give a CI width between 0 and 2")));
    }
    if !(2..=100).contains(&k) {
        return Err(Undefined::new(format!("--coders {k}: give 2 to 100 coders per recording")));
    }
    let wide = |n: usize| interval(rho, n, k, design).map(|(lo, hi)| hi - lo > width);
    // The width shrinks as n grows: double to bracket, then bisect.
    let (mut lo, mut hi) = (2usize, 3usize);
    while wide(hi)? {
        if hi >= MAX_N {
            return Err(Undefined::new(format!(
                "more than {MAX_N} recordings would be needed for that width"
            )));
        }
        lo = hi;
        hi = (hi * 2).min(MAX_N);
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if wide(mid)? { lo = mid } else { hi = mid }
    }
    Ok(Plan { n: hi, ci95: interval(rho, hi, k, design)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrower_needs_more_and_the_answer_is_the_smallest() {
        let p = plan(0.75, 0.2, 2, Design::OneWay).unwrap();
        assert!(p.ci95.1 - p.ci95.0 <= 0.2);
        let before = interval(0.75, p.n - 1, 2, Design::OneWay).unwrap();
        assert!(before.1 - before.0 > 0.2);
        let wider = plan(0.75, 0.4, 2, Design::OneWay).unwrap();
        assert!(wider.n < p.n);
        let three = plan(0.75, 0.2, 3, Design::OneWay).unwrap();
        assert!(three.n < p.n);
        assert!(plan(1.2, 0.2, 2, Design::OneWay).is_err());
        assert!(plan(0.7, 0.0, 2, Design::OneWay).is_err());
    }
}
