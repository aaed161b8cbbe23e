//! `tapecoder adjudicate` outside the terminal UI: a coder is refused (through the binary), the
//! list is read from a real study folder, and a saved adjudication leaves every coding unchanged,
//! passes `tapecoder verify` and shows in `export final` as adjudicated.
use std::collections::BTreeMap;
use std::path::Path;

use tapecoder::coding::{CodebookRef, Coding, Segment, Status};
use tapecoder::commands::adjudicate::{load_cases, save};
use tapecoder::study::Study;
use tapecoder::study::adjudication::{Draft, build};
use tapecoder::study::files::{sha256_hex, write_toml};
use tapecoder::study::model::{
    Adjudication, Assignment, Coder, FinalRule, Recording, Role, StudyConfig,
};

const HANDBOOK: &[u8] = include_bytes!("../codebook/handbook.toml");

fn cmd(dir: &Path, who: &str) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("tapecoder").unwrap();
    c.env_remove("TAPECODER_STUDY").env_remove("TAPECODER_CODER");
    c.arg("--study").arg(dir).arg("--as").arg(who);
    c
}

/// A one-second silent WAV, so `verify` finds real audio with the registered sha256.
fn wav(path: &Path) -> String {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..8_000 {
        w.write_sample(((i % 50) as i16 - 25) * 100).unwrap();
    }
    w.finalize().unwrap();
    sha256_hex(&std::fs::read(path).unwrap())
}

fn coding(study: &Study, rec: &str, coder: &str, scores: &[(&str, u8)]) -> Coding {
    let sha = study.recording(rec).unwrap().sha256.clone();
    Coding {
        schema: 1,
        recording: rec.into(),
        coder: coder.into(),
        codebook: CodebookRef::of(study.codebook()),
        audio_sha256: sha,
        status: Status::Submitted,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T01:00:00Z".into(),
        submitted_at: Some("2026-01-01T01:00:00Z".into()),
        resume_s: 0.0,
        listened: vec![[0.0, 1.0]],
        scores: scores.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        rationales: BTreeMap::from([("empathy".to_string(), format!("{coder}'s reasons"))]),
        segments: vec![Segment {
            kind: "behaviour-change".into(),
            start_s: 0.2,
            end_s: 0.6,
            note: String::new(),
        }],
        notes: vec![],
    }
}

const AGREED: [(&str, u8); 6] = [
    ("collaboration", 2),
    ("autonomy", 2),
    ("evocation", 2),
    ("purposefulness", 3),
    ("clarity_about_concerns", 3),
    ("child_focus", 2),
];

fn scores(empathy: u8) -> Vec<(&'static str, u8)> {
    let mut v = vec![("empathy", empathy)];
    v.extend(AGREED);
    v
}

/// Supervisor `sup`, coders `ann` and `ben`. R001 and R002 double-coded (ann primary) and
/// submitted: R001 differs by 3 on empathy, R002 agrees. R003 is single-coded.
pub(crate) fn study() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    Study::create(&dir, "Adjudication test", "handbook.toml", HANDBOOK, 1).unwrap();
    let mut s = Study::open(&dir).unwrap();
    for (id, role) in [("sup", Role::Supervisor), ("ann", Role::Coder), ("ben", Role::Coder)] {
        s.add_coder(Coder { id: id.into(), name: id.to_uppercase(), role }, Some("sup")).unwrap();
    }
    let recs = ["R001", "R002", "R003"]
        .iter()
        .map(|id| {
            let file = format!("{id}.wav");
            let sha256 = wav(&dir.join(&file));
            Recording { id: id.to_string(), file, sha256, duration_s: 1.0 }
        })
        .collect();
    s.add_recordings(recs, vec![], Some("sup")).unwrap();
    let a = |id: &str, coders: &[&str]| Assignment {
        id: id.into(),
        coders: coders.iter().map(|c| c.to_string()).collect(),
        double_coded: coders.len() == 2,
    };
    s.save_assignments(
        &[a("R001", &["ann", "ben"]), a("R002", &["ann", "ben"]), a("R003", &["ben"])],
        "sup",
    )
    .unwrap();
    for c in [
        coding(&s, "R001", "ann", &scores(1)),
        coding(&s, "R001", "ben", &scores(4)),
        coding(&s, "R002", "ann", &scores(3)),
        coding(&s, "R002", "ben", &scores(4)),
        coding(&s, "R003", "ben", &scores(5)),
    ] {
        s.submit_coding(&c).unwrap();
    }
    tmp
}

fn codings_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for coder in ["ann", "ben"] {
        for e in std::fs::read_dir(dir.join("codings").join(coder)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                out.insert(p.display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

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
    let s = Study::open(tmp.path().join("study")).unwrap();
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
    let s = Study::open(&dir).unwrap();
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
    let journal = std::fs::read_to_string(dir.join("journal/sup.jsonl")).unwrap();
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
    let s = Study::open(tmp.path().join("study")).unwrap();
    let case = load_cases(&s).unwrap().remove(0);
    let drafts =
        BTreeMap::from([("empathy".to_string(), Draft { score: Some(3), reason: "r".into() })]);
    let adj = build(s.codebook(), &case, "ann", "", &drafts).unwrap();
    assert!(save(&s, &adj).is_err());
    assert!(!tmp.path().join("study/supervisor/adjudications/R001.toml").exists());
}
