//! The append-only, hash-chained journal of one actor: `coders/<id>/journal.jsonl` for a coder,
//! `supervisor/journal/<id>.jsonl` for a supervisor (see [`super::Layout::journal_file`]).
//!
//! Each line is a compact JSON [`JournalEntry`]; `prev` is the sha256 of the previous line's raw
//! bytes (without its newline), 64 zeros for the first, and `seq` counts from 1. A submit or an
//! adjudication line carries the sha256 of the file it saved, so `tapecoder verify` can prove that
//! nothing submitted changed afterwards. Only the actor writes their journal, so no lock is needed.
//! Verification re-hashes the raw line bytes; it never re-serializes.
use std::fs::{self, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::StudyError;
use super::files::{sha256_hex, sync_dir};
use super::model::JournalEntry;

/// `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const HINT: &str = "check the disk has space and that you may write to the journal folder";

/// The current time as RFC 3339 UTC.
pub fn now_rfc3339() -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

/// Appends one event to `path` (the actor's journal), chained to its last line, and fsyncs it.
/// A torn last line (a crash in the middle of an append) is cut off first.
pub fn append(
    path: &Path,
    actor: &str,
    event: &str,
    file: Option<(&str, &str)>,
) -> Result<JournalEntry, StudyError> {
    let err = |e: io::Error| StudyError::io(path, "appending to the journal", HINT, e);
    let created = !path.exists();
    let mut f = OpenOptions::new().read(true).append(true).create(true).open(path).map_err(err)?;
    // Two processes of one actor (two recordings open at once) must not both chain to the same
    // last line: hold an exclusive lock on the journal while reading its tail and appending.
    lock_exclusive(&f);
    let (last, torn_at) = last_line(&mut f).map_err(err)?;
    if let Some(len) = torn_at {
        f.set_len(len).map_err(err)?;
    }
    let (seq, prev) = match &last {
        None => (1, GENESIS.to_string()),
        Some(line) => {
            let entry: JournalEntry = serde_json::from_slice(line).map_err(|e| {
                StudyError::Journal {
                    path: path.to_path_buf(),
                    line: 0,
                    message: format!(
                        "the last line is not a journal entry ({e}); run `tapecoder verify` and restore the journal from a backup"
                    ),
                }
            })?;
            (entry.seq + 1, sha256_hex(line))
        }
    };
    let entry = JournalEntry {
        seq,
        at: now_rfc3339(),
        actor: actor.to_string(),
        event: event.to_string(),
        path: file.map(|(p, _)| p.to_string()),
        sha256: file.map(|(_, s)| s.to_string()),
        prev,
    };
    let mut line = serde_json::to_vec(&entry).map_err(|e| err(io::Error::other(e)))?;
    line.push(b'\n');
    f.write_all(&line).map_err(err)?;
    f.sync_all().map_err(err)?;
    if created && let Some(dir) = path.parent() {
        sync_dir(dir).map_err(err)?;
    }
    Ok(entry)
}

/// Blocks until this process holds an exclusive advisory lock on `f` (released when `f` closes).
/// Where the file system offers no locks, appends go ahead unlocked.
pub(crate) fn lock_exclusive(f: &fs::File) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: flock on a valid, open descriptor; the result is only checked for EINTR.
        while unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } != 0 {
            if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                break;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = f;
}

/// The last complete line of the file (without its newline) and, when the file ends in a torn line
/// (no final newline), the length to truncate to.
fn last_line(f: &mut fs::File) -> io::Result<(Option<Vec<u8>>, Option<u64>)> {
    let len = f.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok((None, None));
    }
    let mut window: u64 = 4096;
    loop {
        let start = len.saturating_sub(window);
        f.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        Read::by_ref(f).take(len - start).read_to_end(&mut buf)?;
        // Drop a torn tail: everything after the last newline.
        let complete_end = buf.iter().rposition(|&b| b == b'\n');
        let torn = match complete_end {
            Some(i) if i + 1 < buf.len() => Some(start + i as u64 + 1),
            None if start == 0 => Some(0),
            _ => None,
        };
        let body = match complete_end {
            Some(i) => buf.get(..i).unwrap_or_default(),
            None if start == 0 => return Ok((None, torn)),
            None => {
                window = window.saturating_mul(4);
                continue;
            }
        };
        match body.iter().rposition(|&b| b == b'\n') {
            Some(j) => return Ok((body.get(j + 1..).map(<[u8]>::to_vec), torn)),
            None if start == 0 => return Ok((Some(body.to_vec()), torn)),
            None => window = window.saturating_mul(4),
        }
    }
}

/// One journal line as read back: its raw bytes' hash and the parsed entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub number: usize,
    pub entry: JournalEntry,
    pub hash: String,
}

/// Reads a journal and checks its chain. Returns the entries that parsed and every problem found
/// (each naming file and line).
pub fn read_and_check(path: &Path, actor: &str) -> Result<(Vec<Line>, Vec<String>), StudyError> {
    let bytes = fs::read(path).map_err(|e| {
        StudyError::io(path, "reading", "check that you may read the journal folder", e)
    })?;
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let mut prev_hash = GENESIS.to_string();
    let mut expected_seq = 1u64;
    let shown = path.display();
    let mut parts: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    } else if !bytes.is_empty() {
        problems.push(format!("{shown}: the last line is incomplete (no final newline)"));
    }
    for (i, raw) in parts.iter().enumerate() {
        let number = i + 1;
        let hash = sha256_hex(raw);
        match serde_json::from_slice::<JournalEntry>(raw) {
            Err(e) => problems.push(format!("{shown}:{number}: not a journal entry: {e}")),
            Ok(entry) => {
                if entry.prev != prev_hash {
                    problems.push(format!(
                        "{shown}:{number}: chain broken: prev is {} but the previous line hashes to {prev_hash}",
                        entry.prev
                    ));
                }
                if entry.seq != expected_seq {
                    problems.push(format!(
                        "{shown}:{number}: seq is {} where {expected_seq} was expected",
                        entry.seq
                    ));
                }
                if entry.actor != actor {
                    problems.push(format!(
                        "{shown}:{number}: actor is {:?} in the journal of {actor:?}",
                        entry.actor
                    ));
                }
                expected_seq = entry.seq.saturating_add(1);
                lines.push(Line { number, entry, hash: hash.clone() });
            }
        }
        prev_hash = hash;
    }
    Ok((lines, problems))
}

/// The journal files present: (actor, path), sorted.
pub fn journals(dir: &Path) -> Result<Vec<(String, PathBuf)>, StudyError> {
    let mut out = Vec::new();
    let rd = match fs::read_dir(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        r => r.map_err(|e| StudyError::io(dir, "listing", "check you may read the folder", e))?,
    };
    for entry in rd.flatten() {
        let p = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(actor) = name.strip_suffix(".jsonl")
            && !name.starts_with('.')
        {
            out.push((actor.to_string(), p));
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_appends_and_verifies() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        let a = append(&p, "c1", "submit", Some(("codings/c1/R001.toml", "ab"))).unwrap();
        assert_eq!((a.seq, a.prev.as_str()), (1, GENESIS));
        let b = append(&p, "c1", "submit", None).unwrap();
        assert_eq!(b.seq, 2);
        let text = fs::read_to_string(&p).unwrap();
        let first = text.lines().next().unwrap();
        assert_eq!(b.prev, sha256_hex(first.as_bytes()));
        let (lines, problems) = read_and_check(&p, "c1").unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].entry.path.as_deref(), Some("codings/c1/R001.toml"));
    }

    #[test]
    fn tampering_is_detected() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        append(&p, "c1", "submit", Some(("x", "aa"))).unwrap();
        append(&p, "c1", "submit", Some(("x", "bb"))).unwrap();
        append(&p, "c1", "submit", Some(("x", "cc"))).unwrap();
        let text = fs::read_to_string(&p).unwrap().replacen("\"aa\"", "\"ab\"", 1);
        fs::write(&p, text).unwrap();
        let (_, problems) = read_and_check(&p, "c1").unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(":2: chain broken"), "{problems:?}");
    }

    #[test]
    fn torn_tail_is_cut_before_appending() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        append(&p, "c1", "submit", None).unwrap();
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"seq\":2,\"at").unwrap();
        drop(f);
        let e = append(&p, "c1", "submit", None).unwrap();
        assert_eq!(e.seq, 2);
        let (lines, problems) = read_and_check(&p, "c1").unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn concurrent_appends_keep_one_chain() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let p = p.clone();
                std::thread::spawn(move || {
                    for _ in 0..15 {
                        append(&p, "c1", "submit", None).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let (lines, problems) = read_and_check(&p, "c1").unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(lines.len(), 60);
    }

    #[test]
    fn long_journals_find_their_last_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        for _ in 0..60 {
            append(&p, "c1", "submit", Some(("codings/c1/R001.toml", &"f".repeat(64)))).unwrap();
        }
        let (lines, problems) = read_and_check(&p, "c1").unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(lines.last().unwrap().entry.seq, 60);
    }
}
