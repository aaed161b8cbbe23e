//! Seeks are sample-accurate: after seeking just before a tone onset, the onset appears where a
//! decode from the start puts it (≤ 10 ms; WAV, FLAC and MP3 with a Xing header).
mod audio_support;

use std::path::Path;

use rand::{Rng, SeedableRng};
use tapecoder::audio::decode::AudioDecoder;

/// First frame (from the decoder's current position) whose magnitude exceeds half the burst
/// amplitude, read at most `limit` frames ahead.
fn onset_after(dec: &mut AudioDecoder, limit: usize) -> Option<u64> {
    let mut buf = Vec::new();
    let mut seen = 0usize;
    let start = dec.position();
    while seen < limit {
        buf.clear();
        let (first, n) = dec.read(&mut buf).ok()??;
        if seen == 0 {
            assert_eq!(first, start, "the first frame after a seek is the target");
        }
        if let Some(i) = buf.iter().position(|s| s.abs() > 0.25) {
            return Some(first + i as u64);
        }
        seen += n;
    }
    None
}

/// Onsets found by decoding from the start (what the codec makes of the fixture).
fn reference_onsets(path: &Path, count: usize) -> Vec<u64> {
    let mut dec = AudioDecoder::open(path, 1).unwrap();
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut in_burst = false;
    let mut quiet_run = 0usize;
    while out.len() < count {
        buf.clear();
        let Some((first, _)) = dec.read(&mut buf).unwrap() else { break };
        for (i, s) in buf.iter().enumerate() {
            if s.abs() > 0.25 {
                if !in_burst {
                    out.push(first + i as u64);
                    in_burst = true;
                }
                quiet_run = 0;
            } else {
                quiet_run += 1;
                if quiet_run > 4410 {
                    in_burst = false;
                }
            }
        }
    }
    out
}

fn check_seeks(path: &Path, secs: f64) {
    let onsets = audio_support::onsets(secs);
    let refs = reference_onsets(path, onsets.len());
    assert_eq!(refs.len(), onsets.len(), "{}: every burst found", path.display());
    let mut dec = AudioDecoder::open(path, 1).unwrap();
    let rate = f64::from(dec.info().sample_rate);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut worst = 0.0f64;
    for _ in 0..20 {
        let k = rng.random_range(0..refs.len());
        let back = rng.random_range(0.05..0.4);
        let target = ((refs[k] as f64 / rate - back) * rate).round() as u64;
        dec.seek(target).unwrap();
        assert_eq!(dec.position(), target);
        let found = onset_after(&mut dec, (rate * 0.6) as usize)
            .unwrap_or_else(|| panic!("{}: no onset after seeking to {target}", path.display()));
        let err_ms = (found as f64 - refs[k] as f64).abs() / rate * 1000.0;
        worst = worst.max(err_ms);
    }
    assert!(worst <= 10.0, "{}: worst seek error {worst:.2} ms", path.display());
}

#[test]
fn wav_seeks_are_sample_accurate() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 20.0, 1);
    check_seeks(&wav, 20.0);
    // And the reference itself is where the fixture put it.
    let refs = reference_onsets(&wav, 3);
    let expect = audio_support::onsets(20.0);
    for (r, e) in refs.iter().zip(expect) {
        assert!((*r as f64 / 44_100.0 - e).abs() < 0.001);
    }
}

#[test]
fn stereo_wav_seeks_are_sample_accurate() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b2.wav");
    audio_support::bursts_wav(&wav, 12.0, 2);
    check_seeks(&wav, 12.0);
}

#[test]
fn flac_seeks_are_sample_accurate() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 20.0, 1);
    if let Some(flac) = audio_support::ffmpeg(&wav, &dir.path().join("b.flac"), &[]) {
        check_seeks(&flac, 20.0);
    }
}

#[test]
fn mp3_with_xing_seeks_within_10ms() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 20.0, 1);
    if let Some(mp3) =
        audio_support::ffmpeg(&wav, &dir.path().join("b.mp3"), &["-c:a", "libmp3lame", "-q:a", "4"])
    {
        check_seeks(&mp3, 20.0);
    }
}
