//! `tapecoder clip`: decode a stretch of a recording to a WAV file. It seeks to the start (never
//! decodes from the beginning of the file), so it is also a check of seek accuracy; with
//! `--speed` the stretch goes through the player's pitch-preserving stretcher.
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::audio::Playback;
use crate::audio::decode::AudioDecoder;
use crate::audio::player::Player;
use crate::cli::{ClipArgs, GlobalArgs};
use crate::timefmt::parse_time;

pub fn run(_g: &GlobalArgs, a: &ClipArgs) -> anyhow::Result<ExitCode> {
    let from = parse_time(&a.from).context("--from")?;
    let to = parse_time(&a.to).context("--to")?;
    if to <= from {
        bail!("--to ({}) must be after --from ({})", a.to, a.from);
    }
    if !a.speed.is_finite() || !(0.5..=2.0).contains(&a.speed) {
        bail!("--speed {} is out of range: use 0.5 to 2.0", a.speed);
    }
    let info = crate::audio::probe(&a.file)?;
    if from >= info.duration_s {
        bail!(
            "--from {} is past the end of {} ({:.3} s long)",
            a.from,
            a.file.display(),
            info.duration_s
        );
    }
    let to = to.min(info.duration_s);
    let frames = write_clip(&a.file, from, to, a.speed, &a.out)?;
    eprintln!(
        "wrote {} ({:.3} s of audio from {:.3} s to {:.3} s{})",
        a.out.display(),
        frames as f64 / f64::from(info.sample_rate),
        from,
        to,
        if (a.speed - 1.0).abs() > f32::EPSILON {
            format!(" at {}×", a.speed)
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Decodes `[from, to)` of `file` at `speed` into a 16-bit WAV at `out` (written to a temporary
/// file beside it, then renamed). Returns the frames written.
pub fn write_clip(file: &Path, from: f64, to: f64, speed: f32, out: &Path) -> anyhow::Result<u64> {
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    let mut dec = AudioDecoder::open(file, 2)?;
    let rate = dec.info().sample_rate;
    let channels = dec.info().out_channels;
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::new(std::io::BufWriter::new(tmp.as_file()), spec)
        .with_context(|| format!("cannot write {}", out.display()))?;
    let first = (from * f64::from(rate)).round() as u64;
    let last = (to * f64::from(rate)).round() as u64;
    let c = usize::from(channels);
    let mut written = 0u64;
    let put =
        |samples: &[f32], w: &mut hound::WavWriter<_>, written: &mut u64| -> anyhow::Result<()> {
            for s in samples {
                w.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16)?;
            }
            *written += (samples.len() / c) as u64;
            Ok(())
        };
    if (speed - 1.0).abs() <= f32::EPSILON {
        dec.seek(first)?;
        let mut buf = Vec::new();
        while dec.position() < last {
            buf.clear();
            let Some((start, n)) = dec.read(&mut buf)? else { break };
            let keep = (last.saturating_sub(start) as usize).min(n);
            put(&buf[..keep * c], &mut w, &mut written)?;
        }
        if let Some(e) = dec.error() {
            bail!("{e}");
        }
    } else {
        drop(dec);
        let (mut player, mut src) = Player::open(file, None)?;
        src.set_blocking(true);
        player.seek(from);
        player.set_speed(speed);
        player.play();
        let expected = ((last - first) as f64 / f64::from(speed)).round() as u64;
        let mut block = Vec::with_capacity(4096 * c);
        while written < expected {
            block.clear();
            for _ in 0..4096 * c {
                block.push(src.next().unwrap_or(0.0));
            }
            let snap = player.snapshot();
            let keep = ((expected - written) as usize).min(4096);
            put(&block[..keep * c], &mut w, &mut written)?;
            if snap.ended {
                break;
            }
        }
        if let Some(e) = player.snapshot().error {
            bail!("{e}");
        }
    }
    w.finalize().with_context(|| format!("cannot write {}", out.display()))?;
    tmp.persist(out).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(written)
}
