//! Reliability of the item kinds beyond the ordinal scale (issue #14), for two coders: nominal
//! items (a checklist feature present or absent, a classification's class) and counts (how often
//! a behaviour was logged, or a ratio of counts such as reflections to questions), plus the timing
//! agreement of logged events. Numbers in, numbers out; built from the same estimators as the
//! ordinal report, so the same conventions hold (irrCAC, sklearn, krippendorff, pingouin: see
//! `tests/reference/make_kinds.py`).
use super::agreement::agree;
use super::alpha::{Metric, alpha};
use super::gwet::{Coefficient, gwet};
use super::icc::{Icc, Model, Unit, icc, mean_squares};
use super::kappa::{Weights, kappa_from_table};
use super::{Stat, Undefined};

/// Agreement on a nominal item: each pair is the two coders' categories, `0..categories`.
#[derive(Debug, Clone, PartialEq)]
pub struct Nominal {
    /// Recordings both coders classed.
    pub n: usize,
    /// 100 × share of recordings with the same category.
    pub percent: Stat,
    /// Cohen's kappa, unweighted, over every declared category.
    pub kappa: Stat,
    /// Krippendorff's alpha, nominal metric.
    pub alpha: Stat,
    /// Gwet's AC1 with its standard error and 95% CI.
    pub ac1: Stat<Coefficient>,
}

/// [`Nominal`] agreement of `pairs` on `categories` declared categories (a checklist item has 2:
/// absent, present). A pair naming a category outside `0..categories` is refused.
pub fn nominal(pairs: &[(usize, usize)], categories: usize) -> Stat<Nominal> {
    if categories < 2 {
        return Err(Undefined::new("a nominal item needs at least 2 categories"));
    }
    if let Some((a, b)) = pairs.iter().find(|(a, b)| *a >= categories || *b >= categories) {
        return Err(Undefined::new(format!(
            "category {} is not one of the item's {categories}",
            (*a).max(*b)
        )));
    }
    let n = pairs.len();
    let units: Vec<Vec<Option<f64>>> =
        pairs.iter().map(|&(a, b)| vec![Some(a as f64), Some(b as f64)]).collect();
    let percent = agree(&units, 0.0).percent;
    let mut table = vec![0.0; categories * categories];
    for &(a, b) in pairs {
        table[a * categories + b] += 1.0;
    }
    let kappa = kappa_from_table(&table, categories, Weights::Unweighted);
    let alpha = alpha(&units, Metric::Nominal);
    let ac1 = gwet(&units, 0, categories as i64 - 1, Weights::Unweighted);
    Ok(Nominal { n, percent, kappa, alpha, ac1 })
}

/// Agreement on a count (or a ratio of counts): each pair is the two coders' values.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    pub n: usize,
    /// ICC(1,1): one-way random effects, single measures, with its F-based 95% CI.
    pub icc: Stat<Icc>,
    /// Krippendorff's alpha, interval metric.
    pub alpha: Stat,
}

/// [`Counts`] agreement of `pairs` (recordings where either value is undefined, e.g. a ratio
/// with no questions, are left out by the caller).
pub fn counts(pairs: &[(f64, f64)]) -> Counts {
    let rows: Vec<Vec<f64>> = pairs.iter().map(|&(a, b)| vec![a, b]).collect();
    let icc = if pairs.len() < 2 {
        Err(Undefined::new("an ICC needs at least 2 recordings coded by both coders"))
    } else {
        mean_squares(&rows).and_then(|ms| icc(&ms, Model::OneWay, Unit::Single))
    };
    let units: Vec<Vec<Option<f64>>> = pairs.iter().map(|&(a, b)| vec![Some(a), Some(b)]).collect();
    Counts { n: pairs.len(), icc, alpha: alpha(&units, Metric::Interval) }
}

/// How well two coders' logged events of one code line up in time.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Events of the first coder matched one-to-one with an event of the second within the window.
    pub matched: usize,
    pub only_first: usize,
    pub only_second: usize,
    /// 2 × matched / (events of both): 100 when every event has a partner, `undefined` when
    /// neither coder logged any.
    pub percent: Stat,
}

/// Matches `first` and `second` (event times in seconds) one-to-one where they are at most
/// `window` seconds apart, as many pairs as possible. On a line the greedy sweep (earliest
/// unmatched events first, pairing when within the window, else dropping the earlier) finds a
/// maximum matching: no other pairing matches more.
pub fn timing(first: &[f64], second: &[f64], window: f64) -> Timing {
    let mut a: Vec<f64> = first.iter().copied().filter(|x| x.is_finite()).collect();
    let mut b: Vec<f64> = second.iter().copied().filter(|x| x.is_finite()).collect();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut matched) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let d = a[i] - b[j];
        if d.abs() <= window + 1e-9 {
            matched += 1;
            i += 1;
            j += 1;
        } else if d < 0.0 {
            i += 1;
        } else {
            j += 1;
        }
    }
    let total = a.len() + b.len();
    let percent = if total == 0 {
        Err(Undefined::new("neither coder logged this code"))
    } else {
        Ok(200.0 * matched as f64 / total as f64)
    };
    Timing { matched, only_first: a.len() - matched, only_second: b.len() - matched, percent }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nominal_item_outside_its_categories_is_refused() {
        assert!(nominal(&[(0, 2)], 2).is_err());
        assert!(nominal(&[(0, 1)], 1).is_err());
        let n = nominal(&[], 3).expect("empty is a result");
        assert!(n.percent.is_err() && n.kappa.is_err());
    }

    #[test]
    fn timing_pairs_events_one_to_one_within_the_window() {
        // 10 pairs with 11 and 12.6 with 12.5; 30 and 35 are 5 s apart and stay unmatched.
        let t = timing(&[10.0, 12.6, 30.0], &[11.0, 12.5, 35.0], 2.0);
        assert_eq!((t.matched, t.only_first, t.only_second), (2, 1, 1));
        assert_eq!(t.percent, Ok(200.0 * 2.0 / 6.0));
        // The window is inclusive; nothing logged is undefined.
        assert_eq!(timing(&[1.0], &[3.0], 2.0).matched, 1);
        assert!(timing(&[], &[], 2.0).percent.is_err());
        assert_eq!(timing(&[1.0, 2.0], &[], 2.0).only_first, 2);
    }

    /// The largest matching by dynamic programming (an optimal matching on a line never crosses).
    fn best(a: &[f64], b: &[f64], w: f64) -> usize {
        let (mut a, mut b) = (a.to_vec(), b.to_vec());
        a.sort_by(f64::total_cmp);
        b.sort_by(f64::total_cmp);
        let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let pair = usize::from((a[i - 1] - b[j - 1]).abs() <= w + 1e-9);
                dp[i][j] = dp[i - 1][j].max(dp[i][j - 1]).max(dp[i - 1][j - 1] + pair);
            }
        }
        dp[a.len()][b.len()]
    }

    proptest::proptest! {
        #[test]
        fn the_sweep_finds_a_largest_matching(
            a in proptest::collection::vec(0u32..200, 0..12),
            b in proptest::collection::vec(0u32..200, 0..12),
        ) {
            let a: Vec<f64> = a.into_iter().map(|x| f64::from(x) / 4.0).collect();
            let b: Vec<f64> = b.into_iter().map(|x| f64::from(x) / 4.0).collect();
            proptest::prop_assert_eq!(timing(&a, &b, 2.0).matched, best(&a, &b, 2.0));
        }
    }

    #[test]
    fn counts_need_two_recordings_for_an_icc() {
        let c = counts(&[(3.0, 4.0)]);
        assert!(c.icc.is_err());
        let c = counts(&[(3.0, 4.0), (10.0, 9.0), (6.0, 6.0)]);
        assert!(c.icc.as_ref().is_ok_and(|i| i.value > 0.8), "{:?}", c.icc);
    }
}
