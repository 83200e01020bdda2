//! Every page of the site as (output path, template, context): articles, lists, tags and the
//! pages generated from the dataset. Markdown (articles and dataset text fields) is rendered
//! here; Tera renders the pages in parallel in [`render_pages`].

use super::Site;
use crate::cache::{hash_parts, BuildCache, Key, PageArtifacts, PageStub};
use crate::dataset::{Cell, Kind, Layer, Owner, Spread, Status, Text, Update, Vocabulary};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::render::highlight::Highlighter;
use crate::render::markdown::{self, Origin, PendingLink, Rendered, Settings};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;
use std::sync::Mutex;

/// A page before templating.
pub struct Page {
    /// Output file relative to the site root (`services/s3/index.html`).
    pub path: String,
    /// Absolute URL path (`/docs/services/s3/`).
    pub url: String,
    /// Template name.
    pub template: &'static str,
    /// Page-specific context (merged with the site context).
    pub context: Value,
    /// Rendered Markdown body and the key it was cached under (inserted as `article.html`
    /// only when the page must be rendered, so cache keys stay small).
    pub body: Option<(Arc<Rendered>, Key)>,
    /// The page's cache key when it is already known from its inputs (then `context` is
    /// `Null` if the page is cached); `None` means "hash the context".
    pub key: Option<Key>,
    /// Internal links written in the page's Markdown.
    pub links: Vec<PendingLink>,
    /// Listed in `sitemap.xml`.
    pub in_sitemap: bool,
    /// The rendered page, when it was already fetched from the cache (so it is not read
    /// twice).
    pub cached: Option<Arc<PageArtifacts>>,
}

/// A rendered HTML page.
pub struct RenderedPage {
    /// Output file path.
    pub path: String,
    /// URL path.
    pub url: String,
    /// The HTML, its ids and search entry (shared with the cache).
    pub artifacts: Arc<PageArtifacts>,
    /// The page's cache key (a hash of everything it shows).
    pub key: Key,
    /// Listed in the sitemap.
    pub in_sitemap: bool,
}

/// A group of pages that are not articles (see [`PageBuilder::page_groups`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageGroup {
    /// Home, the article index, the tag index, search and 404.
    Lists,
    /// One page per tag.
    Tags,
    /// One page per service.
    Services,
    /// One page per control.
    Controls,
    /// One page per service category.
    Categories,
    /// One walkthrough per scenario.
    Scenarios,
    /// The matrix, quick-reference card, misconceptions and sources pages.
    Overviews,
}

/// Articles listed on the home page (the first in site order: by weight, then newest); the
/// article index lists them all.
const HOME_ARTICLES: usize = 10;

/// Builds contexts; collects Markdown links of the page being built and all diagnostics.
pub struct PageBuilder<'s, 'a> {
    site: &'s Site<'a>,
    salt: Key,
    /// Each article's list entry (title, URL, date, summary, tags) and its hash: list pages
    /// and backlinks depend on these hashes, not on article bodies.
    summaries: Vec<Arc<(Value, Key)>>,
    /// Every summary key, concatenated: the input of every list (computed once).
    all_summaries: std::sync::OnceLock<Vec<u8>>,
    /// [`PageBuilder::backlinks_digest`], computed once.
    backlinks_key: std::sync::OnceLock<Vec<u8>>,
    highlighter: &'s Highlighter,
    cache: &'s BuildCache,
    links: Mutex<Vec<PendingLink>>,
    /// Problems found while rendering Markdown.
    pub diagnostics: Mutex<Diagnostics>,
}

fn owner_label(o: Owner) -> &'static str {
    match o {
        Owner::Aws => "AWS",
        Owner::Customer => "Customer",
        Owner::Shared => "Shared",
        Owner::NotApplicable => "n/a",
    }
}

fn spread_label(s: Spread) -> &'static str {
    match s {
        Spread::AlwaysAws => "Always AWS",
        Spread::AlwaysCustomer => "Always the customer",
        Spread::AlwaysShared => "Always shared",
        Spread::Varies => "Varies by service",
    }
}

impl<'s, 'a> PageBuilder<'s, 'a> {
    /// A builder for one site.
    /// `salt` identifies the templates and the site-wide context (see [`render_salt`]).
    pub fn new(
        site: &'s Site<'a>,
        highlighter: &'s Highlighter,
        cache: &'s BuildCache,
        salt: Key,
    ) -> Self {
        let mut builder = PageBuilder {
            site,
            salt,
            summaries: Vec::new(),
            all_summaries: Default::default(),
            backlinks_key: Default::default(),
            highlighter,
            cache,
            links: Mutex::new(Vec::new()),
            diagnostics: Mutex::new(Diagnostics::new()),
        };
        // Summaries are memoised by article source and base path: a rebuild after one edit
        // builds one summary, not one per article.
        let base = site.config.base_path.as_bytes();
        let entries: Vec<Arc<(Value, Key)>> = (0..site.articles.len())
            .into_par_iter()
            .map(|i| {
                let key = hash_parts([site.articles[i].source_key.as_bytes().as_slice(), base]);
                cache.summaries.get_or(key, || {
                    let v = builder.make_summary(i);
                    let mut h = blake3::Hasher::new();
                    hash_value(&v, &mut h);
                    Arc::new((v, h.finalize()))
                })
            })
            .collect();
        builder.summaries = entries;
        builder
    }

    fn take_links(&self) -> Vec<PendingLink> {
        std::mem::take(&mut *self.links.lock().expect("links"))
    }

    /// Inline Markdown of a dataset text field.
    fn md(&self, text: &Text) -> String {
        let (line, col) = text.at.line_col.unwrap_or((0, 0));
        let key = hash_parts([
            text.md.as_bytes(),
            text.at.path.as_os_str().as_encoded_bytes(),
            &(line as u64).to_le_bytes(),
            &(col as u64).to_le_bytes(),
            self.site.link_env.as_bytes(),
        ]);
        let r = self.cache.inline.get_or(key, || {
            Arc::new(markdown::render(
                &text.md,
                Origin::Value(&text.at),
                &Settings {
                    highlighter: self.highlighter,
                    links: self.site,
                    drop_first_h1: false,
                    inline: true,
                    html: self.site.config.raw_html,
                },
            ))
        });
        if !r.links.is_empty() {
            self.links
                .lock()
                .expect("links")
                .extend(r.links.iter().cloned());
        }
        if !r.diagnostics.is_empty() {
            self.diagnostics
                .lock()
                .expect("diags")
                .extend(r.diagnostics.clone());
        }
        r.html.clone()
    }

    fn opt_md(&self, text: &Option<Text>) -> Value {
        text.as_ref()
            .map_or(Value::Null, |t| Value::String(self.md(t)))
    }

    fn updates(&self, list: &[Update]) -> Value {
        list.iter()
            .map(|u| json!({"date": u.date, "html": self.md(&u.text), "sources": self.sources(&u.sources)}))
            .collect()
    }

    fn sources(&self, ids: &[String]) -> Value {
        let ds = self.site.dataset;
        ids.iter()
            .filter_map(|id| ds.source(id))
            .map(|s| json!({"id": s.id, "title": s.title, "author": s.author, "url": self.site.entity_url(Kind::Source, &s.id)}))
            .collect()
    }

    fn conflicts(&self, ids: &[String]) -> Value {
        ids.iter()
            .filter_map(|id| self.site.dataset.conflict(id))
            .map(|c| json!({"id": c.id, "topic": c.topic, "url": self.site.entity_url(Kind::Conflict, &c.id)}))
            .collect()
    }

    fn service_ref(&self, id: &str) -> Value {
        let s = self.site.dataset.service(id);
        json!({"id": id, "name": s.map_or(id, |s| s.name.as_str()), "url": self.site.entity_url(Kind::Service, id)})
    }

    fn control_ref(&self, id: &str) -> Value {
        let c = self.site.dataset.control(id);
        json!({"id": id, "title": c.map_or(id, |c| c.title.as_str()), "layer": c.map(|c| c.layer.id()), "url": self.site.entity_url(Kind::Control, id)})
    }

    fn scenario_ref(&self, id: &str) -> Value {
        let s = self.site.dataset.scenario(id);
        json!({"id": id, "title": s.map_or(id, |s| s.title.as_str()), "owner": s.map(|s| s.owner.id()), "owner_label": s.map(|s| owner_label(s.owner)), "url": self.site.entity_url(Kind::Scenario, id)})
    }

    fn category_ref(&self, id: &str) -> Value {
        let c = self.site.dataset.category(id);
        json!({"id": id, "label": c.map_or(id, |c| c.label.as_str()), "aliases": c.map(|c| c.aliases.clone()), "url": self.site.entity_url(Kind::Category, id)})
    }

    fn cell(&self, cell: &Cell) -> Value {
        json!({
            "owner": cell.owner.id(),
            "owner_class": owner_class(cell.owner),
            "owner_label": owner_label(cell.owner),
            "aws": self.opt_md(&cell.aws),
            "customer": self.opt_md(&cell.customer),
            "note": self.opt_md(&cell.note),
            "default_state": cell.default_state,
            "updates": self.updates(&cell.updates),
            "conflicts": self.conflicts(&cell.conflicts),
            "sources": self.sources(&cell.sources),
        })
    }

    /// Summary of an article for lists.
    pub fn article_summary(&self, i: usize) -> Value {
        self.summaries[i].0.clone()
    }

    fn make_summary(&self, i: usize) -> Value {
        let a = self.site.articles[i];
        json!({
            "title": a.title,
            "url": self.site.article_url(a),
            "date": a.date,
            "summary": a.summary,
            "tags": self.tag_refs(&a.tags),
        })
    }

    fn tag_refs(&self, tags: &[String]) -> Value {
        tags.iter()
            .map(|t| {
                let slug = crate::content::slugify(t);
                json!({"name": t, "url": self.site.url(&format!("tags/{slug}/"))})
            })
            .collect()
    }

    fn backlinks(&self, kind: Kind, id: &str) -> Value {
        self.site
            .backlinks
            .get(&(kind, id))
            .map_or(Value::Array(vec![]), |l| {
                l.iter().map(|&i| self.article_summary(i)).collect()
            })
    }

    /// The summary keys of some articles, as one byte string.
    fn summary_inputs(&self, indexes: impl IntoIterator<Item = usize>) -> Vec<u8> {
        indexes
            .into_iter()
            .flat_map(|i| *self.summaries[i].1.as_bytes())
            .collect()
    }

    /// Builds a group of pages, or — when a group with the same inputs was built before and
    /// all its pages are still cached — returns them without building any context.
    fn cached_group(
        &self,
        name: &str,
        inputs: &[&[u8]],
        build: impl FnOnce() -> Vec<Page>,
    ) -> Vec<Page> {
        let mut h = blake3::Hasher::new();
        h.update(self.salt.as_bytes());
        h.update(self.site.data_key.as_bytes());
        h.update(self.site.link_env.as_bytes());
        for part in [name.as_bytes()].iter().chain(inputs) {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        let group_key = h.finalize();
        if self.cache.groups.touch(&group_key) {
            let stubs = self.cache.groups.get_or(group_key, || Arc::new(Vec::new()));
            if stubs.iter().all(|s| self.cache.has_page(&s.key)) {
                return stubs
                    .iter()
                    .map(|s| Page {
                        path: s.path.clone(),
                        url: s.url.clone(),
                        template: s.template,
                        context: Value::Null,
                        body: None,
                        key: Some(s.key),
                        links: Vec::new(),
                        in_sitemap: s.in_sitemap,
                        cached: None,
                    })
                    .collect();
            }
        }
        let mut pages = build();
        for p in &mut pages {
            p.key = Some(page_key(self.salt, p));
        }
        let stubs: Vec<PageStub> = pages
            .iter()
            .map(|p| PageStub {
                path: p.path.clone(),
                url: p.url.clone(),
                template: p.template,
                key: p.key.expect("just set"),
                in_sitemap: p.in_sitemap,
            })
            .collect();
        self.cache.groups.seed(group_key, Arc::new(stubs));
        self.cache.groups.touch(&group_key);
        pages
    }

    /// Hash of the backlinks map (which articles name which entity).
    fn backlinks_digest(&self) -> Vec<u8> {
        let mut entries: Vec<(&(Kind, &str), &Vec<usize>)> = self.site.backlinks.iter().collect();
        entries.sort_unstable_by(|a, b| {
            a.0 .1
                .cmp(b.0 .1)
                .then_with(|| a.0 .0.noun().cmp(b.0 .0.noun()))
        });
        let mut h = blake3::Hasher::new();
        for ((kind, id), list) in entries {
            for part in [kind.noun().as_bytes(), id.as_bytes()] {
                h.update(&(part.len() as u64).to_le_bytes());
                h.update(part);
            }
            h.update(&(list.len() as u64).to_le_bytes());
            for &i in list {
                h.update(&(i as u64).to_le_bytes());
            }
        }
        h.finalize().as_bytes().to_vec()
    }

    fn page(&self, path: &str, template: &'static str, context: Value) -> Page {
        let url = self.site.url(path.trim_end_matches("index.html"));
        Page {
            path: path.to_string(),
            url,
            template,
            context,
            body: None,
            key: None,
            links: self.take_links(),
            in_sitemap: template != "404.html",
            cached: None,
        }
    }

    /// The pages of articles `range` (in site order). Callers render them in slices so that
    /// only one slice's Markdown bodies are in memory at a time.
    pub fn article_pages(&self, range: std::ops::Range<usize>) -> Vec<Page> {
        range
            .into_par_iter()
            .map(|i| self.article_page(i))
            .collect()
    }

    /// The groups of pages that are not articles, in build order: callers build and render
    /// one group at a time, so only one group's contexts (which repeat article summaries in
    /// lists and backlinks) are in memory at once.
    pub fn page_groups(&self) -> Vec<PageGroup> {
        let mut groups = vec![PageGroup::Lists, PageGroup::Tags];
        if !self.site.dataset.services.is_empty() || !self.site.dataset.controls.is_empty() {
            groups.extend([
                PageGroup::Services,
                PageGroup::Controls,
                PageGroup::Categories,
                PageGroup::Scenarios,
                PageGroup::Overviews,
            ]);
        }
        groups
    }

    /// The pages of one group (see [`PageBuilder::page_groups`]), reused whole from the
    /// cache when the group's inputs are unchanged.
    pub fn group_pages(&self, group: PageGroup) -> Vec<Page> {
        let summaries = self
            .all_summaries
            .get_or_init(|| self.summary_inputs(0..self.site.articles.len()));
        let name = format!("{group:?}");
        match group {
            PageGroup::Lists => self.cached_group(&name, &[summaries], || self.list_pages()),
            PageGroup::Tags => self.cached_group(&name, &[summaries], || self.tag_pages()),
            _ => {
                let backlinks = self.backlinks_key.get_or_init(|| self.backlinks_digest());
                self.cached_group(&name, &[summaries, backlinks], || match group {
                    PageGroup::Services => self.service_pages(),
                    PageGroup::Controls => self.control_pages(),
                    PageGroup::Categories => self.category_pages(),
                    PageGroup::Scenarios => self.scenario_pages(),
                    _ => vec![
                        self.matrix_page(),
                        self.quick_reference_page(),
                        self.misconceptions_page(),
                        self.sources_page(),
                    ],
                })
            }
        }
    }

    /// The page of article `i`: its cache key from its inputs, and (unless that page is
    /// cached) its rendered Markdown and context.
    fn article_page(&self, i: usize) -> Page {
        let site = self.site;
        let a = site.articles[i];
        let key = hash_parts([
            a.source_key.as_bytes().as_slice(),
            &(a.body_offset as u64).to_le_bytes(),
            &[u8::from(a.title_from_heading)],
            site.link_env.as_bytes(),
        ]);
        for (kind, refs) in [
            (Kind::Service, &a.services),
            (Kind::Control, &a.controls),
            (Kind::Scenario, &a.scenarios),
        ] {
            for rf in refs {
                if !site.dataset.has(kind, &rf.id) {
                    self.diagnostics.lock().expect("diags").push(
                        Diagnostic::error(
                            rf.location.clone(),
                            format!("unknown {} `{}`", kind.noun(), rf.id),
                        )
                        .with_help(crate::diagnostics::did_you_mean(
                            &rf.id,
                            site.dataset.ids(kind),
                        )),
                    );
                }
            }
        }
        // Everything the page shows comes from this article, its neighbours (prev/next),
        // the dataset and the link environment: hash those instead of the context.
        let path = format!("articles/{}/index.html", a.slug);
        // Neighbours show as their list summaries, so an edit to a neighbour's body does
        // not re-render this page.
        let neighbour = |j: Option<usize>| {
            j.and_then(|j| self.summaries.get(j))
                .map_or([0u8; 32], |s| *s.1.as_bytes())
        };
        let input = hash_parts([
            self.salt.as_bytes().as_slice(),
            key.as_bytes(),
            &neighbour(i.checked_sub(1)),
            &neighbour(Some(i + 1)),
            site.data_key.as_bytes(),
            path.as_bytes(),
        ]);
        let url = site.article_url(a);
        if let Some(cached) = self.cache.page(&input) {
            // The page is cached: its Markdown is not even rendered.
            if !cached.diagnostics.is_empty() {
                self.diagnostics
                    .lock()
                    .expect("diags")
                    .extend(cached.diagnostics.clone());
            }
            return Page {
                path,
                url,
                template: "article.html",
                context: Value::Null,
                body: None,
                key: Some(input),
                links: Vec::new(),
                in_sitemap: true,
                cached: Some(cached),
            };
        }
        let r = self.cache.markdown.get_or(key, || {
            let dir = std::path::Path::new(&a.source.path)
                .parent()
                .and_then(|p| p.strip_prefix("content").ok())
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            Arc::new(markdown::render(
                a.body(),
                Origin::File {
                    file: &a.source,
                    base: a.body_offset,
                    dir: &dir,
                },
                &Settings {
                    highlighter: self.highlighter,
                    links: site,
                    drop_first_h1: a.title_from_heading,
                    inline: false,
                    html: site.config.raw_html,
                },
            ))
        });
        if !r.diagnostics.is_empty() {
            self.diagnostics
                .lock()
                .expect("diags")
                .extend(r.diagnostics.clone());
        }
        let known = |kind: Kind, refs: &[crate::content::IdRef]| -> Vec<String> {
            refs.iter()
                .filter(|r| site.dataset.has(kind, &r.id))
                .map(|r| r.id.clone())
                .collect()
        };
        let ctx = json!({
            "page": {"title": a.title, "description": a.summary},
            "article": {
                "title": a.title,
                "url": site.article_url(a),
                "date": a.date,
                "updated": a.updated,
                "summary": a.summary,
                "authors": a.authors,
                "tags": self.tag_refs(&a.tags),
                "toc": r.toc,
                "services": known(Kind::Service, &a.services).iter().map(|id| self.service_ref(id)).collect::<Vec<_>>(),
                "controls": known(Kind::Control, &a.controls).iter().map(|id| self.control_ref(id)).collect::<Vec<_>>(),
                "scenarios": known(Kind::Scenario, &a.scenarios).iter().map(|id| self.scenario_ref(id)).collect::<Vec<_>>(),
            },
            "prev": i.checked_sub(1).map(|p| self.article_summary(p)),
            "next": (i + 1 < site.articles.len()).then(|| self.article_summary(i + 1)),
        });
        Page {
            path,
            url,
            template: "article.html",
            context: ctx,
            body: Some((r, key)),
            key: Some(input),
            links: Vec::new(),
            in_sitemap: true,
            cached: None,
        }
    }

    /// The home page, the article index, the tag index, one page per tag, search and 404.
    fn list_pages(&self) -> Vec<Page> {
        let site = self.site;
        let all: Vec<Value> = (0..site.articles.len())
            .map(|i| self.article_summary(i))
            .collect();
        let ds = site.dataset;
        vec![
            self.page(
                "index.html",
                "home.html",
                json!({
                    "page": {"title": site.config.title, "description": site.config.description},
                    "categories": ds.categories.iter().map(|c| {
                        let mut v = self.category_ref(&c.id);
                        v["summary"] = Value::String(self.md(&c.summary));
                        v["count"] = json!(ds.services.iter().filter(|s| s.category == c.id).count());
                        v
                    }).collect::<Vec<_>>(),
                    "counts": {"services": ds.services.len(), "controls": ds.controls.len(), "scenarios": ds.scenarios.len(), "articles": site.articles.len()},
                })
                .with("articles", Value::Array(all.iter().take(HOME_ARTICLES).cloned().collect())),
            ),
            self.page(
                "articles/index.html",
                "list.html",
                json!({"page": {"title": "Articles", "description": "Every article in this knowledge base."}})
                    .with("items", Value::Array(all)),
            ),
            self.page(
                "tags/index.html",
                "tags.html",
                json!({
                    "page": {"title": "Tags", "description": "Articles by tag."},
                    "tags": site.tags.iter().map(|(slug, (name, list))| json!({"name": name, "url": site.url(&format!("tags/{slug}/")), "count": list.len()})).collect::<Vec<_>>(),
                }),
            ),
            self.page("404.html", "404.html", json!({"page": {"title": "Page not found"}})),
            self.page("search/index.html", "search.html", json!({"page": {"title": "Search"}})),
        ]
    }

    /// One page per tag, listing its articles.
    fn tag_pages(&self) -> Vec<Page> {
        self.site
            .tags
            .iter()
            .map(|(slug, (name, list))| {
                self.page(
                    &format!("tags/{slug}/index.html"),
                    "list.html",
                    json!({
                        "page": {"title": format!("Tagged “{name}”"), "description": format!("Articles tagged {name}.")},
                    })
                    .with("items", list.iter().map(|&i| self.article_summary(i)).collect()),
                )
            })
            .collect()
    }

    fn scenarios_touching(&self, kind: Kind, id: &str) -> Vec<Value> {
        self.site
            .dataset
            .scenarios
            .iter()
            .filter(|s| match kind {
                Kind::Service => s.services.iter().any(|x| x == id),
                Kind::Control => s.controls.iter().any(|x| x == id),
                _ => false,
            })
            .map(|s| self.scenario_ref(&s.id))
            .collect()
    }

    fn service_pages(&self) -> Vec<Page> {
        let ds = self.site.dataset;
        let mut pages = Vec::new();
        for s in &ds.services {
            let rows: Vec<Value> = ds
                .controls
                .iter()
                .filter_map(|c| {
                    let cell = ds.cell(&c.id, s)?;
                    let mut v = self.cell(cell);
                    v["control"] = self.control_ref(&c.id);
                    v["overridden"] = json!(ds
                        .matrix
                        .get(&c.id)
                        .is_some_and(|r| r.overrides.contains_key(&s.id)));
                    Some(v)
                })
                .collect();
            let mut conflict_ids = s.conflicts.clone();
            for c in &ds.controls {
                if let Some(cell) = ds.cell(&c.id, s) {
                    for id in &cell.conflicts {
                        if !conflict_ids.contains(id) {
                            conflict_ids.push(id.clone());
                        }
                    }
                }
            }
            let ctx = json!({
                "page": {"title": s.name, "description": s.summary.md},
                "service": {
                    "id": s.id, "name": s.name, "aliases": s.aliases,
                    "category": self.category_ref(&s.category),
                    "summary": self.md(&s.summary), "kind": s.kind, "status": s.status,
                    "compute": s.compute, "note": self.opt_md(&s.note),
                    "updates": self.updates(&s.updates),
                    "sources": self.sources(&s.sources),
                    "helps_with": s.helps_with.iter().map(|c| self.control_ref(c)).collect::<Vec<_>>(),
                },
                "conflicts": self.conflicts(&conflict_ids),
                "stack_svg": super::stack::service_stack(ds, s),
                "scenarios": self.scenarios_touching(Kind::Service, &s.id),
            })
            .with("rows", Value::Array(rows))
            .with("articles", self.backlinks(Kind::Service, &s.id));
            pages.push(self.page(
                &format!("services/{}/index.html", s.id),
                "service.html",
                ctx,
            ));
        }
        let items: Vec<Value> = ds
            .categories
            .iter()
            .map(|c| {
                json!({
                    "category": self.category_ref(&c.id),
                    "items": ds.services.iter().filter(|s| s.category == c.id).map(|s| json!({
                        "title": s.name, "url": self.site.entity_url(Kind::Service, &s.id),
                        "summary": self.md(&s.summary), "meta": if s.status == Status::Retired { "retired".to_string() } else { s.kind.id().replace('-', " ") },
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        pages.push(self.page(
            "services/index.html",
            "entities.html",
            json!({"page": {"title": "Services", "description": "Every service, grouped by category."}, "groups": items}),
        ));
        pages
    }

    fn control_pages(&self) -> Vec<Page> {
        let ds = self.site.dataset;
        let mut pages = Vec::new();
        for c in &ds.controls {
            let Some(row) = ds.matrix.get(&c.id) else {
                continue;
            };
            let spread = ds.spread(&c.id);
            let by_category: Vec<Value> = ds
                .categories
                .iter()
                .filter_map(|cat| {
                    let mut v = self.cell(row.defaults.get(&cat.id)?);
                    v["category"] = self.category_ref(&cat.id);
                    Some(v)
                })
                .collect();
            let overrides: Vec<Value> = row
                .overrides
                .iter()
                .map(|(sid, cell)| {
                    let mut v = self.cell(cell);
                    v["service"] = self.service_ref(sid);
                    v
                })
                .collect();
            let services: Vec<Value> = ds
                .services
                .iter()
                .filter_map(|s| {
                    let cell = ds.cell(&c.id, s)?;
                    let mut v = self.service_ref(&s.id);
                    v["owner"] = json!(cell.owner.id());
                    v["owner_class"] = json!(owner_class(cell.owner));
                    v["owner_label"] = json!(owner_label(cell.owner));
                    Some(v)
                })
                .collect();
            let tools: Vec<Value> = ds
                .services
                .iter()
                .filter(|s| s.helps_with.contains(&c.id))
                .map(|s| self.service_ref(&s.id))
                .collect();
            let myths: Vec<Value> = ds
                .misconceptions
                .iter()
                .filter(|m| m.controls.contains(&c.id))
                .map(|m| json!({"id": m.id, "myth": self.md(&m.myth), "url": self.site.entity_url(Kind::Misconception, &m.id)}))
                .collect();
            let ctx = json!({
                "page": {"title": c.title, "description": c.description.md},
                "control": {
                    "id": c.id, "title": c.title, "layer": c.layer, "nist": c.nist,
                    "description": self.md(&c.description), "sources": self.sources(&c.sources),
                },
                "spread": spread_label(spread),
                "varies": spread == Spread::Varies,
                "by_category": by_category,
                "overrides": overrides,
                "services": services,
                "tools": tools,
                "misconceptions": myths,
                "scenarios": self.scenarios_touching(Kind::Control, &c.id),
                "row_sources": self.sources(&row.sources),
            })
            .with("articles", self.backlinks(Kind::Control, &c.id));
            pages.push(self.page(
                &format!("controls/{}/index.html", c.id),
                "control.html",
                ctx,
            ));
        }
        let groups: Vec<Value> = Layer::ALL
            .iter()
            .rev()
            .filter(|l| ds.controls.iter().any(|c| &c.layer == *l))
            .map(|l| {
                json!({
                    "category": {"label": format!("{} layer", capitalise(l.id())), "id": l},
                    "items": ds.controls.iter().filter(|c| &c.layer == l).map(|c| json!({
                        "title": c.title, "url": self.site.entity_url(Kind::Control, &c.id),
                        "summary": self.md(&c.description), "meta": spread_label(ds.spread(&c.id)),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        pages.push(self.page(
            "controls/index.html",
            "entities.html",
            json!({"page": {"title": "Controls", "description": "Every control, from the data at the top of the stack down to the facility."}, "groups": groups}),
        ));
        pages
    }

    fn category_pages(&self) -> Vec<Page> {
        let ds = self.site.dataset;
        let mut pages = Vec::new();
        for cat in &ds.categories {
            let shifts: Vec<Value> = ds
                .controls
                .iter()
                .filter_map(|c| {
                    let row = ds.matrix.get(&c.id)?;
                    let here = row.defaults.get(&cat.id)?;
                    let differs = row.defaults.values().any(|o| o.owner != here.owner);
                    differs.then(|| {
                        json!({
                            "control": self.control_ref(&c.id),
                            "cells": ds.categories.iter().filter_map(|k| row.defaults.get(&k.id).map(|cell| json!({
                                "category": self.category_ref(&k.id), "owner_label": owner_label(cell.owner),
                                "owner_class": owner_class(cell.owner), "here": k.id == cat.id,
                            }))).collect::<Vec<_>>(),
                        })
                    })
                })
                .collect();
            let ctx = json!({
                "page": {"title": cat.label, "description": cat.summary.md},
                "category": {
                    "id": cat.id, "label": cat.label, "aliases": cat.aliases,
                    "summary": self.md(&cat.summary), "description": self.opt_md(&cat.description),
                    "sources": self.sources(&cat.sources),
                },
                "categories": ds.categories.iter().map(|k| self.category_ref(&k.id)).collect::<Vec<_>>(),
                "services": ds.services.iter().filter(|s| s.category == cat.id).map(|s| {
                    let mut v = self.service_ref(&s.id);
                    v["summary"] = json!(self.md(&s.summary));
                    v
                }).collect::<Vec<_>>(),
                "shifts": shifts,
            });
            pages.push(self.page(
                &format!("categories/{}/index.html", cat.id),
                "category.html",
                ctx,
            ));
        }
        let spectrum: Vec<Value> = ds
            .spectrum
            .iter()
            .map(|s| {
                json!({
                    "id": s.id, "label": s.label, "rank": s.rank, "summary": self.md(&s.summary),
                    "services": s.services.iter().map(|x| self.service_ref(x)).collect::<Vec<_>>(),
                    "customer_manages": s.customer_manages.iter().map(|x| self.control_ref(x)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let groups = vec![json!({
            "category": {"label": "Categories", "id": "all"},
            "items": ds.categories.iter().map(|c| json!({
                "title": c.label, "url": self.site.entity_url(Kind::Category, &c.id),
                "summary": self.md(&c.summary), "meta": c.aliases.join(", "),
            })).collect::<Vec<_>>(),
        })];
        pages.push(self.page(
            "categories/index.html",
            "entities.html",
            json!({"page": {"title": "Service categories", "description": "Infrastructure, container and abstracted services, and how responsibility shifts between them."}, "groups": groups, "spectrum": spectrum}),
        ));
        pages
    }

    fn scenario_pages(&self) -> Vec<Page> {
        let ds = self.site.dataset;
        let mut pages = Vec::new();
        for s in &ds.scenarios {
            let involved: Vec<Value> = s
                .controls
                .iter()
                .map(|c| {
                    let mut v = self.control_ref(c);
                    v["cells"] = s
                        .services
                        .iter()
                        .filter_map(|sid| {
                            let svc = ds.service(sid)?;
                            let cell = ds.cell(c, svc)?;
                            Some(json!({"service": self.service_ref(sid), "owner_label": owner_label(cell.owner), "owner_class": owner_class(cell.owner)}))
                        })
                        .collect();
                    v
                })
                .collect();
            let ctx = json!({
                "page": {"title": s.title, "description": s.question.md},
                "scenario": {
                    "id": s.id, "title": s.title, "question": self.md(&s.question),
                    "steps": s.steps.iter().map(|t| self.md(t)).collect::<Vec<_>>(),
                    "answer": self.md(&s.answer), "owner": s.owner.id(), "owner_class": owner_class(s.owner),
                    "owner_label": owner_label(s.owner),
                    "aws": self.opt_md(&s.aws), "customer": self.opt_md(&s.customer),
                    "rationale": self.opt_md(&s.rationale),
                    "services": s.services.iter().map(|x| self.service_ref(x)).collect::<Vec<_>>(),
                    "controls": involved,
                    "conflicts": self.conflicts(&s.conflicts),
                    "updates": self.updates(&s.updates),
                    "sources": self.sources(&s.sources),
                },
            })
            .with("articles", self.backlinks(Kind::Scenario, &s.id));
            pages.push(self.page(
                &format!("scenarios/{}/index.html", s.id),
                "scenario.html",
                ctx,
            ));
        }
        let groups = vec![json!({
            "category": {"label": "Walkthroughs", "id": "all"},
            "items": ds.scenarios.iter().map(|s| json!({
                "title": s.title, "url": self.site.entity_url(Kind::Scenario, &s.id),
                "summary": self.md(&s.question), "meta": format!("Answer: {}", owner_label(s.owner)),
            })).collect::<Vec<_>>(),
        })];
        pages.push(self.page(
            "scenarios/index.html",
            "entities.html",
            json!({"page": {"title": "Scenarios", "description": "Walkthroughs: who is responsible when something goes wrong."}, "groups": groups}),
        ));
        pages
    }

    fn matrix_page(&self) -> Page {
        let ds = self.site.dataset;
        let services: Vec<Value> = ds
            .categories
            .iter()
            .flat_map(|cat| ds.services.iter().filter(move |s| s.category == cat.id))
            .map(|s| {
                let mut v = self.service_ref(&s.id);
                v["category"] = json!(s.category);
                v
            })
            .collect();
        let order: Vec<&crate::dataset::Service> = ds
            .categories
            .iter()
            .flat_map(|cat| ds.services.iter().filter(move |s| s.category == cat.id))
            .collect();
        let rows: Vec<Value> = Layer::ALL
            .iter()
            .rev()
            .flat_map(|l| ds.controls.iter().filter(move |c| &c.layer == l))
            .map(|c| {
                let cells: Vec<Value> = order
                    .iter()
                    .map(|s| {
                        let cell = ds.cell(&c.id, s);
                        let owner = cell.map_or(Owner::NotApplicable, |c| c.owner);
                        json!({"owner_class": owner_class(owner), "owner_label": owner_label(owner), "abbr": owner_abbr(owner), "category": s.category, "service": s.name})
                    })
                    .collect();
                json!({"control": self.control_ref(&c.id), "cells": cells, "spread": spread_label(ds.spread(&c.id))})
            })
            .collect();
        self.page(
            "matrix/index.html",
            "matrix.html",
            json!({
                "page": {"title": "Responsibility matrix", "description": "Every service against every control, with the owner of each."},
                "categories": ds.categories.iter().map(|c| self.category_ref(&c.id)).collect::<Vec<_>>(),
                "services": services,
                "rows": rows,
            }),
        )
    }

    fn quick_reference_page(&self) -> Page {
        let ds = self.site.dataset;
        let group = |want: Spread| -> Vec<Value> {
            ds.controls
                .iter()
                .filter(|c| ds.spread(&c.id) == want)
                .map(|c| self.control_ref(&c.id))
                .collect()
        };
        let varies: Vec<Value> = ds
            .controls
            .iter()
            .filter(|c| ds.spread(&c.id) == Spread::Varies)
            .map(|c| {
                let mut v = self.control_ref(&c.id);
                let row = ds.matrix.get(&c.id);
                v["cells"] = ds
                    .categories
                    .iter()
                    .filter_map(|k| {
                        let cell = row?.defaults.get(&k.id)?;
                        Some(json!({"alias": k.aliases.first().unwrap_or(&k.label), "owner_label": owner_label(cell.owner), "owner_class": owner_class(cell.owner)}))
                    })
                    .collect();
                v["exceptions"] = row.map_or(json!([]), |r| {
                    r.overrides
                        .iter()
                        .filter_map(|(sid, cell)| {
                            let svc = ds.service(sid)?;
                            let default = r.defaults.get(&svc.category)?;
                            (default.owner != cell.owner).then(|| json!({"service": svc.aliases.first().unwrap_or(&svc.name), "owner_label": owner_label(cell.owner)}))
                        })
                        .collect()
                });
                v
            })
            .collect();
        self.page(
            "quick-reference/index.html",
            "quick_reference.html",
            json!({
                "page": {"title": "Quick reference", "description": "Who owns what, on one printable page."},
                "always_aws": group(Spread::AlwaysAws),
                "always_customer": group(Spread::AlwaysCustomer),
                "always_shared": group(Spread::AlwaysShared),
                "varies": varies,
                "categories": ds.categories.iter().map(|c| self.category_ref(&c.id)).collect::<Vec<_>>(),
            }),
        )
    }

    fn misconceptions_page(&self) -> Page {
        let ds = self.site.dataset;
        self.page(
            "misconceptions/index.html",
            "misconceptions.html",
            json!({
                "page": {"title": "Misconceptions and tips", "description": "Common myths about the shared responsibility model, and practical tips."},
                "misconceptions": ds.misconceptions.iter().map(|m| json!({
                    "id": m.id, "myth": self.md(&m.myth), "reality": self.md(&m.reality),
                    "controls": m.controls.iter().map(|c| self.control_ref(c)).collect::<Vec<_>>(),
                    "services": m.services.iter().map(|c| self.service_ref(c)).collect::<Vec<_>>(),
                    "updates": self.updates(&m.updates), "conflicts": self.conflicts(&m.conflicts),
                    "sources": self.sources(&m.sources),
                })).collect::<Vec<_>>(),
                "tips": ds.tips.iter().map(|t| json!({
                    "id": t.id, "html": self.md(&t.text),
                    "controls": t.controls.iter().map(|c| self.control_ref(c)).collect::<Vec<_>>(),
                    "updates": self.updates(&t.updates), "sources": self.sources(&t.sources),
                })).collect::<Vec<_>>(),
            }),
        )
    }

    fn sources_page(&self) -> Page {
        let ds = self.site.dataset;
        self.page(
            "sources/index.html",
            "sources.html",
            json!({
                "page": {"title": "Sources, conflicts and compliance", "description": "Where the facts come from, where the sources disagree, and the compliance programmes involved."},
                "sources": ds.sources.iter().map(|s| json!({
                    "id": s.id, "title": s.title, "author": s.author, "date": s.date, "accessed": s.accessed, "url": s.url, "note": self.opt_md(&s.note),
                })).collect::<Vec<_>>(),
                "conflicts": ds.conflicts.iter().map(|c| json!({
                    "id": c.id, "topic": c.topic, "checked": c.checked, "resolution": self.md(&c.resolution),
                    "positions": c.positions.iter().map(|p| json!({"claim": self.md(&p.claim), "sources": self.sources(&p.sources)})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "programs": ds.compliance_programs.iter().map(|p| json!({
                    "id": p.id, "name": p.name, "family": p.family, "note": self.opt_md(&p.note), "sources": self.sources(&p.sources),
                })).collect::<Vec<_>>(),
                "owners": ds.owners.iter().map(|o| json!({
                    "id": o.id, "label": o.label, "motto": o.motto, "description": self.md(&o.description),
                })).collect::<Vec<_>>(),
            }),
        )
    }
}

/// Adds a field to a JSON object by moving the value in (`json!` would deep-copy it).
trait With {
    fn with(self, key: &str, value: Value) -> Value;
}

impl With for Value {
    fn with(mut self, key: &str, value: Value) -> Value {
        if let Value::Object(map) = &mut self {
            map.insert(key.to_string(), value);
        }
        self
    }
}

/// A page's cache key from its context (and body key): what it shows, hashed.
fn page_key(salt: Key, p: &Page) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(salt.as_bytes());
    for part in [p.template, p.path.as_str()] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hash_value(&p.context, &mut h);
    if let Some((_, body_key)) = &p.body {
        h.update(body_key.as_bytes());
    }
    h.finalize()
}

/// Identifies the template set and the site-wide context: part of every page's cache key.
pub fn render_salt(templates_key: Key, site_ctx: &Value) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(templates_key.as_bytes());
    hash_value(site_ctx, &mut h);
    h.finalize()
}

/// Feeds a JSON value into a hasher without serialising it (page cache keys).
fn hash_value(v: &Value, h: &mut blake3::Hasher) {
    match v {
        Value::Null => {
            h.update(b"n");
        }
        Value::Bool(b) => {
            h.update(if *b { b"t" } else { b"f" });
        }
        Value::Number(n) => {
            h.update(b"#");
            h.update(n.to_string().as_bytes());
        }
        Value::String(s) => {
            h.update(b"s");
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        Value::Array(a) => {
            h.update(b"[");
            h.update(&(a.len() as u64).to_le_bytes());
            for x in a {
                hash_value(x, h);
            }
        }
        Value::Object(m) => {
            h.update(b"{");
            h.update(&(m.len() as u64).to_le_bytes());
            for (k, x) in m {
                h.update(&(k.len() as u64).to_le_bytes());
                h.update(k.as_bytes());
                hash_value(x, h);
            }
        }
    }
}

/// CSS class for an owner (`owner-aws`, …).
pub fn owner_class(o: Owner) -> &'static str {
    match o {
        Owner::Aws => "owner-aws",
        Owner::Customer => "owner-customer",
        Owner::Shared => "owner-shared",
        Owner::NotApplicable => "owner-na",
    }
}

fn owner_abbr(o: Owner) -> &'static str {
    match o {
        Owner::Aws => "A",
        Owner::Customer => "C",
        Owner::Shared => "S",
        Owner::NotApplicable => "–",
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The site-wide context every template sees.
pub fn site_context(site: &Site<'_>) -> Value {
    let ds = site.dataset;
    let has_data = !ds.services.is_empty() || !ds.controls.is_empty();
    let mut nav = vec![json!({"title": "Articles", "url": site.url("articles/")})];
    if has_data {
        for (title, path) in [
            ("Services", "services/"),
            ("Controls", "controls/"),
            ("Categories", "categories/"),
            ("Scenarios", "scenarios/"),
            ("Matrix", "matrix/"),
            ("Quick reference", "quick-reference/"),
        ] {
            nav.push(json!({"title": title, "url": site.url(path)}));
        }
    }
    nav.push(json!({"title": "Tags", "url": site.url("tags/")}));
    json!({
        "title": site.config.title,
        "description": site.config.description,
        "base_path": site.config.base_path,
        "base_url": site.config.base_url,
        "language": site.config.language,
        "has_data": has_data,
        "nav": nav,
    })
}

/// Renders pages with Tera in parallel, reusing every page whose inputs are unchanged.
/// `templates_key` identifies the template set. Template failures become diagnostics.
pub fn render_pages(
    tera: &tera::Tera,
    templates_key: Key,
    site_ctx: &Value,
    pages: Vec<Page>,
    cache: &BuildCache,
    diags: &mut Diagnostics,
) -> Vec<RenderedPage> {
    let salt = render_salt(templates_key, site_ctx);
    let results: Vec<Result<RenderedPage, Diagnostic>> = pages
        .into_par_iter()
        .map(|p| {
            let key = p.key.unwrap_or_else(|| page_key(salt, &p));
            let mut failure = None;
            let Page {
                path,
                url,
                template,
                mut context,
                body,
                links,
                in_sitemap,
                cached,
                ..
            } = p;
            let artifacts = match cached {
                Some(page) => page,
                None => cache.page_or(key, || {
                    if let Some((body, _)) = &body {
                        context["article"]["html"] = Value::String(body.html.clone());
                    }
                    let mut ctx = tera::Context::from_value(context).unwrap_or_default();
                    ctx.insert("site", site_ctx);
                    ctx.insert("current_url", &url);
                    match tera.render(template, &ctx) {
                        Ok(mut html) => Arc::new(PageArtifacts {
                            links: links
                                .into_iter()
                                .chain(body.iter().flat_map(|(b, _)| b.links.iter().cloned()))
                                .collect(),
                            diagnostics: body
                                .as_ref()
                                .map(|(b, _)| b.diagnostics.clone())
                                .unwrap_or_default(),
                            ids: super::links::ids_in(&html),
                            search: super::extras::search_entry(&path, &url, &html),
                            // Kept until written: no growth slack held for thousands of pages.
                            html: {
                                html.shrink_to_fit();
                                html
                            },
                        }),
                        Err(e) => {
                            failure = Some(crate::render::templates::chain(&e));
                            Arc::new(PageArtifacts {
                                links: Vec::new(),
                                diagnostics: Default::default(),
                                html: String::new(),
                                ids: Default::default(),
                                search: None,
                            })
                        }
                    }
                }),
            };
            if failure.is_none() && artifacts.html.is_empty() {
                failure = Some("rendering failed earlier with the same inputs".into());
            }
            match failure {
                None => Ok(RenderedPage {
                    path,
                    url,
                    artifacts,
                    key,
                    in_sitemap,
                }),
                Some(msg) => Err(Diagnostic::error(
                    Location::file(format!("templates/{template}")),
                    format!("template error while rendering {path}: {msg}"),
                )),
            }
        })
        .collect();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(p) => out.push(p),
            Err(d) => diags.push(d),
        }
    }
    out
}
