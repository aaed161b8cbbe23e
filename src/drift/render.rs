//! The drift report as a table, JSON (the report's fields as they are, documented in README) or
//! one self-contained HTML page (inline CSS and SVG: per coder and domain the two CUSUM sums after
//! each probe against the decision interval). Every form carries the same numbers.
use maud::{DOCTYPE, Markup, html};

use super::{DomainDrift, DriftReport};

fn signed(x: f64) -> String {
    if x > 0.0 { format!("+{x:.2}") } else { format!("{x:.2}") }
}

/// What a domain's flag says, the same in every form.
fn verdict(d: &DomainDrift) -> String {
    match &d.flag {
        Some(f) => format!("DRIFT {} at probe {} ({})", f.direction, f.point, day(&f.submitted_at)),
        None => "-".to_string(),
    }
}

fn day(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

/// The table on a terminal (ids and names go through the caller's terminal sanitising).
pub fn table(r: &DriftReport) -> String {
    let mut out = format!(
        "drift from gold on drift probes: two-sided CUSUM, k = {}, h = {} (a sum at or above h flags)\n",
        r.k, r.h
    );
    if r.coders.is_empty() {
        out.push_str(
            "no drift probes yet: slip some into the queues with `tapecoder assign --probes 0.05`\n",
        );
        return out;
    }
    for c in &r.coders {
        out.push_str(&format!(
            "\n{}  {} probe(s) coded, {} waiting{}\n",
            c.coder,
            c.probes,
            c.pending,
            if c.flagged { "  — FLAGGED" } else { "" }
        ));
        if c.probes == 0 {
            out.push_str("  no probe coded yet\n");
            continue;
        }
        let w = c.domains.iter().map(|d| d.domain.chars().count()).max().unwrap_or(6).max(6);
        out.push_str(&format!(
            "  {:<w$} {:>3} {:>6} {:>6} {:>6}  {:<28} deviations (coder − gold)\n",
            "domain", "n", "mean", "S+", "S-", "flag"
        ));
        for d in &c.domains {
            let devs: Vec<String> = d
                .points
                .iter()
                .map(|p| {
                    if p.deviation > 0 {
                        format!("+{}", p.deviation)
                    } else {
                        p.deviation.to_string()
                    }
                })
                .collect();
            out.push_str(&format!(
                "  {:<w$} {:>3} {:>6} {:>6.2} {:>6.2}  {:<28} {}\n",
                d.domain,
                d.points.len(),
                d.mean.map_or("-".to_string(), signed),
                d.upper,
                d.lower,
                verdict(d),
                devs.join(" ")
            ));
        }
    }
    out
}

/// The report as JSON (pretty-printed).
pub fn json(r: &DriftReport) -> String {
    serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;padding:16px 24px;color:#222;max-width:1180px;font-size:14px}\
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.4em}\
table{border-collapse:collapse;width:100%;table-layout:fixed}th,td{border-bottom:1px solid #e2e2e2;padding:.25em .4em;text-align:right;vertical-align:middle}\
th{background:#f6f6f6}th:first-child,td:first-child{text-align:left}td.flag{color:#b00;font-weight:600}\
svg{display:block;width:100%;height:auto}svg .h{stroke:#c33;stroke-dasharray:4 3}svg .up{stroke:#2b6cb0;fill:none;stroke-width:2}\
svg .down{stroke:#d69e2e;fill:none;stroke-width:2}svg .axis{stroke:#999}\
.flagged{color:#b00}.muted{color:#666}";

/// The report as one HTML page.
pub fn html(r: &DriftReport) -> String {
    let clean = |s: &str| -> String { s.chars().filter(|c| !c.is_control()).collect() };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Drift report" }
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                h1 { "Drift from gold" }
                p.muted {
                    "Two-sided CUSUM of each coder's deviations (coder − gold) on drift probes, in the order they were submitted; k = "
                    (r.k) ", h = " (r.h) ". A sum at or above h flags the domain."
                }
                @if r.coders.is_empty() {
                    p { "No drift probes yet." }
                }
                @for c in &r.coders {
                    h2 class=(if c.flagged { "flagged" } else { "" }) {
                        (clean(&c.coder)) " — " (c.probes) " probe(s) coded, " (c.pending) " waiting"
                        @if c.flagged { " — FLAGGED" }
                    }
                    table {
                        thead { tr {
                            th { "domain" } th { "n" } th { "mean" } th { "S+" } th { "S−" }
                            th { "flag" } th style="width:30%" { "sums after each probe" }
                        } }
                        tbody {
                            @for d in &c.domains {
                                tr {
                                    td { (clean(&d.domain)) }
                                    td { (d.points.len()) }
                                    td { (d.mean.map_or("-".to_string(), signed)) }
                                    td { (format!("{:.2}", d.upper)) }
                                    td { (format!("{:.2}", d.lower)) }
                                    td class=(if d.flag.is_some() { "flag" } else { "" }) { (verdict(d)) }
                                    td { (spark(r.h, d)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    .into_string()
}

/// The upper and lower sums after each probe, with the decision interval as a dashed line.
fn spark(h: f64, d: &DomainDrift) -> Markup {
    let (w, ht) = (240.0_f64, 40.0_f64);
    let n = d.points.len();
    let top = d.upper.max(d.lower).max(h) * 1.1;
    let up: Vec<f64> = d.points.iter().map(|p| p.upper).collect();
    let down: Vec<f64> = d.points.iter().map(|p| p.lower).collect();
    let x = |i: usize| if n <= 1 { 0.0 } else { i as f64 * w / (n - 1) as f64 };
    let y = |v: f64| ht - v / top * ht;
    let line = |vals: &[f64]| -> String {
        vals.iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    html! {
        svg viewBox=(format!("0 0 {w} {ht}")) role="img" aria-label="CUSUM sums" {
            line.axis x1="0" y1=(ht) x2=(w) y2=(ht) {}
            line.h x1="0" y1=(format!("{:.1}", y(h))) x2=(w) y2=(format!("{:.1}", y(h))) {}
            @if n > 0 {
                polyline.up points=(line(&up)) {}
                polyline.down points=(line(&down)) {}
            }
        }
    }
}
