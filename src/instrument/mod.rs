//! Instruments of codebook schema 2 (issue #14): several item kinds in one file. Pure: text in,
//! a validated instrument (or every problem, at `file:line:col`) out.
//!
//! ```toml
//! schema = 2
//! id = "unit-meeting"
//! version = "1.0"
//! title = "…"
//! source = "…"                      # where the instrument comes from (cited)
//!
//! [[scale]]                         # an ordinal score, a descriptor for every level
//! key = "partnership"
//! label = "Partnership"
//! description = "…"
//! min = 1
//! max = 5
//! [scale.levels]
//! 1 = "…"
//!
//! [[checklist]]                     # a feature present or absent
//! key = "curious"
//! label = "Curious and reflective discussion"
//! description = "what counts …"
//!
//! [[classification]]                # a nominal result: chosen, or derived by rules
//! key = "practice"
//! label = "…"
//! [[classification.class]]
//! key = "systemic"
//! label = "Systemic"
//! description = "…"
//! rule = { present = ["context", "curious"], absent = ["…"] }   # or rule = "otherwise" (last)
//!
//! [[count]]                         # a behaviour logged at the playhead, one key each
//! key = "question"
//! label = "Question"
//! press = "q"
//! description = "…"
//!
//! [[summary]]                       # derived: exactly one of sum, ratio, mean
//! key = "r_to_q"
//! label = "Reflection-to-question ratio"
//! ratio = { numerator = ["simple_reflection", "complex_reflection"], denominator = ["question"] }
//! thresholds = { fair = 1.0, good = 2.0 }   # optional, higher is better
//! ```
//!
//! Rules are checked as a whole: a class's rule may name only checklist items; `otherwise` may
//! only be the last class; every combination of answers to the items the rules name must reach a
//! class (else the missing answers are shown); a class that every earlier rule shadows is
//! reported. Codebook schema 1 files (today's handbook) are read by [`crate::codebook`].
mod raw;
pub mod reliability;
mod validate;

pub use validate::RESERVED_KEYS;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::codebook::{CodebookError, Problem};
use crate::stats::Undefined;

/// The schema of instrument files.
pub const SCHEMA: u32 = 2;

/// A validated schema-2 instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instrument {
    pub id: String,
    pub version: String,
    pub title: String,
    pub source: String,
    pub scales: Vec<ScaleItem>,
    pub checklist: Vec<ChecklistItem>,
    pub classifications: Vec<Classification>,
    pub counts: Vec<CountItem>,
    pub summaries: Vec<Summary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleItem {
    pub key: String,
    pub label: String,
    pub description: String,
    pub min: u8,
    pub max: u8,
    /// Descriptors indexed by `level - min`.
    pub levels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub key: String,
    pub label: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub key: String,
    pub label: String,
    pub description: String,
    pub classes: Vec<Class>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Class {
    pub key: String,
    pub label: String,
    pub description: String,
    /// `None`: chosen by the coder (then no class of the classification has a rule).
    pub rule: Option<Rule>,
}

/// When a derived class applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Rule {
    /// Every item in `present` marked present and every one in `absent` marked absent.
    When { present: Vec<String>, absent: Vec<String> },
    /// Whatever no earlier class matched.
    Otherwise,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountItem {
    pub key: String,
    pub label: String,
    pub description: String,
    /// The key the coder presses to log one at the playhead.
    pub press: char,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub key: String,
    pub label: String,
    pub formula: Formula,
    pub thresholds: Option<Thresholds>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Formula {
    /// The total of these counts.
    Sum(Vec<String>),
    /// Total of `numerator` counts over total of `denominator` counts; × 100 when `percent`.
    Ratio { numerator: Vec<String>, denominator: Vec<String>, percent: bool },
    /// The mean of these scale items.
    Mean(Vec<String>),
}

/// Published benchmarks: a value at or above `good` is good, at or above `fair` fair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub fair: f64,
    pub good: f64,
}

impl Classification {
    /// True when the classes are derived from checklist answers by rules.
    pub fn derived(&self) -> bool {
        self.classes.iter().any(|c| c.rule.is_some())
    }

    /// The derived class for `answers` (checklist key → present), or `None` while an item some
    /// rule needs is unanswered (or the classification is chosen, not derived).
    pub fn derive(&self, answers: &BTreeMap<String, bool>) -> Option<&Class> {
        if !self.derived() {
            return None;
        }
        let needed = self.classes.iter().filter_map(|c| match &c.rule {
            Some(Rule::When { present, absent }) => Some(present.iter().chain(absent)),
            _ => None,
        });
        if needed.flatten().any(|k| !answers.contains_key(k)) {
            return None;
        }
        self.classes.iter().find(|c| match &c.rule {
            Some(Rule::When { present, absent }) => {
                present.iter().all(|k| answers.get(k) == Some(&true))
                    && absent.iter().all(|k| answers.get(k) == Some(&false))
            }
            Some(Rule::Otherwise) => true,
            None => false,
        })
    }
}

/// How a summary's value compares with its thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    BelowFair,
    Fair,
    Good,
}

impl Summary {
    /// The summary's value from `counts` (count key → times logged) and `scales` (scale key →
    /// level), or why it has none (a ratio with nothing to divide by, an unscored item).
    pub fn value(
        &self,
        counts: &BTreeMap<String, u32>,
        scales: &BTreeMap<String, u8>,
    ) -> Result<f64, Undefined> {
        self.value_with(
            |k| f64::from(counts.get(k).copied().unwrap_or(0)),
            |k| scales.get(k).map(|v| f64::from(*v)),
        )
    }

    /// [`Summary::value`] from any count and scale values (e.g. the mean of two coders' counts, a
    /// final score): `count` gives 0 for a count never logged, `scale` `None` for an unscored item.
    pub fn value_with(
        &self,
        count: impl Fn(&str) -> f64,
        scale: impl Fn(&str) -> Option<f64>,
    ) -> Result<f64, Undefined> {
        let total = |keys: &[String]| -> f64 { keys.iter().map(|k| count(k)).sum() };
        match &self.formula {
            Formula::Sum(keys) => Ok(total(keys)),
            Formula::Ratio { numerator, denominator, percent } => {
                let d = total(denominator);
                if d == 0.0 {
                    return Err(Undefined::new(format!(
                        "{} n/a: no {} logged",
                        self.label,
                        denominator.join(" or ")
                    )));
                }
                let r = total(numerator) / d;
                Ok(if *percent { 100.0 * r } else { r })
            }
            Formula::Mean(keys) => {
                let mut sum = 0.0;
                for k in keys {
                    let Some(v) = scale(k) else {
                        return Err(Undefined::new(format!(
                            "{} n/a: {k} is not scored",
                            self.label
                        )));
                    };
                    sum += v;
                }
                Ok(sum / keys.len() as f64)
            }
        }
    }

    /// Where `value` falls against the thresholds, if the summary has some.
    pub fn band(&self, value: f64) -> Option<Band> {
        let t = self.thresholds?;
        Some(if value >= t.good {
            Band::Good
        } else if value >= t.fair {
            Band::Fair
        } else {
            Band::BelowFair
        })
    }
}

/// The items of an instrument beside its scales, as a study's [`Codebook`] carries them (empty for
/// a schema-1 codebook).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Items {
    pub checklist: Vec<ChecklistItem>,
    pub classifications: Vec<Classification>,
    pub counts: Vec<CountItem>,
    pub summaries: Vec<Summary>,
}

impl Items {
    pub fn is_empty(&self) -> bool {
        self.checklist.is_empty()
            && self.classifications.is_empty()
            && self.counts.is_empty()
            && self.summaries.is_empty()
    }

    pub fn check_item(&self, key: &str) -> Option<&ChecklistItem> {
        self.checklist.iter().find(|c| c.key == key)
    }

    pub fn classification(&self, key: &str) -> Option<&Classification> {
        self.classifications.iter().find(|c| c.key == key)
    }

    pub fn count(&self, key: &str) -> Option<&CountItem> {
        self.counts.iter().find(|c| c.key == key)
    }
}

/// The group label a study shows an instrument's scales under.
pub const SCALES_GROUP: &str = "Global ratings";

impl Instrument {
    /// The instrument as a study codes with it: its scales become the codebook's domains (one
    /// range for all of them: a study's scores, rubric and reliability use one scale per
    /// codebook), the other items ride along in [`Codebook::items`]. `text` and `origin` place the
    /// problem when the scales' ranges differ. `sha256` is left empty, as [`crate::codebook::parse`]
    /// leaves it.
    pub fn into_codebook(
        self,
        text: &str,
        origin: &str,
    ) -> Result<crate::codebook::Codebook, CodebookError> {
        use crate::codebook::{Codebook, Domain, Scale};
        let scale = self
            .scales
            .first()
            .map_or(Scale { min: 1, max: 1 }, |s| Scale { min: s.min, max: s.max });
        let first = self.scales.first().map(|s| s.key.clone()).unwrap_or_default();
        let mut problems = Vec::new();
        for s in &self.scales {
            if (s.min, s.max) != (scale.min, scale.max) {
                let needle = format!("\"{}\"", s.key);
                let offset = text.find(&needle).unwrap_or(0);
                let (line, column) = crate::codebook::line_col(text, offset);
                problems.push(Problem {
                    origin: origin.to_string(),
                    line,
                    column,
                    message: format!(
                        "scale `{}` runs {}–{} but `{first}` runs {}–{}: a study scores every scale of an instrument on one range, so give them all the same min and max",
                        s.key, s.min, s.max, scale.min, scale.max
                    ),
                });
            }
        }
        if !problems.is_empty() {
            return Err(CodebookError::Invalid(problems));
        }
        let domains = self
            .scales
            .into_iter()
            .map(|s| Domain {
                key: s.key,
                label: s.label,
                group: SCALES_GROUP.to_string(),
                description: s.description,
                levels: s.levels,
                requires_segment: None,
            })
            .collect();
        Ok(Codebook {
            id: self.id,
            version: self.version,
            title: self.title,
            sha256: String::new(),
            scale,
            tolerance: 1,
            domains,
            segment_kinds: vec![],
            composites: vec![],
            items: Items {
                checklist: self.checklist,
                classifications: self.classifications,
                counts: self.counts,
                summaries: self.summaries,
            },
        })
    }
}

/// True when `text` declares `schema = 2` (an instrument, not a one-scale codebook).
pub fn declares_schema_2(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Head {
        schema: Option<u32>,
    }
    toml::from_str::<Head>(text).ok().and_then(|h| h.schema) == Some(SCHEMA)
}

/// Parses and validates instrument text (schema 2); `origin` names the file in problems.
pub fn parse(text: &str, origin: &str) -> Result<Instrument, CodebookError> {
    let raw: raw::RawInstrument = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let (line, column) = crate::codebook::line_col(text, offset);
            let message = e.message().trim().replace('\n', " ");
            let message = crate::toml_hint::with_hint(&message, text, offset);
            return Err(CodebookError::Invalid(vec![Problem {
                origin: origin.to_string(),
                line,
                column,
                message,
            }]));
        }
    };
    validate::validate(raw, text, origin)
}

#[cfg(test)]
mod tests;
