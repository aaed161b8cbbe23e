//! `tapecoder code` (and bare `tapecoder`): the coder TUI (and `tapecoder gold edit`, the same app
//! for a supervisor writing gold codings). Opens the study, builds the coder app
//! and runs it on the shared runtime (`tui::runtime`), which owns the terminal loop, the player
//! and the disk thread.
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;

use crate::audio::output::Output;
use crate::cli::{CodeArgs, GlobalArgs};
use crate::study::Study;
use crate::tui::coder::App;
use crate::tui::coder::queue::QueueRow;
use crate::tui::coder::worker::CoderWorker;
use crate::tui::keys::{self, Keymap};
use crate::tui::{runtime, terminal};

pub use crate::tui::coder::worker::{gold_rows, new_coding, prepare_open, queue_rows};

pub fn run(g: &GlobalArgs, a: &CodeArgs) -> anyhow::Result<ExitCode> {
    let ctx = crate::commands::context::resolve(g)?;
    let coder = ctx.me()?.id.clone();
    let study = ctx.study;
    let rows = queue_rows(&study, &coder)?;
    let app = app(&study, &coder, rows, a)?;
    let worker = CoderWorker::new(Arc::new(study), coder);
    run_app(app, worker, a)
}

/// `tapecoder gold edit [REC]`: the same app for a supervisor writing gold codings.
pub fn run_gold(g: &GlobalArgs, a: &CodeArgs, select: Option<&str>) -> anyhow::Result<ExitCode> {
    let ctx = crate::commands::context::resolve(g)?;
    let me = ctx.supervisor("write gold codings")?.id.clone();
    let study = ctx.study;
    if let Some(id) = select {
        study.require_recording(id)?;
        crate::study::gold::require_first_instrument(&study, id)?;
    }
    let rows = gold_rows(&study, &me)?;
    let mut app = app(&study, &me, rows, a)?;
    app.gold = true;
    if let Some(i) = select.and_then(|id| app.queue.rows.iter().position(|r| r.id == id)) {
        app.queue.selected = i;
    }
    let worker = CoderWorker::gold(Arc::new(study), me);
    run_app(app, worker, a)
}

/// The coder app for `coder` on `rows`, with their keymap, speed and reaction offset.
fn app(study: &Study, coder: &str, rows: Vec<QueueRow>, a: &CodeArgs) -> anyhow::Result<App> {
    let keymap = match keys::default_path() {
        Some(p) => Keymap::load(&p)?,
        None => Keymap::default(),
    };
    // A count key that is also an action's key (or another count's) could never log it: checked
    // for every instrument of the study, since the queue may hold recordings of each.
    for book in study.codebooks() {
        if let Err(why) = keymap.count_keys(&book.items.counts) {
            let file = keys::default_path()
                .map_or_else(|| "keys.toml".into(), |p| p.display().to_string());
            anyhow::bail!("{file}: {why} (instrument {})", book.id);
        }
    }
    let mut app =
        App::new(Arc::new(study.codebook().clone()), keymap, coder, &study.config().name, rows);
    app.instruments = study.codebooks().iter().map(|b| Arc::new(b.clone())).collect();
    // The coder's playback speed (a missing or damaged prefs file is 1.0×, never an error).
    app.prefs = study.prefs(coder);
    app.reaction_offset_s = a.reaction_offset.unwrap_or(0.0);
    app.shell.mono = crate::tui::shell::Shell::mono_from(
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
    );
    Ok(app)
}

/// Opens the audio output, takes the terminal and runs `app` until it quits.
fn run_app(mut app: App, worker: CoderWorker, a: &CodeArgs) -> anyhow::Result<ExitCode> {
    // The device is opened before the terminal is taken, so nothing it prints can garble it.
    let output = Output::open(a.no_audio);
    app.shell.audio_detail = output.silent_detail().map(str::to_string);
    let mut guard = terminal::TerminalGuard::enter().context(terminal::NO_TERMINAL)?;
    runtime::run(&mut guard.terminal, app, worker, output)?;
    Ok(ExitCode::SUCCESS)
}
