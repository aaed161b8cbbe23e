//! `tapecoder bench ui`: the frame target of SPEC §10 — one frame drawn in under 5 ms at 200×60 —
//! on the coding screen of a busy two-hour recording (the state of
//! [`crate::tui::bench_support`], shared with `cargo bench --bench ui`) and on a queue of 1,000
//! recordings, drawn into a ratatui `TestBackend` (rendering and the diff, without terminal I/O).
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde::Serialize;

use super::{Machine, Stat, machine, ms};
use crate::cli::{BenchArgs, TableOrJson};
use crate::tui::bench_support::{self, HEIGHT, START_S, WIDTH};
use crate::tui::coder as screens;
use crate::tui::coder::queue::{QueueRow, RowStatus};
use crate::tui::coder::{App, Msg, update};
use crate::tui::keys::Keymap;

/// SPEC §10: a frame in under 5 ms.
pub const FRAME_TARGET_MS: f64 = 5.0;
/// Frames drawn per run.
const FRAMES_PER_RUN: usize = 100;
/// Frames drawn before timing starts.
const WARM_UP: usize = 20;

#[derive(Debug, Serialize)]
struct Report {
    machine: Machine,
    width: u16,
    height: u16,
    frames: usize,
    /// The coding screen of a two-hour recording with 60 segments and 60 notes, playing.
    coding_frame: Stat,
    /// The same with the transcript pane (2,400 cues) focused and a search active.
    transcript_frame: Stat,
    /// The queue screen with 1,000 recordings, the selection moving down one row per frame.
    queue_frame: Stat,
    /// A count logged with its key (update) and the coding screen drawn (view) at 120×40, on a
    /// two-hour recording with 2,000 events (the MI-fidelity instrument), playing.
    count_log_frame: Stat,
}

pub fn run(a: &BenchArgs) -> anyhow::Result<ExitCode> {
    let frames = a.runs as usize * FRAMES_PER_RUN;
    let book =
        crate::codebook::parse(crate::commands::init::HANDBOOK, "bundled codebook/handbook.toml")
            .context("the bundled handbook does not load")?;
    let mut term = Terminal::new(TestBackend::new(WIDTH, HEIGHT))
        .context("cannot create the test terminal")?;

    let mut app = bench_support::busy_coding_app(&book)?;
    let mut pos = START_S;
    let mut coding = Vec::with_capacity(frames);
    for i in 0..WARM_UP + frames {
        let t = Instant::now();
        // The playhead moves every frame, as while playing.
        pos += 0.04;
        bench_support::advance(&mut app, pos);
        term.draw(|f| screens::draw(f, &app)).context("drawing the coding screen")?;
        if i >= WARM_UP {
            coding.push(ms(t.elapsed()));
        }
    }

    let mut app = bench_support::busy_coding_app_with_transcript(&book)?;
    let mut pos = START_S;
    let mut transcript = Vec::with_capacity(frames);
    for i in 0..WARM_UP + frames {
        let t = Instant::now();
        pos += 0.04;
        bench_support::advance(&mut app, pos);
        term.draw(|f| screens::draw(f, &app)).context("drawing the transcript pane")?;
        if i >= WARM_UP {
            transcript.push(ms(t.elapsed()));
        }
    }

    let rows = (1..=1000)
        .map(|i| QueueRow {
            id: format!("R{i:04}"),
            duration_s: 1800.0 + f64::from(i % 60) * 60.0,
            status: match i % 3 {
                0 => RowStatus::Submitted,
                1 => RowStatus::InProgress,
                _ => RowStatus::NotStarted,
            },
            listened: f64::from(i % 100) / 100.0,
            problem: None,
            training: false,
            gold: false,
        })
        .collect();
    let mut app = App::new(Arc::new(book), Keymap::default(), "c01", "Bench", rows);
    update(&mut app, Msg::Resize(WIDTH, HEIGHT));
    let mut queue = Vec::with_capacity(frames);
    for i in 0..WARM_UP + frames {
        let t = Instant::now();
        update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Down)));
        term.draw(|f| screens::draw(f, &app)).context("drawing the queue screen")?;
        if i >= WARM_UP {
            queue.push(ms(t.elapsed()));
        }
    }

    let counts = count_frames(frames)?;

    let report = Report {
        machine: machine(),
        width: WIDTH,
        height: HEIGHT,
        frames,
        coding_frame: Stat::of(coding, FRAME_TARGET_MS),
        transcript_frame: Stat::of(transcript, FRAME_TARGET_MS),
        queue_frame: Stat::of(queue, FRAME_TARGET_MS),
        count_log_frame: Stat::of(counts, FRAME_TARGET_MS),
    };
    match a.format {
        TableOrJson::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        TableOrJson::Table => {
            println!("machine: {} CPUs, {}", report.machine.cpus, report.machine.cpu_model);
            println!("{frames} frames each at {WIDTH}×{HEIGHT} (after {WARM_UP} unmeasured)");
            println!(
                "{:<48} {:>10} {:>10} {:>10} {:>5}",
                "measure", "median ms", "max ms", "target ms", "met"
            );
            for (what, st) in [
                ("coding screen frame (2 h, 60 segments, playing)", &report.coding_frame),
                ("… with the transcript pane and a search", &report.transcript_frame),
                ("queue screen frame (1,000 recordings)", &report.queue_frame),
                ("count logged + frame at 120×40 (2 h, 2,000 events)", &report.count_log_frame),
            ] {
                println!(
                    "{:<48} {:>10.3} {:>10.3} {:>10.0} {:>5}",
                    what,
                    st.median_ms,
                    st.max_ms,
                    st.target_ms,
                    if st.met { "yes" } else { "NO" }
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Issue #14: a count logged with its key and the coding screen drawn at 120×40, `frames` times
/// (after the warm-up), on a two-hour recording with 2,000 events; each undone, unmeasured.
fn count_frames(frames: usize) -> anyhow::Result<Vec<f64>> {
    let mi =
        bench_support::mi_fidelity().context("the bundled MI-fidelity instrument does not load")?;
    let mut app = bench_support::counts_coding_app(&mi)?;
    let mut count_term =
        Terminal::new(TestBackend::new(bench_support::COUNT_WIDTH, bench_support::COUNT_HEIGHT))
            .context("cannot create the test terminal")?;
    let mut pos = START_S;
    let mut counts = Vec::with_capacity(frames);
    for i in 0..WARM_UP + frames {
        pos += 0.04;
        bench_support::advance(&mut app, pos);
        let t = Instant::now();
        update(&mut app, bench_support::count_key(&mi));
        count_term.draw(|f| screens::draw(f, &app)).context("drawing the coding screen")?;
        if i >= WARM_UP {
            counts.push(ms(t.elapsed()));
        }
        // Back to 2,000 events (not measured).
        update(&mut app, Msg::Key(KeyEvent::from(KeyCode::Char('u'))));
    }

    Ok(counts)
}
