//! `export codings | final | segments | events` (SPEC §8): rows from study codings, written as CSV
//! or JSON (the same fields, in the same order), and segments as Audacity label files. A schema-2
//! instrument's items get one column each ([`items`]); `events` lists the logged counts. Pure: the command
//! reads the study and writes the output; this module only builds tables.
//!
//! Blinding: the caller decides what goes in. A supervisor exports everything; a coder exports
//! only their own codings and segments, without the slot column (primary/secondary would reveal
//! which recordings are double-coded), and cannot export final scores.
//!
//! JSON convention: scores are integers (the `mean` rule may give halves), other numbers are
//! numbers, empty cells are `null`. A not-applicable score (`NA` in CSV) is `null` too, and a
//! `not_applicable` field right after the scores says which: `true`/`false` in a table with one
//! score column (`export codings`), the list of not-applicable domains in `export final`.
use std::collections::{BTreeMap, BTreeSet};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

mod items;

pub use items::events_table;

use crate::codebook::Codebook;
use crate::coding::{Coding, ScoreState, Status, Window};
use crate::reliability::input::{bc_kind, bc_percent_in};
use crate::study::adjudication::disagreements;
use crate::study::model::{Adjudication, Assignment, FinalRule, RecordingMeta};

/// What a column holds, for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Text,
    /// A scale point: an integer (or a mean), `NA` when not applicable.
    Score,
    /// Any other number.
    Number,
    /// A derived number (an instrument's summary): `NA` when undefined, `null` in JSON and not
    /// listed in `not_applicable`.
    Derived,
}

/// A table of text cells with a header; `columns` says how each column is written as JSON.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// The fixed column names of the exports: an instrument's item may not take one as its key (each
/// item gets a column named by its key).
pub const COLUMNS: &[&str] = &[
    "recording",
    "coder",
    "slot",
    "status",
    "domain",
    "score",
    "bc_percent",
    "source",
    "not_applicable",
    "summary_na",
    "items_disagree",
    "window_start_s",
    "window_end_s",
];

/// The CSV cell of a not-applicable score.
pub const NA: &str = "NA";

/// One JSON object whose fields keep the order they were pushed in.
struct Ordered(Vec<(String, Value)>);

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

fn number(cell: &str) -> Option<Value> {
    if let Ok(i) = cell.parse::<i64>() {
        return Some(Value::from(i));
    }
    cell.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number)
}

impl Table {
    fn new(header: &[&str], scores: &[&str], numbers: &[&str]) -> Self {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            columns: header
                .iter()
                .map(|h| {
                    if scores.contains(h) {
                        Column::Score
                    } else if numbers.contains(h) {
                        Column::Number
                    } else {
                        Column::Text
                    }
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// CSV with a header row, UTF-8, one value per cell.
    pub fn to_csv(&self) -> Result<String, ExportError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.header)?;
        for r in &self.rows {
            w.write_record(r)?;
        }
        let bytes = w.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// A JSON array of objects with the CSV's fields in the CSV's order (see the module docs for
    /// the types and the `not_applicable` field).
    pub fn to_json(&self) -> Result<String, ExportError> {
        let score_cols: Vec<usize> =
            (0..self.header.len()).filter(|&i| self.columns[i] == Column::Score).collect();
        let rows: Vec<Ordered> = self.rows.iter().map(|r| self.json_row(r, &score_cols)).collect();
        let mut s = serde_json::to_string_pretty(&rows)?;
        s.push('\n');
        Ok(s)
    }

    fn json_row(&self, r: &[String], score_cols: &[usize]) -> Ordered {
        let mut fields = Vec::with_capacity(self.header.len() + 1);
        let mut na = Vec::new();
        for (i, h) in self.header.iter().enumerate() {
            let cell = r.get(i).map_or("", String::as_str);
            let v = match self.columns[i] {
                _ if cell.is_empty() => Value::Null,
                Column::Score if cell == NA => {
                    na.push(Value::String(h.clone()));
                    Value::Null
                }
                Column::Derived if cell == items::SUMMARY_NA => Value::Null,
                Column::Score | Column::Number | Column::Derived => {
                    number(cell).unwrap_or_else(|| Value::String(cell.into()))
                }
                Column::Text => Value::String(cell.into()),
            };
            fields.push((h.clone(), v));
            if score_cols.last() == Some(&i) {
                let flag = if score_cols.len() == 1 {
                    Value::Bool(!na.is_empty())
                } else {
                    Value::Array(na.clone())
                };
                fields.push(("not_applicable".to_string(), flag));
            }
        }
        Ordered(fields)
    }
}

/// A number for a cell: up to 4 decimals, trailing zeros dropped (`3`, `3.5`, `2.3333`).
pub fn fmt_num(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// The slot of `coder` on `recording` (`primary`, `secondary`, `additional`) from the assignments.
fn slot(assignments: &[Assignment], recording: &str, coder: &str) -> String {
    let Some(a) = assignments.iter().find(|a| a.id == recording) else { return String::new() };
    a.slot_of(coder).map_or("unassigned", |s| s.as_str()).to_string()
}

fn status(s: Status) -> &'static str {
    match s {
        Status::InProgress => "in_progress",
        Status::Submitted => "submitted",
    }
}

/// A domain's cell: the level, `NA` when not applicable, empty when unscored.
fn score_cell(cb: &Codebook, c: &Coding, domain: &str) -> String {
    c.score_state(cb, domain).export_value()
}

fn bc_cell(cb: &Codebook, c: &Coding, spans: &Spans<'_>) -> String {
    spans.bc(cb, c).map_or(String::new(), |p| format!("{p:.1}"))
}

/// The recordings' durations and sampled windows (`[sampling]`): the behaviour-change share is
/// taken within a recording's window when it has one.
#[derive(Debug, Clone, Copy)]
pub struct Spans<'a> {
    pub durations: &'a BTreeMap<String, f64>,
    pub windows: &'a BTreeMap<String, Window>,
}

impl Spans<'_> {
    /// 100 × the share of `c`'s recording (or its window) in behaviour-change talk.
    fn bc(&self, cb: &Codebook, c: &Coding) -> Option<f64> {
        let d = self.durations.get(&c.recording).copied().unwrap_or(f64::NAN);
        bc_percent_in(c, &bc_kind(cb), d, self.windows.get(&c.recording))
    }
}

/// Sort key: recording, then slot order, then coder.
fn order<'a>(assignments: &'a [Assignment], c: &'a Coding) -> (&'a str, usize, &'a str) {
    let pos = assignments
        .iter()
        .find(|a| a.id == c.recording)
        .and_then(|a| a.coders.iter().position(|x| *x == c.coder))
        .unwrap_or(usize::MAX);
    (c.recording.as_str(), pos, c.coder.as_str())
}

/// `export codings`: one row per coding × domain. `assignments` is `None` for a coder's own
/// export, which then has no `slot` column at all.
///
/// An instrument's other items follow `bc_percent`, one column each, repeated on each of the
/// coding's rows (see [`items`]); an instrument without scales has one row per coding with
/// `domain` and `score` empty.
pub fn codings_table(
    cb: &Codebook,
    assignments: Option<&[Assignment]>,
    spans: Spans<'_>,
    codings: &[Coding],
) -> Table {
    let header: &[&str] = if assignments.is_some() {
        &["recording", "coder", "slot", "status", "domain", "score", "bc_percent"]
    } else {
        &["recording", "coder", "status", "domain", "score", "bc_percent"]
    };
    let mut t = Table::new(header, &["score"], &["bc_percent"]);
    items::extend_header(&mut t, cb, false);
    let empty: &[Assignment] = &[];
    let asg = assignments.unwrap_or(empty);
    let mut sorted: Vec<&Coding> = codings.iter().collect();
    sorted.sort_by(|a, b| order(asg, a).cmp(&order(asg, b)));
    for c in sorted {
        let slot = assignments.map(|a| slot(a, &c.recording, &c.coder));
        let bc = bc_cell(cb, c, &spans);
        let item_cells = items::coding_cells(cb, c);
        let domains: Vec<Option<&str>> = if cb.domains.is_empty() {
            vec![None]
        } else {
            cb.domains.iter().map(|d| Some(d.key.as_str())).collect()
        };
        for d in domains {
            let mut row = vec![c.recording.clone(), c.coder.clone()];
            row.extend(slot.clone());
            row.extend([
                status(c.status).into(),
                d.unwrap_or_default().to_string(),
                d.map_or(String::new(), |d| score_cell(cb, c, d)),
                bc.clone(),
            ]);
            row.extend(item_cells.iter().cloned());
            t.rows.push(row);
        }
    }
    t
}

/// `export segments`: one row per segment.
pub fn segments_table(codings: &[Coding]) -> Table {
    let mut t = Table::new(
        &["recording", "coder", "kind", "start_s", "end_s", "note"],
        &[],
        &["start_s", "end_s"],
    );
    let mut sorted: Vec<&Coding> = codings.iter().collect();
    sorted.sort_by(|a, b| (&a.recording, &a.coder).cmp(&(&b.recording, &b.coder)));
    for c in sorted {
        let mut segs: Vec<_> = c.segments.iter().collect();
        segs.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        for s in segs {
            t.rows.push(vec![
                c.recording.clone(),
                c.coder.clone(),
                s.kind.clone(),
                format!("{:.3}", s.start_s),
                format!("{:.3}", s.end_s),
                s.note.clone(),
            ]);
        }
    }
    t
}

/// One Audacity label file per coding: (file name, content). Lines are `start<TAB>end<TAB>label`
/// with the label `kind` or `kind: note` (tabs and line breaks in notes become spaces).
pub fn audacity_labels(codings: &[Coding]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in codings {
        let mut segs: Vec<_> = c.segments.iter().collect();
        segs.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        let mut text = String::new();
        for s in segs {
            let label =
                if s.note.is_empty() { s.kind.clone() } else { format!("{}: {}", s.kind, s.note) };
            let label: String =
                label.chars().map(|ch| if ch.is_control() { ' ' } else { ch }).collect();
            text.push_str(&format!("{:.6}\t{:.6}\t{}\n", s.start_s, s.end_s, label));
        }
        out.push((format!("{}_{}.txt", c.recording, c.coder), text));
    }
    out.sort();
    out
}

/// What `export final` is built from.
pub struct FinalParts<'a> {
    pub codebook: &'a Codebook,
    pub rule: FinalRule,
    /// The study's agreement criterion (study.toml `[reliability] tolerance`).
    pub tolerance: u8,
    /// Recording ids in study order (every recording gets a row).
    pub recordings: &'a [String],
    pub assignments: &'a [Assignment],
    pub spans: Spans<'a>,
    pub codings: &'a [Coding],
    pub adjudications: &'a [Adjudication],
    pub metadata: &'a [RecordingMeta],
}

/// `export final`'s table and what the supervisor should be told about it.
#[derive(Debug, Clone, PartialEq)]
pub struct FinalExport {
    pub table: Table,
    /// Recordings whose two codings differ by more than the tolerance on a domain that no
    /// adjudication settles yet (under the `adjudicated` rule their source is `unresolved`).
    pub unresolved: Vec<String>,
    /// Adjudicated recordings whose decisions the rule (`primary` or `mean`) does not use.
    pub adjudications_unused: Vec<String>,
}

/// A final domain value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Final {
    Missing,
    NotApplicable,
    Value(f64),
}

/// One recording's final values before they become cells.
struct FinalValues<'a> {
    scores: BTreeMap<&'a str, Final>,
    bc: Option<f64>,
    source: &'static str,
}

/// A recording's study coders (primary first) and their submitted codings, in that order.
fn study_codings<'a>(p: &FinalParts<'a>, rec: &str) -> (Vec<&'a str>, Vec<&'a Coding>) {
    let assigned: Vec<&str> = p
        .assignments
        .iter()
        .find(|a| a.id == rec)
        .map_or(Vec::new(), |a| a.study_coders().iter().map(String::as_str).collect());
    let submitted = assigned
        .iter()
        .filter_map(|c| {
            p.codings
                .iter()
                .find(|x| x.recording == rec && x.coder == *c && x.status == Status::Submitted)
        })
        .collect();
    (assigned, submitted)
}

fn value_of(cb: &Codebook, c: &Coding, d: &str) -> Final {
    match c.score_state(cb, d) {
        ScoreState::Level(v) => Final::Value(f64::from(v)),
        ScoreState::NotApplicable => Final::NotApplicable,
        ScoreState::Unscored => Final::Missing,
    }
}

/// The primary coder's values (rules `primary` and `adjudicated`).
fn primary_values<'a>(p: &FinalParts<'a>, primary: Option<&Coding>) -> FinalValues<'a> {
    let cb = p.codebook;
    match primary {
        Some(c) => FinalValues {
            scores: cb.domains.iter().map(|d| (d.key.as_str(), value_of(cb, c, &d.key))).collect(),
            bc: p.spans.bc(cb, c),
            source: "primary",
        },
        None => FinalValues { scores: BTreeMap::new(), bc: None, source: "none" },
    }
}

/// The mean of the submitted study codings (rule `mean`).
fn mean_values<'a>(
    p: &FinalParts<'a>,
    assigned: &[&str],
    submitted: &[&Coding],
) -> FinalValues<'a> {
    let cb = p.codebook;
    let scores = cb
        .domains
        .iter()
        .map(|d| {
            let vals: Vec<Final> = submitted.iter().map(|c| value_of(cb, c, &d.key)).collect();
            let nums: Vec<f64> = vals
                .iter()
                .filter_map(|v| if let Final::Value(x) = v { Some(*x) } else { None })
                .collect();
            let f = if !nums.is_empty() {
                Final::Value(nums.iter().sum::<f64>() / nums.len() as f64)
            } else if vals.contains(&Final::NotApplicable) {
                Final::NotApplicable
            } else {
                Final::Missing
            };
            (d.key.as_str(), f)
        })
        .collect();
    let bcs: Vec<f64> = submitted.iter().filter_map(|c| p.spans.bc(cb, c)).collect();
    let bc = (!bcs.is_empty()).then(|| bcs.iter().sum::<f64>() / bcs.len() as f64);
    let source = match submitted {
        [] => "none",
        [one] if Some(one.coder.as_str()) == assigned.first().copied() => "primary",
        [_] => "secondary",
        _ => "mean",
    };
    FinalValues { scores, bc, source }
}

/// Whether the two submitted codings differ by more than the tolerance on a domain that the
/// adjudication (if any) does not decide.
fn is_unresolved(p: &FinalParts<'_>, submitted: &[&Coding], adj: Option<&Adjudication>) -> bool {
    let [a, b] = submitted else { return false };
    disagreements(p.codebook, a, b, p.tolerance)
        .iter()
        .any(|d| !adj.is_some_and(|x| x.decisions.iter().any(|dec| dec.domain == d.domain)))
}

/// `export final`: one row per recording following `rule` (with `window_start_s` and
/// `window_end_s` before `source` when recordings have sampled windows), plus the study variables (union of
/// keys, sorted) as extra columns. `source` says where the scores came from: `primary`,
/// `secondary` (rule mean with only the secondary submitted), `mean`, `adjudicated`,
/// `unresolved` (rule adjudicated: a disagreement over the tolerance is not adjudicated yet; the
/// scores are the primary coder's, with any decisions already made), or `none`.
pub fn final_table(p: &FinalParts<'_>) -> FinalExport {
    let cb = p.codebook;
    let vars: BTreeSet<&str> =
        p.metadata.iter().flat_map(|m| m.variables.keys().map(String::as_str)).collect();
    let mut header: Vec<&str> = vec!["recording"];
    header.extend(cb.domains.iter().map(|d| d.key.as_str()));
    header.extend(cb.composites.iter().map(|c| c.key.as_str()));
    header.push("bc_percent");
    let item_cols = items::header(cb, true);
    header.extend(item_cols.iter().map(|(h, _)| h.as_str()));
    // With `[sampling]`, where each recording's window lies (empty for one without).
    let windowed = p.recordings.iter().any(|r| p.spans.windows.contains_key(r));
    if windowed {
        header.extend(["window_start_s", "window_end_s"]);
    }
    header.push("source");
    let scores: Vec<&str> = cb.domains.iter().map(|d| d.key.as_str()).collect();
    let mut numbers: Vec<&str> = cb.composites.iter().map(|c| c.key.as_str()).collect();
    numbers.extend(["bc_percent", "window_start_s", "window_end_s"]);
    let var_cols: Vec<&str> = vars.iter().copied().filter(|v| !header.contains(v)).collect();
    header.extend(var_cols.iter().copied());
    let mut table = Table::new(&header, &scores, &numbers);
    let first_item = cb.domains.len() + cb.composites.len() + 2;
    for (i, (_, kind)) in item_cols.iter().enumerate() {
        table.columns[first_item + i] = *kind;
    }
    let mut out = FinalExport { table, unresolved: Vec::new(), adjudications_unused: Vec::new() };
    for rec in p.recordings {
        let (assigned, submitted) = study_codings(p, rec);
        let primary =
            assigned.first().and_then(|c| submitted.iter().find(|x| x.coder == *c)).copied();
        let adj = p.adjudications.iter().find(|a| &a.recording == rec && !a.decisions.is_empty());
        let unresolved = is_unresolved(p, &submitted, adj);
        if unresolved {
            out.unresolved.push(rec.clone());
        }
        let mut v = match p.rule {
            FinalRule::Primary | FinalRule::Adjudicated => primary_values(p, primary),
            FinalRule::Mean => mean_values(p, &assigned, &submitted),
        };
        match (p.rule, adj) {
            (FinalRule::Adjudicated, Some(adj)) if primary.is_some() => {
                for dec in &adj.decisions {
                    if let Some(d) = cb.domain(&dec.domain) {
                        v.scores.insert(d.key.as_str(), Final::Value(f64::from(dec.final_score)));
                    }
                }
                v.source = "adjudicated";
            }
            (FinalRule::Adjudicated, _) => {}
            (_, Some(_)) => out.adjudications_unused.push(rec.clone()),
            (_, None) => {}
        }
        if p.rule == FinalRule::Adjudicated && unresolved && primary.is_some() {
            v.source = "unresolved";
        }
        let meta = p.metadata.iter().find(|m| &m.id == rec);
        let mut row = final_row(cb, rec, &v);
        if !item_cols.is_empty() {
            let from: Vec<&Coding> = match p.rule {
                FinalRule::Mean => submitted.clone(),
                _ => primary.into_iter().collect(),
            };
            let cells = items::final_cells(cb, &from, &submitted, &v.scores);
            let at = row.len() - 1; // before `source`
            row.splice(at..at, cells);
        }
        if windowed {
            let w = p.spans.windows.get(rec);
            let cells = [w.map(|w| w.start_s), w.map(|w| w.end_s)]
                .map(|x| x.map_or(String::new(), |x| format!("{x:.3}")));
            let at = row.len() - 1;
            row.splice(at..at, cells);
        }
        for var in &var_cols {
            row.push(meta.and_then(|m| m.variables.get(*var)).cloned().unwrap_or_default());
        }
        out.table.rows.push(row);
    }
    out
}

/// A recording's cells up to `source`: domains, composites, bc_percent, source.
fn final_row(cb: &Codebook, rec: &str, v: &FinalValues<'_>) -> Vec<String> {
    let cell = |f: Option<&Final>| match f {
        Some(Final::Value(x)) => fmt_num(*x),
        Some(Final::NotApplicable) => NA.into(),
        _ => String::new(),
    };
    let mut row = vec![rec.to_string()];
    row.extend(cb.domains.iter().map(|d| cell(v.scores.get(d.key.as_str()))));
    for comp in &cb.composites {
        let vals: Option<Vec<f64>> = comp
            .domains
            .iter()
            .map(|d| match v.scores.get(d.as_str()) {
                Some(Final::Value(x)) => Some(*x),
                _ => None,
            })
            .collect();
        row.push(match vals {
            Some(x) if !x.is_empty() => fmt_num(x.iter().sum::<f64>() / x.len() as f64),
            _ => String::new(),
        });
    }
    row.push(v.bc.map_or(String::new(), |b| format!("{b:.1}")));
    row.push(v.source.to_string());
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::{CodebookRef, Segment};

    #[test]
    fn numbers_are_short() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(3.5), "3.5");
        assert_eq!(fmt_num(7.0 / 3.0), "2.3333");
        assert_eq!(fmt_num(-0.0), "0");
    }

    #[test]
    fn audacity_labels_never_break_lines() {
        let c = Coding {
            checklist: Default::default(),
            classes: Default::default(),
            events: Vec::new(),
            schema: 1,
            recording: "R1".into(),
            coder: "x".into(),
            codebook: CodebookRef {
                id: String::new(),
                version: String::new(),
                sha256: String::new(),
            },
            audio_sha256: String::new(),
            status: Status::Submitted,
            created_at: String::new(),
            updated_at: String::new(),
            submitted_at: None,
            resume_s: 0.0,
            listened: vec![],
            scores: BTreeMap::new(),
            rationales: BTreeMap::new(),
            segments: vec![
                Segment { kind: "bc".into(), start_s: 5.0, end_s: 6.5, note: "a\tb\nc".into() },
                Segment { kind: "bc".into(), start_s: 1.0, end_s: 2.0, note: String::new() },
            ],
            notes: vec![],
        };
        let files = audacity_labels(&[c]);
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, "R1_x.txt");
        assert_eq!(files[0].1, "1.000000\t2.000000\tbc\n5.000000\t6.500000\tbc: a b c\n");
    }

    #[test]
    fn json_scores_are_integers_na_is_null_and_flagged_in_csv_order() {
        let mut t = Table::new(&["id", "score", "bc_percent"], &["score"], &["bc_percent"]);
        t.rows.push(vec!["R1".into(), "3".into(), "10.0".into()]);
        t.rows.push(vec!["R2".into(), NA.into(), String::new()]);
        t.rows.push(vec!["R3".into(), String::new(), "2.5".into()]);
        let text = t.to_json().unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v[0]["score"], serde_json::json!(3));
        assert!(v[0]["score"].is_u64(), "an integer, not 3.0: {text}");
        assert_eq!(v[0]["not_applicable"], false);
        assert!(v[1]["score"].is_null());
        assert_eq!(v[1]["not_applicable"], true);
        assert!(v[2]["score"].is_null() && v[2]["not_applicable"] == false);
        assert_eq!(v[2]["bc_percent"], 2.5);
        let keys: Vec<&str> = text
            .lines()
            .take(7)
            .filter_map(|l| l.trim().strip_prefix('"')?.split('"').next())
            .collect();
        assert_eq!(keys, ["id", "score", "not_applicable", "bc_percent"], "{text}");
        assert_eq!(t.to_csv().unwrap(), "id,score,bc_percent\nR1,3,10.0\nR2,NA,\nR3,,2.5\n");
    }

    #[test]
    fn json_lists_the_not_applicable_domains_of_a_wide_row() {
        let mut t = Table::new(&["id", "a", "b", "source"], &["a", "b"], &[]);
        t.rows.push(vec!["R1".into(), "4.5".into(), NA.into(), "mean".into()]);
        let v: Value = serde_json::from_str(&t.to_json().unwrap()).unwrap();
        assert_eq!(v[0]["a"], 4.5);
        assert!(v[0]["b"].is_null());
        assert_eq!(v[0]["not_applicable"], serde_json::json!(["b"]));
        assert_eq!(v[0]["source"], "mean");
    }
}
