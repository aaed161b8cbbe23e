//! `tapecoder status`: progress per coder; for supervisors also the study's double-coding state.
//! A coder sees only their own line and nothing from `supervisor/`.
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{GlobalArgs, StatusArgs, TableOrJson};
use crate::study::Study;
use crate::study::model::Role;
use crate::study::progress::{CoderProgress, DoubleCodingSummary, coder_progress, double_coding};

use super::context;

#[derive(Debug, Serialize)]
struct Report {
    study: String,
    recordings: usize,
    coders: Vec<CoderProgress>,
    /// Supervisors only.
    #[serde(skip_serializing_if = "Option::is_none")]
    double_coding: Option<DoubleCodingSummary>,
}

pub fn run(g: &GlobalArgs, a: &StatusArgs) -> Result<ExitCode> {
    let ctx = context::resolve(g)?;
    let me = ctx.me()?.clone();
    let study = &ctx.study;
    let report = if me.role == Role::Supervisor {
        let codings = study.all_codings()?;
        let mut coders = Vec::new();
        for c in study.coders().iter().filter(|c| c.role == Role::Coder) {
            coders.push(coder_progress(&c.id, &queue_of(study, &c.id)?, &codings));
        }
        let adjudicated: Vec<String> =
            study.adjudications()?.into_iter().map(|x| x.recording).collect();
        let domains: Vec<&str> = study.codebook().domain_keys().collect();
        let summary = double_coding(
            &study.assignments()?,
            &codings,
            &adjudicated,
            &domains,
            study.config().reliability.tolerance,
        );
        Report {
            study: study.config().name.clone(),
            recordings: study.live_recordings()?.len(),
            coders,
            double_coding: Some(summary),
        }
    } else {
        let codings = study.codings_of(&me.id)?;
        Report {
            study: study.config().name.clone(),
            recordings: study.queue(&me.id)?.len(),
            coders: vec![coder_progress(&me.id, &queue_of(study, &me.id)?, &codings)],
            double_coding: None,
        }
    };
    match a.format {
        TableOrJson::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        TableOrJson::Table => print_table(&report),
    }
    Ok(ExitCode::SUCCESS)
}

fn queue_of(study: &Study, coder: &str) -> Result<Vec<(String, f64)>> {
    Ok(study.queue(coder)?.into_iter().map(|r| (r.id.clone(), r.duration_s)).collect())
}

fn print_table(r: &Report) {
    println!("{}", crate::ids::sanitize_for_terminal(&r.study));
    println!(
        "{:<16} {:>8} {:>11} {:>11} {:>9} {:>9}",
        "coder", "assigned", "not started", "in progress", "submitted", "listened"
    );
    for c in &r.coders {
        let listened = c.listened_percent.map_or("-".to_string(), |p| format!("{p:.0}%"));
        println!(
            "{:<16} {:>8} {:>11} {:>11} {:>9} {:>9}",
            c.coder, c.assigned, c.not_started, c.in_progress, c.submitted, listened
        );
    }
    if let Some(d) = &r.double_coding {
        println!();
        println!("recordings: {}", r.recordings);
        println!(
            "double-coded: {} ({} with both codings submitted), awaiting adjudication: {}, adjudicated: {}",
            d.pairs, d.complete, d.awaiting_adjudication, d.adjudicated
        );
    }
}
