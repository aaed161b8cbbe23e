//! A per-user cache of what the reliability report reads from each coding file (status, scores,
//! segments, and an instrument's checklist answers, chosen classes and logged counts), so that a supervisor's report on a large study does not parse thousands of TOML
//! files every time (issue #16: 12,000 coding files took ~27 µs each to parse).
//!
//! - **Where**: `<user cache>/tapecoder/codings/<sha256 of the study folder's path>.bin`
//!   (`TAPECODER_CACHE_DIR/codings/` when that is set), never in the study folder (whose files each
//!   have one writer). Deleting it is always safe: the next report parses every file again.
//! - **Key**: a coding file's study-relative place and its metadata: device, inode, size, mtime
//!   and ctime, each to the nanosecond. Any write to a file changes its ctime (which no user can
//!   set back: restoring the mtime with `touch -d` changes the ctime too), and tapecoder's saves
//!   replace the file (a new inode). A file changed within [`RACY_S`] of when it was looked at is
//!   never cached (as git does for its index: a second change in the same timestamp tick would
//!   leave the metadata as it was), so it is parsed again next time.
//! - **Verified**: the file starts with a magic and format version and ends with the sha256 of
//!   its contents; a cache that is short, corrupt, of another version or unreadable in any way is
//!   ignored (and rewritten), never trusted. Caches not rewritten for 30 days are removed when
//!   another is written (studies moved or deleted, tests' temporary studies).
//! - **Never a different result**: a hit gives the same [`Coding`] as parsing the file and keeping
//!   what the report reads ([`report_view`]), and the checks that depend on the study rather than
//!   the file (its place, the codebook's scale) are run on every coding, hit or not. Only files
//!   that parsed and passed are cached: a broken file is reported on every run.
use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::coding::{CodebookRef, Coding, Segment, Status};

use super::files::sha256_hex;

const MAGIC: &[u8; 8] = b"TCCODES\0";
/// Bumped whenever the entry format or what is kept changes.
const VERSION: u32 = 2;
/// A file whose mtime or ctime is this close to the time it was looked at is not cached.
pub const RACY_S: f64 = 3.0;
/// A study's cache not rewritten for this long is removed when another one is written.
const STALE_DAYS: f64 = 30.0;
/// A cache file larger than this is not read (a study's entries are a few hundred bytes each).
const MAX_CACHE_BYTES: u64 = 512 * 1024 * 1024;

/// A coding file's identity on disk: (device, inode, size, mtime s, mtime ns, ctime s, ctime ns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileKey {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl FileKey {
    /// The key of a file from its metadata (none where the platform gives no inode and ctime).
    pub fn of(meta: &fs::Metadata) -> Option<FileKey> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileKey {
                dev: meta.dev(),
                ino: meta.ino(),
                size: meta.size(),
                mtime: (meta.mtime(), meta.mtime_nsec()),
                ctime: (meta.ctime(), meta.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// Whether the file changed within `racy_s` of `now` (or after it): then a later change in
    /// the same timestamp tick could leave this key as it is.
    fn racy(&self, now: SystemTime, racy_s: f64) -> bool {
        let Ok(now) = now.duration_since(SystemTime::UNIX_EPOCH) else { return true };
        let latest = self.mtime.max(self.ctime);
        let t = latest.0 as f64 + latest.1 as f64 * 1e-9;
        t + racy_s >= now.as_secs_f64()
    }
}

/// What the report reads of one coding, with the key of the file it came from.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    key: FileKey,
    schema: u32,
    submitted: bool,
    scores: Vec<(String, u8)>,
    /// (kind, start_s, end_s)
    segments: Vec<(String, f64, f64)>,
    /// Instruments' items: checklist answers, chosen classes, logged counts (code, at_s).
    checklist: Vec<(String, bool)>,
    classes: Vec<(String, String)>,
    events: Vec<(String, f64)>,
}

impl Entry {
    fn of(c: &Coding, key: FileKey) -> Entry {
        Entry {
            key,
            schema: c.schema,
            submitted: c.status == Status::Submitted,
            scores: c.scores.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            segments: c.segments.iter().map(|s| (s.kind.clone(), s.start_s, s.end_s)).collect(),
            checklist: c.checklist.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            classes: c.classes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            events: c.events.iter().map(|e| (e.code.clone(), e.at_s)).collect(),
        }
    }

    fn coding(self, coder: &str, recording: &str) -> Coding {
        Coding {
            checklist: self.checklist.into_iter().collect(),
            classes: self.classes.into_iter().collect(),
            events: self
                .events
                .into_iter()
                .map(|(code, at_s)| crate::coding::Event { code, at_s })
                .collect(),
            schema: self.schema,
            recording: recording.to_string(),
            coder: coder.to_string(),
            codebook: CodebookRef {
                id: String::new(),
                version: String::new(),
                sha256: String::new(),
            },
            audio_sha256: String::new(),
            status: if self.submitted { Status::Submitted } else { Status::InProgress },
            created_at: String::new(),
            updated_at: String::new(),
            submitted_at: None,
            resume_s: 0.0,
            listened: Vec::new(),
            scores: self.scores.into_iter().collect(),
            rationales: Default::default(),
            segments: self
                .segments
                .into_iter()
                .map(|(kind, start_s, end_s)| Segment { kind, start_s, end_s, note: String::new() })
                .collect(),
            notes: Vec::new(),
        }
    }
}

/// A coding as the report reads it: status, scores, segments (without their notes), checklist
/// answers, chosen classes and logged counts, with the rest left empty. What a cache hit gives, so a parsed file is reduced to it too.
pub fn report_view(c: &Coding) -> Coding {
    let key = FileKey { dev: 0, ino: 0, size: 0, mtime: (0, 0), ctime: (0, 0) };
    Entry::of(c, key).coding(&c.coder, &c.recording)
}

/// The cached entries of one study, by (coder, recording).
#[derive(Debug, Default)]
pub struct Cache {
    path: Option<PathBuf>,
    entries: HashMap<(String, String), Entry>,
    racy_s: f64,
    now: Option<SystemTime>,
}

/// A cache entry to store, made from a freshly parsed coding.
pub struct NewEntry(Option<((String, String), Entry)>);

impl Cache {
    /// The cache file of the study in `study_dir`, in the per-user cache folder (none if there
    /// is no such folder).
    pub fn file_for(study_dir: &Path) -> Option<PathBuf> {
        let root = match std::env::var_os("TAPECODER_CACHE_DIR") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => directories::ProjectDirs::from("", "", "tapecoder")?.cache_dir().to_path_buf(),
        };
        let abs = fs::canonicalize(study_dir).unwrap_or_else(|_| study_dir.to_path_buf());
        let id = sha256_hex(abs.to_string_lossy().as_bytes());
        Some(root.join("codings").join(format!("{}.bin", &id[..32])))
    }

    /// Reads the cache at `path`; an unreadable, corrupt or foreign file gives an empty cache.
    pub fn open(path: Option<PathBuf>) -> Cache {
        Cache::open_with(path, RACY_S)
    }

    /// [`Cache::open`] with another racy window (tests).
    pub fn open_with(path: Option<PathBuf>, racy_s: f64) -> Cache {
        let entries = path.as_deref().and_then(read).unwrap_or_default();
        Cache { path, entries, racy_s, now: Some(SystemTime::now()) }
    }

    /// Takes the cached coding of (coder, recording) out of the cache if its file still has
    /// `key`; `None`: not cached (or stale), so parse the file and [`Cache::entry`] the result.
    /// (Taken, not copied: a study's report reads each coding once.)
    pub fn take(&mut self, coder: &str, recording: &str, key: FileKey) -> Option<Coding> {
        let id = (coder.to_string(), recording.to_string());
        if self.entries.get(&id)?.key != key {
            return None;
        }
        self.entries.remove(&id).map(|e| e.coding(coder, recording))
    }

    /// The entry to store for a coding just parsed from a file that had `key` before it was read
    /// (nothing when the file changed too recently to be trusted to its metadata).
    pub fn entry(&self, c: &Coding, key: Option<FileKey>) -> NewEntry {
        let now = self.now.unwrap_or_else(SystemTime::now);
        NewEntry(
            key.filter(|k| !k.racy(now, self.racy_s))
                .map(|k| ((c.coder.clone(), c.recording.clone()), Entry::of(c, k))),
        )
    }

    /// Rewrites the cache when it changed: `hits` are the codings [taken](Cache::take) from it
    /// with their files' keys, `new` the entries made this time; entries not taken (files no
    /// longer there, or changed) are dropped. Failing to write is not an error (the cache only
    /// saves time).
    pub fn update(mut self, hits: &[(&Coding, FileKey)], new: Vec<NewEntry>) {
        let Some(path) = self.path.take() else { return };
        let fresh: Vec<((String, String), Entry)> = new.into_iter().filter_map(|n| n.0).collect();
        if fresh.is_empty() && self.entries.is_empty() {
            return;
        }
        // A taken coding is the report view its entry made: its entry again, exactly.
        let mut keep: HashMap<(String, String), Entry> = hits
            .iter()
            .map(|(c, key)| ((c.coder.clone(), c.recording.clone()), Entry::of(c, *key)))
            .collect();
        keep.extend(fresh);
        let _ = write(&path, &keep);
    }
}

fn write(path: &Path, entries: &HashMap<(String, String), Entry>) -> std::io::Result<()> {
    let mut sorted: Vec<_> = entries.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut body = Vec::with_capacity(entries.len() * 256);
    put_u64(&mut body, sorted.len() as u64);
    for ((coder, recording), e) in sorted {
        put_str(&mut body, coder);
        put_str(&mut body, recording);
        let k = &e.key;
        for x in [k.dev, k.ino, k.size] {
            put_u64(&mut body, x);
        }
        for (s, ns) in [k.mtime, k.ctime] {
            put_u64(&mut body, s as u64);
            put_u64(&mut body, ns as u64);
        }
        put_u64(&mut body, u64::from(e.schema));
        body.push(u8::from(e.submitted));
        put_u64(&mut body, e.scores.len() as u64);
        for (domain, level) in &e.scores {
            put_str(&mut body, domain);
            body.push(*level);
        }
        put_u64(&mut body, e.segments.len() as u64);
        for (kind, a, b) in &e.segments {
            put_str(&mut body, kind);
            put_u64(&mut body, a.to_bits());
            put_u64(&mut body, b.to_bits());
        }
        put_u64(&mut body, e.checklist.len() as u64);
        for (item, present) in &e.checklist {
            put_str(&mut body, item);
            body.push(u8::from(*present));
        }
        put_u64(&mut body, e.classes.len() as u64);
        for (item, class) in &e.classes {
            put_str(&mut body, item);
            put_str(&mut body, class);
        }
        put_u64(&mut body, e.events.len() as u64);
        for (code, at) in &e.events {
            put_str(&mut body, code);
            put_u64(&mut body, at.to_bits());
        }
    }
    let mut bytes = Vec::with_capacity(body.len() + 64);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    put_u64(&mut bytes, body.len() as u64);
    bytes.extend_from_slice(&body);
    bytes.extend_from_slice(&sha2_of(&body));
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    prune(dir, path);
    Ok(())
}

/// Removes the caches of studies not reported on for [`STALE_DAYS`] (a study moved or deleted, or
/// the temporary studies of tests) and temp files left by a write that was killed.
fn prune(dir: &Path, keep: &Path) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    let now = SystemTime::now();
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let age = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .map_or(0.0, |d| d.as_secs_f64());
        let stale = if name.starts_with(".tmp") {
            age > 3600.0
        } else {
            name.ends_with(".bin") && age > STALE_DAYS * 86_400.0
        };
        if stale && p != keep {
            let _ = fs::remove_file(&p);
        }
    }
}

fn sha2_of(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

fn put_u64(out: &mut Vec<u8>, x: u64) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Reads and checks a cache file; `None` for anything but a whole, intact file of this version.
fn read(path: &Path) -> Option<HashMap<(String, String), Entry>> {
    let len = fs::metadata(path).ok()?.len();
    if len > MAX_CACHE_BYTES {
        return None;
    }
    let bytes = fs::read(path).ok()?;
    let mut r = Reader { bytes: &bytes };
    if r.take(MAGIC.len())? != MAGIC {
        return None;
    }
    if u32::from_le_bytes(r.take(4)?.try_into().ok()?) != VERSION {
        return None;
    }
    let body_len = usize::try_from(r.u64()?).ok()?;
    let body = r.take(body_len)?;
    if r.take(32)? != sha2_of(body) || !r.bytes.is_empty() {
        return None;
    }
    let mut r = Reader { bytes: body };
    let n = r.count()?;
    let mut out = HashMap::with_capacity(n);
    for _ in 0..n {
        let coder = r.string()?;
        let recording = r.string()?;
        let (dev, ino, size) = (r.u64()?, r.u64()?, r.u64()?);
        let mtime = (r.u64()? as i64, r.u64()? as i64);
        let ctime = (r.u64()? as i64, r.u64()? as i64);
        let key = FileKey { dev, ino, size, mtime, ctime };
        let schema = u32::try_from(r.u64()?).ok()?;
        let submitted = r.flag()?;
        let mut scores = Vec::new();
        for _ in 0..r.count()? {
            let domain = r.string()?;
            scores.push((domain, r.take(1)?[0]));
        }
        let mut segments = Vec::new();
        for _ in 0..r.count()? {
            let kind = r.string()?;
            segments.push((kind, f64::from_bits(r.u64()?), f64::from_bits(r.u64()?)));
        }
        let mut checklist = Vec::new();
        for _ in 0..r.count()? {
            let item = r.string()?;
            checklist.push((item, r.flag()?));
        }
        let mut classes = Vec::new();
        for _ in 0..r.count()? {
            classes.push((r.string()?, r.string()?));
        }
        let mut events = Vec::new();
        for _ in 0..r.count()? {
            let code = r.string()?;
            events.push((code, f64::from_bits(r.u64()?)));
        }
        let entry = Entry { key, schema, submitted, scores, segments, checklist, classes, events };
        out.insert((coder, recording), entry);
    }
    r.bytes.is_empty().then_some(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Some(head)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A count of items, each at least one byte long (so a corrupt count cannot allocate).
    fn count(&mut self) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n <= self.bytes.len()).then_some(n)
    }
    fn flag(&mut self) -> Option<bool> {
        match self.take(1)?[0] {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn string(&mut self) -> Option<String> {
        let n = usize::try_from(self.u64()?).ok()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}
