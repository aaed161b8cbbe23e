//! The report as JSON. An undefined statistic is `null` with a sibling `<name>_reason` field.
use serde_json::{Map, Value, json};

use crate::reliability::model::{IccResult, MeasureReport, Pairing, Report};
use crate::stats::Stat;
use crate::stats::alpha::AlphaBoot;
use crate::stats::bland_altman::BlandAltman;
use crate::stats::gwet::Coefficient;

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
            if let Some(v) = &i.verdict {
                m.insert(
                    "band_ci95".into(),
                    json!(v.bounds.map(|(lo, hi)| [lo.as_str(), hi.as_str()])),
                );
                m.insert("uncertain".into(), json!(v.uncertain));
                m.insert("verdict".into(), json!(v.text()));
            }
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

/// Puts `key` as an object built by `f`, or `null` and `<key>_reason`.
fn put_obj<T>(m: &mut Map<String, Value>, key: &str, s: &Stat<T>, f: impl Fn(&T) -> Value) {
    match s {
        Ok(v) => {
            m.insert(key.into(), f(v));
        }
        Err(e) => {
            m.insert(key.into(), Value::Null);
            m.insert(format!("{key}_reason"), json!(e.reason));
        }
    }
}

fn coefficient(c: &Coefficient) -> Value {
    json!({"value": c.value, "se": c.se, "ci95": [c.ci95.0, c.ci95.1], "pa": c.pa, "pe": c.pe, "n": c.n})
}

fn boot(b: &AlphaBoot) -> Value {
    json!({
        "ci95": [b.ci95.0, b.ci95.1],
        "p_below_0_667": b.p_below_667,
        "p_below_0_800": b.p_below_800,
        "resamples": b.resamples,
        "draws": b.draws,
        "seed": b.seed,
    })
}

fn bland_altman(b: &BlandAltman) -> Value {
    json!({
        "n": b.n,
        "bias": b.bias,
        "bias_ci95": [b.bias_ci95.0, b.bias_ci95.1],
        "sd": b.sd,
        "loa95": [b.loa.0, b.loa.1],
    })
}

fn measure(x: &MeasureReport) -> Value {
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
    m.insert("pairing".into(), json!(x.pairing.as_str()));
    let coders = match &x.pairing {
        Pairing::Coders { a, b } => json!([a, b]),
        Pairing::Slots => Value::Null,
    };
    m.insert("pairing_coders".into(), coders);
    put(&mut m, "kappa_unweighted", &x.kappa.unweighted);
    put(&mut m, "kappa_linear", &x.kappa.linear);
    put(&mut m, "kappa_quadratic", &x.kappa.quadratic);
    put_obj(&mut m, "ac1", &x.gwet.ac1, coefficient);
    put_obj(&mut m, "ac2_linear", &x.gwet.ac2_linear, coefficient);
    put_obj(&mut m, "ac2_quadratic", &x.gwet.ac2_quadratic, coefficient);
    put(&mut m, "alpha_ordinal", &x.alpha_ordinal);
    put_obj(&mut m, "alpha_ordinal_bootstrap", &x.alpha_ordinal_boot, boot);
    put(&mut m, "alpha_interval", &x.alpha_interval);
    put_obj(&mut m, "alpha_interval_bootstrap", &x.alpha_interval_boot, boot);
    put_obj(&mut m, "bland_altman", &x.bland_altman, bland_altman);
    Value::Object(m)
}

/// The report as a JSON value.
pub fn to_value(r: &Report) -> Value {
    let measures: Vec<Value> = r.measures.iter().map(measure).collect();
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
    let mut v = json!({
        "source": r.source,
        "tolerance": r.tolerance,
        "scale": [r.scale.0, r.scale.1],
        "double_coded": r.double_coded,
        "complete": r.complete,
        "average_measures": r.average_measures,
        "bootstrap_resamples": r.resamples,
        "bootstrap_seed": r.seed,
        "measures": measures,
        "pairs": pairs,
        "coders": coders,
        "bc_bins": bins,
        "notes": r.notes,
    });
    if let (Some(items), Value::Object(m)) = (&r.items, &mut v) {
        m.insert("items".into(), serde_json::to_value(items).unwrap_or(Value::Null));
    }
    v
}

/// The report as pretty JSON text (with a final newline).
pub fn render(r: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(r)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
