//! `tapecoder permissions --check` reports every path of a study readable by people who should not
//! read it, from mode bits and POSIX ACLs; `tapecoder permissions` prints the recipe.
//! The ACL part needs `setfacl` (package `acl`): without it that part prints a skip message, unless
//! `TAPECODER_REQUIRE_TOOLS=1`.
#![cfg(unix)]
mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{copy_dir, tc};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The sample study without its audio (not needed here), beside the codebook.
fn sample(sandbox: &Path) -> PathBuf {
    let dir = sandbox.join("s");
    for f in ["study.toml", "coders.toml", "recordings.toml"] {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(Path::new(ROOT).join("sample-sessions").join(f), dir.join(f)).unwrap();
    }
    for d in ["coders", "supervisor"] {
        copy_dir(&Path::new(ROOT).join("sample-sessions").join(d), &dir.join(d));
    }
    copy_dir(&Path::new(ROOT).join("codebook"), &sandbox.join("codebook"));
    dir
}

fn chmod_tree(p: &Path, dir_mode: u32, file_mode: u32) {
    let mode = if p.is_dir() { dir_mode } else { file_mode };
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            chmod_tree(&e.unwrap().path(), dir_mode, file_mode);
        }
    }
}

/// The name of the account that owns `p` (this test's user), from /etc/passwd.
fn owner_name(p: &Path) -> Option<String> {
    let uid = std::fs::metadata(p).ok()?.uid();
    std::fs::read_to_string("/etc/passwd").ok()?.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.get(2)? == &uid.to_string()).then(|| f[0].to_string())
    })
}

fn run(sandbox: &Path, dir: &Path, args: &[&str]) -> (bool, String) {
    let out = tc(sandbox).arg("--study").arg(dir).args(args).output().unwrap();
    let all =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), all)
}

fn setfacl(args: &[&str], p: &Path) -> bool {
    Command::new("setfacl").args(args).arg(p).status().map(|s| s.success()).unwrap_or(false)
}

#[test]
fn check_reports_what_others_can_read_and_passes_when_private() {
    let t = tempfile::tempdir().unwrap();
    let dir = sample(t.path());

    // Coders cannot ask.
    let (ok, all) = run(t.path(), &dir, &["--as", "ana", "permissions"]);
    assert!(!ok && all.contains("only a supervisor"), "{all}");

    // As copied (0755/0644 at most), everything is open to everyone.
    chmod_tree(&dir, 0o755, 0o644);
    let (ok, all) = run(t.path(), &dir, &["--as", "sup", "permissions", "--check"]);
    assert!(!ok, "{all}");
    assert!(
        all.contains("coders/ana/codings/R001.toml: readable by anyone with an account here"),
        "{all}"
    );
    assert!(all.contains("supervisor/metadata.toml: readable by anyone"), "{all}");
    assert!(all.contains("only ana and the supervisors should read it"), "{all}");
    assert!(all.contains("not checked: root"), "says what it cannot check: {all}");

    // Private to this test's user, who plays the supervisor: nothing to report.
    let Some(me) = owner_name(&dir) else {
        eprintln!("SKIPPED the private half: this test's user is not in /etc/passwd");
        return;
    };
    chmod_tree(&dir, 0o700, 0o600);
    let user = format!("sup={me}");
    let (ok, all) =
        run(t.path(), &dir, &["--as", "sup", "permissions", "--check", "--user", &user]);
    assert!(ok, "{all}");
    assert!(all.contains("no path in"), "{all}");

    // One ACL entry giving `nobody` one coding (and passage to it) is reported, and only that.
    let has_nobody = std::fs::read_to_string("/etc/passwd")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("nobody:"));
    let coding = dir.join("coders/ana/codings/R001.toml");
    let tried = has_nobody && setfacl(&["-m", "u:nobody:r"], &coding);
    if !tried {
        if std::env::var("TAPECODER_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!(
                "setfacl (package acl) on a file system with ACLs and a `nobody` account are required (TAPECODER_REQUIRE_TOOLS=1)"
            );
        }
        eprintln!("SKIPPED the ACL half: no setfacl, no ACL support here, or no `nobody` account");
        return;
    }
    for d in ["", "coders", "coders/ana", "coders/ana/codings"] {
        assert!(setfacl(&["-m", "u:nobody:x"], &dir.join(d)));
    }
    let (ok, all) =
        run(t.path(), &dir, &["--as", "sup", "permissions", "--check", "--user", &user]);
    assert!(!ok, "{all}");
    assert!(all.contains("1 path(s)"), "{all}");
    assert!(
        all.contains("coders/ana/codings/R001.toml: readable by nobody (mode 0640 + ACL)"),
        "{all}"
    );
}

#[test]
fn the_recipe_names_every_coder_folder_and_the_users() {
    let t = tempfile::tempdir().unwrap();
    let dir = sample(t.path());
    let (ok, all) = run(t.path(), &dir, &["--as", "sup", "permissions", "--user", "ana=aferreira"]);
    assert!(ok, "{all}");
    assert!(all.starts_with("# Folder permissions for the study in"), "{all}");
    for want in [
        "chown -R aferreira:tapecoder-sup \"$S/coders/ana\"",
        "chown -R ben:tapecoder-sup \"$S/coders/ben\"",
        "setfacl -R -m u:aferreira:rwX,g:tapecoder-sup:rwX",
        "chmod -R u=rwX,g=rwX,o= \"$S/supervisor\"",
    ] {
        assert!(all.contains(want), "{want}: {all}");
    }
    let (ok, all) = run(t.path(), &dir, &["--as", "sup", "permissions", "--user", "zed=z"]);
    assert!(!ok && all.contains("\"zed\" is not in coders.toml"), "{all}");
}
