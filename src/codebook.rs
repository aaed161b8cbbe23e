//! The coding instrument: domains and their level descriptors, segment kinds, which domains need a
//! segment kind to be scorable, and composites. A codebook is data (`codebook/handbook.toml`), so a
//! team can replace it with its own handbook. Pure: parsing takes text, not paths.
//!
//! File shape (see `codebook/handbook.toml`):
//!
//! ```toml
//! schema = 1
//! id = "cascade-handbook"
//! version = "1.0"
//! title = "…"
//! [scale]
//! min = 1
//! max = 5
//! [reliability]
//! tolerance = 1
//! [[domain]]
//! key = "empathy"
//! label = "Empathy"
//! group = "care-and-engagement"          # free text, for display
//! description = "…"
//! requires_segment = "behaviour-change"  # optional: only scorable when such a segment exists
//! [domain.levels]                        # one descriptor for every level min..=max
//! 1 = "…"
//! …
//! [[segment_kind]]
//! key = "behaviour-change"
//! label = "Behaviour-change talk"
//! description = "…"
//! [[composite]]
//! key = "care_and_engagement"
//! label = "Care and engagement"
//! domains = ["empathy", "collaboration", "autonomy"]
//! ```
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::ids::{sanitize_for_terminal, validate_id};

/// The codebook schema this version reads.
pub const SCHEMA: u32 = 1;

/// The largest scale value accepted (keeps level lists small and scores in a `u8`).
pub const MAX_SCALE_VALUE: u8 = 20;

/// A loaded, validated codebook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Codebook {
    pub id: String,
    pub version: String,
    pub title: String,
    /// sha256 of the codebook file's bytes, recorded in every coding.
    #[serde(skip)]
    pub sha256: String,
    pub scale: Scale,
    pub tolerance: u8,
    pub domains: Vec<Domain>,
    pub segment_kinds: Vec<SegmentKind>,
    pub composites: Vec<Composite>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    pub min: u8,
    pub max: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub key: String,
    pub label: String,
    pub group: String,
    pub description: String,
    /// Descriptors indexed by `level - scale.min`.
    pub levels: Vec<String>,
    /// A segment kind that must be present for this domain to be scorable (evocation).
    pub requires_segment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentKind {
    pub key: String,
    pub label: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Composite {
    pub key: String,
    pub label: String,
    pub domains: Vec<String>,
}

impl Codebook {
    pub fn domain(&self, key: &str) -> Option<&Domain> {
        self.domains.iter().find(|d| d.key == key)
    }

    pub fn domain_keys(&self) -> impl Iterator<Item = &str> {
        self.domains.iter().map(|d| d.key.as_str())
    }

    /// The descriptor of `level` in `domain`, if both exist.
    pub fn descriptor(&self, domain: &str, level: u8) -> Option<&str> {
        let d = self.domain(domain)?;
        let i = level.checked_sub(self.scale.min)? as usize;
        d.levels.get(i).map(String::as_str)
    }
}

/// A problem found in a codebook, located in its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}:{column}: {message}")]
pub struct Problem {
    /// The file (or other origin) the text came from.
    pub origin: String,
    /// 1-based line and column.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodebookError {
    #[error("cannot read codebook {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Every problem found, each with file:line:col.
    #[error("{} problem(s) in codebook:\n{}", .0.len(), .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Problem>),
}

/// Where a byte offset falls in `text`, as 1-based line and column (columns count characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Collects problems for one origin, locating byte offsets in the text.
struct Problems<'a> {
    text: &'a str,
    origin: &'a str,
    list: Vec<(usize, Problem)>,
}

impl<'a> Problems<'a> {
    fn new(text: &'a str, origin: &'a str) -> Self {
        Self { text, origin, list: Vec::new() }
    }

    fn at(&mut self, offset: usize, message: impl Into<String>) {
        let (line, column) = line_col(self.text, offset);
        self.list.push((
            offset,
            Problem { origin: self.origin.to_string(), line, column, message: message.into() },
        ));
    }

    fn toml_error(&mut self, err: &toml::de::Error) {
        let offset = err.span().map_or(0, |s| s.start);
        let message = err.message().trim().replace('\n', " ");
        self.at(offset, message);
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn into_vec(self) -> Vec<Problem> {
        let mut list = self.list;
        list.sort_by_key(|(offset, _)| *offset);
        list.into_iter().map(|(_, p)| p).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Raw file shape: what serde reads before validation. Everything a user may forget is optional so
// that validation can report every missing piece, each with a position.

type Sp<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodebook {
    schema: Option<Sp<i64>>,
    id: Option<Sp<String>>,
    version: Option<Sp<String>>,
    title: Option<Sp<String>>,
    scale: Option<Sp<RawScale>>,
    reliability: Option<Sp<RawReliability>>,
    #[serde(default)]
    domain: Vec<Sp<RawDomain>>,
    #[serde(default)]
    segment_kind: Vec<Sp<RawSegmentKind>>,
    #[serde(default)]
    composite: Vec<Sp<RawComposite>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    min: Option<Sp<i64>>,
    max: Option<Sp<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReliability {
    tolerance: Option<Sp<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDomain {
    key: Option<Sp<String>>,
    label: Option<Sp<String>>,
    group: Option<Sp<String>>,
    description: Option<Sp<String>>,
    requires_segment: Option<Sp<String>>,
    levels: Option<Sp<BTreeMap<Sp<String>, Sp<String>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSegmentKind {
    key: Option<Sp<String>>,
    label: Option<Sp<String>>,
    description: Option<Sp<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComposite {
    key: Option<Sp<String>>,
    label: Option<Sp<String>>,
    domains: Option<Sp<Vec<Sp<String>>>>,
}

const TOP_KEYS: &[&str] = &[
    "schema",
    "id",
    "version",
    "title",
    "scale",
    "reliability",
    "domain",
    "segment_kind",
    "composite",
];
const SCALE_KEYS: &[&str] = &["min", "max"];
const RELIABILITY_KEYS: &[&str] = &["tolerance"];
const DOMAIN_KEYS: &[&str] =
    &["key", "label", "group", "description", "requires_segment", "levels"];
const SEGMENT_KIND_KEYS: &[&str] = &["key", "label", "description"];
const COMPOSITE_KEYS: &[&str] = &["key", "label", "domains"];

/// Reports every key not in `allowed` and removes it, so that deserialization can go on and the
/// remaining problems are found too.
fn prune_unknown(table: &mut DeTable<'_>, allowed: &[&str], place: &str, problems: &mut Problems) {
    let mut unknown = Vec::new();
    for (key, _) in table.iter() {
        if !allowed.contains(&key.get_ref().as_ref()) {
            unknown.push((key.span().start, key.get_ref().to_string()));
        }
    }
    for (offset, key) in &unknown {
        problems.at(
            *offset,
            format!(
                "unknown key `{}` in {place}; allowed keys are: {}. Check the spelling or remove it",
                sanitize_for_terminal(key),
                allowed.join(", ")
            ),
        );
    }
    if !unknown.is_empty() {
        let old = std::mem::replace(table, DeTable::new());
        for (key, value) in old {
            if allowed.contains(&key.get_ref().as_ref()) {
                table.insert(key, value);
            }
        }
    }
}

fn prune_table(value: &mut DeValue<'_>, allowed: &[&str], place: &str, problems: &mut Problems) {
    if let DeValue::Table(t) = value {
        prune_unknown(t, allowed, place, problems);
    }
}

fn prune_array(value: &mut DeValue<'_>, allowed: &[&str], place: &str, problems: &mut Problems) {
    if let DeValue::Array(items) = value {
        for item in items.iter_mut() {
            prune_table(item.get_mut(), allowed, place, problems);
        }
    }
}

fn prune_document(doc: &mut DeTable<'_>, problems: &mut Problems) {
    prune_unknown(doc, TOP_KEYS, "the codebook's top level", problems);
    for (key, value) in doc.iter_mut() {
        let v = value.get_mut();
        match key.get_ref().as_ref() {
            "scale" => prune_table(v, SCALE_KEYS, "[scale]", problems),
            "reliability" => prune_table(v, RELIABILITY_KEYS, "[reliability]", problems),
            "domain" => prune_array(v, DOMAIN_KEYS, "[[domain]]", problems),
            "segment_kind" => prune_array(v, SEGMENT_KIND_KEYS, "[[segment_kind]]", problems),
            "composite" => prune_array(v, COMPOSITE_KEYS, "[[composite]]", problems),
            _ => {}
        }
    }
}

/// Parses and validates codebook text; `origin` names the file in messages.
///
/// Every problem is reported (syntax errors stop the rest, since nothing after them can be read
/// reliably), each with a 1-based line and column. `sha256` is left empty: [`load`] sets it.
pub fn parse(text: &str, origin: &str) -> Result<Codebook, CodebookError> {
    let mut problems = Problems::new(text, origin);
    let (mut doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in &errors {
            let offset = e.span().map_or(0, |s| s.start);
            problems.at(
                offset,
                format!("TOML syntax error: {}", e.message().trim().replace('\n', " ")),
            );
        }
        return Err(CodebookError::Invalid(problems.into_vec()));
    }
    prune_document(doc.get_mut(), &mut problems);
    let raw = match RawCodebook::deserialize(toml::de::Deserializer::from(doc)) {
        Ok(raw) => raw,
        Err(e) => {
            problems.toml_error(&e);
            return Err(CodebookError::Invalid(problems.into_vec()));
        }
    };
    let codebook = validate(raw, &mut problems);
    if problems.is_empty() {
        Ok(codebook)
    } else {
        Err(CodebookError::Invalid(problems.into_vec()))
    }
}

/// Reads, parses and validates a codebook file and records the sha256 of its bytes.
pub fn load(path: &Path) -> Result<Codebook, CodebookError> {
    let origin = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|source| CodebookError::Read { path: origin.clone(), source })?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid =
                std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or(&[])).unwrap_or("");
            let (line, column) = line_col(valid, valid.len());
            return Err(CodebookError::Invalid(vec![Problem {
                origin,
                line,
                column,
                message: "the file is not UTF-8 text; save it as UTF-8".into(),
            }]));
        }
    };
    let mut codebook = parse(text, &origin)?;
    codebook.sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(codebook)
}

/// A required, non-blank string field: reports its absence (at `anchor`) or blankness.
fn required_text(
    field: &Option<Sp<String>>,
    name: &str,
    place: &str,
    anchor: usize,
    problems: &mut Problems,
) -> String {
    match field {
        None => {
            problems.at(anchor, format!("{place} is missing `{name}`; add `{name} = \"…\"`"));
            String::new()
        }
        Some(s) if s.get_ref().trim().is_empty() => {
            problems.at(s.span().start, format!("`{name}` in {place} is empty; write it out"));
            String::new()
        }
        Some(s) => s.get_ref().trim().to_string(),
    }
}

/// A key used as an identifier (domain, segment kind, composite): required, non-blank and made of
/// letters, digits, `-` and `_`, since keys become CSV columns and TOML keys in coding files.
fn required_key(
    field: &Option<Sp<String>>,
    place: &str,
    anchor: usize,
    problems: &mut Problems,
) -> Option<(String, usize)> {
    let Some(s) = field else {
        problems.at(anchor, format!("{place} is missing `key`; add `key = \"…\"`"));
        return None;
    };
    let value = s.get_ref();
    if let Err(e) = validate_id("key", value) {
        problems.at(s.span().start, format!("{e} (in {place})"));
        return None;
    }
    Some((value.clone(), s.span().start))
}

fn validate(raw: RawCodebook, problems: &mut Problems) -> Codebook {
    // Top level.
    match &raw.schema {
        None => problems.at(0, format!("missing `schema = {SCHEMA}` at the top of the codebook")),
        Some(s) if *s.get_ref() != i64::from(SCHEMA) => problems.at(
            s.span().start,
            format!(
                "unsupported schema {}; this version of tapecoder reads `schema = {SCHEMA}`",
                s.get_ref()
            ),
        ),
        Some(_) => {}
    }
    let top = "the codebook";
    let id = match &raw.id {
        None => {
            problems.at(0, "the codebook is missing `id`; add e.g. `id = \"my-handbook\"`");
            String::new()
        }
        Some(s) => {
            if let Err(e) = validate_id("codebook id", s.get_ref()) {
                problems.at(s.span().start, e.to_string());
            }
            s.get_ref().clone()
        }
    };
    let version = required_text(&raw.version, "version", top, 0, problems);
    let title = required_text(&raw.title, "title", top, 0, problems);

    // Scale.
    let mut scale = Scale { min: 1, max: 5 };
    let mut scale_ok = false;
    match &raw.scale {
        None => problems
            .at(0, "the codebook is missing its scale; add `[scale]` with `min = 1` and `max = 5`"),
        Some(s) => {
            let anchor = s.span().start;
            let bound = |field: &Option<Sp<i64>>, name: &str, problems: &mut Problems| match field {
                None => {
                    problems.at(anchor, format!("[scale] is missing `{name}`; add `{name} = …`"));
                    None
                }
                Some(v) => match u8::try_from(*v.get_ref()) {
                    Ok(n) if n <= MAX_SCALE_VALUE => Some(n),
                    _ => {
                        problems.at(
                            v.span().start,
                            format!(
                                "scale `{name}` is {}; it must be a whole number from 0 to {MAX_SCALE_VALUE}",
                                v.get_ref()
                            ),
                        );
                        None
                    }
                },
            };
            let min = bound(&s.get_ref().min, "min", problems);
            let max = bound(&s.get_ref().max, "max", problems);
            if let (Some(min), Some(max)) = (min, max) {
                if min >= max {
                    let at = s.get_ref().min.as_ref().map_or(anchor, |v| v.span().start);
                    problems.at(at, format!("scale min ({min}) must be less than max ({max})"));
                } else {
                    scale = Scale { min, max };
                    scale_ok = true;
                }
            }
        }
    }

    // Reliability.
    let mut tolerance = 1u8;
    if let Some(r) = &raw.reliability {
        match &r.get_ref().tolerance {
            None => problems.at(
                r.span().start,
                "[reliability] is missing `tolerance`; add e.g. `tolerance = 1`",
            ),
            Some(t) => match u8::try_from(*t.get_ref()) {
                Ok(n) if !scale_ok || n <= scale.max - scale.min => tolerance = n,
                _ => problems.at(
                    t.span().start,
                    format!(
                        "reliability tolerance {} is out of range; use a whole number from 0 to {}",
                        t.get_ref(),
                        scale.max - scale.min
                    ),
                ),
            },
        }
    }

    // Segment kinds first: domains refer to them.
    let mut segment_kinds: Vec<SegmentKind> = Vec::new();
    let mut kind_lines: BTreeMap<String, usize> = BTreeMap::new();
    for raw_kind in &raw.segment_kind {
        let anchor = raw_kind.span().start;
        let k = raw_kind.get_ref();
        let place = "[[segment_kind]]";
        let key = required_key(&k.key, place, anchor, problems);
        let label = required_text(&k.label, "label", place, anchor, problems);
        let description = required_text(&k.description, "description", place, anchor, problems);
        if let Some((key, at)) = key {
            if let Some(first) = kind_lines.get(&key) {
                problems.at(
                    at,
                    format!(
                        "duplicate segment kind `{key}` (first defined on line {first}); give each kind its own key"
                    ),
                );
                continue;
            }
            kind_lines.insert(key.clone(), line_col(problems.text, at).0);
            segment_kinds.push(SegmentKind { key, label, description });
        }
    }

    // Domains.
    let mut domains: Vec<Domain> = Vec::new();
    let mut domain_lines: BTreeMap<String, usize> = BTreeMap::new();
    if raw.domain.is_empty() {
        problems.at(0, "the codebook has no domains; add at least one `[[domain]]` table");
    }
    for raw_domain in &raw.domain {
        let anchor = raw_domain.span().start;
        let d = raw_domain.get_ref();
        let key = required_key(&d.key, "[[domain]]", anchor, problems);
        let place = match &key {
            Some((k, _)) => format!("domain `{k}`"),
            None => "[[domain]]".to_string(),
        };
        let label = required_text(&d.label, "label", &place, anchor, problems);
        let description = required_text(&d.description, "description", &place, anchor, problems);
        let group = match &d.group {
            Some(g) if g.get_ref().trim().is_empty() => {
                problems.at(
                    g.span().start,
                    format!("`group` in {place} is empty; name the group or remove the line"),
                );
                String::new()
            }
            Some(g) => g.get_ref().trim().to_string(),
            None => String::new(),
        };
        let requires_segment = match &d.requires_segment {
            None => None,
            Some(r) => {
                let name = r.get_ref();
                if !kind_lines.contains_key(name) {
                    let known: Vec<&str> = kind_lines.keys().map(String::as_str).collect();
                    problems.at(
                        r.span().start,
                        format!(
                            "{place} requires segment kind `{}`, which is not defined; {}",
                            sanitize_for_terminal(name),
                            if known.is_empty() {
                                "add a `[[segment_kind]]` table with that key".to_string()
                            } else {
                                format!("known kinds: {}", known.join(", "))
                            }
                        ),
                    );
                }
                Some(name.clone())
            }
        };
        let levels = validate_levels(d, &place, anchor, scale, scale_ok, problems);
        if let Some((key, at)) = key {
            if let Some(first) = domain_lines.get(&key) {
                problems.at(
                    at,
                    format!(
                        "duplicate domain key `{key}` (first defined on line {first}); each domain needs its own key"
                    ),
                );
                continue;
            }
            domain_lines.insert(key.clone(), line_col(problems.text, at).0);
            domains.push(Domain { key, label, group, description, levels, requires_segment });
        }
    }

    // Composites.
    let mut composites: Vec<Composite> = Vec::new();
    let mut composite_lines: BTreeMap<String, usize> = BTreeMap::new();
    for raw_comp in &raw.composite {
        let anchor = raw_comp.span().start;
        let c = raw_comp.get_ref();
        let key = required_key(&c.key, "[[composite]]", anchor, problems);
        let place = match &key {
            Some((k, _)) => format!("composite `{k}`"),
            None => "[[composite]]".to_string(),
        };
        let label = required_text(&c.label, "label", &place, anchor, problems);
        let mut members: Vec<String> = Vec::new();
        match &c.domains {
            None => problems.at(
                anchor,
                format!("{place} is missing `domains`; list the domain keys it averages"),
            ),
            Some(list) if list.get_ref().is_empty() => problems.at(
                list.span().start,
                format!("{place} lists no domains; name at least one domain key"),
            ),
            Some(list) => {
                for member in list.get_ref() {
                    let name = member.get_ref();
                    if !domain_lines.contains_key(name) {
                        problems.at(
                            member.span().start,
                            format!(
                                "{place} names unknown domain `{}`; known domains: {}",
                                sanitize_for_terminal(name),
                                domain_lines.keys().cloned().collect::<Vec<_>>().join(", ")
                            ),
                        );
                    } else if members.contains(name) {
                        problems.at(
                            member.span().start,
                            format!("{place} names domain `{name}` twice; list it once"),
                        );
                    } else {
                        members.push(name.clone());
                    }
                }
            }
        }
        if let Some((key, at)) = key {
            if let Some(first) = composite_lines.get(&key) {
                problems.at(
                    at,
                    format!(
                        "duplicate composite `{key}` (first defined on line {first}); give each composite its own key"
                    ),
                );
                continue;
            }
            if domain_lines.contains_key(&key) {
                problems.at(
                    at,
                    format!(
                        "composite `{key}` has the same key as a domain; exports need distinct column names"
                    ),
                );
            }
            composite_lines.insert(key.clone(), line_col(problems.text, at).0);
            composites.push(Composite { key, label, domains: members });
        }
    }

    Codebook {
        id,
        version,
        title,
        sha256: String::new(),
        scale,
        tolerance,
        domains,
        segment_kinds,
        composites,
    }
}

/// One descriptor for every level of the scale, nothing outside it.
fn validate_levels(
    d: &RawDomain,
    place: &str,
    anchor: usize,
    scale: Scale,
    scale_ok: bool,
    problems: &mut Problems,
) -> Vec<String> {
    let Some(levels) = &d.levels else {
        problems.at(
            anchor,
            format!(
                "{place} has no level descriptors; add a `[domain.levels]` table with one line per level {}..{}",
                scale.min, scale.max
            ),
        );
        return Vec::new();
    };
    let mut by_level: BTreeMap<u8, String> = BTreeMap::new();
    for (k, v) in levels.get_ref() {
        let level = k.get_ref().trim().parse::<u8>().ok();
        match level {
            Some(n) if scale_ok && (n < scale.min || n > scale.max) => problems.at(
                k.span().start,
                format!(
                    "{place} has a descriptor for level {n}, outside the scale {}..{}; remove it or widen [scale]",
                    scale.min, scale.max
                ),
            ),
            Some(n) => {
                if v.get_ref().trim().is_empty() {
                    problems.at(
                        v.span().start,
                        format!("{place}: the descriptor for level {n} is empty; describe what a {n} sounds like"),
                    );
                }
                by_level.insert(n, v.get_ref().trim().to_string());
            }
            None => problems.at(
                k.span().start,
                format!(
                    "{place}: level `{}` is not a whole number; level keys are \"{}\"..\"{}\"",
                    sanitize_for_terminal(k.get_ref()),
                    scale.min,
                    scale.max
                ),
            ),
        }
    }
    if !scale_ok {
        return by_level.into_values().collect();
    }
    let missing: Vec<String> = (scale.min..=scale.max)
        .filter(|n| !by_level.contains_key(n))
        .map(|n| n.to_string())
        .collect();
    if !missing.is_empty() {
        problems.at(
            levels.span().start,
            format!(
                "{place} is missing the descriptor for level {}; every level {}..{} needs one",
                missing.join(", "),
                scale.min,
                scale.max
            ),
        );
    }
    (scale.min..=scale.max).map(|n| by_level.get(&n).cloned().unwrap_or_default()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HANDBOOK: &str = include_str!("../codebook/handbook.toml");

    fn problems(text: &str) -> Vec<Problem> {
        match parse(text, "cb.toml") {
            Ok(_) => Vec::new(),
            Err(CodebookError::Invalid(p)) => p,
            Err(e) => panic!("unexpected error {e}"),
        }
    }

    /// A minimal valid codebook, for editing in tests.
    const SMALL: &str = r#"schema = 1
id = "small"
version = "0.1"
title = "Small"
[scale]
min = 1
max = 3
[[segment_kind]]
key = "bc"
label = "BC"
description = "talk"
[[domain]]
key = "a"
label = "A"
description = "about a"
[domain.levels]
1 = "low"
2 = "mid"
3 = "high"
[[domain]]
key = "b"
label = "B"
description = "about b"
requires_segment = "bc"
[domain.levels]
1 = "low"
2 = "mid"
3 = "high"
[[composite]]
key = "ab"
label = "AB"
domains = ["a", "b"]
"#;

    #[test]
    fn bundled_handbook_is_valid_and_complete() {
        let cb = parse(HANDBOOK, "handbook.toml").expect("handbook parses");
        assert_eq!(cb.scale, Scale { min: 1, max: 5 });
        assert_eq!(cb.tolerance, 1);
        let keys: Vec<&str> = cb.domain_keys().collect();
        assert_eq!(
            keys,
            [
                "empathy",
                "collaboration",
                "autonomy",
                "evocation",
                "purposefulness",
                "clarity_about_concerns",
                "child_focus"
            ]
        );
        for d in &cb.domains {
            assert_eq!(d.levels.len(), 5, "{}", d.key);
            assert!(d.levels.iter().all(|l| l.len() > 40), "{} has a thin descriptor", d.key);
            assert!(!d.description.contains('\n'), "{} description keeps line breaks", d.key);
        }
        for k in ["empathy", "collaboration", "autonomy", "evocation"] {
            assert_eq!(cb.domain(k).map(|d| d.group.as_str()), Some("care-and-engagement"));
        }
        for k in ["purposefulness", "clarity_about_concerns", "child_focus"] {
            assert_eq!(cb.domain(k).map(|d| d.group.as_str()), Some("good-authority"));
        }
        assert_eq!(
            cb.domain("evocation").and_then(|d| d.requires_segment.as_deref()),
            Some("behaviour-change")
        );
        assert_eq!(cb.segment_kinds.len(), 1);
        assert_eq!(cb.segment_kinds[0].key, "behaviour-change");
        let comp = |k: &str| {
            cb.composites.iter().find(|c| c.key == k).map(|c| c.domains.clone()).unwrap_or_default()
        };
        assert_eq!(comp("care_and_engagement"), ["empathy", "collaboration", "autonomy"]);
        assert_eq!(
            comp("good_authority"),
            ["purposefulness", "clarity_about_concerns", "child_focus"]
        );
        assert_eq!(
            comp("overall_skill"),
            ["empathy", "collaboration", "purposefulness", "clarity_about_concerns", "child_focus"]
        );
        assert!(cb.descriptor("empathy", 1).is_some_and(|s| s.starts_with("The worker shows no")));
        assert!(cb.descriptor("empathy", 6).is_none());
        assert!(cb.descriptor("empathy", 0).is_none());
        assert_eq!(cb.sha256, "");
    }

    #[test]
    fn small_codebook_is_valid() {
        let cb = parse(SMALL, "cb.toml").expect("valid");
        assert_eq!(cb.scale, Scale { min: 1, max: 3 });
        assert_eq!(cb.descriptor("b", 3), Some("high"));
        assert_eq!(cb.tolerance, 1, "tolerance defaults to 1");
    }

    #[test]
    fn line_col_counts_lines_and_characters() {
        let text = "ab\nçd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 5), (2, 2), "ç is one column");
        assert_eq!(line_col(text, 4), (2, 1), "inside a char rounds down");
        assert_eq!(line_col(text, 999), (3, 3));
    }

    #[test]
    fn syntax_error_has_position() {
        let p = problems("schema = 1\nid = \"x\nversion = \"1\"\n");
        assert!(!p.is_empty());
        assert_eq!(p[0].line, 2, "{p:?}");
    }

    #[test]
    fn every_unknown_key_is_reported_and_validation_goes_on() {
        let text = SMALL
            .replace("title = \"Small\"", "title = \"Small\"\ncolour = \"red\"")
            .replace("label = \"B\"", "label = \"B\"\nlabell = \"x\"")
            .replace("min = 1", "min = 3");
        let p = problems(&text);
        assert_eq!(p.len(), 3, "{p:?}");
        assert_eq!((p[0].line, p[0].column), (5, 1));
        assert!(p[0].message.contains("unknown key `colour`"));
        assert!(p[1].message.contains("scale min (3) must be less than max (3)"), "{p:?}");
        assert!(p[2].message.contains("unknown key `labell` in [[domain]]"));
        assert!(p[2].message.contains("allowed keys are: key, label"));
    }

    #[test]
    fn missing_and_out_of_scale_levels() {
        let text = SMALL.replacen("2 = \"mid\"\n", "", 1).replacen(
            "3 = \"high\"",
            "3 = \"high\"\n4 = \"extra\"",
            1,
        );
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].message.contains("domain `a` is missing the descriptor for level 2"), "{p:?}");
        assert_eq!(p[0].line, 16, "points at the [domain.levels] header");
        assert!(p[1].message.contains("level 4, outside the scale 1..3"), "{p:?}");
        assert_eq!((p[1].line, p[1].column), (19, 1));
    }

    #[test]
    fn bad_level_keys_and_empty_descriptors() {
        let text = SMALL.replacen("1 = \"low\"", "one = \"low\"\n1 = \"  \"", 1);
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].message.contains("level `one` is not a whole number"));
        assert!(p[1].message.contains("descriptor for level 1 is empty"));
    }

    #[test]
    fn duplicate_domain_key_names_the_first_line() {
        let text = SMALL.replace("key = \"b\"", "key = \"a\"");
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[1].message.contains("unknown domain `b`"), "the composite is checked too");
        assert!(p[0].message.contains("duplicate domain key `a` (first defined on line 13)"));
        assert_eq!((p[0].line, p[0].column), (21, 7));
    }

    #[test]
    fn composite_with_unknown_domain_and_duplicates() {
        let text = SMALL.replace("domains = [\"a\", \"b\"]", "domains = [\"a\", \"zz\", \"a\"]");
        let p = problems(&text);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].message.contains("composite `ab` names unknown domain `zz`; known domains: a, b")
        );
        assert_eq!(p[0].column, 17);
        assert!(p[1].message.contains("names domain `a` twice"));
        let text =
            format!("{SMALL}[[composite]]\nkey = \"ab\"\nlabel = \"again\"\ndomains = [\"a\"]\n");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains("duplicate composite `ab`"));
    }

    #[test]
    fn unknown_requires_segment_lists_known_kinds() {
        let text = SMALL.replace("requires_segment = \"bc\"", "requires_segment = \"behaviour\"");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].message.contains(
                "requires segment kind `behaviour`, which is not defined; known kinds: bc"
            )
        );
        assert_eq!((p[0].line, p[0].column), (24, 20));
    }

    #[test]
    fn duplicate_segment_kind() {
        let text =
            format!("{SMALL}[[segment_kind]]\nkey = \"bc\"\nlabel = \"x\"\ndescription = \"y\"\n");
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains("duplicate segment kind `bc`"));
    }

    #[test]
    fn empty_fields_and_wrong_schema() {
        let text = SMALL
            .replace("schema = 1", "schema = 2")
            .replace("label = \"A\"", "label = \"\"")
            .replace("description = \"about b\"", "description = \" \"");
        let p = problems(&text);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].message.contains("unsupported schema 2"));
        assert!(p[1].message.contains("`label` in domain `a` is empty"));
        assert!(p[2].message.contains("`description` in domain `b` is empty"));
    }

    #[test]
    fn missing_pieces_are_all_reported() {
        let p = problems("[[domain]]\nlabel = \"x\"\n");
        let all = p.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("\n");
        for needle in [
            "missing `schema = 1`",
            "missing `id`",
            "missing `version`",
            "missing `title`",
            "missing its scale",
            "[[domain]] is missing `key`",
            "missing `description`",
            "has no level descriptors",
        ] {
            assert!(all.contains(needle), "{needle} not in\n{all}");
        }
    }

    #[test]
    fn wrong_types_are_reported_with_position() {
        let p = problems(&SMALL.replace("version = \"0.1\"", "version = 0.1"));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].line, 3);
        let p =
            problems(&SMALL.replace("[scale]\nmin = 1\nmax = 3", "[scale]\nmin = 1\nmax = 300"));
        assert!(p.iter().any(|p| p.message.contains("scale `max` is 300")), "{p:?}");
    }

    #[test]
    fn tolerance_must_fit_the_scale() {
        let p = problems(&format!("{SMALL}[reliability]\ntolerance = 5\n"));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].message.contains("tolerance 5 is out of range; use a whole number from 0 to 2")
        );
        let cb = parse(&format!("{SMALL}[reliability]\ntolerance = 0\n"), "x").expect("valid");
        assert_eq!(cb.tolerance, 0);
    }

    #[test]
    fn hostile_input_never_panics() {
        for text in [
            "",
            "\u{0}",
            "[[domain]]\n[domain.levels]\n255 = \"x\"\n",
            "scale = 3",
            "domain = 1",
            "[[domain]]\nlevels = 3",
        ] {
            assert!(parse(text, "x").is_err(), "{text:?}");
        }
    }

    #[test]
    fn load_records_sha256_and_reports_non_utf8() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("cb.toml");
        std::fs::write(&path, SMALL).expect("write");
        let cb = load(&path).expect("loads");
        assert_eq!(cb.sha256, hex::encode(Sha256::digest(SMALL.as_bytes())));
        assert_eq!(cb.sha256.len(), 64);
        std::fs::write(&path, b"schema = 1\nid = \"\xff\"\n").expect("write");
        match load(&path) {
            Err(CodebookError::Invalid(p)) => {
                assert_eq!((p[0].line, p[0].column), (2, 7));
                assert!(p[0].message.contains("UTF-8"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(load(&dir.path().join("none.toml")), Err(CodebookError::Read { .. })));
    }
}
