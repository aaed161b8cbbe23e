//! Sampled windows (issue #14, `[sampling] window_minutes = 20` in study.toml): the planner that
//! gives a recording the window its coders code. Pure: seed, id and durations in, a window out.
//!
//! The window of recording `id` depends only on the study's seed (`[double_coding] seed`), the id,
//! the recording's duration and the window length: it is the same for every coder of the
//! recording and on every re-run of `assign`. Its start is drawn uniformly from
//! `[0, duration − window]` (rounded down to the millisecond) by a ChaCha8 generator seeded with
//! the first 8 bytes of `sha256("tapecoder-window" ‖ seed ‖ id)`; a recording no longer than the
//! window gets the whole recording, `[0, duration]`.
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

use super::model::Assignment;
use crate::coding::Window;

/// The window of `window_s` seconds for recording `id` of `duration_s` seconds.
pub fn window_for(seed: u64, id: &str, duration_s: f64, window_s: f64) -> Window {
    let whole = Window::whole(duration_s);
    if !(window_s.is_finite() && window_s > 0.0) || window_s >= whole.end_s {
        return whole;
    }
    let mut h = Sha256::new();
    h.update(b"tapecoder-window");
    h.update(seed.to_le_bytes());
    h.update(id.as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let mut rng = ChaCha8Rng::seed_from_u64(u64::from_le_bytes(first));
    let room = whole.end_s - window_s;
    let start = ((rng.random::<f64>() * room * 1000.0).floor() / 1000.0).clamp(0.0, room);
    Window { start_s: start, end_s: (start + window_s).min(whole.end_s) }
}

/// Gives every assignment without a window its window (`window_s` seconds; durations by id);
/// a window already recorded is never moved. Returns how many were given one.
pub fn fill_windows(
    assignments: &mut [Assignment],
    seed: u64,
    window_s: f64,
    duration_of: impl Fn(&str) -> Option<f64>,
) -> usize {
    let mut given = 0;
    for a in assignments.iter_mut().filter(|a| a.window.is_none()) {
        if let Some(d) = duration_of(&a.id) {
            a.window = Some(window_for(seed, &a.id, d, window_s));
            given += 1;
        }
    }
    given
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_short_recording_gets_the_whole_of_it() {
        assert_eq!(window_for(1, "R001", 600.0, 1200.0), Window { start_s: 0.0, end_s: 600.0 });
        assert_eq!(window_for(1, "R001", 1200.0, 1200.0), Window { start_s: 0.0, end_s: 1200.0 });
        assert_eq!(window_for(1, "R001", f64::NAN, 1200.0), Window { start_s: 0.0, end_s: 0.0 });
    }

    #[test]
    fn the_seed_and_the_id_move_the_window() {
        let w = window_for(1, "R001", 3600.0, 1200.0);
        assert_ne!(w, window_for(2, "R001", 3600.0, 1200.0));
        assert_ne!(w, window_for(1, "R002", 3600.0, 1200.0));
    }

    #[test]
    fn filling_keeps_recorded_windows() {
        let kept = Window { start_s: 1.0, end_s: 2.0 };
        let mut a = vec![
            Assignment { id: "R1".into(), coders: vec![], double_coded: false, window: Some(kept) },
            Assignment { id: "R2".into(), coders: vec![], double_coded: false, window: None },
            Assignment { id: "R3".into(), coders: vec![], double_coded: false, window: None },
        ];
        let n = fill_windows(&mut a, 7, 60.0, |id| (id != "R3").then_some(600.0));
        assert_eq!(n, 1);
        assert_eq!(a[0].window, Some(kept));
        assert_eq!(a[1].window, Some(window_for(7, "R2", 600.0, 60.0)));
        assert_eq!(a[2].window, None, "no duration known");
    }

    proptest! {
        #[test]
        fn windows_are_reproducible_inside_and_of_the_right_length(
            seed in any::<u64>(),
            id in "R[0-9]{3}",
            duration in 0.0f64..20_000.0,
            window in 1.0f64..5_000.0,
        ) {
            let w = window_for(seed, &id, duration, window);
            prop_assert_eq!(w, window_for(seed, &id, duration, window));
            prop_assert!(0.0 <= w.start_s && w.start_s <= w.end_s && w.end_s <= duration);
            prop_assert!((w.len_s() - window.min(duration)).abs() < 1e-6, "{:?}", w);
        }

        #[test]
        fn the_window_is_the_recordings_not_the_coders(
            seed in any::<u64>(),
            duration in 1200.0f64..20_000.0,
            coders in proptest::sample::subsequence(vec!["ann", "ben", "cy", "dee"], 2),
        ) {
            // The same recording planned with its coders in either slot, or with other coders,
            // gets the same window: nothing about a coder enters it, so every coder's queue
            // (written from the one assignment) carries the same window.
            let asg = |coders: Vec<&str>| Assignment {
                id: "R001".into(),
                coders: coders.into_iter().map(String::from).collect(),
                double_coded: true,
                window: None,
            };
            let mut swapped = coders.clone();
            swapped.reverse();
            let mut a = vec![asg(coders), asg(swapped), asg(vec!["eve", "fay"])];
            fill_windows(&mut a, seed, 1200.0, |_| Some(duration));
            let want = Some(window_for(seed, "R001", duration, 1200.0));
            prop_assert!(a.iter().all(|x| x.window == want), "{:?}", a);
        }
    }
}
