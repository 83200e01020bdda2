//! The cache keys of pages and of what they are built from, all made with
//! [`KeyBuilder`]. A page's key is the hash of its template, path and typed context (plus
//! the salt: templates and site-wide context), so it covers exactly what the page shows. The
//! other keys name the inputs of work that is skipped when they are unchanged: rendering an
//! article's Markdown, summarising an article, building a whole group of pages.

use super::parts::ArticleSummary;
use super::site_context::SiteContext;
use super::PageGroup;
use crate::cache::{Key, KeyBuilder};
use crate::content::Article;
use crate::dataset::Text;
use crate::site::Site;
use serde::Serialize;

/// Identifies the template set and the site-wide context: part of every page's key.
pub(crate) fn render_salt(templates_key: Key, site: &SiteContext) -> Key {
    KeyBuilder::new("render salt")
        .key(&templates_key)
        .serialized(site)
        .finish()
}

/// A page's key: the salt, its template, its output path and everything its context holds.
pub(super) fn page_key(salt: Key, template: &str, path: &str, context: &impl Serialize) -> Key {
    KeyBuilder::new("page")
        .key(&salt)
        .str(template)
        .str(path)
        .serialized(context)
        .finish()
}

/// What an article's rendered Markdown depends on: its source, where its body starts,
/// whether its first heading is dropped, and what links resolve to.
pub(super) fn markdown_key(article: &Article, link_env: Key) -> Key {
    KeyBuilder::new("markdown")
        .key(&article.source_key)
        .u64(article.body_offset as u64)
        .u64(u64::from(article.title_from_heading))
        .key(&link_env)
        .finish()
}

/// What a dataset text field's rendered Markdown depends on: its text, its place (for
/// diagnostics) and what links resolve to.
pub(super) fn inline_markdown_key(text: &Text, link_env: Key) -> Key {
    let (line, col) = text.at.line_col.unwrap_or((0, 0));
    KeyBuilder::new("inline markdown")
        .str(&text.md)
        .bytes(text.at.path.as_os_str().as_encoded_bytes())
        .u64(line as u64)
        .u64(col as u64)
        .key(&link_env)
        .finish()
}

/// What an article's list entry depends on: its source and the base path of URLs.
pub(super) fn summary_input_key(article: &Article, base_path: &str) -> Key {
    KeyBuilder::new("summary input")
        .key(&article.source_key)
        .str(base_path)
        .finish()
}

/// The key of an article's list entry: the hash of everything it shows.
pub(super) fn summary_key(summary: &ArticleSummary) -> Key {
    KeyBuilder::new("summary").serialized(summary).finish()
}

/// The keys of every article summary, as one key.
pub(super) fn summaries_key<'k>(keys: impl Iterator<Item = &'k Key>) -> Key {
    let mut key = KeyBuilder::new("summaries");
    for k in keys {
        key.key(k);
    }
    key.finish()
}

/// Which articles reference which entity (the backlinks of the dataset pages), as one key.
pub(super) fn backlinks_key(site: &Site<'_>) -> Key {
    let mut entries: Vec<_> = (site.backlinks.iter())
        .flat_map(|(kind, by_id)| {
            by_id
                .iter()
                .map(|(id, list)| (id.as_str(), kind.noun(), list))
        })
        .collect();
    entries.sort_unstable();
    KeyBuilder::new("backlinks").serialized(&entries).finish()
}

/// Everything a group of pages (see [`PageGroup`]) is built from: the salt, the dataset,
/// what links resolve to, every article summary and, for dataset pages, the backlinks.
pub(super) fn group_key(
    group: PageGroup,
    site: &Site<'_>,
    salt: Key,
    summaries: Key,
    backlinks: Option<Key>,
) -> Key {
    let mut key = KeyBuilder::new("page group");
    key.str(&format!("{group:?}"))
        .key(&salt)
        .key(&site.data_key)
        .key(&site.link_env)
        .key(&summaries);
    if let Some(backlinks) = backlinks {
        key.key(&backlinks);
    }
    key.finish()
}

#[cfg(test)]
mod tests {
    use super::super::{site_context, PageBuilder};
    use super::*;
    use crate::cache::BuildCache;
    use crate::config::{Config, SiteUrl};
    use crate::content::parse_article;
    use crate::diagnostics::Diagnostics;
    use crate::render::highlight::Highlighter;
    use std::collections::BTreeMap;

    const DATA: &str = "\
categories:
  - {id: infrastructure, label: Infrastructure services, rank: 1, summary: We run the OS.}
services:
  - {id: ec2, name: Amazon EC2, category: infrastructure, summary: Virtual machines.}
  - {id: s3, name: Amazon S3, category: infrastructure, summary: Object storage.}
controls:
  - {id: guest-os, title: Guest OS patching, layer: platform, description: Patching.}
matrix:
  - {control: guest-os, default: {infrastructure: customer}}
";

    /// Every input of a build's pages, as text.
    #[derive(Clone)]
    struct Inputs {
        base_url: &'static str,
        title: &'static str,
        templates: &'static str,
        data: String,
        articles: Vec<(&'static str, String)>,
    }

    fn inputs() -> Inputs {
        let article = |title: &str, date: &str, services: &str| {
            format!(
                "---\ntitle: {title}\ndate: {date}\ntags: [basics]\nservices: [{services}]\n---\n\
                 Text of {title}.\n"
            )
        };
        Inputs {
            base_url: "https://example.com/",
            title: "Knowledge base",
            templates: "templates v1",
            data: DATA.to_string(),
            articles: vec![
                (
                    "content/articles/alpha.md",
                    article("Alpha", "2026-01-02", "ec2"),
                ),
                (
                    "content/articles/beta.md",
                    article("Beta", "2026-01-01", ""),
                ),
            ],
        }
    }

    /// The key of every page built from `inputs`, by output path.
    fn page_keys(inputs: &Inputs) -> BTreeMap<String, Key> {
        let mut config = Config::default_for(std::path::Path::new("/site"));
        (config.base_url, config.base_path) = SiteUrl::parse(inputs.base_url).unwrap();
        config.title = inputs.title.to_string();
        let mut diags = Diagnostics::new();
        let files = [(
            "content/data/model.yaml".to_string(),
            inputs.data.clone().into_bytes(),
        )];
        let dataset = crate::dataset::load(&files, &mut diags);
        let articles: Vec<_> = (inputs.articles.iter())
            .map(|(path, text)| {
                let mut a = parse_article(path, text.as_bytes(), &mut diags).unwrap();
                a.source_key = KeyBuilder::new("test").str(path).str(text).finish();
                (path.trim_start_matches("content/"), a)
            })
            .collect();
        assert!(!diags.has_errors(), "{}", diags.render(false));
        // The dataset's key stays the same: page keys must see its changes in their contexts.
        let site = Site::new(
            &config,
            articles.iter().map(|(p, a)| (*p, a)).collect(),
            &dataset,
            Vec::new(),
        );
        let templates = KeyBuilder::new("test").str(inputs.templates).finish();
        let salt = render_salt(templates, &site_context(&site));
        let (highlighter, cache) = (Highlighter::without_block_cache(), BuildCache::default());
        let builder = PageBuilder::new(&site, &highlighter, &cache, salt);
        let mut pages = builder.article_pages(0..site.articles.len());
        for group in builder.page_groups() {
            pages.extend(builder.group_pages(group));
        }
        pages.into_iter().map(|p| (p.path, p.key)).collect()
    }

    /// What an edit changes, the edit, and the pages whose keys it must change.
    type Edit = (&'static str, fn(&mut Inputs), &'static [&'static str]);

    const ALPHA: &str = "articles/alpha/index.html";
    const BETA: &str = "articles/beta/index.html";
    const EC2: &str = "services/ec2/index.html";

    #[test]
    fn equal_inputs_give_equal_keys() {
        let keys = page_keys(&inputs());
        assert!(keys.len() > 10, "{keys:?}");
        assert!([ALPHA, BETA, EC2, "index.html", "matrix/index.html"]
            .iter()
            .all(|p| keys.contains_key(*p)));
        assert_eq!(keys, page_keys(&inputs()));
    }

    #[test]
    fn every_input_of_a_page_changes_its_key() {
        let base = page_keys(&inputs());
        let edits: [Edit; 11] = [
            (
                "title",
                |i| i.articles[0].1 = i.articles[0].1.replace("Alpha", "Alfa"),
                &[
                    ALPHA,
                    BETA,
                    "index.html",
                    "articles/index.html",
                    "tags/basics/index.html",
                    EC2,
                ],
            ),
            ("body", |i| i.articles[0].1.push_str("More.\n"), &[ALPHA]),
            (
                "date",
                |i| i.articles[0].1 = i.articles[0].1.replace("2026-01-02", "2026-01-03"),
                &[ALPHA, "index.html"],
            ),
            (
                "tags",
                |i| i.articles[0].1 = i.articles[0].1.replace("[basics]", "[basics, cloud]"),
                &[ALPHA, BETA, "tags/index.html"],
            ),
            (
                "a referenced entity's name",
                |i| i.data = i.data.replace("Amazon EC2", "Amazon Elastic Compute Cloud"),
                &[
                    ALPHA,
                    EC2,
                    "matrix/index.html",
                    "controls/guest-os/index.html",
                ],
            ),
            (
                "a dataset text",
                |i| i.data = i.data.replace("Virtual machines.", "VMs."),
                &[EC2, "services/index.html"],
            ),
            (
                "backlinks",
                |i| i.articles[1].1 = i.articles[1].1.replace("services: []", "services: [s3]"),
                &["services/s3/index.html"],
            ),
            (
                "the templates",
                |i| i.templates = "templates v2",
                &[ALPHA, EC2, "index.html", "404.html"],
            ),
            (
                "base_url",
                |i| i.base_url = "https://example.com/docs/",
                &[ALPHA, EC2, "index.html", "404.html"],
            ),
            (
                "the site title",
                |i| i.title = "Another title",
                &[ALPHA, EC2, "404.html"],
            ),
            (
                "the dataset's categories",
                |i| i.data = i.data.replace("We run the OS.", "Ours."),
                &["index.html", "categories/infrastructure/index.html"],
            ),
        ];
        for (input, edit, pages) in edits {
            let mut changed = inputs();
            edit(&mut changed);
            let keys = page_keys(&changed);
            for page in pages {
                assert_ne!(
                    keys[*page], base[*page],
                    "{input} changed, {page} kept its key"
                );
            }
        }
    }

    #[test]
    fn a_neighbours_body_does_not_change_an_articles_key() {
        let base = page_keys(&inputs());
        let mut changed = inputs();
        changed.articles[0].1.push_str("More.\n");
        let keys = page_keys(&changed);
        assert_eq!(
            keys[BETA], base[BETA],
            "beta shows alpha's summary, not its body"
        );
        assert_eq!(keys[EC2], base[EC2]);
    }
}
