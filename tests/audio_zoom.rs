//! The zoom strip decodes its own peaks (#11): a 0.2 s click at 1:00:00.0 of an hour-long
//! recording lands in exactly its columns of a ±15 s strip at 0.1 s a column, where the overview
//! stretched smears it over a whole overview bucket (about 18 columns).
use std::path::Path;
use std::sync::atomic::AtomicBool;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::widgets::Widget;
use tapecoder::audio::overview::{self, Mode};
use tapecoder::audio::zoom::{self, ZoomMsg};
use tapecoder::tui::widgets::timeline::{Lane, Timeline};
use tapecoder::tui::zoom::{Zoom, ZoomPeaks};

const RATE: u32 = 2_000;
const LENGTH_S: f64 = 3_630.0;
const CLICK_S: f64 = 3_600.0;

/// A quiet 440 Hz-ish tone (at 2 kHz: 500 Hz) with a loud 0.2 s click at [`CLICK_S`].
fn long_wav(path: &Path) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    let n = (LENGTH_S * f64::from(RATE)) as u64;
    let (c0, c1) = ((CLICK_S * f64::from(RATE)) as u64, ((CLICK_S + 0.2) * f64::from(RATE)) as u64);
    for i in 0..n {
        // A square-ish 500 Hz tone: samples alternate +a, +a, -a, -a.
        let a = if (c0..c1).contains(&i) { 0.9 } else { 0.05 };
        let v = if i % 4 < 2 { a } else { -a };
        w.write_sample((v * f64::from(i16::MAX)) as i16).expect("sample");
    }
    w.finalize().expect("finalize wav");
}

/// The columns of a 300-column, 1-row strip over `window` whose bar is taller than half.
fn loud_columns(
    peaks: &[f32],
    window: (f64, f64),
    detail: Option<&tapecoder::tui::zoom::Detail>,
) -> Vec<u16> {
    let t = Timeline {
        peaks,
        duration_s: LENGTH_S,
        window,
        lanes: vec![Lane { spans: &[], color: Color::Reset }],
        lane_rows: false,
        listened: &[],
        ticks: &[],
        playhead: None,
        tick_row: false,
        axis: false,
        detail,
        mono: false,
        events: &[],
        event_row: false,
    };
    let mut buf = Buffer::empty(Rect::new(0, 0, 300, 1));
    t.render(buf.area, &mut buf);
    (0..300).filter(|&x| matches!(buf[(x, 0)].symbol(), "▅" | "▆" | "▇" | "█")).collect()
}

#[test]
fn a_click_at_one_hour_shows_in_exactly_its_columns() {
    let dir = tempfile::tempdir().expect("tmp");
    let wav = dir.path().join("long.wav");
    long_wav(&wav);
    // The overview as the TUI gets it (2,000 buckets of 1.8 s).
    let mut over = vec![-1.0f32; 2_000];
    let cancel = AtomicBool::new(false);
    overview::compute_mode(&wav, 2_000, Mode::Full, &cancel, &mut |first, peaks| {
        for (i, p) in peaks.iter().enumerate() {
            over[first + i] = p.min.abs().max(p.max.abs());
        }
        true
    })
    .expect("overview");
    // ±15 s around the click, through the zoom worker as the runtime asks for it.
    let window = Zoom::default().window(CLICK_S, LENGTH_S);
    assert_eq!(window, (3_585.0, 3_615.0));
    let mut got = ZoomPeaks::default();
    let h = zoom::spawn(&wav);
    let wanted = got.wanted(window, LENGTH_S);
    h.want(wanted.clone());
    for _ in &wanted {
        match h.recv() {
            Some(ZoomMsg::Tile(t)) => got.merge(t.index, &t.peaks, CLICK_S),
            other => panic!("{other:?}"),
        }
    }
    assert!(got.wanted(window, LENGTH_S).is_empty());
    let detail = got.detail(window);
    // 0.1 s a column: the click (3600.0–3600.2) is columns 150 and 151, nothing else.
    assert_eq!(loud_columns(&over, window, Some(&detail)), vec![150, 151]);
    // The overview stretched: one 1.8 s bucket, a flat run of about 18 columns.
    let stretched = loud_columns(&over, window, None);
    assert!(stretched.len() >= 15, "{stretched:?}");
}
