//! The generated page of a folder of the content tree that has no `index.md`, `_index.md` or
//! `README.md` of its own: its title (the folder name made readable), its subsections and
//! its pages, rendered with `list.html`.

use super::builder::PageBuilder;
use super::lists::ArticlesContext;
use super::parts::PageMeta;
use super::{Page, PageContext};
use crate::site::tree::Section;
use serde::Serialize;

/// A subsection as a section page lists it.
#[derive(Serialize)]
pub(crate) struct SectionLink<'b> {
    /// Its title.
    title: &'b str,
    /// Its page.
    url: String,
}

/// Folders that are never given a generated page: the top (the home page) and `articles/`
/// (the index of every article).
const NOT_GENERATED: [&str; 2] = ["", "articles/"];

impl PageBuilder<'_, '_> {
    /// One page per folder without a page of its own.
    pub(super) fn section_pages(&self) -> Vec<Page<'_>> {
        let site = self.site;
        site.sections
            .iter()
            .filter(|(url, s)| s.index.is_none() && !NOT_GENERATED.contains(&url.as_str()))
            // A folder with its own `index.html` file (Jekyll) keeps it.
            .filter(|(url, _)| !site.files.contains(&format!("{url}index.html")))
            .map(|(url, s)| {
                let context = ArticlesContext {
                    page: PageMeta {
                        title: s.title.as_str().into(),
                        description: None,
                    },
                    items: s.articles.iter().map(|&i| self.summary(i)).collect(),
                    sections: self.section_links(s),
                };
                self.page(
                    &format!("{url}index.html"),
                    "list.html",
                    PageContext::Articles(context),
                )
            })
            .collect()
    }

    /// The subsections of `section`, with their titles and pages.
    fn section_links<'b>(&'b self, section: &'b Section) -> Vec<SectionLink<'b>> {
        section
            .children
            .iter()
            .map(|child| SectionLink {
                title: &self.site.sections[child].title,
                url: self.site.url(child),
            })
            .collect()
    }
}
