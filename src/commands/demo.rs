//! `tapecoder demo`: the working copy of the bundled sample study.
//!
//! The sample study (`sample-sessions/` and `codebook/` in the source tree) is copied on first use
//! into `<data dir>/tapecoder/sample/`, keeping the two folders side by side so the study's relative
//! codebook path (`../codebook/handbook.toml`) still works. The source tree stays clean and the tour
//! can be repeated: `--reset` restores the copy, after asking on the terminal (or with `--yes`; with
//! no terminal and no `--yes` it refuses rather than wipe the demo coder's work unasked).
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};

use crate::cli::{DemoArgs, GlobalArgs};

/// The bundled sample study and codebook, in the source tree tapecoder was built from.
fn bundled_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `dir` is the bundled sample study or its working copy (whose fictional people's keys
/// are in its `keys/`).
pub fn is_bundled_sample(dir: &Path) -> bool {
    let Ok(dir) = dir.canonicalize() else { return false };
    let bundled = bundled_root().join("sample-sessions").canonicalize().ok();
    let copy = working_root().ok().and_then(|r| r.join("sample-sessions").canonicalize().ok());
    bundled.as_deref() == Some(dir.as_path()) || copy.as_deref() == Some(dir.as_path())
}

/// `<data dir>/tapecoder/sample`.
pub fn working_root() -> Result<PathBuf> {
    let base = directories::BaseDirs::new()
        .context("cannot find your home folder to keep the sample study in; set HOME")?;
    Ok(base.data_dir().join("tapecoder").join("sample"))
}

/// The sample study's working copy, made (or, with `reset`, remade) from the bundled one.
pub fn working_copy(reset: bool) -> Result<PathBuf> {
    let src = bundled_root();
    let src_study = src.join("sample-sessions");
    if !src_study.join("study.toml").is_file() {
        bail!(
            "the bundled sample study is not available: {} does not exist (this tapecoder was built without it); use `tapecoder init DIR` to make a study",
            src_study.join("study.toml").display()
        );
    }
    let root = working_root()?;
    let study = root.join("sample-sessions");
    if !reset && study.join("study.toml").is_file() {
        return Ok(study);
    }
    let parent = root.parent().unwrap_or(&root).to_path_buf();
    fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    // Build the copy beside the old one, then swap, so a failed copy leaves the old one usable.
    let tmp = parent.join(format!(".sample.tmp-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let copied = copy_dir(&src_study, &tmp.join("sample-sessions"))
        .and_then(|()| copy_dir(&src.join("codebook"), &tmp.join("codebook")));
    if let Err(e) = copied {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e)
            .with_context(|| format!("cannot copy the sample study into {}", root.display()));
    }
    if root.exists() {
        fs::remove_dir_all(&root)
            .with_context(|| format!("cannot remove the old sample copy {}", root.display()))?;
    }
    fs::rename(&tmp, &root)
        .with_context(|| format!("cannot move the sample study into {}", root.display()))?;
    Ok(study)
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let ty = entry.file_type()?;
        let target = to.join(entry.file_name());
        if ty.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if ty.is_file() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// What `--reset` would throw away, for the question: the demo coder's codings, if the copy opens.
fn work_at_stake(study: &Path) -> String {
    let n = crate::study::Study::open(study).and_then(|s| s.codings_of("demo")).map(|c| c.len());
    match n {
        Ok(n) => format!("every change in {}, including demo's {n} coding(s)", study.display()),
        Err(_) => format!("every change in {}", study.display()),
    }
}

/// Asks on the terminal before `--reset` wipes an existing working copy; `Ok(false)` = declined.
fn confirm_reset(study: &Path, yes: bool) -> Result<bool> {
    if yes || !study.join("study.toml").is_file() {
        return Ok(true);
    }
    let what = work_at_stake(study);
    if !io::stdin().is_terminal() {
        bail!(
            "`demo --reset` would throw away {what}, and stdin is not a terminal to ask; run `tapecoder demo --reset --yes` to restore it anyway"
        );
    }
    eprint!("This throws away {what}. Restore the sample study? [y/N] ");
    io::stderr().flush().context("cannot write to the terminal")?;
    let mut answer = String::new();
    io::stdin().read_line(&mut answer).context("cannot read the answer from the terminal")?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

pub fn run(_g: &GlobalArgs, a: &DemoArgs) -> Result<ExitCode> {
    let existed =
        working_root().map(|r| r.join("sample-sessions/study.toml").is_file()).unwrap_or(false);
    if a.reset && !confirm_reset(&working_root()?.join("sample-sessions"), a.yes)? {
        println!("nothing changed: the sample study's working copy is as it was");
        return Ok(ExitCode::SUCCESS);
    }
    let dir = working_copy(a.reset)?;
    let what = if a.reset {
        "restored"
    } else if existed {
        "ready"
    } else {
        "copied"
    };
    println!("sample study {what}: {}", dir.display());
    println!(
        "run `tapecoder` from any folder without a study to open it (you are `demo`), or `tapecoder --study {}`",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
