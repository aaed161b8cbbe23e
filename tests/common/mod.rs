//! Helpers shared by the study command tests: a sandboxed `tapecoder` command, generated WAV
//! files, and a fingerprint of a folder to prove a failed command changed nothing.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use sha2::{Digest, Sha256};

/// The committed key folder of the fictional test people (see `tests/keys/README.md`).
pub const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/keys");

/// The public key of a fictional test person, for `coders add ID --key`.
pub fn key(id: &str) -> String {
    tapecoder::identity::fictional_signer(id).public().to_string()
}

/// `tapecoder` with no study or identity from the environment, its data folder inside `sandbox`
/// (so the sample study's working copy never lands in the real home), running in `sandbox`, with
/// the fictional test people's keys.
pub fn tc(sandbox: &Path) -> Command {
    let mut c = Command::cargo_bin("tapecoder").expect("binary");
    c.env_remove("TAPECODER_STUDY")
        .env_remove("TAPECODER_CODER")
        .env("HOME", sandbox.join("home"))
        .env("XDG_DATA_HOME", sandbox.join("home/data"))
        .env("XDG_CONFIG_HOME", sandbox.join("home/config"))
        .env("TAPECODER_KEY_DIR", KEYS)
        .current_dir(sandbox);
    c
}

/// Writes a mono 16-bit WAV of `seconds` of a tone.
pub fn write_wav(path: &Path, seconds: f64, freq: f64) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    let n = (seconds * 8000.0).round() as u32;
    for i in 0..n {
        let t = f64::from(i) / 8000.0;
        let v = (t * freq * std::f64::consts::TAU).sin() * 8000.0;
        w.write_sample(v as i16).expect("sample");
    }
    w.finalize().expect("finalize wav");
}

/// Every file under `dir` (relative path -> sha256 of its bytes).
pub fn fingerprint(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read_dir").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            out.insert(p.strip_prefix(root).unwrap().to_path_buf(), "dir".into());
            walk(root, &p, out);
        } else {
            let bytes = std::fs::read(&p).expect("read");
            out.insert(
                p.strip_prefix(root).unwrap().to_path_buf(),
                hex::encode(Sha256::digest(bytes)),
            );
        }
    }
}

/// A study `s` in `sandbox` with supervisor `sup`, coders c1–c3, and `n` imported WAV recordings.
pub fn study(sandbox: &Path, n: usize) -> PathBuf {
    let s = sandbox.join("s");
    tc(sandbox).args(["init", "s", "--name", "Test study"]).assert().success();
    tc(sandbox)
        .args(["--study", "s", "coders", "add", "sup", "--name", "Sue", "--role", "supervisor"])
        .assert()
        .success();
    for c in ["c1", "c2", "c3"] {
        tc(sandbox)
            .args([
                "--study",
                "s",
                "--as",
                "sup",
                "coders",
                "add",
                c,
                "--name",
                c,
                "--key",
                &key(c),
            ])
            .assert()
            .success();
    }
    if n > 0 {
        let audio = sandbox.join("audio");
        std::fs::create_dir_all(&audio).unwrap();
        let mut args: Vec<String> =
            ["--study", "s", "--as", "sup", "import"].iter().map(|s| s.to_string()).collect();
        for i in 0..n {
            let p = audio.join(format!("visit{i}.wav"));
            write_wav(&p, 1.0 + i as f64 * 0.25, 220.0 + 20.0 * i as f64);
            args.push(p.display().to_string());
        }
        tc(sandbox).args(&args).assert().success();
    }
    s
}

/// Copies the folder `from` to `to`, recursively (fixtures into a sandbox).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

/// Runs `c`, asserts it succeeded (showing both streams if not) and returns its stdout.
pub fn ok(c: &mut Command) -> String {
    let out = c.output().unwrap();
    let (so, se) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{so}\n{se}");
    so.into_owned()
}

/// Runs `c`, asserts it failed and returns its stderr.
pub fn refused(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}
