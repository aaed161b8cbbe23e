//! The zoom strip (#11, long recordings): `+` / `-` levels on the coder's and the supervisor's
//! timelines, the strip drawn from its own decoded peaks (tiles arriving as `Msg::Zoom`) and not
//! the overview stretched, short segments at least one cell, and `NO_COLOR` glyphs.
// Both apps' fixtures are used here, and each brings the shared `common/tui.rs` along.
#![allow(clippy::duplicate_mod)]
mod tui_adjudication_support;
mod tui_support;

use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use tapecoder::audio::zoom::{BUCKET_S, TILE_BUCKETS, TILE_S};
use tapecoder::coding::Segment;
use tapecoder::tui::coder::{self, App, Msg, Opened};
use tapecoder::tui::supervisor::{self as sup_app, AdjApp};
use tui_adjudication_support as sup;
use tui_support as cod;

/// Zoom tile `index` of a quiet recording with a 0.2 s click at 300.0 s.
fn click_tile(index: u64) -> Vec<f32> {
    (0..TILE_BUCKETS)
        .map(|i| {
            let t = index as f64 * TILE_S + i as f64 * BUCKET_S;
            if (300.0..300.2 - 1e-9).contains(&t) { 0.95 } else { 0.05 }
        })
        .collect()
}

fn coder_at(pos: f64) -> App {
    let mut a = cod::coding_app(cod::partly_coded("R001"), pos);
    cod::with_overview(&mut a);
    a
}

fn coder_tiles(a: &mut App) {
    for index in a.coding().map(|c| c.zoom_tiles()).unwrap_or_default() {
        coder::update(a, Msg::Zoom { index, peaks: click_tile(index) });
    }
}

fn sup_tiles(a: &mut AdjApp) {
    for index in a.recording().map(|r| r.zoom_tiles()).unwrap_or_default() {
        sup_app::update(a, sup_app::Msg::Zoom { index, peaks: click_tile(index) });
    }
}

/// The row of `screen` that holds the zoom strip's loudest bars: the columns with `█`.
fn full_columns(screen: &str, row: usize) -> Vec<usize> {
    let line: Vec<char> = screen.lines().nth(row).unwrap_or("").chars().collect();
    (0..line.len()).filter(|&i| line[i] == '█').collect()
}

/// Draws `draw` and says whether any cell has a colour.
fn coloured(w: u16, h: u16, draw: impl FnOnce(&mut ratatui::Frame)) -> Vec<(u16, u16)> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(draw).unwrap();
    let buf = t.backend().buffer();
    let mut out = vec![];
    for y in 0..h {
        for x in 0..w {
            let c = &buf[(x, y)];
            if c.fg != Color::Reset || c.bg != Color::Reset {
                out.push((x, y));
            }
        }
    }
    out
}

#[test]
fn plus_and_minus_zoom_the_coders_strip() {
    let mut a = coder_at(300.0);
    let window = |a: &App| a.coding().unwrap().zoom_window();
    assert_eq!(window(&a), (285.0, 315.0));
    assert!(cod::render(&a, 120, 40).contains("╰ zoom ±15s "));
    cod::send(&mut a, [cod::ch('+')]);
    assert_eq!(window(&a), (295.0, 305.0));
    assert!(cod::render(&a, 80, 24).contains("╰ zoom ±5s "));
    // At the narrowest: it says so.
    cod::send(&mut a, [cod::ch('+')]);
    assert_eq!(window(&a), (295.0, 305.0));
    assert!(cod::render(&a, 120, 40).contains("already at its narrowest"));
    cod::send(&mut a, [cod::ch('-'), cod::ch('-'), cod::ch('-'), cod::ch('-')]);
    assert_eq!(window(&a), (180.0, 420.0));
    assert!(cod::render(&a, 120, 40).contains("╰ zoom ±2m "));
    cod::send(&mut a, [cod::ch('-'), cod::ch('-')]);
    // ±5 min of a 10-minute recording: all of it.
    assert_eq!(window(&a), (0.0, 600.0));
    assert!(cod::render(&a, 120, 40).contains("already at its widest"));
    // The zoom worker is asked for the tiles of the window, nearest the middle first.
    cod::send(&mut a, [cod::ch('+'), cod::ch('+'), cod::ch('+'), cod::ch('+')]);
    // ±15 s: 285–315 s is tiles 28–31, and one either side for scrubbing.
    assert_eq!(a.coding().unwrap().zoom_tiles(), vec![30, 29, 31, 28, 32, 27]);
}

#[test]
fn the_coders_zoom_strip_draws_its_own_peaks() {
    let mut a = coder_at(300.0);
    cod::send(&mut a, [cod::ch('+')]);
    // Before the tiles arrive: the overview stretched (1 s buckets under 0.085 s columns).
    let stretched = cod::render(&a, 120, 40);
    coder_tiles(&mut a);
    assert!(a.coding().unwrap().zoom_tiles().is_empty());
    let s = cod::render(&a, 120, 40);
    // The click at 300.0–300.2 s in a ±5 s strip of 118 columns: columns 59–61 of the strip
    // (1 + 59 = 60 on screen), on the strip's two rows.
    assert_eq!(full_columns(&s, 9), vec![60, 61, 62], "{s}");
    assert_ne!(full_columns(&stretched, 9), full_columns(&s, 9));
    assert_snapshot!("coder_zoom_5s_decoded_120x40", s);
    assert_snapshot!("coder_zoom_5s_decoded_80x24", cod::render(&a, 80, 24));
}

#[test]
fn a_short_segment_in_a_long_recording_takes_a_cell() {
    // 60 s at 1:44:41 of a 2-hour recording.
    let mut c = cod::coding("R001");
    c.segments = vec![Segment {
        kind: "behaviour-change".into(),
        start_s: 6281.0,
        end_s: 6341.0,
        note: String::new(),
    }];
    let mut a = cod::app();
    coder::update(
        &mut a,
        Msg::Opened(Box::new(Opened {
            coding: c,
            duration_s: 7200.0,
            snapshot: cod::snapshot_at(0.0),
            transcript: Ok(None),
            window: None,
        })),
    );
    a.shell.mono = true;
    for (w, h) in [(80, 24), (120, 40)] {
        let s = cod::render(&a, w, h);
        let overview_row = s.lines().nth(2).unwrap_or("");
        // One column (92 s a column at 80), or the two it straddles (61 s a column at 120).
        let cells = overview_row.matches('░').count();
        assert!((1..=2).contains(&cells), "{cells} cells\n{s}");
    }
}

#[test]
fn no_color_draws_segments_with_glyphs_in_the_coders_timeline() {
    let mut a = coder_at(310.0);
    a.shell.mono = true;
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = a.clone();
        coder::update(&mut app, Msg::Resize(w, h));
        assert_eq!(coloured(w, h, |f| coder::draw(f, &app)), vec![], "no colour at {w}x{h}");
    }
    assert_snapshot!("coder_no_color_120x40", cod::render(&a, 120, 40));
    assert_snapshot!("coder_no_color_80x24", cod::render(&a, 80, 24));
}

fn sup_at(pos: f64) -> AdjApp {
    sup::recording_app(pos)
}

#[test]
fn plus_and_minus_zoom_the_supervisors_strip() {
    let mut a = sup_at(300.0);
    let window = |a: &AdjApp| a.recording().unwrap().zoom_window();
    assert_eq!(window(&a), (285.0, 315.0));
    assert!(sup::render(&a, 120, 40).contains(" zoom ±15s ╯"));
    sup::send(&mut a, [sup::ch('-'), sup::ch('-')]);
    assert_eq!(window(&a), (240.0, 360.0));
    assert!(sup::render(&a, 80, 24).contains(" zoom ±1m ╯"));
    sup::send(&mut a, [sup::ch('+'), sup::ch('+'), sup::ch('+'), sup::ch('+')]);
    assert_eq!(window(&a), (295.0, 305.0));
    assert!(sup::render(&a, 120, 40).contains("already at its narrowest"));
    // A click on the zoom strip seeks inside its window.
    use ratatui::layout::Rect;
    use tapecoder::tui::supervisor::recording::view::recording_layout;
    use tapecoder::tui::transport::Transport;
    for (w, h) in [(80, 24), (120, 40)] {
        sup_app::update(&mut a, sup_app::Msg::Resize(w, h));
        let l = recording_layout(Rect::new(0, 0, w, h), sup::DOMAINS.len());
        let fx = sup::send(&mut a, [sup::click(l.zoom.right() - 1, l.zoom.y)]);
        let [sup_app::Effect::Player(Transport::Seek(t))] = fx.as_slice() else { panic!("{fx:?}") };
        assert!(*t > 304.0 && *t <= 305.0, "{t} at {w}x{h}");
        sup_app::update(&mut a, sup_app::Msg::Playback(sup::snapshot_at(300.0)));
    }
}

#[test]
fn the_supervisors_zoom_strip_draws_its_own_peaks() {
    let mut a = sup_at(300.0);
    sup::send(&mut a, [sup::ch('+')]);
    sup_tiles(&mut a);
    assert!(a.recording().unwrap().zoom_tiles().is_empty());
    let s = sup::render(&a, 120, 40);
    assert_snapshot!("supervisor_zoom_5s_decoded_120x40", s);
    assert_snapshot!("supervisor_zoom_5s_decoded_80x24", sup::render(&a, 80, 24));
}

#[test]
fn no_color_draws_the_adjudication_lanes_with_glyphs() {
    let mut a = sup_at(100.0);
    a.shell.mono = true;
    for (w, h) in [(80, 24), (120, 40)] {
        let mut app = a.clone();
        sup_app::update(&mut app, sup_app::Msg::Resize(w, h));
        assert_eq!(coloured(w, h, |f| sup_app::draw(f, &app)), vec![], "no colour at {w}x{h}");
        let s = sup::render(&a, w, h);
        // ann's segment 1:00–2:30 is drawn in her lane with glyphs.
        let lane = s.lines().find(|l| l.starts_with("│A ann")).unwrap_or("");
        assert!(lane.contains('█'), "{s}");
    }
    assert_snapshot!("supervisor_no_color_120x40", sup::render(&a, 120, 40));
    assert_snapshot!("supervisor_no_color_80x24", sup::render(&a, 80, 24));
}

#[test]
fn no_color_comes_from_the_environment_values() {
    use std::ffi::OsStr;
    use tapecoder::tui::shell::Shell;
    assert!(Shell::mono_from(Some(OsStr::new("1")), None));
    assert!(!Shell::mono_from(Some(OsStr::new("")), Some(OsStr::new("xterm"))));
    assert!(Shell::mono_from(None, Some(OsStr::new("dumb"))));
    assert!(!Shell::mono_from(None, None));
}
