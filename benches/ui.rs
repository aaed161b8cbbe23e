//! UI speed (SPEC §10): one frame of the coding screen at 200×60, and opening the queue of a study
//! with 1,000 recordings and 2,400 codings. Run with `cargo bench --bench ui`.
use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tapecoder::audio::Snapshot;
use tapecoder::codebook::Codebook;
use tapecoder::coding::{CodebookRef, Coding};
use tapecoder::commands::code::queue_rows;
use tapecoder::study::Study;
use tapecoder::tui::app::{App, Msg, Opened, update};
use tapecoder::tui::keys::Keymap;

fn handbook() -> Codebook {
    tapecoder::codebook::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/codebook/handbook.toml"
    )))
    .expect("the bundled handbook loads")
}

/// A two-hour recording, heavily coded, with a complete overview.
fn busy_app(book: &Codebook) -> App {
    let dur = 7200.0;
    let mut c = Coding::new("R0001", "c1", CodebookRef::of(book), "ab", "2026-01-01T00:00:00Z");
    for i in 0..60 {
        let s = f64::from(i) * 110.0;
        c.add_segment("behaviour-change", s, s + 40.0, dur).unwrap();
        c.add_note(s + 5.0, &format!("note number {i} about what the worker said"), vec![])
            .unwrap();
        c.record_listened(s, s + 90.0).unwrap();
    }
    for (i, d) in book.domains.iter().enumerate().take(5) {
        if d.requires_segment.is_none() {
            c.set_score(book, &d.key, (i % 5) as u8 + 1).unwrap();
        }
    }
    let mut app = App::new(Arc::new(book.clone()), Keymap::default(), "c1", "Bench", vec![]);
    let snapshot = Snapshot {
        position_s: 3000.0,
        duration_s: dur,
        playing: true,
        speed: 1.0,
        ..Default::default()
    };
    update(&mut app, Msg::Opened(Box::new(Opened { coding: c, duration_s: dur, snapshot })));
    let peaks: Vec<f32> = (0..2000).map(|i| ((i as f32) * 0.13).sin().abs()).collect();
    update(&mut app, Msg::Overview { total: 2000, start: 0, peaks });
    update(&mut app, Msg::Resize(200, 60));
    app
}

fn frame(c: &mut Criterion) {
    let book = handbook();
    let mut app = busy_app(&book);
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut pos = 3000.0;
    c.bench_function("coding screen frame 200x60", |b| {
        b.iter(|| {
            // The playhead moves every frame, as while playing.
            pos += 0.04;
            update(
                &mut app,
                Msg::Playback(Snapshot {
                    position_s: pos,
                    duration_s: 7200.0,
                    playing: true,
                    speed: 1.0,
                    ..Default::default()
                }),
            );
            term.draw(|f| tapecoder::tui::screens::draw(f, black_box(&app))).unwrap();
        })
    });
}

/// A study folder with 1,000 recordings (empty audio files: only their presence is checked),
/// c1's queue of all of them, c1's codings of 1,000 and two other coders' codings of 700 each.
fn big_study(root: &Path) -> std::path::PathBuf {
    let dir = root.join("big");
    std::fs::create_dir_all(dir.join("queues")).unwrap();
    std::fs::create_dir_all(dir.join("audio")).unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/codebook/handbook.toml"),
        dir.join("handbook.toml"),
    )
    .unwrap();
    std::fs::write(
        dir.join("study.toml"),
        "schema = 1\nname = \"Big\"\ncodebook = \"handbook.toml\"\n",
    )
    .unwrap();
    let mut coders = String::from("schema = 1\n");
    for id in ["c1", "c2", "c3"] {
        coders.push_str(&format!("[[coder]]\nid = \"{id}\"\nname = \"{id}\"\nrole = \"coder\"\n"));
    }
    std::fs::write(dir.join("coders.toml"), coders).unwrap();
    let mut recs = String::from("schema = 1\n");
    let mut ids = Vec::new();
    for i in 1..=1000 {
        let id = format!("R{i:04}");
        recs.push_str(&format!(
            "[[recording]]\nid = \"{id}\"\nfile = \"audio/{id}.mp3\"\nsha256 = \"{:064x}\"\nduration_s = 3600.0\n",
            i
        ));
        std::fs::write(dir.join("audio").join(format!("{id}.mp3")), b"").unwrap();
        ids.push(id);
    }
    std::fs::write(dir.join("recordings.toml"), recs).unwrap();
    let q: Vec<String> = ids.iter().map(|i| format!("\"{i}\"")).collect();
    std::fs::write(
        dir.join("queues/c1.toml"),
        format!("schema = 1\ncoder = \"c1\"\nrecordings = [{}]\n", q.join(", ")),
    )
    .unwrap();
    let study = Study::open(&dir).unwrap();
    let book = study.codebook().clone();
    for (coder, n) in [("c1", 1000), ("c2", 700), ("c3", 700)] {
        for (i, id) in ids.iter().enumerate().take(n) {
            let sha = format!("{:064x}", i + 1);
            let mut c =
                Coding::new(id, coder, CodebookRef::of(&book), &sha, "2026-01-01T00:00:00Z");
            c.set_score(&book, "empathy", 3).unwrap();
            c.add_segment("behaviour-change", 10.0, 70.0, 3600.0).unwrap();
            c.add_note(12.0, "a note", vec![]).unwrap();
            c.record_listened(0.0, 1800.0).unwrap();
            study.save_coding(&c).unwrap();
        }
    }
    dir
}

fn queue_open(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = big_study(tmp.path());
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let mut g = c.benchmark_group("queue");
    g.sample_size(10);
    g.bench_function("open queue of 1000 recordings (2400 codings)", |b| {
        b.iter(|| {
            let study = Study::open(&dir).unwrap();
            let rows = queue_rows(&study, "c1").unwrap();
            let app =
                App::new(Arc::new(study.codebook().clone()), Keymap::default(), "c1", "Big", rows);
            term.draw(|f| tapecoder::tui::screens::draw(f, &app)).unwrap();
            black_box(app.queue.rows.len())
        })
    });
    g.finish();
}

criterion_group!(benches, frame, queue_open);
criterion_main!(benches);
