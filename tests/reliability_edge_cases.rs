//! Edge cases (zero MSE, perfect agreement, offset, skewed kappa, unused category, mirrored scores,
//! one recording) through the report's own path (`from_csv` → `build`), against values computed
//! offline by pingouin, scikit-learn, irrCAC and krippendorff (`tests/reference/make_expected.py`,
//! output in `tests/reference/edge_cases.json`). Every value matches to 1e-4; every value the
//! reference leaves undefined is undefined here too, with a reason.
use serde_json::Value;
use tapecoder::reliability::input::from_csv;
use tapecoder::reliability::model::MeasureReport;
use tapecoder::reliability::{Options, build_with};
use tapecoder::stats::Stat;

const TOL: f64 = 1e-4;

fn expected() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/edge_cases.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn measure(pairs: &[Value]) -> MeasureReport {
    let mut csv = String::from("recording,coder,domain,score\n");
    for (i, p) in pairs.iter().enumerate() {
        csv.push_str(&format!("R{i:02},A,x,{}\nR{i:02},B,x,{}\n", p[0], p[1]));
    }
    let ratings = from_csv(&csv, "edge.csv", (1, 5), 1.0).unwrap();
    let opt = Options { average_measures: true, ..Options::default() };
    build_with(&ratings, &opt).measures.remove(0)
}

fn check(case: &str, what: &str, got: &Stat, want: &Value) {
    match (got, want.as_f64()) {
        (Ok(g), Some(w)) => assert!((g - w).abs() < TOL, "{case} {what}: got {g}, want {w}"),
        (Err(e), None) => assert!(!e.reason.is_empty(), "{case} {what}: no reason"),
        (g, w) => panic!("{case} {what}: got {g:?}, want {w:?}"),
    }
}

#[test]
fn edge_cases_match_the_reference_packages() {
    let exp = expected();
    let cases = exp["cases"].as_object().unwrap();
    assert_eq!(cases.len(), 7);
    for (name, c) in cases {
        let m = measure(c["pairs"].as_array().unwrap());
        check(name, "kappa unweighted", &m.kappa.unweighted, &c["kappa_unweighted"]);
        check(name, "kappa linear", &m.kappa.linear, &c["kappa_linear"]);
        check(name, "kappa quadratic", &m.kappa.quadratic, &c["kappa_quadratic"]);
        check(name, "alpha ordinal", &m.alpha_ordinal, &c["alpha_ordinal"]);
        check(name, "alpha interval", &m.alpha_interval, &c["alpha_interval"]);
        for (key, g) in [
            ("ac1", &m.gwet.ac1),
            ("ac2_linear", &m.gwet.ac2_linear),
            ("ac2_quadratic", &m.gwet.ac2_quadratic),
        ] {
            let e = &c[key];
            let value = g.as_ref().map(|x| x.value).map_err(Clone::clone);
            check(name, key, &value, &e["value"]);
            if let Ok(x) = g {
                check(name, &format!("{key} se"), &Ok(x.se), &e["se"]);
                check(name, &format!("{key} lower"), &Ok(x.ci95.0), &e["ci95"][0]);
                check(name, &format!("{key} upper"), &Ok(x.ci95.1), &e["ci95"][1]);
            }
        }
        let Some(iccs) = c["icc"].as_object() else {
            assert!(m.iccs.iter().all(|i| i.stat.is_err()), "{name}: ICCs need 2 recordings");
            continue;
        };
        for (form, e) in iccs {
            let got = m.icc(form).unwrap_or_else(|| panic!("{name}: no {form}"));
            let value = got.stat.as_ref().map(|i| i.value).map_err(Clone::clone);
            check(name, form, &value, &e["est"]);
            if let Ok(i) = &got.stat {
                let (lo, hi) = (
                    i.ci95.as_ref().map(|c| c.0).map_err(Clone::clone),
                    i.ci95.as_ref().map(|c| c.1).map_err(Clone::clone),
                );
                let ci = &e["ci95"];
                check(name, &format!("{form} lower"), &lo, &ci[0]);
                check(name, &format!("{form} upper"), &hi, &ci[1]);
            }
        }
    }
}

#[test]
fn reasons_say_what_is_so() {
    let exp = expected();
    let zero = measure(exp["cases"]["zero_mse"]["pairs"].as_array().unwrap());
    assert_eq!(zero.exact, Ok(0.0));
    let f = zero.icc("ICC(2,1)").unwrap().stat.as_ref().unwrap().f.clone().unwrap_err();
    assert!(f.reason.contains("perfect consistency") && !f.reason.contains("agree exactly"), "{f}");
    let mirrored = measure(exp["cases"]["mirrored"]["pairs"].as_array().unwrap());
    let e = mirrored.icc("ICC(2,k)").unwrap().stat.clone().unwrap_err();
    assert!(!e.reason.contains("every rating is the same"), "{e}");
    for i in &mirrored.iccs {
        let reason = match &i.stat {
            Err(e) => e.reason.clone(),
            Ok(v) => v.ci95.as_ref().err().map(|e| e.reason.clone()).unwrap_or_default(),
        };
        assert!(!reason.contains("no residual variance"), "{}: {reason}", i.form);
    }
}
