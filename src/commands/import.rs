//! `tapecoder import FILE…`: registers recordings under opaque ids (R001, R002, …) with their
//! sha256 and exact duration. Every file is checked first; if any one is unreadable, empty, not
//! audio, truncated or already registered, nothing is imported and each bad file is named.
//! Observer and study variables go only to `supervisor/metadata.toml`.
//!
//! The files are copied into the study's `audio/` folder (`audio/<id>.<ext>`, see
//! [`crate::study::media`]) so the study can be moved; `--in-place` (or a file already inside the
//! study folder) keeps them where they are. Copies are made beside their final names, checked
//! against the sha256, and only then renamed into place: the batch is all-or-nothing.
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{GlobalArgs, ImportArgs};
use crate::ids::sanitize_for_terminal;
use crate::study::files::sha256_file_with;
use crate::study::locate::relative_to;
use crate::study::media::{AUDIO_DIR, copy_name, copy_verified};
use crate::study::model::{Recording, RecordingMeta};
use crate::study::{Study, check_id, check_text};
use crate::timefmt::{Precision, format_time};

use super::context;

/// One file that passed every check.
struct Checked {
    path: PathBuf,
    sha256: String,
    duration_s: f64,
}

/// A file to copy into the study: from, the temp file, the final place.
struct Copy {
    from: PathBuf,
    tmp: PathBuf,
    dest: PathBuf,
    sha256: String,
}

pub fn run(g: &GlobalArgs, a: &ImportArgs) -> Result<ExitCode> {
    let mut ctx = context::resolve_for_writing(g)?;
    let me = ctx.supervisor("import recordings")?.id.clone();
    if let Some(obs) = &a.observer {
        ctx.study.require_coder(obs)?;
    }
    let instrument = match &a.instrument {
        None => None,
        Some(id) => match ctx.study.instrument(id) {
            Some(book) if book.id == ctx.study.codebook().id => None,
            Some(book) => Some(book.id.clone()),
            None => bail!(
                "--instrument {}: the study has no such instrument; it has: {} (study.toml's `codebook` and `instruments`)",
                sanitize_for_terminal(id),
                ctx.study.codebooks().iter().map(|b| b.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
        },
    };
    let variables = parse_meta(&a.meta)?;
    check_variable_names(&ctx.study, &variables)?;
    let checked = check_all(&ctx.study, &a.files)?;

    let study_dir =
        std::fs::canonicalize(ctx.study.dir()).unwrap_or_else(|_| ctx.study.dir().to_path_buf());
    let mut next = ctx.study.next_recording_number();
    let mut new = Vec::new();
    let mut meta = Vec::new();
    let mut copies = Vec::new();
    for c in &checked {
        let id = format!("R{next:03}");
        next = next.saturating_add(1);
        check_id("recording", &id)?;
        let abs = std::fs::canonicalize(&c.path).unwrap_or_else(|_| c.path.clone());
        let file = if a.in_place || abs.starts_with(&study_dir) {
            relative_to(&abs, &study_dir)
        } else {
            let name = copy_name(&id, &abs);
            let audio = study_dir.join(AUDIO_DIR);
            copies.push(Copy {
                from: abs.clone(),
                tmp: audio.join(format!(".{name}.tmp-import-{}", std::process::id())),
                dest: audio.join(&name),
                sha256: c.sha256.clone(),
            });
            format!("{AUDIO_DIR}/{name}")
        };
        new.push(Recording {
            id: id.clone(),
            file,
            sha256: c.sha256.clone(),
            duration_s: c.duration_s,
            instrument: instrument.clone(),
        });
        if a.observer.is_some() || !variables.is_empty() {
            meta.push(RecordingMeta {
                id,
                observer: a.observer.clone(),
                variables: variables.clone(),
            });
        }
    }
    let lines: Vec<String> = new
        .iter()
        .zip(&checked)
        .map(|(r, c)| {
            format!(
                "{}  {}  {}",
                r.id,
                format_time(r.duration_s, Precision::Tenths, true),
                sanitize_for_terminal(&c.path.display().to_string())
            )
        })
        .collect();
    copy_all(&ctx.study, &copies)?;
    if let Err(e) = ctx.study.add_recordings(new, meta, Some(&me)) {
        for c in &copies {
            let _ = std::fs::remove_file(&c.dest);
        }
        return Err(e.into());
    }
    for l in lines {
        println!("imported {l}");
    }
    if !copies.is_empty() {
        println!(
            "copied {} file(s) into {}/ (the originals are untouched; use --in-place to leave files where they are)",
            copies.len(),
            sanitize_for_terminal(&study_dir.join(AUDIO_DIR).display().to_string())
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A study variable may not shadow a column of `export final`.
fn check_variable_names(study: &Study, variables: &BTreeMap<String, String>) -> Result<()> {
    let books = study.codebooks();
    let items = books.iter().flat_map(|cb| {
        let i = &cb.items;
        cb.domains
            .iter()
            .map(|d| d.key.as_str())
            .chain(cb.composites.iter().map(|c| c.key.as_str()))
            .chain(i.checklist.iter().map(|c| c.key.as_str()))
            .chain(i.classifications.iter().map(|c| c.key.as_str()))
            .chain(i.counts.iter().map(|c| c.key.as_str()))
            .chain(i.summaries.iter().map(|c| c.key.as_str()))
    });
    let taken = ["recording", "bc_percent", "source", "not_applicable"].into_iter().chain(items);
    for name in taken {
        if variables.contains_key(name) {
            bail!(
                "--meta {name}: `{name}` is already a column of `export final`; give the study variable another name"
            );
        }
    }
    Ok(())
}

/// A byte progress bar on a terminal, hidden otherwise.
fn byte_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {eta}")
    {
        b.set_style(style.progress_chars("=> "));
    }
    b
}

/// Checks every file (reads, hashes, probes), with a progress bar; fails naming every bad file.
fn check_all(study: &Study, paths: &[PathBuf]) -> Result<Vec<Checked>> {
    let total: u64 = paths.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let bar = byte_bar(total);
    let registered: BTreeMap<&str, &str> =
        study.recordings().iter().map(|r| (r.sha256.as_str(), r.id.as_str())).collect();
    let mut problems = Vec::new();
    let mut checked: Vec<Checked> = Vec::new();
    for file in paths {
        bar.set_message(format!("checking {}", file.display()));
        match check_file(file, &bar) {
            Err(why) => problems.push(why),
            Ok(c) => {
                if let Some(id) = registered.get(c.sha256.as_str()) {
                    problems.push(format!(
                        "{}: already registered as {id} (same sha256); leave it out",
                        file.display()
                    ));
                } else if let Some(first) = checked.iter().find(|x| x.sha256 == c.sha256) {
                    problems.push(format!(
                        "{}: same content as {}; import it once",
                        file.display(),
                        first.path.display()
                    ));
                } else {
                    checked.push(c);
                }
            }
        }
    }
    bar.finish_and_clear();
    if !problems.is_empty() {
        bail!(
            "nothing was imported: {} of {} file(s) cannot be registered:\n  {}\nfix or leave out these files and run the import again",
            problems.len(),
            paths.len(),
            problems.join("\n  ")
        );
    }
    Ok(checked)
}

/// Copies every file to its temp name (checking the sha256), then renames them all into place.
/// On any failure every copy made so far is removed and nothing is imported.
fn copy_all(study: &Study, copies: &[Copy]) -> Result<()> {
    let Some(first) = copies.first() else { return Ok(()) };
    let audio = first.dest.parent().unwrap_or(study.dir()).to_path_buf();
    crate::study::files::create_dir_all(&audio)?;
    let clean = |upto: usize, renamed: usize| {
        for (i, c) in copies.iter().enumerate().take(upto) {
            let _ = std::fs::remove_file(if i < renamed { &c.dest } else { &c.tmp });
        }
    };
    for c in copies {
        if c.dest.exists() {
            bail!(
                "nothing was imported: {} already exists and is not a registered recording; move it out of the study's audio/ folder (or import it with --in-place) and run the import again",
                c.dest.display()
            );
        }
    }
    let total =
        copies.iter().filter_map(|c| std::fs::metadata(&c.from).ok()).map(|m| m.len()).sum();
    let bar = byte_bar(total);
    for (i, c) in copies.iter().enumerate() {
        bar.set_message(format!("copying {}", c.from.display()));
        let _ = std::fs::remove_file(&c.tmp);
        if let Err(e) = copy_verified(&c.from, &c.tmp, &c.sha256, |n| bar.inc(n)) {
            bar.finish_and_clear();
            clean(i, 0);
            return Err(anyhow::Error::new(e)
                .context("nothing was imported; the study is intact as it was"));
        }
    }
    bar.finish_and_clear();
    for (i, c) in copies.iter().enumerate() {
        if let Err(e) = std::fs::rename(&c.tmp, &c.dest) {
            clean(copies.len(), i);
            bail!(
                "nothing was imported (the study is intact as it was): cannot move the copy into {}: {e}; check you may write to the study's audio/ folder",
                c.dest.display()
            );
        }
    }
    crate::study::files::sync_dir(&audio).ok();
    Ok(())
}
/// Reads, hashes and probes one file; the reason it cannot be imported otherwise.
fn check_file(path: &Path, bar: &ProgressBar) -> std::result::Result<Checked, String> {
    let shown = path.display();
    // recordings.toml is UTF-8 text: such a name would be stored garbled and then never found.
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if path.to_str().is_none() || full.to_str().is_none() {
        return Err(format!(
            "{shown}: the file name (or a folder in its path) is not valid UTF-8 text, so the study could not find it again; rename it and import it again"
        ));
    }
    let md = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{shown}: no such file"),
        _ => format!("{shown}: cannot read it: {e}"),
    })?;
    if !md.is_file() {
        return Err(format!("{shown}: not a file"));
    }
    if md.len() == 0 {
        return Err(format!("{shown}: the file is empty"));
    }
    let sha256 = sha256_file_with(path, |n| bar.inc(n))
        .map_err(|e| format!("{shown}: cannot read it: {e}"))?;
    // The audio error names the file already.
    let info = crate::audio::probe(path).map_err(|e| e.to_string())?;
    if !(info.duration_s.is_finite() && info.duration_s > 0.0) {
        return Err(format!("{shown}: the audio has no duration (no audio frames)"));
    }
    Ok(Checked { path: path.to_path_buf(), sha256, duration_s: info.duration_s })
}

/// `key=value` pairs: keys are ids, values free text without control characters.
fn parse_meta(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for p in pairs {
        let Some((k, v)) = p.split_once('=') else {
            bail!("--meta {p:?} is not KEY=VALUE (e.g. --meta arm=A)");
        };
        let k = k.trim();
        crate::ids::validate_id("study variable name", k)?;
        if v.chars().any(char::is_control) {
            check_text("study variable value", v)?;
        }
        if out.insert(k.to_string(), v.trim().to_string()).is_some() {
            bail!("--meta {k} is given twice; give each study variable once");
        }
    }
    Ok(out)
}
