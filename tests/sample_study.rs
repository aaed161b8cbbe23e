//! The bundled sample study (`sample-sessions/`) is the first thing a new user sees, so it must be
//! a complete, consistent study folder. The first group of tests reads its files through the
//! contract types and checks them against each other (hashes, journals, queues, codings); the
//! second group copies it (with `codebook/`, keeping the relative layout) to a temporary folder and
//! runs the README tour's non-interactive steps through the binary.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use tapecoder::codebook::Codebook;
use tapecoder::coding::{CodebookRef, Coding, Status};
use tapecoder::study::model::{
    AssignmentsFile, CodersFile, Event, FinalRule, JournalEntry, MetadataFile, QueueFile,
    RecordingsFile, Role, StudyConfig,
};

const IDS: [&str; 9] = ["R001", "R002", "R003", "R004", "R005", "R006", "R007", "R008", "R009"];
/// The recordings coded with the handbook (the study's first instrument).
const VISITS: [&str; 6] = ["R001", "R002", "R003", "R004", "R005", "R006"];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> PathBuf {
    repo().join("sample-sessions")
}

/// The public key coders.toml registers for `id`, which is the fictional key of that id.
fn key_of(id: &str) -> tapecoder::identity::PublicKey {
    let coders: CodersFile = load("coders.toml");
    let c = coders.coders.iter().find(|c| c.id == id).expect("registered");
    let key = tapecoder::identity::PublicKey::parse(c.key.as_deref().expect("a key")).expect("key");
    assert_eq!(key, tapecoder::identity::fictional_signer(id).public(), "{id}: fictional key");
    key
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn text(path: &Path) -> String {
    String::from_utf8(read(path)).unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()))
}

fn load<T: DeserializeOwned>(rel: &str) -> T {
    let path = sample().join(rel);
    toml::from_str(&text(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn codebook() -> Codebook {
    let path = repo().join("codebook/handbook.toml");
    tapecoder::codebook::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (key, label) of every domain in the bundled codebook, in codebook order.
fn codebook_domains() -> Vec<(String, String)> {
    codebook().domains.iter().map(|d| (d.key.clone(), d.label.clone())).collect()
}

fn codings() -> Vec<(String, Coding, Vec<u8>)> {
    let mut out = Vec::new();
    for coder in ["ana", "ben"] {
        let dir = sample().join("coders").join(coder).join("codings");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let rel = format!("coders/{coder}/codings/{name}");
            let bytes = read(&sample().join(&rel));
            let coding = Coding::from_toml(std::str::from_utf8(&bytes).expect("UTF-8"), &rel)
                .unwrap_or_else(|e| panic!("{e}"));
            out.push((rel, coding, bytes));
        }
    }
    out
}

#[test]
fn sample_study_files_parse_as_the_contract_types() {
    let study: StudyConfig = load("study.toml");
    assert_eq!(study.schema, tapecoder::study::model::STUDY_SCHEMA, "the per-coder layout");
    for old in ["queues", "codings", "journal"] {
        assert!(!sample().join(old).exists(), "{old}/ of the schema-1 layout is gone");
    }
    assert_eq!(study.name, "Sample study");
    assert_eq!(study.codebook, "../codebook/handbook.toml");
    assert_eq!(
        study.instruments,
        ["../codebook/unit-meeting.toml", "../codebook/mi-fidelity.toml"],
        "the unit meetings and the MI session are coded with the other instruments"
    );
    assert_eq!(study.reliability.tolerance, 1);
    assert_eq!(study.final_scores.rule, FinalRule::Adjudicated);
    assert!(sample().join(&study.codebook).is_file(), "the study's codebook must exist");

    let coders: CodersFile = load("coders.toml");
    let roles: BTreeMap<_, _> = coders.coders.iter().map(|c| (c.id.as_str(), c.role)).collect();
    assert_eq!(roles.get("demo"), Some(&Role::Coder));
    assert_eq!(roles.get("ana"), Some(&Role::Coder));
    assert_eq!(roles.get("ben"), Some(&Role::Coder));
    assert_eq!(roles.get("sup"), Some(&Role::Supervisor));
    assert_eq!(
        coders.coders.iter().find(|c| c.id == "demo").map(|c| c.name.as_str()),
        Some("Demo Coder")
    );

    let recs: RecordingsFile = load("recordings.toml");
    assert_eq!(recs.schema, 1);
    assert_eq!(recs.recordings.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), IDS);
    let mut total = 0;
    let mut exts = BTreeSet::new();
    for r in &recs.recordings {
        let bytes = read(&sample().join(&r.file));
        total += bytes.len();
        assert_eq!(sha256_hex(&bytes), r.sha256, "{}: sha256 in recordings.toml", r.file);
        assert!((100.0..=240.0).contains(&r.duration_s), "{}: 2–4 minutes", r.id);
        assert!(!r.file.contains('\\') && !Path::new(&r.file).is_absolute());
        exts.insert(r.file.rsplit('.').next().unwrap_or_default().to_string());
    }
    assert!(total < 8_500_000, "all sample audio together must stay under 8.5 MB, is {total}");
    let want: BTreeSet<String> =
        ["mp3", "m4a", "ogg", "flac", "wav"].iter().map(|s| s.to_string()).collect();
    assert_eq!(exts, want, "one recording in each supported container");

    let meta: MetadataFile = load("supervisor/metadata.toml");
    assert_eq!(meta.recordings.len(), 9);
    for m in &meta.recordings {
        assert!(m.observer.as_deref().is_none_or(|o| !roles.contains_key(o)), "{}", m.id);
        let arm = m.variables.get("arm").map(String::as_str);
        assert!(matches!(arm, Some("intervention" | "usual-practice")), "{}: arm", m.id);
        assert!(m.variables.contains_key("site") && m.variables.contains_key("worker"));
    }
}

#[test]
fn sample_queues_follow_the_assignments() {
    let asg: AssignmentsFile = load("supervisor/assignments.toml");
    assert_eq!(asg.recordings.len(), 9);
    let double: Vec<_> = asg.recordings.iter().filter(|a| a.double_coded).collect();
    assert_eq!(double.len(), 7, "four visits, two unit meetings and the MI session");
    let primaries: BTreeSet<_> = double.iter().map(|a| a.coders[0].as_str()).collect();
    assert_eq!(primaries, BTreeSet::from(["ana", "ben"]), "ana and ben alternate as primary");
    for a in &asg.recordings {
        assert_eq!(a.coders.last().map(String::as_str), Some("demo"), "{}: demo comes last", a.id);
        let real = &a.coders[..a.coders.len() - 1];
        assert_eq!(real.len(), if a.double_coded { 2 } else { 1 }, "{}", a.id);
    }
    for coder in ["demo", "ana", "ben"] {
        let q: QueueFile = load(&format!("coders/{coder}/queue.toml"));
        assert_eq!(q.coder, coder);
        let expected: Vec<_> = asg
            .recordings
            .iter()
            .filter(|a| a.coders.iter().any(|c| c == coder))
            .map(|a| a.id.clone())
            .collect();
        assert_eq!(q.recordings, expected, "coders/{coder}/queue.toml");
    }
    assert!(!sample().join("coders/demo/codings").exists(), "demo starts untouched");
}

#[test]
fn sample_codings_are_submitted_complete_and_consistent() {
    let recs: RecordingsFile = load("recordings.toml");
    let study = tapecoder::study::Study::open(sample()).unwrap_or_else(|e| panic!("{e}"));
    let list = codings();
    assert_eq!(list.len(), 14, "ana and ben each coded the seven double-coded recordings");
    for (rel, c, _) in &list {
        assert_eq!(rel, &format!("coders/{}/codings/{}.toml", c.coder, c.recording));
        assert_eq!(c.schema, 1);
        assert_eq!(c.status, Status::Submitted, "{rel}");
        assert!(c.submitted_at.is_some(), "{rel}");
        let rec = recs.recordings.iter().find(|r| r.id == c.recording).expect("known recording");
        assert_eq!(c.audio_sha256, rec.sha256, "{rel}: audio_sha256");
        let cb = study.codebook_for(&c.recording);
        let file = if rec.instrument.is_some() {
            format!("codebook/{}.toml", cb.id)
        } else {
            "codebook/handbook.toml".to_string()
        };
        let cb_sha = sha256_hex(&read(&repo().join(file)));
        assert_eq!((&c.codebook.id, &c.codebook.version), (&cb.id, &cb.version), "{rel}");
        assert_eq!(c.codebook.sha256, cb_sha, "{rel}: codebook sha256 (rerun make.sh study)");
        assert_eq!(c.codebook, CodebookRef::of(cb), "{rel}: the reference the app would write");
        for ts in [&c.created_at, &c.updated_at] {
            assert!(ts.ends_with('Z') && ts.len() == 20, "{rel}: RFC 3339 UTC, got {ts}");
        }
        let listened: f64 = c.listened.iter().map(|[a, b]| b - a).sum();
        assert!(listened >= 0.9 * rec.duration_s, "{rel}: listened to {listened} s");
        for w in c.listened.windows(2) {
            assert!(w[0][1] < w[1][0], "{rel}: listened intervals disjoint and sorted");
        }
        // Exactly what the coding screen's submit dialog would have accepted, without warnings.
        let mut before = c.clone();
        before.status = Status::InProgress;
        before.submitted_at = None;
        let check = before.can_submit(cb, rec.duration_s);
        assert!(check.problems.is_empty() && check.warnings.is_empty(), "{rel}: {check:?}");
        for d in &cb.domains {
            if c.scores.contains_key(&d.key) {
                let why = c.rationales.get(&d.key).map(|s| s.trim()).unwrap_or_default();
                assert!(!why.is_empty(), "{rel}: {} has no rationale", d.key);
            }
        }
        for s in &c.segments {
            assert!(0.0 <= s.start_s && s.start_s < s.end_s && s.end_s <= rec.duration_s);
        }
        assert!(!c.notes.is_empty(), "{rel}: a few timestamped notes");
        for n in &c.notes {
            assert!((0.0..=rec.duration_s).contains(&n.at_s), "{rel}: note at {}", n.at_s);
        }
    }
}

#[test]
fn sample_double_codings_give_reliability_and_adjudication_something_to_show() {
    let asg: AssignmentsFile = load("supervisor/assignments.toml");
    let list = codings();
    let by: BTreeMap<_, _> =
        list.iter().map(|(_, c, _)| ((c.recording.as_str(), c.coder.as_str()), c)).collect();
    let (mut cells, mut within, mut two_apart) = (0, 0, 0);
    let mut bc_applicable = BTreeMap::new();
    for a in asg.recordings.iter().filter(|a| a.double_coded && VISITS.contains(&a.id.as_str())) {
        let (p, s) = (&a.coders[0], &a.coders[1]);
        let (cp, cs) = (by[&(a.id.as_str(), p.as_str())], by[&(a.id.as_str(), s.as_str())]);
        for (key, _) in codebook_domains() {
            match (cp.scores.get(&key), cs.scores.get(&key)) {
                (Some(x), Some(y)) => {
                    cells += 1;
                    let d = x.abs_diff(*y);
                    assert!(d <= 2, "{} {key}: {x} vs {y}", a.id);
                    within += usize::from(d <= 1);
                    two_apart += usize::from(d == 2);
                }
                (None, None) => {}
                _ => panic!("{} {key}: scored by one coder only", a.id),
            }
        }
        let bc = |c: &Coding| c.segments.iter().map(|s| (s.start_s, s.end_s)).collect::<Vec<_>>();
        let (bp, bs) = (bc(cp), bc(cs));
        assert_eq!(bp.is_empty(), bs.is_empty(), "{}: both coders agree on bc talk", a.id);
        if let (Some(x), Some(y)) = (bp.first(), bs.first()) {
            assert!(x != y, "{}: the two coders' boundaries differ a little", a.id);
            assert!((x.0 - y.0).abs() < 10.0, "{}: …but only by a few seconds", a.id);
        }
        bc_applicable.insert(a.id.clone(), !bp.is_empty());
    }
    assert!(two_apart >= 2, "at least two cells two points apart, got {two_apart}");
    assert!(within * 10 >= cells * 8, "most cells within tolerance: {within}/{cells}");
    assert!(bc_applicable.values().any(|&b| !b), "one recording has no behaviour-change talk");
}

#[test]
fn sample_journals_chain_and_match_every_submitted_coding() {
    let list = codings();
    let mut submitted: BTreeMap<String, String> = BTreeMap::new();
    let mut actors = BTreeSet::new();
    let journals = [
        ("ana", sample().join("coders/ana/journal.jsonl")),
        ("ben", sample().join("coders/ben/journal.jsonl")),
        ("sup", sample().join("supervisor/journal/sup.jsonl")),
    ];
    for (actor, path) in journals {
        let actor = actor.to_string();
        actors.insert(actor.clone());
        let body = text(&path);
        assert!(body.ends_with('\n'), "{}: every line ends with a newline", path.display());
        let mut prev = "0".repeat(64);
        for (i, line) in body.lines().enumerate() {
            let e: JournalEntry = serde_json::from_str(line)
                .unwrap_or_else(|err| panic!("{}:{}: {err}", path.display(), i + 1));
            assert_eq!(e.seq, i as u64 + 1);
            assert_eq!(e.actor, actor);
            assert_eq!(e.prev, prev, "{}:{}: hash chain", path.display(), i + 1);
            // The exact compact form the study module writes, field order included.
            assert_eq!(serde_json::to_string(&e).expect("serialise"), line);
            if let Event::Submit { file } = e.event {
                submitted.insert(file.path, file.sha256);
            }
            prev = sha256_hex(line.as_bytes());
        }
    }
    assert!(actors.contains("sup"), "the supervisor's setup is journalled");
    assert_eq!(submitted.len(), list.len());
    for (rel, _, bytes) in &list {
        assert_eq!(submitted.get(rel), Some(&sha256_hex(bytes)), "{rel}: journal hash");
    }
}

#[test]
fn sample_transcripts_are_timed_within_their_recordings() {
    let recs: RecordingsFile = load("recordings.toml");
    for r in &recs.recordings {
        let t = text(&sample().join(format!("transcripts/{}.txt", r.id)));
        let mut last_end = 0.0;
        let mut turns = 0;
        let mut speakers = BTreeSet::new();
        for line in t.lines().filter(|l| l.starts_with('[')) {
            let (times, rest) = line[1..].split_once("] ").expect("[a–b] W: text");
            let (a, b) = times.split_once('–').expect("en dash between times");
            let secs = |s: &str| {
                let (m, sec) = s.split_once(':').expect("mm:ss.s");
                m.parse::<f64>().expect("minutes") * 60.0 + sec.parse::<f64>().expect("seconds")
            };
            let (a, b) = (secs(a), secs(b));
            assert!(last_end <= a && a < b && b <= r.duration_s, "{}: {line}", r.id);
            last_end = b;
            turns += 1;
            speakers.insert(rest.split(':').next().unwrap_or_default().to_string());
        }
        assert!(turns >= 20, "{}: {turns} turns", r.id);
        // The transcript is the script as rendered: same turns, same words.
        let script = text(&sample().join(format!("scripts/{}.txt", r.id)));
        let said: Vec<String> = script
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| match (l.find('{'), l.find('}')) {
                // The MI script's behaviour codes (`W{Q,SR}: …`) are not spoken.
                (Some(a), Some(b)) if a < b && a == 1 => format!("{}{}", &l[..a], &l[b + 1..]),
                _ => l.to_string(),
            })
            .collect();
        let said: Vec<&str> = said.iter().map(String::as_str).collect();
        let heard: Vec<&str> = t
            .lines()
            .filter(|l| l.starts_with('['))
            .filter_map(|l| l.split_once("] "))
            .map(|(_, rest)| rest)
            .collect();
        assert_eq!(said, heard, "{}: transcript and script differ: rerun make.sh", r.id);
        let cast = if r.instrument.as_deref() == Some("unit-meeting") {
            vec!["A", "B", "C", "D"]
        } else {
            vec!["P", "W"]
        };
        assert_eq!(speakers, cast.into_iter().map(String::from).collect::<BTreeSet<_>>());
    }
}

#[test]
fn sample_study_opens_with_the_study_module() {
    let study = tapecoder::study::Study::open(sample()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(study.recordings().len(), 9);
    let demo: Vec<_> =
        study.queue("demo").expect("demo's queue").iter().map(|r| r.id.clone()).collect();
    assert_eq!(demo, IDS);
    for r in study.recordings() {
        study.checked_audio_path(r).unwrap_or_else(|e| panic!("{}: {e}", r.id));
    }
    assert_eq!(study.all_codings().expect("codings").len(), 14);
    assert_eq!(study.assignments().expect("assignments").len(), 9);
    assert_eq!(study.metadata().expect("metadata").len(), 9);
    let layout = study.layout();
    let journals = [
        ("ana", layout.journal_file("ana", Role::Coder).expect("path")),
        ("ben", layout.journal_file("ben", Role::Coder).expect("path")),
        ("sup", layout.journal_file("sup", Role::Supervisor).expect("path")),
    ];
    for (actor, path) in journals {
        let (lines, problems) =
            tapecoder::study::journal::read_and_check(&path, actor, Some(&key_of(actor)))
                .expect("journal reads");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!lines.is_empty());
    }
}

// ---- The tour, through the binary, on a copy ------------------------------------------------

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A copy of `sample-sessions/` and `codebook/` side by side, as in the repository.
fn tour_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_dir(&sample(), &tmp.path().join("sample-sessions"));
    copy_dir(&repo().join("codebook"), &tmp.path().join("codebook"));
    let study = tmp.path().join("sample-sessions");
    (tmp, study)
}

fn tapecoder(tmp: &Path, study: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tapecoder").expect("binary");
    cmd.env_remove("TAPECODER_STUDY")
        .env_remove("TAPECODER_CODER")
        .env("HOME", tmp)
        .env("XDG_DATA_HOME", tmp.join("data"))
        .env("XDG_CONFIG_HOME", tmp.join("config"))
        // A copy of the sample elsewhere is not the bundled sample: point at its fictional keys.
        .env("TAPECODER_KEY_DIR", study.join("keys"))
        .arg("--study")
        .arg(study)
        .timeout(Duration::from_secs(60));
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run tapecoder");
    assert!(
        out.status.success(),
        "tapecoder failed: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn tour_verify_passes_on_the_sample_study() {
    let (tmp, study) = tour_copy();
    tapecoder(tmp.path(), &study).arg("verify").assert().success();
}

#[test]
fn tour_probe_agrees_with_recordings_toml() {
    let (tmp, study) = tour_copy();
    let recs: RecordingsFile = load("recordings.toml");
    for r in &recs.recordings {
        let out = stdout_of(
            tapecoder(tmp.path(), &study)
                .args(["probe", "--format", "json"])
                .arg(study.join(&r.file)),
        );
        let v: serde_json::Value = serde_json::from_str(&out).expect("probe --format json");
        let d = v["duration_s"].as_f64().expect("duration_s");
        assert!(
            (d - r.duration_s).abs() <= 0.1,
            "{}: probe {d} s, recordings.toml {}",
            r.id,
            r.duration_s
        );
        assert_eq!(v["channels"].as_u64(), Some(1), "{}: mono", r.id);
    }
}

#[test]
fn tour_status_as_supervisor_lists_every_coder() {
    let (tmp, study) = tour_copy();
    let out = stdout_of(tapecoder(tmp.path(), &study).args(["--as", "sup", "status"]));
    for coder in ["demo", "ana", "ben"] {
        assert!(out.contains(coder), "status mentions {coder}:\n{out}");
    }
}

#[test]
fn tour_reliability_reports_all_seven_domains() {
    let (tmp, study) = tour_copy();
    let out = stdout_of(tapecoder(tmp.path(), &study).args(["--as", "sup", "reliability"]));
    let lower = out.to_lowercase();
    let domains = codebook_domains();
    assert_eq!(domains.len(), 7);
    for (key, label) in domains {
        let found = [key.clone(), key.replace(['_', '-'], " "), label.to_lowercase()]
            .iter()
            .any(|k| !k.is_empty() && lower.contains(k.as_str()));
        assert!(found, "reliability mentions {key} ({label}):\n{out}");
    }
}

#[test]
fn tour_export_final_has_one_row_per_coded_recording() {
    let (tmp, study) = tour_copy();
    let out = stdout_of(tapecoder(tmp.path(), &study).args(["--as", "sup", "export", "final"]));
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().expect("a header row").split(',').collect();
    assert_eq!(header.first(), Some(&"recording"));
    for (key, _) in codebook_domains() {
        assert!(header.contains(&key.as_str()), "export final has a {key} column: {header:?}");
    }
    for col in ["care_and_engagement", "good_authority", "overall_skill", "bc_percent", "source"] {
        assert!(header.contains(&col), "export final has a {col} column: {header:?}");
    }
    for var in ["arm", "site", "worker"] {
        let found = header.iter().any(|h| h.contains(var));
        assert!(found, "study variable {var} is exported: {header:?}");
    }
    let rows: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    // R004 and R006 agree within tolerance, so they have final scores without adjudication.
    for id in ["R004", "R006"] {
        assert!(rows.iter().any(|r| r.starts_with(&format!("{id},"))), "{id} row:\n{out}");
    }
}

/// Step 1 of the tour without the TUI: `demo` codes R006 (the shortest visit) and submits it through
/// the study module, as the coding screen would. The study must still verify, and the supervisor's
/// view must count it without mistaking the training coder for part of the double-coded pair.
#[test]
fn tour_demo_submits_a_coding_and_the_study_still_verifies() {
    let (tmp, dir) = tour_copy();
    let mut study = tapecoder::study::Study::open(&dir).unwrap_or_else(|e| panic!("{e}"));
    // The sample's fictional demo coder's key (the app finds it in the sample's keys/).
    study.add_signer(tapecoder::identity::fictional_signer("demo"));
    let cb = study.codebook().clone();
    let rec = study.require_recording("R006").expect("R006").clone();
    let now = "2026-04-01T10:00:00Z";
    let mut c = Coding::new("R006", "demo", CodebookRef::of(&cb), &rec.sha256, now);
    c.record_listened(0.0, rec.duration_s).expect("listened");
    c.add_segment("behaviour-change", 23.0, 80.0, rec.duration_s).expect("segment");
    for (key, level) in [
        ("empathy", 1),
        ("collaboration", 1),
        ("autonomy", 1),
        ("evocation", 1),
        ("purposefulness", 2),
        ("clarity_about_concerns", 1),
        ("child_focus", 1),
    ] {
        c.set_score(&cb, key, level).unwrap_or_else(|e| panic!("{key}: {e}"));
        c.set_rationale(&cb, key, "Heard in the tour.").expect("rationale");
    }
    c.try_submit(&cb, rec.duration_s, now).unwrap_or_else(|p| panic!("{p:?}"));
    study.submit_coding(&c).unwrap_or_else(|e| panic!("{e}"));

    tapecoder(tmp.path(), &dir).arg("verify").assert().success();
    let out =
        stdout_of(tapecoder(tmp.path(), &dir).args(["--as", "sup", "status", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("status --format json");
    let demo = v["coders"].as_array().and_then(|cs| cs.iter().find(|c| c["coder"] == "demo"));
    assert_eq!(demo.map(|d| d["submitted"].clone()), Some(serde_json::json!(1)), "{out}");
    assert_eq!(v["double_coding"]["pairs"], 7, "{out}");
    assert_eq!(v["double_coding"]["awaiting_adjudication"], 2, "{out}");
}

#[test]
fn sample_keeps_each_coder_in_their_own_folder() {
    // Everything under coders/<id>/ is <id>'s (so folder permissions can keep coders apart), and
    // only supervisors' journals are under supervisor/journal/.
    let coders: CodersFile = load("coders.toml");
    let role = |id: &str| coders.coders.iter().find(|c| c.id == id).map(|c| c.role);
    for entry in std::fs::read_dir(sample().join("coders")).expect("coders/") {
        let dir = entry.expect("entry").path();
        let id = dir.file_name().expect("name").to_string_lossy().into_owned();
        assert_eq!(role(&id), Some(Role::Coder), "coders/{id} is a registered coder");
        let q: QueueFile = load(&format!("coders/{id}/queue.toml"));
        assert_eq!(q.coder, id);
        for e in std::fs::read_dir(&dir).expect("coder folder") {
            let name = e.expect("entry").file_name().to_string_lossy().into_owned();
            assert!(
                ["queue.toml", "codings", "journal.jsonl", "locks", "training"]
                    .contains(&name.as_str()),
                "coders/{id}/{name}"
            );
        }
        if let Ok(journal) = std::fs::read_to_string(dir.join("journal.jsonl")) {
            for line in journal.lines() {
                let e: JournalEntry = serde_json::from_str(line).expect("journal line");
                assert_eq!(e.actor, id);
                let (Event::Submit { file } | Event::Intent { file, .. }) = e.event else {
                    panic!("a coder's journal holds only submits: {line}")
                };
                assert!(file.path.starts_with(&format!("coders/{id}/codings/")));
            }
        }
    }
    for entry in std::fs::read_dir(sample().join("supervisor/journal")).expect("journals") {
        let p = entry.expect("entry").path();
        let id = p.file_stem().expect("name").to_string_lossy().into_owned();
        assert_eq!(role(&id), Some(Role::Supervisor), "{}", p.display());
    }
}

/// The unit meetings (checklist, class derived by the unit-meeting rules) and the MI session
/// (globals and behaviour counts) show every item kind, and the two coders differ where a
/// supervisor would look: R008's class, and a few of R009's counts.
#[test]
fn sample_instruments_give_every_item_kind_something_to_show() {
    let study = tapecoder::study::Study::open(sample()).unwrap_or_else(|e| panic!("{e}"));
    let coding = |coder: &str, rec: &str| {
        study.load_coding(coder, rec).expect("reads").unwrap_or_else(|| panic!("{coder} {rec}"))
    };
    let unit = study.codebook_for("R007");
    assert_eq!(unit.id, "unit-meeting");
    let class = |coder: &str, rec: &str| {
        coding(coder, rec).class_of(unit, "practice").map(|c| c.key.clone()).expect("derived")
    };
    assert_eq!(
        (class("ana", "R007"), class("ben", "R007")),
        ("systemic".into(), "systemic".into())
    );
    assert_eq!(
        (class("ana", "R008"), class("ben", "R008")),
        ("green_shoots".into(), "un_systemic".into()),
        "the coders differ on R008: one feature apart"
    );

    let mi = study.codebook_for("R009");
    assert_eq!(mi.id, "mi-fidelity");
    let (a, b) = (coding("ana", "R009"), coding("ben", "R009"));
    let (ta, tb) = (a.tallies(mi), b.tallies(mi));
    assert_eq!((ta["question"], ta["simple_reflection"], ta["complex_reflection"]), (6, 3, 5));
    assert_eq!(ta["affirm"], 2, "{ta:?}");
    // Ben missed an affirmation and a simple reflection, and heard a complex one as simple.
    assert_eq!(
        (tb["affirm"], tb["simple_reflection"], tb["complex_reflection"]),
        (1, 3, 4),
        "{tb:?}"
    );
    let rq = mi.items.summaries.iter().find(|s| s.key == "reflection_to_question").expect("R:Q");
    let ra = a.summary(mi, rq).expect("questions were asked");
    assert!((ra - 8.0 / 6.0).abs() < 1e-9, "{ra}");
    for c in [&a, &b] {
        assert!(c.events.windows(2).all(|w| w[0].at_s <= w[1].at_s), "events in time order");
        assert!(c.events.iter().all(|e| e.at_s <= study.recording("R009").unwrap().duration_s));
    }
}

#[test]
fn tour_reports_and_exports_one_instrument_at_a_time() {
    let (tmp, study) = tour_copy();
    let mi = stdout_of(tapecoder(tmp.path(), &study).args([
        "--as",
        "sup",
        "reliability",
        "--instrument",
        "mi-fidelity",
    ]));
    for global in ["Partnership", "Empathy"] {
        assert!(mi.contains(global), "{mi}");
    }
    assert!(!mi.contains("Child focus"), "no handbook domain in the MI report:\n{mi}");
    let handbook = stdout_of(tapecoder(tmp.path(), &study).args(["--as", "sup", "reliability"]));
    assert!(!handbook.contains("Partnership"), "{handbook}");
    let fin = stdout_of(tapecoder(tmp.path(), &study).args([
        "--as",
        "sup",
        "export",
        "final",
        "--instrument",
        "mi-fidelity",
    ]));
    let rows: Vec<&str> = fin.lines().collect();
    assert_eq!(rows.len(), 2, "a header and R009:\n{fin}");
    assert!(rows[1].starts_with("R009,"), "{fin}");
    let err = tapecoder(tmp.path(), &study)
        .args(["--as", "sup", "export", "final", "--instrument", "miti"])
        .output()
        .expect("runs");
    assert!(!err.status.success());
    let err = String::from_utf8_lossy(&err.stderr);
    assert!(
        err.contains("the study has no instrument \"miti\"; it has: tapecoder-handbook, unit-meeting, mi-fidelity"),
        "{err}"
    );
}
