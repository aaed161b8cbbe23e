//! Drift of one coder on one domain: a two-sided CUSUM of the signed deviations from gold.
//!
//! A drift probe is a gold recording coded blind; its deviation on a domain is the coder's score
//! minus gold's (an integer for single-item domains). In probe order the upper and lower sums are
//!
//! ```text
//! S⁺ₜ = max(0, S⁺ₜ₋₁ + dₜ − k)        S⁻ₜ = max(0, S⁻ₜ₋₁ − dₜ − k)
//! ```
//!
//! and the domain is flagged at the first probe where either reaches `h` (Page 1954; Montgomery,
//! *Introduction to Statistical Quality Control*, ch. 9). `k` is half the shift to be detected
//! (0.25 for a bias of half a point); `h` sets the false-alarm rate.
//!
//! **Calibration** (simulated in this module's tests, 40,000 runs, and printed in README): an
//! unbiased coder's deviation is `round(N(0, 0.4))` on each of seven domains (exact agreement with
//! gold on about 79% of scores, within one point on 99.9%); a drifting coder has `round(N(0.5,
//! 0.4))` on one domain. With the defaults `k = 0.25`, `h = 3.25` a coder is flagged falsely on any
//! domain within 20 probes in about 3.5% of runs, and the drift is flagged within 6 probes in about
//! 12% of runs, within 10 in 46%, within 20 in 89%. A one-point bias is flagged within 6 probes
//! in about 92% of runs.
//!
//! **Why not "90% within 6 probes".** A half-point bias on integer scores shows as one point on
//! about every second probe. [`best_power`] computes, by Neyman–Pearson, the most any test can
//! detect after exactly 6 probes at a given false-alarm level, under the noise model above: even
//! for one domain, one direction and a 5% level spent on that single look, it is 77%; spread over
//! seven domains, 50%. Only a coder who matches gold exactly on more than about 95% of scores
//! (noise SD ≤ 0.25) could be held to 90% within 6 probes.
use super::Undefined;

/// The CUSUM's parameters (study.toml `[drift] k`, `h`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cusum {
    /// Allowance: deviations within ±k of zero do not accumulate.
    pub k: f64,
    /// Decision interval: a sum at or above `h` flags the domain.
    pub h: f64,
}

impl Default for Cusum {
    fn default() -> Self {
        Cusum { k: 0.25, h: 3.25 }
    }
}

impl Cusum {
    /// Refuses parameters that make no rule: `k` negative or `h` not positive.
    pub fn checked(k: f64, h: f64) -> Result<Cusum, Undefined> {
        if !k.is_finite() || !h.is_finite() || k < 0.0 || h <= 0.0 {
            return Err(Undefined::new(format!(
                "the drift rule needs k >= 0 and h > 0 (got k = {k}, h = {h})"
            )));
        }
        Ok(Cusum { k, h })
    }

    /// Runs the rule over `deviations` (coder − gold, in probe order).
    pub fn track(&self, deviations: &[f64]) -> Track {
        let mut upper = Vec::with_capacity(deviations.len());
        let mut lower = Vec::with_capacity(deviations.len());
        let (mut up, mut down) = (0.0_f64, 0.0_f64);
        let mut flag = None;
        for (i, d) in deviations.iter().enumerate() {
            up = (up + d - self.k).max(0.0);
            down = (down - d - self.k).max(0.0);
            upper.push(up);
            lower.push(down);
            if flag.is_none() {
                // A tiny slack: sums of quarters are exact, but k and h come from a file.
                if up >= self.h - 1e-9 {
                    flag = Some(Flag { probe: i + 1, direction: Direction::High });
                } else if down >= self.h - 1e-9 {
                    flag = Some(Flag { probe: i + 1, direction: Direction::Low });
                }
            }
        }
        let n = deviations.len();
        let mean = (n > 0).then(|| deviations.iter().sum::<f64>() / n as f64);
        Track { upper, lower, flag, mean }
    }
}

/// Which way a flagged coder drifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Scoring above gold.
    High,
    /// Scoring below gold.
    Low,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::High => "high",
            Direction::Low => "low",
        }
    }
}

/// The first probe at which the rule flagged, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag {
    pub probe: usize,
    pub direction: Direction,
}

/// The sums after every probe, and the first flag.
#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub upper: Vec<f64>,
    pub lower: Vec<f64>,
    pub flag: Option<Flag>,
    /// Mean signed deviation over all probes (`None` without probes).
    pub mean: Option<f64>,
}

impl Track {
    /// The larger of the two sums after the last probe (0 without probes).
    pub fn last(&self) -> f64 {
        let up = self.upper.last().copied().unwrap_or(0.0);
        let down = self.lower.last().copied().unwrap_or(0.0);
        up.max(down)
    }
}

/// The probability that `round(N(mean, sd))` equals `j`.
pub fn rounded_normal(mean: f64, sd: f64, j: i32) -> f64 {
    let z = |x: f64| (x - mean) / (sd * std::f64::consts::SQRT_2);
    let cdf = |x: f64| 0.5 * (1.0 + statrs::function::erf::erf(z(x)));
    cdf(f64::from(j) + 0.5) - cdf(f64::from(j) - 0.5)
}

/// The Neyman–Pearson bound: the highest probability with which any test, looking once after
/// `n` probes on one domain with false-alarm probability `alpha`, detects a shift of `shift`
/// points when deviations are `round(N(0, sd))` without and `round(N(shift, sd))` with it.
/// (Randomised at the boundary, so no deterministic rule can do better.)
pub fn best_power(n: usize, sd: f64, shift: f64, alpha: f64) -> f64 {
    let values: Vec<i32> = (-4..=4).collect();
    let p0: Vec<f64> = values.iter().map(|&j| rounded_normal(0.0, sd, j)).collect();
    let p1: Vec<f64> = values.iter().map(|&j| rounded_normal(shift, sd, j)).collect();
    // The likelihood ratio depends only on how many probes took each value: enumerate counts.
    let mut outcomes: Vec<(f64, f64)> = Vec::new(); // (probability without, with)
    let mut counts = vec![0usize; values.len()];
    compositions(n, 0, &mut counts, &mut |c| {
        let ways = multinomial(n, c);
        let a: f64 = c.iter().zip(&p0).map(|(&m, p)| p.powi(m as i32)).product::<f64>() * ways;
        let b: f64 = c.iter().zip(&p1).map(|(&m, p)| p.powi(m as i32)).product::<f64>() * ways;
        if a > 0.0 || b > 0.0 {
            outcomes.push((a, b));
        }
    });
    outcomes.sort_by(|x, y| {
        let rx = if x.0 > 0.0 { x.1 / x.0 } else { f64::INFINITY };
        let ry = if y.0 > 0.0 { y.1 / y.0 } else { f64::INFINITY };
        ry.total_cmp(&rx)
    });
    let (mut spent, mut power) = (0.0, 0.0);
    for (a, b) in outcomes {
        if spent + a <= alpha {
            spent += a;
            power += b;
        } else {
            power += b * (alpha - spent) / a;
            break;
        }
    }
    power
}

fn compositions(left: usize, at: usize, counts: &mut Vec<usize>, f: &mut dyn FnMut(&[usize])) {
    if at + 1 == counts.len() {
        counts[at] = left;
        f(counts);
        return;
    }
    for m in 0..=left {
        counts[at] = m;
        compositions(left - m, at + 1, counts, f);
    }
}

fn multinomial(n: usize, counts: &[usize]) -> f64 {
    let fact = |m: usize| (1..=m).map(|i| i as f64).product::<f64>();
    counts.iter().fold(fact(n), |acc, &m| acc / fact(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, Normal};

    const DOMAINS: usize = 7;

    /// Runs of `probes` probes for one coder on seven domains; `bias` on domain 0. Returns the
    /// share of runs flagged (on any domain) within `within` probes, for each `within`.
    fn simulate(rule: Cusum, sd: f64, bias: f64, probes: usize, within: &[usize]) -> Vec<f64> {
        let runs = 40_000;
        let mut rng = ChaCha8Rng::seed_from_u64(20261203);
        let noise = Normal::new(0.0, sd).expect("a valid sd");
        let mut hits = vec![0usize; within.len()];
        let mut devs = vec![vec![0.0; probes]; DOMAINS];
        for _ in 0..runs {
            for (d, row) in devs.iter_mut().enumerate() {
                let shift = if d == 0 { bias } else { 0.0 };
                for v in row.iter_mut() {
                    *v = (shift + noise.sample(&mut rng)).round();
                }
            }
            let first = devs.iter().filter_map(|row| rule.track(row).flag.map(|f| f.probe)).min();
            for (hit, w) in hits.iter_mut().zip(within) {
                if first.is_some_and(|p| p <= *w) {
                    *hit += 1;
                }
            }
        }
        hits.iter().map(|&h| h as f64 / runs as f64).collect()
    }

    #[test]
    fn the_default_rule_keeps_false_alarms_under_five_percent_over_20_probes() {
        let fa = simulate(Cusum::default(), 0.4, 0.0, 20, &[20]);
        assert!(fa[0] <= 0.05, "false-alarm rate {:.3}", fa[0]);
        assert!(fa[0] >= 0.02, "the rule is far stricter than documented: {:.3}", fa[0]);
    }

    #[test]
    fn the_default_rule_flags_a_half_point_bias_as_documented() {
        let det = simulate(Cusum::default(), 0.4, 0.5, 20, &[6, 10, 20]);
        // README and the module docs print these: about 12%, 46% and 89%.
        assert!((det[0] - 0.12).abs() < 0.03, "within 6: {:.3}", det[0]);
        assert!((det[1] - 0.46).abs() < 0.03, "within 10: {:.3}", det[1]);
        assert!((det[2] - 0.89).abs() < 0.03, "within 20: {:.3}", det[2]);
        let low = simulate(Cusum::default(), 0.4, -0.5, 20, &[20]);
        assert!((low[0] - 0.89).abs() < 0.03, "a low bias is found as often: {:.3}", low[0]);
    }

    #[test]
    fn the_default_rule_flags_a_one_point_bias_within_6_probes_nine_times_in_ten() {
        // What the issue's figure asks of a half-point bias holds for a one-point bias, at the
        // same false-alarm rate (README prints about 92%).
        let det = simulate(Cusum::default(), 0.4, 1.0, 6, &[6]);
        assert!(det[0] >= 0.9, "within 6: {:.3}", det[0]);
        assert!((det[0] - 0.92).abs() < 0.02, "within 6: {:.3}", det[0]);
    }

    #[test]
    fn a_consistent_coder_is_flagged_within_20_probes() {
        // Noise SD 0.2: exact agreement with gold on about 99% of scores. Even then a half-point
        // bias shows on only half the probes, so the default rule flags it within 6 probes less
        // often than 90% (the Neyman–Pearson bound in the next test says no rule does much
        // better); within 20 probes in about 89%.
        let fa = simulate(Cusum::default(), 0.2, 0.0, 20, &[20]);
        assert!(fa[0] <= 0.05, "false alarms {:.3}", fa[0]);
        let det = simulate(Cusum::default(), 0.2, 0.5, 20, &[6, 20]);
        assert!(det[0] < 0.9, "within 6: {:.3}", det[0]);
        assert!(det[1] >= 0.85, "within 20: {:.3}", det[1]);
    }

    #[test]
    fn no_rule_flags_a_half_point_bias_within_6_probes_at_realistic_noise() {
        // One domain, the direction known, a 5% false-alarm level spent on one look at probe 6:
        assert!((best_power(6, 0.4, 0.5, 0.05) - 0.775).abs() < 0.005);
        // seven domains (Bonferroni):
        assert!((best_power(6, 0.4, 0.5, 0.05 / 7.0) - 0.500).abs() < 0.005);
        // only near-perfect coders allow 90%:
        assert!(best_power(6, 0.25, 0.5, 0.05 / 7.0) < 0.9);
        assert!(best_power(6, 0.2, 0.5, 0.05 / 7.0) > 0.9);
    }

    #[test]
    fn sums_reset_at_zero_and_flag_the_first_crossing() {
        let t = Cusum { k: 0.25, h: 1.5 }.track(&[1.0, -1.0, 1.0, 1.0, 0.0]);
        assert_eq!(t.upper, vec![0.75, 0.0, 0.75, 1.5, 1.25]);
        assert_eq!(t.lower, vec![0.0, 0.75, 0.0, 0.0, 0.0]);
        assert_eq!(t.flag, Some(Flag { probe: 4, direction: Direction::High }));
        assert_eq!(t.mean, Some(0.4));
        let low = Cusum { k: 0.25, h: 1.5 }.track(&[-1.0, -1.0]);
        assert_eq!(low.flag, Some(Flag { probe: 2, direction: Direction::Low }));
        let none = Cusum::default().track(&[]);
        assert_eq!((none.flag, none.mean, none.last()), (None, None, 0.0));
    }

    #[test]
    fn parameters_that_make_no_rule_are_refused() {
        assert!(Cusum::checked(-0.1, 3.0).is_err());
        assert!(Cusum::checked(0.25, 0.0).is_err());
        assert!(Cusum::checked(f64::NAN, 3.0).is_err());
        assert_eq!(Cusum::checked(0.25, 3.25), Ok(Cusum::default()));
    }

    #[test]
    fn rounded_normal_sums_to_one_and_matches_known_values() {
        let total: f64 = (-6..=6).map(|j| rounded_normal(0.3, 0.7, j)).sum();
        assert!((total - 1.0).abs() < 1e-12);
        // P(|N(0,1)| < 0.5) = 0.382924922548026
        assert!((rounded_normal(0.0, 1.0, 0) - 0.382_924_922_548_026).abs() < 1e-12);
    }
}
