//! `tapecoder export codings | final | segments | events`: tables from the study, as CSV or JSON,
//! or one Audacity label file per coding. `events` lists the logged behaviour counts of submitted
//! codings only (an in-progress coding's counts may still change). A supervisor exports everything; a coder exports only their own
//! codings and segments (without the slot column, which would reveal double coding) and no final
//! scores. With `--out F` it says on stderr what it wrote; `export final` also says on stderr how many
//! recordings still have an unresolved disagreement.
use std::collections::BTreeSet;
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use crate::cli::{ExportArgs, ExportFormat, ExportKind, GlobalArgs};
use crate::coding::Coding;
use crate::commands::context;
use crate::commands::reliability::{durations, write_output};
use crate::export::{
    FinalExport, FinalParts, Spans, Table, audacity_labels, codings_table, events_table,
    final_table, segments_table,
};
use crate::study::model::{FinalRule, Role};

pub fn run(g: &GlobalArgs, a: &ExportArgs) -> anyhow::Result<ExitCode> {
    let ctx = context::resolve(g)?;
    let me = ctx.me()?;
    let (study, who) = (&ctx.study, me.id.clone());
    let supervisor = me.role == Role::Supervisor;
    let per_file =
        matches!(a.format, ExportFormat::Audacity | ExportFormat::Eaf | ExportFormat::Textgrid);
    if per_file && a.kind != ExportKind::Segments {
        anyhow::bail!(
            "--format {} is for `export segments` only; use csv or json",
            format_name(a.format)
        );
    }
    let book = study.require_instrument(a.instrument.as_deref())?;
    let codings = exported_codings(study, a, book, if supervisor { None } else { Some(&who) })?;
    let durations = durations(study);
    // The assignments (a supervisor's, read once) and the sampled windows: the supervisor's from
    // the assignments, a coder's from their queue.
    let assignments = if supervisor { Some(study.assignments()?) } else { None };
    let windows = match &assignments {
        Some(a) => crate::study::windows_of(a),
        None => study.queue_file(&who)?.windows,
    };
    let spans = Spans { durations: &durations, windows: &windows };
    let table: Table = match a.kind {
        ExportKind::Codings => codings_table(book, assignments.as_deref(), spans, &codings),
        ExportKind::Events => {
            let submitted: Vec<Coding> = codings.into_iter().filter(Coding::is_submitted).collect();
            events_table(&submitted)
        }
        ExportKind::Segments => {
            if matches!(a.format, ExportFormat::Eaf | ExportFormat::Textgrid) {
                return tier_files(study, a, &codings);
            }
            if a.format == ExportFormat::Audacity {
                let dir = a.out.as_deref().ok_or_else(|| {
                    anyhow!(
                        "--format audacity writes one file per coding: name a folder with --out DIR"
                    )
                })?;
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create folder {}", dir.display()))?;
                let files = audacity_labels(&codings);
                for (name, text) in &files {
                    write_output(Some(&dir.join(name)), text.as_bytes())?;
                }
                eprintln!(
                    "Wrote {} Audacity label file(s) to {}",
                    files.len(),
                    crate::ids::sanitize_for_terminal(&dir.display().to_string())
                );
                return Ok(ExitCode::SUCCESS);
            }
            segments_table(&codings)
        }
        ExportKind::Final => {
            ctx.supervisor("export final scores")?;
            let recordings: Vec<String> = study
                .live_recordings()?
                .iter()
                .filter(|r| study.codes_with(&r.id, book))
                .map(|r| r.id.clone())
                .collect();
            let assignments = assignments.unwrap_or_default();
            let adjudications = study.adjudications()?;
            let metadata = study.metadata()?;
            let rule = study.config().final_scores.rule;
            let out = final_table(&FinalParts {
                codebook: book,
                rule,
                tolerance: study.config().reliability.tolerance,
                recordings: &recordings,
                assignments: &assignments,
                spans,
                codings: &codings,
                adjudications: &adjudications,
                metadata: &metadata,
            });
            warn_final(&out, rule);
            out.table
        }
    };
    let text = match a.format {
        ExportFormat::Json => table.to_json()?,
        _ => table.to_csv()?,
    };
    write_output(a.out.as_deref(), text.as_bytes())?;
    if let Some(path) = &a.out {
        eprintln!(
            "wrote {} row(s) of `export {}` to {}",
            table.rows.len(),
            kind_name(a.kind),
            crate::ids::sanitize_for_terminal(&path.display().to_string())
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn format_name(f: ExportFormat) -> &'static str {
    match f {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
        ExportFormat::Audacity => "audacity",
        ExportFormat::Eaf => "eaf",
        ExportFormat::Textgrid => "textgrid",
    }
}

/// The codings an export reads: a supervisor's every coding but drift probes' (`who` is `None`), a
/// coder's their own; then only `book`'s recordings, since the columns are one instrument's items
/// (segments and events have the same columns for every instrument, so they are all exported
/// unless one is named).
fn exported_codings(
    study: &crate::study::Study,
    a: &ExportArgs,
    book: &crate::codebook::Codebook,
    who: Option<&str>,
) -> anyhow::Result<Vec<Coding>> {
    let codings: Vec<Coding> = match who {
        None => {
            // Drift probes are not study data: `tapecoder drift` reports them.
            let probes: BTreeSet<String> = study.probes()?.into_iter().map(|p| p.id).collect();
            study.all_codings()?.into_iter().filter(|c| !probes.contains(&c.recording)).collect()
        }
        Some(who) => study.codings_of(who)?,
    };
    let every = matches!(a.kind, ExportKind::Segments | ExportKind::Events);
    Ok(if every && a.instrument.is_none() {
        codings
    } else {
        codings.into_iter().filter(|c| study.codes_with(&c.recording, book)).collect()
    })
}

/// `export segments --format eaf|textgrid --out DIR`: one file per recording that has a coding
/// here, with a segments and a notes tier per coder (only the caller's own, for a coder) and the
/// attached transcript as a tier; the `.eaf` links the audio by a path relative to DIR.
fn tier_files(
    study: &crate::study::Study,
    a: &ExportArgs,
    codings: &[Coding],
) -> anyhow::Result<ExitCode> {
    use crate::tiers::{Item, Media, Tier, file_url, mime_of, to_eaf, to_textgrid, url_path};
    let eaf = a.format == ExportFormat::Eaf;
    let dir = a.out.as_deref().ok_or_else(|| {
        anyhow!(
            "--format {} writes one file per recording: name a folder with --out DIR",
            format_name(a.format)
        )
    })?;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;
    let abs_dir = std::fs::canonicalize(dir)
        .with_context(|| format!("cannot open folder {}", dir.display()))?;
    let ms = |s: f64| (s.max(0.0) * 1000.0).round() as u64;
    let mut by_rec: std::collections::BTreeMap<&str, Vec<&Coding>> =
        std::collections::BTreeMap::new();
    for c in codings {
        by_rec.entry(c.recording.as_str()).or_default().push(c);
    }
    let date = crate::study::journal::now_rfc3339();
    let mut written = 0;
    for (rec_id, mut cs) in by_rec {
        let Some(rec) = study.recording(rec_id) else { continue };
        cs.sort_by(|x, y| x.coder.cmp(&y.coder));
        let mut tiers = Vec::new();
        for c in cs {
            let mut segs: Vec<Item> = c
                .segments
                .iter()
                .map(|s| Item {
                    start_ms: ms(s.start_s),
                    end_ms: ms(s.end_s),
                    text: if s.note.is_empty() {
                        s.kind.clone()
                    } else {
                        format!("{}: {}", s.kind, s.note)
                    },
                })
                .collect();
            segs.sort_by_key(|i| i.start_ms);
            let notes: Vec<Item> = c
                .notes
                .iter()
                .map(|n| Item { start_ms: ms(n.at_s), end_ms: ms(n.at_s), text: n.text.clone() })
                .collect();
            let who = Some(c.coder.clone());
            tiers.push(Tier {
                name: format!("{}-segments", c.coder),
                annotator: who.clone(),
                points: false,
                items: segs,
            });
            tiers.push(Tier {
                name: format!("{}-notes", c.coder),
                annotator: who,
                points: true,
                items: notes,
            });
        }
        if let Some(t) = study.transcript(rec_id)? {
            let items = t
                .cues
                .iter()
                .map(|c| Item {
                    start_ms: c.start_ms,
                    end_ms: c.end_ms,
                    text: match &c.speaker {
                        Some(s) => format!("{s}: {}", c.text),
                        None => c.text.clone(),
                    },
                })
                .collect();
            tiers.push(Tier { name: "transcript".into(), annotator: None, points: false, items });
        }
        let (name, text) = if eaf {
            let audio = study.audio_path(rec);
            let audio = std::fs::canonicalize(&audio).unwrap_or(audio);
            let media = Media {
                url: file_url(&audio.to_string_lossy()),
                relative: url_path(&crate::study::locate::relative_to(&audio, &abs_dir)),
                mime: mime_of(&rec.file),
            };
            (format!("{rec_id}.eaf"), to_eaf(&tiers, &media, &date))
        } else {
            (format!("{rec_id}.TextGrid"), to_textgrid(&tiers, ms(rec.duration_s)))
        };
        write_output(Some(&dir.join(name)), text.as_bytes())?;
        written += 1;
    }
    eprintln!(
        "wrote {written} {} file(s) to {}",
        if eaf { "ELAN .eaf" } else { "Praat .TextGrid" },
        crate::ids::sanitize_for_terminal(&dir.display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

fn kind_name(k: ExportKind) -> &'static str {
    match k {
        ExportKind::Codings => "codings",
        ExportKind::Final => "final",
        ExportKind::Segments => "segments",
        ExportKind::Events => "events",
    }
}

/// Tells the supervisor on stderr what the final scores do not settle yet.
fn warn_final(out: &FinalExport, rule: FinalRule) {
    let list = |ids: &[String]| {
        let mut s = ids.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
        if ids.len() > 10 {
            s.push_str(", …");
        }
        s
    };
    let n = out.unresolved.len();
    if n > 0 {
        let what = if rule == FinalRule::Adjudicated {
            "exported with source = unresolved and the primary coder's scores"
        } else {
            "exported by the rule without a flag"
        };
        eprintln!(
            "{n} recording(s) differ by more than the tolerance and are not adjudicated yet ({}): {what}; settle them with `tapecoder adjudicate`",
            list(&out.unresolved)
        );
    }
    let m = out.adjudications_unused.len();
    if m > 0 {
        let name = if rule == FinalRule::Mean { "mean" } else { "primary" };
        eprintln!(
            "study.toml has [final_scores] rule = \"{name}\", so {m} adjudicated recording(s) ({}) are exported without their adjudications; set rule = \"adjudicated\" to use them",
            list(&out.adjudications_unused)
        );
    }
}
