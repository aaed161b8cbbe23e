//! `tapecoder keys init|show`, the founding supervisor pinned at `init`, and `coders add --key`.
mod common;

use std::fs;

use common::tc;
use predicates::prelude::*;

#[test]
fn keys_init_writes_a_private_key_once_and_show_prints_the_public_key() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("mykeys");
    let out = tc(t.path()).env("TAPECODER_KEY_DIR", &dir).args(["keys", "init"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let public = String::from_utf8(out.stdout).unwrap();
    assert!(public.starts_with("ed25519:") && public.trim().len() == 72, "{public}");
    let key = dir.join("tapecoder.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let before = fs::read(&key).unwrap();
    tc(t.path())
        .env("TAPECODER_KEY_DIR", &dir)
        .args(["keys", "init"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("never overwrites a key"));
    assert_eq!(fs::read(&key).unwrap(), before);
    tc(t.path())
        .env("TAPECODER_KEY_DIR", &dir)
        .args(["keys", "show"])
        .assert()
        .success()
        .stdout(public.clone());
    // No key yet: show says how to make one.
    tc(t.path())
        .env("TAPECODER_KEY_DIR", t.path().join("empty"))
        .args(["keys", "show"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("tapecoder keys init"));
}

#[test]
fn the_founder_is_pinned_at_init_and_only_they_register_first() {
    let t = tempfile::tempdir().unwrap();
    // init pins the key folder's own key (sup's, in tests/keys).
    tc(t.path())
        .args(["init", "s"])
        .assert()
        .success()
        .stdout(predicate::str::contains(common::key("sup")));
    let study = fs::read_to_string(t.path().join("s/study.toml")).unwrap();
    let fp = tapecoder::identity::fictional_signer("sup").public().fingerprint();
    assert!(study.contains(&format!("founder = \"{fp}\"")), "{study}");
    // Someone else's key cannot found the study.
    tc(t.path())
        .args(["--study", "s", "coders", "add", "c1", "--name", "C", "--role", "supervisor"])
        .args(["--key", &common::key("c1")])
        .assert()
        .failure()
        .stderr(predicate::str::contains("not the founding supervisor's key"));
    // A coder cannot be first.
    tc(t.path())
        .args(["--study", "s", "coders", "add", "c1", "--name", "C"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("founding supervisor"));
    // The founder registers themself, then a coder with --key.
    tc(t.path())
        .args(["--study", "s", "coders", "add", "sup", "--name", "Sue", "--role", "supervisor"])
        .assert()
        .success();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "coders", "add", "c1", "--name", "C"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--key PUBLIC_KEY is needed"));
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "coders", "add", "c1", "--name", "C"])
        .args(["--key", "ed25519:00"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("is not a public key"));
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "coders", "add", "c1", "--name", "C"])
        .args(["--key", &common::key("c1")])
        .assert()
        .success();
    let coders = fs::read_to_string(t.path().join("s/coders.toml")).unwrap();
    assert!(coders.contains(&common::key("c1")), "{coders}");
    tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert().success();
    // A key folder without any key: init says to make one first.
    tc(t.path())
        .env("TAPECODER_KEY_DIR", t.path().join("none"))
        .args(["init", "s2"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("tapecoder keys init"));
}
