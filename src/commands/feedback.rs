//! `tapecoder feedback [--coder ID] [--format table|json|html]`: one coder's feedback (issue #13):
//! their calibration results, drift (filled by the drift probes: `null` until then), and their
//! agreement with the final scores of adjudicated double-coded live recordings: per domain
//! agreement and signed bias, a confusion matrix, and the largest disagreements with both
//! rationales and the level descriptors. The other coder is never named.
//!
//! A coder sees only their own feedback (another's is refused, naming only the id asked for);
//! a supervisor anyone's. A coder's calibration results come from their own folder (the copies
//! `calibration assign` wrote); a supervisor's from `supervisor/gold/`. The live part needs
//! `supervisor/` and the other coder's folder: where a coder cannot read them, the report says
//! what is missing and that a supervisor can run `tapecoder feedback --coder ID`.
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::cli::{FeedbackArgs, FeedbackFormat, GlobalArgs};
use crate::codebook::Codebook;
use crate::export::fmt_num;
use crate::quality::live::{LiveCase, LiveFeedback, live};
use crate::quality::{DomainSummary, RecordingCompare, Standing};
use crate::study::model::Role;
use crate::study::{Study, calibration};

use super::context;

/// How many of the largest disagreements are listed.
pub const LARGEST: usize = 5;

/// `feedback --format json` (README: "The feedback report").
#[derive(Debug, Serialize)]
pub struct Report {
    pub coder: String,
    pub calibration: Vec<SetReport>,
    /// Drift against gold on drift probes (`assign --probes`), per domain without probe ids
    /// (null when the coder has no probe coded, or it could not be read: see `missing`).
    pub drift: Option<crate::drift::OwnDrift>,
    /// Agreement with the final scores of adjudicated double-coded recordings; null when it could
    /// not be read (see `missing`).
    pub live: Option<LiveFeedback>,
    /// What could not be read, and who can run the report instead.
    pub missing: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct SetReport {
    pub set: String,
    pub codebook_id: String,
    pub codebook_version: String,
    pub rule_within: u8,
    pub rule_share: f64,
    pub rule_max_bias: f64,
    pub standing: Standing,
    pub reasons: Vec<String>,
    pub submitted: usize,
    pub total: usize,
    pub compared: usize,
    pub within: usize,
    pub share: f64,
    pub domains: Vec<DomainSummary>,
    pub recordings: Vec<RecordingCompare>,
}

pub fn run(g: &GlobalArgs, a: &FeedbackArgs) -> Result<ExitCode> {
    let ctx = context::resolve(g)?;
    let me = ctx.me()?.clone();
    let target = a.coder.clone().unwrap_or_else(|| me.id.clone());
    if target != me.id && me.role != Role::Supervisor {
        bail!(
            "refused: you may see only your own feedback, not {}'s (a supervisor can run `tapecoder feedback --coder {}`)",
            crate::ids::sanitize_for_terminal(&target),
            crate::ids::sanitize_for_terminal(&target)
        );
    }
    let study = &ctx.study;
    study.require_coder(&target)?;
    let report = build(study, &target, me.role == Role::Supervisor)?;
    let book = study.codebook();
    let text = match a.format {
        FeedbackFormat::Json => serde_json::to_string_pretty(&report)? + "\n",
        FeedbackFormat::Table => table(book, &report),
        FeedbackFormat::Html => html(book, &report),
    };
    super::reliability::write_output(a.out.as_deref(), text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The report of `coder`; `supervisor` says whose view (gold from `supervisor/gold/` or the
/// coder's copies).
pub fn build(study: &Study, coder: &str, supervisor: bool) -> Result<Report> {
    let results = if supervisor {
        calibration::results(study, coder)?
    } else {
        calibration::own_results(study, coder)?
    };
    let calibration = results
        .into_iter()
        .map(|r| {
            let c = r.certification;
            SetReport {
                set: r.set.name.clone(),
                codebook_id: r.set.codebook.id.clone(),
                codebook_version: r.set.codebook.version.clone(),
                rule_within: r.set.within,
                rule_share: r.set.share,
                rule_max_bias: r.set.max_bias,
                standing: c.standing,
                reasons: c.reasons,
                submitted: c.submitted,
                total: c.total,
                compared: c.compared,
                within: c.within,
                share: c.share,
                domains: c.domains,
                recordings: r.done,
            }
        })
        .collect();
    let mut missing = Vec::new();
    let live = match live_cases(study, coder) {
        Ok(v) => Some(v),
        Err(e) => {
            missing.push(format!(
                "agreement with final scores needs supervisor/ and the other coders' folders, which cannot be read here ({e}); a supervisor can run `tapecoder feedback --coder {coder}`"
            ));
            None
        }
    };
    let drift = match own_drift(study, coder) {
        Ok(d) => d,
        Err(e) => {
            missing.push(format!(
                "drift needs supervisor/probes.toml and the gold codings, which cannot be read here ({e}); a supervisor can run `tapecoder feedback --coder {coder}`"
            ));
            None
        }
    };
    Ok(Report { coder: coder.to_string(), calibration, drift, live, missing })
}

/// `coder`'s drift on the probes they have submitted (`None` without one).
fn own_drift(study: &Study, coder: &str) -> Result<Option<crate::drift::OwnDrift>> {
    let cfg = study.config().drift;
    let rule = crate::stats::drift::Cusum::checked(cfg.k, cfg.h)
        .map_err(|e| anyhow::anyhow!("[drift] in study.toml: {e}"))?;
    let report = super::drift::build(study, rule, Some(coder))?;
    Ok(report.coders.iter().find(|c| c.coder == coder && c.probes > 0).map(|c| c.own()))
}

fn live_cases(study: &Study, coder: &str) -> Result<LiveFeedback, crate::study::StudyError> {
    let assignments = study.assignments()?;
    let adjudications = study.adjudications()?;
    let mut owned = Vec::new();
    for a in assignments.iter().filter(|a| a.double_coded) {
        let [p, s, ..] = a.coders.as_slice() else { continue };
        let (i_am_primary, other) = if p == coder {
            (true, s)
        } else if s == coder {
            (false, p)
        } else {
            continue;
        };
        let Some(adj) = adjudications.iter().find(|x| x.recording == a.id) else { continue };
        let sub = |c: Option<crate::coding::Coding>| c.filter(|c| c.is_submitted());
        let (Some(mine), Some(theirs)) =
            (sub(study.load_coding(coder, &a.id)?), sub(study.load_coding(other, &a.id)?))
        else {
            continue;
        };
        owned.push((mine, theirs, adj.clone(), i_am_primary));
    }
    let cases: Vec<LiveCase> = owned
        .iter()
        .map(|(m, o, adj, p)| LiveCase { mine: m, other: o, adjudication: adj, i_am_primary: *p })
        .collect();
    Ok(live(study.codebook(), &cases, study.config().reliability.tolerance, LARGEST))
}

fn label<'a>(book: &'a Codebook, key: &'a str) -> &'a str {
    book.domain(key).map_or(key, |d| d.label.as_str())
}

fn bias(b: Option<f64>) -> String {
    b.map_or_else(|| "-".to_string(), |x| format!("{x:+.2}"))
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn drift_table(book: &Codebook, d: Option<&crate::drift::OwnDrift>, o: &mut String) {
    let Some(d) = d else {
        let _ = writeln!(o, "\ndrift: no probes yet");
        return;
    };
    let _ = writeln!(
        o,
        "\ndrift from gold on {} probe(s){}",
        d.probes,
        if d.flagged { " — FLAGGED" } else { "" }
    );
    for x in d.domains.iter().filter(|x| x.n > 0) {
        let _ = writeln!(
            o,
            "  {:<28} n={:<3} mean {}  {}",
            label(book, &x.domain),
            x.n,
            bias(x.mean),
            x.flag.map_or("-".to_string(), |f| format!("DRIFT {f}"))
        );
    }
}

fn drift_html(book: &Codebook, d: Option<&crate::drift::OwnDrift>, o: &mut String) {
    let _ = writeln!(o, "<h2>Drift</h2>");
    let Some(d) = d else {
        let _ = writeln!(o, "<p id=\"drift\">No probes yet.</p>");
        return;
    };
    let _ = writeln!(
        o,
        "<p id=\"drift\">{} probe(s){}</p>\n<table><tr><th>Domain</th><th>n</th><th>Mean</th><th>Flag</th></tr>",
        d.probes,
        if d.flagged { " — FLAGGED" } else { "" }
    );
    for x in d.domains.iter().filter(|x| x.n > 0) {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(label(book, &x.domain)),
            x.n,
            bias(x.mean),
            x.flag.map_or("-".to_string(), |f| format!("DRIFT {f}"))
        );
    }
    let _ = writeln!(o, "</table>");
}

fn table(book: &Codebook, r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "feedback for {}", r.coder);
    let _ = writeln!(o, "\ncalibration");
    if r.calibration.is_empty() {
        let _ = writeln!(o, "  no calibration set assigned");
    }
    for s in &r.calibration {
        let _ = writeln!(
            o,
            "  set {} (codebook {} {}): {} — {} of {} submitted; {} of {} scores within ±{} ({}; {} needed); max |bias| {}",
            s.set,
            s.codebook_id,
            s.codebook_version,
            s.standing.as_str(),
            s.submitted,
            s.total,
            s.within,
            s.compared,
            s.rule_within,
            pct(s.share),
            pct(s.rule_share),
            fmt_num(s.rule_max_bias)
        );
        for why in &s.reasons {
            let _ = writeln!(o, "    why: {why}");
        }
        let _ = writeln!(o, "    {:<28} {:>8} {:>6} {:>7}", "domain", "compared", "within", "bias");
        for d in &s.domains {
            let _ = writeln!(
                o,
                "    {:<28} {:>8} {:>6} {:>7}",
                label(book, &d.domain),
                d.compared,
                d.within,
                bias(d.bias)
            );
        }
        for rec in &s.recordings {
            let g = &rec.segments;
            let _ = writeln!(
                o,
                "    {}: {} of {} within; segments {:.1} s matched, {:.1} s missed, {:.1} s extra (you {}, gold {} of the session)",
                rec.recording,
                rec.within(),
                rec.compared(),
                g.matched_s,
                g.missed_s,
                g.extra_s,
                pct(g.coder_share),
                pct(g.gold_share)
            );
        }
    }
    drift_table(book, r.drift.as_ref(), &mut o);
    let _ = writeln!(o, "\nagreement with final scores (adjudicated double-coded recordings)");
    match &r.live {
        None => {}
        Some(l) if l.recordings == 0 => {
            let _ = writeln!(o, "  none of your double-coded recordings is adjudicated yet");
        }
        Some(l) => live_table(book, l, &mut o),
    }
    for m in &r.missing {
        let _ = writeln!(o, "  missing: {m}");
    }
    o
}

fn live_table(book: &Codebook, l: &LiveFeedback, o: &mut String) {
    let _ = writeln!(o, "  {} recording(s); tolerance ±{}", l.recordings, l.tolerance);
    let _ =
        writeln!(o, "  {:<28} {:>4} {:>6} {:>7} {:>7}", "domain", "n", "exact", "within", "bias");
    for d in &l.domains {
        let _ = writeln!(
            o,
            "  {:<28} {:>4} {:>6} {:>7} {:>7}",
            label(book, &d.domain),
            d.n,
            d.exact,
            d.within,
            bias(d.bias)
        );
    }
    let _ = writeln!(o, "\n  confusion (rows: your score, columns: final score)");
    let head: Vec<String> = l.levels.iter().map(|x| format!("{x:>4}")).collect();
    let _ = writeln!(o, "  {:>6}{}", "", head.join(""));
    for (i, row) in l.confusion.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|x| format!("{x:>4}")).collect();
        let lv = l.levels.get(i).copied().unwrap_or_default();
        let _ = writeln!(o, "  {lv:>6}{}", cells.join(""));
    }
    let _ = writeln!(o, "\n  largest disagreements");
    for d in &l.largest {
        let times: Vec<String> = d
            .segments
            .iter()
            .map(|[a, b]| {
                format!("{}–{}", crate::timefmt::hms_tenths(*a), crate::timefmt::hms_tenths(*b))
            })
            .collect();
        let _ = writeln!(
            o,
            "  {} {}: you {}, final {} ({:+}){}",
            d.recording,
            label(book, &d.domain),
            d.yours,
            d.final_score,
            d.deviation,
            if times.is_empty() {
                String::new()
            } else {
                format!("; your segments {}", times.join(", "))
            }
        );
        let _ = writeln!(o, "    your rationale: {}", or_none(&d.your_rationale));
        let _ = writeln!(o, "    the other coder's rationale: {}", or_none(&d.other_rationale));
        if let Some(r) = &d.adjudication_reason {
            let _ = writeln!(o, "    adjudication: {r}");
        }
        let _ = writeln!(o, "    level {}: {}", d.yours, d.your_descriptor);
        let _ = writeln!(o, "    level {}: {}", d.final_score, d.final_descriptor);
    }
}

fn or_none(s: &str) -> &str {
    if s.trim().is_empty() { "(none)" } else { s }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn html(book: &Codebook, r: &Report) -> String {
    let mut o = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Feedback</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body>\n",
    );
    let _ = writeln!(o, "<h1>Feedback for {}</h1>", esc(&r.coder));
    let _ = writeln!(o, "<h2>Calibration</h2>");
    for s in &r.calibration {
        let _ = writeln!(
            o,
            "<h3>Set {} (codebook {} {})</h3>\n<p class=\"standing\" data-standing=\"{}\">{} — {} of {} submitted; <span class=\"share\">{}</span> of scores within ±{} ({} of {}; {} needed)</p>",
            esc(&s.set),
            esc(&s.codebook_id),
            esc(&s.codebook_version),
            s.standing.as_str(),
            s.standing.as_str(),
            s.submitted,
            s.total,
            pct(s.share),
            s.rule_within,
            s.within,
            s.compared,
            pct(s.rule_share)
        );
        for why in &s.reasons {
            let _ = writeln!(o, "<p>Why: {}</p>", esc(why));
        }
        let _ = writeln!(
            o,
            "<table><tr><th>Domain</th><th>Compared</th><th>Within</th><th>Bias</th></tr>"
        );
        for d in &s.domains {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(label(book, &d.domain)),
                d.compared,
                d.within,
                bias(d.bias)
            );
        }
        let _ = writeln!(o, "</table>");
    }
    drift_html(book, r.drift.as_ref(), &mut o);
    let _ = writeln!(o, "<h2>Agreement with final scores</h2>");
    if let Some(l) = &r.live {
        let _ = writeln!(o, "<p>{} recording(s); tolerance ±{}</p>", l.recordings, l.tolerance);
        let _ = writeln!(
            o,
            "<table><tr><th>Domain</th><th>n</th><th>Exact</th><th>Within</th><th>Bias</th></tr>"
        );
        for d in &l.domains {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(label(book, &d.domain)),
                d.n,
                d.exact,
                d.within,
                bias(d.bias)
            );
        }
        let _ = writeln!(
            o,
            "</table>\n<h3>Confusion (rows: your score, columns: final)</h3>\n<table><tr><th></th>"
        );
        for lv in &l.levels {
            let _ = write!(o, "<th>{lv}</th>");
        }
        let _ = writeln!(o, "</tr>");
        for (i, row) in l.confusion.iter().enumerate() {
            let _ = write!(o, "<tr><th>{}</th>", l.levels.get(i).copied().unwrap_or_default());
            for x in row {
                let _ = write!(o, "<td>{x}</td>");
            }
            let _ = writeln!(o, "</tr>");
        }
        let _ = writeln!(o, "</table>\n<h3>Largest disagreements</h3><ul>");
        for d in &l.largest {
            let _ = writeln!(
                o,
                "<li>{} {}: you {}, final {} ({:+})<br>Your rationale: {}<br>The other coder's rationale: {}<br>Level {}: {}<br>Level {}: {}</li>",
                esc(&d.recording),
                esc(label(book, &d.domain)),
                d.yours,
                d.final_score,
                d.deviation,
                esc(or_none(&d.your_rationale)),
                esc(or_none(&d.other_rationale)),
                d.yours,
                esc(&d.your_descriptor),
                d.final_score,
                esc(&d.final_descriptor)
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    for m in &r.missing {
        let _ = writeln!(o, "<p class=\"missing\">Missing: {}</p>", esc(m));
    }
    o.push_str("</body></html>\n");
    o
}
