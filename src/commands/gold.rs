//! `tapecoder gold set|edit|show|list`: gold (reference) codings (supervisors only; see
//! [`crate::study::gold`]).
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{GlobalArgs, GoldCommand, TableOrJson};
use crate::ids::sanitize_for_terminal as clean;
use crate::study::gold::{self, From, GoldCoding};
use crate::study::journal::now_rfc3339;
use crate::timefmt;

use super::context;

pub fn run(g: &GlobalArgs, c: &GoldCommand) -> Result<ExitCode> {
    match c {
        GoldCommand::Set { recording, from } => {
            let ctx = context::resolve_for_writing(g)?;
            let me = ctx.supervisor("set a gold coding")?.id.clone();
            let study = &ctx.study;
            study.require_recording(recording)?;
            gold::require_first_instrument(study, recording)?;
            let gold = gold::build(study, recording, &From::parse(from), &me, &now_rfc3339())?;
            let replaced = gold::load(study, recording)?.is_some();
            gold::save(study, &gold)?;
            println!(
                "{} the gold coding of {recording} from {}: {} score(s), {} segment(s), {} note(s) (supervisor/gold/{recording}.toml)",
                if replaced { "replaced" } else { "set" },
                clean(&gold.source),
                gold.scores.len(),
                gold.segments.len(),
                gold.notes.len()
            );
        }
        GoldCommand::Edit { recording, code } => {
            return super::code::run_gold(g, code, recording.as_deref());
        }
        GoldCommand::Show { recording, format } => {
            let ctx = context::resolve(g)?;
            ctx.supervisor("read gold codings")?;
            let study = &ctx.study;
            study.require_recording(recording)?;
            let Some(gold) = gold::load(study, recording)? else {
                bail!(
                    "{recording} has no gold coding; set one with `tapecoder gold set {recording} --from CODER|adjudicated`"
                );
            };
            match format {
                TableOrJson::Json => println!("{}", serde_json::to_string_pretty(&gold)?),
                TableOrJson::Table => print_gold(study.codebook(), &gold),
            }
        }
        GoldCommand::List { format } => {
            let ctx = context::resolve(g)?;
            ctx.supervisor("read gold codings")?;
            let all = gold::all(&ctx.study)?;
            match format {
                TableOrJson::Json => {
                    let rows: Vec<_> = all
                        .iter()
                        .map(|x| {
                            serde_json::json!({
                                "recording": x.recording,
                                "source": x.source,
                                "set_by": x.set_by,
                                "set_at": x.set_at,
                                "scores": x.scores.len(),
                                "segments": x.segments.len(),
                            })
                        })
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&rows)?);
                }
                TableOrJson::Table if all.is_empty() => println!(
                    "no gold codings yet; set one with `tapecoder gold set REC --from CODER|adjudicated`"
                ),
                TableOrJson::Table => {
                    println!(
                        "{:<10} {:<18} {:<12} {:<22} scores",
                        "recording", "source", "set by", "set at"
                    );
                    for x in &all {
                        println!(
                            "{:<10} {:<18} {:<12} {:<22} {}",
                            x.recording,
                            clean(&x.source),
                            x.set_by,
                            x.set_at,
                            x.scores.len()
                        );
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_gold(book: &crate::codebook::Codebook, g: &GoldCoding) {
    if g.source == gold::WRITTEN {
        println!("gold coding of {} — written by {} at {}", g.recording, g.set_by, g.set_at);
    } else {
        println!(
            "gold coding of {} — from {}, set by {} at {}",
            g.recording,
            clean(&g.source),
            g.set_by,
            g.set_at
        );
    }
    for d in &book.domains {
        let score = g.scores.get(&d.key).map_or("-".to_string(), u8::to_string);
        println!("  {:<28} {score}", clean(&d.label));
        if let Some(r) = g.rationales.get(&d.key).filter(|r| !r.trim().is_empty()) {
            println!("      {}", clean(r));
        }
    }
    for s in &g.segments {
        println!(
            "  segment {} {}–{}",
            clean(&s.kind),
            timefmt::hms_tenths(s.start_s),
            timefmt::hms_tenths(s.end_s)
        );
    }
    for n in &g.notes {
        println!("  note {} {}", timefmt::hms_tenths(n.at_s), clean(&n.text));
    }
}
