//! The report as ONE self-contained HTML file: inline CSS and inline SVG plots drawn here (agreement
//! per measure, coder differences); no scripts, fonts or other external assets. All text is escaped.
use std::fmt::Write;

use super::{num, pct, signed};
use crate::reliability::model::{IccResult, Report};
use crate::stats::Stat;

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

/// A table cell that shows `n/a` with the reason as a tooltip and in small text.
fn cell(text: String, s: Result<(), &str>) -> String {
    match s {
        Ok(()) => format!("<td>{}</td>", esc(&text)),
        Err(reason) => {
            format!("<td class=\"na\" title=\"{r}\">n/a <small>({r})</small></td>", r = esc(reason))
        }
    }
}

fn stat_cell(s: &Stat, text: String) -> String {
    cell(text, s.as_ref().map(|_| ()).map_err(|e| e.reason.as_str()))
}

fn icc_cells(i: Option<&IccResult>) -> String {
    let Some(i) = i else { return "<td></td><td></td>".into() };
    match &i.stat {
        Ok(v) => {
            let ci = match &v.ci95 {
                Ok((lo, hi)) => format!("[{lo:.3}, {hi:.3}]"),
                Err(e) => format!("[n/a: {}]", e.reason),
            };
            let band = i.band().map_or("", |b| b.as_str());
            format!(
                "<td>{:.3} <small>{}</small></td><td class=\"band {band}\">{band}</td>",
                v.value,
                esc(&ci)
            )
        }
        Err(e) => format!("{}<td></td>", cell(String::new(), Err(&e.reason))),
    }
}

/// Horizontal bars of % exact and % within tolerance per measure.
fn agreement_svg(r: &Report) -> String {
    let row_h = 28.0;
    let (left, width) = (220.0, 420.0);
    let h = 40.0 + row_h * r.measures.len() as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"Agreement per measure\">",
        w = left + width + 80.0
    );
    for t in [0, 25, 50, 75, 100] {
        let x = left + width * f64::from(t) / 100.0;
        let _ = write!(
            s,
            "<line x1=\"{x}\" y1=\"20\" x2=\"{x}\" y2=\"{y2}\" class=\"grid\"/><text x=\"{x}\" y=\"14\" class=\"tick\" text-anchor=\"middle\">{t}%</text>",
            y2 = h - 10.0
        );
    }
    for (i, m) in r.measures.iter().enumerate() {
        let y = 24.0 + row_h * i as f64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>",
            left - 8.0,
            y + 15.0,
            esc(&m.label)
        );
        let mut bar = |v: &Stat, dy: f64, class: &str| match v {
            Ok(p) => {
                let w = width * p.clamp(0.0, 100.0) / 100.0;
                let _ = write!(
                    s,
                    "<rect x=\"{left}\" y=\"{}\" width=\"{w:.1}\" height=\"10\" class=\"{class}\"><title>{class}: {p:.1}%</title></rect><text x=\"{:.1}\" y=\"{}\" class=\"tick\">{p:.0}%</text>",
                    y + dy,
                    left + w + 4.0,
                    y + dy + 9.0
                );
            }
            Err(e) => {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" class=\"tick\">n/a ({})</text>",
                    left + 4.0,
                    y + dy + 9.0,
                    esc(&e.reason)
                );
            }
        };
        bar(&m.within, 2.0, "within");
        bar(&m.exact, 13.0, "exact");
    }
    s.push_str("</svg>");
    s
}

/// Mean signed differences around zero, with the tolerance marked.
fn diff_svg(rows: &[(String, Stat)], tolerance: f64, title: &str) -> String {
    let row_h = 24.0;
    let (left, width) = (220.0, 420.0);
    let h = 40.0 + row_h * rows.len() as f64;
    let max = rows
        .iter()
        .filter_map(|(_, s)| s.as_ref().ok())
        .fold(tolerance.max(0.5), |m, v| m.max(v.abs()))
        * 1.1;
    let x = |v: f64| left + width / 2.0 + v / max * width / 2.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{t}\">",
        w = left + width + 40.0,
        t = esc(title)
    );
    for (v, class) in [(-tolerance, "tol"), (0.0, "zero"), (tolerance, "tol")] {
        let _ = write!(
            s,
            "<line x1=\"{xv}\" y1=\"20\" x2=\"{xv}\" y2=\"{y2}\" class=\"{class}\"/><text x=\"{xv}\" y=\"14\" class=\"tick\" text-anchor=\"middle\">{v:+}</text>",
            xv = x(v),
            y2 = h - 10.0
        );
    }
    for (i, (name, v)) in rows.iter().enumerate() {
        let y = 24.0 + row_h * i as f64;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>",
            left - 8.0,
            y + 12.0,
            esc(name)
        );
        match v {
            Ok(d) => {
                let (a, b) = (x(0.0).min(x(*d)), x(0.0).max(x(*d)));
                let class = if d.abs() > tolerance { "bar out" } else { "bar" };
                let _ = write!(
                    s,
                    "<rect x=\"{a:.1}\" y=\"{}\" width=\"{:.1}\" height=\"14\" class=\"{class}\"><title>{}: {d:+.2}</title></rect><text x=\"{:.1}\" y=\"{}\" class=\"tick\">{d:+.2}</text>",
                    y + 2.0,
                    (b - a).max(1.0),
                    esc(name),
                    b + 4.0,
                    y + 13.0
                );
            }
            Err(e) => {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" class=\"tick\">n/a ({})</text>",
                    x(0.0) + 4.0,
                    y + 12.0,
                    esc(&e.reason)
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}\
table{border-collapse:collapse;margin:1em 0}th,td{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:right}\
th:first-child,td:first-child{text-align:left}td.na{color:#888}small{color:#666}\
.band.poor{color:#b00}.band.fair{color:#b60}.band.good{color:#070}.band.excellent{color:#050;font-weight:bold}\
svg .grid{stroke:#eee}svg .tick{font-size:11px;fill:#666}svg .label{font-size:12px;fill:#222}\
svg .within{fill:#2b6cb0}svg .exact{fill:#90cdf4}svg .zero{stroke:#444}svg .tol{stroke:#c33;stroke-dasharray:4 3}\
svg .bar{fill:#2b6cb0}svg .bar.out{fill:#c33}";

/// Renders the report as a complete HTML document.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Reliability report: {src}</title><style>{STYLE}</style></head><body>\n<h1>Reliability report</h1>\n<p>{src}. Double-coded recordings: {dc}, analysed (two or more ratings): {c}. Tolerance: {t} point(s) on the {a}..{b} scale.</p>\n",
        src = esc(&r.source),
        dc = r.double_coded,
        c = r.complete,
        t = r.tolerance,
        a = r.scale.0,
        b = r.scale.1
    );
    o.push_str("<h2>Agreement per measure</h2>\n<p><span style=\"color:#2b6cb0\">&#9632;</span> within tolerance <span style=\"color:#90cdf4\">&#9632;</span> exact</p>\n");
    o.push_str(&agreement_svg(r));
    o.push_str("\n<h2>Statistics</h2>\n<table><thead><tr><th>Measure</th><th>n</th><th>Exact</th><th>Within</th>");
    let forms: Vec<&str> =
        r.measures.first().map_or(Vec::new(), |m| m.iccs.iter().map(|i| i.form).collect());
    for f in &forms {
        let _ = write!(o, "<th>{} [95% CI]</th><th>Band</th>", esc(f));
    }
    o.push_str("<th>Kappa (quadratic)</th><th>Alpha ordinal</th><th>Alpha interval</th><th>Outside tolerance</th></tr></thead><tbody>\n");
    for m in &r.measures {
        let _ = write!(o, "<tr><td>{}</td><td>{}</td>", esc(&m.label), m.n);
        o.push_str(&stat_cell(&m.exact, pct(&m.exact)));
        o.push_str(&stat_cell(&m.within, pct(&m.within)));
        for f in &forms {
            o.push_str(&icc_cells(m.icc(f)));
        }
        o.push_str(&stat_cell(&m.kappa.quadratic, num(&m.kappa.quadratic, 3)));
        o.push_str(&stat_cell(&m.alpha_ordinal, num(&m.alpha_ordinal, 3)));
        o.push_str(&stat_cell(&m.alpha_interval, num(&m.alpha_interval, 3)));
        let _ = writeln!(o, "<td>{}</td></tr>", esc(&m.outside.join(", ")));
    }
    o.push_str("</tbody></table>\n<p><small>ICC bands after Cicchetti (1994): &lt;.40 poor, .40–.59 fair, .60–.74 good, ≥.75 excellent.</small></p>\n");

    if !r.coders.is_empty() {
        o.push_str("<h2>Coder differences</h2>\n<p>Mean signed difference from the other coder over every domain both scored; dashed lines mark the tolerance.</p>\n");
        let rows: Vec<(String, Stat)> =
            r.coders.iter().map(|c| (c.coder.clone(), c.mean_diff.clone())).collect();
        o.push_str(&diff_svg(&rows, r.tolerance, "Mean difference per coder"));
        o.push_str("\n<table><thead><tr><th>Coder</th><th>Recordings</th><th>n</th><th>Within</th><th>Mean diff</th></tr></thead><tbody>\n");
        for c in &r.coders {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td>",
                esc(&c.coder),
                c.recordings,
                c.n
            );
            o.push_str(&stat_cell(&c.within, pct(&c.within)));
            o.push_str(&stat_cell(&c.mean_diff, signed(&c.mean_diff)));
            o.push_str("</tr>\n");
        }
        o.push_str("</tbody></table>\n<h3>Coder pairs</h3>\n");
        let rows: Vec<(String, Stat)> =
            r.pairs.iter().map(|p| (format!("{} − {}", p.a, p.b), p.mean_diff.clone())).collect();
        o.push_str(&diff_svg(&rows, r.tolerance, "Mean difference per coder pair"));
        o.push_str("\n<table><thead><tr><th>Pair</th><th>Recordings</th><th>n</th><th>Within</th><th>Mean diff (first − second)</th></tr></thead><tbody>\n");
        for p in &r.pairs {
            let _ = write!(
                o,
                "<tr><td>{} / {}</td><td>{}</td><td>{}</td>",
                esc(&p.a),
                esc(&p.b),
                p.recordings,
                p.n
            );
            o.push_str(&stat_cell(&p.within, pct(&p.within)));
            o.push_str(&stat_cell(&p.mean_diff, signed(&p.mean_diff)));
            o.push_str("</tr>\n");
        }
        o.push_str("</tbody></table>\n");
    }
    if let Some(b) = &r.bins {
        let _ = write!(
            o,
            "<h2>Behaviour-change time units</h2>\n<table><tbody><tr><td>Recordings</td><td>{}</td></tr><tr><td>One-second bins</td><td>{}</td></tr><tr><td>Agreement</td>{}</tr><tr><td>Kappa</td>{}</tr></tbody></table>\n",
            b.recordings,
            b.bins,
            stat_cell(&b.agreement, pct(&b.agreement)),
            stat_cell(&b.kappa, num(&b.kappa, 3))
        );
    }
    for n in &r.notes {
        let _ = writeln!(o, "<p><small>{}</small></p>", esc(n));
    }
    o.push_str("</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(esc("a\u{1b}[31m"), "a\u{FFFD}[31m");
    }
}
