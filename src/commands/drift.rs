//! `tapecoder drift`: each coder's drift from gold on their drift probes (supervisors only; a
//! coder sees their own in `tapecoder feedback`). The comparison and the rule are pure
//! ([`crate::drift`], [`crate::stats::drift`]); this reads the probes, codings and gold.
use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{DriftArgs, DriftFormat, GlobalArgs};
use crate::drift::{ProbeCoding, render, report};
use crate::stats::drift::Cusum;
use crate::study::gold;
use crate::study::model::Role;

use super::context;
use super::reliability::write_output;

pub fn run(g: &GlobalArgs, a: &DriftArgs) -> Result<ExitCode> {
    let ctx = context::resolve(g)?;
    ctx.supervisor("see drift reports (a coder sees their own in `tapecoder feedback`)")?;
    let study = &ctx.study;
    let cfg = study.config().drift;
    let rule = Cusum::checked(cfg.k, cfg.h).map_err(|e| {
        anyhow::anyhow!(
            "{}: [drift] {e}; fix it or remove the section",
            study.layout().study_file().display()
        )
    })?;
    let r = build(study, rule, None)?;
    let text = match a.format {
        DriftFormat::Table => render::table(&r),
        DriftFormat::Json => render::json(&r) + "\n",
        DriftFormat::Html => render::html(&r),
    };
    write_output(a.out.as_deref(), text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The drift report of every coder with probes, or of `only` that coder (reads
/// supervisor/probes.toml, the probes' codings and the gold; only that coder's, with `only`).
pub fn build(
    study: &crate::study::Study,
    rule: Cusum,
    only: Option<&str>,
) -> Result<crate::drift::DriftReport> {
    let mut probes = study.probes()?;
    probes.retain(|p| only.is_none_or(|c| p.coder == c));
    let mut codings = Vec::new();
    let mut golds = BTreeMap::new();
    let mut pending: BTreeMap<String, usize> = BTreeMap::new();
    for p in &probes {
        let coding = study.load_coding(&p.coder, &p.id)?.filter(|c| c.is_submitted());
        let Some(coding) = coding else {
            *pending.entry(p.coder.clone()).or_default() += 1;
            continue;
        };
        if !golds.contains_key(&p.gold) {
            golds.insert(p.gold.clone(), gold::load(study, &p.gold)?.map(|g| g.as_coding("gold")));
        }
        codings.push((p, coding));
    }
    let mut compared = Vec::new();
    for (p, coding) in &codings {
        let Some(Some(gold)) = golds.get(&p.gold) else {
            anyhow::bail!(
                "probe {} stands for {}, which has no gold coding any more; set it again with `tapecoder gold set {}`",
                p.id,
                p.gold,
                p.gold
            );
        };
        compared.push(ProbeCoding { probe: &p.id, coding, gold });
    }
    let coders: Vec<String> =
        study.coders().iter().filter(|c| c.role == Role::Coder).map(|c| c.id.clone()).collect();
    Ok(report(study.codebook(), rule, &coders, &compared, &pending))
}
