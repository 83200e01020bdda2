//! The content tree as sections: every folder above a page is a section, served at its
//! folder's URL. A section's page is the article of its `index.md`, `_index.md` or
//! `README.md` when it has one; otherwise srm-docs generates one listing its pages and
//! subsections (see [`crate::render::pages`]). The top folder is the home page.

use crate::content::{title, Article};
use std::collections::BTreeMap;

/// One folder of the content tree that holds pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    /// Its title: its index article's, else the folder name made readable.
    pub title: String,
    /// The article that is its page, if any (index into the site's articles).
    pub index: Option<usize>,
    /// Its own articles (not in a subsection, not its index), in site order.
    pub articles: Vec<usize>,
    /// URL paths of its subsections, sorted.
    pub children: Vec<String>,
}

/// Every section by URL path (`aws/iam/`; the top is `""`).
pub(crate) type Sections = BTreeMap<String, Section>;

/// The sections of `articles` (in site order), each given with its path under `content/`.
pub(crate) fn sections(articles: &[(&str, &Article)]) -> Sections {
    let mut sections = Sections::new();
    for (i, (content_path, a)) in articles.iter().enumerate() {
        let is_index = crate::content::is_index_file(content_path);
        let mut url = if is_index {
            a.url_path.as_str()
        } else {
            parent(&a.url_path)
        };
        let mut folder = parent_dir(content_path);
        let own = section(&mut sections, url, folder);
        match is_index {
            true => {
                own.index = Some(i);
                own.title = a.title.clone();
            }
            false => own.articles.push(i),
        }
        // Link each folder to the one above it, up to the top (or a folder already linked).
        while !url.is_empty() {
            let (up, up_folder) = (parent(url), parent_dir(folder));
            let above = section(&mut sections, up, up_folder);
            if above.children.iter().any(|c| c == url) {
                break;
            }
            above.children.push(url.to_string());
            (url, folder) = (up, up_folder);
        }
    }
    adopt_pages_beside_folders(&mut sections, articles);
    for s in sections.values_mut() {
        s.children.sort();
    }
    sections
}

/// A page beside a folder of the same name (`aws.md` and `aws/`) is served at the folder's
/// URL: it becomes the folder's page and leaves its parent's list of pages (the parent lists
/// the folder instead).
fn adopt_pages_beside_folders(sections: &mut Sections, articles: &[(&str, &Article)]) {
    for (i, (_, a)) in articles.iter().enumerate() {
        let adopted = match sections.get_mut(&a.url_path) {
            Some(s) if s.index.is_none() => {
                s.index = Some(i);
                s.title = a.title.clone();
                true
            }
            _ => false,
        };
        if adopted {
            if let Some(up) = sections.get_mut(parent(&a.url_path)) {
                up.articles.retain(|&j| j != i);
            }
        }
    }
}

/// The section at `url` (whose folder is `folder` under `content/`), created if new.
fn section<'s>(sections: &'s mut Sections, url: &str, folder: &str) -> &'s mut Section {
    sections.entry(url.to_string()).or_insert_with(|| Section {
        title: folder_title(folder),
        index: None,
        articles: Vec::new(),
        children: Vec::new(),
    })
}

/// The folder of a `/`-separated path (`a/b/c.md` → `a/b`, `c.md` → ``).
fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The URL path of the folder above `url` (`aws/iam/` → `aws/`, `aws/` → ``).
pub(crate) fn parent(url: &str) -> &str {
    let trimmed = url.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) => &url[..=i],
        None => "",
    }
}

/// A folder's name as a title (`aws-iam` → `Aws iam`); the top folder is `Home`.
fn folder_title(folder_path: &str) -> String {
    if folder_path.is_empty() {
        return "Home".into();
    }
    title::from_file_name(&format!("{folder_path}/index.md"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::parse_article;
    use crate::diagnostics::Diagnostics;

    fn article(path: &str) -> Article {
        let text = format!("# Page {path}\n");
        parse_article(
            &format!("content/{path}"),
            text.as_bytes(),
            &mut Diagnostics::new(),
        )
        .unwrap()
    }

    #[test]
    fn folders_are_sections_with_their_pages_and_subsections() {
        let paths = [
            "aws/iam/roles.md",
            "aws/iam/policies.md",
            "aws/index.md",
            "notes/x.md",
            "top.md",
        ];
        let articles: Vec<Article> = paths.iter().map(|p| article(p)).collect();
        let pairs: Vec<(&str, &Article)> = paths.iter().copied().zip(&articles).collect();
        let s = sections(&pairs);
        let keys: Vec<&str> = s.keys().map(String::as_str).collect();
        assert_eq!(keys, ["", "aws/", "aws/iam/", "notes/"]);
        assert_eq!(s["aws/iam/"].articles, [0, 1]);
        assert_eq!(s["aws/iam/"].title, "Iam");
        assert_eq!(s["aws/"].index, Some(2));
        assert_eq!(s["aws/"].title, "Page aws/index.md");
        assert_eq!(s["aws/"].children, ["aws/iam/"]);
        assert_eq!(s[""].children, ["aws/", "notes/"]);
        assert_eq!(s[""].articles, [4]);
        assert_eq!(parent("aws/iam/"), "aws/");
        let paths = ["guide.md", "guide/step.md"];
        let articles: Vec<Article> = paths.iter().map(|p| article(p)).collect();
        let pairs: Vec<(&str, &Article)> = paths.iter().copied().zip(&articles).collect();
        let s = sections(&pairs);
        assert_eq!(
            s["guide/"].index,
            Some(0),
            "the page beside the folder is its page"
        );
        assert!(s[""].articles.is_empty());
        assert_eq!(parent("aws/"), "");
    }
}
