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

/// A content hash.
pub type Key = blake3::Hash;

/// A map that remembers which keys the current build used, to prune the rest afterwards.
pub struct Memo<K, V> {
    map: Mutex<HashMap<K, V>>,
    used: Mutex<HashSet<K>>,
}

impl<K: Hash + Eq + Clone, V: Clone> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            map: Mutex::new(HashMap::new()),
            used: Mutex::new(HashSet::new()),
        }
    }
}

impl<K: Hash + Eq + Clone, V: Clone> Memo<K, V> {
    /// The cached value for `key`, or `make()` stored under it.
    pub fn get_or(&self, key: K, make: impl FnOnce() -> V) -> V {
        self.used.lock().expect("memo").insert(key.clone());
        if let Some(v) = self.map.lock().expect("memo").get(&key) {
            return v.clone();
        }
        let v = make();
        self.map.lock().expect("memo").insert(key, v.clone());
        v
    }

    /// Drops every entry the last build did not use.
    pub fn prune(&self) {
        let used = std::mem::take(&mut *self.used.lock().expect("memo"));
        self.map
            .lock()
            .expect("memo")
            .retain(|k, _| used.contains(k));
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.map.lock().expect("memo").len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A page as rendered once: its HTML and what later stages need from it.
#[derive(Debug)]
pub struct PageArtifacts {
    /// The HTML.
    pub html: String,
    /// Every `id` attribute in it (for anchor checks).
    pub ids: HashSet<String>,
    /// Its search-index entry.
    pub search: Option<serde_json::Value>,
}

/// The caches of every stage.
#[derive(Default)]
pub struct BuildCache {
    /// (path, bytes) → parsed article and its diagnostics.
    pub articles: Memo<Key, Arc<(Option<Article>, Diagnostics)>>,
    /// All dataset files → validated dataset and diagnostics.
    pub dataset: Memo<Key, Arc<(Dataset, Diagnostics)>>,
    /// (article text, link environment) → rendered Markdown.
    pub markdown: Memo<Key, Arc<Rendered>>,
    /// (templates, site context, page context, body) → rendered page.
    pub pages: Memo<Key, Arc<PageArtifacts>>,
    /// Template sources → compiled Tera (or the template errors).
    pub templates: Memo<Key, Arc<Result<tera::Tera, Vec<crate::diagnostics::Diagnostic>>>>,
}

impl BuildCache {
    /// Prunes every stage after a build.
    pub fn prune(&self) {
        self.articles.prune();
        self.dataset.prune();
        self.markdown.prune();
        self.pages.prune();
        self.templates.prune();
    }
}

/// Hashes a sequence of byte strings unambiguously (length-prefixed).
pub fn hash_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Key {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn hash_parts_is_unambiguous() {
        assert_ne!(
            hash_parts([b"ab".as_slice(), b"c"]),
            hash_parts([b"a".as_slice(), b"bc"])
        );
    }
}
