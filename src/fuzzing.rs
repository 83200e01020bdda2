//! Entry points of the fuzz targets in `fuzz/` (feature `fuzzing`, off by default). Each one
//! drives a real code path from raw bytes the way a build or the preview does, and checks
//! the promises its callers rely on; a panic is a finding. Nothing here prints.

use crate::cache::PageArtifacts;
use crate::config::Config;
use crate::content::{self, frontmatter, mojibake, Article};
use crate::dataset::{self, Dataset};
use crate::diagnostics::{Diagnostics, Location};
use crate::output::Output;
use crate::render::highlight::Highlighter;
use crate::render::markdown::{self, Origin, Rendered, Settings};
use crate::render::pages::RenderedPage;
use crate::site::{links, Site};
use std::sync::{Arc, OnceLock};

/// A small valid dataset (the test fixture): loaded beside fuzzed files and under rendered
/// articles, so references can resolve and validation goes past the first missing id.
const BASE_DATASET: &str = include_str!("../tests/fixtures/dataset/valid/content/data/model.yaml");
/// A second article of the fixture, the target of `.md` links and `article:` links.
const OTHER_ARTICLE: &str =
    include_str!("../tests/fixtures/dataset/valid/content/articles/patching.md");
/// The path a fuzzed article is read from.
const ARTICLE_PATH: &str = "content/articles/fuzz.md";

/// Front matter: the raw split and Obsidian header of the text, then the whole file parsed
/// into an [`Article`] as the build does, and its diagnostics rendered.
pub fn front_matter(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Ok(Some(block)) = frontmatter::split(text) {
            assert!(text.get(block.body_offset..).is_some(), "body offset");
        }
        if let Some(header) = content::obsidian::header(text) {
            assert!(text.get(header.body_offset..).is_some(), "header offset");
        }
    }
    let mut diags = Diagnostics::new();
    if let Some(article) = content::parse_article(ARTICLE_PATH, bytes, &mut diags) {
        let _ = article.body();
        assert!(!article.slug.is_empty() && !article.title.is_empty());
    }
    let _ = diags.render(false);
}

/// The dataset file names a chunk of fuzzed bytes may be read as.
const DATA_FILES: [&str; 8] = [
    "model.yaml",
    "services.yaml",
    "controls.yaml",
    "matrix.yaml",
    "scenarios.yaml",
    "guidance.yaml",
    "sources.yaml",
    "notes.yaml",
];

/// Dataset: the bytes, split at `0xFF` into up to eight files (each chunk's first byte picks
/// its name, bit `0x08` of the first one adds the valid fixture first), loaded and validated;
/// then the derived views every page uses, and the diagnostics rendered.
pub fn dataset(bytes: &[u8]) {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    if bytes.first().is_some_and(|b| b & 0x08 != 0) {
        files.push(("content/data/base.yaml".into(), BASE_DATASET.into()));
    }
    for chunk in bytes.split(|&b| b == 0xFF).take(8) {
        if let Some((&pick, yaml)) = chunk.split_first() {
            let name = DATA_FILES[usize::from(pick & 7)];
            files.push((format!("content/data/{name}"), yaml.to_vec()));
        }
    }
    let mut diags = Diagnostics::new();
    let ds = dataset::load(&files, &mut diags);
    for control in &ds.controls {
        let _ = ds.spread(&control.id);
        for service in &ds.services {
            let _ = ds.cell(&control.id, service);
        }
    }
    let _ = diags.render(false);
}

/// What every rendered article shares: configuration, dataset, highlighter, a second article.
struct RenderEnv {
    config: Config,
    dataset: Dataset,
    highlighter: Highlighter,
    other: Article,
}

fn render_env() -> &'static RenderEnv {
    static ENV: OnceLock<RenderEnv> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut diags = Diagnostics::new();
        let files = [("content/data/model.yaml".to_string(), BASE_DATASET.into())];
        let dataset = dataset::load(&files, &mut diags);
        let other = content::parse_article(
            "content/articles/patching.md",
            OTHER_ARTICLE.as_bytes(),
            &mut diags,
        )
        .expect("the fixture article parses");
        assert!(!diags.has_errors(), "the fixture is valid");
        RenderEnv {
            config: Config::default_for(std::path::Path::new("/fuzz")),
            dataset,
            highlighter: Highlighter::without_block_cache(),
            other,
        }
    })
}

/// One article: parsed, its body rendered through the Markdown renderer with the real
/// highlighter, Mermaid and link resolution against a small site, its summary rendered as
/// inline dataset text, and every recorded link checked against the site's pages.
pub fn render_article(bytes: &[u8]) {
    let env = render_env();
    let mut diags = Diagnostics::new();
    let Some(article) = content::parse_article(ARTICLE_PATH, bytes, &mut diags) else {
        return;
    };
    let site = Site::new(
        &env.config,
        vec![
            ("articles/fuzz.md", &article),
            ("articles/patching.md", &env.other),
        ],
        &env.dataset,
        Vec::new(),
    );
    let settings = |inline: bool| Settings {
        highlighter: &env.highlighter,
        links: &site,
        drop_first_h1: article.title_from_heading && !inline,
        inline,
        html: env.config.raw_html,
    };
    let origin = Origin::File {
        file: &article.source,
        base: article.body_offset,
        dir: "articles",
        url: "articles/fuzz/",
    };
    let body = markdown::render(article.body(), origin, &settings(false));
    if let Some(summary) = &article.summary {
        let at = Location::file(ARTICLE_PATH);
        let r = markdown::render(summary, Origin::Value(&at), &settings(true));
        diags.extend(r.diagnostics);
    }
    let pages = [
        page(site.article_url(&article), body),
        page(site.article_url(&env.other), Rendered::default()),
    ];
    let line_text =
        |_: &std::path::Path, line: usize| Some(article.source.line_text(line).to_string());
    links::check(
        &pages,
        &[],
        &line_text,
        crate::diagnostics::Severity::Error,
        &mut diags,
    );
    let _ = diags.render(false);
}

/// A page of the small site, as the link checker sees it.
fn page(url: String, rendered: Rendered) -> RenderedPage {
    let ids = links::ids_in(&rendered.html);
    RenderedPage {
        path: format!("{}index.html", url.trim_start_matches('/')),
        url,
        artifacts: Arc::new(PageArtifacts {
            html: rendered.html,
            ids,
            search: None,
            links: {
                let mut links = crate::render::markdown::PageLinks::default();
                links.add(&rendered.links);
                links
            },
            diagnostics: rendered.diagnostics,
        }),
        key: blake3::Hash::from_bytes([0; 32]),
        in_sitemap: true,
    }
}

/// Mojibake: [`mojibake::repair`] on the text, holding it to its promises (a repair damages
/// back into the input exactly, a suspicious offset points into the text), and on the text
/// damaged as Latin-1, which must repair back to the text exactly.
pub fn mojibake(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    match mojibake::repair(&text) {
        mojibake::Repair::Clean => {}
        mojibake::Repair::Repaired {
            text: fixed,
            replaced,
        } => {
            assert!(replaced > 0 && fixed.len() < text.len());
            assert!(damages_into(&fixed, &text), "repair is not exact");
        }
        mojibake::Repair::Suspicious { offset } => {
            assert!(offset < text.len() && text.is_char_boundary(offset));
        }
    }
    let damaged: String = text.bytes().map(char::from).collect();
    match mojibake::repair(&damaged) {
        mojibake::Repair::Repaired { text: fixed, .. } => {
            assert_eq!(fixed, text, "Latin-1 damage is not undone")
        }
        other => assert!(
            text.is_ascii() && other == mojibake::Repair::Clean,
            "{other:?}"
        ),
    }
}

/// Whether each UTF-8 byte of `fixed` reads as the matching character of `input` in
/// Latin-1, or, for bytes 0x80..=0x9F, as some Windows-1252 character above U+00FF.
fn damages_into(fixed: &str, input: &str) -> bool {
    let mut chars = input.chars();
    fixed.bytes().all(|b| {
        chars.next().is_some_and(|c| {
            c == char::from(b) || ((0x80..=0x9F).contains(&b) && u32::from(c) > 0xFF)
        })
    }) && chars.next().is_none()
}

/// The base paths a preview may serve under (as `base_url` gives them, percent-encoded).
const BASE_PATHS: [&str; 4] = ["/", "/docs/", "/caf%C3%A9/", "/a%20b/"];

/// The preview's URL handling: the bytes (after a selector byte: base path, loopback) are
/// both one request URL, resolved against a small site, and a connection's worth of
/// requests, read and answered as the preview does. Every file found must exist and lie in
/// the site; every response head must be plain ASCII with one header per line.
pub fn serve_url(bytes: &[u8]) {
    let Some((&pick, rest)) = bytes.split_first() else {
        return;
    };
    let base = BASE_PATHS[usize::from(pick & 3)];
    let mut output = Output::default();
    for key in [
        "index.html",
        "404.html",
        "articles/a/index.html",
        "static/style.css",
        "caf\u{e9}/index.html",
    ] {
        output.insert(key, format!("<html><body>{key}</body></html>"));
    }
    let url = String::from_utf8_lossy(rest);
    match crate::serve::resolve(&url, base, |k| output.files.contains_key(k)) {
        crate::serve::Resolved::File(key) => {
            assert!(output.files.contains_key(&key));
        }
        crate::serve::Resolved::Redirect(to) => {
            assert!(crate::serve::ascii_url(&to)
                .bytes()
                .all(|b| b.is_ascii_graphic()));
        }
        _ => {}
    }
    for reply in crate::serve::answer_requests(rest, base, output, pick & 4 != 0) {
        let end = reply.windows(4).position(|w| w == b"\r\n\r\n");
        let head = &reply[..end.expect("a response head ends with a blank line")];
        assert!(head.starts_with(b"HTTP/1.1 "));
        for line in head.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(line.iter().all(|&b| b == b' ' || b.is_ascii_graphic()));
        }
    }
}
