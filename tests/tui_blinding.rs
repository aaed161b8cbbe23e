//! Blinding (SPEC §2, §5): a coder's screens never show anything from `supervisor/`, another
//! coder's codings, whether a recording is double-coded, or audio file names. The study here plants
//! a marker string in all of those; every screen is rendered and searched for it.
mod tui_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use crossterm::event::KeyCode;
use tapecoder::audio::Snapshot;
use tapecoder::coding::{CodebookRef, Coding};
use tapecoder::commands::code::{prepare_open, queue_rows};
use tapecoder::study::Study;
use tapecoder::tui::coder::{App, Msg, Opened, update};
use tapecoder::tui::keys::Keymap;
use tui_support::{ch, key, render, typed};

const BIN: &str = env!("CARGO_BIN_EXE_tapecoder");
/// The fictional test people's keys (see `tests/keys/README.md`).
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");

fn public_key(id: &str) -> String {
    tapecoder::identity::fictional_signer(id).public().to_string()
}
const MARKER: &str = "ZQMARK";

fn tc(study: &Path, args: &[&str]) {
    let out = Command::new(BIN)
        .env("TAPECODER_KEY_DIR", KEYS)
        .arg("--study")
        .arg(study)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn wav(path: &Path, seconds: u32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..seconds * 8000 {
        w.write_sample(((i as f32 * 0.05).sin() * 8000.0) as i16).unwrap();
    }
    w.finalize().unwrap();
}

/// Coders `c1` (us), `ZQMARK_other` (the second coder) and `ZQMARK_obs` (observer); every recording
/// double-coded; file names, study variables and the other coder's coding all carry the marker.
fn marked_study(root: &Path) -> PathBuf {
    let study = root.join("s");
    let out = Command::new(BIN)
        .env("TAPECODER_KEY_DIR", KEYS)
        .arg("init")
        .arg(&study)
        .args(["--name", "Blind study", "--codebook"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/codebook/handbook.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    tc(&study, &["coders", "add", "sup", "--name", "Sup", "--role", "supervisor"]);
    tc(
        &study,
        &["--as", "sup", "coders", "add", "c1", "--name", "Coder One", "--key", &public_key("c1")],
    );
    let other = format!("{MARKER}_other");
    let obs = format!("{MARKER}_obs");
    for (id, name) in [(&other, "Other"), (&obs, "Observer")] {
        let name = format!("{MARKER} {name}");
        tc(
            &study,
            &["--as", "sup", "coders", "add", id, "--name", &name, "--key", &public_key(id)],
        );
    }
    let files: Vec<PathBuf> = (1..=3)
        .map(|i| {
            let p = root.join(format!("{MARKER}_visit_{i}.wav"));
            wav(&p, 18 + i);
            p
        })
        .collect();
    let mut args = vec!["--as".to_string(), "sup".into(), "import".into()];
    args.extend(files.iter().map(|p| p.display().to_string()));
    args.extend(["--observer".into(), obs.clone()]);
    args.extend(["--meta".into(), format!("arm={MARKER}_arm")]);
    args.extend(["--meta".into(), format!("worker={MARKER}_worker")]);
    tc(&study, &args.iter().map(String::as_str).collect::<Vec<_>>());
    tc(&study, &["--as", "sup", "assign", "--fraction", "1"]);

    // The other coder's coding of every recording, full of markers.
    let s = Study::open(&study).unwrap();
    for rec in s.recordings() {
        let mut c = Coding::new(
            &rec.id,
            &other,
            CodebookRef::of(s.codebook()),
            &rec.sha256,
            "2026-01-01T00:00:00Z",
        );
        c.scores.insert("empathy".into(), 5);
        c.rationales.insert("empathy".into(), format!("{MARKER} rationale"));
        c.add_note(3.0, &format!("{MARKER} note"), vec![]).unwrap();
        c.add_segment("behaviour-change", 1.0, 9.0, rec.duration_s).unwrap();
        s.save_coding(&c).unwrap();
    }
    let meta = std::fs::read_to_string(study.join("supervisor/metadata.toml")).unwrap();
    assert!(meta.contains(MARKER), "the fixture plants markers in supervisor/");
    study
}

fn screens_of(app: &App) -> Vec<String> {
    vec![render(app, 120, 40), render(app, 80, 24), render(app, 200, 60)]
}

fn assert_blind(screens: &[String]) {
    for s in screens {
        assert!(!s.contains(MARKER), "a marker reached a coder's screen:\n{s}");
        assert!(!s.to_lowercase().contains("double"), "double-coding shown:\n{s}");
        assert!(!s.contains(".wav"), "a file name shown:\n{s}");
    }
}

#[test]
fn no_screen_shows_supervisor_files_other_coders_or_file_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = marked_study(tmp.path());
    let study = Study::open(&dir).unwrap();
    let rows = queue_rows(&study, "c1").unwrap();
    assert_eq!(rows.len(), 3, "every recording is in c1's queue");
    let mut app =
        App::new(Arc::new(study.codebook().clone()), Keymap::default(), "c1", "Blind study", rows);
    let mut seen = screens_of(&app);
    update(&mut app, ch('?'));
    seen.extend(screens_of(&app));
    update(&mut app, key(KeyCode::Esc));

    for id in ["R001", "R002", "R003"] {
        let (coding, _path, duration_s, _) = prepare_open(&study, "c1", id).unwrap();
        assert!(coding.scores.is_empty() && coding.notes.is_empty(), "c1's coding is c1's own");
        let snapshot = Snapshot { duration_s, speed: 1.0, ..Default::default() };
        update(
            &mut app,
            Msg::Opened(Box::new(Opened {
                coding,
                duration_s,
                snapshot,
                transcript: Ok(None),
                window: None,
            })),
        );
        seen.extend(screens_of(&app));
        // Every pane focused, a segment, a note, a score, then the overlays.
        update(&mut app, ch('b'));
        update(
            &mut app,
            Msg::Playback(Snapshot {
                position_s: 6.0,
                duration_s,
                speed: 1.0,
                ..Default::default()
            }),
        );
        update(&mut app, ch('e'));
        update(&mut app, ch('n'));
        typed(&mut app, "mine");
        update(&mut app, key(KeyCode::Enter));
        for _ in 0..4 {
            update(&mut app, key(KeyCode::Tab));
            seen.extend(screens_of(&app));
        }
        update(&mut app, ch('3'));
        for _ in 0..7 {
            update(&mut app, key(KeyCode::Down));
            seen.push(render(&app, 120, 40));
        }
        update(&mut app, ch('S'));
        seen.extend(screens_of(&app));
        update(&mut app, key(KeyCode::Esc));
        update(&mut app, ch('?'));
        seen.push(render(&app, 120, 40));
        update(&mut app, key(KeyCode::Esc));
        update(&mut app, ch('q'));
        seen.extend(screens_of(&app));
    }
    assert_blind(&seen);
}

#[test]
fn missing_audio_is_explained_without_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = marked_study(tmp.path());
    // `import` copied the audio into the study as audio/<id>.wav: the copy goes missing.
    std::fs::remove_file(dir.join("audio/R002.wav")).unwrap();
    let study = Study::open(&dir).unwrap();
    let rows = queue_rows(&study, "c1").unwrap();
    let problem = rows.iter().find(|r| r.id == "R002").and_then(|r| r.problem.clone());
    assert!(problem.as_deref().is_some_and(|p| p.contains("missing")), "{problem:?}");
    assert!(rows.iter().filter(|r| r.problem.is_some()).count() == 1, "the rest still works");
    let err = prepare_open(&study, "c1", "R002").unwrap_err();
    assert!(!err.contains(MARKER), "{err}");
    let mut app =
        App::new(Arc::new(study.codebook().clone()), Keymap::default(), "c1", "Blind study", rows);
    update(&mut app, key(KeyCode::Down));
    seen_blind(&mut app);
}

fn seen_blind(app: &mut App) {
    let fx = update(app, key(KeyCode::Enter));
    assert_eq!(
        fx,
        vec![tapecoder::tui::coder::Effect::Open(tapecoder::tui::coder::Job::Prepare(
            "R002".into()
        ))]
    );
    assert_blind(&screens_of(app));
    assert!(render(app, 120, 40).contains("audio file is missing"));
}

#[test]
fn changed_audio_is_refused_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = marked_study(tmp.path());
    wav(&dir.join("audio/R003.wav"), 30);
    let study = Study::open(&dir).unwrap();
    let err = prepare_open(&study, "c1", "R003").unwrap_err();
    assert!(err.contains("changed"), "{err}");
    assert!(!err.contains(MARKER), "{err}");
    assert!(prepare_open(&study, "c1", "R001").is_ok(), "the rest of the queue still works");
}
