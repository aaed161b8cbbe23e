//! Undo and redo of the open coding's edits (`u`, `Ctrl+R`): scores, rationales, segments,
//! notes, and an instrument's checklist answers, chosen classes and logged counts. The history belongs to the open recording's `CodingState`: it
//! starts empty when a recording opens, so nothing is ever undone across recordings, and a
//! submitted coding (read-only) undoes nothing. Listening progress and the resume position are
//! not edits: undo leaves them as they are. At most [`MAX_UNDO`] steps are kept (the oldest go).
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use crate::coding::{Coding, Event, Note, Segment};

/// How many edits can be undone.
pub const MAX_UNDO: usize = 200;

/// The parts of a coding an edit changes (not the listening progress or the resume position).
#[derive(Debug, Clone, PartialEq)]
pub struct Content {
    scores: BTreeMap<String, u8>,
    rationales: BTreeMap<String, String>,
    segments: Vec<Segment>,
    notes: Vec<Note>,
    checklist: BTreeMap<String, bool>,
    classes: BTreeMap<String, String>,
    /// Shared between the steps that leave it as it is (a session logs thousands of events; a
    /// step that logs one keeps one list, the step before's `after` being its `before`).
    events: Arc<Vec<Event>>,
}

impl Content {
    pub fn of(c: &Coding) -> Self {
        Content {
            scores: c.scores.clone(),
            rationales: c.rationales.clone(),
            segments: c.segments.clone(),
            notes: c.notes.clone(),
            checklist: c.checklist.clone(),
            classes: c.classes.clone(),
            events: Arc::new(c.events.clone()),
        }
    }

    fn put(self, c: &mut Coding) {
        c.scores = self.scores;
        c.rationales = self.rationales;
        c.segments = self.segments;
        c.notes = self.notes;
        c.checklist = self.checklist;
        c.classes = self.classes;
        c.events = Arc::try_unwrap(self.events).unwrap_or_else(|shared| (*shared).clone());
    }
}

/// One edit: the content before and after it, and what undoing and redoing it say
/// ("Empathy 4 → 3").
#[derive(Debug, Clone, PartialEq)]
struct Step {
    before: Content,
    after: Content,
    undo_says: String,
    redo_says: String,
}

/// What an edit says when it is undone and when it is redone.
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    pub undo: String,
    pub redo: String,
}

impl Described {
    /// The same words both ways ("segment 01:00.0–02:00.0 added").
    pub fn same(what: impl Into<String>) -> Self {
        let what = what.into();
        Described { undo: what.clone(), redo: what }
    }

    /// A value that changed from `from` to `to`: undoing says `to → from`, redoing `from → to`.
    pub fn change(what: &str, from: &str, to: &str) -> Self {
        Described {
            undo: format!("{what} {to} → {from}"), redo: format!("{what} {from} → {to}")
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    undo: VecDeque<Step>,
    redo: VecDeque<Step>,
}

/// Which way a step is taken.
#[derive(Debug, Clone, Copy)]
enum Way {
    Undo,
    Redo,
}

impl History {
    /// Remembers an edit from `before` to the coding as it is now; an edit that changed nothing
    /// is not remembered. A new edit forgets what could be redone.
    pub fn record(&mut self, mut before: Content, now: &Coding, said: Described) {
        let mut after = Content::of(now);
        if after == before {
            return;
        }
        if let Some(prev) = self.undo.back()
            && prev.after.events == before.events
        {
            before.events = Arc::clone(&prev.after.events);
        }
        if after.events == before.events {
            after.events = Arc::clone(&before.events);
        }
        if self.undo.len() >= MAX_UNDO {
            self.undo.pop_front();
        }
        self.undo.push_back(Step { before, after, undo_says: said.undo, redo_says: said.redo });
        self.redo.clear();
    }

    /// Puts the coding back as it was before the last edit; what was undone, if anything.
    pub fn undo(&mut self, c: &mut Coding) -> Option<String> {
        Self::shift(&mut self.undo, &mut self.redo, c, Way::Undo)
    }

    /// Makes the last undone edit again; what was redone, if anything.
    pub fn redo(&mut self, c: &mut Coding) -> Option<String> {
        Self::shift(&mut self.redo, &mut self.undo, c, Way::Redo)
    }

    /// Takes the newest step of `from`, puts its content for `way` into the coding, and keeps it
    /// on `to` (so an undo can be redone, and a redo undone); what the step says that way.
    fn shift(
        from: &mut VecDeque<Step>,
        to: &mut VecDeque<Step>,
        c: &mut Coding,
        way: Way,
    ) -> Option<String> {
        let step = from.pop_back()?;
        let (content, said) = match way {
            Way::Undo => (&step.before, &step.undo_says),
            Way::Redo => (&step.after, &step.redo_says),
        };
        content.clone().put(c);
        let said = said.clone();
        to.push_back(step);
        Some(said)
    }

    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }

    pub fn clear(&mut self) {
        *self = History::default();
    }
}

#[cfg(test)]
mod tests {
    // By its full path: `super::` would read as an import of the coding screen's module.
    use crate::coding::{CodebookRef, Coding};
    use crate::tui::coder::coding::history::{Content, Described, History, MAX_UNDO};

    fn coding() -> Coding {
        let book = CodebookRef { id: "b".into(), version: "1".into(), sha256: "00".into() };
        Coding::new("R1", "c1", book, "ab", "2026-01-01T00:00:00Z")
    }

    #[test]
    fn undo_and_redo_walk_the_edits_and_a_new_edit_forgets_the_redo() {
        let mut c = coding();
        let mut h = History::default();
        for level in 1..=3u8 {
            let before = Content::of(&c);
            c.scores.insert("empathy".into(), level);
            h.record(before, &c, Described::change("Empathy", "–", &level.to_string()));
        }
        c.listened = vec![[0.0, 10.0]];
        assert_eq!(h.undo(&mut c).as_deref(), Some("Empathy 3 → –"));
        assert_eq!(c.scores.get("empathy"), Some(&2));
        assert_eq!(c.listened, vec![[0.0, 10.0]], "listening is not an edit");
        assert_eq!(h.redo(&mut c).as_deref(), Some("Empathy – → 3"));
        assert_eq!(c.scores.get("empathy"), Some(&3));
        h.undo(&mut c);
        let before = Content::of(&c);
        c.scores.insert("empathy".into(), 5);
        h.record(before, &c, Described::same("x"));
        assert_eq!(h.redo(&mut c), None);
        // Nothing changed: nothing to remember.
        h.record(Content::of(&c), &c, Described::same("nothing"));
        assert_eq!(h.undo_len(), 3);
    }

    #[test]
    fn steps_share_an_unchanged_event_list_and_undo_walks_back_through_them() {
        use crate::coding::Event;
        use std::sync::Arc;
        let mut c = coding();
        let mut h = History::default();
        for i in 0..3u8 {
            let before = Content::of(&c);
            c.events.push(Event { code: "question".into(), at_s: f64::from(i) });
            h.record(before, &c, Described::same("logged"));
        }
        let before = Content::of(&c);
        c.checklist.insert("curious".into(), true);
        h.record(before, &c, Described::same("curious"));
        let s: Vec<_> = h.undo.iter().collect();
        assert!(Arc::ptr_eq(&s[0].after.events, &s[1].before.events));
        assert!(Arc::ptr_eq(&s[1].after.events, &s[2].before.events));
        assert!(Arc::ptr_eq(&s[3].before.events, &s[3].after.events));
        assert_eq!(h.undo(&mut c).as_deref(), Some("curious"));
        assert!(c.checklist.is_empty() && c.events.len() == 3);
        while h.undo(&mut c).is_some() {}
        assert!(c.events.is_empty());
        h.redo(&mut c);
        assert_eq!(c.events.len(), 1);
    }

    #[test]
    fn the_history_is_bounded() {
        let mut c = coding();
        let mut h = History::default();
        for i in 0..(MAX_UNDO + 50) {
            let before = Content::of(&c);
            c.rationales.insert("empathy".into(), i.to_string());
            h.record(before, &c, Described::same("r"));
        }
        assert_eq!(h.undo_len(), MAX_UNDO);
        while h.undo(&mut c).is_some() {}
        assert_eq!(c.rationales.get("empathy").map(String::as_str), Some("49"));
    }
}
