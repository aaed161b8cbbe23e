//! End to end (issue #13): the real binary in tmux (`--no-audio`, 120×40). A supervisor makes a
//! gold coding and a calibration set with the CLI and assigns it to c1; c1 sees the recording
//! marked *training* in the queue, codes it, submits, and reads the feedback screen at once; the
//! training coding is saved apart from c1's live coding of the same recording and verifies.
//!
//! Without tmux the test prints a skip message and passes, unless `TAPECODER_REQUIRE_TOOLS=1`.
mod common;
#[path = "common/tmux.rs"]
mod tmux;

use std::path::Path;
use std::process::Command;

use common::write_wav;
use tapecoder::coding::{CodebookRef, Coding, Status};
use tapecoder::identity::fictional_signer;
use tapecoder::study::Study;
use tmux::{BIN, KEYS, Tmux, tapecoder, tc};

#[test]
fn code_a_training_recording_and_read_the_feedback() {
    if tmux::skip("quality_e2e_tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let study = tmp.path().join("study");
    let handbook = concat!(env!("CARGO_MANIFEST_DIR"), "/codebook/handbook.toml");
    tapecoder(&["init", study.to_str().unwrap(), "--name", "E2E quality", "--codebook", handbook]);
    tc(&study, &["coders", "add", "sup", "--name", "Sup", "--role", "supervisor"]);
    let c1 = fictional_signer("c1").public().to_string();
    tc(&study, &["--as", "sup", "coders", "add", "c1", "--name", "Coder One", "--key", &c1]);
    let wav = tmp.path().join("visit.wav");
    write_wav(&wav, 30.0, 330.0);
    tc(&study, &["--as", "sup", "import", wav.to_str().unwrap()]);
    tc(&study, &["--as", "sup", "assign", "--fraction", "0"]);

    // c1's live coding of R001, submitted: it becomes the gold (3 on every domain but evocation).
    let mut s = Study::open(&study).unwrap();
    s.add_signer(fictional_signer("c1"));
    let rec = s.recording("R001").unwrap().clone();
    let mut live = Coding::new(
        "R001",
        "c1",
        CodebookRef::of(s.codebook()),
        &rec.sha256,
        "2026-01-01T00:00:00Z",
    );
    for d in s.codebook().domains.iter().filter(|d| d.requires_segment.is_none()) {
        live.scores.insert(d.key.clone(), 3);
        live.rationales.insert(d.key.clone(), format!("gold reason for {}", d.key));
    }
    live.submit("2026-01-01T01:00:00Z").unwrap();
    s.submit_coding(&live).unwrap();
    let live_path = study.join("coders/c1/codings/R001.toml");
    let live_bytes = std::fs::read(&live_path).unwrap();
    tc(&study, &["--as", "sup", "gold", "set", "R001", "--from", "c1"]);
    tc(&study, &["--as", "sup", "calibration", "create", "basic", "R001"]);
    tc(&study, &["--as", "sup", "calibration", "assign", "c1", "basic"]);

    let keys = tmp.path().join("no-keys.toml");
    let run = format!(
        "env TAPECODER_KEY_DIR={KEYS} TAPECODER_KEYS={} TAPECODER_CACHE_DIR={} {BIN} --study {} --as c1 code --no-audio; echo EXIT=$?; sleep 600",
        keys.display(),
        tmp.path().join("cache").display(),
        study.display()
    );
    let mut t = Tmux::new(&format!("tapecoder-quality-{}", std::process::id()));
    t.keep_alive();
    t.start("training", &run);
    let queue = t.wait_for("My recordings");
    let row = queue.lines().find(|l| l.contains("R001") && l.contains("training"));
    assert!(row.is_some(), "the training row is marked:\n{queue}");
    t.wait_for("is a training recording");
    t.keys(&["Enter"]);
    t.wait_for("Timeline");
    t.wait_for(" training ");
    // Scores: 3 on every domain, 4 on clarity (evocation is not applicable: no segment).
    t.keys(&["BTab"]);
    t.scores(&["3", "3", "3", "3", "3", "4", "3"]);
    t.wait_for("Scores 6/7");
    t.submit_unheard("Ready to submit", "Enter submits anyway");
    let fb = t.wait_for("· training · your coding against gold");
    // All six within ±1, but one recording +1 on clarity is a mean deviation of +1.00 (> 0.5).
    assert!(fb.contains("set basic : not certified"), "{fb}");
    assert!(fb.contains("6 of 6 within"), "{fb}");
    assert!(fb.contains("Not certified: Clarity about concerns: mean deviation +1.00"), "{fb}");
    assert!(fb.contains("0.0 s matched · 0.0 s missed · 0.0 s extra"), "{fb}");
    assert!(fb.contains("Gold rationale: gold reason for empathy"), "{fb}");
    assert!(fb.contains("not compared"), "evocation is not compared:\n{fb}");
    assert!(fb.contains("Gold notes: none"), "{fb}");
    t.keys(&["Down", "Down", "Down", "Down", "Down"]);
    let fb = t.wait_for("Gold 3:");
    assert!(fb.contains("You 4:"), "both descriptors on a domain that differs:\n{fb}");
    t.keys(&["q"]);
    let queue = t.wait_for("My recordings");
    assert!(queue.contains("training ✓"), "{queue}");
    t.keys(&["q"]);
    let after = t.wait_for("EXIT=");
    assert!(after.contains("EXIT=0"), "{after}");
    t.kill_session();

    // The training coding is saved apart, submitted and signed; the live one is untouched.
    let tpath = study.join("coders/c1/training/codings/R001.toml");
    let text = std::fs::read_to_string(&tpath).unwrap();
    let c = Coding::from_toml(&text, "training").unwrap();
    assert_eq!(c.status, Status::Submitted);
    assert_eq!(c.scores.get("clarity_about_concerns"), Some(&4), "{:?}", c.scores);
    assert_eq!(std::fs::read(&live_path).unwrap(), live_bytes);
    let journal = std::fs::read_to_string(study.join("coders/c1/journal.jsonl")).unwrap();
    assert!(journal.contains("coders/c1/training/codings/R001.toml"), "{journal}");
    tc(&study, &["--as", "sup", "verify"]);
    let status = tc(&study, &["--as", "sup", "status", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(v["certification"][0]["standing"], "not_certified", "{status}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

/// A copy of the sample study (and its codebook) in `tmp`, its key folder, and the shell command
/// that runs `args` on it (`--no-audio`), then prints the exit code and stays.
fn sample_copy(tmp: &Path, args: &str) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&root.join("sample-sessions"), &tmp.join("sample-sessions"));
    copy_dir(&root.join("codebook"), &tmp.join("codebook"));
    let study = tmp.join("sample-sessions");
    let keys = study.join("keys");
    let run = format!(
        "env TAPECODER_KEY_DIR={} TAPECODER_KEYS={} TAPECODER_CACHE_DIR={} {BIN} --study {} {args} --no-audio; echo EXIT=$?; sleep 600",
        keys.display(),
        tmp.join("no-keys.toml").display(),
        tmp.join("cache").display(),
        study.display()
    );
    (study, keys, run)
}

/// The tour: `demo` in (a copy of) the sample study codes the training visit R004 (gold: Ana's
/// coding; no behaviour-change talk, so evocation is not compared), submits it and reads the
/// feedback: Ana's rationale and notes, and the set still pending (R003 not done).
#[test]
fn demo_codes_a_sample_training_visit_and_reads_the_feedback() {
    if tmux::skip("quality_e2e_tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (study, keys, run) = sample_copy(tmp.path(), "--as demo code");
    let mut t = Tmux::new(&format!("tapecoder-quality-demo-{}", std::process::id()));
    t.keep_alive();
    t.start("demo", &run);
    let queue = t.wait_for("My recordings");
    let rows: Vec<&str> =
        queue.lines().filter(|l| l.starts_with('│') && l.contains("training")).collect();
    assert_eq!(rows.len(), 2, "R003 and R004 marked training:\n{queue}");
    t.keys(&["Down", "Enter"]);
    t.wait_for(" training ");
    t.wait_for("Transcript (31)");
    // Back from the timeline: the transcript pane, then the scores.
    t.keys(&["BTab", "BTab"]);
    // Ana's gold: empathy 3, collaboration 4, autonomy 3, purposefulness 4, clarity 3, child 3;
    // the digit on evocation is refused (not applicable without a segment).
    t.scores(&["3", "4", "3", "3", "4", "3", "2"]);
    t.wait_for("Scores 6/7");
    t.submit_unheard("Ready to submit", "Enter submits anyway");
    let fb = t.wait_for("R004 · training · your coding against gold");
    assert!(fb.contains("set intro : 1 of 2 done"), "{fb}");
    assert!(fb.contains("Gold rationale: Polite and attentive"), "{fb}");
    assert!(fb.contains("Damp by Ruby's cot"), "gold notes shown:\n{fb}");
    t.keys(&["Escape"]);
    t.wait_for("training ✓");
    t.keys(&["q"]);
    let after = t.wait_for("EXIT=");
    assert!(after.contains("EXIT=0"), "{after}");
    t.kill_session();

    let saved = study.join("coders/demo/training/codings/R004.toml");
    let c = Coding::from_toml(&std::fs::read_to_string(&saved).unwrap(), "R004").unwrap();
    assert_eq!(c.status, Status::Submitted);
    assert_eq!(c.scores.get("child_focus"), Some(&2), "{:?}", c.scores);
    assert!(!study.join("coders/demo/codings/R004.toml").exists(), "live work untouched");
    let out = Command::new(BIN)
        .env("TAPECODER_KEY_DIR", &keys)
        .arg("--study")
        .arg(&study)
        .args(["--as", "sup", "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

/// A supervisor writes gold in the TUI: `gold edit R002` in (a copy of) the sample study selects
/// R002 on the gold queue; it opens as sup's draft (badged *gold*), is scored, noted and set; the
/// gold file is signed (`source = "written"`), the draft is gone, and R003's gold (Ana's) opens
/// again as a draft holding its scores.
#[test]
fn a_supervisor_writes_a_gold_coding_in_the_tui() {
    if tmux::skip("quality_e2e_tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (study, keys, run) = sample_copy(tmp.path(), "--as sup gold edit R002");
    let mut t = Tmux::new(&format!("tapecoder-gold-{}", std::process::id()));
    t.keep_alive();
    t.start("gold", &run);
    let queue = t.wait_for("Gold codings");
    assert!(queue.contains("supervisor sup · 2 of 6 with gold"), "{queue}");
    t.wait_for("Enter opens R002: code it as a coder would");
    t.keys(&["Enter"]);
    t.wait_for(" R002  gold ");
    t.wait_for("Transcript (");
    t.keys(&["n"]);
    t.wait_for("Note at");
    t.text("Clear about the police report");
    t.keys(&["Enter"]);
    t.wait_for("Notes (1)");
    t.keys(&["BTab", "BTab"]);
    t.scores(&["3", "2", "2", "3", "3", "5", "4"]);
    t.wait_for("Scores 6/7");
    t.submit_unheard("Ready to set this as the recording's gold", "Enter sets gold anyway");
    t.wait_for("gold set · read-only");
    t.keys(&["q"]);
    let queue = t.wait_for("3 of 6 with gold");
    let row = queue.lines().find(|l| l.contains("R002")).unwrap();
    assert!(row.contains("gold ✓"), "{queue}");
    // R003's gold (from Ana) opens as a draft that holds it.
    t.keys(&["Down", "Enter"]);
    t.wait_for(" R003  gold ");
    let screen = t.wait_for("Scores 7/7");
    assert!(screen.contains("Segments (1)"), "{screen}");
    assert!(screen.contains("Accurate, complex reflections"), "gold rationale kept:\n{screen}");
    // Left unchanged, it leaves no draft; a changed score makes one.
    t.keys(&["q"]);
    let queue = t.wait_for("Gold codings");
    let row = queue.lines().find(|l| l.contains("R003")).unwrap();
    assert!(row.contains("gold ✓") && !row.contains("draft"), "{queue}");
    t.keys(&["Enter"]);
    t.wait_for(" R003  gold ");
    t.wait_for("Scores 7/7");
    t.keys(&["BTab", "BTab", "2"]);
    t.wait_for("✓ saved");
    t.keys(&["q"]);
    // The draft is over a set gold: the row says both, and the gold still counts.
    let queue = t.wait_for("gold ✓ · draft");
    let row = queue.lines().find(|l| l.contains("R003")).unwrap();
    assert!(row.contains("gold ✓ · draft"), "{queue}");
    assert!(queue.contains("3 of 6 with gold"), "{queue}");
    assert!(queue.contains("the gold set stays until you submit"), "{queue}");
    t.keys(&["q"]);
    let after = t.wait_for("EXIT=");
    assert!(after.contains("EXIT=0"), "{after}");
    t.kill_session();

    let text = std::fs::read_to_string(study.join("supervisor/gold/R002.toml")).unwrap();
    let g: tapecoder::study::gold::GoldCoding = toml::from_str(&text).unwrap();
    assert_eq!((g.source.as_str(), g.set_by.as_str()), ("written", "sup"));
    assert_eq!(g.scores.get("clarity_about_concerns"), Some(&5), "{:?}", g.scores);
    assert_eq!(g.notes.len(), 1, "{:?}", g.notes);
    assert!(g.notes[0].text.contains("police report"), "{:?}", g.notes);
    assert!(!study.join("supervisor/gold/drafts/sup/R002.toml").exists(), "the draft is gone");
    let draft =
        std::fs::read_to_string(study.join("supervisor/gold/drafts/sup/R003.toml")).unwrap();
    let draft = Coding::from_toml(&draft, "R003 draft").unwrap();
    assert_eq!((draft.status, draft.scores.get("empathy")), (Status::InProgress, Some(&2)));
    let text = std::fs::read_to_string(study.join("supervisor/gold/R003.toml")).unwrap();
    let g: tapecoder::study::gold::GoldCoding = toml::from_str(&text).unwrap();
    assert_eq!(g.scores.get("empathy"), Some(&5), "a draft does not change the gold");
    let out = Command::new(BIN)
        .env("TAPECODER_KEY_DIR", &keys)
        .arg("--study")
        .arg(&study)
        .args(["--as", "sup", "verify"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
