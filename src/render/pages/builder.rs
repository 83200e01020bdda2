//! [`PageBuilder`]: turns the site graph into [`Page`]s — articles in slices, every other
//! page by [`PageGroup`] — rendering the dataset's Markdown fields on the way and reusing a
//! whole group from the cache when none of its inputs changed.

use super::keys;
use super::parts::{summarize, ArticleSummary, KeyedSummary};
use super::{Content, Page, PageContext, PageGroup};
use crate::cache::{BuildCache, Key, PageStub};
use crate::dataset::Text;
use crate::diagnostics::Diagnostics;
use crate::render::highlight::Highlighter;
use crate::render::markdown::{self, Origin, PageLinks, Settings};
use crate::site::Site;
use rayon::prelude::*;
use std::sync::{Arc, Mutex};

/// Builds page contexts; collects the Markdown links of the page being built and every
/// diagnostic of the Markdown it renders.
pub(crate) struct PageBuilder<'s, 'a> {
    pub(super) site: &'s Site<'a>,
    /// The key of the templates and site-wide context (see [`super::render_salt`]).
    pub(super) salt: Key,
    /// Each article's list entry and its key, in site order.
    summaries: Vec<Arc<KeyedSummary>>,
    /// Every summary's key together: an input of every group.
    summaries_key: Key,
    /// Which articles reference which entity: an input of the dataset pages' groups.
    backlinks_key: Key,
    pub(super) highlighter: &'s Highlighter,
    pub(super) cache: &'s BuildCache,
    links: Mutex<PageLinks>,
    /// Problems found while rendering Markdown.
    pub diagnostics: Mutex<Diagnostics>,
}

impl<'s, 'a> PageBuilder<'s, 'a> {
    /// A builder for one site; `salt` identifies the templates and the site-wide context
    /// (see [`super::render_salt`]).
    pub(crate) fn new(
        site: &'s Site<'a>,
        highlighter: &'s Highlighter,
        cache: &'s BuildCache,
        salt: Key,
    ) -> Self {
        // Summaries are memoised by article source and base path: a rebuild after one edit
        // builds one summary, not one per article.
        let summaries: Vec<Arc<KeyedSummary>> = (site.articles.par_iter())
            .map(|article| {
                let key = keys::summary_input_key(article, &site.config.base_path);
                cache.summaries.get_or(key, || {
                    let summary = summarize(site, article);
                    let key = keys::summary_key(&summary);
                    Arc::new((summary, key))
                })
            })
            .collect();
        PageBuilder {
            site,
            salt,
            summaries_key: keys::summaries_key(summaries.iter().map(|s| &s.1)),
            summaries,
            backlinks_key: keys::backlinks_key(site),
            highlighter,
            cache,
            links: Mutex::new(PageLinks::default()),
            diagnostics: Mutex::new(Diagnostics::new()),
        }
    }

    /// A builder of article pages only (no list entries, no groups): for `serve`'s
    /// incremental rebuild of a few articles, which must not touch every article.
    pub(crate) fn for_articles(
        site: &'s Site<'a>,
        highlighter: &'s Highlighter,
        cache: &'s BuildCache,
        salt: Key,
    ) -> Self {
        let none = Key::from_bytes([0; 32]);
        PageBuilder {
            site,
            salt,
            summaries: Vec::new(),
            summaries_key: none,
            backlinks_key: none,
            highlighter,
            cache,
            links: Mutex::new(PageLinks::default()),
            diagnostics: Mutex::new(Diagnostics::new()),
        }
    }

    /// The list entry of article `i` (in site order).
    pub(super) fn summary(&self, i: usize) -> &ArticleSummary {
        &self.summaries[i].0
    }

    /// Inline Markdown of a dataset text field (memoised by its text, place and the link
    /// environment); its links and diagnostics are collected.
    pub(super) fn md(&self, text: &Text) -> String {
        let key = keys::inline_markdown_key(text, self.site.link_env);
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
        self.links.lock().expect("links").add(&r.links);
        self.report(&r.diagnostics);
        r.html.clone()
    }

    /// Adds diagnostics found while building a page.
    pub(super) fn report(&self, found: &Diagnostics) {
        if !found.is_empty() {
            self.diagnostics
                .lock()
                .expect("diags")
                .extend(found.clone());
        }
    }

    /// A page to render at `path` (relative to the site root), with the links its
    /// context's Markdown holds; its key is the hash of its template, path and context.
    pub(super) fn page<'b>(
        &self,
        path: &str,
        template: &'static str,
        context: PageContext<'b>,
    ) -> Page<'b> {
        Page {
            path: path.to_string(),
            url: self.site.url(path.trim_end_matches("index.html")),
            template,
            key: keys::page_key(self.salt, template, path, &context),
            in_sitemap: template != "404.html",
            content: Content::Render {
                context: Box::new(context),
                links: std::mem::take(&mut *self.links.lock().expect("links")),
            },
        }
    }

    /// The pages of articles `range` (in site order). Callers render them in slices so that
    /// only one slice's Markdown bodies are in memory at a time.
    pub(crate) fn article_pages(&self, range: std::ops::Range<usize>) -> Vec<Page<'_>> {
        range
            .into_par_iter()
            .map(|i| self.article_page(i))
            .collect()
    }

    /// The groups of pages that are not articles, in build order: callers build and render
    /// one group at a time, so only one group's contexts (which repeat article summaries in
    /// lists and backlinks) are in memory at once.
    pub(crate) fn page_groups(&self) -> Vec<PageGroup> {
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
    pub(crate) fn group_pages(&self, group: PageGroup) -> Vec<Page<'_>> {
        // Lists show article summaries only; dataset pages also show backlinks.
        let backlinks = match group {
            PageGroup::Lists | PageGroup::Tags => None,
            _ => Some(self.backlinks_key),
        };
        let group_key = keys::group_key(group, self.site, self.salt, self.summaries_key, backlinks);
        if let Some(pages) = self.cached_group(&group_key) {
            return pages;
        }
        let pages = match group {
            PageGroup::Lists => self.list_pages(),
            PageGroup::Tags => self.tag_pages(),
            PageGroup::Services => self.service_pages(),
            PageGroup::Controls => self.control_pages(),
            PageGroup::Categories => self.category_pages(),
            PageGroup::Scenarios => self.scenario_pages(),
            PageGroup::Overviews => self.overview_pages(),
        };
        let stubs = pages
            .iter()
            .map(|p| PageStub {
                path: p.path.clone(),
                url: p.url.clone(),
                template: p.template,
                key: p.key,
                in_sitemap: p.in_sitemap,
            })
            .collect();
        self.cache.groups.seed(group_key, Arc::new(stubs));
        self.cache.groups.touch(&group_key);
        pages
    }

    /// The pages of a group built before from the same inputs, when every one of them is
    /// still cached: no context is built.
    fn cached_group(&self, group_key: &Key) -> Option<Vec<Page<'static>>> {
        let stubs = self.cache.groups.peek(group_key)?;
        if !stubs.iter().all(|s| self.cache.has_page(&s.key)) {
            return None;
        }
        let pages = stubs
            .iter()
            .map(|s| Page {
                path: s.path.clone(),
                url: s.url.clone(),
                template: s.template,
                key: s.key,
                in_sitemap: s.in_sitemap,
                content: Content::Cached,
            })
            .collect();
        Some(pages)
    }
}
