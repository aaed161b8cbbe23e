//! M4A/AAC timelines honour the MP4 edit list: the encoder priming is not part of the recording,
//! so probe gives the true length (within 1 ms), a decode from the start hands out exactly that
//! many frames, a tone onset is where the source put it (after a seek too), and corrupted
//! boxes never panic.
mod audio_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use tapecoder::audio::decode::AudioDecoder;
use tapecoder::audio::{mp4edit, probe};

/// A `secs` long 16-bit mono WAV at `rate`: silence with a 0.25 s 1 kHz burst (amplitude 0.5)
/// at each onset.
fn bursts_at(path: &Path, rate: u32, secs: f64, onsets: &[f64]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let n = (secs * f64::from(rate)).round() as usize;
    for i in 0..n {
        let t = i as f64 / f64::from(rate);
        let inside = onsets.iter().any(|&o| t >= o && t < o + 0.25);
        let v = if inside { (2.0 * std::f64::consts::PI * 1000.0 * t).sin() * 0.5 } else { 0.0 };
        w.write_sample((v * 32767.0) as i16).unwrap();
    }
    w.finalize().unwrap();
}

fn aac(dir: &Path, name: &str, rate: u32, secs: f64, onsets: &[f64]) -> Option<PathBuf> {
    let wav = dir.join(format!("{name}.wav"));
    bursts_at(&wav, rate, secs, onsets);
    audio_support::ffmpeg(&wav, &dir.join(format!("{name}.m4a")), &["-c:a", "aac", "-b:a", "64k"])
}

/// All frames from the decoder's position on, mono.
fn decode_rest(dec: &mut AudioDecoder) -> (u64, Vec<f32>) {
    let start = dec.position();
    let mut all = Vec::new();
    let mut buf = Vec::new();
    let mut expect = start;
    while let Some((first, n)) = dec.read(&mut buf).unwrap() {
        assert_eq!(first, expect, "frames are handed out contiguously");
        expect += n as u64;
        all.extend_from_slice(&buf);
        buf.clear();
    }
    (start, all)
}

/// Index of the first sample louder than half the burst amplitude.
fn onset(samples: &[f32]) -> Option<usize> {
    samples.iter().position(|s| s.abs() > 0.25)
}

/// ffmpeg's decode of the file (mono f32), if ffmpeg is installed.
fn ffmpeg_decode(path: &Path) -> Option<Vec<f32>> {
    if !audio_support::have("ffmpeg") {
        return None;
    }
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "f32le", "-ac", "1", "-"])
        .output()
        .ok()?;
    Some(out.stdout.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

/// The stream's length in frames according to ffprobe (`duration_ts`: the edit list applied).
fn ffprobe_frames(path: &Path) -> Option<u64> {
    if !audio_support::have("ffprobe") {
        return None;
    }
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "a:0", "-show_entries", "stream=duration_ts"])
        .args(["-of", "csv=p=0"])
        .arg(path)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

#[test]
fn aac_durations_are_exact_and_agree_with_ffmpeg() {
    let dir = tempfile::tempdir().unwrap();
    for (rate, secs) in [(22_050u32, 3.0f64), (8_000, 3.0), (44_100, 2.5), (48_000, 1.2345)] {
        let name = format!("t{rate}");
        let Some(f) = aac(dir.path(), &name, rate, secs, &[0.7]) else { return };
        let true_frames = (secs * f64::from(rate)).round() as u64;
        let p = probe(&f).unwrap();
        assert_eq!(p.sample_rate, rate);
        eprintln!(
            "{name}: source {true_frames} frames, probe {} frames = {:.4} s",
            p.frames, p.duration_s
        );
        assert!(
            p.frames.abs_diff(true_frames) <= u64::from(rate / 1000),
            "{name}: {} frames",
            p.frames
        );
        assert!(
            (p.duration_s - secs).abs() <= 0.001,
            "{name}: probe says {} s for a {secs} s source",
            p.duration_s
        );
        assert_eq!(p.frames, true_frames, "{name}: the exact length");
        // ffprobe reads the edit's length in the movie timescale (ms for ffmpeg's muxer); we
        // take the sample tables' exact count when the edit is that one rounded.
        if let Some(ff) = ffprobe_frames(&f) {
            assert!(p.frames.abs_diff(ff) <= u64::from(rate / 1000), "{name}: ffprobe {ff}");
        }
        // A decode from the start hands out exactly the probed length, from frame 0.
        let mut dec = AudioDecoder::open(&f, 1).unwrap();
        let (start, ours) = decode_rest(&mut dec);
        assert_eq!(start, 0);
        assert_eq!(ours.len() as u64, p.frames, "{name}: decode length = probe length");
        // The burst is where the source put it.
        let at = onset(&ours).expect("burst found") as f64 / f64::from(rate);
        assert!((at - 0.7).abs() < 0.002, "{name}: onset at {at} s, expected 0.7 s");
        // ffmpeg's own decode starts at the same frame (it trims the same priming) and is as
        // long, or (ffmpeg 5.x, which applies the edit's start but not its end) is the same
        // audio followed by the rest of the last packet.
        if let Some(ff) = ffmpeg_decode(&f) {
            let ff_at = onset(&ff).expect("ffmpeg finds the burst") as f64 / f64::from(rate);
            assert!((ff_at - at).abs() < 0.001, "{name}: ffmpeg onset {ff_at} s vs ours {at} s");
            let n = ff.len() as u64;
            let padded_to_packet = (p.frames + 1024).div_ceil(1024) * 1024 - 1024;
            assert!(
                n == p.frames || n == padded_to_packet,
                "{name}: ffmpeg decodes {n} frames, we present {}",
                p.frames
            );
            // Same samples where both decode (two AAC decoders: close, not bit-identical).
            let worst = ours.iter().zip(&ff).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
            assert!(worst < 0.02, "{name}: differs from ffmpeg's decode by up to {worst}");
        }
    }
}

#[test]
fn aac_onsets_are_found_at_their_time_after_a_seek() {
    let dir = tempfile::tempdir().unwrap();
    let onsets = [0.5, 1.37, 2.91, 4.003, 5.55];
    for rate in [22_050u32, 8_000] {
        let Some(f) = aac(dir.path(), &format!("s{rate}"), rate, 6.5, &onsets) else { return };
        let r = f64::from(rate);
        let mut dec = AudioDecoder::open(&f, 1).unwrap();
        // Backwards and forwards, from 0.05 to 0.3 s before each onset.
        for (k, &t) in onsets.iter().enumerate().rev().chain(onsets.iter().enumerate()) {
            let back = 0.05 + 0.05 * k as f64;
            let target = ((t - back) * r).round() as u64;
            dec.seek(target).unwrap();
            assert_eq!(dec.position(), target);
            let mut buf = Vec::new();
            let (first, _) = dec.read(&mut buf).unwrap().expect("audio after the seek");
            assert_eq!(first, target, "the first frame after a seek is the target");
            let mut seen = buf.clone();
            while seen.len() < (0.4 * r) as usize {
                buf.clear();
                let Some(_) = dec.read(&mut buf).unwrap() else { break };
                seen.extend_from_slice(&buf);
            }
            let found = target + onset(&seen).expect("burst after the seek") as u64;
            let err_ms = (found as f64 / r - t).abs() * 1000.0;
            assert!(err_ms < 2.0, "{rate} Hz: onset {t} s found {err_ms:.2} ms off after a seek");
        }
        // A clip (which seeks to its start) has the onset at the same time.
        let clip = dir.path().join(format!("clip{rate}.wav"));
        tapecoder::audio::clip::write_clip(&f, 1.17, 1.67, 1.0, &clip).unwrap();
        let samples: Vec<f32> = hound::WavReader::open(&clip)
            .unwrap()
            .samples::<i16>()
            .map(|s| f32::from(s.unwrap()) / 32768.0)
            .collect();
        let at = onset(&samples).expect("burst in the clip") as f64 / r;
        assert!((at - 0.2).abs() < 0.002, "{rate} Hz: clip onset at {at} s, expected 0.2 s");
        // A seek past the end hands out nothing; the last frames end at the probed length.
        let p = probe(&f).unwrap();
        dec.seek(p.frames + 10).unwrap();
        assert!(dec.read(&mut Vec::new()).unwrap().is_none());
        dec.seek(p.frames - 100).unwrap();
        let (start, rest) = decode_rest(&mut dec);
        assert_eq!(start + rest.len() as u64, p.frames);
    }
}

/// Offsets of the size fields of every box of interest in an MP4 file.
fn box_offsets(bytes: &[u8]) -> Vec<usize> {
    let kinds: [&[u8; 4]; 11] = [
        b"ftyp", b"moov", b"mvhd", b"trak", b"mdia", b"mdhd", b"hdlr", b"edts", b"elst", b"stsz",
        b"udta",
    ];
    bytes
        .windows(4)
        .enumerate()
        .filter(|(i, w)| *i >= 4 && kinds.iter().any(|k| w == *k))
        .map(|(i, _)| i - 4)
        .collect()
}

thread_local! {
    /// Where the last panic on this thread happened (file of the panic location).
    static PANIC_SITE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Records each panic's location (then reports it as usual), so a test can tell a panic in the
/// codec library (caught by the audio module's guard) from one in our own code.
fn record_panic_sites() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let file = info.location().map(|l| l.file().to_string());
            PANIC_SITE.with(|s| *s.borrow_mut() = file);
            prev(info);
        }));
    });
}

fn small_m4a() -> &'static Option<(tempfile::TempDir, PathBuf)> {
    static FIX: std::sync::OnceLock<Option<(tempfile::TempDir, PathBuf)>> =
        std::sync::OnceLock::new();
    FIX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let f = aac(dir.path(), "small", 8_000, 0.5, &[0.1])?;
        Some((dir, f))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn corrupted_m4a_boxes_never_panic(
        sizes in prop::collection::vec(
            (0.0f64..1.0, prop_oneof![
                Just(0u32), Just(1), Just(7), Just(8), Just(9), Just(u32::MAX),
                Just(0x7fff_ffff), any::<u32>()
            ]),
            0..6,
        ),
        bytes_edits in prop::collection::vec((0.0f64..1.0, any::<u8>()), 0..16),
        truncate in prop::option::of(0.0f64..1.0),
    ) {
        let Some((dir, src)) = small_m4a() else { return Ok(()) };
        let mut bytes = std::fs::read(src).unwrap();
        let offs = box_offsets(&bytes);
        for (at, size) in sizes {
            let i = offs[((offs.len() - 1) as f64 * at) as usize];
            bytes[i..i + 4].copy_from_slice(&size.to_be_bytes());
        }
        for (at, v) in bytes_edits {
            let i = ((bytes.len() - 1) as f64 * at) as usize;
            bytes[i] = v;
        }
        if let Some(t) = truncate {
            bytes.truncate((bytes.len() as f64 * t) as usize);
        }
        let bad = dir.path().join("bad.m4a");
        std::fs::write(&bad, &bytes).unwrap();
        record_panic_sites();
        PANIC_SITE.with(|s| s.borrow_mut().take());
        let outcome = std::panic::catch_unwind(|| exercise(&bad, &bytes));
        // symphonia itself may panic on hostile input (the audio module's guard turns that into
        // an error); our code never does.
        let site = PANIC_SITE.with(|s| s.borrow_mut().take());
        prop_assert!(
            site.as_deref().is_none_or(|f| !f.starts_with("src/")),
            "panic in our code at {site:?}"
        );
        if let Ok(result) = outcome {
            result?;
        }
    }
}

fn exercise(bad: &Path, bytes: &[u8]) -> Result<(), TestCaseError> {
    {
        // Our walker, outside the panic guard that protects probe from the codec library.
        let _ = mp4edit::read_edit(bad, 8_000);
        let _ = mp4edit::edit_from_moov(bytes, 8_000);
        for start in box_offsets(bytes).into_iter().take(8) {
            let _ = mp4edit::edit_from_moov(&bytes[start..], 44_100);
        }
        match probe(bad) {
            Ok(info) => {
                prop_assert!(info.duration_s.is_finite() && info.duration_s >= 0.0);
                if let Ok(mut d) = AudioDecoder::open(bad, 2) {
                    let mut buf = Vec::new();
                    for _ in 0..10_000 {
                        buf.clear();
                        match d.read(&mut buf) {
                            Ok(Some(_)) => {}
                            Ok(None) | Err(_) => break,
                        }
                    }
                    let _ = d.seek(info.frames / 2);
                    let _ = d.read(&mut buf);
                }
            }
            Err(e) => prop_assert!(e.to_string().contains("bad.m4a"), "{}", e),
        }
    }
    Ok(())
}
