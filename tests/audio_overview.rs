//! The overview follows a fixture's loudness profile, streams in chunks, is cached, and its
//! sampled form (long lossy files) matches a full decode.
mod audio_support;

use std::sync::atomic::AtomicBool;

use tapecoder::audio::overview::{self, OverviewMsg, Peak};

fn collect(h: &overview::OverviewHandle, buckets: usize) -> Vec<Peak> {
    let mut out = vec![Peak { min: 9.0, max: 9.0, rms: 9.0 }; buckets];
    loop {
        match h.recv().expect("worker ended without Done") {
            OverviewMsg::Chunk { first_bucket, peaks } => {
                out[first_bucket..first_bucket + peaks.len()].copy_from_slice(&peaks);
            }
            OverviewMsg::Done => return out,
            OverviewMsg::Failed(e) => panic!("overview failed: {e}"),
        }
    }
}

const LEVELS: [f64; 8] = [0.1, 0.8, 0.0, 0.4, 0.2, 0.9, 0.05, 0.6];

#[test]
fn overview_matches_the_loudness_profile_and_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("steps.wav");
    audio_support::steps_wav(&wav, &LEVELS);
    let cache = dir.path().join("cache");
    let h = overview::spawn_with_cache(&wav, "steps-key", 16, Some(cache.clone()));
    let peaks = collect(&h, 16);
    for (i, p) in peaks.iter().enumerate() {
        let a = LEVELS[i / 2] as f32;
        assert!((p.max - a).abs() < 0.01, "bucket {i}: {p:?}");
        assert!((p.min + a).abs() < 0.01, "bucket {i}: {p:?}");
        assert!((p.rms - a / 2f32.sqrt()).abs() < 0.01, "bucket {i}: {p:?}");
    }
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 1, "one cache file");
    // The second open reads the cache: same result even if the audio is gone.
    std::fs::remove_file(&wav).unwrap();
    let h = overview::spawn_with_cache(&wav, "steps-key", 16, Some(cache.clone()));
    assert_eq!(collect(&h, 16), peaks);
    // Another bucket count is another cache entry (and here the file is gone: a clear failure).
    let h = overview::spawn_with_cache(&wav, "steps-key", 8, Some(cache));
    match h.recv() {
        Some(OverviewMsg::Failed(msg)) => assert!(msg.contains("steps.wav"), "{msg}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn overview_streams_in_chunks_and_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("steps.wav");
    audio_support::steps_wav(&wav, &LEVELS);
    let h = overview::spawn_with_cache(&wav, "k", 1000, None);
    let mut chunks = 0;
    let peaks = {
        let mut out = vec![Peak::default(); 1000];
        loop {
            match h.recv().unwrap() {
                OverviewMsg::Chunk { first_bucket, peaks } => {
                    chunks += 1;
                    out[first_bucket..first_bucket + peaks.len()].copy_from_slice(&peaks);
                }
                OverviewMsg::Done => break out,
                OverviewMsg::Failed(e) => panic!("{e}"),
            }
        }
    };
    assert!(chunks > 1, "progressive: {chunks} chunks");
    assert!((peaks[999].max - 0.6).abs() < 0.01);
    // Cancelled before it starts: the compute loop stops and reports it.
    let cancel = AtomicBool::new(true);
    let r = overview::compute(&wav, 100, &cancel, &mut |_, _| true).unwrap();
    assert!(!r, "a cancelled overview reports it did not finish");
}

#[test]
fn sampled_overview_of_a_long_mp3_matches_a_full_decode() {
    let dir = tempfile::tempdir().unwrap();
    // 12 minutes, loudness changing every 45 s.
    let levels: Vec<f64> = (0..720).map(|s| [0.1, 0.7, 0.3, 0.5][(s / 45) % 4]).collect();
    let wav = dir.path().join("long.wav");
    audio_support::steps_wav(&wav, &levels);
    let Some(mp3) = audio_support::ffmpeg(
        &wav,
        &dir.path().join("long.mp3"),
        &["-c:a", "libmp3lame", "-q:a", "6"],
    ) else {
        return;
    };
    let sampled = collect(&overview::spawn_with_cache(&mp3, "m", 32, None), 32);
    let mut full = vec![Peak::default(); 32];
    let done = overview::compute_mode(
        &mp3,
        32,
        overview::Mode::Full,
        &AtomicBool::new(false),
        &mut |first, p| {
            full[first..first + p.len()].copy_from_slice(p);
            true
        },
    )
    .unwrap();
    assert!(done);
    for (i, (f, s)) in full.iter().zip(&sampled).enumerate() {
        assert!((f.rms - s.rms).abs() < 0.05 * f.rms.max(0.1), "bucket {i}: {f:?} vs {s:?}");
        assert!((f.max - s.max).abs() < 0.15 * f.max.max(0.1), "bucket {i}: {f:?} vs {s:?}");
        // And both follow the fixture (level of the bucket's middle).
        let level = [0.1, 0.7, 0.3, 0.5][((i as f64 + 0.5) * 22.5 / 45.0) as usize % 4] as f32;
        assert!((s.rms - level / 2f32.sqrt()).abs() < 0.1 * level, "bucket {i}: {s:?}");
    }
}
