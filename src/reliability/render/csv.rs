//! The report as a tidy CSV: one row per measure × statistic (`section,measure,statistic,value,
//! ci_low,ci_high,band,f,df1,df2,n,reason,verdict`), so every cell holds one value and an undefined
//! statistic has an empty value and its reason. A study instrument's items section follows (none for
//! a schema-1 codebook, whose CSV is unchanged): `item` rows (per item its `kind`, then each
//! statistic; an ICC's bounds in `ci_low`/`ci_high`) and `count_timing` rows.
use crate::instrument::reliability::Named;
use crate::reliability::items::ItemsReport;
use crate::reliability::model::{MeasureReport, Report};
use crate::stats::Stat;
use crate::stats::alpha::AlphaBoot;
use crate::stats::bland_altman::BlandAltman;

const HEADER: [&str; 13] = [
    "section",
    "measure",
    "statistic",
    "value",
    "ci_low",
    "ci_high",
    "band",
    "f",
    "df1",
    "df2",
    "n",
    "reason",
    "verdict",
];

#[derive(Default)]
struct Row {
    section: &'static str,
    measure: String,
    statistic: String,
    value: String,
    ci: (String, String),
    band: String,
    f: (String, String, String),
    n: String,
    reason: String,
    verdict: String,
}

impl Row {
    fn new(section: &'static str, measure: &str, statistic: &str, n: usize) -> Self {
        Row {
            section,
            measure: measure.into(),
            statistic: statistic.into(),
            n: n.to_string(),
            ..Row::default()
        }
    }

    fn stat(mut self, s: &Stat) -> Self {
        match s {
            Ok(v) => self.value = format!("{v}"),
            Err(e) => self.reason = e.reason.clone(),
        }
        self
    }

    /// A value with a 95% CI.
    fn with_ci(mut self, s: &Stat<(f64, (f64, f64))>) -> Self {
        match s {
            Ok((v, (lo, hi))) => {
                self.value = format!("{v}");
                self.ci = (format!("{lo}"), format!("{hi}"));
            }
            Err(e) => self.reason = e.reason.clone(),
        }
        self
    }

    fn fields(&self) -> [&str; 13] {
        [
            self.section,
            &self.measure,
            &self.statistic,
            &self.value,
            &self.ci.0,
            &self.ci.1,
            &self.band,
            &self.f.0,
            &self.f.1,
            &self.f.2,
            &self.n,
            &self.reason,
            &self.verdict,
        ]
    }
}

/// The rows after the ICCs: pairing, kappas, AC1/AC2, alphas with their bootstrap, Bland–Altman.
fn measure_rows(rows: &mut Vec<Row>, m: &MeasureReport) {
    let row = |s: &str, n: usize| Row::new("measure", &m.key, s, n);
    let mut p = row("pairing", m.paired.len());
    p.value = m.pairing.as_str().to_string();
    rows.push(p);
    let n = m.paired.len();
    rows.push(row("kappa_unweighted", n).stat(&m.kappa.unweighted));
    rows.push(row("kappa_linear", n).stat(&m.kappa.linear));
    rows.push(row("kappa_quadratic", n).stat(&m.kappa.quadratic));
    for (name, g) in [
        ("ac1", &m.gwet.ac1),
        ("ac2_linear", &m.gwet.ac2_linear),
        ("ac2_quadratic", &m.gwet.ac2_quadratic),
    ] {
        let gn = g.as_ref().map_or(m.n, |c| c.n);
        rows.push(
            row(name, gn).with_ci(&g.as_ref().map(|c| (c.value, c.ci95)).map_err(Clone::clone)),
        );
        rows.push(
            row(&format!("{name}_se"), gn).stat(&g.as_ref().map(|c| c.se).map_err(Clone::clone)),
        );
    }
    for (name, a, b) in [
        ("alpha_ordinal", &m.alpha_ordinal, &m.alpha_ordinal_boot),
        ("alpha_interval", &m.alpha_interval, &m.alpha_interval_boot),
    ] {
        let mut r = row(name, m.n).stat(a);
        match b {
            Ok(b) => r.ci = (format!("{}", b.ci95.0), format!("{}", b.ci95.1)),
            Err(e) if a.is_ok() => r.reason = format!("bootstrap: {}", e.reason),
            Err(_) => {}
        }
        rows.push(r);
        let p = |x: fn(&AlphaBoot) -> f64| b.as_ref().map(x).map_err(Clone::clone);
        rows.push(row(&format!("{name}_p_below_0.667"), m.n).stat(&p(|b| b.p_below_667)));
        rows.push(row(&format!("{name}_p_below_0.800"), m.n).stat(&p(|b| b.p_below_800)));
    }
    let ba = &m.bland_altman;
    let f = |x: fn(&BlandAltman) -> f64| ba.as_ref().map(x).map_err(Clone::clone);
    rows.push(
        row("ba_bias", n)
            .with_ci(&ba.as_ref().map(|b| (b.bias, b.bias_ci95)).map_err(Clone::clone)),
    );
    rows.push(row("ba_sd", n).stat(&f(|b| b.sd)));
    rows.push(row("ba_loa_low", n).stat(&f(|b| b.loa.0)));
    rows.push(row("ba_loa_high", n).stat(&f(|b| b.loa.1)));
}

/// The items section: per item (`measure` its key, `n` the recordings both coders rated it in) a
/// `kind` row, then one row per statistic in the JSON's order, except that `X_lower` and
/// `X_upper` go into `X`'s `ci_low` / `ci_high`; `left_out_undefined` when a summary was
/// undefined for a coder on some recordings. Then count timing agreement (`n`: the recordings
/// compared): the window, and per count code and `overall` its `matched`, `only_first`,
/// `only_second` and `percent`.
fn items_rows(rows: &mut Vec<Row>, items: &ItemsReport) {
    let value = |s: &Named| s.value.map_or(String::new(), |v| format!("{v}"));
    for it in &items.items {
        let row = |stat: &str| Row::new("item", &it.key, stat, it.n);
        let mut k = row("kind");
        k.value = it.kind.to_string();
        rows.push(k);
        let find = |name: &str| it.stats.iter().find(|s| s.name == name);
        for s in &it.stats {
            let bound = |end: &str| s.name.strip_suffix(end).and_then(find);
            if bound("_lower").or_else(|| bound("_upper")).is_some() {
                continue;
            }
            let mut r = row(s.name);
            r.value = value(s);
            r.reason = s.why.clone().unwrap_or_default();
            let (lo, hi) = (find(&format!("{}_lower", s.name)), find(&format!("{}_upper", s.name)));
            if let (Some(lo), Some(hi)) = (lo, hi) {
                r.ci = (value(lo), value(hi));
                if s.value.is_some()
                    && let Some(why) = lo.why.as_ref().or(hi.why.as_ref())
                {
                    r.reason = format!("95% CI: {why}");
                }
            }
            rows.push(r);
        }
        if it.undefined > 0 {
            let mut r = row("left_out_undefined");
            r.value = it.undefined.to_string();
            rows.push(r);
        }
    }
    if items.timing.is_empty() {
        return;
    }
    let n = items.recordings;
    let mut w = Row::new("count_timing", "window", "window_s", n);
    w.value = format!("{}", items.timing_window_s);
    rows.push(w);
    for t in items.timing.iter().chain(std::iter::once(&items.overall)) {
        for (stat, v) in
            [("matched", t.matched), ("only_first", t.only_first), ("only_second", t.only_second)]
        {
            let mut r = Row::new("count_timing", &t.code, stat, n);
            r.value = v.to_string();
            rows.push(r);
        }
        let mut r = Row::new("count_timing", &t.code, "percent", n);
        r.value = t.percent.map_or(String::new(), |p| format!("{p}"));
        r.reason = t.why.clone().unwrap_or_default();
        rows.push(r);
    }
}

/// Renders the report as CSV text.
pub fn render(r: &Report) -> String {
    let mut rows = Vec::new();
    for m in &r.measures {
        rows.push(Row::new("measure", &m.key, "exact_pct", m.n).stat(&m.exact));
        rows.push(Row::new("measure", &m.key, "within_pct", m.n).stat(&m.within));
        for rec in &m.outside {
            let mut row = Row::new("measure", &m.key, "outside_tolerance", m.n);
            row.value = rec.clone();
            rows.push(row);
        }
        for i in &m.iccs {
            let mut row = Row::new("measure", &m.key, i.form, m.icc_n);
            match &i.stat {
                Ok(v) => {
                    row.value = format!("{}", v.value);
                    match &v.ci95 {
                        Ok((lo, hi)) => row.ci = (format!("{lo}"), format!("{hi}")),
                        Err(e) => row.reason = format!("95% CI: {}", e.reason),
                    }
                    row.band = i.band().map_or(String::new(), |b| b.to_string());
                    row.verdict = i.verdict.as_ref().map_or(String::new(), |v| v.text());
                    if let Ok(f) = &v.f {
                        row.f = (format!("{f}"), format!("{}", v.df1), format!("{}", v.df2));
                    }
                }
                Err(e) => row.reason = e.reason.clone(),
            }
            rows.push(row);
        }
        measure_rows(&mut rows, m);
    }
    for p in &r.pairs {
        let name = format!("{} / {}", p.a, p.b);
        rows.push(Row::new("pair", &name, "within_pct", p.n).stat(&p.within));
        rows.push(Row::new("pair", &name, "mean_diff", p.n).stat(&p.mean_diff));
    }
    for c in &r.coders {
        rows.push(Row::new("coder", &c.coder, "within_pct", c.n).stat(&c.within));
        rows.push(Row::new("coder", &c.coder, "mean_diff", c.n).stat(&c.mean_diff));
    }
    if let Some(b) = &r.bins {
        rows.push(
            Row::new("bc_bins", "behaviour_change", "agreement_pct", b.bins).stat(&b.agreement),
        );
        rows.push(Row::new("bc_bins", "behaviour_change", "kappa", b.bins).stat(&b.kappa));
    }
    if let Some(items) = &r.items {
        items_rows(&mut rows, items);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut ok = w.write_record(HEADER).is_ok();
    for row in &rows {
        ok &= w.write_record(row.fields()).is_ok();
    }
    let bytes = if ok { w.into_inner().unwrap_or_default() } else { Vec::new() };
    String::from_utf8(bytes).unwrap_or_default()
}
