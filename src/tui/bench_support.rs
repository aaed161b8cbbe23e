//! The coding-screen state that the frame benchmarks draw, shared by `tapecoder bench ui` and
//! `cargo bench --bench ui` so both measure the same thing: a two-hour recording, heavily coded
//! (60 segments, 60 notes, listened stretches, five domains scored), playing, with a complete
//! waveform overview, at 200×60.
use std::sync::Arc;

use crate::audio::Snapshot;
use crate::codebook::Codebook;
use crate::coding::{BEHAVIOUR_CHANGE, CodebookRef, Coding, CodingError};
use crate::transcript::{Cue, Transcript};
use crate::tui::coder::{App, Msg, Opened, update};
use crate::tui::keys::Keymap;
use crossterm::event::{KeyCode, KeyEvent};

/// The terminal size of the SPEC §10 frame target.
pub const WIDTH: u16 = 200;
pub const HEIGHT: u16 = 60;
/// The benchmark recording's length in seconds (two hours).
pub const DURATION_S: f64 = 7200.0;
/// Where the playhead starts.
pub const START_S: f64 = 3000.0;

/// The coding screen of a busy two-hour recording, sized `WIDTH`×`HEIGHT`.
pub fn busy_coding_app(book: &Codebook) -> Result<App, CodingError> {
    let dur = DURATION_S;
    let mut c = Coding::new("R0001", "c1", CodebookRef::of(book), "ab", "2026-01-01T00:00:00Z");
    for i in 0..60 {
        let s = f64::from(i) * 110.0;
        c.add_segment(BEHAVIOUR_CHANGE, s, s + 40.0, dur)?;
        c.add_note(s + 5.0, &format!("note number {i} about what the worker said"), vec![])?;
        c.record_listened(s, s + 90.0)?;
    }
    for (i, d) in book.domains.iter().enumerate().take(5) {
        if d.requires_segment.is_none() {
            c.set_score(book, &d.key, (i % 5) as u8 + 1)?;
        }
    }
    let app = App::new(Arc::new(book.clone()), Keymap::default(), "c1", "Bench", vec![]);
    Ok(opened(app, c, WIDTH, HEIGHT))
}

/// `app` with `coding` open on its coding screen: the recording [`DURATION_S`] long, playing
/// at [`START_S`], its whole waveform overview in, at `width`×`height`.
fn opened(mut app: App, coding: Coding, width: u16, height: u16) -> App {
    let opened = Opened {
        coding,
        duration_s: DURATION_S,
        snapshot: playing_at(START_S),
        transcript: Ok(None),
        window: None,
    };
    update(&mut app, Msg::Opened(Box::new(opened)));
    let peaks: Vec<f32> = (0..2000).map(|i| ((i as f32) * 0.13).sin().abs()).collect();
    update(&mut app, Msg::Overview { total: 2000, start: 0, peaks });
    update(&mut app, Msg::Resize(width, height));
    app
}

/// [`busy_coding_app`] with a transcript of the whole recording (a cue every 3 s, 2,400 cues) in
/// its pane and a search active (`/money`, matching every tenth cue), the pane focused.
pub fn busy_coding_app_with_transcript(book: &Codebook) -> Result<App, CodingError> {
    let mut app = busy_coding_app(book)?;
    let cues = (0..2400u64)
        .map(|i| Cue {
            start_ms: i * 3000,
            end_ms: i * 3000 + 2800,
            speaker: Some(if i % 2 == 0 { "W" } else { "P" }.to_string()),
            text: if i % 10 == 0 {
                format!("turn {i}: we talked about money and the rent again this week")
            } else {
                format!("turn {i}: something else was said here, at some length, by someone")
            },
        })
        .collect();
    if let Some(c) = app.coding_mut() {
        let state = c.clone().with_transcript(Some(Transcript { cues }));
        *c = state;
    }
    for k in std::iter::once(KeyCode::Char('/'))
        .chain("money".chars().map(KeyCode::Char))
        .chain(std::iter::once(KeyCode::Enter))
    {
        update(&mut app, Msg::Key(KeyEvent::from(k)));
    }
    Ok(app)
}

/// The size of the count benchmark's frame (the issue's: a coding screen at 120×40).
pub const COUNT_WIDTH: u16 = 120;
pub const COUNT_HEIGHT: u16 = 40;
/// Events already logged in the count benchmark's recording.
pub const COUNT_EVENTS: usize = 2000;

/// The bundled MI-fidelity instrument (four globals, ten counts, six summaries).
pub fn mi_fidelity() -> Result<Codebook, crate::codebook::CodebookError> {
    crate::codebook::parse(
        include_str!("../../codebook/mi-fidelity.toml"),
        "bundled codebook/mi-fidelity.toml",
    )
}

/// The coding screen of a two-hour recording coded with `book` (an instrument with counts):
/// [`COUNT_EVENTS`] events of every count spread over it, playing, at 120×40. A count key then
/// logs one more ([`count_key`]).
pub fn counts_coding_app(book: &Codebook) -> Result<App, CodingError> {
    let dur = DURATION_S;
    let mut c = Coding::new("R0001", "c1", CodebookRef::of(book), "ab", "2026-01-01T00:00:00Z");
    let codes: Vec<&str> = book.items.counts.iter().map(|k| k.key.as_str()).collect();
    for i in 0..COUNT_EVENTS {
        let code = codes.get(i % codes.len().max(1)).copied().unwrap_or_default();
        c.log_event(book, code, (i as f64 * 3.57) % dur, 0.0, dur)?;
    }
    let mut app = App::new(Arc::new(book.clone()), Keymap::default(), "c1", "Bench", vec![]);
    app.reaction_offset_s = 0.5;
    Ok(opened(app, c, COUNT_WIDTH, COUNT_HEIGHT))
}

/// The key message that logs `book`'s first count (its `press`).
pub fn count_key(book: &Codebook) -> Msg {
    let press = book.items.counts.first().map_or('?', |c| c.press);
    Msg::Key(KeyEvent::from(KeyCode::Char(press)))
}

/// The player's state while playing at `position_s` (the playhead moves every frame).
pub fn playing_at(position_s: f64) -> Snapshot {
    Snapshot { position_s, duration_s: DURATION_S, playing: true, speed: 1.0, ..Default::default() }
}

/// Moves the playhead to `position_s`, as the runner does before each frame while playing.
pub fn advance(app: &mut App, position_s: f64) {
    update(app, Msg::Playback(playing_at(position_s)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::coder::Screen;

    #[test]
    fn the_busy_app_is_on_the_coding_screen_with_its_segments() {
        let book = crate::codebook::parse(crate::commands::init::HANDBOOK, "handbook").unwrap();
        let app = busy_coding_app(&book).unwrap();
        assert!(matches!(app.screen, Screen::Coding(_)));
        let c = app.coding().unwrap();
        assert_eq!(c.coding.segments.len(), 60);
        assert_eq!(c.coding.notes.len(), 60);
        assert_eq!((app.shell.size.width, app.shell.size.height), (WIDTH, HEIGHT));
    }

    #[test]
    fn the_counts_app_logs_one_more_event_with_its_key() {
        let book = mi_fidelity().unwrap();
        let mut app = counts_coding_app(&book).unwrap();
        assert_eq!(app.coding().unwrap().coding.events.len(), COUNT_EVENTS);
        update(&mut app, count_key(&book));
        assert_eq!(app.coding().unwrap().coding.events.len(), COUNT_EVENTS + 1);
    }

    #[test]
    fn the_transcript_app_has_a_search_active_in_the_focused_pane() {
        let book = crate::codebook::parse(crate::commands::init::HANDBOOK, "handbook").unwrap();
        let app = busy_coding_app_with_transcript(&book).unwrap();
        let c = app.coding().unwrap();
        assert_eq!(c.tpane.matches.len(), 240);
        assert_eq!(c.focus, crate::tui::coder::coding::Pane::Transcript);
    }
}
