//! Fixtures both TUI test suites share (the coder's `tui_support` and the supervisor's
//! `tui_adjudication_support` include this file by path): the seven test domains and their
//! codebook, a player snapshot, a repeatable waveform, rendering a frame to text, and key and mouse
//! builders for either app's message type.
#![allow(dead_code)]
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::backend::TestBackend;
use ratatui::{Frame, Terminal};
use tapecoder::audio::Snapshot;
use tapecoder::codebook::{Codebook, Composite, Domain, Scale, SegmentKind};
use tapecoder::tui::event::Input;

pub const DOMAINS: [(&str, &str); 7] = [
    ("empathy", "Empathy"),
    ("collaboration", "Collaboration"),
    ("autonomy", "Autonomy"),
    ("evocation", "Evocation"),
    ("purposefulness", "Purposefulness"),
    ("clarity", "Clarity about concerns"),
    ("child_focus", "Child focus"),
];

/// The test codebook; `describe(key, label)` gives each domain's description.
pub fn codebook_with(describe: impl Fn(&str, &str) -> String) -> Codebook {
    Codebook {
        id: "test-book".into(),
        version: "1".into(),
        title: "Test book".into(),
        sha256: "00".into(),
        scale: Scale { min: 1, max: 5 },
        tolerance: 1,
        domains: DOMAINS
            .iter()
            .map(|(k, l)| Domain {
                key: k.to_string(),
                label: l.to_string(),
                group: "g".into(),
                description: describe(k, l),
                levels: (1..=5)
                    .map(|i| format!("{l} at level {i}: what a {i} sounds like."))
                    .collect(),
                requires_segment: (*k == "evocation").then(|| "behaviour-change".to_string()),
            })
            .collect(),
        segment_kinds: vec![SegmentKind {
            key: "behaviour-change".into(),
            label: "Behaviour-change talk".into(),
            description: "d".into(),
        }],
        composites: vec![Composite {
            key: "care".into(),
            label: "Care".into(),
            domains: vec!["empathy".into()],
        }],
        items: Default::default(),
    }
}

/// A paused player at `pos` in a 600 s recording.
pub fn snapshot_at(pos: f64) -> Snapshot {
    Snapshot {
        position_s: pos,
        duration_s: 600.0,
        playing: false,
        speed: 1.0,
        ..Default::default()
    }
}

/// A simple repeatable waveform of 600 buckets.
pub fn peaks() -> Vec<f32> {
    (0..600).map(|i| ((i as f32 * 0.37).sin().abs() * 0.9) + 0.05).collect()
}

/// One frame of `w`×`h` drawn by `draw`, as text (trailing spaces trimmed).
pub fn render_with(w: u16, h: u16, draw: impl FnOnce(&mut Frame)) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(draw).unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn key<M: From<Input>>(code: KeyCode) -> M {
    M::from(Input::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}
pub fn ch<M: From<Input>>(c: char) -> M {
    let mods = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
    M::from(Input::Key(KeyEvent::new(KeyCode::Char(c), mods)))
}
pub fn shift<M: From<Input>>(code: KeyCode) -> M {
    M::from(Input::Key(KeyEvent::new(code, KeyModifiers::SHIFT)))
}
pub fn ctrl<M: From<Input>>(c: char) -> M {
    M::from(Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
}
pub fn mouse<M: From<Input>>(kind: MouseEventKind, x: u16, y: u16) -> M {
    M::from(Input::Mouse(MouseEvent { kind, column: x, row: y, modifiers: KeyModifiers::NONE }))
}
pub fn click<M: From<Input>>(x: u16, y: u16) -> M {
    mouse(MouseEventKind::Down(MouseButton::Left), x, y)
}
