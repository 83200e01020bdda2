//! The site graph: articles and dataset entities become pages with stable URLs, scheme links
//! resolve against it, and backlinks (which articles and scenarios reference an entity) are
//! computed once. [`crate::render::pages`] turns the graph into rendered pages, [`extras`]
//! adds sitemap, feed and data exports, [`search`] the offline search index, [`links`] checks every internal link
//! and anchor, [`redirects`] writes pages at articles' old URLs, [`stack`] draws a service's
//! responsibility stack, [`tree`] makes the content's folders sections and [`wikilinks`]
//! finds notes and files by the names Obsidian links use.

pub(crate) mod exports;
pub(crate) mod extras;
pub(crate) mod links;
pub(crate) mod palette;
pub(crate) mod redirects;
pub(crate) mod search;
pub(crate) mod stack;
pub(crate) mod tree;
pub(crate) mod wikilinks;

use crate::cache::{Key, KeyBuilder};
use crate::config::Config;
use crate::content::{slugify, Article};
use crate::dataset::{article_references, Dataset, Kind};
use crate::diagnostics::did_you_mean;
use crate::render::markdown::LinkResolver;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Everything a build knows: configuration, articles (drafts already removed), dataset, and
/// the graph built over them (reached through `Deref`: `site.by_path`, `site.tags`…).
pub(crate) struct Site<'a> {
    /// Configuration.
    pub config: &'a Config,
    /// Articles in display order (weight, then date descending, then title).
    pub articles: Vec<&'a Article>,
    /// The dataset (empty when the site has none).
    pub dataset: &'a Dataset,
    /// Hash of the dataset files (set by the pipeline): a group of pages, and each file
    /// generated from the dataset, is reused only while this is unchanged.
    pub data_key: Key,
    /// What is built from the articles' faces, paths and the other files: shared, so that
    /// `serve` reuses it after an edit that changes none of them.
    graph: Arc<SiteGraph>,
}

/// The part of the site built from the articles' outward faces (paths, URLs, titles, tags,
/// names, dataset references), the content's other files and the configuration; no article
/// body is in it.
pub(crate) struct SiteGraph {
    /// Content-relative path (`articles/x.md`) → article index, for `.md` links.
    pub by_path: HashMap<String, usize>,
    /// The folders of the content tree (see [`tree`]).
    pub sections: tree::Sections,
    /// Paths (relative to `content/`) of the other files under `content/`, copied as they are.
    pub files: HashSet<String>,
    /// Notes and files by the names wikilinks use.
    pub wiki: wikilinks::WikiIndex,
    /// Tag slug → (display name, article indexes).
    pub tags: BTreeMap<String, (String, Vec<usize>)>,
    /// (kind, id) → indexes of articles that reference the entity.
    pub backlinks: HashMap<Kind, HashMap<String, Vec<usize>>>,
    /// Hash of everything a link can resolve to (base path, article slugs and paths, tags,
    /// dataset ids): rendered Markdown is reused only while this is unchanged.
    pub link_env: Key,
    /// Display position → position of the article in the list the graph was built from.
    order: Vec<usize>,
}

impl SiteGraph {
    /// The position of the article at `path` (relative to `content/`) in the list the
    /// graph was built from.
    pub(crate) fn source_position(&self, path: &str) -> Option<usize> {
        Some(self.order[*self.by_path.get(path)?])
    }
}

impl std::ops::Deref for Site<'_> {
    type Target = SiteGraph;
    fn deref(&self) -> &SiteGraph {
        &self.graph
    }
}

impl<'a> Site<'a> {
    /// Assembles the graph. `articles` pairs each article with its content-relative path.
    pub(crate) fn new(
        config: &'a Config,
        articles: Vec<(&'a str, &'a Article)>,
        dataset: &'a Dataset,
        files: impl IntoIterator<Item = String>,
    ) -> Self {
        let mut list: Vec<(usize, (&str, &Article))> = articles.into_iter().enumerate().collect();
        list.sort_by(|(_, (_, a)), (_, (_, b))| {
            a.weight
                .cmp(&b.weight)
                .then_with(|| b.date.cmp(&a.date))
                .then_with(|| a.title.cmp(&b.title))
                .then_with(|| a.url_path.cmp(&b.url_path))
        });
        let order = list.iter().map(|(j, _)| *j).collect();
        let list: Vec<(&str, &Article)> = list.into_iter().map(|(_, pa)| pa).collect();
        let sections = tree::sections(&list);
        let by_path = list
            .iter()
            .enumerate()
            .map(|(i, (p, _))| (p.to_string(), i))
            .collect();
        let articles: Vec<&Article> = list.into_iter().map(|(_, a)| a).collect();
        let (tags, backlinks) = tags_and_backlinks(&articles);
        let files: HashSet<String> = files.into_iter().collect();
        let wiki = wikilinks::WikiIndex::new(&by_path, &articles, &files);
        let mut link_env = link_environment(config, &articles, &by_path, &tags, dataset, &sections);
        link_env = files_key(link_env, &files);
        let graph = SiteGraph {
            by_path,
            sections,
            files,
            wiki,
            tags,
            backlinks,
            link_env,
            order,
        };
        Site {
            config,
            articles,
            dataset,
            data_key: Key::from_bytes([0; 32]),
            graph: Arc::new(graph),
        }
    }

    /// The site of `articles` (in the order [`Site::new`] was given them when it built
    /// `graph`) over a graph built before: for articles whose faces and paths are those the
    /// graph was built from. `None` when the number of articles differs.
    pub(crate) fn with_graph(
        config: &'a Config,
        articles: &[&'a Article],
        dataset: &'a Dataset,
        graph: Arc<SiteGraph>,
    ) -> Option<Self> {
        if articles.len() != graph.order.len() {
            return None;
        }
        Some(Site {
            config,
            articles: graph.order.iter().map(|&j| articles[j]).collect(),
            dataset,
            data_key: Key::from_bytes([0; 32]),
            graph,
        })
    }

    /// The graph, to build the next site over (see [`Site::with_graph`]).
    pub(crate) fn graph(&self) -> Arc<SiteGraph> {
        Arc::clone(&self.graph)
    }

    /// Absolute URL path of a site path (`articles/x/` → `/docs/articles/x/`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.base_path, path.trim_start_matches('/'))
    }

    /// URL of an article.
    pub(crate) fn article_url(&self, a: &Article) -> String {
        self.url(&a.url_path)
    }

    /// URL path of an entity page.
    pub(crate) fn entity_url(&self, kind: Kind, id: &str) -> String {
        match kind {
            Kind::Service => self.url(&format!("services/{id}/")),
            Kind::Control => self.url(&format!("controls/{id}/")),
            Kind::Category => self.url(&format!("categories/{id}/")),
            Kind::Scenario => self.url(&format!("scenarios/{id}/")),
            Kind::Misconception => self.url(&format!("misconceptions/#{id}")),
            Kind::Conflict => self.url(&format!("sources/#{id}")),
            Kind::Source => self.url(&format!("sources/#{id}")),
            Kind::Tip => self.url(&format!("misconceptions/#{id}")),
            Kind::Program => self.url(&format!("sources/#{id}")),
            Kind::Spectrum => self.url(&format!("categories/#{id}")),
            Kind::Owner | Kind::Provider => self.url("matrix/"),
        }
    }
}

impl Site<'_> {
    /// The URL of the article an `article:` link names: by URL path (`aws/iam/roles`), else
    /// by slug when exactly one article has it. `Err` carries a hint.
    fn article_by_name(&self, name: &str) -> Result<String, Option<String>> {
        let wanted = name.trim_matches('/');
        let by_path = self
            .articles
            .iter()
            .find(|a| a.url_path.trim_end_matches('/') == wanted);
        let mut by_slug = self.articles.iter().filter(|a| a.slug == wanted);
        match (by_path, by_slug.next(), by_slug.next()) {
            (Some(a), _, _) | (None, Some(a), None) => Ok(self.article_url(a)),
            (None, Some(a), Some(b)) => Err(Some(format!(
                "more than one article is `{wanted}`: name it by its path, e.g. `article:{}`",
                [a, b]
                    .iter()
                    .map(|x| x.url_path.trim_end_matches('/'))
                    .min()
                    .unwrap_or_default()
            ))),
            (None, None, _) => Err(did_you_mean(
                wanted,
                self.articles.iter().map(|a| a.slug.as_str()),
            )),
        }
    }
}

/// Tag slug → (display name, article indexes), and (kind → id → articles referencing it).
#[allow(clippy::type_complexity)]
fn tags_and_backlinks(
    articles: &[&Article],
) -> (
    BTreeMap<String, (String, Vec<usize>)>,
    HashMap<Kind, HashMap<String, Vec<usize>>>,
) {
    let mut tags: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    let mut backlinks: HashMap<Kind, HashMap<String, Vec<usize>>> = HashMap::new();
    for (i, a) in articles.iter().enumerate() {
        for t in &a.tags {
            let slug = slugify(t);
            if slug.is_empty() {
                continue;
            }
            let entry = tags.entry(slug).or_insert_with(|| (t.clone(), Vec::new()));
            // Articles are visited in order, so a repeat can only be the last entry.
            if entry.1.last() != Some(&i) {
                entry.1.push(i);
            }
        }
        for (kind, refs) in article_references(a) {
            for r in refs {
                let by_id = backlinks.entry(kind).or_default();
                let list = by_id.entry(r.id.to_string()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
    }
    (tags, backlinks)
}

/// The key of everything a link can resolve to (see [`Site::link_env`]).
fn link_environment(
    config: &Config,
    articles: &[&Article],
    by_path: &HashMap<String, usize>,
    tags: &BTreeMap<String, (String, Vec<usize>)>,
    dataset: &Dataset,
    sections: &tree::Sections,
) -> Key {
    // Streamed into the builder part by part: no string per entry.
    let mut key = KeyBuilder::new("link environment");
    key.str(&config.base_path);
    // Rendered Markdown also depends on the raw HTML policy.
    key.str(&format!("{:?}", config.raw_html));
    key.str(&format!(
        "{:?} {:?}",
        config.broken_links, config.remote_images
    ));
    for a in articles {
        key.str("a").str(&a.slug).str(&a.url_path).str(&a.title);
        for name in &a.names {
            key.str("n").str(name);
        }
    }
    let mut paths: Vec<(&String, &usize)> = by_path.iter().collect();
    paths.sort_unstable();
    for (p, &i) in paths {
        key.str("p").str(p).str(&articles[i].url_path);
    }
    for (url, section) in sections {
        key.str("s").str(url).str(&section.title);
    }
    for t in tags.keys() {
        key.str("t").str(t);
    }
    for kind in Kind::LINKABLE {
        for id in dataset.ids(kind) {
            key.str(kind.noun()).str(id);
        }
    }
    key.finish()
}

/// The link environment with the content's other files added (links and images resolve
/// to them).
fn files_key(link_env: Key, files: &HashSet<String>) -> Key {
    let mut sorted: Vec<&String> = files.iter().collect();
    sorted.sort_unstable();
    let mut key = KeyBuilder::new("files");
    key.key(&link_env);
    for f in sorted {
        key.str(f);
    }
    key.finish()
}

impl LinkResolver for Site<'_> {
    fn resolve(&self, scheme: &str, id: &str) -> Option<Result<String, Option<String>>> {
        let kind = match scheme {
            "article" => return Some(self.article_by_name(id)),
            "tag" => {
                let slug = slugify(id);
                return Some(if self.tags.contains_key(&slug) {
                    Ok(self.url(&format!("tags/{slug}/")))
                } else {
                    Err(did_you_mean(id, self.tags.keys().map(String::as_str)))
                });
            }
            _ => Kind::from_scheme(scheme)?,
        };
        Some(if self.dataset.has(kind, id) {
            Ok(self.entity_url(kind, id))
        } else if self.dataset.partial.contains(&kind) {
            return None; // a dataset file could not be read: that error comes first
        } else {
            Err(did_you_mean(id, self.dataset.ids(kind)))
        })
    }

    fn resolve_relative(&self, from_dir: &str, path: &str) -> Option<String> {
        let path = percent_decode(path.split(['#', '?']).next().unwrap_or(path));
        let joined = normalise_path(&format!("{from_dir}/{path}"))?;
        // `x.md` may be written `x.markdown`, or `x.en.md` (Hugo's English page).
        let stem = joined.strip_suffix(".md");
        let other_names = [
            Some(format!("{joined}.md")),
            stem.map(|s| format!("{s}.markdown")),
            stem.map(|s| format!("{s}.en.md")),
        ];
        let found = std::iter::once(Some(joined.clone()))
            .chain(other_names)
            .flatten()
            .find_map(|p| self.by_path.get(&p));
        if let Some(&i) = found {
            return Some(self.article_url(self.articles[i]));
        }
        if self.files.contains(&joined) {
            return Some(self.url(&joined));
        }
        // A folder: its section's page (folder names become slugs in URLs).
        let section: String = joined
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| format!("{}/", crate::content::url::segment(s)))
            .collect();
        self.sections
            .contains_key(&section)
            .then(|| self.url(&section))
    }

    fn resolve_wikilink(&self, from_dir: &str, name: &str) -> Option<String> {
        if let Some(i) = self.wiki.page(from_dir, name) {
            return Some(self.article_url(self.articles[i]));
        }
        self.wiki.file(from_dir, name).map(|path| self.url(path))
    }

    fn resolve_file(&self, site_path: &str) -> Option<String> {
        let path = percent_decode(site_path.split('?').next().unwrap_or(site_path));
        // A multilingual Hugo site writes `/en/x.png` for its files at `/x.png`.
        let unlocalised = path
            .split_once('/')
            .filter(|(lang, _)| lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase()))
            .map(|(_, rest)| rest);
        let found = [Some(path.as_ref()), unlocalised]
            .into_iter()
            .flatten()
            .find(|p| self.files.contains(*p));
        found.map(|p| self.url(p))
    }

    fn base_path(&self) -> &str {
        &self.config.base_path
    }

    fn broken_link_severity(&self) -> crate::diagnostics::Severity {
        match self.config.broken_links {
            crate::config::LinkSeverity::Error => crate::diagnostics::Severity::Error,
            crate::config::LinkSeverity::Warn => crate::diagnostics::Severity::Warning,
        }
    }

    fn remote_images_allowed(&self) -> bool {
        self.config.remote_images == crate::config::RemoteImages::Allow
    }
}

/// `%20` and other percent escapes decoded (`My%20Note.md` → `My Note.md`); text that does
/// not decode to UTF-8 is kept as written.
fn percent_decode(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('%') {
        return text.into();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_or(text.into(), Into::into)
}

/// Resolves `.` and `..` in a `/`-separated relative path; `None` if it climbs out.
pub(crate) fn normalise_path(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::normalise_path;

    #[test]
    fn relative_paths_resolve_inside_content() {
        assert_eq!(
            normalise_path("guides/../articles/a.md").as_deref(),
            Some("articles/a.md")
        );
        assert_eq!(normalise_path("/a.md").as_deref(), Some("a.md"));
        assert_eq!(normalise_path("../../x.md"), None);
    }
}
