//! `tapecoder export` on the fixture study: codings with slots, final scores under each rule (the
//! adjudicated score wins with source `adjudicated`), segments and Audacity labels, and what a
//! coder may export.
#[path = "reliability_support/mod.rs"]
mod support;

use serde_json::Value;
use tapecoder::study::model::FinalRule;

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(bytes);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn run(f: &support::Fixture, who: &str, args: &[&str]) -> Vec<u8> {
    let out = f.cmd(who).arg("export").args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn final_with_adjudicated_rule_takes_the_supervisors_score() {
    let f = support::study(FinalRule::Adjudicated);
    let (header, rows) = csv_rows(&run(&f, "sup", &["final"]));
    let mut want = vec!["recording"];
    want.extend(support::DOMAINS);
    want.extend([
        "care_and_engagement",
        "good_authority",
        "overall_skill",
        "bc_percent",
        "source",
        "arm",
        "site",
        "worker",
    ]);
    assert_eq!(header, want);
    assert_eq!(rows.len(), 6, "one row per recording");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let r2 = rows.iter().find(|r| r[0] == "R002").unwrap();
    assert_eq!(r2[col("empathy")], "3");
    assert_eq!(r2[col("source")], "adjudicated");
    assert_eq!(r2[col("evocation")], "NA");
    assert_eq!(r2[col("arm")], "B");
    assert_eq!(r2[col("worker")], "w2");
    assert_eq!(r2[col("site")], "");
    // care_and_engagement = mean(3, 4, 3) with the adjudicated empathy.
    assert_eq!(r2[col("care_and_engagement")], "3.3333");
    let r1 = rows.iter().find(|r| r[0] == "R001").unwrap();
    assert_eq!(r1[col("source")], "primary");
    assert_eq!(r1[col("empathy")], "3");
    assert_eq!(r1[col("bc_percent")], "10.0");
    let r6 = rows.iter().find(|r| r[0] == "R006").unwrap();
    assert_eq!(r6[col("source")], "none", "ben's coding is still in progress");
    assert_eq!(r6[col("empathy")], "");

    // The reliability report still uses the blind scores of R002.
    let out = f.cmd("sup").args(["reliability", "--format", "json"]).output().unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let emp = r["measures"].as_array().unwrap().iter().find(|m| m["key"] == "empathy").unwrap();
    assert_eq!(emp["outside_tolerance"], serde_json::json!(["R002"]));
}

#[test]
fn final_rules_primary_and_mean() {
    let f = support::study(FinalRule::Primary);
    let (header, rows) = csv_rows(&run(&f, "sup", &["final"]));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let r2 = rows.iter().find(|r| r[0] == "R002").unwrap();
    assert_eq!((r2[col("empathy")].as_str(), r2[col("source")].as_str()), ("4", "primary"));

    let f = support::study(FinalRule::Mean);
    let (header, rows) = csv_rows(&run(&f, "sup", &["final"]));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let r2 = rows.iter().find(|r| r[0] == "R002").unwrap();
    assert_eq!((r2[col("empathy")].as_str(), r2[col("source")].as_str()), ("3", "mean"));
    let r4 = rows.iter().find(|r| r[0] == "R004").unwrap();
    assert_eq!(r4[col("empathy")], "4.5");
    let r5 = rows.iter().find(|r| r[0] == "R005").unwrap();
    assert_eq!(r5[col("source")], "primary");
}

#[test]
fn final_json_has_the_same_fields() {
    let f = support::study(FinalRule::Adjudicated);
    let v: Value = serde_json::from_slice(&run(&f, "sup", &["final", "--format", "json"])).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let r2 = rows.iter().find(|r| r["recording"] == "R002").unwrap();
    assert_eq!(r2["empathy"], 3.0);
    assert_eq!(r2["evocation"], "NA");
    assert_eq!(r2["source"], "adjudicated");
    assert!(r2["site"].is_null());
}

#[test]
fn codings_have_slots_na_and_unscored() {
    let f = support::study(FinalRule::Primary);
    let (header, rows) = csv_rows(&run(&f, "sup", &["codings"]));
    assert_eq!(header, ["recording", "coder", "slot", "status", "domain", "score", "bc_percent"]);
    assert_eq!(rows.len(), 10 * 7, "one row per coding x domain");
    let get = |rec: &str, coder: &str, domain: &str| {
        rows.iter().find(|r| r[0] == rec && r[1] == coder && r[4] == domain).unwrap().clone()
    };
    let r = get("R001", "ben", "empathy");
    assert_eq!(r[2..], ["secondary", "submitted", "empathy", "3", "9.0"]);
    assert_eq!(get("R001", "ann", "collaboration")[2], "primary");
    assert_eq!(get("R002", "ann", "evocation")[5], "NA");
    let unscored = get("R006", "ben", "autonomy");
    assert_eq!((unscored[3].as_str(), unscored[5].as_str()), ("in_progress", ""));
    assert_eq!(unscored[2], "primary");
}

#[test]
fn a_coder_exports_only_their_own_codings_without_slots() {
    let f = support::study(FinalRule::Primary);
    let (_, rows) = csv_rows(&run(&f, "ann", &["codings"]));
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r[1] == "ann" && r[2].is_empty()));
    let (_, segs) = csv_rows(&run(&f, "ann", &["segments"]));
    assert!(segs.iter().all(|r| r[1] == "ann"));
    let out = f.cmd("ann").args(["export", "final"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("supervisor"));
}

#[test]
fn segments_csv_and_audacity_labels() {
    let f = support::study(FinalRule::Primary);
    let (header, rows) = csv_rows(&run(&f, "sup", &["segments"]));
    assert_eq!(header, ["recording", "coder", "kind", "start_s", "end_s", "note"]);
    assert_eq!(rows.len(), 6);
    assert_eq!(
        rows[0],
        ["R001", "ann", "behaviour-change", "60.000", "120.000", "talk, about \"drink\""]
    );

    let dir = f.path().join("labels");
    f.cmd("sup")
        .args(["export", "segments", "--format", "audacity", "--out"])
        .arg(&dir)
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.join("R001_ann.txt")).unwrap();
    assert_eq!(text, "60.000000\t120.000000\tbehaviour-change: talk, about \"drink\"\n");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 10, "one file per coding");
    let out = f.cmd("sup").args(["export", "segments", "--format", "audacity"]).output().unwrap();
    assert!(!out.status.success(), "needs --out");
    let out = f
        .cmd("sup")
        .args(["export", "final", "--format", "audacity", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn out_file_is_written_and_stdout_stays_empty() {
    let f = support::study(FinalRule::Primary);
    let out = f.path().join("final.csv");
    f.cmd("sup").args(["export", "final", "--out"]).arg(&out).assert().success().stdout("");
    let text = std::fs::read_to_string(out).unwrap();
    assert!(text.starts_with("recording,empathy,"));
}

/// A coder in training listed after the study's coders (an additional slot) has their codings
/// exported as `additional`, but they never change final scores or the reliability report.
#[test]
fn additional_coders_stay_out_of_final_scores_and_reliability() {
    use tapecoder::coding::Status;
    use tapecoder::study::model::{AssignmentsFile, Coder, CodersFile, Role};
    let f = support::study(FinalRule::Mean);
    let reliability_before = run_reliability_json(&f);
    let path = f.path().join("coders.toml");
    let mut coders: CodersFile = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    coders.coders.push(Coder { id: "tia".into(), name: "Tia".into(), role: Role::Coder });
    std::fs::write(&path, toml::to_string(&coders).unwrap()).unwrap();
    let path = f.path().join("supervisor/assignments.toml");
    let mut a: AssignmentsFile = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for x in a.recordings.iter_mut().filter(|x| x.id == "R004" || x.id == "R005") {
        x.coders.push("tia".into());
    }
    std::fs::write(&path, toml::to_string(&a).unwrap()).unwrap();
    for rec in ["R004", "R005"] {
        let c = support::coding(rec, "tia", [1; 7], Some((0.0, 300.0)), Status::Submitted);
        let dir = f.path().join("coders/tia/codings");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{rec}.toml")), c.to_toml().unwrap()).unwrap();
    }

    let (header, rows) = csv_rows(&run(&f, "sup", &["final"]));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let r4 = rows.iter().find(|r| r[0] == "R004").unwrap();
    assert_eq!((r4[col("empathy")].as_str(), r4[col("source")].as_str()), ("4.5", "mean"));
    let r5 = rows.iter().find(|r| r[0] == "R005").unwrap();
    assert_eq!(r5[col("source")], "primary");

    let (header, rows) = csv_rows(&run(&f, "sup", &["codings"]));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let tia: Vec<_> = rows.iter().filter(|r| r[col("coder")] == "tia").collect();
    assert_eq!(tia.len(), 14, "two codings × seven domains");
    assert!(tia.iter().all(|r| r[col("slot")] == "additional"));

    assert_eq!(run_reliability_json(&f), reliability_before);
}

fn run_reliability_json(f: &support::Fixture) -> Value {
    let out = f.cmd("sup").args(["reliability", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}
