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
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(html.contains("n/a <small>("));
}
