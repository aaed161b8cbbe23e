//! The join-request flow: `tapecoder join` writes a signed request, `coders requests` lists it and
//! `coders approve --fingerprint` registers the person only with the fingerprint they read out.
mod common;

use std::fs;
use std::path::Path;

use common::tc;
use predicates::prelude::*;

/// A study founded by the fictional `sup` (tests/keys), with sup registered.
fn founded(t: &Path) {
    tc(t).args(["init", "s"]).assert().success();
    tc(t)
        .args(["--study", "s", "coders", "add", "sup", "--name", "Sue", "--role", "supervisor"])
        .assert()
        .success();
}

fn sup(t: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    tc(t).args(["--study", "s", "--as", "sup"]).args(args).assert()
}

/// The short fingerprint `join` printed.
fn printed_fingerprint(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("your key's fingerprint: "))
        .unwrap_or_else(|| panic!("no fingerprint in {stdout}"))
        .to_string()
}

#[test]
fn a_person_joins_with_a_signed_request_and_a_fingerprint_read_out() {
    let t = tempfile::tempdir().unwrap();
    founded(t.path());
    let ana_keys = t.path().join("ana-keys");
    let ana = || {
        let mut c = tc(t.path());
        c.env("TAPECODER_KEY_DIR", &ana_keys).args(["--study", "s"]);
        c
    };
    // Without a key of one's own: says how to make one.
    ana()
        .args(["join", "ana", "--name", "Ana F"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("tapecoder keys init"));
    ana().args(["keys", "init"]).assert().success();
    let out = ana().args(["join", "ana", "--name", "Ana F"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let fp = printed_fingerprint(&stdout);
    assert_eq!(fp.len(), 19, "16 hex digits in groups of four: {fp}");
    assert!(stdout.contains("in person or on the phone"), "{stdout}");
    let request = t.path().join("s/join/ana.toml");
    assert!(request.is_file());
    // A request is not a registration.
    ana().args(["--as", "ana", "status"]).assert().failure();
    // Only a supervisor sees the requests.
    ana().args(["--as", "ana", "coders", "requests"]).assert().failure();
    sup(t.path(), &["coders", "requests"])
        .success()
        .stdout(predicate::str::contains("ana").and(predicate::str::contains(fp.as_str())));

    // A wrong fingerprint, or too short a one, is refused and registers nobody.
    let wrong = tapecoder::study::join::short_fingerprint(
        &tapecoder::identity::fictional_signer("mallory").public(),
    );
    sup(t.path(), &["coders", "approve", "ana", "--fingerprint", &wrong])
        .failure()
        .stderr(predicate::str::contains("is not the fingerprint"));
    sup(t.path(), &["coders", "approve", "ana", "--fingerprint", &fp[..9]])
        .failure()
        .stderr(predicate::str::contains("shorter than 16"));

    // A request changed after it was signed is shown as forged and refused.
    let honest = fs::read_to_string(&request).unwrap();
    fs::write(&request, honest.replace("Ana F", "Ana The Supervisor")).unwrap();
    sup(t.path(), &["coders", "requests"]).success().stdout(predicate::str::contains("FORGED"));
    sup(t.path(), &["coders", "approve", "ana", "--fingerprint", &fp])
        .failure()
        .stderr(predicate::str::contains("signature"));
    fs::write(&request, honest).unwrap();

    // The right fingerprint (spaces and case as typed) registers ana with her key.
    sup(t.path(), &["coders", "approve", "ana", "--fingerprint", &fp.to_uppercase()])
        .success()
        .stdout(predicate::str::contains("added coder ana (Ana F)"));
    assert!(!request.exists(), "the request is removed once approved");
    ana().args(["--as", "ana", "status"]).assert().success();
    let journal = fs::read_to_string(t.path().join("s/supervisor/journal/sup.jsonl")).unwrap();
    assert!(journal.contains("coder_added") && journal.contains("\"ana\""), "{journal}");
    tc(t.path()).args(["--study", "s", "verify"]).assert().success();
    // Registered: a second request for ana is refused.
    ana()
        .args(["join", "ana", "--name", "Ana F"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("registered in this study already"));
}

#[test]
fn a_waiting_request_cannot_be_replaced_with_another_key() {
    let t = tempfile::tempdir().unwrap();
    founded(t.path());
    for who in ["first", "second"] {
        let dir = t.path().join(format!("{who}-keys"));
        tc(t.path()).env("TAPECODER_KEY_DIR", &dir).args(["keys", "init"]).assert().success();
    }
    let join = |who: &str| {
        tc(t.path())
            .env("TAPECODER_KEY_DIR", t.path().join(format!("{who}-keys")))
            .args(["--study", "s", "join", "bo", "--name", "Bo"])
            .assert()
    };
    join("first").success();
    let before = fs::read(t.path().join("s/join/bo.toml")).unwrap();
    join("first").success();
    join("second").failure().stderr(predicate::str::contains("with another key is waiting"));
    let after = fs::read_to_string(t.path().join("s/join/bo.toml")).unwrap();
    let first_key = String::from_utf8(before).unwrap();
    let key_line = |s: &str| s.lines().find(|l| l.starts_with("key")).map(String::from);
    assert_eq!(key_line(&after), key_line(&first_key));
}
