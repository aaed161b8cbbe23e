//! End to end: the real binary in tmux (`--no-audio`, 120×40) on a small study built here. Codes a
//! whole recording with the keyboard and submits it, then kills the program with SIGKILL in the
//! middle of a second recording and checks that nothing entered before the last second was lost.
//!
//! Without tmux the test prints a skip message and passes, unless `TAPECODER_REQUIRE_TOOLS=1`.
#[path = "common/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tapecoder::coding::{Coding, Status};
use tmux::Tmux;

const BIN: &str = env!("CARGO_BIN_EXE_tapecoder");

/// Whether `pid` still runs (a zombie waiting for tmux to reap it has exited).
fn running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

fn write_wav(path: &Path, seconds: u32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..seconds * 8000 {
        let t = i as f32 / 8000.0;
        let env = (t * 0.7).sin().abs();
        w.write_sample(((t * 440.0 * std::f32::consts::TAU).sin() * env * 12000.0) as i16).unwrap();
    }
    w.finalize().unwrap();
}

fn tc(study: &Path, args: &[&str]) {
    let out = Command::new(BIN).arg("--study").arg(study).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "tapecoder {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A study with a supervisor, coder c1 and two recordings, both assigned to c1.
fn build_study(root: &Path) -> PathBuf {
    let study = root.join("study");
    let handbook = concat!(env!("CARGO_MANIFEST_DIR"), "/codebook/handbook.toml");
    let out = Command::new(BIN)
        .args(["init"])
        .arg(&study)
        .args(["--name", "E2E study", "--codebook", handbook])
        .output()
        .unwrap();
    assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
    tc(&study, &["coders", "add", "sup", "--name", "Sup", "--role", "supervisor"]);
    tc(&study, &["--as", "sup", "coders", "add", "c1", "--name", "Coder One"]);
    let a = root.join("one.wav");
    let b = root.join("two.wav");
    write_wav(&a, 120);
    write_wav(&b, 60);
    tc(&study, &["--as", "sup", "import", a.to_str().unwrap(), b.to_str().unwrap()]);
    tc(&study, &["--as", "sup", "assign", "--fraction", "0"]);
    study
}

fn read_coding(study: &Path, rec: &str) -> Coding {
    let path = study.join("coders").join("c1").join("codings").join(format!("{rec}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap()
}

fn shell_line(study: &Path, keys: &Path, exec: bool) -> String {
    let run = format!(
        "env TAPECODER_KEYS={} TAPECODER_CACHE_DIR={} {BIN} --study {} --as c1 code --no-audio",
        keys.display(),
        keys.with_file_name("cache").display(),
        study.display()
    );
    if exec { format!("exec {run}") } else { format!("{run}; echo EXIT=$?; sleep 600") }
}

#[test]
fn code_submit_then_survive_kill_9() {
    if tmux::skip("tui_e2e_tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let study = build_study(tmp.path());
    let keys = tmp.path().join("no-keys.toml");
    let mut t = Tmux::new(&format!("tapecoder-e2e-{}", std::process::id()));
    t.keep_alive();

    // ---- 1. code R001 completely and submit -----------------------------------------------------
    t.start("first", &shell_line(&study, &keys, false));
    t.wait_for("My recordings");
    assert_eq!(t.modes(), (true, true), "alternate screen and mouse capture while running");
    t.keys(&["Enter"]);
    t.wait_for("Timeline");
    // The waveform overview arrives from its worker and is drawn.
    t.wait_for("█");
    t.keys(&["Space"]);
    t.wait_for("playing");
    std::thread::sleep(Duration::from_millis(1200));
    t.keys(&["g"]);
    t.wait_for("Go to time");
    t.text("0:10");
    t.keys(&["Enter"]);
    t.keys(&["b"]);
    t.wait_for("segment from");
    t.keys(&["Right", "Right", "Right"]);
    t.keys(&["e"]);
    t.wait_for("Segments (1)");
    t.keys(&["n"]);
    t.wait_for("Note at");
    // Pasted over two lines: the line break neither saves the note early nor lets the rest
    // ("a change": `a`, Space, `e`…) act as keys.
    t.paste("Parent names\na change");
    t.keys(&["Enter"]);
    t.wait_for("Notes (1)");
    t.keys(&["BTab"]);
    for (i, score) in ["3", "4", "2", "3", "4", "5", "1"].iter().enumerate() {
        t.keys(&[score]);
        if i < 6 {
            t.keys(&["Down"]);
        }
    }
    t.wait_for("Scores 7/7");
    t.keys(&["S"]);
    t.wait_for("Ready to submit");
    t.keys(&["y"]);
    t.wait_for("submitted · read-only");
    t.keys(&["q"]);
    t.wait_for("My recordings");
    let queue = t.screen();
    assert!(queue.contains("submitted ✓"), "{queue}");
    assert!(!queue.contains("one.wav") && !queue.contains("two.wav"), "file names shown:\n{queue}");
    t.keys(&["q"]);
    let after = t.wait_for("EXIT=");
    assert!(after.contains("EXIT=0"), "{after}");
    assert_eq!(t.modes(), (false, false), "the terminal is restored on quit");
    t.kill_session();

    let c = read_coding(&study, "R001");
    assert_eq!(c.status, Status::Submitted);
    assert_eq!(c.scores.len(), 7, "{:?}", c.scores);
    let book = tapecoder::codebook::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/codebook/handbook.toml"
    )))
    .unwrap();
    let entered: Vec<u8> =
        book.domains.iter().filter_map(|d| c.scores.get(&d.key).copied()).collect();
    assert_eq!(entered, vec![3, 4, 2, 3, 4, 5, 1], "in the handbook's domain order");
    assert_eq!(c.segments.len(), 1);
    assert_eq!(c.segments[0].kind, "behaviour-change");
    assert!(c.segments[0].start_s >= 9.0 && c.segments[0].start_s <= 13.0, "{:?}", c.segments);
    assert!(c.segments[0].end_s - c.segments[0].start_s >= 14.0, "{:?}", c.segments);
    assert!(c.bc_share(120.0) > 0.0);
    assert_eq!(c.notes.len(), 1);
    assert_eq!(c.notes[0].text, "Parent names a change", "the pasted note, line break as space");
    assert!(!c.listened.is_empty(), "playback was recorded as listened");

    // ---- 2. start R002, score, wait, kill -9 ----------------------------------------------------
    t.start("killed", &shell_line(&study, &keys, true));
    t.wait_for("My recordings");
    t.keys(&["Down", "Enter"]);
    t.wait_for("R002");
    t.wait_for("Timeline");
    t.keys(&["BTab", "4", "Down", "2"]);
    t.wait_for("Scores 2/7");
    // A second instance of the same coder cannot open the same recording.
    let first = t.session.clone();
    t.start("second", &shell_line(&study, &keys, true));
    t.wait_for("My recordings");
    t.keys(&["Down", "Enter"]);
    t.wait_for("already open");
    t.keys(&["q"]);
    t.session = first;
    std::thread::sleep(Duration::from_millis(1500));
    let pid = t.pane_pid();
    let ok = Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(ok.success());
    std::thread::sleep(Duration::from_millis(300));
    t.kill_session();

    let c = read_coding(&study, "R002");
    assert_eq!(c.status, Status::InProgress);
    let entered: Vec<u8> =
        book.domains.iter().filter_map(|d| c.scores.get(&d.key).copied()).collect();
    assert_eq!(entered, vec![4, 2], "scores entered before the kill survive");

    // ---- 3. restart: the stale lock is recovered and the work is there; SIGTERM still saves ------
    t.start("restarted", &shell_line(&study, &keys, true));
    t.wait_for("My recordings");
    t.keys(&["Down", "Enter"]);
    let s = t.wait_for("Scores 2/7");
    assert!(s.contains("R002"), "{s}");
    t.keys(&["BTab", "Down", "Down", "5"]);
    t.wait_for("Scores 3/7");
    // At once, inside the save debounce: the signal makes it save and quit.
    let pid = t.pane_pid();
    let ok = Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    assert!(ok.success());
    let start = Instant::now();
    while running(pid) {
        assert!(start.elapsed() < Duration::from_secs(10), "still running after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    let c = read_coding(&study, "R002");
    let entered: Vec<u8> =
        book.domains.iter().filter_map(|d| c.scores.get(&d.key).copied()).collect();
    assert_eq!(entered, vec![4, 2, 5]);
}

/// A panic restores the terminal (alternate screen and mouse capture off) before its message is
/// printed, and the coding entered just before it is still saved. Debug builds panic on F12 when
/// `TAPECODER_DEBUG_PANIC_KEY` is set.
#[test]
fn panic_restores_the_terminal_and_keeps_the_work() {
    if tmux::skip("tui_e2e_tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let study = build_study(tmp.path());
    let keys = tmp.path().join("no-keys.toml");
    let mut t = Tmux::new(&format!("tapecoder-panic-{}", std::process::id()));
    t.keep_alive();
    t.start("panic", &format!("TAPECODER_DEBUG_PANIC_KEY=1 {}", shell_line(&study, &keys, false)));
    t.wait_for("My recordings");
    t.keys(&["Enter"]);
    t.wait_for("Timeline");
    t.keys(&["BTab", "2"]);
    t.wait_for("Scores 1/7");
    // At once, inside the save debounce.
    t.keys(&["F12"]);
    let after = t.wait_for("EXIT=");
    assert!(after.contains("deliberate panic"), "the message is visible after restore:\n{after}");
    assert!(after.contains("your work up to that moment was saved"), "{after}");
    assert!(!after.contains("EXIT=0"), "{after}");
    assert_eq!(t.modes(), (false, false), "alternate screen and mouse capture are off");
    let c = read_coding(&study, "R001");
    assert_eq!(c.scores.values().copied().collect::<Vec<_>>(), vec![2]);
}
