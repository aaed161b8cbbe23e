//! A real study folder for the adjudication tests, built with the Study API: supervisor `sup`,
//! coders `ann` and `ben`; R001 and R002 double-coded (ann primary) and submitted: R001 differs by
//! 3 on empathy, R002 agrees; R003 single-coded. Audio: one-second WAVs.
use std::collections::BTreeMap;
use std::path::Path;

use tapecoder::coding::{CodebookRef, Coding, Segment, Status};
use tapecoder::identity::fictional_signer;
use tapecoder::study::Study;
use tapecoder::study::files::sha256_hex;
use tapecoder::study::model::{Assignment, Coder, Recording, Role};

const HANDBOOK: &[u8] = include_bytes!("../../codebook/handbook.toml");

pub fn cmd(dir: &Path, who: &str) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("tapecoder").unwrap();
    c.env_remove("TAPECODER_STUDY").env_remove("TAPECODER_CODER");
    c.env("TAPECODER_KEY_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys"));
    c.arg("--study").arg(dir).arg("--as").arg(who);
    c
}

/// The study, able to sign as each of the fictional test people (sup, ann, ben, c1).
pub fn open(dir: &Path) -> Study {
    let mut s = Study::open(dir).unwrap();
    for id in ["sup", "ann", "ben", "c1"] {
        s.add_signer(fictional_signer(id));
    }
    s
}

/// A one-second silent WAV, so `verify` finds real audio with the registered sha256.
pub fn wav(path: &Path) -> String {
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
        checklist: Default::default(),
        classes: Default::default(),
        events: Vec::new(),
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
pub fn study() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let founder = fictional_signer("sup").public();
    Study::create(&dir, "Adjudication test", "handbook.toml", HANDBOOK, 1, Some(&founder)).unwrap();
    let mut s = Study::open(&dir).unwrap();
    for (id, role) in [("sup", Role::Supervisor), ("ann", Role::Coder), ("ben", Role::Coder)] {
        let signer = fictional_signer(id);
        let key = Some(signer.public().to_string());
        s.add_signer(signer);
        s.add_coder(Coder { id: id.into(), name: id.to_uppercase(), role, key }, "sup").unwrap();
    }
    let recs = ["R001", "R002", "R003"]
        .iter()
        .map(|id| {
            let file = format!("{id}.wav");
            let sha256 = wav(&dir.join(&file));
            Recording { id: id.to_string(), file, sha256, duration_s: 1.0, instrument: None }
        })
        .collect();
    s.add_recordings(recs, vec![], Some("sup")).unwrap();
    let a = |id: &str, coders: &[&str]| Assignment {
        id: id.into(),
        coders: coders.iter().map(|c| c.to_string()).collect(),
        double_coded: coders.len() == 2,
        window: None,
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

pub fn codings_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for coder in ["ann", "ben"] {
        for e in std::fs::read_dir(dir.join("coders").join(coder).join("codings")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                out.insert(p.display().to_string(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}
