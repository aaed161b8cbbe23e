//! Gives the bundled sample study its fictional identities: run after `make.sh` regenerates it
//! (`cargo run --example sample_identity -- sample-sessions`).
//!
//! Deterministic and idempotent: every fictional person's key is derived from their id
//! ([`tapecoder::identity::fictional`]), ed25519 signatures are deterministic, and every line
//! keeps its time. It writes `keys/<id>.key` for each person (the one place where private keys
//! live in a study folder: they are fictional), each coder's public key into coders.toml, the
//! founding supervisor (`sup`) into study.toml, and rewrites every journal as signed, chained
//! lines of the event enum (converting the generator's plain lines). It attaches each recording's
//! `transcripts/<id>.txt` as its transcript (`transcripts/<id>.toml`, a signed `transcript` line).
//! The supervisor's journal ends with the receipt of every submitted coding, so opening the sample
//! as `sup` writes nothing.
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use tapecoder::coding::{Coding, Status};
use tapecoder::identity::{self, fictional_signer};
use tapecoder::study::files::{self, sha256_hex};
use tapecoder::study::journal::{self, GENESIS};
use tapecoder::study::model::{
    Action, CodersFile, Event, FileHash, JournalEntry, QueueFile, StudyConfig,
};
use tapecoder::study::{Layout, Study};

const FOUNDER: &str = "sup";

fn main() -> Result<()> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "sample-sessions".into()));
    let l = Layout::new(&dir);
    let mut config: StudyConfig = files::read_toml(&l.study_file())?;
    let founder = Some(fictional_signer(FOUNDER).public().fingerprint());
    if config.founder != founder {
        config.founder = founder;
        files::write_toml(&l.study_file(), &config)?;
    }

    let mut coders: CodersFile = files::read_toml(&l.coders_file())?;
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys)?;
    for c in &mut coders.coders {
        let signer = fictional_signer(&c.id);
        c.key = Some(signer.public().to_string());
        let path = keys.join(format!("{}.key", c.id));
        if !path.exists() {
            identity::write_key_file(&path, &identity::fictional(&c.id))?;
        }
    }
    files::write_toml(&l.coders_file(), &coders)?;

    for c in &coders.coders {
        let (actor, path) = (c.id.clone(), l.journal_file(&c.id, c.role)?);
        if !path.is_file() {
            continue;
        }
        let events = convert(&path, &actor, &l, &coders)?;
        write_journal(&path, &actor, events)?;
    }
    // Prove the result opens and verifies.
    Study::open(&dir)?;
    let report =
        tapecoder::study::verify::verify(&dir, &tapecoder::study::verify::Scope::All, |_| {});
    if !report.ok() {
        bail!("the sample does not verify: {:#?}", report.problems);
    }
    println!(
        "sample identities written; verify: {} journal line(s), no problems",
        report.journal_lines
    );
    Ok(())
}

/// The events of a journal, with their times, as the event enum (plain generator lines converted).
fn convert(
    path: &Path,
    actor: &str,
    l: &Layout,
    coders: &CodersFile,
) -> Result<Vec<(String, Event)>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    let mut added = 0;
    for (i, line) in text.lines().enumerate() {
        let v: Value =
            serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), i + 1))?;
        let at = v["at"].as_str().unwrap_or_default().to_string();
        if v["event"].is_object() {
            let e: Event = serde_json::from_value(v["event"].clone())?;
            // Written afresh below on every run (idempotent).
            let again = matches!(
                e,
                Event::Receipts { .. }
                    | Event::Transcript { .. }
                    | Event::Gold { .. }
                    | Event::Calibration { .. }
                    | Event::CalibrationAssign { .. }
                    | Event::Intent { action: Action::Gold | Action::Calibration, .. }
            );
            if !again {
                out.push((at, e));
            }
            continue;
        }
        let file = || {
            FileHash::new(
                v["path"].as_str().unwrap_or_default(),
                v["sha256"].as_str().unwrap_or_default(),
            )
        };
        let e = match v["event"].as_str().unwrap_or_default() {
            "coder_added" => {
                let Some(c) = coders.coders.get(added) else {
                    bail!("more coder_added lines than coders")
                };
                added += 1;
                let so_far =
                    CodersFile { schema: coders.schema, coders: coders.coders[..added].to_vec() };
                let bytes = files::to_toml_bytes(&l.coders_file(), &so_far)?;
                Event::CoderAdded {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    role: c.role,
                    key: c.key.clone().unwrap_or_default(),
                    file: FileHash::new("coders.toml", sha256_hex(&bytes)),
                }
            }
            "import" => Event::Import { file: file() },
            "assign" => Event::Assign { file: file() },
            "submit" => Event::Submit { file: file() },
            "adjudicate" => Event::Adjudicate { file: file() },
            other => bail!("{}:{}: unknown event {other:?}", path.display(), i + 1),
        };
        out.push((at, e));
    }
    if actor == FOUNDER {
        let last = out.last().map(|(at, _)| at.clone()).unwrap_or_default();
        for file in attach_transcripts(l)? {
            out.push((last.clone(), Event::Transcript { file }));
        }
        for e in calibration(l, &last)? {
            out.push((last.clone(), e));
        }
        out.push((
            latest_submit(l, coders).unwrap_or(last),
            Event::Receipts { codings: submitted(l, coders)? },
        ));
    }
    Ok(out)
}

/// Attaches each `transcripts/<id>.txt` (the timed turns make.sh measured from the audio) as the
/// recording's transcript, `transcripts/<id>.toml`, as `tapecoder transcript attach` stores it;
/// the files' paths and sha256 for the founder's signed `transcript` lines.
fn attach_transcripts(l: &Layout) -> Result<Vec<FileHash>> {
    use tapecoder::study::model::RecordingsFile;
    use tapecoder::study::transcripts::{Source, TranscriptFile};
    use tapecoder::transcript::{self, Format};
    let recordings: RecordingsFile = files::read_toml(&l.recordings_file())?;
    let mut out = Vec::new();
    for r in &recordings.recordings {
        let src = l.transcripts_dir().join(format!("{}.txt", r.id));
        let Ok(bytes) = std::fs::read(&src) else { continue };
        let text = String::from_utf8(bytes.clone())?;
        let t = transcript::parse(Format::Bracket, &text)
            .map_err(|e| anyhow::anyhow!("{}:{}: {}", src.display(), e.line, e.what))?;
        t.check(r.duration_s).map_err(|e| anyhow::anyhow!("{}: {e}", src.display()))?;
        let dest = l.transcripts_dir().join(format!("{}.toml", r.id));
        let file = TranscriptFile {
            schema: 1,
            recording: r.id.clone(),
            source: Source {
                format: Format::Bracket.name().to_string(),
                sha256: sha256_hex(&bytes),
            },
            cues: t.cues,
        };
        let toml = files::to_toml_bytes(&dest, &file)?;
        files::atomic_write(&dest, &toml)?;
        out.push(FileHash::new(l.relative(&dest), sha256_hex(&toml)));
    }
    Ok(out)
}

/// The gold codings of two visits and the calibration set `intro` assigned to `demo`, so the tour
/// shows training and feedback: R003 (ben's coding: a long behaviour-change conversation) and
/// R004 (ana's: no behaviour-change talk, so evocation is not compared). Writes the files as
/// `gold set`, `calibration create` and `calibration assign` do; returns the founder's events.
fn calibration(l: &Layout, at: &str) -> Result<Vec<Event>> {
    use tapecoder::study::calibration::CalibrationSet;
    use tapecoder::study::gold::GoldCoding;
    let mut events = Vec::new();
    let mut saved = |path: &Path, bytes: &[u8], intent: Option<Action>| -> Result<FileHash> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        files::atomic_write(path, bytes)?;
        let file = FileHash::new(l.relative(path), sha256_hex(bytes));
        match intent {
            Some(Action::Gold) => {
                events.push(Event::Intent { action: Action::Gold, file: file.clone() });
                events.push(Event::Gold { file: file.clone() });
            }
            Some(Action::Calibration) => {
                events.push(Event::Intent { action: Action::Calibration, file: file.clone() });
                events.push(Event::Calibration { file: file.clone() });
            }
            _ => {}
        }
        Ok(file)
    };
    let mut golds = Vec::new();
    for (rec, coder) in [("R003", "ben"), ("R004", "ana")] {
        let p = l.coding_file(coder, rec)?;
        let c = Coding::from_toml(&std::fs::read_to_string(&p)?, &p.display().to_string())?;
        let g = GoldCoding::from_coding(&c, FOUNDER, at);
        let path = l.gold_file(rec)?;
        saved(&path, &files::to_toml_bytes(&path, &g)?, Some(Action::Gold))?;
        golds.push(g);
    }
    let config: StudyConfig = files::read_toml(&l.study_file())?;
    let book = tapecoder::codebook::load(&l.root().join(&config.codebook))?;
    let set = CalibrationSet {
        schema: 1,
        name: "intro".into(),
        created_by: FOUNDER.into(),
        created_at: at.into(),
        codebook: tapecoder::coding::CodebookRef::of(&book),
        within: 1,
        share: 0.8,
        max_bias: 0.5,
        recordings: golds.iter().map(|g| g.recording.clone()).collect(),
    };
    let path = l.calibration_file(&set.name)?;
    saved(&path, &files::to_toml_bytes(&path, &set)?, Some(Action::Calibration))?;
    let mut assigned = Vec::new();
    for g in &golds {
        let path = l.training_gold_file("demo", &g.recording)?;
        assigned.push(saved(&path, &files::to_toml_bytes(&path, g)?, None)?);
    }
    let qpath = l.queue_file("demo")?;
    let mut q: QueueFile = files::read_toml(&qpath)?;
    q.training = set.recordings.clone();
    q.calibration = vec![set.clone()];
    let qfile = saved(&qpath, &files::to_toml_bytes(&qpath, &q)?, None)?;
    assigned.insert(0, qfile);
    events.push(Event::CalibrationAssign { coder: "demo".into(), set: set.name, files: assigned });
    Ok(events)
}

/// Every submitted coding's path and sha256.
fn submitted(l: &Layout, coders: &CodersFile) -> Result<Vec<FileHash>> {
    let mut out = Vec::new();
    for c in &coders.coders {
        let Ok(rd) = std::fs::read_dir(l.codings_dir(&c.id)?) else { continue };
        let mut paths: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p)?;
            if Coding::from_toml(&text, &p.display().to_string())
                .is_ok_and(|x| x.status == Status::Submitted)
            {
                out.push(FileHash::new(l.relative(&p), sha256_hex(text.as_bytes())));
            }
        }
    }
    Ok(out)
}

/// The time of the last line in any coder's journal (the receipt comes with it).
fn latest_submit(l: &Layout, coders: &CodersFile) -> Option<String> {
    let mut times = Vec::new();
    for c in coders.coders.iter().filter(|c| c.id != FOUNDER) {
        let Ok(text) = std::fs::read_to_string(l.journal_file(&c.id, c.role).ok()?) else {
            continue;
        };
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).ok()?;
            times.extend(v["at"].as_str().map(str::to_string));
        }
    }
    times.into_iter().max()
}

fn write_journal(path: &Path, actor: &str, events: Vec<(String, Event)>) -> Result<()> {
    let signer = fictional_signer(actor);
    let mut prev = GENESIS.to_string();
    let mut text = Vec::new();
    for (i, (at, event)) in events.into_iter().enumerate() {
        let mut entry = JournalEntry {
            seq: i as u64 + 1,
            at,
            actor: actor.to_string(),
            event,
            prev: prev.clone(),
            sig: None,
        };
        let line = journal::signed_line(&mut entry, &signer)?;
        prev = sha256_hex(&line);
        text.extend_from_slice(&line);
        text.push(b'\n');
    }
    files::atomic_write(path, &text)?;
    Ok(())
}
