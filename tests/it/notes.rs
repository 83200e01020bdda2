//! Notes from other tools built as they are: front matter of Jekyll, Hugo (TOML), MkDocs and
//! Obsidian, titles, URLs from the content tree, links, and foreign syntax. Each fixture
//! under `tests/fixtures/notes/` is written in the shape of one tool's files.

use crate::common::SiteTest;

// ---- front matter -------------------------------------------------------------------------

#[test]
fn jekyll_keys_are_mapped_kept_for_templates_and_reported_once_per_name() {
    let site = SiteTest::fixture("notes/jekyll-front-matter");
    let kept = |key: &str, files: &str| {
        format!("front-matter key `{key}` is not one srm-docs uses: kept for templates as `article.extra.{key}` ({files})")
    };
    let expected = [
        format!(
            "content/guides/faq.md:2:1: warning: {}",
            kept("layout", "2 files")
        ),
        format!(
            "content/guides/faq.md:5:1: warning: {}",
            kept("mitre_tactic", "1 file")
        ),
        format!(
            "content/guides/getting-started.md:10:1: warning: {}",
            kept("nav_order", "1 file")
        ),
    ];
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    site.run(["build"]).succeeds().diagnostics_are(&expected);
    let page = site.page_links("guides/getting-started/index.html");
    assert!(
        page.contains("<p class=\"layout\">layout=post</p>"),
        "{page}"
    );
    assert!(
        page.contains("content=\"How to set up the tool in five minutes.\""),
        "excerpt is the summary: {page}"
    );
    let tags = site.page_links("tags/index.html");
    for tag in ["setup", "basics", "questions"] {
        assert!(tags.contains(&format!("/tags/{tag}/")), "{tag}: {tags}");
    }
}

#[test]
fn an_old_url_gets_a_redirect_page_to_the_new_one() {
    let site = SiteTest::fixture("notes/jekyll-front-matter");
    site.run(["build"]).succeeds();
    let permalink = site.page_links("docs/getting-started/index.html");
    assert!(
        permalink.contains("url=/guides/getting-started/"),
        "a permalink too: {permalink}"
    );
    let redirect = site.page_links("old/start/index.html");
    assert!(
        redirect
            .contains("<meta http-equiv=\"refresh\" content=\"0; url=/guides/getting-started/\">"),
        "{redirect}"
    );
    assert!(redirect
        .contains("<link rel=\"canonical\" href=\"http://localhost/guides/getting-started/\">"));
}

#[test]
fn toml_front_matter_is_read_like_yaml() {
    let site = SiteTest::fixture("notes/hugo-toml");
    site.run(["build"]).succeeds().diagnostics_are(&[
        "content/aws/iam-roles.md:11:2: warning: front-matter key `menu` is not one srm-docs uses: kept for templates as `article.extra.menu` (1 file)",
    ]);
    let page = site.page_links("aws/iam-roles/index.html");
    assert!(page.contains("<title>IAM roles · "), "{page}");
    assert!(!page.contains("+++"), "the TOML is not shown as text");
    assert!(page.contains("<time datetime=\"2024-02-01\">"), "{page}");
    assert!(
        page.contains("<time datetime=\"2024-03-05\">"),
        "lastmod is the update date"
    );
    assert!(page.contains("content=\"Temporary credentials for workloads.\""));
    for tag in ["iam", "roles", "sts"] {
        assert!(page.contains(&format!("/tags/{tag}/")), "{tag}");
    }
    assert!(site
        .page("docs/iam/roles/index.html")
        .contains("url=/aws/iam-roles/"));
}

#[test]
fn a_near_miss_of_a_known_key_is_an_error_with_did_you_mean() {
    let site = SiteTest::empty("typo");
    site.write(
        "content/a.md",
        "---\ntitle: A\ntgas: [x]\naliases_extra: y\n---\nText.\n",
    );
    site.run(["check"])
        .fails()
        .stderr_has("content/a.md:3:1: error: unknown front-matter key `tgas`")
        .stderr_has("did you mean `tags`?")
        .stderr_has("front-matter key `aliases_extra` is not one srm-docs uses")
        .stderr_lacks("anchors and aliases");
}

// ---- titles -------------------------------------------------------------------------------

/// The `<title>` text of a built page (before the site name).
fn title_of(site: &SiteTest, page: &str) -> String {
    let html = site.page_links(page);
    let start = html.find("<title>").expect("a title") + "<title>".len();
    let end = html[start..].find(" · ").expect("the site name") + start;
    html[start..end].to_string()
}

#[test]
fn an_obsidian_note_is_titled_by_its_file_name_not_its_first_line_or_callout() {
    let site = SiteTest::fixture("notes/obsidian-titles");
    site.run(["build"]).succeeds().clean();
    assert_eq!(
        title_of(&site, "security/aws-iam-roles/index.html"),
        "AWS IAM Roles"
    );
    assert_eq!(
        title_of(&site, "security/incident_response-plan/index.html"),
        "Incident response plan"
    );
}

#[test]
fn a_heading_title_is_plain_text_and_keeps_its_anchors() {
    let site = SiteTest::fixture("notes/aws-heading-anchors");
    site.run(["build"]).succeeds().clean();
    let page = site.page_links("lambda/lambda-intro-execution-role/index.html");
    assert!(page.contains("<title>Lambda execution role · "), "{page}");
    assert!(
        page.contains("<h1 id=\"lambda-execution-role\">Lambda execution role</h1>"),
        "{page}"
    );
    assert!(
        page.contains("<a name=\"lambda-intro-execution-role\"></a>"),
        "{page}"
    );
    assert!(
        page.contains("an *IAM role* that"),
        "escapes are text: {page}"
    );
    assert_eq!(page.matches("Lambda execution role</h1>").count(), 1);
}

#[test]
fn a_template_tag_is_never_a_title() {
    let site = SiteTest::fixture("notes/jekyll-include-first");
    site.run(["build"]).succeeds();
    assert_eq!(title_of(&site, "setup-guide/index.html"), "Setup guide");
}

// ---- URLs ---------------------------------------------------------------------------------

#[test]
fn urls_follow_the_content_tree_with_folder_pages() {
    let site = SiteTest::fixture("notes/mkdocs-tree");
    site.run(["build"]).succeeds().clean();
    for page in [
        "index.html",
        "aws/index.html",
        "aws/iam/roles/index.html",
        "aws/iam/policy-basics/index.html",
        "aws/iam/index.html",
        "azure/index.html",
        "azure/entra-id/index.html",
    ] {
        assert!(site.built(page), "{page}");
    }
    let home = site.page_links("index.html");
    assert!(
        home.contains("<title>Welcome · "),
        "index.md is the home page: {home}"
    );
    let aws = site.page_links("aws/index.html");
    assert!(
        aws.contains("AWS overview"),
        "README.md is the folder's page: {aws}"
    );
    let iam = site.page_links("aws/iam/index.html");
    assert!(
        iam.contains("<h1>Iam</h1>"),
        "a generated folder page: {iam}"
    );
    assert!(iam.contains("href=\"/aws/iam/roles/\""), "{iam}");
    assert!(
        iam.contains("href=\"/aws/iam/policy-basics/\""),
        "slug renames the page: {iam}"
    );
    let azure = site.page_links("azure/index.html");
    assert!(azure.contains("href=\"/azure/entra-id/\""), "{azure}");
    let all = site.page_links("articles/index.html");
    assert_eq!(all.matches("class=\"article-item\"").count(), 5, "{all}");
}

#[test]
fn the_same_file_name_in_two_folders_gives_two_pages() {
    let site = SiteTest::empty("same-name");
    site.write("content/guides/intro.md", "# Guide intro\n");
    site.write("content/notes/intro.md", "# Notes intro\n");
    site.run(["build"]).succeeds().clean();
    assert!(site
        .page_links("guides/intro/index.html")
        .contains("Guide intro"));
    assert!(site
        .page_links("notes/intro/index.html")
        .contains("Notes intro"));
}

// ---- links --------------------------------------------------------------------------------

#[test]
fn github_style_links_folder_links_and_a_name_anchors_resolve() {
    let site = SiteTest::fixture("notes/github-wiki-links");
    site.run(["build"]).succeeds().clean();
    let home = site.page_links("index.html");
    for link in [
        "href=\"#purple-teaming-adversary-emulation\"",
        "href=\"/docs/\"",
        "href=\"/docs/setup/\"",
        "href=\"/docs/setup/#legacy\"",
    ] {
        assert!(home.contains(link), "{link}: {home}");
    }
    assert!(site
        .page_links("docs/setup/index.html")
        .contains("href=\"/\""));
}

#[test]
fn images_beside_a_page_are_copied_rewritten_and_checked() {
    let site = SiteTest::fixture("notes/mkdocs-images");
    site.run(["build"]).succeeds().clean();
    let page = site.page_links("guide/flow/index.html");
    assert!(
        page.contains("<img src=\"/guide/img/flow.png\" alt=\"The flow\">"),
        "{page}"
    );
    assert!(
        page.contains("<img src=\"/guide/img/flow.png\" alt=\"The same flow, in HTML\""),
        "{page}"
    );
    assert!(page.contains("href=\"/guide/img/flow.png\""), "{page}");
    assert!(site.built("guide/img/flow.png"));

    std::fs::remove_file(site.path("content/guide/img/flow.png")).unwrap();
    site.write(
        "content/guide/remote.md",
        "![x](https://example.org/x.png)\n",
    );
    site.run(["check"])
        .fails()
        .stderr_has("content/guide/flow.md:3:1: error: image `img/flow.png` not found")
        .stderr_has("content/guide/flow.md:5:11: error: image `img/flow.png` not found")
        .stderr_has("content/guide/remote.md:1:1: warning: image from another site `https://example.org/x.png`");
}

#[test]
fn site_style_links_resolve_against_the_content_tree() {
    let site = SiteTest::fixture("notes/hugo-site-links");
    site.run(["build"]).succeeds().clean();
    site.write(
        "content/configuration/broken.md",
        "+++\ntitle = \"B\"\n+++\n[x](/getting-started/uninstall/)\n",
    );
    site.run(["check"]).fails().stderr_has(
        "content/configuration/broken.md:4:1: error: link to `/getting-started/uninstall/`: no such page in the site",
    );
}

#[test]
fn broken_links_can_be_warnings_while_an_import_is_cleaned_up() {
    let site = SiteTest::fixture("notes/links-warn");
    site.run(["build"])
        .succeeds()
        .stderr_has("content/note.md:3:3: warning: link to `missing.md`: no such article")
        .stderr_has(
            "content/note.md:3:33: warning: link to `/note/#nowhere`: no such anchor on that page",
        )
        .stderr_has("content/note.md:3:64: warning: image `gone.png` not found");
    std::fs::write(site.path("srm-docs.toml"), "title = \"Strict\"\n").unwrap();
    site.run(["check"]).fails().counts(3, 0);
}

// ---- syntax of other tools ----------------------------------------------------------------

#[test]
fn obsidian_callouts_become_admonitions() {
    let site = SiteTest::fixture("notes/obsidian-callouts");
    site.run(["build"]).succeeds().clean();
    let page = site.page_links("callout-note/index.html");
    assert!(page.contains("<title>Callout note · "), "{page}");
    assert!(page.contains("<div class=\"admonition admonition-note kind-info\">\n<p class=\"admonition-title\">Here's a callout title</p>\n<p>Here's a callout block.</p>\n</div>"), "{page}");
    assert!(page.contains("<details class=\"admonition admonition-warning kind-faq\">\n<summary class=\"admonition-title\">Are callouts foldable?</summary>"), "{page}");
    assert!(
        page.contains("<p class=\"admonition-title\">Tip</p>"),
        "{page}"
    );
    assert!(!page.contains("[!"), "no marker is left: {page}");
}

#[test]
fn github_alerts_become_admonitions() {
    let site = SiteTest::fixture("notes/github-alerts");
    site.run(["build"]).succeeds().clean();
    let page = site.page_links("index.html");
    assert!(page.contains("<div class=\"admonition admonition-note kind-note\">\n<p class=\"admonition-title\">Note</p>\n<p>Useful information"), "{page}");
    assert!(
        page.contains("<div class=\"admonition admonition-warning kind-caution\">"),
        "{page}"
    );
}

#[test]
fn mkdocs_admonitions_tabs_and_fence_titles_render() {
    let site = SiteTest::fixture("notes/mkdocs-admonitions");
    site.run(["build"]).succeeds().clean();
    let page = site.page_links("setup/installation/index.html");
    assert!(page.contains("<p class=\"admonition-title\">Before you start</p>\n<p>You need Python 3.9 or later.</p>"), "{page}");
    assert!(page.contains("<div class=\"code-title\">Check your version</div>\n<pre class=\"code\" data-lang=\"sh\" tabindex=\"0\">"), "{page}");
    assert!(page.contains("<details class=\"admonition admonition-warning kind-warning\">\n<summary class=\"admonition-title\">Older versions</summary>"), "{page}");
    assert!(
        page.contains("<details class=\"admonition admonition-tip kind-tip\" open>"),
        "nested and open: {page}"
    );
    assert!(
        page.contains("<p class=\"admonition-title\">pip</p>\n<p>Install with pip.</p>"),
        "a tab: {page}"
    );
    assert!(page.contains("<p>After the blocks.</p>"), "{page}");
    assert!(!page.contains("!!!") && !page.contains("???"), "{page}");
    assert!(
        !page.contains("<pre class=\"plain\" tabindex=\"0\"><code>You need"),
        "bodies are not code: {page}"
    );
}

#[test]
fn wikilinks_and_embeds_resolve_by_name_title_or_alias() {
    let site = SiteTest::fixture("notes/obsidian-wikilinks");
    site.run(["build"]).succeeds().clean();
    let roles = site.page_links("security/iam-roles/index.html");
    assert!(
        roles.contains("<a href=\"/cloud/shared-model/\">the shared model</a>"),
        "{roles}"
    );
    assert!(
        roles.contains("href=\"/cloud/shared-model/#who-patches\""),
        "{roles}"
    );
    assert!(
        roles.contains("<img src=\"/Security/Attachments/Pasted%20image%201.png\""),
        "{roles}"
    );
    assert!(
        roles.contains("<a href=\"#trust-policies\">this note</a>"),
        "{roles}"
    );
    assert!(site.built("Security/Attachments/Pasted image 1.png"));
    let model = site.page_links("cloud/shared-model/index.html");
    assert!(
        model.contains("<a href=\"/security/iam-roles/\">AWS IAM</a>"),
        "an alias: {model}"
    );
    assert!(
        model.contains("<a href=\"/security/iam-roles/\">IAM Roles</a>"),
        "a note embed is a link: {model}"
    );
    assert!(
        model.contains("<a href=\"/security/iam-roles/\">roles</a>"),
        "a table's escaped pipe: {model}"
    );
    assert!(!model.contains("[["), "{model}");
}

#[test]
fn definition_lists_render() {
    let site = SiteTest::fixture("notes/hugo-definition-list");
    site.run(["build"]).succeeds().clean();
    let page = site.page_links("settings/index.html");
    assert!(
        page.contains(
            "<dt id=\"baseurl\"><code>baseURL</code></dt>\n<dd>The absolute URL of the published site.</dd>"
        ),
        "{page}"
    );
}

#[test]
fn hugo_shortcodes_are_translated_or_removed_with_a_warning() {
    let site = SiteTest::fixture("notes/hugo-shortcodes");
    site.run(["build"]).succeeds().diagnostics_are(&[
        "content/docs/overview.md:17:1: warning: Hugo shortcode `{{< youtube >}}` has no equivalent here: removed",
    ]);
    let page = site.page_links("docs/overview/index.html");
    assert!(
        page.contains("<a href=\"/docs/install/\">install guide</a>"),
        "{page}"
    );
    assert!(
        page.contains("<img src=\"/docs/images/arch.png\" alt=\"Architecture\" />"),
        "{page}"
    );
    assert!(page.contains("<div class=\"admonition admonition-warning kind-warning\">\n<p class=\"admonition-title\">Before upgrading</p>\n<p>Back up your data.</p>\n</div>"), "{page}");
    assert!(page.contains("data-lang=\"go\""), "{page}");
    assert!(
        page.contains("{{ .Title }}"),
        "code keeps its braces: {page}"
    );
    assert!(
        !page.contains("{{&lt;") && !page.contains("{{<") && !page.contains("youtube"),
        "{page}"
    );
}

#[test]
fn jekyll_liquid_is_translated_or_removed_with_a_warning() {
    let site = SiteTest::fixture("notes/jekyll-liquid");
    site.run(["build"]).succeeds().diagnostics_are(&[
        "content/_docs/structure.md:5:1: warning: Liquid tag `{% include %}` has no equivalent here: removed",
    ]);
    let page = site.page_links("docs/structure/index.html");
    assert!(page.contains("<a href=\"/docs/\">the index</a>"), "{page}");
    assert!(
        page.contains("<a href=\"/docs/assets/\">assets</a>"),
        "{page}"
    );
    assert!(page.contains("data-lang=\"ruby\""), "{page}");
    assert!(
        page.contains("{{ page.title }}"),
        "code keeps its braces: {page}"
    );
    assert!(page.contains("<a id=\"layouts-folder\"></a>"), "{page}");
    assert!(!page.contains("{%") && !page.contains("{:"), "{page}");
}

// ---- warnings -----------------------------------------------------------------------------

#[test]
fn frequent_warnings_are_summarised_in_one_line_and_verbose_lists_them_all() {
    let site = SiteTest::fixture("notes/noisy-warnings");
    site.run(["build"]).succeeds().diagnostics_are(&[
        "content/note-1.md:3:1: warning: unknown code language `klingon`: shown as plain text — 5 times, also at content/note-2.md:3:1, content/note-3.md:3:1, content/note-4.md:3:1, … (--verbose lists them all)",
    ]);
    let verbose = site.run(["build", "--verbose"]);
    verbose.succeeds();
    assert_eq!(verbose.headlines().len(), 5, "{verbose:?}");
    assert!(verbose
        .stderr_lacks("`text`")
        .stderr_lacks("`tree`")
        .headlines()[4]
        .starts_with("content/note-5.md:3:1: warning: unknown code language `klingon`"));
}

#[test]
fn hugo_translations_and_pages_beside_their_folders_find_their_urls() {
    let site = SiteTest::fixture("notes/hugo-translations");
    site.run(["build"]).succeeds().clean();
    assert!(site
        .page_links("basics/index.html")
        .contains("<title>Basics · "));
    assert!(site
        .page("fr/basics/index.html")
        .contains("<title>Les bases · "));
    let guide = site.page_links("guide/index.html");
    assert!(
        guide.contains("<title>Guide · "),
        "the page beside the folder: {guide}"
    );
    assert!(guide.contains("href=\"/guide/step/\""), "{guide}");
}

#[test]
fn comments_highlights_attribute_lists_and_icons_are_not_printed() {
    let site = SiteTest::fixture("notes/obsidian-inline");
    site.run(["build"]).succeeds().diagnostics_are(&[
        "content/Inline syntax.md:8:49: warning: MkDocs icon `:…:` has no equivalent here: removed",
    ]);
    let page = site.page_links("inline-syntax/index.html");
    assert!(
        page.contains("Some <mark>highlighted</mark> words  here."),
        "{page}"
    );
    assert!(
        !page.contains("hidden comment") && !page.contains("several lines"),
        "{page}"
    );
    assert!(
        page.contains("<a href=\"/inline-syntax/\">Get started</a>  done."),
        "{page}"
    );
    assert!(
        !page.contains("md-button") && !page.contains(":material"),
        "{page}"
    );
}

#[test]
fn a_github_style_heading_id_resolves_from_another_page() {
    let site = SiteTest::empty("github-ids");
    site.write("srm-docs.toml", "title = \"Ids\"\n");
    site.write(
        "content/playbook.md",
        "# Playbook\n\n## Purple Teaming & Adversary Emulation\n\nRun both sides.\n",
    );
    site.write(
        "content/readme.md",
        "# Start\n\nSee [the exercise](playbook.md#purple-teaming--adversary-emulation).\n",
    );
    site.run(["build"])
        .succeeds()
        .stderr_has("with 0 warning(s)");
    let page = site.page("playbook/index.html");
    assert!(
        page.contains("<span id=\"purple-teaming--adversary-emulation\"></span>"),
        "{page}"
    );
}

#[test]
fn an_admonition_title_renders_its_markdown_and_drops_theme_icons() {
    let site = SiteTest::empty("admonition-title");
    site.write("srm-docs.toml", "title = \"Titles\"\n");
    site.write(
        "content/page.md",
        "# Page\n\n!!! example \":octicons-file-code-16: `docs/page.md` <b>\"\n    Body.\n",
    );
    site.run(["build"])
        .succeeds()
        .stderr_has("MkDocs icon `:…:` has no equivalent here: removed");
    let page = site.page("page/index.html");
    assert!(
        page.contains("<p class=\"admonition-title\"><code>docs/page.md</code> &lt;b&gt;</p>"),
        "{page}"
    );
}
