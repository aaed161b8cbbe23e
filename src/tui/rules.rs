//! The coding rules as the coder screens ask for them. The rules themselves live in
//! [`crate::coding`] (pure); this module only adds the one the UI enforces on top: a domain that
//! needs a segment kind (evocation) can be scored only once such a segment is tagged.
use crate::codebook::Codebook;
use crate::coding::{Coding, ScoreState, SubmitCheck};

pub use crate::coding::BEHAVIOUR_CHANGE;

/// Unscored, a level, or not applicable (see [`Coding::score_state`]).
pub fn score_state(coding: &Coding, book: &Codebook, domain: &str) -> ScoreState {
    coding.score_state(book, domain)
}

/// Whether `domain` can be given a score now: its required segment kind, if any, is tagged.
pub fn scorable(coding: &Coding, book: &Codebook, domain: &str) -> bool {
    match book.domain(domain).and_then(|d| d.requires_segment.as_deref()) {
        Some(kind) => coding.segments.iter().any(|s| s.kind == kind),
        None => book.domain(domain).is_some(),
    }
}

/// Share (0..=1) of the session covered by `kind` segments.
pub fn share(coding: &Coding, kind: &str, duration_s: f64) -> f64 {
    coding.share_of(kind, duration_s)
}

/// Share (0..=1) of the recording listened to.
pub fn listened_share(coding: &Coding, duration_s: f64) -> f64 {
    coding.listened_fraction(duration_s)
}

/// What blocks a submit and what it should warn about.
pub fn check_submit(coding: &Coding, book: &Codebook, duration_s: f64) -> SubmitCheck {
    coding.can_submit(book, duration_s)
}
