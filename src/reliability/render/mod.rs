//! Renderers of the report: an aligned table for the terminal, JSON, CSV (one row per statistic)
//! and a self-contained HTML page with inline SVG plots.
pub mod csv;
pub mod html;
pub mod json;
pub mod table;

use crate::stats::Stat;

/// `0.715`, or `n/a` when undefined.
pub(crate) fn num(s: &Stat, decimals: usize) -> String {
    match s {
        Ok(v) => format!("{v:.decimals$}"),
        Err(_) => "n/a".into(),
    }
}

/// `62.5%`, or `n/a`.
pub(crate) fn pct(s: &Stat) -> String {
    match s {
        Ok(v) => format!("{v:.1}%"),
        Err(_) => "n/a".into(),
    }
}

/// A number with a sign, for mean differences.
pub(crate) fn signed(s: &Stat) -> String {
    match s {
        Ok(v) => format!("{v:+.2}"),
        Err(_) => "n/a".into(),
    }
}

/// Text from files, made safe for a terminal: control characters (ANSI escapes included) become `?`.
pub(crate) fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}
