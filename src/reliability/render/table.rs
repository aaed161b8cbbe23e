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

/// Undefined statistics, collected for the "Not available" list: (what, reason) → measures.
#[derive(Default)]
struct Missing(BTreeMap<(String, String), Vec<String>>);

impl Missing {
    fn note<T>(&mut self, what: &str, measure: &str, s: &Stat<T>) {
        if let Err(e) = s {
            self.0.entry((what.to_string(), e.reason.clone())).or_default().push(clean(measure));
        }
    }
}

/// `0.712 [0.401, 0.880]`, or `n/a`.
fn with_ci(s: &Stat<(f64, (f64, f64))>) -> String {
    match s {
        Ok((v, (lo, hi))) => format!("{v:.3} [{lo:.3}, {hi:.3}]"),
        Err(_) => "n/a".into(),
    }
}

/// Renders the report as text.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let mut missing = Missing::default();
    let _ = writeln!(o, "Reliability report: {}", clean(&r.source));
    wrap(
        &mut o,
        &format!(
            "Double-coded recordings: {}, analysed (two or more ratings): {}. Tolerance: {} point(s) on the {}..{} scale.",
            r.double_coded, r.complete, r.tolerance, r.scale.0, r.scale.1
        ),
        "",
    );
    main_table(&mut o, r, &mut missing);
    two_way(&mut o, r);
    verdicts(&mut o, r);
    categorical(&mut o, r, &mut missing);
    alpha_boot(&mut o, r, &mut missing);
    bland_altman(&mut o, r, &mut missing);
    outside(&mut o, r);
    coders(&mut o, r);
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
        missing.note("bin agreement", "behaviour-change bins", &b.agreement);
        missing.note("bin kappa", "behaviour-change bins", &b.kappa);
    }
    if let Some(items) = &r.items {
        items_section(&mut o, items);
    }
    if !r.notes.is_empty() {
        let _ = writeln!(o);
    }
    for n in &r.notes {
        wrap(&mut o, &clean(n), "");
    }
    not_available(&mut o, r, missing);
    o
}

fn main_table(o: &mut String, r: &Report, missing: &mut Missing) {
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
            if m.categories.is_some() { num(&m.kappa.quadratic, 3) } else { "-".into() },
            num(&m.alpha_ordinal, 3),
            num(&m.alpha_interval, 3)
        );
        missing.note("% exact", &m.label, &m.exact);
        missing.note("% within tolerance", &m.label, &m.within);
        for i in &m.iccs {
            let ci =
                i.stat.as_ref().map_err(Clone::clone).and_then(|v| v.ci95.clone().map(|_| 0.0));
            missing.note(i.form, &m.label, &i.stat.as_ref().map(|v| v.value).map_err(Clone::clone));
            if i.stat.is_ok() {
                missing.note(&format!("{} 95% CI", i.form), &m.label, &ci);
            }
        }
        if m.categories.is_some() {
            missing.note("kappa", &m.label, &m.kappa.quadratic);
        }
        missing.note("alpha ordinal", &m.label, &m.alpha_ordinal);
        missing.note("alpha interval", &m.label, &m.alpha_interval);
    }
    let _ = writeln!(
        o,
        "kappa: quadratic-weighted Cohen's kappa (- for composites and the share). a.ord / a.int:"
    );
    let _ = writeln!(o, "Krippendorff's alpha, ordinal and interval.");
}

fn two_way(o: &mut String, r: &Report) {
    let forms: Vec<&str> = if r.average_measures {
        vec!["ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)"]
    } else {
        vec!["ICC(2,1)", "ICC(3,1)"]
    };
    let any_two_way =
        r.measures.iter().any(|m| forms.iter().any(|f| m.icc(f).is_some_and(|i| i.stat.is_ok())));
    if !any_two_way {
        return;
    }
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

/// The verdict of ICC(1,1) and, when defined, ICC(2,1) per measure (all forms: JSON and CSV).
fn verdicts(o: &mut String, r: &Report) {
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Verdicts: band of the point and of the 95% CI's bounds (Koo & Li 2016); with n < 10 or a CI"
    );
    let _ = writeln!(o, "wider than 0.5 the estimate is too uncertain to judge.");
    for m in &r.measures {
        for form in ["ICC(1,1)", "ICC(2,1)"] {
            if let Some(v) = m.icc(form).and_then(|i| i.verdict.as_ref()) {
                wrap(o, &format!("{} {form}: {}", clean(&m.label), v.text()), "  ");
            }
        }
    }
}

fn categorical(o: &mut String, r: &Report, missing: &mut Missing) {
    let cats: Vec<_> = r.measures.iter().filter(|m| m.categories.is_some()).collect();
    if cats.is_empty() {
        return;
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<LABEL$} {:>7} {:>7} {:>7}  {:<22} AC2 linear [95% CI]",
        "Category agreement", "k.unw", "k.lin", "k.quad", "AC1 [95% CI]"
    );
    let _ = writeln!(o, "{}", "-".repeat(LABEL + 72));
    let ci = |g: &Stat<crate::stats::gwet::Coefficient>| {
        with_ci(&g.as_ref().map(|c| (c.value, c.ci95)).map_err(Clone::clone))
    };
    for m in &cats {
        let line = format!(
            "{:<LABEL$} {:>7} {:>7} {:>7}  {:<22} {:<22}",
            label(&m.label),
            num(&m.kappa.unweighted, 3),
            num(&m.kappa.linear, 3),
            num(&m.kappa.quadratic, 3),
            ci(&m.gwet.ac1),
            ci(&m.gwet.ac2_linear),
        );
        let _ = writeln!(o, "{}", line.trim_end());
        missing.note("AC1 / AC2", &m.label, &m.gwet.ac1);
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{:<LABEL$} {:<22} Pairing", "", "AC2 quadratic [95% CI]");
    for m in &cats {
        let line = format!(
            "{:<LABEL$} {:<22} {}",
            label(&m.label),
            ci(&m.gwet.ac2_quadratic),
            clean(&m.pairing.describe())
        );
        let _ = writeln!(o, "{}", line.trim_end());
    }
    let _ = writeln!(
        o,
        "k.: Cohen's kappa unweighted, linear, quadratic; AC1 / AC2: Gwet, over the full scale."
    );
}

fn alpha_boot(o: &mut String, r: &Report, missing: &mut Missing) {
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<LABEL$} {:<22} {:>6} {:>6}  {:<22} {:>6} {:>6}",
        "Alpha, bootstrap",
        "ordinal [95% CI]",
        "P<.667",
        "P<.80",
        "interval [95% CI]",
        "P<.667",
        "P<.80"
    );
    let _ = writeln!(o, "{}", "-".repeat(99));
    for m in &r.measures {
        let cell = |a: &Stat, b: &Stat<crate::stats::alpha::AlphaBoot>| match (a, b) {
            (Ok(a), Ok(b)) => (
                format!("{a:.3} [{:.3}, {:.3}]", b.ci95.0, b.ci95.1),
                format!("{:.3}", b.p_below_667),
                format!("{:.3}", b.p_below_800),
            ),
            (Ok(a), Err(_)) => (format!("{a:.3} [n/a]"), "n/a".into(), "n/a".into()),
            _ => ("n/a".into(), "n/a".into(), "n/a".into()),
        };
        let (a, p1, p2) = cell(&m.alpha_ordinal, &m.alpha_ordinal_boot);
        let (b, q1, q2) = cell(&m.alpha_interval, &m.alpha_interval_boot);
        let _ = writeln!(
            o,
            "{:<LABEL$} {a:<22} {p1:>6} {p2:>6}  {b:<22} {q1:>6} {q2:>6}",
            label(&m.label)
        );
        if m.alpha_ordinal.is_ok() {
            missing.note("alpha bootstrap", &m.label, &m.alpha_ordinal_boot);
        }
    }
    let _ = writeln!(
        o,
        "Bootstrap after Hayes & Krippendorff (2007): {} resamples, seed {}. P<x: share below x.",
        r.resamples, r.seed
    );
}

fn bland_altman(o: &mut String, r: &Report, missing: &mut Missing) {
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<LABEL$} {:>4}  {:<24} {:>7}  95% limits",
        "Bland-Altman", "n", "bias [95% CI]", "SD"
    );
    let _ = writeln!(o, "{}", "-".repeat(LABEL + 61));
    for m in &r.measures {
        let line = match &m.bland_altman {
            Ok(b) => format!(
                "{:<LABEL$} {:>4}  {:<24} {:>7.3}  [{:.3}, {:.3}]",
                label(&m.label),
                b.n,
                format!("{:+.3} [{:+.3}, {:+.3}]", b.bias, b.bias_ci95.0, b.bias_ci95.1),
                b.sd,
                b.loa.0,
                b.loa.1
            ),
            Err(_) => format!("{:<LABEL$} {:>4}  n/a", label(&m.label), m.paired.len()),
        };
        let _ = writeln!(o, "{line}");
        missing.note("Bland-Altman", &m.label, &m.bland_altman);
    }
    let _ = writeln!(o, "Differences are first - second coder of each measure's pairing (above).");
}

fn outside(o: &mut String, r: &Report) {
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
}

fn coders(o: &mut String, r: &Report) {
    if r.pairs.is_empty() {
        return;
    }
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

fn not_available(o: &mut String, r: &Report, missing: Missing) {
    if missing.0.is_empty() {
        return;
    }
    let all: Vec<String> = r.measures.iter().map(|m| clean(&m.label)).collect();
    let _ = writeln!(o);
    let _ = writeln!(o, "Not available:");
    // Statistics sharing a reason and the same measures read as one line.
    let mut grouped: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for ((what, reason), measures) in missing.0 {
        let whom = if measures == all && all.len() > 1 {
            "all measures".to_string()
        } else {
            measures.join(", ")
        };
        grouped.entry((reason, whom)).or_default().push(what);
    }
    for ((reason, whom), whats) in grouped {
        wrap(o, &format!("{} ({whom}): n/a ({})", whats.join(", "), clean(&reason)), "  ");
    }
}

/// The instrument's items beside its scales, and count timing agreement.
fn items_section(o: &mut String, items: &crate::reliability::items::ItemsReport) {
    let _ = writeln!(o);
    wrap(
        o,
        &format!(
            "Instrument items over {} double-coded recording(s) (nominal: % agreement, Cohen's kappa, alpha nominal, Gwet's AC1; counts and summaries: ICC(1,1) with 95% CI, alpha interval):",
            items.recordings
        ),
        "",
    );
    for line in crate::instrument::reliability::item_lines(&items.items).lines() {
        o.push_str(&clean(line));
        o.push('\n');
    }
    if items.timing.is_empty() {
        return;
    }
    let _ = writeln!(o);
    wrap(
        o,
        &format!(
            "Count timing agreement (events of one code matched one to one within ±{} s; share = 2 × matched / events of both):",
            items.timing_window_s
        ),
        "",
    );
    let w = items.timing.iter().map(|t| t.code.chars().count()).max().unwrap_or(7).max(7);
    let _ = writeln!(
        o,
        "  {:<w$}  {:>7}  {:>10}  {:>11}  {:>7}",
        "code", "matched", "only first", "only second", "share"
    );
    for t in items.timing.iter().chain(std::iter::once(&items.overall)) {
        let share = t.percent.map_or("n/a".to_string(), |p| format!("{p:.1}%"));
        let _ = writeln!(
            o,
            "  {:<w$}  {:>7}  {:>10}  {:>11}  {:>7}",
            clean(&t.code),
            t.matched,
            t.only_first,
            t.only_second,
            share
        );
    }
}
