//! The waveform overview both TUIs keep while the overview worker sends it in chunks: one bucket
//! per entry, 0.0–1.0, negative while not known yet (the timeline draws those as blank).

/// Most buckets kept, whatever a message claims.
const MAX_BUCKETS: usize = 1 << 20;

/// Puts `chunk` into buckets `start..` of `peaks`, first resizing it to `total` buckets (all
/// unknown) when the total changed. Values are clamped to 0.0–1.0 (not a number becomes 0.0);
/// buckets past the end are dropped.
pub fn merge(peaks: &mut Vec<f32>, total: usize, start: usize, chunk: &[f32]) {
    let total = total.min(MAX_BUCKETS);
    if peaks.len() != total {
        *peaks = vec![-1.0; total];
    }
    for (i, p) in chunk.iter().enumerate() {
        if let Some(slot) = start.checked_add(i).and_then(|j| peaks.get_mut(j)) {
            *slot = if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_fill_in_and_out_of_range_is_dropped() {
        let mut p = vec![];
        merge(&mut p, 4, 1, &[0.5, f32::NAN, 3.0, 0.7]);
        assert_eq!(p, vec![-1.0, 0.5, 0.0, 1.0]);
        merge(&mut p, 4, usize::MAX, &[0.2, 0.2]);
        assert_eq!(p, vec![-1.0, 0.5, 0.0, 1.0]);
        merge(&mut p, 2, 0, &[0.1]);
        assert_eq!(p, vec![0.1, -1.0]);
    }
}
