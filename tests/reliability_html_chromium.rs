//! The HTML reliability report in headless Chromium: it fits a 1280 px window with no horizontal
//! scroll (measured by a tiny script injected into a test-only copy of the report), renders a
//! 1280×800 screenshot and prints to PDF. Without Chromium the tests print a skip message and
//! pass, unless `TAPECODER_REQUIRE_TOOLS=1` (then they fail).
#[path = "reliability_support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use tapecoder::study::model::FinalRule;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let ok = Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success());
        ok.then(|| PathBuf::from(name))
    })
}

/// Chromium, or `None` after a skip message (a panic under `TAPECODER_REQUIRE_TOOLS=1`).
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var("TAPECODER_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!("chromium is required (TAPECODER_REQUIRE_TOOLS=1) but was not found");
        }
        eprintln!("SKIPPED {test}: chromium is not installed");
    }
    found
}

fn headless(bin: &Path, profile: &Path) -> Command {
    let mut c = Command::new(bin);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1280,800",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// The fixture study's HTML report (every section: composites, the share, coder pairs).
fn report(dir: &Path) -> PathBuf {
    let f = support::study(FinalRule::Adjudicated);
    let out = dir.join("report.html");
    let o = f
        .cmd("sup")
        .args(["reliability", "--format", "html", "--average-measures", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

fn url(p: &Path) -> String {
    format!("file://{}", p.display())
}

#[test]
fn fits_1280_px_without_horizontal_scroll() {
    let Some(bin) = chromium_or_skip("fits_1280_px_without_horizontal_scroll") else { return };
    let dir = tempfile::tempdir().unwrap();
    let html = std::fs::read_to_string(report(dir.path())).unwrap();
    // Test-only copy: a script writes the page's scroll width into the DOM.
    let probe = "<script>document.body.setAttribute('data-scroll-width', \
                 String(document.documentElement.scrollWidth));</script></body>";
    let copy = dir.path().join("probe.html");
    std::fs::write(&copy, html.replace("</body>", probe)).unwrap();
    let out = headless(&bin, &dir.path().join("profile"))
        .args(["--dump-dom", "--virtual-time-budget=2000"])
        .arg(url(&copy))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let width: u32 = dom
        .split("data-scroll-width=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            panic!("no scroll width in the DOM: {}", String::from_utf8_lossy(&out.stderr))
        });
    assert!(width <= 1280, "the report is {width} px wide in a 1280 px window");
}

#[test]
fn screenshot_and_pdf_render() {
    let Some(bin) = chromium_or_skip("screenshot_and_pdf_render") else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = report(dir.path());
    let shot = dir.path().join("report.png");
    let o = headless(&bin, &dir.path().join("profile"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(url(&page))
        .output()
        .unwrap();
    let png = std::fs::read(&shot)
        .unwrap_or_else(|_| panic!("no screenshot: {}", String::from_utf8_lossy(&o.stderr)));
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} bytes", png.len());
    if let Ok(keep) = std::env::var("TAPECODER_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
    let pdf = dir.path().join("report.pdf");
    let o = headless(&bin, &dir.path().join("profile2"))
        .args(["--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(url(&page))
        .output()
        .unwrap();
    let bytes = std::fs::read(&pdf)
        .unwrap_or_else(|_| panic!("no PDF: {}", String::from_utf8_lossy(&o.stderr)));
    assert!(bytes.starts_with(b"%PDF") && bytes.len() > 10_000, "{} bytes", bytes.len());
    // Print rules are part of the page.
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("@media print") && html.contains("@page"));
}
