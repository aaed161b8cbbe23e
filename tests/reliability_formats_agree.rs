//! Table, CSV, JSON and HTML report the same numbers (issue #12): every ICC (with its CI), kappa,
//! alpha and AC1 of the JSON report is, to full precision, the CSV's value for that measure and
//! statistic (to 1e-12), and, rounded to 3 decimals, in the table's and the HTML page's text.
use std::collections::BTreeMap;

use serde_json::Value;
use tapecoder::reliability::input::from_csv;
use tapecoder::reliability::{build, render};

/// Two coders, three domains, disagreement, a perfect domain and a constant one.
const RATINGS: &str = "recording,coder,domain,score
R1,ann,empathy,3
R1,ben,empathy,4
R2,ann,empathy,2
R2,ben,empathy,2
R3,ann,empathy,5
R3,ben,empathy,3
R4,ann,empathy,1
R4,ben,empathy,2
R5,ann,empathy,4
R5,ben,empathy,4
R1,ann,evocation,2
R1,ben,evocation,3
R2,ann,evocation,3
R2,ben,evocation,3
R3,ann,evocation,4
R3,ben,evocation,5
R4,ann,evocation,1
R4,ben,evocation,1
R5,ann,evocation,5
R5,ben,evocation,4
R1,ann,flat,3
R1,ben,flat,3
R2,ann,flat,3
R2,ben,flat,3
";

/// CSV rows keyed by (measure, statistic): (value, ci_low, ci_high) as written.
fn csv_rows(csv: &str) -> BTreeMap<(String, String), (String, String, String)> {
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let mut out = BTreeMap::new();
    for row in r.records() {
        let row = row.unwrap();
        if &row[0] != "measure" {
            continue;
        }
        out.insert(
            (row[1].to_string(), row[2].to_string()),
            (row[3].to_string(), row[4].to_string(), row[5].to_string()),
        );
    }
    out
}

/// Equal to 1e-12 (the CSV and the JSON may take different, equally exact, routes to a CI bound
/// and differ in the last binary digit).
fn same(csv: &str, json: f64) -> bool {
    csv.parse::<f64>().is_ok_and(|c| (c - json).abs() <= 1e-12 * json.abs().max(1.0))
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

#[test]
fn every_number_agrees_across_the_four_formats() {
    let ratings = from_csv(RATINGS, "ratings.csv", (1, 5), 1.0).unwrap();
    let report = build(&ratings, true);
    let json: Value = serde_json::from_str(&render::json::render(&report)).unwrap();
    let csv = csv_rows(&render::csv::render(&report));
    let table = render::table::render(&report);
    let html = render::html::render(&report);

    let mut checked = 0;
    let mut agree = |measure: &str, statistic: &str, value: f64, ci: Option<(f64, f64)>| {
        let (v, lo, hi) = csv
            .get(&(measure.to_string(), statistic.to_string()))
            .unwrap_or_else(|| panic!("CSV has no {measure} {statistic}"));
        assert!(same(v, value), "CSV {measure} {statistic}: {v} vs {value}");
        let shown = format!("{value:.3}");
        assert!(html.contains(&shown), "HTML lacks {measure} {statistic} {shown}");
        if let Some((l, h)) = ci {
            assert!(same(lo, l), "CSV {measure} {statistic} CI low: {lo} vs {l}");
            assert!(same(hi, h), "CSV {measure} {statistic} CI high: {hi} vs {h}");
        }
        checked += 1;
    };
    let measures = json["measures"].as_array().unwrap();
    assert!(measures.len() >= 3, "{json}");
    for m in measures {
        let key = m["key"].as_str().unwrap();
        let table_line = table
            .lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no table line for {key}"));
        for icc in m["icc"].as_array().into_iter().flatten() {
            let (Some(v), Some(form)) = (num(&icc["value"]), icc["form"].as_str()) else {
                continue;
            };
            let ci = icc["ci95"].as_array().and_then(|c| Some((num(&c[0])?, num(&c[1])?)));
            agree(key, form, v, ci);
            if form == "ICC(1,1)" {
                assert!(
                    table_line.contains(&format!("{v:.3}")),
                    "table {key} {form}: {table_line}"
                );
                if let Some((l, h)) = ci {
                    let shown = format!("[{l:.3}, {h:.3}]");
                    assert!(table.contains(&shown), "table {key} {form} CI {shown}");
                }
            } else {
                assert!(table.contains(&format!("{v:.3}")), "table {key} {form}");
            }
        }
        for stat in ["kappa_unweighted", "kappa_linear", "kappa_quadratic"] {
            if let Some(v) = num(&m[stat]) {
                agree(key, stat, v, None);
            }
        }
        if let Some(v) = num(&m["kappa_quadratic"]) {
            assert!(table_line.contains(&format!("{v:.3}")), "table {key} kappa: {table_line}");
        }
        for stat in ["alpha_ordinal", "alpha_interval"] {
            if let Some(v) = num(&m[stat]) {
                let b = &m[format!("{stat}_bootstrap").as_str()]["ci95"];
                let ci = b.as_array().and_then(|c| Some((num(&c[0])?, num(&c[1])?)));
                agree(key, stat, v, ci);
                assert!(
                    table_line.contains(&format!("{v:.3}")),
                    "table {key} {stat}: {table_line}"
                );
            }
        }
        if let Some(v) = num(&m["ac1"]["value"]) {
            let c = &m["ac1"]["ci95"];
            agree(key, "ac1", v, Some((num(&c[0]).unwrap(), num(&c[1]).unwrap())));
        }
    }
    assert!(checked >= 20, "only {checked} numbers compared");
}
