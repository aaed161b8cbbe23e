//! A full disk (a small tmpfs, filled to the last page) at every command that writes: `coders add`,
//! `import`, `assign`, a coder's save and submit, a supervisor's adjudication. Each fails with a
//! message that says the disk is full and the old files are intact, and leaves every file as it
//! was, with no temp file behind. Needs `mount` (root): without it the test prints a skip
//! message, and fails under `TAPECODER_REQUIRE_TOOLS=1`.
mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fingerprint, study, tc, write_wav};
use tapecoder::coding::{CodebookRef, Coding, Status};
use tapecoder::study::Study;
use tapecoder::study::model::{Adjudication, Decision};

/// A mounted tmpfs, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            assert!(
                std::env::var("TAPECODER_REQUIRE_TOOLS").as_deref() != Ok("1"),
                "mounting a tmpfs is required (TAPECODER_REQUIRE_TOOLS=1) but `mount -t tmpfs` failed: run as root"
            );
            eprintln!("cannot mount a tmpfs here (not root?): skipping the full-disk tests");
            return None;
        }
        Some(Tmpfs { dir })
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Fills the file system holding `dir` to the last byte; returns the filler (removed to free it).
fn fill(dir: &Path) -> PathBuf {
    let p = dir.join("filler");
    let mut f = fs::File::create(&p).unwrap();
    let block = vec![0x55u8; 4096];
    while f.write_all(&block).is_ok() {}
    while f.write_all(&block[..1]).is_ok() {}
    let _ = f.sync_all();
    p
}

fn no_temp_files(dir: &Path) {
    for (p, _) in fingerprint(dir) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.contains(".tmp-"), "temp file left: {}", p.display());
    }
}

fn assert_full_disk_message(what: &str, err: &str) {
    let lower = err.to_lowercase();
    assert!(lower.contains("no space left"), "{what}: {err}");
    assert!(lower.contains("intact"), "{what}: the message says the old files are intact: {err}");
}

#[test]
fn a_full_disk_fails_every_write_and_keeps_the_old_files() {
    let Some(fs_) = Tmpfs::mount("6m") else { return };
    let sandbox = fs_.path();
    let s = study(sandbox, 2);
    tc(sandbox)
        .args(["--study", "s", "--as", "sup", "assign", "--fraction", "1"])
        .assert()
        .success();
    let outside = tempfile::tempdir().unwrap();
    let wav = outside.path().join("late.wav");
    write_wav(&wav, 1.0, 660.0);
    tc(sandbox).args(["--study", "s", "--as", "sup", "import"]).arg(&wav).assert().success();
    let wav2 = outside.path().join("later.wav");
    write_wav(&wav2, 1.0, 770.0);

    // A coder's coding in progress, and a submitted pair to adjudicate.
    let mut st = Study::open(&s).unwrap();
    let ids: Vec<String> = st.coders().iter().map(|c| c.id.clone()).collect();
    for id in ids {
        st.add_signer(tapecoder::identity::fictional_signer(&id));
    }
    let a = st.assignments().unwrap();
    let (rec, pair) = (a[0].id.clone(), a[0].coders.clone());
    let sha = st.recording(&rec).unwrap().sha256.clone();
    let new = |coder: &str| {
        Coding::new(&rec, coder, CodebookRef::of(st.codebook()), &sha, "2026-01-01T00:00:00Z")
    };
    let mut draft = new(&pair[0]);
    draft.scores.insert("empathy".into(), 3);
    st.save_coding(&draft).unwrap();
    let mut other = new(&pair[1]);
    other.scores.insert("empathy".into(), 5);
    other.submit("2026-01-01T00:10:00Z").unwrap();
    st.submit_coding(&other).unwrap();

    // A supervisor command records its receipt of the submitted coding (a signed journal line)
    // now, while there is space: the commands below on the full disk have nothing else to record.
    tc(sandbox).args(["--study", "s", "--as", "sup", "status"]).assert().success();
    let filler = fill(sandbox);
    let before = fingerprint(&s);
    let cmd = |args: &[&str]| {
        let mut full = vec!["--study", "s", "--as", "sup"];
        full.extend_from_slice(args);
        let out = tc(sandbox).args(&full).assert().failure();
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let k8 = common::key("c8");
    let err = cmd(&["coders", "add", "c8", "--name", "Late", "--key", &k8]);
    assert_full_disk_message("coders add", &err);
    assert_eq!(fingerprint(&s), before, "coders add on a full disk changed the study");
    let w2 = wav2.to_string_lossy().into_owned();
    let err = cmd(&["import", &w2, "--observer", "c1", "--meta", "arm=B"]);
    assert_full_disk_message("import", &err);
    assert_eq!(fingerprint(&s), before, "import on a full disk changed the study");
    let err = cmd(&["assign"]);
    assert_full_disk_message("assign", &err);
    assert_eq!(fingerprint(&s), before, "assign on a full disk changed the study");

    // The coder's save (autosave, quit) and submit.
    let mut edited = draft.clone();
    edited.scores.insert("collaboration".into(), 4);
    edited.notes.clear();
    let err = st.save_coding(&edited).unwrap_err().to_string();
    assert_full_disk_message("save", &err);
    assert_eq!(fingerprint(&s), before, "a save on a full disk changed the study");
    let mut submitted = edited.clone();
    submitted.submit("2026-01-01T00:20:00Z").unwrap();
    assert_eq!(submitted.status, Status::Submitted);
    let err = st.submit_coding(&submitted).unwrap_err().to_string();
    assert_full_disk_message("submit", &err);
    let coding_file = st.layout().coding_file(&pair[0], &rec).unwrap();
    assert_eq!(fs::read_to_string(&coding_file).unwrap(), draft.to_toml().unwrap());

    // The supervisor's adjudication.
    let adj = Adjudication {
        schema: tapecoder::study::model::SCHEMA,
        recording: rec.clone(),
        supervisor: "sup".into(),
        decided_at: "2026-01-02T00:00:00Z".into(),
        decisions: vec![Decision {
            domain: "empathy".into(),
            final_score: 4,
            reason: "between the two".into(),
            coder_scores: Default::default(),
        }],
    };
    let err = st.save_adjudication(&adj).unwrap_err().to_string();
    assert_full_disk_message("adjudicate", &err);
    assert!(st.adjudication(&rec).unwrap().is_none());
    no_temp_files(&s);

    // Space again: everything works, and the study verifies.
    fs::remove_file(filler).unwrap();
    st.save_coding(&edited).unwrap();
    tc(sandbox)
        .args(["--study", "s", "--as", "sup", "coders", "add", "c8", "--name", "L", "--key", &k8])
        .assert()
        .success();
    no_temp_files(&s);
}
