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
use super::model::{Event, JournalEntry};
use crate::identity::{PublicKey, Signer};

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

/// Appends one event to `path` (the journal of `signer`), chained to its last line, signed, and
/// fsynced. A torn last line (a crash in the middle of an append) is cut off first.
pub fn append(path: &Path, signer: &Signer, event: Event) -> Result<JournalEntry, StudyError> {
    let err = |e: io::Error| StudyError::io(path, "appending to the journal", HINT, e);
    let created = !path.exists();
    let f = OpenOptions::new().read(true).append(true).create(true).open(path).map_err(err)?;
    // Two processes of one actor (two recordings open at once) must not both chain to the same
    // last line: hold an exclusive lock on the journal while reading its tail and appending.
    lock_exclusive(&f);
    let mut f = f;
    let (last, torn_at) = last_line(&mut f).map_err(err)?;
    if let Some(len) = torn_at {
        f.set_len(len).map_err(err)?;
    }
    let (seq, prev) = match &last {
        None => (1, GENESIS.to_string()),
        Some(line) => {
            let entry: LegacyEntry = serde_json::from_slice(line).map_err(|e| {
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
    let mut entry = JournalEntry {
        seq,
        at: now_rfc3339(),
        actor: signer.id().to_string(),
        event,
        prev,
        sig: None,
    };
    let mut line = signed_line(&mut entry, signer).map_err(|e| err(io::Error::other(e)))?;
    line.push(b'\n');
    f.write_all(&line).map_err(err)?;
    f.sync_all().map_err(err)?;
    if created && let Some(dir) = path.parent() {
        sync_dir(dir).map_err(err)?;
    }
    Ok(entry)
}

/// The purpose tag of a journal line's signature.
const PURPOSE: &str = "journal-line";

/// The bytes of `entry` as one signed line (no newline): the compact JSON of the entry without
/// `sig`, with `,"sig":"<hex>"` put before its closing brace. The signature is over the JSON
/// without `sig`, so a reader checks it on the raw bytes, never re-serializing.
pub fn signed_line(
    entry: &mut JournalEntry,
    signer: &Signer,
) -> Result<Vec<u8>, serde_json::Error> {
    entry.sig = None;
    let mut body = serde_json::to_vec(&*entry)?;
    let sig = signer.sign(PURPOSE, &body);
    body.pop();
    body.extend_from_slice(format!(",\"sig\":\"{sig}\"}}").as_bytes());
    entry.sig = Some(sig);
    Ok(body)
}

/// Whether a raw line carries a valid signature of `key`.
pub fn signature_valid(raw: &[u8], key: &PublicKey) -> bool {
    const SIG_HEX: usize = 128;
    let tail = SIG_HEX + 10; // ,"sig":"…"}
    if raw.len() < tail + 1 {
        return false;
    }
    let (body, end) = raw.split_at(raw.len() - tail);
    let Some(sig) = end.strip_prefix(b",\"sig\":\"").and_then(|s| s.strip_suffix(b"\"}")) else {
        return false;
    };
    let Ok(sig) = std::str::from_utf8(sig) else { return false };
    let mut signed = body.to_vec();
    signed.push(b'}');
    key.verifies(PURPOSE, &signed, sig)
}

/// Blocks until this process holds an exclusive advisory lock on `f` (released when `f` closes).
/// Where the file system offers no locks, appends go ahead unlocked.
pub(crate) fn lock_exclusive(f: &fs::File) {
    loop {
        match f.lock() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            _ => break,
        }
    }
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
    /// The line's bytes, without its newline (what its signature covers).
    pub raw: Vec<u8>,
    /// Written before signed identities (a schema-1 line: string event, no signature).
    pub legacy: bool,
}

/// What every line, old or new, has: enough to chain the next one.
#[derive(serde::Deserialize)]
struct LegacyEntry {
    seq: u64,
}

/// A schema-1 line (`"event":"submit"`, `path`, `sha256`, no `sig`) as an entry: submits and
/// adjudications keep their file; every other event becomes [`Event::Legacy`].
fn legacy(raw: &[u8]) -> Option<JournalEntry> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Old {
        seq: u64,
        at: String,
        actor: String,
        event: String,
        path: Option<String>,
        sha256: Option<String>,
        prev: String,
    }
    let o: Old = serde_json::from_slice(raw).ok()?;
    let file = o.path.zip(o.sha256).map(|(p, s)| super::model::FileHash::new(p, s));
    let event = match (o.event.as_str(), file) {
        ("submit", Some(file)) => Event::Submit { file },
        ("adjudicate", Some(file)) => Event::Adjudicate { file },
        _ => Event::Legacy { event: o.event },
    };
    Some(JournalEntry { seq: o.seq, at: o.at, actor: o.actor, event, prev: o.prev, sig: None })
}

/// Reads a journal and checks its chain and, when `key` is given, every line's signature by that
/// key. Returns the entries that parsed and every problem found (each naming file and line).
pub fn read_and_check(
    path: &Path,
    actor: &str,
    key: Option<&PublicKey>,
) -> Result<(Vec<Line>, Vec<String>), StudyError> {
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
        let parsed = serde_json::from_slice::<JournalEntry>(raw).map(|e| (e, false));
        let parsed = parsed.or_else(|e| legacy(raw).map(|l| (l, true)).ok_or(e));
        match parsed {
            Err(e) => problems.push(format!("{shown}:{number}: not a journal entry: {e}")),
            Ok((entry, is_legacy)) => {
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
                if let Some(key) = key
                    && !is_legacy
                    && !signature_valid(raw, key)
                {
                    problems.push(format!(
                        "{shown}:{number}: bad signature: the line was not signed by {actor}'s registered key (forged or edited); restore the journal from a backup"
                    ));
                }
                expected_seq = entry.seq.saturating_add(1);
                lines.push(Line {
                    number,
                    entry,
                    hash: hash.clone(),
                    raw: raw.to_vec(),
                    legacy: is_legacy,
                });
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
    use crate::identity::fictional_signer;
    use crate::study::model::FileHash;

    fn submit(path: &str, sha: &str) -> Event {
        Event::Submit { file: FileHash::new(path, sha) }
    }
    fn assign() -> Event {
        Event::Assign { file: FileHash::new("supervisor/assignments.toml", "00") }
    }

    #[test]
    fn chain_appends_and_verifies() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        let c1 = fictional_signer("c1");
        let a = append(&p, &c1, submit("codings/c1/R001.toml", "ab")).unwrap();
        assert_eq!((a.seq, a.prev.as_str()), (1, GENESIS));
        let b = append(&p, &c1, assign()).unwrap();
        assert_eq!(b.seq, 2);
        let text = fs::read_to_string(&p).unwrap();
        let first = text.lines().next().unwrap();
        assert_eq!(b.prev, sha256_hex(first.as_bytes()));
        let (lines, problems) = read_and_check(&p, "c1", Some(&c1.public())).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].entry.event, submit("codings/c1/R001.toml", "ab"));
    }

    #[test]
    fn tampering_is_detected() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        let c1 = fictional_signer("c1");
        append(&p, &c1, submit("x", "aa")).unwrap();
        append(&p, &c1, submit("x", "bb")).unwrap();
        append(&p, &c1, submit("x", "cc")).unwrap();
        let text = fs::read_to_string(&p).unwrap().replacen("\"aa\"", "\"ab\"", 1);
        fs::write(&p, text).unwrap();
        let (_, problems) = read_and_check(&p, "c1", Some(&c1.public())).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains(":1: bad signature"), "{problems:?}");
        assert!(problems[1].contains(":2: chain broken"), "{problems:?}");
    }

    #[test]
    fn lines_signed_by_another_key_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        let c1 = fictional_signer("c1");
        append(&p, &c1, submit("x", "aa")).unwrap();
        // Someone else appends a correctly chained line "as c1", signed with their own key.
        let forger = Signer::new("c1", crate::identity::fictional("mallory"));
        append(&p, &forger, submit("x", "bb")).unwrap();
        let (lines, problems) = read_and_check(&p, "c1", Some(&c1.public())).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(":2: bad signature"), "{problems:?}");
        // The signature covers every field: an unsigned or re-dated line fails too.
        let text = fs::read_to_string(&p).unwrap();
        let first = text.lines().next().unwrap();
        assert!(signature_valid(first.as_bytes(), &c1.public()));
        let redated = first.replacen("\"seq\":1", "\"seq\":01", 1);
        assert!(!signature_valid(redated.as_bytes(), &c1.public()));
        let cut = &first[..first.find(",\"sig\"").unwrap()];
        assert!(!signature_valid(format!("{cut}}}").as_bytes(), &c1.public()));
    }

    #[test]
    fn torn_tail_is_cut_before_appending() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        let c1 = fictional_signer("c1");
        append(&p, &c1, assign()).unwrap();
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"{\"seq\":2,\"at").unwrap();
        drop(f);
        let e = append(&p, &c1, assign()).unwrap();
        assert_eq!(e.seq, 2);
        let (lines, problems) = read_and_check(&p, "c1", Some(&c1.public())).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn concurrent_appends_keep_one_chain() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        let c1 = fictional_signer("c1");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let p = p.clone();
                let c1 = c1.clone();
                std::thread::spawn(move || {
                    for _ in 0..15 {
                        append(&p, &c1, assign()).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let (lines, problems) = read_and_check(&p, "c1", Some(&c1.public())).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(lines.len(), 60);
    }

    #[test]
    fn long_journals_find_their_last_line() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("c1.jsonl");
        let c1 = fictional_signer("c1");
        for _ in 0..60 {
            append(&p, &c1, submit("codings/c1/R001.toml", &"f".repeat(64))).unwrap();
        }
        let (lines, problems) = read_and_check(&p, "c1", Some(&c1.public())).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(lines.last().unwrap().entry.seq, 60);
    }
}
