//! `tapecoder reliability`: the reliability report from the study's submitted blind codings, or
//! from a CSV of ratings made elsewhere (`--from-csv`, no study needed).
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use crate::cli::{GlobalArgs, PlanArgs, ReliabilityArgs, ReliabilityCmd, ReportFormat};
use crate::commands::context;
use crate::reliability::input::{Ratings, StudyParts, from_csv, from_study, parse_scale};
use crate::reliability::{Options, Report, build_with, render};
use crate::stats::plan::{Design, plan};
use crate::study::Study;
use crate::study::model::{AssignmentsFile, SCHEMA};

/// Ratings files larger than this are refused rather than read into memory.
const MAX_CSV_BYTES: u64 = 64 * 1024 * 1024;

/// Agreement criterion for `--from-csv` (the field's "within 1 point").
const CSV_TOLERANCE: f64 = 1.0;

pub fn run(g: &GlobalArgs, a: &ReliabilityArgs) -> anyhow::Result<ExitCode> {
    if let Some(ReliabilityCmd::Plan(p)) = &a.plan {
        print!("{}", plan_text(p)?);
        return Ok(ExitCode::SUCCESS);
    }
    if let (Some(cb), Some(file)) = (&a.codebook, &a.from_csv) {
        return instrument_report(cb, file, a);
    }
    let ratings = match &a.from_csv {
        Some(file) => csv_ratings(file, &a.scale)?,
        None => study_ratings(g, a.instrument.as_deref())?,
    };
    let opt = Options {
        average_measures: a.average_measures,
        resamples: usize::try_from(a.resamples).unwrap_or(usize::MAX),
        seed: a.seed,
    };
    let report = build_with(&ratings, &opt);
    drop_aside(ratings);
    let text = render_report(&report, a.format);
    drop_aside(report);
    write_output(a.out.as_deref(), text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `reliability --from-csv FILE --codebook INSTRUMENT`: every item by the statistics of its kind.
fn instrument_report(cb: &Path, file: &Path, a: &ReliabilityArgs) -> anyhow::Result<ExitCode> {
    use crate::instrument::reliability::{Row, report, table};
    let text = std::fs::read_to_string(cb)
        .with_context(|| format!("cannot read {}; check the path", cb.display()))?;
    if !crate::instrument::declares_schema_2(&text) {
        anyhow::bail!(
            "{} is not a schema-2 instrument; for a one-scale codebook leave out --codebook and give --scale",
            cb.display()
        );
    }
    let instr = crate::instrument::parse(&text, &cb.display().to_string())?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .with_context(|| format!("cannot read {}; check the path", file.display()))?;
    let headers =
        reader.headers().with_context(|| format!("{}: no header row", file.display()))?.clone();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h));
    let (Some(r), Some(c), Some(i), Some(v)) =
        (col(&["recording"]), col(&["coder"]), col(&["item", "domain"]), col(&["value", "score"]))
    else {
        anyhow::bail!("{}: the header must name recording, coder, item and value", file.display());
    };
    let mut rows = Vec::new();
    for (n, rec) in reader.records().enumerate() {
        let rec = rec.with_context(|| format!("{}: line {}", file.display(), n + 2))?;
        let get = |k: usize| rec.get(k).unwrap_or_default().to_string();
        rows.push(Row {
            line: n + 2,
            recording: get(r),
            coder: get(c),
            item: get(i),
            value: get(v),
        });
    }
    let results = report(&instr, &rows).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    let out = match a.format {
        ReportFormat::Table => table(&instr, &results),
        ReportFormat::Json => serde_json::to_string_pretty(&results).context("JSON")? + "\n",
        ReportFormat::Csv | ReportFormat::Html => {
            anyhow::bail!("--codebook reports come as --format table or json")
        }
    };
    write_output(a.out.as_deref(), out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The report's text in `format` (also what `tapecoder bench study` times).
pub fn render_report(report: &Report, format: ReportFormat) -> String {
    match format {
        ReportFormat::Table => render::table::render(report),
        ReportFormat::Json => render::json::render(report),
        ReportFormat::Csv => render::csv::render(report),
        ReportFormat::Html => render::html::render(report),
    }
}

/// `tapecoder reliability plan`: the recordings needed for the width asked, for both designs.
fn plan_text(p: &PlanArgs) -> anyhow::Result<String> {
    let one = plan(p.icc, p.width, p.coders, Design::OneWay).map_err(|e| anyhow!("{e}"))?;
    let crossed = plan(p.icc, p.width, p.coders, Design::Crossed).map_err(|e| anyhow!("{e}"))?;
    Ok(format!(
        "For an expected ICC of {icc} with {k} coders per recording, a 95% CI at most {w} wide needs:\n  \
         {n1} double-coded recordings for ICC(1,1) (different coder pairs), CI [{a1:.3}, {b1:.3}];\n  \
         {n3} for ICC(3,1) (the same coders on every recording), CI [{a3:.3}, {b3:.3}].\n\
         F-based intervals as in the report (Shrout & Fleiss 1979). Set double_coding.fraction in study.toml\n\
         so that at least this many recordings are double-coded.\n",
        icc = p.icc,
        k = p.coders,
        w = p.width,
        n1 = one.n,
        a1 = one.ci95.0,
        b1 = one.ci95.1,
        n3 = crossed.n,
        a3 = crossed.ci95.0,
        b3 = crossed.ci95.1,
    ))
}

fn csv_ratings(file: &Path, scale: &str) -> anyhow::Result<Ratings> {
    let scale = parse_scale(scale).map_err(|e| anyhow!("--scale: {e}"))?;
    let meta = std::fs::metadata(file)
        .with_context(|| format!("cannot read ratings file {}: check the path", file.display()))?;
    if meta.len() > MAX_CSV_BYTES {
        anyhow::bail!(
            "ratings file {} is {} bytes; the limit is {MAX_CSV_BYTES}",
            file.display(),
            meta.len()
        );
    }
    let bytes = std::fs::read(file)
        .with_context(|| format!("cannot read ratings file {}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow!("ratings file {} is not UTF-8 text: save it as UTF-8 CSV", file.display())
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    from_csv(text, &file.display().to_string(), scale, CSV_TOLERANCE).map_err(|problems| {
        let lines: Vec<String> = problems.iter().take(20).map(ToString::to_string).collect();
        let more = problems.len().saturating_sub(20);
        let tail = if more > 0 { format!("\n… and {more} more") } else { String::new() };
        anyhow!(
            "{} problem(s) in ratings file (expected columns recording,coder,domain,score):\n{}{tail}",
            problems.len(),
            lines.join("\n")
        )
    })
}

fn study_ratings(g: &GlobalArgs, instrument: Option<&str>) -> anyhow::Result<Ratings> {
    use crate::study::parse_cache::Cache;
    let sd = context::resolve_dir(g)?;
    let dir = sd.dir.clone();
    std::thread::scope(|s| {
        // The parse cache and the assignments are read on the other core while the study opens
        // (which checks who is asking and records the receipts): nothing of them is used, or
        // shown, unless the caller is a supervisor.
        let early = s.spawn(move || {
            let cache = Cache::open(Cache::file_for(&dir));
            let assignments = Study::read_assignments(&crate::study::locate::Layout::new(&dir));
            (cache, assignments)
        });
        let ctx = context::resolve_in(g, sd)?;
        ctx.supervisor("see the reliability report")?;
        let book = ctx.study.require_instrument(instrument)?;
        let (cache, assignments) = early.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        gather(&ctx.study, book, cache, assignments?)
    })
}

/// The ratings of a study's report: its assignments, every coding, and the recordings' durations,
/// gathered (the caller has checked that a supervisor asks; `tapecoder bench study` times this).
pub fn study_report_ratings(study: &Study) -> anyhow::Result<Ratings> {
    let cache = crate::study::parse_cache::Cache::open(crate::study::parse_cache::Cache::file_for(
        study.dir(),
    ));
    study_report_ratings_with(study, cache)
}

/// [`study_report_ratings`] with the coding files read through `cache` (the bench times the
/// report with and without one).
pub fn study_report_ratings_with(
    study: &Study,
    cache: crate::study::parse_cache::Cache,
) -> anyhow::Result<Ratings> {
    gather(study, study.codebook(), cache, study.assignments()?)
}

/// The report's ratings for one instrument from its assignments and every coding (read through
/// `cache`): only the recordings coded with `book`, so a report never mixes instruments.
fn gather(
    study: &Study,
    book: &crate::codebook::Codebook,
    cache: crate::study::parse_cache::Cache,
    mut assignments: Vec<crate::study::model::Assignment>,
) -> anyhow::Result<Ratings> {
    assignments.retain(|a| study.codes_with(&a.id, book));
    // The windows from the assignments in hand (assignments.toml is read once).
    let windows = crate::study::windows_of(&assignments);
    let assignments = AssignmentsFile { schema: SCHEMA, recordings: assignments };
    let durations = durations(study);
    let mut codings = study.report_codings_with(cache)?.0;
    codings.retain(|c| study.codes_with(&c.recording, book));
    let ratings = from_study(&StudyParts {
        windows: &windows,
        name: &study.config().name,
        codebook: book,
        assignments: &assignments,
        durations: &durations,
        codings: &codings,
        tolerance: study.config().reliability.tolerance,
    });
    drop_aside((codings, assignments, durations));
    Ok(ratings)
}

/// Frees `x` on a thread of its own: a large study's codings and ratings are hundreds of
/// thousands of small allocations, and the report need not wait for them (a process that
/// ends first just ends).
fn drop_aside<T: Send + 'static>(x: T) {
    // With no thread to be had, the closure, and `x` in it, is freed here instead.
    let _ = std::thread::Builder::new().name("tapecoder-free".into()).spawn(move || drop(x));
}

/// recording id → duration in seconds, from recordings.toml.
pub(crate) fn durations(study: &Study) -> BTreeMap<String, f64> {
    study.recordings().iter().map(|r| (r.id.clone(), r.duration_s)).collect()
}

/// Writes `bytes` to `out` atomically (temp file in the same folder, fsync, rename, fsync the
/// folder), or to standard output when `out` is `None`.
pub(crate) fn write_output(out: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let Some(path) = out else {
        let mut stdout = std::io::stdout().lock();
        // A table on the screen shows a hand-edited note's escape sequence instead of obeying it;
        // a file or a pipe gets the bytes as they are.
        let shown = if std::io::IsTerminal::is_terminal(&stdout) {
            crate::ids::escape_controls(&String::from_utf8_lossy(bytes)).into_owned().into_bytes()
        } else {
            bytes.to_vec()
        };
        return stdout
            .write_all(&shown)
            .and_then(|()| stdout.flush())
            .context("cannot write to standard output");
    };
    crate::study::files::atomic_write(path, bytes)?;
    Ok(())
}
