//! Percentage agreement with R `irr::agree` semantics: subjects with any missing rating are dropped;
//! a subject agrees when the range (max − min) of its ratings is within the tolerance. A tolerance
//! of 0 gives exact agreement.
use super::{Stat, Undefined};

/// Slack for floating-point noise in means (e.g. composites): 3.6667 − 2.6667 must count as 1.
const EPS: f64 = 1e-9;

/// The result of [`agree`].
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Subjects with every rating present.
    pub n: usize,
    /// Of those, subjects within tolerance.
    pub agreeing: usize,
    /// 100 × agreeing / n.
    pub percent: Stat,
    /// Indices (into the input) of complete subjects outside tolerance.
    pub outside: Vec<usize>,
}

/// Agreement of `subjects` (one slice of ratings per subject, `None` = missing) within `tolerance`.
pub fn agree(subjects: &[Vec<Option<f64>>], tolerance: f64) -> Agreement {
    let mut n = 0;
    let mut agreeing = 0;
    let mut outside = Vec::new();
    for (i, s) in subjects.iter().enumerate() {
        let Some(values) = complete(s) else { continue };
        if values.len() < 2 {
            continue;
        }
        n += 1;
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        if max - min <= tolerance + EPS {
            agreeing += 1;
        } else {
            outside.push(i);
        }
    }
    let percent = if n == 0 {
        Err(Undefined::new("no recording has every rating"))
    } else {
        Ok(100.0 * agreeing as f64 / n as f64)
    };
    Agreement { n, agreeing, percent, outside }
}

/// The ratings of a subject when none is missing.
pub fn complete(s: &[Option<f64>]) -> Option<Vec<f64>> {
    s.iter().map(|v| v.filter(|x| x.is_finite())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[Option<f64>]) -> Vec<Option<f64>> {
        v.to_vec()
    }

    #[test]
    fn drops_incomplete_subjects_and_counts_range() {
        let data = vec![
            s(&[Some(1.0), Some(2.0)]),
            s(&[Some(1.0), Some(3.0)]),
            s(&[Some(4.0), None]),
            s(&[Some(5.0), Some(5.0)]),
        ];
        let a = agree(&data, 1.0);
        assert_eq!(a.n, 3);
        assert_eq!(a.agreeing, 2);
        assert_eq!(a.outside, vec![1]);
        assert!((a.percent.unwrap() - 200.0 / 3.0).abs() < 1e-12);
        let exact = agree(&data, 0.0);
        assert_eq!(exact.agreeing, 1);
    }

    #[test]
    fn three_raters_use_the_range() {
        let data = vec![s(&[Some(1.0), Some(2.0), Some(3.0)])];
        assert_eq!(agree(&data, 1.0).agreeing, 0);
        assert_eq!(agree(&data, 2.0).agreeing, 1);
    }

    #[test]
    fn composite_means_within_one_despite_rounding() {
        let a = (4.0 + 4.0 + 3.0) / 3.0;
        let b = (3.0 + 3.0 + 2.0) / 3.0;
        let data = vec![s(&[Some(a), Some(b)])];
        assert_eq!(agree(&data, 1.0).agreeing, 1);
    }

    #[test]
    fn nothing_complete_is_undefined() {
        let data = vec![s(&[Some(1.0), None]), s(&[None, None])];
        let a = agree(&data, 1.0);
        assert_eq!(a.n, 0);
        assert!(a.percent.is_err());
        assert!(agree(&[], 1.0).percent.is_err());
    }
}
