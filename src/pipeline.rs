//! The one pipeline shared by `build`, `check` and `serve`:
//! read sources (I/O) → parse articles and dataset → site graph → render pages → link check
//! → [`Output`]. Everything after [`read_sources`] is a pure function of its inputs, so
//! `serve` reruns it from memory and tests run it without files.

use crate::cache::{hash_parts, BuildCache};
use crate::config::Config;
use crate::content::{parse_article, Article};
use crate::dataset::{self, Dataset};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::output::Output;
use crate::render::highlight::Highlighter;
use crate::render::templates::{self, TemplateFile};
use crate::site::{extras, links, pages, Site};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Raw inputs of a build, read from disk once.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Markdown files: (path relative to the root, e.g. `content/articles/x.md`, bytes).
    pub markdown: Vec<(String, Vec<u8>)>,
    /// Dataset files: (path relative to the root, bytes).
    pub data: Vec<(String, Vec<u8>)>,
    /// Other files under `content/`, copied as they are: (path relative to `content/`, bytes).
    pub assets: Vec<(String, Vec<u8>)>,
    /// Theme template overrides.
    pub templates: Vec<TemplateFile>,
    /// Theme static overrides: (path relative to `static/`, bytes).
    pub statics: Vec<(String, Vec<u8>)>,
}

/// Things built once per process and reused by every build.
#[derive(Default)]
pub struct Engine {
    /// Syntax sets, role selectors and the highlighted-block cache.
    pub highlighter: Highlighter,
    /// Per-stage memoisation (see [`crate::cache`]).
    pub cache: BuildCache,
}

/// Switches for one build.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Include drafts.
    pub drafts: bool,
}

/// Counts and timings of a build.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Articles rendered.
    pub articles: usize,
    /// HTML pages written.
    pub pages: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: usize,
    /// Time per stage.
    pub timings: Vec<(&'static str, Duration)>,
}

/// The result of a build: the site (when there were no errors) and every diagnostic.
pub struct BuildResult {
    /// The built site; `None` when the content has errors.
    pub output: Option<Output>,
    /// All errors and warnings.
    pub diagnostics: Diagnostics,
    /// Counts and timings.
    pub stats: Stats,
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Reads every input of the site under `config.root` (the I/O edge).
pub fn read_sources(config: &Config) -> Result<Sources, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut sources = Sources::default();
    let root = &config.root;
    let content = root.join("content");
    let output = config.output_dir.canonicalize().ok();
    if content.is_dir() {
        for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        Location::file(rel(root, &content)),
                        e.to_string(),
                    ));
                    continue;
                }
            };
            let path = entry.path();
            if !entry.file_type().is_file() || is_hidden(path, &content) {
                continue;
            }
            if output.as_deref().is_some_and(|o| path.starts_with(o)) {
                continue;
            }
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        Location::file(rel(root, path)),
                        format!("cannot read: {e}"),
                    ));
                    continue;
                }
            };
            let in_data = path.starts_with(content.join("data"));
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            match (in_data, ext) {
                (true, "yaml" | "yml") => sources.data.push((rel(root, path), bytes)),
                (false, "md" | "markdown") => sources.markdown.push((rel(root, path), bytes)),
                _ => sources.assets.push((rel(&content, path), bytes)),
            }
        }
    }
    let theme_dir = root.join("themes").join(&config.theme);
    match templates::read_overrides(&theme_dir) {
        Ok(t) => sources.templates = t,
        Err(d) => diags.push(d),
    }
    let static_dir = theme_dir.join("static");
    if static_dir.is_dir() {
        for e in walkdir::WalkDir::new(&static_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() {
                match std::fs::read(e.path()) {
                    Ok(b) => sources.statics.push((rel(&static_dir, e.path()), b)),
                    Err(err) => {
                        diags.push(Diagnostic::error(Location::file(e.path()), err.to_string()))
                    }
                }
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(sources)
    }
}

fn is_hidden(path: &Path, base: &Path) -> bool {
    path.strip_prefix(base)
        .map(|p| {
            p.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .unwrap_or(false)
}

/// Parses every article (in parallel, memoised by path and bytes), reporting slug collisions.
pub fn parse_articles(
    sources: &Sources,
    opts: BuildOptions,
    cache: &BuildCache,
    diags: &mut Diagnostics,
) -> Vec<(String, Article)> {
    let parsed: Vec<(String, Arc<crate::cache::ParsedArticle>)> = sources
        .markdown
        .par_iter()
        .map(|(path, bytes)| {
            let key = hash_parts([path.as_bytes(), bytes.as_slice()]);
            let entry = cache.articles.get_or(key, || {
                let mut d = Diagnostics::new();
                let a = parse_article(path, bytes, &mut d);
                Arc::new((a, d))
            });
            (path.clone(), entry)
        })
        .collect();
    let mut out: Vec<(String, Article)> = Vec::new();
    let mut slugs: HashMap<String, String> = HashMap::new();
    for (path, entry) in parsed {
        diags.extend(entry.1.clone());
        let Some(article) = entry.0.clone() else {
            continue;
        };
        if article.draft && !opts.drafts {
            continue;
        }
        if let Some(first) = slugs.get(&article.slug) {
            diags.push(Diagnostic::error(
                Location::file(&path),
                format!(
                    "slug `{}` is already used by {first}: rename one file or set `slug:`",
                    article.slug
                ),
            ));
            continue;
        }
        slugs.insert(article.slug.clone(), path.clone());
        let content_rel = path.strip_prefix("content/").unwrap_or(&path).to_string();
        out.push((content_rel, article));
    }
    out
}

/// Builds the whole site from its sources. Pure: no file is read or written.
pub fn build(
    config: &Config,
    sources: &Sources,
    engine: &Engine,
    opts: BuildOptions,
) -> BuildResult {
    let mut diags = Diagnostics::new();
    let mut stats = Stats::default();
    let mut clock = Instant::now();
    let mut lap = |name: &'static str, stats: &mut Stats| {
        stats.timings.push((name, clock.elapsed()));
        clock = Instant::now();
    };
    // The embedded theme counts too: a new binary with a changed template must not reuse
    // pages cached by an older one.
    let templates_key = hash_parts(
        templates::DEFAULT_TEMPLATES
            .iter()
            .flat_map(|(n, t)| [n.as_bytes(), t.as_bytes()])
            .chain(sources.templates.iter().flat_map(|(n, t, p)| {
                [n.as_bytes(), t.as_bytes(), p.as_os_str().as_encoded_bytes()]
            })),
    );
    let tera = engine.cache.templates.get_or(templates_key, || {
        Arc::new(templates::load(&sources.templates))
    });
    if let Err(errors) = tera.as_ref() {
        for e in errors {
            diags.push(e.clone());
        }
    }
    let articles = parse_articles(sources, opts, &engine.cache, &mut diags);
    let data_key = hash_parts(
        sources
            .data
            .iter()
            .flat_map(|(p, b)| [p.as_bytes(), b.as_slice()]),
    );
    let data = engine.cache.dataset.get_or(data_key, || {
        let mut d = Diagnostics::new();
        let ds = dataset::load(&sources.data, &mut d);
        Arc::new((ds, d))
    });
    diags.extend(data.1.clone());
    let dataset: &Dataset = &data.0;
    lap("parse", &mut stats);
    let mut site = Site::new(
        config,
        articles.iter().map(|(p, a)| (p.as_str(), a)).collect(),
        dataset,
    );
    site.data_key = data_key;
    let site_ctx = pages::site_context(&site);
    let salt = pages::render_salt(templates_key, &site_ctx);
    let builder = pages::PageBuilder::new(&site, &engine.highlighter, &engine.cache, salt);
    let page_list = builder.all();
    diags.extend(builder.diagnostics.into_inner().expect("diags"));
    lap("markdown", &mut stats);
    let Ok(tera) = tera.as_ref() else {
        return BuildResult {
            output: None,
            diagnostics: diags,
            stats,
        };
    };
    let rendered = pages::render_pages(
        tera,
        templates_key,
        &site_ctx,
        page_list,
        &engine.cache,
        &mut diags,
    );
    lap("templates", &mut stats);
    let mut output = Output::default();
    let mut extra_paths = Vec::new();
    let mut add = |output: &mut Output, path: &str, bytes: Vec<u8>| {
        extra_paths.push(format!("{}{}", config.base_path, path));
        output.insert(path, bytes);
    };
    for (path, bytes) in templates::DEFAULT_STATIC {
        add(&mut output, path, bytes.to_vec());
    }
    for (path, bytes) in &sources.statics {
        add(&mut output, &format!("static/{path}"), bytes.clone());
    }
    add(
        &mut output,
        "static/highlight.css",
        engine
            .highlighter
            .stylesheet(&config.light_theme, &config.dark_theme)
            .into_bytes(),
    );
    for (path, bytes) in &sources.assets {
        add(&mut output, path, bytes.clone());
    }
    add(
        &mut output,
        "sitemap.xml",
        extras::sitemap(&site, &rendered).into_bytes(),
    );
    add(&mut output, "atom.xml", extras::atom(&site).into_bytes());
    add(
        &mut output,
        "search-index.json",
        extras::search_index(&rendered).into_bytes(),
    );
    if !dataset.services.is_empty() {
        add(
            &mut output,
            "data/matrix.json",
            extras::matrix_json(&site).into_bytes(),
        );
        add(
            &mut output,
            "data/matrix.csv",
            extras::matrix_csv(&site).into_bytes(),
        );
    }
    lap("extras", &mut stats);
    links::check(&rendered, &extra_paths, &mut diags);
    lap("links", &mut stats);
    stats.articles = site.articles.len();
    stats.pages = rendered.len();
    for p in rendered {
        output.insert(p.path, p.artifacts.html.as_bytes().to_vec());
    }
    engine.cache.prune();
    lap("assemble", &mut stats);
    stats.files = output.files.len();
    stats.bytes = output.total_bytes();
    let output = (!diags.has_errors()).then_some(output);
    BuildResult {
        output,
        diagnostics: diags,
        stats,
    }
}
