//! The report as JSON. An undefined statistic is `null` with a sibling `<name>_reason` field.
use serde_json::{Map, Value, json};

use crate::reliability::model::{IccResult, Report};
use crate::stats::Stat;

fn put(m: &mut Map<String, Value>, key: &str, s: &Stat) {
    match s {
        Ok(v) => {
            m.insert(key.into(), json!(v));
        }
        Err(e) => {
            m.insert(key.into(), Value::Null);
            m.insert(format!("{key}_reason"), json!(e.reason));
        }
    }
}

fn icc(i: &IccResult) -> Value {
    let mut m = Map::new();
    m.insert("form".into(), json!(i.form));
    match &i.stat {
        Ok(v) => {
            m.insert("value".into(), json!(v.value));
            match &v.ci95 {
                Ok((lo, hi)) => {
                    m.insert("ci95".into(), json!([lo, hi]));
                }
                Err(e) => {
                    m.insert("ci95".into(), Value::Null);
                    m.insert("ci95_reason".into(), json!(e.reason));
                }
            }
            m.insert("band".into(), json!(i.band().map(|b| b.as_str())));
            put(&mut m, "f", &v.f);
            m.insert("df1".into(), json!(v.df1));
            m.insert("df2".into(), json!(v.df2));
        }
        Err(e) => {
            m.insert("value".into(), Value::Null);
            m.insert("reason".into(), json!(e.reason));
        }
    }
    Value::Object(m)
}

/// The report as a JSON value.
pub fn to_value(r: &Report) -> Value {
    let measures: Vec<Value> = r
        .measures
        .iter()
        .map(|x| {
            let mut m = Map::new();
            m.insert("key".into(), json!(x.key));
            m.insert("label".into(), json!(x.label));
            m.insert("kind".into(), json!(x.kind.as_str()));
            m.insert("tolerance".into(), json!(x.tolerance));
            m.insert("n".into(), json!(x.n));
            put(&mut m, "exact_pct", &x.exact);
            put(&mut m, "within_pct", &x.within);
            m.insert("outside_tolerance".into(), json!(x.outside));
            m.insert("icc_n".into(), json!(x.icc_n));
            m.insert("icc_k".into(), json!(x.icc_k));
            m.insert("icc_dropped".into(), json!(x.icc_dropped));
            m.insert("icc".into(), Value::Array(x.iccs.iter().map(icc).collect()));
            put(&mut m, "kappa_quadratic", &x.kappa);
            put(&mut m, "alpha_ordinal", &x.alpha_ordinal);
            put(&mut m, "alpha_interval", &x.alpha_interval);
            Value::Object(m)
        })
        .collect();
    let pairs: Vec<Value> = r
        .pairs
        .iter()
        .map(|p| {
            let mut m = Map::new();
            m.insert("a".into(), json!(p.a));
            m.insert("b".into(), json!(p.b));
            m.insert("recordings".into(), json!(p.recordings));
            m.insert("n".into(), json!(p.n));
            put(&mut m, "within_pct", &p.within);
            put(&mut m, "mean_diff", &p.mean_diff);
            Value::Object(m)
        })
        .collect();
    let coders: Vec<Value> = r
        .coders
        .iter()
        .map(|c| {
            let mut m = Map::new();
            m.insert("coder".into(), json!(c.coder));
            m.insert("recordings".into(), json!(c.recordings));
            m.insert("n".into(), json!(c.n));
            put(&mut m, "within_pct", &c.within);
            put(&mut m, "mean_diff", &c.mean_diff);
            Value::Object(m)
        })
        .collect();
    let bins = r.bins.as_ref().map(|b| {
        let mut m = Map::new();
        m.insert("recordings".into(), json!(b.recordings));
        m.insert("bins".into(), json!(b.bins));
        put(&mut m, "agreement_pct", &b.agreement);
        put(&mut m, "kappa", &b.kappa);
        Value::Object(m)
    });
    json!({
        "source": r.source,
        "tolerance": r.tolerance,
        "scale": [r.scale.0, r.scale.1],
        "double_coded": r.double_coded,
        "complete": r.complete,
        "average_measures": r.average_measures,
        "measures": measures,
        "pairs": pairs,
        "coders": coders,
        "bc_bins": bins,
        "notes": r.notes,
    })
}

/// The report as pretty JSON text (with a final newline).
pub fn render(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(r)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
