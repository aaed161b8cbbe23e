//! `tapecoder import FILE…`: registers recordings under opaque ids (R001, R002, …) with their
//! sha256 and exact duration. Every file is checked first; if any one is unreadable, empty, not
//! audio, truncated or already registered, nothing is imported and each bad file is named.
//! Observer and study variables go only to `supervisor/metadata.toml`.
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
use crate::study::model::{Recording, RecordingMeta};
use crate::study::{check_id, check_text};
use crate::timefmt::{Precision, format_time};

use super::context;

/// One file that passed every check.
struct Checked {
    path: PathBuf,
    sha256: String,
    duration_s: f64,
}

// Temporary (issue #10): the ux helper is adding the audio copy and `--in-place` this session; split it then.
#[allow(clippy::too_many_lines)]
pub fn run(g: &GlobalArgs, a: &ImportArgs) -> Result<ExitCode> {
    let mut ctx = context::resolve_for_writing(g)?;
    let me = ctx.supervisor("import recordings")?.id.clone();
    if let Some(obs) = &a.observer {
        ctx.study.require_coder(obs)?;
    }
    let variables = parse_meta(&a.meta)?;
    let cb = ctx.study.codebook();
    let taken = ["recording", "bc_percent", "source"]
        .into_iter()
        .chain(cb.domains.iter().map(|d| d.key.as_str()))
        .chain(cb.composites.iter().map(|c| c.key.as_str()));
    for name in taken {
        if variables.contains_key(name) {
            bail!(
                "--meta {name}: `{name}` is already a column of `export final`; give the study variable another name"
            );
        }
    }

    let total: u64 =
        a.files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(total);
        if let Ok(style) =
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {eta}")
        {
            b.set_style(style.progress_chars("=> "));
        }
        b
    } else {
        ProgressBar::hidden()
    };

    let registered: BTreeMap<&str, &str> =
        ctx.study.recordings().iter().map(|r| (r.sha256.as_str(), r.id.as_str())).collect();
    let mut problems = Vec::new();
    let mut checked: Vec<Checked> = Vec::new();
    for file in &a.files {
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
            a.files.len(),
            problems.join("\n  ")
        );
    }

    let study_dir =
        std::fs::canonicalize(ctx.study.dir()).unwrap_or_else(|_| ctx.study.dir().to_path_buf());
    let mut next = ctx.study.next_recording_number();
    let mut new = Vec::new();
    let mut meta = Vec::new();
    for c in &checked {
        let id = format!("R{next:03}");
        next = next.saturating_add(1);
        check_id("recording", &id)?;
        let abs = std::fs::canonicalize(&c.path).unwrap_or_else(|_| c.path.clone());
        new.push(Recording {
            id: id.clone(),
            file: relative_to(&abs, &study_dir),
            sha256: c.sha256.clone(),
            duration_s: c.duration_s,
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
    ctx.study.add_recordings(new, meta, Some(&me))?;
    for l in lines {
        println!("imported {l}");
    }
    Ok(ExitCode::SUCCESS)
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
