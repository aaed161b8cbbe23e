//! End to end (issue #14): the real binary in tmux (`--no-audio`, 120×40) on a study with three
//! instruments. c1 codes a unit meeting with the checklist (the class is derived live) and an MI
//! session with counts logged by key and four globals, submits both; then the saved files, `verify`,
//! `export final --instrument …` and `export events` are checked.
//!
//! Without tmux the test prints a skip message and passes, unless `TAPECODER_REQUIRE_TOOLS=1`.
mod common;
#[path = "common/tmux.rs"]
mod tmux;

use std::path::Path;

use common::write_wav;
use tapecoder::coding::Coding;
use tmux::{BIN, KEYS, Tmux, tapecoder, tc};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// Submits the open coding (nothing was heard with `--no-audio`, so the dialog asks to go on) and
/// goes back to the queue.
fn submit_and_leave(t: &Tmux) {
    t.submit_unheard("Ready to submit", "Enter submits anyway");
    t.wait_for("submitted");
    t.keys(&["q"]);
    t.wait_for("My recordings");
}

fn coding(study: &Path, rec: &str) -> Coding {
    let path = study.join(format!("coders/c1/codings/{rec}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    Coding::from_toml(&text, &path.display().to_string()).unwrap()
}

#[test]
fn code_a_unit_meeting_and_a_counts_session_then_export_them() {
    if tmux::skip("instruments_e2e_tmux") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let study = tmp.path().join("study");
    let handbook = format!("{REPO}/codebook/handbook.toml");
    tapecoder(&[
        "init",
        study.to_str().unwrap(),
        "--name",
        "E2E instruments",
        "--codebook",
        &handbook,
    ]);
    let toml = std::fs::read_to_string(study.join("study.toml")).unwrap();
    let (head, tail) = toml.split_once("\n[").unwrap();
    let listed = format!(
        "instruments = [\"{REPO}/codebook/unit-meeting.toml\", \"{REPO}/codebook/mi-fidelity.toml\"]"
    );
    std::fs::write(study.join("study.toml"), format!("{head}\n{listed}\n\n[{tail}")).unwrap();
    tc(&study, &["coders", "add", "sup", "--name", "Sup", "--role", "supervisor"]);
    let c1 = tapecoder::identity::fictional_signer("c1").public().to_string();
    tc(&study, &["--as", "sup", "coders", "add", "c1", "--name", "Coder One", "--key", &c1]);
    let (unit, mi) = (tmp.path().join("unit.wav"), tmp.path().join("mi.wav"));
    write_wav(&unit, 20.0, 330.0);
    write_wav(&mi, 20.0, 440.0);
    tc(&study, &["--as", "sup", "import", "--instrument", "unit-meeting", unit.to_str().unwrap()]);
    tc(&study, &["--as", "sup", "import", "--instrument", "mi-fidelity", mi.to_str().unwrap()]);
    tc(&study, &["--as", "sup", "assign", "--fraction", "0"]);

    let keys = tmp.path().join("no-keys.toml");
    let run = format!(
        "env TAPECODER_KEY_DIR={KEYS} TAPECODER_KEYS={} TAPECODER_CACHE_DIR={} {BIN} --study {} --as c1 code --no-audio; echo EXIT=$?; sleep 600",
        keys.display(),
        tmp.path().join("cache").display(),
        study.display()
    );
    let mut t = Tmux::new(&format!("tapecoder-instruments-{}", std::process::id()));
    t.keep_alive();
    t.start("instruments", &run);
    t.wait_for("My recordings");

    // R001, the unit meeting: every feature present but the actionable conversation.
    t.keys(&["Enter"]);
    t.wait_for("Items 0/7");
    t.keys(&["BTab"]);
    for feature in 0..7 {
        t.keys(&["Enter"]);
        if feature == 3 {
            t.keys(&["Enter"]); // present → absent
        }
        t.keys(&["Down"]);
    }
    let screen = t.wait_for("Items 7/7");
    assert!(screen.contains("Green shoots"), "the class is derived live:\n{screen}");
    submit_and_leave(&t);

    // R002, the MI session: counts logged by key while it plays, then the four globals.
    t.keys(&["Down", "Enter"]);
    t.wait_for("Items 0/4");
    t.keys(&["Space"]);
    t.wait_for("▶");
    for key in ["Q", "s", "Q", "c"] {
        t.keys(&[key]);
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    t.keys(&["Space"]);
    let screen = t.wait_for("counts 4");
    assert!(screen.contains("Events (4)"), "{screen}");
    t.keys(&["BTab"]);
    t.scores(&["4", "3", "5", "4"]);
    let screen = t.wait_for("Items 4/4");
    // The summaries follow the scores live: (4 + 3) / 2 and (5 + 4) / 2 against the thresholds.
    assert!(screen.contains("Technical global          3.5 fair"), "{screen}");
    assert!(screen.contains("Relational global         4.5 good"), "{screen}");
    submit_and_leave(&t);
    t.keys(&["q"]);
    t.wait_for("EXIT=0");
    t.kill_session();

    let r1 = coding(&study, "R001");
    assert!(r1.is_submitted());
    assert_eq!(r1.codebook.id, "unit-meeting");
    assert_eq!(r1.checklist.len(), 7, "{:?}", r1.checklist);
    assert_eq!(r1.checklist.get("actionable"), Some(&false));
    assert_eq!(r1.checklist.values().filter(|v| **v).count(), 6);
    let r2 = coding(&study, "R002");
    assert!(r2.is_submitted());
    assert_eq!(r2.codebook.id, "mi-fidelity");
    let codes: Vec<&str> = r2.events.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["question", "simple_reflection", "question", "complex_reflection"]);
    assert!(r2.events.windows(2).all(|w| w[0].at_s <= w[1].at_s));
    assert_eq!(r2.scores.get("partnership"), Some(&5));

    // `tc` asserts the exit status: verify finds the signed submits and no instrument mixed.
    tc(&study, &["--as", "sup", "verify"]);
    let unit_final =
        tc(&study, &["--as", "sup", "export", "final", "--instrument", "unit-meeting"]);
    let mut lines = unit_final.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| {
        header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name}: {unit_final}"))
    };
    assert_eq!(row[col("recording")], "R001");
    assert_eq!(row[col("practice")], "green_shoots", "{unit_final}");
    assert_eq!(row[col("actionable")], "0", "{unit_final}");
    assert_eq!(row[col("curious")], "1", "{unit_final}");
    let mi_final = tc(&study, &["--as", "sup", "export", "final", "--instrument", "mi-fidelity"]);
    let mut lines = mi_final.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| {
        header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("{name}: {mi_final}"))
    };
    assert_eq!(row[col("question")], "2", "{mi_final}");
    assert_eq!(row[col("reflection_to_question")], "1", "(1 + 1) / 2: {mi_final}");
    assert_eq!(row[col("relational")], "4.5", "{mi_final}");
    let events = tc(&study, &["--as", "sup", "export", "events"]);
    let rows: Vec<&str> = events.lines().collect();
    assert_eq!(rows[0], "recording,coder,code,at_s", "{events}");
    assert_eq!(rows.len(), 5, "four counts logged:\n{events}");
    assert!(rows[1].starts_with("R002,c1,question,"), "{events}");
}
