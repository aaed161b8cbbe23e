//! End to end: the real binary in tmux (`--no-audio`, 120×40) on a small study built here. The
//! supervisor opens the disagreement, gives a final score and its reason (autosaved as a draft),
//! is asked on leaving unsaved (Enter stays), saves, changes the score (asked about its reason),
//! leaves without saving with `y` and, back on the list (adjudicated), quits; the file is written
//! (with the saved score), the codings are unchanged, and the program exits cleanly with the
//! terminal given back.
//!
//! Without tmux the test prints a skip message and passes, unless `TAPECODER_REQUIRE_TOOLS=1`.
#[path = "common/tmux.rs"]
mod tmux;
mod tui_adjudication_support;

use std::process::Command;
use std::time::Duration;

use tapecoder::study::model::Adjudication;
use tmux::Tmux;
use tui_adjudication_support::study::{codings_bytes, study};

const BIN: &str = env!("CARGO_BIN_EXE_tapecoder");
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");

#[test]
fn supervisor_adjudicates_a_recording_with_the_keyboard() {
    if tmux::skip("tui_adjudication_e2e") {
        return;
    }
    let tmp = study();
    let dir = tmp.path().join("study");
    let before = codings_bytes(&dir);
    let cache = tmp.path().join("cache");
    let config = tmp.path().join("config");
    let mut tmux = Tmux::new(&format!("tapecoder-adj-{}", std::process::id()));
    tmux.key_delay = Duration::from_millis(80);
    let shell = format!(
        "env -u TAPECODER_STUDY -u TAPECODER_CODER TAPECODER_KEY_DIR='{KEYS}' TAPECODER_CACHE_DIR='{}' XDG_CONFIG_HOME='{}' \
         '{BIN}' --study '{}' --as sup adjudicate --no-audio; echo EXIT=$?; sleep 60",
        cache.display(),
        config.display(),
        dir.display()
    );
    tmux.start("adj", &shell);
    let list = tmux.wait_for("Double-coded recordings where the coders disagree");
    assert!(list.contains("R001") && list.contains("Empathy 1↔4"), "{list}");
    assert!(!list.contains("R002") && !list.contains("R003"), "{list}");

    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("Scores — A ann · B ben");
    assert!(screen.contains("ann's reasons") && screen.contains("ben's reasons"), "{screen}");
    // Saving before any reason is refused.
    tmux.keys(&["3", "Escape", "S"]);
    tmux.wait_for("needs a reason");
    assert!(!dir.join("supervisor/adjudications/R001.toml").exists());
    tmux.keys(&["Enter"]);
    tmux.wait_for("Reason — Empathy (final score 3)");
    tmux.text("Warm but interrupts twice");
    tmux.keys(&["Enter"]);
    // The decision is autosaved as a draft, under supervisor/ only.
    let draft = dir.join("supervisor/drafts/R001.toml");
    wait_until(|| draft.is_file(), "the draft is autosaved");
    // Leaving with unsaved decisions asks; Enter stays.
    tmux.keys(&["q"]);
    tmux.wait_for("R001 has decisions that are not saved");
    tmux.keys(&["Enter"]);
    wait_until(|| !tmux.screen().contains("not saved."), "Enter stays on the recording");
    assert!(tmux.screen().contains("Scores — A ann · B ben"));
    tmux.keys(&["S"]);
    tmux.wait_for("saved 1 decision(s)");
    wait_until(|| !draft.exists(), "saving removes the draft");
    // A changed final score asks about its reason; then leaving without saving needs `y`.
    tmux.keys(&["4"]);
    tmux.wait_for("The reason was written for 3");
    tmux.keys(&["k"]);
    wait_until(|| draft.is_file(), "the changed score is autosaved");
    tmux.keys(&["q"]);
    tmux.wait_for("R001 has decisions that are not saved");
    tmux.keys(&["y"]);
    tmux.wait_for("yes · 1 decision");
    wait_until(|| !draft.exists(), "leaving without saving drops the draft");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");

    let text = std::fs::read_to_string(dir.join("supervisor/adjudications/R001.toml")).unwrap();
    let adj: Adjudication = toml::from_str(&text).unwrap();
    assert_eq!(adj.supervisor, "sup");
    let d = &adj.decisions[0];
    assert_eq!((d.domain.as_str(), d.final_score), ("empathy", 3));
    assert_eq!(d.reason, "Warm but interrupts twice");
    assert_eq!(codings_bytes(&dir), before, "the codings are never changed");
    let out = Command::new(BIN)
        .env("TAPECODER_KEY_DIR", KEYS)
        .arg("--study")
        .arg(&dir)
        .args(["--as", "sup", "verify"])
        .output();
    assert!(out.unwrap().status.success());
}

/// Waits (up to 10 s) until `ok` holds.
fn wait_until(ok: impl Fn() -> bool, what: &str) {
    let t0 = std::time::Instant::now();
    while !ok() {
        assert!(t0.elapsed() < Duration::from_secs(10), "timed out: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
