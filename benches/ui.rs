//! UI speed (SPEC §10): one frame of the coding screen at 200×60, and, on a generated study of
//! 1,000 recordings and 2,400 codings, opening the queue screen and making the reliability report.
//! Run with `cargo bench --bench ui`. The setup and the measured paths are the library's, shared
//! with `tapecoder bench ui` and `tapecoder bench study`.
use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tapecoder::codebook::Codebook;
use tapecoder::commands::bench::fixture;
use tapecoder::commands::bench::study::{open_queue_screen, reliability_report};
use tapecoder::tui::bench_support::{self, HEIGHT, START_S, WIDTH};

fn handbook() -> Codebook {
    tapecoder::codebook::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/codebook/handbook.toml"
    )))
    .expect("the bundled handbook loads")
}

fn frame(c: &mut Criterion) {
    let book = handbook();
    let mut app = bench_support::busy_coding_app(&book).expect("the bench coding builds");
    let mut term = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    let mut pos = START_S;
    c.bench_function("coding screen frame 200x60", |b| {
        b.iter(|| {
            // The playhead moves every frame, as while playing.
            pos += 0.04;
            bench_support::advance(&mut app, pos);
            term.draw(|f| tapecoder::tui::coder::draw(f, black_box(&app))).unwrap();
        })
    });
}

/// Issue #14: a count logged with its key (update) and the coding screen drawn at 120×40, on a
/// two-hour recording with 2,000 events, then undone (measured too: an upper bound).
fn count(c: &mut Criterion) {
    let book = bench_support::mi_fidelity().expect("the bundled instrument loads");
    let mut app = bench_support::counts_coding_app(&book).expect("the bench coding builds");
    let mut term =
        Terminal::new(TestBackend::new(bench_support::COUNT_WIDTH, bench_support::COUNT_HEIGHT))
            .unwrap();
    c.bench_function("log a count + frame 120x40 (2 h, 2000 events)", |b| {
        b.iter_batched(
            || (),
            |()| {
                tapecoder::tui::coder::update(&mut app, bench_support::count_key(&book));
                term.draw(|f| tapecoder::tui::coder::draw(f, black_box(&app))).unwrap();
                tapecoder::tui::coder::update(
                    &mut app,
                    tapecoder::tui::coder::Msg::Key(crossterm::event::KeyEvent::from(
                        crossterm::event::KeyCode::Char('u'),
                    )),
                );
            },
            criterion::BatchSize::SmallInput,
        )
    });
}

fn study(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let g = fixture::generate(&tmp.path().join("big"), 1000, 2400, 1).unwrap();
    let mut term = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    let mut group = c.benchmark_group("study");
    group.sample_size(10);
    group.bench_function("open queue screen (1000 recordings, 2400 codings)", |b| {
        b.iter(|| black_box(open_queue_screen(&g.dir, &g.busiest_coder, &mut term).unwrap()))
    });
    group.bench_function("reliability report (1000 recordings, 2400 codings)", |b| {
        b.iter(|| black_box(reliability_report(&g.dir).unwrap().0.len()))
    });
    group.finish();
}

criterion_group!(benches, frame, count, study);
criterion_main!(benches);
