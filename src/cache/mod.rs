//! Memoisation shared by every build of one process (`serve` rebuilds, benchmarks): each
//! stage's result is kept under a hash of exactly the inputs it depends on, so a rebuild
//! redoes only what an edit touched — and never serves a stale page, because a page whose
//! inputs (its context, its body, the templates, the site-wide context) changed gets a new
//! key. Entries not used by the latest build are dropped, so memory stays bounded.

use crate::content::Article;
use crate::dataset::Dataset;
use crate::diagnostics::Diagnostics;
use crate::render::markdown::Rendered;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::{Arc, Mutex};

mod key;
pub(crate) use key::KeyBuilder;
pub(crate) mod store;
pub(crate) use store::PageStore;

/// A content hash.
pub(crate) type Key = blake3::Hash;

/// A map that remembers which keys the current build used, to prune the rest afterwards.
pub(crate) struct Memo<K, V> {
    map: Mutex<HashMap<K, V>>,
    used: Mutex<HashSet<K>>,
    misses: std::sync::atomic::AtomicUsize,
    /// When false, [`Memo::get_or`] computes without storing (one-shot builds).
    keeps: bool,
}

impl<K: Hash + Eq + Clone, V: Clone> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            map: Mutex::new(HashMap::new()),
            used: Mutex::new(HashSet::new()),
            misses: std::sync::atomic::AtomicUsize::new(0),
            keeps: true,
        }
    }
}

impl<K: Hash + Eq + Clone, V: Clone> Memo<K, V> {
    /// A memo that never stores: `get_or` always computes. For a stage whose results a
    /// one-shot build uses exactly once, so keeping them would only hold memory.
    pub(crate) fn passthrough() -> Self {
        Memo {
            keeps: false,
            ..Self::default()
        }
    }

    /// Turns storing on or off (see [`Memo::passthrough`]); seeded entries stay.
    pub(crate) fn set_keeps(&mut self, keeps: bool) {
        self.keeps = keeps;
    }

    /// The cached value for `key`, or `make()` stored under it.
    pub(crate) fn get_or(&self, key: K, make: impl FnOnce() -> V) -> V {
        if !self.keeps {
            self.misses
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return make();
        }
        self.used.lock().expect("memo").insert(key.clone());
        if let Some(v) = self.map.lock().expect("memo").get(&key) {
            return v.clone();
        }
        let v = make();
        self.misses
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.map.lock().expect("memo").insert(key, v.clone());
        v
    }

    /// The cached value for `key`, if any; marks it used so it survives pruning.
    pub(crate) fn peek(&self, key: &K) -> Option<V> {
        let value = self.map.lock().expect("memo").get(key).cloned();
        if value.is_some() {
            self.used.lock().expect("memo").insert(key.clone());
        }
        value
    }

    /// True when `key` is cached; marks it used so it survives pruning.
    pub(crate) fn touch(&self, key: &K) -> bool {
        let present = self.map.lock().expect("memo").contains_key(key);
        if present {
            self.used.lock().expect("memo").insert(key.clone());
        }
        present
    }

    /// Stores a value without marking it used (cache entries loaded from disk).
    pub(crate) fn seed(&self, key: K, value: V) {
        self.map.lock().expect("memo").insert(key, value);
    }

    /// A snapshot of all entries.
    pub(crate) fn entries(&self) -> Vec<(K, V)> {
        self.map
            .lock()
            .expect("memo")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Drops every entry the last build did not use.
    pub(crate) fn prune(&self) {
        let used = std::mem::take(&mut *self.used.lock().expect("memo"));
        self.map
            .lock()
            .expect("memo")
            .retain(|k, _| used.contains(k));
    }

    /// How many values were computed (not found) since this memo was created.
    pub(crate) fn misses(&self) -> usize {
        self.misses.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Replaces the value of `key` when there is one (marks nothing used).
    pub(crate) fn replace(&self, key: &K, value: V) {
        if let Some(slot) = self.map.lock().expect("memo").get_mut(key) {
            *slot = value;
        }
    }

    /// True when `key` is cached (marks nothing used).
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.map.lock().expect("memo").contains_key(key)
    }

    /// Forgets `key`.
    pub(crate) fn remove(&self, key: &K) {
        self.map.lock().expect("memo").remove(key);
    }

    /// Number of entries.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.lock().expect("memo").len()
    }

    /// True when empty.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A page as rendered once: its HTML and what later stages need from it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct PageArtifacts {
    /// The HTML.
    pub html: String,
    /// Every `id` attribute in it (for anchor checks).
    pub ids: HashSet<String>,
    /// Its searchable text (`None` for pages not indexed).
    pub search: Option<crate::site::search::PageDoc>,
    /// Internal links written in the page's Markdown and dataset text (checked on every
    /// build, since their targets may change).
    pub links: crate::render::markdown::PageLinks,
    /// Warnings found while rendering its Markdown (repeated on every build that reuses it).
    pub diagnostics: Diagnostics,
}

impl PageArtifacts {
    /// What later stages (links, search, sitemap) need of a page whose HTML went elsewhere.
    pub(crate) fn without_html(&self) -> PageArtifacts {
        PageArtifacts {
            html: String::new(),
            ids: self.ids.clone(),
            search: self.search.clone(),
            links: self.links.clone(),
            diagnostics: self.diagnostics.clone(),
        }
    }

    /// What is held of a page whose HTML is in a [`PageStore`]: as
    /// [`PageArtifacts::without_html`], less the search text, which the search index
    /// extracts again from the stored HTML for the few pages it needs.
    fn stored(&self) -> PageArtifacts {
        PageArtifacts {
            search: None,
            ..self.without_html()
        }
    }
}

impl AsRef<[u8]> for PageArtifacts {
    fn as_ref(&self) -> &[u8] {
        self.html.as_bytes()
    }
}

/// What is remembered of a page of a cached group: enough to reuse it without its context.
#[derive(Debug, Clone)]
pub(crate) struct PageStub {
    /// Output path.
    pub path: String,
    /// URL path.
    pub url: String,
    /// Template name.
    pub template: &'static str,
    /// Key of the rendered page in [`BuildCache::pages`].
    pub key: Key,
    /// Listed in the sitemap.
    pub in_sitemap: bool,
}

/// A parsed article (or `None` when it could not be parsed) with its diagnostics.
pub(crate) type ParsedArticle = (Option<Article>, Diagnostics);

/// The caches of every stage.
pub(crate) struct BuildCache {
    /// (path, bytes) → parsed article and its diagnostics.
    pub articles: Memo<Key, Arc<ParsedArticle>>,
    /// All dataset files → validated dataset and diagnostics.
    pub dataset: Memo<Key, Arc<(Dataset, Diagnostics)>>,
    /// (article text, link environment) → rendered Markdown.
    pub markdown: Memo<Key, Arc<Rendered>>,
    /// (dataset text, its place, link environment) → rendered inline Markdown.
    pub inline: Memo<Key, Arc<Rendered>>,
    /// (article source, base path) → the article's list summary and its hash.
    pub summaries: Memo<Key, Arc<crate::render::pages::KeyedSummary>>,
    /// (templates, site context, page context, body) → rendered page.
    pub pages: Memo<Key, Arc<PageArtifacts>>,
    /// (name, inputs) → generated file such as a data export or the highlight stylesheet.
    pub extras: Memo<Key, Arc<Vec<u8>>>,
    /// (page key, dataset names) → the page's search terms.
    pub search_terms: Memo<Key, Arc<crate::site::search::DocTerms>>,
    /// The search index's merged postings of the last build, patched by the next (when
    /// `patch_search`; a one-shot build merges from scratch, dropping terms once merged).
    pub search_index: std::sync::Mutex<crate::site::search::Merged>,
    /// Whether [`BuildCache::search_index`] is kept and patched (`serve`).
    pub patch_search: bool,
    /// Inputs of a group of pages (lists, dataset pages) → the pages it produced.
    pub groups: Memo<Key, Arc<Vec<PageStub>>>,
    /// Template sources → compiled Tera (or the template errors).
    pub templates: Memo<
        Key,
        Arc<Result<crate::render::templates::Theme, Vec<crate::diagnostics::Diagnostic>>>,
    >,
    /// The entries of the cache file `build` loaded, read on demand.
    pub disk: Option<persist::DiskIndex>,
    /// Where `serve` keeps rendered HTML: the page memo then holds pages without their
    /// HTML, which is read back from here when a page is reused.
    pub store: Option<Arc<PageStore>>,
}

impl Default for BuildCache {
    fn default() -> Self {
        BuildCache {
            articles: Memo::default(),
            dataset: Memo::default(),
            markdown: Memo::default(),
            inline: Memo::default(),
            summaries: Memo::default(),
            pages: Memo::default(),
            extras: Memo::default(),
            search_terms: Memo::default(),
            search_index: Default::default(),
            patch_search: true,
            groups: Memo::default(),
            templates: Memo::default(),
            disk: None,
            store: None,
        }
    }
}

impl BuildCache {
    /// Caches for a single build (`build`, `check`): rendered article Markdown and rendered
    /// pages are used once (pages go straight to a [`crate::pipeline::PageSink`]), so they
    /// are not kept; `build` turns the page table back on when it loads a persistent cache.
    pub(crate) fn one_shot() -> Self {
        BuildCache {
            markdown: Memo::passthrough(),
            pages: Memo::passthrough(),
            search_terms: Memo::passthrough(),
            patch_search: false,
            ..Self::default()
        }
    }

    /// A rendered page from this process's memo or, failing that, the loaded cache file;
    /// marks it used.
    pub(crate) fn page(&self, key: &Key) -> Option<Arc<PageArtifacts>> {
        if let Some(page) = self.pages.peek(key) {
            return self.with_stored_html(key, page);
        }
        self.disk.as_ref().and_then(|disk| {
            disk.get(persist::PAGE, key, |_: &PageArtifacts| true)
                .map(Arc::new)
        })
    }

    /// `page` with its HTML read back from the store when it was kept there (see
    /// [`BuildCache::keep_on_disk`]); a stored file that cannot be read forgets the page,
    /// so it is rendered again.
    fn with_stored_html(&self, key: &Key, page: Arc<PageArtifacts>) -> Option<Arc<PageArtifacts>> {
        let store = match &self.store {
            Some(store) if page.html.is_empty() && store.has(key) => store,
            _ => return Some(page),
        };
        let html = store.read(key).ok().and_then(|b| String::from_utf8(b).ok());
        let Some(html) = html else {
            self.pages.remove(key);
            return None;
        };
        Some(Arc::new(PageArtifacts {
            html,
            ..page.without_html()
        }))
    }

    /// With a store, writes the page's HTML there and keeps the page without it or its
    /// search text (in the page memo too); without one, the page as it is.
    pub(crate) fn keep_on_disk(
        &self,
        key: &Key,
        page: Arc<PageArtifacts>,
    ) -> std::io::Result<Arc<PageArtifacts>> {
        let Some(store) = &self.store else {
            return Ok(page);
        };
        if page.html.is_empty() {
            return Ok(page);
        }
        store.put(key, page.html.as_bytes())?;
        let lean = Arc::new(page.stored());
        self.pages.replace(key, Arc::clone(&lean));
        Ok(lean)
    }

    /// The HTML of a page kept in the store (see [`BuildCache::keep_on_disk`]), if it is
    /// there and readable.
    pub(crate) fn stored_html(&self, key: &Key) -> Option<String> {
        let store = self.store.as_ref().filter(|s| s.has(key))?;
        store.read(key).ok().and_then(|b| String::from_utf8(b).ok())
    }

    /// True when a rendered page is available under `key` (one in the loaded cache file is
    /// read to verify its checksum); marks it used.
    pub(crate) fn has_page(&self, key: &Key) -> bool {
        let on_disk = |d: &persist::DiskIndex| d.payload(persist::PAGE, key).is_some();
        self.pages.touch(key) || self.disk.as_ref().is_some_and(on_disk)
    }

    /// The rendered page under `key`, or `make()` (stored when the page memo keeps values).
    pub(crate) fn page_or(
        &self,
        key: Key,
        make: impl FnOnce() -> Arc<PageArtifacts>,
    ) -> Arc<PageArtifacts> {
        match self.page(&key) {
            Some(page) => page,
            None => self.pages.get_or(key, make),
        }
    }

    /// An article's rendered Markdown from the memo, or `make()` stored under `key`. With a
    /// page store the memo keeps it without its HTML, which goes to the store and is read
    /// back when the Markdown is reused (a site-wide change renders every article page
    /// again, but not their Markdown).
    pub(crate) fn markdown_or(
        &self,
        key: Key,
        make: impl FnOnce() -> Arc<Rendered>,
    ) -> Arc<Rendered> {
        let Some(store) = &self.store else {
            return self.markdown.get_or(key, make);
        };
        if let Some(lean) = self.markdown.peek(&key).filter(|r| r.html.is_empty()) {
            let html = store
                .read(&key)
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            match html {
                Some(html) if store.has(&key) => return Arc::new(with_html(&lean, html)),
                _ => self.markdown.remove(&key),
            }
        }
        let rendered = self.markdown.get_or(key, make);
        if !rendered.html.is_empty() && store.put(&key, rendered.html.as_bytes()).is_ok() {
            let lean = with_html(&rendered, String::new());
            self.markdown.replace(&key, Arc::new(lean));
        }
        rendered
    }

    /// A page's search terms from this process's memo, the loaded cache file, or `make()`
    /// (stored when the terms memo keeps values).
    pub(crate) fn terms_or(
        &self,
        key: Key,
        make: impl FnOnce() -> crate::site::search::DocTerms,
    ) -> Arc<crate::site::search::DocTerms> {
        let valid = crate::site::search::DocTerms::is_valid;
        if let Some(t) = self.search_terms.peek(&key) {
            return t;
        }
        match self
            .disk
            .as_ref()
            .and_then(|d| d.get(persist::TERMS, &key, valid))
        {
            Some(terms) => Arc::new(terms),
            None => self.search_terms.get_or(key, || Arc::new(make())),
        }
    }

    /// Marks a page's search terms used (kept by the next save) without reading them.
    pub(crate) fn touch_terms(&self, key: &Key) {
        if !self.search_terms.touch(key) {
            self.disk.as_ref().map(|d| d.touch(persist::TERMS, key));
        }
    }

    /// A generated file from this process's memo or the loaded cache file; marks it used.
    pub(crate) fn extra(&self, key: &Key) -> Option<Arc<Vec<u8>>> {
        let disk = || {
            self.disk
                .as_ref()?
                .payload(persist::EXTRA, key)
                .map(Arc::new)
        };
        self.extras.peek(key).or_else(disk)
    }

    /// A generated file from this process's memo, the loaded cache file, or `make()`.
    pub(crate) fn extra_or(&self, key: Key, make: impl FnOnce() -> Vec<u8>) -> Arc<Vec<u8>> {
        if let Some(bytes) = self.extras.peek(&key) {
            return bytes;
        }
        match self
            .disk
            .as_ref()
            .and_then(|d| d.payload(persist::EXTRA, &key))
        {
            Some(bytes) => Arc::new(bytes),
            None => self.extras.get_or(key, || Arc::new(make())),
        }
    }

    /// Prunes every stage after a build.
    pub(crate) fn prune(&self) {
        self.articles.prune();
        self.dataset.prune();
        self.markdown.prune();
        self.inline.prune();
        self.pages.prune();
        self.summaries.prune();
        self.templates.prune();
        self.groups.prune();
        self.extras.prune();
        self.search_terms.prune();
    }
}

/// `rendered` with `html` in place of its own.
fn with_html(rendered: &Rendered, html: String) -> Rendered {
    Rendered {
        html,
        toc: rendered.toc.clone(),
        links: rendered.links.clone(),
        diagnostics: rendered.diagnostics.clone(),
        diagrams: rendered.diagrams,
        title_id: rendered.title_id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passthrough_memo_always_computes() {
        let m: Memo<u32, u32> = Memo::passthrough();
        assert_eq!(m.get_or(1, || 10), 10);
        assert_eq!(m.get_or(1, || 11), 11);
        assert_eq!(m.misses(), 2);
        assert!(m.is_empty());
    }

    #[test]
    fn memo_reuses_and_prunes() {
        let m: Memo<u32, u32> = Memo::default();
        let mut calls = 0;
        assert_eq!(
            m.get_or(1, || {
                calls += 1;
                10
            }),
            10
        );
        assert_eq!(
            m.get_or(1, || {
                calls += 1;
                11
            }),
            10
        );
        assert_eq!(calls, 1);
        m.prune();
        m.get_or(2, || 20);
        m.prune();
        assert_eq!(m.len(), 1);
    }
}

pub(crate) mod persist;
