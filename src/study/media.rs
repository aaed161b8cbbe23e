//! Where a recording's audio is, and how `import` brings it into the study.
//!
//! A study should survive being moved or copied to another folder or machine. So `import` copies
//! each file into the study's own `audio/` folder (as `audio/<id>.<ext>`, a name that reveals
//! nothing to coders), atomically and with its sha256 checked on the bytes written; `--in-place`
//! keeps the file where it is, stored relative to the study. When a file is not where
//! recordings.toml says, the folders listed under `[audio] search` in study.toml are looked in: a
//! file with the same name first, then any file with the same extension, accepted only when its
//! sha256 is the imported one.
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::StudyError;
use super::files;

/// The study's own audio folder, relative to the study.
pub const AUDIO_DIR: &str = "audio";

/// The file name an imported copy gets: `<id>.<ext>` with the source's extension, lowercased
/// (or no extension when the source has none or an odd one).
pub fn copy_name(id: &str, source: &Path) -> String {
    let ext = source
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(str::to_ascii_lowercase);
    match ext {
        Some(e) => format!("{id}.{e}"),
        None => id.to_string(),
    }
}

/// Copies `from` to `to` (a new file), flushing it to disk, while hashing the bytes copied;
/// `progress` gets the bytes done after each chunk. Fails (and removes `to`) when the sha256 of
/// what was written is not `expected` (the source changed since it was checked).
pub fn copy_verified(
    from: &Path,
    to: &Path,
    expected: &str,
    mut progress: impl FnMut(u64),
) -> Result<(), StudyError> {
    let io_error = |e| {
        StudyError::io(
            to,
            "copying the audio into the study",
            "check the disk has space and that you may write to the study's audio/ folder",
            e,
        )
    };
    let mut src = File::open(from).map_err(|e| {
        StudyError::io(from, "reading", "check the file is still there and readable", e)
    })?;
    // Never overwrites: a file already at `to` is left alone.
    let mut dst = OpenOptions::new().write(true).create_new(true).open(to).map_err(io_error)?;
    let result = (|| -> io::Result<String> {
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = src.read(&mut buf)?;
            if n == 0 {
                break;
            }
            let chunk = buf.get(..n).unwrap_or_default();
            dst.write_all(chunk)?;
            hasher.update(chunk);
            progress(n as u64);
        }
        dst.sync_all()?;
        Ok(hex::encode(hasher.finalize()))
    })();
    match result {
        Ok(sha) if sha.eq_ignore_ascii_case(expected) => Ok(()),
        Ok(sha) => {
            let _ = fs::remove_file(to);
            Err(StudyError::Invalid {
                path: from.to_path_buf(),
                message: format!(
                    "the file changed while it was being imported (sha256 {sha}, checked as {expected}); import it again when nothing is writing to it"
                ),
            })
        }
        Err(e) => {
            let _ = fs::remove_file(to);
            Err(io_error(e))
        }
    }
}

/// The folders of `[audio] search`, resolved against the study folder (`~/` is the home folder).
pub fn search_folders(study_dir: &Path, search: &[String]) -> Vec<PathBuf> {
    search
        .iter()
        .map(|s| {
            if let Some(rest) = s.strip_prefix("~/")
                && let Some(home) = directories::BaseDirs::new()
            {
                return home.home_dir().join(rest);
            }
            let p = Path::new(s);
            if p.is_absolute() { p.to_path_buf() } else { study_dir.join(p) }
        })
        .collect()
}

/// A file named like `stored` in one of `folders` (no hashing: cheap enough for a queue screen).
pub fn find_by_name(folders: &[PathBuf], stored: &Path) -> Option<PathBuf> {
    let name = stored.file_name()?;
    folders.iter().map(|f| f.join(name)).find(|p| p.is_file())
}

/// A file in one of `folders` whose sha256 is `sha256`: same name as `stored` first, then every
/// file with the same extension (not recursive). Unreadable files are skipped.
pub fn find_by_sha256(folders: &[PathBuf], stored: &Path, sha256: &str) -> Option<PathBuf> {
    let matches =
        |p: &Path| files::sha256_file(p).map(|h| h.eq_ignore_ascii_case(sha256)).unwrap_or(false);
    if let Some(p) = find_by_name(folders, stored)
        && matches(&p)
    {
        return Some(p);
    }
    let ext = stored.extension().map(|e| e.to_ascii_lowercase());
    for folder in folders {
        let Ok(rd) = fs::read_dir(folder) else { continue };
        let mut candidates: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().map(|e| e.to_ascii_lowercase()) == ext)
            .collect();
        candidates.sort();
        if let Some(p) = candidates.into_iter().find(|p| matches(p)) {
            return Some(p);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_names_hide_the_source_name() {
        assert_eq!(copy_name("R001", Path::new("/m/Smith family visit.MP3")), "R001.mp3");
        assert_eq!(copy_name("R002", Path::new("/m/noext")), "R002");
        assert_eq!(copy_name("R003", Path::new("/m/x.we ird")), "R003");
    }

    #[test]
    fn copy_is_checked_against_the_expected_sha256() {
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("a.wav");
        fs::write(&src, b"some audio bytes").unwrap();
        let sha = files::sha256_hex(b"some audio bytes");
        let mut seen = 0;
        copy_verified(&src, &d.path().join("b.wav"), &sha, |n| seen += n).unwrap();
        assert_eq!(fs::read(d.path().join("b.wav")).unwrap(), b"some audio bytes");
        assert_eq!(seen, 16);
        let err = copy_verified(&src, &d.path().join("c.wav"), &"0".repeat(64), |_| {});
        assert!(err.unwrap_err().to_string().contains("changed while it was being imported"));
        assert!(!d.path().join("c.wav").exists(), "a bad copy is removed");
        // Never overwrites.
        assert!(copy_verified(&src, &d.path().join("b.wav"), &sha, |_| {}).is_err());
        assert!(d.path().join("b.wav").exists());
    }

    #[test]
    fn search_finds_by_name_then_by_content() {
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        fs::write(b.join("renamed.wav"), b"the audio").unwrap();
        fs::write(a.join("visit.wav"), b"other audio").unwrap();
        let sha = files::sha256_hex(b"the audio");
        let folders = vec![a.clone(), b.clone()];
        let stored = Path::new("../../media/visit.wav");
        assert_eq!(find_by_name(&folders, stored), Some(a.join("visit.wav")));
        assert_eq!(find_by_sha256(&folders, stored, &sha), Some(b.join("renamed.wav")));
        assert_eq!(find_by_sha256(&folders, stored, &"1".repeat(64)), None);
        assert_eq!(
            search_folders(Path::new("/s"), &["media".into(), "/abs".into()]),
            [PathBuf::from("/s/media"), PathBuf::from("/abs")]
        );
    }
}
