//! The zoom strip both TUIs draw under the overview: its level (`+` / `-`: ±5 s … ±5 min), its
//! window around the playhead, and the peaks decoded at their own resolution as they arrive from
//! the zoom worker (`audio::zoom`), in tiles. What is not decoded yet is drawn from the overview
//! (stretched), so nothing waits.
use std::collections::BTreeMap;

use crate::audio::zoom::{BUCKET_S, TILE_BUCKETS, TILE_S};

/// Half-widths of the zoom levels, in seconds.
pub const LEVELS: [f64; 6] = [5.0, 15.0, 30.0, 60.0, 120.0, 300.0];
/// The level a recording opens at (±15 s).
const DEFAULT_LEVEL: usize = 1;
/// Tiles kept: the widest window (10 min) is 61 tiles; more are dropped farthest first.
const MAX_TILES: usize = 96;

/// The zoom level (kept in the screen's state while the recording is open, not saved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zoom {
    level: usize,
}

impl Default for Zoom {
    fn default() -> Self {
        Zoom { level: DEFAULT_LEVEL }
    }
}

impl Zoom {
    /// Narrower (`+`); false when already at ±5 s.
    pub fn zoom_in(&mut self) -> bool {
        let moved = self.level > 0;
        self.level = self.level.saturating_sub(1);
        moved
    }

    /// Wider (`-`); false when already at ±5 min.
    pub fn zoom_out(&mut self) -> bool {
        let moved = self.level + 1 < LEVELS.len();
        self.level = (self.level + 1).min(LEVELS.len() - 1);
        moved
    }

    /// `+` (`narrower`) or `-`: one level; the notice to show when already at that end.
    pub fn key(&mut self, narrower: bool) -> Option<String> {
        let moved = if narrower { self.zoom_in() } else { self.zoom_out() };
        (!moved).then(|| {
            let end = if narrower { "narrowest" } else { "widest" };
            format!("the zoom strip is already at its {end} (zoom {})", self.label())
        })
    }

    /// Seconds each side of the playhead.
    pub fn half_s(&self) -> f64 {
        LEVELS.get(self.level).copied().unwrap_or(15.0)
    }

    /// `±15s`, `±2m`.
    pub fn label(&self) -> String {
        let h = self.half_s();
        if h >= 60.0 { format!("±{}m", (h / 60.0).round()) } else { format!("±{}s", h.round()) }
    }

    /// The window drawn: `2 × half_s` around `pos`, inside `0..duration_s`.
    pub fn window(&self, pos: f64, duration_s: f64) -> (f64, f64) {
        let duration_s = if duration_s.is_finite() { duration_s.max(0.0) } else { 0.0 };
        let w = (2.0 * self.half_s()).min(duration_s);
        let pos = if pos.is_finite() { pos } else { 0.0 };
        let a = (pos - w / 2.0).clamp(0.0, (duration_s - w).max(0.0));
        (a, a + w)
    }
}

/// The tiles of zoom peaks received so far (0.0–1.0 per [`BUCKET_S`] bucket).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ZoomPeaks {
    tiles: BTreeMap<u64, Vec<f32>>,
}

/// Zoom peaks for one window, ready to draw: bucket `i` covers
/// `from_s + i × BUCKET_S ..`; negative = not decoded yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub from_s: f64,
    pub peaks: Vec<f32>,
}

fn tile_of(t: f64) -> u64 {
    if t.is_finite() && t > 0.0 { (t / TILE_S).floor() as u64 } else { 0 }
}

impl ZoomPeaks {
    /// Keeps tile `index` (values clamped to 0.0–1.0), dropping the tiles farthest from
    /// `around_s` beyond [`MAX_TILES`].
    pub fn merge(&mut self, index: u64, peaks: &[f32], around_s: f64) {
        let clean = peaks
            .iter()
            .take(TILE_BUCKETS)
            .map(|p| if p.is_finite() { p.clamp(0.0, 1.0) } else { 0.0 });
        self.tiles.insert(index, clean.collect());
        let here = tile_of(around_s);
        while self.tiles.len() > MAX_TILES {
            let far = self.tiles.keys().copied().max_by_key(|k| k.abs_diff(here));
            match far {
                Some(k) => self.tiles.remove(&k),
                None => break,
            };
        }
    }

    pub fn has(&self, index: u64) -> bool {
        self.tiles.contains_key(&index)
    }

    /// The tiles of `window` (and one either side, for scrubbing) not received yet, nearest to
    /// the window's middle first.
    pub fn wanted(&self, window: (f64, f64), duration_s: f64) -> Vec<u64> {
        let (a, b) = window;
        if !(a.is_finite() && b.is_finite() && duration_s.is_finite()) || b <= a {
            return vec![];
        }
        let last = tile_of((duration_s - 1e-9).max(0.0));
        let first = tile_of(a).saturating_sub(1);
        let end = (tile_of(b) + 1).min(last);
        let mid = tile_of((a + b) / 2.0);
        let mut v: Vec<u64> = (first..=end).filter(|k| !self.has(*k)).collect();
        v.sort_by_key(|k| (k.abs_diff(mid), *k));
        v
    }

    /// The buckets of `window` to draw.
    pub fn detail(&self, window: (f64, f64)) -> Detail {
        let (a, b) = window;
        if !(a.is_finite() && b.is_finite()) || b <= a {
            return Detail { from_s: 0.0, peaks: vec![] };
        }
        let per_tile = TILE_BUCKETS as u64;
        let first = (a.max(0.0) / BUCKET_S).floor() as u64;
        let last = (b / BUCKET_S).ceil() as u64;
        let peaks = (first..last.max(first + 1))
            .map(|g| {
                self.tiles
                    .get(&(g / per_tile))
                    .and_then(|t| t.get((g % per_tile) as usize))
                    .copied()
                    .unwrap_or(-1.0)
            })
            .collect();
        Detail { from_s: first as f64 * BUCKET_S, peaks }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_step_and_stop_at_the_ends() {
        let mut z = Zoom::default();
        assert_eq!(z.label(), "±15s");
        assert!(z.zoom_in());
        assert_eq!(z.label(), "±5s");
        assert!(!z.zoom_in());
        for _ in 0..10 {
            z.zoom_out();
        }
        assert_eq!(z.label(), "±5m");
        z.zoom_in();
        assert_eq!(z.label(), "±2m");
        assert_eq!(z.window(3600.0, 7200.0), (3480.0, 3720.0));
        assert_eq!(z.window(10.0, 7200.0), (0.0, 240.0));
        assert_eq!(z.window(7190.0, 100.0), (0.0, 100.0));
    }

    #[test]
    fn wanted_nearest_first_and_detail_from_tiles() {
        let mut z = ZoomPeaks::default();
        // ±15 s at 1:00:00 of a 2-hour file: tiles 358..=361, and one either side.
        let w = (3585.0, 3615.0);
        assert_eq!(z.wanted(w, 7200.0), vec![360, 359, 361, 358, 362, 357]);
        z.merge(360, &[0.5; TILE_BUCKETS], 3600.0);
        assert_eq!(z.wanted(w, 7200.0), vec![359, 361, 358, 362, 357]);
        let d = z.detail(w);
        assert!((d.from_s - 3585.0).abs() < 1e-9);
        assert_eq!(d.peaks.len(), 1200);
        assert_eq!(d.peaks[599], -1.0);
        assert_eq!(d.peaks[600], 0.5);
        // Nothing past the end of the recording.
        assert_eq!(z.wanted((7190.0, 7200.0), 7200.0), vec![719, 718]);
    }

    #[test]
    fn keeps_at_most_max_tiles_dropping_the_farthest() {
        let mut z = ZoomPeaks::default();
        for k in 0..(MAX_TILES as u64 + 5) {
            z.merge(k, &[0.1], 0.0);
        }
        assert_eq!(z.tiles.len(), MAX_TILES);
        assert!(z.has(0) && !z.has(MAX_TILES as u64 + 4));
    }
}
