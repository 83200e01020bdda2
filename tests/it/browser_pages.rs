//! The built bundled site in real tools: the Nu HTML Checker (vnu.jar, from `SRM_VNU_JAR`)
//! finds no errors, and headless Chromium prints the quick-reference card on exactly one
//! A4 page and one Letter page and loads an article without fetching anything from outside
//! the site's own origin.
//!
//! Without the tools these tests print why and pass; with `SRM_REQUIRE_BROWSER=1` (CI) a
//! missing tool fails them.

use crate::common::{build_bundled, tool_available, StaticServer};
use headless_chrome::types::PrintToPdfOptions;
use headless_chrome::Browser;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

#[test]
fn bundled_site_is_valid_html() {
    let jar = std::env::var_os("SRM_VNU_JAR").map(PathBuf::from);
    let found = jar.as_ref().is_some_and(|j| j.is_file());
    if !tool_available(found, "SRM_VNU_JAR not set (or not a file)") {
        return;
    }
    let java = Command::new("java").arg("-version").output();
    if !tool_available(java.is_ok(), "java not installed") {
        return;
    }
    let (_dir, out) = build_bundled("vnu");
    let result = Command::new("java")
        .arg("-jar")
        .arg(jar.unwrap())
        .args(["--errors-only", "--skip-non-html"])
        .arg(&out)
        .output()
        .expect("run vnu.jar");
    assert!(
        result.status.success(),
        "the Nu HTML Checker found errors:\n{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
}

/// A headless Chromium with a throwaway profile inside `profile_parent`.
fn chromium(profile_parent: &Path) -> Option<Browser> {
    if !tool_available(
        Path::new(CHROMIUM).is_file(),
        "/usr/bin/chromium not installed",
    ) {
        return None;
    }
    Some(crate::common::launch_chromium(
        Path::new(CHROMIUM),
        profile_parent.join("chromium-profile"),
    ))
}

/// Pages of a PDF: `/Type /Page` entries (not `/Type /Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len())
        .enumerate()
        .filter(|(i, w)| *w == needle && pdf.get(i + needle.len()) != Some(&b's'))
        .count()
}

#[test]
fn quick_reference_prints_on_one_a4_page_and_one_letter_page() {
    let (dir, out) = build_bundled("print");
    let Some(browser) = chromium(dir.path()) else {
        return;
    };
    let server = StaticServer::start(&out);
    let tab = browser.new_tab().expect("tab");
    tab.navigate_to(&server.url("/quick-reference/"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("page loads");
    for (paper, width, height) in [("A4", 8.27, 11.69), ("Letter", 8.5, 11.0)] {
        let pdf = tab
            .print_to_pdf(Some(PrintToPdfOptions {
                paper_width: Some(width),
                paper_height: Some(height),
                prefer_css_page_size: Some(false),
                ..Default::default()
            }))
            .expect("print to PDF");
        assert!(pdf.starts_with(b"%PDF"), "{paper}: not a PDF");
        assert_eq!(
            pdf_pages(&pdf),
            1,
            "{paper}: the card must print on one page"
        );
    }
}

#[test]
fn article_loads_nothing_from_outside_the_site() {
    let (dir, out) = build_bundled("offline");
    let Some(browser) = chromium(dir.path()) else {
        return;
    };
    // An article with a highlighted code sample and a diagram: the heaviest kind of page.
    let article = std::fs::read_dir(out.join("articles"))
        .unwrap()
        .map(|e| e.unwrap().path().join("index.html"))
        .filter(|p| p.is_file())
        .find(|p| {
            let html = std::fs::read_to_string(p).unwrap();
            html.contains("class=\"diagram\"")
                && html.contains("<svg id=\"mermaid-")
                && html.contains("data-lang=")
        })
        .expect("an article with a diagram and code");
    let slug = article
        .parent()
        .and_then(Path::file_name)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let server = StaticServer::start(&out);
    let tab = browser.new_tab().expect("tab");
    tab.navigate_to(&server.url(&format!("/articles/{slug}/")))
        .expect("navigate")
        .wait_until_navigated()
        .expect("page loads");
    let report = tab
        .evaluate(
            "document.fonts.ready.then(() => {
                const names = performance.getEntriesByType('resource').map(e => e.name);
                return JSON.stringify({
                    origin: location.origin,
                    all: names.length,
                    outside: names.filter(n => !n.startsWith(location.origin + '/')),
                });
            })",
            true,
        )
        .expect("evaluate")
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .expect("a JSON string");
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report["origin"], server.origin.as_str());
    assert!(
        report["all"].as_u64().unwrap() >= 2,
        "the page should load its stylesheets: {report}"
    );
    assert_eq!(
        report["outside"],
        serde_json::json!([]),
        "resources fetched from outside the site"
    );
}
