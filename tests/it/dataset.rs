//! The responsibility dataset: every kind of mistake reported at its exact place in one run,
//! the pages generated from a small valid dataset, the quick-reference grouping derived from
//! the resolved owners, and the JSON and CSV exports agreeing row for row.

use crate::common::{assert_same_tree, parse_csv, tree, SiteTest};
use serde_json::Value;

/// Every dataset error of `tests/fixtures/dataset/errors`, in the printed order.
const ERRORS: &[&str] = &[
    "content/articles/x.md:3:17: error: unknown service `s4`",
    "content/articles/x.md:6:5: error: link to unknown service `s4`",
    "content/data/a-model.yaml:7:10: error: duplicate id `s3` (first defined at content/data/a-model.yaml:6:10)",
    "content/data/a-model.yaml:9:10: error: control `guest-os` has no row in the matrix",
    "content/data/a-model.yaml:16:7: error: unknown service `ec3`",
    "content/data/a-model.yaml:17:14: error: unknown control `gest-os`",
    "content/data/a-model.yaml:21:7: error: matrix row `encryption` gives no owner for category `abstracted`",
    "content/data/a-model.yaml:22:16: error: a `shared` owner must say what each party does: `parts: customer:` is missing",
    "content/data/b-duplicate-key.yaml:4:5: error: duplicate mapping key `title` is not allowed here",
    "content/data/c-unknown-key.yaml:5:5: error: unknown field `colour`, expected one of id, title, author, date, accessed, url, note",
];

#[test]
fn every_dataset_error_is_reported_at_its_place_in_one_check() {
    let site = SiteTest::fixture("dataset/errors");
    site.run(["check"])
        .fails()
        .diagnostics_are(ERRORS)
        .counts(ERRORS.len(), 0);
}

#[test]
fn near_ids_get_a_did_you_mean_hint() {
    let site = SiteTest::fixture("dataset/errors");
    site.run(["check"])
        .fails()
        .stderr_has(
            "content/data/a-model.yaml:16:7: error: unknown service `ec3`\n   |\n16 |       ec3: customer\n   |       ^\n   |\n   = help: did you mean `ec2`?\n",
        )
        .stderr_has(
            "content/data/a-model.yaml:17:14: error: unknown control `gest-os`\n   |\n17 |   - control: gest-os\n   |              ^\n   |\n   = help: did you mean `guest-os`?\n",
        )
        .stderr_has(
            "content/articles/x.md:6:5: error: link to unknown service `s4`\n  |\n6 | See [x](service:s4).\n  |     ^\n  |\n  = help: did you mean `s3`?\n",
        );
}

#[test]
fn failed_build_with_dataset_errors_leaves_the_previous_output_untouched() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["build"]).succeeds().clean();
    let before = tree(&site.public());
    std::fs::remove_dir_all(site.path("content")).unwrap();
    site.overlay("dataset/errors");
    site.run(["build"])
        .fails()
        .diagnostics_are(ERRORS)
        .stderr_has("build failed: 10 error(s), 0 warning(s)");
    assert_same_tree(&before, &tree(&site.public()));
}

#[test]
fn every_entity_of_a_valid_dataset_gets_its_page() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["check"]).succeeds().counts(0, 0);
    site.run(["build"]).succeeds().clean();
    let pages = [
        "services/ec2/",
        "services/rds/",
        "services/s3/",
        "services/beanstalk/",
        "controls/hardware/",
        "controls/guest-os/",
        "controls/iam/",
        "controls/patching/",
        "controls/encryption/",
        "categories/infrastructure/",
        "categories/container/",
        "categories/abstracted/",
        "scenarios/sc-unpatched-ec2/",
        "scenarios/sc-host-flaw/",
        "services/",
        "controls/",
        "categories/",
        "scenarios/",
        "matrix/",
        "quick-reference/",
        "misconceptions/",
        "sources/",
    ];
    for page in pages {
        assert!(
            site.built(&format!("{page}index.html")),
            "{page} was not built"
        );
    }
    let ec2 = site.page_links("services/ec2/index.html");
    assert!(
        ec2.contains("<h1>Amazon EC2</h1>"),
        "service page has its name"
    );
    assert!(
        ec2.contains("<svg class=\"stack\""),
        "and its responsibility stack"
    );
    let walkthrough = site.page_links("scenarios/sc-unpatched-ec2/index.html");
    assert!(walkthrough.contains("href=\"/services/ec2/\""));
    assert!(walkthrough.contains("href=\"/categories/infrastructure/\""));
}

/// The control titles listed in the quick-reference group whose heading contains `heading`.
fn group(page: &str, heading: &str) -> Vec<String> {
    let start = page
        .find(&format!("{heading} <span class=\"qr-count\">"))
        .unwrap_or_else(|| panic!("no group {heading:?}"));
    let section = &page[start..];
    let section = &section[..section.find("</section>").expect("end of group")];
    let mut titles = Vec::new();
    let mut rest = section;
    while let Some(i) = rest.find("<a href=\"") {
        rest = &rest[i..];
        let open = rest.find('>').unwrap() + 1;
        let close = rest.find("</a>").unwrap();
        titles.push(rest[open..close].to_string());
        rest = &rest[close..];
    }
    titles
}

#[test]
fn quick_reference_groups_controls_by_their_resolved_owners() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["build"]).succeeds().clean();
    let page = site.page_links("quick-reference/index.html");
    // `hardware` is aws for every service it applies to (n/a on S3 is ignored).
    assert_eq!(group(&page, "Always AWS"), ["Hardware lifecycle"]);
    assert_eq!(
        group(&page, "Always the customer"),
        ["Identity and access management"]
    );
    assert_eq!(group(&page, "Always shared"), ["Patch coordination"]);
    // Category defaults differ (guest OS) or a service override differs (encryption on S3).
    assert_eq!(
        group(&page, "Varies by service"),
        ["Guest OS patching", "Encryption at rest"]
    );
    assert!(page.contains("<li>Beanstalk: <strong>Shared</strong></li>"));
    assert!(page.contains("<li>S3: <strong>AWS</strong></li>"));
}

#[test]
fn matrix_exports_parse_and_agree_row_for_row() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["build"]).succeeds().clean();
    let csv_text = site.page_links("data/matrix.csv");
    let json: Value =
        serde_json::from_str(&site.page_links("data/matrix.json")).expect("valid JSON");

    assert_eq!(json["schema"], "srm-docs/matrix/v1");
    let columns: Vec<&str> = json["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let records = parse_csv(&csv_text);
    assert_eq!(
        records[0], columns,
        "the CSV header is the JSON column list"
    );
    assert_eq!(
        columns,
        [
            "service",
            "service_name",
            "category",
            "control",
            "control_title",
            "layer",
            "owner",
            "resolved_from",
            "aws_part",
            "customer_part",
            "note",
            "default_state",
            "control_varies"
        ]
    );

    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4 * 5, "one row per service × control");
    assert_eq!(records.len() - 1, rows.len());
    for (record, row) in records[1..].iter().zip(rows) {
        assert_eq!(record.len(), columns.len());
        for (field, column) in record.iter().zip(&columns) {
            let expected = match &row[*column] {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                other => panic!("{column}: unexpected {other}"),
            };
            assert_eq!(field, &expected, "{column} of {record:?}");
        }
    }

    let keys: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["service"].as_str().unwrap(),
                r["control"].as_str().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "rows are sorted by service then control");

    let row = |service: &str, control: &str| {
        rows.iter()
            .find(|r| r["service"] == service && r["control"] == control)
            .unwrap_or_else(|| panic!("no row {service}/{control}"))
    };
    let beanstalk = row("beanstalk", "guest-os");
    assert_eq!(beanstalk["owner"], "shared");
    assert_eq!(beanstalk["resolved_from"], "override");
    assert_eq!(
        beanstalk["aws_part"],
        "publishes patched platform versions, \"managed\" updates included"
    );
    assert_eq!(row("rds", "guest-os")["resolved_from"], "category");
    assert_eq!(
        row("ec2", "patching")["customer_part"],
        "patches what runs on it,\nand says when\n"
    );
    assert_eq!(row("s3", "hardware")["owner"], "n/a");
    assert_eq!(row("s3", "encryption")["default_state"], "enabled");
    assert_eq!(row("s3", "encryption")["control_varies"], true);
    assert_eq!(row("s3", "iam")["control_varies"], false);
}

/// A copy of the bundled knowledge base (config, content, themes) to break.
pub(crate) fn bundled_copy(label: &str) -> SiteTest {
    let site = SiteTest::empty(label);
    let repo = std::path::Path::new(crate::common::MANIFEST_DIR);
    for part in ["srm-docs.toml", "content", "themes"] {
        let from = repo.join(part);
        if from.is_dir() {
            crate::common::copy_tree(&from, &site.path(part));
        } else if from.is_file() {
            std::fs::copy(&from, site.path(part)).unwrap();
        }
    }
    site
}

#[test]
fn an_unreadable_dataset_file_is_the_one_error_with_its_follow_ons_counted() {
    let site = bundled_copy("broken-sources");
    let path = site.path("content/data/sources.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let broken = text.replacen("- id: ", "- id: [broken ", 1);
    std::fs::write(&path, broken).unwrap();
    let run = site.run(["check"]);
    run.exit_code(1).counts(1, 0);
    let lines = run.headlines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("content/data/sources.yaml:"),
        "{lines:?}"
    );
    assert!(
        lines[0].contains("error(s) that follow from it, not shown)"),
        "{lines:?}"
    );
}

#[test]
fn an_empty_dataset_file_says_so_instead_of_hundreds_of_unknown_ids() {
    let site = bundled_copy("empty-controls");
    std::fs::write(site.path("content/data/controls.yaml"), "").unwrap();
    let run = site.run(["check"]);
    run.exit_code(1).counts(1, 0);
    let lines = run.headlines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "content/data/controls.yaml: error: this dataset file is empty: nothing is read from it (and "
        ),
        "{lines:?}"
    );
}
