//! The parts of a coding that answer a schema-2 instrument's items beside its scales: checklist
//! answers, chosen classes and logged behaviour counts; the classes derived from the checklist and
//! the summary scores computed from the counts. Pure, like the rest of [`Coding`].
//!
//! - A checklist item is *present*, *absent* or not yet answered (no entry). Submitting needs
//!   every item answered.
//! - A classification is either chosen by the coder (stored in [`Coding::classes`]) or derived by
//!   the codebook's rules from the checklist (computed, never stored, so it cannot disagree with
//!   the answers). Submitting needs every chosen classification chosen; a derived one is complete
//!   when the checklist is.
//! - A count is logged at a time in the recording: the playhead less the coder's reaction-time
//!   offset, never before 0 or after the end. Events are kept in time order (events logged at the
//!   same time keep the order they were logged in), so an event's index is its place in the list.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Coding, CodingError, SubmitProblem, check_time};
use crate::codebook::Codebook;
use crate::instrument::{Class, Summary};
use crate::stats::Undefined;

/// One behaviour count logged while listening.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// A count key from the codebook, e.g. `question`.
    pub code: String,
    /// Where in the recording, in seconds (the reaction-time offset already applied).
    pub at_s: f64,
}

impl Coding {
    /// Answers checklist item `key`: `Some(true)` present, `Some(false)` absent, `None` clears
    /// the answer.
    pub fn set_check(
        &mut self,
        codebook: &Codebook,
        key: &str,
        answer: Option<bool>,
    ) -> Result<(), CodingError> {
        self.editable()?;
        if codebook.items.check_item(key).is_none() {
            return Err(unknown_item(codebook, "checklist item", key));
        }
        match answer {
            Some(a) => self.checklist.insert(key.to_string(), a),
            None => self.checklist.remove(key),
        };
        Ok(())
    }

    /// The next answer in the cycle a key press walks: unanswered → present → absent → present…
    /// (clearing is [`Coding::set_check`] with `None`).
    pub fn next_check(&self, key: &str) -> bool {
        !matches!(self.checklist.get(key), Some(true))
    }

    /// Chooses `class` for the chosen classification `key` (`None` clears it).
    pub fn choose_class(
        &mut self,
        codebook: &Codebook,
        key: &str,
        class: Option<&str>,
    ) -> Result<(), CodingError> {
        self.editable()?;
        let Some(c) = codebook.items.classification(key) else {
            return Err(unknown_item(codebook, "classification", key));
        };
        if c.derived() {
            return Err(CodingError::Derived { key: key.to_string(), label: c.label.clone() });
        }
        match class {
            Some(k) if c.classes.iter().any(|x| x.key == k) => {
                self.classes.insert(key.to_string(), k.to_string());
            }
            Some(k) => {
                return Err(CodingError::UnknownItem {
                    what: "class",
                    key: crate::ids::sanitize_for_terminal(k).into_owned(),
                    known: c.classes.iter().map(|x| x.key.as_str()).collect::<Vec<_>>().join(", "),
                });
            }
            None => {
                self.classes.remove(key);
            }
        }
        Ok(())
    }

    /// The class of classification `key` as it stands: the chosen one, or the one the rules
    /// derive from the checklist (`None` while unchosen, or while an item the rules need is
    /// unanswered).
    pub fn class_of<'c>(&self, codebook: &'c Codebook, key: &str) -> Option<&'c Class> {
        let c = codebook.items.classification(key)?;
        if c.derived() {
            c.derive(&self.checklist)
        } else {
            let chosen = self.classes.get(key)?;
            c.classes.iter().find(|x| &x.key == chosen)
        }
    }

    /// Logs count `code` at `playhead_s` less `offset_s` (the coder's reaction time), clamped to
    /// `[0, duration_s]`; returns the event's index in [`Coding::events`].
    pub fn log_event(
        &mut self,
        codebook: &Codebook,
        code: &str,
        playhead_s: f64,
        offset_s: f64,
        duration_s: f64,
    ) -> Result<usize, CodingError> {
        self.editable()?;
        if codebook.items.count(code).is_none() {
            return Err(unknown_item(codebook, "count", code));
        }
        let playhead = check_time("the playhead", playhead_s)?;
        let offset = check_time("the reaction-time offset", offset_s)?;
        let end = if duration_s.is_finite() && duration_s > 0.0 { duration_s } else { f64::MAX };
        let at_s = (playhead - offset).clamp(0.0, end);
        let index = self.events.partition_point(|e| e.at_s <= at_s);
        self.events.insert(index, Event { code: code.to_string(), at_s });
        Ok(index)
    }

    /// Puts back an event (undo of a removal), in time order; returns its index.
    pub fn restore_event(&mut self, event: Event) -> Result<usize, CodingError> {
        self.editable()?;
        let at_s = check_time("the event's time", event.at_s)?;
        let index = self.events.partition_point(|e| e.at_s <= at_s);
        self.events.insert(index, event);
        Ok(index)
    }

    /// Removes event `index` and returns it.
    pub fn remove_event(&mut self, index: usize) -> Result<Event, CodingError> {
        self.editable()?;
        if index >= self.events.len() {
            return Err(CodingError::NoSuchItem { what: "event", index, count: self.events.len() });
        }
        Ok(self.events.remove(index))
    }

    /// How many times each count of the codebook was logged (every count key, zeros included).
    pub fn tallies(&self, codebook: &Codebook) -> BTreeMap<String, u32> {
        let mut out: BTreeMap<String, u32> =
            codebook.items.counts.iter().map(|c| (c.key.clone(), 0)).collect();
        for e in &self.events {
            if let Some(n) = out.get_mut(&e.code) {
                *n += 1;
            }
        }
        out
    }

    /// A summary score's value, or why it has none (a ratio with nothing to divide by).
    pub fn summary(&self, codebook: &Codebook, summary: &Summary) -> Result<f64, Undefined> {
        summary.value(&self.tallies(codebook), &self.scores)
    }

    /// What stops submitting among the instrument's items: unanswered checklist items, unchosen
    /// classifications, and answers for items the codebook does not have (a hand-edited file).
    pub(super) fn item_problems(&self, codebook: &Codebook, out: &mut Vec<SubmitProblem>) {
        let items = &codebook.items;
        for c in &items.checklist {
            if !self.checklist.contains_key(&c.key) {
                out.push(SubmitProblem::Unanswered { key: c.key.clone(), label: c.label.clone() });
            }
        }
        for c in items.classifications.iter().filter(|c| !c.derived()) {
            if self.class_of(codebook, &c.key).is_none() {
                out.push(SubmitProblem::Unclassified {
                    key: c.key.clone(),
                    label: c.label.clone(),
                });
            }
        }
        let unknown = self
            .checklist
            .keys()
            .filter(|k| items.check_item(k).is_none())
            .chain(self.classes.keys().filter(|k| items.classification(k).is_none()))
            .chain(self.events.iter().map(|e| &e.code).filter(|k| items.count(k).is_none()));
        for key in unknown {
            let problem = SubmitProblem::UnknownItem { key: key.clone() };
            if !out.contains(&problem) {
                out.push(problem);
            }
        }
    }
}

fn unknown_item(codebook: &Codebook, what: &'static str, key: &str) -> CodingError {
    let items = &codebook.items;
    let known: Vec<&str> = match what {
        "checklist item" => items.checklist.iter().map(|c| c.key.as_str()).collect(),
        "classification" => items.classifications.iter().map(|c| c.key.as_str()).collect(),
        _ => items.counts.iter().map(|c| c.key.as_str()).collect(),
    };
    CodingError::UnknownItem {
        what,
        key: crate::ids::sanitize_for_terminal(key).into_owned(),
        known: if known.is_empty() { "none".into() } else { known.join(", ") },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coding::CodebookRef;

    fn unit_meeting() -> Codebook {
        let text = include_str!("../../codebook/unit-meeting.toml");
        crate::codebook::parse(text, "unit-meeting.toml").expect("bundled instrument is valid")
    }

    fn mi() -> Codebook {
        let text = include_str!("../../codebook/mi-fidelity.toml");
        crate::codebook::parse(text, "mi-fidelity.toml").expect("bundled instrument is valid")
    }

    fn fresh(cb: &Codebook) -> Coding {
        Coding::new("R1", "ana", CodebookRef::of(cb), "00", "2026-01-01T00:00:00Z")
    }

    const FEATURES: [&str; 7] = [
        "wider_context",
        "curious",
        "hypotheses",
        "actionable",
        "collaborative",
        "family_present",
        "risk_clarity",
    ];

    #[test]
    fn the_class_is_derived_live_and_only_once_every_needed_item_is_answered() {
        let cb = unit_meeting();
        let mut c = fresh(&cb);
        for f in FEATURES.iter().filter(|f| **f != "actionable") {
            c.set_check(&cb, f, Some(true)).unwrap();
        }
        assert_eq!(c.class_of(&cb, "practice"), None, "actionable is not answered yet");
        c.set_check(&cb, "actionable", Some(false)).unwrap();
        assert_eq!(c.class_of(&cb, "practice").map(|k| k.key.as_str()), Some("green_shoots"));
        c.set_check(&cb, "actionable", Some(true)).unwrap();
        assert_eq!(c.class_of(&cb, "practice").map(|k| k.key.as_str()), Some("systemic"));
        c.set_check(&cb, "curious", Some(false)).unwrap();
        assert_eq!(c.class_of(&cb, "practice").map(|k| k.key.as_str()), Some("un_systemic"));
        c.set_check(&cb, "curious", None).unwrap();
        assert_eq!(c.class_of(&cb, "practice"), None);
    }

    #[test]
    fn a_derived_class_cannot_be_chosen_and_unknown_keys_are_refused() {
        let cb = unit_meeting();
        let mut c = fresh(&cb);
        assert!(matches!(
            c.choose_class(&cb, "practice", Some("systemic")),
            Err(CodingError::Derived { .. })
        ));
        assert!(matches!(
            c.set_check(&cb, "nonsense", Some(true)),
            Err(CodingError::UnknownItem { what: "checklist item", .. })
        ));
        assert!(matches!(
            c.log_event(&cb, "question", 1.0, 0.0, 10.0),
            Err(CodingError::UnknownItem { what: "count", known, .. }) if known == "none"
        ));
    }

    #[test]
    fn the_toggle_cycle_goes_present_then_absent_then_present() {
        let cb = unit_meeting();
        let mut c = fresh(&cb);
        assert!(c.next_check("curious"));
        c.set_check(&cb, "curious", Some(c.next_check("curious"))).unwrap();
        assert_eq!(c.checklist.get("curious"), Some(&true));
        c.set_check(&cb, "curious", Some(c.next_check("curious"))).unwrap();
        assert_eq!(c.checklist.get("curious"), Some(&false));
        assert!(c.next_check("curious"));
    }

    #[test]
    fn submitting_needs_every_checklist_item_answered() {
        let cb = unit_meeting();
        let mut c = fresh(&cb);
        c.listened = vec![[0.0, 100.0]];
        let check = c.can_submit(&cb, 100.0);
        let unanswered =
            check.problems.iter().filter(|p| matches!(p, SubmitProblem::Unanswered { .. })).count();
        assert_eq!(unanswered, 7);
        for f in FEATURES {
            c.set_check(&cb, f, Some(false)).unwrap();
        }
        assert!(c.can_submit(&cb, 100.0).can_submit(), "{:?}", c.can_submit(&cb, 100.0));
        c.checklist.insert("stray".into(), true);
        assert_eq!(
            c.can_submit(&cb, 100.0).problems,
            vec![SubmitProblem::UnknownItem { key: "stray".into() }]
        );
    }

    #[test]
    fn events_keep_time_order_the_offset_is_applied_and_clamped() {
        let cb = mi();
        let mut c = fresh(&cb);
        assert_eq!(c.log_event(&cb, "question", 10.0, 0.5, 60.0).unwrap(), 0);
        assert_eq!(c.log_event(&cb, "question", 5.0, 0.5, 60.0).unwrap(), 0);
        assert_eq!(c.log_event(&cb, "simple_reflection", 0.2, 0.5, 60.0).unwrap(), 0);
        assert_eq!(c.log_event(&cb, "question", 99.0, 0.0, 60.0).unwrap(), 3);
        let at: Vec<f64> = c.events.iter().map(|e| e.at_s).collect();
        assert_eq!(at, vec![0.0, 4.5, 9.5, 60.0]);
        let removed = c.remove_event(1).unwrap();
        assert_eq!(removed.at_s, 4.5);
        assert_eq!(c.restore_event(removed).unwrap(), 1);
        assert!(c.log_event(&cb, "question", f64::NAN, 0.0, 60.0).is_err());
        assert!(matches!(c.remove_event(9), Err(CodingError::NoSuchItem { what: "event", .. })));
    }

    #[test]
    fn tallies_list_every_count_and_ratios_say_why_they_are_undefined() {
        let cb = mi();
        let mut c = fresh(&cb);
        let tallies = c.tallies(&cb);
        assert_eq!(tallies.len(), cb.items.counts.len());
        assert!(tallies.values().all(|n| *n == 0));
        let rq =
            cb.items.summaries.iter().find(|s| s.key == "reflection_to_question").expect("R:Q");
        let why = c.summary(&cb, rq).unwrap_err();
        assert!(why.to_string().contains("n/a"), "{why}");
        for t in [1.0, 2.0] {
            c.log_event(&cb, "question", t, 0.0, 60.0).unwrap();
        }
        for t in [3.0, 4.0, 5.0] {
            c.log_event(&cb, "complex_reflection", t, 0.0, 60.0).unwrap();
        }
        assert_eq!(c.tallies(&cb)["question"], 2);
        assert!((c.summary(&cb, rq).unwrap() - 1.5).abs() < 1e-12);
    }

    #[test]
    fn a_coding_with_items_reads_back_the_same() {
        let cb = unit_meeting();
        let mut c = fresh(&cb);
        c.set_check(&cb, "curious", Some(true)).unwrap();
        c.set_check(&cb, "actionable", Some(false)).unwrap();
        let mi = mi();
        c.log_event(&mi, "question", 3.25, 0.0, 60.0).unwrap();
        let text = c.to_toml().unwrap();
        assert!(text.contains("[checklist]"), "{text}");
        assert!(text.contains("[[event]]"), "{text}");
        assert_eq!(Coding::from_toml(&text, "x.toml").unwrap(), c);
        let plain = fresh(&crate::codebook::test_book(&[("a", None)])).to_toml().unwrap();
        assert!(!plain.contains("checklist") && !plain.contains("event"), "{plain}");
    }
}
