//! `tapecoder keys init|show`: the person's own signing key (see [`crate::identity`]).
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::KeysCommand;
use crate::identity;

pub fn run(c: &KeysCommand) -> Result<ExitCode> {
    let dir = identity::key_dir()?;
    match c {
        KeysCommand::Init => {
            let (path, public) = identity::init(&dir)?;
            eprintln!(
                "created your private key {} (readable by you only; back it up, never share it)",
                path.display()
            );
            eprintln!("your public key (give it to your study's supervisor):");
            println!("{public}");
        }
        KeysCommand::Show => println!("{}", identity::default_public(&dir)?),
    }
    Ok(ExitCode::SUCCESS)
}
