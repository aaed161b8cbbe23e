//! `tapecoder adjudicate [--no-audio]`: the supervisor's adjudication TUI (SPEC §7). Checks the
//! role, reads what needs adjudicating, opens the audio output before the terminal is taken,
//! builds the supervisor app and runs it on the shared runtime (`tui::runtime`). The only files it
//! ever writes are `supervisor/adjudications/<recording>.toml`, with its journal line, through
//! [`Study::save_adjudication`](crate::study::Study::save_adjudication), and the draft autosaved
//! meanwhile, `supervisor/drafts/<recording>.toml`, both on the disk thread. Codings are only
//! read.
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, bail};

use crate::audio::output::Output;
use crate::cli::{AdjudicateArgs, GlobalArgs};
use crate::study::model::Role;
use crate::tui::keys::{self, Keymap};
use crate::tui::supervisor::AdjApp;
use crate::tui::supervisor::worker::SupervisorWorker;
use crate::tui::{runtime, terminal};

use super::context;

pub use crate::tui::supervisor::worker::{load_cases, save};

pub fn run(g: &GlobalArgs, a: &AdjudicateArgs) -> anyhow::Result<ExitCode> {
    let ctx = context::resolve(g)?;
    let me = ctx.me()?.clone();
    if me.role != Role::Supervisor {
        bail!(
            "`tapecoder adjudicate` is for supervisors: {} is registered with role \"coder\" in {}. \
             Coders never see each other's scores; ask a supervisor",
            me.id,
            ctx.study.layout().coders_file().display()
        );
    }
    let study = ctx.study;
    let cases = load_cases(&study)?;
    let keymap = match keys::default_path() {
        Some(p) => Keymap::load(&p)?,
        None => Keymap::default(),
    };
    // The device opens before the terminal is taken, so nothing the audio stack prints lands
    // on the TUI.
    let output = Output::open(a.no_audio);
    let mut app = AdjApp::new(
        Arc::new(study.codebook().clone()),
        keymap,
        &me.id,
        &study.config().name,
        study.config().reliability.tolerance,
        cases,
    );
    app.instruments = study.codebooks().iter().map(|b| Arc::new(b.clone())).collect();
    app.shell.audio_detail = output.silent_detail().map(str::to_string);
    app.shell.mono = crate::tui::shell::Shell::mono_from(
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
    );
    let worker = SupervisorWorker { study: Arc::new(study) };
    let mut guard = terminal::TerminalGuard::enter().context(terminal::NO_TERMINAL)?;
    runtime::run(&mut guard.terminal, app, worker, output)?;
    Ok(ExitCode::SUCCESS)
}
