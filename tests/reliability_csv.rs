//! `tapecoder reliability --from-csv`: ratings made elsewhere, no study needed; clear errors with
//! line numbers; the published examples reproduced through the binary; edge cases.
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn cmd(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("tapecoder").unwrap();
    c.current_dir(dir).env_remove("TAPECODER_STUDY").env_remove("TAPECODER_CODER");
    c
}

/// Long form of a wide reference CSV (first column = unit, other columns = coders).
fn long_from_wide(file: &str, domain: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/irr").join(file);
    let mut r = csv::Reader::from_path(path).unwrap();
    let coders: Vec<String> = r.headers().unwrap().iter().skip(1).map(String::from).collect();
    let mut out = String::from("recording,coder,domain,score\n");
    for rec in r.records() {
        let rec = rec.unwrap();
        for (c, v) in coders.iter().zip(rec.iter().skip(1)) {
            out.push_str(&format!(
                "{},{c},{domain},{}\n",
                &rec[0],
                if v.is_empty() { "NA" } else { v }
            ));
        }
    }
    out
}

fn report(dir: &Path, csv: &str, extra: &[&str]) -> Value {
    let file = dir.join("ratings.csv");
    std::fs::write(&file, csv).unwrap();
    let out = cmd(dir)
        .args(["reliability", "--format", "json", "--from-csv"])
        .arg(&file)
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn icc<'a>(m: &'a Value, form: &str) -> &'a Value {
    m["icc"].as_array().unwrap().iter().find(|i| i["form"] == form).unwrap()
}

#[test]
fn shrout_fleiss_through_the_binary_without_a_study() {
    let dir = tempfile::tempdir().unwrap();
    let r = report(
        dir.path(),
        &long_from_wide("a_shrout_fleiss_1979.csv", "skill"),
        &["--scale", "1..10", "--average-measures"],
    );
    let m = &r["measures"][0];
    assert_eq!(m["icc_k"], 4);
    for (form, est) in [
        ("ICC(1,1)", 0.165742),
        ("ICC(2,1)", 0.289764),
        ("ICC(3,1)", 0.714841),
        ("ICC(1,k)", 0.442797),
        ("ICC(2,k)", 0.620051),
        ("ICC(3,k)", 0.909316),
    ] {
        let got = icc(m, form)["value"].as_f64().unwrap();
        assert!((got - est).abs() < 1e-4, "{form}: {got} vs {est}");
    }
    let ci = &icc(m, "ICC(2,k)")["ci95"];
    assert!((ci[0].as_f64().unwrap() - 0.071137).abs() < 1e-4);
    assert_eq!(icc(m, "ICC(3,1)")["band"], "good");
    assert_eq!(icc(m, "ICC(1,1)")["band"], "poor");
}

#[test]
fn krippendorff_with_missing_values_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let r = report(dir.path(), &long_from_wide("b_krippendorff_2011.csv", "x"), &[]);
    let m = &r["measures"][0];
    assert!((m["alpha_ordinal"].as_f64().unwrap() - 0.815388).abs() < 1e-4);
    assert!((m["alpha_interval"].as_f64().unwrap() - 0.849107).abs() < 1e-4);
}

#[test]
fn errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.csv");
    std::fs::write(
        &file,
        "recording,coder,domain,score\nR1,a,empathy,3\nR1,b,empathy,seven\nR2,a,empathy,9\nR1,a,empathy,2\n",
    )
    .unwrap();
    let out = cmd(dir.path()).args(["reliability", "--from-csv"]).arg(&file).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv:3:") && err.contains("seven"), "{err}");
    assert!(err.contains("bad.csv:4:") && err.contains("outside the scale 1..5"), "{err}");
    assert!(err.contains("bad.csv:5:") && err.contains("line 2"), "{err}");

    std::fs::write(&file, "rec,coder,score\nR1,a,3\n").unwrap();
    let out = cmd(dir.path()).args(["reliability", "--from-csv"]).arg(&file).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("recording,coder,domain,score"), "{err}");

    let out = cmd(dir.path()).args(["reliability", "--from-csv", "missing.csv"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.csv"));

    std::fs::write(&file, "recording,coder,domain,score\nR1,a,x,1\n").unwrap();
    let out = cmd(dir.path())
        .args(["reliability", "--scale", "5..1", "--from-csv"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--scale"));
}

#[test]
fn one_recording_is_undefined_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let r = report(dir.path(), "recording,coder,domain,score\nR1,a,x,3\nR1,b,x,4\n", &[]);
    let m = &r["measures"][0];
    assert_eq!(m["n"], 1);
    assert_eq!(m["within_pct"], 100.0);
    let i = icc(m, "ICC(1,1)");
    assert!(i["value"].is_null());
    assert!(i["reason"].as_str().unwrap().contains("n = 1"));
}

#[test]
fn all_missing_is_undefined_not_nan() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "recording,coder,domain,score\nR1,a,x,NA\nR1,b,x,\nR2,a,x,NA\nR2,b,x,NA\n";
    let r = report(dir.path(), csv, &[]);
    let m = &r["measures"][0];
    assert_eq!(m["n"], 0);
    for key in ["exact_pct", "within_pct", "kappa_quadratic", "alpha_ordinal", "alpha_interval"] {
        assert!(m[key].is_null(), "{key}");
        assert!(m[format!("{key}_reason")].is_string(), "{key}");
    }
    // The table says n/a with the reason.
    let file = dir.path().join("ratings.csv");
    let out = cmd(dir.path()).args(["reliability", "--from-csv"]).arg(&file).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("n/a (no recording has every rating)"), "{text}");
}

#[test]
fn perfect_agreement_and_zero_variance() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "recording,coder,domain,score\nR1,a,x,1\nR1,b,x,1\nR2,a,x,4\nR2,b,x,4\nR3,a,x,5\nR3,b,x,5\n\
               R1,a,flat,3\nR1,b,flat,3\nR2,a,flat,3\nR2,b,flat,3\nR3,a,flat,3\nR3,b,flat,3\n";
    let r = report(dir.path(), csv, &[]);
    let x = &r["measures"][0];
    assert_eq!(icc(x, "ICC(1,1)")["value"], 1.0);
    // Perfect agreement: the limit interval [1, 1], and F is infinite (null with what is so).
    assert_eq!(icc(x, "ICC(1,1)")["ci95"], serde_json::json!([1.0, 1.0]));
    assert!(icc(x, "ICC(1,1)")["f_reason"].as_str().unwrap().contains("agree exactly"));
    assert_eq!(x["kappa_quadratic"], 1.0);
    let flat = &r["measures"][1];
    assert_eq!(flat["within_pct"], 100.0);
    assert!(icc(flat, "ICC(1,1)")["reason"].as_str().unwrap().contains("variance"));
    assert!(flat["kappa_quadratic_reason"].as_str().unwrap().contains("variance"));
}

#[test]
fn constant_offset_consistency_one_absolute_below() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("recording,coder,domain,score\n");
    for (i, s) in [1, 2, 3, 4].iter().enumerate() {
        csv.push_str(&format!("R{i},a,x,{s}\nR{i},b,x,{}\n", s + 1));
    }
    let r = report(dir.path(), &csv, &[]);
    let m = &r["measures"][0];
    assert!((icc(m, "ICC(3,1)")["value"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    assert!(icc(m, "ICC(2,1)")["value"].as_f64().unwrap() < 1.0);
    assert_eq!(m["within_pct"], 100.0);
    assert_eq!(m["exact_pct"], 0.0);
}

#[test]
fn different_pairs_are_not_fully_crossed() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "recording,coder,domain,score\nR1,a,x,1\nR1,b,x,2\nR2,a,x,4\nR2,c,x,4\nR3,b,x,5\nR3,c,x,3\n";
    let r = report(dir.path(), csv, &[]);
    let m = &r["measures"][0];
    assert!(icc(m, "ICC(1,1)")["value"].is_number());
    assert!(icc(m, "ICC(2,1)")["reason"].as_str().unwrap().contains("not fully crossed"));
    assert_eq!(m["outside_tolerance"], serde_json::json!(["R3"]));
    assert_eq!(r["pairs"].as_array().unwrap().len(), 3);
}

/// 40 recordings x 7 domains x 2 coders must take well under 50 ms. Asserted loosely (500 ms,
/// wall clock including process start) and only in release builds, so it cannot be flaky in debug.
#[test]
fn forty_recordings_is_fast() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("recording,coder,domain,score\n");
    for r in 0..40 {
        for d in 0..7 {
            let s = 1 + (r * 7 + d) % 5;
            csv.push_str(&format!("R{r:03},a,d{d},{s}\nR{r:03},b,d{d},{}\n", 1 + (s + r % 2) % 5));
        }
    }
    let file = dir.path().join("ratings.csv");
    std::fs::write(&file, csv).unwrap();
    let start = std::time::Instant::now();
    cmd(dir.path()).args(["reliability", "--from-csv"]).arg(&file).assert().success();
    let took = start.elapsed();
    if !cfg!(debug_assertions) {
        assert!(took.as_millis() < 500, "took {took:?}");
    }
}

#[test]
fn hostile_names_are_escaped_in_html_and_sanitised_in_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ratings.csv");
    let csv = "recording,coder,domain,score\n\"<img src=x onerror=alert(1)>\",a,<script>bad</script>,1\n\
               \"<img src=x onerror=alert(1)>\",b,<script>bad</script>,4\nR2,a,<script>bad</script>,2\n\
               R2,b,<script>bad</script>,2\nR3,\"\u{1b}[31mred\",<script>bad</script>,3\nR3,a,<script>bad</script>,3\n";
    std::fs::write(&file, csv).unwrap();
    let out = cmd(dir.path())
        .args(["reliability", "--format", "html", "--from-csv"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"));
    assert!(html.contains("&lt;script&gt;bad&lt;/script&gt;"));
    assert!(!html.contains('\u{1b}'));
    let out = cmd(dir.path()).args(["reliability", "--from-csv"]).arg(&file).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "raw escape reached the terminal");
    assert!(text.contains("?[31mred"));
}

#[test]
fn mixed_numbers_of_coders_say_which_recordings_the_icc_uses() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "recording,coder,domain,score\nR1,a,x,1\nR1,b,x,2\nR2,a,x,4\nR2,b,x,4\nR3,a,x,5\nR3,b,x,4\n\
               R4,a,x,2\nR4,b,x,2\nR4,c,x,3\n";
    let r = report(dir.path(), csv, &[]);
    let m = &r["measures"][0];
    assert_eq!((m["icc_n"].as_u64(), m["icc_k"].as_u64()), (Some(3), Some(2)));
    assert_eq!(m["n"], 4, "agreement uses every complete recording");
    let notes = r["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("1 recording(s)")), "{notes:?}");
}

#[test]
fn plan_answers_how_many_recordings_without_a_study() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path())
        .args(["reliability", "plan", "--icc", "0.75", "--width", "0.2"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    // Exact F-based answer (Bonett's 2002 approximation gives 75).
    assert!(text.contains("77 double-coded recordings for ICC(1,1)"), "{text}");
    let three = cmd(dir.path())
        .args(["reliability", "plan", "--icc", "0.75", "--width", "0.2", "--coders", "3"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&three.stdout).contains("51 double-coded"));
    let bad = cmd(dir.path())
        .args(["reliability", "plan", "--icc", "1.5", "--width", "0.2"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("between 0 and 1"));
}
