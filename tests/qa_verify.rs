//! `tapecoder verify` names the file when a saved adjudication is edited afterwards (QA check of
//! SPEC §2/§4: the adjudication's journal line carries the sha256 of the file it saved).
mod tui_adjudication_support;

use std::collections::BTreeMap;

use tapecoder::commands::adjudicate::{load_cases, save};
use tapecoder::study::Study;
use tapecoder::study::adjudication::{Draft, build};
use tui_adjudication_support::study::{cmd, study};

#[test]
fn a_hand_edited_adjudication_is_reported_by_name() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let s = Study::open(&dir).unwrap();
    let case = load_cases(&s).unwrap().remove(0);
    let drafts = BTreeMap::from([(
        "empathy".to_string(),
        Draft { score: Some(3), reason: "Warm, but interrupts twice".into() },
    )]);
    let adj = build(s.codebook(), &case, "sup", "", &drafts).unwrap();
    save(&s, &adj).unwrap();
    assert!(cmd(&dir, "sup").arg("verify").output().unwrap().status.success());

    let path = dir.join("supervisor/adjudications/R001.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("final_score = 3"), "{text}");
    std::fs::write(&path, text.replace("final_score = 3", "final_score = 5")).unwrap();
    let out = cmd(&dir, "sup").arg("verify").output().unwrap();
    assert!(!out.status.success());
    let all =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("adjudications/R001.toml"), "{all}");

    // Deleting it is reported too: the journal says it was saved.
    std::fs::remove_file(&path).unwrap();
    let out = cmd(&dir, "sup").arg("verify").output().unwrap();
    let all =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("adjudications/R001.toml"), "{all}");
}

/// A submitted coding deleted afterwards used to pass `verify` ("no problems found"): the journal
/// says it was submitted, so its absence is reported by name.
#[test]
fn a_deleted_submitted_coding_is_reported_by_name() {
    let tmp = study();
    let dir = tmp.path().join("study");
    assert!(cmd(&dir, "sup").arg("verify").output().unwrap().status.success());
    std::fs::remove_file(dir.join("coders/ann/codings/R001.toml")).unwrap();
    for who in ["sup", "ann"] {
        let out = cmd(&dir, who).arg("verify").output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{who}: {all}");
        assert!(all.contains("coders/ann/codings/R001.toml: missing"), "{who}: {all}");
    }
}
