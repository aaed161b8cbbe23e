//! End to end: the real binary in tmux (`--no-audio`, 120×40) on a small study built here. Codes a
//! whole recording with the keyboard and submits it (below the listened threshold: `y`, then
//! Enter), then kills the program with SIGKILL in the
//! middle of a second recording and checks that nothing entered before the last second was lost;
//! a restart changes a score, undoes it with `u` and quits: the file has the undone value.
//! The crash loop kills `tapecoder code` with SIGKILL right after each save, 300 times, and checks
//! each restart shows the saved score, then that the study verifies clean with no temp file left.
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
/// The fictional test people's keys (see `tests/keys/README.md`).
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");

fn key(id: &str) -> String {
    tapecoder::identity::fictional_signer(id).public().to_string()
}

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
    let out = Command::new(BIN)
        .env("TAPECODER_KEY_DIR", KEYS)
        .arg("--study")
        .arg(study)
        .args(args)
        .output()
        .unwrap();
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
        .env("TAPECODER_KEY_DIR", KEYS)
        .args(["init"])
        .arg(&study)
        .args(["--name", "E2E study", "--codebook", handbook])
        .output()
        .unwrap();
    assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
    tc(&study, &["coders", "add", "sup", "--name", "Sup", "--role", "supervisor"]);
    tc(&study, &["--as", "sup", "coders", "add", "c1", "--name", "Coder One", "--key", &key("c1")]);
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
        "env TAPECODER_KEY_DIR={KEYS} TAPECODER_KEYS={} TAPECODER_CACHE_DIR={} {BIN} --study {} --as c1 code --no-audio",
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
    // Zoom: `+` narrows the strip around the playhead, `-` widens it; its label says how far.
    t.wait_for("zoom ±15s");
    t.text("+");
    t.wait_for("zoom ±5s");
    t.text("-");
    t.text("-");
    t.wait_for("zoom ±30s");
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
    let dialog = t.wait_for("Ready to submit");
    // Barely listened to: the dialog says how much, and submitting takes y, then Enter.
    assert!(dialog.contains("has been listened to"), "{dialog}");
    t.keys(&["y"]);
    t.wait_for("y typed: Enter submits anyway");
    t.keys(&["Enter"]);
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
    t.kill_session();

    // ---- 4. undo: a score changed and saved, then `u`; the file has the undone value -----------
    t.start("undo", &shell_line(&study, &keys, false));
    t.wait_for("My recordings");
    t.keys(&["Down", "Enter"]);
    t.wait_for("Scores 3/7");
    t.keys(&["BTab", "1"]);
    let start = Instant::now();
    while read_coding(&study, "R002").scores.get("empathy") != Some(&1) {
        assert!(start.elapsed() < Duration::from_secs(10), "the changed score was never saved");
        std::thread::sleep(Duration::from_millis(50));
    }
    t.keys(&["u"]);
    t.wait_for("undid: Empathy 1 → 4");
    t.keys(&["q"]);
    t.wait_for("My recordings");
    t.keys(&["q"]);
    let after = t.wait_for("EXIT=");
    assert!(after.contains("EXIT=0"), "{after}");
    t.kill_session();
    let c = read_coding(&study, "R002");
    assert_eq!(c.scores.get("empathy"), Some(&4), "the undo was saved: {:?}", c.scores);
    assert_eq!(c.scores.len(), 3, "{:?}", c.scores);
}

/// Issue #15 item 2: a transcript attached with the CLI shows beside the coding; `/` searches a
/// phrase, `Enter` on the match jumps the audio to the cue, and `b` / `e` with the pane focused
/// tag a segment snapped to the cue's start and end, as the saved coding file shows.
#[test]
fn transcript_search_jump_and_snap_a_segment() {
    if tmux::skip("tui_e2e_tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let study = build_study(tmp.path());
    let vtt = tmp.path().join("visit.vtt");
    std::fs::write(
        &vtt,
        "WEBVTT\n\n00:02.000 --> 00:06.000\n<v W>Hello, thanks for having me.\n\n\
         00:20.000 --> 00:26.500\n<v P>Worrying about Money, mostly.\n\n\
         00:30.000 --> 00:35.000\n<v W>Let's talk about that.\n",
    )
    .unwrap();
    tc(&study, &["--as", "sup", "transcript", "attach", "R001", vtt.to_str().unwrap()]);
    let keys = tmp.path().join("no-keys.toml");
    let mut t = Tmux::new(&format!("tapecoder-e2e-tr-{}", std::process::id()));
    t.keep_alive();
    t.start("transcript", &shell_line(&study, &keys, false));
    t.wait_for("My recordings");
    t.keys(&["Enter"]);
    // On by default where a transcript exists.
    let s = t.wait_for("Transcript (3)");
    assert!(s.contains("Hello, thanks"), "{s}");
    assert!(!s.contains("visit.vtt"), "the attached file's name is never shown:\n{s}");
    t.text("/");
    t.wait_for("Search the transcript");
    t.text("money");
    t.keys(&["Enter"]);
    t.wait_for("match 1 of 1 at 00:20.0");
    t.keys(&["Enter"]);
    t.wait_for("00:20 / 02:00");
    t.keys(&["b"]);
    t.wait_for("segment from 00:20.0");
    t.keys(&["e"]);
    t.wait_for("Segments (1)");
    t.keys(&["q"]);
    t.wait_for("My recordings");
    t.keys(&["q"]);
    let after = t.wait_for("EXIT=");
    assert!(after.contains("EXIT=0"), "{after}");
    t.kill_session();
    let c = read_coding(&study, "R001");
    let spans: Vec<(f64, f64)> = c.segments.iter().map(|s| (s.start_s, s.end_s)).collect();
    assert_eq!(spans, [(20.0, 26.5)], "snapped to the cue's start and end");
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

// ---- the crash loop: kill -9 right after each save, hundreds of times ----------------------------

/// How many kills the crash loop aims at, and the time it may take at most (on a loaded machine it
/// stops at the time limit, but never with fewer than [`MIN_KILLS`]).
const KILLS: usize = 300;
const MIN_KILLS: usize = 100;
const KILL_LOOP_LIMIT: Duration = Duration::from_secs(90);
/// Coders killed in turn, each in their own tmux session on their own recording: the 300 ms save
/// debounce of one overlaps the restarts of the others.
const PARALLEL: usize = 4;

enum Phase {
    /// Waiting for the restarted app's queue.
    Starting,
    /// Enter sent: waiting for the coding screen with the last saved score.
    Opening,
    /// The score `.0` entered: waiting until the disk has it.
    Saving(u8),
}

/// One coder's app, restarted by its shell each time it is killed.
struct Victim {
    coder: String,
    session: String,
    file: PathBuf,
    shell: u32,
    killed: Option<u32>,
    app: Option<u32>,
    saved: Option<u8>,
    phase: Phase,
    since: Instant,
    round: usize,
}

/// The running `tapecoder` child of `shell` (not the one killed last), once it has exec'd.
fn app_child(shell: u32, killed: Option<u32>) -> Option<u32> {
    let kids = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).ok()?;
    kids.split_whitespace().filter_map(|p| p.parse::<u32>().ok()).find(|p| {
        Some(*p) != killed
            && running(*p)
            && std::fs::read_to_string(format!("/proc/{p}/comm"))
                .is_ok_and(|c| c.trim() == "tapecoder")
    })
}

fn saved_score(file: &Path, domain: &str) -> Option<u8> {
    let text = std::fs::read_to_string(file).ok()?;
    let c: Coding =
        toml::from_str(&text).expect("a saved coding always parses, even after kill -9");
    c.scores.get(domain).copied()
}

/// A study with a supervisor and `n` coders `c1…`, each with a 2-second recording of their own.
fn kill_loop_study(root: &Path, n: usize) -> (PathBuf, Vec<(String, String)>) {
    let study = root.join("study");
    let handbook = concat!(env!("CARGO_MANIFEST_DIR"), "/codebook/handbook.toml");
    let out = Command::new(BIN)
        .env("TAPECODER_KEY_DIR", KEYS)
        .args(["init"])
        .arg(&study)
        .args(["--name", "Kill loop", "--codebook", handbook])
        .output()
        .unwrap();
    assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
    tc(&study, &["coders", "add", "sup", "--name", "Sup", "--role", "supervisor"]);
    let mut wavs = vec![];
    for i in 1..=n {
        let id = format!("c{i}");
        let key = tapecoder::identity::fictional_signer(&id).public().to_string();
        tc(&study, &["--as", "sup", "coders", "add", &id, "--name", "Coder", "--key", &key]);
        let w = root.join(format!("k{i}.wav"));
        write_wav(&w, 2 + i as u32);
        wavs.push(w.display().to_string());
    }
    let mut args = vec!["--as", "sup", "import"];
    args.extend(wavs.iter().map(String::as_str));
    tc(&study, &args);
    let mut s = tapecoder::study::Study::open(&study).unwrap();
    s.add_signer(tapecoder::identity::fictional_signer("sup"));
    let pairs: Vec<(String, String)> = s
        .recordings()
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("c{}", i + 1), r.id.clone()))
        .collect();
    let assignments: Vec<_> = pairs
        .iter()
        .map(|(c, r)| tapecoder::study::model::Assignment {
            id: r.clone(),
            coders: vec![c.clone()],
            double_coded: false,
            window: None,
        })
        .collect();
    s.save_assignments(&assignments, "sup").unwrap();
    (study, pairs)
}

impl Victim {
    /// One look at this app; true when it was killed just now (after its score was on disk).
    fn step(&mut self, t: &Tmux, domain: &str, label: &str) -> bool {
        assert!(
            self.since.elapsed() < Duration::from_secs(15),
            "{} stuck in round {} ({}); screen:\n{}",
            self.coder,
            self.round,
            match self.phase {
                Phase::Starting => "starting".to_string(),
                Phase::Opening => "opening".to_string(),
                Phase::Saving(v) => format!("saving {v}"),
            },
            t.screen_of(&self.session)
        );
        match self.phase {
            Phase::Starting => {
                let Some(pid) = app_child(self.shell, self.killed) else { return false };
                let s = t.screen_of(&self.session);
                if !s.contains("My recordings") {
                    return false;
                }
                // The killed app could not restore the terminal: its frame must not show through.
                assert!(
                    !s.contains("Scores "),
                    "{}: leftovers of the killed app:\n{s}",
                    self.coder
                );
                self.app = Some(pid);
                t.keys_to(&self.session, &["Enter"]);
                self.phase = Phase::Opening;
            }
            Phase::Opening => {
                let s = t.screen_of(&self.session);
                if !s.contains("Scores ") || s.contains("My recordings") {
                    return false;
                }
                // The score saved before the kill, on the screen of the restarted app (a frame
                // caught half drawn is looked at again; a lost score fails after 5 s).
                let (count, row) = match self.saved {
                    Some(v) => (
                        "Scores 1/7",
                        format!("{}{} {v}", "●".repeat(v.into()), "○".repeat(5 - usize::from(v))),
                    ),
                    None => ("Scores 0/7", "····· –".to_string()),
                };
                if !(s.contains(count) && s.lines().any(|l| l.contains(label) && l.contains(&row)))
                {
                    assert!(
                        self.since.elapsed() < Duration::from_secs(5),
                        "{}: round {}: {count} with `{label} {row}` expected (saved before the kill):\n{s}",
                        self.coder,
                        self.round
                    );
                    return false;
                }
                let v = (self.round % 5) as u8 + 1;
                t.keys_to(&self.session, &["BTab", &v.to_string()]);
                self.phase = Phase::Saving(v);
            }
            Phase::Saving(v) => {
                if saved_score(&self.file, domain) != Some(v) {
                    return false;
                }
                let pid = self.app.take().expect("the app's pid");
                let ok = Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
                assert!(ok.success(), "kill -9 {pid}");
                self.killed = Some(pid);
                self.saved = Some(v);
                self.round += 1;
                self.phase = Phase::Starting;
                self.since = Instant::now();
                return true;
            }
        }
        self.since = Instant::now();
        false
    }
}

/// `tapecoder code` for several coders at once, each in a shell that restarts it whenever it
/// dies: each enters a score, waits until the coding file on disk has it, and is killed with
/// SIGKILL at once; restarted, it must show that score, and so on, hundreds of times. Then the
/// study verifies clean and no temp file is left.
#[test]
fn kill_9_right_after_each_save_hundreds_of_times_loses_nothing() {
    if tmux::skip("tui_e2e_tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (study, pairs) = kill_loop_study(tmp.path(), PARALLEL);
    let keys = tmp.path().join("no-keys.toml");
    let stop = tmp.path().join("stop-restarting");
    let book = tapecoder::codebook::load(&study.join("codebook/handbook.toml")).unwrap();
    let (domain, label) = (book.domains[0].key.clone(), book.domains[0].label.clone());
    assert_eq!(book.scale.max, 5, "the dots below assume a 1–5 scale");
    let mut t = Tmux::new(&format!("tapecoder-kill-loop-{}", std::process::id()));
    t.keep_alive();
    let mut victims: Vec<Victim> = pairs
        .iter()
        .map(|(coder, rec)| {
            let run = format!(
                // Restarted whenever it dies; it stops only after a clean quit once the stop file
                // is there (checking the file before each restart raced with the last kill: an
                // app killed just before the file appeared was never started again).
                "until env TAPECODER_KEY_DIR={KEYS} TAPECODER_KEYS={} TAPECODER_CACHE_DIR={} {BIN} --study {} --as {coder} code --no-audio && [ -e {} ]; do :; done",
                keys.display(),
                tmp.path().join("cache").display(),
                study.display(),
                stop.display()
            );
            t.start(&format!("loop-{coder}"), &run);
            Victim {
                coder: coder.clone(),
                session: t.session.clone(),
                file: study.join(format!("coders/{coder}/codings/{rec}.toml")),
                shell: t.pane_pid(),
                killed: None,
                app: None,
                saved: None,
                phase: Phase::Starting,
                since: Instant::now(),
                round: 0,
            }
        })
        .collect();
    let start = Instant::now();
    let mut kills = 0;
    while kills < KILLS && start.elapsed() < KILL_LOOP_LIMIT {
        for v in &mut victims {
            kills += usize::from(v.step(&t, &domain, &label));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let took = start.elapsed();
    eprintln!(
        "kill loop: {kills} kills in {:.1} s ({:.0} ms per kill, {PARALLEL} coders at once)",
        took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / kills.max(1) as f64
    );
    assert!(kills >= MIN_KILLS, "only {kills} kills in {took:?}");
    if kills < KILLS {
        eprintln!("kill loop: stopped at the time limit before {KILLS} kills (a slow machine)");
    }
    // Each app once more: its last score is shown, a new one is saved, and it quits with q q
    // (no restart this time), releasing its lock.
    std::fs::write(&stop, "").unwrap();
    for v in &mut victims {
        while !matches!(v.phase, Phase::Saving(_)) {
            v.step(&t, &domain, &label);
            std::thread::sleep(Duration::from_millis(2));
        }
        let Phase::Saving(last) = v.phase else { unreachable!() };
        let (pid, since) = (v.app.expect("the app's pid"), Instant::now());
        while saved_score(&v.file, &domain) != Some(last) {
            assert!(since.elapsed() < Duration::from_secs(10), "{}: last save", v.coder);
            std::thread::sleep(Duration::from_millis(5));
        }
        t.keys_to(&v.session, &["q"]);
        std::thread::sleep(Duration::from_millis(100));
        t.keys_to(&v.session, &["q"]);
        while running(pid) {
            assert!(
                since.elapsed() < Duration::from_secs(10),
                "{}: still running after q q",
                v.coder
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let locks = study.join(format!("coders/{}/locks", v.coder));
        let left: Vec<_> = std::fs::read_dir(&locks)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "{}: lock left after a clean quit: {left:?}", v.coder);
    }
    drop(t);
    let out = Command::new(BIN)
        .arg("--study")
        .arg(&study)
        .args(["--as", "sup", "verify"])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && text.contains("no problems found"),
        "verify after the kill loop:\n{text}"
    );
    let mut temps = vec![];
    let mut dirs = vec![study.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.to_string_lossy().contains(".tmp-") {
                temps.push(p);
            }
        }
    }
    assert!(temps.is_empty(), "temp files left after the kill loop: {temps:?}");
}

/// The colour parameters of the SGR sequences (`ESC [ … m`) in `s`: foreground and background
/// colours (30–38, 40–48, 90–97, 100–107); resets and attributes (bold, reverse) are not colour.
fn colour_params(s: &str) -> Vec<String> {
    let mut out = vec![];
    for seq in s.split("\u{1b}[").skip(1) {
        let Some(end) = seq.find(|c: char| !(c.is_ascii_digit() || c == ';')) else { continue };
        if !seq[end..].starts_with('m') {
            continue;
        }
        let params = &seq[..end];
        let colour = params
            .split(';')
            .filter_map(|p| p.parse::<u16>().ok())
            .any(|p| matches!(p, 30..=38 | 40..=48 | 90..=97 | 100..=107));
        if colour {
            out.push(params.to_string());
        }
    }
    out
}

/// `NO_COLOR=1` (#11): the real binary sends no colour to a real terminal, on the queue and on the
/// coding screen with its segment glyphs; without it, it does.
#[test]
fn no_color_sends_no_colour_to_the_terminal() {
    if tmux::skip("tui_e2e_tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let study = build_study(tmp.path());
    let keys = tmp.path().join("no-keys.toml");
    let mut t = Tmux::new(&format!("tapecoder-e2e-nc-{}", std::process::id()));
    t.keep_alive();
    let capture = |t: &Tmux| {
        let out = t.cmd().args(["capture-pane", "-p", "-e", "-t", &t.session]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    t.start("colour", &shell_line(&study, &keys, true));
    t.wait_for("My recordings");
    assert!(!colour_params(&capture(&t)).is_empty(), "colour without NO_COLOR");
    t.kill_session();

    t.start("nocolor", &format!("NO_COLOR=1 {}", shell_line(&study, &keys, false)));
    t.wait_for("My recordings");
    assert_eq!(colour_params(&capture(&t)), Vec::<String>::new(), "{}", capture(&t));
    t.keys(&["Enter"]);
    t.wait_for("zoom ±15s");
    t.wait_for("█");
    // A segment from 0:00 to 0:05, drawn with glyphs (░ ▓) instead of a background colour.
    t.keys(&["b", "Right", "e"]);
    t.wait_for("Segments (1)");
    let s = t.wait_for("▓");
    assert_eq!(colour_params(&capture(&t)), Vec::<String>::new(), "{s}");
    t.keys(&["q"]);
    t.wait_for("My recordings");
    t.keys(&["q"]);
    let after = t.wait_for("EXIT=");
    assert!(after.contains("EXIT=0"), "{after}");
    t.kill_session();
}
