//! `[sampling] window_minutes` through the binary (issue #14): `assign` records one reproducible
//! window per recording in supervisor/assignments.toml (inside the recording, the whole of a short
//! one), both coders' queues carry the same window, re-running changes nothing, and `verify`
//! catches a queue whose window was edited.
mod common;

use std::fs;

use common::{fingerprint, study, tc};
use predicates::str::contains;
use tapecoder::study::Study;
use tapecoder::study::sampling::window_for;

#[test]
fn assign_samples_one_window_per_recording_for_every_coder() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 4); // 1.0, 1.25, 1.5 and 1.75 s
    let cfg = s.join("study.toml");
    let mut text = fs::read_to_string(&cfg).unwrap();
    // 1.2 s: the first recording (1.0 s) is shorter and is coded whole.
    text.push_str("\n[sampling]\nwindow_minutes = 0.02\n");
    fs::write(&cfg, text).unwrap();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "1", "--seed", "9"])
        .assert()
        .success()
        .stdout(contains("4 recording(s) got a sampled window of 0.02 minute(s)"));
    let st = Study::open(&s).unwrap();
    let seed = st.config().double_coding.seed;
    let asg = st.assignments().unwrap();
    assert_eq!(asg.len(), 4);
    for a in &asg {
        let rec = st.recording(&a.id).unwrap();
        let w = a.window.expect("every recording has a window");
        // The study's seed, not --seed, so another --seed cannot move it.
        assert_eq!(w, window_for(seed, &a.id, rec.duration_s, 1.2));
        assert!(0.0 <= w.start_s && w.end_s <= rec.duration_s);
        assert!((w.len_s() - rec.duration_s.min(1.2)).abs() < 1e-6, "{w:?}");
        assert_eq!(a.coders.len(), 2);
        for c in &a.coders {
            assert_eq!(st.window(c, &a.id).unwrap(), Some(w), "{c}'s queue carries it");
        }
    }
    assert_eq!(asg[0].window.unwrap().start_s, 0.0, "shorter than the window: whole");
    assert!(fs::read_to_string(s.join("supervisor/assignments.toml")).unwrap().contains("start_s"));
    let before = fingerprint(&s);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--seed", "3"])
        .assert()
        .success()
        .stdout(contains("nothing changed"));
    assert_eq!(fingerprint(&s), before, "re-running assign moves no window");
    tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert().success();

    // A coder's queue with another window is caught, and assign puts it back.
    let owner = &asg[1].coders[1];
    let q = s.join(format!("coders/{owner}/queue.toml"));
    let original = fs::read_to_string(&q).unwrap();
    let w = asg[1].window.unwrap();
    let edited = original.replace(&format!("start_s = {}", w.start_s), "start_s = 0.001");
    assert_ne!(edited, original, "{original}");
    fs::write(&q, edited).unwrap();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "verify"])
        .assert()
        .failure()
        .stderr(contains(format!("coders/{owner}/queue.toml: recording {}'s window", asg[1].id)));
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign"])
        .assert()
        .success()
        .stdout(contains("the queues were rewritten"));
    assert_eq!(fs::read_to_string(&q).unwrap(), original);
}

#[test]
fn sampling_added_later_gives_the_assigned_recordings_their_windows() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 2);
    tc(t.path()).args(["--study", "s", "--as", "sup", "assign"]).assert().success();
    let st = Study::open(&s).unwrap();
    assert!(st.assignments().unwrap().iter().all(|a| a.window.is_none()));
    assert!(!fs::read_to_string(s.join("supervisor/assignments.toml")).unwrap().contains("window"));
    let cfg = s.join("study.toml");
    let text = fs::read_to_string(&cfg).unwrap() + "\n[sampling]\nwindow_minutes = 0.01\n";
    fs::write(&cfg, text).unwrap();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign"])
        .assert()
        .success()
        .stdout(contains("2 recording(s) got their sampled window"));
    let st = Study::open(&s).unwrap();
    assert!(st.assignments().unwrap().iter().all(|a| a.window.is_some()));
    tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert().success();
}

#[test]
fn a_drift_probe_gets_a_window_of_its_own_id_and_nothing_points_at_gold() {
    use tapecoder::coding::{CodebookRef, Coding};
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 6);
    let cfg = s.join("study.toml");
    let text = fs::read_to_string(&cfg).unwrap() + "\n[sampling]\nwindow_minutes = 0.01\n";
    fs::write(&cfg, text).unwrap();
    let sup = |args: &[&str]| {
        tc(t.path()).args(["--study", "s", "--as", "sup"]).args(args).assert().success();
    };
    sup(&["assign", "--fraction", "0"]);
    for a in Study::open(&s).unwrap().assignments().unwrap() {
        let mut st = Study::open(&s).unwrap();
        let coder = a.coders[0].clone();
        st.add_signer(tapecoder::identity::fictional_signer(&coder));
        let rec = st.recording(&a.id).unwrap().clone();
        let at = "2026-01-01T00:00:00Z";
        let mut c = Coding::new(&rec.id, &coder, CodebookRef::of(st.codebook()), &rec.sha256, at);
        for d in st.codebook().domain_keys().filter(|d| *d != "evocation") {
            c.scores.insert(d.to_string(), 3);
            c.rationales.insert(d.to_string(), "ok".into());
        }
        c.submit(at).unwrap();
        st.submit_coding(&c).unwrap();
        sup(&["gold", "set", &a.id, "--from", &coder]);
    }
    sup(&["assign", "--probes", "0.5"]);
    let st = Study::open(&s).unwrap();
    let probes = st.probes().unwrap();
    assert!(!probes.is_empty());
    let seed = st.config().double_coding.seed;
    for p in &probes {
        let d = st.recording(&p.gold).unwrap().duration_s;
        let w = st.window(&p.coder, &p.id).unwrap().expect("a probe is sampled too");
        assert_eq!(w, window_for(seed, &p.id, d, 0.6));
        let queue = fs::read_to_string(s.join(format!("coders/{}/queue.toml", p.coder))).unwrap();
        assert!(!queue.contains(&p.gold), "{queue}");
    }
    tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert().success();
}

/// The coder side: `prepare_open` hands the coder's window from their queue to the coding screen,
/// which opens inside it and says it on the timeline.
#[test]
fn a_sampled_recording_opens_through_prepare_open_with_its_window() {
    use std::sync::Arc;
    use tapecoder::audio::Snapshot;
    use tapecoder::commands::code::{prepare_open, queue_rows};
    use tapecoder::tui::coder::{App, Msg, Opened, update};
    use tapecoder::tui::keys::Keymap;

    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 3);
    let cfg = s.join("study.toml");
    let text = fs::read_to_string(&cfg).unwrap() + "\n[sampling]\nwindow_minutes = 0.01\n";
    fs::write(&cfg, text).unwrap();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "1", "--seed", "9"])
        .assert()
        .success();
    let st = Study::open(&s).unwrap();
    let a = st.assignments().unwrap().into_iter().nth(2).unwrap();
    let coder = a.coders[0].clone();
    let w = a.window.expect("sampled");
    let (coding, _path, duration_s, window) = prepare_open(&st, &coder, &a.id).unwrap();
    assert_eq!(window, Some(w), "the coder's window from their queue");
    assert!(w.start_s > 0.0 || w.end_s < duration_s, "a part of the recording: {w:?}");
    let rows = queue_rows(&st, &coder).unwrap();
    let mut app =
        App::new(Arc::new(st.codebook().clone()), Keymap::default(), &coder, "Test study", rows);
    update(&mut app, Msg::Resize(120, 40));
    // The player opened at the resume position (0): the screen moves it into the window.
    let snapshot = Snapshot { duration_s, speed: 1.0, ..Default::default() };
    update(
        &mut app,
        Msg::Opened(Box::new(Opened {
            coding,
            duration_s,
            snapshot,
            transcript: Ok(None),
            window,
        })),
    );
    let c = app.coding().unwrap();
    assert_eq!((c.window, c.snap.position_s), (Some(w), w.start_s));
    // Training work is coded whole.
    let (_, _, _, training) = tapecoder::tui::coder::worker::prepare_open_in(
        &st,
        tapecoder::study::Work::Training,
        &coder,
        &a.id,
    )
    .unwrap();
    assert_eq!(training, None);
}
