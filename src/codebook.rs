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
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::ids::{sanitize_for_terminal, validate_id};

/// The codebook schema this version reads.
pub const SCHEMA: u32 = 1;

/// The largest codebook file read (a real one is a few tens of KiB).
pub const MAX_CODEBOOK_BYTES: u64 = 4 << 20;

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
    /// Checklist items, classifications, counts and summaries (schema-2 instruments only).
    #[serde(default)]
    pub items: crate::instrument::Items,
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

    /// The segment kind the coder tags while listening (the `b` and `e` keys): the first kind a
    /// domain requires, in domain order, else the first kind listed. `None` when the codebook
    /// defines no segment kind; the TUI then says so when `b` or `e` is pressed.
    pub fn tagged_kind(&self) -> Option<&SegmentKind> {
        let kind = |key: &str| self.segment_kinds.iter().find(|k| k.key == key);
        self.domains
            .iter()
            .find_map(|d| d.requires_segment.as_deref().and_then(kind))
            .or_else(|| self.segment_kinds.first())
    }

    pub fn domain_keys(&self) -> impl Iterator<Item = &str> {
        self.domains.iter().map(|d| d.key.as_str())
    }

    /// The scale's levels, lowest first.
    pub fn levels(&self) -> std::ops::RangeInclusive<u8> {
        self.scale.min..=self.scale.max
    }

    pub fn segment_kind(&self, key: &str) -> Option<&SegmentKind> {
        self.segment_kinds.iter().find(|k| k.key == key)
    }

    pub fn composite(&self, key: &str) -> Option<&Composite> {
        self.composites.iter().find(|c| c.key == key)
    }

    /// The descriptor of `level` in `domain`, if both exist.
    pub fn descriptor(&self, domain: &str, level: u8) -> Option<&str> {
        let d = self.domain(domain)?;
        let i = level.checked_sub(self.scale.min)? as usize;
        d.levels.get(i).map(String::as_str)
    }
}

/// A small five-level codebook for unit tests: `domains` as (key, segment kind it requires),
/// every kind named there defined, labels the keys in capitals, empty descriptors.
#[cfg(test)]
pub(crate) fn test_book(domains: &[(&str, Option<&str>)]) -> Codebook {
    let mut kinds: Vec<SegmentKind> = Vec::new();
    for kind in domains.iter().filter_map(|(_, k)| *k) {
        if !kinds.iter().any(|x| x.key == kind) {
            kinds.push(SegmentKind {
                key: kind.into(),
                label: "BC".into(),
                description: String::new(),
            });
        }
    }
    Codebook {
        id: "b".into(),
        version: "1".into(),
        title: "t".into(),
        sha256: String::new(),
        scale: Scale { min: 1, max: 5 },
        tolerance: 1,
        domains: domains
            .iter()
            .map(|(k, needs)| Domain {
                key: k.to_string(),
                label: k.to_uppercase(),
                group: "g".into(),
                description: String::new(),
                levels: vec![String::new(); 5],
                requires_segment: needs.map(str::to_string),
            })
            .collect(),
        segment_kinds: kinds,
        composites: vec![],
        items: Default::default(),
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
    /// Fields present with a wrong type, as (offset of their table, key): already reported, so
    /// validation does not also call them missing.
    bad_fields: Vec<(usize, String)>,
}

impl<'a> Problems<'a> {
    fn new(text: &'a str, origin: &'a str) -> Self {
        Self { text, origin, list: Vec::new(), bad_fields: Vec::new() }
    }

    fn at(&mut self, offset: usize, message: impl Into<String>) {
        let (line, column) = line_col(self.text, offset);
        self.list.push((
            offset,
            Problem { origin: self.origin.to_string(), line, column, message: message.into() },
        ));
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Reports a required field as missing unless it was present with a wrong type.
    fn missing(&mut self, anchor: usize, key: &str, message: String) {
        if !self.bad_fields.iter().any(|(a, k)| *a == anchor && k == key) {
            self.at(anchor, message);
        }
    }

    fn into_vec(self) -> Vec<Problem> {
        let mut list = self.list;
        list.sort_by_key(|(offset, _)| *offset);
        list.into_iter().map(|(_, p)| p).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Raw file shape: what is read before validation. Each field is read on its own from the parsed
// document (with its span), so a wrong type in one place does not hide the problems elsewhere, and
// everything a user may forget is optional so that validation reports every missing piece.

type Sp<T> = Spanned<T>;
type Levels = Sp<BTreeMap<Sp<String>, Sp<String>>>;

struct RawCodebook {
    schema: Option<Sp<i64>>,
    id: Option<Sp<String>>,
    version: Option<Sp<String>>,
    title: Option<Sp<String>>,
    scale: Option<Sp<RawScale>>,
    reliability: Option<Sp<RawReliability>>,
    domain: Vec<Sp<RawDomain>>,
    segment_kind: Vec<Sp<RawSegmentKind>>,
    composite: Vec<Sp<RawComposite>>,
}

struct RawScale {
    min: Option<Sp<i64>>,
    max: Option<Sp<i64>>,
}

struct RawReliability {
    tolerance: Option<Sp<i64>>,
}

struct RawDomain {
    key: Option<Sp<String>>,
    label: Option<Sp<String>>,
    group: Option<Sp<String>>,
    description: Option<Sp<String>>,
    requires_segment: Option<Sp<String>>,
    levels: Option<Levels>,
}

struct RawSegmentKind {
    key: Option<Sp<String>>,
    label: Option<Sp<String>>,
    description: Option<Sp<String>>,
}

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

/// One table of the document being read: fields are taken out one by one; whatever is left at the
/// end is an unknown key.
struct Reader<'i, 'p, 'a> {
    table: DeTable<'i>,
    /// Where the table starts: validation anchors "missing" problems there.
    anchor: usize,
    place: String,
    problems: &'p mut Problems<'a>,
}

impl<'i, 'p, 'a> Reader<'i, 'p, 'a> {
    fn new(
        table: Sp<DeTable<'i>>,
        place: impl Into<String>,
        problems: &'p mut Problems<'a>,
    ) -> Self {
        let anchor = table.span().start;
        Self { table: table.into_inner(), anchor, place: place.into(), problems }
    }

    fn bad(&mut self, key: &str, offset: usize, message: String) {
        self.problems.bad_fields.push((self.anchor, key.to_string()));
        self.problems.at(offset, message);
    }

    /// Reads `key` as a `T` (string, integer, list…), reporting a wrong type at the value.
    fn take<T: Deserialize<'i>>(&mut self, key: &str) -> Option<Sp<T>> {
        let value = self.table.remove(key)?;
        match Sp::<T>::deserialize(ValueDeserializer::from(value)) {
            Ok(v) => Some(v),
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                let message = e.message().trim().replace('\n', " ");
                let place = self.place.clone();
                self.bad(key, offset, format!("`{key}` in {place}: {message}"));
                None
            }
        }
    }

    /// Reads `key` as a table (`[key]` or an inline table).
    fn take_table(&mut self, key: &str) -> Option<Sp<DeTable<'i>>> {
        let value = self.table.remove(key)?;
        let span = value.span();
        match value.into_inner() {
            DeValue::Table(t) => Some(Sp::new(span, t)),
            other => {
                let message = format!(
                    "`{key}` in {} must be a table (`[{key}]`), not {}",
                    self.place,
                    with_article(other.type_str())
                );
                self.bad(key, span.start, message);
                None
            }
        }
    }

    /// Reads `key` as an array of tables (`[[key]]`), each with its span.
    fn take_tables(&mut self, key: &str) -> Vec<Sp<DeTable<'i>>> {
        let Some(value) = self.table.remove(key) else { return Vec::new() };
        let span = value.span();
        let DeValue::Array(items) = value.into_inner() else {
            let message =
                format!("`{key}` must be a list of tables: start each one with a `[[{key}]]` line");
            self.bad(key, span.start, message);
            return Vec::new();
        };
        let mut tables = Vec::new();
        for item in items.iter() {
            let span = item.span();
            match item.get_ref() {
                DeValue::Table(t) => tables.push(Sp::new(span, t.clone())),
                other => self.problems.at(
                    span.start,
                    format!(
                        "each `{key}` entry must be a table, not {}",
                        with_article(other.type_str())
                    ),
                ),
            }
        }
        tables
    }

    /// Reports every key not taken, with the keys that are allowed here.
    fn finish(self, allowed: &[&str]) {
        for (key, _) in self.table.iter() {
            self.problems.at(
                key.span().start,
                format!(
                    "unknown key `{}` in {}; allowed keys are: {}. Check the spelling or remove it",
                    sanitize_for_terminal(key.get_ref()),
                    self.place,
                    allowed.join(", ")
                ),
            );
        }
    }
}

fn read_document<'i>(doc: Sp<DeTable<'i>>, problems: &mut Problems<'_>) -> RawCodebook {
    let mut r = Reader::new(doc, "the codebook's top level", problems);
    r.anchor = 0; // validation anchors top-level problems at the start of the file
    let schema = r.take("schema");
    let id = r.take("id");
    let version = r.take("version");
    let title = r.take("title");
    let scale = r.take_table("scale");
    let reliability = r.take_table("reliability");
    let domains = r.take_tables("domain");
    let kinds = r.take_tables("segment_kind");
    let composites = r.take_tables("composite");
    r.finish(TOP_KEYS);

    let scale = scale.map(|t| {
        let span = t.span();
        let mut r = Reader::new(t, "[scale]", problems);
        let raw = RawScale { min: r.take("min"), max: r.take("max") };
        r.finish(SCALE_KEYS);
        Sp::new(span, raw)
    });
    let reliability = reliability.map(|t| {
        let span = t.span();
        let mut r = Reader::new(t, "[reliability]", problems);
        let raw = RawReliability { tolerance: r.take("tolerance") };
        r.finish(RELIABILITY_KEYS);
        Sp::new(span, raw)
    });
    let domain = domains
        .into_iter()
        .map(|t| {
            let span = t.span();
            let mut r = Reader::new(t, "[[domain]]", problems);
            let key: Option<Sp<String>> = r.take("key");
            if let Some(k) = &key {
                r.place = format!("domain `{}`", sanitize_for_terminal(k.get_ref()));
            }
            let label = r.take("label");
            let group = r.take("group");
            let description = r.take("description");
            let requires_segment = r.take("requires_segment");
            let levels =
                r.take_table("levels").map(|levels| read_levels(levels, &r.place, r.problems));
            r.finish(DOMAIN_KEYS);
            Sp::new(span, RawDomain { key, label, group, description, requires_segment, levels })
        })
        .collect();
    let segment_kind = kinds
        .into_iter()
        .map(|t| {
            let span = t.span();
            let mut r = Reader::new(t, "[[segment_kind]]", problems);
            let raw = RawSegmentKind {
                key: r.take("key"),
                label: r.take("label"),
                description: r.take("description"),
            };
            r.finish(SEGMENT_KIND_KEYS);
            Sp::new(span, raw)
        })
        .collect();
    let composite = composites
        .into_iter()
        .map(|t| {
            let span = t.span();
            let mut r = Reader::new(t, "[[composite]]", problems);
            let raw = RawComposite {
                key: r.take("key"),
                label: r.take("label"),
                domains: r.take("domains"),
            };
            r.finish(COMPOSITE_KEYS);
            Sp::new(span, raw)
        })
        .collect();
    RawCodebook { schema, id, version, title, scale, reliability, domain, segment_kind, composite }
}

/// "an integer", "a string": for messages about TOML value types.
fn with_article(type_name: &str) -> String {
    let article = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {type_name}")
}

/// The `[domain.levels]` table: every value must be text; keys are checked in validation.
fn read_levels(levels: Sp<DeTable<'_>>, place: &str, problems: &mut Problems<'_>) -> Levels {
    let span = levels.span();
    let mut out = BTreeMap::new();
    for (k, v) in levels.into_inner() {
        let key = Sp::new(k.span(), k.get_ref().to_string());
        match v.get_ref().as_str() {
            Some(text) => {
                out.insert(key, Sp::new(v.span(), text.to_string()));
            }
            None => {
                problems.bad_fields.push((span.start, key.get_ref().clone()));
                problems.at(
                    v.span().start,
                    format!(
                        "{place}: the descriptor for level `{}` must be text in quotes, not {}",
                        sanitize_for_terminal(key.get_ref()),
                        with_article(v.get_ref().type_str())
                    ),
                );
            }
        }
    }
    Sp::new(span, out)
}

/// Parses and validates codebook text; `origin` names the file in messages.
///
/// Every problem is reported, in file order, each with a 1-based line and column (TOML syntax
/// errors stop the rest, since nothing after them can be read reliably). `sha256` is left empty:
/// [`load`] sets it.
pub fn parse(text: &str, origin: &str) -> Result<Codebook, CodebookError> {
    if crate::instrument::declares_schema_2(text) {
        return crate::instrument::parse(text, origin)?.into_codebook(text, origin);
    }
    let mut problems = Problems::new(text, origin);
    let (doc, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in &errors {
            let offset = e.span().map_or(0, |s| s.start);
            let message = e.message().trim().replace('\n', " ");
            let message = crate::toml_hint::with_hint(&message, text, offset);
            problems.at(offset, format!("TOML syntax error: {message}"));
        }
        return Err(CodebookError::Invalid(problems.into_vec()));
    }
    let raw = read_document(doc, &mut problems);
    let codebook = validate(raw, &mut problems);
    if problems.is_empty() {
        Ok(codebook)
    } else {
        Err(CodebookError::Invalid(problems.into_vec()))
    }
}

/// Reads, parses and validates a codebook file and records the sha256 of its bytes.
pub fn load(path: &Path) -> Result<Codebook, CodebookError> {
    use std::io::Read;
    let origin = path.display().to_string();
    let read_error = |source| CodebookError::Read { path: origin.clone(), source };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_CODEBOOK_BYTES + 1).read_to_end(&mut bytes).map_err(read_error)?;
    if bytes.len() as u64 > MAX_CODEBOOK_BYTES {
        return Err(CodebookError::Invalid(vec![Problem {
            origin,
            line: 1,
            column: 1,
            message: format!(
                "the file is larger than {} MiB; a codebook is a small text file, check the path",
                MAX_CODEBOOK_BYTES >> 20
            ),
        }]));
    }
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
            problems.missing(
                anchor,
                name,
                format!("{place} is missing `{name}`; add `{name} = \"…\"`"),
            );
            String::new()
        }
        Some(s) if s.get_ref().trim().is_empty() => {
            problems.at(s.span().start, format!("`{name}` in {place} is empty; write it out"));
            String::new()
        }
        Some(s) => {
            check_printable(s, &format!("`{name}` in {place}"), problems);
            s.get_ref().trim().to_string()
        }
    }
}

/// Codebook text is drawn on coders' terminals: control characters (other than line breaks and
/// tabs) and escape sequences are refused.
fn check_printable(text: &Sp<String>, what: &str, problems: &mut Problems) {
    if let Some(c) =
        text.get_ref().chars().find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        problems.at(
            text.span().start,
            format!(
                "{what} contains a control character (U+{:04X}); remove it, codebook text must be printable",
                c as u32
            ),
        );
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
        problems.missing(anchor, "key", format!("{place} is missing `key`; add `key = \"…\"`"));
        return None;
    };
    let value = s.get_ref();
    if let Err(e) = validate_id("key", value) {
        problems.at(s.span().start, format!("{e} (in {place})"));
        return None;
    }
    Some((value.clone(), s.span().start))
}

/// Checks the parsed codebook in named phases, each reporting its problems with the line they are
/// on; returns what could be read (the caller refuses it when there are problems).
fn validate(raw: RawCodebook, problems: &mut Problems) -> Codebook {
    let (id, version, title) = validate_header(&raw, problems);
    let (scale, scale_ok) = validate_scale(&raw, problems);
    let tolerance = validate_tolerance(&raw, (scale, scale_ok), problems);
    let (segment_kinds, kind_lines) = validate_segment_kinds(&raw, problems);
    let (domains, domain_lines) = validate_domains(&raw, (scale, scale_ok), &kind_lines, problems);
    let composites = validate_composites(&raw, &domain_lines, problems);
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
        items: Default::default(),
    }
}

/// `schema`, `id`, `version` and `title`.
fn validate_header(raw: &RawCodebook, problems: &mut Problems) -> (String, String, String) {
    match &raw.schema {
        None => problems.missing(
            0,
            "schema",
            format!("missing `schema = {SCHEMA}` at the top of the codebook"),
        ),
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
            problems.missing(
                0,
                "id",
                "the codebook is missing `id`; add e.g. `id = \"my-handbook\"`".into(),
            );
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

    (id, version, title)
}

/// `[scale]`: whole numbers, min below max. Returns the scale (1–5 when it is unusable) and
/// whether it was valid.
fn validate_scale(raw: &RawCodebook, problems: &mut Problems) -> (Scale, bool) {
    let mut scale = Scale { min: 1, max: 5 };
    let mut scale_ok = false;
    match &raw.scale {
        None => problems.missing(
            0,
            "scale",
            "the codebook is missing its scale; add `[scale]` with `min = 1` and `max = 5`".into(),
        ),
        Some(s) => {
            let anchor = s.span().start;
            let bound = |field: &Option<Sp<i64>>, name: &str, problems: &mut Problems| match field {
                None => {
                    problems.missing(
                        anchor,
                        name,
                        format!("[scale] is missing `{name}`; add `{name} = …`"),
                    );
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

    (scale, scale_ok)
}

/// `[reliability] tolerance`: within the scale's range (1 when absent).
fn validate_tolerance(raw: &RawCodebook, scale: (Scale, bool), problems: &mut Problems) -> u8 {
    let (scale, scale_ok) = scale;
    let mut tolerance = 1u8;
    if let Some(r) = &raw.reliability {
        match &r.get_ref().tolerance {
            None => problems.missing(
                r.span().start,
                "tolerance",
                "[reliability] is missing `tolerance`; add e.g. `tolerance = 1`".into(),
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

    tolerance
}

/// Every `[[segment_kind]]` (validated first: domains refer to them); returns them with the line
/// each key was defined on.
fn validate_segment_kinds(
    raw: &RawCodebook,
    problems: &mut Problems,
) -> (Vec<SegmentKind>, BTreeMap<String, usize>) {
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

    (segment_kinds, kind_lines)
}

/// Every `[[domain]]` (at least one); returns them with the line each key was defined on.
fn validate_domains(
    raw: &RawCodebook,
    scale: (Scale, bool),
    kinds: &BTreeMap<String, usize>,
    problems: &mut Problems,
) -> (Vec<Domain>, BTreeMap<String, usize>) {
    let mut domains: Vec<Domain> = Vec::new();
    let mut domain_lines: BTreeMap<String, usize> = BTreeMap::new();
    if raw.domain.is_empty() {
        problems.missing(
            0,
            "domain",
            "the codebook has no domains; add at least one `[[domain]]` table".into(),
        );
    }
    for raw_domain in &raw.domain {
        validate_domain(raw_domain, scale, kinds, &mut domains, &mut domain_lines, problems);
    }
    (domains, domain_lines)
}

/// One `[[domain]]`, added to `domains` unless its key is missing or taken.
fn validate_domain(
    raw_domain: &Sp<RawDomain>,
    scale: (Scale, bool),
    kinds: &BTreeMap<String, usize>,
    domains: &mut Vec<Domain>,
    domain_lines: &mut BTreeMap<String, usize>,
    problems: &mut Problems,
) {
    let (scale, scale_ok) = scale;
    let anchor = raw_domain.span().start;
    let d = raw_domain.get_ref();
    let key = required_key(&d.key, "[[domain]]", anchor, problems);
    let place = match &key {
        Some((k, _)) => format!("domain `{k}`"),
        None => "[[domain]]".to_string(),
    };
    let label = required_text(&d.label, "label", &place, anchor, problems);
    let description = required_text(&d.description, "description", &place, anchor, problems);
    let group = domain_group(d, &place, problems);
    let requires_segment = required_kind(d, &place, kinds, problems);
    let levels = validate_levels(d, &place, anchor, scale, scale_ok, problems);
    if let Some((key, at)) = key {
        if let Some(first) = domain_lines.get(&key) {
            problems.at(
                at,
                format!(
                    "duplicate domain key `{key}` (first defined on line {first}); each domain needs its own key"
                ),
            );
            return;
        }
        domain_lines.insert(key.clone(), line_col(problems.text, at).0);
        domains.push(Domain { key, label, group, description, levels, requires_segment });
    }
}

/// A domain's optional `group`: trimmed, printable, not blank.
fn domain_group(d: &RawDomain, place: &str, problems: &mut Problems) -> String {
    match &d.group {
        Some(g) if g.get_ref().trim().is_empty() => {
            problems.at(
                g.span().start,
                format!("`group` in {place} is empty; name the group or remove the line"),
            );
            String::new()
        }
        Some(g) => {
            check_printable(g, &format!("`group` in {place}"), problems);
            g.get_ref().trim().to_string()
        }
        None => String::new(),
    }
}

/// A domain's optional `requires_segment`: a segment kind defined above.
fn required_kind(
    d: &RawDomain,
    place: &str,
    kinds: &BTreeMap<String, usize>,
    problems: &mut Problems,
) -> Option<String> {
    match &d.requires_segment {
        None => None,
        Some(r) => {
            let name = r.get_ref();
            if !kinds.contains_key(name) {
                let known: Vec<&str> = kinds.keys().map(String::as_str).collect();
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
    }
}

/// Every `[[composite]]`: a key of its own (not a domain's) over known domains.
fn validate_composites(
    raw: &RawCodebook,
    domain_lines: &BTreeMap<String, usize>,
    problems: &mut Problems,
) -> Vec<Composite> {
    let mut composites: Vec<Composite> = Vec::new();
    let mut composite_lines: BTreeMap<String, usize> = BTreeMap::new();
    for raw_comp in &raw.composite {
        validate_composite(raw_comp, domain_lines, &mut composites, &mut composite_lines, problems);
    }
    composites
}

/// One `[[composite]]`, added to `composites` unless its key is missing or taken.
fn validate_composite(
    raw_comp: &Sp<RawComposite>,
    domain_lines: &BTreeMap<String, usize>,
    composites: &mut Vec<Composite>,
    composite_lines: &mut BTreeMap<String, usize>,
    problems: &mut Problems,
) {
    let anchor = raw_comp.span().start;
    let c = raw_comp.get_ref();
    let key = required_key(&c.key, "[[composite]]", anchor, problems);
    let place = match &key {
        Some((k, _)) => format!("composite `{k}`"),
        None => "[[composite]]".to_string(),
    };
    let label = required_text(&c.label, "label", &place, anchor, problems);
    let members = composite_members(c, &place, anchor, domain_lines, problems);
    if let Some((key, at)) = key {
        if let Some(first) = composite_lines.get(&key) {
            problems.at(
                at,
                format!(
                    "duplicate composite `{key}` (first defined on line {first}); give each composite its own key"
                ),
            );
            return;
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

/// A composite's `domains`: known domain keys, each once.
fn composite_members(
    c: &RawComposite,
    place: &str,
    anchor: usize,
    domain_lines: &BTreeMap<String, usize>,
    problems: &mut Problems,
) -> Vec<String> {
    let mut members: Vec<String> = Vec::new();
    match &c.domains {
        None => problems.missing(
            anchor,
            "domains",
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
    members
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
        problems.missing(
            anchor,
            "levels",
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
                check_printable(v, &format!("{place}: the descriptor for level {n}"), problems);
                if by_level.insert(n, v.get_ref().trim().to_string()).is_some() {
                    problems.at(
                        k.span().start,
                        format!("{place}: level {n} is given twice; keep one descriptor"),
                    );
                }
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
    let levels_at = levels.span().start;
    let reported = |n: u8| {
        problems.bad_fields.iter().any(|(a, k)| *a == levels_at && k.trim().parse::<u8>() == Ok(n))
    };
    let missing: Vec<String> = (scale.min..=scale.max)
        .filter(|n| !by_level.contains_key(n) && !reported(*n))
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
        assert_eq!(cb.levels().collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert!(cb.segment_kind("behaviour-change").is_some_and(|k| !k.description.is_empty()));
        assert!(cb.segment_kind("other").is_none());
        assert_eq!(
            cb.composite("good_authority").map(|c| c.label.as_str()),
            Some("Good authority")
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
        assert!(p[2].message.contains("unknown key `labell` in domain `b`"));
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
            .replace("schema = 1", "schema = 3")
            .replace("label = \"A\"", "label = \"\"")
            .replace("description = \"about b\"", "description = \" \"");
        let p = problems(&text);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].message.contains("unsupported schema 3"));
        assert!(p[1].message.contains("`label` in domain `a` is empty"));
        assert!(p[2].message.contains("`description` in domain `b` is empty"));
        // Schema 2 is an instrument: its tables are `[[scale]]`, `[[checklist]]`…, not `[[domain]]`.
        let two = problems(&SMALL.replace("schema = 1", "schema = 2"));
        assert!(two[0].message.contains("expected one of `schema`, `id`"), "{two:?}");
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
    fn control_characters_in_text_are_refused() {
        let text = SMALL
            .replace("label = \"A\"", "label = \"A\\u001b[2J\"")
            .replace("3 = \"high\"", "3 = \"hi\\u0007gh\"");
        let p = problems(&text);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(
            p[0].message.contains("`label` in domain `a` contains a control character (U+001B)")
        );
        assert!(
            p[1].message.contains("descriptor for level 3 contains a control character (U+0007)")
        );
        let multi_line =
            SMALL.replace("description = \"about a\"", "description = \"\"\"\nabout\n\ta\"\"\"");
        assert!(parse(&multi_line, "x").is_ok(), "line breaks and tabs are fine");
    }

    #[test]
    fn wrong_types_are_reported_with_position() {
        let p = problems(&SMALL.replace("version = \"0.1\"", "version = 0.1"));
        assert_eq!(p.len(), 1, "a wrong type is not also reported as missing: {p:?}");
        assert_eq!((p[0].line, p[0].column), (3, 11));
        assert!(p[0].message.contains("`version` in the codebook's top level: invalid type"));

        // Every wrong type is found, each at its value, and the rest is still validated.
        let text = SMALL
            .replace("version = \"0.1\"", "version = 0.1")
            .replace("label = \"A\"", "label = 3")
            .replacen("2 = \"mid\"", "2 = 2", 1)
            .replace("domains = [\"a\", \"b\"]", "domains = [\"a\", \"c\"]");
        let p = problems(&text);
        let found: Vec<(usize, &str)> = p.iter().map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(p.len(), 4, "{found:?}");
        assert!(p[1].message.starts_with("`label` in domain `a`: invalid type: integer `3`"));
        assert_eq!((p[1].line, p[1].column), (14, 9));
        assert!(p[2].message.contains("descriptor for level `2` must be text"));
        assert!(p[3].message.contains("unknown domain `c`"));

        for (text, needle) in [
            ("schema = 1\ndomain = 1\n", "`domain` must be a list of tables"),
            ("schema = 1\nscale = 3\n", "`scale` in the codebook's top level must be a table"),
            ("schema = 1\ndomain = [1]\n", "each `domain` entry must be a table"),
        ] {
            let p = problems(text);
            assert!(p.iter().any(|p| p.message.contains(needle)), "{needle}: {p:?}");
            assert!(!p.iter().any(|p| p.message.contains("no domains") && needle.contains("list")));
        }
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
        assert!(matches!(load(dir.path()), Err(CodebookError::Read { .. })), "a folder");
        let huge = vec![b'#'; (MAX_CODEBOOK_BYTES + 1) as usize];
        std::fs::write(&path, huge).expect("write");
        match load(&path) {
            Err(CodebookError::Invalid(p)) => assert!(p[0].message.contains("larger than 4 MiB")),
            other => panic!("{other:?}"),
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]

            /// Damaged codebooks never panic, and every problem points inside the file.
            #[test]
            fn damaged_codebooks_are_reported_not_panicked(
                cut in 0usize..2000,
                len in 0usize..40,
                insert in "\\PC{0,8}",
            ) {
                let mut text = SMALL.to_string();
                let at = (cut % (text.len() + 1)).min(text.len());
                let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
                let end = (at + len).min(text.len());
                let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
                text.replace_range(at..end, &insert);
                let lines = text.lines().count().max(1) + 1;
                match parse(&text, "x.toml") {
                    Ok(cb) => prop_assert!(!cb.domains.is_empty()),
                    Err(CodebookError::Invalid(problems)) => {
                        prop_assert!(!problems.is_empty());
                        for p in problems {
                            prop_assert!(p.line >= 1 && p.line <= lines, "{:?}", p);
                            prop_assert!(p.column >= 1);
                            prop_assert!(!p.message.is_empty());
                        }
                    }
                    Err(e) => prop_assert!(false, "unexpected {e}"),
                }
            }
        }
    }
}
