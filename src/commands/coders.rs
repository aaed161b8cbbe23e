//! `tapecoder coders add|list`: the study's coders and supervisors.
//!
//! Once a study has a supervisor, only a supervisor (`--as ID`) can register coders; before that,
//! anyone may (that is how the first supervisor is registered).
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{CodersCommand, GlobalArgs, RoleArg};
use crate::ids::sanitize_for_terminal;
use crate::study::model::{Coder, Role};

use super::context;

pub fn run(g: &GlobalArgs, c: &CodersCommand) -> Result<ExitCode> {
    let mut ctx = context::resolve_for_writing(g)?;
    match c {
        CodersCommand::Add { id, name, role } => {
            crate::study::check_id("coder", id)?;
            crate::study::check_text("coder name", name)?;
            let has_supervisor = ctx.study.coders().iter().any(|c| c.role == Role::Supervisor);
            let actor = if has_supervisor {
                Some(ctx.supervisor("register coders")?.id.clone())
            } else {
                None
            };
            let role = match role {
                RoleArg::Coder => Role::Coder,
                RoleArg::Supervisor => Role::Supervisor,
            };
            let coder = Coder { id: id.clone(), name: name.clone(), role };
            ctx.study.add_coder(coder, actor.as_deref())?;
            println!(
                "added {} {id} ({})",
                if role == Role::Supervisor { "supervisor" } else { "coder" },
                sanitize_for_terminal(name)
            );
            Ok(ExitCode::SUCCESS)
        }
        CodersCommand::List => {
            ctx.supervisor("list the coders")?;
            println!("{:<16} {:<11} name", "id", "role");
            for c in ctx.study.coders() {
                let role = if c.role == Role::Supervisor { "supervisor" } else { "coder" };
                println!("{:<16} {:<11} {}", c.id, role, sanitize_for_terminal(&c.name));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
