//! The report as aligned plain text, readable at 100 columns. Undefined cells print `n/a`; the
//! reasons follow under "Not available", grouped so a reason shared by every measure reads once.
use std::collections::BTreeMap;
use std::fmt::Write;

use super::{clean, num, pct, signed};
use crate::reliability::model::{IccResult, Report};
use crate::stats::Stat;

const LABEL: usize = 22;

fn label(s: &str) -> String {
    let s = clean(s);
    if s.chars().count() <= LABEL {
        s
    } else {
        let mut t: String = s.chars().take(LABEL - 1).collect();
        t.push('…');
        t
    }
}

fn icc_cell(i: Option<&IccResult>) -> (String, String) {
    match i.map(|i| &i.stat) {
        Some(Ok(v)) => {
            let ci = match &v.ci95 {
                Ok((lo, hi)) => format!("[{lo:.3}, {hi:.3}]"),
                Err(_) => "[n/a]".into(),
            };
            let band = i.and_then(IccResult::band).map_or(String::new(), |b| b.to_string());
            (format!("{:.3} {ci}", v.value), band)
        }
        _ => ("n/a".into(), String::new()),
    }
}

/// Appends `text` word-wrapped at 100 columns, every line starting with `indent` (continuations
/// indented two more).
fn wrap(o: &mut String, text: &str, indent: &str) {
    let mut line = indent.to_string();
    let mut first = true;
    for word in text.split_whitespace() {
        let fresh = line.trim().is_empty();
        if !fresh && line.chars().count() + 1 + word.chars().count() > 100 {
            let _ = writeln!(o, "{line}");
            line = format!("{indent}  ");
            first = false;
        }
        if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.trim().is_empty() || first {
        let _ = writeln!(o, "{line}");
    }
}

/// Renders the report as text.
// Temporary (issue #10): the stats helper is reworking the report this session; split it then.
#[allow(clippy::too_many_lines)]
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let mut missing: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut note = |what: &str, measure: &str, s: &Stat| {
        if let Err(e) = s {
            missing.entry((what.to_string(), e.reason.clone())).or_default().push(clean(measure));
        }
    };
    let _ = writeln!(o, "Reliability report: {}", clean(&r.source));
    wrap(
        &mut o,
        &format!(
            "Double-coded recordings: {}, analysed (two or more ratings): {}. Tolerance: {} point(s) on the {}..{} scale.",
            r.double_coded, r.complete, r.tolerance, r.scale.0, r.scale.1
        ),
        "",
    );
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<LABEL$} {:>4} {:>7} {:>7}  {:<22} {:<9} {:>6} {:>6} {:>6}",
        "Measure", "n", "Exact", "Within", "ICC(1,1) [95% CI]", "Band", "kappa", "a.ord", "a.int"
    );
    let _ = writeln!(o, "{}", "-".repeat(99));
    for m in &r.measures {
        let (icc, band) = icc_cell(m.icc("ICC(1,1)"));
        let _ = writeln!(
            o,
            "{:<LABEL$} {:>4} {:>7} {:>7}  {:<22} {:<9} {:>6} {:>6} {:>6}",
            label(&m.label),
            m.n,
            pct(&m.exact),
            pct(&m.within),
            icc,
            band,
            num(&m.kappa, 3),
            num(&m.alpha_ordinal, 3),
            num(&m.alpha_interval, 3)
        );
        note("% exact", &m.label, &m.exact);
        note("% within tolerance", &m.label, &m.within);
        for i in &m.iccs {
            let ci =
                i.stat.as_ref().map_err(Clone::clone).and_then(|v| v.ci95.clone().map(|_| 0.0));
            note(i.form, &m.label, &i.stat.as_ref().map(|v| v.value).map_err(Clone::clone));
            if i.stat.is_ok() {
                note(&format!("{} 95% CI", i.form), &m.label, &ci);
            }
        }
        note("kappa (quadratic)", &m.label, &m.kappa);
        note("alpha ordinal", &m.label, &m.alpha_ordinal);
        note("alpha interval", &m.label, &m.alpha_interval);
    }
    let _ = writeln!(
        o,
        "kappa: quadratic-weighted Cohen's kappa, primary vs secondary. a.ord / a.int: Krippendorff's alpha."
    );

    let forms: Vec<&str> = if r.average_measures {
        vec!["ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)"]
    } else {
        vec!["ICC(2,1)", "ICC(3,1)"]
    };
    let any_two_way =
        r.measures.iter().any(|m| forms.iter().any(|f| m.icc(f).is_some_and(|i| i.stat.is_ok())));
    if any_two_way {
        for pair in forms.chunks(2) {
            let _ = writeln!(o);
            let mut head = format!("{:<LABEL$}", "Measure");
            for f in pair {
                let _ = write!(head, "  {:<22} {:<9}", format!("{f} [95% CI]"), "Band");
            }
            let _ = writeln!(o, "{}", head.trim_end());
            let _ = writeln!(o, "{}", "-".repeat(LABEL + pair.len() * 34));
            for m in &r.measures {
                let mut line = format!("{:<LABEL$}", label(&m.label));
                for f in pair {
                    let (v, b) = icc_cell(m.icc(f));
                    let _ = write!(line, "  {v:<22} {b:<9}");
                }
                let _ = writeln!(o, "{}", line.trim_end());
            }
        }
    }

    let outside: Vec<_> = r.measures.iter().filter(|m| !m.outside.is_empty()).collect();
    let _ = writeln!(o);
    if outside.is_empty() {
        let _ = writeln!(o, "Recordings outside tolerance: none.");
    } else {
        let _ = writeln!(o, "Recordings outside tolerance:");
        for m in outside {
            let ids: Vec<String> = m.outside.iter().map(|s| clean(s)).collect();
            let _ = writeln!(o, "  {:<LABEL$} {}", label(&m.label), ids.join(", "));
        }
    }

    if !r.pairs.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "Coder pairs (all domains)      Recordings      n   Within  Mean diff (first - second)"
        );
        for p in &r.pairs {
            let pair = format!("{} / {}", clean(&p.a), clean(&p.b));
            let _ = writeln!(
                o,
                "  {:<28} {:>10} {:>6} {:>8}  {:>9}",
                pair,
                p.recordings,
                p.n,
                pct(&p.within),
                signed(&p.mean_diff)
            );
        }
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "Coders (all domains)           Recordings      n   Within  Mean diff (coder - other)"
        );
        for c in &r.coders {
            let _ = writeln!(
                o,
                "  {:<28} {:>10} {:>6} {:>8}  {:>9}",
                clean(&c.coder),
                c.recordings,
                c.n,
                pct(&c.within),
                signed(&c.mean_diff)
            );
        }
    }

    if let Some(b) = &r.bins {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "Behaviour-change time units: {} recordings, {} one-second bins, agreement {}, kappa {}",
            b.recordings,
            b.bins,
            pct(&b.agreement),
            num(&b.kappa, 3)
        );
        note("bin agreement", "behaviour-change bins", &b.agreement);
        note("bin kappa", "behaviour-change bins", &b.kappa);
    }
    if !r.notes.is_empty() {
        let _ = writeln!(o);
    }
    for n in &r.notes {
        wrap(&mut o, &clean(n), "");
    }

    if !missing.is_empty() {
        let all: Vec<String> = r.measures.iter().map(|m| clean(&m.label)).collect();
        let _ = writeln!(o);
        let _ = writeln!(o, "Not available:");
        // Statistics sharing a reason and the same measures read as one line.
        let mut grouped: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for ((what, reason), measures) in missing {
            let whom = if measures == all && all.len() > 1 {
                "all measures".to_string()
            } else {
                measures.join(", ")
            };
            grouped.entry((reason, whom)).or_default().push(what);
        }
        for ((reason, whom), whats) in grouped {
            wrap(&mut o, &format!("{} ({whom}): n/a ({})", whats.join(", "), clean(&reason)), "  ");
        }
    }
    o
}
