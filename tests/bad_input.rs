//! Bad input gets a clear error, a non-zero exit, and changes nothing: each test fingerprints the
//! study folder before and after the failing command.
mod common;

use std::fs;
use std::path::Path;

use common::{fingerprint, study, tc, write_wav};
use predicates::prelude::*;
use predicates::str::contains;
use tapecoder::study::{Study, StudyError};

/// Runs `args` in `sandbox`, expects failure with `needle` in stderr and no raw escape, and checks
/// the study `s` is unchanged.
fn fails_unchanged(sandbox: &Path, args: &[&str], needle: &str) {
    let s = sandbox.join("s");
    let before = fingerprint(&s);
    tc(sandbox)
        .args(args)
        .assert()
        .failure()
        .stderr(contains(needle))
        .stderr(contains("\u{1b}").not());
    assert_eq!(fingerprint(&s), before, "{args:?} changed the study");
}

#[test]
fn malformed_toml_is_located_by_line_and_column() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 0);
    let coders = s.join("coders.toml");
    let good = fs::read_to_string(&coders).unwrap();
    fs::write(&coders, good.replacen("role = \"coder\"", "role = coder", 1)).unwrap();
    let line = good.lines().position(|l| l == "role = \"coder\"").unwrap() + 1;
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "status"],
        &format!("coders.toml:{line}:8: "),
    );
    fs::write(&coders, good).unwrap();

    let st = s.join("study.toml");
    let good = fs::read_to_string(&st).unwrap();
    fs::write(&st, good.replace("fraction = 0.2", "fraction = \"lots\"")).unwrap();
    let line = good.lines().position(|l| l.starts_with("fraction")).unwrap() + 1;
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "status"],
        &format!("study.toml:{line}:12: "),
    );
    // verify reports it too, and still checks the rest.
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "verify"],
        &format!("study.toml:{line}:12"),
    );
    fs::write(&st, good).unwrap();
}

#[test]
fn malformed_coding_file_is_located() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "1"])
        .assert()
        .success();
    fs::create_dir_all(s.join("coders/c1/codings")).unwrap();
    fs::write(
        s.join("coders/c1/codings/R001.toml"),
        "schema = 1\nrecording = \"R001\"\ncoder = [\n",
    )
    .unwrap();
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "c1", "status"],
        "coders/c1/codings/R001.toml:",
    );
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "c1", "verify"],
        "coders/c1/codings/R001.toml:",
    );
}

#[test]
fn ids_with_separators_dots_spaces_or_control_characters_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let _s = study(t.path(), 0);
    for (id, why) in [
        ("a/b", "path separator"),
        ("..", "`..`"),
        ("../x", "`..`"),
        ("a b", "a space"),
        ("a\u{1b}[31m", "escape sequence"),
        ("a\tb", "control character"),
    ] {
        fails_unchanged(
            t.path(),
            &["--study", "s", "--as", "sup", "coders", "add", id, "--name", "X"],
            why,
        );
        fails_unchanged(t.path(), &["--study", "s", "--as", id, "status"], why);
    }
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "coders", "add", "ok", "--name", "\u{1b}[2Jwipe"],
        "control character",
    );
}

#[test]
fn unknown_coder_is_named_with_how_to_add_one() {
    let t = tempfile::tempdir().unwrap();
    let _s = study(t.path(), 0);
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "ghost", "status"],
        "unknown coder \"ghost\"",
    );
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "ghost", "status"],
        "tapecoder coders add ghost",
    );
    let wav = t.path().join("x.wav");
    write_wav(&wav, 1.0, 300.0);
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "import", "--observer", "ghost", wav.to_str().unwrap()],
        "unknown coder \"ghost\"",
    );
}

#[test]
fn moved_or_changed_audio_is_reported() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 2);
    let audio = t.path().join("audio");
    // R001 changes, R002 moves away.
    write_wav(&audio.join("visit0.wav"), 1.0, 999.0);
    fs::rename(audio.join("visit1.wav"), t.path().join("elsewhere.wav")).unwrap();
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "verify"],
        "recording R001: its audio",
    );
    fails_unchanged(t.path(), &["--study", "s", "--as", "sup", "verify"], "changed since import");
    fails_unchanged(t.path(), &["--study", "s", "--as", "sup", "verify"], "R002: its audio");
    fails_unchanged(t.path(), &["--study", "s", "--as", "sup", "verify"], "is missing");

    let st = Study::open(&s).unwrap();
    let r1 = st.recording("R001").unwrap();
    assert!(matches!(st.checked_audio_path(r1), Err(StudyError::AudioChanged { .. })));
    let r2 = st.recording("R002").unwrap();
    assert!(matches!(st.checked_audio_path(r2), Err(StudyError::AudioMissing { .. })));
}

/// A batch with one bad file imports nothing and names that file.
fn bad_batch(bad_name: &str, bad: &dyn Fn(&Path), needle: &str) {
    let t = tempfile::tempdir().unwrap();
    let _s = study(t.path(), 0);
    let good = t.path().join("good.wav");
    write_wav(&good, 1.0, 300.0);
    let badp = t.path().join(bad_name);
    bad(&badp);
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "import", good.to_str().unwrap(), badp.to_str().unwrap()],
        "nothing was imported",
    );
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "import", good.to_str().unwrap(), badp.to_str().unwrap()],
        needle,
    );
}

#[test]
fn import_of_an_empty_file_imports_nothing() {
    bad_batch("empty.wav", &|p| fs::write(p, b"").unwrap(), "empty.wav: the file is empty");
}

#[test]
fn import_of_a_text_file_named_mp3_imports_nothing() {
    bad_batch(
        "notes.mp3",
        &|p| fs::write(p, "these are my notes, not audio\n".repeat(20)).unwrap(),
        "notes.mp3: not a readable audio file",
    );
}

#[test]
fn import_of_a_truncated_wav_imports_nothing() {
    bad_batch(
        "cut.wav",
        &|p| {
            let full = p.with_extension("full");
            write_wav(&full, 2.0, 400.0);
            let bytes = fs::read(&full).unwrap();
            fs::write(p, &bytes[..bytes.len() / 3]).unwrap();
        },
        "cut.wav: the file is truncated",
    );
}

#[test]
fn import_of_a_missing_or_already_registered_file_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let _s = study(t.path(), 1);
    let registered = t.path().join("audio/visit0.wav");
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "import", registered.to_str().unwrap()],
        "already registered as R001",
    );
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "import", "no/such/file.wav"],
        "no/such/file.wav: no such file",
    );
    let wav = t.path().join("x.wav");
    write_wav(&wav, 1.0, 300.0);
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "import", "--meta", "arm", wav.to_str().unwrap()],
        "is not KEY=VALUE",
    );
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "sup", "import", "--meta", "a/b=1", wav.to_str().unwrap()],
        "path separator",
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let t = tempfile::tempdir().unwrap();
    let _s = study(t.path(), 0);
    fails_unchanged(t.path(), &["init", "s"], "the folder is not empty");
    let bad_cb = t.path().join("cb.toml");
    fs::write(&bad_cb, "schema = 1\nid = [\n").unwrap();
    tc(t.path())
        .args(["init", "new", "--codebook", bad_cb.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(contains("cb.toml:"));
    assert!(!t.path().join("new").exists(), "a failed init leaves nothing behind");
}

#[test]
fn a_folder_without_study_toml_is_not_a_study() {
    let t = tempfile::tempdir().unwrap();
    fs::create_dir_all(t.path().join("s")).unwrap();
    fails_unchanged(t.path(), &["--study", "s", "--as", "x", "status"], "is not a study folder");
    fails_unchanged(t.path(), &["--study", "s", "verify"], "is not a study folder");
}

#[test]
fn hand_edited_ids_that_could_escape_the_study_are_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    let recs = s.join("recordings.toml");
    let good = fs::read_to_string(&recs).unwrap();
    fs::write(&recs, good.replace("id = \"R001\"", "id = \"../../R001\"")).unwrap();
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "c1", "status"],
        "recordings.toml:4:6: recording id",
    );
    fails_unchanged(t.path(), &["--study", "s", "--as", "c1", "status"], "contains `..`");
    fs::write(&recs, good).unwrap();

    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "1"])
        .assert()
        .success();
    let q = s.join("coders/c1/queue.toml");
    fs::write(&q, "schema = 1\ncoder = \"c1\"\nrecordings = [\"R001\", \"R999\"]\n").unwrap();
    fails_unchanged(
        t.path(),
        &["--study", "s", "--as", "c1", "status"],
        "recording \"R999\" is not in recordings.toml",
    );
}
