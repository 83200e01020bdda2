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

    /// True when `key` is cached; marks it used so it survives pruning.
    pub fn touch(&self, key: &K) -> bool {
        let present = self.map.lock().expect("memo").contains_key(key);
        if present {
            self.used.lock().expect("memo").insert(key.clone());
        }
        present
    }

    /// Stores a value without marking it used (cache entries loaded from disk).
    pub fn seed(&self, key: K, value: V) {
        self.map.lock().expect("memo").insert(key, value);
    }

    /// A snapshot of all entries.
    pub fn entries(&self) -> Vec<(K, V)> {
        self.map
            .lock()
            .expect("memo")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
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
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct PageArtifacts {
    /// The HTML.
    pub html: String,
    /// Every `id` attribute in it (for anchor checks).
    pub ids: HashSet<String>,
    /// Its search-index entry, as JSON text.
    pub search: Option<String>,
    /// Internal links written in the page's dataset text (checked on every build).
    pub links: Vec<crate::render::markdown::PendingLink>,
}

impl AsRef<[u8]> for PageArtifacts {
    fn as_ref(&self) -> &[u8] {
        self.html.as_bytes()
    }
}

/// What is remembered of a page of a cached group: enough to reuse it without its context.
#[derive(Debug, Clone)]
pub struct PageStub {
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
pub type ParsedArticle = (Option<Article>, Diagnostics);

/// The caches of every stage.
#[derive(Default)]
pub struct BuildCache {
    /// (path, bytes) → parsed article and its diagnostics.
    pub articles: Memo<Key, Arc<ParsedArticle>>,
    /// All dataset files → validated dataset and diagnostics.
    pub dataset: Memo<Key, Arc<(Dataset, Diagnostics)>>,
    /// (article text, link environment) → rendered Markdown.
    pub markdown: Memo<Key, Arc<Rendered>>,
    /// (dataset text, its place, link environment) → rendered inline Markdown.
    pub inline: Memo<Key, Arc<Rendered>>,
    /// (templates, site context, page context, body) → rendered page.
    pub pages: Memo<Key, Arc<PageArtifacts>>,
    /// (name, inputs) → generated file such as a data export or the highlight stylesheet.
    pub extras: Memo<Key, Arc<Vec<u8>>>,
    /// Inputs of a group of pages (lists, dataset pages) → the pages it produced.
    pub groups: Memo<Key, Arc<Vec<PageStub>>>,
    /// Template sources → compiled Tera (or the template errors).
    pub templates: Memo<Key, Arc<Result<tera::Tera, Vec<crate::diagnostics::Diagnostic>>>>,
}

impl BuildCache {
    /// Prunes every stage after a build.
    pub fn prune(&self) {
        self.articles.prune();
        self.dataset.prune();
        self.markdown.prune();
        self.inline.prune();
        self.pages.prune();
        self.templates.prune();
        self.groups.prune();
        self.extras.prune();
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

/// The on-disk cache used by `build`: the rendered Markdown and rendered pages of the last
/// build, so an unchanged input skips highlighting, Markdown and Tera. One pack file,
/// versioned by tool version and format; every entry carries its own checksum, so a corrupt
/// entry is detected and ignored (with a warning), and a foreign or damaged file is never
/// trusted. The cache can only skip work: keys hash every input, so the output is the same
/// as a cold build's.
pub mod persist {
    use super::{BuildCache, Key, PageArtifacts};
    use crate::render::markdown::Rendered;
    use std::io::{self, Read};
    use std::path::Path;
    use std::sync::Arc;

    const MAGIC: &[u8; 8] = b"SRMCACHE";
    const FORMAT: u32 = 1;
    const FILE: &str = "build-cache.bin";

    fn version_tag() -> Vec<u8> {
        format!("{}:{FORMAT}", env!("CARGO_PKG_VERSION")).into_bytes()
    }

    /// What happened while loading.
    #[derive(Debug, Default, PartialEq, Eq)]
    pub struct LoadReport {
        /// Entries loaded.
        pub loaded: usize,
        /// Entries whose checksum or encoding was wrong (ignored).
        pub corrupt: usize,
        /// Why the whole file was ignored, if it was.
        pub rejected: Option<String>,
    }

    /// Loads `dir/build-cache.bin` into the memo tables (a missing file is simply empty).
    pub fn load(dir: &Path, cache: &BuildCache) -> LoadReport {
        let mut report = LoadReport::default();
        let bytes = match std::fs::read(dir.join(FILE)) {
            Ok(b) => b,
            Err(_) => return report,
        };
        let mut r = &bytes[..];
        let mut magic = [0u8; 8];
        if r.read_exact(&mut magic).is_err() || &magic != MAGIC {
            report.rejected = Some("not an srm-docs cache file".into());
            return report;
        }
        let Some(tag) = read_block(&mut r) else {
            report.rejected = Some("truncated header".into());
            return report;
        };
        if tag != version_tag() {
            report.rejected = Some(format!(
                "written by another version ({})",
                String::from_utf8_lossy(tag)
            ));
            return report;
        }
        while !r.is_empty() {
            let mut head = [0u8; 1 + 32 + 32];
            if r.read_exact(&mut head).is_err() {
                report.corrupt += 1;
                break;
            }
            let Some(payload) = read_block(&mut r) else {
                report.corrupt += 1;
                break;
            };
            let key = Key::from_bytes(head[1..33].try_into().expect("32 bytes"));
            let sum: [u8; 32] = head[33..].try_into().expect("32 bytes");
            if blake3::hash(payload) != Key::from_bytes(sum) {
                report.corrupt += 1;
                continue;
            }
            let ok = match head[0] {
                b'M' => postcard::from_bytes::<Rendered>(payload)
                    .map(|v| cache.markdown.seed(key, Arc::new(v)))
                    .is_ok(),
                b'P' => postcard::from_bytes::<PageArtifacts>(payload)
                    .map(|v| cache.pages.seed(key, Arc::new(v)))
                    .is_ok(),
                _ => false,
            };
            if ok {
                report.loaded += 1;
            } else {
                report.corrupt += 1;
            }
        }
        report
    }

    fn read_block<'a>(r: &mut &'a [u8]) -> Option<&'a [u8]> {
        let mut len = [0u8; 8];
        r.read_exact(&mut len).ok()?;
        let len = usize::try_from(u64::from_le_bytes(len)).ok()?;
        if r.len() < len {
            return None;
        }
        let (block, rest) = r.split_at(len);
        *r = rest;
        Some(block)
    }

    fn push_block(out: &mut Vec<u8>, block: &[u8]) {
        out.extend_from_slice(&(block.len() as u64).to_le_bytes());
        out.extend_from_slice(block);
    }

    fn push_entry(out: &mut Vec<u8>, kind: u8, key: &Key, payload: &[u8]) {
        out.push(kind);
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(blake3::hash(payload).as_bytes());
        push_block(out, payload);
    }

    /// Writes the entries of the last build to `dir/build-cache.bin` (temp file + rename).
    pub fn save(dir: &Path, cache: &BuildCache) -> io::Result<()> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        push_block(&mut out, &version_tag());
        for (key, v) in cache.markdown.entries() {
            let payload = postcard::to_stdvec(&*v).map_err(io::Error::other)?;
            push_entry(&mut out, b'M', &key, &payload);
        }
        for (key, v) in cache.pages.entries() {
            let payload = postcard::to_stdvec(&*v).map_err(io::Error::other)?;
            push_entry(&mut out, b'P', &key, &payload);
        }
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!("{FILE}.tmp-{}", std::process::id()));
        std::fs::write(&tmp, &out)?;
        std::fs::rename(&tmp, dir.join(FILE))
    }
}
