//! Playback keeps up while overviews of a 1-hour recording are computed on every core: the
//! player's source, pulled in real time as a device pulls it (the silent clock's side of the
//! accounting, `clock::pull_paced`), never has to play silence because its decoder is behind.
mod audio_support;

use std::time::{Duration, Instant};

use tapecoder::audio::Playback;
use tapecoder::audio::clock::{RealTime, pull_paced};
use tapecoder::audio::overview::{self, OverviewMsg};
use tapecoder::audio::player::Player;

#[test]
fn playback_does_not_underrun_while_overviews_run_on_both_cores() {
    let dir = tempfile::tempdir().unwrap();
    // One hour of a tone whose loudness moves (FLAC: quick to make; the overview seeks and
    // decodes across the whole hour).
    let src = dir.path().join("src.wav");
    audio_support::bursts_wav(&src, 2.0, 1);
    let Some(flac) = audio_support::ffmpeg(
        &src,
        &dir.path().join("hour.flac"),
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=f=220:d=3600:sample_rate=44100",
            "-map",
            "1:a",
            "-af",
            "volume='0.3+0.25*sin(2*PI*0.2*t)':eval=frame",
            "-ac",
            "1",
            "-c:a",
            "flac",
        ],
    ) else {
        return;
    };
    let (mut player, mut source) = Player::open(&flac, None).unwrap();
    let (channels, rate) = (source.channel_count(), source.rate());
    player.set_speed(1.5); // the stretcher runs too
    player.seek(1800.0);
    player.play();
    // The first blocks after a seek are silence until the decoder delivers: not an underrun of
    // a running stream, so the count starts once audio flows.
    let t0 = Instant::now();
    while source.next().is_some_and(|s| s == 0.0) {
        assert!(t0.elapsed() < Duration::from_secs(10), "no audio came out of the player");
        std::thread::sleep(Duration::from_micros(200));
    }
    let start_pos = player.snapshot().position_s;
    let before = player.underruns();
    assert!(before > 0, "the gap before the first audio is counted");
    // Three overviews at once (two recordings opened side by side and a re-open): more than
    // the pool's permits, so every core is busy for as long as they run.
    let handles: Vec<_> =
        (0..3).map(|_| overview::spawn_with_cache(&flac, "k", 2000, None)).collect();
    let mut done = vec![false; handles.len()];
    let clock = RealTime::default();
    let mut played = 0u64;
    let t = Instant::now();
    while done.iter().any(|d| !d) {
        assert!(t.elapsed() < Duration::from_secs(120), "the overviews did not finish");
        played += pull_paced(&mut source, channels, rate, &clock, 0.2, Duration::from_millis(5));
        for (h, d) in handles.iter().zip(done.iter_mut()) {
            while let Some(m) = h.try_recv() {
                match m {
                    OverviewMsg::Done => *d = true,
                    OverviewMsg::Failed(e) => panic!("{e}"),
                    OverviewMsg::Chunk { .. } => {}
                }
            }
        }
    }
    let underruns = player.underruns() - before;
    assert_eq!(underruns, 0, "{underruns} blocks of silence in {played} frames played");
    // And the position moved with what was played, at 1.5×.
    let moved = player.snapshot().position_s - start_pos;
    let expected = played as f64 / f64::from(rate) * 1.5;
    assert!((moved - expected).abs() < 0.5, "moved {moved:.2} s, played {expected:.2} s of media");
}
