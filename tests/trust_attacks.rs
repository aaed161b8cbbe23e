//! Issue #9's attacks on "verify proves no submitted coding changed" and on identity, each through
//! the binary: every forged, truncated, deleted or un-submitted coding makes `verify` fail with a
//! message naming the coding, and acting as someone without their private key is refused.
//!
//! The set-up is honest: supervisor `sup`, coders c1–c3 (fictional keys in `tests/keys/`), two
//! recordings each coded and submitted by two coders, and a supervisor command (`status`) that
//! records the supervisor's receipt of every submitted coding.
mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::tc;
use predicates::prelude::*;
use tapecoder::coding::{CodebookRef, Coding};
use tapecoder::identity::{Signer, fictional, fictional_signer};
use tapecoder::study::files::sha256_hex;
use tapecoder::study::journal::{self, GENESIS};
use tapecoder::study::model::{Event, FileHash, JournalEntry};
use tapecoder::study::{Layout, Study};

/// The honest study; returns it and the (coder, recording) the attacks aim at.
fn honest(t: &Path) -> (PathBuf, String, String) {
    let s = common::study(t, 2);
    tc(t).args(["--study", "s", "--as", "sup", "assign", "--fraction", "1"]).assert().success();
    let mut st = Study::open(&s).unwrap();
    let plan = st.assignments().unwrap();
    for id in ["c1", "c2", "c3"] {
        st.add_signer(fictional_signer(id));
    }
    for a in &plan {
        let rec = st.recording(&a.id).unwrap().clone();
        for coder in &a.coders {
            let book = CodebookRef::of(st.codebook());
            let mut c = Coding::new(&rec.id, coder, book, &rec.sha256, "2026-01-01T00:00:00Z");
            c.scores.insert("empathy".into(), 2);
            c.submit("2026-01-01T00:10:00Z").unwrap();
            st.submit_coding(&c).unwrap();
        }
    }
    // A supervisor command receives every submitted coding.
    tc(t).args(["--study", "s", "--as", "sup", "status"]).assert().success();
    let sup_journal =
        fs::read_to_string(layout(&s).supervisor_journal_file("sup").unwrap()).unwrap();
    assert!(sup_journal.contains("\"kind\":\"receipts\""), "{sup_journal}");
    verify(t)
        .success()
        .stdout(predicate::str::contains("4 received coding(s) unchanged since their receipt"));
    (s, plan[0].coders[0].clone(), plan[0].id.clone())
}

fn verify(t: &Path) -> assert_cmd::assert::Assert {
    tc(t).args(["--study", "s", "--as", "sup", "verify"]).assert()
}

/// `verify` fails and names `rel` with `what`.
fn verify_names(t: &Path, rel: &str, what: &str) {
    let out = tc(t).args(["--study", "s", "--as", "sup", "verify"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "verify passed:\n{err}");
    assert!(
        err.lines().any(|l| l.contains(rel) && l.contains(what)),
        "no line names {rel} with {what:?}:\n{err}"
    );
}

fn layout(s: &Path) -> Layout {
    Layout::new(s)
}

/// The coding's path relative to the study, as verify names it.
fn coding_rel(coder: &str, rec: &str) -> String {
    let l = layout(Path::new(""));
    l.relative(&l.coding_file(coder, rec).unwrap())
}

/// The coder's journal's path relative to the study, as verify names it.
fn journal_rel(coder: &str) -> String {
    let l = layout(Path::new(""));
    l.relative(&l.coder_journal_file(coder).unwrap())
}

/// Edits the submitted coding's empathy score; returns the new bytes' sha256.
fn edit_score(s: &Path, rel: &str, status: Option<&str>) -> String {
    let p = s.join(rel);
    let mut text = fs::read_to_string(&p).unwrap().replace("empathy = 2", "empathy = 5");
    if let Some(st) = status {
        text = text.replace("status = \"submitted\"", &format!("status = \"{st}\""));
    }
    fs::write(&p, &text).unwrap();
    sha256_hex(text.as_bytes())
}

/// The entries of a journal.
fn entries(path: &Path) -> Vec<JournalEntry> {
    let text = fs::read_to_string(path).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Rewrites a journal from `entries`, re-chained and every line signed by `signer`.
fn rewrite(path: &Path, entries: Vec<JournalEntry>, signer: &Signer) {
    let mut prev = GENESIS.to_string();
    let mut out = Vec::new();
    for (i, mut e) in entries.into_iter().enumerate() {
        e.seq = i as u64 + 1;
        e.prev = prev.clone();
        let line = journal::signed_line(&mut e, signer).unwrap();
        prev = sha256_hex(&line);
        out.extend_from_slice(&line);
        out.push(b'\n');
    }
    fs::write(path, out).unwrap();
}

/// Appends a correctly chained line to a journal, signed by `signer`.
fn append_line(path: &Path, event: Event, signer: &Signer, actor: &str) {
    let mut all = entries(path);
    all.push(JournalEntry {
        seq: 0,
        at: "2026-01-02T00:00:00Z".into(),
        actor: actor.into(),
        event,
        prev: String::new(),
        sig: None,
    });
    // Re-chaining with the same key re-signs the old lines identically (ed25519 is deterministic),
    // so only the new line differs when `signer` is not the actor.
    let actor_key = Signer::new(actor, fictional(actor));
    let n = all.len();
    let mut prev = GENESIS.to_string();
    let mut out = Vec::new();
    for (i, mut e) in all.into_iter().enumerate() {
        e.seq = i as u64 + 1;
        e.prev = prev.clone();
        let by = if i + 1 == n { signer } else { &actor_key };
        let line = journal::signed_line(&mut e, by).unwrap();
        prev = sha256_hex(&line);
        out.extend_from_slice(&line);
        out.push(b'\n');
    }
    fs::write(path, out).unwrap();
}

#[test]
fn edited_coding_with_an_appended_chained_submit_line_by_someone_else() {
    let t = tempfile::tempdir().unwrap();
    let (s, coder, rec) = honest(t.path());
    let rel = coding_rel(&coder, &rec);
    let sha = edit_score(&s, &rel, None);
    let jpath = s.join(journal_rel(&coder));
    let mallory = Signer::new(coder.clone(), fictional("mallory"));
    append_line(&jpath, Event::Submit { file: FileHash::new(&rel, sha) }, &mallory, &coder);
    verify_names(t.path(), &journal_rel(&coder), "bad signature");
    verify_names(t.path(), &rel, "changed after it was submitted");
    verify_names(t.path(), &rel, "changed since");
}

#[test]
fn edited_coding_resubmitted_by_its_own_author_with_their_key() {
    let t = tempfile::tempdir().unwrap();
    let (s, coder, rec) = honest(t.path());
    let rel = coding_rel(&coder, &rec);
    let sha = edit_score(&s, &rel, None);
    let jpath = s.join(journal_rel(&coder));
    let me = fictional_signer(&coder);
    append_line(&jpath, Event::Submit { file: FileHash::new(&rel, sha) }, &me, &coder);
    verify_names(t.path(), &rel, "a coding is submitted once");
    verify_names(t.path(), &rel, "changed since");
}

#[test]
fn a_past_line_rewritten_and_everything_after_it_rechained() {
    let t = tempfile::tempdir().unwrap();
    let (s, coder, rec) = honest(t.path());
    let rel = coding_rel(&coder, &rec);
    let sha = edit_score(&s, &rel, None);
    let jpath = s.join(journal_rel(&coder));
    let fixed: Vec<JournalEntry> = entries(&jpath)
        .into_iter()
        .map(|mut e| {
            if let Event::Submit { file } | Event::Intent { file, .. } = &mut e.event
                && file.path == rel
            {
                file.sha256 = sha.clone();
            }
            e
        })
        .collect();
    // Without the author's key: every rewritten line's signature fails.
    rewrite(&jpath, fixed.clone(), &Signer::new(coder.clone(), fictional("mallory")));
    verify_names(t.path(), &journal_rel(&coder), "bad signature");
    verify_names(t.path(), &rel, "no signed submit line");
    // With it (the author rewrites their own history): the supervisor's receipt still holds.
    rewrite(&jpath, fixed, &fictional_signer(&coder));
    verify_names(t.path(), &rel, "changed since");
    let out = tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("bad signature"), "{err}");
}

#[test]
fn the_last_journal_line_cut_and_its_coding_deleted() {
    let t = tempfile::tempdir().unwrap();
    let (s, coder, _) = honest(t.path());
    let jpath = s.join(journal_rel(&coder));
    let mut all = entries(&jpath);
    let Some(Event::Submit { file }) = all.last().map(|e| e.event.clone()) else {
        panic!("the last line is a submit")
    };
    all.pop();
    all.pop(); // and its intent: the journal still chains and is validly signed
    rewrite(&jpath, all, &fictional_signer(&coder));
    fs::remove_file(s.join(&file.path)).unwrap();
    verify_names(t.path(), &file.path, "missing now");
}

#[test]
fn a_coders_whole_journal_and_codings_deleted() {
    let t = tempfile::tempdir().unwrap();
    let (s, coder, rec) = honest(t.path());
    fs::remove_file(s.join(journal_rel(&coder))).unwrap();
    fs::remove_dir_all(layout(&s).codings_dir(&coder).unwrap()).unwrap();
    verify_names(t.path(), &coding_rel(&coder, &rec), "missing now");
}

#[test]
fn own_submitted_coding_turned_back_into_in_progress_with_other_scores() {
    let t = tempfile::tempdir().unwrap();
    let (s, coder, rec) = honest(t.path());
    let rel = coding_rel(&coder, &rec);
    edit_score(&s, &rel, Some("in_progress"));
    verify_names(t.path(), &rel, "no longer submitted");
    // The coder's own verify sees it too (their journal records the submit).
    let out = tc(t.path()).args(["--study", "s", "--as", &coder, "verify"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains(&rel) && err.contains("no longer submitted"), "{err}");
}

#[test]
fn a_submitted_coding_forged_without_any_journal_line() {
    let t = tempfile::tempdir().unwrap();
    let (s, coder, rec) = honest(t.path());
    // Someone drops a submitted coding into another coder's folder.
    let from = s.join(coding_rel(&coder, &rec));
    // Each recording has two of the three coders: the third never coded it.
    let other = ["c1", "c2", "c3"]
        .into_iter()
        .find(|c| !s.join(coding_rel(c, &rec)).exists())
        .expect("a coder without a coding of it");
    let target = s.join(coding_rel(other, &rec));
    fs::create_dir_all(target.parent().unwrap()).unwrap();
    let text = fs::read_to_string(&from)
        .unwrap()
        .replace(&format!("coder = \"{coder}\""), &format!("coder = \"{other}\""));
    fs::write(&target, text).unwrap();
    verify_names(t.path(), &coding_rel(other, &rec), "no signed submit line");
}

#[test]
fn acting_as_someone_without_their_key_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = common::study(t.path(), 1);
    // A key folder that holds only c1's key.
    let mine = t.path().join("my-keys");
    fs::create_dir_all(&mine).unwrap();
    fs::copy(Path::new(common::KEYS).join("c1.key"), mine.join("c1.key")).unwrap();
    let before = common::fingerprint(&s);
    for (who, args) in [
        ("sup", vec!["assign"]),
        ("sup", vec!["status"]),
        ("sup", vec!["coders", "add", "c9", "--name", "Nine", "--key", &common::key("c9")]),
        ("c2", vec!["status"]),
    ] {
        let out = tc(t.path())
            .env("TAPECODER_KEY_DIR", &mine)
            .args(["--study", "s", "--as", who])
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{who} {args:?} was allowed");
        assert!(err.contains(&format!("acting as {who} needs {who}'s private key")), "{err}");
        // The refusal does not suggest another identity.
        let names_c1 = err.split(|ch: char| !ch.is_alphanumeric()).any(|w| w == "c1");
        assert!(!err.contains("--as") && !names_c1, "{err}");
    }
    assert_eq!(common::fingerprint(&s), before, "a refused command changed the study");
    // With their own key, c1 is who they say.
    tc(t.path())
        .env("TAPECODER_KEY_DIR", &mine)
        .args(["--study", "s", "--as", "c1", "status"])
        .assert()
        .success();
}

#[test]
fn a_coder_making_themself_supervisor_in_coders_toml_is_caught() {
    let t = tempfile::tempdir().unwrap();
    let (s, _, _) = honest(t.path());
    let p = s.join("coders.toml");
    let text = fs::read_to_string(&p).unwrap();
    let forged = text.replacen(
        "id = \"c1\"\nname = \"c1\"\nrole = \"coder\"",
        "id = \"c1\"\nname = \"c1\"\nrole = \"supervisor\"",
        1,
    );
    assert_ne!(forged, text);
    fs::write(&p, forged).unwrap();
    verify_names(t.path(), "coders.toml", "differs from its signed registration");
    // And no supervisor command accepts the forged role.
    tc(t.path())
        .args(["--study", "s", "--as", "c1", "status"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not registered as a supervisor by a signed journal"));
}
