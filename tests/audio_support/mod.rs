//! Fixtures for the audio tests: WAV files with tone bursts at known times (generated with
//! `hound`), and other formats converted by ffmpeg when it is installed.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::Command;

pub const RATE: u32 = 44_100;

/// Onset times (s) of the 1 kHz bursts in [`bursts_wav`]: irregular so that a seek landing a
/// whole packet off cannot match by chance.
pub fn onsets(secs: f64) -> Vec<f64> {
    let mut v = Vec::new();
    let mut t = 0.5;
    let mut k = 0u32;
    while t + 0.5 < secs {
        v.push(t);
        k += 1;
        t += 0.9 + f64::from(k % 7) * 0.037;
    }
    v
}

/// A 16-bit WAV of `secs` seconds: silence with 0.25 s bursts of a 1 kHz tone at [`onsets`],
/// amplitude 0.5, on `channels` channels.
pub fn bursts_wav(path: &Path, secs: f64, channels: u16) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let on = onsets(secs);
    let n = (secs * f64::from(RATE)) as usize;
    for i in 0..n {
        let t = i as f64 / f64::from(RATE);
        let inside = on.iter().any(|&o| t >= o && t < o + 0.25);
        let v = if inside {
            (2.0 * std::f64::consts::PI * 1000.0 * (t - 0.0)).sin() * 0.5
        } else {
            0.0
        };
        for _ in 0..channels {
            w.write_sample((v * 32767.0) as i16).unwrap();
        }
    }
    w.finalize().unwrap();
}

/// A WAV whose loudness steps: `levels[i]` amplitude (of a 440 Hz tone) during second `i`.
pub fn steps_wav(path: &Path, levels: &[f64]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for (s, &a) in levels.iter().enumerate() {
        for i in 0..16_000 {
            let t = (s * 16_000 + i) as f64 / 16_000.0;
            let v = (2.0 * std::f64::consts::PI * 440.0 * t).sin() * a;
            w.write_sample((v * 32767.0) as i16).unwrap();
        }
    }
    w.finalize().unwrap();
}

pub fn have(tool: &str) -> bool {
    Command::new(tool).arg("-version").output().map(|o| o.status.success()).unwrap_or(false)
}

/// Converts `src` with ffmpeg (`args` are the output options); `None` (with a message) when
/// ffmpeg is not installed.
pub fn ffmpeg(src: &Path, dst: &Path, args: &[&str]) -> Option<PathBuf> {
    if !have("ffmpeg") {
        eprintln!("ffmpeg not found: skipping the {} case", dst.display());
        return None;
    }
    let st = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
        .arg(src)
        .args(args)
        .arg(dst)
        .status()
        .unwrap();
    assert!(st.success(), "ffmpeg failed for {}", dst.display());
    Some(dst.to_path_buf())
}

/// Frames of a file according to ffprobe (stream duration_ts × time base), if available.
pub fn ffprobe_seconds(path: &Path) -> Option<f64> {
    if !have("ffprobe") {
        return None;
    }
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// Frames ffmpeg decodes from a file (mono s16), if ffmpeg is available.
pub fn ffmpeg_decoded_frames(path: &Path) -> Option<u64> {
    if !have("ffmpeg") {
        return None;
    }
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "s16le", "-ac", "1", "-"])
        .output()
        .ok()?;
    Some(out.stdout.len() as u64 / 2)
}
