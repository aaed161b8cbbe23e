//! The one-time move of a schema-1 study (shared `queues/`, `codings/` and `journal/` folders) to
//! the schema-2 layout (one folder per coder, `supervisor/journal/`), run by a supervisor with
//! `tapecoder migrate`.
//!
//! All or nothing: the new tree and a backup are built beside the old files, which are only read;
//! three renames then move the new `coders/` and `supervisor/journal/` into place and replace
//! `study.toml` (now `schema = 2`). That last rename is the commit point: on any failure before
//! it, everything made so far is removed and the study is exactly as it was. A migration killed
//! half-way is undone the same way by the next `tapecoder migrate` (what it had placed is listed
//! in `.tapecoder-migrate/placed` before it is placed). Only after the commit are the old folders
//! removed (they are in the backup).
//!
//! File contents are moved byte for byte: codings and journals keep their sha256 and their chain.
//! Journal lines written before the migration keep naming `codings/<coder>/<recording>.toml`;
//! [`super::Layout::current_path`] maps them. The migrating supervisor's journal gets a `migrate`
//! line with the sha256 of the new `study.toml`. The backup goes to
//! `supervisor/backup-schema-1-<time>/`, where only supervisors may read it (it holds every
//! coder's work).
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::StudyError;
use super::files::{self, sha256_hex};
use super::journal;
use super::locate::{Layout, check_id};
use super::lock::CodingLock;
use super::model::{CodersFile, LEGACY_STUDY_SCHEMA, Role, STUDY_SCHEMA, StudyConfig};

/// The schema-1 folders.
pub const LEGACY_QUEUES_DIR: &str = "queues";
pub const LEGACY_CODINGS_DIR: &str = "codings";
pub const LEGACY_JOURNAL_DIR: &str = "journal";
/// Where the new tree is built, inside the study folder (same file system: renames are atomic).
pub const STAGING_DIR: &str = ".tapecoder-migrate";
const PLACED_FILE: &str = "placed";

const HINT: &str = "the study is unchanged (still schema 1); check the disk has space and that you may write to the study folder, then run `tapecoder migrate` again";

/// What a migration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// The backup of the old files (study-relative).
    pub backup: String,
    /// Files moved into the new layout.
    pub files_moved: usize,
    /// Old files that fit no place in the new layout (kept only in the backup).
    pub not_migrated: Vec<String>,
    /// Old folders that could not be removed after the commit (harmless; remove them by hand).
    pub leftovers: Vec<String>,
}

/// Where a test makes the migration fail (`FailAt(n)`: the n-th file-system step returns an I/O
/// error and the migration rolls back; `KillAt(n)`: it stops dead there, as if killed).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    FailAt(usize),
    KillAt(usize),
}

/// Migrates the schema-1 study in `dir` as supervisor `actor`. `Ok(None)` when it is already in
/// the current layout.
pub fn migrate(dir: &Path, actor: &str) -> Result<Option<Migrated>, StudyError> {
    migrate_with(dir, actor, Fault::None)
}

#[doc(hidden)]
pub fn migrate_with(dir: &Path, actor: &str, fault: Fault) -> Result<Option<Migrated>, StudyError> {
    let l = Layout::new(dir);
    let study_path = l.study_file();
    if !study_path.is_file() {
        return Err(StudyError::NotAStudy { dir: dir.to_path_buf() });
    }
    let study_text = files::read_text(&study_path)?;
    let config: StudyConfig = files::parse_toml(&study_text, &study_path)?;
    if config.schema == STUDY_SCHEMA {
        // A migration killed after its commit left the old folders (they are in its backup)
        // and its staging folder: finish its clean-up.
        if dir.join(STAGING_DIR).is_dir() {
            remove_old(dir);
        }
        return Ok(None);
    }
    if config.schema != LEGACY_STUDY_SCHEMA {
        return Err(StudyError::Invalid {
            path: study_path,
            message: format!(
                "schema = {} is neither the old layout ({LEGACY_STUDY_SCHEMA}) nor the current one ({STUDY_SCHEMA}); use a tapecoder version that matches the study",
                config.schema
            ),
        });
    }
    let coders: CodersFile = files::read_toml(&l.coders_file())?;
    let me = coders.coders.iter().find(|c| c.id == actor);
    if !me.is_some_and(|c| c.role == Role::Supervisor) {
        return Err(StudyError::Invalid {
            path: l.coders_file(),
            message: format!(
                "{actor:?} is not a supervisor of this study: only a supervisor can migrate it; ask one of them to run `tapecoder migrate`"
            ),
        });
    }
    undo_interrupted(&l)?;
    let plan = plan(&l, &coders)?;
    for taken in ["coders", "supervisor/journal"] {
        if dir.join(taken).exists() {
            return Err(StudyError::Invalid {
                path: dir.join(taken),
                message: "is in the way of the new layout (a schema-1 study has none); move it out of the study folder and run `tapecoder migrate` again".into(),
            });
        }
    }
    // Nobody may be coding while their files move: take every coder's locks (a crashed holder's
    // is recovered; a live one refuses).
    let _locks = take_locks(&l, &plan)?;
    let new_study = new_study_toml(&study_text, &study_path)?;
    let mut run = Run { l: &l, steps: 0, fault, placed: vec![] };
    match run.all(&plan, &new_study, actor) {
        Ok(()) => {}
        Err(Abort::Killed) => {
            return Err(StudyError::Invalid {
                path: study_path,
                message: "killed (fault injection)".into(),
            });
        }
        Err(Abort::Failed(e)) => {
            run.rollback();
            return Err(e);
        }
    }
    let leftovers = remove_old(dir);
    Ok(Some(Migrated {
        backup: run.backup_rel(),
        files_moved: plan.moves.len(),
        not_migrated: plan.not_migrated,
        leftovers,
    }))
}

/// What moves where (study-relative paths inside the staging folder).
#[derive(Debug, Default)]
struct Plan {
    /// (old file, staging-relative new path)
    moves: Vec<(PathBuf, String)>,
    /// Coders who get a folder even with nothing in it yet.
    coder_dirs: Vec<String>,
    /// Lock files found (coder, recording, path).
    locks: Vec<(String, String, PathBuf)>,
    not_migrated: Vec<String>,
}

fn plan(l: &Layout, coders: &CodersFile) -> Result<Plan, StudyError> {
    let root = l.root();
    let mut p = Plan {
        coder_dirs: coders
            .coders
            .iter()
            .filter(|c| c.role == Role::Coder && check_id("coder", &c.id).is_ok())
            .map(|c| c.id.clone())
            .collect(),
        ..Plan::default()
    };
    let role_of = |id: &str| coders.coders.iter().find(|c| c.id == id).map(|c| c.role);
    for (name, path) in entries(&root.join(LEGACY_QUEUES_DIR))? {
        match name.strip_suffix(".toml").filter(|id| check_id("coder", id).is_ok()) {
            Some(id) => p.moves.push((path, format!("coders/{id}/queue.toml"))),
            None => p.not_migrated.push(format!("{LEGACY_QUEUES_DIR}/{name}")),
        }
    }
    for (coder, cdir) in entries(&root.join(LEGACY_CODINGS_DIR))? {
        if check_id("coder", &coder).is_err() || !cdir.is_dir() {
            p.not_migrated.push(format!("{LEGACY_CODINGS_DIR}/{coder}"));
            continue;
        }
        for (name, path) in entries(&cdir)? {
            let rel = format!("{LEGACY_CODINGS_DIR}/{coder}/{name}");
            if let Some(rec) = name.strip_suffix(".toml").filter(|r| check_id("r", r).is_ok()) {
                p.moves.push((path, format!("coders/{coder}/codings/{rec}.toml")));
            } else if let Some(rec) =
                name.strip_suffix(".lock").filter(|r| check_id("r", r).is_ok())
            {
                p.locks.push((coder.clone(), rec.to_string(), path));
            } else if !name.starts_with('.') {
                // Temp files of interrupted saves (dot files) are litter; anything else is kept
                // in the backup and reported.
                p.not_migrated.push(rel);
            }
        }
    }
    for (name, path) in entries(&root.join(LEGACY_JOURNAL_DIR))? {
        match name.strip_suffix(".jsonl").filter(|id| check_id("actor", id).is_ok()) {
            Some(id) if role_of(id) == Some(Role::Supervisor) => {
                p.moves.push((path, format!("journal/{id}.jsonl")));
            }
            Some(id) => p.moves.push((path, format!("coders/{id}/journal.jsonl"))),
            None => p.not_migrated.push(format!("{LEGACY_JOURNAL_DIR}/{name}")),
        }
    }
    Ok(p)
}

/// (name, path) of a folder's entries, sorted; none when it is missing.
fn entries(dir: &Path) -> Result<Vec<(String, PathBuf)>, StudyError> {
    let rd = match fs::read_dir(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(vec![]),
        r => r.map_err(|e| StudyError::io(dir, "listing", HINT, e))?,
    };
    let mut out = Vec::new();
    for e in rd {
        let e = e.map_err(|e| StudyError::io(dir, "listing", HINT, e))?;
        out.push((e.file_name().to_string_lossy().into_owned(), e.path()));
    }
    out.sort();
    Ok(out)
}

fn take_locks(l: &Layout, plan: &Plan) -> Result<Vec<CodingLock>, StudyError> {
    let mut held = Vec::new();
    for (coder, rec, path) in &plan.locks {
        match CodingLock::acquire(path, coder, rec) {
            Ok(lock) => held.push(lock),
            Err(StudyError::Locked { holder, .. }) => {
                return Err(StudyError::Invalid {
                    path: l.study_file(),
                    message: format!(
                        "coder {coder} has recording {rec} open ({holder}); ask every coder to close tapecoder, then run `tapecoder migrate` again (the study is unchanged)"
                    ),
                });
            }
            Err(e) => return Err(e),
        }
    }
    Ok(held)
}

/// study.toml with `schema = 2`, otherwise exactly as written (comments and all).
fn new_study_toml(text: &str, path: &Path) -> Result<String, StudyError> {
    let mut done = false;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if !done && t.starts_with('[') {
            break;
        }
        let is_schema = t.strip_prefix("schema").map(str::trim_start).and_then(|r| {
            r.strip_prefix('=').map(|v| v.split('#').next().unwrap_or_default().trim() == "1")
        });
        if !done && is_schema == Some(true) {
            out.push_str(&format!("schema = {STUDY_SCHEMA}"));
            out.push_str(if line.ends_with("\r\n") { "\r\n" } else { "\n" });
            done = true;
        } else {
            out.push_str(line);
        }
    }
    let parsed: Option<StudyConfig> = files::parse_toml(&out, path).ok();
    if !done || parsed.is_none_or(|c| c.schema != STUDY_SCHEMA) {
        return Err(StudyError::Invalid {
            path: path.to_path_buf(),
            message: "cannot find the line `schema = 1` before the first [table]; put it at the top of the file and run `tapecoder migrate` again".into(),
        });
    }
    Ok(out)
}

/// A migration under way: counts its file-system steps (for fault injection) and remembers what
/// it placed in the study folder (for the rollback).
struct Run<'a> {
    l: &'a Layout,
    steps: usize,
    fault: Fault,
    placed: Vec<String>,
}

enum Abort {
    Failed(StudyError),
    Killed,
}

impl Run<'_> {
    fn root(&self) -> &Path {
        self.l.root()
    }
    fn staging(&self) -> PathBuf {
        self.root().join(STAGING_DIR)
    }

    /// One file-system step: runs `f` unless a fault is injected here.
    fn step<T>(
        &mut self,
        path: &Path,
        action: &'static str,
        f: impl FnOnce() -> io::Result<T>,
    ) -> Result<T, Abort> {
        let n = self.steps;
        self.steps += 1;
        match self.fault {
            Fault::KillAt(k) if k == n => return Err(Abort::Killed),
            Fault::FailAt(k) if k == n => {
                let e = io::Error::other("injected failure");
                return Err(Abort::Failed(StudyError::io(path, action, HINT, e)));
            }
            _ => {}
        }
        f().map_err(|e| Abort::Failed(StudyError::io(path, action, HINT, e)))
    }

    fn all(&mut self, plan: &Plan, new_study: &str, actor: &str) -> Result<(), Abort> {
        let staging = self.staging();
        self.step(&staging, "creating the migration folder", || fs::create_dir(&staging))?;
        let sup = self.root().join("supervisor");
        let mut placed: Vec<String> = Vec::new();
        if !sup.exists() {
            placed.push("supervisor".into());
        }
        let backup = self.backup_rel_new();
        placed.extend([backup.clone(), "coders".into(), "supervisor/journal".into()]);
        let record = staging.join(PLACED_FILE);
        let text = placed.join("\n") + "\n";
        self.step(&record, "writing", || write_durable(&record, text.as_bytes()))?;
        self.placed = placed;
        self.step(&sup, "creating", || fs::create_dir_all(&sup))?;
        self.backup(&backup)?;
        self.build(plan, new_study, actor)?;
        self.commit()
    }

    /// A name for the backup that is not taken yet.
    fn backup_rel_new(&self) -> String {
        let stamp: String =
            journal::now_rfc3339().chars().filter(char::is_ascii_alphanumeric).collect();
        let base = format!("supervisor/backup-schema-1-{stamp}");
        let mut rel = base.clone();
        let mut n = 2;
        while self.root().join(&rel).exists() {
            rel = format!("{base}-{n}");
            n += 1;
        }
        rel
    }
    fn backup_rel(&self) -> String {
        self.placed
            .iter()
            .find(|p| p.starts_with("supervisor/backup-"))
            .cloned()
            .unwrap_or_default()
    }

    /// Copies study.toml and the three old folders, whole, into the backup.
    fn backup(&mut self, rel: &str) -> Result<(), Abort> {
        let dest = self.root().join(rel);
        self.step(&dest, "creating the backup folder", || fs::create_dir(&dest))?;
        let study = self.l.study_file();
        let to = dest.join(super::locate::STUDY_FILE);
        self.step(&to, "backing up", || copy_durable(&study, &to))?;
        for d in [LEGACY_QUEUES_DIR, LEGACY_CODINGS_DIR, LEGACY_JOURNAL_DIR] {
            let from = self.root().join(d);
            if from.is_dir() {
                self.copy_tree(&from, &dest.join(d))?;
            }
        }
        let dirs = [dest.clone(), self.root().join("supervisor")];
        for d in dirs {
            self.step(&d, "flushing the folder", || files::sync_dir(&d))?;
        }
        Ok(())
    }

    fn copy_tree(&mut self, from: &Path, to: &Path) -> Result<(), Abort> {
        self.step(to, "creating", || fs::create_dir(to))?;
        let list = self.step(from, "listing", || {
            let mut v: Vec<PathBuf> =
                fs::read_dir(from)?.map(|e| e.map(|e| e.path())).collect::<io::Result<_>>()?;
            v.sort();
            Ok(v)
        })?;
        for p in list {
            let target = to.join(p.file_name().unwrap_or_default());
            if p.is_dir() {
                self.copy_tree(&p, &target)?;
            } else {
                self.step(&target, "backing up", || copy_durable(&p, &target))?;
            }
        }
        Ok(())
    }

    /// The new tree in the staging folder: every moved file, the coders' folders, the new
    /// study.toml and the migrating supervisor's `migrate` journal line.
    fn build(&mut self, plan: &Plan, new_study: &str, actor: &str) -> Result<(), Abort> {
        let staging = self.staging();
        for d in ["coders", "journal"] {
            let p = staging.join(d);
            self.step(&p, "creating", || fs::create_dir(&p))?;
        }
        for c in &plan.coder_dirs {
            let p = staging.join("coders").join(c);
            self.step(&p, "creating", || fs::create_dir_all(&p))?;
        }
        for (from, rel) in &plan.moves {
            let to = staging.join(rel);
            self.step(&to, "copying", || {
                if let Some(parent) = to.parent() {
                    fs::create_dir_all(parent)?;
                }
                copy_durable(from, &to)
            })?;
        }
        let study = staging.join(super::locate::STUDY_FILE);
        self.step(&study, "writing", || write_durable(&study, new_study.as_bytes()))?;
        let jpath = staging.join("journal").join(format!("{actor}.jsonl"));
        let sha = sha256_hex(new_study.as_bytes());
        let appended = self.step(&jpath, "appending to the journal", || {
            journal::append(&jpath, actor, "migrate", Some(("study.toml", &sha)))
                .map_err(io::Error::other)
        });
        appended.map(|_| ())
    }

    /// The three renames; the last (study.toml) is the commit point.
    fn commit(&mut self) -> Result<(), Abort> {
        let staging = self.staging();
        let moves = [
            (staging.join("coders"), self.root().join("coders")),
            (staging.join("journal"), self.l.supervisor_journal_dir()),
        ];
        for (from, to) in moves {
            self.step(&to, "moving into place", || fs::rename(&from, &to))?;
        }
        let dirs = [self.root().to_path_buf(), self.l.supervisor_dir()];
        for d in dirs {
            self.step(&d, "flushing the folder", || files::sync_dir(&d))?;
        }
        let study = self.l.study_file();
        let from = staging.join(super::locate::STUDY_FILE);
        self.step(&study, "replacing", || fs::rename(&from, &study))?;
        let root = self.root().to_path_buf();
        // After the rename the study is migrated; a failed flush cannot undo it any more.
        let _ = files::sync_dir(&root);
        Ok(())
    }

    /// Removes everything this run placed, newest first, then the staging folder.
    fn rollback(&self) {
        undo(self.root(), &self.placed);
    }
}

/// After the commit: the old folders (now in the backup) and the staging folder go. Returns the
/// ones that could not be removed.
fn remove_old(root: &Path) -> Vec<String> {
    let mut left = Vec::new();
    for d in [LEGACY_QUEUES_DIR, LEGACY_CODINGS_DIR, LEGACY_JOURNAL_DIR, STAGING_DIR] {
        let p = root.join(d);
        if p.exists() && fs::remove_dir_all(&p).is_err() {
            left.push(d.to_string());
        }
    }
    left
}

fn undo(root: &Path, placed: &[String]) {
    for rel in placed.iter().rev() {
        let p = root.join(rel);
        if p.is_dir() {
            let _ = fs::remove_dir_all(&p);
        }
    }
    let _ = fs::remove_dir_all(root.join(STAGING_DIR));
    let _ = files::sync_dir(root);
}

/// A staging folder left by a killed migration of a study still at schema 1: undo what it had
/// placed (listed in its record before it was placed), so the study is as before.
fn undo_interrupted(l: &Layout) -> Result<(), StudyError> {
    let staging = l.root().join(STAGING_DIR);
    if !staging.exists() {
        return Ok(());
    }
    let placed: Vec<String> = match fs::read_to_string(staging.join(PLACED_FILE)) {
        Ok(t) => t
            .lines()
            .filter(|r| {
                let safe =
                    Path::new(r).components().all(|c| matches!(c, std::path::Component::Normal(_)));
                safe && !r.is_empty()
            })
            .map(str::to_string)
            .collect(),
        Err(_) => vec![],
    };
    undo(l.root(), &placed);
    if staging.exists() {
        return Err(StudyError::io(
            &staging,
            "removing an interrupted migration",
            HINT,
            io::Error::other("it is still there"),
        ));
    }
    Ok(())
}

fn copy_durable(from: &Path, to: &Path) -> io::Result<()> {
    fs::copy(from, to)?;
    fs::File::open(to)?.sync_all()
}

fn write_durable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut f = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::study::Study;

    const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema1-sample");

    fn copy_dir(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let t = to.join(e.file_name());
            if e.path().is_dir() {
                copy_dir(&e.path(), &t)
            } else {
                fs::copy(e.path(), &t).map(|_| ()).unwrap()
            }
        }
    }

    /// A copy of the schema-1 sample (without audio) beside a copy of the codebook.
    fn old_study() -> (tempfile::TempDir, PathBuf) {
        // On tmpfs where there is one: each run makes ~50 fsyncs, slow on a busy disk.
        let shm = Path::new("/dev/shm");
        let t = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() };
        let t = t.unwrap();
        let dir = t.path().join("sample-sessions");
        copy_dir(Path::new(FIXTURE), &dir);
        let cb = Path::new(env!("CARGO_MANIFEST_DIR")).join("codebook");
        copy_dir(&cb, &t.path().join("codebook"));
        (t, dir)
    }

    /// Every path under `dir` with its bytes (None for a folder).
    fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
        fn walk(root: &Path, d: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
            for e in fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                if p.is_dir() {
                    out.insert(rel, None);
                    walk(root, &p, out);
                } else {
                    out.insert(rel, Some(fs::read(&p).unwrap()));
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    }

    fn check_migrated(dir: &Path, before: &BTreeMap<String, Option<Vec<u8>>>) {
        let after = snapshot(dir);
        // Byte for byte in their new places.
        for (old, new) in [
            ("codings/ana/R001.toml", "coders/ana/codings/R001.toml"),
            ("codings/ben/R006.toml", "coders/ben/codings/R006.toml"),
            ("queues/demo.toml", "coders/demo/queue.toml"),
            ("journal/ana.jsonl", "coders/ana/journal.jsonl"),
            ("supervisor/metadata.toml", "supervisor/metadata.toml"),
            ("recordings.toml", "recordings.toml"),
        ] {
            assert_eq!(after.get(new), before.get(old), "{old} -> {new}");
        }
        for gone in ["codings", "queues", "journal", STAGING_DIR] {
            assert!(!after.contains_key(gone), "{gone} left over");
        }
        let sup =
            String::from_utf8(after["supervisor/journal/sup.jsonl"].clone().unwrap()).unwrap();
        let old_sup = String::from_utf8(before["journal/sup.jsonl"].clone().unwrap()).unwrap();
        assert!(sup.starts_with(&old_sup), "the supervisor's journal is appended to");
        assert!(sup.lines().last().unwrap().contains("\"event\":\"migrate\""), "{sup}");
        let backup: Vec<&String> =
            after.keys().filter(|k| k.starts_with("supervisor/backup-schema-1-")).collect();
        let root =
            backup.iter().find(|k| !k.contains("/study.toml") && k.matches('/').count() == 1);
        let root = root.expect("a backup folder");
        for f in ["study.toml", "journal/ben.jsonl", "codings/ana/R003.toml", "queues/ana.toml"] {
            assert_eq!(after.get(&format!("{root}/{f}")), before.get(f), "backup of {f}");
        }
        // Opens, and verify accepts it (audio aside: this copy has none).
        let s = Study::open(dir).unwrap();
        assert_eq!(s.queue_ids("ben").unwrap(), vec!["R001", "R003", "R004", "R005", "R006"]);
        assert_eq!(s.all_codings().unwrap().len(), 8);
        let report = super::super::verify::verify(dir, &super::super::verify::Scope::All, |_| {});
        let problems: Vec<&String> =
            report.problems.iter().filter(|p| !p.contains("its audio")).collect();
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(report.submitted_matched, 8);
    }

    #[test]
    fn migrates_the_schema_1_sample_once() {
        let (_t, dir) = old_study();
        let before = snapshot(&dir);
        assert!(matches!(Study::open(&dir), Err(StudyError::OldLayout { .. })));
        let m = migrate(&dir, "sup").unwrap().expect("migrated");
        assert_eq!(m.files_moved, 3 + 8 + 3);
        assert!(m.not_migrated.is_empty() && m.leftovers.is_empty(), "{m:?}");
        check_migrated(&dir, &before);
        assert!(fs::read_to_string(dir.join("study.toml")).unwrap().starts_with("schema = 2\n"));
        // Once: a second run has nothing to do and changes nothing.
        let done = snapshot(&dir);
        assert_eq!(migrate(&dir, "sup").unwrap(), None);
        assert_eq!(snapshot(&dir), done);
    }

    #[test]
    fn only_a_supervisor_migrates() {
        let (_t, dir) = old_study();
        let before = snapshot(&dir);
        for who in ["ben", "demo", "nobody"] {
            let err = migrate(&dir, who).unwrap_err().to_string();
            assert!(err.contains("only a supervisor can migrate"), "{err}");
        }
        assert_eq!(snapshot(&dir), before);
    }

    #[test]
    fn an_io_error_at_any_step_leaves_the_old_study_untouched() {
        let mut n = 0;
        loop {
            let (_t, dir) = old_study();
            let before = snapshot(&dir);
            match migrate_with(&dir, "sup", Fault::FailAt(n)) {
                Err(e) => {
                    let msg = e.to_string();
                    assert!(msg.contains("injected failure") && msg.contains("unchanged"), "{msg}");
                    assert_eq!(snapshot(&dir), before, "step {n}: {msg}");
                }
                Ok(m) => {
                    // Past the last step: nothing failed.
                    assert!(m.is_some());
                    check_migrated(&dir, &before);
                    break;
                }
            }
            n += 1;
            assert!(n < 500, "the migration never finished");
        }
        assert!(n > 30, "only {n} steps: the injection does not reach every step");
    }

    #[test]
    fn a_migration_killed_at_any_step_is_undone_or_finished_by_the_next() {
        let mut n = 0;
        loop {
            let (_t, dir) = old_study();
            let before = snapshot(&dir);
            if migrate_with(&dir, "sup", Fault::KillAt(n)).is_ok() {
                break;
            }
            let schema: StudyConfig = files::read_toml(&dir.join("study.toml")).unwrap();
            if schema.schema == LEGACY_STUDY_SCHEMA {
                // Not committed: the old files are as they were.
                for (k, v) in &before {
                    assert_eq!(snapshot(&dir).get(k), Some(v), "step {n}: {k}");
                }
                assert!(migrate(&dir, "sup").unwrap().is_some(), "step {n}");
            } else {
                assert_eq!(migrate(&dir, "sup").unwrap(), None, "step {n}");
            }
            check_migrated(&dir, &before);
            n += 1;
            assert!(n < 500);
        }
    }

    #[test]
    fn a_coder_still_working_stops_the_migration() {
        let (_t, dir) = old_study();
        let lock = CodingLock::acquire(&dir.join("codings/ben/R005.lock"), "ben", "R005").unwrap();
        let err = migrate(&dir, "sup").unwrap_err().to_string();
        assert!(err.contains("coder ben has recording R005 open"), "{err}");
        drop(lock);
        let before = snapshot(&dir);
        migrate(&dir, "sup").unwrap().unwrap();
        check_migrated(&dir, &before);
    }

    #[test]
    fn something_in_the_way_is_refused() {
        let (_t, dir) = old_study();
        fs::create_dir(dir.join("coders")).unwrap();
        let before = snapshot(&dir);
        let err = migrate(&dir, "sup").unwrap_err().to_string();
        assert!(err.contains("in the way"), "{err}");
        assert_eq!(snapshot(&dir), before);
    }

    #[test]
    fn study_toml_keeps_its_text() {
        let p = Path::new("study.toml");
        let t = "# my study\nschema = 1 # old\nname = \"x\"\ncodebook = \"c.toml\"\n\n[reliability]\ntolerance = 1\n";
        let n = new_study_toml(t, p).unwrap();
        assert_eq!(n, t.replace("schema = 1 # old", "schema = 2"));
        assert!(new_study_toml("name = \"x\"\n[a]\nschema = 1\n", p).is_err());
    }
}
