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

/// The coincidence matrix of the pairable values, kept as its non-empty cells (a continuous
/// measure such as the behaviour-change share has hundreds of distinct values, and a dense
/// matrix of them would be mostly zeros), with the marginals the metric's distances need.
struct Coincidences {
    metric: Metric,
    /// Distinct values, sorted.
    values: Vec<f64>,
    /// The non-empty cells c <= k with o_ck (o is symmetric), in (c, k) order.
    cells: Vec<(usize, usize, f64)>,
    marg: Vec<f64>,
    /// cum[i] = marg[0] + … + marg[i - 1]: the ordinal distance needs the marginals between two
    /// values, and summing them for every pair was cubic in the number of distinct values.
    cum: Vec<f64>,
    /// n..: the pairable values.
    n: f64,
    /// Unordered pairs of values compared within units: Σ m_u (m_u − 1) / 2.
    pairs: f64,
}

impl Coincidences {
    fn new(units: &[Vec<Option<f64>>], metric: Metric) -> Stat<Self> {
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
        let mut o: std::collections::BTreeMap<(usize, usize), f64> = Default::default();
        let mut pairs = 0.0;
        for u in &pairable {
            let m = u.len() as f64;
            pairs += m * (m - 1.0) / 2.0;
            let ix: Vec<usize> = u.iter().map(|&x| index(x)).collect();
            for (i, &a) in ix.iter().enumerate() {
                for &b in &ix[i + 1..] {
                    // The ordered pairs (a, b) and (b, a): both land on a diagonal cell, or one
                    // each on o_ab and o_ba, kept once as the upper cell.
                    let (cell, add) =
                        if a == b { ((a, a), 2.0) } else { ((a.min(b), a.max(b)), 1.0) };
                    *o.entry(cell).or_default() += add / (m - 1.0);
                }
            }
        }
        let mut marg = vec![0.0f64; v];
        for (&(c, k), &x) in &o {
            marg[c] += x;
            if c != k {
                marg[k] += x;
            }
        }
        let n: f64 = marg.iter().sum();
        let cum: Vec<f64> = std::iter::once(0.0)
            .chain(marg.iter().scan(0.0, |acc, m| {
                *acc += m;
                Some(*acc)
            }))
            .collect();
        let cells = o.into_iter().map(|((c, k), x)| (c, k, x)).collect();
        Ok(Coincidences { metric, values, cells, marg, cum, n, pairs })
    }

    /// The metric's squared distance between the values `c < k`.
    fn delta(&self, c: usize, k: usize) -> f64 {
        if c == k {
            return 0.0;
        }
        let (a, b) = (self.values[c], self.values[k]);
        match self.metric {
            Metric::Nominal => 1.0,
            Metric::Interval => (a - b).powi(2),
            Metric::Ratio => {
                let s = a + b;
                if s == 0.0 { 0.0 } else { ((a - b) / s).powi(2) }
            }
            Metric::Ordinal => {
                let (lo, hi) = if c < k { (c, k) } else { (k, c) };
                let between = self.cum[hi + 1] - self.cum[lo];
                (between - (self.marg[lo] + self.marg[hi]) / 2.0).powi(2)
            }
        }
    }

    /// (Σ o·δ, Σ n_c n_k δ) over the whole (symmetric) matrix.
    fn disagreements(&self) -> (f64, f64) {
        let observed: f64 = self.cells.iter().map(|&(c, k, x)| 2.0 * x * self.delta(c, k)).sum();
        let v = self.values.len();
        let mut expected = 0.0;
        for c in 0..v {
            for k in c + 1..v {
                expected += 2.0 * self.marg[c] * self.marg[k] * self.delta(c, k);
            }
        }
        (observed, expected)
    }

    /// Alpha from this matrix's (Σ o·δ, Σ n_c n_k δ).
    fn alpha(&self, (observed, expected): (f64, f64)) -> Stat {
        if expected <= 0.0 {
            return Err(Undefined::new(NO_VARIANCE));
        }
        let a = 1.0 - (self.n - 1.0) * observed / expected;
        super::undefined::finite(a, "alpha is not a finite number for these data")
    }
}

const NO_VARIANCE: &str = "no variance: every rating is the same";

/// Alpha for `units` (each unit's values, one per coder slot; `None` = missing).
pub fn alpha(units: &[Vec<Option<f64>>], metric: Metric) -> Stat {
    let co = Coincidences::new(units, metric)?;
    co.alpha(co.disagreements())
}

/// Alpha and its bootstrap from one coincidence matrix (what the report shows per metric).
pub fn alpha_and_bootstrap(
    units: &[Vec<Option<f64>>],
    metric: Metric,
    resamples: usize,
    seed: u64,
) -> (Stat, Stat<AlphaBoot>) {
    match Coincidences::new(units, metric) {
        Ok(co) => {
            let d = co.disagreements();
            (co.alpha(d), bootstrap(&co, d.1, resamples, seed))
        }
        Err(e) => (Err(e.clone()), Err(e)),
    }
}

/// The bootstrapped distribution of alpha (Hayes & Krippendorff 2007; Krippendorff's algorithm).
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaBoot {
    /// Percentile 95% interval of the resampled alphas.
    pub ci95: (f64, f64),
    /// Share of resamples below 0.667 and below 0.80 (the probability of failing to reach them).
    pub p_below_667: f64,
    pub p_below_800: f64,
    pub resamples: usize,
    /// Pairs of values drawn per resample.
    pub draws: usize,
    pub seed: u64,
}

/// Bootstraps alpha after Hayes & Krippendorff (2007): each of `resamples` resamples draws M pairs
/// of values with replacement from the observed coincidences (M = the number of pairs compared
/// within units, capped at 25 × the non-empty cells as in Krippendorff's algorithm) and computes
/// 1 − ΣΔ / (M · De) with the original expected disagreement De; values below −1 count as −1, and
/// a resample whose pairs all come from one diagonal cell (alpha indeterminate) counts as 0.
/// The same `seed` gives the same numbers.
pub fn alpha_bootstrap(
    units: &[Vec<Option<f64>>],
    metric: Metric,
    resamples: usize,
    seed: u64,
) -> Stat<AlphaBoot> {
    let co = Coincidences::new(units, metric)?;
    bootstrap(&co, co.disagreements().1, resamples, seed)
}

/// The bootstrap of `co`, whose expected disagreement Σ n_c n_k δ is `expected`.
fn bootstrap(co: &Coincidences, expected: f64, resamples: usize, seed: u64) -> Stat<AlphaBoot> {
    use rand::SeedableRng;
    if expected <= 0.0 {
        return Err(Undefined::new(NO_VARIANCE));
    }
    if resamples < 2 {
        return Err(Undefined::new("needs at least 2 resamples"));
    }
    let de = expected / (co.n * (co.n - 1.0));
    // Cells c <= k with weight o_ck (diagonal) or 2 o_ck (off-diagonal), drawn by the alias
    // method: one draw costs the same whatever the number of cells (a continuous measure such as
    // the behaviour-change share has hundreds).
    let weights: Vec<f64> =
        co.cells.iter().map(|&(c, k, o)| if c == k { o } else { 2.0 * o }).collect();
    let cells: Vec<(f64, bool)> =
        co.cells.iter().map(|&(c, k, _)| (co.delta(c, k), c == k)).collect();
    let q = cells.len() as f64;
    let draws = co.pairs.min(25.0 * q).round().max(1.0) as usize;
    let draw = Resampler::new(&weights, draws);
    // Resamples in fixed chunks, each from its own stream of the seeded generator, spread over the
    // cores: the numbers depend on the seed only, never on how many cores there are.
    let chunks: Vec<(u64, usize)> = (0..resamples.div_ceil(CHUNK))
        .map(|c| (c as u64, CHUNK.min(resamples - c * CHUNK)))
        .collect();
    let mut alphas: Vec<f64> = crate::par::map(&chunks, |&(chunk, n)| {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(chunk);
        (0..n)
            .map(|_| {
                let (sum, one_diagonal) = draw.resample(&mut rng, &cells);
                if one_diagonal { 0.0 } else { (1.0 - sum / (draws as f64 * de)).max(-1.0) }
            })
            .collect::<Vec<f64>>()
    })
    .concat();
    alphas.sort_by(f64::total_cmp);
    let x = resamples as f64;
    let lo = ((0.025 * x).floor() as usize).max(1) - 1;
    let hi = ((0.975 * x).floor() as usize + 1).min(resamples) - 1;
    let below = |m: f64| alphas.iter().filter(|&&a| a < m).count() as f64 / x;
    Ok(AlphaBoot {
        ci95: (alphas[lo], alphas[hi]),
        p_below_667: below(0.667),
        p_below_800: below(0.80),
        resamples,
        draws,
        seed,
    })
}

/// Resamples per chunk of the bootstrap (one random stream each).
const CHUNK: usize = 100;

/// How a resample draws its `draws` pairs of values from the cells: one by one (many cells), or
/// as the multinomial counts of the cells by successive binomials (few cells: a five-point scale
/// has 15 cells against hundreds of pairs). Both give the same distribution of resamples.
enum Resampler {
    PerDraw { alias: Alias, draws: usize },
    Counts { cells: Vec<(usize, f64)>, draws: u64 },
}

impl Resampler {
    fn new(weights: &[f64], draws: usize) -> Resampler {
        if weights.len() * 8 > draws {
            return Resampler::PerDraw { alias: Alias::new(weights), draws };
        }
        let total: f64 = weights.iter().sum();
        let mut cells: Vec<(usize, f64)> =
            weights.iter().enumerate().map(|(i, w)| (i, w / total)).collect();
        // The likeliest cells first: the pairs are used up sooner.
        cells.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Resampler::Counts { cells, draws: draws as u64 }
    }

    /// One resample: the sum of the drawn pairs' distances, and whether every pair came from one
    /// diagonal cell. `cells[i]` = (distance, diagonal).
    fn resample(&self, rng: &mut rand_chacha::ChaCha8Rng, cells: &[(f64, bool)]) -> (f64, bool) {
        use rand::RngCore;
        use rand::distr::Distribution;
        match self {
            Resampler::PerDraw { alias, draws } => {
                let first = alias.sample(rng.next_u64());
                let mut sum = cells[first].0;
                let mut same = true;
                for _ in 1..*draws {
                    let i = alias.sample(rng.next_u64());
                    sum += cells[i].0;
                    same &= i == first;
                }
                (sum, same && cells[first].1)
            }
            Resampler::Counts { cells: order, draws } => {
                let (mut left, mut rest) = (*draws, 1.0f64);
                let (mut sum, mut used, mut diagonal) = (0.0, 0usize, false);
                for (n, &(i, p)) in order.iter().enumerate() {
                    if left == 0 {
                        break;
                    }
                    let count = if n + 1 == order.len() {
                        left
                    } else {
                        let q = (p / rest).clamp(0.0, 1.0);
                        rand_distr::Binomial::new(left, q).map_or(0, |b| b.sample(rng))
                    };
                    rest -= p;
                    if count > 0 {
                        left -= count.min(left);
                        sum += count as f64 * cells[i].0;
                        used += 1;
                        diagonal = cells[i].1;
                    }
                }
                (sum, used == 1 && diagonal)
            }
        }
    }
}

/// Walker's alias method (Vose's construction) for drawing cell `i` with probability
/// `weights[i] / Σ weights` from one random `u64`: the high part of `x · n` picks a column, the low
/// part (uniform in [0, 2⁶⁴)) decides between the column and its alias. A draw costs the same
/// whatever the number of cells.
struct Alias {
    /// The chance, out of 2⁶⁴, that column `i` gives `i` rather than `alias[i]`.
    keep: Vec<u64>,
    alias: Vec<usize>,
}

impl Alias {
    /// `weights` are positive and not all zero (the coincidences' non-empty cells).
    fn new(weights: &[f64]) -> Alias {
        let n = weights.len();
        let total: f64 = weights.iter().sum();
        let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
        let mut keep = vec![u64::MAX; n];
        let mut alias: Vec<usize> = (0..n).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) =
            (0..n).partition(|&i| scaled[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            // 2⁶⁴ · p, saturating: p < 1 here.
            keep[s] = (scaled[s] * 18_446_744_073_709_551_616.0) as u64;
            alias[s] = l;
            scaled[l] -= 1.0 - scaled[s];
            if scaled[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // What is left (in `large`, or in `small` by rounding) keeps its own column always.
        Alias { keep, alias }
    }

    fn sample(&self, x: u64) -> usize {
        let wide = u128::from(x) * self.keep.len() as u128;
        let column = (wide >> 64) as usize;
        if (wide as u64) < self.keep[column] { column } else { self.alias[column] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alias_table_draws_each_cell_with_its_weight() {
        use rand::{RngCore, SeedableRng};
        let weights = [1.0, 0.5, 6.0, 0.25, 2.25, 10.0];
        let total: f64 = weights.iter().sum();
        let pick = Alias::new(&weights);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let n = 400_000;
        let mut counts = [0usize; 6];
        for _ in 0..n {
            counts[pick.sample(rng.next_u64())] += 1;
        }
        for (c, w) in counts.iter().zip(weights) {
            let p = w / total;
            let sd = (p * (1.0 - p) / n as f64).sqrt();
            let got = *c as f64 / n as f64;
            assert!((got - p).abs() < 5.0 * sd, "share {got} for weight {w}, expected {p}");
        }
        // The extremes of the random word reach the first and the last column.
        let one = Alias::new(&[1.0, 1.0]);
        assert_eq!((one.sample(0), one.sample(u64::MAX)), (0, 1));
    }

    /// Mean and variance of the resampled sums of distances, drawn one by one and as counts.
    #[test]
    fn drawing_pairs_one_by_one_or_as_counts_gives_the_same_resamples() {
        use rand::SeedableRng;
        let weights = [5.0, 1.0, 0.5, 2.0, 0.25];
        let cells = [(0.0, true), (1.0, false), (4.0, false), (0.0, true), (9.0, false)];
        let draws = 200;
        let moments = |r: &Resampler| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
            let sums: Vec<f64> = (0..20_000).map(|_| r.resample(&mut rng, &cells).0).collect();
            let mean = sums.iter().sum::<f64>() / sums.len() as f64;
            let var = sums.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / sums.len() as f64;
            (mean, var)
        };
        let per_draw = Resampler::PerDraw { alias: Alias::new(&weights), draws };
        let counts = Resampler::new(&weights, draws);
        assert!(matches!(counts, Resampler::Counts { .. }));
        let (m1, v1) = moments(&per_draw);
        let (m2, v2) = moments(&counts);
        // E = draws · Σ p δ = 200 · 5.875 / 8.75; the two estimates agree within a few SEs.
        let expected = 200.0 * (1.0 * 1.0 + 0.5 * 4.0 + 0.25 * 9.0) / 8.75;
        for m in [m1, m2] {
            assert!((m - expected).abs() < 0.05 * expected, "mean {m}, expected {expected}");
        }
        assert!((v1 - v2).abs() < 0.05 * v1, "variances {v1} and {v2}");
        // A single diagonal cell: every resample is "all pairs from one diagonal cell".
        let one = Resampler::new(&[1.0], 50);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        assert_eq!(one.resample(&mut rng, &[(0.0, true)]), (0.0, true));
    }

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
    fn bootstrap_is_reproducible_for_a_seed_and_brackets_alpha() {
        let units: Vec<Vec<Option<f64>>> = (0..40)
            .map(|i| {
                let a = f64::from((i * 7) % 5 + 1);
                let b = if i % 4 == 0 { a.min(4.0) + 1.0 } else { a };
                vec![Some(a), Some(b)]
            })
            .collect();
        let point = alpha(&units, Metric::Ordinal).unwrap();
        let x = alpha_bootstrap(&units, Metric::Ordinal, 2000, 7).unwrap();
        let y = alpha_bootstrap(&units, Metric::Ordinal, 2000, 7).unwrap();
        assert_eq!(x, y);
        let z = alpha_bootstrap(&units, Metric::Ordinal, 2000, 8).unwrap();
        assert_ne!(x.ci95, z.ci95);
        assert!(x.ci95.0 < point && point <= x.ci95.1 + 1e-9, "{point} {x:?}");
        assert_eq!(x.draws, 40);
        assert!(x.p_below_667 <= x.p_below_800);
        assert!((0.0..=1.0).contains(&x.p_below_800));
    }

    #[test]
    fn undefined_without_pairs_or_variance() {
        assert!(alpha(&[vec![Some(1.0), None]], Metric::Interval).is_err());
        assert!(alpha(&[], Metric::Interval).is_err());
        let same = vec![vec![Some(2.0), Some(2.0)], vec![Some(2.0), Some(2.0)]];
        assert!(alpha(&same, Metric::Ordinal).unwrap_err().reason.contains("variance"));
    }
}
