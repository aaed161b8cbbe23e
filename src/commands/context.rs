//! Which study a command works on and who is running it (SPEC §4), shared by every command.
//!
//! The study folder is `--study DIR` (clap also reads `TAPECODER_STUDY` into it), else the nearest
//! folder upwards from the working directory holding `study.toml`, else the working copy of the
//! bundled sample study (see [`crate::commands::demo`]). The identity is `--as ID` (or
//! `TAPECODER_CODER`); in the sample study it defaults to `demo`.
//!
//! Claiming a registered identity needs its private key: opening the study looks in the key
//! folder ([`crate::identity::key_dir`]; for the bundled sample study also its own `keys/`) for
//! the key whose public key coders.toml registers for the id, and refuses without it. The key is
//! then given to the study, which signs every journal line with it.
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

use crate::cli::GlobalArgs;
use crate::identity::{self, KeyRing, PublicKey, Signer};
use crate::study::model::{Coder, Role};
use crate::study::{Study, StudyError, locate};

/// The identity used in the sample study when none is given.
pub const SAMPLE_IDENTITY: &str = "demo";

/// Where the study folder came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `--study` or `TAPECODER_STUDY`.
    Given,
    /// Found upwards from the working directory.
    Found,
    /// The working copy of the bundled sample study.
    Sample,
}

/// The resolved study folder, before opening it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyDir {
    pub dir: PathBuf,
    pub source: Source,
}

/// An open study and the identity asked for (checked when used, so a supervisor can register the
/// first coders before anyone exists).
#[derive(Debug)]
pub struct Context {
    pub study: Study,
    pub source: Source,
    /// The id from `--as` / `TAPECODER_CODER` (or `demo` in the sample study), unchecked.
    pub requested: Option<String>,
    /// Held by commands that change the study (see [`resolve_for_writing`]); released on drop.
    _writing: Option<std::fs::File>,
}

impl Context {
    /// Who is running the command: a registered coder, or an error saying how to say who you are.
    pub fn me(&self) -> Result<&Coder> {
        let Some(id) = &self.requested else {
            let known: Vec<&str> = self.study.coders().iter().map(|c| c.id.as_str()).collect();
            bail!(
                "who are you? pass --as ID or set TAPECODER_CODER to your coder id (coders in {}: {})",
                self.study.layout().coders_file().display(),
                if known.is_empty() { "none yet".to_string() } else { known.join(", ") }
            );
        };
        Ok(self.study.require_coder(id)?)
    }

    /// The identity, which must be a supervisor; `action` says what needs the role.
    pub fn supervisor(&self, action: &'static str) -> Result<&Coder> {
        let me = self.me()?;
        if me.role != Role::Supervisor {
            return Err(
                crate::study::StudyError::NotSupervisor { id: me.id.clone(), action }.into()
            );
        }
        Ok(me)
    }
}

/// Finds the study folder (without opening it).
pub fn resolve_dir(g: &GlobalArgs) -> Result<StudyDir> {
    if let Some(dir) = g.study.as_ref().filter(|d| !d.as_os_str().is_empty()) {
        return Ok(StudyDir { dir: dir.clone(), source: Source::Given });
    }
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    if let Some(dir) = locate::find_upwards(&cwd) {
        return Ok(StudyDir { dir, source: Source::Found });
    }
    let dir = super::demo::working_copy(false).context(
        "no study here: no study.toml in this folder or above it, and the sample study is unavailable; pass --study DIR or create one with `tapecoder init DIR`",
    )?;
    Ok(StudyDir { dir, source: Source::Sample })
}

/// The identity asked for: `--as` / `TAPECODER_CODER`, else `demo` in the sample study.
pub fn requested_identity(g: &GlobalArgs, source: Source) -> Option<String> {
    match (&g.as_coder, source) {
        (Some(id), _) if !id.is_empty() => Some(id.clone()),
        (_, Source::Sample) => Some(SAMPLE_IDENTITY.to_string()),
        _ => None,
    }
}

/// Resolves and opens the study; the identity is checked when a command asks for it.
pub fn resolve(g: &GlobalArgs) -> Result<Context> {
    open(g, resolve_dir(g)?, None)
}

/// [`resolve`] for a study folder found already (with [`resolve_dir`]).
pub fn resolve_in(g: &GlobalArgs, sd: StudyDir) -> Result<Context> {
    open(g, sd, None)
}

fn open(g: &GlobalArgs, sd: StudyDir, writing: Option<std::fs::File>) -> Result<Context> {
    let mut study = Study::open(&sd.dir).map_err(|e| match e {
        StudyError::OldLayout { dir, .. } => {
            StudyError::OldLayout { dir, sample: sd.source == Source::Sample }
        }
        e => e,
    })?;
    let requested = requested_identity(g, sd.source);
    if let Some(id) = &requested {
        crate::study::check_id("coder", id)?;
        if let Some(coder) = study.coder(id).cloned() {
            let signer = prove(&study, &coder, sd.source)?;
            study.add_signer(signer);
            if coder.role == Role::Supervisor {
                // The supervisors' journals, read once for both.
                let journals =
                    crate::study::verify::SupervisorJournals::read(study.layout(), study.coders());
                check_supervisor(&study, &coder, &journals)?;
                // The supervisor's receipt of every submitted coding not received before.
                study.record_receipts_with(&coder.id, &journals)?;
            }
        }
    }
    Ok(Context { study, source: sd.source, requested, _writing: writing })
}

/// Refuses a supervisor whose role or key coders.toml grants but no signed registration from
/// the founding supervisor does (a hand-edited coders.toml).
fn check_supervisor(
    study: &Study,
    coder: &Coder,
    journals: &crate::study::verify::SupervisorJournals,
) -> Result<()> {
    let key = coder.key.as_deref().unwrap_or_default();
    let l = study.layout();
    if !crate::study::verify::trusted_supervisor_in(journals, study.config(), &coder.id, key) {
        bail!(
            "refused: {} says {} is a supervisor with key {key}, but {} is not registered as a supervisor by a signed journal starting from the founding supervisor pinned in {}; run `tapecoder verify` and restore coders.toml from a backup",
            l.coders_file().display(),
            coder.id,
            coder.id,
            l.study_file().display()
        );
    }
    Ok(())
}

/// The folders searched for private keys: the key folder, and for the bundled sample study (its
/// working copy or the source tree's) the study's own `keys/`, which holds the fictional people's.
pub fn key_folders(study: &Study, source: Source) -> Result<Vec<PathBuf>> {
    let mut dirs = vec![identity::key_dir()?];
    if source == Source::Sample || super::demo::is_bundled_sample(study.dir()) {
        dirs.push(study.dir().join("keys"));
    }
    Ok(dirs)
}

/// The private key of `coder`, found in the key folders, or a refusal that names only `coder`.
pub fn prove(study: &Study, coder: &Coder, source: Source) -> Result<Signer> {
    let id = &coder.id;
    let Some(registered) = &coder.key else {
        bail!(
            "{id} has no public key registered in {}, so nobody can act as {id} yet. If you are {id}: run `tapecoder keys init` and give the line `tapecoder keys show` prints to a supervisor of the study",
            study.layout().coders_file().display()
        );
    };
    let public = PublicKey::parse(registered).with_context(|| {
        format!("the key of {id} in {}", study.layout().coders_file().display())
    })?;
    let dirs = key_folders(study, source)?;
    let ring = KeyRing::load(&dirs)?;
    let Some(key) = ring.find(&public) else {
        bail!(
            "refused: acting as {id} needs {id}'s private key, and {} holds none matching the key registered for {id} ({public}). If you are {id}, put your key file there or set TAPECODER_KEY_DIR to the folder that holds it",
            dirs.first().map(|d| d.display().to_string()).unwrap_or_default()
        );
    };
    Ok(Signer::new(id.clone(), key))
}

/// Like [`resolve`], for a command that reads, changes and rewrites study files (coders add,
/// import, assign): it first takes an exclusive advisory lock on `study.toml` (which such commands
/// never replace), so two of them at once on this machine run one after the other and neither
/// loses the other's change. Where the file system has no locks, it goes ahead unlocked.
pub fn resolve_for_writing(g: &GlobalArgs) -> Result<Context> {
    let sd = resolve_dir(g)?;
    let lock = std::fs::File::open(crate::study::locate::Layout::new(&sd.dir).study_file()).ok();
    if let Some(f) = &lock {
        crate::study::journal::lock_exclusive(f);
    }
    open(g, sd, lock)
}
