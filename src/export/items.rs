//! The columns of a schema-2 instrument's items beside its scales (issue #14), in `export
//! codings` and `export final`, and `export events`. A schema-1 codebook has no items, so none of
//! these columns appear and its exports stay as they were.
//!
//! One column per item, named by its key, in the instrument's order: checklist items (`1`
//! present, `0` absent, empty unanswered), classifications (the class key, chosen or derived from
//! the checklist; empty until it can be), counts (how many were logged) and summaries (the value;
//! `NA` when undefined, e.g. a ratio with nothing to divide by, with the reason in the
//! `summary_na` column as `key: reason`, several joined by `; `). In JSON a summary's `NA` is
//! `null` (it is not listed in `not_applicable`, which is about the scale domains).
//!
//! Final values of a double-coded recording (`export final`): adjudication decides scale domains
//! only, so under the `primary` and `adjudicated` rules every item is the primary coder's; under
//! `mean` a count is the mean of the submitted codings' counts, and a checklist item or a class is
//! the value both coders gave, empty where they differ. Summaries are computed from the final
//! counts and final scale scores (as composites are), so an adjudicated global moves a mean of
//! globals. The `items_disagree` column lists the checklist items and classifications on which
//! the two submitted codings differ (space-separated keys), under every rule, so nothing is
//! settled silently.
use std::collections::BTreeMap;

use super::{Column, Final, Table, fmt_num};
use crate::codebook::Codebook;
use crate::coding::Coding;

/// A summary's CSV cell when it is undefined.
pub const SUMMARY_NA: &str = "NA";

/// The item columns' names and kinds (plus `summary_na`, and `items_disagree` when `final_`).
pub fn header(cb: &Codebook, final_: bool) -> Vec<(String, Column)> {
    let items = &cb.items;
    let mut out = Vec::new();
    out.extend(items.checklist.iter().map(|c| (c.key.clone(), Column::Number)));
    out.extend(items.classifications.iter().map(|c| (c.key.clone(), Column::Text)));
    out.extend(items.counts.iter().map(|c| (c.key.clone(), Column::Number)));
    out.extend(items.summaries.iter().map(|s| (s.key.clone(), Column::Derived)));
    if !items.summaries.is_empty() {
        out.push(("summary_na".into(), Column::Text));
    }
    if final_ && !(items.checklist.is_empty() && items.classifications.is_empty()) {
        out.push(("items_disagree".into(), Column::Text));
    }
    out
}

/// Appends the item columns to `t`'s header.
pub fn extend_header(t: &mut Table, cb: &Codebook, final_: bool) {
    for (h, c) in header(cb, final_) {
        t.header.push(h);
        t.columns.push(c);
    }
}

/// A checklist answer's cell.
fn check_cell(answer: Option<bool>) -> String {
    match answer {
        Some(true) => "1".into(),
        Some(false) => "0".into(),
        None => String::new(),
    }
}

/// Summary cells and the `summary_na` cell from count and scale values.
fn summary_cells(
    cb: &Codebook,
    count: impl Fn(&str) -> f64,
    scale: impl Fn(&str) -> Option<f64>,
    out: &mut Vec<String>,
) {
    if cb.items.summaries.is_empty() {
        return;
    }
    let mut why = Vec::new();
    for s in &cb.items.summaries {
        match s.value_with(&count, &scale) {
            Ok(v) => out.push(fmt_num(v)),
            Err(e) => {
                out.push(SUMMARY_NA.into());
                why.push(format!("{}: {}", s.key, e.reason));
            }
        }
    }
    out.push(why.join("; "));
}

/// One coding's item cells, in [`header`]'s order (without `items_disagree`).
pub fn coding_cells(cb: &Codebook, c: &Coding) -> Vec<String> {
    let items = &cb.items;
    let mut out: Vec<String> =
        items.checklist.iter().map(|i| check_cell(c.checklist.get(&i.key).copied())).collect();
    out.extend(
        items
            .classifications
            .iter()
            .map(|k| c.class_of(cb, &k.key).map_or(String::new(), |x| x.key.clone())),
    );
    let tallies = c.tallies(cb);
    out.extend(items.counts.iter().map(|k| tallies.get(&k.key).copied().unwrap_or(0).to_string()));
    summary_cells(
        cb,
        |k| f64::from(tallies.get(k).copied().unwrap_or(0)),
        |k| c.scores.get(k).map(|v| f64::from(*v)),
        &mut out,
    );
    out
}

/// The nominal items (checklist, classifications) on which `a` and `b` differ, in order.
pub fn disagreeing(cb: &Codebook, a: &Coding, b: &Coding) -> Vec<String> {
    let items = &cb.items;
    let checks = items
        .checklist
        .iter()
        .filter(|i| a.checklist.get(&i.key) != b.checklist.get(&i.key))
        .map(|i| i.key.clone());
    let classes = items
        .classifications
        .iter()
        .filter(|k| {
            a.class_of(cb, &k.key).map(|x| &x.key) != b.class_of(cb, &k.key).map(|x| &x.key)
        })
        .map(|k| k.key.clone());
    checks.chain(classes).collect()
}

/// A recording's final item cells (see the module docs): `from` are the codings whose values
/// are final (the primary's alone, or every submitted one under `mean`), `submitted` the study's
/// submitted codings (for `items_disagree`), `scores` the final scale values.
pub fn final_cells(
    cb: &Codebook,
    from: &[&Coding],
    submitted: &[&Coding],
    scores: &BTreeMap<&str, Final>,
) -> Vec<String> {
    let items = &cb.items;
    // The value every coding of `from` gives, or none where they differ (or there is none).
    fn shared<T: PartialEq>(vals: Vec<Option<T>>) -> Option<T> {
        let mut it = vals.into_iter();
        let first = it.next()??;
        it.all(|v| v.as_ref() == Some(&first)).then_some(first)
    }
    let mut out: Vec<String> = items
        .checklist
        .iter()
        .map(|i| {
            check_cell(shared(from.iter().map(|c| c.checklist.get(&i.key)).collect()).copied())
        })
        .collect();
    out.extend(items.classifications.iter().map(|k| {
        shared(from.iter().map(|c| c.class_of(cb, &k.key).map(|x| x.key.clone())).collect())
            .unwrap_or_default()
    }));
    let tallies: Vec<BTreeMap<String, u32>> = from.iter().map(|c| c.tallies(cb)).collect();
    let count = |k: &str| -> Option<f64> {
        if tallies.is_empty() {
            return None;
        }
        let sum: f64 = tallies.iter().map(|t| f64::from(t.get(k).copied().unwrap_or(0))).sum();
        Some(sum / tallies.len() as f64)
    };
    out.extend(items.counts.iter().map(|k| count(&k.key).map_or(String::new(), fmt_num)));
    if from.is_empty() {
        let n = items.summaries.len() + usize::from(!items.summaries.is_empty());
        out.extend(std::iter::repeat_n(String::new(), n));
    } else {
        let scale = |k: &str| match scores.get(k) {
            Some(Final::Value(x)) => Some(*x),
            _ => None,
        };
        summary_cells(cb, |k| count(k).unwrap_or(0.0), scale, &mut out);
    }
    if !(items.checklist.is_empty() && items.classifications.is_empty()) {
        out.push(match submitted {
            [a, b] => disagreeing(cb, a, b).join(" "),
            _ => String::new(),
        });
    }
    out
}

/// `export events`: `recording,coder,code,at_s`, one row per logged count of `codings` (the
/// caller passes the submitted ones), by recording, coder and time.
pub fn events_table(codings: &[Coding]) -> Table {
    let mut t = Table::new(&["recording", "coder", "code", "at_s"], &[], &["at_s"]);
    let mut sorted: Vec<&Coding> = codings.iter().collect();
    sorted.sort_by(|a, b| (&a.recording, &a.coder).cmp(&(&b.recording, &b.coder)));
    for c in sorted {
        // Events are kept in time order (see `Coding::events`).
        for e in &c.events {
            t.rows.push(vec![
                c.recording.clone(),
                c.coder.clone(),
                e.code.clone(),
                format!("{:.3}", e.at_s),
            ]);
        }
    }
    t
}
