//! `tapecoder codebook check` on schema-2 instruments (issue #14) through the binary: the bundled
//! unit-meeting and MI-fidelity instruments pass with a summary, and each bad fixture in
//! `tests/invalid_codebooks/v2_*.toml` is reported at its file:line:col with what to fix.
use assert_cmd::Command;

fn check(path: &str) -> (bool, String, String) {
    let out = Command::cargo_bin("tapecoder")
        .unwrap()
        .env_remove("TAPECODER_STUDY")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["codebook", "check", path])
        .output()
        .unwrap();
    let so = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success(), so, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn the_bundled_instruments_pass() {
    let (ok, out, _) = check("codebook/unit-meeting.toml");
    assert!(ok, "{out}");
    assert!(
        out.contains("unit-meeting 1.0 (schema 2): 0 scale(s), 7 checklist item(s), 1 classification(s) (1 derived by rules)"),
        "{out}"
    );
    let (ok, out, _) = check("codebook/mi-fidelity.toml");
    assert!(ok, "{out}");
    assert!(out.contains("4 scale(s), 0 checklist item(s), 0 classification(s) (0 derived by rules), 10 count(s), 6 summary score(s)"), "{out}");
    assert!(out.contains("a study cannot code with a schema-2 instrument yet"), "{out}");
}

#[test]
fn each_rule_error_is_placed_and_explained() {
    for (file, at, words) in [
        (
            "v2_rule_unknown_item.toml",
            "23:8",
            "names `warmth`, which is not a checklist item; checklist items: curious, actionable",
        ),
        (
            "v2_otherwise_not_last.toml",
            "23:8",
            "`otherwise` (class `other`) must be the last class",
        ),
        (
            "v2_answers_uncovered.toml",
            "16:1",
            "some answers match no class, e.g. actionable absent, curious present; add a last class with rule = \"otherwise\"",
        ),
        (
            "v2_class_shadowed.toml",
            "16:1",
            "class `systemic` can never be derived: every answer its rule matches is taken by an earlier class",
        ),
        ("v2_press_reserved.toml", "9:9", "press 'q' is the coding screen's `back` key"),
        ("v2_press_twice.toml", "14:9", "press 'Q' is already count `question`'s key"),
        (
            "v2_ratio_unknown_count.toml",
            "14:24",
            "summary `r_to_q` names `reflection`, which is not a count; counts: question",
        ),
        ("v2_thresholds_reversed.toml", "15:14", "thresholds need fair <= good"),
    ] {
        let path = format!("tests/invalid_codebooks/{file}");
        let (ok, out, err) = check(&path);
        assert!(!ok && out.is_empty(), "{file}: {out}");
        assert!(err.contains(&format!("{path}:{at}: ")), "{file}: {err}");
        assert!(err.contains(words), "{file}: {err}");
    }
}

#[test]
fn a_study_refuses_a_schema_2_instrument_with_the_reason() {
    let t = tempfile::tempdir().unwrap();
    let cb = concat!(env!("CARGO_MANIFEST_DIR"), "/codebook/mi-fidelity.toml");
    let out = Command::cargo_bin("tapecoder")
        .unwrap()
        .env("TAPECODER_KEY_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys"))
        .env("HOME", t.path())
        .current_dir(t.path())
        .args(["init", "s", "--codebook", cb])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("a study cannot code with it yet"), "{err}");
}

#[test]
fn count_keys_never_take_a_default_key_of_the_coding_screen() {
    for (_, name, defaults) in tapecoder::tui::keys::ACTIONS {
        for d in defaults.iter() {
            let mut chars = d.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                let reserved = tapecoder::instrument::RESERVED_KEYS.iter().find(|(k, _)| *k == c);
                assert_eq!(
                    reserved.map(|(_, n)| *n),
                    Some(*name),
                    "{c:?} ({name}) is not reserved"
                );
            }
        }
    }
    assert!(tapecoder::instrument::RESERVED_KEYS.iter().any(|(c, _)| *c == ' '), "space is play");
}
