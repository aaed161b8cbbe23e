//! `tapecoder migrate` on the sample study exactly as shipped in the schema-1 layout
//! (tests/fixtures/schema1-sample): coder commands refuse it and say whom to ask, a supervisor
//! migrates it once, and afterwards every command works and `verify` passes.
mod common;

use std::path::{Path, PathBuf};

use common::{fingerprint, tc};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

/// The schema-1 sample with its audio, beside the codebook, in `sandbox`.
fn old_sample(sandbox: &Path) -> PathBuf {
    let dir = sandbox.join("sample-sessions");
    copy_dir(&Path::new(ROOT).join("tests/fixtures/schema1-sample"), &dir);
    copy_dir(&Path::new(ROOT).join("sample-sessions/audio"), &dir.join("audio"));
    copy_dir(&Path::new(ROOT).join("codebook"), &sandbox.join("codebook"));
    dir
}

fn run(sandbox: &Path, dir: &Path, who: &str, args: &[&str]) -> (bool, String) {
    let out = tc(sandbox).arg("--study").arg(dir).args(["--as", who]).args(args).output().unwrap();
    let all =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), all)
}

#[test]
fn a_schema_1_study_is_refused_until_a_supervisor_migrates_it_once() {
    let t = tempfile::tempdir().unwrap();
    let dir = old_sample(t.path());
    let before = fingerprint(&dir);

    // Coders (and supervisors' other commands) say what to do, and change nothing.
    for (who, args) in [("ben", vec!["status"]), ("ana", vec!["code"]), ("sup", vec!["assign"])] {
        let (ok, all) = run(t.path(), &dir, who, &args);
        assert!(!ok, "{who} {args:?}: {all}");
        assert!(all.contains("schema-1 study") && all.contains("tapecoder migrate"), "{all}");
        assert!(!all.contains("--as sup"), "suggests no identity: {all}");
    }
    // Only a supervisor migrates.
    let (ok, all) = run(t.path(), &dir, "ben", &["migrate"]);
    assert!(!ok && all.contains("only a supervisor can migrate"), "{all}");
    assert_eq!(fingerprint(&dir), before);

    let (ok, all) = run(t.path(), &dir, "sup", &["migrate"]);
    assert!(ok, "{all}");
    assert!(
        all.contains("14 file(s) moved") && all.contains("supervisor/backup-schema-1-"),
        "{all}"
    );

    let (ok, all) = run(t.path(), &dir, "sup", &["verify"]);
    assert!(ok, "{all}");
    assert!(all.contains("8 submitted coding(s) match"), "{all}");
    let (ok, all) = run(t.path(), &dir, "ben", &["verify"]);
    assert!(ok, "{all}");
    let (ok, all) = run(t.path(), &dir, "ben", &["status"]);
    assert!(ok, "{all}");
    let (ok, all) = run(t.path(), &dir, "sup", &["reliability"]);
    assert!(ok, "{all}");

    // A submitted coding changed after the migration is still caught (old journal paths map).
    let p = dir.join("coders/ana/codings/R001.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen("empathy = 5", "empathy = 4", 1)).unwrap();
    let (ok, all) = run(t.path(), &dir, "sup", &["verify"]);
    assert!(
        !ok && all.contains("coders/ana/codings/R001.toml: changed after it was submitted"),
        "{all}"
    );
    std::fs::write(&p, text).unwrap();

    let (ok, all) = run(t.path(), &dir, "sup", &["migrate"]);
    assert!(ok && all.contains("nothing to do"), "{all}");
}
