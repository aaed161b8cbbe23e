//! Cicchetti (1994) bands for reliability coefficients: < .40 poor, .40–.59 fair, .60–.74 good,
//! ≥ .75 excellent; and, after Koo & Li (2016), a verdict that bands the 95% CI's bounds as well as
//! the point and calls an estimate too uncertain to judge on few recordings or a wide interval.
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Band {
    Poor,
    Fair,
    Good,
    Excellent,
}

impl Band {
    /// The band of a coefficient (anything below .40, negative values included, is poor).
    pub fn of(value: f64) -> Band {
        if value >= 0.75 {
            Band::Excellent
        } else if value >= 0.60 {
            Band::Good
        } else if value >= 0.40 {
            Band::Fair
        } else {
            Band::Poor
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Poor => "poor",
            Band::Fair => "fair",
            Band::Good => "good",
            Band::Excellent => "excellent",
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Fewer recordings than this make any ICC too uncertain to judge.
pub const MIN_N: usize = 10;
/// A 95% CI wider than this makes the estimate too uncertain to judge.
pub const MAX_WIDTH: f64 = 0.5;

/// The band of the point and of the CI's bounds, and whether the estimate can be judged at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub point: Band,
    /// Bands of the lower and upper 95% bounds, when the CI is defined.
    pub bounds: Option<(Band, Band)>,
    /// Why the estimate is too uncertain to judge (`None` = it can be judged by its band).
    pub uncertain: Option<String>,
}

impl Verdict {
    /// The verdict of an estimate from `n` recordings with an optional 95% CI.
    pub fn of(value: f64, ci95: Option<(f64, f64)>, n: usize) -> Verdict {
        let bounds = ci95.map(|(lo, hi)| (Band::of(lo), Band::of(hi)));
        let uncertain = if n < MIN_N {
            Some(format!("too uncertain to judge: {n} recordings (fewer than {MIN_N})"))
        } else {
            match ci95 {
                Some((lo, hi)) if hi - lo > MAX_WIDTH => Some(format!(
                    "too uncertain to judge: the 95% CI is {:.2} wide (more than {MAX_WIDTH})",
                    hi - lo
                )),
                None => Some("too uncertain to judge: no 95% CI".to_string()),
                _ => None,
            }
        };
        Verdict { point: Band::of(value), bounds, uncertain }
    }

    /// "excellent (CI poor–excellent)" or "too uncertain to judge … (point excellent, CI …)".
    pub fn text(&self) -> String {
        let ci = self
            .bounds
            .map(|(lo, hi)| if lo == hi { format!("CI {lo}") } else { format!("CI {lo} to {hi}") });
        match (&self.uncertain, ci) {
            (None, Some(ci)) => format!("{} ({ci})", self.point),
            (None, None) => self.point.to_string(),
            (Some(why), Some(ci)) => format!("{why}; point {}, {ci}", self.point),
            (Some(why), None) => format!("{why}; point {}", self.point),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_recordings_are_too_few_to_call_excellent() {
        let v = Verdict::of(0.769, Some((-0.131, 0.983)), 4);
        assert_eq!(v.point, Band::Excellent);
        assert_eq!(v.bounds, Some((Band::Poor, Band::Excellent)));
        assert!(v.uncertain.as_deref().unwrap().contains("4 recordings"));
        assert!(v.text().starts_with("too uncertain to judge"), "{}", v.text());
        let wide = Verdict::of(0.7, Some((0.3, 0.9)), 20);
        assert!(wide.uncertain.unwrap().contains("0.60 wide"));
        let fine = Verdict::of(0.8, Some((0.76, 0.9)), 40);
        assert_eq!(fine.uncertain, None);
        assert_eq!(fine.text(), "excellent (CI excellent)");
    }

    #[test]
    fn cicchetti_boundaries() {
        assert_eq!(Band::of(-0.3), Band::Poor);
        assert_eq!(Band::of(0.399), Band::Poor);
        assert_eq!(Band::of(0.40), Band::Fair);
        assert_eq!(Band::of(0.599), Band::Fair);
        assert_eq!(Band::of(0.60), Band::Good);
        assert_eq!(Band::of(0.749), Band::Good);
        assert_eq!(Band::of(0.75), Band::Excellent);
        assert_eq!(Band::of(1.0), Band::Excellent);
    }
}
