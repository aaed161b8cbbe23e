//! The coder's playback speed kept in `coders/<id>/prefs.toml` (issue #11): written by the coder
//! app's disk worker, read back, `tapecoder verify` accepts the file (as the coder and as a
//! supervisor), and a damaged or missing file is 1.0× with no error.
mod tui_adjudication_support;

use std::sync::Arc;

use tapecoder::study::prefs::Prefs;
use tapecoder::tui::coder::Job;
use tapecoder::tui::coder::Msg;
use tapecoder::tui::coder::worker::CoderWorker;
use tapecoder::tui::runtime::{Reply, Worker};
use tui_adjudication_support::study::{cmd, open, study};

fn verify_passes(dir: &std::path::Path) {
    for who in ["ann", "sup"] {
        let out = cmd(dir, who).arg("verify").output().unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{who}: {all}");
    }
}

#[test]
fn the_disk_worker_keeps_the_speed_and_verify_accepts_the_file() {
    let tmp = study();
    let dir = tmp.path().join("study");
    let s = Arc::new(open(&dir));
    assert_eq!(s.prefs("ann"), Prefs::default(), "no file yet: 1.0×");
    let mut w = CoderWorker::new(Arc::clone(&s), "ann".into());
    let Reply::Msg(Msg::PrefsSaved(r)) = w.run(Job::SavePrefs(Prefs { speed: 1.3 }), false) else {
        panic!("not a PrefsSaved reply")
    };
    assert_eq!(r, Ok(()));
    let path = dir.join("coders/ann/prefs.toml");
    assert!(std::fs::read_to_string(&path).unwrap().contains("speed = 1.3"));
    assert_eq!(open(&dir).prefs("ann"), Prefs { speed: 1.3 });
    assert_eq!(s.prefs("ben"), Prefs::default(), "per coder");
    // A newer speed replaces one still queued; the superseded one is still answered.
    assert!(CoderWorker::supersedes(
        &Job::SavePrefs(Prefs { speed: 1.5 }),
        &Job::SavePrefs(Prefs::default())
    ));
    verify_passes(&dir);

    // Damaged: the default, no error, and verify still passes (it is not work).
    std::fs::write(&path, "speed = \"fast\"\n\u{0}").unwrap();
    assert_eq!(open(&dir).prefs("ann"), Prefs::default());
    verify_passes(&dir);
}
