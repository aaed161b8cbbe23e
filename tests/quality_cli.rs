//! Coder quality through the binary (issue #13): gold codings, calibration sets, training
//! queues, certification and the refusals (a coder running `gold` or `calibration`, feedback for
//! another coder).
mod common;
mod tui_adjudication_support;

use std::collections::BTreeMap;

use common::{ok, refused};
use tapecoder::commands::adjudicate::{load_cases, save};
use tapecoder::study::Work;
use tapecoder::study::adjudication::{Draft, build};
use tui_adjudication_support::study::{cmd, open, study};

/// The adjudication study with R001 adjudicated (empathy 3).
fn adjudicated() -> tempfile::TempDir {
    let tmp = study();
    let s = open(&tmp.path().join("study"));
    let case = load_cases(&s).unwrap().remove(0);
    let drafts = BTreeMap::from([(
        "empathy".to_string(),
        Draft { score: Some(3), reason: "Warm, but interrupts twice".into() },
    )]);
    save(&s, &build(s.codebook(), &case, "sup", "", &drafts).unwrap()).unwrap();
    tmp
}

#[test]
fn gold_is_set_from_a_coder_or_an_adjudication_journalled_and_verified() {
    let tmp = adjudicated();
    let dir = tmp.path().join("study");
    let out = ok(cmd(&dir, "sup").args(["gold", "set", "R002", "--from", "ben"]));
    assert!(out.contains("set the gold coding of R002 from coder:ben"), "{out}");
    let out = ok(cmd(&dir, "sup").args(["gold", "set", "R001", "--from", "adjudicated"]));
    assert!(out.contains("from adjudicated"), "{out}");
    let s = open(&dir);
    let g = tapecoder::study::gold::load(&s, "R001").unwrap().unwrap();
    assert_eq!(g.scores.get("empathy"), Some(&3));
    assert_eq!(g.rationales.get("empathy").map(String::as_str), Some("Warm, but interrupts twice"));
    assert_eq!(g.segments.len(), 1);
    assert_eq!(g.set_by, "sup");
    assert_eq!(tapecoder::study::gold::all(&s).unwrap().len(), 2);
    // The signed journal holds the intent and the gold line with the file's sha256.
    let bytes = std::fs::read(dir.join("supervisor/gold/R001.toml")).unwrap();
    let journal = std::fs::read_to_string(dir.join("supervisor/journal/sup.jsonl")).unwrap();
    let sha = tapecoder::study::files::sha256_hex(&bytes);
    assert!(journal.lines().last().unwrap().contains("\"kind\":\"gold\""), "{journal}");
    assert!(journal.lines().last().unwrap().contains(&sha));
    let out = ok(cmd(&dir, "sup").args(["gold", "show", "R001"]));
    assert!(out.contains("from adjudicated, set by sup"), "{out}");
    assert!(out.contains("Warm, but interrupts twice"), "{out}");
    let out = ok(cmd(&dir, "sup").args(["gold", "list", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["recording"], "R001");
    assert_eq!(v[1]["source"], "coder:ben");
    ok(cmd(&dir, "sup").arg("verify"));
    // An edited gold file fails verify.
    let p = dir.join("supervisor/gold/R002.toml");
    let text = std::fs::read_to_string(&p).unwrap().replace("empathy = 4", "empathy = 5");
    std::fs::write(&p, text).unwrap();
    let out = cmd(&dir, "sup").arg("verify").output().unwrap();
    assert!(!out.status.success());
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("supervisor/gold/R002.toml: changed after it was saved"), "{text}");
}

#[test]
fn gold_refuses_what_is_not_submitted_or_adjudicated() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let err = refused(cmd(&dir, "sup").args(["gold", "set", "R002", "--from", "adjudicated"]));
    assert!(err.contains("R002 has no adjudication yet"), "{err}");
    let err = refused(cmd(&dir, "sup").args(["gold", "set", "R003", "--from", "ann"]));
    assert!(err.contains("ann has no submitted coding of R003"), "{err}");
    let err = refused(cmd(&dir, "sup").args(["gold", "show", "R003"]));
    assert!(err.contains("R003 has no gold coding"), "{err}");
}

#[test]
fn a_coder_cannot_run_gold_or_calibration() {
    let tmp = study();
    let dir = tmp.path().join("study");
    for args in [
        &["gold", "set", "R002", "--from", "ben"][..],
        &["gold", "show", "R002"],
        &["gold", "list"],
        &["calibration", "create", "basic", "R002"],
        &["calibration", "assign", "ann", "basic"],
        &["calibration", "list"],
    ] {
        let err = refused(cmd(&dir, "ann").args(args));
        assert!(err.contains("is not a supervisor"), "{args:?}: {err}");
    }
    assert!(!dir.join("supervisor/gold").exists());
    assert!(!dir.join("supervisor/calibration").exists());
}

#[test]
fn calibration_needs_gold_then_puts_training_in_the_queue() {
    let tmp = adjudicated();
    let dir = tmp.path().join("study");
    let err = refused(cmd(&dir, "sup").args(["calibration", "create", "basic", "R001", "R002"]));
    assert!(err.contains("no gold coding for R001, R002"), "{err}");
    ok(cmd(&dir, "sup").args(["gold", "set", "R002", "--from", "ben"]));
    ok(cmd(&dir, "sup").args(["gold", "set", "R001", "--from", "adjudicated"]));
    let out = ok(cmd(&dir, "sup").args(["calibration", "create", "basic", "R001", "R002"]));
    assert!(out.contains("calibration set basic: 2 recording(s)"), "{out}");
    let out = ok(cmd(&dir, "sup").args(["calibration", "assign", "ann", "basic"]));
    assert!(out.contains("ann's queue now holds calibration set basic"), "{out}");
    let q = std::fs::read_to_string(dir.join("coders/ann/queue.toml")).unwrap();
    assert!(q.contains("training = [\"R001\", \"R002\"]"), "{q}");
    assert!(dir.join("coders/ann/training/gold/R001.toml").is_file());
    // A re-assign of live work keeps the training recordings.
    let s = open(&dir);
    s.save_assignments(&s.assignments().unwrap(), "sup").unwrap();
    let q = std::fs::read_to_string(dir.join("coders/ann/queue.toml")).unwrap();
    assert!(q.contains("training = [\"R001\", \"R002\"]"), "{q}");
    // A training submit lives apart from ann's live coding of the same recording.
    let mut c = s.load_coding("ann", "R001").unwrap().unwrap();
    let live = std::fs::read(dir.join("coders/ann/codings/R001.toml")).unwrap();
    c.scores.insert("empathy".into(), 3);
    s.submit_coding_in(Work::Training, &c).unwrap();
    assert_eq!(std::fs::read(dir.join("coders/ann/codings/R001.toml")).unwrap(), live);
    assert!(dir.join("coders/ann/training/codings/R001.toml").is_file());
    ok(cmd(&dir, "sup").arg("verify"));
    ok(cmd(&dir, "ann").arg("verify"));
}

/// Gold on R001 (adjudicated) and R002 (ben's), set `basic` assigned to ann, and ann's training
/// codings: `exact` = the gold's own scores (certified), else ann's live scores (empathy off).
fn trained(exact: bool) -> tempfile::TempDir {
    let tmp = adjudicated();
    let dir = tmp.path().join("study");
    ok(cmd(&dir, "sup").args(["gold", "set", "R002", "--from", "ben"]));
    ok(cmd(&dir, "sup").args(["gold", "set", "R001", "--from", "adjudicated"]));
    ok(cmd(&dir, "sup").args(["calibration", "create", "basic", "R001", "R002"]));
    ok(cmd(&dir, "sup").args(["calibration", "assign", "ann", "basic"]));
    let s = open(&dir);
    for rec in ["R001", "R002"] {
        let mut c = s.load_coding("ann", rec).unwrap().unwrap();
        if exact {
            c.scores = tapecoder::study::gold::load(&s, rec).unwrap().unwrap().scores;
        }
        s.submit_coding_in(Work::Training, &c).unwrap();
    }
    tmp
}

#[test]
fn feedback_for_another_coder_is_refused_naming_only_the_id() {
    let tmp = trained(false);
    let dir = tmp.path().join("study");
    let err = refused(cmd(&dir, "ann").args(["feedback", "--coder", "ben"]));
    assert!(err.contains("only your own feedback, not ben's"), "{err}");
    let out = ok(cmd(&dir, "ann").args(["feedback"]));
    assert!(out.contains("feedback for ann"), "{out}");
    // (The fixture's rationales are "<coder>'s reasons": that text is the other coder's own.)
    let named = out.replace("ben's reasons", "");
    assert!(!named.contains("ben"), "the other coder is never named to a coder\n{out}");
    ok(cmd(&dir, "sup").args(["feedback", "--coder", "ben"]));
}

#[test]
fn feedback_has_the_same_numbers_in_table_json_and_html() {
    let tmp = trained(false);
    let dir = tmp.path().join("study");
    let json = ok(cmd(&dir, "sup").args(["feedback", "--coder", "ann", "--format", "json"]));
    let table = ok(cmd(&dir, "sup").args(["feedback", "--coder", "ann"]));
    let html = ok(cmd(&dir, "sup").args(["feedback", "--coder", "ann", "--format", "html"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["drift"].is_null(), "{json}");
    let set = &v["calibration"][0];
    assert_eq!(set["set"], "basic");
    assert_eq!(set["standing"], "not_certified", "{json}");
    let share = format!("{:.0}%", set["share"].as_f64().unwrap() * 100.0);
    let (w, n) = (set["within"].as_u64().unwrap(), set["compared"].as_u64().unwrap());
    assert!(table.contains(&format!("{w} of {n} scores within ±1 ({share}")), "{table}");
    assert!(html.contains(&format!("<span class=\"share\">{share}</span>")), "{html}");
    assert!(html.contains(&format!("({w} of {n};")), "{html}");
    // Live: R001 is adjudicated; ann gave empathy 1 where the final is 3.
    let live = &v["live"];
    assert_eq!(live["recordings"], 1, "{json}");
    let emp = &live["domains"][0];
    assert_eq!((emp["domain"].as_str(), emp["bias"].as_f64()), (Some("empathy"), Some(-2.0)));
    let big = &live["largest"][0];
    assert_eq!((big["yours"].as_u64(), big["final"].as_u64()), (Some(1), Some(3)));
    assert_eq!(big["other_rationale"], "ben's reasons");
    assert_eq!(live["confusion"][0][2], 1, "{json}");
    let row = table.lines().find(|l| l.trim_start().starts_with("Empathy") && l.contains("-2.00"));
    assert!(row.is_some(), "{table}");
    assert!(
        html.contains("<tr><td>Empathy</td><td>1</td><td>0</td><td>0</td><td>-2.00</td></tr>"),
        "{html}"
    );
    assert!(table.contains("R001 Empathy: you 1, final 3 (-2)"), "{table}");
    assert!(table.contains("the other coder's rationale: ben's reasons"), "{table}");
    assert!(table.contains("drift: no probes yet"), "{table}");
}

#[test]
fn status_shows_certification_and_a_stale_copy() {
    let tmp = trained(true);
    let dir = tmp.path().join("study");
    let json = ok(cmd(&dir, "sup").args(["status", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = &v["certification"][0];
    assert_eq!(row["coder"], "ann");
    assert_eq!(row["set"], "basic");
    assert_eq!(row["codebook_id"], "tapecoder-handbook", "{json}");
    assert_eq!(row["standing"], "certified", "{json}");
    assert_eq!(row["copy_differs"].as_array().unwrap().len(), 0);
    let table = ok(cmd(&dir, "sup").arg("status"));
    assert!(table.lines().any(|l| l.starts_with("ann") && l.contains("certified")), "{table}");
    // The gold of R002 changes after the set was assigned: status says ann's copy differs.
    ok(cmd(&dir, "sup").args(["gold", "set", "R002", "--from", "ann"]));
    let table = ok(cmd(&dir, "sup").arg("status"));
    assert!(table.contains("the coder's copy differs from the gold for R002"), "{table}");
    // A coder's status shows their own standing, from their own folder.
    let own = ok(cmd(&dir, "ann").args(["status", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&own).unwrap();
    assert_eq!(v["certification"][0]["standing"], "certified", "{own}");
}

#[test]
fn require_certification_assigns_live_work_only_to_certified_coders() {
    let tmp = trained(true);
    let dir = tmp.path().join("study");
    let p = dir.join("study.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, format!("{text}\n[training]\nrequire_certification = true\n")).unwrap();
    let wav = tmp.path().join("new.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&wav, spec).unwrap();
    for i in 0..16_000 {
        w.write_sample(((i % 40) as i16 - 20) * 90).unwrap();
    }
    w.finalize().unwrap();
    ok(cmd(&dir, "sup").args(["import", wav.to_str().unwrap()]));
    let out = ok(cmd(&dir, "sup").args(["assign", "--fraction", "0"]));
    assert!(
        out.contains("left out of new live work: ben is not certified (no calibration set"),
        "{out}"
    );
    assert!(!out.contains("ann is not certified"), "{out}");
    let s = open(&dir);
    let a = s.assignments().unwrap();
    assert_eq!(a.last().unwrap().coders, vec!["ann".to_string()], "{a:?}");
}

#[test]
fn the_coder_sees_no_gold_before_their_signed_training_submit() {
    let tmp = adjudicated();
    let dir = tmp.path().join("study");
    ok(cmd(&dir, "sup").args(["gold", "set", "R002", "--from", "ben"]));
    ok(cmd(&dir, "sup").args(["calibration", "create", "basic", "R002"]));
    ok(cmd(&dir, "sup").args(["calibration", "assign", "ann", "basic"]));
    let s = open(&dir);
    let feedback =
        |s: &tapecoder::study::Study| tapecoder::tui::coder::worker::feedback(s, "ann", "R002");
    let err = feedback(&s).unwrap_err();
    assert!(err.contains("not submitted yet"), "{err}");
    let mut c = s.load_coding("ann", "R002").unwrap().unwrap();
    c.status = tapecoder::coding::Status::InProgress;
    c.submitted_at = None;
    s.save_coding_in(Work::Training, &c).unwrap();
    assert!(feedback(&s).unwrap_err().contains("not submitted yet"));
    c.submit("2026-01-03T00:00:00Z").unwrap();
    s.submit_coding_in(Work::Training, &c).unwrap();
    let f = feedback(&s).unwrap();
    assert_eq!(f.gold.source, "coder:ben");
    assert_eq!(f.set.as_ref().map(|(n, _)| n.as_str()), Some("basic"));
    // The training queue row, and the live one, both in ann's queue.
    let rows = tapecoder::tui::coder::worker::queue_rows(&s, "ann").unwrap();
    assert!(rows[0].training && rows[0].id == "R002", "{rows:?}");
    assert_eq!(rows.iter().filter(|r| r.id == "R002").count(), 2);
}

#[test]
fn verify_reports_a_deleted_gold_and_an_edited_feedback_copy() {
    let tmp = trained(true);
    let dir = tmp.path().join("study");
    ok(cmd(&dir, "sup").arg("verify"));
    let copy = dir.join("coders/ann/training/gold/R001.toml");
    let text = std::fs::read_to_string(&copy).unwrap() + "\n# edited\n";
    std::fs::write(&copy, text).unwrap();
    std::fs::remove_file(dir.join("supervisor/gold/R002.toml")).unwrap();
    let out = cmd(&dir, "sup").arg("verify").output().unwrap();
    assert!(!out.status.success());
    let all =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        all.contains("coders/ann/training/gold/R001.toml: changed since sup wrote it"),
        "{all}"
    );
    assert!(all.contains("supervisor/gold/R002.toml: missing"), "{all}");
}

#[test]
fn a_coder_who_cannot_read_supervisor_files_is_told_what_is_missing() {
    let tmp = trained(false);
    let dir = tmp.path().join("study");
    // (Tests run as root, where permissions do not stop a read: a folder where the file should
    // be fails the read the same way.)
    let p = dir.join("supervisor/assignments.toml");
    std::fs::remove_file(&p).unwrap();
    std::fs::create_dir(&p).unwrap();
    let json = ok(cmd(&dir, "ann").args(["feedback", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["live"].is_null(), "{json}");
    let missing = v["missing"][0].as_str().unwrap();
    assert!(missing.contains("a supervisor can run `tapecoder feedback --coder ann`"), "{missing}");
    // The calibration part comes from ann's own folder and is still there.
    assert_eq!(v["calibration"][0]["set"], "basic");
    let table = ok(cmd(&dir, "ann").arg("feedback"));
    assert!(table.contains("missing: agreement with final scores needs supervisor/"), "{table}");
}

#[test]
fn a_training_coding_marked_submitted_by_hand_shows_no_gold() {
    let tmp = adjudicated();
    let dir = tmp.path().join("study");
    ok(cmd(&dir, "sup").args(["gold", "set", "R002", "--from", "ben"]));
    ok(cmd(&dir, "sup").args(["calibration", "create", "basic", "R002"]));
    ok(cmd(&dir, "sup").args(["calibration", "assign", "ann", "basic"]));
    let s = open(&dir);
    let mut c = s.load_coding("ann", "R002").unwrap().unwrap();
    c.status = tapecoder::coding::Status::InProgress;
    s.save_coding_in(Work::Training, &c).unwrap();
    let p = dir.join("coders/ann/training/codings/R002.toml");
    let text = std::fs::read_to_string(&p).unwrap().replace("in_progress", "submitted");
    std::fs::write(&p, text).unwrap();
    let err = tapecoder::tui::coder::worker::feedback(&s, "ann", "R002").unwrap_err();
    assert!(err.contains("no signed submit line"), "{err}");
}

#[test]
fn training_codings_never_enter_exports_or_reliability() {
    let before_tmp = adjudicated();
    let before = before_tmp.path().join("study");
    let tmp = trained(false);
    let dir = tmp.path().join("study");
    for args in [
        &["export", "codings", "--format", "csv"][..],
        &["export", "final", "--format", "csv"],
        &["export", "segments", "--format", "csv"],
        &["reliability", "--format", "json"],
    ] {
        let a = ok(cmd(&before, "sup").args(args));
        let b = ok(cmd(&dir, "sup").args(args));
        assert_eq!(a, b, "{args:?} changed by training codings");
    }
    let own = ok(cmd(&dir, "ann").args(["export", "codings", "--format", "csv"]));
    assert_eq!(own.lines().count(), 1 + 2 * 7, "ann's two live codings only:\n{own}");
}
