//! End to end: the real binary in tmux (`--no-audio`, 120×40) on a small study built here. The
//! supervisor opens the disagreement, gives a final score and its reason, saves, goes back to the
//! list (now adjudicated) and quits; the file is written, the codings are unchanged, and the
//! program exits cleanly with the terminal given back.
//!
//! Without tmux the test prints a skip message and passes, unless `TAPECODER_REQUIRE_TOOLS=1`.
mod tui_adjudication_support;

use std::process::Command;
use std::time::{Duration, Instant};

use tapecoder::study::model::Adjudication;
use tui_adjudication_support::study::{codings_bytes, study};

const BIN: &str = env!("CARGO_BIN_EXE_tapecoder");

/// A private tmux server (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            assert!(self.cmd().args(["send-keys", "-t", "adj", k]).status().unwrap().success());
            std::thread::sleep(Duration::from_millis(80));
        }
    }

    fn text(&self, s: &str) {
        assert!(self.cmd().args(["send-keys", "-t", "adj", "-l", s]).status().unwrap().success());
        std::thread::sleep(Duration::from_millis(100));
    }

    fn screen(&self) -> String {
        let out = self.cmd().args(["capture-pane", "-p", "-t", "adj"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {needle:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn tmux_available() -> bool {
    Command::new("tmux").arg("-V").output().map(|o| o.status.success()).unwrap_or(false)
}

#[test]
fn supervisor_adjudicates_a_recording_with_the_keyboard() {
    if !tmux_available() {
        if std::env::var("TAPECODER_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("tmux is required (TAPECODER_REQUIRE_TOOLS=1) but was not found");
        }
        eprintln!("skipped: tmux not found");
        return;
    }
    let tmp = study();
    let dir = tmp.path().join("study");
    let before = codings_bytes(&dir);
    let cache = tmp.path().join("cache");
    let config = tmp.path().join("config");
    let tmux = Tmux { socket: format!("tapecoder-adj-{}", std::process::id()) };
    let shell = format!(
        "env -u TAPECODER_STUDY -u TAPECODER_CODER TAPECODER_CACHE_DIR='{}' XDG_CONFIG_HOME='{}' \
         '{BIN}' --study '{}' --as sup adjudicate --no-audio; echo EXIT=$?; sleep 60",
        cache.display(),
        config.display(),
        dir.display()
    );
    let ok = tmux
        .cmd()
        .args(["new-session", "-d", "-s", "adj", "-x", "120", "-y", "40", &shell])
        .status()
        .unwrap();
    assert!(ok.success());
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
    tmux.keys(&["Enter", "S"]);
    tmux.wait_for("saved 1 decision(s)");
    tmux.keys(&["q"]);
    tmux.wait_for("yes · 1 decision");
    tmux.keys(&["q"]);
    tmux.wait_for("EXIT=0");

    let text = std::fs::read_to_string(dir.join("supervisor/adjudications/R001.toml")).unwrap();
    let adj: Adjudication = toml::from_str(&text).unwrap();
    assert_eq!(adj.supervisor, "sup");
    let d = &adj.decisions[0];
    assert_eq!((d.domain.as_str(), d.final_score), ("empathy", 3));
    assert_eq!(d.reason, "Warm but interrupts twice");
    assert_eq!(codings_bytes(&dir), before, "the codings are never changed");
    let out = Command::new(BIN).arg("--study").arg(&dir).args(["--as", "sup", "verify"]).output();
    assert!(out.unwrap().status.success());
}
