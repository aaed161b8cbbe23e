//! Fixtures for the adjudication TUI tests: a small fixed codebook, two submitted codings that
//! disagree, cases, an app, rendering to text, and key builders.
#![allow(dead_code)]
pub mod study;
#[path = "../common/tui.rs"]
mod tui_common;

use std::collections::BTreeMap;
use std::sync::Arc;

use crossterm::event::KeyCode;
use tapecoder::codebook::Codebook;
use tapecoder::coding::{CodebookRef, Coding, Note, Segment, Status};
use tapecoder::study::adjudication::{Case, disagreements};
use tapecoder::study::model::{Adjudication, Decision};
use tapecoder::transcript::{Cue, Transcript};
use tapecoder::tui::keys::Keymap;
use tapecoder::tui::supervisor::view;
use tapecoder::tui::supervisor::{AdjApp, Effect, Job, Msg, update};
pub use tui_common::*;

pub fn codebook() -> Codebook {
    codebook_with(|_, l| format!("What {l} means."))
}

pub fn coding(coder: &str, rec: &str, scores: &[(&str, u8)]) -> Coding {
    Coding {
        checklist: Default::default(),
        classes: Default::default(),
        events: Vec::new(),
        schema: 1,
        recording: rec.into(),
        coder: coder.into(),
        codebook: CodebookRef { id: "test-book".into(), version: "1".into(), sha256: "00".into() },
        audio_sha256: "ab".into(),
        status: Status::Submitted,
        created_at: "2026-01-01T00:00:00Z".into(),
        updated_at: "2026-01-01T01:00:00Z".into(),
        submitted_at: Some("2026-01-01T01:00:00Z".into()),
        resume_s: 0.0,
        listened: vec![[0.0, 600.0]],
        scores: scores.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        rationales: BTreeMap::new(),
        segments: vec![],
        notes: vec![],
    }
}

/// R002 (600 s): ann and ben differ on empathy (1 vs 4) and evocation (ann scored it, ben had no
/// behaviour-change talk); they agree elsewhere.
pub fn pair() -> (Coding, Coding) {
    let mut a = coding(
        "ann",
        "R002",
        &[
            ("empathy", 1),
            ("collaboration", 2),
            ("autonomy", 2),
            ("evocation", 3),
            ("purposefulness", 3),
            ("clarity", 2),
            ("child_focus", 3),
        ],
    );
    a.rationales
        .insert("empathy".into(), "Worker talked over the mother twice; no reflections.".into());
    a.rationales
        .insert("evocation".into(), "Asked what she wanted to change about bedtimes.".into());
    a.segments = vec![
        Segment {
            kind: "behaviour-change".into(),
            start_s: 60.0,
            end_s: 150.0,
            note: String::new(),
        },
        Segment {
            kind: "behaviour-change".into(),
            start_s: 400.0,
            end_s: 430.0,
            note: "bedtimes".into(),
        },
    ];
    a.notes = vec![Note { at_s: 45.0, text: "Interrupts at 0:45".into(), domains: vec![] }];
    let mut b = coding(
        "ben",
        "R002",
        &[
            ("empathy", 4),
            ("collaboration", 3),
            ("autonomy", 2),
            ("purposefulness", 3),
            ("clarity", 3),
            ("child_focus", 4),
        ],
    );
    b.rationales
        .insert("empathy".into(), "Warm tone throughout, two good complex reflections.".into());
    b.notes = vec![
        Note { at_s: 50.0, text: "Good reflection".into(), domains: vec![] },
        Note { at_s: 320.0, text: "Summarises the plan".into(), domains: vec![] },
    ];
    (a, b)
}

pub fn case_of(rec: &str, a: Coding, b: Coding, existing: Option<Adjudication>) -> Case {
    let diffs = disagreements(&codebook(), &a, &b, 1);
    Case { recording: rec.into(), duration_s: 600.0, primary: a, secondary: b, diffs, existing }
}

pub fn main_case() -> Case {
    let (a, b) = pair();
    case_of("R002", a, b, None)
}

/// Three recordings: R002 (not adjudicated), R005 (fully), R007 (partly).
pub fn cases() -> Vec<Case> {
    let mut a5 = coding("ann", "R005", &[("empathy", 2), ("child_focus", 1)]);
    a5.recording = "R005".into();
    let b5 = coding("cat", "R005", &[("empathy", 2), ("child_focus", 4)]);
    let adj5 = Adjudication {
        schema: 1,
        recording: "R005".into(),
        supervisor: "sup".into(),
        decided_at: "2026-01-02T00:00:00Z".into(),
        decisions: vec![Decision {
            domain: "child_focus".into(),
            final_score: 2,
            reason: "Child barely mentioned".into(),
            coder_scores: BTreeMap::from([("ann".into(), 1), ("cat".into(), 4)]),
        }],
    };
    let a7 = coding("ben", "R007", &[("empathy", 5), ("autonomy", 1)]);
    let b7 = coding("cat", "R007", &[("empathy", 2), ("autonomy", 4)]);
    let adj7 = Adjudication {
        decisions: vec![Decision {
            domain: "empathy".into(),
            final_score: 4,
            reason: "r".into(),
            coder_scores: BTreeMap::new(),
        }],
        recording: "R007".into(),
        ..adj5.clone()
    };
    let mut c7 = case_of("R007", a7, b7, Some(adj7));
    c7.duration_s = 3725.0;
    vec![main_case(), case_of("R005", a5, b5, Some(adj5)), c7]
}

pub fn app_with(cases: Vec<Case>) -> AdjApp {
    let mut a = AdjApp::new(Arc::new(codebook()), Keymap::default(), "sup", "Test study", 1, cases);
    update(&mut a, Msg::Resize(120, 40));
    a
}

pub fn app() -> AdjApp {
    app_with(cases())
}

/// An app on the recording screen of R002, playhead at `pos`, with a waveform.
pub fn recording_app(pos: f64) -> AdjApp {
    let mut a = app();
    let fx = send(&mut a, [key(KeyCode::Enter)]);
    assert_eq!(fx, vec![Effect::Open(Job::Prepare { id: "R002".into(), duration_s: 600.0 })]);
    update(
        &mut a,
        Msg::Opened {
            id: "R002".into(),
            snapshot: snapshot_at(pos),
            draft: None,
            transcript: Ok(None),
        },
    );
    update(&mut a, Msg::Overview { total: 600, start: 0, peaks: peaks() });
    update(&mut a, Msg::Tick(100_000));
    a
}

/// A short transcript of R002: a worker (W) and a parent (P) taking turns in the first minute.
pub fn transcript() -> Transcript {
    let cue = |a: u64, b: u64, who: &str, text: &str| Cue {
        start_ms: a,
        end_ms: b,
        speaker: Some(who.to_string()),
        text: text.to_string(),
    };
    Transcript {
        cues: vec![
            cue(0, 5_000, "W", "Good morning, may I come in?"),
            cue(5_500, 11_000, "P", "Yes. The baby is asleep upstairs."),
            cue(11_500, 18_000, "W", "How has the baby been sleeping this week?"),
            cue(18_500, 26_000, "P", "Badly. I am up three times a night."),
            cue(26_500, 33_000, "W", "That sounds exhausting. Who helps you at night?"),
            cue(34_000, 41_000, "P", "Nobody, my partner works nights."),
            cue(42_000, 50_000, "W", "Could your sister take one night a week?"),
            cue(51_000, 59_000, "P", "Maybe. I could ask her on Sunday."),
        ],
    }
}

/// [`recording_app`] with `transcript` as R002's (the open job's answer).
pub fn recording_app_with(pos: f64, transcript: Result<Option<Transcript>, String>) -> AdjApp {
    let mut a = app();
    send(&mut a, [key(KeyCode::Enter)]);
    let transcript = transcript.map(|t| t.map(Box::new));
    update(
        &mut a,
        Msg::Opened { id: "R002".into(), snapshot: snapshot_at(pos), draft: None, transcript },
    );
    update(&mut a, Msg::Overview { total: 600, start: 0, peaks: peaks() });
    update(&mut a, Msg::Tick(100_000));
    a
}

pub fn render(a: &AdjApp, w: u16, h: u16) -> String {
    let mut app = a.clone();
    update(&mut app, Msg::Resize(w, h));
    render_with(w, h, |f| view::draw(f, &app))
}

pub fn typed(a: &mut AdjApp, s: &str) -> Vec<Effect> {
    s.chars().flat_map(|c| update(a, ch(c))).collect()
}
pub fn send(a: &mut AdjApp, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(a, m)).collect()
}
