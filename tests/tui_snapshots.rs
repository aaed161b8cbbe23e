//! Whole-screen snapshots of the coder TUI on a TestBackend (no wall-clock times are drawn, so
//! nothing needs masking).
mod tui_support;

use crossterm::event::KeyCode;
use insta::assert_snapshot;
use tapecoder::tui::coder::{Msg, update};
use tui_support::*;

#[test]
fn queue() {
    assert_snapshot!(render(&app(), 100, 24));
}

/// A submitted recording whose audio went missing is still submitted ✓; only playback is gone
/// (it used to say "cannot open", as if the work were lost).
#[test]
fn queue_submitted_without_audio_says_playback_unavailable() {
    let mut rows = rows();
    rows[2].problem =
        Some("the audio file is missing or was moved; ask your supervisor to restore it".into());
    let mut a = app();
    update(&mut a, Msg::Queue(rows));
    send(&mut a, [key(KeyCode::Down), key(KeyCode::Down)]);
    for (w, h) in [(80, 24), (120, 40)] {
        let screen = render(&a, w, h);
        let line = screen.lines().find(|l| l.contains("R003")).unwrap();
        assert!(line.contains("submitted ✓") && line.contains("playback unavailable"), "{screen}");
        assert!(!line.contains("cannot open"), "{screen}");
        assert!(screen.contains("R003 is submitted ✓; playback unavailable"), "{screen}");
        let r4 = screen.lines().find(|l| l.contains("R004")).unwrap();
        assert!(r4.contains("cannot open"), "not submitted: still cannot open\n{screen}");
    }
}

#[test]
fn queue_empty() {
    let mut a = app();
    update(&mut a, Msg::Queue(vec![]));
    assert_snapshot!(render(&a, 80, 24));
}

#[test]
fn coding_empty() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    assert_snapshot!(render(&a, 80, 24));
}

#[test]
fn coding_partly_coded_progressive_overview() {
    let mut a = coding_app(partly_coded("R001"), 100.0);
    update(&mut a, Msg::Overview { total: 600, start: 0, peaks: vec![0.5; 250] });
    update(&mut a, Msg::Tick(10_000));
    assert_snapshot!(render(&a, 120, 40));
}

#[test]
fn coding_with_segments_and_notes_focused_lists() {
    let mut a = coding_app(partly_coded("R001"), 310.0);
    with_overview(&mut a);
    update(&mut a, Msg::Tick(10_000));
    send(&mut a, [key(KeyCode::Tab), key(KeyCode::Down)]);
    assert_snapshot!("coding_segments_focused", render(&a, 120, 40));
    send(&mut a, [key(KeyCode::Tab)]);
    assert_snapshot!("coding_notes_focused", render(&a, 200, 60));
}

#[test]
fn rubric_for_each_domain() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    send(&mut a, [key(KeyCode::BackTab)]);
    for (i, (key_, _)) in DOMAINS.iter().enumerate() {
        assert_snapshot!(format!("rubric_{i}_{key_}"), render(&a, 100, 30));
        update(&mut a, tui_support::key(KeyCode::Down));
    }
}

#[test]
fn evocation_not_applicable_without_segment() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    send(
        &mut a,
        [key(KeyCode::BackTab), key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Down)],
    );
    let wide = render(&a, 200, 40);
    assert!(wide.contains("not applicable — no behaviour-change segment"), "{wide}");
    let s = render(&a, 100, 30);
    assert_snapshot!(s);
}

#[test]
fn submit_dialog_with_problems() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('S'));
    assert_snapshot!(render(&a, 100, 30));
}

#[test]
fn submit_dialog_ready_with_warning() {
    let mut c = partly_coded("R001");
    for (k, _) in DOMAINS {
        c.scores.insert(k.to_string(), 3);
    }
    let mut a = coding_app(c, 0.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('S'));
    assert_snapshot!(render(&a, 100, 30));
}

#[test]
fn delete_confirm_dialog() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    send(&mut a, [key(KeyCode::Tab), ch('x')]);
    assert_snapshot!(render(&a, 100, 30));
}

#[test]
fn help_overlay() {
    let mut a = coding_app(coding("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('?'));
    assert_snapshot!(render(&a, 120, 40));
}

#[test]
fn prompts() {
    let mut a = coding_app(coding("R001"), 65.3);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('n'));
    typed(&mut a, "Parent describes a good week");
    assert_snapshot!("prompt_note", render(&a, 100, 30));
    // Esc with typed text asks first (tests/tui_words.rs); y discards it.
    update(&mut a, key(KeyCode::Esc));
    update(&mut a, ch('y'));
    update(&mut a, ch('g'));
    typed(&mut a, "99:99");
    update(&mut a, key(KeyCode::Enter));
    assert_snapshot!("prompt_goto_error", render(&a, 100, 30));
}

#[test]
fn too_small_and_back() {
    let mut a = coding_app(partly_coded("R001"), 0.0);
    update(&mut a, Msg::Tick(10_000));
    let small = render(&a, 60, 20);
    assert!(small.contains("Terminal too small"));
    assert_snapshot!(small);
    // Resizing back shows the same state: nothing lost.
    let big = render(&a, 120, 40);
    assert!(big.contains("Scores 3/7"), "{big}");
}

#[test]
fn submitted_is_read_only_in_header() {
    let mut c = partly_coded("R003");
    c.status = tapecoder::coding::Status::Submitted;
    let mut a = coding_app(c, 0.0);
    update(&mut a, Msg::Tick(10_000));
    let s = render(&a, 100, 30);
    assert!(s.contains("submitted · read-only"), "{s}");
}

#[test]
fn silent_notice_in_header() {
    let mut a = coding_app(coding("R001"), 0.0);
    let mut s = snapshot_at(12.0);
    s.silent_reason = Some("--no-audio".into());
    s.playing = true;
    update(&mut a, Msg::Playback(s));
    let out = render(&a, 120, 40);
    assert!(out.contains("◌ --no-audio"), "{out}");
    assert!(out.contains("▶ playing"), "{out}");
}

#[test]
fn hostile_text_is_sanitised() {
    let mut c = coding("R001");
    c.notes.push(tapecoder::coding::Note {
        at_s: 1.0,
        text: "evil\x1b]0;pwned\x07\x1b[2Jtext".into(),
        domains: vec![],
    });
    let a = coding_app(c, 0.0);
    let out = render(&a, 120, 40);
    assert!(!out.contains('\x1b') && !out.contains('\x07'));
    assert!(out.contains("evil"), "{out}");
}

#[test]
fn help_overlay_at_minimum_size() {
    let mut a = app();
    update(&mut a, ch('?'));
    let s = render(&a, 80, 24);
    for want in ["play / pause", "submit…", "delete segment or note", "back / quit"] {
        assert!(s.contains(want), "{want} missing at 80×24:\n{s}");
    }
    assert_snapshot!(s);
}

/// PageDown scrolls the rubric to the levels the pane had no room for (at 80×24 only the
/// description shows; at 120×40 levels 4–5 were out of sight).
#[test]
fn rubric_paged_down() {
    // A handbook's description runs to a paragraph.
    let long = |_: &str, l: &str| {
        format!("{l}: how the worker shows it across the whole visit. ")
            .repeat(6)
            .trim()
            .to_string()
    };
    for (w, h) in [(80, 24), (120, 40)] {
        let mut a = coding_app(coding("R001"), 10.0);
        let mut book = codebook_with(long);
        for d in &mut book.domains {
            let l = d.label.clone();
            d.levels = (1..=5)
                .map(|i| {
                    format!(
                        "{l} at level {i}: {}",
                        "what this level sounds like in a visit. ".repeat(5)
                    )
                })
                .collect();
        }
        a.shell.codebook = std::sync::Arc::new(book);
        update(&mut a, Msg::Resize(w, h));
        update(&mut a, key(KeyCode::BackTab));
        let before = render(&a, w, h);
        assert!(!before.contains("Empathy at level 5"), "{before}");
        // One page at 120×40; a few at 80×24, where the pane is small.
        let mut after = before.clone();
        for _ in 0..10 {
            update(&mut a, key(KeyCode::PageDown));
            after = render(&a, w, h);
            if after.contains("Empathy at level 5") {
                break;
            }
        }
        assert!(after.contains("Empathy at level 5"), "{after}");
        assert_snapshot!(format!("rubric_paged_down_{w}x{h}"), after);
    }
}

/// At 80×24 the submit dialog with the evocation problem keeps its keys line.
#[test]
fn submit_dialog_with_problems_at_80_by_24() {
    let mut c = partly_coded("R001");
    // Evocation scored with no behaviour-change segment: the longest problem there is.
    c.segments.clear();
    let mut a = coding_app(c, 0.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('S'));
    let s = render(&a, 80, 24);
    assert!(s.contains("Enter / Esc back to coding"), "{s}");
    assert_snapshot!(s);
}

/// At 80 columns a long label with a rationale keeps a space before its ✎ and its score.
#[test]
fn scores_keep_label_and_mark_apart_at_80_columns() {
    let mut c = partly_coded("R001");
    c.scores.insert("clarity".into(), 1);
    c.rationales.insert("clarity".into(), "Concerns named plainly.".into());
    let mut a = coding_app(c, 0.0);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, Msg::Resize(80, 24));
    update(&mut a, key(KeyCode::BackTab));
    let s = render(&a, 80, 24);
    assert!(!s.contains("concerns✎") && !s.contains("concern✎"), "{s}");
    assert_snapshot!(s);
}

/// A silent reason too long for the header at 80 columns is shortened, never cut mid-word;
/// with no device the header says so plainly (the library's words are in help).
#[test]
fn silent_reason_fits_the_header_at_80_columns() {
    let mut a = coding_app(coding("R001"), 10.0);
    update(&mut a, Msg::Resize(80, 24));
    update(&mut a, ch('b')); // a pending segment takes room in the header
    let mut snap = a.coding().unwrap().snap.clone();
    snap.silent_reason = Some("no audio device: playing silently".into());
    update(&mut a, Msg::Playback(snap));
    let s = render(&a, 80, 24);
    let header = s.lines().next().unwrap();
    assert!(header.ends_with("◌ silent") || header.ends_with("◌ no audio device"), "{header}");
}

/// With no audio device the header says "no audio device: playing silently" and help gives the
/// audio library's own reason.
#[test]
fn no_device_header_and_reason_in_help() {
    let mut a = coding_app(coding("R001"), 10.0);
    let mut snap = a.coding().unwrap().snap.clone();
    snap.silent_reason = Some(tapecoder::audio::output::NO_DEVICE.into());
    update(&mut a, Msg::Playback(snap));
    a.shell.audio_detail = Some("Failed to get the config for the given device".into());
    for (w, h) in [(80, 24), (120, 40)] {
        update(&mut a, Msg::Resize(w, h));
        let s = render(&a, w, h);
        let header = s.lines().next().unwrap();
        // All of it where there is room, else its first words; never cut mid-word.
        let said =
            if w >= 100 { "◌ no audio device: playing silently" } else { "◌ no audio device" };
        assert!(header.ends_with(said), "{header}");
        assert!(!s.contains("Failed to get"), "{s}");
        update(&mut a, ch('?'));
        let help = render(&a, w, h);
        assert!(help.contains("silent: Failed to get the config"), "{help}");
        assert_snapshot!(format!("no_device_help_{w}x{h}"), help);
        update(&mut a, ch('?'));
    }
}

/// Issue #15 item 2: the transcript pane follows the playhead (the cue playing marked ▶), beside
/// the rubric on a tall terminal and in its place at 80×24.
#[test]
fn transcript_current_cue() {
    let mut a = coding_app_with_transcript(partly_coded("R001"), 17.0);
    with_overview(&mut a);
    update(&mut a, Msg::Tick(10_000));
    assert_snapshot!("transcript_current_cue_80x24", render(&a, 80, 24));
    assert_snapshot!("transcript_current_cue_120x40", render(&a, 120, 40));
}

/// A note shows the cue it falls in, under it.
#[test]
fn transcript_note_shows_its_cue() {
    let mut c = partly_coded("R001");
    c.add_note(33.0, "Parent on sleep", vec![]).unwrap();
    let mut a = coding_app_with_transcript(c, 17.0);
    with_overview(&mut a);
    update(&mut a, Msg::Tick(10_000));
    let s = render(&a, 120, 40);
    assert!(s.contains("❝ P: Honestly, maybe if I"), "{s}");
    assert_snapshot!("transcript_note_cue_80x24", render(&a, 80, 24));
}

/// A search: its matches marked and highlighted, the one selected in the focused pane.
#[test]
fn transcript_search() {
    let mut a = coding_app_with_transcript(partly_coded("R001"), 17.0);
    with_overview(&mut a);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('/'));
    assert_snapshot!("transcript_search_prompt_80x24", render(&a, 80, 24));
    typed(&mut a, "sleep");
    update(&mut a, key(KeyCode::Enter));
    assert_snapshot!("transcript_search_80x24", render(&a, 80, 24));
    assert_snapshot!("transcript_search_120x40", render(&a, 120, 40));
}

/// No transcript attached: the pane is off; shown with `T` it says so.
#[test]
fn transcript_none() {
    let mut a = coding_app(partly_coded("R001"), 17.0);
    with_overview(&mut a);
    update(&mut a, Msg::Tick(10_000));
    update(&mut a, ch('T'));
    assert_snapshot!("transcript_none_80x24", render(&a, 80, 24));
    assert_snapshot!("transcript_none_120x40", render(&a, 120, 40));
}

/// A sampled window (02:00–06:00 of 10:00): the timeline says it on its border, the overview
/// outside it is dimmed with `░` on its marks row and `[` `]` at its bounds.
#[test]
fn coding_with_a_sampled_window() {
    let (mut a, _) = windowed_app(partly_coded("R001"), 200.0, (120.0, 360.0));
    with_overview(&mut a);
    update(&mut a, Msg::Tick(10_000));
    assert_snapshot!("coding_with_a_sampled_window_80x24", render(&a, 80, 24));
    assert_snapshot!("coding_with_a_sampled_window_120x40", render(&a, 120, 40));
}
