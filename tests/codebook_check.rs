//! `tapecoder codebook check` through the binary: the bundled handbook passes, and every bad
//! codebook in `tests/invalid_codebooks/` is reported at the right `file:line:col` with a message
//! that says what to fix.
use assert_cmd::Command;
use predicates::prelude::*;

fn tapecoder() -> Command {
    let mut cmd = Command::cargo_bin("tapecoder").expect("binary built");
    cmd.env_remove("TAPECODER_STUDY").env_remove("TAPECODER_CODER");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn bundled_handbook_passes_with_a_summary() {
    tapecoder()
        .args(["codebook", "check", "codebook/handbook.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("tapecoder-handbook 1.0"))
        .stdout(predicate::str::contains("7 domains, 5 levels each"))
        .stderr("");
}

#[test]
fn without_file_checks_the_bundled_handbook() {
    tapecoder()
        .args(["codebook", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("codebook/handbook.toml: ok"));
}

/// Runs `codebook check` on one fixture and returns its stderr, asserting exit status 1 and an
/// empty stdout.
fn check_fails(name: &str) -> String {
    let path = format!("tests/invalid_codebooks/{name}");
    let out = tapecoder().args(["codebook", "check", &path]).assert().code(1).stdout("");
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}

/// Asserts that stderr has a line `tests/invalid_codebooks/NAME:LINE:COL: ...` containing `words`.
fn assert_problem(stderr: &str, name: &str, line: usize, col: usize, words: &[&str]) {
    let prefix = format!("tests/invalid_codebooks/{name}:{line}:{col}: ");
    let found = stderr.lines().find(|l| l.starts_with(&prefix));
    let Some(found) = found else {
        panic!("no problem at {prefix} in:\n{stderr}");
    };
    for w in words {
        assert!(found.contains(w), "{w:?} missing from {found:?}");
    }
}

#[test]
fn syntax_error() {
    let err = check_fails("syntax_error.toml");
    assert_problem(&err, "syntax_error.toml", 4, 15, &["TOML syntax error", "string"]);
    assert!(err.contains("1 problem(s) in tests/invalid_codebooks/syntax_error.toml"), "{err}");
}

#[test]
fn unknown_key() {
    let err = check_fails("unknown_key.toml");
    assert_problem(
        &err,
        "unknown_key.toml",
        28,
        1,
        &["unknown key `colour` in domain `evocation`", "allowed keys are: key, label", "spelling"],
    );
}

#[test]
fn missing_level() {
    let err = check_fails("missing_level.toml");
    assert_problem(
        &err,
        "missing_level.toml",
        30,
        1,
        &["domain `evocation`", "missing the descriptor for level 2", "every level 1..3"],
    );
}

#[test]
fn composite_with_unknown_domain() {
    let err = check_fails("composite_unknown_domain.toml");
    assert_problem(
        &err,
        "composite_unknown_domain.toml",
        38,
        23,
        &["composite `mi` names unknown domain `warmth`", "known domains: empathy, evocation"],
    );
}

#[test]
fn duplicate_domain_key() {
    let err = check_fails("duplicate_domain.toml");
    assert_problem(
        &err,
        "duplicate_domain.toml",
        26,
        7,
        &["duplicate domain key `empathy`", "first defined on line 17"],
    );
}

#[test]
fn unknown_requires_segment() {
    let err = check_fails("unknown_requires_segment.toml");
    assert_problem(
        &err,
        "unknown_requires_segment.toml",
        29,
        20,
        &["segment kind `change-talk`", "not defined", "known kinds: behaviour-change"],
    );
}

#[test]
fn every_problem_is_reported_in_file_order() {
    let name = "several_problems.toml";
    let err = check_fails(name);
    assert_problem(&err, name, 5, 9, &["`title`", "empty"]);
    assert_problem(&err, name, 6, 1, &["unknown key `author`"]);
    assert_problem(&err, name, 11, 1, &["unknown key `step` in [scale]"]);
    assert_problem(&err, name, 26, 1, &["level 4, outside the scale 1..3"]);
    assert_problem(&err, name, 41, 36, &["unknown domain `autonomy`"]);
    assert!(err.contains("5 problem(s)"), "{err}");
    let lines: Vec<usize> =
        err.lines().filter_map(|l| l.split(':').nth(1)).filter_map(|n| n.parse().ok()).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn missing_file_is_a_clear_error() {
    tapecoder()
        .args(["codebook", "check", "tests/invalid_codebooks/does_not_exist.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "cannot read codebook tests/invalid_codebooks/does_not_exist.toml",
        ));
}

#[test]
fn with_study_checks_the_codebook_named_in_study_toml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let handbook = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("codebook/handbook.toml");
    std::fs::create_dir(dir.path().join("cb")).expect("mkdir");
    std::fs::copy(&handbook, dir.path().join("cb/mine.toml")).expect("copy");
    std::fs::write(
        dir.path().join("study.toml"),
        "schema = 1\nname = \"S\"\ncodebook = \"cb/mine.toml\"\n",
    )
    .expect("write");
    tapecoder()
        .args(["codebook", "check", "--study"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("mine.toml: ok"));

    // A broken codebook in the study is reported against its own path.
    std::fs::write(dir.path().join("cb/mine.toml"), "schema = 1\nid = \"x\"\nwhat = 1\n")
        .expect("write");
    tapecoder()
        .args(["codebook", "check", "--study"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("mine.toml:3:1: unknown key `what`"));

    // A study.toml that does not parse names its own file:line:col.
    std::fs::write(dir.path().join("study.toml"), "schema = 1\nname = \"S\"\ncodebok = \"x\"\n")
        .expect("write");
    tapecoder()
        .args(["codebook", "check", "--study"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("study.toml:3:1: unknown field `codebok`"));
}

#[test]
fn hostile_content_never_reaches_the_terminal_raw() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("evil.toml");
    // A TOML escape puts a real ESC into the key; the message must not print it raw.
    std::fs::write(&path, "schema = 1\n\"\\u001b[2Jboom\" = 1\n").expect("write");
    let out = tapecoder().args(["codebook", "check"]).arg(&path).assert().code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(stderr.contains("evil.toml:2:1: unknown key `boom`"), "{stderr}");
}
