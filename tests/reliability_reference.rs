//! The published worked examples in `tests/reference/irr/` (Shrout & Fleiss 1979; Krippendorff
//! 2011) reproduced to 1e-4, read from the copied CSVs and `expected.json`.
use std::path::PathBuf;

use serde_json::Value;
use tapecoder::stats::alpha::{Metric, alpha};
use tapecoder::stats::icc::{Model, Unit, icc, mean_squares};

const TOL: f64 = 1e-4;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/irr")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(dir().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Rows of the wide CSV, first column (the id) dropped; empty cell = missing.
fn wide(file: &str) -> Vec<Vec<Option<f64>>> {
    let mut r = csv::Reader::from_path(dir().join(file)).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            rec.iter()
                .skip(1)
                .map(|c| if c.trim().is_empty() { None } else { Some(c.parse().unwrap()) })
                .collect()
        })
        .collect()
}

fn close(got: f64, want: &Value, what: &str) {
    let want = want.as_f64().unwrap_or_else(|| panic!("{what}: no number in expected.json"));
    assert!((got - want).abs() < TOL, "{what}: got {got}, want {want}");
}

#[test]
fn shrout_fleiss_all_six_iccs_with_ci_and_f() {
    let exp = expected();
    let sf = &exp["shrout_fleiss_1979"];
    let rows: Vec<Vec<f64>> = wide(sf["file"].as_str().unwrap())
        .into_iter()
        .map(|r| r.into_iter().map(Option::unwrap).collect())
        .collect();
    let ms = mean_squares(&rows).unwrap();
    let m = &sf["mean_squares"];
    close(ms.msr, &m["MSR"], "MSR");
    close(ms.msw, &m["MSW"], "MSW");
    close(ms.msc, &m["MSC"], "MSC");
    close(ms.mse, &m["MSE"], "MSE");
    let cases = [
        ("ICC(1,1) = ICC(1)", Model::OneWay, Unit::Single),
        ("ICC(2,1) = ICC(A,1)", Model::Absolute, Unit::Single),
        ("ICC(3,1) = ICC(C,1)", Model::Consistency, Unit::Single),
        ("ICC(1,k) = ICC(k)", Model::OneWay, Unit::Average),
        ("ICC(2,k) = ICC(A,k)", Model::Absolute, Unit::Average),
        ("ICC(3,k) = ICC(C,k)", Model::Consistency, Unit::Average),
    ];
    for (key, model, unit) in cases {
        let e = &sf[key];
        let got = icc(&ms, model, unit).unwrap();
        close(got.value, &e["est"], key);
        let (lo, hi) = got.ci95.clone().unwrap();
        close(lo, &e["ci95"][0], &format!("{key} lower"));
        close(hi, &e["ci95"][1], &format!("{key} upper"));
        close(got.f.clone().unwrap(), &e["F"], &format!("{key} F"));
        close(got.df1, &e["df1"], &format!("{key} df1"));
        close(got.df2, &e["df2"], &format!("{key} df2"));
    }
}

#[test]
fn shrout_fleiss_published_two_decimals() {
    let rows: Vec<Vec<f64>> = wide("a_shrout_fleiss_1979.csv")
        .into_iter()
        .map(|r| r.into_iter().map(Option::unwrap).collect())
        .collect();
    let ms = mean_squares(&rows).unwrap();
    let two = |m, u| (icc(&ms, m, u).unwrap().value * 100.0).round() / 100.0;
    assert_eq!(two(Model::OneWay, Unit::Single), 0.17);
    assert_eq!(two(Model::Absolute, Unit::Single), 0.29);
    assert_eq!(two(Model::Consistency, Unit::Single), 0.71);
    assert_eq!(two(Model::OneWay, Unit::Average), 0.44);
    assert_eq!(two(Model::Absolute, Unit::Average), 0.62);
    assert_eq!(two(Model::Consistency, Unit::Average), 0.91);
}

#[test]
fn krippendorff_four_alphas_with_missing_values() {
    let exp = expected();
    let k = &exp["krippendorff_2011"];
    let units = wide(k["file"].as_str().unwrap());
    let pairable = units.iter().filter(|u| u.iter().flatten().count() >= 2).count();
    assert_eq!(pairable as u64, k["pairable_units"].as_u64().unwrap());
    let values: usize = units.iter().map(|u| u.iter().flatten().count()).filter(|&c| c >= 2).sum();
    assert_eq!(values as u64, k["pairable_values_n"].as_u64().unwrap());
    close(alpha(&units, Metric::Nominal).unwrap(), &k["alpha_nominal"], "nominal");
    close(alpha(&units, Metric::Ordinal).unwrap(), &k["alpha_ordinal"], "ordinal");
    close(alpha(&units, Metric::Interval).unwrap(), &k["alpha_interval"], "interval");
    close(alpha(&units, Metric::Ratio).unwrap(), &k["alpha_ratio"], "ratio");
}
