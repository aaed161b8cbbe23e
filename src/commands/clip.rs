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

pub fn run(_g: &GlobalArgs, a: &ClipArgs) -> anyhow::Result<ExitCode> {
    let from = parse_time(&a.from).with_context(|| "--from")?;
    let to = parse_time(&a.to).with_context(|| "--to")?;
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

/// Seconds (`754.2`), `mm:ss` or `h:mm:ss` (seconds may have decimals).
// TODO(integration): replace with `crate::timefmt::parse_time` once the domain branch is merged.
fn parse_time(s: &str) -> anyhow::Result<f64> {
    let t = s.trim();
    let bad =
        || anyhow::anyhow!("`{t}` is not a time: write seconds (754.2), mm:ss (12:34) or h:mm:ss");
    let parts: Vec<&str> = t.split(':').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(bad());
    }
    let plain = |p: &str| p.chars().all(|c| c.is_ascii_digit() || c == '.');
    if !parts.iter().all(|p| plain(p)) {
        return Err(bad());
    }
    let (last, rest) = parts.split_last().ok_or_else(bad)?;
    let secs: f64 = last.parse().map_err(|_| bad())?;
    let mut total = 0.0;
    for p in rest {
        let v: u64 = p.parse().map_err(|_| bad())?;
        total = total * 60.0 + v as f64;
    }
    if !rest.is_empty() && secs >= 60.0 {
        return Err(bad());
    }
    if rest.len() == 2 && rest.get(1).and_then(|m| m.parse::<u64>().ok()).unwrap_or(0) >= 60 {
        return Err(bad());
    }
    let v = total * 60.0 + secs;
    if !v.is_finite() {
        return Err(bad());
    }
    Ok(if rest.is_empty() { secs } else { v })
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn times_parse() {
        assert_eq!(parse_time("754.2").unwrap(), 754.2);
        assert_eq!(parse_time("12:34").unwrap(), 754.0);
        assert_eq!(parse_time("1:30:00").unwrap(), 5400.0);
        assert_eq!(parse_time("0:00:01.5").unwrap(), 1.5);
        for bad in ["", "-1", "1:60", "1:60:00", "a", "1::2", "inf", "1e3", "1:2:3:4"] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }
}
