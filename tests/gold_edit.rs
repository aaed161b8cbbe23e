//! Gold written in the TUI (`tapecoder gold edit`, issue #13), on the disk thread's side: the
//! supervisor's gold queue, a draft autosaved in their own folder under `supervisor/gold/drafts/`
//! with its lock, the submit that sets a signed gold (`source = "written"`) and removes the draft,
//! a gold opened again as a draft from what it holds, and the refusals (a coder, a recording of
//! another instrument, an incomplete gold).
mod common;
mod tui_adjudication_support;

use std::sync::Arc;

use common::{ok, refused};
use tapecoder::audio::Snapshot;
use tapecoder::coding::{Coding, Status};
use tapecoder::study::{Study, Work, gold};
use tapecoder::tui::coder::queue::RowStatus;
use tapecoder::tui::coder::worker::{CoderWorker, gold_rows};
use tapecoder::tui::coder::{Job, Msg, Opened};
use tapecoder::tui::runtime::{Reply, Worker};
use tui_adjudication_support::study::{cmd, open, study};

/// Opens `id` through the worker: the coding it opens with, and the lock it holds.
fn prepare(w: &mut CoderWorker, id: &str) -> (Coding, Box<dyn std::any::Any + Send>) {
    let Reply::Media(m) = w.run(Job::Prepare(id.into()), false) else { panic!("no media") };
    let hold = m.hold.expect("a lock is held");
    let Msg::Opened(o) = (m.opened)(Snapshot::default()) else { panic!("not opened") };
    let Opened { coding, window, .. } = *o;
    assert_eq!(window, None, "gold is coded whole");
    (coding, hold)
}

fn submit(w: &mut CoderWorker, c: &Coding) -> Result<Box<Coding>, String> {
    let Reply::Msg(Msg::Submitted(r)) = w.run(Job::Submit(Box::new(c.clone())), false) else {
        panic!("no answer")
    };
    r
}

fn statuses(s: &Study) -> Vec<(String, RowStatus)> {
    gold_rows(s, "sup").unwrap().into_iter().map(|r| (r.id, r.status)).collect()
}

#[test]
fn a_gold_draft_is_autosaved_then_set_signed_and_opens_again_from_the_gold() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let s = open(&dir);
    assert!(statuses(&s).iter().all(|(_, st)| *st == RowStatus::NotStarted), "{:?}", statuses(&s));
    let mut w = CoderWorker::gold(Arc::new(s), "sup".into());

    let (mut c, hold) = prepare(&mut w, "R002");
    assert_eq!((c.coder.as_str(), c.status), ("sup", Status::InProgress));
    assert!(c.scores.is_empty(), "no gold yet: a new coding");
    let drafts = dir.join("supervisor/gold/drafts/sup");
    assert!(
        drafts.join("R002.lock").is_file(),
        "the lock is in the supervisor's own drafts folder"
    );
    assert!(!dir.join("coders/sup").exists(), "a supervisor gets no coder folder");

    // Autosave: the draft, in progress, in the drafts folder; the queue says "draft".
    let book = open(&dir).codebook().clone();
    for d in book.domains.iter().filter(|d| d.requires_segment.is_none()) {
        c.scores.insert(d.key.clone(), 4);
        c.rationales.insert(d.key.clone(), format!("the reference for {}", d.key));
    }
    let Reply::Msg(Msg::Saved(Ok(()))) = w.run(Job::Save(Box::new(c.clone())), false) else {
        panic!("not saved")
    };
    let draft = drafts.join("R002.toml");
    assert!(draft.is_file());
    let s = open(&dir);
    assert!(statuses(&s).contains(&("R002".into(), RowStatus::InProgress)));
    assert!(gold::load(&s, "R002").unwrap().is_none(), "a draft is not gold");

    // Submit: signed gold from the draft, the draft gone.
    let done = submit(&mut w, &c).unwrap();
    assert_eq!(done.status, Status::Submitted);
    drop(hold);
    assert!(!draft.exists(), "the draft goes once the gold is set");
    assert!(!drafts.join("R002.lock").exists(), "the lock goes with the recording");
    let s = open(&dir);
    let g = gold::load(&s, "R002").unwrap().unwrap();
    assert_eq!((g.source.as_str(), g.set_by.as_str()), ("written", "sup"));
    assert_eq!(g.scores.get("empathy"), Some(&4));
    assert_eq!(g.rationales.get("empathy").map(String::as_str), Some("the reference for empathy"));
    let journal = std::fs::read_to_string(dir.join("supervisor/journal/sup.jsonl")).unwrap();
    let last = journal.lines().last().unwrap();
    assert!(last.contains("\"kind\":\"gold\"") && last.contains("supervisor/gold/R002.toml"));
    assert!(statuses(&s).contains(&("R002".into(), RowStatus::Submitted)));
    ok(cmd(&dir, "sup").arg("verify"));
    let out = ok(cmd(&dir, "sup").args(["gold", "show", "R002"]));
    assert!(out.contains("gold coding of R002 — written by sup at "), "{out}");

    // Opened again: a draft holding the gold, to change and set again.
    let (mut again, _hold) = prepare(&mut w, "R002");
    assert_eq!(again.status, Status::InProgress);
    assert_eq!(again.scores, g.scores);
    assert_eq!(again.rationales, g.rationales);
    again.scores.insert("empathy".into(), 2);
    let Reply::Msg(Msg::Saved(Ok(()))) = w.run(Job::Save(Box::new(again.clone())), false) else {
        panic!("not saved")
    };
    // A draft over a set gold: the row says both, and the gold still counts as set.
    let row = gold_rows(&open(&dir), "sup").unwrap().into_iter().find(|r| r.id == "R002").unwrap();
    assert_eq!((row.status, row.gold), (RowStatus::InProgress, true));
    assert!(!gold_rows(&open(&dir), "sup").unwrap().iter().any(|r| r.id != "R002" && r.gold));
    submit(&mut w, &again).unwrap();
    let g = gold::load(&open(&dir), "R002").unwrap().unwrap();
    assert_eq!(g.scores.get("empathy"), Some(&2), "the new gold replaced the old");
    ok(cmd(&dir, "sup").arg("verify"));

    // A draft's save killed half way leaves a temp file: verify names it.
    std::fs::write(drafts.join(".R003.toml.tmp-99-1"), "half").unwrap();
    let out = cmd(&dir, "sup").arg("verify").output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("supervisor/gold/drafts/sup/.R003.toml.tmp-99-1: a temp file"), "{text}");
}

#[test]
fn an_incomplete_gold_is_refused_with_the_codebooks_reasons_and_nothing_is_set() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let mut w = CoderWorker::gold(Arc::new(open(&dir)), "sup".into());
    let (mut c, _hold) = prepare(&mut w, "R001");
    c.scores.insert("empathy".into(), 3);
    let why = submit(&mut w, &c).unwrap_err();
    assert!(why.contains("Collaboration"), "{why}");
    assert!(gold::load(&open(&dir), "R001").unwrap().is_none());
}

#[test]
fn only_a_supervisor_writes_gold_drafts() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let s = open(&dir);
    let why = gold_rows(&s, "ann").unwrap_err().to_string();
    assert!(why.contains("ann") && why.contains("supervisor"), "{why}");
    let mut c = s.load_coding("ann", "R001").unwrap().unwrap();
    c.status = Status::InProgress;
    let why = s.save_coding_in(Work::Gold, &c).unwrap_err().to_string();
    assert!(why.contains("supervisor"), "{why}");
    assert!(s.lock_gold("ann", "R001").is_err());
    assert!(!dir.join("supervisor/gold/drafts").exists());
}

#[test]
fn gold_edit_refuses_a_coder_and_an_unknown_recording_before_taking_the_terminal() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let err = refused(cmd(&dir, "ann").args(["gold", "edit"]));
    assert!(err.contains("ann") && err.contains("supervisor"), "{err}");
    let err = refused(cmd(&dir, "sup").args(["gold", "edit", "R999"]));
    assert!(err.contains("R999"), "{err}");
}

/// Without a terminal (no controlling tty: `setsid`, input from /dev/null) the screen is refused
/// with what to do, nothing is written, and the terminal is never half taken.
#[test]
fn gold_edit_without_a_terminal_says_it_needs_one() {
    if std::process::Command::new("setsid").arg("--version").output().is_err() {
        eprintln!("skipped: `setsid` (util-linux) is not installed");
        return;
    }
    let tmp = study();
    let dir = tmp.path().join("study");
    let out = std::process::Command::new("setsid")
        .arg("-w")
        .arg(env!("CARGO_BIN_EXE_tapecoder"))
        .env_remove("TAPECODER_STUDY")
        .env_remove("TAPECODER_CODER")
        .env("TAPECODER_KEY_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys"))
        .arg("--study")
        .arg(&dir)
        .args(["--as", "sup", "gold", "edit", "--no-audio"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("need a terminal") && err.contains("terminal window"), "{err}");
    assert!(!out.stdout.contains(&0x1b), "no escape sequence was written");
    assert!(!dir.join("supervisor/gold/drafts").exists());
}
