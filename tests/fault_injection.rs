//! Failure at every write of a supervisor command (a full disk, an unwritable folder, injected with
//! the test-only `TAPECODER_TEST_FAIL_WRITE`) leaves the study exactly as it was and says so; the
//! leftovers of killed processes (temp files, orphan metadata) are cleaned on the next start; bad
//! input (Windows device names, ids differing only in case, non-UTF-8 file names) is refused.
mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{fingerprint, study, tc, write_wav};
use predicates::str::contains;

const FAULT: &str = "TAPECODER_TEST_FAIL_WRITE";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() { copy_dir(&p, &dest) } else { fs::copy(&p, &dest).map(|_| ()).unwrap() }
    }
}

/// The study files (TOML, journals) a command changes or creates, found by running it on a copy.
fn written_by(sandbox: &Path, args: &[&str]) -> Vec<PathBuf> {
    let probe = sandbox.join("probe");
    let _ = fs::remove_dir_all(&probe);
    copy_dir(&sandbox.join("s"), &probe);
    let before = fingerprint(&probe);
    let mut full = vec!["--study", "probe"];
    full.extend_from_slice(args);
    tc(sandbox).args(&full).assert().success();
    let after = fingerprint(&probe);
    let touched: Vec<PathBuf> = after
        .iter()
        .filter(|(p, h)| before.get(*p) != Some(*h) && *h != "dir")
        .map(|(p, _)| p.clone())
        .filter(|p| {
            let s = p.to_string_lossy();
            s.ends_with(".toml") || s.ends_with(".jsonl")
        })
        .collect();
    fs::remove_dir_all(&probe).unwrap();
    touched
}

/// Fails each write of the command in turn: each time the command fails, names the file, says the
/// study is intact, and the study is byte for byte as before; then it succeeds without the fault.
fn every_write_fails_cleanly(sandbox: &Path, args: &[&str], at_least: usize) {
    let touched = written_by(sandbox, args);
    assert!(touched.len() >= at_least, "{args:?} writes {touched:?}");
    let s = sandbox.join("s");
    let before = fingerprint(&s);
    let mut full = vec!["--study", "s"];
    full.extend_from_slice(args);
    for file in &touched {
        let fragment = file.to_string_lossy().replace('\\', "/");
        let out = tc(sandbox).env(FAULT, &fragment).args(&full).assert().failure();
        let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(err.contains("no space left"), "{args:?} with {fragment} failing: {err}");
        assert!(err.contains("intact"), "{args:?} with {fragment} failing: {err}");
        let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(err.contains(&file_name), "the message names {file_name}: {err}");
        assert_eq!(fingerprint(&s), before, "{args:?} with {fragment} failing changed the study");
    }
    tc(sandbox).args(&full).assert().success();
    assert_ne!(fingerprint(&s), before);
}

#[test]
fn assign_is_all_or_nothing_at_every_write() {
    let t = tempfile::tempdir().unwrap();
    study(t.path(), 4);
    // assignments, three queues and the journal line.
    every_write_fails_cleanly(
        t.path(),
        &["--as", "sup", "assign", "--fraction", "0.5", "--seed", "3"],
        5,
    );
}

#[test]
fn import_is_all_or_nothing_at_every_write() {
    let t = tempfile::tempdir().unwrap();
    study(t.path(), 1);
    let wav = t.path().join("new.wav");
    write_wav(&wav, 1.0, 330.0);
    let wav = wav.to_string_lossy().into_owned();
    // metadata, recordings and the journal line.
    every_write_fails_cleanly(
        t.path(),
        &["--as", "sup", "import", &wav, "--observer", "c1", "--meta", "arm=A"],
        3,
    );
}

#[test]
fn coders_add_is_all_or_nothing_at_every_write() {
    let t = tempfile::tempdir().unwrap();
    study(t.path(), 0);
    let k = common::key("c4");
    every_write_fails_cleanly(
        t.path(),
        &["--as", "sup", "coders", "add", "c4", "--name", "D", "--key", &k],
        2,
    );
}

#[test]
fn a_killed_import_leaves_no_metadata_for_the_next_one() {
    use tapecoder::study::Study;
    use tapecoder::study::model::MetadataFile;
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    let meta_path = Study::open(&s).unwrap().layout().metadata_file();
    // As if an import of R002 with observer c1 was killed after writing the metadata only.
    let mut meta: MetadataFile = toml::from_str(&fs::read_to_string(&meta_path).unwrap()).unwrap();
    let mut orphan = tapecoder::study::model::RecordingMeta {
        id: "R002".into(),
        observer: Some("c1".into()),
        ..Default::default()
    };
    orphan.variables.insert("arm".into(), "leaked".into());
    meta.recordings.push(orphan);
    fs::write(&meta_path, toml::to_string(&meta).unwrap()).unwrap();

    let wav = t.path().join("other.wav");
    write_wav(&wav, 1.0, 550.0);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "import"])
        .arg(&wav)
        .assert()
        .success()
        .stdout(contains("imported R002"));
    let text = fs::read_to_string(&meta_path).unwrap();
    assert!(!text.contains("leaked"), "R002 inherited the killed import's metadata: {text}");
    let meta: MetadataFile = toml::from_str(&text).unwrap();
    assert!(meta.recordings.iter().all(|m| m.id != "R002" || m.observer.is_none()), "{text}");
}

#[test]
fn temp_files_of_killed_writers_are_cleaned_on_the_next_start() {
    use tapecoder::study::Study;
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    tc(t.path()).args(["--study", "s", "--as", "sup", "assign"]).assert().success();
    let study = Study::open(&s).unwrap();
    let coder = study.coders().iter().find(|c| c.id != "sup").unwrap().id.clone();
    let rec = study.queue_ids(&coder).unwrap();
    let coder = if rec.is_empty() { "c2".to_string() } else { coder };
    let rec = study.queue_ids(&coder).unwrap().first().cloned().unwrap_or_else(|| "R001".into());
    // A pid far above any real one: its process is gone.
    let codings = study.layout().codings_dir(&coder).unwrap();
    fs::create_dir_all(&codings).unwrap();
    let coder_litter = codings.join(format!(".{rec}.toml.tmp-1073741808-0"));
    let sup_litter = s.join(".coders.toml.tmp-1073741808-3");
    let live = s.join(format!(".recordings.toml.tmp-{}-0", std::process::id()));
    for p in [&coder_litter, &sup_litter, &live] {
        fs::write(p, b"half a file").unwrap();
    }
    // The coder opening a recording cleans their folder.
    let lock = study.lock_coding(&coder, &rec).unwrap();
    assert!(!coder_litter.exists(), "coder's temp file left");
    drop(lock);
    // A supervisor command cleans the study's.
    tc(t.path())
        .args([
            "--study",
            "s",
            "--as",
            "sup",
            "coders",
            "add",
            "c9",
            "--name",
            "N",
            "--key",
            &common::key("c9"),
        ])
        .assert()
        .success();
    assert!(!sup_litter.exists(), "supervisor's temp file left");
    assert!(live.exists(), "a live writer's temp file must stay");
}

#[test]
fn windows_device_names_and_case_twins_are_refused() {
    let t = tempfile::tempdir().unwrap();
    study(t.path(), 0);
    for id in ["con", "NUL", "aux", "prn", "com1", "lpt9", "Com5"] {
        tc(t.path())
            .args([
                "--study",
                "s",
                "--as",
                "sup",
                "coders",
                "add",
                id,
                "--name",
                "X",
                "--key",
                &common::key(id),
            ])
            .assert()
            .failure()
            .stderr(contains("reserved device name"));
    }
    tc(t.path())
        .args([
            "--study",
            "s",
            "--as",
            "sup",
            "coders",
            "add",
            "C1",
            "--name",
            "X",
            "--key",
            &common::key("C1"),
        ])
        .assert()
        .failure()
        .stderr(contains("differs only in case"));
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_refused_at_import() {
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 0);
    let name = std::ffi::OsStr::from_bytes(b"visit-\xff\xfe.wav");
    let wav = t.path().join(name);
    write_wav(&wav, 1.0, 440.0);
    let before = fingerprint(&s);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "import"])
        .arg(&wav)
        .assert()
        .failure()
        .stderr(contains("not valid UTF-8"))
        .stderr(contains("rename it"));
    assert_eq!(fingerprint(&s), before);
}
