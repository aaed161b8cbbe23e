//! `tapecoder reliability` on a small study written in a temp folder: only submitted blind codings
//! of double-coded recordings count, never adjudicated values.
#[path = "reliability_support/mod.rs"]
mod support;

use serde_json::Value;
use tapecoder::study::model::FinalRule;

fn json_report(f: &support::Fixture) -> Value {
    let out = f.cmd("sup").args(["reliability", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn measure<'a>(r: &'a Value, key: &str) -> &'a Value {
    r["measures"].as_array().unwrap().iter().find(|m| m["key"] == key).unwrap()
}

#[test]
fn two_point_difference_is_outside_tolerance_even_after_adjudication() {
    let f = support::study(FinalRule::Adjudicated);
    let r = json_report(&f);
    assert_eq!(r["double_coded"], 4);
    assert_eq!(r["complete"], 4);
    let emp = measure(&r, "empathy");
    assert_eq!(emp["n"], 4);
    // R002: ann 4, ben 2 (the blind scores; the adjudicated 3 would be within tolerance).
    assert_eq!(emp["outside_tolerance"], serde_json::json!(["R002"]));
    assert_eq!(emp["within_pct"], 75.0);
    assert_eq!(emp["exact_pct"], 50.0);
    // Same two coders on every recording: the two-way forms are defined.
    let iccs = emp["icc"].as_array().unwrap();
    assert_eq!(iccs.len(), 3);
    assert!(iccs.iter().all(|i| i["value"].is_number()), "{iccs:?}");
    assert!(emp["kappa_quadratic"].is_number());
    // Evocation: R002 is not applicable for both, so 3 recordings.
    assert_eq!(measure(&r, "evocation")["n"], 3);
    // Composites and the behaviour-change share are reported.
    assert!(measure(&r, "care_and_engagement")["n"] == 4);
    let bc = measure(&r, "bc_percent");
    assert_eq!(bc["n"], 4);
    assert!(bc["kappa_quadratic"].is_null() && bc["kappa_quadratic_reason"].is_string());
    assert_eq!(r["bc_bins"]["recordings"], 4);
    assert_eq!(r["bc_bins"]["bins"], 2400);
    assert!(r["bc_bins"]["kappa"].as_f64().unwrap() > 0.5);
    // Coders: ann scores higher than ben on average.
    let ann = r["coders"].as_array().unwrap().iter().find(|c| c["coder"] == "ann").unwrap();
    assert!(ann["mean_diff"].as_f64().unwrap() > 0.0);
    assert_eq!(r["pairs"].as_array().unwrap().len(), 1);
}

#[test]
fn table_lists_the_recording_outside_tolerance_and_fits_100_columns() {
    let f = support::study(FinalRule::Adjudicated);
    let out = f.cmd("sup").arg("reliability").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Recordings outside tolerance:"), "{text}");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("Empathy") && l.contains("R002"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(!line.contains("R001"));
    for l in text.lines() {
        assert!(l.chars().count() <= 100, "too wide: {l}");
    }
    assert!(text.contains("ICC(1,1)"));
}

#[test]
fn only_a_supervisor_sees_the_report() {
    let f = support::study(FinalRule::Primary);
    let out = f.cmd("ann").arg("reliability").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("supervisor"), "{err}");
}

#[test]
fn out_writes_html_atomically_and_self_contained() {
    let f = support::study(FinalRule::Primary);
    let out_file = f.path().join("report.html");
    f.cmd("sup")
        .args(["reliability", "--format", "html", "--out"])
        .arg(&out_file)
        .assert()
        .success()
        .stdout("");
    let html = std::fs::read_to_string(&out_file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.matches("<svg").count() >= 4, "forest, Bland–Altman, coder and pair plots");
    // The composite rows say "not a category score" once, not in every row.
    assert_eq!(html.matches("not a category score").count(), 1, "one footnote");
    for external in ["<script", "src=", "href=", "<link", "@import", "url("] {
        assert!(!html.contains(external), "external asset: {external}");
    }
    assert!(html.contains("R002"));
    // No temp files left beside it.
    let names: Vec<_> =
        std::fs::read_dir(f.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(names.iter().all(|n| !n.to_string_lossy().contains(".tmp")), "{names:?}");
}

#[test]
fn csv_report_has_one_row_per_statistic_with_reasons() {
    let f = support::study(FinalRule::Primary);
    let out = f
        .cmd("sup")
        .args(["reliability", "--format", "csv", "--average-measures"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..4], ["section", "measure", "statistic", "value"]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let find = |m: &str, s: &str| rows.iter().find(|x| &x[1] == m && &x[2] == s).cloned();
    assert_eq!(&find("empathy", "outside_tolerance").unwrap()[3], "R002");
    assert!(find("empathy", "ICC(2,k)").is_some());
    let k = find("bc_percent", "kappa_quadratic").unwrap();
    assert_eq!(&k[3], "");
    assert!(!k[11].is_empty());
}

#[test]
fn average_measures_only_on_request() {
    let f = support::study(FinalRule::Primary);
    let r = json_report(&f);
    assert_eq!(measure(&r, "empathy")["icc"].as_array().unwrap().len(), 3);
    let out = f
        .cmd("sup")
        .args(["reliability", "--format", "json", "--average-measures"])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let forms: Vec<&str> = measure(&r, "empathy")["icc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["form"].as_str().unwrap())
        .collect();
    assert_eq!(forms, ["ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)"]);
}

#[test]
#[ignore = "prints the fixture study's table report for a human to look at"]
fn show_table() {
    let f = support::study(FinalRule::Adjudicated);
    let out = f.cmd("sup").args(["reliability", "--average-measures"]).output().unwrap();
    println!("{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_study_without_double_coding_reports_reasons_not_numbers() {
    let f = support::study(FinalRule::Primary);
    let asg = f.path().join("supervisor/assignments.toml");
    std::fs::write(&asg, "schema = 1\n").unwrap();
    let out = f.cmd("sup").arg("reliability").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Double-coded recordings: 0,"), "{text}");
    assert!(text.contains("n/a (no recording has every rating)"), "{text}");
    assert!(!text.to_lowercase().contains("nan"), "{text}");
    let r = json_report(&f);
    assert!(measure(&r, "empathy")["icc"][0]["value"].is_null());
    assert!(measure(&r, "empathy")["icc"][0]["reason"].is_string());
}
