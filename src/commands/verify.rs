//! `tapecoder verify`: proves the study is intact (see [`crate::study::verify`]). A supervisor (or
//! anyone without an identity) checks everything; a coder checks only their own files.
use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use indicatif::ProgressBar;

use crate::cli::GlobalArgs;
use crate::study::model::{CodersFile, Role};
use crate::study::verify::{Scope, verify};

use super::context;

pub fn run(g: &GlobalArgs) -> Result<ExitCode> {
    let sd = context::resolve_dir(g)?;
    if !sd.dir.join(crate::study::locate::STUDY_FILE).is_file() {
        return Err(crate::study::StudyError::NotAStudy { dir: sd.dir }.into());
    }
    let scope = match context::requested_identity(g, sd.source) {
        None => Scope::All,
        Some(id) => {
            crate::study::check_id("coder", &id)?;
            let coders: CodersFile =
                crate::study::files::read_toml(&crate::study::Layout::new(&sd.dir).coders_file())?;
            match coders.coders.iter().find(|c| c.id == id) {
                Some(c) if c.role == Role::Supervisor => Scope::All,
                Some(_) => Scope::Coder(id),
                None => {
                    return Err(crate::study::StudyError::UnknownCoder {
                        id,
                        known: coders.coders.iter().map(|c| c.id.clone()).collect(),
                        coders_file: crate::study::Layout::new(&sd.dir).coders_file(),
                    }
                    .into());
                }
            }
        }
    };
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    let report = verify(&sd.dir, &scope, |p| bar.set_message(format!("hashing {}", p.display())));
    bar.finish_and_clear();
    let whose = match &scope {
        Scope::All => "the whole study".to_string(),
        Scope::Coder(id) => format!("the files of coder {id}"),
    };
    println!(
        "verified {whose} in {}:",
        crate::ids::sanitize_for_terminal(&sd.dir.display().to_string())
    );
    println!("  {} file(s) parsed", report.files_parsed);
    println!("  {} submitted coding(s) match their journal hash", report.submitted_matched);
    if scope == Scope::All {
        println!("  {} adjudication(s) match their journal hash", report.adjudications_matched);
        println!("  {} received coding(s) unchanged since their receipt", report.receipts_matched);
        println!("  {} transcript(s) match their journal hash", report.transcripts_matched);
    }
    println!(
        "  {} journal(s), {} line(s), chains and signatures checked",
        report.journals, report.journal_lines
    );
    println!("  {} audio file(s) present and unchanged", report.audio_checked);
    if report.ok() {
        println!("no problems found");
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("{} problem(s) found:", report.problems.len());
    for p in &report.problems {
        eprintln!("  {}", crate::ids::sanitize_for_terminal(p));
    }
    Ok(ExitCode::FAILURE)
}
