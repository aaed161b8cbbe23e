//! `tapecoder bench study`: the study targets of SPEC §10 on a generated study (see
//! [`super::fixture`]) — opening the queue screen and the reliability report, each timed over
//! several runs through the same code the TUI runner and `tapecoder reliability` use.
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde::Serialize;

use super::fixture::{self, Generated};
use super::{Machine, Stat, machine, ms};
use crate::cli::{BenchArgs, ReportFormat, TableOrJson};
use crate::commands::code::queue_rows;
use crate::commands::reliability::{render_report, study_report_ratings};
use crate::study::Study;
use crate::tui::bench_support::{HEIGHT, WIDTH};
use crate::tui::coder as screens;
use crate::tui::coder::{App, Msg, update};
use crate::tui::keys::Keymap;

/// SPEC §10: queue screen open and reliability report, each under 200 ms.
pub const QUEUE_TARGET_MS: f64 = 200.0;
pub const RELIABILITY_TARGET_MS: f64 = 200.0;
/// Issue #16: `verify` of a study of 5,000 recordings and 12,000 codings under 2 s.
pub const VERIFY_TARGET_MS: f64 = 2000.0;

/// Opens the queue screen as `tapecoder code` does: opens the study, reads `coder`'s queue with
/// each recording's status and share listened, builds the app and draws its first frame into
/// `term`. Returns the number of rows.
pub fn open_queue_screen(
    dir: &Path,
    coder: &str,
    term: &mut Terminal<TestBackend>,
) -> anyhow::Result<usize> {
    let study = Study::open(dir)?;
    study.require_coder(coder)?;
    let rows = queue_rows(&study, coder)?;
    let mut app = App::new(
        Arc::new(study.codebook().clone()),
        Keymap::default(),
        coder,
        &study.config().name,
        rows,
    );
    let area = term.size().context("reading the test terminal's size")?;
    update(&mut app, Msg::Resize(area.width, area.height));
    term.draw(|f| screens::draw(f, &app)).context("drawing the queue screen")?;
    Ok(app.queue.rows.len())
}

/// Time spent in each step of one reliability report, in ms.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ReliabilityPhases {
    /// Opening the study (settings, coders, recordings, codebook).
    pub open_ms: f64,
    /// Reading assignments and every coding, and gathering the ratings.
    pub load_ms: f64,
    /// Computing the statistics.
    pub compute_ms: f64,
    /// Rendering the table.
    pub render_ms: f64,
}

/// The reliability report of the study in `dir` as `tapecoder reliability` (table format) makes
/// it, with the time of each step.
pub fn reliability_report(dir: &Path) -> anyhow::Result<(String, ReliabilityPhases)> {
    let t = Instant::now();
    let study = Study::open(dir)?;
    let open = t.elapsed();
    let ratings = study_report_ratings(&study)?;
    finish_report(t, open, ratings)
}

/// [`reliability_report`] with the coding files read through the parse cache at `cache` (`None`:
/// no cache, every file parsed).
pub fn reliability_report_cached(
    dir: &Path,
    cache: Option<&Path>,
) -> anyhow::Result<(String, ReliabilityPhases)> {
    let t = Instant::now();
    let study = Study::open(dir)?;
    let open = t.elapsed();
    let cache = crate::study::parse_cache::Cache::open(cache.map(Path::to_path_buf));
    let ratings = crate::commands::reliability::study_report_ratings_with(&study, cache)?;
    finish_report(t, open, ratings)
}

fn finish_report(
    t: Instant,
    open: std::time::Duration,
    ratings: crate::reliability::input::Ratings,
) -> anyhow::Result<(String, ReliabilityPhases)> {
    let load = t.elapsed();
    let report = crate::reliability::build(&ratings, false);
    let compute = t.elapsed();
    let text = render_report(&report, ReportFormat::Table);
    let render = t.elapsed();
    Ok((
        text,
        ReliabilityPhases {
            open_ms: ms(open),
            load_ms: ms(load - open),
            compute_ms: ms(compute - load),
            render_ms: ms(render - compute),
        },
    ))
}

#[derive(Debug, Serialize)]
struct StudyResult {
    name: &'static str,
    description: String,
    recordings: usize,
    codings: usize,
    submitted: usize,
    double_coded: usize,
    triple_coded: usize,
    generate_s: f64,
    queue_coder: String,
    queue_rows: usize,
    queue_open: Stat,
    /// The report with the coding files read through a warm parse cache (as a supervisor's
    /// second and later reports are).
    reliability: Stat,
    /// Medians of each step of the report.
    reliability_phases_ms: ReliabilityPhases,
    /// The report with no parse cache: every coding file read and parsed.
    reliability_uncached: Stat,
    reliability_uncached_phases_ms: ReliabilityPhases,
    reliability_report_bytes: usize,
    /// `verify` of the whole study (in process; as a supervisor's `tapecoder verify`).
    verify: Stat,
}

#[derive(Debug, Serialize)]
struct Report {
    machine: Machine,
    width: u16,
    height: u16,
    studies: Vec<StudyResult>,
}

pub fn run(a: &BenchArgs) -> anyhow::Result<ExitCode> {
    let n = a.recordings as usize;
    let runs = a.runs as usize;
    let tmp = tempfile::tempdir().context("cannot create a temporary folder")?;
    let root = a.keep.as_deref().unwrap_or(tmp.path());
    let shapes: Vec<(&'static str, usize, String)> = match a.codings {
        Some(m) => vec![(
            "study",
            m as usize,
            format!("{m} codings on {n} recordings (--codings)"),
        )],
        None => vec![
            (
                "spec",
                n * 12 / 5,
                "the SPEC §10 size: 2.4 codings per recording (every recording double-coded, 40% also by a third, additional coder)".into(),
            ),
            ("typical", n * 6 / 5, "a fifth of the recordings double-coded (1.2 codings per recording)".into()),
        ],
    };
    let mut studies = Vec::new();
    for (name, codings, description) in shapes {
        eprintln!("generating a study of {n} recordings and {codings} codings ({name}) …");
        let t = Instant::now();
        let g = fixture::generate(&root.join(name), n, codings, 1)?;
        let generate_s = t.elapsed().as_secs_f64();
        if a.keep.is_some() {
            eprintln!("kept in {} (supervisor `{}`)", g.dir.display(), fixture::SUPERVISOR);
        }
        eprintln!("measuring ({runs} runs each) …");
        studies.push(measure(name, description, &g, generate_s, runs, tmp.path())?);
    }
    if let Some(keep) = &a.keep {
        keep_supervisor_key(keep, if a.codings.is_some() { "study" } else { "spec" })?;
    }
    let report = Report { machine: machine(), width: WIDTH, height: HEIGHT, studies };
    match a.format {
        TableOrJson::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        TableOrJson::Table => print_table(&report),
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the generated studies' supervisor key (fictional: derived from the id) to `DIR/keys`, so
/// the kept studies can be timed as whole processes (`TAPECODER_KEY_DIR=DIR/keys tapecoder
/// reliability --study DIR/spec --as sup`).
fn keep_supervisor_key(keep: &Path, study: &str) -> anyhow::Result<()> {
    let dir = keep.join("keys");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file = dir.join(format!("{}.key", fixture::SUPERVISOR));
    if !file.exists() {
        crate::identity::write_key_file(&file, &crate::identity::fictional(fixture::SUPERVISOR))?;
    }
    eprintln!(
        "the supervisor's (fictional) key is in {}: TAPECODER_KEY_DIR={} tapecoder reliability --study {} --as {}",
        dir.display(),
        dir.display(),
        keep.join(study).display(),
        fixture::SUPERVISOR
    );
    Ok(())
}

fn measure(
    name: &'static str,
    description: String,
    g: &Generated,
    generate_s: f64,
    runs: usize,
    tmp: &Path,
) -> anyhow::Result<StudyResult> {
    let mut term = Terminal::new(TestBackend::new(WIDTH, HEIGHT))
        .context("cannot create the test terminal")?;
    let mut queue = Vec::with_capacity(runs);
    let mut queue_rows = 0;
    for _ in 0..runs {
        let t = Instant::now();
        queue_rows = open_queue_screen(&g.dir, &g.busiest_coder, &mut term)?;
        queue.push(ms(t.elapsed()));
    }
    // The report without a cache, then with one (filled by a first run that is not timed); the
    // two give the same text.
    let cache = tmp.join(format!("{name}-codings.bin"));
    let (uncached, uncached_phases, plain) =
        time_reports(runs, || reliability_report_cached(&g.dir, None))?;
    let (filled, _) = reliability_report_cached(&g.dir, Some(&cache))?;
    if filled != plain {
        anyhow::bail!("the report through the parse cache differs from the one without it");
    }
    let (total, phases, text) =
        time_reports(runs, || reliability_report_cached(&g.dir, Some(&cache)))?;
    if text != plain {
        anyhow::bail!("the report through a warm parse cache differs from the one without it");
    }
    let bytes = text.len();
    let mut verify = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let report =
            crate::study::verify::verify(&g.dir, &crate::study::verify::Scope::All, |_| {});
        verify.push(ms(t.elapsed()));
        if !report.ok() {
            anyhow::bail!("verify found problems in the generated study: {:?}", report.problems);
        }
    }
    let median_of = |phases: &[ReliabilityPhases], f: fn(&ReliabilityPhases) -> f64| {
        super::median(phases.iter().map(f).collect())
    };
    let medians = |p: &[ReliabilityPhases]| ReliabilityPhases {
        open_ms: median_of(p, |p| p.open_ms),
        load_ms: median_of(p, |p| p.load_ms),
        compute_ms: median_of(p, |p| p.compute_ms),
        render_ms: median_of(p, |p| p.render_ms),
    };
    Ok(StudyResult {
        name,
        description,
        recordings: g.recordings,
        codings: g.codings,
        submitted: g.submitted,
        double_coded: g.double_coded,
        triple_coded: g.triple_coded,
        generate_s,
        queue_coder: g.busiest_coder.clone(),
        queue_rows,
        queue_open: Stat::of(queue, QUEUE_TARGET_MS),
        reliability: Stat::of(total, RELIABILITY_TARGET_MS),
        reliability_phases_ms: medians(&phases),
        reliability_uncached: Stat::of(uncached, RELIABILITY_TARGET_MS),
        reliability_uncached_phases_ms: medians(&uncached_phases),
        reliability_report_bytes: bytes,
        verify: Stat::of(verify, VERIFY_TARGET_MS),
    })
}

/// `runs` timed reports: the times, the steps of each, and the last report's text.
fn time_reports(
    runs: usize,
    report: impl Fn() -> anyhow::Result<(String, ReliabilityPhases)>,
) -> anyhow::Result<(Vec<f64>, Vec<ReliabilityPhases>, String)> {
    let (mut total, mut phases, mut text) = (Vec::new(), Vec::new(), String::new());
    for _ in 0..runs {
        let t = Instant::now();
        let (out, p) = report()?;
        total.push(ms(t.elapsed()));
        phases.push(p);
        text = out;
    }
    Ok((total, phases, text))
}

fn print_table(r: &Report) {
    println!("machine: {} CPUs, {}", r.machine.cpus, r.machine.cpu_model);
    for s in &r.studies {
        println!();
        println!(
            "study `{}`: {} recordings, {} codings ({} submitted), {} double-coded ({} by three coders); {}",
            s.name,
            s.recordings,
            s.codings,
            s.submitted,
            s.double_coded,
            s.triple_coded,
            s.description
        );
        println!("  generated in {:.1} s", s.generate_s);
        println!(
            "  {:<44} {:>10} {:>10} {:>10} {:>5}",
            "measure", "median ms", "max ms", "target ms", "met"
        );
        let line = |what: String, st: &Stat| {
            println!(
                "  {:<44} {:>10.1} {:>10.1} {:>10.0} {:>5}",
                what,
                st.median_ms,
                st.max_ms,
                st.target_ms,
                if st.met { "yes" } else { "NO" }
            );
        };
        line(
            format!(
                "queue screen open ({}, {} rows, {}×{})",
                s.queue_coder, s.queue_rows, r.width, r.height
            ),
            &s.queue_open,
        );
        let steps = |p: &ReliabilityPhases| {
            println!(
                "  report steps (median ms): open {:.1}, load + gather {:.1}, compute {:.1}, render {:.1}",
                p.open_ms, p.load_ms, p.compute_ms, p.render_ms
            );
        };
        line("reliability report (table), no parse cache".into(), &s.reliability_uncached);
        steps(&s.reliability_uncached_phases_ms);
        line("reliability report (table), warm parse cache".into(), &s.reliability);
        steps(&s.reliability_phases_ms);
        line("verify (whole study)".into(), &s.verify);
    }
}
