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
        (observed, self.expected())
    }

    /// Σ n_c n_k δ_ck over the whole matrix. For the interval metric δ is the squared difference
    /// of the values and for the ordinal one the squared difference of their mid-ranks
    /// `cum[c] + n_c / 2` (the marginals between c and k less half of each end's), so the double
    /// sum is `2 N Σ n_c (x_c − x̄)²` with x̄ the n-weighted mean: linear in the distinct values
    /// where the pairs are quadratic (a share reported in unrounded percent has thousands).
    fn expected(&self) -> f64 {
        let positions: Vec<f64> = match self.metric {
            Metric::Interval => self.values.clone(),
            Metric::Ordinal => self.cum.iter().zip(&self.marg).map(|(c, m)| c + m / 2.0).collect(),
            Metric::Nominal => {
                let squares: f64 = self.marg.iter().map(|m| m * m).sum();
                return self.n * self.n - squares;
            }
            Metric::Ratio => return self.expected_pairwise(),
        };
        let mean = positions.iter().zip(&self.marg).map(|(x, m)| x * m).sum::<f64>() / self.n;
        let spread: f64 =
            positions.iter().zip(&self.marg).map(|(x, m)| m * (x - mean).powi(2)).sum();
        2.0 * self.n * spread
    }

    /// Σ n_c n_k δ_ck pair by pair (the definition; the ratio metric has no shortcut).
    fn expected_pairwise(&self) -> f64 {
        let v = self.values.len();
        let mut expected = 0.0;
        for c in 0..v {
            for k in c + 1..v {
                expected += 2.0 * self.marg[c] * self.marg[k] * self.delta(c, k);
            }
        }
        expected
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
    let q = co.cells.len() as f64;
    let draws = co.pairs.min(25.0 * q).round().max(1.0) as usize;
    let groups = Groups::new(co);
    let draw = Resampler::new(&groups.weights, draws).with_distances(&groups.delta);
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
                let (sum, group) = draw.resample(&mut rng, &groups.delta);
                if groups.one_diagonal_cell(group, draws, &mut rng) {
                    0.0
                } else {
                    (1.0 - sum / (draws as f64 * de)).max(-1.0)
                }
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

/// The coincidence cells merged by distance: a resample's sum of distances depends only on how
/// many pairs fall at each distance, so cells at the same distance are drawn as one (an interval
/// alpha on a five-point scale has 15 cells but 5 distances). The diagonal cells (distance 0) are
/// one group; whether a resample drawn wholly from it came from one cell alone (alpha
/// indeterminate) is drawn afterwards from their own weights, which gives the same distribution
/// as drawing the cells themselves.
struct Groups {
    /// Weight (o_ck, or 2 o_ck off the diagonal) and distance of each group.
    weights: Vec<f64>,
    delta: Vec<f64>,
    /// The diagonal group's index and the weights of its cells.
    diagonal: Option<(usize, Vec<f64>)>,
}

impl Groups {
    fn new(co: &Coincidences) -> Groups {
        let (mut weights, mut delta) = (Vec::new(), Vec::new());
        let mut diagonal: Option<(usize, Vec<f64>)> = None;
        let mut by_delta: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
        for &(c, k, o) in &co.cells {
            if c == k {
                let g = match &mut diagonal {
                    Some((g, cells)) => {
                        cells.push(o);
                        *g
                    }
                    None => {
                        weights.push(0.0);
                        delta.push(0.0);
                        diagonal = Some((weights.len() - 1, vec![o]));
                        weights.len() - 1
                    }
                };
                weights[g] += o;
            } else {
                let d = co.delta(c, k);
                let g = *by_delta.entry(d.to_bits()).or_insert_with(|| {
                    weights.push(0.0);
                    delta.push(d);
                    weights.len() - 1
                });
                weights[g] += 2.0 * o;
            }
        }
        Groups { weights, delta, diagonal }
    }

    /// Whether a resample whose pairs all came from `group` (if one) came from one diagonal cell.
    fn one_diagonal_cell(
        &self,
        group: Option<usize>,
        draws: usize,
        rng: &mut rand_chacha::ChaCha8Rng,
    ) -> bool {
        let Some((g, cells)) = &self.diagonal else { return false };
        if group != Some(*g) {
            return false;
        }
        if cells.len() == 1 {
            return true;
        }
        // The split of the draws among the diagonal cells: one cell alone took them all?
        let split = Resampler::new(cells, draws);
        let zero = vec![0.0; cells.len()];
        split.resample(rng, &zero).1.is_some()
    }
}

/// Resamples per chunk of the bootstrap (one random stream each).
const CHUNK: usize = 100;

/// How a resample draws its `draws` pairs of values from the groups: one by one (many groups), or
/// as the multinomial counts of the groups by successive binomials (few: a five-point scale has at
/// most 11 distances against hundreds of pairs). Both give the same distribution of resamples.
enum Resampler {
    /// `PerDraw` with each group's distance kept beside its alias column
    /// ([`Resampler::with_distances`]): the same draws and sums.
    Fused {
        columns: Vec<Column>,
        draws: usize,
    },
    PerDraw {
        alias: Alias,
        draws: usize,
    },
    Counts {
        /// (group, its share), the likeliest first.
        cells: Vec<(usize, f64)>,
        draws: u64,
        /// The first group's count, whose distribution is the same in every resample.
        first: Option<rand_distr::Binomial>,
    },
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
        let first = (cells.len() > 1)
            .then(|| rand_distr::Binomial::new(draws as u64, cells[0].1.clamp(0.0, 1.0)).ok())
            .flatten();
        Resampler::Counts { cells, draws: draws as u64, first }
    }

    /// One resample: the sum of the drawn pairs' distances (`delta[i]` of group `i`), and the
    /// group every pair came from, if they all came from one.
    fn resample(&self, rng: &mut rand_chacha::ChaCha8Rng, delta: &[f64]) -> (f64, Option<usize>) {
        use rand::RngCore;
        use rand::distr::Distribution;
        match self {
            Resampler::Fused { columns, draws } => {
                // As `PerDraw` with `delta` read from each column (one memory access a draw).
                debug_assert_eq!(columns.len(), delta.len());
                let n = columns.len() as u128;
                let pick = |x: u64| {
                    let wide = u128::from(x) * n;
                    let c = &columns[(wide >> 64) as usize];
                    if (wide as u64) < c.keep {
                        (c.own, c.own_delta)
                    } else {
                        (c.alias, c.alias_delta)
                    }
                };
                let (first, d) = pick(rng.next_u64());
                let mut sum = d;
                let mut same = true;
                for _ in 1..*draws {
                    let (i, d) = pick(rng.next_u64());
                    sum += d;
                    same &= i == first;
                }
                (sum, same.then_some(first as usize))
            }
            Resampler::PerDraw { alias, draws } => {
                let first = alias.sample(rng.next_u64());
                let mut sum = delta[first];
                let mut same = true;
                for _ in 1..*draws {
                    let i = alias.sample(rng.next_u64());
                    sum += delta[i];
                    same &= i == first;
                }
                (sum, same.then_some(first))
            }
            Resampler::Counts { cells: order, draws, first } => {
                let (mut left, mut rest) = (*draws, 1.0f64);
                let (mut sum, mut used, mut last) = (0.0, 0usize, 0usize);
                for (n, &(i, p)) in order.iter().enumerate() {
                    if left == 0 {
                        break;
                    }
                    let count = if n + 1 == order.len() {
                        left
                    } else if n == 0
                        && let Some(b) = first
                    {
                        b.sample(rng)
                    } else {
                        let q = (p / rest).clamp(0.0, 1.0);
                        rand_distr::Binomial::new(left, q).map_or(0, |b| b.sample(rng))
                    };
                    rest -= p;
                    if count > 0 {
                        left -= count.min(left);
                        sum += count as f64 * delta[i];
                        used += 1;
                        last = i;
                    }
                }
                (sum, (used == 1).then_some(last))
            }
        }
    }
}

/// One column of an alias table with the distances of its two groups.
struct Column {
    keep: u64,
    own: u32,
    alias: u32,
    own_delta: f64,
    alias_delta: f64,
}

impl Resampler {
    /// A resampler that draws the groups of `delta` one by one keeps each column's distances in the
    /// column (the bootstrap's hot loop then reads one place per draw, not three).
    fn with_distances(self, delta: &[f64]) -> Resampler {
        match self {
            Resampler::PerDraw { alias, draws }
                if alias.keep.len() == delta.len() && u32::try_from(delta.len()).is_ok() =>
            {
                let columns = (0..delta.len())
                    .map(|i| {
                        let a = alias.alias[i];
                        Column {
                            keep: alias.keep[i],
                            own: i as u32,
                            alias: a as u32,
                            own_delta: delta[i],
                            alias_delta: delta[a],
                        }
                    })
                    .collect();
                Resampler::Fused { columns, draws }
            }
            other => other,
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

    #[test]
    fn distances_kept_in_the_columns_give_the_same_resamples_bit_for_bit() {
        use rand::{Rng, SeedableRng};
        let mut src = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for n in [1usize, 2, 7, 300, 4000] {
            let weights: Vec<f64> = (0..n).map(|_| src.random_range(0.01..3.0)).collect();
            let delta: Vec<f64> = (0..n).map(|_| src.random_range(0.0..100.0)).collect();
            let draws = 500;
            let plain = Resampler::PerDraw { alias: Alias::new(&weights), draws };
            let fused =
                Resampler::PerDraw { alias: Alias::new(&weights), draws }.with_distances(&delta);
            assert!(matches!(fused, Resampler::Fused { .. }));
            let mut a = rand_chacha::ChaCha8Rng::seed_from_u64(9);
            let mut b = rand_chacha::ChaCha8Rng::seed_from_u64(9);
            for _ in 0..50 {
                let (x, y) = (plain.resample(&mut a, &delta), fused.resample(&mut b, &delta));
                assert_eq!((x.0.to_bits(), x.1), (y.0.to_bits(), y.1));
            }
        }
    }

    /// Mean and variance of the resampled sums of distances, drawn one by one and as counts.
    #[test]
    fn drawing_pairs_one_by_one_or_as_counts_gives_the_same_resamples() {
        use rand::SeedableRng;
        let weights = [5.0, 1.0, 0.5, 2.0, 0.25];
        let delta = [0.0, 1.0, 4.0, 0.0, 9.0];
        let draws = 200;
        let moments = |r: &Resampler| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
            let sums: Vec<f64> = (0..20_000).map(|_| r.resample(&mut rng, &delta).0).collect();
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
        // A single cell: every resample's pairs all come from it.
        let one = Resampler::new(&[1.0], 50);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        assert_eq!(one.resample(&mut rng, &[0.0]), (0.0, Some(0)));
    }

    /// Cells at one distance are drawn as one group, the diagonal cells as another, and a
    /// resample drawn wholly from the diagonal came from one cell alone as often as drawing the
    /// cells themselves says: two equal diagonal cells and 3 draws, 2 · (1/2)³ = 1/4.
    #[test]
    fn cells_at_one_distance_are_drawn_as_one_group() {
        use rand::SeedableRng;
        // Scores 1, 2, 3 (interval): diagonal 1-1, 2-2, 3-3; distance 1 for 1-2 and 2-3, 4 for 1-3.
        let units: Vec<Vec<Option<f64>>> =
            [(1.0, 1.0), (2.0, 2.0), (3.0, 3.0), (1.0, 2.0), (2.0, 3.0), (1.0, 3.0)]
                .iter()
                .map(|&(a, b)| vec![Some(a), Some(b)])
                .collect();
        let co = Coincidences::new(&units, Metric::Interval).unwrap();
        let g = Groups::new(&co);
        let mut pairs: Vec<(f64, f64)> =
            g.delta.iter().copied().zip(g.weights.iter().copied()).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        // o_cc = 2 for a unit (c, c); the weight of an off-diagonal cell is 2 o_ck.
        assert_eq!(pairs, vec![(0.0, 6.0), (1.0, 4.0), (4.0, 2.0)]);
        let (diag, cells) = g.diagonal.clone().unwrap();
        assert_eq!((g.delta[diag], cells.len()), (0.0, 3));
        assert!(!g.one_diagonal_cell(None, 3, &mut rand_chacha::ChaCha8Rng::seed_from_u64(0)));

        let two =
            Groups { weights: vec![2.0], delta: vec![0.0], diagonal: Some((0, vec![1.0, 1.0])) };
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let n = 40_000;
        let hits = (0..n).filter(|_| two.one_diagonal_cell(Some(0), 3, &mut rng)).count();
        let share = hits as f64 / n as f64;
        let sd = (0.25f64 * 0.75 / n as f64).sqrt();
        assert!((share - 0.25).abs() < 5.0 * sd, "one diagonal cell in {share} of resamples");
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
    fn expected_disagreement_in_one_pass_equals_the_pairwise_sum() {
        // Unrounded shares (thousands of distinct values), scale points, and one value only.
        let shares: Vec<Vec<Option<f64>>> = (0..2000)
            .map(|i| {
                let a = f64::from((i * 7919) % 9973) / 99.73;
                let b = a + f64::from(i % 13) * 0.37 - 2.0;
                vec![Some(a), if i % 9 == 0 { None } else { Some(b.max(0.0)) }]
            })
            .collect();
        let points: Vec<Vec<Option<f64>>> = (0..500)
            .map(|i| vec![Some(f64::from(i % 5 + 1)), Some(f64::from((i * 3) % 5 + 1))])
            .collect();
        for units in [&shares, &points] {
            for m in [Metric::Nominal, Metric::Ordinal, Metric::Interval] {
                let co = Coincidences::new(units, m).unwrap();
                let (fast, slow) = (co.expected(), co.expected_pairwise());
                assert!((fast - slow).abs() <= 1e-10 * slow.abs(), "{m:?}: {fast} vs {slow}");
            }
        }
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
