//! Shared fixtures for the TUI tests: a small fixed codebook, codings, an app, rendering to text,
//! and key/mouse message builders.
#![allow(dead_code)]
#[path = "../common/tui.rs"]
mod tui_common;

use std::sync::Arc;

use tapecoder::codebook::Codebook;
use tapecoder::coding::{CodebookRef, Coding, Note, Segment, Status};
use tapecoder::transcript::{Cue, Transcript};
use tapecoder::tui::coder::queue::{QueueRow, RowStatus};
use tapecoder::tui::coder::{App, Effect, Msg, Opened, update};
use tapecoder::tui::keys::Keymap;
pub use tui_common::*;

pub fn codebook() -> Codebook {
    codebook_with(|k, l| format!("What {l} means: the worker's {k} across the whole visit."))
}

pub fn coding(rec: &str) -> Coding {
    Coding {
        checklist: Default::default(),
        classes: Default::default(),
        events: Vec::new(),
        schema: 1,
        recording: rec.into(),
        coder: "c1".into(),
        codebook: CodebookRef { id: "test-book".into(), version: "1".into(), sha256: "00".into() },
        audio_sha256: "ab".into(),
        status: Status::InProgress,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T00:00:00Z".into(),
        submitted_at: None,
        resume_s: 0.0,
        listened: vec![],
        scores: Default::default(),
        rationales: Default::default(),
        segments: vec![],
        notes: vec![],
    }
}

/// A partly coded recording: two segments, two notes, three scores, one rationale.
pub fn partly_coded(rec: &str) -> Coding {
    let mut c = coding(rec);
    c.segments = vec![
        Segment {
            kind: "behaviour-change".into(),
            start_s: 60.0,
            end_s: 120.0,
            note: String::new(),
        },
        Segment {
            kind: "behaviour-change".into(),
            start_s: 300.0,
            end_s: 330.5,
            note: String::new(),
        },
    ];
    c.notes = vec![
        Note { at_s: 45.0, text: "Parent raises housing worry".into(), domains: vec![] },
        Note { at_s: 400.2, text: "Worker summarises well".into(), domains: vec![] },
    ];
    c.scores.insert("empathy".into(), 3);
    c.scores.insert("collaboration".into(), 2);
    c.scores.insert("evocation".into(), 4);
    c.rationales.insert("empathy".into(), "Several accurate reflections.".into());
    c.listened = vec![[0.0, 420.0]];
    c
}

pub fn rows() -> Vec<QueueRow> {
    vec![
        QueueRow {
            id: "R001".into(),
            duration_s: 600.0,
            status: RowStatus::InProgress,
            listened: 0.42,
            problem: None,
            training: false,
            gold: false,
        },
        QueueRow {
            id: "R002".into(),
            duration_s: 3725.0,
            status: RowStatus::NotStarted,
            listened: 0.0,
            problem: None,
            training: false,
            gold: false,
        },
        QueueRow {
            id: "R003".into(),
            duration_s: 1800.0,
            status: RowStatus::Submitted,
            listened: 0.97,
            problem: None,
            training: false,
            gold: false,
        },
        QueueRow {
            id: "R004".into(),
            duration_s: 900.0,
            status: RowStatus::NotStarted,
            listened: 0.0,
            problem: Some(
                "the audio file is missing or was moved; ask your supervisor to restore it".into(),
            ),
            training: false,
            gold: false,
        },
    ]
}

pub fn app() -> App {
    let mut a = App::new(Arc::new(codebook()), Keymap::default(), "c1", "Test study", rows());
    update(&mut a, Msg::Resize(120, 40));
    a
}

/// An app on the coding screen of `c` (600 s long), playhead at `pos`.
pub fn coding_app(c: Coding, pos: f64) -> App {
    opened(c, pos, None)
}

/// An app on the coding screen of `c` (600 s long) with the sampled window `start_s..end_s`,
/// the player at `pos`; also the effects the open returned.
pub fn windowed_app(c: Coding, pos: f64, (start_s, end_s): (f64, f64)) -> (App, Vec<Effect>) {
    let mut a = app();
    let fx = update(
        &mut a,
        Msg::Opened(Box::new(Opened {
            coding: c,
            duration_s: 600.0,
            snapshot: snapshot_at(pos),
            transcript: Ok(None),
            window: Some(tapecoder::coding::Window { start_s, end_s }),
        })),
    );
    (a, fx)
}

/// An app on the coding screen of `c` (600 s long), playhead at `pos`, with `transcript` attached.
fn opened(c: Coding, pos: f64, transcript: Option<Transcript>) -> App {
    let mut a = app();
    update(
        &mut a,
        Msg::Opened(Box::new(Opened {
            coding: c,
            duration_s: 600.0,
            snapshot: snapshot_at(pos),
            transcript: Ok(transcript),
            window: None,
        })),
    );
    a
}

/// Opens `c` (600 s long, playhead at 0) on `a`, as the runtime's answer to an open.
pub fn open_on(a: &mut App, c: Coding) -> Vec<Effect> {
    let snapshot = snapshot_at(0.0);
    let o = Opened { coding: c, duration_s: 600.0, snapshot, transcript: Ok(None), window: None };
    update(a, Msg::Opened(Box::new(o)))
}

/// A short transcript of a visit: a worker (W) and a parent (P) taking turns in the first minute.
pub fn transcript() -> Transcript {
    let cue = |a: u64, b: u64, who: &str, text: &str| Cue {
        start_ms: a,
        end_ms: b,
        speaker: Some(who.to_string()),
        text: text.to_string(),
    };
    Transcript {
        cues: vec![
            cue(0, 4_000, "W", "Hello, thanks for letting me come in today."),
            cue(4_500, 9_000, "P", "It's fine. The kids are at school."),
            cue(9_500, 15_000, "W", "Last time you mentioned the drinking was getting worse."),
            cue(15_500, 22_000, "P", "I don't want to talk about the drinking again."),
            cue(22_500, 30_000, "W", "That's okay. What would make this week feel better?"),
            cue(31_000, 38_000, "P", "Honestly, maybe if I could Sleep more."),
            cue(40_000, 48_500, "W", "Sleep sounds important. What gets in the way of sleep?"),
            cue(50_000, 58_000, "P", "Worrying about money, mostly."),
        ],
    }
}

/// [`coding_app`] with [`transcript`] attached to the recording.
pub fn coding_app_with_transcript(c: Coding, pos: f64) -> App {
    opened(c, pos, Some(transcript()))
}

/// A simple repeatable waveform for the whole recording.
pub fn with_overview(a: &mut App) {
    update(a, Msg::Overview { total: 600, start: 0, peaks: peaks() });
}

pub fn render(a: &App, w: u16, h: u16) -> String {
    let mut app = a.clone();
    update(&mut app, Msg::Resize(w, h));
    render_with(w, h, |f| tapecoder::tui::coder::draw(f, &app))
}

pub fn typed(a: &mut App, s: &str) -> Vec<Effect> {
    s.chars().flat_map(|c| update(a, ch(c))).collect()
}
pub fn send(a: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(a, m)).collect()
}

/// A bundled instrument (`codebook/NAME.toml`: `unit-meeting`, `mi-fidelity`) as a study loads it.
pub fn instrument(name: &str) -> Codebook {
    let path = format!("{}/codebook/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    tapecoder::codebook::parse(&text, &path).unwrap()
}

/// An app on the coding screen of a fresh coding of recording R001 (600 s long, playhead at
/// `pos`) with the bundled instrument `name`, the coder's reaction-time offset `offset_s`.
pub fn instrument_app(name: &str, pos: f64, offset_s: f64) -> App {
    instrument_app_in(name, pos, offset_s, None)
}

/// [`instrument_app`] with a sampled window `start_s..end_s`, if any.
pub fn instrument_app_in(name: &str, pos: f64, offset_s: f64, window: Option<(f64, f64)>) -> App {
    let book = instrument(name);
    let mut c = coding("R001");
    c.codebook = CodebookRef::of(&book);
    let mut a = App::new(Arc::new(book), Keymap::default(), "c1", "Test study", rows());
    a.reaction_offset_s = offset_s;
    update(&mut a, Msg::Resize(120, 40));
    update(
        &mut a,
        Msg::Opened(Box::new(Opened {
            coding: c,
            duration_s: 600.0,
            snapshot: snapshot_at(pos),
            transcript: Ok(None),
            window: window.map(|(start_s, end_s)| tapecoder::coding::Window { start_s, end_s }),
        })),
    );
    a
}
