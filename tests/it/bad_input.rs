//! The bad-input corpus: one broken thing per case — front matter, Markdown, the dataset,
//! the configuration, templates, the file system — each applied to a good site whose output
//! was built first. Every case pins three things: what `build` prints (an insta snapshot of
//! its exit code and stderr, paths redacted), its exit code (1 or 2, never a panic or an
//! abort), and that the previous output is untouched, byte for byte.
//!
//! A case is one entry of the `cases!` table: its name, its exit code and what it breaks.
//! The snapshots (`it__bad_input__<case>.snap`) pin today's behaviour, misleading messages
//! included; review a change with `cargo insta review`.

use crate::common::{
    assert_same_tree, copy_tree, fixture_dir, redacted_report, run_bin, tree, SiteTest,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const CONFIG: &str = "srm-docs.toml";
const MODEL: &str = "content/data/model.yaml";
const BASICS: &str = "content/articles/basics.md";
const BAD_ARTICLE: &str = "content/articles/bad.md";
const BAD_DATA: &str = "content/data/bad.yaml";
const TEMPLATES: &str = "themes/default/templates";

/// A content error that makes any build fail (for cases whose own problem is only a warning,
/// or is meant to be silent, so that the untouched output can still be checked).
const BROKEN_LINK: &str = "---\ntitle: Bad\n---\n\nSee [this](nowhere.md).\n";

/// Copies the good site with its output, applies `apply`, runs `build` with `args`, and
/// checks the run against `code`, the untouched output and the snapshot.
fn run_case(name: &str, code: i32, apply: impl FnOnce(&SiteTest), args: Vec<String>) {
    let site = SiteTest::empty(name);
    copy_tree(good_site(), &site.root());
    apply(&site);
    let before = output(&site.public());
    let mut command = vec!["build".to_string()];
    command.extend(args);
    let run = site.run(command);
    make_removable(&site.root());
    let report = redacted_report(&site, &run);
    assert!(
        !run.stderr.contains("panicked"),
        "{name} panicked:\n{report}"
    );
    assert!(
        matches!(run.code, Some(1 | 2)),
        "{name}: exit code must be 1 or 2:\n{report}"
    );
    assert_eq!(run.code, Some(code), "{name}:\n{report}");
    assert_same_tree(&before, &output(&site.public()));
    insta::assert_snapshot!(name, report);
}

/// The good site (`tests/fixtures/dataset/valid`) with its output in `public/` and its build
/// cache, built once per test process in cargo's scratch folder for tests (where folders left
/// by earlier processes are removed).
fn good_site() -> &'static Path {
    static GOOD: OnceLock<PathBuf> = OnceLock::new();
    GOOD.get_or_init(|| {
        let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
        remove_stale_good_sites(scratch);
        let dir = scratch.join(format!("{GOOD_PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_tree(&fixture_dir("dataset/valid"), &dir);
        let root = dir.display().to_string();
        run_bin(["build", "--root", &root], scratch).succeeds();
        dir
    })
}

/// Name of a good site's folder, before the id of the process that built it.
const GOOD_PREFIX: &str = "bad-input-good-site-";

/// Removes the good sites of processes that have ended.
fn remove_stale_good_sites(scratch: &Path) {
    for entry in std::fs::read_dir(scratch).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(GOOD_PREFIX) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The output as a tree of files (a single entry when `public` is itself a file).
fn output(public: &Path) -> BTreeMap<String, Vec<u8>> {
    if public.is_file() {
        return BTreeMap::from([(String::new(), std::fs::read(public).unwrap())]);
    }
    tree(public)
}

/// Gives the owner full access to everything under `root` again, so the temporary folder can
/// be removed after a case made something unreadable.
fn make_removable(root: &Path) {
    let _ = std::process::Command::new("chmod")
        .args(["-R", "u+rwX"])
        .arg(root)
        .status();
}

/// Whether file permissions can deny this process anything (not when running as root).
fn permissions_apply() -> bool {
    let site = SiteTest::empty("permissions");
    let probe = site.path("probe");
    std::fs::write(&probe, "x").unwrap();
    chmod(&probe, 0o000);
    let denied = std::fs::read(&probe).is_err();
    chmod(&probe, 0o644);
    denied
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Writes `text` at `rel` inside the site.
fn put(site: &SiteTest, rel: &str, text: impl AsRef<[u8]>) {
    site.write(rel, text);
}

/// Replaces the first `from` in `rel` with `to` (`from` must be there).
fn edit(site: &SiteTest, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} lacks {from:?}");
    site.write(rel, text.replacen(from, to, 1));
}

/// Appends `text` to `rel`.
fn append(site: &SiteTest, rel: &str, text: &str) {
    let old = std::fs::read_to_string(site.path(rel)).unwrap();
    site.write(rel, format!("{old}{text}"));
}

/// Adds an article with this front matter (between the fences) and body.
fn article(site: &SiteTest, front: &str, body: &str) {
    put(site, BAD_ARTICLE, format!("---\n{front}---\n\n{body}"));
}

/// Replaces a file or folder with `target`, a symbolic link.
fn symlink(site: &SiteTest, rel: &str, target: impl AsRef<Path>) {
    let path = site.path(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, path).unwrap();
}

/// Removes a file or a folder.
fn remove(site: &SiteTest, rel: &str) {
    let path = site.path(rel);
    if path.is_dir() {
        std::fs::remove_dir_all(path).unwrap();
    } else {
        std::fs::remove_file(path).unwrap();
    }
}

/// Replaces a file or folder with a folder.
fn folder_at(site: &SiteTest, rel: &str) {
    let _ = std::fs::remove_file(site.path(rel));
    std::fs::create_dir_all(site.path(rel).join("inside")).unwrap();
}

/// Replaces a folder (or file) with a file.
fn file_at(site: &SiteTest, rel: &str) {
    remove(site, rel);
    put(site, rel, "not a folder\n");
}

/// Makes `rel` unreadable (mode 000).
fn unreadable(site: &SiteTest, rel: &str) {
    chmod(&site.path(rel), 0o000);
}

/// `text` nested `depth` times in `open`…`close`.
fn nested(open: &str, text: &str, close: &str, depth: usize) -> String {
    format!("{}{text}{}", open.repeat(depth), close.repeat(depth))
}

/// One test per case: `name: exit CODE [, args ARGS] [, unless root] => |site| …;`
macro_rules! cases {
    ($(
        $(#[$meta:meta])*
        $name:ident: exit $code:literal $(, args $args:expr)? $(, unless $root:ident)? => $apply:expr;
    )*) => {$(
        #[test]
        $(#[$meta])*
        fn $name() {
            $(cases!(@$root);)?
            run_case(stringify!($name), $code, $apply, cases!(@args $($args)?));
        }
    )*};
    (@args) => { Vec::new() };
    (@args $args:expr) => { $args };
    (@root) => {
        if !permissions_apply() {
            println!("skipped: running as root, file permissions deny nothing");
            return;
        }
    };
}

cases! {
    // ---- front matter
    fm_unclosed_fence: exit 1 => |s| put(s, BAD_ARTICLE, "---\ntitle: Never closed\n\nBody.\n");
    fm_invalid_yaml: exit 1 => |s| article(s, "title: [unclosed\n", "Body.\n");
    fm_title_is_a_list: exit 1 => |s| article(s, "title: [a, b]\n", "Body.\n");
    // accepted (a number is a one-item tag list); the broken link keeps the build failing
    fm_tags_is_a_number: exit 1 => |s| article(s, "title: T\ntags: 5\n", "[x](nowhere.md)\n");
    // a key of another tool is kept for templates with one warning per key name
    fm_unknown_key: exit 1 => |s| article(s, "title: T\ncolour: red\n", "[x](nowhere.md)\n");
    fm_impossible_date: exit 1 => |s| article(s, "title: T\ndate: 2026-02-30\n", "Body.\n");
    fm_multibyte_date: exit 1 => |s| article(s, "title: T\ndate: 2025\u{e9}-01-01\n", "Body.\n");
    fm_date_is_a_list: exit 1 => |s| article(s, "title: T\ndate: [2026]\n", "Body.\n");
    fm_weight_is_text: exit 1 => |s| article(s, "title: T\nweight: heavy\n", "Body.\n");
    fm_weight_overflows: exit 1 => |s| article(s, "title: T\nweight: 99999999999999999999999\n", "Body.\n");
    fm_draft_is_not_a_bool: exit 1 => |s| article(s, "title: T\ndraft: maybe\n", "Body.\n");
    fm_duplicate_key: exit 1 => |s| article(s, "title: A\ntitle: B\n", "Body.\n");
    fm_slug_with_a_path: exit 1 => |s| article(s, "title: T\nslug: ../../escape\n", "[x](nowhere.md)\n");
    // today: a follow-on "no such article" for basics.md, which exists
    fm_slug_collision: exit 1 => |s| article(s, "title: T\nslug: basics\n", "Body.\n");
    fm_unknown_references: exit 1 => |s| article(s, "title: T\nservices: [ec3]\ncontrols: [nope]\nscenarios: [sc-nope]\n", "Body.\n");
    fm_tab_indentation: exit 1 => |s| article(s, "title: T\ntags:\n\t- x\n", "Body.\n");
    fm_deep_nesting: exit 1 => |s| article(s, &format!("title: {}\n", nested("[", "x", "]", 100_000)), "Body.\n");
    fm_alias_bomb: exit 1 => |s| article(s, &alias_bomb("tags"), "Body.\n");
    fm_bom_and_a_bad_date: exit 1 => |s| put(s, BAD_ARTICLE, "\u{feff}---\ntitle: T\ndate: 2026-13-01\n---\n\nBody.\n");
    fm_crlf_and_a_bad_date: exit 1 => |s| put(s, BAD_ARTICLE, "---\r\ntitle: T\r\ndate: 2026-13-01\r\n---\r\n\r\nBody.\r\n");
    fm_nul_byte: exit 1 => |s| article(s, "title: A\0B\n", "Body.\n");
    fm_not_utf8: exit 1 => |s| put(s, BAD_ARTICLE, b"---\ntitle: Caf\xe9\n---\n\nBody.\n");
    // the value is cut in the middle of the headline
    fm_huge_invalid_value: exit 1 => |s| article(s, &format!("title: T\ndate: {}\n", "9".repeat(2_000)), "Body.\n");

    // ---- Markdown
    md_broken_link: exit 1 => |s| put(s, BAD_ARTICLE, BROKEN_LINK);
    md_broken_anchor: exit 1 => |s| article(s, "title: T\n", "[x](basics.md#nope) and [y](#nowhere)\n");
    md_unknown_dataset_links: exit 1 => |s| article(s, "title: T\n", "[a](service:nope) [b](control:nope) [c](category:nope) [d](scenario:nope) [e](tag:nope)\n");
    md_link_outside_the_site: exit 1 => |s| article(s, "title: T\n", "[x](../../../../etc/passwd) [y](nowhere.md)\n");
    md_missing_image: exit 1 => |s| article(s, "title: T\n", "![x](missing.png) [y](nowhere.md)\n");
    md_unclosed_fence_after_an_error: exit 1 => |s| article(s, "title: T\n", "[x](nowhere.md)\n\n```sh\necho never closed\n\n[y](hidden.md)\n");
    md_script_links_and_an_error: exit 1 => |s| article(s, "title: T\n", "[a](javascript:alert(1)) [b](data:text/html,x) [c](nowhere.md)\n");
    md_empty_file: exit 1 => |s| { put(s, BAD_ARTICLE, ""); append(s, BASICS, "[x](nowhere.md)\n"); };
    md_nul_byte: exit 1 => |s| article(s, "title: T\n", "a\0b [x](nowhere.md)\n");
    md_not_utf8: exit 1 => |s| put(s, BAD_ARTICLE, b"---\ntitle: T\n---\n\nna\xefve [x](nowhere.md)\n");
    md_deep_blockquotes: exit 1 => |s| article(s, "title: T\n", &format!("{} x\n\n[x](nowhere.md)\n", ">".repeat(50_000)));
    md_deep_lists: exit 1 => |s| article(s, "title: T\n", &format!("{}\n[x](nowhere.md)\n", (0..2_000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect::<String>()));
    md_deep_brackets: exit 1 => |s| article(s, "title: T\n", &format!("{}\n\n[x](nowhere.md)\n", nested("[", "x", "](y)", 50_000)));
    md_bad_mermaid: exit 1 => |s| article(s, "title: T\n", "```mermaid\nflowchart LR\n  A -->\n  B[[[\n```\n\n[x](nowhere.md)\n");

    // ---- dataset
    ds_invalid_yaml: exit 1 => |s| edit(s, MODEL, "aliases: [IaaS]", "aliases: [IaaS");
    // the empty file is named in a warning; the articles' references to what it held are errors (its name does not say what it held)
    ds_empty_file: exit 1 => |s| put(s, MODEL, "");
    // as for an empty file: a warning names it, the references to what it held are errors
    ds_only_comments: exit 1 => |s| put(s, MODEL, "# nothing here yet\n");
    ds_top_level_list: exit 1 => |s| put(s, BAD_DATA, "- a\n- b\n");
    ds_top_level_scalar: exit 1 => |s| put(s, BAD_DATA, "just text\n");
    ds_source_url_that_runs_script: exit 1 => |s| put(s, BAD_DATA, "sources:\n  - id: evil\n    title: Evil\n    author: Mallory\n    url: JavaScript:alert(1)\n");
    ds_unknown_top_level_key: exit 1 => |s| put(s, BAD_DATA, "servics: []\n");
    ds_unknown_field: exit 1 => |s| edit(s, MODEL, "    rank: 1\n", "    rank: 1\n    colour: red\n");
    ds_wrong_type: exit 1 => |s| edit(s, MODEL, "rank: 1", "rank: first");
    ds_number_overflows: exit 1 => |s| edit(s, MODEL, "rank: 1", "rank: 99999999999999999999999");
    ds_missing_required_field: exit 1 => |s| edit(s, MODEL, "    name: Amazon EC2\n", "");
    ds_duplicate_id_in_one_file: exit 1 => |s| edit(s, MODEL, "id: rds", "id: s3");
    ds_duplicate_id_across_files: exit 1 => |s| put(s, BAD_DATA, "services:\n  - id: ec2\n    name: Again\n    category: infrastructure\n    summary: Twice.\n");
    // today: five follow-on errors around the root cause
    ds_malformed_id: exit 1 => |s| edit(s, MODEL, "  - id: ec2\n", "  - id: EC2_x\n");
    ds_unknown_reference: exit 1 => |s| edit(s, MODEL, "category: infrastructure", "category: infra");
    ds_reference_to_the_wrong_kind: exit 1 => |s| edit(s, MODEL, "    services: [ec2]\n", "    services: [guest-os]\n");
    ds_unknown_owner: exit 1 => |s| edit(s, MODEL, "default: {all: customer}", "default: {all: client}");
    ds_shared_without_its_parts: exit 1 => |s| edit(s, MODEL, "          aws: patches the host\n", "");
    ds_control_without_a_matrix_row: exit 1 => |s| put(s, BAD_DATA, "controls:\n  - id: orphan\n    title: Orphan\n    layer: data\n    description: No row.\n");
    ds_matrix_row_missing_a_category: exit 1 => |s| edit(s, MODEL, ", abstracted: n/a}", "}");
    ds_matrix_row_for_an_unknown_control: exit 1 => |s| put(s, BAD_DATA, "matrix:\n  - control: nope\n    default: {all: aws}\n");
    ds_impossible_update_date: exit 1 => |s| edit(s, MODEL, "    summary: Object storage.\n", "    summary: Object storage.\n    updates:\n      - date: \"2025-13-45\"\n        text: Never.\n");
    ds_alias_bomb: exit 1 => |s| put(s, BAD_DATA, alias_bomb("services"));
    ds_alias_to_itself: exit 1 => |s| put(s, BAD_DATA, "services: &a [*a]\n");
    ds_undefined_alias: exit 1 => |s| put(s, BAD_DATA, "services: *nowhere\n");
    ds_deep_nesting: exit 1 => |s| put(s, BAD_DATA, format!("services: {}\n", nested("[", "", "]", 100_000)));
    // the value is cut in the middle of the headline
    ds_huge_invalid_value: exit 1 => |s| edit(s, MODEL, "layer: platform", &format!("layer: {}", "x".repeat(2_000)));
    ds_nul_byte: exit 1 => |s| put(s, BAD_DATA, "services:\0\n");
    ds_not_utf8: exit 1 => |s| put(s, BAD_DATA, b"sources:\n  - id: s\n    title: Caf\xe9\n    author: A\n");
    ds_bom_and_a_typo: exit 1 => |s| { let t = std::fs::read_to_string(s.path(MODEL)).unwrap(); put(s, MODEL, format!("\u{feff}{}", t.replacen("layer: platform", "layer: platfrom", 1))); };
    ds_crlf_and_a_typo: exit 1 => |s| { let t = std::fs::read_to_string(s.path(MODEL)).unwrap(); put(s, MODEL, t.replacen("layer: platform", "layer: platfrom", 1).replace('\n', "\r\n")); };
    ds_tab_indentation: exit 1 => |s| put(s, BAD_DATA, "services:\n\t- id: x\n");
    ds_data_is_a_file: exit 1 => |s| file_at(s, "content/data");
    // today: silently skipped
    ds_yaml_file_is_a_folder: exit 1 => |s| { folder_at(s, BAD_DATA); put(s, BAD_ARTICLE, BROKEN_LINK); };

    // ---- configuration
    cfg_invalid_toml: exit 2 => |s| put(s, CONFIG, "title = \"never closed\n");
    cfg_unknown_key: exit 2 => |s| append(s, CONFIG, "colour = \"red\"\n");
    cfg_wrong_type: exit 2 => |s| append(s, CONFIG, "language = 5\n");
    cfg_duplicate_key: exit 2 => |s| append(s, CONFIG, "title = \"Again\"\n");
    cfg_unknown_theme: exit 2 => |s| append(s, CONFIG, "theme = \"nope\"\n");
    cfg_theme_outside_themes: exit 2 => |s| append(s, CONFIG, "theme = \"../outside\"\n");
    cfg_unknown_raw_html_policy: exit 2 => |s| append(s, CONFIG, "[markdown]\nraw_html = \"yes\"\n");
    cfg_unknown_highlight_theme: exit 2 => |s| append(s, CONFIG, "[highlight]\nlight_theme = \"Nope\"\n");
    cfg_base_url_not_http: exit 2 => |s| edit(s, CONFIG, "https://kb.example.com/", "file:///etc/");
    // the escape byte is shown as \u{1b}, never sent to the terminal
    cfg_base_url_with_a_terminal_escape: exit 2 => |s| edit(s, CONFIG, "https://kb.example.com/", "https://kb.example.com/\\u001b[31mred/");
    // today: no position, unlike a Markdown file
    cfg_not_utf8: exit 2 => |s| put(s, CONFIG, b"title = \"Caf\xe9\"\n");
    cfg_nul_byte: exit 2 => |s| put(s, CONFIG, "title = \"a\0b\"\n");
    cfg_bom_and_an_unknown_key: exit 2 => |s| put(s, CONFIG, "\u{feff}title = \"T\"\ncolour = \"red\"\n");
    cfg_is_a_folder: exit 2 => |s| folder_at(s, CONFIG);
    cfg_output_dir_is_content: exit 2 => |s| append(s, CONFIG, "output_dir = \"content\"\n");
    cfg_output_dir_is_the_site: exit 2 => |s| append(s, CONFIG, "output_dir = \".\"\n");
    cfg_output_dir_is_above_the_site: exit 2 => |s| append(s, CONFIG, "output_dir = \"..\"\n");

    // ---- templates (overrides in themes/default/templates/)
    tpl_syntax_error_in_base: exit 1 => |s| put(s, &format!("{TEMPLATES}/base.html"), "<html>{% block content %}{% endblock content %\n</html>\n");
    tpl_render_error_in_base: exit 1 => |s| put(s, &format!("{TEMPLATES}/base.html"), "<html>\n{{ nope.deeper }}\n{% block content %}{% endblock content %}</html>\n");
    tpl_unknown_variable: exit 1 => |s| put(s, &format!("{TEMPLATES}/article.html"), "{% extends \"base.html\" %}\n{% block content %}\n{{ article.nope.deeper }}\n{% endblock content %}\n");
    tpl_unknown_filter: exit 1 => |s| put(s, &format!("{TEMPLATES}/article.html"), "{% extends \"base.html\" %}\n{% block content %}{{ article.title | nope }}{% endblock content %}\n");
    // today: located at `themes`, not the template
    tpl_extends_a_missing_template: exit 1 => |s| put(s, &format!("{TEMPLATES}/article.html"), "{% extends \"nope.html\" %}\n");
    tpl_extends_itself: exit 1 => |s| put(s, &format!("{TEMPLATES}/article.html"), "{% extends \"article.html\" %}\n");
    tpl_includes_itself: exit 1 => |s| put(s, &format!("{TEMPLATES}/article.html"), "{% include \"article.html\" %}\n");
    tpl_two_templates_include_each_other: exit 1 => |s| { put(s, &format!("{TEMPLATES}/article.html"), "{% include \"loop.html\" %}\n"); put(s, &format!("{TEMPLATES}/loop.html"), "{% include \"article.html\" %}\n"); };
    tpl_recursive_macro: exit 1 => |s| { put(s, &format!("{TEMPLATES}/rec.html"), "{% macro down(n) %}{{ self::down(n=n + 1) }}{% endmacro down %}\n"); put(s, &format!("{TEMPLATES}/article.html"), "{% extends \"base.html\" %}{% import \"rec.html\" as rec %}\n{% block content %}{{ rec::down(n=0) }}{% endblock content %}\n"); };
    tpl_unknown_macro: exit 1 => |s| put(s, &format!("{TEMPLATES}/article.html"), "{% extends \"base.html\" %}{% import \"macros.html\" as m %}\n{% block content %}{{ m::nope() }}{% endblock content %}\n");
    // today: no summary line
    tpl_not_utf8: exit 1 => |s| put(s, &format!("{TEMPLATES}/article.html"), b"{% extends \"base.html\" %}{% block content %}caf\xe9{% endblock content %}\n");
    // today: silently skipped (the built-in template is used)
    tpl_is_a_folder: exit 1 => |s| { folder_at(s, &format!("{TEMPLATES}/article.html")); put(s, BAD_ARTICLE, BROKEN_LINK); };

    // ---- file system
    fs_unreadable_article: exit 1, unless root => |s| { put(s, BAD_ARTICLE, BROKEN_LINK); unreadable(s, BAD_ARTICLE); };
    fs_unreadable_dataset_file: exit 1, unless root => |s| unreadable(s, MODEL);
    // today: a raw walker error, no summary line
    fs_unreadable_content_folder: exit 1, unless root => |s| unreadable(s, "content/articles");
    fs_unreadable_config: exit 2, unless root => |s| unreadable(s, CONFIG);
    fs_symlink_loop: exit 1 => |s| { symlink(s, "content/articles/loop", "."); put(s, BAD_ARTICLE, BROKEN_LINK); };
    fs_symlink_leaving_the_site: exit 1 => |s| { symlink(s, "content/articles/outside.md", "/etc/hostname"); put(s, BAD_ARTICLE, BROKEN_LINK); };
    // today: a raw walker error that stops the scan (the broken link is never reported), no summary line
    fs_dangling_symlink: exit 1 => |s| { symlink(s, "content/articles/gone.md", "nowhere.md"); put(s, BAD_ARTICLE, BROKEN_LINK); };
    fs_content_is_a_file: exit 1 => |s| file_at(s, "content");
    fs_articles_is_a_file: exit 1 => |s| file_at(s, "content/articles");
    fs_non_utf8_file_name: exit 1 => |s| { use std::os::unix::ffi::OsStrExt; let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md"); std::fs::write(s.path("content/articles").join(name), BROKEN_LINK).unwrap(); };
    // today: the cache warning is not counted in the summary
    fs_corrupt_build_cache: exit 1 => |s| { corrupt_files(&s.path(".srm-cache")); put(s, BAD_ARTICLE, BROKEN_LINK); };
    // today: the cache warning is not counted in the summary
    fs_build_cache_is_a_file: exit 1 => |s| { file_at(s, ".srm-cache"); put(s, BAD_ARTICLE, BROKEN_LINK); };
    fs_output_is_a_file: exit 2 => |s| file_at(s, "public");
    fs_output_not_written_by_srm_docs: exit 2 => |s| remove(s, "public/.srm-docs-output");
    fs_output_inside_content: exit 2, args vec!["--output".into(), "site/content/out".into()] => |_| {};
    fs_output_is_the_site: exit 2, args vec!["--output".into(), "site".into()] => |_| {};
    fs_output_is_the_cache: exit 2, args vec!["--output".into(), "site/.srm-cache".into()] => |_| {};
    fs_output_under_a_file: exit 2, args vec!["--output".into(), "site/public/index.html/sub".into()] => |_| {};
    fs_output_in_an_unwritable_folder: exit 1, args vec!["--output".into(), "locked/out".into()], unless root => |s| { std::fs::create_dir_all(s.scratch("locked")).unwrap(); chmod(&s.scratch("locked"), 0o555); };
}

/// A "billion laughs" document: nine levels of aliases, each nine times the one below,
/// under `key`.
fn alias_bomb(key: &str) -> String {
    let mut doc = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let levels = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in levels.windows(2) {
        let (below, this) = (pair[0], pair[1]);
        let refs = vec![format!("*{below}"); 9].join(",");
        doc += &format!("{this}: &{this} [{refs}]\n");
    }
    doc + &format!("{key}: *i\n")
}

/// Overwrites every file under `dir` with bytes that are no valid cache entry.
fn corrupt_files(dir: &Path) {
    for path in tree(dir).into_keys() {
        std::fs::write(dir.join(path), b"\xff\x00garbage").unwrap();
    }
}
