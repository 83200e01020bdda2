//! Parties and categories are the dataset's own: the bundled knowledge base with every owner
//! and category id renamed builds and exports the new ids; a fourth party owning one cell
//! shows on the service page, the matrix, the quick-reference card and in every export; an
//! unknown party is one located error. The OSCAL export validates with compliance-trestle.

use crate::common::{parse_csv, SiteTest};
use crate::dataset::bundled_copy;
use std::path::Path;

/// Renames `old` to `new` wherever the dataset or an article uses it as an id: a value
/// (`owner: aws`, `{all: aws}`), a key (`aws: …` under `parts:`, `{infrastructure: …}`) or a
/// link (`category:infrastructure`).
fn rename(text: &str, old: &str, new: &str) -> String {
    let mut out = text.to_string();
    for (from, to) in [
        (format!(": {old}\n"), format!(": {new}\n")),
        (format!(": {old},"), format!(": {new},")),
        (format!(": {old}}}"), format!(": {new}}}")),
        (format!("  {old}: "), format!("  {new}: ")),
        (format!("  {old}:\n"), format!("  {new}:\n")),
        (format!("{{{old}: "), format!("{{{new}: ")),
        (format!(", {old}: "), format!(", {new}: ")),
        (format!("category:{old})"), format!("category:{new})")),
    ] {
        out = out.replace(&from, &to);
    }
    out
}

/// Applies `edit` to every `.yaml` and `.md` file under `dir`.
fn edit_tree(dir: &Path, edit: &dyn Fn(&str) -> String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            edit_tree(&path, edit);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, edit(&text)).unwrap();
        }
    }
}

#[test]
fn the_bundled_dataset_with_renamed_parties_and_categories_builds_and_exports_them() {
    let site = bundled_copy("renamed-parties");
    let renames = [
        ("aws", "provider"),
        ("customer", "tenant"),
        ("shared", "joint"),
        ("infrastructure", "iaas"),
        ("container", "paas"),
        ("abstracted", "saas"),
    ];
    edit_tree(&site.path("content"), &|text| {
        let renamed = (renames.iter()).fold(text.to_string(), |t, (old, new)| rename(&t, old, new));
        // Roles and kinds of compute are words of the schema, not ids.
        renamed
            .replace("role: tenant\n", "role: customer\n")
            .replace("role: joint\n", "role: shared\n")
            .replace("compute: paas\n", "compute: container\n")
    });
    site.run(["build", "--no-cache"]).succeeds().clean();

    let csv = parse_csv(&site.page("data/matrix.csv"));
    assert!(
        csv[0].contains(&"provider_part".to_string()),
        "{:?}",
        csv[0]
    );
    assert!(csv[0].contains(&"tenant_part".to_string()), "{:?}", csv[0]);
    let column = |name: &str| csv[0].iter().position(|c| c == name).unwrap();
    let owners: std::collections::BTreeSet<&str> = csv[1..]
        .iter()
        .map(|r| r[column("owner")].as_str())
        .collect();
    assert_eq!(
        owners.into_iter().collect::<Vec<_>>(),
        ["joint", "n/a", "provider", "tenant"]
    );
    assert!(csv[1..].iter().any(|r| r[column("category")] == "iaas"));
    let oscal = site.page("data/oscal/component-definition.json");
    assert!(oscal.contains("\"role-id\": \"tenant\""));
    assert!(site.built("categories/paas/index.html"));
    let card = site.page("quick-reference/index.html");
    assert!(card.contains("class=\"owner owner-provider\">AWS</span> Always AWS"));
    let css = site.page("static/parties.css");
    assert!(css.contains(".owner-tenant {"), "{css}");
}

/// The `dataset/valid` fixture with four parties, `platform-team` owning IAM on EC2.
fn four_parties() -> SiteTest {
    let site = SiteTest::fixture("dataset/valid");
    site.write(
        "content/data/owners.yaml",
        "owners:\n  - {id: aws, label: AWS, role: provider, description: The provider.}\n  - {id: customer, label: Customer, role: customer, description: The customer.}\n  - {id: shared, label: Shared, role: shared, description: Both.}\n  - {id: platform-team, label: Platform team, description: Runs the landing zone.}\n",
    );
    let model = site.path("content/data/model.yaml");
    let text = std::fs::read_to_string(&model).unwrap();
    let text = text.replace(
        "  - control: iam\n    default: {all: customer}\n",
        "  - control: iam\n    default: {all: customer}\n    overrides:\n      ec2: platform-team\n",
    );
    std::fs::write(&model, text).unwrap();
    site
}

#[test]
fn a_fourth_party_owning_one_cell_shows_on_every_page_and_export() {
    let site = four_parties();
    site.run(["build"]).succeeds().clean();
    let badge = "<span class=\"owner owner-platform-team\">Platform team</span>";
    assert!(site.page("services/ec2/index.html").contains(badge));
    let matrix = site.page("matrix/index.html");
    assert!(
        matrix.contains("class=\"cell owner-platform-team\""),
        "matrix cell"
    );
    assert!(matrix.contains("<abbr title=\"Platform team\">P</abbr></span> Platform team</li>"));
    let card = site.page("quick-reference/index.html");
    assert!(
        card.contains("EC2: <strong>Platform team</strong>"),
        "{card}"
    );

    let csv = parse_csv(&site.page("data/matrix.csv"));
    let parts: Vec<&str> = (csv[0].iter())
        .filter(|c| c.ends_with("_part"))
        .map(String::as_str)
        .collect();
    assert_eq!(parts, ["aws_part", "customer_part", "platform-team_part"]);
    let owner = csv[0].iter().position(|c| c == "owner").unwrap();
    let ec2_iam = (csv.iter())
        .find(|r| r[0] == "ec2" && r[3] == "iam")
        .unwrap();
    assert_eq!(ec2_iam[owner], "platform-team");
    let json = site.page("data/matrix.json");
    assert!(json.contains("\"owner\": \"platform-team\""));
    let crm = parse_csv(&site.page("data/crm.csv"));
    assert!(crm
        .iter()
        .any(|r| r[0] == "iam" && r[3] == "ec2" && r[6] == "Platform team"));
    let oscal = site.page("data/oscal/component-definition.json");
    assert!(oscal.contains("\"role-id\": \"platform-team\""));
    assert!(site
        .page("static/parties.css")
        .contains(".owner-platform-team {"));
}

#[test]
fn an_unknown_party_is_one_located_error_with_a_hint() {
    let site = four_parties();
    let model = site.path("content/data/model.yaml");
    let text = std::fs::read_to_string(&model).unwrap();
    std::fs::write(
        &model,
        text.replace("ec2: platform-team", "ec2: platfrom-team"),
    )
    .unwrap();
    let run = site.run(["check"]);
    run.exit_code(1).counts(1, 0);
    let lines = run.headlines();
    assert!(
        lines[0].starts_with("content/data/model.yaml:")
            && lines[0].ends_with("error: unknown owner `platfrom-team`"),
        "{lines:?}"
    );
    run.stderr_has("did you mean `platform-team`?");
}

/// The Python with compliance-trestle (`SRM_TRESTLE_PYTHON`), or `None` (the test skips)
/// unless `SRM_REQUIRE_TRESTLE=1`.
pub(crate) fn trestle_python() -> Option<String> {
    match std::env::var("SRM_TRESTLE_PYTHON") {
        Ok(p) if Path::new(&p).is_file() => Some(p),
        _ if std::env::var("SRM_REQUIRE_TRESTLE").is_ok_and(|v| v == "1") => {
            panic!("SRM_REQUIRE_TRESTLE=1 but SRM_TRESTLE_PYTHON names no Python")
        }
        _ => {
            eprintln!("skipped: set SRM_TRESTLE_PYTHON to a Python with compliance-trestle");
            None
        }
    }
}

/// Reads an OSCAL component definition with trestle's `ComponentDefinition.oscal_read`
/// (which validates it) and returns its number of components.
pub(crate) fn trestle_components(python: &str, file: &Path) -> usize {
    let script = "import pathlib, sys\nfrom trestle.oscal.component import ComponentDefinition\nc = ComponentDefinition.oscal_read(pathlib.Path(sys.argv[1]))\nprint(len(c.components))\n";
    let run = std::process::Command::new(python)
        .args(["-c", script])
        .arg(file)
        .output()
        .expect("run python");
    assert!(
        run.status.success(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).trim().parse().unwrap()
}

#[test]
fn the_oscal_export_validates_with_compliance_trestle() {
    let Some(python) = trestle_python() else {
        return;
    };
    let (_dir, out) = crate::common::build_bundled("oscal-bundled");
    let four = four_parties();
    four.run(["build"]).succeeds();
    for file in [
        out.join("data/oscal/component-definition.json"),
        four.public().join("data/oscal/component-definition.json"),
    ] {
        let count = trestle_components(&python, &file);
        assert!(count >= 4, "{count} components");
    }
}

/// Runs `srm-docs matrix import --root <site> <csv> --output <matrix.yaml>`.
pub(crate) fn import(site: &SiteTest, csv: &Path) -> crate::common::Run {
    let out = site.path("content/data/matrix.yaml");
    let args: Vec<std::ffi::OsString> = vec![
        "matrix".into(),
        "import".into(),
        "--root".into(),
        site.root().into(),
        csv.into(),
        "--output".into(),
        out.into(),
    ];
    crate::common::run_bin(args, site.temp())
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_path(path)
        .unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn the_matrix_csv_round_trips_through_import_and_takes_a_reviewers_edit() {
    let site = bundled_copy("import-round-trip");
    site.run(["build", "--no-cache"]).succeeds();
    let exported = site.page("data/matrix.csv");
    let csv = site.scratch("matrix.csv");
    std::fs::write(&csv, &exported).unwrap();
    import(&site, &csv).succeeds();
    site.run(["build", "--no-cache"]).succeeds().clean();
    assert_eq!(
        site.page("data/matrix.csv"),
        exported,
        "export → import → export"
    );

    let mut rows = parse_csv(&exported);
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let (owner, aws, customer, from) = (
        col("owner"),
        col("aws_part"),
        col("customer_part"),
        col("resolved_from"),
    );
    let i = (rows.iter())
        .position(|r| r[0] == "ec2" && r[3] == "guest-os")
        .unwrap();
    assert_eq!(
        (rows[i][owner].as_str(), rows[i][from].as_str()),
        ("customer", "category")
    );
    rows[i][owner] = "shared".into();
    rows[i][aws] = "publishes patched AMIs".into();
    rows[i][customer] = "moves its instances to them, with \"care\", in its window".into();
    write_csv(&csv, &rows);
    import(&site, &csv).succeeds();
    site.run(["build", "--no-cache"]).succeeds().clean();
    rows[i][from] = "override".into();
    assert_eq!(
        parse_csv(&site.page("data/matrix.csv")),
        rows,
        "only the edited cell changed"
    );
    assert!(site
        .page("services/ec2/index.html")
        .contains("publishes patched AMIs"));
}

#[test]
fn an_unknown_owner_in_the_csv_is_located_and_nothing_is_written() {
    let site = bundled_copy("import-bad");
    site.run(["build", "--no-cache"]).succeeds();
    let mut rows = parse_csv(&site.page("data/matrix.csv"));
    rows[3][6] = "custmer".into();
    let csv = site.scratch("matrix.csv");
    write_csv(&csv, &rows);
    let before = std::fs::read(site.path("content/data/matrix.yaml")).unwrap();
    let run = import(&site, &csv);
    run.exit_code(1);
    let col = 1 + rows[3][..6]
        .iter()
        .map(|f| f.chars().count() + 1)
        .sum::<usize>();
    let expected = format!("{}:4:{col}: error: unknown owner `custmer`", csv.display());
    assert_eq!(run.headlines(), [expected.as_str()]);
    run.stderr_has("did you mean `customer`?");
    assert_eq!(
        std::fs::read(site.path("content/data/matrix.yaml")).unwrap(),
        before
    );
}

/// `init --example platform` into `dir/handbook`, then `build` it: the site's folder and
/// the build's run.
fn platform_example(dir: &Path) -> (std::path::PathBuf, crate::common::Run) {
    let site = dir.join("handbook");
    let args: Vec<std::ffi::OsString> = vec![
        "init".into(),
        site.clone().into(),
        "--example".into(),
        "platform".into(),
    ];
    crate::common::run_bin(args, dir).succeeds();
    let args: Vec<std::ffi::OsString> = vec!["build".into(), "--root".into(), site.clone().into()];
    let build = crate::common::run_bin(args, dir);
    (site, build)
}

#[test]
fn an_import_written_beside_the_file_holding_the_matrix_is_refused() {
    let dir = crate::common::TempDir::new("init-platform-import");
    let (site, build) = platform_example(dir.path());
    build.succeeds();
    let out = site.join("content/data/matrix.yaml");
    let args: Vec<std::ffi::OsString> = vec![
        "matrix".into(),
        "import".into(),
        "--root".into(),
        site.clone().into(),
        site.join("public/data/matrix.csv").into(),
        "--output".into(),
        out.clone().into(),
    ];
    crate::common::run_bin(args, dir.path())
        .exit_code(2)
        .stderr_has("the matrix is in ")
        .stderr_has("dataset.yaml: --output can only replace that file");
    assert!(!out.exists(), "nothing written");
}

#[test]
fn the_platform_example_builds_clean_with_its_four_parties() {
    let dir = crate::common::TempDir::new("init-platform");
    let (site, build) = platform_example(dir.path());
    build.succeeds().clean();
    let matrix = std::fs::read_to_string(site.join("public/matrix/index.html")).unwrap();
    for party in ["Cloud provider", "Platform team", "Product teams", "Shared"] {
        assert!(
            matrix.contains(&format!("</abbr></span> {party}</li>")),
            "{party}"
        );
    }
    let page = std::fs::read_to_string(site.join("public/services/managed-kubernetes/index.html"))
        .unwrap();
    assert!(page.contains("moves the node pools onto the updated images"));
    // A party beyond the provider and the customer has a column of parts only where it has
    // a part: on Kubernetes (shared guest OS patching), not on virtual machines.
    let column = "<th scope=\"col\">Platform team</th>";
    assert!(page.contains(column));
    let vms =
        std::fs::read_to_string(site.join("public/services/virtual-machines/index.html")).unwrap();
    assert!(!vms.contains(column) && vms.contains("<th scope=\"col\">Product teams</th>"));
}
