//! Reliability of every item of an instrument from ratings made elsewhere (issue #14):
//! `recording,coder,item,value` rows in, one result per item (and summary) out, each by the
//! statistics of its kind ([`crate::stats::kinds`]). Pure: the command reads the CSV.
//!
//! Values: a checklist item `present`/`absent` (also `1`/`0`, `yes`/`no`, `true`/`false`); a
//! classification one of its class keys; a count a whole number ≥ 0; a scale a level in its
//! range; summaries are computed from the counts and scales of the same coder and recording (a
//! ratio with nothing to divide by is left out, and the report says how many). A count a coder
//! logged rows for on a recording but not this one is 0 there; a coder with no count rows on a
//! recording did not count it (missing). Empty or `NA` is missing. Each recording is compared between the first two coders that rated it.
use std::collections::BTreeMap;

use serde::Serialize;

use super::Instrument;
use crate::stats::Stat;
use crate::stats::agreement::agree;
use crate::stats::alpha::{Metric, alpha};
use crate::stats::kappa::{Weights, weighted_kappa};
use crate::stats::kinds::{counts, nominal};

/// One CSV row, with its line for messages.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: usize,
    pub recording: String,
    pub coder: String,
    pub item: String,
    pub value: String,
}

/// One item's (or summary's) agreement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    pub key: String,
    pub label: String,
    pub kind: &'static str,
    /// Recordings with both values.
    pub n: usize,
    /// Named statistics in display order; `null` where undefined, with `why` saying why.
    pub stats: Vec<Named>,
    /// Recordings left out because a summary was undefined for a coder (e.g. no questions).
    pub undefined: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Named {
    pub name: &'static str,
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

fn named(name: &'static str, s: &Stat) -> Named {
    match s {
        Ok(v) => Named { name, value: Some(*v), why: None },
        Err(e) => Named { name, value: None, why: Some(e.reason.clone()) },
    }
}

/// (recording → (coder → item → value)) with the first two coders of each recording, in order.
type Table = BTreeMap<String, Vec<(String, BTreeMap<String, f64>)>>;

/// The value of `row` as a number for its item, or a message naming the line.
fn value_of(instr: &Instrument, row: &Row) -> Result<Option<f64>, String> {
    let v = row.value.trim();
    if v.is_empty() || v.eq_ignore_ascii_case("na") {
        return Ok(None);
    }
    let bad =
        |what: String| Err(format!("line {}: {} {:?}: {what}", row.line, row.item, row.value));
    if instr.checklist.iter().any(|c| c.key == row.item) {
        return match v.to_ascii_lowercase().as_str() {
            "present" | "1" | "yes" | "true" => Ok(Some(1.0)),
            "absent" | "0" | "no" | "false" => Ok(Some(0.0)),
            _ => bad("a checklist item is present or absent".into()),
        };
    }
    if let Some(c) = instr.classifications.iter().find(|c| c.key == row.item) {
        return match c.classes.iter().position(|x| x.key == v) {
            Some(i) => Ok(Some(i as f64)),
            None => {
                let keys: Vec<&str> = c.classes.iter().map(|x| x.key.as_str()).collect();
                bad(format!("not a class of {}; classes: {}", c.key, keys.join(", ")))
            }
        };
    }
    if instr.counts.iter().any(|c| c.key == row.item) {
        return match v.parse::<u32>() {
            Ok(n) => Ok(Some(f64::from(n))),
            Err(_) => bad("a count is a whole number, 0 or more".into()),
        };
    }
    if let Some(s) = instr.scales.iter().find(|s| s.key == row.item) {
        return match v.parse::<u8>() {
            Ok(l) if (s.min..=s.max).contains(&l) => Ok(Some(f64::from(l))),
            _ => bad(format!("a level of {}..{}", s.min, s.max)),
        };
    }
    if instr.summaries.iter().any(|s| s.key == row.item) {
        return bad("summaries are computed from the counts and scales; leave them out".into());
    }
    bad(format!("{} is not an item of {} {}", row.item, instr.id, instr.version))
}

/// Every item's agreement, in the instrument's order, or the first bad row.
pub fn report(instr: &Instrument, rows: &[Row]) -> Result<Vec<ItemResult>, String> {
    let table = collect(instr, rows)?;
    let mut out = Vec::new();
    for s in &instr.scales {
        out.push(scale_item(&s.key, &s.label, s.min, s.max, &pairs(&table, &s.key)));
    }
    for c in &instr.checklist {
        out.push(nominal_item(&c.key, &c.label, "checklist", 2, &pairs(&table, &c.key)));
    }
    for c in &instr.classifications {
        out.push(nominal_item(
            &c.key,
            &c.label,
            "classification",
            c.classes.len(),
            &pairs(&table, &c.key),
        ));
    }
    for c in &instr.counts {
        out.push(count_item(&c.key, &c.label, "count", &pairs(&table, &c.key), 0));
    }
    for s in &instr.summaries {
        let (p, undefined) = summary_pairs(instr, s, &table);
        out.push(count_item(&s.key, &s.label, "summary", &p, undefined));
    }
    Ok(out)
}

/// The rows by recording, for the first two coders of each.
fn collect(instr: &Instrument, rows: &[Row]) -> Result<Table, String> {
    let mut table: Table = BTreeMap::new();
    for row in rows {
        let Some(v) = value_of(instr, row)? else { continue };
        let coders = table.entry(row.recording.clone()).or_default();
        let at = match coders.iter().position(|(c, _)| *c == row.coder) {
            Some(i) => i,
            None if coders.len() < 2 => {
                coders.push((row.coder.clone(), BTreeMap::new()));
                coders.len() - 1
            }
            None => continue,
        };
        if coders[at].1.insert(row.item.clone(), v).is_some() {
            return Err(format!(
                "line {}: {} rated {} of {} twice; keep one row",
                row.line, row.coder, row.item, row.recording
            ));
        }
    }
    Ok(table)
}

/// Both coders' values of `item`, per recording that has both.
fn pairs(table: &Table, item: &str) -> Vec<(f64, f64)> {
    table
        .values()
        .filter(|c| c.len() == 2)
        .filter_map(|c| Some((*c[0].1.get(item)?, *c[1].1.get(item)?)))
        .collect()
}

fn scale_item(key: &str, label: &str, min: u8, max: u8, p: &[(f64, f64)]) -> ItemResult {
    let ints: Vec<(i64, i64)> = p.iter().map(|&(a, b)| (a as i64, b as i64)).collect();
    let units: Vec<Vec<Option<f64>>> = p.iter().map(|&(a, b)| vec![Some(a), Some(b)]).collect();
    let exact = agree(&units, 0.0).percent;
    let kappa = weighted_kappa(&ints, i64::from(min), i64::from(max), Weights::Quadratic);
    ItemResult {
        key: key.into(),
        label: label.into(),
        kind: "scale",
        n: p.len(),
        stats: vec![
            named("percent_exact", &exact),
            named("kappa_quadratic", &kappa),
            named("alpha_ordinal", &alpha(&units, Metric::Ordinal)),
        ],
        undefined: 0,
    }
}

fn nominal_item(
    key: &str,
    label: &str,
    kind: &'static str,
    k: usize,
    p: &[(f64, f64)],
) -> ItemResult {
    let p: Vec<(usize, usize)> = p.iter().map(|&(a, b)| (a as usize, b as usize)).collect();
    let stats = match nominal(&p, k) {
        Ok(r) => vec![
            named("percent", &r.percent),
            named("kappa", &r.kappa),
            named("alpha_nominal", &r.alpha),
            named("ac1", &r.ac1.map(|c| c.value)),
        ],
        Err(e) => vec![named("percent", &Err(e))],
    };
    ItemResult { key: key.into(), label: label.into(), kind, n: p.len(), stats, undefined: 0 }
}

fn count_item(
    key: &str,
    label: &str,
    kind: &'static str,
    p: &[(f64, f64)],
    undefined: usize,
) -> ItemResult {
    let r = counts(p);
    let ci = |side: fn((f64, f64)) -> f64| -> Stat {
        r.icc.as_ref().map_err(Clone::clone).and_then(|i| i.ci95.clone().map(side))
    };
    ItemResult {
        key: key.into(),
        label: label.into(),
        kind,
        n: r.n,
        stats: vec![
            named("icc_1_1", &r.icc.as_ref().map(|i| i.value).map_err(Clone::clone)),
            named("icc_1_1_lower", &ci(|c| c.0)),
            named("icc_1_1_upper", &ci(|c| c.1)),
            named("alpha_interval", &r.alpha),
        ],
        undefined,
    }
}

/// Both coders' values of summary `s` where both are defined, and how many recordings had one
/// undefined.
fn summary_pairs(
    instr: &Instrument,
    s: &super::Summary,
    table: &Table,
) -> (Vec<(f64, f64)>, usize) {
    // One coder's values on one recording, split into the summary's two inputs.
    let value = |vals: &BTreeMap<String, f64>| {
        let mut counts = BTreeMap::new();
        let mut scales = BTreeMap::new();
        for (k, v) in vals {
            if instr.counts.iter().any(|c| c.key == *k) {
                counts.insert(k.clone(), *v as u32);
            } else if instr.scales.iter().any(|c| c.key == *k) {
                scales.insert(k.clone(), *v as u8);
            }
        }
        s.value(&counts, &scales)
    };
    let mut p = Vec::new();
    let mut undefined = 0;
    let has_counts = |vals: &BTreeMap<String, f64>| {
        vals.keys().any(|k| instr.counts.iter().any(|c| c.key == *k))
    };
    let of_counts = !matches!(s.formula, super::Formula::Mean(_));
    for coders in table.values().filter(|c| c.len() == 2) {
        // A coder who logged no count at all on a recording did not count it (missing, not 0).
        if of_counts && !(has_counts(&coders[0].1) && has_counts(&coders[1].1)) {
            continue;
        }
        match (value(&coders[0].1), value(&coders[1].1)) {
            (Ok(a), Ok(b)) => p.push((a, b)),
            _ => undefined += 1,
        }
    }
    (p, undefined)
}

/// The results as a table (every undefined value with its reason underneath).
pub fn table(instr: &Instrument, results: &[ItemResult]) -> String {
    let head =
        format!("reliability of {} {} (two coders per recording)\n", instr.id, instr.version);
    head + &item_lines(results)
}

/// One line per item (`key  kind  n=…  stat value …`), each undefined value's reason underneath.
pub fn item_lines(results: &[ItemResult]) -> String {
    let mut out = String::new();
    let w = results.iter().map(|r| r.key.chars().count()).max().unwrap_or(4).max(4);
    for r in results {
        let stats: Vec<String> = r
            .stats
            .iter()
            .map(|s| match s.value {
                Some(v) => format!("{} {v:.3}", s.name),
                None => format!("{} n/a", s.name),
            })
            .collect();
        if r.n == 0 {
            out.push_str(&format!(
                "{:<w$}  {:<14} n=0    not rated by both coders of any recording\n",
                r.key, r.kind
            ));
            continue;
        }
        out.push_str(&format!("{:<w$}  {:<14} n={:<4} {}\n", r.key, r.kind, r.n, stats.join("  ")));
        let whys: Vec<(&str, &String)> =
            r.stats.iter().filter_map(|s| s.why.as_ref().map(|w| (s.name, w))).collect();
        if whys.len() == r.stats.len() && whys.windows(2).all(|x| x[0].1 == x[1].1) {
            out.push_str(&format!("{:<w$}    n/a: {}\n", "", whys[0].1));
        } else {
            for (name, why) in whys {
                out.push_str(&format!("{:<w$}    {name}: {why}\n", ""));
            }
        }
        if r.undefined > 0 {
            out.push_str(&format!(
                "{:<w$}    {} recording(s) left out: the summary is undefined for a coder there\n",
                "", r.undefined
            ));
        }
    }
    out
}
