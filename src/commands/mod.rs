//! One module per subcommand: the glue between the command line and the layers below.
//!
//! Each `run` returns `anyhow::Result<ExitCode>`; errors name the file or id at fault and what the
//! user can do. The binary prints them and exits non-zero.
use std::process::ExitCode;

use crate::cli::{Cli, CodeArgs, Command};

pub mod adjudicate;
pub mod assign;
#[cfg(feature = "bench")]
pub mod bench;
pub mod calibration;
pub mod clip;
pub mod code;
pub mod codebook;
pub mod coders;
pub mod context;
pub mod demo;
pub mod drift;
pub mod export;
pub mod feedback;
pub mod gold;
pub mod import;
pub mod init;
pub mod join;
pub mod keys;
pub mod migrate;
pub mod permissions;
pub mod probe;
pub mod reliability;
pub mod status;
pub mod transcript;
pub mod verify;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let g = cli.global;
    match cli.command {
        None => code::run(&g, &cli.code),
        Some(Command::Code(a)) => {
            let reaction_offset = a.reaction_offset.or(cli.code.reaction_offset);
            code::run(&g, &CodeArgs { no_audio: a.no_audio || cli.code.no_audio, reaction_offset })
        }
        Some(Command::Init(a)) => init::run(&g, &a),
        Some(Command::Keys(c)) => keys::run(&c),
        Some(Command::Join(a)) => join::run(&g, &a),
        Some(Command::Coders(c)) => coders::run(&g, &c),
        Some(Command::Import(a)) => import::run(&g, &a),
        Some(Command::Assign(a)) => assign::run(&g, &a),
        Some(Command::Status(a)) => status::run(&g, &a),
        Some(Command::Probe(a)) => probe::run(&g, &a),
        Some(Command::Clip(a)) => clip::run(&g, &a),
        Some(Command::Reliability(a)) => reliability::run(&g, &a),
        Some(Command::Adjudicate(a)) => adjudicate::run(&g, &a),
        Some(Command::Export(a)) => export::run(&g, &a),
        Some(Command::Verify) => verify::run(&g),
        Some(Command::Drift(a)) => drift::run(&g, &a),
        Some(Command::Migrate) => migrate::run(&g),
        Some(Command::Permissions(a)) => permissions::run(&g, &a),
        Some(Command::Transcript(c)) => transcript::run(&g, &c),
        Some(Command::Gold(c)) => gold::run(&g, &c),
        Some(Command::Calibration(c)) => calibration::run(&g, &c),
        Some(Command::Feedback(a)) => feedback::run(&g, &a),
        Some(Command::Codebook(c)) => codebook::run(&g, &c),
        Some(Command::Demo(a)) => demo::run(&g, &a),
        #[cfg(feature = "bench")]
        Some(Command::Bench(a)) => bench::run(&g, &a),
    }
}
