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
pub use key::KeyBuilder;

/// A content hash.
pub type Key = blake3::Hash;

/// A map that remembers which keys the current build used, to prune the rest afterwards.
pub struct Memo<K, V> {
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
    pub fn passthrough() -> Self {
        Memo {
            keeps: false,
            ..Self::default()
        }
    }

    /// Turns storing on or off (see [`Memo::passthrough`]); seeded entries stay.
    pub fn set_keeps(&mut self, keeps: bool) {
        self.keeps = keeps;
    }

    /// The cached value for `key`, or `make()` stored under it.
    pub fn get_or(&self, key: K, make: impl FnOnce() -> V) -> V {
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
    pub fn peek(&self, key: &K) -> Option<V> {
        let value = self.map.lock().expect("memo").get(key).cloned();
        if value.is_some() {
            self.used.lock().expect("memo").insert(key.clone());
        }
        value
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

    /// How many values were computed (not found) since this memo was created.
    pub fn misses(&self) -> usize {
        self.misses.load(std::sync::atomic::Ordering::Relaxed)
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
    /// Internal links written in the page's Markdown and dataset text (checked on every
    /// build, since their targets may change).
    pub links: Vec<crate::render::markdown::PendingLink>,
    /// Warnings found while rendering its Markdown (repeated on every build that reuses it).
    pub diagnostics: Diagnostics,
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
    /// (article source, base path) → the article's list summary and its hash.
    pub summaries: Memo<Key, Arc<crate::render::pages::KeyedSummary>>,
    /// (templates, site context, page context, body) → rendered page.
    pub pages: Memo<Key, Arc<PageArtifacts>>,
    /// (name, inputs) → generated file such as a data export or the highlight stylesheet.
    pub extras: Memo<Key, Arc<Vec<u8>>>,
    /// Inputs of a group of pages (lists, dataset pages) → the pages it produced.
    pub groups: Memo<Key, Arc<Vec<PageStub>>>,
    /// Template sources → compiled Tera (or the template errors).
    pub templates: Memo<Key, Arc<Result<tera::Tera, Vec<crate::diagnostics::Diagnostic>>>>,
    /// Rendered pages of the cache file `build` loaded, read on demand.
    pub disk_pages: Option<persist::PageIndex>,
}

impl BuildCache {
    /// Caches for a single build (`build`, `check`): rendered article Markdown and rendered
    /// pages are used once (pages go straight to a [`crate::pipeline::PageSink`]), so they
    /// are not kept; `build` turns the page table back on when it loads a persistent cache.
    pub fn one_shot() -> Self {
        BuildCache {
            markdown: Memo::passthrough(),
            pages: Memo::passthrough(),
            ..Self::default()
        }
    }

    /// A rendered page from this process's memo or, failing that, the loaded cache file;
    /// marks it used.
    pub fn page(&self, key: &Key) -> Option<Arc<PageArtifacts>> {
        self.pages
            .peek(key)
            .or_else(|| self.disk_pages.as_ref()?.get(key).map(Arc::new))
    }

    /// True when a rendered page is available under `key`; marks it used.
    pub fn has_page(&self, key: &Key) -> bool {
        self.pages.touch(key) || self.disk_pages.as_ref().is_some_and(|d| d.touch(key))
    }

    /// The rendered page under `key`, or `make()` (stored when the page memo keeps values).
    pub fn page_or(
        &self,
        key: Key,
        make: impl FnOnce() -> Arc<PageArtifacts>,
    ) -> Arc<PageArtifacts> {
        match self.page(&key) {
            Some(page) => page,
            None => self.pages.get_or(key, make),
        }
    }

    /// Prunes every stage after a build.
    pub fn prune(&self) {
        self.articles.prune();
        self.dataset.prune();
        self.markdown.prune();
        self.inline.prune();
        self.pages.prune();
        self.summaries.prune();
        self.templates.prune();
        self.groups.prune();
        self.extras.prune();
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

/// The on-disk cache used by `build`: the rendered Markdown and rendered pages of the last
/// build, so an unchanged input skips highlighting, Markdown and Tera. One pack file,
/// versioned by tool version and format; every entry carries its own checksum, so a corrupt
/// entry is detected and ignored (with a warning), and a foreign or damaged file is never
/// trusted. The cache can only skip work: keys hash every input, so the output is the same
/// as a cold build's.
pub mod persist {
    use super::{BuildCache, Key, PageArtifacts, PageStub};
    use std::collections::{HashMap, HashSet};
    use std::io::{self, Read, Write};
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    const MAGIC: &[u8; 8] = b"SRMCACHE";
    const FORMAT: u32 = 2;
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

    /// Opens `dir/build-cache.bin` (a missing file is simply empty): every entry's checksum
    /// is verified, page groups are loaded, and rendered pages are only located — an index
    /// of offsets in [`BuildCache::disk_pages`] reads each one when a build asks for it, so
    /// a warm build never holds the whole cache in memory.
    pub fn load(dir: &Path, cache: &mut BuildCache) -> LoadReport {
        let mut report = LoadReport::default();
        let Ok(file) = std::fs::File::open(dir.join(FILE)) else {
            return report;
        };
        let mut r = io::BufReader::with_capacity(1 << 20, &file);
        let mut magic = [0u8; 8];
        if r.read_exact(&mut magic).is_err() || &magic != MAGIC {
            report.rejected = Some("not an srm-docs cache file".into());
            return report;
        }
        let mut buf = Vec::new();
        if read_chunk(&mut r, &mut buf).is_err() {
            report.rejected = Some("truncated header".into());
            return report;
        }
        if buf != version_tag() {
            report.rejected = Some(format!(
                "written by another version ({})",
                String::from_utf8_lossy(&buf)
            ));
            return report;
        }
        let mut offset = (MAGIC.len() + 8 + buf.len()) as u64;
        let mut entries = HashMap::new();
        loop {
            let mut head = [0u8; 1 + 32 + 32];
            match r.read_exact(&mut head) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
                Err(_) => {
                    report.corrupt += 1;
                    break;
                }
            }
            if read_chunk(&mut r, &mut buf).is_err() {
                report.corrupt += 1;
                break;
            }
            let payload_at = offset + head.len() as u64 + 8;
            offset = payload_at + buf.len() as u64;
            let key = Key::from_bytes(head[1..33].try_into().expect("32 bytes"));
            let sum: [u8; 32] = head[33..].try_into().expect("32 bytes");
            if blake3::hash(&buf) != Key::from_bytes(sum) {
                report.corrupt += 1;
                continue;
            }
            match head[0] {
                b'P' => {
                    entries.insert(key, (payload_at, buf.len() as u64, sum));
                    report.loaded += 1;
                }
                b'G' => match decode_group(&buf) {
                    Some(stubs) => cache.groups.seed(key, Arc::new(stubs)),
                    None => report.corrupt += 1,
                },
                _ => report.corrupt += 1,
            }
        }
        drop(r);
        if !entries.is_empty() {
            cache.disk_pages = Some(PageIndex {
                file,
                entries,
                used: Mutex::new(HashSet::new()),
                unreadable: AtomicUsize::new(0),
            });
        }
        report
    }

    /// Reads exactly `buf.len()` bytes at `at` without moving a shared cursor, so threads can
    /// read entries of one open file at once.
    fn read_exact_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            file.read_exact_at(buf, at)
        }
        #[cfg(windows)]
        {
            use std::os::windows::fs::FileExt;
            let mut done = 0;
            while done < buf.len() {
                match file.seek_read(&mut buf[done..], at + done as u64)? {
                    0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                    n => done += n,
                }
            }
            Ok(())
        }
        #[cfg(not(any(unix, windows)))]
        {
            let _ = (file, buf, at);
            Err(io::Error::other("positioned reads are not supported here"))
        }
    }

    /// The rendered pages of a cache file, by key: located at load, read on demand.
    pub struct PageIndex {
        file: std::fs::File,
        /// Key → (payload offset, payload length, payload checksum).
        entries: HashMap<Key, (u64, u64, [u8; 32])>,
        used: Mutex<HashSet<Key>>,
        unreadable: AtomicUsize,
    }

    impl PageIndex {
        /// True when the file holds `key`; marks it used.
        pub fn touch(&self, key: &Key) -> bool {
            let present = self.entries.contains_key(key);
            if present {
                self.used.lock().expect("page index").insert(*key);
            }
            present
        }

        /// Reads and decodes the page stored under `key`. An entry that no longer reads back
        /// as it was verified (the file changed underneath) counts as missing.
        pub fn get(&self, key: &Key) -> Option<PageArtifacts> {
            let payload = self.payload(key)?;
            match postcard::from_bytes(&payload) {
                Ok(page) => {
                    self.used.lock().expect("page index").insert(*key);
                    Some(page)
                }
                Err(_) => {
                    self.unreadable.fetch_add(1, Ordering::Relaxed);
                    None
                }
            }
        }

        /// The verified payload bytes of an entry.
        fn payload(&self, key: &Key) -> Option<Vec<u8>> {
            let &(at, len, sum) = self.entries.get(key)?;
            let mut payload = vec![0u8; len as usize];
            let read = read_exact_at(&self.file, &mut payload, at);
            if read.is_err() || *blake3::hash(&payload).as_bytes() != sum {
                self.unreadable.fetch_add(1, Ordering::Relaxed);
                return None;
            }
            Some(payload)
        }

        /// Number of pages in the file.
        pub fn len(&self) -> usize {
            self.entries.len()
        }

        /// True when the file holds no page.
        pub fn is_empty(&self) -> bool {
            self.entries.is_empty()
        }

        /// Number of distinct pages the current build used.
        pub fn used(&self) -> usize {
            self.used.lock().expect("page index").len()
        }

        /// Entries that failed to read back after load.
        pub fn unreadable(&self) -> usize {
            self.unreadable.load(Ordering::Relaxed)
        }
    }

    /// A group stub as stored: the template by name.
    type StoredStub = (String, String, String, [u8; 32], bool);

    fn encode_group(stubs: &[PageStub]) -> io::Result<Vec<u8>> {
        let stored: Vec<StoredStub> = stubs
            .iter()
            .map(|s| {
                (
                    s.path.clone(),
                    s.url.clone(),
                    s.template.to_string(),
                    *s.key.as_bytes(),
                    s.in_sitemap,
                )
            })
            .collect();
        postcard::to_stdvec(&stored).map_err(io::Error::other)
    }

    /// Decodes a group; `None` when it names a template this build does not have.
    fn decode_group(bytes: &[u8]) -> Option<Vec<PageStub>> {
        let stored: Vec<StoredStub> = postcard::from_bytes(bytes).ok()?;
        stored
            .into_iter()
            .map(|(path, url, template, key, in_sitemap)| {
                let template = crate::render::templates::DEFAULT_TEMPLATES
                    .iter()
                    .find(|(name, _)| *name == template)?
                    .0;
                Some(PageStub {
                    path,
                    url,
                    template,
                    key: Key::from_bytes(key),
                    in_sitemap,
                })
            })
            .collect()
    }

    /// Reads a length-prefixed chunk into `buf` (refusing absurd lengths).
    fn read_chunk(r: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<()> {
        let mut len = [0u8; 8];
        r.read_exact(&mut len)?;
        let len = u64::from_le_bytes(len);
        if len > 1 << 32 {
            return Err(io::Error::other("chunk too large"));
        }
        buf.clear();
        buf.resize(len as usize, 0);
        r.read_exact(buf)
    }

    /// Writes the pages of the last build to `dir/build-cache.bin`, streaming entry by entry
    /// into a temporary file that is renamed into place when complete.
    pub fn save(dir: &Path, cache: &BuildCache) -> io::Result<()> {
        let w = Writer::create(dir)?;
        for (key, v) in cache.pages.entries() {
            w.append(&key, &v)?;
        }
        // Pages reused from the previous file are copied as they are, never decoded.
        if let Some(disk) = &cache.disk_pages {
            let used: Vec<Key> = disk
                .used
                .lock()
                .expect("page index")
                .iter()
                .copied()
                .collect();
            for key in used {
                if cache.pages.peek(&key).is_none() {
                    if let Some(payload) = disk.payload(&key) {
                        w.append_entry(b'P', &key, &payload)?;
                    }
                }
            }
        }
        w.finish(cache)
    }

    /// A cache file being written while a build renders its pages: entries are appended as
    /// they come (from any thread) into a temporary file, renamed into place by
    /// [`Writer::finish`]; dropped unfinished (a failed build), the temporary file is removed
    /// and the previous cache stays.
    pub struct Writer {
        dir: std::path::PathBuf,
        tmp: std::path::PathBuf,
        out: Mutex<Option<io::BufWriter<std::fs::File>>>,
    }

    impl Writer {
        /// Starts a new cache file in `dir`.
        pub fn create(dir: &Path) -> io::Result<Self> {
            std::fs::create_dir_all(dir)?;
            crate::output::remove_dead_files(dir, &format!("{FILE}.tmp-"));
            let tmp = dir.join(format!("{FILE}.tmp-{}", std::process::id()));
            let mut w = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
            w.write_all(MAGIC)?;
            let tag = version_tag();
            w.write_all(&(tag.len() as u64).to_le_bytes())?;
            w.write_all(&tag)?;
            Ok(Writer {
                dir: dir.to_path_buf(),
                tmp,
                out: Mutex::new(Some(w)),
            })
        }

        /// Appends one rendered page (encoded and checksummed before taking the lock).
        pub fn append(&self, key: &Key, page: &PageArtifacts) -> io::Result<()> {
            let payload = postcard::to_stdvec(page).map_err(io::Error::other)?;
            self.append_entry(b'P', key, &payload)
        }

        /// Appends one framed entry: kind, key, checksum, length, payload.
        pub(super) fn append_entry(&self, kind: u8, key: &Key, payload: &[u8]) -> io::Result<()> {
            let sum = blake3::hash(payload);
            let mut guard = self.out.lock().expect("cache writer");
            let w = guard
                .as_mut()
                .ok_or_else(|| io::Error::other("the cache file was abandoned"))?;
            let written = w
                .write_all(&[kind])
                .and_then(|()| w.write_all(key.as_bytes()))
                .and_then(|()| w.write_all(sum.as_bytes()))
                .and_then(|()| w.write_all(&(payload.len() as u64).to_le_bytes()))
                .and_then(|()| w.write_all(payload));
            if written.is_err() {
                // A half-written entry would break the framing: abandon the file.
                *guard = None;
                let _ = std::fs::remove_file(&self.tmp);
            }
            written
        }

        /// Appends the page groups of `cache` (which list and dataset pages a build made
        /// from which inputs, so a warm build skips their contexts), flushes the file and
        /// puts it in place of the previous cache.
        pub fn finish(self, cache: &BuildCache) -> io::Result<()> {
            for (key, stubs) in cache.groups.entries() {
                self.append_entry(b'G', &key, &encode_group(&stubs)?)?;
            }
            let w = self
                .out
                .lock()
                .expect("cache writer")
                .take()
                .ok_or_else(|| io::Error::other("the cache file was abandoned"))?;
            let placed = w
                .into_inner()
                .map_err(|e| e.into_error())
                .and_then(|_| std::fs::rename(&self.tmp, self.dir.join(FILE)));
            if placed.is_err() {
                let _ = std::fs::remove_file(&self.tmp);
            }
            placed
        }
    }

    impl Drop for Writer {
        fn drop(&mut self) {
            if self.out.get_mut().map(|o| o.is_some()).unwrap_or(true) {
                let _ = std::fs::remove_file(&self.tmp);
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::cache::KeyBuilder;

        fn page(html: &str) -> PageArtifacts {
            PageArtifacts {
                html: html.into(),
                ids: ["top".to_string()].into_iter().collect(),
                search: Some("{}".into()),
                links: Vec::new(),
                diagnostics: Default::default(),
            }
        }

        #[test]
        fn a_streamed_cache_loads_back_and_an_abandoned_one_keeps_the_previous() {
            let dir = std::env::temp_dir().join(format!("srm-cache-w-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let key = |n: u64| KeyBuilder::new("test").u64(n).finish();
            let (k1, k2) = (key(1), key(2));
            let w = Writer::create(&dir).unwrap();
            w.append(&k1, &page("<p>one</p>")).unwrap();
            w.append(&k2, &page("<p>two</p>")).unwrap();
            w.finish(&BuildCache::default()).unwrap();
            let mut cache = BuildCache::default();
            let report = load(&dir, &mut cache);
            assert_eq!((report.loaded, report.corrupt), (2, 0));
            assert_eq!(cache.page(&k2).unwrap().html, "<p>two</p>");
            assert!(cache.page(&key(3)).is_none());
            {
                let w = Writer::create(&dir).unwrap();
                w.append(&k1, &page("<p>changed</p>")).unwrap();
                // Dropped unfinished: a failed build.
            }
            let names: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert_eq!(names, [FILE], "no temporary file is left");
            let mut cache = BuildCache::default();
            assert_eq!(load(&dir, &mut cache).loaded, 2);
            assert_eq!(cache.page(&k1).unwrap().html, "<p>one</p>");
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}
