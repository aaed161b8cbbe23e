//! Reliability of nominal items, counts and event timing (issue #14) against values computed
//! offline with scikit-learn, krippendorff, irrCAC, pingouin and scipy
//! (`tests/reference/make_kinds.py`, output in `tests/reference/kinds.json`): every value to 1e-4.
use serde_json::Value;
use tapecoder::stats::kinds::{counts, nominal, timing};

const TOL: f64 = 1e-4;

fn expected() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/kinds.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn close(what: &str, got: f64, want: &Value) {
    let w = want.as_f64().unwrap_or_else(|| panic!("{what}: no expected value"));
    assert!((got - w).abs() < TOL, "{what}: got {got}, want {w}");
}

#[test]
fn nominal_items_match_sklearn_krippendorff_and_irrcac() {
    let exp = expected();
    let cases = exp["nominal"].as_object().unwrap();
    assert_eq!(cases.len(), 3);
    for (name, c) in cases {
        let pairs: Vec<(usize, usize)> = c["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_u64().unwrap() as usize, p[1].as_u64().unwrap() as usize))
            .collect();
        let k = c["categories"].as_u64().unwrap() as usize;
        let r = nominal(&pairs, k).unwrap();
        assert_eq!(r.n, pairs.len());
        close(&format!("{name} percent"), *r.percent.as_ref().unwrap(), &c["percent"]);
        close(&format!("{name} kappa"), *r.kappa.as_ref().unwrap(), &c["kappa"]);
        close(&format!("{name} alpha"), *r.alpha.as_ref().unwrap(), &c["alpha_nominal"]);
        let ac1 = r.ac1.as_ref().unwrap();
        close(&format!("{name} ac1"), ac1.value, &c["ac1"]["value"]);
        close(&format!("{name} ac1 se"), ac1.se, &c["ac1"]["se"]);
        close(&format!("{name} ac1 lower"), ac1.ci95.0, &c["ac1"]["ci95"][0]);
        close(&format!("{name} ac1 upper"), ac1.ci95.1, &c["ac1"]["ci95"][1]);
    }
}

#[test]
fn counts_and_ratios_match_pingouin_and_krippendorff() {
    let exp = expected();
    let cases = exp["counts"].as_object().unwrap();
    assert_eq!(cases.len(), 2);
    for (name, c) in cases {
        let pairs: Vec<(f64, f64)> = c["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect();
        let r = counts(&pairs);
        let icc = r.icc.as_ref().unwrap();
        close(&format!("{name} icc"), icc.value, &c["icc1"]);
        let (lo, hi) = *icc.ci95.as_ref().unwrap();
        close(&format!("{name} icc lower"), lo, &c["icc1_ci95"][0]);
        close(&format!("{name} icc upper"), hi, &c["icc1_ci95"][1]);
        close(&format!("{name} alpha"), *r.alpha.as_ref().unwrap(), &c["alpha_interval"]);
    }
}

#[test]
fn event_timing_matches_the_largest_matching() {
    let exp = expected();
    let cases = exp["timing"].as_object().unwrap();
    assert_eq!(cases.len(), 2);
    for (name, c) in cases {
        let times = |k: &str| -> Vec<f64> {
            c[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
        };
        let t = timing(&times("first"), &times("second"), c["window"].as_f64().unwrap());
        assert_eq!(t.matched as u64, c["matched"].as_u64().unwrap(), "{name}");
        close(&format!("{name} percent"), *t.percent.as_ref().unwrap(), &c["percent"]);
    }
}
