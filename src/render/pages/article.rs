//! The page of one article: its front matter, the entities it covers, its rendered body
//! and where to edit it. Its key is computed before its Markdown is rendered
//! (the body stands in as the key of its Markdown), so a cached article page never renders
//! its Markdown at all.

use super::builder::PageBuilder;
use super::parts::{tag_refs, ControlRef, PageMeta, ScenarioRef, ServiceRef, TagRef};
use super::{keys, Content, Page, PageContext};
use crate::cache::Key;
use crate::content::{Article, IdRef};
use crate::dataset::Kind;
use crate::render::markdown::{self, Origin, Rendered, Settings};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// `article.html`'s context.
#[derive(Serialize)]
pub(crate) struct ArticleContext<'b> {
    /// Title and summary.
    page: PageMeta<'b>,
    /// The article.
    article: ArticleView<'b>,
}

impl ArticleContext<'_> {
    /// The rendered body, once it is.
    pub(super) fn body(&self) -> Option<&Rendered> {
        match &self.article.body {
            ArticleBody::Rendered(r) => Some(r),
            ArticleBody::Pending { .. } => None,
        }
    }
}

/// `article`: the article itself.
#[derive(Serialize)]
struct ArticleView<'b> {
    title: &'b str,
    url: String,
    date: Option<&'b str>,
    updated: Option<&'b str>,
    summary: Option<&'b str>,
    authors: &'b [String],
    /// The `edit_url` pattern with the article's path under `content/`.
    edit_url: Option<String>,
    tags: Vec<TagRef>,
    /// The services, controls and scenarios it covers that exist.
    services: Vec<ServiceRef<'b>>,
    controls: Vec<ControlRef<'b>>,
    scenarios: Vec<ScenarioRef<'b>>,
    /// Front-matter keys of other tools, as written (`article.extra.layout`).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    extra: &'b serde_json::Map<String, serde_json::Value>,
    /// `html`, `toc` and `title_id`.
    #[serde(flatten)]
    body: ArticleBody,
}

/// An article's Markdown: until the page is known not to be cached, the key it renders
/// under (which is what the page key hashes); then the HTML and table of contents.
enum ArticleBody {
    /// Not rendered yet.
    Pending { markdown_key: Key },
    /// Rendered.
    Rendered(Arc<Rendered>),
}

impl Serialize for ArticleBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match self {
            ArticleBody::Pending { markdown_key } => {
                map.serialize_entry("markdown_key", markdown_key.as_bytes())?;
            }
            ArticleBody::Rendered(r) => {
                map.serialize_entry("toc", &r.toc)?;
                map.serialize_entry("html", &r.html)?;
                if let Some(id) = &r.title_id {
                    map.serialize_entry("title_id", id)?;
                }
            }
        }
        map.end()
    }
}

impl PageBuilder<'_, '_> {
    /// The page of article `i`: fetched from the cache when its key is there, else with
    /// its Markdown rendered.
    pub(super) fn article_page(&self, i: usize) -> Page<'_> {
        let site = self.site;
        let a = site.articles[i];
        let markdown_key = keys::markdown_key(a, site.link_env);
        let mut context = ArticleContext {
            page: PageMeta {
                title: a.title.as_str().into(),
                description: a.summary.as_deref().map(Into::into),
            },
            article: ArticleView {
                title: &a.title,
                url: site.article_url(a),
                date: a.date.as_deref(),
                updated: a.updated.as_deref(),
                summary: a.summary.as_deref(),
                authors: &a.authors,
                edit_url: site
                    .config
                    .edit_url
                    .as_ref()
                    .map(|pattern| pattern.replace("{path}", &content_path(a))),
                tags: tag_refs(site, &a.tags),
                services: self.known(Kind::Service, &a.services, |id| self.service_ref(id)),
                controls: self.known(Kind::Control, &a.controls, |id| self.control_ref(id)),
                scenarios: self.known(Kind::Scenario, &a.scenarios, |id| self.scenario_ref(id)),
                extra: &a.extra,
                body: ArticleBody::Pending { markdown_key },
            },
        };
        let path = format!("{}index.html", a.url_path);
        let key = keys::page_key(self.salt, "article.html", &path, &context);
        let url = context.article.url.clone();
        let content = if let Some(cached) = self.cache.page(&key) {
            self.report(&cached.diagnostics);
            Content::Fetched(cached)
        } else {
            let body = (self.cache).markdown_or(markdown_key, || self.render_body(i));
            self.report(&body.diagnostics);
            context.article.body = ArticleBody::Rendered(body);
            Content::Render {
                context: Box::new(PageContext::Article(context)),
                links: Default::default(),
            }
        };
        Page {
            path,
            url,
            template: "article.html",
            key,
            in_sitemap: true,
            content,
        }
    }

    /// References to the entities of `refs` that exist.
    fn known<'b, R>(
        &'b self,
        kind: Kind,
        refs: &'b [IdRef],
        make: impl Fn(&'b str) -> R,
    ) -> Vec<R> {
        refs.iter()
            .filter(|r| self.site.dataset.has(kind, &r.id))
            .map(|r| make(&r.id))
            .collect()
    }

    /// Renders the Markdown body of article `i`.
    fn render_body(&self, i: usize) -> Arc<Rendered> {
        let a = self.site.articles[i];
        let path = content_path(a);
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        Arc::new(markdown::render(
            a.body(),
            Origin::File {
                file: &a.source,
                base: a.body_offset,
                dir,
                url: &a.url_path,
            },
            &Settings {
                highlighter: self.highlighter,
                links: self.site,
                drop_first_h1: a.title_from_heading,
                inline: false,
                html: self.site.config.raw_html,
            },
        ))
    }
}

/// The article's source path under `content/`, with `/` separators.
fn content_path(a: &Article) -> String {
    let path = std::path::Path::new(&a.source.path);
    path.strip_prefix("content")
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
