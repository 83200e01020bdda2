//! The site's navigation beside each page's own content: the sidebar (the content tree's
//! sections and the dataset's page families), breadcrumbs (the sections and families above
//! a page) and prev/next within the sequence a page belongs to (a section's articles, the
//! services, the controls…). Built once per build; the sidebar is part of every page's
//! context, breadcrumbs and pager are looked up by URL at render time.

mod sidebar;

use crate::cache::KeyBuilder;
use crate::dataset::Kind;
use crate::site::Site;
use serde::Serialize;
use std::collections::HashMap;

/// The most pages a sidebar group lists (the rest are one "All N" link away), so that a
/// site of many thousand pages does not repeat them on every page.
const GROUP_LIMIT: usize = 25;

/// A titled link.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    /// Text shown.
    pub title: String,
    /// Absolute URL path.
    pub url: String,
}

/// A group of the sidebar: a section of the content tree or a family of dataset pages.
#[derive(Serialize)]
pub(crate) struct NavGroup {
    /// Its name.
    title: String,
    /// The text of the link to its own page.
    overview: String,
    /// Its own page (the section's or family's index).
    url: String,
    /// The folder above it: the group is listed on the pages inside that folder (a nested
    /// section appears once the reader is in its parent, as in a pruned tree).
    parent: String,
    /// Its first pages.
    items: Vec<Link>,
    /// How many pages it has.
    total: usize,
    /// Whether some are not listed.
    more: bool,
}

/// Previous and next page in a sequence.
#[derive(Serialize, Default)]
pub(crate) struct Pager<'n> {
    /// The `aria-label` of the pager ("More in Services").
    label: String,
    /// The page before.
    prev: Option<&'n Link>,
    /// The page after.
    next: Option<&'n Link>,
}

/// Sidebar, breadcrumb titles and sequences of one site.
#[derive(Default)]
pub(crate) struct Navigation {
    /// The sidebar's groups.
    pub sidebar: Vec<NavGroup>,
    /// (group title, every page of the group in order).
    sequences: Vec<(String, Vec<Link>)>,
    /// Page URL → (sequence, position).
    position: HashMap<String, (usize, usize)>,
    /// URL of a section or family page → its title (for breadcrumbs).
    titles: HashMap<String, String>,
    /// The site's home URL.
    home: String,
}

impl Navigation {
    /// The navigation of `site`.
    pub(crate) fn new(site: &Site<'_>) -> Self {
        let mut nav = Navigation {
            home: site.url(""),
            ..Navigation::default()
        };
        for (path, section) in &site.sections {
            let url = site.url(path);
            nav.titles.insert(url.clone(), section.title.clone());
            if path.is_empty() && section.articles.is_empty() {
                continue;
            }
            let pages = section
                .articles
                .iter()
                .map(|&i| {
                    let a = site.articles[i];
                    link(&a.title, site.article_url(a))
                })
                .collect();
            let title = if path.is_empty() {
                "Pages".to_string()
            } else {
                section.title.clone()
            };
            nav.add(&title, "Overview", url, pages);
        }
        nav.add_dataset(site);
        nav.titles.insert(site.url("tags/"), "Tags".into());
        nav
    }

    /// The dataset's families: services, controls, categories, scenarios.
    fn add_dataset(&mut self, site: &Site<'_>) {
        let ds = site.dataset;
        let url = |kind, id: &str| site.entity_url(kind, id);
        let families = [
            (
                "Services",
                "services/",
                ds.services
                    .iter()
                    .map(|s| link(&s.name, url(Kind::Service, &s.id)))
                    .collect::<Vec<_>>(),
            ),
            (
                "Controls",
                "controls/",
                ds.controls
                    .iter()
                    .map(|c| link(&c.title, url(Kind::Control, &c.id)))
                    .collect(),
            ),
            (
                "Categories",
                "categories/",
                ds.categories
                    .iter()
                    .map(|c| link(&c.label, url(Kind::Category, &c.id)))
                    .collect(),
            ),
            (
                "Scenarios",
                "scenarios/",
                ds.scenarios
                    .iter()
                    .map(|s| link(&s.title, url(Kind::Scenario, &s.id)))
                    .collect(),
            ),
        ];
        for (title, path, pages) in families {
            if !pages.is_empty() {
                self.titles.insert(site.url(path), title.to_string());
                self.add(
                    title,
                    &format!("All {}", title.to_lowercase()),
                    site.url(path),
                    pages,
                );
            }
        }
    }

    /// Adds a group and its sequence.
    fn add(&mut self, title: &str, overview: &str, url: String, pages: Vec<Link>) {
        let index = self.sequences.len();
        for (i, p) in pages.iter().enumerate() {
            self.position.entry(p.url.clone()).or_insert((index, i));
        }
        let parent = match url.trim_end_matches('/').rfind('/') {
            Some(slash) if url.len() > self.home.len() => url[..=slash].to_string(),
            _ => self.home.clone(),
        };
        self.sidebar.push(NavGroup {
            title: title.to_string(),
            overview: overview.to_string(),
            parent,
            url,
            items: pages.iter().take(GROUP_LIMIT).cloned().collect(),
            total: pages.len(),
            more: pages.len() > GROUP_LIMIT,
        });
        self.sequences.push((title.to_string(), pages));
    }

    /// The section and family pages above `url`, from the home page down (none for the
    /// home page itself).
    pub(crate) fn breadcrumbs(&self, url: &str) -> Vec<Link> {
        let Some(rest) = url.strip_prefix(&self.home) else {
            return Vec::new();
        };
        if rest.is_empty() {
            return Vec::new();
        }
        let mut crumbs = vec![link("Home", self.home.clone())];
        for (i, _) in rest.match_indices('/') {
            let above = format!("{}{}", self.home, &rest[..=i]);
            if above.len() >= url.len() {
                break;
            }
            if let Some(title) = self.titles.get(&above) {
                crumbs.push(link(title, above));
            }
        }
        crumbs
    }

    /// The pages before and after `url` in its sequence.
    pub(crate) fn pager(&self, url: &str) -> Option<Pager<'_>> {
        let &(seq, i) = self.position.get(url)?;
        let (title, pages) = &self.sequences[seq];
        Some(Pager {
            label: format!("More in {title}"),
            prev: i.checked_sub(1).and_then(|p| pages.get(p)),
            next: pages.get(i + 1),
        })
    }

    /// A hash of every sequence and title: what breadcrumbs and pagers show.
    pub(crate) fn key(&self) -> String {
        let mut key = KeyBuilder::new("navigation");
        for (title, pages) in &self.sequences {
            key.str(title);
            for p in pages {
                key.str(&p.title).str(&p.url);
            }
        }
        let mut titles: Vec<_> = self.titles.iter().collect();
        titles.sort();
        for (url, title) in titles {
            key.str(url).str(title);
        }
        key.finish().to_string()
    }
}

fn link(title: &str, url: String) -> Link {
    Link {
        title: title.to_string(),
        url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nav() -> Navigation {
        let mut nav = Navigation {
            home: "/docs/".into(),
            ..Navigation::default()
        };
        nav.titles
            .insert("/docs/services/".into(), "Services".into());
        let pages = ["a", "b", "c"]
            .iter()
            .map(|id| link(id, format!("/docs/services/{id}/")))
            .collect();
        nav.add("Services", "All services", "/docs/services/".into(), pages);
        nav
    }

    #[test]
    fn a_nested_group_hangs_under_its_parent_folder() {
        let mut nav = Navigation {
            home: "/docs/".into(),
            ..Navigation::default()
        };
        nav.add("A", "Overview", "/docs/a/".into(), Vec::new());
        nav.add("B", "Overview", "/docs/a/b/".into(), Vec::new());
        nav.add("Pages", "Overview", "/docs/".into(), Vec::new());
        let parents: Vec<&str> = nav.sidebar.iter().map(|g| g.parent.as_str()).collect();
        assert_eq!(parents, ["/docs/", "/docs/a/", "/docs/"]);
    }

    #[test]
    fn breadcrumbs_name_the_home_and_the_families_above() {
        let nav = nav();
        let crumbs = nav.breadcrumbs("/docs/services/b/");
        let titles: Vec<_> = crumbs.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["Home", "Services"]);
        assert_eq!(nav.breadcrumbs("/docs/services/").len(), 1);
        assert!(nav.breadcrumbs("/docs/").is_empty());
        assert!(nav.breadcrumbs("/elsewhere/").is_empty());
    }

    #[test]
    fn the_pager_stays_within_a_sequence() {
        let nav = nav();
        let first = nav.pager("/docs/services/a/").unwrap();
        assert!(first.prev.is_none());
        assert_eq!(first.next.unwrap().title, "b");
        assert_eq!(first.label, "More in Services");
        let last = nav.pager("/docs/services/c/").unwrap();
        assert_eq!(last.prev.unwrap().title, "b");
        assert!(last.next.is_none());
        assert!(nav.pager("/docs/services/").is_none());
    }
}
