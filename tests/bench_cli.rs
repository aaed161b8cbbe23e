//! `tapecoder bench ui` and `tapecoder bench study` run and report every measure with its target
//! (small sizes here; the timings themselves are benchmarks, not tests: see BENCHMARKS.md).
//! The harness is built with the `bench` feature: `cargo test --features bench --test bench_cli`
//! (`.ci/run` does).
#![cfg(feature = "bench")]
use assert_cmd::Command;
use serde_json::Value;

fn bench(args: &[&str]) -> Value {
    let out = Command::cargo_bin("tapecoder")
        .unwrap()
        .arg("bench")
        .args(args)
        .args(["--format", "json"])
        .env_remove("TAPECODER_STUDY")
        .env_remove("TAPECODER_CODER")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_stat(v: &Value, runs: u64, target_ms: f64) {
    assert_eq!(v["runs"], runs, "{v}");
    assert_eq!(v["target_ms"], target_ms, "{v}");
    let (median, max) = (v["median_ms"].as_f64().unwrap(), v["max_ms"].as_f64().unwrap());
    assert!(median > 0.0 && median <= max, "{v}");
    assert!(v["met"].is_boolean(), "{v}");
}

#[test]
fn bench_study_reports_queue_open_and_reliability_on_both_study_shapes() {
    let keep = tempfile::tempdir().unwrap();
    let keep_arg = keep.path().to_str().unwrap();
    let r = bench(&["study", "--recordings", "20", "--runs", "2", "--keep", keep_arg]);
    assert_eq!((r["width"].as_u64(), r["height"].as_u64()), (Some(200), Some(60)));
    assert!(r["machine"]["cpus"].as_u64().unwrap() >= 1);
    let studies = r["studies"].as_array().unwrap();
    let shapes: Vec<(&str, u64, u64)> = studies
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap(),
                s["recordings"].as_u64().unwrap(),
                s["codings"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(shapes, vec![("spec", 20, 48), ("typical", 20, 24)]);
    for s in studies {
        assert_stat(&s["queue_open"], 2, 200.0);
        assert_stat(&s["reliability"], 2, 200.0);
        assert!(s["queue_rows"].as_u64().unwrap() > 0, "{s}");
        assert!(s["reliability_report_bytes"].as_u64().unwrap() > 0, "{s}");
        for k in ["open_ms", "load_ms", "compute_ms", "render_ms"] {
            assert!(s["reliability_phases_ms"][k].as_f64().unwrap() >= 0.0, "{k}: {s}");
        }
    }
    assert_eq!(studies[0]["double_coded"], 20);
    assert_eq!(studies[1]["double_coded"], 4);
    // --keep leaves the generated studies, which the ordinary commands open.
    let spec = tapecoder::study::Study::open(keep.path().join("spec")).unwrap();
    assert_eq!(spec.recordings().len(), 20);
    assert_eq!(spec.all_codings().unwrap().len(), 48);
}

#[test]
fn bench_study_with_codings_generates_one_study_and_times_the_report_both_ways_and_verify() {
    let keep = tempfile::tempdir().unwrap();
    let keep_arg = keep.path().to_str().unwrap();
    let r = bench(&[
        "study",
        "--recordings",
        "20",
        "--codings",
        "30",
        "--runs",
        "2",
        "--keep",
        keep_arg,
    ]);
    let studies = r["studies"].as_array().unwrap();
    assert_eq!(studies.len(), 1);
    let s = &studies[0];
    assert_eq!(
        (s["name"].as_str(), s["recordings"].as_u64(), s["codings"].as_u64()),
        (Some("study"), Some(20), Some(30))
    );
    assert_stat(&s["reliability"], 2, 200.0);
    assert_stat(&s["reliability_uncached"], 2, 200.0);
    assert_stat(&s["verify"], 2, 2000.0);
    for k in ["open_ms", "load_ms", "compute_ms", "render_ms"] {
        assert!(s["reliability_uncached_phases_ms"][k].as_f64().unwrap() >= 0.0, "{k}: {s}");
    }
    assert!(keep.path().join("study/study.toml").is_file());
    assert!(keep.path().join("keys/sup.key").is_file());
}

#[test]
fn bench_ui_reports_frames_at_200_by_60() {
    let r = bench(&["ui", "--runs", "1"]);
    assert_eq!((r["width"].as_u64(), r["height"].as_u64()), (Some(200), Some(60)));
    assert_eq!(r["frames"], 100);
    assert_stat(&r["coding_frame"], 100, 5.0);
    assert_stat(&r["transcript_frame"], 100, 5.0);
    assert_stat(&r["queue_frame"], 100, 5.0);
}

#[test]
fn bench_study_refuses_a_study_too_small_to_measure() {
    let out = Command::cargo_bin("tapecoder")
        .unwrap()
        .args(["bench", "study", "--recordings", "3"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--recordings"));
}

#[test]
fn bench_zoom_reports_the_strip_decode_at_ten_positions() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("two-minutes.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&wav, spec).unwrap();
    for i in 0..(120 * 8000) {
        w.write_sample(if i % 20 < 10 { 3000i16 } else { -3000 }).unwrap();
    }
    w.finalize().unwrap();
    let r = bench(&["zoom", "--file", wav.to_str().unwrap()]);
    assert_eq!(r["positions_s"].as_array().map(Vec::len), Some(10), "{r}");
    assert_eq!(r["bucket_s"], 0.025);
    assert!(r["column_s_at_300_cols"].as_f64().unwrap() <= r["column_target_s"].as_f64().unwrap());
    assert_stat(&r["first_tile"], 10, 100.0);
    assert_stat(&r["window"], 10, 100.0);
    assert!(r["scrub_step"]["runs"].as_u64().unwrap() >= 5, "{r}");
    // Without --file it says what to give it.
    let out = Command::cargo_bin("tapecoder").unwrap().args(["bench", "zoom"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--file"));
}
