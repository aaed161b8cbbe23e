//! The ratings a report is computed from, gathered from the study's parts or from a CSV of ratings
//! made elsewhere. Pure: the caller reads the files.
//!
//! Only **submitted** codings of **double-coded** recordings by their primary and secondary coders
//! count (additional coders, e.g. in training, never do; see `Assignment::study_coders`);
//! adjudications are never an input here, so the report always shows the original blind scores.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::codebook::Codebook;
use crate::coding::{Coding, Status, Window};
use crate::study::model::AssignmentsFile;

use super::model::MeasureKind;

/// Agreement criterion for the behaviour-change share, in percentage points of the session.
pub const BC_TOLERANCE_PP: f64 = 5.0;

/// The segment kind whose share and bins are reported when the codebook names none.
pub const BC_KIND: &str = crate::coding::BEHAVIOUR_CHANGE;

/// Longest recording (in seconds) binned for time-unit agreement: a hostile duration must not
/// allocate without bound.
const MAX_BINNED_S: f64 = 24.0 * 3600.0;

/// Everything the report is computed from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ratings {
    pub source: String,
    pub tolerance: f64,
    pub scale: (i64, i64),
    pub double_coded: usize,
    pub measures: Vec<MeasureRatings>,
    /// Behaviour-change presence per 1-second bin, primary and secondary slot, per recording.
    pub bins: Option<Vec<RecordingBins>>,
    pub notes: Vec<String>,
    /// A study instrument's items beside its scales (none for a schema-1 codebook or a CSV).
    pub items: Option<super::items::ItemsReport>,
}

/// One recording's behaviour-change presence per 1-second bin, counted: the 2 × 2 table of its bins
/// by (primary in a segment, secondary in a segment), indexed `primary * 2 + secondary`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingBins {
    pub recording: String,
    /// Bins in the recording (one per started second, up to 24 h).
    pub bins: u64,
    pub table: [u64; 4],
}

/// Slot-ordered (coder, value) ratings.
pub type SlotRatings = Vec<(String, Option<f64>)>;

/// One measure's ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureRatings {
    pub key: String,
    pub label: String,
    pub kind: MeasureKind,
    /// Category scale for kappa; `None` for continuous measures.
    pub categories: Option<(i64, i64)>,
    pub tolerance: f64,
    pub recordings: Vec<RecordingRatings>,
}

/// One recording's ratings of one measure, in coder-slot order (primary first).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordingRatings {
    pub recording: String,
    /// (coder id, value); `None` = missing (unscored, not applicable, or empty in the CSV).
    pub ratings: Vec<(String, Option<f64>)>,
}

/// The pure inputs of a study report.
pub struct StudyParts<'a> {
    pub name: &'a str,
    pub codebook: &'a Codebook,
    pub assignments: &'a AssignmentsFile,
    /// recording id → duration in seconds.
    pub durations: &'a BTreeMap<String, f64>,
    /// recording id → its sampled window (`[sampling]`): the behaviour-change share and bins are
    /// taken within it.
    pub windows: &'a BTreeMap<String, Window>,
    /// Codings of any status; only submitted codings by assigned coders are used.
    pub codings: &'a [Coding],
    pub tolerance: u8,
}

/// A domain's value in a coding: its level, or `None` when unscored or not applicable (the
/// coding's own rule, [`Coding::score_state`]).
pub fn domain_value(codebook: &Codebook, coding: &Coding, domain: &str) -> Option<f64> {
    coding.score_state(codebook, domain).level().map(f64::from)
}

/// The segment kind reported as behaviour-change: the one a domain requires, else `behaviour-change`.
pub fn bc_kind(codebook: &Codebook) -> String {
    codebook
        .domains
        .iter()
        .find_map(|d| d.requires_segment.clone())
        .unwrap_or_else(|| BC_KIND.to_string())
}

/// Merged intervals of `kind`, clipped to `[0, duration]`.
fn intervals(coding: &Coding, kind: &str, duration: f64) -> Vec<(f64, f64)> {
    let mut v: Vec<(f64, f64)> = coding
        .segments
        .iter()
        .filter(|s| s.kind == kind && s.start_s.is_finite() && s.end_s.is_finite())
        .map(|s| (s.start_s.min(s.end_s).max(0.0), s.end_s.max(s.start_s).min(duration)))
        .filter(|(a, b)| b > a)
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (a, b) in v {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Percent of the session inside segments of `kind` (0–100), or `None` without a duration.
/// [`bc_percent`] within `window` when there is one (`None` for an empty window).
pub fn bc_percent_in(
    coding: &Coding,
    kind: &str,
    duration: f64,
    window: Option<&Window>,
) -> Option<f64> {
    match window {
        Some(w) if w.len_s() > 0.0 => Some(100.0 * coding.share_of_in(kind, w)),
        Some(_) => None,
        None => bc_percent(coding, kind, duration),
    }
}

/// `coding` with its segments moved so that `window` starts at 0 (for the bins of a window).
fn shifted(coding: &Coding, window: &Window) -> Coding {
    let mut c = coding.clone();
    for s in &mut c.segments {
        s.start_s -= window.start_s;
        s.end_s -= window.start_s;
    }
    c
}

pub fn bc_percent(coding: &Coding, kind: &str, duration: f64) -> Option<f64> {
    if !(duration.is_finite() && duration > 0.0) {
        return None;
    }
    Some(100.0 * coding.share_of(kind, duration))
}

/// The bins in a recording of `duration` seconds (capped at [`MAX_BINNED_S`]).
fn bin_count(duration: f64) -> usize {
    duration.min(MAX_BINNED_S).ceil().max(0.0) as usize
}

/// The bins in which `kind` is present, as sorted disjoint index ranges `[first, end)`: bin `i`
/// is present when its midpoint lies in a segment (`a <= i + 0.5 < b`).
fn bin_ranges(coding: &Coding, kind: &str, duration: f64) -> Vec<(usize, usize)> {
    let count = bin_count(duration);
    intervals(coding, kind, duration)
        .into_iter()
        .map(|(a, b)| {
            let first = (a - 0.5).ceil().max(0.0) as usize;
            let end = ((b - 0.5).ceil().max(0.0) as usize).min(count);
            (first.min(end), end)
        })
        .filter(|(a, b)| b > a)
        .collect()
}

/// The 2 × 2 table of one recording's bins by (in `a`'s segments, in `b`'s), counted from the
/// ranges rather than bin by bin (a study of 5,000 hour-long recordings has 20 million bins).
fn bin_table(a: &Coding, b: &Coding, kind: &str, duration: f64) -> RecordingBins {
    let count = bin_count(duration) as u64;
    let (ra, rb) = (bin_ranges(a, kind, duration), bin_ranges(b, kind, duration));
    let len = |r: &[(usize, usize)]| r.iter().map(|(x, y)| (y - x) as u64).sum::<u64>();
    let (p, q) = (len(&ra), len(&rb));
    // Bins in both: the overlaps of the two sorted lists of disjoint ranges.
    let (mut both, mut i, mut j) = (0u64, 0, 0);
    while let (Some(&(a0, a1)), Some(&(b0, b1))) = (ra.get(i), rb.get(j)) {
        both += a1.min(b1).saturating_sub(a0.max(b0)) as u64;
        if a1 <= b1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    RecordingBins {
        recording: String::new(),
        bins: count,
        table: [count + both - p - q, q - both, p - both, both],
    }
}

/// The 2 × 2 tables of each analysed recording's one-second bins (a recording with a window: the
/// window's seconds).
fn recording_bins(
    p: &StudyParts<'_>,
    analysed: &[(&str, Vec<&Coding>)],
    kind: &str,
) -> Vec<RecordingBins> {
    let duration = |rec: &str| p.durations.get(rec).copied().unwrap_or(f64::NAN);
    let span = |rec: &str| p.windows.get(rec).map_or(duration(rec), Window::len_s);
    analysed
        .iter()
        .filter(|(rec, _)| span(rec).is_finite() && span(rec) > 0.0)
        .filter_map(|(rec, codings)| {
            let (a, b) = (codings.first()?, codings.get(1)?);
            let table = match p.windows.get(*rec) {
                Some(w) => bin_table(&shifted(a, w), &shifted(b, w), kind, w.len_s()),
                None => bin_table(a, b, kind, duration(rec)),
            };
            Some(RecordingBins { recording: rec.to_string(), ..table })
        })
        .collect()
}

/// Gathers the ratings of a study.
pub fn from_study(p: &StudyParts<'_>) -> Ratings {
    let cb = p.codebook;
    let kind = bc_kind(cb);
    let submitted: HashMap<(&str, &str), &Coding> = p
        .codings
        .iter()
        .filter(|c| c.status == Status::Submitted)
        .map(|c| ((c.recording.as_str(), c.coder.as_str()), c))
        .collect();
    let double: Vec<_> =
        p.assignments.recordings.iter().filter(|a| a.double_coded && a.coders.len() >= 2).collect();
    // Each analysed recording with its submitted codings in slot order.
    let mut analysed: Vec<(&str, Vec<&Coding>)> = Vec::new();
    for a in &double {
        let mut seen = BTreeSet::new();
        let codings: Vec<&Coding> = a
            .study_coders()
            .iter()
            .filter(|c| seen.insert(c.as_str()))
            .filter_map(|c| submitted.get(&(a.id.as_str(), c.as_str())).copied())
            .collect();
        if codings.len() >= 2 {
            analysed.push((a.id.as_str(), codings));
        }
    }
    let tolerance = f64::from(p.tolerance);
    let scale = (i64::from(cb.scale.min), i64::from(cb.scale.max));
    let (measures, bins) = gather_measures(p, &analysed, &kind, scale, tolerance);
    let pairs: Vec<(&Coding, &Coding)> =
        analysed.iter().filter_map(|(_, c)| Some((*c.first()?, *c.get(1)?))).collect();
    Ratings {
        items: super::items::items_report(cb, &pairs),
        source: format!("Study \"{}\"", p.name),
        tolerance,
        scale,
        double_coded: double.len(),
        measures,
        bins: Some(bins),
        notes: vec![format!(
            "Behaviour-change share: within tolerance means within {BC_TOLERANCE_PP} percentage points; exact means equal when rounded to 0.1 point (every other statistic uses the unrounded share)."
        )],
    }
}

/// What a report measures: a domain, a composite, or the behaviour-change share.
enum Of<'a> {
    Domain(&'a crate::codebook::Domain),
    Composite(&'a crate::codebook::Composite),
    Share,
}

/// Every measure's ratings of the `analysed` recordings (each with its submitted codings in slot
/// order), and the recordings' 1-second bins of `kind`.
fn gather_measures(
    p: &StudyParts<'_>,
    analysed: &[(&str, Vec<&Coding>)],
    kind: &str,
    scale: (i64, i64),
    tolerance: f64,
) -> (Vec<MeasureRatings>, Vec<RecordingBins>) {
    let cb = p.codebook;
    let duration = |rec: &str| p.durations.get(rec).copied().unwrap_or(f64::NAN);
    let of: Vec<Of> = cb
        .domains
        .iter()
        .map(Of::Domain)
        .chain(cb.composites.iter().map(Of::Composite))
        .chain([Of::Share])
        .collect();
    let value = |m: &Of, rec: &str, c: &Coding| match m {
        Of::Domain(d) => domain_value(cb, c, &d.key),
        Of::Composite(comp) => c.composite(cb, &comp.key),
        Of::Share => bc_percent_in(c, kind, duration(rec), p.windows.get(rec)),
    };
    // Every measure's value of a coding in one visit of it (a study's codings are scattered over
    // the heap: one pass per measure would fetch each one again), on every core, the bins beside.
    let chunks: Vec<&[(&str, Vec<&Coding>)]> = analysed.chunks(256).collect();
    let (values, bins) = std::thread::scope(|s| {
        let bins = s.spawn(|| recording_bins(p, analysed, kind));
        let values: Vec<Vec<Option<f64>>> = crate::par::map(&chunks, |chunk| {
            chunk
                .iter()
                .map(|(rec, codings)| {
                    codings.iter().flat_map(|c| of.iter().map(|m| value(m, rec, c))).collect()
                })
                .collect::<Vec<_>>()
        })
        .concat();
        (values, bins.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    });
    // values[r][coding slot * measures + measure]
    let per_recording = |measure: usize| -> Vec<RecordingRatings> {
        analysed
            .iter()
            .zip(&values)
            .map(|((rec, codings), v)| RecordingRatings {
                recording: rec.to_string(),
                ratings: codings
                    .iter()
                    .enumerate()
                    .map(|(slot, c)| (c.coder.clone(), v[slot * of.len() + measure]))
                    .collect(),
            })
            .collect()
    };
    let numbered: Vec<(usize, &Of)> = of.iter().enumerate().collect();
    let measures = crate::par::map(&numbered, |&(i, m)| {
        let (key, label, kind, categories, tolerance) = match m {
            Of::Domain(d) => {
                (d.key.as_str(), d.label.as_str(), MeasureKind::Domain, Some(scale), tolerance)
            }
            Of::Composite(c) => {
                (c.key.as_str(), c.label.as_str(), MeasureKind::Composite, None, tolerance)
            }
            Of::Share => {
                ("bc_percent", "Behaviour-change %", MeasureKind::BcShare, None, BC_TOLERANCE_PP)
            }
        };
        MeasureRatings {
            key: key.to_string(),
            label: label.to_string(),
            kind,
            categories,
            tolerance,
            recordings: per_recording(i),
        }
    });
    (measures, bins)
}

/// The 1-based line of byte offset `byte` in `text`, counting `\n` (so CRLF and LF files agree).
fn line_at(text: &str, byte: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut end = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
    // With CRLF the reader ends a record at `\r` and reports the next one from the `\n`.
    while matches!(bytes.get(end), Some(b'\r' | b'\n')) {
        end += 1;
    }
    1 + bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64
}

/// A problem in a ratings CSV, located by line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct CsvProblem {
    pub origin: String,
    pub line: u64,
    pub message: String,
}

/// Parses a scale written `MIN..MAX` (e.g. `1..5`).
pub fn parse_scale(text: &str) -> Result<(i64, i64), String> {
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| format!("scale `{text}` is not MIN..MAX (e.g. 1..5)"))?;
    let p = |s: &str| {
        s.trim().parse::<i64>().map_err(|_| format!("scale `{text}`: `{s}` is not a whole number"))
    };
    let (min, max) = (p(a)?, p(b)?);
    if max <= min || max - min > 1000 {
        return Err(format!(
            "scale `{text}`: MAX must be above MIN (and at most 1000 points above)"
        ));
    }
    Ok((min, max))
}

/// A score cell: empty or `NA` = missing, else a number on `scale`.
fn score(s: &str, scale: (i64, i64)) -> Result<Option<f64>, String> {
    if s.is_empty() || s.eq_ignore_ascii_case("na") {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= scale.0 as f64 && v <= scale.1 as f64 => Ok(Some(v)),
        Ok(_) => Err(format!(
            "score `{s}` is outside the scale {}..{} (use --scale MIN..MAX)",
            scale.0, scale.1
        )),
        Err(_) => Err(format!("score `{s}` is not a number, empty or NA")),
    }
}

/// The header row must be `recording,coder,domain,score` (any case, spaces trimmed).
fn check_header(reader: &mut csv::Reader<&[u8]>, origin: &str) -> Result<(), Vec<CsvProblem>> {
    let problem =
        |line: u64, message: String| CsvProblem { origin: origin.to_string(), line, message };
    let want = ["recording", "coder", "domain", "score"];
    match reader.headers() {
        Ok(h) => {
            let got: Vec<String> = h.iter().map(|s| s.trim().to_ascii_lowercase()).collect();
            if got.len() != 4 || got.iter().zip(want).any(|(g, w)| g != w) {
                return Err(vec![problem(
                    1,
                    format!(
                        "the header must be `recording,coder,domain,score`, found `{}`",
                        h.iter().collect::<Vec<_>>().join(",")
                    ),
                )]);
            }
        }
        Err(e) => return Err(vec![problem(1, format!("cannot read the header: {e}"))]),
    }
    Ok(())
}

/// Reads ratings in long form, `recording,coder,domain,score` with a header row (empty or `NA` =
/// missing), on `scale`. Domains, recordings and coder slots keep the order they first appear in.
pub fn from_csv(
    text: &str,
    origin: &str,
    scale: (i64, i64),
    tolerance: f64,
) -> Result<Ratings, Vec<CsvProblem>> {
    let problem =
        |line: u64, message: String| CsvProblem { origin: origin.to_string(), line, message };
    let mut problems = Vec::new();
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    check_header(&mut reader, origin)?;
    // domain -> recording -> [(coder, value)]
    let mut domains: Vec<String> = Vec::new();
    let mut recordings: Vec<String> = Vec::new();
    // Domains and recordings by first appearance; ratings keyed by their indices.
    let mut domain_ix: HashMap<String, usize> = HashMap::new();
    let mut recording_ix: HashMap<String, usize> = HashMap::new();
    let mut data: HashMap<(usize, usize), SlotRatings> = HashMap::new();
    let mut seen: HashMap<(usize, usize, String), u64> = HashMap::new();
    let mut raters: Vec<BTreeSet<String>> = Vec::new();
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(text, p.byte()));
                problems.push(problem(line, format!("cannot read this row: {e}")));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| line_at(text, p.byte()));
        if rec.len() != 4 {
            problems.push(problem(line, format!("expected 4 fields, found {}", rec.len())));
            continue;
        }
        let field = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let (r, c, d, s) = (field(0), field(1), field(2), field(3));
        if r.is_empty() || c.is_empty() || d.is_empty() {
            problems.push(problem(line, "recording, coder and domain must not be empty".into()));
            continue;
        }
        let value = match score(&s, scale) {
            Ok(v) => v,
            Err(message) => {
                problems.push(problem(line, message));
                continue;
            }
        };
        let di = *domain_ix.entry(d.clone()).or_insert_with(|| {
            domains.push(d.clone());
            domains.len() - 1
        });
        let ri = *recording_ix.entry(r.clone()).or_insert_with(|| {
            recordings.push(r.clone());
            raters.push(BTreeSet::new());
            recordings.len() - 1
        });
        if let Some(first) = seen.insert((di, ri, c.clone()), line) {
            problems.push(problem(
                line,
                format!(
                    "recording `{r}`, coder `{c}`, domain `{d}` was already rated on line {first}"
                ),
            ));
            continue;
        }
        if let Some(set) = raters.get_mut(ri) {
            set.insert(c.clone());
        }
        data.entry((di, ri)).or_default().push((c, value));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if domains.is_empty() {
        return Err(vec![problem(1, "no ratings after the header".into())]);
    }
    let integer_scale = (scale.0, scale.1);
    let measures = domains
        .iter()
        .enumerate()
        .map(|(di, d)| MeasureRatings {
            key: d.clone(),
            label: d.clone(),
            kind: MeasureKind::Domain,
            categories: Some(integer_scale),
            tolerance,
            recordings: recordings
                .iter()
                .enumerate()
                .filter_map(|(ri, r)| {
                    data.remove(&(di, ri))
                        .map(|ratings| RecordingRatings { recording: r.clone(), ratings })
                })
                .collect(),
        })
        .collect();
    let double_coded = raters.iter().filter(|c| c.len() >= 2).count();
    Ok(Ratings {
        source: origin.to_string(),
        tolerance,
        scale,
        double_coded,
        measures,
        bins: None,
        items: None,
        notes: vec!["Ratings from a CSV: no composites or behaviour-change measures.".into()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::{Composite, Domain, Scale, SegmentKind};
    use crate::coding::{CodebookRef, Segment};
    use crate::study::model::Assignment;

    fn codebook() -> Codebook {
        let domain = |key: &str, req: Option<&str>| Domain {
            key: key.into(),
            label: key.to_uppercase(),
            group: String::new(),
            description: String::new(),
            levels: vec![String::new(); 5],
            requires_segment: req.map(String::from),
        };
        Codebook {
            id: "cb".into(),
            version: "1".into(),
            title: "t".into(),
            sha256: String::new(),
            scale: Scale { min: 1, max: 5 },
            tolerance: 1,
            domains: vec![domain("a", None), domain("b", None), domain("evo", Some("bc"))],
            segment_kinds: vec![SegmentKind {
                key: "bc".into(),
                label: "BC".into(),
                description: String::new(),
            }],
            composites: vec![Composite {
                key: "ab".into(),
                label: "AB".into(),
                domains: vec!["a".into(), "b".into()],
            }],
            items: Default::default(),
        }
    }

    fn coding(
        rec: &str,
        coder: &str,
        scores: &[(&str, u8)],
        segs: &[(f64, f64)],
        st: Status,
    ) -> Coding {
        Coding {
            checklist: Default::default(),
            classes: Default::default(),
            events: Vec::new(),
            schema: 1,
            recording: rec.into(),
            coder: coder.into(),
            codebook: CodebookRef { id: "cb".into(), version: "1".into(), sha256: String::new() },
            audio_sha256: String::new(),
            status: st,
            created_at: String::new(),
            updated_at: String::new(),
            submitted_at: None,
            resume_s: 0.0,
            listened: vec![],
            scores: scores.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            rationales: BTreeMap::new(),
            segments: segs
                .iter()
                .map(|&(a, b)| Segment {
                    kind: "bc".into(),
                    start_s: a,
                    end_s: b,
                    note: String::new(),
                })
                .collect(),
            notes: vec![],
        }
    }

    #[test]
    fn only_submitted_codings_of_assigned_coders_on_double_coded_recordings() {
        let cb = codebook();
        let asg = AssignmentsFile {
            schema: 1,
            recordings: vec![
                Assignment {
                    id: "R1".into(),
                    coders: vec!["x".into(), "y".into()],
                    double_coded: true,
                    window: None,
                },
                Assignment {
                    id: "R2".into(),
                    coders: vec!["x".into(), "y".into()],
                    double_coded: true,
                    window: None,
                },
                Assignment {
                    id: "R3".into(),
                    coders: vec!["x".into()],
                    double_coded: false,
                    window: None,
                },
            ],
        };
        let sub = Status::Submitted;
        let codings = vec![
            coding("R1", "y", &[("a", 2), ("b", 3), ("evo", 4)], &[(0.0, 10.0)], sub),
            coding("R1", "x", &[("a", 4), ("b", 3), ("evo", 4)], &[(5.0, 10.0), (8.0, 20.0)], sub),
            coding("R1", "z", &[("a", 1)], &[], sub),
            coding("R2", "x", &[("a", 1)], &[], sub),
            coding("R2", "y", &[("a", 5)], &[], Status::InProgress),
            coding("R3", "x", &[("a", 1)], &[], sub),
        ];
        let durations: BTreeMap<String, f64> =
            [("R1".to_string(), 100.0), ("R2".to_string(), 50.0)].into_iter().collect();
        let r = from_study(&StudyParts {
            windows: &BTreeMap::new(),
            name: "s",
            codebook: &cb,
            assignments: &asg,
            durations: &durations,
            codings: &codings,
            tolerance: 1,
        });
        assert_eq!(r.double_coded, 2);
        let a = &r.measures[0];
        assert_eq!(a.recordings.len(), 1, "R2 lacks a submitted second coding");
        // Slot order follows the assignment (x primary), not file order; z is ignored.
        assert_eq!(
            a.recordings[0].ratings,
            vec![("x".to_string(), Some(4.0)), ("y".to_string(), Some(2.0))]
        );
        let comp = r.measures.iter().find(|m| m.key == "ab").unwrap();
        assert_eq!(comp.recordings[0].ratings[0].1, Some(3.5));
        let bc = r.measures.iter().find(|m| m.kind == MeasureKind::BcShare).unwrap();
        // x: union of [5,10] and [8,20] = 15 s of 100; y: 10 s.
        assert_eq!(
            bc.recordings[0].ratings,
            vec![("x".into(), Some(15.0)), ("y".into(), Some(10.0))]
        );
        let bins = r.bins.unwrap();
        assert_eq!(bins[0].bins, 100);
        // x (primary) in 15 bins, y in 10, both in [5, 10): 5.
        assert_eq!(bins[0].table, [80, 5, 10, 5]);
    }

    /// The bins as they were computed before they were counted from ranges: one bool per second.
    fn bins_one_by_one(coding: &Coding, kind: &str, duration: f64) -> Vec<bool> {
        let count = duration.min(MAX_BINNED_S).ceil().max(0.0) as usize;
        let mut out = vec![false; count];
        for (a, b) in intervals(coding, kind, duration) {
            let first = (a - 0.5).ceil().max(0.0) as usize;
            let end = ((b - 0.5).ceil().max(0.0) as usize).min(count);
            if let Some(slice) = out.get_mut(first.min(end)..end) {
                slice.fill(true);
            }
        }
        out
    }

    #[test]
    fn bin_tables_count_what_the_bins_one_by_one_hold() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for round in 0..500 {
            let duration = match round % 4 {
                0 => rng.random_range(0.0..5.0),
                1 => rng.random_range(5.0..200.0),
                2 => f64::from(rng.random_range(1..300u32)),
                _ => rng.random_range(100.0..4000.0),
            };
            let mut segs = || {
                (0..rng.random_range(0..6))
                    .map(|_| {
                        let a = rng.random_range(-10.0..duration + 10.0);
                        let len = if rng.random_bool(0.2) {
                            rng.random_range(0.0..1.5)
                        } else {
                            rng.random_range(0.0..duration / 2.0 + 1.0)
                        };
                        (a, a + len)
                    })
                    .collect::<Vec<_>>()
            };
            let (sa, sb) = (segs(), segs());
            let a = coding("R1", "x", &[], &sa, Status::Submitted);
            let b = coding("R1", "y", &[], &sb, Status::Submitted);
            let (x, y) = (bins_one_by_one(&a, "bc", duration), bins_one_by_one(&b, "bc", duration));
            let mut want = [0u64; 4];
            for (&p, &q) in x.iter().zip(&y) {
                want[usize::from(p) * 2 + usize::from(q)] += 1;
            }
            let got = bin_table(&a, &b, "bc", duration);
            assert_eq!(got.bins, x.len() as u64, "{duration} {sa:?} {sb:?}");
            assert_eq!(got.table, want, "{duration} {sa:?} {sb:?}");
        }
    }

    #[test]
    fn evocation_follows_the_coding_rule() {
        let cb = codebook();
        let c = coding("R1", "x", &[], &[], Status::Submitted);
        assert_eq!(c.score_state(&cb, "evo"), crate::coding::ScoreState::NotApplicable);
        assert_eq!(domain_value(&cb, &c, "evo"), None);
        let c = coding("R1", "x", &[("evo", 3), ("a", 2)], &[(1.0, 2.0)], Status::Submitted);
        assert_eq!(domain_value(&cb, &c, "evo"), Some(3.0));
        assert_eq!(c.composite(&cb, "ab"), None, "b is unscored");
    }

    #[test]
    fn bc_percent_clips_and_needs_a_duration() {
        let c =
            coding("R1", "x", &[], &[(-5.0, 10.0), (90.0, 150.0), (30.0, 20.0)], Status::Submitted);
        assert_eq!(bc_percent(&c, "bc", 100.0), Some(30.0));
        assert_eq!(bc_percent(&c, "bc", 0.0), None);
        assert_eq!(bc_percent(&c, "bc", f64::NAN), None);
    }

    #[test]
    fn crlf_and_lf_files_report_the_same_line() {
        let lf = "recording,coder,domain,score\nR1,a,d,3\nR1,b,d,x\nR2,a,d,9\n";
        let crlf = lf.replace('\n', "\r\n");
        for text in [lf.to_string(), crlf] {
            let problems = from_csv(&text, "r.csv", (1, 5), 1.0).unwrap_err();
            let lines: Vec<u64> = problems.iter().map(|p| p.line).collect();
            assert_eq!(lines, [3, 4], "{problems:?}");
        }
    }

    #[test]
    fn scales_parse_or_explain() {
        assert_eq!(parse_scale("1..5"), Ok((1, 5)));
        assert_eq!(parse_scale("0..10"), Ok((0, 10)));
        assert!(parse_scale("5..1").is_err());
        assert!(parse_scale("1-5").is_err());
        assert!(parse_scale("a..5").is_err());
    }
}
