//! Where each file of a study lives (SPEC §2), and finding a study folder from the working
//! directory. Every path built from an id goes through [`check_id`] first, so no id can escape
//! the study folder.
use std::path::{Path, PathBuf};

use super::StudyError;

pub const STUDY_FILE: &str = "study.toml";
pub const CODERS_FILE: &str = "coders.toml";
pub const RECORDINGS_FILE: &str = "recordings.toml";
pub const QUEUES_DIR: &str = "queues";
pub const CODINGS_DIR: &str = "codings";
pub const SUPERVISOR_DIR: &str = "supervisor";
pub const METADATA_FILE: &str = "supervisor/metadata.toml";
pub const ASSIGNMENTS_FILE: &str = "supervisor/assignments.toml";
pub const ADJUDICATIONS_DIR: &str = "supervisor/adjudications";
pub const JOURNAL_DIR: &str = "journal";

/// Checks an id that becomes part of a file name (see [`crate::ids::validate_id`]): letters,
/// digits, `-` and `_`, 1–64 characters. `what` names it in the error ("coder", "recording").
pub fn check_id(what: &'static str, id: &str) -> Result<(), StudyError> {
    crate::ids::validate_file_id(&format!("{what} id"), id).map_err(StudyError::from)
}

/// The paths of one study's files. Pure: builds paths, touches nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn study_file(&self) -> PathBuf {
        self.root.join(STUDY_FILE)
    }
    pub fn coders_file(&self) -> PathBuf {
        self.root.join(CODERS_FILE)
    }
    pub fn recordings_file(&self) -> PathBuf {
        self.root.join(RECORDINGS_FILE)
    }
    pub fn queues_dir(&self) -> PathBuf {
        self.root.join(QUEUES_DIR)
    }
    pub fn codings_root(&self) -> PathBuf {
        self.root.join(CODINGS_DIR)
    }
    pub fn supervisor_dir(&self) -> PathBuf {
        self.root.join(SUPERVISOR_DIR)
    }
    pub fn metadata_file(&self) -> PathBuf {
        self.root.join(METADATA_FILE)
    }
    pub fn assignments_file(&self) -> PathBuf {
        self.root.join(ASSIGNMENTS_FILE)
    }
    pub fn adjudications_dir(&self) -> PathBuf {
        self.root.join(ADJUDICATIONS_DIR)
    }
    pub fn journal_dir(&self) -> PathBuf {
        self.root.join(JOURNAL_DIR)
    }

    /// `queues/<coder>.toml`.
    pub fn queue_file(&self, coder: &str) -> Result<PathBuf, StudyError> {
        check_id("coder", coder)?;
        Ok(self.queues_dir().join(format!("{coder}.toml")))
    }
    /// `codings/<coder>/`.
    pub fn codings_dir(&self, coder: &str) -> Result<PathBuf, StudyError> {
        check_id("coder", coder)?;
        Ok(self.codings_root().join(coder))
    }
    /// `codings/<coder>/<recording>.toml`.
    pub fn coding_file(&self, coder: &str, recording: &str) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.codings_dir(coder)?.join(format!("{recording}.toml")))
    }
    /// `codings/<coder>/<recording>.lock`.
    pub fn lock_file(&self, coder: &str, recording: &str) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.codings_dir(coder)?.join(format!("{recording}.lock")))
    }
    /// `supervisor/adjudications/<recording>.toml`.
    pub fn adjudication_file(&self, recording: &str) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.adjudications_dir().join(format!("{recording}.toml")))
    }
    /// `journal/<actor>.jsonl`.
    pub fn journal_file(&self, actor: &str) -> Result<PathBuf, StudyError> {
        check_id("actor", actor)?;
        Ok(self.journal_dir().join(format!("{actor}.jsonl")))
    }

    /// The study-relative path of a file, with `/` separators (as the journal records it).
    pub fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// The nearest folder at or above `start` that holds `study.toml`.
pub fn find_upwards(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|d| d.join(STUDY_FILE).is_file()).map(Path::to_path_buf)
}

/// `path` expressed relative to `base` when both are absolute and share a root (with `..` as
/// needed), else `path` itself. Separators are `/`.
pub fn relative_to(path: &Path, base: &Path) -> String {
    use std::path::Component;
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
    let shares_root = common > 0
        && matches!(p.first(), Some(Component::RootDir | Component::Prefix(_)))
        && (common > 1 || matches!(p.first(), Some(Component::RootDir)));
    if !shares_root {
        return path.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = Vec::new();
    for _ in common..b.len() {
        parts.push("..".into());
    }
    for c in p.iter().skip(common) {
        parts.push(c.as_os_str().to_string_lossy().into_owned());
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_could_escape_are_refused() {
        for bad in ["", "a/b", "..", "a..b", "a b", "a\u{1b}[31m", "a\tb", "é", "a\\b", "a.b"] {
            assert!(check_id("coder", bad).is_err(), "{bad:?} accepted");
        }
        for good in ["c1", "R001", "jane_doe", "a-b", "demo"] {
            assert!(check_id("coder", good).is_ok(), "{good:?} refused");
        }
        assert!(check_id("coder", &"x".repeat(65)).is_err());
    }

    #[test]
    fn layout_paths() {
        let l = Layout::new("/s");
        assert_eq!(l.coding_file("c1", "R001").unwrap(), Path::new("/s/codings/c1/R001.toml"));
        assert!(l.coding_file("c1", "../x").is_err());
        assert_eq!(l.relative(&l.coding_file("c1", "R001").unwrap()), "codings/c1/R001.toml");
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative_to(Path::new("/a/b/audio/x.wav"), Path::new("/a/b")), "audio/x.wav");
        assert_eq!(relative_to(Path::new("/a/audio/x.wav"), Path::new("/a/b")), "../audio/x.wav");
        assert_eq!(relative_to(Path::new("/x.wav"), Path::new("/a")), "../x.wav");
    }

    #[test]
    fn finds_study_upwards() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(STUDY_FILE), "").unwrap();
        let deep = d.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(find_upwards(&deep).as_deref(), Some(d.path()));
    }
}
