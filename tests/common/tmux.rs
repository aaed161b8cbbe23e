//! The tmux harness the end-to-end TUI tests share (included by path from each `*_e2e*.rs`
//! test): the real binary in a private tmux server, keys in, screen text out; and the binary run
//! to set a study up or check it afterwards (the generated audio is `common::write_wav`).
#![allow(dead_code)]
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_tapecoder");
/// The committed key folder of the fictional test people (see `tests/keys/README.md`).
pub const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");

/// `tapecoder ARGS` with the test people's keys and no study or identity from the environment;
/// its standard output, or a panic with its standard error if it fails.
pub fn tapecoder(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .env("TAPECODER_KEY_DIR", KEYS)
        .env_remove("TAPECODER_STUDY")
        .env_remove("TAPECODER_CODER")
        .args(args)
        .output()
        .expect("run tapecoder");
    assert!(out.status.success(), "tapecoder {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// [`tapecoder`] on the study at `study`.
pub fn tc(study: &Path, args: &[&str]) -> String {
    let study = study.to_str().expect("a UTF-8 temp path");
    tapecoder(&[&["--study", study], args].concat())
}

/// A private tmux server (its own socket), killed when dropped. [`Tmux::keep_alive`] keeps it up
/// with an idle session, so killing the app's session never races with the server shutting down.
pub struct Tmux {
    socket: String,
    pub session: String,
    /// The pause after each key sent with [`Tmux::keys`].
    pub key_delay: Duration,
}

impl Tmux {
    pub fn new(socket: &str) -> Self {
        Tmux {
            socket: socket.to_string(),
            session: String::new(),
            key_delay: Duration::from_millis(60),
        }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    pub fn keep_alive(&self) {
        let ok = self
            .cmd()
            .args(["new-session", "-d", "-s", "keep", "-x", "120", "-y", "40", "sleep 900"])
            .status()
            .expect("tmux runs");
        assert!(ok.success(), "tmux new-session failed");
    }

    pub fn start(&mut self, name: &str, shell_cmd: &str) {
        self.session = name.to_string();
        let ok = self
            .cmd()
            .args(["new-session", "-d", "-s", &self.session, "-x", "120", "-y", "40", shell_cmd])
            .status()
            .expect("tmux runs");
        assert!(ok.success(), "tmux new-session failed");
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let ok = self.cmd().args(["send-keys", "-t", &self.session, k]).status().unwrap();
            assert!(ok.success());
            std::thread::sleep(self.key_delay);
        }
    }

    pub fn text(&self, s: &str) {
        let ok = self.cmd().args(["send-keys", "-t", &self.session, "-l", s]).status().unwrap();
        assert!(ok.success());
        std::thread::sleep(Duration::from_millis(100));
    }

    /// Pastes `s` as a terminal does (bracketed, when the app asked for it).
    pub fn paste(&self, s: &str) {
        let ok = self.cmd().args(["set-buffer", "-b", "qa", s]).status().unwrap();
        assert!(ok.success());
        let ok = self
            .cmd()
            .args(["paste-buffer", "-p", "-d", "-b", "qa", "-t", &self.session])
            .status()
            .unwrap();
        assert!(ok.success());
        std::thread::sleep(Duration::from_millis(100));
    }

    /// The keys to `session`, all in one `send-keys`, without the pause of [`Tmux::keys`].
    pub fn keys_to(&self, session: &str, keys: &[&str]) {
        let ok = self.cmd().args(["send-keys", "-t", session]).args(keys).status().unwrap();
        assert!(ok.success(), "send-keys {keys:?} to {session}");
    }

    /// The text of `session`'s pane.
    pub fn screen_of(&self, session: &str) -> String {
        let out = self.cmd().args(["capture-pane", "-p", "-t", session]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        let out = self.cmd().args(["capture-pane", "-p", "-t", &self.session]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(20) {
                let ls = self.cmd().args(["list-sessions"]).output().unwrap();
                panic!(
                    "timed out waiting for {needle:?} in session {}; sessions:\n{}\nscreen:\n{s}",
                    self.session,
                    String::from_utf8_lossy(&ls.stdout)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Types one score per row of the scores pane (a digit, then Down), from the focused row.
    pub fn scores(&self, scores: &[&str]) {
        for score in scores {
            self.keys(&[score, "Down"]);
        }
    }

    /// Submits the open coding with `--no-audio` (nothing was heard, so the dialog asks for `y`,
    /// then Enter): `ready` and `anyway` are the dialog's two prompts.
    pub fn submit_unheard(&self, ready: &str, anyway: &str) {
        self.keys(&["S"]);
        self.wait_for(ready);
        self.keys(&["y"]);
        self.wait_for(anyway);
        self.keys(&["Enter"]);
    }

    pub fn pane_pid(&self) -> u32 {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", &self.session, "#{pane_pid}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("pane pid")
    }

    /// tmux's view of the pane's terminal modes: (alternate screen, any mouse reporting).
    pub fn modes(&self) -> (bool, bool) {
        let out = self
            .cmd()
            .args([
                "display-message",
                "-p",
                "-t",
                &self.session,
                "#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag}",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let flags: Vec<&str> = text.split_whitespace().collect();
        let on = |i: usize| flags.get(i).is_some_and(|f| *f == "1");
        (on(0), on(1) || on(2) || on(3))
    }

    pub fn kill_session(&self) {
        let _ = self.cmd().args(["kill-session", "-t", &self.session]).status();
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

pub fn tmux_available() -> bool {
    Command::new("tmux").arg("-V").output().map(|o| o.status.success()).unwrap_or(false)
}

/// True when the test must be skipped because tmux is missing (it says so on stderr); panics
/// instead under `TAPECODER_REQUIRE_TOOLS=1`.
pub fn skip(test: &str) -> bool {
    if tmux_available() {
        return false;
    }
    if std::env::var("TAPECODER_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("tmux is required (TAPECODER_REQUIRE_TOOLS=1) but was not found");
    }
    eprintln!("SKIPPED {test}: tmux is not installed");
    true
}
