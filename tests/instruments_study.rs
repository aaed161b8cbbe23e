//! Several instruments in one study (issue #14): study.toml lists them, `import --instrument ID`
//! picks one per recording, a coding is made with its recording's instrument and never mixes
//! them (`verify` and opening the coding both say so).
mod common;

use std::path::Path;

use common::{ok, refused, study, tc, write_wav};
use tapecoder::study::Study;

/// A study with the handbook first and the two schema-2 instruments listed after it.
fn three_instruments(sandbox: &Path) -> std::path::PathBuf {
    let s = study(sandbox, 0);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for f in ["unit-meeting.toml", "mi-fidelity.toml"] {
        std::fs::copy(repo.join("codebook").join(f), s.join("codebook").join(f)).unwrap();
    }
    let toml = std::fs::read_to_string(s.join("study.toml")).unwrap();
    let (head, tail) = toml.split_once("\n[").expect("study.toml has tables");
    let listed = "instruments = [\"codebook/unit-meeting.toml\", \"codebook/mi-fidelity.toml\"]";
    std::fs::write(s.join("study.toml"), format!("{head}\n{listed}\n\n[{tail}")).unwrap();
    s
}

/// The coder whose queue holds `rec`.
fn coder_of(s: &Path, rec: &str) -> &'static str {
    ["c1", "c2", "c3"]
        .into_iter()
        .find(|c| {
            let q = std::fs::read_to_string(s.join(format!("coders/{c}/queue.toml"))).unwrap();
            q.contains(rec)
        })
        .unwrap_or_else(|| panic!("someone codes {rec}"))
}

fn import(sandbox: &Path, name: &str, instrument: Option<&str>, freq: f64) -> String {
    let audio = sandbox.join("audio");
    std::fs::create_dir_all(&audio).unwrap();
    let wav = audio.join(name);
    write_wav(&wav, 2.0, freq);
    let mut c = tc(sandbox);
    c.args(["--study", "s", "--as", "sup", "import"]);
    if let Some(i) = instrument {
        c.args(["--instrument", i]);
    }
    c.arg(&wav);
    ok(&mut c)
}

#[test]
fn import_picks_an_instrument_per_recording_and_the_coding_follows_it() {
    let t = tempfile::tempdir().unwrap();
    let s = three_instruments(t.path());
    import(t.path(), "a.wav", None, 220.0);
    import(t.path(), "b.wav", Some("unit-meeting"), 330.0);
    import(t.path(), "c.wav", Some("mi-fidelity"), 440.0);
    let err = refused(tc(t.path()).args([
        "--study",
        "s",
        "--as",
        "sup",
        "import",
        "--instrument",
        "miti",
        "x.wav",
    ]));
    assert!(
        err.contains(
            "--instrument miti: the study has no such instrument; it has: tapecoder-handbook, unit-meeting, mi-fidelity"
        ),
        "{err}"
    );
    let recs = std::fs::read_to_string(s.join("recordings.toml")).unwrap();
    assert_eq!(recs.matches("instrument = \"unit-meeting\"").count(), 1, "{recs}");
    assert_eq!(recs.matches("instrument = \"mi-fidelity\"").count(), 1, "{recs}");
    assert_eq!(
        recs.matches("instrument").count(),
        2,
        "the first instrument is not written: {recs}"
    );

    let study = Study::open(&s).unwrap();
    assert_eq!(study.codebooks().len(), 3);
    let ids: Vec<&str> =
        ["R001", "R002", "R003"].iter().map(|r| study.codebook_for(r).id.as_str()).collect();
    assert_eq!(ids, ["tapecoder-handbook", "unit-meeting", "mi-fidelity"]);
    assert_eq!(study.codebook_for("R002").items.checklist.len(), 7);
    assert_eq!(study.codebook_for("R003").domains.len(), 4);

    ok(tc(t.path()).args(["--study", "s", "--as", "sup", "assign", "--fraction", "1"]));
    let coder = coder_of(&s, "R002");
    let (coding, _, _, _) = tapecoder::commands::code::prepare_open(&study, coder, "R002").unwrap();
    assert_eq!(coding.codebook.id, "unit-meeting");
    assert_eq!(coding.codebook.sha256, study.codebook_for("R002").sha256);
    study.save_coding(&coding).unwrap();
    let out = ok(tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]));
    assert!(!out.contains("mixes"), "{out}");

    // A coding of R002 made with the handbook: refused on opening and reported by verify.
    let mut wrong = coding.clone();
    wrong.codebook = tapecoder::coding::CodebookRef::of(study.codebook());
    study.save_coding(&wrong).unwrap();
    let why = tapecoder::commands::code::prepare_open(&study, coder, "R002").unwrap_err();
    assert!(
        why.contains(
            "your coding was made with instrument `tapecoder-handbook`, but this recording is coded with `unit-meeting`"
        ),
        "{why}"
    );
    let out = tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains(
            "coded with instrument `tapecoder-handbook`, but recordings.toml codes R002 with `unit-meeting`; a coding never mixes instruments"
        ),
        "{text}"
    );
}

#[test]
fn a_study_refuses_an_instrument_listed_twice_or_one_it_does_not_list() {
    let t = tempfile::tempdir().unwrap();
    let s = three_instruments(t.path());
    import(t.path(), "b.wav", Some("unit-meeting"), 330.0);
    let toml = std::fs::read_to_string(s.join("study.toml")).unwrap();
    let twice = toml.replace("\"codebook/mi-fidelity.toml\"", "\"codebook/unit-meeting.toml\"");
    std::fs::write(s.join("study.toml"), &twice).unwrap();
    let err = Study::open(&s).unwrap_err().to_string();
    assert!(err.contains("are both instrument `unit-meeting`"), "{err}");

    let none = toml.replace(
        "instruments = [\"codebook/unit-meeting.toml\", \"codebook/mi-fidelity.toml\"]",
        "",
    );
    std::fs::write(s.join("study.toml"), none).unwrap();
    let err = Study::open(&s).unwrap_err().to_string();
    assert!(
        err.contains(
            "recording \"R001\" names instrument \"unit-meeting\", which study.toml does not list"
        ),
        "{err}"
    );
}

#[test]
fn gold_is_given_only_to_recordings_of_the_first_instrument() {
    let t = tempfile::tempdir().unwrap();
    three_instruments(t.path());
    import(t.path(), "b.wav", Some("unit-meeting"), 330.0);
    let err = refused(
        tc(t.path()).args(["--study", "s", "--as", "sup", "gold", "set", "R001", "--from", "c1"]),
    );
    assert!(err.contains("R001 is coded with instrument `unit-meeting`; gold, calibration and drift are defined on the study's first instrument"), "{err}");
}

#[test]
fn verify_reports_a_coding_made_with_another_version_of_its_instrument() {
    let t = tempfile::tempdir().unwrap();
    let s = three_instruments(t.path());
    import(t.path(), "b.wav", Some("unit-meeting"), 330.0);
    ok(tc(t.path()).args(["--study", "s", "--as", "sup", "assign", "--fraction", "0"]));
    let study = Study::open(&s).unwrap();
    let coder = coder_of(&s, "R001");
    let (mut coding, _, _, _) =
        tapecoder::commands::code::prepare_open(&study, coder, "R001").unwrap();
    study.save_coding(&coding).unwrap();
    ok(tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]));
    coding.codebook.version = "0.9".into();
    study.save_coding(&coding).unwrap();
    let out = tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains(
            "made with version \"0.9\" of instrument `unit-meeting`, but the study's is version \"1.0\"; reliability and exports would mix versions"
        ),
        "{text}"
    );
}
