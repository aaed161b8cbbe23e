//! `keys.toml` mistakes stop `tapecoder code` at start with the file and line, before the terminal
//! is taken (the path is injected with `TAPECODER_KEYS`).
use std::process::Command;

use assert_cmd::prelude::*;
use predicates::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_tapecoder");
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");

fn study(root: &std::path::Path) -> std::path::PathBuf {
    let dir = root.join("s");
    Command::new(BIN)
        .env("TAPECODER_KEY_DIR", KEYS)
        .arg("init")
        .arg(&dir)
        .args(["--name", "K"])
        .assert()
        .success();
    Command::new(BIN)
        .env("TAPECODER_KEY_DIR", KEYS)
        .arg("--study")
        .arg(&dir)
        .args(["coders", "add", "c1", "--name", "C", "--role", "supervisor"])
        .assert()
        .success();
    dir
}

#[test]
fn unknown_action_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = study(tmp.path());
    let keys = tmp.path().join("keys.toml");
    std::fs::write(&keys, "play_pause = \"p\"\nfly_away = \"f\"\n").unwrap();
    Command::new(BIN)
        .env("TAPECODER_KEY_DIR", KEYS)
        .env("TAPECODER_KEYS", &keys)
        .arg("--study")
        .arg(&dir)
        .args(["--as", "c1", "code", "--no-audio"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "{}:2: unknown action `fly_away`",
            keys.display()
        )));
}

#[test]
fn unknown_key_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = study(tmp.path());
    let keys = tmp.path().join("keys.toml");
    std::fs::write(&keys, "# mine\n\nsubmit = [\"S\", \"hyper+s\"]\n").unwrap();
    Command::new(BIN)
        .env("TAPECODER_KEY_DIR", KEYS)
        .env("TAPECODER_KEYS", &keys)
        .arg("--study")
        .arg(&dir)
        .args(["--as", "c1", "code"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!("{}:3: unknown key `hyper+s`", keys.display())));
}
