//! `tapecoder bench zoom --file F`: how long the zoom strip takes to decode its ±15 s window
//! around the playhead (issue #11: at its own resolution, fast enough to scrub), at ten
//! positions spread over the file, beside `ffmpeg -v error -ss T -t 30 -i F -f null -` decoding
//! the same 30 s.
//!
//! Per position, with a zoom decoder opened on the file once (its MP3 seek index built, as in
//! the TUI a moment after opening):
//! - *first tile*: the 10 s tile under the playhead (a seek, then 10 s of packets): what the
//!   strip shows first;
//! - *window*: every tile of the ±15 s window (4 tiles, 40 s, as `ZoomPeaks::wanted` orders
//!   them), the strip complete;
//! - *scrub step*: the next tile forward (what moving the playhead 10 s on costs).
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;

use super::{Machine, Stat, have, machine, ms};
use crate::audio::zoom::{BUCKET_S, Decoder, TILE_S};
use crate::cli::{BenchArgs, TableOrJson};
use crate::tui::zoom::{Zoom, ZoomPeaks};

/// The strip is complete within this (a few frames: scrubbing stays smooth).
pub const WINDOW_TARGET_MS: f64 = 100.0;
/// Resolution target at ±15 s: at most 0.1 s of audio per column.
pub const COLUMN_TARGET_S: f64 = 0.1;
const POSITIONS: usize = 10;

#[derive(Debug, Serialize)]
struct Report {
    machine: Machine,
    file: String,
    duration_s: f64,
    /// Seconds of audio per zoom bucket (each column of a strip at most 0.1 s wide has whole
    /// buckets under it).
    bucket_s: f64,
    column_target_s: f64,
    /// Seconds per column of the ±15 s strip on an 80- and a 300-column terminal.
    column_s_at_78_cols: f64,
    column_s_at_300_cols: f64,
    index_ready: bool,
    positions_s: Vec<f64>,
    first_tile: Stat,
    window: Stat,
    scrub_step: Stat,
    /// `ffmpeg -v error -ss T -t 30 -i F -f null -` as a whole process, same positions.
    ffmpeg_30s: Option<Stat>,
}

pub fn run(a: &BenchArgs) -> anyhow::Result<ExitCode> {
    let Some(file) = a.file.as_deref() else {
        bail!(
            "bench zoom needs --file F, e.g. a 2-hour VBR MP3: ffmpeg -f lavfi -i \"sine=f=220:d=7200\" -ac 1 -ar 44100 -q:a 4 /tmp/long.mp3"
        );
    };
    let info = crate::audio::probe(file)?;
    let mut dec = Decoder::open(file)?;
    let index_ready = dec.wait_index(Duration::from_secs(10));
    let positions: Vec<f64> = (0..POSITIONS)
        .map(|i| ((i as f64 + 0.5) / POSITIONS as f64 * info.duration_s).floor())
        .collect();
    let zoom = Zoom::default();
    let (mut first, mut window, mut step) = (vec![], vec![], vec![]);
    for &pos in &positions {
        let w = zoom.window(pos, info.duration_s);
        let tiles: Vec<u64> = ZoomPeaks::default()
            .wanted(w, info.duration_s)
            .into_iter()
            .filter(|k| (*k as f64 + 1.0) * TILE_S > w.0 && (*k as f64) * TILE_S < w.1)
            .collect();
        let t = Instant::now();
        for (i, k) in tiles.iter().enumerate() {
            dec.tile(*k)?;
            if i == 0 {
                first.push(ms(t.elapsed()));
            }
        }
        window.push(ms(t.elapsed()));
        // (Not past the end of the file: the last position has no tile after its window.)
        let next = tiles.iter().max().map_or(0, |k| k + 1);
        if (next as f64) * TILE_S < info.duration_s {
            let t = Instant::now();
            dec.tile(next)?;
            step.push(ms(t.elapsed()));
        }
    }
    let ffmpeg_30s = if have("ffmpeg") { Some(ffmpeg_runs(file, &positions)?) } else { None };
    let report = Report {
        machine: machine(),
        file: file.display().to_string(),
        duration_s: info.duration_s,
        bucket_s: BUCKET_S,
        column_target_s: COLUMN_TARGET_S,
        column_s_at_78_cols: 2.0 * zoom.half_s() / 78.0,
        column_s_at_300_cols: 2.0 * zoom.half_s() / 300.0,
        index_ready,
        positions_s: positions,
        first_tile: Stat::of(first, WINDOW_TARGET_MS),
        window: Stat::of(window, WINDOW_TARGET_MS),
        scrub_step: Stat::of(step, WINDOW_TARGET_MS),
        ffmpeg_30s,
    };
    match a.format {
        TableOrJson::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        TableOrJson::Table => print_table(&report),
    }
    Ok(ExitCode::SUCCESS)
}

fn ffmpeg_runs(file: &Path, positions: &[f64]) -> anyhow::Result<Stat> {
    let mut runs = vec![];
    for &pos in positions {
        let from = (pos - 15.0).max(0.0).to_string();
        let t = Instant::now();
        let st = Command::new("ffmpeg")
            .args(["-v", "error", "-ss", &from, "-t", "30", "-i"])
            .arg(file)
            .args(["-f", "null", "-"])
            .status()
            .context("cannot run ffmpeg")?;
        if !st.success() {
            bail!("ffmpeg failed on {}", file.display());
        }
        runs.push(ms(t.elapsed()));
    }
    Ok(Stat::of(runs, WINDOW_TARGET_MS))
}

fn print_table(r: &Report) {
    println!(
        "{} ({:.0} s), {} CPUs, {}",
        r.file, r.duration_s, r.machine.cpus, r.machine.cpu_model
    );
    println!(
        "zoom ±15 s: buckets of {} s; {:.3} s a column at 78 columns, {:.3} s at 300 (target ≤ {} s)",
        r.bucket_s, r.column_s_at_78_cols, r.column_s_at_300_cols, r.column_target_s
    );
    println!("MP3 seek index ready: {}", r.index_ready);
    println!(
        "{:<28} {:>6} {:>10} {:>10} {:>10}",
        "measure", "runs", "median ms", "max ms", "target"
    );
    let row = |name: &str, s: &Stat| {
        println!(
            "{:<28} {:>6} {:>10.1} {:>10.1} {:>10}",
            name,
            s.runs,
            s.median_ms,
            s.max_ms,
            format!("< {:.0}", s.target_ms)
        );
    };
    row("first tile (10 s)", &r.first_tile);
    row("window ±15 s (4 tiles)", &r.window);
    row("scrub step (next tile)", &r.scrub_step);
    match &r.ffmpeg_30s {
        Some(s) => println!(
            "{:<28} {:>6} {:>10.1} {:>10.1} {:>10}",
            "ffmpeg -ss T -t 30 (process)", s.runs, s.median_ms, s.max_ms, "(compare)"
        ),
        None => println!("ffmpeg is not on PATH: no ffmpeg row"),
    }
}
