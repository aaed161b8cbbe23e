//! A study coding with a schema-2 instrument (issue #14), through the binary. Exports: every item
//! gets a column in `export codings` and `export final` (checklist 1/0, classes, counts, summaries
//! with `NA` and the reason), the final value of a double-coded recording follows the rule,
//! `export events` lists the submitted codings' logged counts, and a sampled window is where
//! `bc_percent` is taken. Reliability: the items and the count timing agreement, against values
//! computed by hand.
#[path = "reliability_support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use tapecoder::coding::{Coding, Event, Status, Window};
use tapecoder::study::model::{AssignmentsFile, FinalRule};

type Rows = Vec<BTreeMap<String, String>>;

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Rows) {
    let mut r = csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| header.iter().cloned().zip(x.unwrap().iter().map(String::from)).collect())
        .collect();
    (header, rows)
}

fn run(f: &support::Fixture, who: &str, args: &[&str]) -> Vec<u8> {
    let out = f.cmd(who).arg("export").args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The fixture study (ann and ben double-code R001–R004) coding with `codebook/<name>`, its
/// codings replaced by `codings`.
fn instrument_study(rule: FinalRule, name: &str, codings: &[Coding]) -> support::Fixture {
    let f = support::study(rule);
    let root = f.path();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("codebook").join(name);
    std::fs::copy(src, root.join("codebook").join(name)).unwrap();
    let cfg = root.join("study.toml");
    let text = std::fs::read_to_string(&cfg).unwrap().replace("handbook.toml", name);
    std::fs::write(&cfg, text).unwrap();
    for coder in ["ann", "ben"] {
        let _ = std::fs::remove_dir_all(root.join(format!("coders/{coder}/codings")));
    }
    for c in codings {
        let path = root.join(format!("coders/{}/codings/{}.toml", c.coder, c.recording));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, toml::to_string(c).unwrap()).unwrap();
    }
    f
}

/// A coding of the MI instrument: the four globals and events (code, at_s).
fn mi(rec: &str, coder: &str, globals: [u8; 4], events: &[(&str, f64)], status: Status) -> Coding {
    let mut c = support::coding(rec, coder, [0; 7], None, status);
    c.scores = ["cultivating_change_talk", "softening_sustain_talk", "partnership", "empathy"]
        .iter()
        .zip(globals)
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    c.events =
        events.iter().map(|(code, at)| Event { code: code.to_string(), at_s: *at }).collect();
    c.events.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
    c
}

fn mi_codings() -> Vec<Coding> {
    let sub = Status::Submitted;
    vec![
        mi(
            "R001",
            "ann",
            [3, 3, 4, 4],
            &[
                ("question", 10.0),
                ("question", 20.0),
                ("simple_reflection", 15.0),
                ("complex_reflection", 25.0),
                ("complex_reflection", 30.0),
            ],
            sub,
        ),
        mi(
            "R001",
            "ben",
            [3, 3, 4, 4],
            &[("question", 11.0), ("simple_reflection", 16.0), ("complex_reflection", 26.5)],
            sub,
        ),
        // Empathy 4 and 2: adjudicated at 3 (supervisor/adjudications/R002.toml).
        mi("R002", "ann", [2, 2, 4, 4], &[("affirm", 3.0)], sub),
        mi("R002", "ben", [2, 2, 4, 2], &[("question", 5.0), ("affirm", 4.0)], sub),
        mi("R006", "ben", [1, 1, 1, 1], &[("question", 1.0)], Status::InProgress),
    ]
}

#[test]
fn final_carries_counts_and_summaries_with_the_reason_when_undefined() {
    let f = instrument_study(FinalRule::Adjudicated, "mi-fidelity.toml", &mi_codings());
    let (header, rows) = csv_rows(&run(&f, "sup", &["final"]));
    let at = |h: &str| header.iter().position(|x| x == h).unwrap_or_else(|| panic!("{h}"));
    assert!(at("empathy") < at("bc_percent") && at("bc_percent") < at("question"));
    assert!(at("question") < at("reflection_to_question"));
    assert!(at("mi_non_adherent") < at("summary_na") && at("summary_na") < at("source"));
    assert!(!header.contains(&"items_disagree".to_string()), "no nominal items: {header:?}");
    let r1 = &rows[0];
    assert_eq!(r1["recording"], "R001");
    assert_eq!((r1["question"].as_str(), r1["complex_reflection"].as_str()), ("2", "2"));
    assert_eq!(r1["reflection_to_question"], "1.5", "(1 + 2) / 2, the primary's counts");
    assert_eq!(r1["percent_complex_reflections"], "66.6667");
    assert_eq!((r1["technical"].as_str(), r1["relational"].as_str()), ("3", "4"));
    assert_eq!(r1["summary_na"], "");
    assert_eq!(r1["source"], "primary");
    let r2 = &rows[1];
    assert_eq!(r2["source"], "adjudicated");
    assert_eq!(r2["empathy"], "3");
    assert_eq!(r2["relational"], "3.5", "mean(4, adjudicated 3)");
    assert_eq!(r2["reflection_to_question"], "NA");
    assert_eq!(r2["affirm"], "1");
    assert!(
        r2["summary_na"].contains(
            "reflection_to_question: Reflection-to-question ratio n/a: no question logged"
        ),
        "{}",
        r2["summary_na"]
    );
    assert_eq!(rows[2]["question"], "", "R003: nothing submitted");
    assert_eq!(rows[2]["reflection_to_question"], "");

    // JSON: an undefined summary is null and is not a not-applicable domain.
    let v: Value = serde_json::from_slice(&run(&f, "sup", &["final", "--format", "json"])).unwrap();
    assert!(v[1]["reflection_to_question"].is_null());
    assert_eq!(v[1]["not_applicable"], serde_json::json!([]));
    assert_eq!(v[0]["reflection_to_question"], 1.5);
    assert_eq!(v[0]["question"], 2);

    // Rule mean: counts are the mean of the two codings, summaries come from those.
    let f = instrument_study(FinalRule::Mean, "mi-fidelity.toml", &mi_codings());
    let (_, rows) = csv_rows(&run(&f, "sup", &["final"]));
    assert_eq!(rows[0]["question"], "1.5");
    assert_eq!(rows[0]["reflection_to_question"], "1.6667", "(1 + 1.5) / 1.5");
    assert_eq!(rows[1]["reflection_to_question"], "0", "mean question 0.5, no reflections");
}

#[test]
fn codings_and_events_list_every_item_and_only_submitted_counts() {
    let f = instrument_study(FinalRule::Adjudicated, "mi-fidelity.toml", &mi_codings());
    let (header, rows) = csv_rows(&run(&f, "sup", &["codings"]));
    let fixed = ["recording", "coder", "slot", "status", "domain", "score", "bc_percent"];
    assert_eq!(header[..7], fixed.map(String::from));
    assert_eq!(header[7], "giving_information");
    let ann: Vec<_> =
        rows.iter().filter(|r| r["recording"] == "R001" && r["coder"] == "ann").collect();
    assert_eq!(ann.len(), 4, "one row per scale");
    assert!(ann.iter().all(|r| r["question"] == "2" && r["reflection_to_question"] == "1.5"));

    let (header, rows) = csv_rows(&run(&f, "sup", &["events"]));
    assert_eq!(header, ["recording", "coder", "code", "at_s"]);
    let got: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| (r["recording"].clone(), r["coder"].clone(), r["code"].clone(), r["at_s"].clone()))
        .collect();
    let row = |r: &str, c: &str, k: &str, t: &str| (r.into(), c.into(), k.into(), t.into());
    assert_eq!(got.len(), 11, "ben's R006 is in progress: {got:?}");
    assert_eq!(got[0], row("R001", "ann", "question", "10.000"));
    assert_eq!(got[1], row("R001", "ann", "simple_reflection", "15.000"), "in time order");
    assert_eq!(got[7], row("R001", "ben", "complex_reflection", "26.500"));
    assert!(got.iter().all(|r| r.0 != "R006"));
    let v: Value =
        serde_json::from_slice(&run(&f, "sup", &["events", "--format", "json"])).unwrap();
    assert_eq!(v[0]["at_s"], 10.0);

    // A coder exports only their own.
    let (_, rows) = csv_rows(&run(&f, "ann", &["events"]));
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r["coder"] == "ann"));
    let (_, rows) = csv_rows(&run(&f, "ben", &["events"]));
    assert_eq!(rows.len(), 5, "not their R006 in progress");
}

/// A unit-meeting coding: every feature present except those in `absent`.
fn meeting(rec: &str, coder: &str, absent: &[&str]) -> Coding {
    let mut c = support::coding(rec, coder, [0; 7], None, Status::Submitted);
    c.scores.clear();
    for f in [
        "wider_context",
        "curious",
        "hypotheses",
        "actionable",
        "collaborative",
        "family_present",
        "risk_clarity",
    ] {
        c.checklist.insert(f.into(), !absent.contains(&f));
    }
    c
}

#[test]
fn a_checklist_exports_one_and_zero_the_derived_class_and_the_disagreements() {
    let codings = [
        meeting("R001", "ann", &[]),
        meeting("R001", "ben", &["actionable"]),
        meeting("R002", "ann", &["curious"]),
        meeting("R002", "ben", &["curious"]),
    ];
    let f = instrument_study(FinalRule::Adjudicated, "unit-meeting.toml", &codings);
    let (header, rows) = csv_rows(&run(&f, "sup", &["final"]));
    assert_eq!(header[1], "bc_percent", "no scales, no composites: {header:?}");
    assert!(header.contains(&"items_disagree".to_string()));
    let r1 = &rows[0];
    assert_eq!((r1["actionable"].as_str(), r1["practice"].as_str()), ("1", "systemic"));
    assert_eq!(r1["items_disagree"], "actionable practice", "ben's is green shoots");
    assert_eq!(rows[1]["practice"], "un_systemic");
    assert_eq!((rows[1]["curious"].as_str(), rows[1]["items_disagree"].as_str()), ("0", ""));

    let f = instrument_study(FinalRule::Mean, "unit-meeting.toml", &codings);
    let (_, rows) = csv_rows(&run(&f, "sup", &["final"]));
    let r1 = &rows[0];
    assert_eq!((r1["actionable"].as_str(), r1["practice"].as_str()), ("", ""), "they differ");
    assert_eq!(r1["wider_context"], "1", "agreed");
    assert_eq!(r1["items_disagree"], "actionable practice");

    // export codings: one row per coding when the instrument has no scales.
    let (_, rows) = csv_rows(&run(&f, "sup", &["codings"]));
    assert_eq!(rows.len(), 4);
    let ben = rows.iter().find(|r| r["recording"] == "R001" && r["coder"] == "ben").unwrap();
    assert_eq!((ben["domain"].as_str(), ben["score"].as_str()), ("", ""));
    assert_eq!((ben["actionable"].as_str(), ben["practice"].as_str()), ("0", "green_shoots"));
}

#[test]
fn bc_percent_is_taken_within_the_sampled_window() {
    let f = support::study(FinalRule::Adjudicated);
    let (_, before) = csv_rows(&run(&f, "sup", &["codings"]));
    let ann = |rows: &Rows| {
        rows.iter().find(|r| r["recording"] == "R001" && r["coder"] == "ann").unwrap()["bc_percent"]
            .clone()
    };
    assert_eq!(ann(&before), "10.0", "60 s of 600");
    let path = f.path().join("supervisor/assignments.toml");
    let mut a: AssignmentsFile = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    a.recordings[0].window = Some(Window { start_s: 0.0, end_s: 300.0 });
    std::fs::write(&path, toml::to_string(&a).unwrap()).unwrap();
    let (_, after) = csv_rows(&run(&f, "sup", &["codings"]));
    assert_eq!(ann(&after), "20.0", "60 s of the 300 s window");
    let (header, rows) = csv_rows(&run(&f, "sup", &["final"]));
    assert_eq!(rows[0]["bc_percent"], "20.0");
    let at = |h: &str| header.iter().position(|x| x == h).unwrap();
    assert_eq!(at("window_start_s") + 2, at("source"));
    assert_eq!(
        (rows[0]["window_start_s"].as_str(), rows[0]["window_end_s"].as_str()),
        ("0.000", "300.000")
    );
    assert_eq!(rows[1]["window_start_s"], "", "R002 has no window");
    let (header, _) = csv_rows(&run(&support::study(FinalRule::Adjudicated), "sup", &["final"]));
    assert!(!header.iter().any(|h| h.starts_with("window")), "no sampling, no columns");
}

#[test]
fn the_reliability_reports_behaviour_change_bins_within_the_sampled_window() {
    let f = support::study(FinalRule::Adjudicated);
    let bins = |f: &support::Fixture| {
        let v: Value = serde_json::from_str(&reliability(f, "json")).unwrap();
        v["bc_bins"]["bins"].as_u64().unwrap()
    };
    assert_eq!(bins(&f), 4 * 600, "R001–R004, 600 one-second bins each");
    let path = f.path().join("supervisor/assignments.toml");
    let mut a: AssignmentsFile = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    a.recordings[0].window = Some(Window { start_s: 100.0, end_s: 400.0 });
    std::fs::write(&path, toml::to_string(&a).unwrap()).unwrap();
    assert_eq!(bins(&f), 300 + 3 * 600, "R001's window is 300 s");
}

fn reliability(f: &support::Fixture, format: &str) -> String {
    let out = f.cmd("sup").args(["reliability", "--format", format]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn stat(v: &Value, key: &str, name: &str) -> Option<f64> {
    let item = v["items"]["items"].as_array().unwrap().iter().find(|i| i["key"] == key).unwrap();
    let s = item["stats"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap();
    s["value"].as_f64()
}

#[test]
fn reliability_reports_counts_summaries_and_timing_by_hand() {
    let f = instrument_study(FinalRule::Adjudicated, "mi-fidelity.toml", &mi_codings());
    let v: Value = serde_json::from_str(&reliability(&f, "json")).unwrap();
    assert_eq!(v["items"]["recordings"], 2, "R001 and R002 are double-coded and submitted");
    // Questions per recording: (2, 1) and (0, 1). MSB = 2·(0.25 + 0.25)/1 = 1, MSW = 1/2 = 0.5,
    // ICC(1,1) = (1 − 0.5)/(1 + 0.5) = 1/3.
    let icc = stat(&v, "question", "icc_1_1").unwrap();
    assert!((icc - 1.0 / 3.0).abs() < 1e-9, "{icc}");
    // R:Q is 1.5 vs 2 on R001; ann logged no question on R002: left out.
    let rq = v["items"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "reflection_to_question")
        .unwrap();
    assert_eq!((rq["n"].as_u64(), rq["undefined"].as_u64()), (Some(1), Some(1)));
    // Timing: question 10↔11 matched, 20 (ann) and 5 (ben, R002) not: 2·1/4 = 50 %.
    let timing = v["items"]["timing"].as_array().unwrap();
    let q = timing.iter().find(|t| t["code"] == "question").unwrap();
    assert_eq!(
        (q["matched"].as_u64(), q["only_first"].as_u64(), q["only_second"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(q["percent"], 50.0);
    let cr = timing.iter().find(|t| t["code"] == "complex_reflection").unwrap();
    assert_eq!(
        (cr["matched"].as_u64(), cr["only_first"].as_u64()),
        (Some(1), Some(1)),
        "26.5 pairs with 25 (or 30)"
    );
    let none = timing.iter().find(|t| t["code"] == "confront").unwrap();
    assert!(none["percent"].is_null() && none["why"].is_string());
    // Overall: question 1, simple 1, complex 1, affirm 1 matched; 2 only ann's, 1 only ben's.
    let all = &v["items"]["overall"];
    assert_eq!(
        (all["matched"].as_u64(), all["only_first"].as_u64(), all["only_second"].as_u64()),
        (Some(4), Some(2), Some(1))
    );
    assert!((all["percent"].as_f64().unwrap() - 800.0 / 11.0).abs() < 1e-9);
    // The scales stay the report's domains.
    assert!(v["measures"].as_array().unwrap().iter().any(|m| m["key"] == "empathy"));
    assert!(v["items"]["items"].as_array().unwrap().iter().all(|i| i["kind"] != "scale"));

    let table = reliability(&f, "table");
    assert!(table.contains("Instrument items over 2 double-coded recording(s)"), "{table}");
    assert!(
        table.contains("Count timing agreement (events of one code matched one to one"),
        "{table}"
    );
    assert!(
        table.contains("\n  overall                         4           2            1    72.7%\n"),
        "{table}"
    );
    assert!(!table.contains('?'), "line breaks stay line breaks: {table}");
    assert!(table.contains("icc_1_1 0.333"), "{table}");
    let html = reliability(&f, "html");
    assert!(html.contains("<h2>Instrument items</h2>") && html.contains("Count timing agreement"));

    // A schema-1 study's report has no items section.
    let plain = support::study(FinalRule::Adjudicated);
    let v: Value = serde_json::from_str(&reliability(&plain, "json")).unwrap();
    assert!(v.get("items").is_none());
}

#[test]
fn reliability_of_a_checklist_and_its_class() {
    let codings = [
        meeting("R001", "ann", &[]),
        meeting("R001", "ben", &["actionable"]),
        meeting("R002", "ann", &["actionable"]),
        meeting("R002", "ben", &["actionable"]),
    ];
    let f = instrument_study(FinalRule::Adjudicated, "unit-meeting.toml", &codings);
    let v: Value = serde_json::from_str(&reliability(&f, "json")).unwrap();
    // actionable: (present, absent), (absent, absent): 50 %; p_o = 0.5, p_e = 0.5·0 + 0.5·1 = 0.5,
    // kappa 0.
    assert_eq!(stat(&v, "actionable", "percent"), Some(50.0));
    assert_eq!(stat(&v, "actionable", "kappa"), Some(0.0));
    assert_eq!(stat(&v, "curious", "percent"), Some(100.0));
    // practice: systemic vs green shoots, then green shoots twice: 50 %.
    assert_eq!(stat(&v, "practice", "percent"), Some(50.0));
    assert!(v["items"]["timing"].as_array().unwrap().is_empty(), "no counts");
}

/// A CSV cell as a number (empty: none, the JSON's `null`).
fn cell(v: &str) -> Option<f64> {
    (!v.is_empty()).then(|| v.parse().unwrap())
}

/// The same number, or both none. Up to the last bit: serde_json (without `float_roundtrip`)
/// reads some numbers one ulp off the text it wrote.
fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-12 * a.abs().max(1.0),
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// Issue #14: the CSV carries the items section with the JSON's numbers, row for row: per item a
/// `kind` row and one row per statistic (an ICC's bounds in `ci_low` / `ci_high`), then the count
/// timing; nothing else.
fn csv_items_agree_with_json(f: &support::Fixture) -> usize {
    let v: Value = serde_json::from_str(&reliability(f, "json")).unwrap();
    let csv = reliability(f, "csv");
    let (_, rows) = csv_rows(csv.as_bytes());
    let get = |section: &str, measure: &str, stat: &str| {
        let hits: Vec<&BTreeMap<String, String>> = rows
            .iter()
            .filter(|r| {
                r["section"] == section && r["measure"] == measure && r["statistic"] == stat
            })
            .collect();
        assert_eq!(hits.len(), 1, "{section},{measure},{stat} in\n{csv}");
        hits[0].clone()
    };
    let mut expected = 0;
    for it in v["items"]["items"].as_array().unwrap() {
        let key = it["key"].as_str().unwrap();
        let n = it["n"].as_u64().unwrap().to_string();
        let kind = get("item", key, "kind");
        assert_eq!(
            (kind["value"].as_str(), kind["n"].as_str()),
            (it["kind"].as_str().unwrap(), &*n)
        );
        expected += 1;
        let stats = it["stats"].as_array().unwrap();
        let by = |name: &str| stats.iter().find(|s| s["name"] == name);
        for s in stats {
            let name = s["name"].as_str().unwrap();
            let base = name.strip_suffix("_lower").or_else(|| name.strip_suffix("_upper"));
            if let Some(base) = base.filter(|b| by(b).is_some()) {
                let col = if name.ends_with("_lower") { "ci_low" } else { "ci_high" };
                let got = cell(&get("item", key, base)[col]);
                assert!(same(got, s["value"].as_f64()), "{key} {name}: {got:?} vs {s}");
                continue;
            }
            let row = get("item", key, name);
            assert!(same(cell(&row["value"]), s["value"].as_f64()), "{key} {name}\n{csv}");
            assert_eq!(row["n"], n);
            if let Some(why) = s["why"].as_str() {
                assert!(row["reason"].ends_with(why), "{key} {name}: {row:?}");
            }
            expected += 1;
        }
        let undefined = it["undefined"].as_u64().unwrap();
        if undefined > 0 {
            assert_eq!(get("item", key, "left_out_undefined")["value"], undefined.to_string());
            expected += 1;
        }
    }
    let timing = v["items"]["timing"].as_array().unwrap();
    if !timing.is_empty() {
        let recs = v["items"]["recordings"].as_u64().unwrap().to_string();
        let w = get("count_timing", "window", "window_s");
        assert!(same(cell(&w["value"]), v["items"]["timing_window_s"].as_f64()));
        assert_eq!(w["n"], recs);
        expected += 1;
        for t in timing.iter().chain([&v["items"]["overall"]]) {
            let code = t["code"].as_str().unwrap();
            for stat in ["matched", "only_first", "only_second", "percent"] {
                let row = get("count_timing", code, stat);
                assert!(same(cell(&row["value"]), t[stat].as_f64()), "{code} {stat}");
                assert_eq!(row["n"], recs);
                expected += 1;
            }
            if let Some(why) = t["why"].as_str() {
                assert_eq!(get("count_timing", code, "percent")["reason"], why);
            }
        }
    }
    let extra = rows.iter().filter(|r| ["item", "count_timing"].contains(&&*r["section"])).count();
    assert_eq!(extra, expected, "no item row the JSON lacks:\n{csv}");
    expected
}

#[test]
fn reliability_csv_carries_the_items_with_the_json_numbers() {
    // Counts, summaries (one left out on a recording) and count timing.
    let f = instrument_study(FinalRule::Adjudicated, "mi-fidelity.toml", &mi_codings());
    assert!(csv_items_agree_with_json(&f) > 0);
    let csv = reliability(&f, "csv");
    assert!(csv.contains("\ncount_timing,overall,percent,72.72727272727"), "{csv}");
    assert!(csv.contains("\nitem,reflection_to_question,left_out_undefined,1,"), "{csv}");
    // A checklist and a classification: nominal statistics, no counts, no timing rows.
    let codings = [
        meeting("R001", "ann", &[]),
        meeting("R001", "ben", &["actionable"]),
        meeting("R002", "ann", &["actionable"]),
        meeting("R002", "ben", &["actionable"]),
    ];
    let f = instrument_study(FinalRule::Adjudicated, "unit-meeting.toml", &codings);
    assert!(csv_items_agree_with_json(&f) > 0);
    let csv = reliability(&f, "csv");
    assert!(csv.contains("\nitem,actionable,percent,50,,,,,,,2,,\n"), "{csv}");
    assert!(!csv.contains("count_timing"), "{csv}");
    // A schema-1 study's CSV has no item rows.
    let plain = support::study(FinalRule::Adjudicated);
    let csv = reliability(&plain, "csv");
    assert!(!csv.contains("\nitem,") && !csv.contains("\ncount_timing,"), "{csv}");
}
