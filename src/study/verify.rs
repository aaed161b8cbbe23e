//! `verify`'s checks: every file parses, every submitted coding matches the sha256 of its latest
//! journal `submit` line, every adjudication matches its `adjudicate` line, every journal chain is
//! intact, and every recording's audio is present and unchanged. Works without opening the study
//! (so a broken file is reported, not fatal) and never changes anything.
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::StudyError;
use super::files::{self, sha256_file, sha256_hex};
use super::journal;
use super::locate::{Layout, check_id};
use super::model::{
    Adjudication, AssignmentsFile, CodersFile, LEGACY_STUDY_SCHEMA, MetadataFile, QueueFile,
    RecordingsFile, Role, StudyConfig,
};
use crate::coding::{Coding, Status};

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
    pub journals: usize,
    pub journal_lines: usize,
    pub audio_checked: usize,
    pub problems: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Runs every check on the study in `dir`. `progress` is told about each audio file hashed.
// Temporary (issue #10): the identity helper is rewriting and splitting study::verify this session; split it then.
#[allow(clippy::too_many_lines)]
pub fn verify(dir: &Path, scope: &Scope, mut progress: impl FnMut(&Path)) -> Report {
    let l = Layout::new(dir);
    let mut r = Report::default();

    let config: Option<StudyConfig> = parse(&mut r, &l.study_file(), true);
    if config.as_ref().is_some_and(|c| c.schema == LEGACY_STUDY_SCHEMA) {
        r.problems
            .push(StudyError::OldLayout { dir: dir.to_path_buf(), sample: false }.to_string());
        return r;
    }
    if let Some(c) = &config {
        let p = Path::new(&c.codebook);
        let cb = if p.is_absolute() { p.to_path_buf() } else { dir.join(p) };
        match crate::codebook::load(&cb) {
            Ok(_) => r.files_parsed += 1,
            Err(e) => r.problems.push(format!("codebook {}: {e}", cb.display())),
        }
    }
    let coders: Option<CodersFile> = parse(&mut r, &l.coders_file(), false);
    let recordings: Option<RecordingsFile> = parse(&mut r, &l.recordings_file(), false);
    let recs = recordings.map(|f| f.recordings).unwrap_or_default();
    for rec in recs.iter().filter(|r| !(r.duration_s.is_finite() && r.duration_s >= 0.0)) {
        r.problems.push(format!(
            "recordings.toml: recording {:?} has duration_s = {}, not a duration in seconds",
            rec.id, rec.duration_s
        ));
    }
    let coder_ids: Vec<(String, Role)> =
        coders.map(|f| f.coders.into_iter().map(|c| (c.id, c.role)).collect()).unwrap_or_default();

    let mine: Vec<String> = match scope {
        Scope::All => coder_ids.iter().map(|(id, _)| id.clone()).collect(),
        Scope::Coder(id) => vec![id.clone()],
    };

    // Queues.
    let mut queued: Vec<String> = Vec::new();
    let mut queues: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for coder in &mine {
        let Ok(path) = l.queue_file(coder) else { continue };
        if let Some(q) = parse::<QueueFile>(&mut r, &path, false) {
            queues.insert(coder.clone(), q.recordings.clone());
            for id in &q.recordings {
                if !recs.iter().any(|x| &x.id == id) {
                    r.problems.push(format!(
                        "{}: recording {id:?} is not in recordings.toml",
                        path.display()
                    ));
                }
            }
            queued.extend(q.recordings);
        }
    }

    // Journals: chains, and the latest submit/adjudicate hash per path.
    let mut latest: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for (actor, path) in journal_files(&mut r, &l, scope) {
        if let Err(e) = check_id("actor", &actor) {
            r.problems.push(format!("{}: {e}", path.display()));
            continue;
        }
        match journal::read_and_check(&path, &actor) {
            Err(e) => r.problems.push(e.to_string()),
            Ok((lines, problems)) => {
                r.journals += 1;
                r.journal_lines += lines.len();
                r.problems.extend(problems);
                for line in lines {
                    if let (Some(p), Some(s)) = (&line.entry.path, &line.entry.sha256) {
                        latest.insert(
                            (actor.clone(), line.entry.event.clone(), Layout::current_path(p)),
                            s.clone(),
                        );
                    }
                }
            }
        }
    }

    // Codings.
    for coder in &mine {
        let Ok(cdir) = l.codings_dir(coder) else { continue };
        for (rec, path) in toml_files(&cdir) {
            let Some(bytes) = read(&mut r, &path) else { continue };
            let Some(c) = parse_coding(&mut r, &path, &bytes) else { continue };
            if c.coder != *coder || c.recording != rec {
                r.problems.push(format!(
                    "{}: the file says coder {:?}, recording {:?}",
                    path.display(),
                    c.coder,
                    c.recording
                ));
            }
            if c.status == Status::Submitted {
                let rel = l.relative(&path);
                match latest.get(&(coder.clone(), "submit".into(), rel.clone())) {
                    None => r.problems.push(format!(
                        "{rel}: submitted, but {} has no submit line for it",
                        journal_name(&l, coder, Role::Coder)
                    )),
                    Some(h) if *h != sha256_hex(&bytes) => r.problems.push(format!(
                        "{rel}: changed after it was submitted (sha256 {} but the journal recorded {h})",
                        sha256_hex(&bytes)
                    )),
                    Some(_) => r.submitted_matched += 1,
                }
            }
        }
    }

    if *scope == Scope::All {
        let meta: Option<MetadataFile> = parse(&mut r, &l.metadata_file(), false);
        let assignments: Option<AssignmentsFile> = parse(&mut r, &l.assignments_file(), false);
        if let Some(a) = &assignments {
            check_assignments(&mut r, a, meta.as_ref(), &queues, &coder_ids);
        }
        for (rec, path) in toml_files(&l.adjudications_dir()) {
            let Some(bytes) = read(&mut r, &path) else { continue };
            let Some(a) = parse_bytes::<Adjudication>(&mut r, &path, &bytes) else { continue };
            let rel = l.relative(&path);
            if a.recording != rec {
                r.problems.push(format!("{rel}: the file is about recording {:?}", a.recording));
            }
            if !coder_ids.iter().any(|(id, role)| *id == a.supervisor && *role == Role::Supervisor)
            {
                r.problems
                    .push(format!("{rel}: {:?} is not a registered supervisor", a.supervisor));
            }
            match latest.get(&(a.supervisor.clone(), "adjudicate".into(), rel.clone())) {
                None => r.problems.push(format!(
                    "{rel}: {} has no adjudicate line for it",
                    journal_name(&l, &a.supervisor, Role::Supervisor)
                )),
                Some(h) if *h != sha256_hex(&bytes) => r.problems.push(format!(
                    "{rel}: changed after it was saved (sha256 {} but the journal recorded {h})",
                    sha256_hex(&bytes)
                )),
                Some(_) => r.adjudications_matched += 1,
            }
        }
    }

    // A journaled file that is gone: a submitted coding or an adjudication deleted afterwards.
    for (actor, event, path) in latest.keys() {
        let (what, role) = match event.as_str() {
            "submit" => ("submitted coding", Role::Coder),
            "adjudicate" if *scope == Scope::All => ("adjudication", Role::Supervisor),
            _ => continue,
        };
        let safe =
            Path::new(path).components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if safe && !dir.join(path).exists() {
            r.problems.push(format!(
                "{path}: missing, but {} records it as a {what}; restore it from a backup",
                journal_name(&l, actor, role)
            ));
        }
    }

    // Audio: present and unchanged.
    for rec in &recs {
        if let Scope::Coder(_) = scope
            && !queued.contains(&rec.id)
        {
            continue;
        }
        let p = Path::new(&rec.file);
        let path = if p.is_absolute() { p.to_path_buf() } else { dir.join(p) };
        progress(&path);
        match sha256_file(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => r.problems.push(format!(
                "recording {}: its audio {} is missing (moved or deleted); put it back or fix recordings.toml",
                rec.id,
                path.display()
            )),
            Err(e) => r.problems.push(format!(
                "recording {}: cannot read its audio {}: {e}",
                rec.id,
                path.display()
            )),
            Ok(h) if !h.eq_ignore_ascii_case(&rec.sha256) => r.problems.push(format!(
                "recording {}: its audio {} changed since import (sha256 {h}, imported as {})",
                rec.id,
                path.display(),
                rec.sha256
            )),
            Ok(_) => r.audio_checked += 1,
        }
    }
    r
}

/// Blinding and consistency of the plan: no recording assigned to its observer or twice to one
/// coder, and each coder's queue holds exactly their assignments.
fn check_assignments(
    r: &mut Report,
    a: &AssignmentsFile,
    meta: Option<&MetadataFile>,
    queues: &BTreeMap<String, Vec<String>>,
    coders: &[(String, Role)],
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
            r.problems.push(format!(
                "supervisor/assignments.toml: recording {} is assigned to {o}, who observed the visit",
                x.id
            ));
        }
        let mut seen: Vec<&str> = Vec::new();
        for c in &x.coders {
            if seen.contains(&c.as_str()) {
                r.problems.push(format!(
                    "supervisor/assignments.toml: recording {} lists coder {c} twice",
                    x.id
                ));
            }
            seen.push(c);
            expected.entry(c).or_default().push(&x.id);
        }
        if x.double_coded && x.coders.len() < 2 {
            r.problems.push(format!(
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
        let want: Vec<&str> = expected.get(coder.as_str()).cloned().unwrap_or_default();
        let have: Vec<&str> =
            queues.get(coder).map(|q| q.iter().map(String::as_str).collect()).unwrap_or_default();
        if want != have {
            r.problems.push(format!(
                "coders/{coder}/queue.toml does not match supervisor/assignments.toml (queue {have:?}, assigned {want:?}); re-run `tapecoder assign` to rewrite the queues"
            ));
        }
    }
}

/// The journals to check, as (actor, path): in scope `All` every coder folder's journal and every
/// supervisor's; in scope `Coder` only that coder's own.
fn journal_files(r: &mut Report, l: &Layout, scope: &Scope) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if let Scope::Coder(me) = scope {
        if let Ok(p) = l.coder_journal_file(me)
            && p.is_file()
        {
            out.push((me.clone(), p));
        }
        return out;
    }
    match fs::read_dir(l.coders_dir()) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => r.problems.push(format!("{}: cannot list: {e}", l.coders_dir().display())),
        Ok(rd) => {
            for e in rd.flatten() {
                let id = e.file_name().to_string_lossy().into_owned();
                let p = e.path().join(super::locate::CODER_JOURNAL_FILE);
                if p.is_file() {
                    out.push((id, p));
                }
            }
        }
    }
    match journal::journals(&l.supervisor_journal_dir()) {
        Ok(j) => out.extend(j),
        Err(e) => r.problems.push(e.to_string()),
    }
    out.sort();
    out
}

/// The study-relative name of a journal, for messages.
fn journal_name(l: &Layout, actor: &str, role: Role) -> String {
    l.journal_file(actor, role).map(|p| l.relative(&p)).unwrap_or_else(|_| actor.to_string())
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
            r.problems.push(format!("{}: cannot read: {e}", path.display()));
            None
        }
    }
}

fn parse_coding(r: &mut Report, path: &Path, bytes: &[u8]) -> Option<Coding> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        r.problems.push(format!("{}: not UTF-8 text", path.display()));
        return None;
    };
    match Coding::from_toml(text, &path.display().to_string()) {
        Ok(c) => {
            r.files_parsed += 1;
            Some(c)
        }
        Err(e) => {
            r.problems.push(format!("{e}; fix the file by hand or restore it from a backup"));
            None
        }
    }
}

fn parse<T: DeserializeOwned>(r: &mut Report, path: &Path, required: bool) -> Option<T> {
    match read_limited(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => None,
        Err(e) => {
            r.problems.push(format!("{}: cannot read: {e}", path.display()));
            None
        }
        Ok(bytes) => parse_bytes(r, path, &bytes),
    }
}

fn parse_bytes<T: DeserializeOwned>(r: &mut Report, path: &Path, bytes: &[u8]) -> Option<T> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            r.problems.push(format!("{}: not UTF-8 text", path.display()));
            return None;
        }
    };
    match files::parse_toml::<T>(text, path) {
        Ok(v) => {
            r.files_parsed += 1;
            Some(v)
        }
        Err(e) => {
            r.problems.push(e.to_string());
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
