//! Reliability statistics: numbers in, numbers out, no I/O. Undefined results are values with a
//! reason ([`Undefined`]), never NaN or a panic.
//!
//! - [`agreement`]: % exact and % within tolerance (R `irr::agree` semantics);
//! - [`icc`]: intraclass correlations from the mean squares of complete-case data, with 95% CIs;
//! - [`kappa`]: Cohen's kappa (unweighted, linear, quadratic) over the full category scale;
//! - [`kinds`]: nominal items (% agreement, kappa, alpha, AC1), counts (ICC(1,1), alpha) and
//!   the timing agreement of logged events;
//! - [`gwet`]: Gwet's AC1 / AC2 with standard errors and CIs (irrCAC conventions);
//! - [`alpha`]: Krippendorff's alpha from the coincidence matrix (missing values, any number of
//!   coders) and its bootstrap (Hayes & Krippendorff 2007);
//! - [`bland_altman`]: bias and limits of agreement;
//! - [`drift`]: the two-sided CUSUM that flags a coder drifting from gold on drift probes;
//! - [`bands`]: Cicchetti (1994) bands for ICCs and the small-sample verdict;
//! - [`plan`]: recordings needed for a CI of a given width.
pub mod agreement;
pub mod alpha;
pub mod bands;
pub mod bland_altman;
pub mod drift;
pub mod gwet;
pub mod icc;
pub mod kappa;
pub mod kinds;
pub mod plan;
pub mod undefined;

pub use undefined::{Stat, Undefined};
