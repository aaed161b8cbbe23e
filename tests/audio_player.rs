//! The player without a device: its source is pulled by hand (as the mixer would) in blocking
//! mode, so position, speed, seek and end can be checked exactly and fast.
mod audio_support;

use std::time::Duration;

use tapecoder::audio::Playback;
use tapecoder::audio::clock::{ManualTime, SilentClock};
use tapecoder::audio::player::{Player, PlayerSource};

fn pull(src: &mut PlayerSource, frames: usize) -> Vec<f32> {
    let n = frames * usize::from(src.channel_count());
    (0..n).map(|_| src.next().unwrap()).collect()
}

fn zero_cross_freq(x: &[f32], sr: f64) -> f64 {
    let mut c = Vec::new();
    for i in 1..x.len() {
        if x[i - 1] < 0.0 && x[i] >= 0.0 {
            let frac = -x[i - 1] / (x[i] - x[i - 1]);
            c.push((i - 1) as f64 + f64::from(frac));
        }
    }
    assert!(c.len() > 2, "no tone found");
    (c.len() - 1) as f64 / ((c[c.len() - 1] - c[0]) / sr)
}

fn tone_wav(path: &std::path::Path, secs: f64) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..(secs * 44_100.0) as usize {
        let v = (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 44_100.0).sin() * 0.5;
        w.write_sample((v * 32767.0) as i16).unwrap();
    }
    w.finalize().unwrap();
}

#[test]
fn position_is_media_time_at_speed_1_5() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 30.0, 2);
    let (mut p, mut src) = Player::open(&wav, None).unwrap();
    src.set_blocking(true);
    assert_eq!(p.snapshot().duration_s, 30.0);
    p.set_speed(1.5);
    p.play();
    pull(&mut src, 10 * 44_100);
    let pos = p.snapshot().position_s;
    assert!((pos - 15.0).abs() <= 0.05, "position {pos}");
    // Change speed mid-stream: 2 s of output at 2.0 adds 4 s of media.
    p.set_speed(2.0);
    pull(&mut src, 2 * 44_100);
    let pos = p.snapshot().position_s;
    assert!((pos - 19.0).abs() <= 0.05, "position {pos}");
    p.set_speed(1.0);
    pull(&mut src, 44_100);
    let pos = p.snapshot().position_s;
    assert!((pos - 20.0).abs() <= 0.05, "position {pos}");
}

#[test]
fn paused_player_holds_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 5.0, 1);
    let (mut p, mut src) = Player::open(&wav, None).unwrap();
    src.set_blocking(true);
    p.play();
    pull(&mut src, 44_100);
    p.pause();
    let at = p.snapshot().position_s;
    let quiet = pull(&mut src, 44_100);
    assert!(quiet.iter().all(|s| *s == 0.0));
    assert_eq!(p.snapshot().position_s, at);
    assert!(!p.snapshot().playing);
}

#[test]
fn seek_lands_on_the_onset_through_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 20.0, 1);
    let onsets = audio_support::onsets(20.0);
    let (mut p, mut src) = Player::open(&wav, None).unwrap();
    src.set_blocking(true);
    p.play();
    for (k, back) in [(3usize, 0.1), (9, 0.3), (1, 0.2), (14, 0.05)] {
        let target = onsets[k] - back;
        p.seek(target);
        assert!((p.snapshot().position_s - target).abs() < 1e-4);
        let out = pull(&mut src, 44_100 / 2);
        let i = out.iter().position(|s| s.abs() > 0.25).expect("onset");
        let err_ms = (i as f64 / 44_100.0 - back).abs() * 1000.0;
        assert!(err_ms <= 10.0, "seek to {target}: onset off by {err_ms:.2} ms");
    }
}

#[test]
fn stretched_tone_keeps_its_pitch() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("t.wav");
    tone_wav(&wav, 8.0);
    for speed in [0.75f32, 1.5] {
        let (mut p, mut src) = Player::open(&wav, None).unwrap();
        src.set_blocking(true);
        p.set_speed(speed);
        p.play();
        let out = pull(&mut src, 3 * 44_100);
        let f = zero_cross_freq(&out[4410..], 44_100.0);
        assert!((f - 1000.0).abs() <= 20.0, "speed {speed}: {f:.1} Hz");
        let pos = p.snapshot().position_s;
        assert!((pos - 3.0 * f64::from(speed)).abs() <= 0.05, "speed {speed}: position {pos}");
    }
}

#[test]
fn the_end_is_reached_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 2.0, 1);
    let (mut p, mut src) = Player::open(&wav, None).unwrap();
    src.set_blocking(true);
    p.set_speed(1.25);
    p.play();
    pull(&mut src, 3 * 44_100);
    let s = p.snapshot();
    assert!(s.ended && !s.playing, "{s:?}");
    assert!((s.position_s - 2.0).abs() < 0.05, "{s:?}");
    // Seeking back restarts.
    p.seek(1.0);
    p.play();
    pull(&mut src, 44_100 / 4);
    let s = p.snapshot();
    assert!(!s.ended && s.playing && (s.position_s - 1.3125).abs() < 0.05, "{s:?}");
}

#[test]
fn volume_scales_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("t.wav");
    tone_wav(&wav, 2.0);
    let (mut p, mut src) = Player::open(&wav, None).unwrap();
    src.set_blocking(true);
    p.set_volume(0.25);
    p.play();
    let out = pull(&mut src, 4410);
    let peak = out.iter().fold(0f32, |m, s| m.max(s.abs()));
    assert!((peak - 0.125).abs() < 0.01, "peak {peak}");
}

#[test]
fn dropping_the_player_ends_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 2.0, 1);
    let (p, mut src) = Player::open(&wav, None).unwrap();
    drop(p);
    assert_eq!(src.next(), None);
}

#[test]
fn silent_clock_runs_at_speed() {
    let t = ManualTime::new();
    let mut c = SilentClock::with_time_source(60.0, "no device", Box::new(t.clone()));
    c.set_speed(1.5);
    c.play();
    t.advance(Duration::from_secs(10));
    let s = c.snapshot();
    assert!((s.position_s - 15.0).abs() <= 0.05);
    assert_eq!(s.silent_reason.as_deref(), Some("no device"));
}
