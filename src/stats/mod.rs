//! Reliability statistics: numbers in, numbers out, no I/O. Undefined results are values with a
//! reason ([`Undefined`]), never NaN or a panic.
//!
//! - [`agreement`]: % exact and % within tolerance (R `irr::agree` semantics);
//! - [`icc`]: intraclass correlations from the mean squares of complete-case data, with 95% CIs;
//! - [`kappa`]: weighted Cohen's kappa over the full category scale;
//! - [`alpha`]: Krippendorff's alpha from the coincidence matrix (missing values, any number of coders);
//! - [`bands`]: Cicchetti (1994) bands for ICCs.
pub mod agreement;
pub mod alpha;
pub mod bands;
pub mod icc;
pub mod kappa;
pub mod undefined;

pub use undefined::{Stat, Undefined};
