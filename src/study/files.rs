//! Atomic writes (temp file, fsync, rename, fsync of the folder) and reading with clear errors.
//!
//! A study lives on shared drives and sync clients, so a file is never written in place: the new
//! content goes to a temporary file in the same folder, is flushed to disk, and replaces the old
//! file with one rename. On any failure (a full disk, a kill) the old file stays intact.
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::StudyError;

const READ_HINT: &str = "check the file exists and that you may read it";
pub(crate) const WRITE_HINT: &str =
    "check the disk has space and that you may write to the folder; the previous version is intact";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// TEST ONLY: a write to a path containing one of these comma-separated fragments fails as if the
/// disk were full (`TAPECODER_TEST_FAIL_WRITE=queues/,journal/`). The fault-injection tests use it
/// to fail each write of a command in turn; nobody else should set it.
pub const FAULT_ENV: &str = "TAPECODER_TEST_FAIL_WRITE";

/// The injected failure for `path`, if [`FAULT_ENV`] names it (one cheap check per write).
pub fn injected_fault(path: &Path) -> io::Result<()> {
    let Some(spec) = std::env::var_os(FAULT_ENV) else { return Ok(()) };
    let shown = path.to_string_lossy().replace('\\', "/");
    let spec = spec.to_string_lossy();
    if spec.split(',').any(|frag| !frag.is_empty() && shown.contains(frag)) {
        return Err(io::Error::new(
            io::ErrorKind::StorageFull,
            format!("no space left on device (injected by {FAULT_ENV} for a test)"),
        ));
    }
    Ok(())
}

/// The temp file's name prefix and suffix: `.<name>.tmp-<pid>-<n>`.
const TMP_MARK: &str = ".tmp-";

/// A file being written atomically: the content goes to a temp file beside `dest`; [`commit`]
/// flushes it to disk, renames it over `dest` and flushes the folder. Dropped without a commit
/// (an error on the way), the temp file is removed and `dest` is untouched. This is the one way
/// files are replaced in tapecoder (study files, clips, overview caches).
///
/// [`commit`]: AtomicFile::commit
#[derive(Debug)]
pub struct AtomicFile {
    dest: PathBuf,
    tmp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// Creates the temp file for `dest` (in the same folder).
    pub fn create(dest: &Path) -> io::Result<AtomicFile> {
        injected_fault(dest)?;
        let tmp = temp_path(dest);
        let file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        Ok(AtomicFile { dest: dest.to_path_buf(), tmp, file: Some(file) })
    }

    /// The temp file, to write the content to.
    pub fn file(&mut self) -> io::Result<&mut File> {
        self.file.as_mut().ok_or_else(|| io::Error::other("the file was already committed"))
    }

    /// fsync, rename over the destination, fsync the folder.
    pub fn commit(mut self) -> io::Result<()> {
        let file = self.file.take().ok_or_else(|| io::Error::other("committed twice"))?;
        let renamed = file.sync_all().and_then(|()| {
            drop(file);
            fs::rename(&self.tmp, &self.dest)
        });
        if renamed.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        renamed?;
        sync_dir(&parent_of(&self.dest))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Not committed (an error on the way): the half-written temp file goes.
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// A fresh temp file name beside `dest`, `.<name>.tmp-<pid>-<n>`, which [`clean_stale_temps`]
/// recognises once its writer is gone.
pub fn temp_path(dest: &Path) -> PathBuf {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    parent_of(dest).join(format!(".{name}{TMP_MARK}{}-{n}", std::process::id()))
}

/// Writes `bytes` to `path` atomically: temp file in the same folder, fsync, rename, fsync folder.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), StudyError> {
    let written = AtomicFile::create(path).and_then(|mut f| {
        f.file()?.write_all(bytes)?;
        f.commit()
    });
    written.map_err(|e| StudyError::io(path, "writing", WRITE_HINT, e))
}

/// Several files replaced as one step (a supervisor command that rewrites more than one file).
/// [`Batch::stage`] writes each new content to a flushed temp file beside its destination: a full
/// disk or an unwritable folder fails here, before any file changed. [`Batch::commit`] then keeps a
/// hard link to each old file and renames the new ones into place (renames need no space); if one
/// rename fails, the ones already done are put back. The returned [`Applied`] can still be undone
/// (when the journal line that follows cannot be written); dropped, it removes the old copies.
#[derive(Debug, Default)]
pub struct Batch {
    staged: Vec<AtomicFile>,
}

impl Batch {
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Writes `bytes` to a temp file beside `dest` and flushes it (nothing replaced yet).
    pub fn stage(&mut self, dest: &Path, bytes: &[u8]) -> Result<(), StudyError> {
        let staged = AtomicFile::create(dest).and_then(|mut f| {
            let file = f.file()?;
            file.write_all(bytes)?;
            file.sync_all()?;
            Ok(f)
        });
        self.staged.push(staged.map_err(|e| StudyError::io(dest, "writing", WRITE_HINT, e))?);
        Ok(())
    }

    /// Replaces every staged file, all or none.
    pub fn commit(mut self) -> Result<Applied, StudyError> {
        let mut applied = Applied { done: Vec::new() };
        // Old copies first: if one cannot be made, nothing has been replaced yet.
        let mut backups = Vec::new();
        for f in &self.staged {
            let backup = match fs::symlink_metadata(&f.dest) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                _ => {
                    let b = temp_path(&f.dest);
                    if let Err(e) = injected_fault(&b).and_then(|()| fs::hard_link(&f.dest, &b)) {
                        backups.into_iter().flatten().for_each(|b: PathBuf| {
                            let _ = fs::remove_file(b);
                        });
                        return Err(StudyError::io(
                            &f.dest,
                            "keeping the old version",
                            WRITE_HINT,
                            e,
                        ));
                    }
                    Some(b)
                }
            };
            backups.push(backup);
        }
        for (mut f, backup) in self.staged.drain(..).zip(backups) {
            let dest = f.dest.clone();
            let renamed = f.file.take().map_or(Ok(()), |_| fs::rename(&f.tmp, &dest));
            applied.done.push((dest.clone(), backup));
            if let Err(e) = renamed {
                let _ = fs::remove_file(&f.tmp);
                // This one did not change: forget its old copy, undo the others.
                if let Some((_, Some(b))) = applied.done.pop() {
                    let _ = fs::remove_file(b);
                }
                return Err(applied.undo(StudyError::io(&dest, "writing", WRITE_HINT, e)));
            }
        }
        for (dest, _) in &applied.done {
            let dir = parent_of(dest);
            sync_dir(&dir)
                .map_err(|e| StudyError::io(&dir, "flushing the folder", WRITE_HINT, e))?;
        }
        Ok(applied)
    }
}

/// Files a [`Batch`] replaced, with their old versions kept until this is dropped.
#[derive(Debug)]
pub struct Applied {
    done: Vec<(PathBuf, Option<PathBuf>)>,
}

impl Applied {
    /// Puts every old version back (or removes a file that did not exist before) and returns
    /// `cause`, or, if a file could not be put back, an error that says which and where its old
    /// version is.
    pub fn undo(mut self, cause: StudyError) -> StudyError {
        let mut stuck = Vec::new();
        for (dest, backup) in self.done.drain(..).rev() {
            let restored = match &backup {
                Some(b) => fs::rename(b, &dest),
                None => fs::remove_file(&dest),
            };
            if restored.is_err() {
                stuck.push(match backup {
                    Some(b) => format!("{} (its old version is {})", dest.display(), b.display()),
                    None => format!("{} (new; delete it)", dest.display()),
                });
            }
        }
        if stuck.is_empty() {
            return StudyError::Undone { cause: Box::new(cause) };
        }
        StudyError::NotRestored { cause: Box::new(cause), files: stuck }
    }
}

impl Drop for Applied {
    fn drop(&mut self) {
        for (_, backup) in self.done.drain(..) {
            if let Some(b) = backup {
                let _ = fs::remove_file(b);
            }
        }
    }
}

/// Removes the temp files (`.<name>.tmp-<pid>-<n>`) that killed writers left in `dir`: those of a
/// process no longer alive on this host, and any older than [`STALE_TEMP`] (a writer on another
/// host). Returns how many were removed; a folder that cannot be listed is skipped.
pub fn clean_stale_temps(dir: &Path) -> usize {
    let Ok(rd) = fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for e in rd.flatten() {
        let name = e.file_name();
        let Some(pid) = temp_file_pid(&name.to_string_lossy()) else { continue };
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| std::time::SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age > STALE_TEMP);
        let ours = pid == std::process::id();
        if !ours && (old || !super::lock::pid_alive(pid)) && fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A temp file older than this is litter even when its pid is alive here (it may be another
/// host's, or a reused pid): no real write takes more than a moment.
pub const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(600);

/// The writer's pid in a temp file name made by [`AtomicFile`], if `name` is one.
pub fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let at = rest.rfind(TMP_MARK)?;
    let (pid, n) = rest.get(at + TMP_MARK.len()..)?.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Flushes a folder's entries (the rename) to disk. A no-op where folders cannot be opened.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Creates a folder (and its parents), naming it in the error.
pub fn create_dir_all(dir: &Path) -> Result<(), StudyError> {
    injected_fault(dir)
        .and_then(|()| fs::create_dir_all(dir))
        .map_err(|e| StudyError::io(dir, "creating the folder", WRITE_HINT, e))
}

/// Serializes `value` as TOML and writes it atomically.
pub fn write_toml<T: Serialize>(path: &Path, value: &T) -> Result<Vec<u8>, StudyError> {
    let bytes = to_toml_bytes(path, value)?;
    atomic_write(path, &bytes)?;
    Ok(bytes)
}

/// Serializes `value` as TOML (what [`write_toml`] would write).
pub fn to_toml_bytes<T: Serialize>(path: &Path, value: &T) -> Result<Vec<u8>, StudyError> {
    toml::to_string(value)
        .map(String::into_bytes)
        .map_err(|e| StudyError::Invalid { path: path.to_path_buf(), message: e.to_string() })
}

/// Reads a whole file, naming it in the error.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, StudyError> {
    fs::read(path).map_err(|e| StudyError::io(path, "reading", READ_HINT, e))
}

/// The largest study file read as text. Real ones are far smaller (a coding with hundreds of notes
/// is tens of kilobytes); anything bigger is the wrong file or a hostile one.
pub const MAX_TEXT_FILE: u64 = 64 * 1024 * 1024;

/// Reads a file as UTF-8 text (at most [`MAX_TEXT_FILE`] bytes).
pub fn read_text(path: &Path) -> Result<String, StudyError> {
    let len = fs::metadata(path).map_err(|e| StudyError::io(path, "reading", READ_HINT, e))?.len();
    if len > MAX_TEXT_FILE {
        return Err(StudyError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "the file is {} MB, far larger than any study file; check it is the right file",
                len / (1024 * 1024)
            ),
        });
    }
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(e.as_bytes().get(..valid).unwrap_or_default());
            line_col(&prefix, valid)
        };
        StudyError::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message: "the file is not UTF-8 text".into(),
        }
    })
}

/// Reads and parses a TOML file; a parse error carries file:line:col.
pub fn read_toml<T: DeserializeOwned>(path: &Path) -> Result<T, StudyError> {
    let text = read_text(path)?;
    parse_toml(&text, path)
}

/// Reads a TOML file, or `None` when it does not exist.
pub fn read_toml_opt<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, StudyError> {
    // Whether it exists from its metadata: the file is read once, by `read_toml`.
    match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StudyError::io(path, "reading", READ_HINT, e)),
        Ok(_) => read_toml(path).map(Some),
    }
}

/// Parses TOML text; `path` names the file in errors.
pub fn parse_toml<T: DeserializeOwned>(text: &str, path: &Path) -> Result<T, StudyError> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        let (line, column) = line_col(text, offset);
        StudyError::Parse {
            path: path.to_path_buf(),
            line,
            column,
            message: crate::toml_hint::with_hint(e.message().trim(), text, offset),
        }
    })
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = text.get(..end).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before.get(line_start..).map(|s| s.chars().count()).unwrap_or(0) + 1;
    (line, column)
}

/// Lowercase hex sha256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Lowercase hex sha256 of a file, streamed (never the whole file in memory).
pub fn sha256_file(path: &Path) -> io::Result<String> {
    sha256_file_with(path, |_| {})
}

/// As [`sha256_file`], calling `progress` with the number of bytes read after each chunk.
pub fn sha256_file_with(path: &Path, mut progress: impl FnMut(u64)) -> io::Result<String> {
    let mut f = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
        progress(n as u64);
    }
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct T {
        a: u32,
    }

    #[test]
    fn read_toml_opt_reads_what_exists_and_refuses_what_is_not_a_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("t.toml");
        assert_eq!(read_toml_opt::<T>(&p).unwrap(), None);
        fs::write(&p, "a = 3\n").unwrap();
        assert_eq!(read_toml_opt::<T>(&p).unwrap(), Some(T { a: 3 }));
        fs::write(&p, "a = \n").unwrap();
        assert!(matches!(read_toml_opt::<T>(&p), Err(StudyError::Parse { .. })));
        // A folder where the file should be is an error, not "no file".
        assert!(read_toml_opt::<T>(d.path()).is_err());
    }

    #[test]
    fn line_col_counts_lines_and_characters() {
        let text = "a = 1\nbé = x\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // 'x' is after "bé = " : 5 characters, byte offset 6 + 6.
        assert_eq!(line_col(text, 12), (2, 6));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn parse_error_has_line_and_column() {
        let err = parse_toml::<T>("\n\na = \"x\"\n", Path::new("f.toml")).unwrap_err();
        match err {
            StudyError::Parse { line, column, .. } => assert_eq!((line, column), (3, 5)),
            other => panic!("unexpected {other}"),
        }
        let msg = parse_toml::<T>("a = = 1", Path::new("f.toml")).unwrap_err().to_string();
        assert!(msg.starts_with("f.toml:1:"), "{msg}");
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.toml");
        write_toml(&p, &T { a: 1 }).unwrap();
        write_toml(&p, &T { a: 2 }).unwrap();
        assert_eq!(read_toml::<T>(&p).unwrap(), T { a: 2 });
        let names: Vec<_> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn failed_write_keeps_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.toml");
        write_toml(&p, &T { a: 1 }).unwrap();
        // Renaming onto a non-empty folder fails: the old content must survive.
        let blocker = dir.path().join("d");
        fs::create_dir(&blocker).unwrap();
        fs::write(blocker.join("f"), b"x").unwrap();
        assert!(atomic_write(&blocker, b"new").is_err());
        assert_eq!(read_toml::<T>(&p).unwrap(), T { a: 1 });
        let names: Vec<_> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "temp file left behind: {names:?}");
    }

    #[test]
    fn temp_names_are_recognised_and_dead_writers_cleaned() {
        assert_eq!(temp_file_pid(".R001.toml.tmp-1234-0"), Some(1234));
        assert_eq!(temp_file_pid(".a.tmp-b.toml.tmp-7-12"), Some(7));
        for name in ["R001.toml", ".R001.toml", ".x.tmp-abc-0", ".x.tmp-12", "x.tmp-1-2"] {
            assert_eq!(temp_file_pid(name), None, "{name}");
        }
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join(".R001.toml.tmp-1073741808-0");
        let mine = dir.path().join(format!(".R002.toml.tmp-{}-0", std::process::id()));
        let keep = dir.path().join("R001.toml");
        for p in [&dead, &mine, &keep] {
            fs::write(p, b"x").unwrap();
        }
        assert_eq!(clean_stale_temps(dir.path()), 1);
        assert!(!dead.exists() && mine.exists() && keep.exists());
    }

    #[test]
    fn an_uncommitted_atomic_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("clip.wav");
        fs::write(&p, b"old").unwrap();
        {
            let mut f = AtomicFile::create(&p).unwrap();
            f.file().unwrap().write_all(b"half").unwrap();
        }
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut f = AtomicFile::create(&p).unwrap();
        f.file().unwrap().write_all(b"new").unwrap();
        f.commit().unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn sha256_streamed_matches_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(&p, &data).unwrap();
        assert_eq!(sha256_file(&p).unwrap(), sha256_hex(&data));
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
