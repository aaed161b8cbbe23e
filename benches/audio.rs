//! Criterion micro-benchmarks of the audio hot paths: the WSOLA stretcher (CPU per second of
//! output) and a sample-accurate seek + first read in a WAV. The end-to-end targets (2-hour
//! files beside ffmpeg) are `tapecoder bench audio`; see BENCHMARKS.md.
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tapecoder::audio::decode::AudioDecoder;
use tapecoder::audio::stretch::Wsola;

fn tone(secs: f64, rate: u32) -> Vec<f32> {
    (0..(secs * f64::from(rate)) as usize)
        .map(|i| (i as f32 * 1000.0 * std::f32::consts::TAU / rate as f32).sin() * 0.5)
        .collect()
}

fn stretch(c: &mut Criterion) {
    let input = tone(1.0, 44_100);
    for speed in [0.75, 1.5] {
        c.bench_function(&format!("wsola 1 s mono 44.1 kHz at {speed}"), |b| {
            b.iter(|| {
                let mut w = Wsola::new(1, 44_100, speed);
                let mut out = vec![0.0; 4096];
                let mut n = 0;
                for chunk in input.chunks(1024) {
                    w.push(chunk);
                    n += w.pop(&mut out);
                }
                black_box(n)
            })
        });
    }
}

fn seek(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for s in tone(600.0, 16_000) {
        w.write_sample((s * 32767.0) as i16).unwrap();
    }
    w.finalize().unwrap();
    let mut dec = AudioDecoder::open(&path, 1).unwrap();
    let mut k = 0u64;
    let mut buf = Vec::new();
    c.bench_function("wav seek + first read (10 min file)", |b| {
        b.iter(|| {
            k = (k + 7_919_371) % (600 * 16_000);
            dec.seek(k).unwrap();
            buf.clear();
            black_box(dec.read(&mut buf).unwrap())
        })
    });
}

criterion_group!(benches, stretch, seek);
criterion_main!(benches);
