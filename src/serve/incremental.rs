//! `serve`'s incremental rebuild. When a batch changes only Markdown articles that the last
//! good build had, and none of them changes its *outward face* ([`face_key`]: what other
//! pages show of it or depend on), only their pages are rendered, only the links from them
//! are checked, their pages are served at once ([`Early`]), then the kept search merge is
//! patched with their terms and only the changed search files are replaced too. Whatever it cannot bound (a changed
//! face, changed anchors, a new or deleted file, an error) it leaves to the full memoised
//! build by returning `None`.

use super::state::Served;
use crate::cache::{Key, KeyBuilder};
use crate::config::Config;
use crate::content::Article;
use crate::diagnostics::Diagnostics;
use crate::output::Blob;
use crate::pipeline::{self, BuildResult, Engine, Kept, Sources, StageTiming, Stats};
use crate::render::pages::{self, RenderedPage};
use crate::site::links::KeptTargets;
use crate::site::{search, Site};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The hash of everything about an article that pages other than its own show or depend
/// on: its URL, title, summary, tags, dates, draft flag, weight, names, redirects, dataset
/// references, other tools' keys and where its front matter says them. Its body is not in
/// it (its headings are compared on the rendered page, see [`rebuild`]).
pub(crate) fn face_key(a: &Article) -> Key {
    let face = (
        (&a.slug, &a.url_path, &a.title, a.title_from_heading),
        (&a.date, &a.updated, &a.summary, &a.tags, &a.authors),
        (a.draft, a.weight, &a.names, &a.redirects),
        (&a.services, &a.controls, &a.scenarios),
        (&a.unknown_keys, &a.extra, &a.slug_override),
    );
    KeyBuilder::new("article face")
        .str(&format!("{face:?}"))
        .finish()
}

/// What the last good build leaves for an incremental rebuild: its pieces, and the link
/// targets of its pages (built once per full build).
pub(super) struct Warm {
    kept: Kept,
    targets: KeptTargets,
}

impl Warm {
    /// Indexes a full build's pieces.
    pub(super) fn new(kept: Kept) -> Self {
        let targets = KeptTargets::new(&kept.pages, &kept.file_urls);
        Warm { kept, targets }
    }
}

/// Publishes the edited pages before the search index is made again: the served output with
/// only the pages replaced, and the paths that changed. The page a writer looks at shows
/// the edit without waiting for the search shards to be compressed.
pub(super) type Early<'a> = &'a dyn Fn(Served, &[String]);

/// An incremental rebuild's result, and the output paths it changed.
pub(super) struct Patch {
    /// As a full build's (no output and no `kept`: the caller's is updated in place).
    pub(super) result: BuildResult,
    /// The site to serve (`None` when the edit has errors).
    pub(super) site: Option<Served>,
    /// Site paths whose bytes changed (`articles/a/` for pages).
    pub(super) changed: Vec<String>,
}

/// Rebuilds after `changed` (absolute paths of edited articles) from `warm`, the last good
/// build whose site is `previous`; `None` when the change needs a full build. On success
/// `warm` describes the new output; otherwise the caller must drop it (it may hold some of
/// the edited articles).
pub(super) fn rebuild(
    config: &Config,
    sources: &Sources,
    engine: &Engine,
    warm: &mut Warm,
    previous: &Served,
    changed: &[PathBuf],
    early: Early<'_>,
) -> Option<Patch> {
    let mut laps = Laps(Instant::now(), Stats::default());
    let mut diags = Diagnostics::new();
    let edited = reparse_all(sources, engine, &mut warm.kept, changed, &mut diags)?;
    laps.lap("parse");
    let kept = &mut warm.kept;
    let data = Arc::clone(&kept.data.1);
    let list: Vec<&Article> = (kept.articles.iter())
        .filter_map(|(_, a)| a.0.as_ref())
        .collect();
    let mut site = Site::with_graph(config, &list, &data.0, Arc::clone(&kept.graph))?;
    site.data_key = kept.data.0;
    let site_ctx = pages::site_context_with(&site, kept.navigation.clone());
    let builder =
        pages::PageBuilder::for_articles(&site, &engine.highlighter, &engine.cache, kept.salt);
    laps.lap("site");
    let planned: Vec<pages::Page<'_>> = (edited.iter())
        .map(|p| site.by_path[p.as_str()])
        .flat_map(|i| builder.article_pages(i..i + 1))
        .collect();
    let theme = kept.theme.as_ref().as_ref().ok()?;
    let renders_before = engine.cache.pages.misses();
    let count = planned.len();
    let mut fresh = pages::render_pages(theme, &site_ctx, planned, &engine.cache, &mut diags);
    diags.extend(builder.diagnostics.into_inner().expect("diags"));
    laps.1.rendered = engine.cache.pages.misses() - renders_before;
    laps.lap("render");
    // Same URL and same anchors, or other pages' links to it may change: full build.
    let slots = (fresh.iter())
        .map(|p| {
            let slot = warm
                .targets
                .page(&p.url)
                .filter(|&i| kept.pages[i].path == p.path)?;
            (kept.pages[slot].artifacts.ids == p.artifacts.ids).then_some(slot)
        })
        .collect::<Option<Vec<usize>>>()?;
    if fresh.len() == count {
        let targets = warm.targets.over(&kept.pages);
        pipeline::check_links(&site, &targets, &fresh, &mut diags);
    }
    laps.lap("links");
    if !diags.has_errors() {
        for d in pipeline::hand_over(None, &engine.cache, &mut fresh, &|_| {}) {
            diags.push(d);
        }
    }
    if diags.has_errors() {
        return Some(failed(diags, laps.1));
    }
    let mut replaced = Vec::with_capacity(fresh.len());
    for (slot, page) in slots.into_iter().zip(fresh) {
        replaced.push(slot);
        kept.pages[slot] = page;
    }
    let (pages_only, page_changes) = patch(previous, &kept.pages, &replaced, None);
    early(pages_only, &page_changes);
    laps.lap("publish pages");
    let index = search::files(&site, &kept.pages, &engine.cache);
    laps.lap("search");
    let (site, changed) = patch(previous, &kept.pages, &replaced, Some((index, sources)));
    laps.lap("assemble");
    let mut stats = laps.1;
    let files = site.files.files.len() + site.pages.len();
    (stats.articles, stats.pages, stats.files) = (edited.len(), count, files);
    Some(Patch {
        result: BuildResult {
            output: None,
            diagnostics: diags,
            stats,
            kept: None,
        },
        site: Some(site),
        changed,
    })
}

/// Parses the `changed` articles again and puts them in `kept`; their paths relative to
/// `content/`, or `None` when one of them is new, has errors, is a draft or shows another
/// face (see [`face_key`]).
fn reparse_all(
    sources: &Sources,
    engine: &Engine,
    kept: &mut Kept,
    changed: &[PathBuf],
    diags: &mut Diagnostics,
) -> Option<Vec<String>> {
    let mut edited = Vec::with_capacity(changed.len());
    for path in changed {
        let (content_rel, entry) = reparse(sources, engine, path)?;
        let slot = kept.graph.source_position(&content_rel)?;
        let (old, new) = (kept.articles[slot].1 .0.as_ref()?, entry.0.as_ref()?);
        if entry.1.has_errors() || new.draft || face_key(old) != face_key(new) {
            return None;
        }
        diags.extend(entry.1.clone());
        kept.articles[slot].1 = entry;
        edited.push(content_rel);
    }
    Some(edited)
}

/// The edited file's path relative to `content/` and its article, parsed again (memoised).
fn reparse(
    sources: &Sources,
    engine: &Engine,
    path: &Path,
) -> Option<(String, pipeline::SharedArticle)> {
    let rel = path.strip_prefix(&sources.root).ok()?;
    let rel = rel.to_str()?.replace('\\', "/");
    let bytes = &sources.markdown.iter().find(|(k, _)| *k == rel)?.1;
    let entry = pipeline::parse_one(sources, &rel, bytes, &engine.cache);
    Some((rel.strip_prefix("content/")?.to_string(), entry))
}

/// `previous` with the `replaced` pages (indexes into `pages`) and, when given, the new
/// search index in place (its stale files removed; `sources` names the assets that may sit
/// in the search folder), and the site paths whose bytes changed.
fn patch(
    previous: &Served,
    pages: &[RenderedPage],
    replaced: &[usize],
    search: Option<(Vec<(String, Blob)>, &Sources)>,
) -> (Served, Vec<String>) {
    let mut site = previous.clone();
    let mut changed = Vec::new();
    let page_url = |path: &str| path.trim_end_matches("index.html").to_string();
    for &slot in replaced {
        let page = &pages[slot];
        match site.store {
            Some(_) => drop(site.pages.insert(page.path.clone(), page.key)),
            None => (site.files).insert_shared(page.path.clone(), page.artifacts.clone()),
        }
        if !site.same(previous, &page.path) {
            changed.push(page_url(&page.path));
        }
    }
    let Some((index, sources)) = search else {
        return (site, changed);
    };
    let output = &mut site.files;
    let folder = format!("{}/", search::FOLDER);
    let current: HashSet<&str> = (index.iter().map(|(p, _)| p.as_str()))
        .chain(sources.assets.iter().map(|(p, _)| p.as_str()))
        .collect();
    let stale: Vec<String> = (output.files.range(folder.clone()..))
        .take_while(|(k, _)| k.starts_with(&folder))
        .map(|(k, _)| k)
        .filter(|k| k.ends_with(".js") && !current.contains(k.as_str()))
        .cloned()
        .collect();
    for k in stale {
        output.files.remove(&k);
        changed.push(k);
    }
    for (path, blob) in index {
        let same = (output.files.get(&path))
            .is_some_and(|b| Arc::ptr_eq(b, &blob) || (**b).as_ref() == (*blob).as_ref());
        if !same {
            changed.push(path.clone());
            output.insert_shared(path, blob);
        }
    }
    (site, changed)
}

/// A rebuild whose edited articles have errors: no output, the last good site stays.
fn failed(diagnostics: Diagnostics, stats: Stats) -> Patch {
    Patch {
        result: BuildResult {
            output: None,
            diagnostics,
            stats,
            kept: None,
        },
        site: None,
        changed: Vec::new(),
    }
}

/// Stage timings, as the full build's (`SRM_TIMINGS`).
struct Laps(Instant, Stats);

impl Laps {
    fn lap(&mut self, stage: &'static str) {
        self.1.timings.push(StageTiming {
            stage,
            elapsed: self.0.elapsed(),
            rss_mib: pipeline::resident_mib(),
        });
        self.0 = Instant::now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(text: &str) -> Key {
        let mut d = Diagnostics::new();
        let a = crate::content::parse_article("content/articles/a.md", text.as_bytes(), &mut d);
        face_key(&a.expect("parses"))
    }

    const BASE: &str = "---\ntitle: A\ntags: [x]\nsummary: S.\n---\n# Intro\n\nBody.\n";

    #[test]
    fn a_body_edit_keeps_the_face() {
        let edited = BASE.replace("Body.", "Another body, [a link](/x/).");
        assert_eq!(face(BASE), face(&edited));
    }

    #[test]
    fn what_other_pages_show_changes_the_face() {
        for (from, to) in [
            ("title: A", "title: B"),
            ("tags: [x]", "tags: [x, y]"),
            ("summary: S.", "summary: T."),
            ("title: A", "title: A\ndate: 2026-01-01"),
            ("title: A", "title: A\ndraft: true"),
            ("title: A", "title: A\nslug: other"),
            ("title: A", "title: A\nweight: 3"),
            ("title: A", "title: A\nservices: [s3]"),
            ("title: A", "title: A\naliases: [/old/]"),
        ] {
            assert_ne!(face(BASE), face(&BASE.replace(from, to)), "{to}");
        }
    }

    #[test]
    fn a_title_taken_from_the_first_heading_is_part_of_the_face() {
        let text = "# First\n\nBody.\n";
        assert_ne!(face(text), face(&text.replace("# First", "# Second")));
        assert_eq!(face(text), face(&text.replace("Body.", "Other.")));
    }
}
