//! A statistic that may be undefined (no variance, no pairs, too few recordings) carries the reason
//! instead of NaN, so every report can say *why* a number is missing.
use std::fmt;

/// Why a statistic has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undefined {
    pub reason: String,
}

impl Undefined {
    pub fn new(reason: impl Into<String>) -> Self {
        Self { reason: reason.into() }
    }
}

impl fmt::Display for Undefined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Undefined {}

/// A statistic's value, or the reason it is undefined.
pub type Stat<T = f64> = Result<T, Undefined>;

/// `Ok(x)` when `x` is finite, else undefined with `reason`.
pub fn finite(x: f64, reason: &str) -> Stat {
    if x.is_finite() { Ok(x) } else { Err(Undefined::new(reason)) }
}
