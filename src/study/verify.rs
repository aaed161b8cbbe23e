//! `verify`'s checks. Works without opening the study (so a broken file is reported, not fatal)
//! and never changes anything. Every problem names the file (and line) at fault and what to do.
//!
//! What is proven, for the whole study (a supervisor):
//! - trust: the founding supervisor's key is the one pinned in study.toml; every coder in
//!   coders.toml (id, name, role, key) was registered by a signed `coder_added` line of a trusted
//!   supervisor, starting from the founder; nothing registered is missing from coders.toml;
//! - journals: each chains (seq, prev hash), every line is signed by its actor's registered key,
//!   and every journal belongs to a registered person (no unknown signers);
//! - codings: every file parses, matches its place, scores within the scale; a submitted coding
//!   matches its one signed `submit` line (or, after an interrupted submit, its signed intent); a
//!   coding the journal records as submitted is still there and still submitted;
//! - receipts: every coding a supervisor received is still there, submitted and unchanged, even
//!   if its author rewrote and re-signed their own journal;
//! - adjudications, assignments, queues, metadata (no orphans), ids (no duplicates), temp files
//!   left by interrupted saves, and the audio (each file hashed once).
//!
//! A coder's verify (`Scope::Coder`) checks only their own codings, queue and journal, against
//! their own key in coders.toml, and reports nothing about anyone else.
mod journals;
mod probes;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::StudyError;
use super::files::{self, sha256_file, sha256_hex};
use super::locate::Layout;
use super::model::{
    Adjudication, AssignmentsFile, Coder, CodersFile, LEGACY_STUDY_SCHEMA, MetadataFile, QueueFile,
    Recording, RecordingsFile, Role, StudyConfig,
};
use super::transcripts::TranscriptFile;
use crate::coding::{Coding, Status};
use journals::Claims;
pub use journals::{SupervisorJournals, trusted_supervisor, trusted_supervisor_in};

/// What to check: everything (supervisor), or one coder's own files (nothing under `supervisor/`,
/// no other coder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Coder(String),
}

/// What was checked and what is wrong.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub files_parsed: usize,
    pub submitted_matched: usize,
    pub adjudications_matched: usize,
    /// Gold codings and calibration sets matching their signed lines.
    pub gold_matched: usize,
    pub receipts_matched: usize,
    pub transcripts_matched: usize,
    pub journals: usize,
    pub journal_lines: usize,
    pub audio_checked: usize,
    pub problems: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
    fn problem(&mut self, p: impl Into<String>) {
        self.problems.push(p.into());
    }
}

/// The files everyone may read, as parsed.
struct Common {
    config: Option<StudyConfig>,
    /// Each instrument's id → its scale, and the study's first instrument's id.
    scales: BTreeMap<String, (u8, u8)>,
    /// Each instrument's id → its version.
    versions: BTreeMap<String, String>,
    first: Option<String>,
    coders: Vec<Coder>,
    recordings: Vec<Recording>,
}

/// Runs every check on the study in `dir`. `progress` is told about each audio file hashed.
pub fn verify(dir: &Path, scope: &Scope, progress: impl FnMut(&Path)) -> Report {
    let l = Layout::new(dir);
    let mut r = Report::default();
    let config: Option<StudyConfig> = parse(&mut r, &l.study_file(), true);
    if config.as_ref().is_some_and(|c| c.schema == LEGACY_STUDY_SCHEMA) {
        r.problem(StudyError::OldLayout { dir: dir.to_path_buf(), sample: false }.to_string());
        return r;
    }
    let common = read_common(&mut r, &l, config);
    let mine: Vec<String> = match scope {
        Scope::All => common.coders.iter().map(|c| c.id.clone()).collect(),
        Scope::Coder(id) => vec![id.clone()],
    };
    let queues = check_queues(&mut r, &l, &mine, &common.recordings);
    let claims = journals::check(&mut r, &l, scope, &common);
    let seen = check_codings(&mut r, &l, &mine, &claims, &common);
    if *scope == Scope::All {
        check_supervisor_files(&mut r, &l, &common, &queues, &claims);
        check_receipts(&mut r, &l, &claims, &seen);
        check_transcripts(&mut r, &l, &common, &claims);
    }
    check_missing(&mut r, &l, scope, &claims);
    check_temp_files(&mut r, &l, scope, &mine);
    let queued: BTreeSet<&String> = queues.values().flatten().collect();
    let audio: Vec<&Recording> = common
        .recordings
        .iter()
        .filter(|rec| *scope == Scope::All || queued.contains(&rec.id))
        .collect();
    check_audio(&mut r, dir, &audio, progress);
    r
}

fn read_common(r: &mut Report, l: &Layout, config: Option<StudyConfig>) -> Common {
    let mut scales = BTreeMap::new();
    let mut versions = BTreeMap::new();
    let mut first = None;
    if let Some(c) = &config {
        for (i, named) in std::iter::once(&c.codebook).chain(&c.instruments).enumerate() {
            let p = Path::new(named);
            let cb = if p.is_absolute() { p.to_path_buf() } else { l.root().join(p) };
            match crate::codebook::load(&cb) {
                Ok(book) => {
                    r.files_parsed += 1;
                    if i == 0 {
                        first = Some(book.id.clone());
                    }
                    versions.insert(book.id.clone(), book.version.clone());
                    if scales.insert(book.id.clone(), (book.scale.min, book.scale.max)).is_some() {
                        r.problem(format!(
                            "study.toml: instrument `{}` is listed twice ({}); list each instrument once",
                            book.id,
                            cb.display()
                        ));
                    }
                }
                Err(e) => r.problem(format!("codebook {}: {e}", cb.display())),
            }
        }
    }
    let coders = parse::<CodersFile>(r, &l.coders_file(), false).map(|f| f.coders);
    let coders = coders.unwrap_or_default();
    let recordings = parse::<RecordingsFile>(r, &l.recordings_file(), false).map(|f| f.recordings);
    let recordings = recordings.unwrap_or_default();
    duplicates(r, "coders.toml", "coder", coders.iter().map(|c| c.id.as_str()));
    duplicates(r, "recordings.toml", "recording", recordings.iter().map(|x| x.id.as_str()));
    for rec in recordings.iter().filter(|x| !(x.duration_s.is_finite() && x.duration_s >= 0.0)) {
        r.problem(format!(
            "recordings.toml: recording {:?} has duration_s = {}, not a duration in seconds; fix it by hand (`tapecoder probe` gives the duration)",
            rec.id, rec.duration_s
        ));
    }
    for rec in &recordings {
        if let Some(id) = rec.instrument.as_deref().filter(|id| !scales.contains_key(*id))
            && first.is_some()
        {
            r.problem(format!(
                "recordings.toml: recording {:?} names instrument {id:?}, which study.toml does not list; add its codebook to `instruments` in study.toml",
                rec.id
            ));
        }
    }
    Common { config, scales, versions, first, coders, recordings }
}

fn duplicates<'a>(r: &mut Report, file: &str, what: &str, ids: impl Iterator<Item = &'a str>) {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id) {
            r.problem(format!("{file}: {what} {id:?} is listed twice; remove one entry"));
        }
    }
}

/// Each of `mine`'s queues parses and names known recordings; returns coder → queued ids.
fn check_queues(
    r: &mut Report,
    l: &Layout,
    mine: &[String],
    recs: &[Recording],
) -> BTreeMap<String, Vec<String>> {
    let known: BTreeSet<&str> = recs.iter().map(|x| x.id.as_str()).collect();
    let mut queues = BTreeMap::new();
    for coder in mine {
        let Ok(path) = l.queue_file(coder) else { continue };
        if let Some(q) = parse::<QueueFile>(r, &path, false) {
            for id in q.recordings.iter().filter(|id| !known.contains(id.as_str())) {
                r.problem(format!(
                    "{}: recording {id:?} is not in recordings.toml; re-run `tapecoder assign`",
                    l.relative(&path)
                ));
            }
            queues.insert(coder.clone(), q.recordings);
        }
    }
    queues
}

/// A coding file as read once: its sha256 and whether it parsed as a submitted coding.
pub(super) type Seen = BTreeMap<String, (String, bool)>;

/// A coding file read and parsed (on any core).
enum CodingRead {
    Problem(String),
    Parsed(Box<Coding>, String),
}

fn read_coding_file(path: &Path) -> CodingRead {
    let bytes = match read_limited(path) {
        Ok(b) => b,
        Err(e) => return CodingRead::Problem(format!("{}: cannot read: {e}", path.display())),
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return CodingRead::Problem(format!("{}: not UTF-8 text", path.display()));
    };
    match Coding::from_toml(text, &path.display().to_string()) {
        Ok(c) => CodingRead::Parsed(Box::new(c), sha256_hex(&bytes)),
        Err(e) => {
            CodingRead::Problem(format!("{e}; fix the file by hand or restore it from a backup"))
        }
    }
}

/// Every coding of `mine`: parses, sits in its place, scores within the scale, and a submitted one
/// matches its signed journal line. The files are read, hashed and parsed once, on every core;
/// returns what was seen of each (study-relative path → sha256, submitted), for the receipts.
fn check_codings(
    r: &mut Report,
    l: &Layout,
    mine: &[String],
    claims: &Claims,
    common: &Common,
) -> Seen {
    let mut seen = Seen::new();
    let instrument_of: BTreeMap<&str, &str> = common
        .recordings
        .iter()
        .filter_map(|r| Some((r.id.as_str(), r.instrument.as_deref().or(common.first.as_deref())?)))
        .collect();
    for coder in mine {
        let dirs = [l.codings_dir(coder), l.training_codings_dir(coder)];
        let files: Vec<_> = dirs.into_iter().flatten().flat_map(|d| toml_files(&d)).collect();
        let read = crate::par::map(&files, |(_, path)| read_coding_file(path));
        for ((rec, path), read) in files.into_iter().zip(read) {
            let (c, sha) = match read {
                CodingRead::Problem(p) => {
                    r.problem(p);
                    continue;
                }
                CodingRead::Parsed(c, sha) => {
                    r.files_parsed += 1;
                    (c, sha)
                }
            };
            let rel = l.relative(&path);
            seen.insert(rel.clone(), (sha.clone(), c.status == Status::Submitted));
            if c.coder != *coder || c.recording != rec {
                r.problem(format!(
                    "{rel}: the file says coder {:?}, recording {:?}; move it back to its place or restore it from a backup",
                    c.coder, c.recording
                ));
            }
            let instrument = instrument_of.get(rec.as_str()).copied();
            if let Some(id) = instrument
                && c.codebook.id != id
            {
                r.problem(format!(
                    "{rel}: coded with instrument `{}`, but recordings.toml codes {rec} with `{id}`; a coding never mixes instruments: restore the file from a backup",
                    c.codebook.id
                ));
            }
            if let Some(version) = instrument.and_then(|id| common.versions.get(id))
                && instrument == Some(c.codebook.id.as_str())
                && c.codebook.version != *version
            {
                r.problem(format!(
                    "{rel}: made with version {:?} of instrument `{}`, but the study's is version {version:?}; reliability and exports would mix versions: keep the old version's file as the study's instrument, or have the recording coded again",
                    c.codebook.version, c.codebook.id
                ));
            }
            if let Some(&(min, max)) = instrument.and_then(|id| common.scales.get(id)) {
                for (domain, level) in c.scores.iter().filter(|(_, l)| !(min..=max).contains(*l)) {
                    r.problem(format!(
                        "{rel}: {domain} = {level} is outside the codebook's scale {min}..{max}; fix the file by hand or restore it from a backup"
                    ));
                }
            }
            let claim = claims.submits.get(&rel);
            match (c.status, claim) {
                (Status::Submitted, None) => r.problem(format!(
                    "{rel}: submitted, but {coder}'s journal has no signed submit line for it (forged, or its journal was cut); restore both from a backup"
                )),
                (Status::Submitted, Some(cl)) => match cl.expected(&sha) {
                    Ok(()) => r.submitted_matched += 1,
                    Err(why) => r.problem(format!("{rel}: {why}")),
                },
                (_, Some(cl)) if !cl.commits.is_empty() => r.problem(format!(
                    "{rel}: no longer submitted, but {}'s journal records it as submitted (sha256 {}); restore it from a backup",
                    cl.actor,
                    cl.commits.last().map_or("", String::as_str)
                )),
                _ => {}
            }
        }
    }
    seen
}

/// Assignments, metadata and adjudications (supervisor scope).
fn check_supervisor_files(
    r: &mut Report,
    l: &Layout,
    common: &Common,
    queues: &BTreeMap<String, Vec<String>>,
    claims: &Claims,
) {
    let meta: Option<MetadataFile> = parse(r, &l.metadata_file(), false);
    if let Some(m) = &meta {
        let known: BTreeSet<&str> = common.recordings.iter().map(|x| x.id.as_str()).collect();
        duplicates(
            r,
            "supervisor/metadata.toml",
            "recording",
            m.recordings.iter().map(|x| x.id.as_str()),
        );
        for x in m.recordings.iter().filter(|x| !known.contains(x.id.as_str())) {
            r.problem(format!(
                "supervisor/metadata.toml: recording {:?} has metadata but is not in recordings.toml (left by an interrupted import?); remove its entry",
                x.id
            ));
        }
    }
    let assignments: Option<AssignmentsFile> = parse(r, &l.assignments_file(), false);
    let coders: Vec<(String, Role)> =
        common.coders.iter().map(|c| (c.id.clone(), c.role)).collect();
    let probes = probes::check(r, l, common, claims, assignments.as_ref());
    if let Some(a) = &assignments {
        check_assignments(r, a, meta.as_ref(), queues, &coders, &probes);
        check_windows(r, l, a, &common.recordings);
    }
    check_gold(r, l, &coders, claims);
    for (rec, path) in toml_files(&l.adjudications_dir()) {
        let Some(bytes) = read(r, &path) else { continue };
        let Some(a) = parse_bytes::<Adjudication>(r, &path, &bytes) else { continue };
        let rel = l.relative(&path);
        if a.recording != rec {
            r.problem(format!("{rel}: the file is about recording {:?}", a.recording));
        }
        if !coders.iter().any(|(id, role)| *id == a.supervisor && *role == Role::Supervisor) {
            r.problem(format!("{rel}: {:?} is not a registered supervisor", a.supervisor));
        }
        match claims.adjudications.get(&rel) {
            None => r.problem(format!(
                "{rel}: {}'s journal has no signed adjudicate line for it; restore it from a backup or adjudicate again",
                a.supervisor
            )),
            Some(cl) => match cl.latest(&sha256_hex(&bytes)) {
                Ok(()) => r.adjudications_matched += 1,
                Err(why) => r.problem(format!("{rel}: {why}")),
            },
        }
    }
}

/// Gold codings and calibration sets match the latest of their supervisor's signed lines, and
/// the feedback copies in coders' training folders are the ones `calibration assign` wrote.
fn check_gold(r: &mut Report, l: &Layout, coders: &[(String, Role)], claims: &Claims) {
    let is_sup = |id: &str| coders.iter().any(|(c, role)| c == id && *role == Role::Supervisor);
    let gold = toml_files(&l.gold_dir()).into_iter().map(|f| (f, "gold coding"));
    let sets = toml_files(&l.calibration_dir()).into_iter().map(|f| (f, "calibration set"));
    for ((stem, path), what) in gold.chain(sets) {
        let Some(bytes) = read(r, &path) else { continue };
        let rel = l.relative(&path);
        let by = if what == "gold coding" {
            let Some(g) = parse_bytes::<crate::study::gold::GoldCoding>(r, &path, &bytes) else {
                continue;
            };
            if g.recording != stem {
                r.problem(format!("{rel}: the file is about recording {:?}", g.recording));
            }
            g.set_by
        } else {
            let Some(c) =
                parse_bytes::<crate::study::calibration::CalibrationSet>(r, &path, &bytes)
            else {
                continue;
            };
            if c.name != stem {
                r.problem(format!("{rel}: the file names the set {:?}", c.name));
            }
            c.created_by
        };
        if !is_sup(&by) {
            r.problem(format!("{rel}: {by:?} is not a registered supervisor"));
        }
        match claims.gold.get(&rel) {
            None => r.problem(format!(
                "{rel}: no supervisor's signed journal saved this {what}; restore it from a backup or set it again"
            )),
            Some(cl) => match cl.latest(&sha256_hex(&bytes)) {
                Ok(()) => r.gold_matched += 1,
                Err(why) => r.problem(format!("{rel}: {why}")),
            },
        }
    }
    for (path, (by, sha)) in &claims.copies {
        let Some(full) = safe_join(l, path) else { continue };
        match fs::read(&full) {
            Err(_) => r.problem(format!(
                "{path}: missing, but {by}'s journal records it as written by `calibration assign`; run `tapecoder calibration assign` again"
            )),
            Ok(b) if sha256_hex(&b) != *sha => r.problem(format!(
                "{path}: changed since {by} wrote it (a feedback copy of gold); run `tapecoder calibration assign` again"
            )),
            Ok(_) => {}
        }
    }
}

/// Every transcript is the one a supervisor's signed line attached, and none attached is gone.
/// (Supervisor scope: a coder's verify reads only their own journal.)
fn check_transcripts(r: &mut Report, l: &Layout, common: &Common, claims: &Claims) {
    let known: BTreeSet<&str> = common.recordings.iter().map(|x| x.id.as_str()).collect();
    let mut seen = BTreeSet::new();
    for (rec, path) in toml_files(&l.transcripts_dir()) {
        let Some(bytes) = read(r, &path) else { continue };
        let rel = l.relative(&path);
        seen.insert(rel.clone());
        let Some(t) = parse_bytes::<TranscriptFile>(r, &path, &bytes) else { continue };
        if t.recording != rec || !known.contains(rec.as_str()) {
            r.problem(format!(
                "{rel}: a transcript of {:?}, which is not this file's recording in recordings.toml; detach it with `tapecoder transcript detach`",
                t.recording
            ));
        }
        match claims.transcripts.get(&rel) {
            None => r.problem(format!(
                "{rel}: no supervisor's signed journal attached it; attach the transcript with `tapecoder transcript attach {rec} FILE`"
            )),
            Some((by, None)) => r.problem(format!(
                "{rel}: {by} detached it, but it is here again; remove it or attach it again"
            )),
            Some((by, Some(sha))) if *sha != sha256_hex(&bytes) => r.problem(format!(
                "{rel}: changed since {by} attached it (sha256 {sha} then); attach the transcript again"
            )),
            Some(_) => r.transcripts_matched += 1,
        }
    }
    for (path, (by, sha)) in &claims.transcripts {
        if sha.is_some() && !seen.contains(path) {
            r.problem(format!(
                "{path}: missing, but {by}'s journal records it as attached; attach it again or detach it"
            ));
        }
    }
}

/// Every received coding is still there, submitted and unchanged. A coding already read by
/// [`check_codings`] (in `seen`) is not read again.
fn check_receipts(r: &mut Report, l: &Layout, claims: &Claims, seen: &Seen) {
    for (path, rc) in &claims.receipts {
        let Some(full) = safe_join(l, path) else { continue };
        let what = format!(
            "{path}: received by supervisor {} on {} with sha256 {}",
            rc.supervisor, rc.at, rc.sha256
        );
        let (sha, submitted) = match seen.get(path) {
            Some((sha, submitted)) => (sha.clone(), *submitted),
            None => {
                let bytes = match fs::read(&full) {
                    Err(_) => {
                        r.problem(format!(
                            "{what}, but it is missing now; restore it from a backup"
                        ));
                        continue;
                    }
                    Ok(b) => b,
                };
                let submitted = std::str::from_utf8(&bytes)
                    .ok()
                    .and_then(|t| Coding::from_toml(t, path).ok())
                    .is_some_and(|c| c.status == Status::Submitted);
                (sha256_hex(&bytes), submitted)
            }
        };
        if !submitted {
            r.problem(format!("{what}, but it is no longer submitted; restore it from a backup"));
        } else if sha != rc.sha256 {
            r.problem(format!(
                "{what}, but it changed since (sha256 {sha} now); restore it from a backup"
            ));
        } else {
            r.receipts_matched += 1;
        }
    }
}

/// A journaled file that is gone: a submitted coding or an adjudication deleted afterwards.
fn check_missing(r: &mut Report, l: &Layout, scope: &Scope, claims: &Claims) {
    let mut lists = vec![("submitted coding", &claims.submits)];
    if *scope == Scope::All {
        lists.push(("adjudication", &claims.adjudications));
        lists.push(("gold coding or calibration set", &claims.gold));
    }
    for (what, map) in lists {
        for (path, cl) in map.iter().filter(|(_, cl)| !cl.commits.is_empty()) {
            if safe_join(l, path).is_some_and(|p| !p.exists()) {
                r.problem(format!(
                    "{path}: missing, but {}'s journal records it as a {what}; restore it from a backup",
                    cl.actor
                ));
            }
        }
    }
}

/// Temp files left by interrupted saves (`.NAME.tmp-PID-N`), in the folders in scope.
fn check_temp_files(r: &mut Report, l: &Layout, scope: &Scope, mine: &[String]) {
    let mut dirs = vec![];
    for coder in mine {
        dirs.extend(l.codings_dir(coder).ok());
        dirs.extend(l.coder_dir(coder).ok());
        dirs.extend(l.training_codings_dir(coder).ok());
    }
    if *scope == Scope::All {
        dirs.extend([
            l.root().to_path_buf(),
            l.supervisor_dir(),
            l.adjudications_dir(),
            l.transcripts_dir(),
            l.drafts_dir(),
            l.gold_dir(),
            l.calibration_dir(),
        ]);
        // Each supervisor's gold drafts (`gold edit`).
        if let Ok(rd) = fs::read_dir(l.gold_dir().join("drafts")) {
            dirs.extend(rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
        }
    }
    for dir in dirs {
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.contains(".tmp-") {
                r.problem(format!(
                    "{}: a temp file left by an interrupted save; delete it (the file it was saving is intact)",
                    l.relative(&e.path())
                ));
            }
        }
    }
}

/// The audio of `recs`: present and unchanged. Each distinct file is hashed once.
fn check_audio(r: &mut Report, dir: &Path, recs: &[&Recording], mut progress: impl FnMut(&Path)) {
    let mut hashed: BTreeMap<PathBuf, Result<String, String>> = BTreeMap::new();
    for rec in recs {
        let p = Path::new(&rec.file);
        let path = if p.is_absolute() { p.to_path_buf() } else { dir.join(p) };
        let result = hashed.entry(path.clone()).or_insert_with(|| {
            progress(&path);
            sha256_file(&path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    "missing (moved or deleted); put it back or fix recordings.toml".to_string()
                } else {
                    format!("unreadable: {e}")
                }
            })
        });
        match result {
            Err(why) => r.problem(format!("recording {}: its audio {} is {why}", rec.id, path.display())),
            Ok(h) if !h.eq_ignore_ascii_case(&rec.sha256) => r.problem(format!(
                "recording {}: its audio {} changed since import (sha256 {h}, imported as {}); restore the original file",
                rec.id,
                path.display(),
                rec.sha256
            )),
            Ok(_) => r.audio_checked += 1,
        }
    }
}

/// Blinding and consistency of the plan: no recording assigned to its observer or twice to one
/// coder, and each coder's queue holds exactly their assignments.
fn check_assignments(
    r: &mut Report,
    a: &AssignmentsFile,
    meta: Option<&MetadataFile>,
    queues: &BTreeMap<String, Vec<String>>,
    coders: &[(String, Role)],
    probes: &[crate::study::probes::Probe],
) {
    let observers: BTreeMap<&str, &str> = meta
        .map(|m| {
            m.recordings
                .iter()
                .filter_map(|x| x.observer.as_deref().map(|o| (x.id.as_str(), o)))
                .collect()
        })
        .unwrap_or_default();
    let mut expected: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for x in &a.recordings {
        if let Some(o) = observers.get(x.id.as_str())
            && x.coders.iter().any(|c| c == o)
        {
            r.problem(format!(
                "supervisor/assignments.toml: recording {} is assigned to {o}, who observed the visit",
                x.id
            ));
        }
        let mut seen: Vec<&str> = Vec::new();
        for c in &x.coders {
            if seen.contains(&c.as_str()) {
                r.problem(format!(
                    "supervisor/assignments.toml: recording {} lists coder {c} twice",
                    x.id
                ));
            }
            seen.push(c);
            expected.entry(c).or_default().push(&x.id);
        }
        if x.double_coded && x.coders.len() < 2 {
            r.problem(format!(
                "supervisor/assignments.toml: recording {} is double-coded but has {} coder(s)",
                x.id,
                x.coders.len()
            ));
        }
    }
    for (coder, role) in coders {
        if *role != Role::Coder {
            continue;
        }
        let live: Vec<String> = expected
            .get(coder.as_str())
            .map(|v| v.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        let want = crate::study::probes::weave(&live, coder, probes);
        let have: Vec<String> = queues.get(coder).cloned().unwrap_or_default();
        if want != have {
            r.problem(format!(
                "coders/{coder}/queue.toml does not match supervisor/assignments.toml (queue {have:?}, assigned {want:?}); re-run `tapecoder assign` to rewrite the queues"
            ));
        }
    }
}

/// Sampled windows (`[sampling]`): each lies inside its recording, and every coder's queue carries
/// exactly the window of the assignment (the same for both coders of a recording).
fn check_windows(r: &mut Report, l: &Layout, a: &AssignmentsFile, recs: &[Recording]) {
    let mut queues: BTreeMap<&str, Option<QueueFile>> = BTreeMap::new();
    for x in &a.recordings {
        if let Some(w) = &x.window {
            let duration = recs.iter().find(|r| r.id == x.id).map(|r| r.duration_s);
            if duration.is_some_and(|d| !w.fits(d)) {
                r.problem(format!(
                    "supervisor/assignments.toml: recording {}'s window {}–{} s is not inside the recording ({} s)",
                    x.id,
                    w.start_s,
                    w.end_s,
                    duration.unwrap_or_default()
                ));
            }
        }
        for c in &x.coders {
            let q = queues.entry(c.as_str()).or_insert_with(|| {
                let path = l.queue_file(c).ok()?;
                files::read_toml_opt::<QueueFile>(&path).ok().flatten()
            });
            let Some(q) = q else { continue };
            if !q.recordings.contains(&x.id) {
                continue; // reported by check_assignments
            }
            let have = q.windows.get(&x.id);
            if have != x.window.as_ref() {
                let show = |w: Option<&crate::coding::Window>| {
                    w.map_or("none".to_string(), |w| format!("{}–{} s", w.start_s, w.end_s))
                };
                r.problem(format!(
                    "coders/{c}/queue.toml: recording {}'s window is {} but supervisor/assignments.toml records {}; re-run `tapecoder assign` to rewrite the queues",
                    x.id,
                    show(have),
                    show(x.window.as_ref())
                ));
            }
        }
    }
}

/// `path` (study-relative, from a journal) under the study folder, if it cannot escape it.
fn safe_join(l: &Layout, path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    p.components().all(|c| matches!(c, std::path::Component::Normal(_))).then(|| l.root().join(p))
}

/// Reads a study file, refusing one larger than any real study file.
fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    let len = fs::metadata(path)?.len();
    if len > files::MAX_TEXT_FILE {
        return Err(std::io::Error::other(format!(
            "the file is {} MB, far larger than any study file",
            len / (1024 * 1024)
        )));
    }
    fs::read(path)
}

fn read(r: &mut Report, path: &Path) -> Option<Vec<u8>> {
    match read_limited(path) {
        Ok(b) => Some(b),
        Err(e) => {
            r.problem(format!("{}: cannot read: {e}", path.display()));
            None
        }
    }
}

fn parse<T: DeserializeOwned>(r: &mut Report, path: &Path, required: bool) -> Option<T> {
    match read_limited(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => None,
        Err(e) => {
            r.problem(format!("{}: cannot read: {e}", path.display()));
            None
        }
        Ok(bytes) => parse_bytes(r, path, &bytes),
    }
}

fn parse_bytes<T: DeserializeOwned>(r: &mut Report, path: &Path, bytes: &[u8]) -> Option<T> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        r.problem(format!("{}: not UTF-8 text", path.display()));
        return None;
    };
    match files::parse_toml::<T>(text, path) {
        Ok(v) => {
            r.files_parsed += 1;
            Some(v)
        }
        Err(e) => {
            r.problem(e.to_string());
            None
        }
    }
}

/// `(stem, path)` of every `*.toml` in a folder, skipping temp files; none if it is missing.
fn toml_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(rd) = fs::read_dir(dir) else { return vec![] };
    let mut out: Vec<(String, PathBuf)> = rd
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                return None;
            }
            name.strip_suffix(".toml").map(|s| (s.to_string(), e.path()))
        })
        .collect();
    out.sort();
    out
}
