//! `tapecoder transcript attach|show|detach`: a recording's transcript. A supervisor attaches a
//! file in any of the formats [`crate::transcript`] reads; the study keeps a normalised copy
//! (`transcripts/<recording>.toml`, signed in the journal) that `show` prints back as WebVTT, SRT
//! or JSON.
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};

use crate::cli::{GlobalArgs, TranscriptCommand, TranscriptFormatArg, TranscriptOutArg};
use crate::ids::sanitize_for_terminal;
use crate::study::files;
use crate::study::transcripts::Source;
use crate::transcript::{self, Format};

use super::context;

pub fn run(g: &GlobalArgs, c: &TranscriptCommand) -> Result<ExitCode> {
    match c {
        TranscriptCommand::Attach { recording, file, format } => {
            let ctx = context::resolve_for_writing(g)?;
            let me = ctx.supervisor("attach a transcript")?.id.clone();
            let study = &ctx.study;
            let duration_s = study.require_recording(recording)?.duration_s;
            let bytes = std::fs::read(file)
                .with_context(|| format!("cannot read {}; check the path", file.display()))?;
            let Ok(text) = std::str::from_utf8(&bytes) else {
                bail!(
                    "{}: not UTF-8 text; save the transcript as UTF-8 and attach it again",
                    file.display()
                );
            };
            let name =
                file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let fmt = match format {
                Some(f) => format_of(*f),
                None => Format::detect(&name, text).with_context(|| {
                    format!(
                        "{}: cannot tell the transcript's format from its name or first line; say it with --format vtt|srt|textgrid|eaf|turns",
                        file.display()
                    )
                })?,
            };
            let t = transcript::parse(fmt, text).map_err(|e| {
                anyhow::anyhow!(
                    "{}:{}: {} (read as {})",
                    file.display(),
                    e.line,
                    e.what,
                    fmt.name()
                )
            })?;
            t.check(duration_s).map_err(|e| {
                anyhow::anyhow!(
                    "{}: {e} (of recording {recording}); fix the file's times, or check it is {recording}'s transcript",
                    file.display()
                )
            })?;
            let source =
                Source { format: fmt.name().to_string(), sha256: files::sha256_hex(&bytes) };
            let speakers: std::collections::BTreeSet<&str> =
                t.cues.iter().filter_map(|c| c.speaker.as_deref()).collect();
            let path = study.attach_transcript(recording, &t, source, &me)?;
            println!(
                "attached {} as the transcript of {recording}: {} cue(s), {} speaker(s), read as {} ({})",
                file.display(),
                t.cues.len(),
                speakers.len(),
                fmt.name(),
                study.layout().relative(&path)
            );
        }
        TranscriptCommand::Show { recording, format } => {
            let ctx = context::resolve(g)?;
            ctx.me()?;
            let Some(t) = ctx.study.transcript(recording)? else {
                bail!(
                    "recording {recording} has no transcript; a supervisor attaches one with `tapecoder transcript attach {recording} FILE`"
                );
            };
            let out = match format {
                TranscriptOutArg::Vtt => t.transcript().to_vtt(),
                TranscriptOutArg::Srt => t.transcript().to_srt(),
                TranscriptOutArg::Json => {
                    let mut s = serde_json::to_string_pretty(&serde_json::json!({
                        "recording": t.recording,
                        "source_format": t.source.format,
                        "source_sha256": t.source.sha256,
                        "cues": t.cues,
                    }))?;
                    s.push('\n');
                    s
                }
            };
            super::reliability::write_output(None, out.as_bytes())?;
        }
        TranscriptCommand::Detach { recording } => {
            let ctx = context::resolve_for_writing(g)?;
            let me = ctx.supervisor("detach a transcript")?.id.clone();
            if ctx.study.detach_transcript(recording, &me)? {
                println!("detached the transcript of {recording}");
            } else {
                println!(
                    "recording {} has no transcript; nothing changed",
                    sanitize_for_terminal(recording)
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn format_of(f: TranscriptFormatArg) -> Format {
    match f {
        TranscriptFormatArg::Vtt => Format::Vtt,
        TranscriptFormatArg::Srt => Format::Srt,
        TranscriptFormatArg::Textgrid => Format::TextGrid,
        TranscriptFormatArg::Eaf => Format::Eaf,
        TranscriptFormatArg::Turns => Format::Bracket,
    }
}
