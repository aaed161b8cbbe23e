//! Mutated audio headers for every format (WAV, FLAC, Ogg Vorbis, M4A/AAC, MP3 with an ID3v2 tag,
//! and one format's header on another's body): `tapecoder probe` in a child process under a 1.5 GB
//! address-space limit either reads the file or refuses it in one line. No panic message, no
//! backtrace, no abort, no allocation failure. A seeded loop, bounded in count and time.
mod audio_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Mutations per fixture.
const CASES: usize = 40;
/// Address space the child may use (`ulimit -v`, KiB).
const LIMIT_KIB: u64 = 1_500_000;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let wav = dir.join("src.wav");
    audio_support::bursts_wav(&wav, 1.0, 2);
    let mut v = vec![wav.clone()];
    let tag = ["-metadata", "title=A visit", "-id3v2_version", "3"];
    for (name, args) in [
        ("a.flac", &["-c:a", "flac"][..]),
        ("a.ogg", &["-c:a", "libvorbis", "-q:a", "2"][..]),
        ("a.m4a", &["-c:a", "aac", "-b:a", "64k"][..]),
        ("a.mp3", &[&["-c:a", "libmp3lame", "-q:a", "6"][..], &tag[..]].concat()[..]),
    ] {
        if let Some(p) = audio_support::ffmpeg(&wav, &dir.join(name), args) {
            v.push(p);
        }
    }
    v
}

fn mutate(rng: &mut Rng, bytes: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    let head = b.len().min(600);
    match rng.below(5) {
        // A huge or zero length at a random place in the header, either byte order.
        0 | 1 => {
            let v = [0xffff_fff0u32, 0x7fff_ffff, 0xc4b4_0000, 0, 0x0100_0000][rng.below(5)];
            let at = rng.below(head.saturating_sub(4));
            let raw = if rng.below(2) == 0 { v.to_le_bytes() } else { v.to_be_bytes() };
            b[at..at + 4].copy_from_slice(&raw);
        }
        // A few random bytes.
        2 => {
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(head);
                b[at] = rng.next() as u8;
            }
        }
        // Cut inside the header.
        3 => b.truncate(1 + rng.below(head)),
        // Another format's header on this body.
        _ => {
            let other = &others[rng.below(others.len())];
            let n = 4 + rng.below(other.len().min(200));
            let mut spliced = other[..n].to_vec();
            spliced.extend_from_slice(&b[n.min(b.len())..]);
            b = spliced;
        }
    }
    b
}

/// Runs `tapecoder probe FILE` under the memory limit; panics with the case on a bad outcome.
fn probe_survives(file: &Path, case: &str) {
    let bin = assert_cmd::cargo::cargo_bin("tapecoder");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {LIMIT_KIB} && exec \"$0\" probe \"$1\""))
        .arg(&bin)
        .arg(file)
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sh");
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("{case}: probe still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(matches!(status.code(), Some(0 | 1)), "{case}: killed or aborted ({status}): {err}");
    for bad in ["panicked", "stack backtrace", "memory allocation", "RUST_BACKTRACE"] {
        assert!(!err.contains(bad), "{case}: stderr shows {bad:?}: {err}");
    }
    assert!(err.lines().count() <= 1, "{case}: more than one line: {err}");
    if status.code() == Some(1) {
        assert!(err.starts_with("error: "), "{case}: {err}");
    }
}

#[test]
fn mutated_headers_of_every_format_never_panic_abort_or_exhaust_memory() {
    let dir = tempfile::tempdir().unwrap();
    let files = fixtures(dir.path());
    let originals: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let t = Instant::now();
    let mut n = 0;
    for (file, bytes) in files.iter().zip(&originals) {
        probe_survives(file, &format!("{} unchanged", file.display()));
        let ext = file.extension().unwrap().to_string_lossy().into_owned();
        for i in 0..CASES {
            let m = mutate(&mut rng, bytes, &originals);
            let p = dir.path().join(format!("m{i}.{ext}"));
            std::fs::write(&p, &m).unwrap();
            probe_survives(&p, &format!("{ext} case {i} (seed-deterministic)"));
            n += 1;
        }
    }
    eprintln!("{n} mutated headers probed in {:.1} s", t.elapsed().as_secs_f64());
}

#[test]
fn wav_with_sample_rate_zero_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("sr0.wav");
    audio_support::bursts_wav(&wav, 0.5, 1);
    let mut b = std::fs::read(&wav).unwrap();
    b[24..28].copy_from_slice(&0u32.to_le_bytes());
    std::fs::write(&wav, &b).unwrap();
    probe_survives(&wav, "sample rate 0");
    let out = Command::new(assert_cmd::cargo::cargo_bin("tapecoder"))
        .arg("probe")
        .arg(&wav)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sample rate of 0 Hz"), "{err}");
}
