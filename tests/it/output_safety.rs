//! `build` deletes or overwrites only what srm-docs wrote itself: every case runs the real
//! binary against a folder holding files it did not write, and asserts each of those files
//! is still there byte for byte afterwards.

use crate::common::{tree, Run, SiteTest, BIN};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Every file under the test's whole temporary folder (site, scratch folders, fake home).
fn snapshot(site: &SiteTest) -> BTreeMap<String, Vec<u8>> {
    tree(site.root().parent().expect("temp folder"))
}

/// Asserts every file of `before` is still in `after` with the same bytes.
fn assert_kept(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) {
    for (path, bytes) in before {
        match after.get(path) {
            None => panic!("{path} was deleted"),
            Some(now) => assert!(now == bytes, "{path} was changed"),
        }
    }
}

/// Writes a few files the user cares about under `dir`.
fn precious(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("precious.txt"), "my only copy").unwrap();
    std::fs::write(dir.join("sub/notes.md"), "# Notes\n").unwrap();
}

/// Runs `build --output OUT` on the site, with `extra` arguments.
fn build_to(site: &SiteTest, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["build".to_string(), "--output".into()];
    args.push(out.to_string_lossy().into_owned());
    args.extend(extra.iter().map(|s| s.to_string()));
    site.run(args)
}

#[test]
fn a_folder_srm_docs_did_not_write_is_refused_and_kept() {
    let site = SiteTest::fixture("dataset/valid");
    let out = site.scratch("notes");
    precious(&out);
    let before = snapshot(&site);
    build_to(&site, &out, &[])
        .exit_code(2)
        .stderr_has("it holds files srm-docs did not write (`precious.txt`, `sub`")
        .stderr_has("--force");
    assert_kept(&before, &snapshot(&site));
    assert!(!site.root().parent().unwrap().join(".notes.lock").exists());
}

#[test]
fn force_replaces_a_foreign_folder_the_user_vouches_for() {
    let site = SiteTest::fixture("dataset/valid");
    let out = site.scratch("old-site");
    precious(&out);
    build_to(&site, &out, &["--force"]).succeeds();
    assert!(out.join("index.html").is_file() && !out.join("precious.txt").exists());
    // From now on the folder is srm-docs's own: no --force needed.
    build_to(&site, &out, &[]).succeeds();
}

#[test]
fn the_site_its_content_and_themes_and_any_parent_are_refused_even_with_force() {
    let site = SiteTest::fixture("dataset/valid");
    site.write("themes/mine/static/extra.css", "body{}");
    site.run(["build"]).succeeds();
    let before = snapshot(&site);
    let root = site.root();
    let cases = [
        (root.clone(), "it is the site folder"),
        (root.join("content"), "it is the content folder"),
        (
            root.join("content/articles"),
            "lies inside the content folder",
        ),
        (root.join("themes"), "it is the themes folder"),
        (root.join(".srm-cache"), "it is the build cache folder"),
        (root.join(".."), "contains the site folder"),
        (root.join("public/../.."), "contains the site folder"),
        ("/".into(), "it is the file system root"),
    ];
    for (out, reason) in cases {
        build_to(&site, &out, &["--force"])
            .exit_code(2)
            .stderr_has(reason);
        assert_kept(&before, &snapshot(&site));
    }
}

#[test]
fn a_relative_path_through_dot_dot_is_resolved_before_the_rules_apply() {
    let site = SiteTest::fixture("dataset/valid");
    let before = snapshot(&site);
    // The binary runs in the folder that holds `site/`.
    build_to(&site, Path::new("site/../site"), &[])
        .exit_code(2)
        .stderr_has("it is the site folder");
    assert_kept(&before, &snapshot(&site));
    build_to(&site, Path::new("site/public/../public"), &[]).succeeds();
    assert!(site.built("index.html"));
}

#[test]
fn output_dir_in_the_config_is_held_to_the_same_rules() {
    let site = SiteTest::fixture("dataset/valid");
    let config = std::fs::read_to_string(site.path("srm-docs.toml")).unwrap();
    let root = site.root().canonicalize().unwrap();
    for value in ["", ".", "content", root.to_str().unwrap()] {
        site.write("srm-docs.toml", format!("{config}output_dir = {value:?}\n"));
        let before = snapshot(&site);
        site.run(["build"])
            .exit_code(2)
            .stderr_has("refusing to write");
        assert_kept(&before, &snapshot(&site));
    }
}

#[test]
fn the_home_folder_is_refused() {
    let site = SiteTest::fixture("dataset/valid");
    let home = site.scratch("home");
    std::fs::create_dir_all(home.join(".ssh")).unwrap();
    std::fs::write(home.join(".ssh/id_ed25519"), "PRIVATE KEY").unwrap();
    let before = snapshot(&site);
    let run = Command::new(BIN)
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(&home)
        .arg("--force")
        .env("HOME", &home)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("it is your home folder"));
    assert_kept(&before, &snapshot(&site));
}

#[test]
fn a_file_at_the_output_path_is_an_error_and_nothing_is_moved() {
    let site = SiteTest::fixture("dataset/valid");
    let out = site.scratch("public.html");
    std::fs::write(&out, "<p>hand-written</p>").unwrap();
    let before = snapshot(&site);
    for _ in 0..2 {
        build_to(&site, &out, &["--force"])
            .exit_code(2)
            .stderr_has("it is a file, not a folder; nothing was moved");
        let after = snapshot(&site);
        assert_kept(&before, &after);
        assert!(
            !after.keys().any(|p| p.contains(".old-")),
            "nothing moved aside"
        );
    }
}

#[test]
fn files_added_to_a_built_output_make_the_next_build_refuse() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["build"]).succeeds();
    site.write("public/CNAME", "kb.example.com\n");
    let before = snapshot(&site);
    site.run(["build"])
        .exit_code(2)
        .stderr_has("did not write (`CNAME`)");
    assert_kept(&before, &snapshot(&site));
}

#[test]
fn a_failed_build_with_a_duplicate_id_leaves_a_byte_identical_output() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["build"]).succeeds();
    let before = snapshot(&site);
    let model = site.path("content/data/model.yaml");
    let text = std::fs::read_to_string(&model).unwrap();
    let duplicate = "services:\n  - id: rds\n    name: Amazon RDS again\n    aliases: [RDS2]\n    \
                     category: container\n    summary: A second entry with the same id.\n";
    std::fs::write(&model, text.replacen("services:\n", duplicate, 1)).unwrap();
    site.run(["build"])
        .fails()
        .stderr_has("duplicate id `rds`")
        .stderr_has("left untouched");
    let after = snapshot(&site);
    let public = |t: &BTreeMap<String, Vec<u8>>| {
        t.iter()
            .filter(|(p, _)| p.starts_with("site/public/"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    crate::common::assert_same_tree(&public(&before), &public(&after));
}

#[test]
fn a_second_build_waits_for_the_first_and_never_mixes_trees() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["build"]).succeeds();
    let reference = tree(&site.public());
    // Hold the lock as a running build would.
    let lock = std::fs::File::open(site.path(".public.lock")).unwrap();
    lock.lock().unwrap();
    let mut waiting = Command::new(BIN)
        .args(["build", "--root"])
        .arg(site.root())
        .env("NO_COLOR", "1")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "it waits for the lock"
    );
    drop(lock);
    let out = waiting.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("waiting for another srm-docs build into"),
        "{stderr}"
    );
    // Two builds started together both succeed and leave one whole tree.
    let spawn = || {
        Command::new(BIN)
            .args(["build", "--no-cache", "--root"])
            .arg(site.root())
            .output()
            .unwrap()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!((a.status.code(), b.status.code()), (Some(0), Some(0)));
    crate::common::assert_same_tree(&reference, &tree(&site.public()));
    assert_eq!(site.staging_leftovers(), Vec::<String>::new());
}

#[test]
fn what_an_interrupted_build_left_is_cleaned_only_where_provably_ours() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["build"]).succeeds();
    // A dead build's marked staging folder, a folder that only looks like one, and a
    // previous output a crash stranded mid-swap (ids above Linux's 2^22 limit never run).
    let staging = site.path(".public.staging-4294967001");
    std::fs::create_dir_all(staging.join("articles")).unwrap();
    std::fs::write(staging.join(".srm-docs-staging"), "4294967001").unwrap();
    let lookalike = site.path(".public.staging-4294967002");
    precious(&lookalike);
    let stranded = site.path(".public.old-4294967003");
    crate::common::copy_tree(&site.public(), &stranded);
    let unmarked_old = site.path(".public.old-4294967004");
    precious(&unmarked_old);
    let before = snapshot(&site);
    site.run(["build"])
        .succeeds()
        .stderr_has("an interrupted build left a previous output at");
    assert!(!staging.exists());
    let after = snapshot(&site);
    let kept: BTreeMap<_, _> = before
        .into_iter()
        .filter(|(p, _)| !p.contains(".public.staging-4294967001"))
        .filter(|(p, _)| !p.starts_with("site/public/"))
        .collect();
    assert_kept(&kept, &after);
    // With the output gone, the stranded one is put back in its place.
    std::fs::remove_dir_all(site.public()).unwrap();
    site.run(["build"])
        .succeeds()
        .stderr_has("restored the previous output");
    assert!(!stranded.exists() && site.built("index.html"));
    assert!(
        unmarked_old.join("precious.txt").is_file(),
        "a look-alike without the output marker is neither moved nor deleted"
    );
}

#[test]
fn a_mount_point_is_updated_in_place_and_only_what_the_last_build_wrote_is_removed() {
    // A private mount namespace (root only): the tmpfs vanishes with the shell.
    let probe = Command::new("unshare").args(["-m", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: cannot make a mount namespace here");
        return;
    }
    let site = SiteTest::fixture("dataset/valid");
    site.write(
        "content/articles/extra.md",
        "---\ntitle: Extra\n---\n\nGone soon.\n",
    );
    let out = site.scratch("volume");
    std::fs::create_dir_all(&out).unwrap();
    let script = r#"set -e
mount -t tmpfs none "$OUT"
"$BIN" build --root "$ROOT" --output "$OUT" 2>&1
echo "keep me" > "$OUT/.well-known-user-file"
rm "$ROOT/content/articles/extra.md"
"$BIN" build --root "$ROOT" --output "$OUT" --force 2>&1
cat "$OUT/.well-known-user-file"
test ! -e "$OUT/articles/extra"
test -f "$OUT/articles/basics/index.html" && echo "basics still there"
"#;
    let run = Command::new("unshare")
        .args(["-m", "sh", "-c", script])
        .env("BIN", BIN)
        .env("ROOT", site.root())
        .env("OUT", &out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("cannot be swapped whole (a mount point): updated in place"),
        "{stdout}"
    );
    assert!(
        stdout.contains("keep me") && stdout.contains("basics still there"),
        "{stdout}"
    );
    assert!(stdout.contains("removed"), "{stdout}");
}
