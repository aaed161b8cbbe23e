//! The instrument file as read, before validation: every field with its place in the file.
use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub type Sp<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInstrument {
    pub schema: Sp<u32>,
    pub id: Sp<String>,
    pub version: Sp<String>,
    pub title: Sp<String>,
    #[serde(default)]
    pub source: Option<Sp<String>>,
    #[serde(default, rename = "scale")]
    pub scales: Vec<Sp<RawScale>>,
    #[serde(default)]
    pub checklist: Vec<Sp<RawChecklist>>,
    #[serde(default, rename = "classification")]
    pub classifications: Vec<Sp<RawClassification>>,
    #[serde(default, rename = "count")]
    pub counts: Vec<Sp<RawCount>>,
    #[serde(default, rename = "summary")]
    pub summaries: Vec<Sp<RawSummary>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScale {
    pub key: Sp<String>,
    pub label: Sp<String>,
    #[serde(default)]
    pub description: String,
    pub min: Sp<u8>,
    pub max: Sp<u8>,
    pub levels: Sp<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChecklist {
    pub key: Sp<String>,
    pub label: Sp<String>,
    pub description: Sp<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClassification {
    pub key: Sp<String>,
    pub label: Sp<String>,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "class")]
    pub classes: Vec<Sp<RawClass>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawClass {
    pub key: Sp<String>,
    pub label: Sp<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub rule: Option<Sp<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawRule {
    /// `rule = "otherwise"`.
    Word(String),
    /// `rule = { present = [...], absent = [...] }`.
    /// (Plain strings: an untagged enum cannot keep the places of its parts; problems point at
    /// the rule.)
    When {
        #[serde(default)]
        present: Vec<String>,
        #[serde(default)]
        absent: Vec<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCount {
    pub key: Sp<String>,
    pub label: Sp<String>,
    #[serde(default)]
    pub description: String,
    pub press: Sp<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSummary {
    pub key: Sp<String>,
    pub label: Sp<String>,
    #[serde(default)]
    pub sum: Option<Sp<Vec<Sp<String>>>>,
    #[serde(default)]
    pub ratio: Option<Sp<RawRatio>>,
    #[serde(default)]
    pub mean: Option<Sp<Vec<Sp<String>>>>,
    #[serde(default)]
    pub thresholds: Option<Sp<RawThresholds>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRatio {
    pub numerator: Vec<Sp<String>>,
    pub denominator: Vec<Sp<String>>,
    #[serde(default)]
    pub percent: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawThresholds {
    pub fair: f64,
    pub good: f64,
}
