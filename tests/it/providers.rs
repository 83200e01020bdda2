//! Several cloud providers in one dataset: the `providers` example (AWS, Azure and Google
//! Cloud) compares each control across the providers on its control page and on the matrix
//! page, names each service's provider on its page, the card and the exports (CSV column,
//! JSON field, OSCAL party and role), round-trips through `matrix import` with the matrix
//! file's comments kept; an unknown provider is one located error; a dataset with one
//! provider builds exactly as before, whether its services name it or not.

use crate::common::{parse_csv, run_bin, SiteTest};
use crate::dataset::bundled_copy;
use crate::parties::{import, trestle_components, trestle_python};

/// A fresh copy of `srm-docs init --example providers`.
fn providers_site(label: &str) -> SiteTest {
    let site = SiteTest::empty(label);
    let args: Vec<std::ffi::OsString> = vec![
        "init".into(),
        site.root().into(),
        "--example".into(),
        "providers".into(),
    ];
    run_bin(args, site.temp()).succeeds();
    site
}

/// The cells (`<td>…</td>`) of the table row whose heading links to `href`.
fn row_cells(html: &str, href: &str) -> Vec<String> {
    let start = html
        .find(&format!("<th scope=\"row\"><a href=\"{href}\""))
        .unwrap();
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    row.split("<td>").skip(1).map(|c| c.to_string()).collect()
}

#[test]
fn a_control_page_compares_the_control_across_providers() {
    let site = providers_site("providers-pages");
    site.run(["build"]).succeeds().clean();
    let page = site.page("controls/db-engine-patching/index.html");
    let table = &page[page
        .find("<h2 id=\"across-providers\"")
        .expect("comparison")..];
    assert!(table.contains(
        "<tr><th scope=\"col\">Category</th><th scope=\"col\">AWS</th><th scope=\"col\">Microsoft Azure</th><th scope=\"col\">Google Cloud</th></tr>"
    ));
    let managed = row_cells(table, "../../categories/paas/");
    assert_eq!(managed.len(), 3, "{managed:?}");
    assert!(managed[0].contains("Amazon RDS</a> <span class=\"owner owner-shared\">Shared</span>"));
    assert!(managed[0].contains("starts major version upgrades"));
    assert!(managed[1].contains(
        "Azure SQL Database</a> <span class=\"owner owner-provider\">Cloud provider</span>"
    ));
    assert!(managed[2].contains("Cloud SQL</a> <span class=\"owner owner-shared\">Shared</span>"));
    let os = site.page("controls/guest-os/index.html");
    let os = &os[os.find("<h2 id=\"across-providers\"").expect("comparison")..];
    let vms = row_cells(os, "../../categories/iaas/");
    let names = [
        "Amazon EC2",
        "Azure Virtual Machines",
        "Google Compute Engine",
    ];
    assert_eq!(vms.len(), 3);
    for (cell, name) in vms.iter().zip(names) {
        assert!(
            cell.contains(&format!(
                "{name}</a> <span class=\"owner owner-customer\">Customer</span>"
            )),
            "{cell}"
        );
    }
}

#[test]
fn the_matrix_card_and_service_pages_name_the_provider() {
    let site = providers_site("providers-matrix");
    site.run(["build"]).succeeds().clean();
    let matrix = site.page("matrix/index.html");
    assert!(matrix.contains("<select id=\"matrix-provider\" name=\"provider\">"));
    assert!(matrix.contains("<option value=\"google-cloud\">Google Cloud</option>"));
    assert!(matrix
        .contains("data-category=\"paas\" data-provider=\"azure\" data-service=\"azure-sql\""));
    let compare = &matrix[matrix
        .find("<h2 id=\"across-providers\"")
        .expect("comparison")..];
    let row = row_cells(compare, "../controls/db-engine-patching/");
    assert!(row[1].contains("<abbr title=\"Customer\">C</abbr></span> <a href=\"../services/azure-vm/\">Azure Virtual Machines</a>"), "{row:?}");
    assert!(row[1].contains("<abbr title=\"Cloud provider\">P</abbr></span> <a href=\"../services/azure-sql/\">Azure SQL Database</a>"), "{row:?}");
    let card = site.page("quick-reference/index.html");
    assert!(
        card.contains("<li>RDS (AWS): <strong>Shared</strong></li>"),
        "{card}"
    );
    assert!(site
        .page("services/cloud-sql/index.html")
        .contains("<li class=\"badge\">Provider: Google Cloud</li>"));
    assert!(site
        .page("services/index.html")
        .contains("Microsoft Azure · workload"));
}

#[test]
fn the_exports_carry_each_services_provider() {
    let site = providers_site("providers-exports");
    site.run(["build"]).succeeds().clean();
    let csv = parse_csv(&site.page("data/matrix.csv"));
    assert_eq!(
        &csv[0][..4],
        ["service", "service_name", "provider", "category"]
    );
    let provider_of = |rows: &[Vec<String>], service: usize, provider: usize, id: &str| {
        let row = rows.iter().find(|r| r[service] == id).unwrap();
        row[provider].clone()
    };
    assert_eq!(provider_of(&csv, 0, 2, "azure-vm"), "azure");
    assert_eq!(provider_of(&csv, 0, 2, "compute-engine"), "google-cloud");
    let json: serde_json::Value = serde_json::from_str(&site.page("data/matrix.json")).unwrap();
    let rds = (json["rows"].as_array().unwrap().iter())
        .find(|r| r["service"] == "rds")
        .unwrap();
    assert_eq!(rds["provider"], "aws");
    let crm = parse_csv(&site.page("data/crm.csv"));
    assert_eq!(crm[0][5], "provider");
    assert_eq!(provider_of(&crm, 3, 5, "cloud-sql"), "google-cloud");

    let oscal: serde_json::Value =
        serde_json::from_str(&site.page("data/oscal/component-definition.json")).unwrap();
    let def = &oscal["component-definition"];
    let parties = def["metadata"]["parties"].as_array().unwrap();
    let names: Vec<&str> = parties
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["AWS", "Microsoft Azure", "Google Cloud"]);
    let sql = (def["components"].as_array().unwrap().iter())
        .find(|c| c["title"] == "Azure SQL Database")
        .unwrap();
    assert_eq!(sql["responsible-roles"][0]["role-id"], "provider");
    assert_eq!(
        sql["responsible-roles"][0]["party-uuids"][0],
        parties[1]["uuid"]
    );
    assert!(sql["props"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "srm-provider-id" && p["value"] == "azure"));
    if let Some(python) = trestle_python() {
        let file = site.public().join("data/oscal/component-definition.json");
        assert_eq!(trestle_components(&python, &file), 6);
    }
}

#[test]
fn the_matrix_of_several_providers_round_trips_and_keeps_its_comments() {
    let site = providers_site("providers-import");
    site.run(["build"]).succeeds();
    let exported = site.page("data/matrix.csv");
    let csv = site.scratch("matrix.csv");
    std::fs::write(&csv, &exported).unwrap();
    import(&site, &csv).succeeds();
    let yaml = std::fs::read_to_string(site.path("content/data/matrix.yaml")).unwrap();
    assert!(
        yaml.starts_with(
            "# Who holds each control, by category, with the services that differ.\nmatrix:\n"
        ),
        "{yaml}"
    );
    site.run(["build"]).succeeds().clean();
    assert_eq!(
        site.page("data/matrix.csv"),
        exported,
        "export → import → export"
    );
}

#[test]
fn a_comment_the_import_cannot_keep_is_located_and_nothing_is_written() {
    let site = providers_site("providers-import-comment");
    site.run(["build"]).succeeds();
    let csv = site.scratch("matrix.csv");
    std::fs::write(&csv, site.page("data/matrix.csv")).unwrap();
    let path = site.path("content/data/matrix.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "    default: {all: provider}\n",
        "    default: {all: provider} # checked in 2026\n",
    );
    std::fs::write(&path, &text).unwrap();
    let run = import(&site, &csv);
    run.exit_code(1);
    let expected = format!(
        "{}:4:30: error: the import would drop this comment of the file it replaces: `# checked in 2026`",
        path.display()
    );
    assert_eq!(run.headlines(), [expected.as_str()]);
    run.stderr_has("--drop-comments");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let mut args: Vec<std::ffi::OsString> = vec!["matrix".into(), "import".into(), "--root".into()];
    args.extend([site.root().into(), csv.into_os_string(), "--output".into()]);
    args.extend([path.clone().into_os_string(), "--drop-comments".into()]);
    run_bin(args, site.temp()).succeeds();
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(!written.contains("checked in 2026") && written.starts_with("# Who holds"));
}

#[test]
fn an_unknown_provider_is_one_located_error_with_a_hint() {
    let site = providers_site("providers-unknown");
    let path = site.path("content/data/dataset.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace(
            "provider: azure\n    category: paas",
            "provider: azur\n    category: paas",
        ),
    )
    .unwrap();
    let run = site.run(["check"]);
    run.exit_code(1).counts(1, 0);
    assert_eq!(
        run.headlines(),
        ["content/data/dataset.yaml:47:15: error: unknown provider `azur`"]
    );
    run.stderr_has("did you mean `azure`?");
}

#[test]
fn naming_the_only_provider_changes_nothing_in_the_bundled_output() {
    let site = bundled_copy("one-provider");
    site.run(["build", "--no-cache"]).succeeds().clean();
    let before = crate::common::tree(&site.public());
    let path = site.path("content/data/services.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let named = text.replace("\n    category: ", "\n    provider: aws\n    category: ");
    assert_eq!(named.matches("provider: aws").count(), 38);
    std::fs::write(&path, named).unwrap();
    site.run(["build", "--no-cache"]).succeeds().clean();
    let after = crate::common::tree(&site.public());
    crate::common::assert_same_tree(&before, &after);
    assert!(!site.page("matrix/index.html").contains("Across providers"));
    assert!(!site
        .page("data/matrix.csv")
        .starts_with("service,service_name,provider"));
}

/// What the matrix shows: the visible service columns and each category heading's span.
const MATRIX_STATE: &str = "JSON.stringify({
  services: [...document.querySelectorAll('th[data-service]:not(.is-filtered)')]
    .map(th => th.dataset.service),
  cells: document.querySelectorAll('td.cell:not(.is-filtered)').length,
  spans: [...document.querySelectorAll('th[scope=colgroup]')]
    .map(th => th.hidden ? 0 : th.colSpan),
})";

#[test]
fn the_matrix_filters_by_provider_and_the_comparisons_pass_axe() {
    let site = providers_site("providers-browser");
    site.run(["build"]).succeeds();
    let Some(browser) = crate::common::chromium_or_skip(site.temp()) else {
        return;
    };
    let server = crate::common::StaticServer::start(&site.public());
    let tab = browser.new_tab().expect("tab");
    tab.navigate_to(&server.url("/matrix/?provider=azure&category=paas"))
        .and_then(|t| t.wait_until_navigated())
        .expect("matrix loads");
    let state = crate::reader::evaluate(&tab, MATRIX_STATE);
    assert_eq!(
        state["services"],
        serde_json::json!(["azure-sql"]),
        "{state}"
    );
    assert_eq!(state["spans"], serde_json::json!([0, 1]), "{state}");
    tab.evaluate("const p = document.getElementById('matrix-provider'); p.value = 'google-cloud'; p.dispatchEvent(new Event('change'))", false)
        .expect("choose Google Cloud");
    let state = crate::reader::evaluate(&tab, MATRIX_STATE);
    assert_eq!(
        state["services"],
        serde_json::json!(["cloud-sql"]),
        "{state}"
    );
    tab.evaluate("for (const id of ['matrix-provider', 'matrix-filter']) { const s = document.getElementById(id); s.value = ''; s.dispatchEvent(new Event('change')) }", false)
        .expect("show all");
    let state = crate::reader::evaluate(&tab, MATRIX_STATE);
    assert_eq!(state["services"].as_array().unwrap().len(), 6, "{state}");
    assert_eq!(
        (state["cells"].as_u64(), &state["spans"]),
        (Some(30), &serde_json::json!([3, 3]))
    );

    let axe = std::env::var_os("SRM_AXE_JS").filter(|p| std::path::Path::new(p).is_file());
    let Some(axe) = axe.map(|p| std::fs::read_to_string(p).expect("read axe")) else {
        crate::common::tool_available(false, "SRM_AXE_JS not set (or not a file): axe not run");
        return;
    };
    let mut failures = Vec::new();
    for scheme in ["light", "dark"] {
        crate::reader::emulate(&tab, scheme);
        for path in [
            "/controls/db-engine-patching/",
            "/matrix/",
            "/services/rds/",
            "/quick-reference/",
        ] {
            tab.navigate_to(&server.url(path))
                .and_then(|t| t.wait_until_navigated())
                .expect("page loads");
            let report = crate::reader::evaluate(&tab, crate::reader::PAGE_REPORT);
            if report["width"].as_u64().unwrap() > 375 {
                failures.push(format!("{path}: {} px wide at 375 px", report["width"]));
            }
            tab.evaluate(&axe, false).expect("load axe");
            let found = crate::reader::evaluate(&tab, crate::reader::AXE_RUN);
            for v in found.as_array().unwrap() {
                failures.push(format!("{path} ({scheme}): axe: {}", v.as_str().unwrap()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
