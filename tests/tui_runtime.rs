//! Both apps on the shared runtime with ratatui's `TestBackend`: the whole loop (keys in, effects
//! carried out by the disk thread and the player against a real temporary study, frames drawn)
//! as the real terminal runs it, with insta snapshots of what a user would see.
mod tui_adjudication_support;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tapecoder::audio::output::Output;
use tapecoder::coding::Status;
use tapecoder::identity::fictional_signer;
use tapecoder::study::Study;
use tapecoder::study::model::{Adjudication, Assignment, Coder, Recording, Role};
use tapecoder::tui::coder::App;
use tapecoder::tui::coder::worker::{CoderWorker, queue_rows};
use tapecoder::tui::event::Input;
use tapecoder::tui::keys::Keymap;
use tapecoder::tui::runtime::{self, Clock, Runtime};
use tapecoder::tui::supervisor::AdjApp;
use tapecoder::tui::supervisor::worker::{SupervisorWorker, load_cases};
use tui_adjudication_support::study::{codings_bytes, study as adjudication_study, wav};

const HANDBOOK: &[u8] = include_bytes!("../codebook/handbook.toml");

fn key(code: KeyCode) -> Input {
    Input::Key(KeyEvent::new(code, KeyModifiers::NONE))
}
fn ch(c: char) -> Input {
    let mods = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
    Input::Key(KeyEvent::new(KeyCode::Char(c), mods))
}

/// The terminal's text, trailing spaces trimmed.
fn screen(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A runtime on a 120×40 test terminal with a hand-set clock, short passes and no overview cache.
fn start<A: runtime::App>(
    app: A,
    worker: A::Worker,
) -> (Runtime<A>, Terminal<TestBackend>, Arc<AtomicU64>) {
    let ms = Arc::new(AtomicU64::new(0));
    let mut rt = Runtime::new(app, worker, Output::silent("silent playback (test)"))
        .unwrap()
        .with_clock(Clock::Manual(Arc::clone(&ms)))
        .with_overview_cache(None);
    rt.frame = Duration::from_millis(2);
    rt.send(Input::Resize(120, 40));
    (rt, Terminal::new(TestBackend::new(120, 40)).unwrap(), ms)
}

/// Coder `c1` with two 20-second recordings, both assigned to them alone.
fn coder_study(root: &Path) -> Study {
    coder_study_in(root, None)
}

/// [`coder_study`] with R001 sampled to `window` (in the assignment and c1's queue).
fn coder_study_in(root: &Path, window: Option<tapecoder::coding::Window>) -> Study {
    let dir = root.join("study");
    let founder = fictional_signer("sup").public();
    Study::create(&dir, "Runtime test", "handbook.toml", HANDBOOK, 1, Some(&founder)).unwrap();
    let mut s = Study::open(&dir).unwrap();
    for (id, role) in [("sup", Role::Supervisor), ("c1", Role::Coder)] {
        let signer = fictional_signer(id);
        let key = Some(signer.public().to_string());
        s.add_signer(signer);
        s.add_coder(Coder { id: id.into(), name: id.to_uppercase(), role, key }, "sup").unwrap();
    }
    let recs = ["R001", "R002"]
        .iter()
        .map(|id| {
            let file = format!("{id}.wav");
            let sha256 = long_wav(&dir.join(&file), 20);
            Recording { id: id.to_string(), file, sha256, duration_s: 20.0, instrument: None }
        })
        .collect();
    s.add_recordings(recs, vec![], Some("sup")).unwrap();
    let a = |id: &str| Assignment {
        id: id.into(),
        coders: vec!["c1".into()],
        double_coded: false,
        window: None,
    };
    let r1 = Assignment { window, ..a("R001") };
    s.save_assignments(&[r1, a("R002")], "sup").unwrap();
    tui_adjudication_support::study::open(&dir)
}

fn long_wav(path: &Path, seconds: u32) -> String {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..seconds * 8_000 {
        let loud = if (i / 8_000) % 4 == 0 { 9_000.0 } else { 2_500.0 };
        w.write_sample(((i as f32 * 0.07).sin() * loud) as i16).unwrap();
    }
    w.finalize().unwrap();
    tapecoder::study::files::sha256_hex(&std::fs::read(path).unwrap())
}

#[test]
fn coder_opens_codes_saves_and_leaves_through_the_whole_loop() {
    let tmp = tempfile::tempdir().unwrap();
    let study = coder_study(tmp.path());
    let rows = queue_rows(&study, "c1").unwrap();
    let app =
        App::new(Arc::new(study.codebook().clone()), Keymap::default(), "c1", "Runtime test", rows);
    let study = Arc::new(study);
    let worker = CoderWorker::new(Arc::clone(&study), "c1".into());
    let (mut rt, mut term, clock) = start(app, worker);
    rt.settle(&mut term).unwrap();
    insta::assert_snapshot!("coder_queue", screen(&term));

    // Enter: the disk thread locks and hashes, the UI thread opens the player and the overview.
    rt.send(key(KeyCode::Enter));
    rt.settle(&mut term).unwrap();
    assert!(rt.app().coding().is_some(), "the coding screen is open");
    // The runtime asked the zoom worker for the strip's tiles and they arrived (decoded peaks:
    // the fixture is loud for the first second of every four).
    let c = rt.app().coding().unwrap();
    assert!(c.zoom_tiles().is_empty(), "every tile of the zoom strip arrived");
    assert!(c.zoom_peaks.has(0), "tile 0 (0–10 s) decoded");
    let d = c.zoom_peaks.detail((0.0, 10.0));
    assert!(d.peaks[10] > 0.2 && d.peaks[60] < 0.1 && d.peaks[170] > 0.2, "{:?}", &d.peaks[..80]);
    insta::assert_snapshot!("coder_coding_opened", screen(&term));

    // A behaviour-change segment from 0 s to 5 s, then empathy 4 in the scores pane.
    for i in [ch('b'), key(KeyCode::Right), ch('e')] {
        rt.send(i);
    }
    for _ in 0..3 {
        rt.send(key(KeyCode::Tab));
    }
    rt.send(ch('4'));
    rt.settle(&mut term).unwrap();
    let path_unsaved = study.load_coding("c1", "R001").unwrap();
    assert!(path_unsaved.is_none_or(|c| c.scores.is_empty()), "not saved before the debounce");
    // 300 ms later the debounced save goes to the disk thread.
    clock.store(1_000, Ordering::SeqCst);
    rt.settle(&mut term).unwrap();
    let saved = study.load_coding("c1", "R001").unwrap().expect("saved by the disk thread");
    assert_eq!(saved.scores.get("empathy"), Some(&4));
    assert_eq!(saved.segments.len(), 1);
    assert_eq!((saved.segments[0].start_s, saved.segments[0].end_s), (0.0, 5.0));
    assert_eq!(saved.status, Status::InProgress);
    insta::assert_snapshot!("coder_coding_edited_and_saved", screen(&term));

    // Back to the queue: the playhead is saved, the lock released, the queue re-read.
    rt.send(key(KeyCode::Esc));
    rt.settle(&mut term).unwrap();
    assert!(rt.app().coding().is_none());
    insta::assert_snapshot!("coder_queue_after_editing", screen(&term));
    let saved = study.load_coding("c1", "R001").unwrap().unwrap();
    assert_eq!(saved.resume_s, 5.0, "the playhead is saved on leaving");
    assert!(study.lock_coding("c1", "R001").is_ok(), "the lock is released on leaving");

    rt.send(ch('q'));
    rt.settle(&mut term).unwrap();
    let app = rt.finish();
    assert!(app.quitting);
}

/// A sampled window through the whole loop with the silent clock: the recording opens at the
/// window's start, plays, and the player is paused at the window's end (and stays there).
#[test]
fn coder_playback_pauses_at_the_sampled_windows_end() {
    let tmp = tempfile::tempdir().unwrap();
    let w = tapecoder::coding::Window { start_s: 2.0, end_s: 2.4 };
    let study = coder_study_in(tmp.path(), Some(w));
    let rows = queue_rows(&study, "c1").unwrap();
    let app =
        App::new(Arc::new(study.codebook().clone()), Keymap::default(), "c1", "Runtime test", rows);
    let study = Arc::new(study);
    let worker = CoderWorker::new(Arc::clone(&study), "c1".into());
    let (mut rt, mut term, _clock) = start(app, worker);
    rt.settle(&mut term).unwrap();
    rt.send(key(KeyCode::Enter));
    rt.settle(&mut term).unwrap();
    let c = rt.app().coding().expect("the coding screen is open");
    assert_eq!((c.window, c.snap.position_s), (Some(w), 2.0), "opened at the window's start");
    assert!(screen(&term).contains("window 00:02–00:02"), "{}", screen(&term));
    rt.send(ch(' '));
    let started = std::time::Instant::now();
    while rt.app().coding().unwrap().snap.playing || started.elapsed() < Duration::from_millis(100)
    {
        assert!(started.elapsed() < Duration::from_secs(10), "never paused");
        rt.settle(&mut term).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    // The player itself is paused: a while later it is still at the window's end.
    std::thread::sleep(Duration::from_millis(300));
    rt.settle(&mut term).unwrap();
    let c = rt.app().coding().unwrap();
    assert!(!c.snap.playing, "paused");
    assert!((c.snap.position_s - 2.4).abs() < 1e-9, "{}", c.snap.position_s);
    assert!(
        c.coding.listened.iter().all(|[a, b]| *a >= 2.0 && *b <= 2.4),
        "{:?}",
        c.coding.listened
    );
    assert!(screen(&term).contains("end of the sampled window"), "{}", screen(&term));
    rt.send(ch('q'));
    rt.settle(&mut term).unwrap();
    rt.finish();
}

#[test]
fn coder_shutdown_mid_edit_saves_before_the_runtime_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let study = coder_study(tmp.path());
    let rows = queue_rows(&study, "c1").unwrap();
    let app =
        App::new(Arc::new(study.codebook().clone()), Keymap::default(), "c1", "Runtime test", rows);
    let study = Arc::new(study);
    let worker = CoderWorker::new(Arc::clone(&study), "c1".into());
    let (mut rt, mut term, _clock) = start(app, worker);
    rt.send(key(KeyCode::Down));
    rt.send(key(KeyCode::Enter));
    rt.settle(&mut term).unwrap();
    for _ in 0..3 {
        rt.send(key(KeyCode::Tab));
    }
    rt.send(ch('2'));
    rt.settle(&mut term).unwrap();
    // The clock never moved: the debounce has not fired; finishing hands the edit to the disk
    // thread and waits for it (as on SIGTERM or a panic).
    assert!(study.load_coding("c1", "R002").unwrap().is_none_or(|c| c.scores.is_empty()));
    let app = rt.finish();
    assert!(app.quitting);
    let saved = study.load_coding("c1", "R002").unwrap().expect("written before finish returned");
    assert_eq!(saved.scores.get("empathy"), Some(&2));
}

#[test]
fn supervisor_adjudicates_through_the_whole_loop() {
    let tmp = adjudication_study();
    let dir = tmp.path().join("study");
    let before = codings_bytes(&dir);
    let study = tui_adjudication_support::study::open(&dir);
    let cases = load_cases(&study).unwrap();
    let app = AdjApp::new(
        Arc::new(study.codebook().clone()),
        Keymap::default(),
        "sup",
        "Adjudication test",
        study.config().reliability.tolerance,
        cases,
    );
    let (mut rt, mut term, _clock) = start(app, SupervisorWorker { study: Arc::new(study) });
    rt.settle(&mut term).unwrap();
    insta::assert_snapshot!("supervisor_list", screen(&term));

    rt.send(key(KeyCode::Enter));
    rt.settle(&mut term).unwrap();
    assert!(rt.app().recording().is_some(), "the recording screen is open");
    insta::assert_snapshot!("supervisor_recording_opened", screen(&term));

    rt.send(ch('3'));
    for c in "Warm but interrupts twice".chars() {
        rt.send(ch(c));
    }
    rt.send(key(KeyCode::Enter));
    rt.send(ch('S'));
    rt.settle(&mut term).unwrap();
    insta::assert_snapshot!("supervisor_saved", screen(&term));
    let text = std::fs::read_to_string(dir.join("supervisor/adjudications/R001.toml")).unwrap();
    let adj: Adjudication = toml::from_str(&text).unwrap();
    assert_eq!(adj.decisions[0].final_score, 3);
    assert_eq!(adj.decisions[0].reason, "Warm but interrupts twice");
    assert!(!adj.decided_at.is_empty(), "stamped by the disk thread");

    rt.send(ch('q'));
    rt.settle(&mut term).unwrap();
    insta::assert_snapshot!("supervisor_list_after_saving", screen(&term));
    rt.send(ch('q'));
    rt.settle(&mut term).unwrap();
    let app = rt.finish();
    assert!(app.quitting);
    assert_eq!(codings_bytes(&dir), before, "the codings are never changed");
}

#[test]
fn supervisor_without_the_audio_still_opens_silently() {
    let tmp = adjudication_study();
    let dir = tmp.path().join("study");
    std::fs::remove_file(dir.join("R001.wav")).unwrap();
    let study = tui_adjudication_support::study::open(&dir);
    let cases = load_cases(&study).unwrap();
    let app = AdjApp::new(
        Arc::new(study.codebook().clone()),
        Keymap::default(),
        "sup",
        "Adjudication test",
        study.config().reliability.tolerance,
        cases,
    );
    let (mut rt, mut term, _clock) = start(app, SupervisorWorker { study: Arc::new(study) });
    rt.send(key(KeyCode::Enter));
    rt.settle(&mut term).unwrap();
    assert!(rt.app().recording().is_some(), "adjudication goes on from the scores");
    assert!(screen(&term).contains("no audio"), "{}", screen(&term));
    let _ = wav;
}
