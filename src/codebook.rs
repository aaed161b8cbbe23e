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
use serde::{Deserialize, Serialize};

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

/// Parses and validates codebook text; `origin` names the file in messages.
pub fn parse(text: &str, origin: &str) -> Result<Codebook, CodebookError> {
    let _ = (text, origin);
    Err(CodebookError::Invalid(vec![Problem {
        origin: origin.to_string(),
        line: 1,
        column: 1,
        message: "codebook parsing is not built yet".into(),
    }]))
}

/// Reads, parses and validates a codebook file (and records its sha256).
pub fn load(path: &std::path::Path) -> Result<Codebook, CodebookError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| CodebookError::Read { path: path.display().to_string(), source })?;
    parse(&text, &path.display().to_string())
}
