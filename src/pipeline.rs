//! The one pipeline shared by `build`, `check` and `serve`:
//! read sources (I/O) → parse articles and dataset → site graph → render pages → link check
//! → [`Output`]. Everything after [`read_sources`] is a pure function of its inputs, so
//! `serve` reruns it from memory and tests run it without files.

use crate::cache::{BuildCache, Key, KeyBuilder, PageArtifacts};
use crate::config::Config;
use crate::content::parse_article;
use crate::dataset::{self, Dataset};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::output::Output;
use crate::progress::{Progress, Silent};
use crate::render::highlight::Highlighter;
use crate::render::{pages, templates};
use crate::site::{extras, links, redirects, Site};
use crate::sources::stamp_key;
pub(crate) use crate::sources::{read_sources, read_sources_reusing, Sources};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Things built once per process and reused by every build.
#[derive(Default)]
pub(crate) struct Engine {
    /// Syntax sets, role selectors and the highlighted-block cache.
    pub highlighter: Highlighter,
    /// Per-stage memoisation (see [`crate::cache`]).
    pub cache: BuildCache,
}

impl Engine {
    /// An engine for a single build (`build`, `check`): no highlighted-block cache and no
    /// memo of rendered Markdown, which one build uses once and the next never sees.
    pub(crate) fn one_shot() -> Self {
        Engine {
            highlighter: Highlighter::without_block_cache(),
            cache: BuildCache::one_shot(),
        }
    }
}

/// Switches for one build.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BuildOptions {
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
    /// Pages rendered through their templates (the others were reused from a cache).
    pub rendered: usize,
    /// Time and memory per stage, in order.
    pub timings: Vec<StageTiming>,
}

/// How long one stage of a build took and the process's resident memory after it.
#[derive(Debug, Clone)]
pub struct StageTiming {
    /// Stage name (`parse`, `pages`, …).
    pub stage: &'static str,
    /// Wall time.
    pub elapsed: Duration,
    /// Resident memory in MiB when the stage ended (0 where unknown).
    pub rss_mib: u64,
}

/// The result of a build: the site (when there were no errors) and every diagnostic.
pub(crate) struct BuildResult {
    /// The built site; `None` when the content has errors.
    pub output: Option<Output>,
    /// All errors and warnings.
    pub diagnostics: Diagnostics,
    /// Counts and timings.
    pub stats: Stats,
    /// What `serve`'s next incremental rebuild starts from (a good build without a sink).
    pub kept: Option<Kept>,
}

/// A good build's pieces that an incremental rebuild reuses (see `serve::incremental`).
pub(crate) struct Kept {
    /// Every parsed article, by path relative to `content/`, in source order.
    pub articles: Vec<(String, SharedArticle)>,
    /// Every page, in build order (without its HTML when the cache has a page store, else
    /// shared with the output).
    pub pages: Vec<pages::RenderedPage>,
    /// URLs of the files that are not pages (link targets).
    pub file_urls: Vec<String>,
    /// The templates.
    pub theme: Arc<Result<templates::Theme, Vec<Diagnostic>>>,
    /// The dataset and its key.
    pub data: (Key, Arc<(Dataset, Diagnostics)>),
    /// The site graph (the articles' faces, the content's files).
    pub graph: Arc<crate::site::SiteGraph>,
    /// The site context's navigation.
    pub navigation: pages::KeptNavigation,
    /// The render salt (templates and site context).
    pub salt: Key,
}

/// A parsed article shared with the cache (never `None` once returned by [`parse_articles`]).
pub(crate) type SharedArticle = Arc<crate::cache::ParsedArticle>;

/// Parses every article (in parallel, memoised by path and bytes), reporting URL collisions
/// and counting each Markdown file on `progress`. Returns (path relative to `content/`,
/// article) pairs; the articles are shared with the cache, so a rebuild copies none.
pub(crate) fn parse_articles(
    sources: &Sources,
    opts: BuildOptions,
    cache: &BuildCache,
    diags: &mut Diagnostics,
    progress: &dyn Progress,
) -> Vec<(String, SharedArticle)> {
    let parsed: Vec<(&String, SharedArticle)> = sources
        .markdown
        .par_iter()
        .map(|(path, bytes)| {
            let entry = parse_one(sources, path, bytes, cache);
            progress.inc(1);
            (path, entry)
        })
        .collect();
    let mut out = Vec::with_capacity(parsed.len());
    let mut urls: HashMap<&str, &str> = HashMap::with_capacity(parsed.len());
    for (path, entry) in &parsed {
        if !entry.1.is_empty() {
            diags.extend(entry.1.clone());
        }
        let Some(article) = &entry.0 else {
            continue;
        };
        if article.draft && !opts.drafts {
            continue;
        }
        if let Some(first) = urls.get(article.url_path.as_str()) {
            diags.push(Diagnostic::error(
                Location::file(path.as_str()),
                format!(
                    "URL `/{}` is already used by {first}: rename one file or set `slug:`",
                    article.url_path
                ),
            ));
            continue;
        }
        urls.insert(&article.url_path, path);
        let content_rel = path.strip_prefix("content/").unwrap_or(path).to_string();
        out.push((content_rel, Arc::clone(entry)));
    }
    let all = parsed.iter().filter_map(|(_, entry)| entry.0.as_ref());
    for d in crate::content::unknown_key_warnings(all) {
        diags.push(d);
    }
    out
}

/// Parses one Markdown file (`path` relative to the site root), memoised by its path and bytes.
pub(crate) fn parse_one(
    sources: &Sources,
    path: &str,
    bytes: &[u8],
    cache: &BuildCache,
) -> SharedArticle {
    let key = stamp_key(sources, path, bytes);
    cache.articles.get_or(key, || {
        let mut d = Diagnostics::new();
        let bytes = match sources.markdown_bytes(path, bytes) {
            Ok(bytes) => bytes,
            Err(e) => {
                d.push(e);
                return Arc::new((None, d));
            }
        };
        let mut a = parse_article(path, &bytes, &mut d);
        if let Some(a) = a.as_mut() {
            a.source_key = key;
        }
        Arc::new((a, d))
    })
}

/// Files under `content/` that would take the place of a generated page or file (same path)
/// or of the folder a page lives in (`content/tags` against `tags/…/index.html`).
fn asset_collisions<'p>(
    assets: &[(String, Vec<u8>)],
    pages: &'p [pages::RenderedPage],
    generated: &[&'p str],
) -> Vec<Diagnostic> {
    // Every page path and every folder above one, with the page that needs it.
    let mut taken: HashMap<&str, &str> = HashMap::with_capacity(pages.len() * 2);
    for g in generated {
        taken.insert(g, g);
    }
    for p in pages {
        taken.insert(p.path.as_str(), p.path.as_str());
        let mut dir = p.path.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if taken.insert(parent, p.path.as_str()).is_some() {
                break; // this folder and those above it are already recorded
            }
            dir = parent;
        }
    }
    assets
        .iter()
        .filter_map(|(path, _)| {
            let page = taken.get(path.as_str())?;
            Some(Diagnostic::error(
                Location::file(format!("content/{path}")),
                format!("this file would replace the generated page `{page}` or its folder: rename or move it"),
            ))
        })
        .collect()
}

/// Files under `content/` that replace one of the theme's static files (`content/static/
/// style.css`): allowed, but said, since the theme folder is where such changes belong.
fn theme_file_overrides(config: &Config, sources: &Sources) -> Vec<Diagnostic> {
    let theme_files: Vec<String> = templates::DEFAULT_STATIC
        .iter()
        .map(|(path, _)| path.to_string())
        .chain(sources.statics.iter().map(|(p, _)| format!("static/{p}")))
        .collect();
    sources
        .assets
        .iter()
        .filter(|(path, _)| theme_files.contains(path))
        .map(|(path, _)| {
            Diagnostic::warning(
                Location::file(format!("content/{path}")),
                format!(
                    "this file replaces the theme's `{path}`; to change the theme, put it in \
                     themes/{}/{path} instead",
                    config.theme
                ),
            )
        })
        .collect()
}

/// Resident memory of this process in MiB (0 where `/proc` is missing): for stage timings.
pub(crate) fn resident_mib() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096 / (1 << 20))
}

/// Articles rendered per slice (see [`build`]): large enough to keep both cores busy,
/// small enough that the slice's Markdown bodies are a few megabytes.
const ARTICLE_SLICE: usize = 64;

/// Where a build hands each rendered page as soon as it exists (`build` writes it into the
/// staged output folder and the cache, `check` drops it), so a large site never holds all
/// its HTML in memory. A build without a sink puts each page in its cache's page store
/// (`serve`) or, without one (tests), keeps every page in the returned [`Output`].
pub(crate) trait PageSink: Sync {
    /// Takes one page: its output path (relative to the site root), cache key and artifacts.
    fn page(&self, path: &str, key: Key, page: &PageArtifacts) -> Result<(), String>;
}

/// A sink that keeps nothing: for `check`, which needs every page's links and ids but not
/// its HTML.
pub(crate) struct DiscardPages;

impl PageSink for DiscardPages {
    fn page(&self, _: &str, _: Key, _: &PageArtifacts) -> Result<(), String> {
        Ok(())
    }
}

/// Keeps the first page planned for each output path: a second one is never rendered or
/// written, so no page overwrites another. It is reported naming both pages' templates,
/// unless errors were already reported (a duplicate dataset id is the usual cause, and its
/// error says so at its line). `planned` maps each path to the template of its first page.
fn drop_duplicate_paths<'b>(
    pages: Vec<pages::Page<'b>>,
    planned: &mut HashMap<String, &'static str>,
    diags: &mut Diagnostics,
) -> Vec<pages::Page<'b>> {
    pages
        .into_iter()
        .filter(|p| match planned.entry(p.path.clone()) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(p.template);
                true
            }
            std::collections::hash_map::Entry::Occupied(_) if diags.has_errors() => false,
            std::collections::hash_map::Entry::Occupied(first) => {
                diags.push(Diagnostic::error(
                    Location::file(&p.path),
                    format!(
                        "two pages would be written here: the first from template `{}`, the \
                         second from template `{}`; the second is not written",
                        first.get(),
                        p.template
                    ),
                ));
                false
            }
        })
        .collect()
}

/// Adds the redirect pages of the articles' old URLs (see [`redirects`]) to the output, where
/// no page or file is.
fn add_redirects(
    site: &Site<'_>,
    rendered: &[pages::RenderedPage],
    generated: &mut Generated,
    diags: &mut Diagnostics,
) {
    let pages: std::collections::HashSet<&str> = rendered.iter().map(|p| p.path.as_str()).collect();
    let files = &generated.output.files;
    let taken = |path: &str| pages.contains(path) || files.contains_key(path);
    for r in redirects::redirect_pages(site, &taken, diags) {
        generated.urls.push(r.url);
        generated.output.insert(r.path, r.html.into_bytes());
    }
}

/// Hands each page's HTML to `sink` or, without one, to the cache's page store (see
/// [`BuildCache::keep_on_disk`]), keeping only what later stages (links, search, sitemap)
/// need; `count` sees each page first. Returns an error for each page that could not be
/// written.
pub(crate) fn hand_over(
    sink: Option<&dyn PageSink>,
    cache: &BuildCache,
    pages: &mut [pages::RenderedPage],
    count: &(dyn Fn(&pages::RenderedPage) + Sync),
) -> Vec<Diagnostic> {
    let failures = std::sync::Mutex::new(Vec::new());
    pages.par_iter_mut().for_each(|p| {
        count(p);
        let kept = match sink {
            Some(sink) => sink
                .page(&p.path, p.key, &p.artifacts)
                .map(|()| Arc::new(p.artifacts.without_html())),
            None => {
                (cache.keep_on_disk(&p.key, Arc::clone(&p.artifacts))).map_err(|e| e.to_string())
            }
        };
        match kept {
            Ok(lean) => p.artifacts = lean,
            Err(e) => failures.lock().expect("sink").push(Diagnostic::error(
                Location::file(&p.path),
                format!("cannot write the page: {e}"),
            )),
        }
    });
    failures.into_inner().expect("sink")
}

/// Builds the whole site from its sources, keeping every page in the output (or, when the
/// cache has a page store, there). Writes nothing else. It reads a Markdown file again only
/// when `serve` dropped its bytes and it must be parsed again; it may read pages from a
/// loaded build cache file or the page store, and `/proc` (memory figures for the stage
/// timings).
pub(crate) fn build(
    config: &Config,
    sources: &Sources,
    engine: &Engine,
    opts: BuildOptions,
) -> BuildResult {
    build_into(config, Cow::Borrowed(sources), engine, opts, None)
}

/// Builds the whole site, handing each page to `sink` (when given) as soon as it is
/// rendered; the returned [`Output`] then holds only the files that are not pages. Writes
/// only through the sink (reads as [`build`] does). Given the sources to own (one-shot builds), it drops the
/// raw Markdown once the articles are parsed: they keep their own normalised text.
pub(crate) fn build_into(
    config: &Config,
    sources: Cow<'_, Sources>,
    engine: &Engine,
    opts: BuildOptions,
    sink: Option<&dyn PageSink>,
) -> BuildResult {
    build_into_with_progress(config, sources, engine, opts, sink, &Silent)
}

/// [`build_into`], reporting each stage and the articles parsed, articles rendered and
/// page groups rendered on `progress` (the terminal display of `build` and `check`).
/// The stages, in order: templates, parse (articles, dataset), site graph, render
/// (articles in slices, then page groups), generated files, link check, assemble.
pub(crate) fn build_into_with_progress(
    config: &Config,
    mut sources: Cow<'_, Sources>,
    engine: &Engine,
    opts: BuildOptions,
    sink: Option<&dyn PageSink>,
    progress: &dyn Progress,
) -> BuildResult {
    let mut diags = sources.warnings.clone();
    let mut laps = Laps::start();
    let renders_before = engine.cache.pages.misses();
    progress.stage("parse", sources.markdown.len() as u64);
    // Templates (one thread: Tera parses them one by one), articles and the dataset are
    // loaded at once; their diagnostics keep that order.
    let mut found = [(); 3].map(|()| Diagnostics::new());
    let [template_diags, article_diags, data_diags] = &mut found;
    let ((templates_key, theme), (articles, (data_key, data))) = rayon::join(
        || load_templates(&sources, engine, template_diags),
        || {
            rayon::join(
                || parse_articles(&sources, opts, &engine.cache, article_diags, progress),
                || load_dataset(&sources, engine, data_diags),
            )
        },
    );
    for d in found {
        diags.extend(d);
    }
    if let Cow::Owned(owned) = &mut sources {
        owned.markdown = Vec::new();
    }
    laps.lap("parse");
    progress.stage("site", 0);
    let mut site = Site::new(
        config,
        articles
            .iter()
            .filter_map(|(p, a)| a.0.as_ref().map(|a| (p.as_str(), a)))
            .collect(),
        &data.0,
        sources.assets.iter().map(|(path, _)| path.clone()),
    );
    site.data_key = data_key;
    dataset::check_article_references(&site.articles, site.dataset, &mut diags);
    let site_ctx = pages::site_context(&site);
    let salt = pages::render_salt(templates_key, &site_ctx);
    let builder = pages::PageBuilder::new(&site, &engine.highlighter, &engine.cache, salt);
    laps.lap("site");
    let tera = theme.as_ref().as_ref().ok();
    let mut renderer = Renderer::new(tera, &site_ctx, engine, sink, site.articles.len());
    renderer.articles(&builder, site.articles.len(), progress, &mut diags);
    // Highlighted lines are remembered only while articles render: the stages after reuse
    // their memory, and in `serve` the next builds render a few articles.
    engine.highlighter.forget_lines();
    laps.lap("articles");
    renderer.groups(&builder, progress, &mut diags);
    diags.extend(builder.diagnostics.into_inner().expect("diags"));
    laps.lap("lists");
    progress.stage("feeds and index", 0);
    if renderer.tera.is_none() {
        return BuildResult {
            output: None,
            diagnostics: diags,
            stats: laps.stats,
            kept: None,
        };
    }
    let rendered = renderer.rendered;
    let sunk_bytes = renderer.sunk_bytes.into_inner();
    let mut generated = generate_files(config, &sources, engine, &site, &rendered, &mut laps);
    add_redirects(&site, &rendered, &mut generated, &mut diags);
    let names: Vec<&str> = generated.names.iter().map(String::as_str).collect();
    for d in asset_collisions(&sources.assets, &rendered, &names) {
        diags.push(d);
    }
    for d in theme_file_overrides(config, &sources) {
        diags.push(d);
    }
    laps.lap("extras");
    progress.stage("check links", 0);
    // With a dataset file unreadable, its pages are missing and every link to them would
    // fail: that file's error is the one to fix first, links are checked once it loads.
    if site.dataset.partial.is_empty() {
        let targets = links::SiteTargets::new(&rendered, &generated.urls);
        check_links(&site, &targets, &rendered, &mut diags);
    }
    laps.lap("links");
    let mut output = generated.output;
    laps.stats.articles = site.articles.len();
    laps.stats.pages = rendered.len();
    let handed_over = sink.is_some() || engine.cache.store.is_some();
    let sunk_pages = if handed_over { rendered.len() } else { 0 };
    let mut kept = None;
    if !handed_over {
        for p in &rendered {
            output.insert_shared(p.path.clone(), p.artifacts.clone());
        }
    }
    if sink.is_none() && !diags.has_errors() {
        kept = Some(Kept {
            articles: articles.clone(),
            pages: rendered,
            file_urls: generated.urls,
            theme: Arc::clone(&theme),
            data: (data_key, Arc::clone(&data)),
            graph: site.graph(),
            navigation: site_ctx.kept_navigation(),
            salt,
        });
    }
    engine.cache.prune();
    laps.lap("assemble");
    let mut stats = laps.stats;
    stats.files = output.files.len() + sunk_pages;
    stats.bytes = output.total_bytes() + sunk_bytes;
    stats.rendered = engine.cache.pages.misses() - renders_before;
    let output = (!diags.has_errors()).then_some(output);
    BuildResult {
        output,
        diagnostics: diags,
        stats,
        kept,
    }
}

/// Stage timings: each [`Laps::lap`] records the time since the previous one.
struct Laps {
    clock: Instant,
    stats: Stats,
}

impl Laps {
    fn start() -> Self {
        Laps {
            clock: Instant::now(),
            stats: Stats::default(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        self.stats.timings.push(StageTiming {
            stage,
            elapsed: self.clock.elapsed(),
            rss_mib: resident_mib(),
        });
        self.clock = Instant::now();
    }
}

/// The Tera instance for the theme (memoised by the templates' key, which covers the
/// embedded theme too: a new binary with a changed template must not reuse pages cached by
/// an older one); its errors go to `diags`.
fn load_templates(
    sources: &Sources,
    engine: &Engine,
    diags: &mut Diagnostics,
) -> (Key, Arc<Result<templates::Theme, Vec<Diagnostic>>>) {
    let mut key = KeyBuilder::new("templates");
    for (name, text) in templates::DEFAULT_TEMPLATES {
        key.str(name).str(text);
    }
    for (name, text, path) in &sources.templates {
        key.str(name)
            .str(text)
            .bytes(path.as_os_str().as_encoded_bytes());
    }
    let key = key.finish();
    let tera = engine
        .cache
        .templates
        .get_or(key, || Arc::new(templates::load(&sources.templates)));
    if let Err(errors) = tera.as_ref() {
        for e in errors {
            diags.push(e.clone());
        }
    }
    (key, tera)
}

/// The validated dataset (memoised by the bytes of its files); its diagnostics go to `diags`.
fn load_dataset(
    sources: &Sources,
    engine: &Engine,
    diags: &mut Diagnostics,
) -> (Key, Arc<(Dataset, Diagnostics)>) {
    let mut key = KeyBuilder::new("dataset");
    for (path, bytes) in &sources.data {
        key.str(path).bytes(bytes);
    }
    let key = key.finish();
    let data = engine.cache.dataset.get_or(key, || {
        let mut d = Diagnostics::new();
        let ds = dataset::load(&sources.data, &mut d);
        Arc::new((ds, d))
    });
    diags.extend(data.1.clone());
    (key, data)
}

/// Renders pages through Tera and hands each to the sink, keeping what later stages need.
struct Renderer<'a> {
    tera: Option<&'a templates::Theme>,
    site_ctx: &'a pages::SiteContext<'a>,
    engine: &'a Engine,
    sink: Option<&'a dyn PageSink>,
    /// Output path → template of the first page planned there.
    planned: HashMap<String, &'static str>,
    rendered: Vec<pages::RenderedPage>,
    sunk_bytes: std::sync::atomic::AtomicUsize,
}

impl<'a> Renderer<'a> {
    /// A renderer for a site of `articles` articles (`tera` is `None` when the templates
    /// have errors: pages are then planned but not rendered).
    fn new(
        tera: Option<&'a templates::Theme>,
        site_ctx: &'a pages::SiteContext<'a>,
        engine: &'a Engine,
        sink: Option<&'a dyn PageSink>,
        articles: usize,
    ) -> Self {
        Renderer {
            tera,
            site_ctx,
            engine,
            sink,
            planned: HashMap::new(),
            rendered: Vec::with_capacity(articles + 64),
            sunk_bytes: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Articles, one slice at a time (Markdown, then Tera): only one slice's Markdown
    /// bodies and contexts are alive at once, whatever the size of the site.
    fn articles(
        &mut self,
        builder: &pages::PageBuilder,
        count: usize,
        progress: &dyn Progress,
        diags: &mut Diagnostics,
    ) {
        progress.stage("render articles", count as u64);
        for start in (0..count).step_by(ARTICLE_SLICE) {
            let end = (start + ARTICLE_SLICE).min(count);
            self.render(builder.article_pages(start..end), diags);
            progress.inc((end - start) as u64);
        }
    }

    /// Every page group (lists, tags, dataset pages), in one batch: a single large page
    /// (the article index of a big site) renders on one thread while the other renders the
    /// rest.
    fn groups(
        &mut self,
        builder: &pages::PageBuilder,
        progress: &dyn Progress,
        diags: &mut Diagnostics,
    ) {
        let groups = builder.page_groups();
        progress.stage("render lists", groups.len() as u64);
        let count = groups.len() as u64;
        let pages = groups.into_iter().flat_map(|g| builder.group_pages(g));
        self.render(pages.collect(), diags);
        progress.inc(count);
    }

    /// Renders one batch; with a sink or a page store, each page is handed over and only
    /// its ids, links and search entry are kept.
    fn render(&mut self, pages: Vec<pages::Page<'_>>, diags: &mut Diagnostics) {
        let pages = drop_duplicate_paths(pages, &mut self.planned, diags);
        let Some(tera) = self.tera else { return };
        let cache = &self.engine.cache;
        let mut slice = pages::render_pages(tera, self.site_ctx, pages, cache, diags);
        if self.sink.is_some() || cache.store.is_some() {
            let sunk_bytes = &self.sunk_bytes;
            let count = |p: &pages::RenderedPage| {
                sunk_bytes.fetch_add(p.artifacts.html.len(), std::sync::atomic::Ordering::Relaxed);
            };
            for d in hand_over(self.sink, cache, &mut slice, &count) {
                diags.push(d);
            }
        }
        self.rendered.extend(slice);
    }
}

/// The files generated beside the pages, and the names link checking knows them by.
struct Generated {
    output: Output,
    /// Paths of the generated files, for collisions with content files.
    names: Vec<String>,
    /// URLs of every non-page file (statics, generated files, content files).
    urls: Vec<String>,
}

/// Statics, the highlight stylesheet, sitemap, feed, search index, data exports and the
/// content's own files (each generated file memoised by what it shows).
fn generate_files(
    config: &Config,
    sources: &Sources,
    engine: &Engine,
    site: &Site<'_>,
    rendered: &[pages::RenderedPage],
    laps: &mut Laps,
) -> Generated {
    let mut g = Generated {
        output: Output::default(),
        names: Vec::new(),
        urls: Vec::new(),
    };
    for (path, bytes) in templates::DEFAULT_STATIC {
        g.add(config, path, bytes.to_vec());
    }
    for (path, bytes) in &sources.statics {
        g.add(config, &format!("static/{path}"), bytes.clone());
    }
    // Each generated file is memoised by the key of what it shows.
    let memo = |key: &KeyBuilder, make: &dyn Fn() -> String| -> crate::output::Blob {
        engine.cache.extra_or(key.finish(), || make().into_bytes())
    };
    let themes = [&config.light_theme, &config.dark_theme];
    g.add_generated(
        "static/highlight.css",
        memo(
            KeyBuilder::new("highlight.css")
                .str(themes[0])
                .str(themes[1]),
            &|| engine.highlighter.stylesheet(themes[0], themes[1]),
        ),
    );
    g.add_generated(
        "static/parties.css",
        memo(KeyBuilder::new("parties.css").key(&site.data_key), &|| {
            crate::site::palette::stylesheet(site.dataset)
        }),
    );
    g.add_generated(
        "static/favicon.svg",
        memo(KeyBuilder::new("favicon.svg").str(&config.title), &|| {
            extras::favicon(&config.title)
        }),
    );
    laps.lap("statics");
    let (pages, shown) = (listed_pages_key(rendered), feed_config_key(config));
    g.add_generated(
        "sitemap.xml",
        memo(
            KeyBuilder::new("sitemap.xml").key(&pages).key(&shown),
            &|| extras::sitemap(site, rendered),
        ),
    );
    laps.lap("sitemap");
    let mut feed = KeyBuilder::new("atom.xml");
    for a in &site.articles {
        feed.key(&a.source_key);
    }
    g.add_generated("atom.xml", memo(feed.key(&shown), &|| extras::atom(site)));
    laps.lap("atom");
    for (path, blob) in crate::site::search::files(site, rendered, &engine.cache) {
        g.add_generated(path, blob);
    }
    // The threads' stem memos served this build's counting; in `serve` the next builds
    // count a few pages.
    crate::site::search::forget_words();
    laps.lap("search");
    if !site.dataset.services.is_empty() {
        for (path, make) in crate::site::exports::FILES {
            let mut key = KeyBuilder::new(path);
            g.add_generated(*path, memo(key.key(&site.data_key), &|| make(site)));
        }
    }
    // Content files go in last (one that would replace a generated file or page is an
    // error, reported by the caller).
    for (path, bytes) in &sources.assets {
        g.add(config, path, bytes.clone());
    }
    let generated_urls: Vec<String> = g
        .names
        .iter()
        .map(|path| format!("{}{path}", config.base_path))
        .collect();
    g.urls.extend(generated_urls);
    g
}

/// What the sitemap and the search index list: every page's key, URL and sitemap flag.
fn listed_pages_key(rendered: &[pages::RenderedPage]) -> Key {
    let mut key = KeyBuilder::new("listed pages");
    for p in rendered {
        key.key(&p.key).str(&p.url).u64(u64::from(p.in_sitemap));
    }
    key.finish()
}

/// The settings the sitemap and the feed show.
fn feed_config_key(config: &Config) -> Key {
    KeyBuilder::new("feed config")
        .str(&config.base_url)
        .str(&config.title)
        .str(&config.description)
        .str(&config.language)
        .finish()
}

impl Generated {
    /// A static or content file.
    fn add(&mut self, config: &Config, path: &str, bytes: Vec<u8>) {
        self.urls.push(format!("{}{}", config.base_path, path));
        self.output.insert(path, bytes);
    }

    /// A file srm-docs generates (content files may not take its place).
    fn add_generated(&mut self, path: impl Into<String>, blob: crate::output::Blob) {
        let path = path.into();
        self.output.insert_shared(path.clone(), blob);
        self.names.push(path);
    }
}

/// Checks every link of the `checked` pages against `targets`.
pub(crate) fn check_links(
    site: &Site<'_>,
    targets: &dyn links::Targets,
    checked: &[pages::RenderedPage],
    diags: &mut Diagnostics,
) {
    // Only a broken link needs its line's text: the map is made then.
    let sources = std::cell::OnceCell::new();
    let line_text = |path: &Path, line: usize| -> Option<String> {
        let by_path: &HashMap<&Path, &crate::source::SourceFile> = sources.get_or_init(|| {
            (site.articles.iter())
                .map(|a| (a.source.path.as_path(), a.source.as_ref()))
                .collect()
        });
        by_path.get(path).map(|f| f.line_text(line).to_string())
    };
    let severity = crate::render::markdown::LinkResolver::broken_link_severity(site);
    links::check(targets, checked, &line_text, severity, diags);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(path: &str, template: &'static str) -> pages::Page<'static> {
        pages::Page {
            path: path.into(),
            url: format!("/{path}"),
            template,
            key: KeyBuilder::new("test").str(path).finish(),
            in_sitemap: true,
            content: pages::Content::Cached,
        }
    }

    #[test]
    fn a_second_page_for_the_same_path_is_dropped_and_reported_unless_errors_explain_it() {
        let mut seen = HashMap::new();
        let mut diags = Diagnostics::new();
        let first = vec![planned("a/index.html", "service.html")];
        assert_eq!(drop_duplicate_paths(first, &mut seen, &mut diags).len(), 1);
        let again = vec![
            planned("b/index.html", "page.html"),
            planned("a/index.html", "control.html"),
        ];
        let kept = drop_duplicate_paths(again, &mut seen, &mut diags);
        assert_eq!(
            kept.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(),
            ["b/index.html"]
        );
        let text = diags.render(false);
        assert!(
            text.contains(
                "a/index.html: error: two pages would be written here: the first \
             from template `service.html`, the second from template `control.html`"
            ),
            "{text}"
        );
        // With the cause already reported, the duplicate is dropped silently.
        let kept = drop_duplicate_paths(
            vec![planned("b/index.html", "x.html")],
            &mut seen,
            &mut diags,
        );
        assert!(kept.is_empty());
        assert_eq!(diags.counts(), (1, 0));
    }

    fn page(path: &str) -> pages::RenderedPage {
        pages::RenderedPage {
            path: path.into(),
            url: format!("/{}", path.trim_end_matches("index.html")),
            artifacts: Arc::new(PageArtifacts {
                html: "<p>x</p>".into(),
                ids: Default::default(),
                search: None,
                links: Default::default(),
                diagnostics: Default::default(),
            }),
            key: KeyBuilder::new("test").str(path).finish(),
            in_sitemap: true,
        }
    }

    #[test]
    fn files_in_place_of_generated_pages_or_their_folders_are_errors() {
        let pages = [page("tags/cloud/index.html"), page("index.html")];
        let assets: Vec<(String, Vec<u8>)> = [
            "tags",
            "tags/cloud/index.html",
            "atom.xml",
            "img/tags.png",
            "tags.txt",
        ]
        .iter()
        .map(|p| (p.to_string(), Vec::new()))
        .collect();
        let generated = ["atom.xml", "static/highlight.css"];
        let found: Vec<String> = asset_collisions(&assets, &pages, &generated)
            .into_iter()
            .map(|d| d.location.path.display().to_string())
            .collect();
        assert_eq!(
            found,
            [
                "content/tags",
                "content/tags/cloud/index.html",
                "content/atom.xml"
            ]
        );
    }
}
