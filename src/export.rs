//! `export codings | final | segments` (SPEC §8): rows from study codings, written as CSV or JSON
//! (the same fields), and segments as Audacity label files. Pure: the command reads the study and
//! writes the output; this module only builds tables.
//!
//! Blinding: the caller decides what goes in. A supervisor exports everything; a coder exports
//! only their own codings and segments, without the slot (primary/secondary would reveal which
//! recordings are double-coded), and cannot export final scores.
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::codebook::Codebook;
use crate::coding::{Coding, ScoreState, Status};
use crate::reliability::input::{bc_kind, bc_percent};
use crate::study::model::{Adjudication, Assignment, FinalRule, RecordingMeta};

/// A table of text cells with a header; `numeric` marks columns written as JSON numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub numeric: Vec<bool>,
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

impl Table {
    fn new(header: &[&str], numeric: &[&str]) -> Self {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            numeric: header.iter().map(|h| numeric.contains(h)).collect(),
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

    /// A JSON array of objects with the same fields: empty cells are `null`, numeric columns are
    /// numbers (except `NA`, kept as the string).
    pub fn to_json(&self) -> Result<String, ExportError> {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|r| {
                let mut m = Map::new();
                for (i, h) in self.header.iter().enumerate() {
                    let cell = r.get(i).map_or("", String::as_str);
                    let numeric = self.numeric.get(i).copied().unwrap_or(false);
                    let v = if cell.is_empty() {
                        Value::Null
                    } else if numeric {
                        cell.parse::<f64>()
                            .ok()
                            .and_then(serde_json::Number::from_f64)
                            .map_or_else(|| Value::String(cell.into()), Value::Number)
                    } else {
                        Value::String(cell.into())
                    };
                    m.insert(h.clone(), v);
                }
                Value::Object(m)
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&rows)?;
        s.push('\n');
        Ok(s)
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

fn bc_cell(cb: &Codebook, c: &Coding, durations: &BTreeMap<String, f64>) -> String {
    let d = durations.get(&c.recording).copied().unwrap_or(f64::NAN);
    bc_percent(c, &bc_kind(cb), d).map_or(String::new(), |p| format!("{p:.1}"))
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
/// export (the slot is then left empty).
pub fn codings_table(
    cb: &Codebook,
    assignments: Option<&[Assignment]>,
    durations: &BTreeMap<String, f64>,
    codings: &[Coding],
) -> Table {
    let mut t = Table::new(
        &["recording", "coder", "slot", "status", "domain", "score", "bc_percent"],
        &["score", "bc_percent"],
    );
    let empty: &[Assignment] = &[];
    let asg = assignments.unwrap_or(empty);
    let mut sorted: Vec<&Coding> = codings.iter().collect();
    sorted.sort_by(|a, b| order(asg, a).cmp(&order(asg, b)));
    for c in sorted {
        let slot = assignments.map_or(String::new(), |a| slot(a, &c.recording, &c.coder));
        let bc = bc_cell(cb, c, durations);
        for d in &cb.domains {
            t.rows.push(vec![
                c.recording.clone(),
                c.coder.clone(),
                slot.clone(),
                status(c.status).into(),
                d.key.clone(),
                score_cell(cb, c, &d.key),
                bc.clone(),
            ]);
        }
    }
    t
}

/// `export segments`: one row per segment.
pub fn segments_table(codings: &[Coding]) -> Table {
    let mut t = Table::new(
        &["recording", "coder", "kind", "start_s", "end_s", "note"],
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
    /// Recording ids in study order (every recording gets a row).
    pub recordings: &'a [String],
    pub assignments: &'a [Assignment],
    pub durations: &'a BTreeMap<String, f64>,
    pub codings: &'a [Coding],
    pub adjudications: &'a [Adjudication],
    pub metadata: &'a [RecordingMeta],
}

/// A final domain value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Final {
    Missing,
    NotApplicable,
    Value(f64),
}

/// `export final`: one row per recording following `rule`, plus the study variables (union of
/// keys, sorted) as extra columns. `source` says where the scores came from: `primary`,
/// `secondary` (rule mean with only the secondary submitted), `mean`, `adjudicated`, or `none`.
// Temporary (issue #10): the ux helper is changing the final-score rule and JSON types this session; split it then.
#[allow(clippy::too_many_lines)]
pub fn final_table(p: &FinalParts<'_>) -> Table {
    let cb = p.codebook;
    let vars: BTreeSet<&str> =
        p.metadata.iter().flat_map(|m| m.variables.keys().map(String::as_str)).collect();
    let mut header: Vec<&str> = vec!["recording"];
    header.extend(cb.domains.iter().map(|d| d.key.as_str()));
    header.extend(cb.composites.iter().map(|c| c.key.as_str()));
    header.push("bc_percent");
    header.push("source");
    let mut numeric: Vec<&str> = cb.domains.iter().map(|d| d.key.as_str()).collect();
    numeric.extend(cb.composites.iter().map(|c| c.key.as_str()));
    numeric.push("bc_percent");
    let var_cols: Vec<&str> = vars.iter().copied().filter(|v| !header.contains(v)).collect();
    header.extend(var_cols.iter().copied());
    let mut t = Table::new(&header, &numeric);
    let kind = bc_kind(cb);
    for rec in p.recordings {
        let assigned: Vec<&str> = p
            .assignments
            .iter()
            .find(|a| &a.id == rec)
            .map_or(Vec::new(), |a| a.study_coders().iter().map(String::as_str).collect());
        let submitted: Vec<&Coding> = assigned
            .iter()
            .filter_map(|c| {
                p.codings
                    .iter()
                    .find(|x| &x.recording == rec && x.coder == *c && x.status == Status::Submitted)
            })
            .collect();
        let primary =
            assigned.first().and_then(|c| submitted.iter().find(|x| x.coder == *c)).copied();
        let value_of = |c: &Coding, d: &str| match c.score_state(cb, d) {
            ScoreState::Level(v) => Final::Value(f64::from(v)),
            ScoreState::NotApplicable => Final::NotApplicable,
            ScoreState::Unscored => Final::Missing,
        };
        let duration = p.durations.get(rec).copied().unwrap_or(f64::NAN);
        let (mut scores, bc, mut source): (BTreeMap<&str, Final>, Option<f64>, String) = match p
            .rule
        {
            FinalRule::Primary | FinalRule::Adjudicated => match primary {
                Some(c) => (
                    cb.domains.iter().map(|d| (d.key.as_str(), value_of(c, &d.key))).collect(),
                    bc_percent(c, &kind, duration),
                    "primary".into(),
                ),
                None => (BTreeMap::new(), None, "none".into()),
            },
            FinalRule::Mean => {
                let scores = cb
                    .domains
                    .iter()
                    .map(|d| {
                        let vals: Vec<Final> =
                            submitted.iter().map(|c| value_of(c, &d.key)).collect();
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
                let bcs: Vec<f64> =
                    submitted.iter().filter_map(|c| bc_percent(c, &kind, duration)).collect();
                let bc = (!bcs.is_empty()).then(|| bcs.iter().sum::<f64>() / bcs.len() as f64);
                let source = match submitted.as_slice() {
                    [] => "none".to_string(),
                    [one] if Some(one.coder.as_str()) == assigned.first().copied() => {
                        "primary".into()
                    }
                    [_] => "secondary".into(),
                    _ => "mean".into(),
                };
                (scores, bc, source)
            }
        };
        if p.rule == FinalRule::Adjudicated
            && let Some(adj) = p.adjudications.iter().find(|a| &a.recording == rec)
            && !adj.decisions.is_empty()
        {
            for dec in &adj.decisions {
                if let Some(d) = cb.domain(&dec.domain) {
                    scores.insert(d.key.as_str(), Final::Value(f64::from(dec.final_score)));
                }
            }
            source = "adjudicated".into();
        }
        let cell = |f: Option<&Final>| match f {
            Some(Final::Value(v)) => fmt_num(*v),
            Some(Final::NotApplicable) => "NA".into(),
            _ => String::new(),
        };
        let mut row = vec![rec.clone()];
        row.extend(cb.domains.iter().map(|d| cell(scores.get(d.key.as_str()))));
        for comp in &cb.composites {
            let vals: Option<Vec<f64>> = comp
                .domains
                .iter()
                .map(|d| match scores.get(d.as_str()) {
                    Some(Final::Value(v)) => Some(*v),
                    _ => None,
                })
                .collect();
            row.push(match vals {
                Some(v) if !v.is_empty() => fmt_num(v.iter().sum::<f64>() / v.len() as f64),
                _ => String::new(),
            });
        }
        row.push(bc.map_or(String::new(), |b| format!("{b:.1}")));
        row.push(source);
        let meta = p.metadata.iter().find(|m| &m.id == rec);
        for v in &var_cols {
            row.push(meta.and_then(|m| m.variables.get(*v)).cloned().unwrap_or_default());
        }
        t.rows.push(row);
    }
    t
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
    fn json_keeps_na_and_nulls_empty_cells() {
        let mut t = Table::new(&["id", "score"], &["score"]);
        t.rows.push(vec!["R1".into(), "3".into()]);
        t.rows.push(vec!["R2".into(), "NA".into()]);
        t.rows.push(vec!["R3".into(), String::new()]);
        let v: Value = serde_json::from_str(&t.to_json().unwrap()).unwrap();
        assert_eq!(v[0]["score"], 3.0);
        assert_eq!(v[1]["score"], "NA");
        assert!(v[2]["score"].is_null());
        assert_eq!(t.to_csv().unwrap(), "id,score\nR1,3\nR2,NA\nR3,\n");
    }
}
