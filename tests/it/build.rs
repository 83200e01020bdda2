//! `build` and `check` on small fixture sites: front matter, configuration, messy notes,
//! encodings, code fences, links, atomic and deterministic output, sub-path base URLs,
//! slugs, drafts, `init` and theme overrides. Each fixture under `tests/fixtures/` is one
//! case of a few lines; every diagnostic is pinned at its `path:line:col`.

use crate::common::{
    absolute_urls, assert_same_tree, attribute_urls, ids_in, run_bin, tree, SiteTest, TempDir,
};

// ---- front matter and configuration -------------------------------------------------------

#[test]
fn front_matter_errors_are_reported_at_their_line_and_column_in_the_file() {
    let site = SiteTest::fixture("frontmatter/errors");
    site.run(["check"])
        .fails()
        .diagnostics_are(&[
            "content/articles/bad-date.md:3:7: error: date `2025-13-45` does not exist",
            "content/articles/unknown-key.md:3:1: error: unknown front-matter key `titel`",
        ])
        .counts(2, 0);
}

#[test]
fn a_date_with_a_multibyte_character_is_a_located_error_not_a_panic() {
    let site = SiteTest::fixture("dataset/valid");
    site.write(
        "content/articles/odd.md",
        "---\ntitle: Odd\ndate: 2025\u{e9}-01-01\n---\n\nText.\n",
    );
    site.run(["check"]).fails().diagnostics_are(&[
        "content/articles/odd.md:3:7: error: date `2025\u{e9}-01-01` must be written YYYY-MM-DD, YYYY-MM or YYYY",
    ]);
}

#[test]
fn unknown_config_key_is_a_configuration_error_at_its_position() {
    let site = SiteTest::fixture("config/unknown-key");
    for command in ["check", "build"] {
        site.run([command])
            .exit_code(2)
            .stderr_has("srm-docs.toml:2:1: error: unknown field `colour`")
            .stderr_has("2 | colour = \"red\"");
    }
    assert!(
        !site.public().exists(),
        "a configuration error writes nothing"
    );
}

// ---- messy notes --------------------------------------------------------------------------

#[test]
fn note_without_front_matter_takes_its_title_from_the_first_heading() {
    let site = SiteTest::fixture("notes/no-front-matter");
    site.run(["build"]).succeeds().diagnostics_are(&[
        "content/note.md:7:1: warning: unknown code language `klingon`: shown as plain text",
    ]);
    let page = site.page_links("note/index.html");
    assert!(page.contains("<title>The real title · "), "{page}");
    assert_eq!(
        page.matches("The real title</h1>").count(),
        1,
        "the heading became the page title and is not repeated"
    );
    assert!(page.contains("Some intro line"));
}

#[test]
fn obsidian_header_gives_the_date_and_tags() {
    let site = SiteTest::fixture("notes/obsidian");
    site.run(["build"]).succeeds().diagnostics_are(&[
        "content/model.md:1:1: warning: no front matter: date 2025-06-15 taken from the day-first timestamp line",
    ]);
    let page = site.page_links("model/index.html");
    assert!(page.contains("<time datetime=\"2025-06-15\">2025-06-15</time>"));
    assert!(page.contains("<h1 id=\"5-model\">5 - Model</h1>"), "{page}");
    assert!(
        !page.contains("Status :"),
        "the header is not part of the text"
    );
    for tag in ["aws", "security"] {
        assert!(page.contains(&format!("href=\"/tags/{tag}/\"")), "{tag}");
        let list = site.page_links(&format!("tags/{tag}/index.html"));
        assert!(list.contains("href=\"/model/\""), "{tag}");
    }
}

#[test]
fn mis_decoded_text_is_repaired_exactly() {
    let site = SiteTest::fixture("mojibake/repaired");
    let source = std::fs::read_to_string(site.path("content/shield.md")).unwrap();
    assert!(source.contains("â”Œâ”€â”€â”") && source.contains("ðŸ›¡ï¸"));
    site.run(["build"]).succeeds().diagnostics_are(&[
        "content/shield.md: warning: repaired 5 mis-decoded sequence(s): the text was UTF-8 read as Windows-1252",
    ]);
    let page = site.page_links("shield/index.html");
    assert!(page.contains("<code>┌──┐\n│  │\n└──┘\n</code>"), "{page}");
    assert!(page.contains("\u{1F6E1}\u{FE0F} Shield keeps the edge safe."));
    assert!(!page.contains("â”") && !page.contains("ðŸ"));
}

#[test]
fn mixed_genuine_and_mis_decoded_text_is_kept_with_a_warning() {
    let site = SiteTest::fixture("mojibake/mixed");
    site.run(["build"]).succeeds().diagnostics_are(&[
        "content/mixed.md:5:35: warning: text looks mis-decoded (UTF-8 read as Windows-1252) but cannot be repaired exactly; kept as is",
    ]);
    let page = site.page_links("mixed/index.html");
    assert!(page.contains("A genuine café and a damaged dash â€” here."));
}

#[test]
fn file_that_is_not_utf8_is_an_error_naming_it() {
    let site = SiteTest::fixture("encoding/not-utf8");
    site.run(["check"]).fails().diagnostics_are(&[
        "content/latin1.md:2:11: error: file is not valid UTF-8 (save it as UTF-8)",
    ]);
    site.run(["build"]).fails();
    assert!(!site.public().exists(), "a failed build writes nothing");
}

// ---- code fences --------------------------------------------------------------------------

#[test]
fn ascii_art_in_a_fence_without_language_is_kept_byte_for_byte() {
    let site = SiteTest::fixture("markdown/ascii-art");
    site.run(["build"]).succeeds().clean();
    let source = std::fs::read_to_string(site.path("content/art.md")).unwrap();
    let art = source
        .split_once("```\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(art, _)| art)
        .unwrap();
    assert!(art.contains('\t') && art.contains("  &") && art.contains('<'));
    let escaped = art
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let page = site.page_links("art/index.html");
    assert!(
        page.contains(&format!(
            "<pre class=\"plain\" tabindex=\"0\"><code>{escaped}</code></pre>"
        )),
        "{page}"
    );
}

#[test]
fn mermaid_block_becomes_an_inline_svg_image() {
    let site = SiteTest::fixture("markdown/mermaid");
    site.run(["build"]).succeeds().clean();
    let page = site.page_links("flow/index.html");
    let figure = "<figure class=\"diagram\" tabindex=\"0\">";
    let svg_at = page.find(&format!("{figure}<svg")).expect("inline svg") + figure.len();
    let svg_tag = &page[svg_at..page[svg_at..].find('>').unwrap() + svg_at];
    assert!(svg_tag.contains("role=\"img\""), "{svg_tag}");
    assert!(page.contains("<desc id=\"mermaid-1-desc\">flowchart LR"));
    assert!(!page.contains("language-mermaid"), "not left as source");
    // The theme's own scripts only (site.js and the search box's), on every page.
    assert_eq!(
        page.matches("<script").count(),
        2,
        "rendered at build time, no script but the theme's own"
    );
    assert!(page.contains("static/site.js\"></script>"));
}

#[test]
fn unknown_code_language_warns_at_the_fence_line() {
    let site = SiteTest::fixture("markdown/unknown-language");
    let warning =
        "content/code.md:7:1: warning: unknown code language `klingon`: shown as plain text";
    site.run(["build"]).succeeds().diagnostics_are(&[warning]);
    // A rebuild served from the build cache reports the same warning again.
    site.run(["build"]).succeeds().diagnostics_are(&[warning]);
    let page = site.page_links("code/index.html");
    assert!(page.contains(
        "<pre class=\"code\" data-lang=\"klingon\" tabindex=\"0\"><code>Qapla'\n</code></pre>"
    ));
}

// ---- links --------------------------------------------------------------------------------

#[test]
fn broken_md_links_and_anchors_are_all_reported_in_one_run() {
    let site = SiteTest::fixture("links/broken");
    site.run(["check"]).fails().counts(3, 0).diagnostics_are(&[
        "content/articles/a.md:7:5: error: link to `missing.md`: no such article",
        "content/articles/a.md:7:40: error: link to `/articles/b/#setup`: no such anchor on that page",
        "content/articles/a.md:8:9: error: link to `/articles/a/#nowhere`: no such anchor on that page",
    ]);
}

// ---- output -------------------------------------------------------------------------------

#[test]
fn failed_build_leaves_the_previous_output_byte_identical() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["build"]).succeeds();
    let before = tree(&site.public());
    assert!(before.contains_key("index.html") && before.len() > 20);
    site.write(
        "content/articles/broken.md",
        "---\ntitle: Broken\n---\n\nSee [nothing](nothing.md).\n",
    );
    site.run(["build"])
        .fails()
        .stderr_has("content/articles/broken.md:5:5: error: link to `nothing.md`: no such article")
        .stderr_has("left untouched");
    assert_same_tree(&before, &tree(&site.public()));
    let leftovers = site.staging_leftovers();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
}

#[test]
fn a_file_in_place_of_a_generated_page_is_an_error_and_the_failed_build_keeps_output_and_cache() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["build"]).succeeds();
    let before = tree(&site.public());
    // An unusable cache: the build starts cold and streams every page into a new cache file
    // as well as into the staging folder.
    let cache = b"not a cache".to_vec();
    std::fs::write(site.path(".srm-cache/build-cache.bin"), &cache).unwrap();
    // A file where the tag pages need a folder (found after every page was rendered and
    // streamed into the staging folder).
    site.write("content/tags", "not a folder");
    site.write(
        "content/articles/new.md",
        "---\ntitle: New\ntags: [fresh]\n---\n\nText.\n",
    );
    site.run(["build"])
        .fails()
        .stderr_has("content/tags: error: this file would replace the generated page `tags/")
        .stderr_has("left untouched");
    assert_same_tree(&before, &tree(&site.public()));
    let leftovers = site.staging_leftovers();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
    let cache_files: Vec<String> = std::fs::read_dir(site.path(".srm-cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(cache_files, ["build-cache.bin"]);
    assert_eq!(
        std::fs::read(site.path(".srm-cache/build-cache.bin")).unwrap(),
        cache,
        "the new cache file is abandoned and the old file left as it was"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let site = SiteTest::fixture("dataset/valid");
    let build_into = |name: &str, extra: &[&str]| {
        let out = site.scratch(name);
        let mut args = vec![
            "build".into(),
            "--output".into(),
            out.clone().into_os_string(),
        ];
        args.extend(extra.iter().map(Into::into));
        site.run(args).succeeds().clean();
        tree(&out)
    };
    // A cold build, a build from the warm cache and one with no cache at all.
    let first = build_into("one", &[]);
    assert!(first.len() > 20);
    assert_same_tree(&first, &build_into("two", &[]));
    assert_same_tree(&first, &build_into("three", &["--no-cache"]));
}

#[test]
fn base_url_sub_path_prefixes_every_internal_link_and_every_link_resolves() {
    let site = SiteTest::fixture("dataset/valid");
    site.run(["build", "--base-url", "https://kb.example.com/docs/"])
        .succeeds()
        .clean();
    let files = tree(&site.public());
    let ids_of = |file: &str| -> Vec<String> { ids_in(&String::from_utf8_lossy(&files[file])) };
    let mut checked = 0;
    for (file, bytes) in &files {
        if !file.ends_with(".html") {
            continue;
        }
        let html = absolute_urls(&String::from_utf8_lossy(bytes));
        for url in attribute_urls(&html) {
            checked += 1;
            if url.starts_with("http://") || url.starts_with("https://") {
                continue;
            }
            let (target, fragment) = match url.split_once('#') {
                Some((t, f)) => (t, Some(f)),
                None => (url.as_str(), None),
            };
            let target_file = if target.is_empty() {
                file.clone()
            } else {
                let rel = target
                    .strip_prefix("/docs/")
                    .unwrap_or_else(|| panic!("{file}: `{url}` does not start with /docs/"));
                let rel = rel.split('?').next().unwrap();
                if rel.is_empty() || rel.ends_with('/') {
                    format!("{rel}index.html")
                } else {
                    rel.to_string()
                }
            };
            assert!(
                files.contains_key(&target_file),
                "{file}: `{url}` points at {target_file}, which was not built"
            );
            if let Some(f) = fragment.filter(|f| !f.is_empty()) {
                assert!(
                    ids_of(&target_file).iter().any(|id| id == f),
                    "{file}: `{url}`: no id `{f}` in {target_file}"
                );
            }
        }
    }
    assert!(checked > 200, "only {checked} links found");
    let basics = site.page_links("articles/basics/index.html");
    for link in [
        "href=\"/docs/articles/patching/#checking-patch-state\"",
        "href=\"/docs/matrix/\"",
        "href=\"/docs/services/ec2/\"",
        "href=\"#on-ec2\"",
    ] {
        assert!(basics.contains(link), "{link}");
    }
    let sitemap = site.page_links("sitemap.xml");
    assert!(sitemap.contains("<loc>https://kb.example.com/docs/articles/basics/</loc>"));
}

// ---- articles -----------------------------------------------------------------------------

#[test]
fn url_collision_is_an_error_naming_both_files() {
    let site = SiteTest::fixture("slugs/collision");
    site.run(["check"]).fails().diagnostics_are(&[
        "content/guides/intro.md: error: URL `/guides/intro/` is already used by content/guides/intro/index.md: rename one file or set `slug:`",
    ]);
}

#[test]
fn drafts_are_built_only_with_the_drafts_flag() {
    let site = SiteTest::fixture("drafts");
    site.run(["build"]).succeeds().clean();
    assert!(site.built("articles/published/index.html"));
    assert!(!site.built("articles/unfinished/index.html"));
    assert!(!site
        .page_links("articles/index.html")
        .contains("Unfinished"));

    site.run(["build", "--drafts"]).succeeds().clean();
    assert!(site.built("articles/unfinished/index.html"));
    assert!(site
        .page_links("articles/index.html")
        .contains("Unfinished"));
}

#[test]
fn init_creates_a_site_that_builds_and_checks_without_warnings() {
    let dir = TempDir::new("init");
    let root = dir.path().join("new-site");
    run_bin(["init".as_ref(), root.as_os_str()], dir.path()).succeeds();
    let root_arg = root.as_os_str();
    run_bin(["check".as_ref(), "--root".as_ref(), root_arg], dir.path())
        .succeeds()
        .counts(0, 0);
    run_bin(["build".as_ref(), "--root".as_ref(), root_arg], dir.path())
        .succeeds()
        .stderr_has("with 0 warning(s)");
    assert!(root.join("public/articles/welcome/index.html").is_file());
    assert!(root.join("public/services/ec2/index.html").is_file());
    // A second `init` into the same folder refuses to overwrite.
    run_bin(["init".as_ref(), root_arg], dir.path())
        .exit_code(2)
        .stderr_has("already exists and is not empty");
}

#[test]
fn template_override_with_a_syntax_error_names_the_template_file_and_line() {
    let site = SiteTest::fixture("templates/syntax-error");
    site.run(["check"])
        .fails()
        .diagnostics_are(&[
            "themes/default/templates/article.html:3:22: error: template error: expected `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, `+`, `-`, `*`, `/`, `%`, a filter, or a variable end (`}}`)",
        ])
        .stderr_has("3 | <h1>{{ article.title }</h1>")
        .counts(1, 0);
    site.run(["build"]).fails();
    assert!(!site.public().exists());
}

#[test]
fn a_corrupt_or_foreign_cache_is_detected_ignored_and_never_changes_the_output() {
    let site = SiteTest::fixture("dataset/valid");
    let build_into = |name: &str| {
        let out = site.scratch(name);
        let run = site.run([
            "build".into(),
            "--output".into(),
            out.clone().into_os_string(),
        ]);
        run.succeeds();
        (run, tree(&out))
    };
    let (_, cold) = build_into("cold");
    let cache = site.path(".srm-cache/build-cache.bin");
    let mut bytes = std::fs::read(&cache).expect("the build wrote a cache");
    let last = bytes.len() - 10;
    bytes[last] ^= 0xff; // inside the last entry's payload: its checksum no longer matches
    std::fs::write(&cache, &bytes).unwrap();
    let (run, damaged) = build_into("damaged");
    run.stderr_has("1 corrupt entry ignored");
    assert_same_tree(&cold, &damaged);

    // A rendered page's entry (the first one, right after the version header) damaged too.
    let (_, _) = build_into("rewritten");
    let mut bytes = std::fs::read(&cache).unwrap();
    let tag_len = u64::from_le_bytes(bytes[8..16].try_into().unwrap()) as usize;
    let first_payload = 16 + tag_len + 1 + 32 + 32 + 8;
    assert_eq!(bytes[16 + tag_len], b'P', "the first entry is a page");
    bytes[first_payload + 5] ^= 0xff;
    std::fs::write(&cache, &bytes).unwrap();
    let (run, page_damaged) = build_into("page-damaged");
    run.stderr_has("1 corrupt entry ignored");
    assert_same_tree(&cold, &page_damaged);

    std::fs::write(&cache, b"not a cache at all").unwrap();
    let (run, foreign) = build_into("foreign");
    run.stderr_has("ignored: not an srm-docs cache file");
    assert_same_tree(&cold, &foreign);
}

#[test]
fn symbolic_links_inside_the_site_are_followed_and_the_others_skipped_with_warnings() {
    use std::os::unix::fs::symlink;
    let site = SiteTest::empty("symlinks");
    site.write("srm-docs.toml", "title = \"Links\"\n");
    site.write(
        "shared/linked.md",
        "---\ntitle: Linked note\ndate: 2026-01-01\n---\n\nReached through a link.\n",
    );
    std::fs::create_dir_all(site.path("content/articles")).unwrap();
    symlink(site.path("shared"), site.path("content/articles/shared")).unwrap();
    let outside = site.scratch("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.md"), "---\ntitle: Secret\n---\nx\n").unwrap();
    symlink(&outside, site.path("content/articles/outside")).unwrap();
    symlink(site.path("content"), site.path("content/articles/loop")).unwrap();
    site.run(["build"])
        .succeeds()
        .stderr_has("content/articles/outside: warning: symbolic link to ")
        .stderr_has("leaves the site folder: skipped")
        .stderr_has("content/articles/loop: warning: symbolic link loops back to content: skipped")
        .stderr_has("with 2 warning(s)");
    assert!(site.built("articles/shared/linked/index.html"));
    assert!(!site.built("articles/outside/secret/index.html"));
}

#[test]
fn a_content_folder_linked_from_elsewhere_is_read_and_links_inside_it_followed() {
    use std::os::unix::fs::symlink;
    let site = SiteTest::empty("linked-content");
    site.write("srm-docs.toml", "title = \"Vault\"\n");
    let vault = site.scratch("vault");
    std::fs::create_dir_all(vault.join("notes")).unwrap();
    std::fs::write(vault.join("notes/Roles.md"), "# Roles\n\nWho does what.\n").unwrap();
    symlink(vault.join("notes"), vault.join("alias")).unwrap();
    symlink(&vault, site.path("content")).unwrap();
    site.run(["build"])
        .succeeds()
        .stderr_has("with 0 warning(s)");
    assert!(site.built("notes/roles/index.html"));
    assert!(site.built("alias/roles/index.html"));
}

#[test]
fn an_unknown_theme_fails_the_build_at_its_line() {
    let site = SiteTest::empty("unknown-theme");
    site.write("srm-docs.toml", "title = \"T\"\ntheme = \"nope\"\n");
    site.run(["build"]).exit_code(2).diagnostics_are(&[
        "srm-docs.toml:2:9: error: unknown theme `nope`: there is no folder themes/nope/",
    ]);
    assert!(!site.public().exists());
}

#[test]
fn templates_that_call_themselves_are_errors_not_crashes() {
    let site = SiteTest::fixture("templates/syntax-error");
    site.write(
        "themes/default/templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}{% include \"article.html\" %}{% endblock content %}\n",
    );
    site.run(["check"])
        .exit_code(1)
        .diagnostics_are(&[
            "themes/default/templates/article.html:2:31: error: template `article.html` calls itself without end (article.html → article.html): rendering it would never finish",
        ]);
    site.write(
        "themes/default/templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ self::deep(n=1) }}{% endblock content %}\n\
         {% macro deep(n) %}{{ self::deep(n=n+1) }}{% endmacro deep %}\n",
    );
    site.run(["build"])
        .exit_code(1)
        .stderr_has("error: macro `article.html::deep` calls itself without end")
        .stderr_lacks("overflow");
    assert!(!site.public().exists());
}

/// Articles render in one batch (a slice of at most 256) and every other page in another:
/// the same failure is reported once per batch, not once per page.
#[test]
fn a_render_error_in_a_base_template_names_that_file_and_line_once_per_render_batch() {
    let site = SiteTest::fixture("templates/syntax-error");
    let base = std::fs::read_to_string(
        std::path::Path::new(crate::common::MANIFEST_DIR)
            .join("themes/default/templates/base.html"),
    )
    .unwrap();
    std::fs::remove_file(site.path("themes/default/templates/article.html")).unwrap();
    site.write(
        "themes/default/templates/base.html",
        base.replacen("<footer", "{{ nope.missing }}<footer", 1),
    );
    let run = site.run(["check"]);
    run.exit_code(1);
    let lines = run.headlines();
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(
            line.starts_with("themes/default/templates/base.html:")
                && line.ends_with("Variable `nope.missing` not found in context"),
            "{line}"
        );
    }
    assert!(
        lines.len() <= 2,
        "one error for the articles, one for the other pages: {lines:?}"
    );
}

#[test]
fn a_content_file_that_replaces_a_theme_file_is_a_warning() {
    let site = SiteTest::fixture("templates/syntax-error");
    std::fs::remove_file(site.path("themes/default/templates/article.html")).unwrap();
    site.write("content/static/style.css", "body { color: red }\n");
    site.run(["build"])
        .succeeds()
        .stderr_has(
            "content/static/style.css: warning: this file replaces the theme's `static/style.css`; \
             to change the theme, put it in themes/default/static/style.css instead",
        )
        .stderr_has("with 1 warning(s)");
    assert_eq!(site.page_links("static/style.css"), "body { color: red }\n");
}
