//! The segment kind `b` and `e` tag comes from the codebook (`Codebook::tagged_kind`): the kind a
//! domain requires, else the first listed. A handbook that names it differently works the same;
//! a handbook with no segment kind at all says so when `b` or `e` is pressed instead of silently
//! doing nothing.
mod tui_support;

use std::sync::Arc;

use crossterm::event::KeyCode;
use tapecoder::codebook::{Codebook, SegmentKind};
use tapecoder::coding::ScoreState;
use tapecoder::tui::coder::coding::update::NO_TAGGED_KIND;
use tapecoder::tui::coder::{App, Msg, Opened, update};
use tapecoder::tui::keys::Keymap;
use tui_support::*;

fn app_with(book: Codebook) -> App {
    let mut a = App::new(Arc::new(book), Keymap::default(), "c1", "Test study", rows());
    update(&mut a, Msg::Resize(120, 40));
    let opened = Opened {
        coding: coding("R001"),
        duration_s: 600.0,
        snapshot: snapshot_at(10.0),
        transcript: Ok(None),
        window: None,
    };
    update(&mut a, Msg::Opened(Box::new(opened)));
    a
}

/// `b` at the playhead, 5 s on, `e`.
fn tag(a: &mut App) {
    update(a, ch('b'));
    update(a, key(KeyCode::Right));
    update(a, ch('e'));
}

#[test]
fn a_handbook_naming_the_kind_differently_tags_that_kind() {
    let mut book = codebook();
    book.segment_kinds = vec![SegmentKind {
        key: "change-talk".into(),
        label: "Change talk".into(),
        description: "d".into(),
    }];
    for d in &mut book.domains {
        if d.requires_segment.is_some() {
            d.requires_segment = Some("change-talk".into());
        }
    }
    assert_eq!(book.tagged_kind().map(|k| k.key.as_str()), Some("change-talk"));
    let mut a = app_with(book.clone());
    assert_eq!(
        a.coding().unwrap().coding.score_state(&book, "evocation"),
        ScoreState::NotApplicable
    );
    tag(&mut a);
    let c = &a.coding().unwrap().coding;
    assert_eq!(c.segments.len(), 1);
    assert_eq!((c.segments[0].kind.as_str(), c.segments[0].start_s), ("change-talk", 10.0));
    assert!(c.scorable(&book, "evocation"), "the domain that needs it can now be scored");
    assert_eq!(a.current_notice(), Some("change-talk segment added"));
    let screen = render(&a, 120, 40);
    assert!(screen.contains("change-talk talk:"), "{screen}");
}

#[test]
fn a_handbook_without_segment_kinds_says_b_and_e_have_nothing_to_tag() {
    let mut book = codebook();
    book.segment_kinds.clear();
    for d in &mut book.domains {
        d.requires_segment = None;
    }
    assert!(book.tagged_kind().is_none());
    let mut a = app_with(book);
    update(&mut a, ch('b'));
    assert_eq!(a.current_notice(), Some(NO_TAGGED_KIND));
    assert_eq!(a.coding().unwrap().pending_begin, None, "nothing half-tagged");
    update(&mut a, key(KeyCode::Right));
    update(&mut a, ch('e'));
    assert_eq!(a.current_notice(), Some(NO_TAGGED_KIND));
    assert!(a.coding().unwrap().coding.segments.is_empty());
}

#[test]
fn without_a_required_kind_the_first_listed_kind_is_tagged() {
    let mut book = codebook();
    for d in &mut book.domains {
        d.requires_segment = None;
    }
    book.segment_kinds.push(SegmentKind {
        key: "second".into(),
        label: "Second".into(),
        description: "d".into(),
    });
    assert_eq!(book.tagged_kind().map(|k| k.key.as_str()), Some("behaviour-change"));
    let mut a = app_with(book);
    tag(&mut a);
    assert_eq!(a.coding().unwrap().coding.segments[0].kind, "behaviour-change");
}
