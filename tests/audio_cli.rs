//! `tapecoder probe`, `clip` and `bench` through the binary.
mod audio_support;

use assert_cmd::Command;
use predicates::prelude::*;

fn tapecoder() -> Command {
    let mut c = Command::cargo_bin("tapecoder").unwrap();
    c.env_remove("TAPECODER_STUDY").env_remove("TAPECODER_CODER");
    c
}

#[test]
fn probe_prints_json_and_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 3.0, 2);
    let out = tapecoder().arg("probe").arg(&wav).args(["--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["frames"], 132_300);
    assert_eq!(v["channels"], 2);
    assert_eq!(v["sample_rate"], 44_100);
    assert_eq!(v["duration_s"], 3.0);
    assert_eq!(v["container"], "wav");
    tapecoder()
        .arg("probe")
        .arg(&wav)
        .assert()
        .success()
        .stdout(predicate::str::contains("duration     3.000000 s (0:00:03.000)"));
}

#[test]
fn probe_refuses_a_non_audio_file_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("minutes.txt");
    std::fs::write(&f, "not audio at all\n".repeat(100)).unwrap();
    tapecoder()
        .arg("probe")
        .arg(&f)
        .assert()
        .failure()
        .stdout("")
        .stderr(predicate::str::contains("minutes.txt").and(predicate::str::contains("audio")));
}

#[test]
fn clip_writes_the_requested_stretch() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 20.0, 1);
    let out = dir.path().join("clip.wav");
    let onset = audio_support::onsets(20.0)[6];
    let from = format!("0:{:06.3}", onset - 0.2);
    tapecoder()
        .arg("clip")
        .arg(&wav)
        .args(["--from", &from, "--to", &format!("{}", onset + 0.8)])
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let mut r = hound::WavReader::open(&out).unwrap();
    assert_eq!(r.spec().sample_rate, 44_100);
    assert_eq!(r.duration(), 44_100);
    let samples: Vec<i16> = r.samples::<i16>().map(Result::unwrap).collect();
    let first_loud = samples.iter().position(|s| s.unsigned_abs() > 8000).unwrap();
    let err_ms = (first_loud as f64 / 44.1 - 200.0).abs();
    assert!(err_ms <= 10.0, "onset off by {err_ms:.2} ms");
}

#[test]
fn clip_at_speed_is_shorter_and_keeps_pitch() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 10.0, 1);
    let out = dir.path().join("fast.wav");
    tapecoder()
        .arg("clip")
        .arg(&wav)
        .args(["--from", "1", "--to", "7", "--speed", "1.5"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let r = hound::WavReader::open(&out).unwrap();
    assert_eq!(r.duration(), 4 * 44_100);
}

#[test]
fn clip_refuses_bad_times_and_speeds() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 2.0, 1);
    let out = dir.path().join("x.wav");
    for (from, to, speed, msg) in [
        ("5", "2", "1", "must be after"),
        ("1:75", "2:00", "1", "1:75"),
        ("soon", "2:00", "1", "not a time"),
        ("10", "12", "1", "past the end"),
        ("0", "1", "3", "out of range"),
    ] {
        tapecoder()
            .arg("clip")
            .arg(&wav)
            .args(["--from", from, "--to", to, "--speed", speed])
            .arg("--out")
            .arg(&out)
            .assert()
            .failure()
            .stderr(predicate::str::contains(msg));
    }
    assert!(!out.exists(), "a failed clip writes nothing");
}

/// The bench harness is built with `--features bench` (`.ci/run` runs this file so).
#[cfg(feature = "bench")]
#[test]
fn bench_measures_a_given_file() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("b.wav");
    audio_support::bursts_wav(&wav, 4.0, 1);
    let out = tapecoder()
        .args(["bench", "audio", "--format", "json", "--file"])
        .arg(&wav)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // This machine has no sound card: the fallback is reported, and nothing from ALSA or cpal
    // reached stderr (only our own progress line).
    assert!(v["output"].as_str().is_some_and(|o| !o.is_empty()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.lines().all(|l| l.starts_with("measuring ")), "stderr: {stderr}");
    let f = &v["files"][0];
    assert_eq!(f["duration_s"], 4.0);
    for k in [
        "ready_ms",
        "overview_ms",
        "overview_full_decode_ms",
        "cached_overview_ms",
        "seek_p50_ms",
        "seek_max_ms",
    ] {
        assert!(f[k].as_f64().is_some_and(|x| x >= 0.0), "{k}: {f}");
    }
    // ffmpeg's plain decode of the same file beside it, when ffmpeg is installed.
    assert_eq!(f["ffmpeg_ms"].as_f64().is_some(), v["ffmpeg"] == true, "{f}");
    // The overview against the full decode: a 4 s file is decoded in full, so they agree.
    let fid = &f["fidelity"];
    assert_eq!(fid["buckets"], 2000, "{fid}");
    for k in ["rms_err_p50", "rms_err_p95", "peak_err_p95", "rms_err_p95_merged50"] {
        assert_eq!(fid[k].as_f64(), Some(0.0), "{k}: {fid}");
    }
}
