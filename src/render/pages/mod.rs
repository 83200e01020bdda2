//! Every page of the site as a typed context for its template: [`PageBuilder`] turns the
//! site graph ([`crate::site::Site`]) into [`Page`]s, one file per family of pages
//! (`article`, `lists`, `service`, `control`, `category`, `scenario`, `reference`), with the
//! pieces they share in `parts`. A page's cache key is the hash of its template, path and
//! context (`keys`); [`render_pages`] runs Tera over the pages that are not cached.

mod article;
mod builder;
mod category;
mod control;
mod headings;
mod keys;
mod lists;
mod navigation;
mod parts;
mod providers;
mod reference;
mod relative;
mod render;
mod scenario;
mod scrollables;
mod section;
mod service;
mod site_context;

pub(crate) use builder::PageBuilder;
pub(crate) use keys::render_salt;
pub(crate) use parts::KeyedSummary;
pub(crate) use render::render_pages;
pub(crate) use site_context::{site_context, site_context_with, KeptNavigation, SiteContext};

use crate::cache::{Key, PageArtifacts};
use crate::render::markdown::{PageLinks, Rendered};
use serde::Serialize;
use std::sync::Arc;

/// A page before templating.
pub(crate) struct Page<'b> {
    /// Output file relative to the site root (`services/s3/index.html`).
    pub path: String,
    /// Absolute URL path (`/docs/services/s3/`).
    pub url: String,
    /// Template name.
    pub template: &'static str,
    /// The page's cache key: the hash of everything it shows.
    pub key: Key,
    /// Listed in `sitemap.xml`.
    pub in_sitemap: bool,
    /// What rendering the page takes.
    pub content: Content<'b>,
}

/// What a page needs to be rendered: its context, or nothing because it is cached.
pub(crate) enum Content<'b> {
    /// Not rendered before with these inputs: the context for its template, and the
    /// internal links of the dataset Markdown it shows.
    Render {
        /// The page's own context (the site-wide one is added at render time).
        context: Box<PageContext<'b>>,
        /// Links to check once the whole site exists.
        links: PageLinks,
    },
    /// Rendered before under its key: read from the cache at render time.
    Cached,
    /// Rendered before, and already read from the cache (an article page is looked up
    /// before its Markdown is rendered, so a cached one never renders it).
    Fetched(Arc<PageArtifacts>),
}

/// The context of one page, by family; it serialises as the family's own context.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum PageContext<'b> {
    /// An article.
    Article(article::ArticleContext<'b>),
    /// The home page.
    Home(lists::HomeContext<'b>),
    /// A list of articles (all, or one tag's).
    Articles(lists::ArticlesContext<'b>),
    /// The tag index.
    Tags(lists::TagsContext<'b>),
    /// A page with a title only (404, search).
    Titled(lists::TitledContext),
    /// A service.
    Service(service::ServiceContext<'b>),
    /// A control.
    Control(control::ControlContext<'b>),
    /// A service category.
    Category(category::CategoryContext<'b>),
    /// A scenario walkthrough.
    Scenario(scenario::ScenarioContext<'b>),
    /// The index of services, controls, categories or scenarios.
    Index(lists::IndexContext<'b>),
    /// The responsibility matrix.
    Matrix(reference::MatrixContext<'b>),
    /// The quick-reference card.
    QuickReference(reference::QuickReferenceContext<'b>),
    /// Misconceptions and tips.
    Misconceptions(reference::MisconceptionsContext<'b>),
    /// Sources, conflicts, compliance programmes and owners.
    Sources(reference::SourcesContext<'b>),
}

impl PageContext<'_> {
    /// The rendered Markdown body of an article page.
    pub(super) fn body(&self) -> Option<&Rendered> {
        match self {
            PageContext::Article(a) => a.body(),
            _ => None,
        }
    }
}

/// A group of pages that are not articles (see [`PageBuilder::page_groups`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageGroup {
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

/// A rendered HTML page.
#[derive(Clone)]
pub(crate) struct RenderedPage {
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
