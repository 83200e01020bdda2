//! What a team meets first when it installs srm-docs and runs it in CI: `--version`, shell
//! completions, the README's list of commands and flags, the progress display (drawn on a
//! terminal only), `--quiet` and `--verbose`, and the CI recipes in `docs/ci/` (the YAML
//! parsed and checked for the steps that matter, the shell recipe run on fixture sites).

use crate::common::{run_bin, Run, SiteTest, BIN, MANIFEST_DIR};
use clap::CommandFactory;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// Runs a command with `NO_COLOR=1`, `CI` removed and extra environment variables, and
/// collects it as a [`Run`].
fn run_with_env(mut command: Command, label: &str, env: &[(&str, &str)]) -> Run {
    command.env("NO_COLOR", "1").env_remove("CI");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("run command");
    Run {
        command: label.to_string(),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `srm-docs build --root <site>` with stderr piped (not a terminal) and these variables.
fn build_piped(site: &SiteTest, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .arg("build")
        .arg("--root")
        .arg(site.root());
    run_with_env(command, &format!("srm-docs {args:?} build"), env)
}

/// True when text holds a carriage return or a terminal escape sequence.
fn has_terminal_control(text: &str) -> bool {
    text.contains('\r') || text.contains('\x1b')
}

// ---- version, completions, README ---------------------------------------------------------

#[test]
fn version_names_the_package_version_and_the_commit_when_built_from_git() {
    let run = run_bin(["--version"], Path::new(MANIFEST_DIR));
    run.succeeds();
    let expected = format!("srm-docs {}", env!("CARGO_PKG_VERSION"));
    assert!(run.stdout.starts_with(&expected), "{run:?}");
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(MANIFEST_DIR)
        .output()
        .ok()
        .filter(|o| o.status.success() && Path::new(MANIFEST_DIR).join(".git").exists())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match commit {
        Some(c) => assert_eq!(run.stdout.trim_end(), format!("{expected} ({c})")),
        None => assert_eq!(run.stdout.trim_end(), expected),
    }
}

#[test]
fn completions_for_bash_zsh_and_fish_name_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let run = run_bin(["completions", shell], Path::new(MANIFEST_DIR));
        run.succeeds();
        assert!(
            run.stdout.len() > 500,
            "{shell}: {} bytes",
            run.stdout.len()
        );
        for word in [
            "init",
            "build",
            "check",
            "serve",
            "completions",
            "base-url",
            "open",
            "quiet",
        ] {
            assert!(run.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    run_bin(["completions", "tcsh"], Path::new(MANIFEST_DIR)).exit_code(2);
}

#[test]
fn bash_completion_script_is_valid_bash() {
    use std::io::Write;
    let script = run_bin(["completions", "bash"], Path::new(MANIFEST_DIR)).stdout;
    let mut bash = Command::new("bash")
        .arg("-n")
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run bash");
    bash.stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write the script");
    let out = bash.wait_with_output().expect("bash -n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn readme_lists_every_command_and_flag() {
    let readme = std::fs::read_to_string(Path::new(MANIFEST_DIR).join("README.md")).unwrap();
    let cli = srm_docs::cli::Cli::command();
    let mut missing = Vec::new();
    let mut want = |text: String| {
        if !readme.contains(&text) {
            missing.push(text);
        }
    };
    for arg in cli.get_arguments() {
        if let Some(long) = arg.get_long() {
            want(format!("--{long}"));
        }
    }
    for sub in cli.get_subcommands() {
        want(format!("srm-docs {}", sub.get_name()));
        for arg in sub.get_arguments() {
            if let Some(long) = arg.get_long() {
                want(format!("--{long}"));
            }
        }
    }
    assert!(missing.is_empty(), "README.md does not mention {missing:?}");
}

// ---- progress, --quiet, --verbose ---------------------------------------------------------

#[test]
fn no_progress_is_drawn_when_stderr_is_not_a_terminal() {
    let site = SiteTest::fixture("dataset/valid");
    // No delay: on a terminal the display would be drawn at once.
    let run = build_piped(
        &site,
        &[],
        &[("SRM_PROGRESS_DELAY_MS", "0"), ("TERM", "xterm-256color")],
    );
    run.succeeds();
    assert!(!has_terminal_control(&run.stderr), "{run:?}");
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("built ") && last.contains(" pages (2 articles, "),
        "{run:?}"
    );
}

/// Runs `srm-docs build` on a pseudo-terminal (util-linux `script`) and returns what the
/// terminal received.
fn build_on_terminal(site: &SiteTest, env: &[(&str, &str)]) -> Run {
    let shell_command = format!("'{BIN}' build --root '{}'", site.root().display());
    let mut command = Command::new("script");
    command.args(["-q", "-e", "-c", &shell_command, "/dev/null"]);
    run_with_env(command, &format!("script -c {shell_command}"), env)
}

#[test]
fn on_a_terminal_progress_is_drawn_and_cleared_except_under_ci() {
    let site = SiteTest::fixture("dataset/valid");
    let terminal = [("SRM_PROGRESS_DELAY_MS", "0"), ("TERM", "xterm-256color")];
    let run = build_on_terminal(&site, &terminal);
    run.succeeds();
    assert!(run.stdout.contains("render articles"), "{run:?}");
    // The display is erased (`ESC [2K`) before the summary line, which ends the output.
    let (_, after) = run.stdout.rsplit_once("\x1b[2K").expect("an erased line");
    assert!(
        after.starts_with("built ") && after.ends_with("\r\n"),
        "{run:?}"
    );
    assert_eq!(after.lines().count(), 1, "{run:?}");

    let ci = build_on_terminal(&site, &[terminal[0], terminal[1], ("CI", "true")]);
    ci.succeeds();
    let text = ci.stdout.replace("\r\n", "\n");
    assert!(!has_terminal_control(&text), "{ci:?}");
    assert!(text.contains("built "), "{ci:?}");
}

#[test]
fn quiet_prints_errors_only_and_verbose_adds_stage_timings() {
    let site = SiteTest::fixture("notes/no-front-matter");
    let quiet = build_piped(&site, &["--quiet"], &[]);
    quiet.succeeds();
    assert_eq!(quiet.stderr, "", "a quiet good build prints nothing");
    assert!(site.built("note/index.html"));

    let verbose = build_piped(&site, &["--verbose"], &[]);
    verbose
        .succeeds()
        .stderr_has("content/note.md:7:1: warning: unknown code language `klingon`")
        .stderr_has("timing: parse ")
        .stderr_has("timing: links ")
        .stderr_has("built ");

    let broken = SiteTest::fixture("links/broken");
    let run = broken.run(["check", "--quiet"]);
    run.fails()
        .stderr_has(": error: ")
        .stderr_lacks(": warning: ");
    assert!(!run.headlines().is_empty(), "{run:?}");

    let both = broken.run(["build", "--quiet", "--verbose"]);
    both.exit_code(2).stderr_has("cannot be used with");
}

// ---- the CI recipes -----------------------------------------------------------------------

/// A recipe file under `docs/ci/`.
fn recipe(name: &str) -> String {
    let path = Path::new(MANIFEST_DIR).join("docs/ci").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A YAML recipe parsed with serde-saphyr (YAML 1.2: `on` is a string key).
fn yaml(name: &str) -> Value {
    serde_saphyr::from_str(&recipe(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every `run`/`script` command of a recipe's steps or jobs, joined.
fn commands(steps: &[Value]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Value::String(s) => out.push_str(s),
            Value::Object(o) => {
                if let Some(Value::String(run)) = o.get("run") {
                    out.push_str(run);
                }
            }
            _ => {}
        }
        out.push('\n');
    }
    out
}

#[test]
fn docs_ci_quotes_every_recipe_verbatim() {
    let doc = std::fs::read_to_string(Path::new(MANIFEST_DIR).join("docs/ci.md")).unwrap();
    for name in ["github-actions.yml", "gitlab-ci.yml", "build-site.sh"] {
        assert!(
            doc.contains(&recipe(name)),
            "docs/ci.md does not quote docs/ci/{name} as it is"
        );
        assert!(doc.contains(&format!("docs/ci/{name}")), "{name} not named");
    }
}

#[test]
fn github_actions_recipe_checks_pull_requests_keeps_the_cache_and_deploys_main() {
    let wf = yaml("github-actions.yml");
    assert!(wf["on"]["pull_request"].is_null() && wf["on"].get("pull_request").is_some());
    assert_eq!(wf["on"]["push"]["branches"][0], "main");
    let steps = wf["jobs"]["build"]["steps"]
        .as_array()
        .expect("build steps");
    let runs = commands(steps);
    assert!(runs.contains("srm-docs check"), "{runs}");
    assert!(runs.contains("srm-docs build --output public"), "{runs}");
    assert!(runs.contains("cargo install --locked"), "{runs}");
    let check = steps
        .iter()
        .find(|s| s["run"] == "srm-docs check")
        .expect("a check step");
    assert_eq!(check["if"], "github.event_name == 'pull_request'");
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
                && s["with"]["path"] == ".srm-cache"
        })
        .expect("a step caching .srm-cache");
    assert!(cache["with"]["restore-keys"].is_string(), "{cache}");
    let pages = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .expect("the Pages artifact step");
    assert_eq!(pages["with"]["path"], "public");
    let deploy = &wf["jobs"]["deploy"];
    assert_eq!(deploy["needs"], "build");
    assert_eq!(deploy["permissions"]["pages"], "write");
    assert!(deploy["steps"][0]["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("actions/deploy-pages@")));
}

#[test]
fn gitlab_recipe_checks_merge_requests_keeps_the_cache_and_has_a_pages_job() {
    let ci = yaml("gitlab-ci.yml");
    let caches = ci["default"]["cache"]
        .as_array()
        .expect("default cache list");
    assert!(
        caches.iter().any(|c| c["paths"][0] == ".srm-cache/"),
        "{caches:?}"
    );
    let check = &ci["check"];
    let check_script = commands(check["script"].as_array().expect("check script"));
    assert!(check_script.contains("srm-docs check"), "{check_script}");
    assert_eq!(
        check["rules"][0]["if"],
        "$CI_PIPELINE_SOURCE == \"merge_request_event\""
    );
    let pages = &ci["pages"];
    let pages_script = commands(pages["script"].as_array().expect("pages script"));
    assert!(
        pages_script.contains("srm-docs build --output public"),
        "{pages_script}"
    );
    assert_eq!(pages["artifacts"]["paths"][0], "public");
    assert_eq!(
        pages["rules"][0]["if"],
        "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    );
}

/// Runs `sh docs/ci/build-site.sh <site>` with the binary under test as `SRM_DOCS`.
fn shell_recipe(site: &SiteTest, env: &[(&str, &str)]) -> Run {
    let script = Path::new(MANIFEST_DIR).join("docs/ci/build-site.sh");
    let mut command = Command::new("sh");
    command.arg(&script).arg(site.root()).env("SRM_DOCS", BIN);
    command.current_dir(site.root());
    run_with_env(command, "sh docs/ci/build-site.sh", env)
}

#[test]
fn shell_recipe_builds_a_site_and_keeps_its_cache() {
    let site = SiteTest::fixture("dataset/valid");
    shell_recipe(&site, &[]).succeeds().stderr_has("built ");
    assert!(site.built("index.html") && site.built("articles/basics/index.html"));
    assert!(site.path(".srm-cache/build-cache.bin").is_file());
    let first = crate::common::tree(&site.public());
    shell_recipe(&site, &[]).succeeds();
    crate::common::assert_same_tree(&first, &crate::common::tree(&site.public()));

    let elsewhere = site.scratch("out");
    let base = [
        ("OUTPUT_DIR", elsewhere.to_str().expect("utf-8 path")),
        ("BASE_URL", "https://kb.example.com/docs/"),
    ];
    shell_recipe(&site, &base).succeeds();
    let home = std::fs::read_to_string(elsewhere.join("index.html")).unwrap();
    assert!(
        home.contains("href=\"https://kb.example.com/docs/\""),
        "the base URL is used"
    );
}

#[test]
fn shell_recipe_fails_on_a_broken_link_and_writes_nothing() {
    let site = SiteTest::fixture("links/broken");
    let run = shell_recipe(&site, &[]);
    run.fails().stderr_has(": error: ");
    assert!(!site.public().exists(), "nothing is written");

    let check = shell_recipe(&site, &[("CHECK_ONLY", "1")]);
    check.fails().stderr_has("checked ");
    let good = SiteTest::fixture("dataset/valid");
    shell_recipe(&good, &[("CHECK_ONLY", "1")]).succeeds();
    assert!(!good.public().exists(), "CHECK_ONLY writes nothing");
}
