//! Coder quality through the binary (issue #13): gold codings, calibration sets, training
//! queues, certification and the refusals (a coder running `gold` or `calibration`, feedback for
//! another coder).
mod tui_adjudication_support;

use std::collections::BTreeMap;

use tapecoder::commands::adjudicate::{load_cases, save};
use tapecoder::study::Work;
use tapecoder::study::adjudication::{Draft, build};
use tui_adjudication_support::study::{cmd, open, study};

fn ok(c: &mut assert_cmd::Command) -> String {
    let out = c.output().unwrap();
    let (so, se) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{so}\n{se}");
    so.into_owned()
}

fn refused(c: &mut assert_cmd::Command) -> String {
    let out = c.output().unwrap();
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

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
