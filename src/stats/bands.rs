//! Cicchetti (1994) bands for reliability coefficients: < .40 poor, .40–.59 fair, .60–.74 good,
//! ≥ .75 excellent.
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

#[cfg(test)]
mod tests {
    use super::*;

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
