//! The per-(coder, recording) lock that refuses a second live instance of one coder on one
//! recording, and recovers the lock of a crashed process.
//!
//! The lock is `coders/<coder>/locks/<recording>.lock` (only that coder writes there), holding the
//! holder's pid, host and a heartbeat. It is stale when its pid is no longer alive on the same
//! host, or, for a holder on another host, when the heartbeat is older than [`STALE_AFTER`]. The
//! holder refreshes the heartbeat every [`HEARTBEAT`] on a small background thread, and removes the
//! lock when dropped.
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::StudyError;
use super::files::{atomic_write, injected_fault};

/// A lock held on another host is stale when its heartbeat is older than this.
pub const STALE_AFTER: Duration = Duration::from_secs(30);
/// How often the holder refreshes its heartbeat.
pub const HEARTBEAT: Duration = Duration::from_secs(10);

const HINT: &str = "check that you may write to your own folder (coders/<id>/locks)";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Holder {
    pid: u32,
    host: String,
    /// Unix seconds when the lock was taken.
    started: u64,
    /// Unix seconds of the last heartbeat.
    heartbeat: u64,
    /// Random token telling this holder apart from a later one with the same pid.
    token: String,
}

impl Holder {
    fn describe(&self) -> String {
        format!(
            "process {} on {}, last seen {} s ago",
            self.pid,
            self.host,
            now_secs().saturating_sub(self.heartbeat)
        )
    }
}

/// A held lock. Dropping it stops the heartbeat and removes the lock file.
#[derive(Debug)]
pub struct CodingLock {
    path: PathBuf,
    token: String,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl CodingLock {
    /// Takes the lock at `path` for (coder, recording), or says who holds it.
    pub fn acquire(path: &Path, coder: &str, recording: &str) -> Result<CodingLock, StudyError> {
        Self::acquire_with(path, coder, recording, HEARTBEAT)
    }

    /// As [`CodingLock::acquire`], refreshing the heartbeat every `heartbeat`.
    pub(crate) fn acquire_with(
        path: &Path,
        coder: &str,
        recording: &str,
        heartbeat: Duration,
    ) -> Result<CodingLock, StudyError> {
        let holder = Holder {
            pid: std::process::id(),
            host: hostname(),
            started: now_secs(),
            heartbeat: now_secs(),
            token: token(),
        };
        let bytes = toml::to_string(&holder).map(String::into_bytes).unwrap_or_default();
        for _ in 0..8 {
            match create_new(path, &bytes) {
                Ok(()) => return Ok(CodingLock::start(path, holder, heartbeat)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(StudyError::io(path, "taking the lock", HINT, e)),
            }
            let current = fs::read_to_string(path).ok();
            let parsed = current.as_deref().and_then(|t| toml::from_str::<Holder>(t).ok());
            match &parsed {
                Some(h) if !is_stale(h) => {
                    return Err(StudyError::Locked {
                        coder: coder.to_string(),
                        recording: recording.to_string(),
                        holder: h.describe(),
                        lock_path: path.to_path_buf(),
                    });
                }
                None if !unreadable_is_stale(path) => {
                    // Being written right now (or left half written a moment ago): look again.
                    std::thread::sleep(HALF_WRITTEN / 4);
                    continue;
                }
                _ => take_over_stale(path, current.as_deref())?,
            }
        }
        Err(StudyError::Locked {
            coder: coder.to_string(),
            recording: recording.to_string(),
            holder: "another process keeps taking it".into(),
            lock_path: path.to_path_buf(),
        })
    }

    fn start(path: &Path, holder: Holder, every: Duration) -> CodingLock {
        let (tx, rx) = mpsc::channel::<()>();
        let p = path.to_path_buf();
        let token = holder.token.clone();
        let thread = std::thread::Builder::new()
            .name("tapecoder-lock-heartbeat".into())
            .spawn(move || {
                let mut h = holder;
                while let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(every) {
                    h.heartbeat = now_secs();
                    if still_ours(&p, &h.token)
                        && let Ok(text) = toml::to_string(&h)
                    {
                        let _ = atomic_write(&p, text.as_bytes());
                    }
                }
            })
            .ok();
        CodingLock { path: path.to_path_buf(), token, stop: Some(tx), thread }
    }

    /// Where the lock file is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for CodingLock {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        if still_ours(&self.path, &self.token) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn still_ours(path: &Path, token: &str) -> bool {
    fs::read_to_string(path)
        .ok()
        .and_then(|t| toml::from_str::<Holder>(&t).ok())
        .is_some_and(|h| h.token == token)
}

/// Creates the lock file with its content in one step: the holder is written to a temp file which
/// is then hard-linked to the lock's name (failing if a lock exists), so a lock is never seen empty
/// or half written, even when the process is killed in between. Where hard links are not
/// supported (some shared drives), falls back to create-then-write.
fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = super::files::temp_path(path);
    injected_fault(path)?;
    let linked = OpenOptions::new().write(true).create_new(true).open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::hard_link(&tmp, path)
    });
    let _ = fs::remove_file(&tmp);
    match linked {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(e) if e.kind() == io::ErrorKind::StorageFull => Err(e),
        Err(_) => create_then_write(path, bytes),
        Ok(()) => Ok(()),
    }
}

fn create_then_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    let r = f.write_all(bytes).and_then(|()| f.sync_all());
    if r.is_err() {
        let _ = fs::remove_file(path);
    }
    r
}

/// Moves a stale lock aside, checks it is still the one judged stale, and removes it. If a fresh
/// holder replaced it meanwhile, puts that one back.
fn take_over_stale(path: &Path, judged: Option<&str>) -> Result<(), StudyError> {
    let aside = super::files::temp_path(path);
    match fs::rename(path, &aside) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StudyError::io(path, "removing a stale lock", HINT, e)),
        Ok(()) => {}
    }
    let moved = fs::read_to_string(&aside).ok();
    if moved.as_deref() != judged {
        // Someone took the lock in between: give it back (fails harmlessly if another exists).
        let _ = fs::hard_link(&aside, path);
    }
    let _ = fs::remove_file(&aside);
    Ok(())
}

fn is_stale(h: &Holder) -> bool {
    let silent = now_secs().saturating_sub(h.heartbeat) > STALE_AFTER.as_secs();
    if h.host == hostname() && cfg!(unix) { !pid_alive(h.pid) } else { silent }
}

/// A lock file that is empty or does not parse was left by a crash while it was being created (a
/// lock is written whole, see [`create_new`]; only the create-then-write fallback has a moment in
/// which it is empty): stale once it is older than [`HALF_WRITTEN`].
fn unreadable_is_stale(path: &Path) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_none_or(|age| age > HALF_WRITTEN)
}

/// How long a lock file may be seen empty or unreadable before it is taken as a crash's leftover.
pub const HALF_WRITTEN: Duration = Duration::from_secs(2);

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn token() -> String {
    use rand::Rng;
    format!("{:016x}", rand::rng().random::<u64>())
}

/// Whether a process with this pid is alive on this host.
#[cfg(unix)]
pub(crate) fn pid_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
pub(crate) fn pid_alive(_pid: u32) -> bool {
    // Not used: without a cheap check, a lock on this host also expires by its heartbeat.
    true
}

/// This machine's host name.
pub fn hostname() -> String {
    let name = gethostname::gethostname();
    match name.to_str() {
        Some(n) if !n.is_empty() => n.to_string(),
        Some(_) => "unknown-host".into(),
        None => name.to_string_lossy().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_instance_is_refused_and_drop_releases() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("R001.lock");
        let lock = CodingLock::acquire(&p, "c1", "R001").unwrap();
        let err = CodingLock::acquire(&p, "c1", "R001").unwrap_err().to_string();
        assert!(err.contains("already open for coder c1"), "{err}");
        drop(lock);
        assert!(!p.exists());
        let _again = CodingLock::acquire(&p, "c1", "R001").unwrap();
    }

    #[test]
    fn holder_refreshes_its_heartbeat() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("R001.lock");
        let lock = CodingLock::acquire_with(&p, "c1", "R001", Duration::from_millis(50)).unwrap();
        let mut h: Holder = toml::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
        h.heartbeat = 5;
        fs::write(&p, toml::to_string(&h).unwrap()).unwrap();
        std::thread::sleep(Duration::from_millis(400));
        let h: Holder = toml::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
        assert!(h.heartbeat + 5 >= now_secs(), "heartbeat not refreshed: {h:?}");
        drop(lock);
        assert!(!p.exists());
    }

    #[test]
    fn lock_of_dead_process_is_recovered() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("R001.lock");
        // A pid far above any real one on this host.
        let dead = Holder {
            pid: 0x3fff_fff0,
            host: hostname(),
            started: 1,
            heartbeat: now_secs(),
            token: "dead".into(),
        };
        fs::write(&p, toml::to_string(&dead).unwrap()).unwrap();
        let lock = CodingLock::acquire(&p, "c1", "R001").unwrap();
        assert!(still_ours(&p, &lock.token));
    }

    #[test]
    fn empty_or_garbled_lock_is_recovered_at_once() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("R001.lock");
        for junk in [&b""[..], b"pid = 12\nhost = \"x"] {
            fs::write(&p, junk).unwrap();
            // Left by a killed process: older than a moment.
            let old = SystemTime::now() - Duration::from_secs(5);
            fs::File::options().write(true).open(&p).unwrap().set_modified(old).unwrap();
            let t = std::time::Instant::now();
            let lock = CodingLock::acquire(&p, "c1", "R001").unwrap();
            assert!(t.elapsed() < Duration::from_secs(1), "took {:?}", t.elapsed());
            assert!(still_ours(&p, &lock.token));
            drop(lock);
        }
        // One that appeared just now is waited for briefly, then recovered: never 30 s.
        fs::write(&p, b"").unwrap();
        let t = std::time::Instant::now();
        let _lock = CodingLock::acquire(&p, "c1", "R001").unwrap();
        assert!(t.elapsed() < Duration::from_secs(5), "took {:?}", t.elapsed());
        let names: Vec<_> =
            fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "litter beside the lock: {names:?}");
    }

    #[test]
    fn other_host_lock_expires_by_heartbeat() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("R001.lock");
        let mut other = Holder {
            pid: std::process::id(),
            host: "some-other-host.invalid".into(),
            started: 1,
            heartbeat: now_secs(),
            token: "other".into(),
        };
        fs::write(&p, toml::to_string(&other).unwrap()).unwrap();
        assert!(CodingLock::acquire(&p, "c1", "R001").is_err());
        other.heartbeat = now_secs() - 31;
        fs::write(&p, toml::to_string(&other).unwrap()).unwrap();
        assert!(CodingLock::acquire(&p, "c1", "R001").is_ok());
    }
}
