//! `tapecoder migrate`: moves a schema-1 study (shared `queues/`, `codings/`, `journal/`) to the
//! schema-2 layout (one folder per coder), once, all or nothing, with a backup (see
//! [`crate::study::migrate`]). Supervisors only; every other command refuses a schema-1 study and
//! says to ask a supervisor for this.
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::GlobalArgs;
use crate::ids::sanitize_for_terminal;
use crate::study::{StudyError, migrate};

use super::context;

pub fn run(g: &GlobalArgs) -> Result<ExitCode> {
    let sd = context::resolve_dir(g)?;
    let study_file = crate::study::Layout::new(&sd.dir).study_file();
    if !study_file.is_file() {
        return Err(StudyError::NotAStudy { dir: sd.dir }.into());
    }
    let Some(actor) = context::requested_identity(g, sd.source) else {
        bail!(
            "who are you? only a supervisor can migrate a study: pass --as ID (your supervisor id)"
        );
    };
    crate::study::check_id("coder", &actor)?;
    // The same lock as every command that rewrites study files: none of them runs meanwhile.
    let lock = std::fs::File::open(&study_file).ok();
    if let Some(f) = &lock {
        crate::study::journal::lock_exclusive(f);
    }
    let dir_text = sd.dir.display().to_string();
    let shown = sanitize_for_terminal(&dir_text);
    match migrate::migrate(&sd.dir, &actor)? {
        None => println!("{shown} is already in the current layout (schema 2); nothing to do"),
        Some(m) => {
            println!("migrated {shown} to layout schema 2 (one folder per coder under coders/):");
            println!(
                "  {} file(s) moved, byte for byte (hashes and journal chains unchanged)",
                m.files_moved
            );
            println!("  backup of the old files: {}", m.backup);
            println!("  your journal records the migration (event `migrate`)");
            for f in &m.not_migrated {
                println!("  not migrated (kept only in the backup): {}", sanitize_for_terminal(f));
            }
            for f in &m.leftovers {
                println!(
                    "  could not remove the old {f}/ (it is in the backup): remove it by hand"
                );
            }
            println!(
                "next: `tapecoder verify`, then `tapecoder permissions` for the folder permissions that keep coders apart"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
