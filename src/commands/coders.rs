//! `tapecoder coders add|list`: the study's coders and supervisors, each with a public key.
//!
//! The first person registered is the founding supervisor, whose key `init` pinned in study.toml
//! (they register themself, with their own key). After that only a supervisor (`--as ID`, holding
//! their key) registers coders, each with the public key the coder's `tapecoder keys show` printed.
//! Every registration is a signed `coder_added` line in the supervisor's journal. A person can
//! also ask with `tapecoder join` (see [`crate::study::join`]); a supervisor then lists the
//! requests with `coders requests` and registers one with `coders approve`.
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};

use crate::cli::{CodersCommand, GlobalArgs, RoleArg};
use crate::identity::{KeyRing, PublicKey};
use crate::ids::sanitize_for_terminal;
use crate::study::join;
use crate::study::model::{Coder, Role};

use super::context::{self, Context};

pub fn run(g: &GlobalArgs, c: &CodersCommand) -> Result<ExitCode> {
    let mut ctx = context::resolve_for_writing(g)?;
    match c {
        CodersCommand::Add { id, name, role, key } => {
            crate::study::check_id("coder", id)?;
            crate::study::check_text("coder name", name)?;
            let role = role_of(*role);
            let has_supervisor = ctx.study.coders().iter().any(|c| c.role == Role::Supervisor);
            let (actor, key) = if has_supervisor {
                let actor = ctx.supervisor("register coders")?.id.clone();
                let Some(key) = key else {
                    bail!(
                        "--key PUBLIC_KEY is needed: {id} runs `tapecoder keys init` and gives you the line `tapecoder keys show` prints"
                    );
                };
                (actor, PublicKey::parse(key)?)
            } else {
                (id.clone(), founder_key(&mut ctx, id, role, key.as_deref())?)
            };
            let coder =
                Coder { id: id.clone(), name: name.clone(), role, key: Some(key.to_string()) };
            ctx.study.add_coder(coder, &actor)?;
            println!(
                "added {} {id} ({})",
                if role == Role::Supervisor { "supervisor" } else { "coder" },
                sanitize_for_terminal(name)
            );
            Ok(ExitCode::SUCCESS)
        }
        CodersCommand::Requests => requests(&ctx),
        CodersCommand::Approve { id, fingerprint, role } => {
            approve(&mut ctx, id, fingerprint, role_of(*role))
        }
        CodersCommand::List => {
            ctx.supervisor("list the coders")?;
            println!("{:<16} {:<11} {:<72} name", "id", "role", "public key");
            for c in ctx.study.coders() {
                let role = if c.role == Role::Supervisor { "supervisor" } else { "coder" };
                let key = c.key.as_deref().unwrap_or("(none)");
                println!("{:<16} {:<11} {key:<72} {}", c.id, role, sanitize_for_terminal(&c.name));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn role_of(role: RoleArg) -> Role {
    match role {
        RoleArg::Coder => Role::Coder,
        RoleArg::Supervisor => Role::Supervisor,
    }
}

/// `coders requests`: every waiting join request, with its short fingerprint and whether its
/// signature holds.
fn requests(ctx: &Context) -> Result<ExitCode> {
    ctx.supervisor("see the join requests")?;
    let ids = ctx.study.join_request_ids()?;
    if ids.is_empty() {
        println!("no join requests in {}", ctx.study.layout().join_dir().display());
        return Ok(ExitCode::SUCCESS);
    }
    println!("{:<16} {:<20} {:<26} name", "id", "fingerprint", "asked at");
    for id in ids {
        match ctx.study.join_request(&id)? {
            None => {}
            Some(Err(e)) => println!("{id:<16} (cannot be read: {e})"),
            Some(Ok(r)) => {
                let fp = match r.verified_key() {
                    Ok(k) => join::short_fingerprint(&k),
                    Err(why) => format!("FORGED: {why}"),
                };
                println!(
                    "{id:<16} {fp:<20} {:<26} {}",
                    sanitize_for_terminal(&r.requested_at),
                    sanitize_for_terminal(&r.name)
                );
            }
        }
    }
    println!(
        "Register one with `tapecoder coders approve ID --fingerprint F` once the person has read you F themself (in person or on the phone)."
    );
    Ok(ExitCode::SUCCESS)
}

/// `coders approve`: registers `id` with the key of their join request, if its signature holds
/// and `typed` is its fingerprint; then removes the request.
fn approve(ctx: &mut Context, id: &str, typed: &str, role: Role) -> Result<ExitCode> {
    crate::study::check_id("coder", id)?;
    let actor = ctx.supervisor("register coders")?.id.clone();
    let path = ctx.study.layout().join_file(id)?;
    let Some(request) = ctx.study.join_request(id)? else {
        bail!(
            "no join request from {id} in {}: they run `tapecoder join {id} --name \"Full Name\"` in the study folder first",
            ctx.study.layout().join_dir().display()
        );
    };
    let request = request?;
    let key = request
        .verified_key()
        .map_err(|why| anyhow::anyhow!("{}: refused: {why}", path.display()))?;
    if !join::fingerprint_matches(&key, typed) {
        bail!(
            "refused: {typed:?} is not the fingerprint of the key in {} (or is shorter than {} hex digits). Ask {id} to read you the fingerprint `tapecoder join` showed them; if it differs, someone else wrote the request: delete it",
            path.display(),
            join::SHORT_FINGERPRINT
        );
    }
    crate::study::check_text("coder name", &request.name)?;
    let coder =
        Coder { id: id.to_string(), name: request.name.clone(), role, key: Some(key.to_string()) };
    ctx.study.add_coder(coder, &actor)?;
    // The request is done with; if it cannot be removed, `coders requests` still lists it.
    let _ = std::fs::remove_file(&path);
    println!(
        "added {} {id} ({}) with key fingerprint {}",
        if role == Role::Supervisor { "supervisor" } else { "coder" },
        sanitize_for_terminal(&request.name),
        join::short_fingerprint(&key)
    );
    Ok(ExitCode::SUCCESS)
}

/// The founding supervisor registering themself: their key must be the one pinned in study.toml
/// and they must hold it. Gives the study their signer.
fn founder_key(ctx: &mut Context, id: &str, role: Role, key: Option<&str>) -> Result<PublicKey> {
    let study_file = ctx.study.layout().study_file();
    if role != Role::Supervisor {
        bail!(
            "the first person registered in a study is its founding supervisor: register yourself first with `tapecoder coders add {id} --name \"Full Name\" --role supervisor`"
        );
    }
    let Some(founder) = ctx.study.config().founder.clone() else {
        bail!(
            "{} pins no founding supervisor (`founder`), so nobody can be trusted to register coders; create the study with `tapecoder init`",
            study_file.display()
        );
    };
    let dirs = context::key_folders(&ctx.study, ctx.source)?;
    let public = match key {
        Some(k) => PublicKey::parse(k)?,
        None => KeyRing::load(&dirs)?.public_with_fingerprint(&founder).with_context(|| {
            format!(
                "only the founding supervisor pinned in {} can register first, and your key folder {} holds no matching key",
                study_file.display(),
                dirs.first().map(|d| d.display().to_string()).unwrap_or_default()
            )
        })?,
    };
    if !public.fingerprint().eq_ignore_ascii_case(&founder) {
        bail!(
            "{public} is not the founding supervisor's key pinned in {} (fingerprint {founder}); only the founding supervisor can register first",
            study_file.display()
        );
    }
    let me = Coder { id: id.to_string(), name: String::new(), role, key: Some(public.to_string()) };
    let signer = context::prove(&ctx.study, &me, ctx.source)?;
    ctx.study.add_signer(signer);
    Ok(public)
}
