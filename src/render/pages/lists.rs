//! The pages that list things: home, the article index, the tag index and one page per tag,
//! search and 404 — and the context of the grouped index pages of the dataset's entities.

use super::builder::PageBuilder;
use super::parts::{ArticleSummary, CategoryRef, ListGroup, PageMeta};
use super::{Page, PageContext};
use serde::Serialize;

/// Articles listed on the home page (the first in site order: by weight, then newest); the
/// article index lists them all.
const HOME_ARTICLES: usize = 10;

/// `home.html`'s context.
#[derive(Serialize)]
pub(crate) struct HomeContext<'b> {
    page: PageMeta<'b>,
    categories: Vec<HomeCategory<'b>>,
    counts: Counts,
    articles: Vec<&'b ArticleSummary>,
}

/// A category on the home page, with its summary and number of services.
#[derive(Serialize)]
struct HomeCategory<'b> {
    #[serde(flatten)]
    category: CategoryRef<'b>,
    summary: String,
    count: usize,
}

/// How many of each thing the site has.
#[derive(Serialize)]
struct Counts {
    services: usize,
    controls: usize,
    scenarios: usize,
    articles: usize,
}

/// `list.html`'s context: a list of articles (and, on a folder's page, its subsections).
#[derive(Serialize)]
pub(crate) struct ArticlesContext<'b> {
    pub(super) page: PageMeta<'b>,
    pub(super) items: Vec<&'b ArticleSummary>,
    pub(super) sections: Vec<super::section::SectionLink<'b>>,
}

/// `tags.html`'s context.
#[derive(Serialize)]
pub(crate) struct TagsContext<'b> {
    page: PageMeta<'b>,
    tags: Vec<TagCount<'b>>,
}

/// A tag and how many articles carry it.
#[derive(Serialize)]
struct TagCount<'b> {
    name: &'b str,
    url: String,
    count: usize,
}

/// The context of a page with a title only (`404.html`, `search.html`).
#[derive(Serialize)]
pub(crate) struct TitledContext {
    page: Title,
}

/// `page` with a title and no description.
#[derive(Serialize)]
struct Title {
    title: &'static str,
}

/// `entities.html`'s context: the index of one kind of entity, in groups.
#[derive(Serialize)]
pub(crate) struct IndexContext<'b> {
    pub(super) page: PageMeta<'b>,
    pub(super) groups: Vec<ListGroup<'b>>,
    /// The compute spectrum (the categories index only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) spectrum: Option<Vec<super::category::SpectrumView<'b>>>,
}

impl PageBuilder<'_, '_> {
    /// The home page and the article index (unless an article is served there: a top-level
    /// `index.md`, or `articles/index.md`), the tag index, search, 404, and the pages of the
    /// folders that have none.
    pub(super) fn list_pages(&self) -> Vec<Page<'_>> {
        let site = self.site;
        let all: Vec<&ArticleSummary> = (0..site.articles.len()).map(|i| self.summary(i)).collect();
        let tags = site
            .tags
            .iter()
            .map(|(slug, (name, list))| TagCount {
                name,
                url: site.url(&format!("tags/{slug}/")),
                count: list.len(),
            })
            .collect();
        let titled = |title| {
            PageContext::Titled(TitledContext {
                page: Title { title },
            })
        };
        let taken = |url: &str| site.sections.get(url).is_some_and(|s| s.index.is_some());
        let mut pages = Vec::new();
        if !taken("") {
            pages.push(self.page("index.html", "home.html", self.home(all.clone())));
        }
        if !taken("articles/") {
            let context = ArticlesContext {
                page: PageMeta::new("Articles", "Every article in this knowledge base."),
                items: all,
                sections: Vec::new(),
            };
            let list = PageContext::Articles(context);
            pages.push(self.page("articles/index.html", "list.html", list));
        }
        pages.extend([
            self.page(
                "tags/index.html",
                "tags.html",
                PageContext::Tags(TagsContext {
                    page: PageMeta::new("Tags", "Articles by tag."),
                    tags,
                }),
            ),
            self.page("404.html", "404.html", titled("Page not found")),
            self.page("search/index.html", "search.html", titled("Search")),
        ]);
        pages.extend(self.section_pages());
        pages
    }

    /// The home page's context: categories, counts and the first articles.
    fn home<'b>(&'b self, mut articles: Vec<&'b ArticleSummary>) -> PageContext<'b> {
        let (site, ds) = (self.site, self.site.dataset);
        let categories = ds
            .categories
            .iter()
            .map(|c| HomeCategory {
                category: self.category_ref(&c.id),
                summary: self.md(&c.summary),
                count: ds.services.iter().filter(|s| s.category == c.id).count(),
            })
            .collect();
        articles.truncate(HOME_ARTICLES);
        PageContext::Home(HomeContext {
            page: PageMeta::new(&site.config.title, &site.config.description),
            categories,
            counts: Counts {
                services: ds.services.len(),
                controls: ds.controls.len(),
                scenarios: ds.scenarios.len(),
                articles: site.articles.len(),
            },
            articles,
        })
    }

    /// One page per tag, listing its articles.
    pub(super) fn tag_pages(&self) -> Vec<Page<'_>> {
        self.site
            .tags
            .iter()
            .map(|(slug, (name, list))| {
                let context = ArticlesContext {
                    page: PageMeta::new(
                        format!("Tagged “{name}”"),
                        format!("Articles tagged {name}."),
                    ),
                    items: list.iter().map(|&i| self.summary(i)).collect(),
                    sections: Vec::new(),
                };
                self.page(
                    &format!("tags/{slug}/index.html"),
                    "list.html",
                    PageContext::Articles(context),
                )
            })
            .collect()
    }
}
