//! `tapecoder codebook check` on schema-2 instruments (issue #14) through the binary: the bundled
//! unit-meeting and MI-fidelity instruments pass with a summary, and each bad fixture in
//! `tests/invalid_codebooks/v2_*.toml` is reported at its file:line:col with what to fix.
use assert_cmd::Command;

fn check(path: &str) -> (bool, String, String) {
    let out = Command::cargo_bin("tapecoder")
        .unwrap()
        .env_remove("TAPECODER_STUDY")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["codebook", "check", path])
        .output()
        .unwrap();
    let so = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success(), so, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn the_bundled_instruments_pass() {
    let (ok, out, _) = check("codebook/unit-meeting.toml");
    assert!(ok, "{out}");
    assert!(
        out.contains("unit-meeting 1.0 (schema 2): 0 scale(s), 7 checklist item(s), 1 classification(s) (1 derived by rules)"),
        "{out}"
    );
    let (ok, out, _) = check("codebook/mi-fidelity.toml");
    assert!(ok, "{out}");
    assert!(out.contains("4 scale(s), 0 checklist item(s), 0 classification(s) (0 derived by rules), 10 count(s), 6 summary score(s)"), "{out}");
}

#[test]
fn each_rule_error_is_placed_and_explained() {
    for (file, at, words) in [
        (
            "v2_rule_unknown_item.toml",
            "23:8",
            "names `warmth`, which is not a checklist item; checklist items: curious, actionable",
        ),
        (
            "v2_otherwise_not_last.toml",
            "23:8",
            "`otherwise` (class `other`) must be the last class",
        ),
        (
            "v2_answers_uncovered.toml",
            "16:1",
            "some answers match no class, e.g. actionable absent, curious present; add a last class with rule = \"otherwise\"",
        ),
        (
            "v2_class_shadowed.toml",
            "16:1",
            "class `systemic` can never be derived: every answer its rule matches is taken by an earlier class",
        ),
        ("v2_press_reserved.toml", "9:9", "press 'q' is the coding screen's `back` key"),
        ("v2_press_twice.toml", "14:9", "press 'Q' is already count `question`'s key"),
        (
            "v2_ratio_unknown_count.toml",
            "14:24",
            "summary `r_to_q` names `reflection`, which is not a count; counts: question",
        ),
        ("v2_thresholds_reversed.toml", "15:14", "thresholds need fair <= good"),
        (
            "v2_key_is_export_column.toml",
            "12:7",
            "count key `source` is a column of the exports (every item gets a column named by its key); choose another key",
        ),
        (
            "v2_scale_ranges_differ.toml",
            "14:7",
            "scale `empathy` runs 0–3 but `partnership` runs 1–5: a study scores every scale of an instrument on one range",
        ),
    ] {
        let path = format!("tests/invalid_codebooks/{file}");
        let (ok, out, err) = check(&path);
        assert!(!ok && out.is_empty(), "{file}: {out}");
        assert!(err.contains(&format!("{path}:{at}: ")), "{file}: {err}");
        assert!(err.contains(words), "{file}: {err}");
    }
}

#[test]
fn a_study_opens_with_a_schema_2_instrument() {
    let t = tempfile::tempdir().unwrap();
    let cb = concat!(env!("CARGO_MANIFEST_DIR"), "/codebook/mi-fidelity.toml");
    let out = Command::cargo_bin("tapecoder")
        .unwrap()
        .env("TAPECODER_KEY_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys"))
        .env("HOME", t.path())
        .current_dir(t.path())
        .args(["init", "s", "--codebook", cb])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let study = std::fs::read_to_string(t.path().join("s/study.toml")).unwrap();
    assert!(study.contains("mi-fidelity.toml"), "{study}");
}

#[test]
fn count_keys_never_take_a_default_key_of_the_coding_screen() {
    for (action, name) in tapecoder::tui::keys::ACTIONS {
        for d in tapecoder::tui::keys::default_keys(*action) {
            let mut chars = d.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                let reserved = tapecoder::instrument::RESERVED_KEYS.iter().find(|(k, _)| *k == c);
                assert_eq!(
                    reserved.map(|(_, n)| *n),
                    Some(*name),
                    "{c:?} ({name}) is not reserved"
                );
            }
        }
    }
    assert!(tapecoder::instrument::RESERVED_KEYS.iter().any(|(c, _)| *c == ' '), "space is play");
}

fn kinds() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/kinds.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `reliability --from-csv --codebook` in JSON: item `key` → stat name → value.
fn item_report(codebook: &str, csv: &str) -> BTreeMap<String, BTreeMap<String, Option<f64>>> {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("r.csv"), csv).unwrap();
    let out = Command::cargo_bin("tapecoder")
        .unwrap()
        .env_remove("TAPECODER_STUDY")
        .current_dir(t.path())
        .args(["reliability", "--from-csv", "r.csv", "--codebook"])
        .arg(format!("{}/codebook/{codebook}", env!("CARGO_MANIFEST_DIR")))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let stats = i["stats"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| (s["name"].as_str().unwrap().to_string(), s["value"].as_f64()))
                .collect();
            (i["key"].as_str().unwrap().to_string(), stats)
        })
        .collect()
}

use std::collections::BTreeMap;

#[test]
fn reliability_from_csv_uses_each_items_kind_and_matches_the_references() {
    let k = kinds();
    let mut csv = String::from("recording,coder,item,value\n");
    let feature = k["nominal"]["checklist_feature"]["pairs"].as_array().unwrap();
    for (i, p) in feature.iter().enumerate() {
        let word = |x: &serde_json::Value| if x == 1 { "present" } else { "absent" };
        csv.push_str(&format!("M{i},A,curious,{}\nM{i},B,curious,{}\n", word(&p[0]), word(&p[1])));
    }
    let classes = ["systemic", "green_shoots", "un_systemic"];
    let meetings = k["nominal"]["meeting_class"]["pairs"].as_array().unwrap();
    for (i, p) in meetings.iter().enumerate() {
        let c = |x: &serde_json::Value| classes[x.as_u64().unwrap() as usize];
        csv.push_str(&format!("M{i},A,practice,{}\nM{i},B,practice,{}\n", c(&p[0]), c(&p[1])));
    }
    let r = item_report("unit-meeting.toml", &csv);
    let close = |got: Option<f64>, want: &serde_json::Value| {
        let (g, w) = (got.unwrap(), want.as_f64().unwrap());
        assert!((g - w).abs() < 1e-4, "got {g}, want {w}");
    };
    let want = &k["nominal"]["checklist_feature"];
    close(r["curious"]["kappa"], &want["kappa"]);
    close(r["curious"]["alpha_nominal"], &want["alpha_nominal"]);
    close(r["curious"]["ac1"], &want["ac1"]["value"]);
    close(r["curious"]["percent"], &want["percent"]);
    let want = &k["nominal"]["meeting_class"];
    close(r["practice"]["kappa"], &want["kappa"]);
    close(r["practice"]["ac1"], &want["ac1"]["value"]);
    // An item nobody rated is there, undefined.
    assert_eq!(r["risk_clarity"]["percent"], None);

    let mut csv = String::from("recording,coder,item,value\n");
    let refl = k["counts"]["reflections"]["pairs"].as_array().unwrap();
    for (i, p) in refl.iter().enumerate() {
        csv.push_str(&format!(
            "S{i},A,simple_reflection,{}\nS{i},B,simple_reflection,{}\n",
            p[0], p[1]
        ));
        // Questions only in the first half: the R:Q summary is undefined in the rest.
        if i < 6 {
            csv.push_str(&format!("S{i},A,question,10\nS{i},B,question,10\n"));
        }
    }
    let r = item_report("mi-fidelity.toml", &csv);
    let want = &k["counts"]["reflections"];
    close(r["simple_reflection"]["icc_1_1"], &want["icc1"]);
    close(r["simple_reflection"]["icc_1_1_lower"], &want["icc1_ci95"][0]);
    close(r["simple_reflection"]["alpha_interval"], &want["alpha_interval"]);
    assert!(r["reflection_to_question"]["icc_1_1"].is_some());
}

#[test]
fn a_value_that_is_not_of_its_kind_names_the_line() {
    let t = tempfile::tempdir().unwrap();
    std::fs::write(
        t.path().join("r.csv"),
        "recording,coder,item,value\nM1,A,practice,systemic\nM1,B,practice,mostly\n",
    )
    .unwrap();
    let out = Command::cargo_bin("tapecoder")
        .unwrap()
        .current_dir(t.path())
        .args(["reliability", "--from-csv", "r.csv", "--codebook"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/codebook/unit-meeting.toml"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("r.csv: line 3: practice \"mostly\": not a class of practice; classes: systemic, green_shoots, un_systemic"),
        "{err}"
    );
}
