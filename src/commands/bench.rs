//! `tapecoder bench`: the performance targets of SPEC §10, measured through the command a user
//! types. Run it in release (`cargo run --release -- bench audio|ui|study`).
//!
//! - `audio` (here): one file or generated 2-hour speech-like recordings (VBR MP3 with and without
//!   a Xing header, and WAV), beside `ffmpeg -threads 1 -i F -f null -` on the same file when
//!   ffmpeg is installed;
//! - `ui` ([`ui`]): one frame at 200×60;
//! - `study` ([`study`]): the queue screen and the reliability report on a generated study
//!   ([`fixture`]);
//! - `zoom` ([`zoom`]): the zoom strip's decode around the playhead at ten positions of `--file`,
//!   beside ffmpeg decoding the same 30 s.
pub mod fixture;
pub mod study;
pub mod ui;
pub mod zoom;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::audio::Playback;
use crate::audio::overview::{self, OverviewMsg};
use crate::audio::player::Player;
use crate::cli::{BenchArgs, BenchWhat, GlobalArgs, TableOrJson};

/// Buckets in the measured overview (a wide terminal's timeline, with room to zoom).
const BUCKETS: usize = 2000;
const SEEKS: usize = 100;

#[derive(Debug, Serialize)]
struct Machine {
    cpus: usize,
    cpu_model: String,
}

/// Repeated timings of one measure against its target.
#[derive(Debug, Clone, Serialize)]
pub struct Stat {
    pub runs: usize,
    pub median_ms: f64,
    pub max_ms: f64,
    pub target_ms: f64,
    /// Every run (the max) was under the target.
    pub met: bool,
}

impl Stat {
    pub fn of(ms: Vec<f64>, target_ms: f64) -> Stat {
        let max_ms = ms.iter().copied().fold(0.0, f64::max);
        Stat { runs: ms.len(), median_ms: median(ms), max_ms, target_ms, met: max_ms < target_ms }
    }
}

/// The median (the mean of the middle two for an even count; 0 for none).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match (v.get(n.saturating_sub(1) / 2), v.get(n / 2)) {
        (Some(lo), Some(hi)) => (lo + hi) / 2.0,
        _ => 0.0,
    }
}

#[derive(Debug, Serialize)]
struct FileResult {
    file: String,
    codec: String,
    duration_s: f64,
    probe_ms: f64,
    ready_ms: f64,
    overview_ms: f64,
    overview_full_decode_ms: f64,
    cached_overview_ms: f64,
    /// The overview against the full decode's, bucket by bucket.
    fidelity: Fidelity,
    /// MP3: building the seek index in the background after opening (None for other formats).
    mp3_index_ms: Option<f64>,
    seek_p50_ms: f64,
    seek_max_ms: f64,
    peak_rss_mb: Option<f64>,
    ffmpeg_ms: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Report {
    machine: Machine,
    /// The output device, or why playback would be silent here.
    output: String,
    ffmpeg: bool,
    files: Vec<FileResult>,
}

pub fn run(_g: &GlobalArgs, a: &BenchArgs) -> anyhow::Result<ExitCode> {
    match a.what {
        BenchWhat::Audio => audio(a),
        BenchWhat::Ui => ui::run(a),
        BenchWhat::Study => study::run(a),
        BenchWhat::Zoom => zoom::run(a),
    }
}

fn audio(a: &BenchArgs) -> anyhow::Result<ExitCode> {
    // Opening the device here also shows that no audio-library noise reaches the terminal.
    let output = crate::audio::output::Output::open(false);
    let output = output.silent_reason().unwrap_or("default output device").to_string();
    let ffmpeg = have("ffmpeg");
    let tmp = tempfile::tempdir().context("cannot create a temporary folder")?;
    let files: Vec<PathBuf> = match &a.file {
        Some(f) => vec![f.clone()],
        None => {
            if !ffmpeg {
                bail!(
                    "generating the 2-hour test recordings needs ffmpeg on PATH; or pass --file F"
                );
            }
            generate(tmp.path())?
        }
    };
    let mut results = Vec::new();
    for f in &files {
        eprintln!("measuring {} …", f.display());
        results.push(measure(f, ffmpeg, tmp.path())?);
    }
    let report = Report { machine: machine(), output, ffmpeg, files: results };
    match a.format {
        TableOrJson::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        TableOrJson::Table => print_table(&report),
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn have(tool: &str) -> bool {
    Command::new(tool).arg("-version").output().map(|o| o.status.success()).unwrap_or(false)
}

fn machine() -> Machine {
    let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    Machine { cpus, cpu_model }
}

/// Two hours of speech-like sound: a gliding voiced tone, syllable-rate amplitude modulation,
/// pauses, and a little noise.
fn generate(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let src = "aevalsrc='0.3*sin(2*PI*(160+40*sin(2*PI*0.7*t))*t)*(0.5+0.5*sin(2*PI*3.1*t))*gt(sin(2*PI*0.23*t)\\,-0.4)+0.02*(random(0)-0.5)':s=44100:d=7200";
    let vbr = dir.join("speech-2h-vbr.mp3");
    let noxing = dir.join("speech-2h-vbr-noxing.mp3");
    let wav = dir.join("speech-2h-16k.wav");
    eprintln!("generating 2-hour recordings in {} …", dir.display());
    ffmpeg(&["-f", "lavfi", "-i", src, "-c:a", "libmp3lame", "-q:a", "5"], &vbr)?;
    ffmpeg(&["-i", &vbr.to_string_lossy(), "-c", "copy", "-write_xing", "0"], &noxing)?;
    ffmpeg(&["-i", &vbr.to_string_lossy(), "-ar", "16000"], &wav)?;
    Ok(vec![vbr, noxing, wav])
}

fn ffmpeg(args: &[&str], out: &Path) -> anyhow::Result<()> {
    let st = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .arg(out)
        .status()
        .context("cannot run ffmpeg")?;
    if !st.success() {
        bail!("ffmpeg failed to write {}", out.display());
    }
    Ok(())
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn measure(path: &Path, ffmpeg: bool, tmp: &Path) -> anyhow::Result<FileResult> {
    let t = Instant::now();
    let info = crate::audio::probe(path)?;
    let probe_ms = ms(t.elapsed());

    // Ready to play: the player is open and the first block of audio has come out of it.
    let t = Instant::now();
    let (mut player, mut src) = Player::open(path, Some(info.duration_s))?;
    src.set_blocking(true);
    player.play();
    let _ = src.next();
    let ready_ms = ms(t.elapsed());
    drop(src);
    drop(player);

    let (overview_ms, overview_full_decode_ms, fidelity) = time_overviews(path)?;

    // The cache: the first run fills it, the second is timed.
    let cache = tmp.join("cache");
    let key = overview::file_cache_key(path);
    wait_done(&overview::spawn_with_cache(path, &key, BUCKETS, Some(cache.clone())))?;
    let t = Instant::now();
    wait_done(&overview::spawn_with_cache(path, &key, BUCKETS, Some(cache)))?;
    let cached_overview_ms = ms(t.elapsed());

    let mp3_index_ms = (info.codec == "mp3").then(|| {
        let t = Instant::now();
        let _ = crate::audio::mp3index::build(path);
        ms(t.elapsed())
    });

    // Seeks: time from the request to audio at the target coming out of the player (after
    // the background index, if any, has had the time it takes to build).
    let (mut player, mut src) = Player::open(path, Some(info.duration_s))?;
    std::thread::sleep(Duration::from_millis(
        mp3_index_ms.map(|m| (m * 2.0) as u64 + 50).unwrap_or(0),
    ));
    src.set_blocking(true);
    player.play();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let mut lat = Vec::with_capacity(SEEKS);
    for _ in 0..SEEKS {
        let to = rng.random_range(0.0..(info.duration_s - 1.0).max(0.001));
        let t = Instant::now();
        player.seek(to);
        let _ = src.next();
        lat.push(ms(t.elapsed()));
        // Play a little, as a coder would.
        for _ in 0..2048 {
            let _ = src.next();
        }
    }
    lat.sort_by(f64::total_cmp);
    let seek_p50_ms = lat.get(lat.len() / 2).copied().unwrap_or(0.0);
    let seek_max_ms = lat.last().copied().unwrap_or(0.0);
    drop(src);
    drop(player);

    // Peak memory while playing, with the overview worker running as in the TUI.
    reset_peak_rss();
    let (mut player, mut src) = Player::open(path, Some(info.duration_s))?;
    src.set_blocking(true);
    player.set_speed(1.5);
    player.play();
    let h = overview::spawn_with_cache(path, "rss", BUCKETS, None);
    for i in 0..60 {
        if i % 10 == 0 {
            player.seek(info.duration_s * f64::from(i) / 60.0);
        }
        for _ in 0..44_100 {
            let _ = src.next();
        }
    }
    wait_done(&h)?;
    let peak_rss_mb = peak_rss_mb();
    drop(src);
    drop(player);

    let ffmpeg_ms = if ffmpeg {
        let t = Instant::now();
        let st = Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-threads", "1", "-i"])
            .arg(path)
            .args(["-f", "null", "-"])
            .status()
            .context("cannot run ffmpeg")?;
        st.success().then(|| ms(t.elapsed()))
    } else {
        None
    };
    Ok(FileResult {
        file: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        codec: format!("{}/{}", info.container, info.codec),
        duration_s: info.duration_s,
        probe_ms,
        ready_ms,
        overview_ms,
        overview_full_decode_ms,
        cached_overview_ms,
        fidelity,
        mp3_index_ms,
        seek_p50_ms,
        seek_max_ms,
        peak_rss_mb,
        ffmpeg_ms,
    })
}

/// The overview (as the TUI computes it) and the full decode's, timed, and how far apart.
fn time_overviews(path: &Path) -> anyhow::Result<(f64, f64, Fidelity)> {
    let t = Instant::now();
    let cancel = AtomicBool::new(false);
    let mut sampled = vec![overview::Peak::default(); BUCKETS];
    overview::compute(path, BUCKETS, &cancel, &mut keep(&mut sampled))?;
    let overview_ms = ms(t.elapsed());
    let t = Instant::now();
    let mut full = vec![overview::Peak::default(); BUCKETS];
    overview::compute_mode(path, BUCKETS, overview::Mode::Full, &cancel, &mut keep(&mut full))?;
    let full_ms = ms(t.elapsed());
    Ok((overview_ms, full_ms, Fidelity::of(&sampled, &full)))
}

/// A sink storing each chunk in its place.
fn keep(into: &mut [overview::Peak]) -> impl FnMut(usize, &[overview::Peak]) -> bool + '_ {
    move |first, peaks| {
        if let Some(slot) = into.get_mut(first..first + peaks.len()) {
            slot.copy_from_slice(peaks);
        }
        true
    }
}

/// Relative differences of the overview from a full decode's, over the buckets that are not
/// silent in the full decode (RMS ≥ 0.002), at the bench's 2000 buckets and with 50 buckets
/// merged into one (40 over the recording).
#[derive(Debug, Serialize)]
struct Fidelity {
    buckets: usize,
    rms_err_p50: f64,
    rms_err_p95: f64,
    peak_err_p50: f64,
    peak_err_p95: f64,
    /// Silent buckets of the full decode that are silent in the overview too, of how many.
    silences_found: (usize, usize),
    rms_err_p95_merged50: f64,
    peak_err_p95_merged50: f64,
}

impl Fidelity {
    fn of(sampled: &[overview::Peak], full: &[overview::Peak]) -> Fidelity {
        fn merge(v: &[overview::Peak], n: usize) -> Vec<(f64, f64)> {
            v.chunks(n.max(1))
                .map(|c| {
                    let e =
                        c.iter().map(|p| f64::from(p.rms).powi(2)).sum::<f64>() / c.len() as f64;
                    let peak = c.iter().map(|p| f64::from(p.max.max(-p.min))).fold(0.0, f64::max);
                    (e.sqrt(), peak)
                })
                .collect()
        }
        fn errs(s: &[(f64, f64)], f: &[(f64, f64)]) -> (Vec<f64>, Vec<f64>, (usize, usize)) {
            let (mut r, mut p, mut silent) = (vec![], vec![], (0, 0));
            for (a, b) in f.iter().zip(s) {
                if a.0 < 0.002 {
                    silent.1 += 1;
                    if b.0 < 0.002 {
                        silent.0 += 1;
                    }
                    continue;
                }
                r.push((a.0 - b.0).abs() / a.0);
                p.push((a.1 - b.1).abs() / a.1.max(1e-6));
            }
            (r, p, silent)
        }
        fn q(mut v: Vec<f64>, x: f64) -> f64 {
            v.sort_by(f64::total_cmp);
            v.get(((v.len().max(1) - 1) as f64 * x).round() as usize).copied().unwrap_or(0.0)
        }
        let (r, p, silences_found) = errs(&merge(sampled, 1), &merge(full, 1));
        let (r50, p50, _) = errs(&merge(sampled, 50), &merge(full, 50));
        Fidelity {
            buckets: full.len(),
            rms_err_p50: q(r.clone(), 0.5),
            rms_err_p95: q(r, 0.95),
            peak_err_p50: q(p.clone(), 0.5),
            peak_err_p95: q(p, 0.95),
            silences_found,
            rms_err_p95_merged50: q(r50, 0.95),
            peak_err_p95_merged50: q(p50, 0.95),
        }
    }
}

fn wait_done(h: &overview::OverviewHandle) -> anyhow::Result<()> {
    loop {
        match h.recv() {
            Some(OverviewMsg::Done) => return Ok(()),
            Some(OverviewMsg::Failed(e)) => bail!("{e}"),
            Some(OverviewMsg::Chunk { .. }) => {}
            None => bail!("the overview worker stopped"),
        }
    }
}

/// Resets VmHWM (Linux: writing 5 to clear_refs).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn print_table(r: &Report) {
    println!("machine: {} CPUs, {}", r.machine.cpus, r.machine.cpu_model);
    println!("audio output: {}", r.output);
    if !r.ffmpeg {
        println!("ffmpeg is not on PATH: no ffmpeg column");
    }
    println!(
        "{:<28} {:>9} {:>8} {:>8} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>9}",
        "file",
        "probe ms",
        "ready ms",
        "ovw ms",
        "full ms",
        "cached ms",
        "index ms",
        "seek p50",
        "seek max",
        "RSS MB",
        "ffmpeg ms"
    );
    for f in &r.files {
        println!(
            "{:<28} {:>9.1} {:>8.1} {:>8.0} {:>9.0} {:>9.1} {:>8} {:>8.1} {:>8.1} {:>8} {:>9}",
            f.file,
            f.probe_ms,
            f.ready_ms,
            f.overview_ms,
            f.overview_full_decode_ms,
            f.cached_overview_ms,
            f.mp3_index_ms.map(|v| format!("{v:.0}")).unwrap_or_else(|| "-".into()),
            f.seek_p50_ms,
            f.seek_max_ms,
            f.peak_rss_mb.map(|v| format!("{v:.1}")).unwrap_or_else(|| "n/a".into()),
            f.ffmpeg_ms.map(|v| format!("{v:.0}")).unwrap_or_else(|| "n/a".into()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_target() {
        assert_eq!(median(vec![]), 0.0);
        assert_eq!(median(vec![3.0]), 3.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 10.0]), 3.0);
        let s = Stat::of(vec![1.0, 2.0, 6.0], 5.0);
        assert_eq!((s.runs, s.median_ms, s.max_ms, s.met), (3, 2.0, 6.0, false));
        assert!(Stat::of(vec![1.0, 4.9], 5.0).met);
    }
}
