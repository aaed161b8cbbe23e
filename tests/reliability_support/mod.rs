//! A small study written straight to a temp folder with the model types, for the reliability and
//! export integration tests: supervisor `sup`, coders `ann` and `ben`; R001–R004 double-coded
//! (ann primary, ben secondary), R005 single (ann), R006 single (ben, in progress). On R002 the two
//! differ by 2 on empathy, and `supervisor/adjudications/R002.toml` settles it at 3.
#![allow(dead_code)]
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tapecoder::coding::{CodebookRef, Coding, Segment, Status};
use tapecoder::study::model::*;

pub const DOMAINS: [&str; 7] = [
    "empathy",
    "collaboration",
    "autonomy",
    "evocation",
    "purposefulness",
    "clarity_about_concerns",
    "child_focus",
];

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn cmd(&self, who: &str) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("tapecoder").unwrap();
        c.env_remove("TAPECODER_STUDY").env_remove("TAPECODER_CODER");
        c.env("TAPECODER_KEY_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys"));
        c.arg("--study").arg(self.path()).arg("--as").arg(who);
        c
    }
}

fn write<T: serde::Serialize>(path: PathBuf, value: &T) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, toml::to_string(value).unwrap()).unwrap();
}

pub fn coding(
    rec: &str,
    coder: &str,
    scores: [u8; 7],
    bc: Option<(f64, f64)>,
    status: Status,
) -> Coding {
    let mut map = BTreeMap::new();
    for (d, s) in DOMAINS.iter().zip(scores) {
        // Evocation is only scorable with a behaviour-change segment.
        if *d == "evocation" && bc.is_none() {
            continue;
        }
        map.insert(d.to_string(), s);
    }
    Coding {
        checklist: Default::default(),
        classes: Default::default(),
        events: Vec::new(),
        schema: 1,
        recording: rec.into(),
        coder: coder.into(),
        codebook: CodebookRef {
            id: "tapecoder-handbook".into(),
            version: "1.0".into(),
            sha256: "0".repeat(64),
        },
        audio_sha256: "a".repeat(64),
        status,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T01:00:00Z".into(),
        submitted_at: (status == Status::Submitted).then(|| "2026-01-01T01:00:00Z".into()),
        resume_s: 0.0,
        listened: vec![[0.0, 600.0]],
        scores: map,
        rationales: BTreeMap::new(),
        segments: bc
            .map(|(a, b)| {
                vec![Segment {
                    kind: "behaviour-change".into(),
                    start_s: a,
                    end_s: b,
                    note: "talk, about \"drink\"".into(),
                }]
            })
            .unwrap_or_default(),
        notes: vec![],
    }
}

/// Builds the study; `rule` goes into study.toml.
pub fn study(rule: FinalRule) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let handbook = Path::new(env!("CARGO_MANIFEST_DIR")).join("codebook/handbook.toml");
    std::fs::create_dir_all(root.join("codebook")).unwrap();
    std::fs::copy(handbook, root.join("codebook/handbook.toml")).unwrap();
    write(
        root.join("study.toml"),
        &StudyConfig {
            schema: tapecoder::study::model::STUDY_SCHEMA,
            name: "Test study".into(),
            codebook: "codebook/handbook.toml".into(),
            instruments: vec![],
            founder: Some(tapecoder::identity::fictional_signer("sup").public().fingerprint()),
            double_coding: DoubleCoding::default(),
            reliability: ReliabilityConfig { tolerance: 1 },
            final_scores: FinalScores { rule },
            audio: AudioConfig::default(),
            drift: Default::default(),
            training: Default::default(),
            sampling: Default::default(),
        },
    );
    let coder = |id: &str, role| Coder {
        id: id.into(),
        name: id.to_uppercase(),
        role,
        key: Some(tapecoder::identity::fictional_signer(id).public().to_string()),
    };
    write(
        root.join("coders.toml"),
        &CodersFile {
            schema: 1,
            coders: vec![
                coder("sup", Role::Supervisor),
                coder("ann", Role::Coder),
                coder("ben", Role::Coder),
            ],
        },
    );
    // The supervisor's signed registrations, which supervisor commands check.
    let sup = tapecoder::identity::fictional_signer("sup");
    let journal = root.join("supervisor/journal/sup.jsonl");
    std::fs::create_dir_all(root.join("supervisor/journal")).unwrap();
    for (id, role) in [("sup", Role::Supervisor), ("ann", Role::Coder), ("ben", Role::Coder)] {
        let c = coder(id, role);
        let event = Event::CoderAdded {
            id: c.id,
            name: c.name,
            role,
            key: c.key.unwrap(),
            file: FileHash::new("coders.toml", "0".repeat(64)),
        };
        tapecoder::study::journal::append(&journal, &sup, event).unwrap();
    }
    let ids = ["R001", "R002", "R003", "R004", "R005", "R006"];
    write(
        root.join("recordings.toml"),
        &RecordingsFile {
            schema: 1,
            recordings: ids
                .iter()
                .map(|id| Recording {
                    id: id.to_string(),
                    file: format!("audio/{id}.wav"),
                    sha256: "a".repeat(64),
                    duration_s: 600.0,
                    instrument: None,
                })
                .collect(),
        },
    );
    let asg = |id: &str, coders: &[&str]| Assignment {
        id: id.into(),
        coders: coders.iter().map(|c| c.to_string()).collect(),
        double_coded: coders.len() > 1,
        window: None,
    };
    write(
        root.join("supervisor/assignments.toml"),
        &AssignmentsFile {
            schema: 1,
            recordings: vec![
                asg("R001", &["ann", "ben"]),
                asg("R002", &["ann", "ben"]),
                asg("R003", &["ann", "ben"]),
                asg("R004", &["ann", "ben"]),
                asg("R005", &["ann"]),
                asg("R006", &["ben"]),
            ],
        },
    );
    let meta = |id: &str, vars: &[(&str, &str)]| RecordingMeta {
        id: id.into(),
        observer: None,
        variables: vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    };
    write(
        root.join("supervisor/metadata.toml"),
        &MetadataFile {
            schema: 1,
            recordings: vec![
                meta("R001", &[("arm", "A"), ("site", "north")]),
                meta("R002", &[("arm", "B"), ("worker", "w2")]),
            ],
        },
    );
    let sub = Status::Submitted;
    let codings = [
        coding("R001", "ann", [3, 3, 2, 3, 2, 3, 2], Some((60.0, 120.0)), sub),
        coding("R001", "ben", [3, 2, 2, 2, 2, 3, 3], Some((66.0, 120.0)), sub),
        coding("R002", "ann", [4, 4, 3, 0, 3, 4, 4], None, sub),
        coding("R002", "ben", [2, 4, 3, 0, 3, 4, 3], None, sub),
        coding("R003", "ann", [2, 2, 1, 2, 2, 2, 1], Some((0.0, 30.0)), sub),
        coding("R003", "ben", [2, 2, 2, 2, 2, 1, 1], Some((0.0, 36.0)), sub),
        coding("R004", "ann", [5, 4, 4, 4, 5, 4, 5], Some((300.0, 420.0)), sub),
        coding("R004", "ben", [4, 4, 4, 5, 5, 5, 5], Some((310.0, 400.0)), sub),
        coding("R005", "ann", [2, 3, 2, 0, 2, 2, 2], None, sub),
        coding("R006", "ben", [1, 2, 0, 0, 0, 0, 0], None, Status::InProgress),
    ];
    for c in &codings {
        write(root.join(format!("coders/{}/codings/{}.toml", c.coder, c.recording)), c);
    }
    // R006's coding in progress has unscored domains.
    let mut partial = codings[9].clone();
    partial.scores.retain(|k, _| k == "empathy" || k == "collaboration");
    write(root.join("coders/ben/codings/R006.toml"), &partial);
    write(
        root.join("supervisor/adjudications/R002.toml"),
        &Adjudication {
            schema: 1,
            recording: "R002".into(),
            supervisor: "sup".into(),
            decided_at: "2026-01-02T00:00:00Z".into(),
            decisions: vec![Decision {
                domain: "empathy".into(),
                final_score: 3,
                reason: "Warm but missed two cues".into(),
                coder_scores: [("ann".to_string(), 4u8), ("ben".to_string(), 2u8)]
                    .into_iter()
                    .collect(),
            }],
        },
    );
    Fixture { dir }
}
