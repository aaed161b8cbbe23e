//! Issue #11's supervisor-side fixes through the binary: `init` defaults, `import` copying audio
//! into the study (a movable study) or leaving it `--in-place` with `[audio] search`, `assign`
//! balancing listening time, `demo --reset` asking, and the hint for an unquoted TOML string.
mod common;

use std::fs;
use std::path::Path;

use common::{fingerprint, study, tc, write_wav};
use predicates::str::contains;
use tapecoder::study::Study;
use tapecoder::study::model::{FinalRule, RecordingsFile, StudyConfig};

fn recordings(s: &Path) -> RecordingsFile {
    toml::from_str(&fs::read_to_string(s.join("recordings.toml")).unwrap()).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn init_writes_the_adjudicated_rule_and_an_empty_audio_search() {
    let t = tempfile::tempdir().unwrap();
    tc(t.path()).args(["init", "s"]).assert().success();
    let text = fs::read_to_string(t.path().join("s/study.toml")).unwrap();
    let config: StudyConfig = toml::from_str(&text).unwrap();
    assert_eq!(config.final_scores.rule, FinalRule::Adjudicated, "{text}");
    assert!(text.contains("rule = \"adjudicated\""), "{text}");
    assert!(text.contains("[audio]") && text.contains("search = []"), "{text}");
}

/// Imported audio is copied into the study's audio/ folder under the recording's id, so the
/// study still plays after it is copied to a folder of another depth.
#[test]
fn import_copies_audio_into_the_study_which_can_then_be_moved() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 3);
    let recs = recordings(&s).recordings;
    let files: Vec<&str> = recs.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(files, ["audio/R001.wav", "audio/R002.wav", "audio/R003.wav"]);
    for r in &recs {
        let copy = fs::read(s.join(&r.file)).unwrap();
        assert_eq!(tapecoder::study::files::sha256_hex(&copy), r.sha256);
    }
    assert!(t.path().join("audio/visit0.wav").is_file(), "the original stays");
    assert!(
        fs::read_dir(s.join("audio")).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with('.')),
        "no temp files left"
    );

    let moved = t.path().join("elsewhere/deeper/study");
    copy_dir(&s, &moved);
    fs::remove_dir_all(t.path().join("audio")).unwrap();
    fs::remove_dir_all(&s).unwrap();
    tc(t.path())
        .arg("--study")
        .arg(&moved)
        .args(["--as", "sup", "verify"])
        .assert()
        .success()
        .stdout(contains("3 audio file(s) present and unchanged"));
    let study = Study::open(&moved).unwrap();
    for r in study.recordings() {
        assert!(study.checked_audio_path(r).is_ok(), "{}", r.id);
    }
}

/// `--in-place` stores the path relative to the study; once the study moves, the file is found
/// again through `[audio] search`, by name or (renamed) by sha256.
#[test]
fn in_place_files_are_found_through_audio_search() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 0);
    let media = t.path().join("media");
    fs::create_dir_all(&media).unwrap();
    write_wav(&media.join("visit.wav"), 1.5, 300.0);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "import", "--in-place", "media/visit.wav"])
        .assert()
        .success();
    assert_eq!(recordings(&s).recordings[0].file, "../media/visit.wav");
    assert!(!s.join("audio").exists(), "nothing copied");

    let moved = t.path().join("a/b/study");
    copy_dir(&s, &moved);
    let study = Study::open(&moved).unwrap();
    let rec = study.recordings()[0].clone();
    let err = study.checked_audio_path(&rec).unwrap_err().to_string();
    assert!(err.contains("is missing") && err.contains("[audio] search"), "{err}");

    let config = fs::read_to_string(moved.join("study.toml"))
        .unwrap()
        .replace("search = []", &format!("search = [{:?}]", media.display().to_string()));
    fs::write(moved.join("study.toml"), config).unwrap();
    let study = Study::open(&moved).unwrap();
    assert_eq!(study.checked_audio_path(&rec).unwrap(), media.join("visit.wav"));
    assert_eq!(study.audio_path(&rec), media.join("visit.wav"));
    fs::rename(media.join("visit.wav"), media.join("renamed.wav")).unwrap();
    write_wav(&media.join("other.wav"), 1.0, 200.0);
    assert_eq!(study.checked_audio_path(&rec).unwrap(), media.join("renamed.wav"), "by sha256");
}

/// A copy that cannot be made imports nothing: no recording registered, no copy left behind.
#[test]
fn a_failed_copy_imports_nothing() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 0);
    for i in 0..2 {
        write_wav(&t.path().join(format!("v{i}.wav")), 1.0, 250.0 + 10.0 * f64::from(i));
    }
    // Something already sits where the second copy would go.
    fs::create_dir_all(s.join("audio/R002.wav")).unwrap();
    let before = fingerprint(&s);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "import", "v0.wav", "v1.wav"])
        .assert()
        .failure()
        .stderr(contains("nothing was imported"))
        .stderr(contains("R002.wav already exists"));
    assert_eq!(fingerprint(&s), before);
}

/// Loads are balanced in listening time: one long recording weighs as much as several short ones.
#[test]
fn assign_balances_listening_time() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 0);
    let secs = [9.0, 8.0, 7.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let mut args: Vec<String> =
        ["--study", "s", "--as", "sup", "import"].iter().map(|x| x.to_string()).collect();
    for (i, d) in secs.iter().enumerate() {
        let p = t.path().join(format!("r{i}.wav"));
        write_wav(&p, *d, 200.0 + 15.0 * i as f64);
        args.push(p.display().to_string());
    }
    tc(t.path()).args(&args).assert().success();
    let out = tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "0"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let study = Study::open(&s).unwrap();
    let mut loads = Vec::new();
    for c in ["c1", "c2", "c3"] {
        let total: f64 = study.queue(c).unwrap().iter().map(|r| r.duration_s).sum();
        loads.push(total);
    }
    let (lo, hi) = loads.iter().fold((f64::MAX, 0.0f64), |(l, h), x| (l.min(*x), h.max(*x)));
    assert!(hi - lo <= 1.0 + 1e-6, "listening time per coder {loads:?}\n{out}");
    assert!(out.contains("0:00:10 of audio") || out.contains("0:00:11 of audio"), "{out}");
}

#[test]
fn demo_reset_asks_and_refuses_without_a_terminal() {
    let t = tempfile::tempdir().unwrap();
    tc(t.path()).arg("demo").assert().success();
    let copy = t.path().join("home/data/tapecoder/sample/sample-sessions");
    fs::write(copy.join("scratch.txt"), "my work").unwrap();
    tc(t.path())
        .args(["demo", "--reset"])
        .assert()
        .failure()
        .stderr(contains("would throw away every change in"))
        .stderr(contains("coding(s)"))
        .stderr(contains("tapecoder demo --reset --yes"));
    assert!(copy.join("scratch.txt").is_file(), "nothing wiped");
    tc(t.path()).args(["demo", "--reset", "-y"]).assert().success().stdout(contains("restored"));
    assert!(!copy.join("scratch.txt").exists());
    // --yes alone means nothing.
    tc(t.path()).args(["demo", "--yes"]).assert().failure();
}

/// An unquoted string is reported with a hint, not only as the TOML parser's "invalid float".
#[test]
fn unquoted_toml_strings_get_a_hint() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    let text = fs::read_to_string(s.join("study.toml")).unwrap();
    fs::write(s.join("study.toml"), text.replace("rule = \"adjudicated\"", "rule = adjudicated"))
        .unwrap();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "status"])
        .assert()
        .failure()
        .stderr(contains("study.toml"))
        .stderr(contains("strings need quotes: write \"adjudicated\""));
    fs::write(s.join("study.toml"), text).unwrap();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "0"])
        .assert()
        .success();
    let holder = ["c1", "c2", "c3"]
        .into_iter()
        .find(|c| {
            fs::read_to_string(s.join(format!("coders/{c}/queue.toml"))).unwrap().contains("R001")
        })
        .unwrap();
    let c = tapecoder::coding::Coding::new(
        "R001",
        holder,
        tapecoder::coding::CodebookRef::of(Study::open(&s).unwrap().codebook()),
        &recordings(&s).recordings[0].sha256,
        "2026-01-01T00:00:00Z",
    );
    let bad = c.to_toml().unwrap().replace("status = \"in_progress\"", "status = in_progress");
    let path = s.join(format!("coders/{holder}/codings/R001.toml"));
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, bad).unwrap();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "export", "codings"])
        .assert()
        .failure()
        .stderr(contains("R001.toml"))
        .stderr(contains("strings need quotes: write \"in_progress\""));
}
