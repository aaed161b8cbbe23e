//! The renderers' output pinned with insta snapshots (review changes with `cargo insta review` or
//! `INSTA_UPDATE=always cargo test --test reliability_render`), from a fixed CSV of ratings.
use tapecoder::reliability::input::from_csv;
use tapecoder::reliability::{build, render};

const RATINGS: &str = "recording,coder,domain,score
R1,ann,empathy,3
R1,ben,empathy,4
R2,ann,empathy,2
R2,ben,empathy,2
R3,ann,empathy,5
R3,ben,empathy,3
R4,ann,empathy,1
R4,ben,empathy,2
R1,ann,evocation,NA
R1,ben,evocation,
R2,ann,evocation,3
R2,ben,evocation,3
R3,ann,evocation,4
R3,ben,evocation,4
R4,ann,flat,3
R4,ben,flat,3
R1,ann,flat,3
R1,ben,flat,3
";

fn report(average: bool) -> tapecoder::reliability::Report {
    let ratings = from_csv(RATINGS, "ratings.csv", (1, 5), 1.0).unwrap();
    build(&ratings, average)
}

#[test]
fn table() {
    insta::assert_snapshot!(render::table::render(&report(true)));
}

#[test]
fn csv() {
    insta::assert_snapshot!(render::csv::render(&report(false)));
}

#[test]
fn json() {
    insta::assert_snapshot!(render::json::render(&report(false)));
}

#[test]
fn html_is_one_escaped_document() {
    let html = render::html::render(&report(true));
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    // Forest plot, a Bland–Altman plot per measure with two or more pairs, coder and pair plots.
    assert_eq!(html.matches("<svg").count(), 1 + 3 + 2);
    assert!(html.contains("Forest plot"));
    assert_eq!(html.matches("<table class=\"cm\"").count(), 3, "a confusion matrix per domain");
    assert!(html.contains("Methods (ready to paste)") && html.contains(env!("CARGO_PKG_VERSION")));
    // Every ICC, kappa and AC1 number of the JSON appears in the page at 3 decimals.
    let r = report(true);
    for m in &r.measures {
        for i in &m.iccs {
            if let Ok(v) = &i.stat {
                assert!(html.contains(&format!("{:.3}", v.value)), "{} {}", m.key, i.form);
            }
        }
        for k in [&m.kappa.unweighted, &m.kappa.linear, &m.kappa.quadratic].into_iter().flatten() {
            assert!(html.contains(&format!(">{k:.3}<")), "{} kappa {k}", m.key);
        }
        if let Ok(ac1) = &m.gwet.ac1 {
            assert!(
                html.contains(&format!("{:.3} [{:.3}, {:.3}]", ac1.value, ac1.ci95.0, ac1.ci95.1))
            );
        }
    }
}
