//! A coding with a schema-2 instrument, edited with the coder app's keys and saved through its
//! disk worker (the path the running app takes): the file in the coder's folder holds the
//! checklist answers and the logged counts, reads back the same, and `tapecoder verify` accepts it.
mod tui_adjudication_support;

use std::path::Path;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tapecoder::coding::{CodebookRef, Coding};
use tapecoder::identity::fictional_signer;
use tapecoder::study::Study;
use tapecoder::study::model::{Assignment, Coder, Recording, Role};
use tapecoder::tui::coder::Job;
use tapecoder::tui::coder::worker::CoderWorker;
use tapecoder::tui::coder::{App, Effect, Msg, Opened, update};
use tapecoder::tui::event::Input;
use tapecoder::tui::keys::Keymap;
use tapecoder::tui::runtime::{Reply, Worker};
use tui_adjudication_support::study::{cmd, open, wav};

/// A study coded with bundled instrument `name`: supervisor `sup`, coder `ann` with R001 (1 s).
fn instrument_study(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let file = format!("{name}.toml");
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("codebook").join(&file)).unwrap();
    let founder = fictional_signer("sup").public();
    Study::create(&dir, "Instrument test", &file, &bytes, 1, Some(&founder)).unwrap();
    let mut s = Study::open(&dir).unwrap();
    for (id, role) in [("sup", Role::Supervisor), ("ann", Role::Coder)] {
        let signer = fictional_signer(id);
        let key = Some(signer.public().to_string());
        s.add_signer(signer);
        s.add_coder(Coder { id: id.into(), name: id.to_uppercase(), role, key }, "sup").unwrap();
    }
    let sha256 = wav(&dir.join("R001.wav"));
    let rec = Recording {
        id: "R001".into(),
        file: "R001.wav".into(),
        sha256,
        duration_s: 1.0,
        instrument: None,
    };
    s.add_recordings(vec![rec], vec![], Some("sup")).unwrap();
    let a = Assignment {
        id: "R001".into(),
        coders: vec!["ann".into()],
        double_coded: false,
        window: None,
    };
    s.save_assignments(&[a], "sup").unwrap();
    tmp
}

fn ch(c: char) -> Msg {
    Msg::from(Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

fn key(code: KeyCode) -> Msg {
    Msg::from(Input::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// The app on R001 of `study` as `ann`, the playhead at 0.6 s, after `msgs`; the coding it saves
/// once the debounce has passed, written by the coder app's worker; the file's text.
fn edit_and_save(dir: &Path, msgs: Vec<Msg>) -> (Coding, String) {
    let study = Arc::new(open(dir));
    let book = Arc::new(study.codebook().clone());
    let sha = study.recording("R001").unwrap().sha256.clone();
    let coding = Coding::new("R001", "ann", CodebookRef::of(&book), &sha, "2026-01-01T00:00:00Z");
    let mut app = App::new(Arc::clone(&book), Keymap::default(), "ann", "Instrument test", vec![]);
    app.reaction_offset_s = 0.25;
    update(&mut app, Msg::Resize(120, 40));
    let snapshot = tapecoder::audio::Snapshot {
        position_s: 0.6,
        duration_s: 1.0,
        speed: 1.0,
        ..Default::default()
    };
    update(
        &mut app,
        Msg::Opened(Box::new(Opened {
            coding,
            duration_s: 1.0,
            snapshot,
            transcript: Ok(None),
            window: None,
        })),
    );
    for m in msgs {
        update(&mut app, m);
    }
    let fx = update(&mut app, Msg::Tick(5_000));
    let saved = fx
        .into_iter()
        .find_map(|e| match e {
            Effect::Disk(Job::Save(c)) => Some(*c),
            _ => None,
        })
        .expect("an edit is saved after the debounce");
    let mut w = CoderWorker::new(Arc::clone(&study), "ann".into());
    let Reply::Msg(Msg::Saved(r)) = w.run(Job::Save(Box::new(saved.clone())), false) else {
        panic!("not a Saved reply")
    };
    assert_eq!(r, Ok(()));
    let path = dir.join("coders/ann/codings/R001.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let back = open(dir).load_coding("ann", "R001").unwrap().expect("the coding is on disk");
    assert_eq!(back.checklist, saved.checklist);
    assert_eq!(back.events, saved.events);
    (back, text)
}

fn verify_passes(dir: &Path) {
    let out = cmd(dir, "ann").arg("verify").output().unwrap();
    let all =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{all}");
}

#[test]
fn logged_counts_are_saved_with_the_offset_applied() {
    let tmp = instrument_study("mi-fidelity");
    let dir = tmp.path().join("study");
    let (back, text) = edit_and_save(&dir, vec![ch('Q'), ch('s'), ch('Q'), ch('u'), ch('c')]);
    let codes: Vec<&str> = back.events.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["question", "simple_reflection", "complex_reflection"], "{text}");
    assert!(back.events.iter().all(|e| (e.at_s - 0.35).abs() < 1e-9), "{text}");
    assert!(text.contains("[[event]]") && text.contains("code = \"question\""), "{text}");
    verify_passes(&dir);
}

#[test]
fn checklist_answers_are_saved() {
    let tmp = instrument_study("unit-meeting");
    let dir = tmp.path().join("study");
    // Items pane; first item present, second absent.
    let msgs = vec![
        key(KeyCode::BackTab),
        key(KeyCode::Enter),
        key(KeyCode::Down),
        key(KeyCode::Enter),
        key(KeyCode::Enter),
    ];
    let (back, text) = edit_and_save(&dir, msgs);
    assert_eq!(back.checklist.get("wider_context"), Some(&true), "{text}");
    assert_eq!(back.checklist.get("curious"), Some(&false), "{text}");
    assert_eq!(back.checklist.len(), 2, "{text}");
    assert!(text.contains("[checklist]"), "{text}");
    verify_passes(&dir);
}

#[test]
fn the_app_refuses_to_start_with_a_count_key_an_action_has_and_a_bad_offset() {
    let tmp = instrument_study("mi-fidelity");
    let dir = tmp.path().join("study");
    let keys = tmp.path().join("keys.toml");
    std::fs::write(&keys, "undo = \"Q\"\n").unwrap();
    let out = cmd(&dir, "ann")
        .env("TAPECODER_KEYS", &keys)
        .args(["code", "--no-audio"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains(
            "keys.toml: count `question` is logged with Q, which is also the key of `undo`"
        ),
        "{err}"
    );
    let out = cmd(&dir, "ann").args(["code", "--reaction-offset", "9"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("out of range: give 0 to 5 seconds"), "{err}");
}
