//! The study commands through the binary: the acceptance path (init, coders, import, assign,
//! status, verify), blinding of `status`, roles, study resolution, journal proofs and `demo`.
mod common;

use std::fs;

use common::{fingerprint, study, tc};
use predicates::str::contains;
use tapecoder::coding::{CodebookRef, Coding};
use tapecoder::study::Study;

#[test]
fn acceptance_init_coders_import_assign_status_verify() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 4);
    let recordings = fs::read_to_string(s.join("recordings.toml")).unwrap();
    for id in ["R001", "R002", "R003", "R004"] {
        assert!(recordings.contains(&format!("id = \"{id}\"")), "{recordings}");
    }
    assert!(recordings.contains("duration_s = 1.25"), "exact duration: {recordings}");

    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "0.25", "--seed", "1"])
        .assert()
        .success()
        .stdout(contains("assigned 4 new recording(s), 1 of them double-coded"));
    let before = fingerprint(&s);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "0.25", "--seed", "1"])
        .assert()
        .success()
        .stdout(contains("nothing changed"));
    assert_eq!(fingerprint(&s), before, "re-running assign changes nothing");

    let out = tc(t.path())
        .args(["--study", "s", "--as", "sup", "status", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let coders = v["coders"].as_array().unwrap();
    assert_eq!(coders.len(), 3);
    let assigned: u64 = coders.iter().map(|c| c["assigned"].as_u64().unwrap()).sum();
    assert_eq!(assigned, 5, "4 recordings, one of them twice");
    for c in coders {
        let n = c["assigned"].as_u64().unwrap();
        assert!(n == 1 || n == 2, "balanced: {v}");
    }
    assert_eq!(v["double_coding"]["pairs"], 1);
    assert_eq!(v["double_coding"]["awaiting_adjudication"], 0);

    tc(t.path())
        .args(["--study", "s", "--as", "sup", "verify"])
        .assert()
        .success()
        .stdout(contains("4 audio file(s) present and unchanged"))
        .stdout(contains("no problems found"));
}

#[test]
fn coder_status_shows_only_their_own_line_and_no_double_coding() {
    let t = tempfile::tempdir().unwrap();
    let _s = study(t.path(), 4);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "0.5"])
        .assert()
        .success();
    let out = tc(t.path())
        .args(["--study", "s", "--as", "c2", "status", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["coders"].as_array().unwrap().len(), 1);
    assert_eq!(v["coders"][0]["coder"], "c2");
    assert!(v.get("double_coding").is_none(), "{v}");
    let table = tc(t.path()).args(["--study", "s", "--as", "c2", "status"]).assert().success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    assert!(!text.contains("c1") && !text.contains("double"), "{text}");
}

#[test]
fn supervisor_only_commands_refuse_coders_and_strangers() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    let before = fingerprint(&s);
    tc(t.path())
        .args(["--study", "s", "--as", "c1", "assign"])
        .assert()
        .failure()
        .stderr(contains("not a supervisor: only a supervisor can assign recordings"));
    tc(t.path())
        .args(["--study", "s", "--as", "c1", "coders", "add", "c9", "--name", "x"])
        .assert()
        .failure()
        .stderr(contains("only a supervisor can register coders"));
    tc(t.path())
        .args(["--study", "s", "assign"])
        .assert()
        .failure()
        .stderr(contains("who are you? pass --as ID"));
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "coders", "add", "c1", "--name", "again"])
        .assert()
        .failure()
        .stderr(contains("\"c1\" is already registered"));
    assert_eq!(fingerprint(&s), before);
}

#[test]
fn study_is_found_upwards_and_from_the_environment() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 0);
    let deep = s.join("coders/deeper");
    fs::create_dir_all(&deep).unwrap();
    tc(t.path())
        .current_dir(&deep)
        .args(["--as", "c1", "status"])
        .assert()
        .success()
        .stdout(contains("Test study"));
    tc(t.path())
        .env("TAPECODER_STUDY", &s)
        .env("TAPECODER_CODER", "c3")
        .args(["status", "--format", "json"])
        .assert()
        .success()
        .stdout(contains("\"coder\": \"c3\""));
}

#[test]
fn submitted_codings_are_proven_by_the_journal() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 2);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "1"])
        .assert()
        .success();
    let st = Study::open(&s).unwrap();
    let rec = st.recording("R001").unwrap().clone();
    let coder = st.assignments().unwrap()[0].coders[0].clone();
    let mut c = Coding::new(
        &rec.id,
        &coder,
        CodebookRef::of(st.codebook()),
        &rec.sha256,
        "2026-01-01T00:00:00Z",
    );
    c.scores.insert("empathy".into(), 2);
    c.submit("2026-01-01T00:10:00Z").unwrap();
    st.submit_coding(&c).unwrap();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "verify"])
        .assert()
        .success()
        .stdout(contains("1 submitted coding(s) match their journal hash"));
    // The coder checks only their own files.
    tc(t.path())
        .args(["--study", "s", "--as", &coder, "verify"])
        .assert()
        .success()
        .stdout(contains(format!("the files of coder {coder}")));

    // A hand edit after submission is caught, and named.
    let path = s.join(format!("coders/{coder}/codings/R001.toml"));
    let text = fs::read_to_string(&path).unwrap().replace("empathy = 2", "empathy = 5");
    fs::write(&path, text).unwrap();
    tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert().failure().stderr(
        contains(format!("coders/{coder}/codings/R001.toml: changed after it was submitted")),
    );

    // So is a broken journal chain.
    fs::write(&path, fs::read_to_string(&path).unwrap().replace("empathy = 5", "empathy = 2"))
        .unwrap();
    let jpath = s.join("supervisor/journal/sup.jsonl");
    let j = fs::read_to_string(&jpath).unwrap();
    let first = j.lines().next().unwrap().to_string();
    fs::write(&jpath, j.replacen(&first, &first.replace("coder_added", "coder_remove"), 1))
        .unwrap();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "verify"])
        .assert()
        .failure()
        .stderr(contains("supervisor/journal/sup.jsonl:2: chain broken"));
}

#[test]
fn a_second_instance_on_one_recording_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    let st = Study::open(&s).unwrap();
    let lock = st.lock_coding("c1", "R001").unwrap();
    let other = Study::open(&s).unwrap();
    let err = other.lock_coding("c1", "R001").unwrap_err().to_string();
    assert!(err.contains("already open for coder c1"), "{err}");
    drop(lock);
    assert!(other.lock_coding("c1", "R001").is_ok());
}

#[test]
fn demo_makes_and_restores_a_working_copy() {
    let t = tempfile::tempdir().unwrap();
    let copy = t.path().join("home/data/tapecoder/sample/sample-sessions");
    tc(t.path()).arg("demo").assert().success().stdout(contains("sample study copied"));
    assert!(copy.join("study.toml").is_file());
    assert!(copy.join("../codebook/handbook.toml").is_file());
    let original = fingerprint(&copy);
    fs::write(copy.join("coders.toml"), "broken = [").unwrap();
    tc(t.path()).args(["demo", "--reset"]).assert().success().stdout(contains("restored"));
    assert_eq!(fingerprint(&copy), original);
    // Outside any study, commands fall back to the sample copy as `demo`.
    tc(t.path())
        .args(["status", "--format", "json"])
        .assert()
        .success()
        .stdout(contains("\"coder\": \"demo\""));
}

#[test]
fn verify_catches_a_hand_edited_plan_and_assign_repairs_the_queues() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 3);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "0"])
        .assert()
        .success();
    let st = Study::open(&s).unwrap();
    let first = st.assignments().unwrap()[0].clone();
    let owner = first.coders[0].clone();
    // The queue loses a recording.
    let q = s.join(format!("coders/{owner}/queue.toml"));
    let original = fs::read_to_string(&q).unwrap();
    fs::write(&q, format!("schema = 1\ncoder = \"{owner}\"\nrecordings = []\n")).unwrap();
    tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert().failure().stderr(
        contains(format!("coders/{owner}/queue.toml does not match supervisor/assignments.toml")),
    );
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign"])
        .assert()
        .success()
        .stdout(contains("the queues were rewritten"));
    assert_eq!(fs::read_to_string(&q).unwrap(), original);
    tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert().success();

    // The observer of a visit must never code it.
    let meta = s.join("supervisor/metadata.toml");
    fs::write(
        &meta,
        format!("schema = 1\n\n[[recording]]\nid = \"{}\"\nobserver = \"{owner}\"\n", first.id),
    )
    .unwrap();
    tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert().failure().stderr(
        contains(format!("recording {} is assigned to {owner}, who observed the visit", first.id)),
    );
}
