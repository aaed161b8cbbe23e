//! Supervisor-style checks of the command line found by QA: each test names the bug it guards.
mod common;

use common::{copy_dir, study, tc};

/// The real binary path, for tests that need a raw `std::process::Command`.
fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("tapecoder")
}

/// `tapecoder status | head` used to panic with "failed printing to stdout: Broken pipe": a closed
/// reader must end the command quietly, like any Unix tool.
#[cfg(unix)]
#[test]
fn a_closed_stdout_pipe_ends_quietly_without_a_panic() {
    let t = tempfile::tempdir().unwrap();
    study(t.path(), 2);
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(bin())
        .args(["--study", "s", "--as", "sup", "status", "--format", "json"])
        .env_remove("TAPECODER_STUDY")
        .env_remove("TAPECODER_CODER")
        .env("HOME", t.path().join("home"))
        .env("TAPECODER_KEY_DIR", common::KEYS)
        .current_dir(t.path())
        .stdout(writer)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "stderr: {err}");
    assert!(err.is_empty(), "stderr: {err}");
}

/// A missing codebook used to be reported with the same cause three times ("cannot read codebook
/// X: No such file…: cannot read codebook X: No such file…: No such file…"); each cause once, and
/// what to do.
#[test]
fn a_missing_codebook_is_reported_once_with_what_to_do() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    let st = s.join("study.toml");
    let text = std::fs::read_to_string(&st).unwrap();
    let line = text.lines().find(|l| l.starts_with("codebook")).unwrap().to_string();
    std::fs::write(&st, text.replace(&line, "codebook = \"nowhere/handbook.toml\"")).unwrap();
    let out =
        tc(t.path()).args(["--study", "s", "--as", "sup", "export", "codings"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nowhere/handbook.toml"), "stderr: {err}");
    assert_eq!(err.matches("os error 2").count(), 1, "stderr: {err}");
    assert!(err.contains("study.toml"), "says where to fix it: {err}");
}

/// A study variable named like an `export final` column (`source`, `recording`, a domain key…) was
/// accepted by import and then silently left out of `export final`; import refuses it instead.
#[test]
fn a_study_variable_named_like_an_export_column_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 0);
    common::write_wav(&t.path().join("a.wav"), 1.0, 300.0);
    for key in ["source", "recording", "empathy", "bc_percent", "overall_skill"] {
        let before = common::fingerprint(&s);
        let meta = format!("{key}=x");
        let out = tc(t.path())
            .args(["--study", "s", "--as", "sup", "import", "a.wav", "--meta", &meta])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{key}: {err}");
        assert!(err.contains(&format!("`{key}`")) && err.contains("export final"), "{err}");
        assert_eq!(common::fingerprint(&s), before, "{key} changed the study");
    }
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "import", "a.wav", "--meta", "arm=A"])
        .assert()
        .success();
}

/// `probe` on a named pipe used to hang forever (opening it blocks), and on a folder or a device
/// said "not a readable audio file" / "the file is empty": anything but a regular file is refused
/// at once with what it is.
#[cfg(unix)]
#[test]
fn probe_refuses_a_folder_a_device_or_a_pipe_at_once() {
    let t = tempfile::tempdir().unwrap();
    let fifo = t.path().join("pipe.mp3");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::fs::create_dir(t.path().join("dir.wav")).unwrap();
    for (arg, needle) in [
        ("pipe.mp3", "not a regular file"),
        ("/dev/null", "not a regular file"),
        ("dir.wav", "is a folder"),
    ] {
        let out = tc(t.path())
            .args(["probe", arg])
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{arg}: {err}");
        assert!(err.contains(needle), "{arg}: {err}");
    }
}

/// File names are user input: an ANSI escape in one used to reach the terminal raw from `probe`,
/// `clip`, `export --out`, `reliability --from-csv`, `init`, `verify` and from every error naming
/// the file.
#[test]
fn escape_sequences_in_file_names_never_reach_the_terminal() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    let evil = "e\u{1b}[31mvil.wav";
    common::write_wav(&t.path().join(evil), 1.0, 300.0);
    let runs: Vec<Vec<&str>> = vec![
        vec!["probe", evil],
        vec!["probe", "n\u{1b}[31mo.wav"],
        vec!["clip", evil, "--from", "0", "--to", "0.5", "--out", "o\u{1b}[2J.wav"],
        vec!["clip", "n\u{1b}[31mo.wav", "--from", "0", "--to", "0.5", "--out", "x.wav"],
        vec!["--study", "s", "--as", "sup", "export", "codings", "--out", "no/\u{1b}[31m.csv"],
        vec!["--study", "s", "--as", "sup", "reliability", "--from-csv", "\u{1b}[31m.csv"],
        vec!["--study", "s", "--as", "sup", "import", "n\u{1b}[31mo.wav"],
        vec!["init", "\u{1b}[31mstudy"],
    ];
    for args in runs {
        let out = tc(t.path()).args(&args).output().unwrap();
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(!text.contains('\u{1b}'), "{args:?} printed a raw escape: {text:?}");
        }
    }
    // verify names a study folder whose path holds an escape.
    let odd = t.path().join("s\u{1b}[31m");
    std::fs::rename(&s, &odd).unwrap();
    let out =
        tc(t.path()).args(["--study", "s\u{1b}[31m", "--as", "sup", "verify"]).output().unwrap();
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains('\u{1b}'), "verify printed a raw escape: {text:?}");
    }
}

/// `clip REC --out REC` used to overwrite the recording itself with the clip (its sha256 then no
/// longer matches any coding); writing over the input is refused and the file stays intact.
#[test]
fn clip_refuses_to_overwrite_its_own_input() {
    let t = tempfile::tempdir().unwrap();
    let rec = t.path().join("visit.wav");
    common::write_wav(&rec, 1.0, 300.0);
    let before = std::fs::read(&rec).unwrap();
    std::fs::hard_link(&rec, t.path().join("hard.wav")).unwrap();
    for out in ["visit.wav", "./visit.wav", "hard.wav"] {
        let o = tc(t.path())
            .args(["clip", "visit.wav", "--from", "0", "--to", "0.5", "--out", out])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{out}: {err}");
        assert!(err.contains("is the input"), "{err}");
        assert_eq!(std::fs::read(&rec).unwrap(), before, "the recording changed");
    }
}

/// Two supervisor commands at once (two terminals, a script importing in parallel) used to lose
/// updates: twelve concurrent `coders add` left one coder, six concurrent imports all said "R001"
/// and kept one recording. Each command now works on the latest files.
#[test]
fn concurrent_supervisor_commands_lose_nothing() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 0);
    let run = |args: Vec<String>| {
        let mut c = std::process::Command::new(bin());
        c.args(["--study", "s", "--as", "sup"])
            .args(args)
            .env_remove("TAPECODER_STUDY")
            .env_remove("TAPECODER_CODER")
            .env("HOME", t.path().join("home"))
            .env("TAPECODER_KEY_DIR", common::KEYS)
            .current_dir(t.path());
        c.spawn().unwrap()
    };
    let adds: Vec<_> = (0..8)
        .map(|i| {
            run(vec![
                "coders".into(),
                "add".into(),
                format!("k{i}"),
                "--name".into(),
                format!("K{i}"),
                "--key".into(),
                common::key(&format!("k{i}")),
            ])
        })
        .collect();
    for mut c in adds {
        assert!(c.wait().unwrap().success());
    }
    let coders = std::fs::read_to_string(s.join("coders.toml")).unwrap();
    for i in 0..8 {
        assert!(coders.contains(&format!("id = \"k{i}\"")), "k{i} lost:\n{coders}");
    }

    for i in 0..5 {
        common::write_wav(&t.path().join(format!("p{i}.wav")), 0.5, 300.0 + 40.0 * f64::from(i));
    }
    let imports: Vec<_> = (0..5).map(|i| run(vec!["import".into(), format!("p{i}.wav")])).collect();
    for mut c in imports {
        assert!(c.wait().unwrap().success());
    }
    let recs = std::fs::read_to_string(s.join("recordings.toml")).unwrap();
    for i in 0..5 {
        let sha =
            tapecoder::study::files::sha256_file(&t.path().join(format!("p{i}.wav"))).unwrap();
        assert!(recs.contains(&sha), "p{i} lost:\n{recs}");
        assert!(s.join(format!("audio/R00{}.wav", i + 1)).is_file(), "copy of R00{}", i + 1);
        assert!(recs.contains(&format!("id = \"R00{}\"", i + 1)), "{recs}");
    }
    tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert().success();
}

/// When the journal line cannot be written (full disk, no permission), `coders add` and `import`
/// used to fail yet keep their change (a re-run then said "already registered"); a failed command
/// now leaves the study as it was.
#[test]
fn a_failed_journal_append_undoes_coders_add_and_import() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    common::write_wav(&t.path().join("new.wav"), 0.5, 500.0);
    let journal = s.join("supervisor/journal/sup.jsonl");
    std::fs::rename(&journal, t.path().join("sup.jsonl")).unwrap();
    std::fs::create_dir(&journal).unwrap(); // appending to it fails
    let before = common::fingerprint(&s);
    let newc = common::key("newc");
    for args in [
        vec!["coders", "add", "newc", "--name", "N", "--key", &newc],
        vec!["import", "new.wav", "--meta", "arm=A"],
    ] {
        let out = tc(t.path()).args(["--study", "s", "--as", "sup"]).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains("journal"), "{err}");
        assert_eq!(common::fingerprint(&s), before, "{args:?} left a change behind");
    }
    std::fs::remove_dir(&journal).unwrap();
    std::fs::rename(t.path().join("sup.jsonl"), &journal).unwrap();
    tc(t.path()).args(["--study", "s", "--as", "sup", "import", "new.wav"]).assert().success();
    tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).assert().success();
}

/// `assign` on a study with no recordings said "all 0 recording(s) are already assigned"; with a
/// single coder it double-coded nothing without saying why.
#[test]
fn assign_says_what_is_missing() {
    let t = tempfile::tempdir().unwrap();
    study(t.path(), 0);
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign"])
        .assert()
        .success()
        .stdout(predicates::str::contains("no recordings to assign yet"))
        .stdout(predicates::str::contains("tapecoder import"));

    let t = tempfile::tempdir().unwrap();
    common::write_wav(&t.path().join("a.wav"), 0.5, 300.0);
    tc(t.path()).args(["init", "s"]).assert().success();
    for (id, role) in [("sup", "supervisor"), ("c1", "coder")] {
        tc(t.path())
            .args([
                "--study", "s", "--as", "sup", "coders", "add", id, "--name", id, "--role", role,
            ])
            .args(["--key", &common::key(id)])
            .assert()
            .success();
    }
    tc(t.path()).args(["--study", "s", "--as", "sup", "import", "a.wav"]).assert().success();
    tc(t.path())
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "1"])
        .assert()
        .success()
        .stdout(predicates::str::contains("double coding needs at least two coders"));
}

/// A hand-edited `duration_s` of `nan`, `inf` or a negative number was accepted by every command;
/// it is refused naming the file and the recording.
#[test]
fn a_hand_edited_impossible_duration_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = study(t.path(), 1);
    let path = s.join("recordings.toml");
    let good = std::fs::read_to_string(&path).unwrap();
    let line = good.lines().find(|l| l.starts_with("duration_s")).unwrap().to_string();
    for bad in ["nan", "inf", "-5.0"] {
        std::fs::write(&path, good.replace(&line, &format!("duration_s = {bad}"))).unwrap();
        let out = tc(t.path()).args(["--study", "s", "--as", "sup", "status"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{bad}");
        assert!(err.contains("recordings.toml") && err.contains("\"R001\""), "{err}");
        let out = tc(t.path()).args(["--study", "s", "--as", "sup", "verify"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "verify {bad}");
        assert!(err.contains("duration_s"), "{err}");
    }
}

/// A hand-edited score outside the codebook's scale (`empathy = 9`) used to reach `export` and
/// the reliability report; every command reading the coding now refuses it, naming the file.
#[test]
fn a_hand_edited_score_outside_the_scale_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let s = t.path().join("s");
    copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-sessions"), &s);
    let st = s.join("study.toml");
    // The copy sits away from codebook/: its instruments are named by absolute paths.
    let cb = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("codebook/");
    let text = std::fs::read_to_string(&st).unwrap();
    std::fs::write(&st, text.replace("\"../codebook/", &format!("\"{}", cb.display()))).unwrap();
    let coding = s.join("coders/ana/codings/R001.toml");
    let text = std::fs::read_to_string(&coding).unwrap();
    let line = text.lines().find(|l| l.starts_with("empathy = ")).unwrap().to_string();
    assert!(!line.contains('"'), "{line}");
    std::fs::write(&coding, text.replacen(&line, "empathy = 9", 1)).unwrap();
    for args in [vec!["export", "codings"], vec!["export", "final"], vec!["reliability"]] {
        let out = tc(t.path()).args(["--study", "s", "--as", "sup"]).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} accepted empathy = 9");
        assert!(err.contains("R001.toml") && err.contains("empathy = 9"), "{err}");
    }
}
