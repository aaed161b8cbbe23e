//! Damaged audio never panics: garbage in the middle plays past the damage (or stops at it with
//! a message), and random corruption or truncation of a small WAV or MP3 is either refused by
//! `probe` with a message naming the file or decodes to the end.
mod audio_support;

use std::path::Path;
use std::sync::atomic::AtomicBool;

use proptest::prelude::*;
use tapecoder::audio::Playback;
use tapecoder::audio::decode::AudioDecoder;
use tapecoder::audio::overview;
use tapecoder::audio::player::Player;

/// Decodes everything (bounded), as the player, overview and clip would.
fn decode_all(path: &Path) -> u64 {
    let Ok(mut d) = AudioDecoder::open(path, 2) else { return 0 };
    let mut n = 0u64;
    let mut buf = Vec::new();
    for _ in 0..100_000 {
        buf.clear();
        match d.read(&mut buf) {
            Ok(Some((_, k))) => n += k as u64,
            Ok(None) | Err(_) => break,
        }
    }
    // Seeking into damage is survivable too.
    let _ = d.seek(n / 2);
    let _ = d.read(&mut buf);
    n
}

/// The small WAV and MP3 every corruption case starts from (made once per run).
fn fixtures() -> &'static [std::path::PathBuf] {
    static FIX: std::sync::OnceLock<(tempfile::TempDir, Vec<std::path::PathBuf>)> =
        std::sync::OnceLock::new();
    let (_, v) = FIX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let v = make_fixtures(dir.path());
        (dir, v)
    });
    v
}

fn make_fixtures(dir: &Path) -> Vec<std::path::PathBuf> {
    let wav = dir.join("b.wav");
    audio_support::bursts_wav(&wav, 3.0, 1);
    let mut v = vec![wav.clone()];
    if let Some(mp3) =
        audio_support::ffmpeg(&wav, &dir.join("b.mp3"), &["-c:a", "libmp3lame", "-q:a", "5"])
    {
        v.push(mp3);
    }
    v
}

#[test]
fn mp3_with_garbage_in_the_middle_plays_past_it() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("long.wav");
    audio_support::bursts_wav(&wav, 10.0, 1);
    let Some(mp3) = audio_support::ffmpeg(&wav, &dir.path().join("g.mp3"), &["-c:a", "libmp3lame"])
    else {
        return;
    };
    let mut bytes = std::fs::read(&mp3).unwrap();
    let mid = bytes.len() / 2;
    let mut x = 12345u32;
    for b in &mut bytes[mid..mid + 4000] {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        *b = (x >> 16) as u8;
    }
    std::fs::write(&mp3, &bytes).unwrap();
    let (mut p, mut src) = Player::open(&mp3, None).unwrap();
    src.set_blocking(true);
    p.play();
    for _ in 0..11 * 44_100 {
        src.next();
    }
    let s = p.snapshot();
    assert!(s.ended, "{s:?}");
    match s.error {
        // The MPEG stream has no timestamps: the frames lost to the garbage (~0.25 s) shorten
        // the timeline after it, so the end comes a little early.
        None => assert!(s.position_s > 9.0, "played past the damage: {s:?}"),
        Some(e) => assert!(e.contains("g.mp3"), "{e}"),
    }
}

#[test]
fn wav_with_garbage_in_the_middle_plays_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("g.wav");
    audio_support::bursts_wav(&wav, 4.0, 1);
    let mut bytes = std::fs::read(&wav).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 5000].fill(0x7f);
    std::fs::write(&wav, &bytes).unwrap();
    assert_eq!(decode_all(&wav), 4 * 44_100);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn corrupted_audio_never_panics(
        which in 0usize..2,
        edits in prop::collection::vec((0.0f64..1.0, any::<u8>()), 1..64),
        truncate in prop::option::of(0.0f64..1.0),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let files = fixtures();
        let src = &files[which.min(files.len() - 1)];
        let mut bytes = std::fs::read(src).unwrap();
        for (at, v) in edits {
            let i = ((bytes.len() - 1) as f64 * at) as usize;
            bytes[i] = v;
        }
        if let Some(t) = truncate {
            bytes.truncate((bytes.len() as f64 * t) as usize);
        }
        let bad = dir.path().join(format!("bad-{}", src.file_name().unwrap().to_string_lossy()));
        std::fs::write(&bad, &bytes).unwrap();
        match tapecoder::audio::probe(&bad) {
            Ok(info) => {
                prop_assert!(info.duration_s.is_finite() && info.duration_s >= 0.0);
                decode_all(&bad);
                let _ = overview::compute(&bad, 50, &AtomicBool::new(false), &mut |_, _| true);
            }
            Err(e) => prop_assert!(e.to_string().contains("bad-"), "{}", e),
        }
    }
}
