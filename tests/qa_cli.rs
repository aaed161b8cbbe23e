//! Supervisor-style checks of the command line found by QA: each test names the bug it guards.
mod common;

use std::path::Path;

use common::{study, tc};

/// The real binary path, for tests that need a raw `std::process::Command`.
fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("tapecoder")
}

/// `tapecoder status | head` used to panic with "failed printing to stdout: Broken pipe": a closed
/// reader must end the command quietly, like any Unix tool.
#[cfg(unix)]
#[test]
fn a_closed_stdout_pipe_ends_quietly_without_a_panic() {
    let t = tempfile::tempdir().unwrap();
    study(t.path(), 2);
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(bin())
        .args(["--study", "s", "--as", "sup", "status", "--format", "json"])
        .env_remove("TAPECODER_STUDY")
        .env_remove("TAPECODER_CODER")
        .env("HOME", t.path().join("home"))
        .current_dir(t.path())
        .stdout(writer)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "stderr: {err}");
    assert!(err.is_empty(), "stderr: {err}");
}

#[allow(dead_code)]
fn unused(_: &Path) {
    let _ = tc;
}
