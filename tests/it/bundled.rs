//! The bundled knowledge base (the crate root's `content/`): it checks clean and builds a
//! site of the promised size, with highlighted code in many languages, build-time Mermaid
//! diagrams and the data exports.

use crate::common::{build_bundled, parse_csv, run_bin, tree, MANIFEST_DIR};
use std::collections::{BTreeMap, BTreeSet};

/// Number of `<section>/<id>/index.html` pages (the section's own index excluded).
fn entity_pages(files: &BTreeMap<String, Vec<u8>>, section: &str) -> usize {
    files
        .keys()
        .filter(|p| {
            p.strip_prefix(&format!("{section}/"))
                .and_then(|rest| rest.strip_suffix("/index.html"))
                .is_some_and(|id| !id.is_empty() && !id.contains('/'))
        })
        .count()
}

#[test]
fn bundled_site_checks_with_no_errors_and_no_warnings() {
    let dir = crate::common::TempDir::new("bundled-check");
    run_bin(["check", "--root", MANIFEST_DIR], dir.path())
        .succeeds()
        .clean()
        .counts(0, 0);
}

#[test]
fn bundled_site_builds_with_the_promised_content() {
    let (_dir, out) = build_bundled("bundled-build");
    let files = tree(&out);

    let services = entity_pages(&files, "services");
    let controls = entity_pages(&files, "controls");
    let scenarios = entity_pages(&files, "scenarios");
    let articles = entity_pages(&files, "articles");
    let categories = entity_pages(&files, "categories");
    assert!(services >= 20, "{services} services");
    assert!(controls >= 30, "{controls} controls");
    assert!(scenarios >= 12, "{scenarios} scenarios");
    assert!(articles >= 12, "{articles} articles");
    assert_eq!(categories, 3);

    let article_html: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.starts_with("articles/") && p.ends_with(".html"))
        .map(|(_, b)| String::from_utf8(b.clone()).expect("UTF-8 page"))
        .collect();
    let mut languages = BTreeSet::new();
    for html in &article_html {
        let mut rest = html.as_str();
        while let Some(i) = rest.find("<pre class=\"code\" data-lang=\"") {
            rest = &rest[i + 29..];
            let lang = &rest[..rest.find('"').unwrap()];
            languages.insert(lang.to_string());
        }
    }
    assert!(
        languages.len() >= 6,
        "code fences in only {} languages: {languages:?}",
        languages.len()
    );

    let diagrams: usize = article_html
        .iter()
        .map(|h| {
            h.matches("<figure class=\"diagram\" tabindex=\"0\"><svg")
                .count()
        })
        .sum();
    assert!(diagrams >= 1, "no Mermaid diagram rendered");
    assert!(
        !article_html.iter().any(|h| h.contains("language-mermaid")),
        "a Mermaid diagram was left as source"
    );

    for export in [
        "data/matrix.json",
        "data/matrix.csv",
        "sitemap.xml",
        "atom.xml",
        "search/index.js",
    ] {
        assert!(
            files.get(export).is_some_and(|b| !b.is_empty()),
            "{export} missing"
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&files["data/matrix.json"]).expect("matrix.json parses");
    let rows = json["rows"].as_array().expect("rows").len();
    let csv = parse_csv(std::str::from_utf8(&files["data/matrix.csv"]).unwrap());
    assert_eq!(csv.len() - 1, rows, "CSV and JSON hold the same rows");
    assert_eq!(rows, services * controls, "one row per service × control");
}

/// The matrix cells corrected in issue 16, pinned in the CSV export: one assertion per cell,
/// on the resolved owner and, where the issue names one, the default state.
#[test]
fn corrected_matrix_cells_are_pinned_in_the_csv_export() {
    let (_dir, out) = build_bundled("bundled-pinned-cells");
    let files = tree(&out);
    let csv = parse_csv(std::str::from_utf8(&files["data/matrix.csv"]).expect("UTF-8 CSV"));
    let header = &csv[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("CSV has no column {name}"))
    };
    let (service, control, owner, state, varies) = (
        col("service"),
        col("control"),
        col("owner"),
        col("default_state"),
        col("control_varies"),
    );
    let cells: BTreeMap<(String, String), &Vec<String>> = csv[1..]
        .iter()
        .map(|r| ((r[service].clone(), r[control].clone()), r))
        .collect();
    let cell = |s: &str, c: &str| {
        *cells
            .get(&(s.to_string(), c.to_string()))
            .unwrap_or_else(|| panic!("no row for {s} / {c}"))
    };

    // (service, control, resolved owner, default_state or "" when not pinned)
    let pinned: &[(&str, &str, &str, &str)] = &[
        ("lambda", "guest-os", "shared", ""),
        ("ec2-bare-metal", "host-os", "customer", ""),
        ("fargate", "encryption-at-rest", "shared", "enabled"),
        (
            "ecs-managed-instances",
            "encryption-at-rest",
            "shared",
            "enabled",
        ),
        ("ecs", "db-engine-patching", "n/a", ""),
        ("eks", "db-engine-patching", "n/a", ""),
        ("fargate", "db-engine-patching", "n/a", ""),
        ("elastic-beanstalk", "db-engine-patching", "n/a", ""),
        ("elb", "db-engine-patching", "n/a", ""),
        ("vpc", "guest-os", "n/a", ""),
        ("vpc", "runtime-platform", "n/a", ""),
        ("vpc", "db-engine-patching", "n/a", ""),
        ("ebs", "guest-os", "n/a", ""),
        ("ebs", "runtime-platform", "n/a", ""),
        ("ebs", "db-engine-patching", "n/a", ""),
        ("lambda", "network-acls", "customer", ""),
        ("workdocs", "application-code", "aws", ""),
        ("rds", "guest-os", "shared", ""),
    ];
    for &(s, c, want_owner, want_state) in pinned {
        let row = cell(s, c);
        assert_eq!(row[owner], want_owner, "owner of the cell {s} / {c}");
        if !want_state.is_empty() {
            assert_eq!(
                row[state], want_state,
                "default_state of the cell {s} / {c}"
            );
        }
    }
    // The retired WorkDocs keeps its historical cell (AWS) but does not make application
    // security "vary": retired services do not count.
    assert_eq!(
        cell("ec2", "application-code")[varies],
        "false",
        "application-code must not vary because of a retired service"
    );
}
