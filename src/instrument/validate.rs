//! Validation of a read instrument: every problem found, in file order, each explained.
use std::collections::{BTreeMap, BTreeSet};

use super::raw::{
    RawChecklist, RawClassification, RawCount, RawInstrument, RawRule, RawScale, RawSummary, Sp,
};
use super::{
    ChecklistItem, Class, Classification, CountItem, Formula, Instrument, Rule, SCHEMA, ScaleItem,
    Summary, Thresholds,
};
use crate::codebook::{CodebookError, MAX_SCALE_VALUE, Problem, line_col};

/// The one-character keys the coding screen binds by default, with their `keys.toml` names
/// (`src/tui/keys.rs`; `tests/instrument_cli.rs` keeps this list complete): a count's `press`
/// may not take one. Digits 6-9 are kept for longer scales.
pub const RESERVED_KEYS: &[(char, &str)] = &[
    (' ', "play_pause"),
    ('g', "go_to"),
    ('[', "speed_down"),
    (']', "speed_up"),
    ('=', "speed_reset"),
    ('r', "replay"),
    ('b', "segment_begin"),
    ('e', "segment_end"),
    ('B', "segment_start_here"),
    ('E', "segment_end_here"),
    ('N', "segment_note"),
    ('n', "note"),
    ('t', "note_domains"),
    ('k', "up"),
    ('j', "down"),
    ('x', "delete"),
    ('0', "score_clear"),
    ('1', "score_1"),
    ('2', "score_2"),
    ('3', "score_3"),
    ('4', "score_4"),
    ('5', "score_5"),
    ('6', "score_6"),
    ('7', "score_7"),
    ('8', "score_8"),
    ('9', "score_9"),
    ('S', "submit"),
    ('u', "undo"),
    ('+', "zoom_in"),
    ('-', "zoom_out"),
    ('?', "help"),
    ('q', "back"),
    ('v', "rationales"),
    ('T', "transcript"),
    ('/', "search"),
];

/// At most this many checklist items may one classification's rules name (2^n answers checked).
const MAX_RULE_ITEMS: usize = 16;

struct Problems<'a> {
    text: &'a str,
    origin: &'a str,
    list: Vec<(usize, Problem)>,
}

impl Problems<'_> {
    fn at(&mut self, offset: usize, message: impl Into<String>) {
        let (line, column) = line_col(self.text, offset);
        let p = Problem { origin: self.origin.to_string(), line, column, message: message.into() };
        self.list.push((offset, p));
    }
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 64
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn text(p: &mut Problems, s: &Sp<String>, what: &str) -> String {
    if s.get_ref().trim().is_empty() {
        p.at(s.span().start, format!("{what} is empty; write one"));
    }
    s.get_ref().clone()
}

pub(super) fn validate(
    raw: RawInstrument,
    text_: &str,
    origin: &str,
) -> Result<Instrument, CodebookError> {
    let mut p = Problems { text: text_, origin, list: Vec::new() };
    if *raw.schema.get_ref() != SCHEMA {
        p.at(
            raw.schema.span().start,
            format!(
                "schema {} is not an instrument schema this tapecoder reads (2; schema 1 is the one-scale codebook)",
                raw.schema.get_ref()
            ),
        );
    }
    if !valid_key(raw.id.get_ref()) {
        p.at(raw.id.span().start, "id must be 1-64 letters, digits, `-` or `_`");
    }
    let version = text(&mut p, &raw.version, "version");
    let title = text(&mut p, &raw.title, "title");
    let source = raw.source.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default();

    let mut keys = Keys::default();
    let scales = scales(&mut p, &mut keys, &raw.scales);
    let checklist = checklist(&mut p, &mut keys, &raw.checklist);
    let checklist_keys: Vec<&str> = checklist.iter().map(|c| c.key.as_str()).collect();
    let mut classifications = Vec::new();
    for c in &raw.classifications {
        let k = keys.take(&mut p, &c.get_ref().key, "classification");
        classifications.push(classification(&mut p, c, k, &checklist_keys));
    }
    let counts = counts(&mut p, &mut keys, &raw.counts);
    let count_keys: Vec<&str> = counts.iter().map(|c| c.key.as_str()).collect();
    let scale_keys: Vec<&str> = scales.iter().map(|s| s.key.as_str()).collect();
    let mut summaries = Vec::new();
    for s in &raw.summaries {
        let k = keys.take(&mut p, &s.get_ref().key, "summary");
        if let Some(summary) = summary(&mut p, s, k, &count_keys, &scale_keys) {
            summaries.push(summary);
        }
    }

    if p.list.is_empty() {
        Ok(Instrument {
            id: raw.id.get_ref().clone(),
            version,
            title,
            source,
            scales,
            checklist,
            classifications,
            counts,
            summaries,
        })
    } else {
        let mut list = p.list;
        list.sort_by_key(|(o, _)| *o);
        Err(CodebookError::Invalid(list.into_iter().map(|(_, x)| x).collect()))
    }
}

fn names(
    p: &mut Problems,
    list: &[Sp<String>],
    known: &[&str],
    what: &str,
    place: &str,
) -> Vec<String> {
    let list: Vec<(String, usize)> =
        list.iter().map(|n| (n.get_ref().clone(), n.span().start)).collect();
    names_at(p, &list, known, what, place)
}

/// Reports every name of `list` (each with its place) that is not in `known`.
fn names_at(
    p: &mut Problems,
    list: &[(String, usize)],
    known: &[&str],
    what: &str,
    place: &str,
) -> Vec<String> {
    for (n, at) in list {
        if !known.contains(&n.as_str()) {
            let known = if known.is_empty() { "none yet".to_string() } else { known.join(", ") };
            p.at(*at, format!("{place} names `{n}`, which is not a {what}; {what}s: {known}"));
        }
    }
    list.iter().map(|(n, _)| n.clone()).collect()
}

fn classification(
    p: &mut Problems,
    c: &Sp<RawClassification>,
    key: String,
    checklist: &[&str],
) -> Classification {
    let at = c.span().start;
    let c = c.get_ref();
    if c.classes.len() < 2 {
        p.at(at, format!("classification `{key}` needs at least two classes"));
    }
    let mut seen = BTreeSet::new();
    let with_rules = c.classes.iter().filter(|x| x.get_ref().rule.is_some()).count();
    let mut classes = Vec::new();
    for (i, cl) in c.classes.iter().enumerate() {
        let cl_at = cl.span().start;
        let cl = cl.get_ref();
        let ck = cl.key.get_ref().clone();
        if !valid_key(&ck) || !seen.insert(ck.clone()) {
            p.at(cl.key.span().start, format!("classification `{key}`: class key `{ck}` is repeated or not 1-64 letters, digits, `-` or `_`"));
        }
        let rule = match &cl.rule {
            None if with_rules > 0 => {
                p.at(cl_at, format!("classification `{key}`: class `{ck}` has no rule but others do; give every class a rule (the last may be rule = \"otherwise\") or none (the coder chooses)"));
                None
            }
            None => None,
            Some(r) => match r.get_ref() {
                RawRule::Word(w) if w == "otherwise" => {
                    if i + 1 != c.classes.len() {
                        p.at(r.span().start, format!("classification `{key}`: `otherwise` (class `{ck}`) must be the last class: every class after it could never be derived"));
                    }
                    Some(Rule::Otherwise)
                }
                RawRule::Word(w) => {
                    p.at(r.span().start, format!("classification `{key}`: rule {w:?} of class `{ck}` is not a rule; write rule = {{ present = [...], absent = [...] }} or rule = \"otherwise\""));
                    None
                }
                RawRule::When { present, absent } => {
                    let place = format!("the rule of class `{ck}`");
                    let at = r.span().start;
                    let with_at = |l: &[String]| -> Vec<(String, usize)> {
                        l.iter().map(|n| (n.clone(), at)).collect()
                    };
                    let present =
                        names_at(p, &with_at(present), checklist, "checklist item", &place);
                    let absent = names_at(p, &with_at(absent), checklist, "checklist item", &place);
                    if let Some(both) = present.iter().find(|k| absent.contains(k)) {
                        p.at(r.span().start, format!("classification `{key}`: class `{ck}` needs `{both}` both present and absent, so it can never be derived"));
                    }
                    Some(Rule::When { present, absent })
                }
            },
        };
        classes.push(Class {
            key: ck,
            label: text(p, &cl.label, "label"),
            description: cl.description.clone(),
            rule,
        });
    }
    let out = Classification {
        key,
        label: text(p, &c.label, "label"),
        description: c.description.clone(),
        classes,
    };
    if with_rules > 0 && with_rules == out.classes.len() {
        coverage(p, at, &out);
    }
    out
}

/// Every combination of answers reaches a class, and every class is reached by some answers.
fn coverage(p: &mut Problems, at: usize, c: &Classification) {
    let mut items: Vec<&str> = Vec::new();
    for cl in &c.classes {
        if let Some(Rule::When { present, absent }) = &cl.rule {
            for k in present.iter().chain(absent) {
                if !items.contains(&k.as_str()) {
                    items.push(k);
                }
            }
        }
    }
    if items.len() > MAX_RULE_ITEMS {
        p.at(
            at,
            format!(
                "classification `{}`: its rules name {} checklist items; at most {MAX_RULE_ITEMS}",
                c.key,
                items.len()
            ),
        );
        return;
    }
    let mut reached = vec![false; c.classes.len()];
    let mut unmatched: Option<BTreeMap<String, bool>> = None;
    for bits in 0u32..(1 << items.len()) {
        let answers: BTreeMap<String, bool> =
            items.iter().enumerate().map(|(i, k)| (k.to_string(), bits & (1 << i) != 0)).collect();
        match c.derive(&answers) {
            Some(cl) => {
                if let Some(i) = c.classes.iter().position(|x| x.key == cl.key) {
                    reached[i] = true;
                }
            }
            None if unmatched.is_none() => unmatched = Some(answers),
            None => {}
        }
    }
    if let Some(a) = unmatched {
        let shown: Vec<String> = a
            .iter()
            .map(|(k, v)| format!("{k} {}", if *v { "present" } else { "absent" }))
            .collect();
        p.at(at, format!("classification `{}`: some answers match no class, e.g. {}; add a last class with rule = \"otherwise\"", c.key, shown.join(", ")));
    }
    for (cl, r) in c.classes.iter().zip(&reached) {
        if !r {
            p.at(at, format!("classification `{}`: class `{}` can never be derived: every answer its rule matches is taken by an earlier class", c.key, cl.key));
        }
    }
}

fn summary(
    p: &mut Problems,
    s: &Sp<RawSummary>,
    key: String,
    counts: &[&str],
    scales: &[&str],
) -> Option<Summary> {
    let at = s.span().start;
    let s = s.get_ref();
    let place = format!("summary `{key}`");
    let formula = match (&s.sum, &s.ratio, &s.mean) {
        (Some(list), None, None) => Formula::Sum(names(p, list.get_ref(), counts, "count", &place)),
        (None, Some(r), None) => {
            let r = r.get_ref();
            Formula::Ratio {
                numerator: names(p, &r.numerator, counts, "count", &place),
                denominator: names(p, &r.denominator, counts, "count", &place),
                percent: r.percent,
            }
        }
        (None, None, Some(list)) => {
            if list.get_ref().is_empty() {
                p.at(list.span().start, format!("{place}: mean of nothing; name scale items"));
            }
            Formula::Mean(names(p, list.get_ref(), scales, "scale item", &place))
        }
        _ => {
            p.at(at, format!("{place} needs exactly one of sum = [...], ratio = {{ numerator, denominator }} or mean = [...]"));
            return None;
        }
    };
    let thresholds = s.thresholds.as_ref().map(|t| {
        let v = t.get_ref();
        if !(v.fair.is_finite() && v.good.is_finite() && v.fair <= v.good) {
            p.at(t.span().start, format!("{place}: thresholds need fair <= good (higher is better), not fair {} and good {}", v.fair, v.good));
        }
        Thresholds { fair: v.fair, good: v.good }
    });
    Some(Summary { key, label: text(p, &s.label, "label"), formula, thresholds })
}

/// One namespace for every item's key: where each was first defined.
#[derive(Default)]
struct Keys(BTreeMap<String, usize>);

impl Keys {
    fn take(&mut self, p: &mut Problems, k: &Sp<String>, kind: &str) -> String {
        let at = k.span().start;
        if !valid_key(k.get_ref()) {
            p.at(
                at,
                format!("{kind} key {:?} must be 1-64 letters, digits, `-` or `_`", k.get_ref()),
            );
        } else if crate::export::COLUMNS.contains(&k.get_ref().as_str()) {
            p.at(
                at,
                format!(
                    "{kind} key `{}` is a column of the exports (every item gets a column named by its key); choose another key",
                    k.get_ref()
                ),
            );
        } else if let Some(first) = self.0.get(k.get_ref()) {
            let (line, _) = line_col(p.text, *first);
            p.at(at, format!("duplicate key `{}`: first defined on line {line}; every item needs its own key", k.get_ref()));
        } else {
            self.0.insert(k.get_ref().clone(), at);
        }
        k.get_ref().clone()
    }
}

fn scales(p: &mut Problems, keys: &mut Keys, raw: &[Sp<RawScale>]) -> Vec<ScaleItem> {
    let mut out = Vec::new();
    for s in raw {
        let s = s.get_ref();
        let k = keys.take(p, &s.key, "scale");
        let (min, max) = (*s.min.get_ref(), *s.max.get_ref());
        if min >= max || max > MAX_SCALE_VALUE {
            p.at(
                s.min.span().start,
                format!(
                    "scale `{k}`: min {min} must be below max {max} (at most {MAX_SCALE_VALUE})"
                ),
            );
        }
        let mut levels = Vec::new();
        for level in min..=max.min(MAX_SCALE_VALUE) {
            match s.levels.get_ref().get(&level.to_string()) {
                Some(d) if !d.trim().is_empty() => levels.push(d.clone()),
                _ => p.at(s.levels.span().start, format!("scale `{k}` is missing the descriptor for level {level}: every level {min}..{max} needs one")),
            }
        }
        for extra in s.levels.get_ref().keys() {
            if extra.parse::<u8>().map_or(true, |l| l < min || l > max) {
                p.at(
                    s.levels.span().start,
                    format!("scale `{k}` describes level {extra}, outside {min}..{max}"),
                );
            }
        }
        out.push(ScaleItem {
            key: k,
            label: text(p, &s.label, "label"),
            description: s.description.clone(),
            min,
            max,
            levels,
        });
    }
    out
}

fn checklist(p: &mut Problems, keys: &mut Keys, raw: &[Sp<RawChecklist>]) -> Vec<ChecklistItem> {
    raw.iter()
        .map(|c| {
            let c = c.get_ref();
            ChecklistItem {
                key: keys.take(p, &c.key, "checklist"),
                label: text(p, &c.label, "label"),
                description: text(
                    p,
                    &c.description,
                    "a checklist item's description (what counts as present)",
                ),
            }
        })
        .collect()
}

fn counts(p: &mut Problems, keys: &mut Keys, raw: &[Sp<RawCount>]) -> Vec<CountItem> {
    let mut out = Vec::new();
    let mut presses: BTreeMap<char, String> = BTreeMap::new();
    for c in raw {
        let c = c.get_ref();
        let k = keys.take(p, &c.key, "count");
        let mut chars = c.press.get_ref().chars();
        let press = match (chars.next(), chars.next()) {
            (Some(ch), None) if !ch.is_control() => ch,
            _ => {
                p.at(
                    c.press.span().start,
                    format!(
                        "count `{k}`: press must be one character (e.g. \"q\"), not {:?}",
                        c.press.get_ref()
                    ),
                );
                '\0'
            }
        };
        if let Some((_, action)) = RESERVED_KEYS.iter().find(|(ch, _)| *ch == press) {
            p.at(c.press.span().start, format!("count `{k}`: press {press:?} is the coding screen's `{action}` key; choose a key it leaves free"));
        } else if let Some(other) = presses.get(&press) {
            p.at(
                c.press.span().start,
                format!("count `{k}`: press {press:?} is already count `{other}`'s key"),
            );
        } else if press != '\0' {
            presses.insert(press, k.clone());
        }
        out.push(CountItem {
            key: k,
            label: text(p, &c.label, "label"),
            description: c.description.clone(),
            press,
        });
    }
    out
}
