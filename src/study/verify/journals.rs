//! `verify`'s journal phase: whose keys are trusted (from the founder pinned in study.toml), every
//! journal's chain and signatures, and what the validly signed lines claim about files.
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Common, Report, Scope};
use crate::identity::PublicKey;
use crate::study::journal::{self, Line};
use crate::study::locate::{Layout, check_id};
use crate::study::model::{Action, Coder, Event, FileHash, Role, StudyConfig};

/// What the signed journal lines say about one file.
#[derive(Debug, Default)]
pub(super) struct PathClaim {
    /// Whose journal says it.
    pub actor: String,
    /// sha256 of each commit line (`submit`, `adjudicate`), in journal order.
    pub commits: Vec<String>,
    /// sha256 of each intent line, in journal order.
    pub intents: Vec<String>,
}

impl PathClaim {
    /// A submitted coding whose content hashes to `sha`: exactly one submit line, matching; or,
    /// after a submit interrupted between its save and its commit line, a matching signed intent.
    pub fn expected(&self, sha: &str) -> Result<(), String> {
        let actor = &self.actor;
        match self.commits.as_slice() {
            [] if self.intents.iter().any(|i| i == sha) => Ok(()),
            [] => Err(format!(
                "submitted, but {actor}'s journal has no signed submit line for this content (sha256 {sha}); restore it from a backup"
            )),
            [only] if only == sha => Ok(()),
            [only] => Err(format!(
                "changed after it was submitted (sha256 {sha} but {actor}'s journal recorded {only}); restore it from a backup"
            )),
            many => Err(format!(
                "{actor}'s journal records {} submits of it, but a coding is submitted once (it was edited and submitted again); restore the first submitted version from a backup",
                many.len()
            )),
        }
    }

    /// An adjudication whose content hashes to `sha`: its latest commit (or intent) matches.
    pub fn latest(&self, sha: &str) -> Result<(), String> {
        let last = self.commits.last().map(String::as_str);
        if last == Some(sha) || self.intents.last().map(String::as_str) == Some(sha) {
            return Ok(());
        }
        Err(format!(
            "changed after it was saved (sha256 {sha} but the journal recorded {}); restore it from a backup or adjudicate again",
            last.unwrap_or("no commit")
        ))
    }
}

/// A supervisor's first receipt of a submitted coding.
#[derive(Debug)]
pub(super) struct Receipt {
    pub supervisor: String,
    pub at: String,
    pub sha256: String,
}

/// What the validly signed lines of every journal in scope claim.
#[derive(Debug, Default)]
pub(super) struct Claims {
    pub submits: BTreeMap<String, PathClaim>,
    pub adjudications: BTreeMap<String, PathClaim>,
    pub receipts: BTreeMap<String, Receipt>,
    /// transcripts/<recording>.toml → (supervisor, sha256 of the latest attach, or None after a
    /// detach).
    pub transcripts: BTreeMap<String, (String, Option<String>)>,
    /// supervisor/probes.toml as the latest `probes` line saved it: (at, supervisor, sha256).
    pub probes: Option<(String, String, String)>,
    /// supervisor/gold/<recording>.toml and supervisor/calibration/<name>.toml: their intent and
    /// commit lines (the latest must match, like an adjudication).
    pub gold: BTreeMap<String, PathClaim>,
    /// The feedback copies of gold in coders' training folders: path → (supervisor, sha256 of
    /// the latest `calibration_assign` that wrote it).
    pub copies: BTreeMap<String, (String, String)>,
}

/// A person as registered by a trusted signed line.
#[derive(Debug, Clone)]
struct Registered {
    name: String,
    role: Role,
    key: PublicKey,
    by: String,
}

/// One journal as read: actor, path, lines.
type Journal = (String, PathBuf, Vec<Line>);

/// Reads and checks every journal in scope; returns what their valid lines claim.
pub(super) fn check(r: &mut Report, l: &Layout, scope: &Scope, common: &Common) -> Claims {
    let journals = read_journals(r, l, scope);
    let keys: BTreeMap<String, Registered> = match scope {
        Scope::All => trusted(r, common, &journals),
        Scope::Coder(me) => own_key(r, common, me),
    };
    let vouched = migrations(&journals, &keys);
    let mut claims = Claims::default();
    for (actor, path, lines) in &journals {
        let shown = l.relative(path);
        // Lines from before signed identities count when a trusted migration vouched for them
        // (a coder's own verify cannot read the supervisors' journals: it takes them as they are).
        let old: Vec<&Line> = lines.iter().filter(|x| x.legacy).collect();
        let old_ok =
            *scope != Scope::All || vouched.journals.contains(&(shown.clone(), legacy_hash(&old)));
        for line in &old {
            if old_ok {
                let role = keys.get(actor).map_or(Role::Coder, |w| w.role);
                claim(r, l, &mut claims, actor, role, line);
            } else {
                r.problem(format!(
                    "{shown}:{}: an unsigned line (written before signed identities) that no migration by a trusted supervisor vouches for; restore the journal from a backup",
                    line.number
                ));
            }
        }
        if old.len() == lines.len() && old_ok {
            continue;
        }
        let Some(who) = keys.get(actor) else {
            r.problem(format!(
                "{shown}: unknown signer: {actor} is not registered with a key by a trusted supervisor, so none of its lines count; remove the file or restore coders.toml from a backup"
            ));
            continue;
        };
        // The signatures are checked on every core (a large study's journals have tens of
        // thousands of lines), then the lines are taken in order.
        let signed: Vec<&Line> = lines.iter().filter(|x| !x.legacy).collect();
        let valid = crate::par::map(&signed, |line| journal::signature_valid(&line.raw, &who.key));
        for (line, valid) in signed.into_iter().zip(valid) {
            if !valid {
                r.problem(format!(
                    "{shown}:{}: bad signature: the line was not signed by {actor}'s registered key (forged or edited), so it counts for nothing; restore the journal from a backup",
                    line.number
                ));
                continue;
            }
            claim(r, l, &mut claims, actor, who.role, line);
        }
    }
    claims
}

/// What trusted migrations vouch for: (journal path, sha256 of its old lines), keyless coders.
#[derive(Debug, Default)]
struct Vouched {
    journals: std::collections::BTreeSet<(String, String)>,
    keyless: std::collections::BTreeSet<String>,
}

fn migrations(journals: &[Journal], keys: &BTreeMap<String, Registered>) -> Vouched {
    let mut v = Vouched::default();
    for (actor, _, lines) in journals {
        let Some(sup) = keys.get(actor).filter(|s| s.role == Role::Supervisor) else { continue };
        for line in lines.iter().filter(|x| !x.legacy) {
            if let Event::Migrate { journals, keyless, .. } = &line.entry.event
                && journal::signature_valid(&line.raw, &sup.key)
            {
                v.journals.extend(journals.iter().map(|f| (f.path.clone(), f.sha256.clone())));
                v.keyless.extend(keyless.iter().cloned());
            }
        }
    }
    v
}

/// The sha256 of a journal's old lines as the file held them (each with its newline).
fn legacy_hash(lines: &[&Line]) -> String {
    let mut bytes = Vec::new();
    for l in lines {
        bytes.extend_from_slice(&l.raw);
        bytes.push(b'\n');
    }
    crate::study::files::sha256_hex(&bytes)
}

/// The journals of the supervisors coders.toml lists (in the coders' folders and the
/// supervisors' own), read and chained once: what [`trusted_supervisor_in`] and the receipts at
/// a supervisor's open ([`crate::study::Study::record_receipts_with`]) both need.
#[derive(Debug, Default)]
pub struct SupervisorJournals {
    journals: Vec<Journal>,
}

impl SupervisorJournals {
    /// Reads them (a journal that cannot be read is left out, as [`trusted_supervisor`] always
    /// did: the receipts read such a file again and report why).
    pub fn read(l: &Layout, coders: &[Coder]) -> SupervisorJournals {
        let mut scratch = Report::default();
        let sups: Vec<&str> =
            coders.iter().filter(|c| c.role == Role::Supervisor).map(|c| c.id.as_str()).collect();
        // Only the supervisors' journals are read: the coders' hold no registrations that
        // count, and in a large study they are most of the journal bytes.
        let files: Vec<(String, PathBuf)> = journal_files(&mut scratch, l, &Scope::All)
            .into_iter()
            .filter(|(actor, _)| sups.contains(&actor.as_str()))
            .collect();
        SupervisorJournals { journals: read_journal_files(&mut scratch, files) }
    }

    /// The lines read from `path`, if it was read.
    pub fn lines(&self, path: &std::path::Path) -> Option<&[Line]> {
        self.journals.iter().find(|j| j.1 == path).map(|j| j.2.as_slice())
    }
}

/// Whether `id` holding `key` is a supervisor by the signed chain of registrations from the
/// founder (reading only the journals of the supervisors coders.toml lists). Commands check this
/// before acting as a supervisor, so a hand-edited coders.toml grants nobody the role.
pub fn trusted_supervisor(
    l: &Layout,
    config: &StudyConfig,
    coders: &[Coder],
    id: &str,
    key: &str,
) -> bool {
    trusted_supervisor_in(&SupervisorJournals::read(l, coders), config, id, key)
}

/// [`trusted_supervisor`] over journals already read.
pub fn trusted_supervisor_in(
    journals: &SupervisorJournals,
    config: &StudyConfig,
    id: &str,
    key: &str,
) -> bool {
    let mut scratch = Report::default();
    let common = Common {
        config: Some(config.clone()),
        scales: BTreeMap::new(),
        versions: BTreeMap::new(),
        first: None,
        coders: vec![],
        recordings: vec![],
    };
    let trusted = trusted(&mut scratch, &common, &journals.journals);
    trusted.get(id).is_some_and(|t| t.role == Role::Supervisor && t.key.to_string() == key)
}

fn read_journals(r: &mut Report, l: &Layout, scope: &Scope) -> Vec<Journal> {
    let files = journal_files(r, l, scope);
    read_journal_files(r, files)
}

fn read_journal_files(r: &mut Report, files: Vec<(String, PathBuf)>) -> Vec<Journal> {
    let mut out = Vec::new();
    // Read and chained on every core, reported in order.
    let read = crate::par::map(&files, |(actor, path)| {
        check_id("actor", actor).map(|()| journal::read_and_check(path, actor, None))
    });
    for ((actor, path), read) in files.into_iter().zip(read) {
        let read = match read {
            Err(e) => {
                r.problem(format!("{}: {e}", path.display()));
                continue;
            }
            Ok(read) => read,
        };
        match read {
            Err(e) => r.problem(e.to_string()),
            Ok((lines, problems)) => {
                r.journals += 1;
                r.journal_lines += lines.len();
                r.problems.extend(problems);
                out.push((actor, path, lines));
            }
        }
    }
    out
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
    match std::fs::read_dir(l.coders_dir()) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => r.problem(format!("{}: cannot list: {e}", l.coders_dir().display())),
        Ok(rd) => {
            for e in rd.flatten() {
                let id = e.file_name().to_string_lossy().into_owned();
                let p = e.path().join(crate::study::locate::CODER_JOURNAL_FILE);
                if p.is_file() {
                    out.push((id, p));
                }
            }
        }
    }
    match journal::journals(&l.supervisor_journal_dir()) {
        Ok(j) => out.extend(j),
        Err(e) => r.problem(e.to_string()),
    }
    out.sort();
    out
}

/// A coder's own key, as coders.toml registers it (a coder cannot read the supervisors' journals
/// that prove the registration; a supervisor's verify checks that).
fn own_key(r: &mut Report, common: &Common, me: &str) -> BTreeMap<String, Registered> {
    let mut out = BTreeMap::new();
    let coder = common.coders.iter().find(|c| c.id == me);
    match coder.and_then(|c| c.key.as_deref().map(|k| (c, PublicKey::parse(k)))) {
        Some((c, Ok(key))) => {
            let reg = Registered { name: c.name.clone(), role: c.role, key, by: String::new() };
            out.insert(me.to_string(), reg);
        }
        Some((_, Err(e))) => r.problem(format!("coders.toml: the key of {me}: {e}")),
        None => r.problem(format!(
            "coders.toml: {me} has no public key registered; ask a supervisor to register yours"
        )),
    }
    out
}

/// The people trusted: the founding supervisor (their key's fingerprint pinned in study.toml,
/// registering themself in a line signed by that key), then everyone a trusted supervisor
/// registered in a line signed by their trusted key. Compares the result with coders.toml.
fn trusted(r: &mut Report, common: &Common, journals: &[Journal]) -> BTreeMap<String, Registered> {
    let mut trusted: BTreeMap<String, Registered> = BTreeMap::new();
    let Some(founder) = common.config.as_ref().and_then(|c| c.founder.clone()) else {
        r.problem(
            "study.toml: no founding supervisor's key is pinned (`founder`), so no signature can be trusted; this study was made before signed identities: ask its supervisor to migrate it",
        );
        return trusted;
    };
    'founder: for (actor, _, lines) in journals {
        for line in lines {
            if let Some((id, reg)) = registration(actor, line, None)
                && id == *actor
                && reg.role == Role::Supervisor
                && reg.key.fingerprint().eq_ignore_ascii_case(&founder)
            {
                trusted.insert(id, reg);
                break 'founder;
            }
        }
    }
    loop {
        let mut added = false;
        for (actor, _, lines) in journals {
            let Some(sup) = trusted.get(actor).filter(|s| s.role == Role::Supervisor).cloned()
            else {
                continue;
            };
            for line in lines {
                let Some((id, reg)) = registration(actor, line, Some(&sup.key)) else { continue };
                match trusted.get(&id) {
                    None => {
                        trusted.insert(id, reg);
                        added = true;
                    }
                    Some(old) if old.key != reg.key || old.role != reg.role => r.problem(format!(
                        "{actor}'s journal:{}: registers {id} again with another key or role; only the first registration counts",
                        line.number
                    )),
                    Some(_) => {}
                }
            }
        }
        if !added {
            break;
        }
    }
    let keyless = migrations(journals, &trusted).keyless;
    compare_coders(r, common, &trusted, &keyless);
    trusted
}

/// The person a `coder_added` line registers, if it is one and (when `key` is given) it is
/// signed by `key`; without `key`, by the key it registers (the founder registering themself).
fn registration(actor: &str, line: &Line, key: Option<&PublicKey>) -> Option<(String, Registered)> {
    let Event::CoderAdded { id, name, role, key: registered, .. } = &line.entry.event else {
        return None;
    };
    let public = PublicKey::parse(registered).ok()?;
    let signer = key.unwrap_or(&public);
    journal::signature_valid(&line.raw, signer).then(|| {
        let reg = Registered { name: name.clone(), role: *role, key: public, by: actor.into() };
        (id.clone(), reg)
    })
}

fn compare_coders(
    r: &mut Report,
    common: &Common,
    trusted: &BTreeMap<String, Registered>,
    keyless: &std::collections::BTreeSet<String>,
) {
    for c in &common.coders {
        match trusted.get(&c.id) {
            None if c.key.is_none() && keyless.contains(&c.id) => {}
            None => r.problem(format!(
                "coders.toml: {} is not registered by any trusted supervisor's signed journal (added by hand?); remove the entry or restore coders.toml from a backup",
                c.id
            )),
            Some(t) if t.role != c.role || t.name != c.name || c.key != Some(t.key.to_string()) => {
                r.problem(format!(
                    "coders.toml: the entry of {} (name, role or key) differs from its signed registration by {}; restore coders.toml from a backup",
                    c.id, t.by
                ));
            }
            Some(_) => {}
        }
    }
    for (id, t) in trusted {
        if !common.coders.iter().any(|c| &c.id == id) {
            r.problem(format!(
                "coders.toml: {id}, registered in {}'s signed journal, is missing; restore coders.toml from a backup",
                t.by
            ));
        }
    }
}

/// The event with every path as the current layout names it (lines written before a migration
/// name the old paths).
fn current_paths(mut event: Event) -> Event {
    match &mut event {
        Event::Submit { file } | Event::Intent { file, .. } | Event::Adjudicate { file } => {
            file.path = Layout::current_path(&file.path);
        }
        Event::Receipts { codings } => {
            for f in codings {
                f.path = Layout::current_path(&f.path);
            }
        }
        _ => {}
    }
    event
}

/// The first receipt of each coding a supervisor's `receipts` line lists.
fn claim_receipts(
    r: &mut Report,
    claims: &mut Claims,
    actor: &str,
    at: &str,
    codings: &[FileHash],
) {
    for f in codings {
        match claims.receipts.get(&f.path) {
            None => {
                let rc = Receipt {
                    supervisor: actor.to_string(),
                    at: at.to_string(),
                    sha256: f.sha256.clone(),
                };
                claims.receipts.insert(f.path.clone(), rc);
            }
            Some(first) if first.sha256 != f.sha256 => r.problem(format!(
                "{}: received twice with different content ({} by {}, {} by {actor}); restore the first received version from a backup",
                f.path, first.sha256, first.supervisor, f.sha256
            )),
            Some(_) => {}
        }
    }
}

/// A supervisor's gold, calibration set or calibration assignment line.
fn claim_gold(claims: &mut Claims, actor: &str, event: &Event) {
    match event {
        Event::Gold { file } | Event::Calibration { file } | Event::Intent { file, .. } => {
            let c = claims.gold.entry(file.path.clone()).or_default();
            c.actor = actor.to_string();
            if matches!(event, Event::Intent { .. }) {
                c.intents.push(file.sha256.clone());
            } else {
                c.commits.push(file.sha256.clone());
            }
        }
        Event::CalibrationAssign { files, .. } => {
            for f in files {
                claims.copies.insert(f.path.clone(), (actor.to_string(), f.sha256.clone()));
            }
        }
        _ => {}
    }
}

/// Records what one validly signed line says.
fn claim(r: &mut Report, l: &Layout, claims: &mut Claims, actor: &str, role: Role, line: &Line) {
    let own = l.codings_dir(actor).map(|d| format!("{}/", l.relative(&d))).unwrap_or_default();
    let training =
        l.training_codings_dir(actor).map(|d| format!("{}/", l.relative(&d))).unwrap_or_default();
    let entry = |map: &mut BTreeMap<String, PathClaim>, path: &str| -> Option<()> {
        let c = map.entry(path.to_string()).or_default();
        if c.actor.is_empty() {
            c.actor = actor.to_string();
        }
        (c.actor == actor).then_some(())
    };
    let event = current_paths(line.entry.event.clone());
    match &event {
        Event::Submit { file } | Event::Intent { action: Action::Submit, file } => {
            let mine = file.path.starts_with(&own) || file.path.starts_with(&training);
            if !mine || entry(&mut claims.submits, &file.path).is_none() {
                r.problem(format!(
                    "{actor}'s journal:{}: records a submit of {}, which is not {actor}'s coding; restore the journal from a backup",
                    line.number, file.path
                ));
                return;
            }
            let c = claims.submits.entry(file.path.clone()).or_default();
            match event {
                Event::Submit { .. } => c.commits.push(file.sha256.clone()),
                _ => c.intents.push(file.sha256.clone()),
            }
        }
        Event::Adjudicate { file } | Event::Intent { action: Action::Adjudicate, file }
            if role == Role::Supervisor =>
        {
            let c = claims.adjudications.entry(file.path.clone()).or_default();
            c.actor = actor.to_string();
            match event {
                Event::Adjudicate { .. } => c.commits.push(file.sha256.clone()),
                _ => c.intents.push(file.sha256.clone()),
            }
        }
        Event::Gold { .. }
        | Event::Calibration { .. }
        | Event::CalibrationAssign { .. }
        | Event::Intent { action: Action::Gold | Action::Calibration, .. }
            if role == Role::Supervisor =>
        {
            claim_gold(claims, actor, &event);
        }
        Event::Receipts { codings } if role == Role::Supervisor => {
            claim_receipts(r, claims, actor, &line.entry.at, codings);
        }
        Event::Transcript { file } if role == Role::Supervisor => {
            claims
                .transcripts
                .insert(file.path.clone(), (actor.to_string(), Some(file.sha256.clone())));
        }
        Event::TranscriptDetached { file } if role == Role::Supervisor => {
            claims.transcripts.insert(file.path.clone(), (actor.to_string(), None));
        }
        Event::Probes { file } if role == Role::Supervisor => {
            let at = line.entry.at.clone();
            if claims.probes.as_ref().is_none_or(|(last, _, _)| *last <= at) {
                claims.probes = Some((at, actor.to_string(), file.sha256.clone()));
            }
        }
        Event::Adjudicate { .. }
        | Event::Gold { .. }
        | Event::Calibration { .. }
        | Event::CalibrationAssign { .. }
        | Event::Intent { .. }
        | Event::Probes { .. }
        | Event::Receipts { .. }
        | Event::Transcript { .. }
        | Event::TranscriptDetached { .. } => r.problem(
            format!(
                "{actor}'s journal:{}: {actor} is not a supervisor but records a supervisor's event; restore the journal from a backup",
                line.number
            ),
        ),
        Event::CoderAdded { .. }
        | Event::Import { .. }
        | Event::Assign { .. }
        | Event::Migrate { .. }
        | Event::Legacy { .. } => {}
    }
}
