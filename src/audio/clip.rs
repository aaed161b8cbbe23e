//! Clips: a stretch of a recording decoded to a 16-bit WAV (training material, and a check of
//! seek accuracy). It seeks to the start, never decodes from the beginning of the file; with a
//! speed other than 1.0 the audio goes through the player's pitch-preserving stretcher.
use std::path::Path;

use super::decode::AudioDecoder;
use super::player::Player;
use super::{AudioError, Playback};

fn write_err(out: &Path, e: impl std::fmt::Display) -> AudioError {
    AudioError::Write {
        path: out.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// Decodes `[from_s, to_s)` of `file` at `speed` into a 16-bit WAV at `out` (mono or stereo, the
/// file's rate), written to a temporary file beside it and renamed. Returns the frames written.
pub fn write_clip(
    file: &Path,
    from_s: f64,
    to_s: f64,
    speed: f32,
    out: &Path,
) -> Result<u64, AudioError> {
    super::guard(file, || write_inner(file, from_s, to_s, speed, out))
}

fn write_inner(
    file: &Path,
    from_s: f64,
    to_s: f64,
    speed: f32,
    out: &Path,
) -> Result<u64, AudioError> {
    let mut tmp = crate::study::files::AtomicFile::create(out).map_err(|e| write_err(out, e))?;
    let mut dec = AudioDecoder::open(file, 2)?;
    let rate = dec.info().sample_rate;
    let channels = dec.info().out_channels;
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let target = tmp.file().map_err(|e| write_err(out, e))?;
    let mut w = hound::WavWriter::new(std::io::BufWriter::new(target), spec)
        .map_err(|e| write_err(out, e))?;
    let first = (from_s.max(0.0) * f64::from(rate)).round() as u64;
    let last = (to_s.max(0.0) * f64::from(rate)).round() as u64;
    let c = usize::from(channels);
    let mut written = 0u64;
    let mut put = |samples: &[f32], w: &mut hound::WavWriter<_>| -> Result<(), AudioError> {
        for s in samples {
            w.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16)
                .map_err(|e| write_err(out, e))?;
        }
        written += (samples.len() / c) as u64;
        Ok(())
    };
    if (speed - 1.0).abs() <= f32::EPSILON {
        dec.seek(first)?;
        let mut buf = Vec::new();
        while dec.position() < last {
            buf.clear();
            let Some((start, n)) = dec.read(&mut buf)? else { break };
            let keep = (last.saturating_sub(start) as usize).min(n);
            put(buf.get(..keep * c).unwrap_or(&[]), &mut w)?;
        }
        if let Some(e) = dec.error() {
            return Err(AudioError::Unreadable {
                path: file.display().to_string(),
                reason: e.into(),
            });
        }
    } else {
        drop(dec);
        let (mut player, mut src) = Player::open(file, None)?;
        src.set_blocking(true);
        player.seek(from_s);
        player.set_speed(speed);
        player.play();
        let expected = (last.saturating_sub(first) as f64 / f64::from(speed)).round() as u64;
        let mut block = Vec::with_capacity(4096 * c);
        let mut done = 0u64;
        while done < expected {
            block.clear();
            for _ in 0..4096 * c {
                block.push(src.next().unwrap_or(0.0));
            }
            let snap = player.snapshot();
            let keep = ((expected - done) as usize).min(4096);
            put(block.get(..keep * c).unwrap_or(&[]), &mut w)?;
            done += keep as u64;
            if let Some(e) = snap.error {
                return Err(AudioError::Unreadable { path: file.display().to_string(), reason: e });
            }
            if snap.ended {
                break;
            }
        }
    }
    w.finalize().map_err(|e| write_err(out, e))?;
    tmp.commit().map_err(|e| write_err(out, e))?;
    Ok(written)
}
