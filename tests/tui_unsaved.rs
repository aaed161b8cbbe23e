//! Leaving a coding with unsaved changes: the screen waits for the save and closes only once it is
//! confirmed; a failed save (a full disk, a folder that cannot be written) asks before anything is
//! lost (`r` retry, `y` leave and lose them, `n` / Esc stay). The queue screen reads the queue again
//! every few seconds, so new assignments show up, and says when it cannot.
//!
//! First `update` alone, key by key; then the whole runtime loop on a `TestBackend` against a real
//! temporary study (the disk thread's save really fails); then the same on a real full disk (a
//! small tmpfs, which needs root: skipped without, a failure under `TAPECODER_REQUIRE_TOOLS=1`).
mod tui_support;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tapecoder::audio::output::Output;
use tapecoder::identity::fictional_signer;
use tapecoder::study::Study;
use tapecoder::study::model::{Assignment, Coder, Recording, Role};
use tapecoder::tui::coder::dialogs::Dialog;
use tapecoder::tui::coder::worker::{CoderWorker, queue_rows};
use tapecoder::tui::coder::{App, Effect, Job, Msg, Overlay, QUEUE_REFRESH_MS, Screen, update};
use tapecoder::tui::event::Input;
use tapecoder::tui::keys::Keymap;
use tapecoder::tui::runtime::{Clock, Runtime};
use tui_support::*;

fn add_note(a: &mut App, text: &str) {
    update(a, ch('n'));
    typed(a, text);
    update(a, key(KeyCode::Enter));
}

fn leave_dialog(a: &App) -> Option<(&str, bool)> {
    match &a.overlay {
        Some(Overlay::Dialog(Dialog::LeaveUnsaved { reason, quit })) => Some((reason, *quit)),
        _ => None,
    }
}

// ---- update alone -------------------------------------------------------------------------------

#[test]
fn a_note_on_a_full_disk_is_never_lost_by_q() {
    let mut a = coding_app(coding("R001"), 12.0);
    add_note(&mut a, "mother agrees to the plan");
    let fx = update(&mut a, ch('q'));
    assert!(matches!(fx.last(), Some(Effect::Disk(Job::Save(_)))), "{fx:?}");
    assert!(!fx.contains(&Effect::Close), "closed before the save was confirmed: {fx:?}");
    assert!(matches!(a.screen, Screen::Coding(_)));
    // The disk is full.
    let fx = update(&mut a, Msg::Saved(Err("no space left on device".into())));
    assert!(!fx.contains(&Effect::Close), "{fx:?}");
    assert!(matches!(a.screen, Screen::Coding(_)));
    assert_eq!(leave_dialog(&a), Some(("no space left on device", false)));
    let shown = render(&a, 100, 30);
    assert!(shown.contains("NOT saved") && shown.contains("no space"), "{shown}");
    insta::assert_snapshot!("leave_unsaved_dialog", shown);
    // Ticks do not retry behind the coder's back while the question is open.
    assert_eq!(update(&mut a, Msg::Tick(60_000)), vec![]);
    // n stays with the note still there.
    assert_eq!(update(&mut a, ch('n')), vec![]);
    assert_eq!(a.overlay, None);
    assert_eq!(a.coding().map(|c| c.coding.notes.len()), Some(1));
    // q again: another try; this time the disk has room and the screen closes.
    let fx = update(&mut a, ch('q'));
    assert!(matches!(fx.last(), Some(Effect::Disk(Job::Save(_)))), "{fx:?}");
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert!(fx.contains(&Effect::Close), "{fx:?}");
    assert!(matches!(a.screen, Screen::Queue));
}

#[test]
fn the_coder_may_retry_or_knowingly_leave() {
    let mut a = coding_app(coding("R001"), 3.0);
    add_note(&mut a, "x");
    update(&mut a, ch('q'));
    update(&mut a, Msg::Saved(Err("disk full".into())));
    // Other keys leave the question open.
    assert_eq!(update(&mut a, ch('5')), vec![]);
    assert!(leave_dialog(&a).is_some());
    let fx = update(&mut a, ch('r'));
    assert!(matches!(fx.last(), Some(Effect::Disk(Job::Save(_)))), "r retries: {fx:?}");
    assert_eq!(a.overlay, None, "the question closes while the retry is on its way");
    update(&mut a, Msg::Saved(Err("disk full".into())));
    assert!(leave_dialog(&a).is_some(), "a failed retry asks again");
    let fx = update(&mut a, ch('y'));
    assert!(fx.contains(&Effect::Close), "y leaves: {fx:?}");
    assert!(matches!(a.screen, Screen::Queue));
}

#[test]
fn quitting_with_unsaved_work_waits_for_the_save_too() {
    let mut a = coding_app(coding("R001"), 3.0);
    add_note(&mut a, "x");
    let fx = update(&mut a, ctrl('c'));
    assert!(matches!(fx.last(), Some(Effect::Disk(Job::Save(_)))), "{fx:?}");
    assert!(!fx.contains(&Effect::Quit), "{fx:?}");
    update(&mut a, Msg::Saved(Err("disk full".into())));
    assert_eq!(leave_dialog(&a), Some(("disk full", true)));
    assert!(render(&a, 100, 30).contains("y quit and lose them"));
    update(&mut a, key(KeyCode::Esc));
    assert!(!a.quitting);
    assert!(matches!(a.screen, Screen::Coding(_)));
    update(&mut a, ctrl('c'));
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert!(fx.contains(&Effect::Quit), "{fx:?}");
    assert!(a.quitting);
    // SIGTERM or a lost terminal cannot ask: save and go.
    let mut b = coding_app(coding("R001"), 3.0);
    add_note(&mut b, "y");
    let fx = update(&mut b, Msg::Shutdown);
    assert!(
        matches!(fx.first(), Some(Effect::Disk(Job::Save(_)))) && fx.contains(&Effect::Quit),
        "{fx:?}"
    );
}

#[test]
fn edits_while_waiting_are_saved_before_leaving() {
    let mut a = coding_app(coding("R001"), 3.0);
    add_note(&mut a, "first");
    update(&mut a, ch('q'));
    add_note(&mut a, "second, typed while the save was on its way");
    let fx = update(&mut a, Msg::Saved(Ok(())));
    let Some(Effect::Disk(Job::Save(c))) = fx.last() else {
        panic!("the second note is saved first: {fx:?}")
    };
    assert_eq!(c.notes.len(), 2);
    assert!(!fx.contains(&Effect::Close), "{fx:?}");
    let fx = update(&mut a, Msg::Saved(Ok(())));
    assert!(fx.contains(&Effect::Close), "{fx:?}");
}

#[test]
fn nothing_unsaved_closes_at_once() {
    let mut a = coding_app(coding("R001"), 0.0);
    let fx = update(&mut a, ch('q'));
    assert!(fx.contains(&Effect::Close), "{fx:?}");
}

#[test]
fn the_help_names_the_unsaved_changes_keys() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, ch('?'));
    let s = render(&a, 120, 40);
    assert!(s.contains("Leaving (Esc q, Ctrl+C) saves first"), "{s}");
    assert!(
        s.contains("If that save fails: r retry · y leave and lose the changes · n / Esc stay."),
        "{s}"
    );
    // Built from the keymap: a rebound `back` shows its own keys.
    let keymap = Keymap::parse("back = \"ctrl+w\"\n", "keys.toml").unwrap();
    let mut b = App::new(Arc::new(codebook()), keymap, "c1", "Test study", rows());
    update(&mut b, Msg::Resize(120, 40));
    update(&mut b, ch('?'));
    let s = render(&b, 120, 40);
    assert!(s.contains("Leaving (Ctrl+w, Ctrl+C)"), "{s}");
}

#[test]
fn the_queue_is_read_again_and_a_failure_is_said() {
    let mut a = app();
    let fx = update(&mut a, Msg::Tick(QUEUE_REFRESH_MS));
    assert_eq!(fx, vec![Effect::Disk(Job::RefreshQueue)]);
    assert_eq!(update(&mut a, Msg::Tick(QUEUE_REFRESH_MS + 100)), vec![]);
    assert_eq!(
        update(&mut a, Msg::Tick(2 * QUEUE_REFRESH_MS + 1)),
        vec![Effect::Disk(Job::RefreshQueue)]
    );
    update(&mut a, Msg::QueueFailed("recordings.toml:3:1: bad".into()));
    assert!(a.current_notice().is_some_and(|n| n.contains("recordings.toml:3:1")));
    assert!(render(&a, 120, 40).contains("could not be read again: recordings.toml:3:1"));
    // Not while coding: the queue is read when the recording closes.
    let mut c = coding_app(coding("R001"), 0.0);
    assert_eq!(update(&mut c, Msg::Tick(10 * QUEUE_REFRESH_MS)), vec![]);
}

// ---- the whole loop, a real study ---------------------------------------------------------------

const HANDBOOK: &[u8] = include_bytes!("../codebook/handbook.toml");

/// The terminal's text, trailing spaces trimmed.
fn screen(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn wav(path: &Path, seconds: u32) -> String {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..seconds * 8_000 {
        w.write_sample(((i as f32 * 0.07).sin() * 6_000.0) as i16).unwrap();
    }
    w.finalize().unwrap();
    tapecoder::study::files::sha256_hex(&fs::read(path).unwrap())
}

fn recording(dir: &Path, id: &str) -> Recording {
    let file = format!("{id}.wav");
    let sha256 = wav(&dir.join(&file), 4);
    Recording { id: id.to_string(), file, sha256, duration_s: 4.0, instrument: None }
}

fn assign(ids: &[&str]) -> Vec<Assignment> {
    ids.iter()
        .map(|id| Assignment {
            id: id.to_string(),
            coders: vec!["c1".into()],
            double_coded: false,
            window: None,
        })
        .collect()
}

/// Coder `c1` with two short recordings, both assigned to them alone, in `root/study`.
fn coder_study(root: &Path) -> PathBuf {
    let dir = root.join("study");
    let founder = fictional_signer("sup").public();
    Study::create(&dir, "Unsaved test", "handbook.toml", HANDBOOK, 1, Some(&founder)).unwrap();
    let mut s = Study::open(&dir).unwrap();
    for (id, role) in [("sup", Role::Supervisor), ("c1", Role::Coder)] {
        let signer = fictional_signer(id);
        let key = Some(signer.public().to_string());
        s.add_signer(signer);
        s.add_coder(Coder { id: id.into(), name: id.to_uppercase(), role, key }, "sup").unwrap();
    }
    let recs = vec![recording(&dir, "R001"), recording(&dir, "R002")];
    s.add_recordings(recs, vec![], Some("sup")).unwrap();
    s.save_assignments(&assign(&["R001", "R002"]), "sup").unwrap();
    dir
}

type Loop = (Runtime<App>, Terminal<TestBackend>, Arc<AtomicU64>);

/// The coder app on the runtime, a 120×40 test terminal, a hand-set clock.
fn start(dir: &Path) -> Loop {
    let mut study = Study::open(dir).unwrap();
    study.add_signer(fictional_signer("c1"));
    let rows = queue_rows(&study, "c1").unwrap();
    let app =
        App::new(Arc::new(study.codebook().clone()), Keymap::default(), "c1", "Unsaved", rows);
    let worker = CoderWorker::new(Arc::new(study), "c1".into());
    let ms = Arc::new(AtomicU64::new(0));
    let mut rt = Runtime::new(app, worker, Output::silent("silent playback (test)"))
        .unwrap()
        .with_clock(Clock::Manual(Arc::clone(&ms)))
        .with_overview_cache(None);
    rt.frame = Duration::from_millis(2);
    rt.send(Input::Resize(120, 40));
    (rt, Terminal::new(TestBackend::new(120, 40)).unwrap(), ms)
}

fn drive(l: &mut Loop, inputs: impl IntoIterator<Item = Input>) -> String {
    for i in inputs {
        l.0.send(i);
    }
    l.0.settle(&mut l.1).unwrap();
    screen(&l.1)
}

/// Opens R001 and adds a note (not saved yet: the hand-set clock never reaches the debounce).
fn open_and_note(l: &mut Loop, note: &str) {
    drive(l, [key(KeyCode::Enter)]);
    assert!(l.0.app().coding().is_some(), "R001 opens");
    let mut keys = vec![ch('n')];
    keys.extend(note.chars().map(ch));
    keys.push(key(KeyCode::Enter));
    drive(l, keys);
}

fn saved_notes(dir: &Path) -> Vec<String> {
    let s = Study::open(dir).unwrap();
    let c = s.load_coding("c1", "R001").unwrap();
    c.map(|c| c.notes.into_iter().map(|n| n.text).collect()).unwrap_or_default()
}

/// The coder's codings folder made unwritable (even for root): a plain file in its place.
fn break_codings(dir: &Path) -> impl FnOnce() {
    let codings = dir.join("coders/c1/codings");
    let away = dir.join("coders/c1/codings.away");
    if codings.exists() {
        fs::rename(&codings, &away).unwrap();
    } else {
        fs::create_dir_all(&away).unwrap();
    }
    fs::write(&codings, "not a folder").unwrap();
    move || {
        fs::remove_file(&codings).unwrap();
        fs::rename(&away, &codings).unwrap();
    }
}

#[test]
fn a_failed_save_asks_through_the_whole_loop_and_r_retries() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = coder_study(tmp.path());
    let mut l = start(&dir);
    open_and_note(&mut l, "kept through a failed save");
    let repair = break_codings(&dir);
    let shown = drive(&mut l, [ch('q')]);
    assert!(leave_dialog(l.0.app()).is_some_and(|(_, quit)| !quit), "{shown}");
    assert!(shown.contains("Unsaved changes") && shown.contains("NOT saved"), "{shown}");
    assert!(shown.contains("r retry the save · y leave and lose them · n / Esc stay"), "{shown}");
    assert!(l.0.app().coding().is_some(), "still on the coding screen");
    // r: tried again, fails again, asks again.
    let shown = drive(&mut l, [ch('r')]);
    assert!(shown.contains("NOT saved"), "{shown}");
    // n: stays, the note still there.
    let shown = drive(&mut l, [ch('n')]);
    assert!(!shown.contains("NOT saved"), "{shown}");
    assert_eq!(l.0.app().coding().map(|c| c.coding.notes.len()), Some(1));
    // The folder is back: q saves, the save is confirmed, the screen closes.
    repair();
    let shown = drive(&mut l, [ch('q')]);
    assert!(l.0.app().coding().is_none(), "{shown}");
    assert!(shown.contains("My recordings"), "{shown}");
    assert_eq!(saved_notes(&dir), vec!["kept through a failed save".to_string()]);
    let study = Study::open(&dir).unwrap();
    assert!(study.lock_coding("c1", "R001").is_ok(), "the lock is released on leaving");
    drive(&mut l, [ch('q')]);
    assert!(l.0.finish().quitting);
}

#[test]
fn a_failed_save_then_y_leaves_and_ctrl_c_quits_only_when_told() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = coder_study(tmp.path());
    let mut l = start(&dir);
    open_and_note(&mut l, "lost on purpose");
    let repair = break_codings(&dir);
    let ctrl_c = Input::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('c'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    let shown = drive(&mut l, [ctrl_c.clone()]);
    assert_eq!(leave_dialog(l.0.app()).map(|(_, q)| q), Some(true), "{shown}");
    assert!(shown.contains("y quit and lose them"), "{shown}");
    assert!(!l.0.app().quitting);
    // Esc stays; y then quits without the note.
    drive(&mut l, [key(KeyCode::Esc)]);
    assert!(l.0.app().coding().is_some() && !l.0.app().quitting);
    drive(&mut l, [ctrl_c]);
    assert!(leave_dialog(l.0.app()).is_some());
    drive(&mut l, [ch('y')]);
    assert!(l.0.app().quitting, "y quits");
    l.0.finish();
    repair();
    assert!(saved_notes(&dir).is_empty(), "the coder chose to lose the note");
}

#[test]
fn the_queue_picks_up_a_new_assignment_and_says_when_it_cannot_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = coder_study(tmp.path());
    let mut l = start(&dir);
    let shown = drive(&mut l, []);
    assert!(shown.contains("R002") && !shown.contains("R003"), "{shown}");
    // The supervisor imports and assigns R003 while the coder's app is open.
    let mut s = Study::open(&dir).unwrap();
    s.add_signer(fictional_signer("sup"));
    s.add_recordings(vec![recording(&dir, "R003")], vec![], Some("sup")).unwrap();
    s.save_assignments(&assign(&["R001", "R002", "R003"]), "sup").unwrap();
    let shown = drive(&mut l, []);
    assert!(!shown.contains("R003"), "not before the refresh is due: {shown}");
    l.2.store(QUEUE_REFRESH_MS, Ordering::SeqCst);
    let shown = drive(&mut l, []);
    assert!(shown.contains("R003"), "the new recording appears: {shown}");
    assert_eq!(l.0.app().queue.rows.len(), 3);
    // recordings.toml broken: said in the status line, the rows on screen stay.
    fs::write(dir.join("recordings.toml"), "schema = 1\n[[recordings]\n").unwrap();
    l.2.store(2 * QUEUE_REFRESH_MS, Ordering::SeqCst);
    let shown = drive(&mut l, []);
    let notice = l.0.app().current_notice().unwrap_or_default().to_string();
    assert!(notice.contains("could not be read again") && notice.contains("recordings.toml"));
    assert!(shown.contains("could not be read again"), "{shown}");
    assert_eq!(l.0.app().queue.rows.len(), 3, "the rows on screen stay");
    drive(&mut l, [ch('q')]);
    assert!(l.0.finish().quitting);
}

// ---- a real full disk ---------------------------------------------------------------------------

/// A mounted tmpfs, unmounted on drop; `None` (a skip message) where `mount` is not allowed.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            assert!(
                std::env::var("TAPECODER_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "mounting a tmpfs is required (TAPECODER_REQUIRE_TOOLS=1) but `mount -t tmpfs` failed: run as root"
            );
            eprintln!("cannot mount a tmpfs here (not root?): skipping the full-disk TUI test");
            return None;
        }
        Some(Tmpfs(dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

/// Fills the file system holding `dir` to the last byte; returns the filler.
fn fill(dir: &Path) -> PathBuf {
    let p = dir.join("filler");
    let mut f = fs::File::create(&p).unwrap();
    let block = vec![0x55u8; 4096];
    while f.write_all(&block).is_ok() {}
    while f.write_all(&block[..1]).is_ok() {}
    let _ = f.sync_all();
    p
}

#[test]
fn a_full_disk_asks_before_losing_a_note_and_r_saves_once_there_is_room() {
    let Some(fs_) = Tmpfs::mount("4m") else { return };
    let dir = coder_study(fs_.0.path());
    let mut l = start(&dir);
    open_and_note(&mut l, "written on a full disk");
    let filler = fill(fs_.0.path());
    let shown = drive(&mut l, [ch('q')]);
    let reason = leave_dialog(l.0.app()).map(|(r, _)| r.to_lowercase()).unwrap_or_default();
    assert!(reason.contains("no space left"), "{shown}");
    assert!(saved_notes(&dir).is_empty());
    fs::remove_file(filler).unwrap();
    let shown = drive(&mut l, [ch('r')]);
    assert!(l.0.app().coding().is_none(), "saved, then closed: {shown}");
    assert_eq!(saved_notes(&dir), vec!["written on a full disk".to_string()]);
    for e in walk(&dir) {
        assert!(!e.to_string_lossy().contains(".tmp-"), "temp file left: {}", e.display());
    }
    drive(&mut l, [ch('q')]);
    l.0.finish();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}
