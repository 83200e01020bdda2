//! The bundled site as a reader meets it, in headless Chromium: every page, in light and in
//! dark, has no serious or critical axe-core violation (axe from `SRM_AXE_JS`), is no wider
//! than a 375 px phone screen, logs no error and fetches nothing from outside the site; and
//! the site opened from disk (`file://`) shows styled pages whose links lead to pages.

use crate::common::{
    chromium_or_skip, run_bin, tool_available, StaticServer, TempDir, MANIFEST_DIR,
};
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Emulation, Page as Cdp};
use headless_chrome::{Browser, Tab};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Collects script errors and failed resource loads from the start of every document.
const ERROR_TRAP: &str = "window.__srmErrors = [];
addEventListener('error', e => window.__srmErrors.push(
  e.message || ('failed to load ' + (e.target && (e.target.src || e.target.href)))), true);";

/// What one page reports: its width at 375 px, requests outside the site, script errors.
pub(crate) const PAGE_REPORT: &str = "document.fonts.ready.then(() => JSON.stringify({
  width: document.documentElement.scrollWidth,
  outside: performance.getEntriesByType('resource').map(e => e.name)
    .filter(n => !n.startsWith(location.origin + '/')),
  errors: window.__srmErrors || [],
}))";

/// Runs axe and reports its serious and critical violations.
pub(crate) const AXE_RUN: &str =
    "axe.run(document, { resultTypes: ['violations'] }).then(r => JSON.stringify(
  r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.nodes.length + '): ' + v.nodes.slice(0, 3)
      .map(n => n.target.join(' ')).join(' | '))))";

/// Builds the bundled site into a fresh folder with extra `build` arguments.
fn build_with(label: &str, extra: &[&str]) -> (TempDir, PathBuf) {
    let dir = TempDir::new(label);
    let out = dir.path().join("public");
    let mut args: Vec<OsString> = vec![
        "build".into(),
        "--root".into(),
        MANIFEST_DIR.into(),
        "--output".into(),
        out.clone().into(),
        "--no-cache".into(),
    ];
    args.extend(extra.iter().map(OsString::from));
    run_bin(args, dir.path()).succeeds();
    (dir, out)
}

/// The URL path of every HTML page of a built site.
fn page_paths(out: &Path) -> Vec<String> {
    let mut pages: Vec<String> = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            format!("/{}", rel.strip_suffix("index.html").unwrap_or(&rel))
        })
        .collect();
    pages.sort();
    pages
}

/// The text of a JSON string a page script returned.
pub(crate) fn evaluate(tab: &Tab, script: &str) -> serde_json::Value {
    let text = tab
        .evaluate(script, true)
        .expect("evaluate")
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .expect("a JSON string");
    serde_json::from_str(&text).expect("JSON")
}

pub(crate) fn emulate(tab: &Tab, scheme: &str) {
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width: 375,
        height: 812,
        device_scale_factor: 1.0,
        mobile: true,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .expect("phone screen");
    tab.call_method(Emulation::SetEmulatedMedia {
        media: None,
        features: Some(vec![Emulation::MediaFeature {
            name: "prefers-color-scheme".into(),
            value: scheme.into(),
        }]),
    })
    .expect("colour scheme");
}

/// Console errors (failed loads, CSP refusals) logged by the browser, kept as they come.
fn log_errors(tab: &Tab) -> Arc<Mutex<Vec<String>>> {
    let errors = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&errors);
    tab.enable_log().expect("log");
    tab.add_event_listener(Arc::new(move |event: &Event| {
        if let Event::LogEntryAdded(e) = event {
            let entry = &e.params.entry;
            if format!("{:?}", entry.level) == "Error" {
                sink.lock().unwrap().push(entry.text.clone());
            }
        }
    }))
    .expect("listener");
    errors
}

/// Tabs that share the pages of one colour scheme: pages are checked in parallel.
const TABS_PER_SCHEME: usize = 2;

#[test]
fn every_page_passes_axe_fits_a_phone_and_stays_inside_the_site() {
    let (dir, out) = build_with("reader", &[]);
    let Some(browser) = chromium_or_skip(dir.path()) else {
        return;
    };
    let axe_path = std::env::var_os("SRM_AXE_JS").map(PathBuf::from);
    let axe = match axe_path.filter(|p| p.is_file()) {
        Some(p) => Some(std::fs::read_to_string(p).expect("read axe")),
        None => {
            tool_available(false, "SRM_AXE_JS not set (or not a file): axe not run");
            None
        }
    };
    let server = StaticServer::start(&out);
    let pages = page_paths(&out);
    assert!(pages.len() > 50, "{pages:?}");
    let share = pages.len().div_ceil(TABS_PER_SCHEME);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let tabs: Vec<_> = ["light", "dark"]
            .into_iter()
            .flat_map(|scheme| pages.chunks(share).map(move |part| (scheme, part)))
            .map(|(scheme, part)| {
                let (browser, server, axe) = (&browser, &server, axe.as_deref());
                scope.spawn(move || check_pages(browser, server, axe, scheme, part))
            })
            .collect();
        tabs.into_iter()
            .flat_map(|tab| tab.join().expect("a tab's thread"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Checks `pages` in one new tab showing `scheme` on a phone screen: width, requests outside
/// the site, script and console errors, and (with `axe`, loaded into every document as it
/// starts) serious or critical axe violations. Returns the problems found.
fn check_pages(
    browser: &Browser,
    server: &StaticServer,
    axe: Option<&str>,
    scheme: &str,
    pages: &[String],
) -> Vec<String> {
    let tab = browser.new_tab().expect("tab");
    for source in [Some(ERROR_TRAP), axe].into_iter().flatten() {
        tab.call_method(Cdp::AddScriptToEvaluateOnNewDocument {
            source: source.into(),
            world_name: None,
            include_command_line_api: None,
            run_immediately: None,
        })
        .expect("script for every document");
    }
    let logged = log_errors(&tab);
    emulate(&tab, scheme);
    let mut failures = Vec::new();
    for path in pages {
        tab.navigate_to(&server.url(path))
            .expect("navigate")
            .wait_until_navigated()
            .expect("page loads");
        let report = evaluate(&tab, PAGE_REPORT);
        let width = report["width"].as_u64().unwrap();
        if width > 375 {
            failures.push(format!("{path}: {width} px wide at 375 px"));
        }
        for key in ["outside", "errors"] {
            if report[key] != serde_json::json!([]) {
                failures.push(format!("{path}: {key}: {}", report[key]));
            }
        }
        for text in logged.lock().unwrap().drain(..) {
            failures.push(format!("{path}: console error: {text}"));
        }
        if axe.is_some() {
            let found = evaluate(&tab, AXE_RUN);
            for v in found.as_array().unwrap() {
                failures.push(format!("{path} ({scheme}): axe: {}", v.as_str().unwrap()));
            }
        }
    }
    failures
}

#[test]
fn the_site_opened_from_disk_is_styled_and_its_links_lead_to_pages() {
    let (dir, out) = build_with("from-disk", &["--for-file"]);
    let Some(browser) = chromium_or_skip(dir.path()) else {
        return;
    };
    let tab = browser.new_tab().expect("tab");
    let home = format!("file://{}/index.html", out.display());
    tab.navigate_to(&home)
        .expect("navigate")
        .wait_until_navigated()
        .expect("home loads");
    let links = evaluate(
        &tab,
        "JSON.stringify([...new Set([...document.querySelectorAll('a[href]')]
           .map(a => a.href).filter(h => h.startsWith('file:')).map(h => h.split('#')[0]))])",
    );
    let links: Vec<String> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(links.len() >= 10, "{links:?}");
    let mut failures = Vec::new();
    for link in links.iter().chain([&home]) {
        tab.navigate_to(link)
            .expect("navigate")
            .wait_until_navigated()
            .expect("page loads");
        let page = evaluate(
            &tab,
            "JSON.stringify({
               styled: getComputedStyle(document.body).display === 'flex',
               root: document.documentElement.dataset.root || null,
               file: location.pathname.split('/').pop(),
             })",
        );
        let is_page = page["root"].is_string() || !link.ends_with(".html");
        if !is_page || (link.ends_with(".html") && page["styled"] != true) {
            failures.push(format!("{link}: {page}"));
        }
        if link.ends_with('/') {
            failures.push(format!("{link}: a folder link (opens a file listing)"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
