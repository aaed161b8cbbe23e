//! `tapecoder init DIR`: creates a study folder with the whole layout and a codebook in it.
use std::process::ExitCode;

use anyhow::{Context as _, Result};

use crate::cli::{GlobalArgs, InitArgs};
use crate::identity::{self, PublicKey};
use crate::study::{Study, check_text};

/// The handbook bundled with tapecoder, written into a study made without `--codebook`.
pub const HANDBOOK: &str = include_str!("../../codebook/handbook.toml");

pub fn run(_g: &GlobalArgs, a: &InitArgs) -> Result<ExitCode> {
    let name = match &a.name {
        Some(n) => n.clone(),
        None => a
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "Study".into()),
    };
    check_text("study name", &name)?;
    let (file_name, bytes, codebook) = match &a.codebook {
        None => {
            let cb = crate::codebook::parse(HANDBOOK, "bundled codebook/handbook.toml")
                .context("the bundled handbook is broken; report this")?;
            ("handbook.toml".to_string(), HANDBOOK.as_bytes().to_vec(), cb)
        }
        Some(path) => {
            let cb = crate::codebook::load(path).with_context(|| {
                format!(
                    "the codebook {} cannot be used; check it with `tapecoder codebook check FILE`",
                    path.display()
                )
            })?;
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read the codebook {}", path.display()))?;
            let stem =
                path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let file_name = if crate::ids::validate_id("codebook file", &stem).is_ok() {
                format!("{stem}.toml")
            } else {
                "codebook.toml".to_string()
            };
            (file_name, bytes, cb)
        }
    };
    let founder = match &a.key {
        Some(k) => PublicKey::parse(k)?,
        None => {
            let dir = identity::key_dir()?;
            identity::default_public(&dir).with_context(|| {
                "the study pins its founding supervisor's key: make yours first with `tapecoder keys init` (or pass --key PUBLIC_KEY)"
            })?
        }
    };
    Study::create(&a.dir, &name, &file_name, &bytes, codebook.tolerance, Some(&founder))?;
    // Prove the new study opens (codebook included) before saying it is ready.
    Study::open(&a.dir)?;
    let shown = crate::ids::sanitize_for_terminal(&name).into_owned();
    let dir = crate::ids::sanitize_for_terminal(&a.dir.display().to_string()).into_owned();
    println!("created study {shown:?} in {dir}");
    println!("founding supervisor's key pinned: {founder}");
    println!("next: the founding supervisor registers themself, then the coders, e.g.");
    println!("  tapecoder --study {dir} coders add ID --name \"Full Name\" --role supervisor");
    println!(
        "  tapecoder --study {dir} --as ID coders add CODER --name \"Full Name\" --key PUBLIC_KEY"
    );
    Ok(ExitCode::SUCCESS)
}
