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
const WRITE_HINT: &str =
    "check the disk has space and that you may write to the folder; the previous version is intact";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically: temp file in the same folder, fsync, rename, fsync folder.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), StudyError> {
    let dir = parent_of(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let result = write_synced(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(StudyError::io(path, "writing", WRITE_HINT, e));
    }
    sync_dir(&dir).map_err(|e| StudyError::io(&dir, "flushing the folder", WRITE_HINT, e))
}

fn write_synced(tmp: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(tmp)?;
    f.write_all(bytes)?;
    f.sync_all()
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
    fs::create_dir_all(dir).map_err(|e| StudyError::io(dir, "creating the folder", WRITE_HINT, e))
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
    match fs::read(path) {
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
