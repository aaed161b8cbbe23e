//! Everything that can go wrong with a study folder, worded for the person at the keyboard: each
//! variant names the file or id at fault and says what to do.
use std::path::PathBuf;

use crate::codebook::CodebookError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StudyError {
    /// The folder has no `study.toml`.
    #[error(
        "{} is not a study folder (no study.toml); create one with `tapecoder init DIR` or pass --study DIR",
        .dir.display()
    )]
    NotAStudy { dir: PathBuf },

    /// The study is in the schema-1 layout (one shared `journal/` and `queues/` folder), which
    /// this tapecoder no longer writes: a supervisor migrates it once with `tapecoder migrate`.
    #[error(
        "{} is a schema-1 study (the old folder layout, which cannot keep coders' work apart by folder permissions); a supervisor must migrate it once with `tapecoder migrate --as ID` (ask every coder to close tapecoder first){}",
        .dir.display(),
        if *.sample { "; for the sample study, `tapecoder demo --reset` makes a fresh copy" } else { "" }
    )]
    OldLayout { dir: PathBuf, sample: bool },

    /// A file could not be read or written.
    #[error("{}: {action} failed: {source}; {hint}", .path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        hint: &'static str,
        #[source]
        source: std::io::Error,
    },

    /// A command failed after writing some files, and they were all put back.
    #[error(
        "{cause}; the files it had already changed were put back, so the study is intact as it was"
    )]
    Undone { cause: Box<StudyError> },

    /// A command failed half way and some of its files could not be put back.
    #[error(
        "{cause}; but these other files it had changed could not be put back as they were: {}; restore them by hand or from a backup",
        .files.join(", ")
    )]
    NotRestored { cause: Box<StudyError>, files: Vec<String> },

    /// A TOML or JSON file does not parse; `line`/`column` are 1-based.
    #[error(
        "{}:{line}:{column}: {message}; fix the file by hand or restore it from a backup",
        .path.display()
    )]
    Parse { path: PathBuf, line: usize, column: usize, message: String },

    /// The file parses but its content is not acceptable (duplicate ids, wrong schema…).
    #[error("{}: {message}", .path.display())]
    Invalid { path: PathBuf, message: String },

    /// The study's codebook cannot be loaded.
    #[error(
        "the study's codebook {} cannot be used: {source}; fix `codebook` in study.toml or check the file with `tapecoder codebook check FILE`",
        .path.display()
    )]
    Codebook {
        path: PathBuf,
        #[source]
        source: CodebookError,
    },

    /// An id that would become a file name is not acceptable.
    #[error(transparent)]
    InvalidId(#[from] crate::ids::IdError),

    /// Free text (a name, a study variable) that cannot be stored.
    #[error("the {what} {text:?} is not allowed: {reason}")]
    InvalidText { what: &'static str, text: String, reason: String },

    #[error(
        "unknown coder {id:?} in {}; known coders: {}. A supervisor can add one with `tapecoder coders add {id} --name \"Full Name\"`",
        .coders_file.display(),
        if .known.is_empty() { "(none yet)".to_string() } else { .known.join(", ") }
    )]
    UnknownCoder { id: String, known: Vec<String>, coders_file: PathBuf },

    #[error("unknown recording {id:?}: it is not in {}", .recordings_file.display())]
    UnknownRecording { id: String, recordings_file: PathBuf },

    #[error("coder {id:?} is not a supervisor: only a supervisor can {action}")]
    NotSupervisor { id: String, action: &'static str },

    /// The recording's audio file is not where recordings.toml says.
    #[error(
        "the audio of recording {recording} is missing: {} does not exist; put the file back, list the folder that holds it under [audio] search in study.toml, or ask the supervisor to fix recordings.toml",
        .path.display()
    )]
    AudioMissing { recording: String, path: PathBuf },

    /// The recording's audio file changed since it was imported.
    #[error(
        "the audio of recording {recording} has changed: {} has sha256 {actual} but was imported with {expected}; restore the original file (codings must refer to the audio they were made from)",
        .path.display()
    )]
    AudioChanged { recording: String, path: PathBuf, expected: String, actual: String },

    /// Another live instance holds the coding of this recording.
    #[error(
        "recording {recording} is already open for coder {coder} ({holder}); close the other tapecoder first. If it crashed on another computer, the lock at {} expires 30 s after its last heartbeat",
        .lock_path.display()
    )]
    Locked { coder: String, recording: String, holder: String, lock_path: PathBuf },

    /// A submitted coding is read-only.
    #[error(
        "the coding of {recording} by {coder} is already submitted and cannot be changed; ask a supervisor if it needs correcting"
    )]
    AlreadySubmitted { coder: String, recording: String },

    /// A signing key problem (key folder, key file, public key).
    #[error(transparent)]
    Identity(#[from] crate::identity::IdentityError),

    /// This process does not hold the private key of the identity it would sign for.
    #[error(
        "cannot act as {id:?}: this tapecoder does not hold {id}'s private key; only {id} can do this, with their own key folder"
    )]
    NotSigned { id: String },

    /// A journal file is damaged.
    #[error("{}:{line}: {message}", .path.display())]
    Journal { path: PathBuf, line: usize, message: String },
}

impl StudyError {
    pub(crate) fn io(
        path: impl Into<PathBuf>,
        action: &'static str,
        hint: &'static str,
        source: std::io::Error,
    ) -> Self {
        StudyError::Io { path: path.into(), action, hint, source }
    }
}
