//! The report as a tidy CSV: one row per measure × statistic (`section,measure,statistic,value,
//! ci_low,ci_high,band,f,df1,df2,n,reason`), so every cell holds one value and an undefined
//! statistic has an empty value and its reason.
use crate::reliability::model::Report;
use crate::stats::Stat;

const HEADER: [&str; 12] = [
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

    fn fields(&self) -> [&str; 12] {
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
        ]
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
                    if let Ok(f) = &v.f {
                        row.f = (format!("{f}"), format!("{}", v.df1), format!("{}", v.df2));
                    }
                }
                Err(e) => row.reason = e.reason.clone(),
            }
            rows.push(row);
        }
        rows.push(Row::new("measure", &m.key, "kappa_quadratic", m.n).stat(&m.kappa));
        rows.push(Row::new("measure", &m.key, "alpha_ordinal", m.n).stat(&m.alpha_ordinal));
        rows.push(Row::new("measure", &m.key, "alpha_interval", m.n).stat(&m.alpha_interval));
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
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut ok = w.write_record(HEADER).is_ok();
    for row in &rows {
        ok &= w.write_record(row.fields()).is_ok();
    }
    let bytes = if ok { w.into_inner().unwrap_or_default() } else { Vec::new() };
    String::from_utf8(bytes).unwrap_or_default()
}
