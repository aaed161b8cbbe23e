//! The report as ONE self-contained HTML page a methodologist can attach to a paper: a forest plot
//! of every ICC with its CI and the band thresholds, a summary table, per domain a heat-mapped
//! confusion matrix and a Bland–Altman plot, the coder and pair difference plots, and a methods
//! paragraph. Inline CSS (with print rules) and inline SVG; no scripts, fonts or other external
//! assets. Markup is built with `maud`, which escapes every interpolated string by construction;
//! control characters in names are replaced as well.
//!
//! Layout: the page is at most 1180 px wide and every plot scales to its column (`viewBox`), so it
//! fits a 1280 px window without horizontal scrolling and an A4 page in print.
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{num, pct, signed};
use crate::reliability::build::NOT_CATEGORY;
use crate::reliability::model::{IccResult, MeasureKind, MeasureReport, Report};
use crate::stats::Stat;
use crate::stats::gwet::Coefficient;

/// Text from files with control characters (ANSI escapes included) replaced; maud escapes markup.
fn t(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\n' && c != '\t' { '\u{FFFD}' } else { c })
        .collect()
}

/// Escapes text for HTML content and attribute values (kept for callers outside the renderer).
pub fn esc(s: &str) -> String {
    html! { (t(s)) }.into_string().replace('\'', "&#39;")
}

const STYLE: &str = "\
*{box-sizing:border-box}\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;padding:16px 24px;color:#222;max-width:1180px;line-height:1.4;font-size:14px}\
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.4em 0 .4em;border-bottom:1px solid #ccc}h3{font-size:1.05em;margin:1em 0 .3em}\
table{border-collapse:collapse;margin:.5em 0;width:100%;table-layout:fixed}\
th,td{border-bottom:1px solid #e2e2e2;padding:.25em .4em;text-align:right;overflow-wrap:anywhere;vertical-align:top}\
th{font-weight:600;background:#f6f6f6}th:first-child,td:first-child{text-align:left}\
td.na{color:#888}small,.muted{color:#666}\
.band.poor{color:#b00}.band.fair{color:#a60}.band.good{color:#070}.band.excellent{color:#050;font-weight:600}\
.uncertain{color:#a60}\
svg{display:block;width:100%;height:auto;max-width:100%}\
svg text{font-size:11px;fill:#333}svg .grid{stroke:#ddd}svg .thr{stroke:#999;stroke-dasharray:4 3}\
svg .ci{stroke:#2b6cb0;stroke-width:2}svg .pt{fill:#2b6cb0}svg .pt.unc{fill:#d69e2e}svg .zero{stroke:#444}\
svg .tol{stroke:#c33;stroke-dasharray:4 3}svg .bar{fill:#2b6cb0}svg .bar.out{fill:#c33}svg .loa{stroke:#c33;stroke-dasharray:5 3}\
svg .bias{stroke:#2b6cb0}svg .dot{fill:#2b6cb0;fill-opacity:.6}\
.grid2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:24px;align-items:start}\
.domain{break-inside:avoid;page-break-inside:avoid}\
table.cm{width:auto;table-layout:auto}table.cm td,table.cm th{text-align:center;min-width:2.2em}\
.methods{background:#f8f8f8;border:1px solid #ddd;padding:.6em .9em}\
@media print{body{max-width:none;padding:0;font-size:10.5pt}h2{break-after:avoid}\
.domain,svg,table{break-inside:avoid}a{color:inherit}@page{size:A4;margin:14mm}}";

/// Renders the report as a complete HTML document.
pub fn render(r: &Report) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Reliability report: " (t(&r.source)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "Reliability report" }
                p {
                    (t(&r.source)) ". Double-coded recordings: " (r.double_coded)
                    ", analysed (two or more ratings): " (r.complete) ". Tolerance: " (r.tolerance)
                    " point(s) on the " (r.scale.0) ".." (r.scale.1) " scale."
                }
                h2 { "Intraclass correlations" }
                (forest(r))
                (summary(r))
                (agreement_table(r))
                (domains(r))
                (coders(r))
                (bins(r))
                (items(r))
                (methods(r))
                @if !r.notes.is_empty() {
                    h2 { "Notes" }
                    @for n in &r.notes { p { small { (t(n)) } } }
                }
            }
        }
    };
    let mut s = page.into_string();
    s.push('\n');
    s
}

/// A cell that shows the value, or `n/a` with the reason as a tooltip (and in small text).
fn cell(s: &Stat, text: String) -> Markup {
    match s {
        Ok(_) => html! { td { (text) } },
        Err(e) => html! { td.na title=(t(&e.reason)) { "n/a " small { "(" (t(&e.reason)) ")" } } },
    }
}

fn ci_text(i: &IccResult) -> String {
    match &i.stat {
        Ok(v) => match &v.ci95 {
            Ok((lo, hi)) => format!("{:.3} [{lo:.3}, {hi:.3}]", v.value),
            Err(_) => format!("{:.3} [n/a]", v.value),
        },
        Err(_) => "n/a".into(),
    }
}

/// One dot-and-whisker row per defined ICC, on −1…1 with the band thresholds.
fn forest(r: &Report) -> Markup {
    let rows: Vec<(String, &IccResult)> = r
        .measures
        .iter()
        .flat_map(|m| m.iccs.iter().filter(|i| i.stat.is_ok()).map(move |i| (t(&m.label), i)))
        .collect();
    if rows.is_empty() {
        return html! { p.muted { "No ICC is defined for these data." } };
    }
    let (left, width, row_h) = (260.0, 760.0, 18.0);
    let h = 30.0 + row_h * rows.len() as f64;
    let x = |v: f64| left + width * (v.clamp(-1.0, 1.0) + 1.0) / 2.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {} {h}", left + width + 175.0)) role="img" aria-label="Forest plot of the ICCs with 95% CIs" {
            @for v in [-1.0, -0.5, 0.0, 0.5, 1.0] {
                line.grid x1=(x(v)) y1="16" x2=(x(v)) y2=(h - 4.0) {}
                text x=(x(v)) y="11" text-anchor="middle" { (v) }
            }
            @for (v, name) in [(0.40, "fair"), (0.60, "good"), (0.75, "excellent")] {
                line.thr x1=(x(v)) y1="16" x2=(x(v)) y2=(h - 4.0) {}
                text x=(x(v) + 2.0) y=(h - 6.0) { (name) }
            }
            @for (j, (label, i)) in rows.iter().enumerate() {
                @let y = 26.0 + row_h * j as f64;
                text x=(left - 8.0) y=(y + 4.0) text-anchor="end" { (label) " " (i.form) }
                @if let Ok(v) = &i.stat {
                    @if let Ok((lo, hi)) = &v.ci95 {
                        line.ci x1=(format!("{:.1}", x(*lo))) y1=(y) x2=(format!("{:.1}", x(*hi))) y2=(y) {}
                    }
                    @let unc = i.verdict.as_ref().is_some_and(|v| v.uncertain.is_some());
                    circle.pt.unc[unc] cx=(format!("{:.1}", x(v.value))) cy=(y) r="4" {
                        title { (label) " " (i.form) ": " (ci_text(i)) }
                    }
                    text x=(left + width + 8.0) y=(y + 4.0) { (ci_text(i)) }
                }
            }
        }
        p { small {
            "Dots: point estimates (amber: too uncertain to judge); lines: 95% CIs; dashed: Cicchetti (1994) thresholds .40 fair, .60 good, .75 excellent."
        } }
    }
}

/// Measure, n, agreement, every ICC form with its verdict.
fn summary(r: &Report) -> Markup {
    let forms: Vec<&str> =
        r.measures.first().map_or(Vec::new(), |m| m.iccs.iter().map(|i| i.form).collect());
    html! {
        table {
            thead { tr {
                th style="width:16%" { "Measure" } th { "n" } th { "Exact" } th { "Within" }
                th style="width:13%" { "ICC form" } th style="width:18%" { "ICC [95% CI]" }
                th style="width:36%" { "Verdict" }
            } }
            tbody {
                @for m in &r.measures {
                    @for (j, f) in forms.iter().enumerate() {
                        @let i = m.icc(f);
                        tr {
                            @if j == 0 {
                                td rowspan=(forms.len()) { (t(&m.label)) }
                                td rowspan=(forms.len()) { (m.n) }
                                (cell_rowspan(&m.exact, pct(&m.exact), forms.len()))
                                (cell_rowspan(&m.within, pct(&m.within), forms.len()))
                            }
                            td { (f) }
                            @match i.map(|i| &i.stat) {
                                Some(Ok(_)) => { td { (i.map(ci_text).unwrap_or_default()) } }
                                Some(Err(e)) => { td.na title=(t(&e.reason)) { "n/a" } }
                                None => { td {} }
                            }
                            @match i.and_then(|i| i.verdict.as_ref()) {
                                Some(v) => { td.band.(v.point.as_str()).uncertain[v.uncertain.is_some()] { (v.text()) } }
                                None => { td.na { small { (i.and_then(|i| i.stat.as_ref().err()).map(|e| t(&e.reason)).unwrap_or_default()) } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn cell_rowspan(s: &Stat, text: String, span: usize) -> Markup {
    match s {
        Ok(_) => html! { td rowspan=(span) { (text) } },
        Err(e) => html! { td.na rowspan=(span) title=(t(&e.reason)) { "n/a" } },
    }
}

fn coef(g: &Stat<Coefficient>) -> (Stat, String) {
    match g {
        Ok(c) => (Ok(c.value), format!("{:.3} [{:.3}, {:.3}]", c.value, c.ci95.0, c.ci95.1)),
        Err(e) => (Err(e.clone()), "n/a".into()),
    }
}

/// Kappas, AC1/AC2, alphas with bootstrap CIs; "—" (one footnote) where a measure has no categories.
fn agreement_table(r: &Report) -> Markup {
    let any_non_category = r.measures.iter().any(|m| m.categories.is_none());
    html! {
        h2 { "Agreement coefficients" }
        table {
            thead { tr {
                th style="width:16%" { "Measure" } th { "Pairing" } th { "κ unw." } th { "κ lin." } th { "κ quad." }
                th style="width:13%" { "AC1 [95% CI]" } th style="width:13%" { "AC2 quad. [95% CI]" }
                th style="width:14%" { "α ordinal [boot. CI]" } th { "P(α<.667)" } th { "P(α<.80)" }
                th style="width:14%" { "α interval [boot. CI]" }
            } }
            tbody {
                @for m in &r.measures {
                    tr {
                        td { (t(&m.label)) }
                        td { (m.pairing.as_str()) }
                        @if m.categories.is_some() {
                            (cell(&m.kappa.unweighted, num(&m.kappa.unweighted, 3)))
                            (cell(&m.kappa.linear, num(&m.kappa.linear, 3)))
                            (cell(&m.kappa.quadratic, num(&m.kappa.quadratic, 3)))
                            @let (s, text) = coef(&m.gwet.ac1);
                            (cell(&s, text))
                            @let (s, text) = coef(&m.gwet.ac2_quadratic);
                            (cell(&s, text))
                        } @else {
                            td.na { "—" } td.na { "—" } td.na { "—" } td.na { "—" } td.na { "—" }
                        }
                        (alpha_cells(&m.alpha_ordinal, &m.alpha_ordinal_boot, true))
                        (alpha_cells(&m.alpha_interval, &m.alpha_interval_boot, false))
                    }
                }
            }
        }
        p { small {
            "Pairing: " b { "coder" } " = the same two coders on every recording, paired by identity; "
            b { "slot" } " = primary vs secondary. κ: Cohen's kappa; AC1/AC2: Gwet (irrCAC conventions), over the full scale. "
            "α: Krippendorff's alpha with a bootstrap 95% CI (Hayes & Krippendorff 2007, " (r.resamples) " resamples, seed " (r.seed) ")."
            @if any_non_category { " — " (NOT_CATEGORY) "." }
        } }
    }
}

fn alpha_cells(a: &Stat, b: &Stat<crate::stats::alpha::AlphaBoot>, probabilities: bool) -> Markup {
    let text = match (a, b) {
        (Ok(a), Ok(b)) => format!("{a:.3} [{:.3}, {:.3}]", b.ci95.0, b.ci95.1),
        (Ok(a), Err(_)) => format!("{a:.3} [n/a]"),
        _ => "n/a".into(),
    };
    let p = |f: fn(&crate::stats::alpha::AlphaBoot) -> f64| {
        b.as_ref().map(|b| format!("{:.3}", f(b))).unwrap_or_else(|_| "n/a".into())
    };
    html! {
        (cell(a, text))
        @if probabilities {
            td { (p(|b| b.p_below_667)) } td { (p(|b| b.p_below_800)) }
        }
    }
}

/// Per domain (and composite, share): confusion matrix for category scores, Bland–Altman plot.
fn domains(r: &Report) -> Markup {
    html! {
        h2 { "Per measure: the two coders' scores" }
        p { small { "Confusion matrices count recordings by the two ratings (rows: first coder of the pairing, columns: second; shaded by count). Bland–Altman plots show each recording's difference (first − second) against the mean, with the bias and the 95% limits of agreement." } }
        @for m in &r.measures {
            div.domain {
                h3 { (t(&m.label)) " " small { "(" (t(&m.pairing.describe())) ")" } }
                p { small {
                    "Outside tolerance (±" (m.tolerance) "): "
                    @if m.outside.is_empty() { "none" } @else { (t(&m.outside.join(", "))) }
                } }
                div.grid2 {
                    div { (confusion(m)) }
                    div { (bland_altman_svg(m)) }
                }
            }
        }
    }
}

fn confusion(m: &MeasureReport) -> Markup {
    let Some((min, max)) = m.categories.filter(|(a, b)| b - a <= 20) else {
        return html! { p.muted { "No confusion matrix: the values are not whole scale points." } };
    };
    let k = usize::try_from(max - min + 1).unwrap_or(0);
    let mut counts = vec![0usize; k * k];
    for (_, a, b) in &m.paired {
        let ix = |x: f64| usize::try_from((x - min as f64).round() as i64).ok().filter(|&i| i < k);
        if let (Some(i), Some(j)) = (ix(*a), ix(*b)) {
            counts[i * k + j] += 1;
        }
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (first, second) = m.pairing.names();
    html! {
        table.cm {
            thead { tr { th { (t(&first)) " ↓ / " (t(&second)) " →" } @for c in min..=max { th { (c) } } } }
            tbody {
                @for (i, a) in (min..=max).enumerate() {
                    tr {
                        th { (a) }
                        @for j in 0..k {
                            @let n = counts[i * k + j];
                            @let alpha = 0.08 + 0.72 * n as f64 / top;
                            @let style = if n == 0 { String::new() } else { format!("background:rgba(43,108,176,{alpha:.2});color:{}", if alpha > 0.5 { "#fff" } else { "#000" }) };
                            td style=(style) { @if n > 0 { (n) } @else { span.muted { "·" } } }
                        }
                    }
                }
            }
        }
    }
}

fn bland_altman_svg(m: &MeasureReport) -> Markup {
    let ba = match &m.bland_altman {
        Ok(b) => b,
        Err(e) => return html! { p.muted { "No Bland–Altman plot: " (t(&e.reason)) } },
    };
    let means: Vec<(f64, f64)> = m.paired.iter().map(|(_, a, b)| ((a + b) / 2.0, a - b)).collect();
    let ids: Vec<&str> = m.paired.iter().map(|(r, _, _)| r.as_str()).collect();
    let (xmin, xmax) = means
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
    let (xmin, xmax) = if xmax - xmin < 1e-9 { (xmin - 1.0, xmax + 1.0) } else { (xmin, xmax) };
    let span =
        means.iter().map(|p| p.1.abs()).fold(ba.loa.0.abs().max(ba.loa.1.abs()), f64::max).max(0.5)
            * 1.15;
    let (w, h, l, top) = (460.0, 220.0, 46.0, 10.0);
    let px = |x: f64| l + (w - l - 10.0) * (x - xmin) / (xmax - xmin);
    let py = |y: f64| top + (h - top - 28.0) * (1.0 - (y + span) / (2.0 * span));
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {h}")) role="img" aria-label="Bland–Altman plot" {
            line.zero x1=(l) y1=(py(0.0)) x2=(w - 10.0) y2=(py(0.0)) {}
            line.bias x1=(l) y1=(format!("{:.1}", py(ba.bias))) x2=(w - 10.0) y2=(format!("{:.1}", py(ba.bias))) {}
            @for v in [ba.loa.0, ba.loa.1] {
                line.loa x1=(l) y1=(format!("{:.1}", py(v))) x2=(w - 10.0) y2=(format!("{:.1}", py(v))) {}
                text x=(w - 12.0) y=(format!("{:.1}", py(v) - 3.0)) text-anchor="end" { (format!("{v:+.2}")) }
            }
            text x=(w - 12.0) y=(format!("{:.1}", py(ba.bias) - 3.0)) text-anchor="end" { "bias " (format!("{:+.2}", ba.bias)) }
            @for v in [-span / 1.15, 0.0, span / 1.15] {
                text x=(l - 4.0) y=(format!("{:.1}", py(v) + 4.0)) text-anchor="end" { (format!("{v:+.1}")) }
            }
            @for ((mean, d), id) in means.iter().zip(&ids) {
                circle.dot cx=(format!("{:.1}", px(*mean))) cy=(format!("{:.1}", py(*d))) r="3.5" {
                    title { (t(id)) ": mean " (format!("{mean:.2}")) ", difference " (format!("{d:+.2}")) }
                }
            }
            text x=(l + (w - l) / 2.0) y=(h - 6.0) text-anchor="middle" { "mean of the two ratings (" (format!("{xmin:.1}–{xmax:.1}")) ")" }
        }
        p { small {
            "n = " (ba.n) ", bias " (format!("{:+.3}", ba.bias)) " [" (format!("{:+.3}, {:+.3}", ba.bias_ci95.0, ba.bias_ci95.1))
            "], SD " (format!("{:.3}", ba.sd)) ", 95% limits of agreement [" (format!("{:.3}, {:.3}", ba.loa.0, ba.loa.1)) "]."
        } }
    }
}

/// Mean signed differences around zero, with the tolerance marked.
fn diff_svg(rows: &[(String, Stat)], tolerance: f64, title: &str) -> Markup {
    let (left, width, row_h) = (260.0, 700.0, 22.0);
    let h = 34.0 + row_h * rows.len() as f64;
    let max = rows
        .iter()
        .filter_map(|(_, s)| s.as_ref().ok())
        .fold(tolerance.max(0.5), |m, v| m.max(v.abs()))
        * 1.1;
    let x = |v: f64| left + width / 2.0 + v / max * width / 2.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {} {h}", left + width + 80.0)) role="img" aria-label=(title) {
            @for (v, class) in [(-tolerance, "tol"), (0.0, "zero"), (tolerance, "tol")] {
                line class=(class) x1=(x(v)) y1="18" x2=(x(v)) y2=(h - 6.0) {}
                text x=(x(v)) y="12" text-anchor="middle" { (format!("{v:+}")) }
            }
            @for (i, (name, v)) in rows.iter().enumerate() {
                @let y = 22.0 + row_h * i as f64;
                text x=(left - 8.0) y=(y + 12.0) text-anchor="end" { (t(name)) }
                @match v {
                    Ok(d) => {
                        @let (a, b) = (x(0.0).min(x(*d)), x(0.0).max(x(*d)));
                        rect.bar.out[d.abs() > tolerance] x=(format!("{a:.1}")) y=(y + 2.0) width=(format!("{:.1}", (b - a).max(1.0))) height="14" {
                            title { (t(name)) ": " (format!("{d:+.2}")) }
                        }
                        text x=(format!("{:.1}", b + 4.0)) y=(y + 13.0) { (format!("{d:+.2}")) }
                    }
                    Err(e) => { text x=(x(0.0) + 4.0) y=(y + 12.0) { "n/a (" (t(&e.reason)) ")" } }
                }
            }
        }
    }
}

fn coders(r: &Report) -> Markup {
    if r.coders.is_empty() {
        return html! {};
    }
    let coder_rows: Vec<(String, Stat)> =
        r.coders.iter().map(|c| (c.coder.clone(), c.mean_diff.clone())).collect();
    let pair_rows: Vec<(String, Stat)> =
        r.pairs.iter().map(|p| (format!("{} − {}", p.a, p.b), p.mean_diff.clone())).collect();
    html! {
        h2 { "Coder differences" }
        p { "Mean signed difference from the other coder over every domain both scored; dashed lines mark the tolerance (±" (r.tolerance) ")." }
        div.grid2 {
            div {
                (diff_svg(&coder_rows, r.tolerance, "Mean difference per coder"))
                table {
                    thead { tr { th { "Coder" } th { "Recordings" } th { "n" } th { "Within" } th { "Mean diff" } } }
                    tbody { @for c in &r.coders { tr {
                        td { (t(&c.coder)) } td { (c.recordings) } td { (c.n) }
                        (cell(&c.within, pct(&c.within))) (cell(&c.mean_diff, signed(&c.mean_diff)))
                    } } }
                }
            }
            div {
                (diff_svg(&pair_rows, r.tolerance, "Mean difference per coder pair"))
                table {
                    thead { tr { th { "Pair" } th { "Recordings" } th { "n" } th { "Within" } th { "Mean diff (first − second)" } } }
                    tbody { @for p in &r.pairs { tr {
                        td { (t(&p.a)) " / " (t(&p.b)) } td { (p.recordings) } td { (p.n) }
                        (cell(&p.within, pct(&p.within))) (cell(&p.mean_diff, signed(&p.mean_diff)))
                    } } }
                }
            }
        }
    }
}

fn bins(r: &Report) -> Markup {
    let Some(b) = &r.bins else { return html! {} };
    html! {
        h2 { "Behaviour-change time units" }
        table style="width:auto" { tbody {
            tr { td { "Recordings" } td { (b.recordings) } }
            tr { td { "One-second bins" } td { (b.bins) } }
            tr { td { "Agreement" } (cell(&b.agreement, pct(&b.agreement))) }
            tr { td { "Kappa" } (cell(&b.kappa, num(&b.kappa, 3))) }
        } }
    }
}

/// Value or `n/a` with the reason as a tooltip, for the items tables.
fn opt_cell(value: Option<f64>, why: Option<&String>, text: impl Fn(f64) -> String) -> Markup {
    match value {
        Some(v) => html! { td { (text(v)) } },
        None => html! { td.na title=(why.map_or("", String::as_str)) { "n/a" } },
    }
}

/// The instrument's items beside its scales, and count timing agreement.
fn items(r: &Report) -> Markup {
    let Some(x) = &r.items else { return html! {} };
    html! {
        h2 { "Instrument items" }
        p { "Over " (x.recordings) " double-coded recording(s): checklist items and classifications by % agreement, Cohen's kappa, Krippendorff's alpha (nominal) and Gwet's AC1; counts and summary scores by ICC(1,1) with its 95% CI and alpha (interval)." }
        table {
            thead { tr { th { "Item" } th { "Kind" } th { "n" } th { "Statistics" } } }
            tbody { @for i in &x.items { tr {
                td { (t(&i.label)) br; small { (t(&i.key)) } }
                td { (i.kind) } td { (i.n) }
                td { @for s in &i.stats {
                    (s.name) " "
                    @match s.value {
                        Some(v) => { (format!("{v:.3}")) }
                        None => { span.na title=(s.why.as_deref().unwrap_or("")) { "n/a" } }
                    }
                    "  "
                }
                @if i.undefined > 0 { br; small { (i.undefined) " recording(s) left out: the summary is undefined for a coder there" } } }
            } } }
        }
        @if !x.timing.is_empty() {
            h3 { "Count timing agreement" }
            p { "Events of one code matched one to one within ±" (x.timing_window_s) " s (a largest matching); share = 2 × matched / events of both coders, pooled over the recordings." }
            table style="width:auto" {
                thead { tr { th { "Code" } th { "Matched" } th { "Only first" } th { "Only second" } th { "Share" } } }
                tbody { @for tr_ in x.timing.iter().chain(std::iter::once(&x.overall)) { tr {
                    td { (t(&tr_.label)) } td { (tr_.matched) } td { (tr_.only_first) } td { (tr_.only_second) }
                    (opt_cell(tr_.percent, tr_.why.as_ref(), |p| format!("{p:.1}%")))
                } } }
            }
        }
    }
}

/// A paragraph to paste into a paper's methods section.
fn methods(r: &Report) -> Markup {
    let crossed = r
        .measures
        .iter()
        .any(|m| matches!(m.pairing, crate::reliability::model::Pairing::Coders { .. }));
    let has_share = r.measures.iter().any(|m| m.kind == MeasureKind::BcShare);
    let avg = if r.average_measures {
        " The average-measures forms ICC(1,k), ICC(2,k) and ICC(3,k) are also given."
    } else {
        ""
    };
    html! {
        h2 { "Methods (ready to paste)" }
        p.methods {
            "Inter-rater reliability was assessed on " (r.complete) " of " (r.double_coded)
            " double-coded recordings using only the coders' independent, blind scores (adjudicated values were not used). "
            "A recording entered each statistic when both ratings were present (complete cases); not-applicable or unscored domains were treated as missing. "
            "We report percentage exact agreement and agreement within ±" (r.tolerance) " scale point(s); "
            "intraclass correlations ICC(1,1) (one-way random effects, single rater)"
            @if crossed { ", ICC(2,1) (two-way random effects, absolute agreement) and ICC(3,1) (two-way mixed effects, consistency)" }
            " (Shrout & Fleiss, 1979; McGraw & Wong, 1996) with F-based 95% confidence intervals, the absolute-agreement interval using McGraw and Wong's Satterthwaite approximation." (avg) " "
            "ICCs were interpreted with Cicchetti's (1994) bands applied to the point estimate and to both confidence bounds (Koo & Li, 2016); estimates from fewer than 10 recordings or with an interval wider than 0.5 were considered too uncertain to judge. "
            "For category scores we report Cohen's kappa (unweighted, linear and quadratic weights) over the full " (r.scale.0) "–" (r.scale.1) " scale, "
            @if crossed { "pairing ratings by coder identity because the same two coders rated every recording, " } @else { "pairing primary and secondary coders, " }
            "and Gwet's AC1 and AC2 with linearised standard errors and t-based 95% intervals (Gwet, 2008; as in irrCAC). "
            "Krippendorff's alpha (ordinal and interval metrics) is given with a bootstrap 95% interval and the probability of alpha falling below 0.667 and 0.80 (Hayes & Krippendorff, 2007; "
            (r.resamples) " resamples, seed " (r.seed) "). "
            "Systematic differences were examined with Bland–Altman bias (t-based 95% CI) and 95% limits of agreement"
            @if has_share { ", also for the share of the session coded as behaviour-change talk (in percentage points)" }
            ". Statistics were computed with tapecoder " (env!("CARGO_PKG_VERSION")) "."
        }
    }
}
