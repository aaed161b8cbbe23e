//! Drift probes and `tapecoder drift` through the binary (issue #13): `assign --probes` slips
//! gold recordings into live queues under fresh ids; nothing a coder reads names the gold
//! recording; probes stay out of the supervisor's exports, plans and status; `drift` compares
//! submitted probes with gold and flags by the study's rule; coders are refused.
mod common;

use std::path::Path;

use common::{ok, refused, study, tc};
use tapecoder::coding::{CodebookRef, Coding};
use tapecoder::study::Study;
use tapecoder::study::probes::Probe;

fn sup(t: &Path) -> assert_cmd::Command {
    let mut c = tc(t);
    c.args(["--study", "s", "--as", "sup"]);
    c
}

/// `coder` submits `recording` with every domain at `level` (evocation left unscored: no segment).
fn submit(s: &Path, coder: &str, recording: &str, level: u8, at: &str) {
    let mut st = Study::open(s).unwrap();
    st.add_signer(tapecoder::identity::fictional_signer(coder));
    let rec = st.recording(recording).unwrap().clone();
    let mut c = Coding::new(&rec.id, coder, CodebookRef::of(st.codebook()), &rec.sha256, at);
    for d in st.codebook().domain_keys().filter(|d| *d != "evocation") {
        c.scores.insert(d.to_string(), level);
        c.rationales.insert(d.to_string(), format!("{coder} on {recording}"));
    }
    c.submit(at).unwrap();
    st.submit_coding(&c).unwrap();
}

/// Six recordings, each coded and submitted by its one coder at level 3 and made gold; then
/// one probe per coder.
fn probed(t: &Path) -> (std::path::PathBuf, Vec<Probe>) {
    let s = study(t, 6);
    ok(sup(t).args(["assign", "--fraction", "0"]));
    let st = Study::open(&s).unwrap();
    for a in st.assignments().unwrap() {
        submit(&s, &a.coders[0], &a.id, 3, "2026-01-01T00:00:00Z");
        ok(sup(t).args(["gold", "set", &a.id, "--from", &a.coders[0]]));
    }
    let out = ok(sup(t).args(["assign", "--probes", "0.5"]));
    assert!(out.contains("added 3 drift probe(s)"), "{out}");
    let probes = Study::open(&s).unwrap().probes().unwrap();
    (s, probes)
}

#[test]
fn probes_join_live_queues_blind_and_stay_out_of_study_data() {
    let t = tempfile::tempdir().unwrap();
    let (s, probes) = probed(t.path());
    assert_eq!(probes.len(), 3);
    let st = Study::open(&s).unwrap();
    for p in &probes {
        let queue = st.queue_ids(&p.coder).unwrap();
        assert!(queue.contains(&p.id), "{p:?} not in {queue:?}");
        assert!(!queue.contains(&p.gold), "{p:?}: a coder never probes their own recording");
        // Its own audio copy and entry, under its own id.
        let rec = st.recording(&p.id).unwrap();
        assert_eq!(rec.file, format!("audio/{}.wav", p.id));
        assert!(s.join(&rec.file).is_file());
        let queue_text =
            std::fs::read_to_string(s.join(format!("coders/{}/queue.toml", p.coder))).unwrap();
        assert!(!queue_text.contains(&p.gold), "{queue_text}");
    }
    // The supervisor's view leaves probes out: six live recordings, no probe in the plan.
    let status = ok(sup(t.path()).args(["status", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(v["recordings"], 6, "{status}");
    let plan = std::fs::read_to_string(s.join("supervisor/assignments.toml")).unwrap();
    for p in &probes {
        assert!(!plan.contains(&p.id), "{plan}");
    }
    // Re-running keeps them (and adds none); verify is clean with the probes woven in.
    let out = ok(sup(t.path()).args(["assign", "--probes", "0.5"]));
    assert!(out.contains("added 0 drift probe(s) (3 in all"), "{out}");
    assert_eq!(Study::open(&s).unwrap().probes().unwrap(), probes);
    ok(sup(t.path()).arg("verify"));
    // A plain re-assign rewrites the queues with the probes still in them.
    std::fs::write(s.join("coders/c1/queue.toml"), "schema = 1\ncoder = \"c1\"\nrecordings = []\n")
        .unwrap();
    ok(sup(t.path()).arg("assign"));
    ok(sup(t.path()).arg("verify"));
    let p1 = probes.iter().find(|p| p.coder == "c1").unwrap();
    assert!(Study::open(&s).unwrap().queue_ids("c1").unwrap().contains(&p1.id));
}

#[test]
fn drift_compares_submitted_probes_with_gold_and_flags_by_the_study_rule() {
    let t = tempfile::tempdir().unwrap();
    let (s, probes) = probed(t.path());
    // c1 scores every domain a point above gold; c2 matches gold; c3 has not coded theirs yet.
    let p1 = probes.iter().find(|p| p.coder == "c1").unwrap();
    let p2 = probes.iter().find(|p| p.coder == "c2").unwrap();
    submit(&s, "c1", &p1.id, 4, "2026-02-01T00:00:00Z");
    submit(&s, "c2", &p2.id, 3, "2026-02-01T00:00:00Z");
    let out = ok(sup(t.path()).args(["drift", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["k"].as_f64(), v["h"].as_f64()), (Some(0.25), Some(3.25)));
    let coder =
        |id: &str| v["coders"].as_array().unwrap().iter().find(|c| c["coder"] == id).cloned();
    let c1 = coder("c1").unwrap();
    assert_eq!(c1["probes"], 1);
    let empathy = &c1["domains"][0];
    assert_eq!(empathy["domain"], "empathy");
    assert_eq!(empathy["points"][0]["probe"], p1.id.as_str());
    assert_eq!(empathy["points"][0]["gold_recording"], p1.gold.as_str());
    assert_eq!(empathy["points"][0]["deviation"], 1);
    assert_eq!(empathy["upper"], 0.75);
    assert_eq!(c1["flagged"], false, "one point above gold is not drift under the default rule");
    assert_eq!(coder("c2").unwrap()["domains"][0]["points"][0]["deviation"], 0);
    assert_eq!(coder("c3").unwrap()["pending"], 1);
    // Evocation: gold tagged no behaviour-change segment, so never compared.
    let evocation = c1["domains"].as_array().unwrap().iter().find(|d| d["domain"] == "evocation");
    assert_eq!(evocation.unwrap()["points"].as_array().unwrap().len(), 0);

    // A stricter rule in study.toml flags c1 at once; the table and the HTML say the same.
    let cfg = std::fs::read_to_string(s.join("study.toml")).unwrap();
    std::fs::write(s.join("study.toml"), format!("{cfg}\n[drift]\nk = 0.25\nh = 0.75\n")).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&ok(sup(t.path()).args(["drift", "--format", "json"]))).unwrap();
    assert_eq!(v["coders"][0]["flagged"], true);
    assert_eq!(v["coders"][0]["domains"][0]["flag"]["direction"], "high");
    let table = ok(sup(t.path()).arg("drift"));
    assert!(table.contains("c1  1 probe(s) coded, 0 waiting  — FLAGGED"), "{table}");
    assert!(table.contains("DRIFT high at probe 1 (2026-02-01)"), "{table}");
    assert!(table.contains("c3  0 probe(s) coded, 1 waiting"), "{table}");
    ok(sup(t.path()).args(["drift", "--format", "html", "--out", "d.html"]));
    let html = std::fs::read_to_string(t.path().join("d.html")).unwrap();
    assert!(html.contains("DRIFT high at probe 1 (2026-02-01)") && html.contains("<svg"), "{html}");
    // A rule that makes no sense is refused, naming the file.
    std::fs::write(s.join("study.toml"), format!("{cfg}\n[drift]\nh = 0\n")).unwrap();
    let err = refused(sup(t.path()).arg("drift"));
    assert!(err.contains("study.toml") && err.contains("h > 0"), "{err}");
}

#[test]
fn coders_are_refused_and_never_see_which_recording_a_probe_is() {
    let t = tempfile::tempdir().unwrap();
    let (s, probes) = probed(t.path());
    let p1 = probes.iter().find(|p| p.coder == "c1").unwrap();
    submit(&s, "c1", &p1.id, 4, "2026-02-01T00:00:00Z");
    let as_c1 = |args: &[&str]| {
        let mut c = tc(t.path());
        c.args(["--study", "s", "--as", "c1"]).args(args);
        c
    };
    let err = refused(&mut as_c1(&["drift"]));
    assert!(err.contains("not a supervisor"), "{err}");
    let err = refused(&mut as_c1(&["assign", "--probes", "0.1"]));
    assert!(err.contains("not a supervisor"), "{err}");
    // What c1 reads: their status and their own export show the probe id, never the gold's.
    let status = ok(&mut as_c1(&["status", "--format", "json"]));
    assert!(status.contains("\"assigned\": 3"), "two live and one probe: {status}");
    let export = ok(&mut as_c1(&["export", "codings", "--format", "csv"]));
    assert!(export.contains(&p1.id), "{export}");
    assert!(!export.contains(&format!("{},", p1.gold)), "the gold id leaks: {export}");
    assert!(!export.contains("probe"), "nothing marks it: {export}");
    // The supervisor's export leaves the probe out.
    let export = ok(sup(t.path()).args(["export", "codings", "--format", "csv"]));
    assert!(!export.contains(&p1.id), "{export}");
}

mod tui_support;

#[test]
fn a_probe_on_the_coders_screens_shows_only_its_own_id() {
    use std::sync::Arc;
    use tapecoder::audio::Snapshot;
    use tapecoder::commands::code::{prepare_open, queue_rows};
    use tapecoder::tui::coder::{App, Msg, Opened, update};
    use tapecoder::tui::keys::Keymap;

    let t = tempfile::tempdir().unwrap();
    let (s, probes) = probed(t.path());
    let p1 = probes.iter().find(|p| p.coder == "c1").unwrap();
    let study = Study::open(&s).unwrap();
    let rows = queue_rows(&study, "c1").unwrap();
    assert!(rows.iter().any(|r| r.id == p1.id), "the probe is in the queue like live work");
    let mut app =
        App::new(Arc::new(study.codebook().clone()), Keymap::default(), "c1", "Test study", rows);
    let mut screens = vec![tui_support::render(&app, 120, 40), tui_support::render(&app, 80, 24)];
    assert!(screens[0].contains(&p1.id), "{}", screens[0]);
    let (coding, _path, duration_s, _) = prepare_open(&study, "c1", &p1.id).unwrap();
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
    screens.push(tui_support::render(&app, 120, 40));
    assert!(screens[2].contains(&p1.id), "{}", screens[2]);
    for screen in &screens {
        assert!(
            !screen.contains(&p1.gold),
            "the gold id {} reached c1's screen:\n{screen}",
            p1.gold
        );
        assert!(!screen.to_lowercase().contains("probe"), "{screen}");
    }
}

#[test]
fn a_coders_feedback_shows_their_drift_but_not_which_recordings_were_probes() {
    let t = tempfile::tempdir().unwrap();
    let (s, probes) = probed(t.path());
    let p1 = probes.iter().find(|p| p.coder == "c1").unwrap();
    submit(&s, "c1", &p1.id, 5, "2026-02-01T00:00:00Z");
    let mut c = tc(t.path());
    c.args(["--study", "s", "--as", "c1", "feedback", "--format", "json"]);
    let out = ok(&mut c);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["drift"]["probes"], 1, "{out}");
    let empathy =
        v["drift"]["domains"].as_array().unwrap().iter().find(|d| d["domain"] == "empathy");
    assert_eq!(empathy.unwrap()["mean"], 2.0, "{out}");
    assert_eq!(empathy.unwrap()["n"], 1);
    assert!(!out.contains(&p1.id) && !out.contains(&p1.gold), "probe ids leak: {out}");
    let mut c = tc(t.path());
    c.args(["--study", "s", "--as", "c1", "feedback"]);
    let table = ok(&mut c);
    assert!(table.contains("drift from gold on 1 probe(s)"), "{table}");
    // c2 has not coded theirs: no drift yet.
    let mut c = tc(t.path());
    c.args(["--study", "s", "--as", "c2", "feedback", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&ok(&mut c)).unwrap();
    assert!(v["drift"].is_null());
}
