//! `tapecoder adjudicate` outside the terminal UI: a coder is refused (through the binary), the
//! list is read from a real study folder, and a saved adjudication leaves every coding unchanged,
//! passes `tapecoder verify` and shows in `export final` as adjudicated.
mod tui_adjudication_support;

use std::collections::BTreeMap;

use tapecoder::commands::adjudicate::{load_cases, save};
use tapecoder::study::adjudication::{Draft, build};
use tapecoder::study::files::{sha256_hex, write_toml};
use tapecoder::study::model::{Adjudication, FinalRule, StudyConfig};
use tui_adjudication_support::study::{cmd, codings_bytes, open, study};

#[test]
fn a_coder_is_refused_naming_their_role() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let out = cmd(&dir, "ann").args(["adjudicate", "--no-audio"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("for supervisors"), "{err}");
    assert!(err.contains("ann is registered with role \"coder\""), "{err}");
    assert!(err.contains("coders.toml"), "{err}");
    // Nothing was written.
    let adj = std::fs::read_dir(dir.join("supervisor/adjudications")).unwrap().count();
    assert_eq!(adj, 0);
}

#[test]
fn an_unknown_identity_is_refused() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let out = cmd(&dir, "zed").args(["adjudicate", "--no-audio"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("zed"));
}

#[test]
fn the_list_holds_only_complete_double_coded_disagreements() {
    let tmp = study();
    let s = open(&tmp.path().join("study"));
    let cases = load_cases(&s).unwrap();
    assert_eq!(cases.len(), 1, "{cases:?}");
    let c = &cases[0];
    assert_eq!(c.recording, "R001");
    assert_eq!((c.primary.coder.as_str(), c.secondary.coder.as_str()), ("ann", "ben"));
    let diffs: Vec<(&str, Option<u8>, Option<u8>)> =
        c.diffs.iter().map(|d| (d.domain.as_str(), d.primary, d.secondary)).collect();
    assert_eq!(diffs, [("empathy", Some(1), Some(4))]);
    assert!(c.existing.is_none());
}

#[test]
fn saving_keeps_originals_passes_verify_and_exports_as_adjudicated() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let s = open(&dir);
    let before = codings_bytes(&dir);
    let case = load_cases(&s).unwrap().remove(0);
    let drafts = BTreeMap::from([(
        "empathy".to_string(),
        Draft { score: Some(3), reason: "Warm, but interrupts twice".into() },
    )]);
    let adj = build(s.codebook(), &case, "sup", "", &drafts).unwrap();
    let written = save(&s, &adj).unwrap();
    assert!(!written.decided_at.is_empty());

    // The file is the model's shape exactly and reads back equal.
    let path = dir.join("supervisor/adjudications/R001.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed: Adjudication = toml::from_str(&text).unwrap();
    assert_eq!(parsed, written);
    assert_eq!(s.adjudication("R001").unwrap(), Some(written.clone()));
    let d = &parsed.decisions[0];
    assert_eq!((d.domain.as_str(), d.final_score), ("empathy", 3));
    assert_eq!(d.coder_scores, BTreeMap::from([("ann".into(), 1), ("ben".into(), 4)]));
    // The journal line carries the file's sha256.
    let journal = std::fs::read_to_string(dir.join("supervisor/journal/sup.jsonl")).unwrap();
    let last = journal.lines().last().unwrap();
    assert!(last.contains("\"adjudicate\""), "{last}");
    assert!(last.contains(&sha256_hex(text.as_bytes())), "{last}");

    // Originals untouched.
    assert_eq!(codings_bytes(&dir), before);

    // The list now shows it adjudicated.
    let again = load_cases(&s).unwrap();
    assert_eq!(again[0].existing.as_ref(), Some(&written));

    // verify passes.
    let out = cmd(&dir, "sup").arg("verify").output().unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    // export final with rule = adjudicated uses the decision.
    let mut config: StudyConfig =
        toml::from_str(&std::fs::read_to_string(dir.join("study.toml")).unwrap()).unwrap();
    config.final_scores.rule = FinalRule::Adjudicated;
    write_toml(&dir.join("study.toml"), &config).unwrap();
    let out = cmd(&dir, "sup").args(["export", "final", "--format", "csv"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = String::from_utf8(out.stdout).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv.lines().find(|l| l.starts_with("R001,")).unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(row[col("empathy")], "3", "{csv}");
    assert_eq!(row[col("source")], "adjudicated", "{csv}");
    let r2: Vec<&str> = csv.lines().find(|l| l.starts_with("R002,")).unwrap().split(',').collect();
    assert_eq!(r2[col("source")], "primary");
}

#[test]
fn a_coder_cannot_save_an_adjudication_through_the_study_either() {
    let tmp = study();
    let s = open(&tmp.path().join("study"));
    let case = load_cases(&s).unwrap().remove(0);
    let drafts =
        BTreeMap::from([("empathy".to_string(), Draft { score: Some(3), reason: "r".into() })]);
    let adj = build(s.codebook(), &case, "ann", "", &drafts).unwrap();
    assert!(save(&s, &adj).is_err());
    assert!(!tmp.path().join("study/supervisor/adjudications/R001.toml").exists());
}

#[test]
fn a_revised_adjudication_replaces_the_first_and_still_verifies() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let s = open(&dir);
    let case = load_cases(&s).unwrap().remove(0);
    let draft = |score, reason: &str| {
        BTreeMap::from([(
            "empathy".to_string(),
            Draft { score: Some(score), reason: reason.into() },
        )])
    };
    save(&s, &build(s.codebook(), &case, "sup", "", &draft(2, "first view")).unwrap()).unwrap();
    let second =
        save(&s, &build(s.codebook(), &case, "sup", "", &draft(3, "on second listening")).unwrap())
            .unwrap();
    assert_eq!(s.adjudication("R001").unwrap(), Some(second));
    let journal = std::fs::read_to_string(dir.join("supervisor/journal/sup.jsonl")).unwrap();
    // Each save is an intent line and a commit line.
    assert_eq!(journal.lines().filter(|l| l.contains("\"kind\":\"adjudicate\"")).count(), 2);
    assert_eq!(journal.lines().filter(|l| l.contains("\"kind\":\"intent\"")).count(), 2);
    let out = cmd(&dir, "sup").arg("verify").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

/// The supervisor's decisions being made are autosaved through the app's disk worker to
/// `supervisor/drafts/<recording>.toml` (under `supervisor/`, which coders never read), come back
/// when the recording is opened again, pass `verify`, and go once the adjudication is saved.
#[test]
fn a_draft_is_kept_under_supervisor_passes_verify_and_goes_when_saved() {
    use std::sync::Arc;
    use tapecoder::audio::Snapshot;
    use tapecoder::study::adjudication::{draft_file, drafts_from_file};
    use tapecoder::tui::runtime::{Reply, Worker};
    use tapecoder::tui::supervisor::Job;
    use tapecoder::tui::supervisor::Msg;
    use tapecoder::tui::supervisor::worker::SupervisorWorker;

    let tmp = study();
    let dir = tmp.path().join("study");
    let s = open(&dir);
    let case = load_cases(&s).unwrap().remove(0);
    let half =
        BTreeMap::from([("empathy".to_string(), Draft { score: Some(3), reason: String::new() })]);
    let mut w = SupervisorWorker { study: Arc::new(s) };
    let reply = w.run(Job::SaveDraft(Box::new(draft_file("R001", "sup", &half))), false);
    assert!(matches!(reply, Reply::None));
    let path = dir.join("supervisor/drafts/R001.toml");
    assert!(path.is_file());
    let back = w.study.adjudication_draft("R001").unwrap().unwrap();
    assert_eq!(drafts_from_file(&back), half);
    // A coder cannot write one.
    assert!(w.study.save_adjudication_draft(&draft_file("R001", "ann", &half)).is_err());

    // verify accepts it: no problem, nothing said about it.
    let out = cmd(&dir, "sup").arg("verify").output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains("drafts"), "{text}");

    // Opening the recording again brings the draft back.
    let Reply::Media(m) = w.run(Job::Prepare { id: "R001".into(), duration_s: 600.0 }, false)
    else {
        panic!("the open is a media reply");
    };
    match (m.opened)(Snapshot::default()) {
        Msg::Opened { draft, .. } => assert_eq!(draft.as_deref(), Some(&back)),
        other => panic!("{other:?}"),
    }

    // Saving the adjudication removes it.
    let full =
        BTreeMap::from([("empathy".to_string(), Draft { score: Some(3), reason: "r".into() })]);
    let adj = build(w.study.codebook(), &case, "sup", "", &full).unwrap();
    assert!(matches!(w.run(Job::Save(Box::new(adj)), false), Reply::Msg(Msg::Saved(Ok(_)))));
    assert!(!path.exists());
    let out = cmd(&dir, "sup").arg("verify").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
