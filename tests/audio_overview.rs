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

#[test]
fn a_damaged_cache_file_is_recomputed() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("steps.wav");
    audio_support::steps_wav(&wav, &LEVELS);
    let cache = dir.path().join("cache");
    let good = collect(&overview::spawn_with_cache(&wav, "k", 8, Some(cache.clone())), 8);
    let file = std::fs::read_dir(&cache).unwrap().next().unwrap().unwrap().path();
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 4..].copy_from_slice(&f32::NAN.to_le_bytes());
    std::fs::write(&file, &bytes).unwrap();
    assert_eq!(collect(&overview::spawn_with_cache(&wav, "k", 8, Some(cache)), 8), good);
}

/// Runs `cmd`, panicking with its name if it fails.
fn run(cmd: &mut std::process::Command) {
    let st = cmd.status().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(st.success(), "{cmd:?} failed");
}

/// Whether espeak-ng and sox are here (required under TAPECODER_REQUIRE_TOOLS, like ffmpeg).
fn have_speech_tools() -> bool {
    let ok = audio_support::have("ffmpeg")
        && std::process::Command::new("espeak-ng").arg("--version").output().is_ok()
        && std::process::Command::new("sox").arg("--version").output().is_ok();
    if !ok {
        assert!(
            std::env::var_os("TAPECODER_REQUIRE_TOOLS").is_none(),
            "ffmpeg, espeak-ng and sox are required (TAPECODER_REQUIRE_TOOLS is set)"
        );
        eprintln!("ffmpeg, espeak-ng or sox not found: skipping the speech-like fidelity test");
    }
    ok
}

/// Minutes of the speech-like fixture (peaks ~0.75 full scale, no clipping): a loud and a quiet speaker (espeak-ng voices, pauses
/// between turns) and, every fourth minute, silence, as in a home visit where someone leaves
/// the room. 11 minutes (sampling starts above 10).
const SPEECH_MINUTES: usize = 11;

fn speech_like(dir: &std::path::Path) -> std::path::PathBuf {
    let turns = [
        (
            "en-gb",
            110,
            "So how have the mornings been going since we last talked about the school run?",
        ),
        (
            "en-us",
            110,
            "Honestly it has been hard. He does not want to get up and I end up shouting.",
        ),
        (
            "en-gb-scotland",
            110,
            "That sounds tiring. What would need to change for the mornings to feel calmer?",
        ),
        ("en-us", 110, "Maybe if I got his things ready the night before, like my sister does."),
    ];
    let mut parts = vec![];
    for (i, (voice, amp, text)) in turns.iter().enumerate() {
        let raw = dir.join(format!("turn{i}.wav"));
        run(std::process::Command::new("espeak-ng")
            .args(["-v", voice, "-a", &amp.to_string(), "-s", "150", "-w"])
            .arg(&raw)
            .arg(text));
        let padded = dir.join(format!("turn{i}-p.wav"));
        // 44.1 kHz mono, a pause after each turn.
        run(std::process::Command::new("sox")
            .arg(&raw)
            .args(["-r", "44100", "-c", "1"])
            .arg(&padded)
            .args(["pad", "0", &format!("{}.5", 1 + i % 3)]));
        parts.push(padded);
    }
    let loop_wav = dir.join("turns.wav");
    run(std::process::Command::new("sox").args(&parts).arg(&loop_wav));
    // One minute each: loud, quiet (-14 dB), loud, silence, …
    let mut minutes = vec![];
    for m in 0..SPEECH_MINUTES {
        let out = dir.join(format!("min{m}.wav"));
        let gain = match m % 4 {
            1 => "0.2",
            3 => "0",
            _ => "1",
        };
        run(std::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i"])
            .arg(&loop_wav)
            .args(["-t", "60", "-af", &format!("volume={gain}"), "-ar", "44100", "-ac", "1"])
            .arg(&out));
        minutes.push(out);
    }
    let wav = dir.join("speech.wav");
    run(std::process::Command::new("sox").args(&minutes).arg(&wav));
    wav
}

/// Both overviews of `path`: sampled (as the TUI computes it) and by a full decode.
fn sampled_and_full(path: &std::path::Path, buckets: usize) -> (Vec<Peak>, Vec<Peak>) {
    let sampled = collect(&overview::spawn_with_cache(path, "s", buckets, None), buckets);
    let mut full = vec![Peak::default(); buckets];
    let done = overview::compute_mode(
        path,
        buckets,
        overview::Mode::Full,
        &AtomicBool::new(false),
        &mut |first, p| {
            full[first..first + p.len()].copy_from_slice(p);
            true
        },
    )
    .unwrap();
    assert!(done);
    (sampled, full)
}

/// Below this (full scale) a peak's 15% is taken of it: a quiet speaker's loudest syllable in a
/// minute is one sample, which a window every 0.4 s can miss (AAC: 15.1% and 15.4% off in two
/// runs of the whole suite with a floor of 0.1, the long MP3 test's).
const PEAK_FLOOR: f32 = 0.25;

/// RMS within 5% and peaks within 15% of a full decode in every bucket, silent buckets silent
/// in both (relative, with a floor of 0.1 full scale for RMS and [`PEAK_FLOOR`] for peaks).
fn assert_faithful(what: &str, sampled: &[Peak], full: &[Peak]) {
    let (mut wr, mut wp) = (0f32, 0f32);
    for (f, s) in full.iter().zip(sampled) {
        let peak = |p: &Peak| p.max.max(-p.min);
        wr = wr.max((f.rms - s.rms).abs() / (0.05 * f.rms.max(0.1)));
        wp = wp.max((peak(f) - peak(s)).abs() / (0.15 * peak(f).max(PEAK_FLOOR)));
    }
    // How close to the limits (`cargo test --test audio_overview -- --nocapture` shows it).
    eprintln!("{what}: worst bucket at {wr:.2} of the RMS limit, {wp:.2} of the peak limit");
    for (i, (f, s)) in full.iter().zip(sampled).enumerate() {
        let peak = |p: &Peak| p.max.max(-p.min);
        assert!(
            (f.rms - s.rms).abs() < 0.05 * f.rms.max(0.1),
            "{what}, bucket {i}: RMS {} sampled vs {} decoded",
            s.rms,
            f.rms
        );
        assert!(
            (peak(f) - peak(s)).abs() < 0.15 * peak(f).max(PEAK_FLOOR),
            "{what}, bucket {i}: peak {} sampled vs {} decoded",
            peak(s),
            peak(f)
        );
        assert_eq!(f.rms < 1e-3, s.rms < 1e-3, "{what}, bucket {i}: silence {f:?} vs {s:?}");
    }
}

/// Buckets of the fidelity tests: one a minute (the fixture's loudness changes by the minute).
const FIDELITY_BUCKETS: usize = SPEECH_MINUTES;

#[test]
fn sampled_overview_of_speech_matches_a_full_decode_in_every_format() {
    if !have_speech_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let wav = speech_like(dir.path());
    let formats: [(&str, &[&str]); 6] = [
        ("vbr.mp3", &["-c:a", "libmp3lame", "-q:a", "5"]),
        ("aac.m4a", &["-c:a", "aac", "-b:a", "64k"]),
        ("q3.ogg", &["-c:a", "libvorbis", "-q:a", "3"]),
        ("mono.flac", &["-c:a", "flac"]),
        (
            "6ch-48k.flac",
            &[
                "-ar",
                "48000",
                "-af",
                "pan=5.1|FL=0.5*c0|FR=0.4*c0|FC=c0|LFE=0.1*c0|BL=0.2*c0|BR=0.25*c0",
                "-c:a",
                "flac",
            ],
        ),
        ("pcm.wav", &["-c:a", "pcm_s16le"]),
    ];
    for (name, args) in formats {
        let Some(f) = audio_support::ffmpeg(&wav, &dir.path().join(name), args) else { return };
        let (sampled, full) = sampled_and_full(&f, FIDELITY_BUCKETS);
        assert_faithful(name, &sampled, &full);
        // The fixture's silent minutes are found.
        for (i, p) in sampled.iter().enumerate() {
            assert_eq!(p.rms < 1e-3, i % 4 == 3, "{name}, minute {i}: {p:?}");
        }
    }
}

#[test]
fn sampled_overview_of_music_matches_a_full_decode() {
    if !have_speech_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Chords changing every 5 s under a slow tremolo, 11 minutes.
    let mut chords = vec![];
    for (i, root) in [220.0f64, 174.6, 196.0, 261.6].iter().enumerate() {
        let c = dir.path().join(format!("chord{i}.wav"));
        run(std::process::Command::new("sox")
            .args(["-n", "-r", "44100", "-c", "1"])
            .arg(&c)
            .args(["synth", "5"])
            .args(["sine", &root.to_string(), "sine", &(root * 1.26).to_string()])
            .args(["sine", &(root * 1.5).to_string(), "remix", "-", "tremolo", "0.5", "40"])
            .args(["gain", "-n", "-6"]));
        chords.push(c);
    }
    let phrase = dir.path().join("phrase.wav");
    run(std::process::Command::new("sox").args(&chords).arg(&phrase));
    let wav = dir.path().join("music.wav");
    run(std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i"])
        .arg(&phrase)
        .args(["-t", "660"])
        .arg(&wav));
    for (name, args) in [
        ("music.mp3", &["-c:a", "libmp3lame", "-q:a", "2"][..]),
        ("music.m4a", &["-c:a", "aac", "-b:a", "128k"][..]),
        ("music.flac", &["-c:a", "flac"][..]),
    ] {
        let Some(f) = audio_support::ffmpeg(&wav, &dir.path().join(name), args) else { return };
        let (sampled, full) = sampled_and_full(&f, 44);
        assert_faithful(name, &sampled, &full);
    }
}

#[test]
fn the_sampled_overview_is_the_same_every_time() {
    // Chunks go to whichever worker is free: the result must not depend on which.
    if !have_speech_tools() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let wav = speech_like(dir.path());
    for (name, args) in [
        ("a.m4a", &["-c:a", "aac", "-b:a", "64k"][..]),
        ("a.mp3", &["-c:a", "libmp3lame", "-q:a", "5"][..]),
    ] {
        let Some(f) = audio_support::ffmpeg(&wav, &dir.path().join(name), args) else { return };
        let a = collect(&overview::spawn_with_cache(&f, "x", 600, None), 600);
        let b = collect(&overview::spawn_with_cache(&f, "x", 600, None), 600);
        assert_eq!(a, b, "{name}");
    }
}
