//! A generated study for the study benchmarks (`tapecoder bench study`, `cargo bench --bench ui`):
//! N recordings and M codings written through the [`Study`] API, as `init`, `coders add`,
//! `import`, `assign` and the coder TUI would write them.
//!
//! Six coders and a supervisor; every recording has a primary coder, the planner double-codes a
//! share of them (`assign`'s own planner), and when M exceeds two codings per recording a third
//! coder joins double-coded recordings (an additional coder, as a coder in training would be: their
//! codings are on disk and read, whether or not the report counts them).
//!
//! Scores are realistic: recording quality around 2.3 on the 1–5 scale, a small bias per coder and
//! noise, so most pairs agree within one point and a few do not. Three recordings in four have
//! behaviour-change talk (one to six stretches of half a minute to ten minutes, so the share
//! spreads widely, in 0.1-point steps), which each coder tags with jitter, sometimes missing a
//! stretch, and then scores evocation. Every scored domain has a rationale; each coding has notes
//! and listened stretches; about one in twenty codings is still in progress.
//! Audio files are tiny placeholders whose sha256 is registered (the queue screen only checks that
//! the file is there; nothing here decodes audio).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::codebook::Codebook;
use crate::coding::{BEHAVIOUR_CHANGE, CodebookRef, Coding, Status};
use crate::identity::fictional_signer;
use crate::study::Study;
use crate::study::assign::{PlanInput, plan};
use crate::study::files::sha256_hex;
use crate::study::model::{Assignment, Coder, Recording, RecordingMeta, Role};

/// Coders (role = coder) in a generated study.
pub const CODERS: usize = 6;
/// The supervisor's id.
pub const SUPERVISOR: &str = "sup";

/// What was generated.
#[derive(Debug, Clone)]
pub struct Generated {
    pub dir: PathBuf,
    pub recordings: usize,
    pub codings: usize,
    pub submitted: usize,
    /// Recordings assigned to two or more coders.
    pub double_coded: usize,
    /// Recordings assigned to three coders.
    pub triple_coded: usize,
    /// The coder with the longest queue (whose queue screen the benchmark opens) and its length.
    pub busiest_coder: String,
    pub busiest_queue: usize,
}

const RATIONALES: &[&str] = &[
    "Listened carefully and reflected the mother's worries back to her before moving on.",
    "Mostly asked closed questions; little sense of working things out together.",
    "Named the concern about the children's school attendance plainly and kindly.",
    "Kept returning to what the child's day is like; the child was at the centre.",
    "Talked over the father twice and did not pick up his point about the housing.",
    "Asked what the parent wanted to change and built the plan from her answer.",
];

const NOTES: &[&str] = &[
    "worker summarises the plan",
    "parent talks about cutting down on drinking",
    "good open question here",
    "child can be heard in the background",
    "worker explains the concern from the school",
    "interrupts the parent",
    "long silence, then the parent opens up",
    "reflective listening",
];

/// A roughly normal number with mean 0 and standard deviation about 1 (sum of three uniforms).
fn gauss(rng: &mut ChaCha8Rng) -> f64 {
    let s: f64 = (0..3).map(|_| rng.random_range(-1.0..1.0)).sum();
    s
}

fn level(x: f64, min: u8, max: u8) -> u8 {
    x.round().clamp(f64::from(min), f64::from(max)) as u8
}

/// Generates the study in `dir` (which must not exist, or be empty): `recordings` recordings and
/// `codings` codings (between one and three per recording), reproducibly from `seed`.
pub fn generate(
    dir: &Path,
    recordings: usize,
    codings: usize,
    seed: u64,
) -> anyhow::Result<Generated> {
    if recordings == 0 || codings < recordings || codings > 3 * recordings {
        bail!(
            "a generated study needs at least one recording and one to three codings per recording \
             (asked for {recordings} recordings and {codings} codings)"
        );
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Study::create(
        dir,
        "Bench study",
        "handbook.toml",
        crate::commands::init::HANDBOOK.as_bytes(),
        1,
        Some(&fictional_signer(SUPERVISOR).public()),
    )
    .with_context(|| format!("cannot create the bench study in {}", dir.display()))?;
    let mut study = Study::open(dir)?;
    // Fictional people with fictional keys (derived from their ids).
    let mut add = |id: &str, name: String, role: Role| {
        let signer = fictional_signer(id);
        let key = Some(signer.public().to_string());
        study.add_signer(signer);
        study.add_coder(Coder { id: id.into(), name, role, key }, SUPERVISOR)
    };
    add(SUPERVISOR, "Supervisor".into(), Role::Supervisor)?;
    let coders: Vec<String> = (1..=CODERS).map(|i| format!("c{i:02}")).collect();
    for c in &coders {
        add(c, format!("Coder {c}"), Role::Coder)?;
    }

    let (recs, meta) = placeholder_recordings(dir, recordings, &mut rng)?;
    study.add_recordings(recs, meta, Some(SUPERVISOR))?;

    // Assignments: the planner double-codes a share; past two per recording a third coder joins.
    let ids: Vec<String> = study.recordings().iter().map(|r| r.id.clone()).collect();
    let fraction = ((codings - recordings) as f64 / recordings as f64).min(1.0);
    let mut assignments = plan(&PlanInput {
        recordings: &ids,
        durations: &BTreeMap::new(),
        coders: &coders,
        observers: &BTreeMap::new(),
        existing: &[],
        fraction,
        seed,
    })?;
    top_up(&mut assignments, &coders, codings);
    study.save_assignments(&assignments, SUPERVISOR)?;

    // Codings.
    let book = study.codebook().clone();
    let bias: BTreeMap<&str, f64> =
        coders.iter().map(|c| (c.as_str(), rng.random_range(-0.3..0.3))).collect();
    let mut written = 0;
    let mut submitted = 0;
    for a in &assignments {
        let Some(rec) = study.recording(&a.id).cloned() else { continue };
        let truth = Truth::draw(&mut rng, &book, rec.duration_s);
        for coder in &a.coders {
            let b = bias.get(coder.as_str()).copied().unwrap_or(0.0);
            let c = coding_of(&mut rng, &book, &rec, coder, &truth, b)?;
            if c.status == Status::Submitted {
                study.submit_coding(&c)?;
                submitted += 1;
            } else {
                study.save_coding(&c)?;
            }
            written += 1;
        }
    }
    let queues = crate::study::assign::queues(&assignments, &coders);
    let (busiest_coder, busiest_queue) = queues
        .iter()
        .map(|(c, q)| (c.clone(), q.len()))
        .max_by_key(|(_, n)| *n)
        .unwrap_or_default();
    Ok(Generated {
        dir: dir.to_path_buf(),
        recordings,
        codings: written,
        submitted,
        double_coded: assignments.iter().filter(|a| a.coders.len() >= 2).count(),
        triple_coded: assignments.iter().filter(|a| a.coders.len() >= 3).count(),
        busiest_coder,
        busiest_queue,
    })
}

/// `n` recordings with placeholder audio files in `dir/audio/`, 30 to 90 minutes long, with study
/// variables (arm, site, worker).
fn placeholder_recordings(
    dir: &Path,
    recordings: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<(Vec<Recording>, Vec<RecordingMeta>)> {
    let audio = dir.join("audio");
    std::fs::create_dir_all(&audio)
        .with_context(|| format!("cannot create {}", audio.display()))?;
    let mut recs = Vec::with_capacity(recordings);
    let mut meta = Vec::with_capacity(recordings);
    for i in 1..=recordings {
        let id = format!("R{i:04}");
        let bytes = format!("tapecoder bench placeholder audio for {id}\n");
        let file = format!("audio/{id}.mp3");
        std::fs::write(dir.join(&file), &bytes)
            .with_context(|| format!("cannot write {}", dir.join(&file).display()))?;
        let duration_s = (rng.random_range(1800.0..5400.0_f64) * 1000.0).round() / 1000.0;
        recs.push(Recording {
            id: id.clone(),
            file,
            sha256: sha256_hex(bytes.as_bytes()),
            duration_s,
            instrument: None,
        });
        let variables: BTreeMap<String, String> = [
            ("arm".to_string(), if i % 2 == 0 { "A" } else { "B" }.to_string()),
            ("site".to_string(), format!("S{}", i % 7 + 1)),
            ("worker".to_string(), format!("W{:03}", i % 120 + 1)),
        ]
        .into_iter()
        .collect();
        meta.push(RecordingMeta { id, observer: None, variables });
    }
    Ok((recs, meta))
}

/// Adds coders until the assignments hold `codings` codings: a second coder on single-coded
/// recordings first, then a third on double-coded ones (never the same coder twice).
fn top_up(assignments: &mut [Assignment], coders: &[String], codings: usize) {
    let mut total: usize = assignments.iter().map(|a| a.coders.len()).sum();
    for round in 2..=3 {
        for (i, a) in assignments.iter_mut().enumerate() {
            if total >= codings {
                return;
            }
            if a.coders.len() + 1 != round {
                continue;
            }
            let pick = (0..coders.len())
                .map(|k| &coders[(i * 5 + k * 7 + round) % coders.len()])
                .find(|c| !a.coders.contains(c));
            if let Some(c) = pick {
                a.coders.push(c.clone());
                a.double_coded = true;
                total += 1;
            }
        }
    }
}

/// What a recording "really" holds, from which each coder's coding deviates.
struct Truth {
    /// Per domain, the level an ideal coder would give (before rounding).
    quality: BTreeMap<String, f64>,
    /// Behaviour-change stretches (start, end) in seconds.
    bc: Vec<(f64, f64)>,
}

impl Truth {
    fn draw(rng: &mut ChaCha8Rng, book: &Codebook, duration_s: f64) -> Truth {
        let base = 2.3 + 0.45 * gauss(rng);
        let quality =
            book.domains.iter().map(|d| (d.key.clone(), base + 0.3 * gauss(rng))).collect();
        let mut bc = Vec::new();
        if rng.random_bool(0.75) {
            for _ in 0..rng.random_range(1..=6) {
                let start = rng.random_range(0.0..(duration_s - 600.0).max(1.0));
                bc.push((start, start + rng.random_range(30.0..600.0)));
            }
        }
        Truth { quality, bc }
    }
}

fn coding_of(
    rng: &mut ChaCha8Rng,
    book: &Codebook,
    rec: &Recording,
    coder: &str,
    truth: &Truth,
    bias: f64,
) -> anyhow::Result<Coding> {
    let dur = rec.duration_s;
    let mut c =
        Coding::new(&rec.id, coder, CodebookRef::of(book), &rec.sha256, "2026-03-02T09:00:00Z");
    let in_progress = rng.random_bool(0.05);
    let kind = book
        .domains
        .iter()
        .find_map(|d| d.requires_segment.clone())
        .unwrap_or_else(|| BEHAVIOUR_CHANGE.to_string());
    for &(a, b) in &truth.bc {
        if rng.random_bool(0.9) {
            let a = (a + rng.random_range(-15.0..15.0)).max(0.0);
            let b = (b + rng.random_range(-15.0..15.0)).max(a + 5.0).min(dur);
            let note =
                if rng.random_bool(0.3) { "parent says what she will do differently" } else { "" };
            let i = c.add_segment(&kind, a, b, dur)?;
            if !note.is_empty() {
                c.set_segment_note(i, note)?;
            }
        }
    }
    let listened_to = if in_progress { dur * rng.random_range(0.1..0.8) } else { dur };
    c.record_listened(0.0, listened_to)?;
    c.set_resume(listened_to)?;
    for _ in 0..rng.random_range(3..=8) {
        let at = rng.random_range(0.0..listened_to);
        let text = NOTES[rng.random_range(0..NOTES.len())];
        let domains = if rng.random_bool(0.3) {
            book.domains.get(rng.random_range(0..book.domains.len())).map(|d| vec![d.key.clone()])
        } else {
            None
        };
        c.add_note(at, text, domains.unwrap_or_default())?;
    }
    let has_bc = c.segments.iter().any(|s| s.kind == kind);
    let (min, max) = (book.scale.min, book.scale.max);
    for (i, d) in book.domains.iter().enumerate() {
        if in_progress && i >= 3 {
            break;
        }
        if d.requires_segment.is_some() && !has_bc {
            continue; // not applicable
        }
        let q = truth.quality.get(&d.key).copied().unwrap_or(2.5);
        c.set_score(book, &d.key, level(q + bias + 0.55 * gauss(rng), min, max))?;
        c.set_rationale(book, &d.key, RATIONALES[rng.random_range(0..RATIONALES.len())])?;
    }
    if !in_progress {
        c.try_submit(book, dur, "2026-03-03T16:30:00Z").map_err(|problems| {
            anyhow::anyhow!(
                "generated coding {}/{} cannot be submitted: {problems:?}",
                coder,
                rec.id
            )
        })?;
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_the_asked_size_and_reads_back() {
        let tmp = tempfile::tempdir().unwrap();
        let g = generate(&tmp.path().join("s"), 20, 48, 3).unwrap();
        assert_eq!((g.recordings, g.codings), (20, 48));
        assert_eq!(g.double_coded, 20);
        assert_eq!(g.triple_coded, 8);
        let s = Study::open(&g.dir).unwrap();
        let all = s.all_codings().unwrap();
        assert_eq!(all.len(), 48);
        assert_eq!(all.iter().filter(|c| c.is_submitted()).count(), g.submitted);
        assert_eq!(s.queue(&g.busiest_coder).unwrap().len(), g.busiest_queue);
        let report =
            crate::study::verify::verify(&g.dir, &crate::study::verify::Scope::All, |_| {});
        assert!(report.ok(), "{:?}", report.problems);
    }

    #[test]
    fn a_fifth_double_coded() {
        let tmp = tempfile::tempdir().unwrap();
        let g = generate(&tmp.path().join("s"), 50, 60, 1).unwrap();
        assert_eq!((g.codings, g.double_coded, g.triple_coded), (60, 10, 0));
        assert!(generate(&tmp.path().join("t"), 10, 40, 1).is_err());
    }
}
