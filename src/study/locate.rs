//! Where each file of a study lives (SPEC §2; schema 2, see [`Layout`]), and finding a study folder from the working
//! directory. Every path built from an id goes through [`check_id`] first, so no id can escape
//! the study folder.
use std::path::{Path, PathBuf};

use super::StudyError;
use super::model::Role;

pub const STUDY_FILE: &str = "study.toml";
pub const CODERS_FILE: &str = "coders.toml";
pub const RECORDINGS_FILE: &str = "recordings.toml";
/// One folder per coder: `coders/<id>/`.
pub const CODERS_DIR: &str = "coders";
/// `join/`: one join request per person who asked to be registered (see [`super::join`]).
pub const JOIN_DIR: &str = "join";
pub const QUEUE_FILE: &str = "queue.toml";
pub const CODINGS_DIR: &str = "codings";
pub const LOCKS_DIR: &str = "locks";
pub const CODER_JOURNAL_FILE: &str = "journal.jsonl";
pub const SUPERVISOR_DIR: &str = "supervisor";
pub const METADATA_FILE: &str = "supervisor/metadata.toml";
pub const ASSIGNMENTS_FILE: &str = "supervisor/assignments.toml";
pub const ADJUDICATIONS_DIR: &str = "supervisor/adjudications";
pub const SUPERVISOR_JOURNAL_DIR: &str = "supervisor/journal";
/// `supervisor/gold/`: gold (reference) codings, one per recording (supervisor only).
pub const GOLD_DIR: &str = "supervisor/gold";
/// `supervisor/calibration/`: calibration sets, one per name (supervisor only).
pub const CALIBRATION_DIR: &str = "supervisor/calibration";
/// `coders/<id>/training/`: that coder's training codings and the feedback copies of gold.
pub const TRAINING_DIR: &str = "training";
/// `supervisor/drafts/`: adjudications being made, autosaved (supervisor only).
pub const DRAFTS_DIR: &str = "supervisor/drafts";
pub const PROBES_FILE: &str = "supervisor/probes.toml";

/// Checks an id that becomes part of a file name (see [`crate::ids::validate_id`]): letters,
/// digits, `-` and `_`, 1–64 characters. `what` names it in the error ("coder", "recording").
pub fn check_id(what: &'static str, id: &str) -> Result<(), StudyError> {
    // The kind's name is only needed for the error: a valid id (every path a large study
    // builds) costs no allocation.
    if crate::ids::validate_file_id("id", id).is_ok() {
        return Ok(());
    }
    crate::ids::validate_file_id(&format!("{what} id"), id).map_err(StudyError::from)
}

/// The paths of one study's files (schema 2, SPEC §2 as amended by issue #9): everything of one
/// coder under `coders/<id>/`, everything of the supervisors under `supervisor/`, so folder
/// permissions alone can keep each coder's work from the other coders. Pure: builds paths,
/// touches nothing.
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
    /// `coders/`: one folder per coder.
    pub fn coders_dir(&self) -> PathBuf {
        self.root.join(CODERS_DIR)
    }
    /// `transcripts/`: the attached transcripts (supervisors write, everyone reads).
    pub fn transcripts_dir(&self) -> PathBuf {
        self.root.join("transcripts")
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
    /// `supervisor/probes.toml`: which gold recording each drift probe id stands for.
    pub fn probes_file(&self) -> PathBuf {
        self.root.join(PROBES_FILE)
    }
    /// `supervisor/drafts/`: the adjudications being made, autosaved.
    pub fn drafts_dir(&self) -> PathBuf {
        self.root.join(DRAFTS_DIR)
    }
    /// `supervisor/journal/`: one journal per supervisor.
    pub fn supervisor_journal_dir(&self) -> PathBuf {
        self.root.join(SUPERVISOR_JOURNAL_DIR)
    }

    /// `join/`: the join requests.
    pub fn join_dir(&self) -> PathBuf {
        self.root.join(JOIN_DIR)
    }
    /// `join/<id>.toml`: `id`'s join request (written by that person only).
    pub fn join_file(&self, id: &str) -> Result<PathBuf, StudyError> {
        check_id("coder", id)?;
        Ok(self.join_dir().join(format!("{id}.toml")))
    }
    /// `coders/<coder>/`: everything of one coder (queue, codings, journal, locks).
    pub fn coder_dir(&self, coder: &str) -> Result<PathBuf, StudyError> {
        check_id("coder", coder)?;
        Ok(self.coders_dir().join(coder))
    }
    /// `coders/<coder>/queue.toml` (written by supervisors, read by that coder).
    pub fn queue_file(&self, coder: &str) -> Result<PathBuf, StudyError> {
        Ok(self.coder_dir(coder)?.join(QUEUE_FILE))
    }
    /// `coders/<coder>/codings/`.
    pub fn codings_dir(&self, coder: &str) -> Result<PathBuf, StudyError> {
        Ok(self.coder_dir(coder)?.join(CODINGS_DIR))
    }
    /// `coders/<coder>/codings/<recording>.toml`.
    pub fn coding_file(&self, coder: &str, recording: &str) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.codings_dir(coder)?.join(format!("{recording}.toml")))
    }
    /// `coders/<coder>/locks/`.
    pub fn locks_dir(&self, coder: &str) -> Result<PathBuf, StudyError> {
        Ok(self.coder_dir(coder)?.join(LOCKS_DIR))
    }
    /// `coders/<coder>/locks/<recording>.lock`.
    pub fn lock_file(&self, coder: &str, recording: &str) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.locks_dir(coder)?.join(format!("{recording}.lock")))
    }
    /// `supervisor/adjudications/<recording>.toml`.
    pub fn adjudication_file(&self, recording: &str) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.adjudications_dir().join(format!("{recording}.toml")))
    }
    /// `supervisor/drafts/<recording>.toml`: the adjudication of `recording` being made.
    pub fn draft_file(&self, recording: &str) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.drafts_dir().join(format!("{recording}.toml")))
    }
    /// `supervisor/gold/`.
    pub fn gold_dir(&self) -> PathBuf {
        self.root.join(GOLD_DIR)
    }
    /// `supervisor/gold/<recording>.toml`.
    pub fn gold_file(&self, recording: &str) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.gold_dir().join(format!("{recording}.toml")))
    }
    /// `supervisor/gold/drafts/<supervisor>/`: the gold codings `supervisor` is writing in the
    /// TUI (`tapecoder gold edit`), autosaved, and their locks; only that supervisor writes here.
    pub fn gold_drafts_dir(&self, supervisor: &str) -> Result<PathBuf, StudyError> {
        check_id("supervisor", supervisor)?;
        Ok(self.gold_dir().join("drafts").join(supervisor))
    }
    /// `supervisor/gold/drafts/<supervisor>/<recording>.toml`.
    pub fn gold_draft_file(
        &self,
        supervisor: &str,
        recording: &str,
    ) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.gold_drafts_dir(supervisor)?.join(format!("{recording}.toml")))
    }
    /// `supervisor/calibration/`.
    pub fn calibration_dir(&self) -> PathBuf {
        self.root.join(CALIBRATION_DIR)
    }
    /// `supervisor/calibration/<name>.toml`.
    pub fn calibration_file(&self, name: &str) -> Result<PathBuf, StudyError> {
        check_id("calibration set", name)?;
        Ok(self.calibration_dir().join(format!("{name}.toml")))
    }
    /// `coders/<coder>/training/`.
    pub fn training_dir(&self, coder: &str) -> Result<PathBuf, StudyError> {
        Ok(self.coder_dir(coder)?.join(TRAINING_DIR))
    }
    /// `coders/<coder>/training/codings/`: that coder's training codings (that coder writes).
    pub fn training_codings_dir(&self, coder: &str) -> Result<PathBuf, StudyError> {
        Ok(self.training_dir(coder)?.join(CODINGS_DIR))
    }
    /// `coders/<coder>/training/codings/<recording>.toml`.
    pub fn training_coding_file(
        &self,
        coder: &str,
        recording: &str,
    ) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.training_codings_dir(coder)?.join(format!("{recording}.toml")))
    }
    /// `coders/<coder>/training/gold/`: feedback copies of gold (supervisors write).
    pub fn training_gold_dir(&self, coder: &str) -> Result<PathBuf, StudyError> {
        Ok(self.training_dir(coder)?.join("gold"))
    }
    /// `coders/<coder>/training/gold/<recording>.toml`.
    pub fn training_gold_file(&self, coder: &str, recording: &str) -> Result<PathBuf, StudyError> {
        check_id("recording", recording)?;
        Ok(self.training_gold_dir(coder)?.join(format!("{recording}.toml")))
    }
    /// `coders/<coder>/journal.jsonl`: a coder's journal.
    pub fn coder_journal_file(&self, coder: &str) -> Result<PathBuf, StudyError> {
        check_id("actor", coder)?;
        Ok(self.coders_dir().join(coder).join(CODER_JOURNAL_FILE))
    }
    /// `supervisor/journal/<supervisor>.jsonl`: a supervisor's journal.
    pub fn supervisor_journal_file(&self, supervisor: &str) -> Result<PathBuf, StudyError> {
        check_id("actor", supervisor)?;
        Ok(self.supervisor_journal_dir().join(format!("{supervisor}.jsonl")))
    }
    /// The journal of `actor`, by their role.
    pub fn journal_file(&self, actor: &str, role: Role) -> Result<PathBuf, StudyError> {
        match role {
            Role::Coder => self.coder_journal_file(actor),
            Role::Supervisor => self.supervisor_journal_file(actor),
        }
    }

    /// The study-relative path of a file, with `/` separators (as the journal records it).
    pub fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Where a file a journal line names is now. Journal lines are never rewritten (that would
    /// break their chain), so lines written before the schema 1 → 2 migration keep the old
    /// `codings/<coder>/<recording>.toml`; it is read as `coders/<coder>/codings/<recording>.toml`.
    /// Every other path is returned as recorded.
    pub fn current_path(recorded: &str) -> String {
        let parts: Vec<&str> = recorded.split('/').collect();
        match parts.as_slice() {
            [CODINGS_DIR, coder, file]
                if check_id("coder", coder).is_ok() && file.ends_with(".toml") =>
            {
                format!("{CODERS_DIR}/{coder}/{CODINGS_DIR}/{file}")
            }
            _ => recorded.to_string(),
        }
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
        assert_eq!(
            l.coding_file("c1", "R001").unwrap(),
            Path::new("/s/coders/c1/codings/R001.toml")
        );
        assert!(l.coding_file("c1", "../x").is_err());
        assert!(l.queue_file("..").is_err());
        assert_eq!(
            l.relative(&l.coding_file("c1", "R001").unwrap()),
            "coders/c1/codings/R001.toml"
        );
        assert_eq!(l.queue_file("c1").unwrap(), Path::new("/s/coders/c1/queue.toml"));
        assert_eq!(l.lock_file("c1", "R001").unwrap(), Path::new("/s/coders/c1/locks/R001.lock"));
        assert_eq!(
            l.journal_file("c1", Role::Coder).unwrap(),
            Path::new("/s/coders/c1/journal.jsonl")
        );
        assert_eq!(
            l.journal_file("sup", Role::Supervisor).unwrap(),
            Path::new("/s/supervisor/journal/sup.jsonl")
        );
    }

    #[test]
    fn journal_paths_of_schema_1_map_to_the_coder_folder() {
        assert_eq!(Layout::current_path("codings/ben/R001.toml"), "coders/ben/codings/R001.toml");
        assert_eq!(Layout::current_path("coders.toml"), "coders.toml");
        assert_eq!(
            Layout::current_path("supervisor/adjudications/R001.toml"),
            "supervisor/adjudications/R001.toml"
        );
        assert_eq!(Layout::current_path("codings/../R001.toml"), "codings/../R001.toml");
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
