//! Exact durations and clear refusals: WAV, FLAC, MP3 with and without a Xing header, the other
//! supported formats, many channels and low rates, and files that are not (whole) audio.
mod audio_support;

use std::path::Path;

use tapecoder::audio::decode::AudioDecoder;
use tapecoder::audio::probe;

const SECS: f64 = 6.0;
const FRAMES: u64 = 264_600; // 6 s at 44.1 kHz

fn fixture(dir: &Path) -> std::path::PathBuf {
    let wav = dir.join("b.wav");
    audio_support::bursts_wav(&wav, SECS, 1);
    wav
}

/// Frames a full decode produces (the ground truth for the header).
fn decoded_frames(path: &Path) -> u64 {
    let mut d = AudioDecoder::open(path, 1).unwrap();
    let mut n = 0u64;
    let mut buf = Vec::new();
    while let Some((_, k)) = d.read(&mut buf).unwrap() {
        n += k as u64;
        buf.clear();
    }
    n
}

#[test]
fn wav_duration_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let wav = fixture(dir.path());
    let p = probe(&wav).unwrap();
    assert_eq!(p.frames, FRAMES);
    assert_eq!(p.duration_s, SECS);
    assert_eq!((p.sample_rate, p.channels), (44_100, 1));
    assert_eq!(p.container, "wav");
    if let Some(ff) = audio_support::ffprobe_seconds(&wav) {
        assert!((ff - p.duration_s).abs() < 1e-3, "ffprobe {ff}");
    }
}

#[test]
fn flac_duration_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let wav = fixture(dir.path());
    let Some(flac) = audio_support::ffmpeg(&wav, &dir.path().join("b.flac"), &[]) else { return };
    let p = probe(&flac).unwrap();
    assert_eq!(p.frames, FRAMES);
    assert_eq!(p.codec, "flac");
    assert_eq!(decoded_frames(&flac), FRAMES);
    if let Some(ff) = audio_support::ffprobe_seconds(&flac) {
        assert!((ff - p.duration_s).abs() < 1e-3, "ffprobe {ff}");
    }
}

#[test]
fn mp3_with_xing_duration_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let wav = fixture(dir.path());
    let Some(mp3) = audio_support::ffmpeg(
        &wav,
        &dir.path().join("b.mp3"),
        &["-c:a", "libmp3lame", "-q:a", "4"],
    ) else {
        return;
    };
    let p = probe(&mp3).unwrap();
    // The LAME tag's delay and padding are trimmed: exactly the source's frames.
    assert_eq!(p.frames, FRAMES);
    assert_eq!(decoded_frames(&mp3), FRAMES);
    if let Some(ff) = audio_support::ffmpeg_decoded_frames(&mp3) {
        assert_eq!(ff, FRAMES, "ffmpeg decodes the same length");
    }
}

#[test]
fn mp3_without_xing_is_counted_by_a_demux_pass() {
    let dir = tempfile::tempdir().unwrap();
    let wav = fixture(dir.path());
    let Some(mp3) = audio_support::ffmpeg(
        &wav,
        &dir.path().join("nx.mp3"),
        &["-c:a", "libmp3lame", "-q:a", "4", "-write_xing", "0"],
    ) else {
        return;
    };
    let p = probe(&mp3).unwrap();
    // Without the LAME tag nothing says how much is delay: every MPEG frame counts.
    assert_eq!(p.frames % 1152, 0);
    assert!(p.frames >= FRAMES && p.frames < FRAMES + 3 * 1152, "{}", p.frames);
    assert_eq!(decoded_frames(&mp3), p.frames);
    // ffprobe only estimates this file's length from the bitrate; ffmpeg's decode agrees.
    if let Some(ff) = audio_support::ffmpeg_decoded_frames(&mp3) {
        assert_eq!(ff, p.frames);
    }
}

#[test]
fn other_formats_probe_and_decode() {
    let dir = tempfile::tempdir().unwrap();
    let wav = fixture(dir.path());
    let cases: [(&str, &[&str], &str); 4] = [
        ("a.wav", &["-c:a", "adpcm_ima_wav"], "adpcm"),
        ("m.wav", &["-c:a", "adpcm_ms"], "adpcm"),
        ("v.ogg", &["-c:a", "libvorbis", "-q:a", "3"], "vorbis"),
        ("c.m4a", &["-c:a", "aac", "-b:a", "96k"], "aac"),
    ];
    for (name, args, codec) in cases {
        let Some(f) = audio_support::ffmpeg(&wav, &dir.path().join(name), args) else { return };
        let p = probe(&f).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(p.codec.contains(codec), "{name}: codec {}", p.codec);
        // Within one packet plus the AAC priming of the source length.
        assert!((p.duration_s - SECS).abs() < 0.1, "{name}: {} s", p.duration_s);
        let n = decoded_frames(&f);
        assert!(
            (n as f64 - p.frames as f64).abs() <= 2048.0,
            "{name}: decoded {n} vs {}",
            p.frames
        );
    }
}

#[test]
fn six_channels_and_8khz_are_read_and_downmixed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("six.wav");
    let spec = hound::WavSpec {
        channels: 6,
        sample_rate: 8_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for i in 0..16_000 {
        let v = ((i as f64 * 0.1).sin() * 8000.0) as i16;
        for ch in 0..6 {
            w.write_sample(if ch == 0 { v } else { 0 }).unwrap();
        }
    }
    w.finalize().unwrap();
    let p = probe(&path).unwrap();
    assert_eq!((p.channels, p.sample_rate, p.frames), (6, 8_000, 16_000));
    let mut d = AudioDecoder::open(&path, 2).unwrap();
    assert_eq!(d.info().out_channels, 2);
    let mut buf = Vec::new();
    d.read(&mut buf).unwrap().unwrap();
    // Front left lands on the left output channel only.
    let left: f32 = buf.chunks(2).map(|f| f[0].abs()).sum();
    let right: f32 = buf.chunks(2).map(|f| f[1].abs()).sum();
    assert!(left > 0.0 && right == 0.0, "left {left} right {right}");
}

#[test]
fn empty_text_and_truncated_files_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.wav");
    std::fs::write(&empty, b"").unwrap();
    let text = dir.path().join("notes.mp3");
    std::fs::write(&text, "These are my notes, not a recording.\n".repeat(50)).unwrap();
    let wav = fixture(dir.path());
    let bytes = std::fs::read(&wav).unwrap();
    let cut = dir.path().join("cut.wav");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let missing = dir.path().join("missing.flac");
    for (path, what) in [
        (&empty, "empty"),
        (&text, "not a readable audio file"),
        (&cut, "truncated"),
        (&missing, "cannot open"),
    ] {
        let err = probe(path).expect_err(what).to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains(what), "{err}");
    }
}

#[test]
fn truncated_mp3_with_xing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let wav = fixture(dir.path());
    let Some(mp3) = audio_support::ffmpeg(
        &wav,
        &dir.path().join("t.mp3"),
        &["-c:a", "libmp3lame", "-q:a", "4"],
    ) else {
        return;
    };
    let bytes = std::fs::read(&mp3).unwrap();
    let cut = dir.path().join("cut.mp3");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let err = probe(&cut).expect_err("truncated").to_string();
    assert!(err.contains("cut.mp3") && err.contains("truncated"), "{err}");
}
