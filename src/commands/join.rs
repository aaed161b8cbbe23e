//! `tapecoder join ID --name N`: ask to be registered in a study, without e-mailing keys around
//! (see [`crate::study::join`] for what a request proves and what the supervisor checks).
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::cli::{GlobalArgs, JoinArgs};
use crate::identity::{self, Signer};
use crate::ids::sanitize_for_terminal;
use crate::study::join::{JoinRequest, short_fingerprint};
use crate::study::journal::now_rfc3339;

use super::context;

pub fn run(g: &GlobalArgs, a: &JoinArgs) -> Result<ExitCode> {
    crate::study::check_id("coder", &a.id)?;
    crate::study::check_text("your name", &a.name)?;
    let ctx = context::resolve(g)?;
    let dir = identity::key_dir()?;
    let key = identity::default_key(&dir).with_context(|| {
        format!(
            "a join request is signed with your own key, and {} holds none: run `tapecoder keys init` first",
            dir.display()
        )
    })?;
    let signer = Signer::new(a.id.clone(), key);
    let request = JoinRequest::signed(&a.id, &a.name, &signer, &now_rfc3339());
    let path = ctx.study.write_join_request(&request)?;
    println!(
        "asked to join as {} ({}): {}",
        a.id,
        sanitize_for_terminal(&a.name),
        sanitize_for_terminal(&ctx.study.layout().relative(&path))
    );
    println!("your key's fingerprint: {}", short_fingerprint(&signer.public()));
    println!(
        "Read this fingerprint to a supervisor of the study in person or on the phone (not by e-mail or chat); they register you with `tapecoder coders approve {} --fingerprint ...`.",
        a.id
    );
    Ok(ExitCode::SUCCESS)
}
