//! The postings and vocabulary of every indexed page, merged. `serve` keeps the merge
//! between builds: a rebuild after a few pages changed takes out their old terms and adds
//! their new ones instead of merging every page again (a posting list's JSON is made when
//! a shard holding it is cut). The merge holds no page's terms
//! but those it is told to (pages whose terms cannot be counted again from the page alone):
//! the old terms of a changed page are counted again from the page as it was. A merge from
//! scratch goes through [`Builder`], which takes pages one at a time so that a one-shot
//! build can drop each page's terms once added.

use super::cut::Span;
use super::index::{weight, DocTerms};
use crate::cache::Key;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
#[cfg(test)]
use std::collections::HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

/// Pages changed since the previous merge above which it is merged again from scratch.
const PATCH_LIMIT: usize = 64;

/// Pages whose terms are counted at once (in parallel) in a merge from scratch, before
/// they are added and dropped. Two batches are alive at once (one counted, one added):
/// 256 made the search stage the peak of a 1k build's memory (8–10 MiB more than 64).
const TERMS_AT_ONCE: usize = 64;

/// The pages a merge is made of, in page order.
pub(crate) struct Pages<'f> {
    /// What each page's terms are made from (equal keys, equal terms).
    pub(crate) keys: Vec<Key>,
    /// The pages whose terms the merge holds (see the module documentation).
    pub(crate) hold: Vec<bool>,
    /// Page `n`'s terms (called in parallel).
    pub(crate) terms: &'f (dyn Fn(usize) -> Arc<DocTerms> + Sync),
    /// The terms of the page merged last as page `n` (not held), counted again from the key
    /// it had; `None` when they cannot be (the merge is then made from scratch).
    pub(crate) old: &'f (dyn Fn(usize, Key) -> Option<DocTerms> + Sync),
}

/// One stem: the pages it occurs in, ascending.
#[derive(Default)]
pub(super) struct Posting {
    pub(super) list: Vec<Entry>,
}

/// A page of a posting list, packed: its number (little-endian) and its weight, in 5 bytes
/// where `(u32, u8)` takes 8 (a merge of 10,000 pages holds about 4 million).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Entry([u8; 5]);

impl Entry {
    fn new(page: u32, weight: u8) -> Self {
        let [a, b, c, d] = page.to_le_bytes();
        Entry([a, b, c, d, weight])
    }

    fn page(self) -> u32 {
        let [a, b, c, d, _] = self.0;
        u32::from_le_bytes([a, b, c, d])
    }

    fn weight(self) -> u8 {
        self.0[4]
    }
}

/// One written form: its stem, how many pages have it, and its vocabulary entry up to the
/// page count (`["word","stem",`).
pub(super) struct Word {
    pub(super) stem: String,
    pages: usize,
    pub(super) prefix: String,
}

/// The merged index of one set of pages (see the module documentation).
#[derive(Default)]
pub(crate) struct Merged {
    /// The terms held, by page (see [`Pages::hold`]).
    held: Vec<Option<Arc<DocTerms>>>,
    /// The key of each page merged (see [`Pages::keys`]).
    keys: Vec<Key>,
    pub(super) postings: BTreeMap<String, Posting>,
    pub(super) words: BTreeMap<String, Word>,
    /// The document files made for the pages of `keys` (see [`super::files`]).
    pub(crate) doc_files: Vec<crate::output::Blob>,
    /// What changed since the shards were last cut (see [`super::cut`]).
    pub(super) changes: Changes,
    /// The posting and vocabulary shards as last cut.
    pub(super) cut: (Vec<Span>, Vec<Span>),
    /// Stem → its written forms, made on the first patch (a stem's page count shows in
    /// each of its forms' vocabulary entries).
    forms: Option<FxHashMap<String, Vec<String>>>,
}

/// The stems and written forms whose shard entries changed since the shards were last cut;
/// `all` after a merge from scratch.
#[derive(Default)]
pub(super) struct Changes {
    pub(super) all: bool,
    pub(super) stems: BTreeSet<String>,
    pub(super) words: BTreeSet<String>,
}

impl Merged {
    /// Which of `keys` (in page order) differ from the pages merged last: all of them when
    /// their number differs.
    pub(crate) fn changed(&self, keys: &[Key]) -> Vec<bool> {
        let same_count = keys.len() == self.keys.len();
        (0..keys.len())
            .map(|n| !same_count || keys[n] != self.keys[n])
            .collect()
    }

    /// Makes this the merge of `pages`, patching the previous merge when only a few pages
    /// differ from it and their old terms can be counted again.
    pub(crate) fn update(&mut self, pages: &Pages<'_>) {
        let changed: Vec<usize> = (self.changed(&pages.keys).iter().enumerate())
            .filter_map(|(n, &c)| c.then_some(n))
            .collect();
        let patched = pages.keys.len() == self.keys.len()
            && changed.len() <= PATCH_LIMIT
            && self.patch(pages, &changed).is_some();
        if !patched {
            *self = Builder::counted(pages.keys.len(), pages.terms).finish();
            self.held = (0..pages.keys.len())
                .map(|n| pages.hold[n].then(|| (pages.terms)(n)))
                .collect();
        }
        self.keys.clone_from(&pages.keys);
    }

    /// Replaces the terms of the `changed` pages; `None`, with nothing changed, when the
    /// old terms of one of them cannot be had.
    fn patch(&mut self, pages: &Pages<'_>, changed: &[usize]) -> Option<()> {
        let old: Vec<Arc<DocTerms>> = (changed.par_iter())
            .map(|&n| match &self.held[n] {
                Some(held) => Some(Arc::clone(held)),
                None => (pages.old)(n, self.keys[n]).map(Arc::new),
            })
            .collect::<Option<_>>()?;
        let new: Vec<Arc<DocTerms>> = changed.par_iter().map(|&n| (pages.terms)(n)).collect();
        self.forms.get_or_insert_with(|| forms(&self.words));
        let mut touched = Vec::new();
        for ((&n, old), new) in changed.iter().zip(&old).zip(new) {
            self.replace(n as u32, old, &new, &mut touched);
            self.held[n] = pages.hold[n].then_some(new);
        }
        touched.sort_unstable();
        touched.dedup();
        for stem in touched {
            if self.postings.get(&stem).is_some_and(|p| p.list.is_empty()) {
                self.postings.remove(&stem);
            }
            self.changes.stems.insert(stem);
        }
        Some(())
    }

    /// How many pages' terms are held.
    #[cfg(test)]
    pub(crate) fn held(&self) -> usize {
        self.held.iter().flatten().count()
    }

    /// How many pages have `stem`.
    pub(super) fn df(&self, stem: &str) -> usize {
        self.postings.get(stem).map_or(0, |p| p.list.len())
    }

    /// Counts one more page for each written form (with its stem).
    fn add_words<'t>(&mut self, words: impl Iterator<Item = (&'t str, &'t str)>) {
        for (word, stem) in words {
            match self.words.get_mut(word) {
                Some(w) => w.pages += 1,
                None => {
                    self.words
                        .insert(word.to_string(), Word::new(word, stem, 1));
                    self.changes.words.insert(word.to_string());
                    if let Some(forms) = self.forms.as_mut() {
                        forms
                            .entry(stem.to_string())
                            .or_default()
                            .push(word.to_string());
                    }
                }
            }
        }
    }

    /// Counts one page less for a written form, dropping it at none.
    fn remove_word(&mut self, word: &str) {
        let Some(w) = self.words.get_mut(word) else {
            return;
        };
        w.pages -= 1;
        if w.pages > 0 {
            return;
        }
        if let (Some(forms), Some(w)) = (self.forms.as_mut(), self.words.remove(word)) {
            if let Some(list) = forms.get_mut(&w.stem) {
                list.retain(|f| f != word);
            }
        }
        self.changes.words.insert(word.to_string());
    }

    /// The changes since the shards were last cut, forgotten.
    pub(super) fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }

    /// Replaces page `n`'s terms `old` by `new`, touching only the stems whose entry for
    /// it changed (they are added to `touched`) and the written forms it gained or lost.
    fn replace(&mut self, n: u32, old: &DocTerms, new: &DocTerms, touched: &mut Vec<String>) {
        let entry = |t: &DocTerms, stem: &str| t.stem(stem).map(|(f, c)| weight(f, c));
        for stem in old.stems().chain(new.stems()).map(|(stem, _, _)| stem) {
            let (before, after) = (entry(old, stem), entry(new, stem));
            if before == after {
                continue;
            }
            let list = &mut self.postings.entry(stem.to_string()).or_default().list;
            list.retain(|e| e.page() != n);
            if let Some(w) = after {
                list.insert(list.partition_point(|e| e.page() < n), Entry::new(n, w));
            }
            touched.push(stem.to_string());
            // Its page count shows in the vocabulary entry of each of its forms.
            let forms = self.forms.as_ref().and_then(|f| f.get(stem));
            if before.is_some() != after.is_some() {
                (self.changes.words).extend(forms.into_iter().flatten().cloned());
            }
        }
        for (word, _) in old.words().filter(|(w, _)| !new.has_word(w)) {
            self.remove_word(word);
        }
        let gained = new.words().filter(|(w, _)| !old.has_word(w));
        self.add_words(gained);
    }
}

impl Word {
    fn new(word: &str, stem: &str, pages: usize) -> Self {
        let shown = if word == stem { "" } else { stem };
        let prefix = format!(
            "[{},{},",
            serde_json::Value::from(word),
            serde_json::Value::from(shown)
        );
        Word {
            stem: stem.to_string(),
            pages,
            prefix,
        }
    }
}

/// A merge from scratch, one page at a time in page order, in hash maps (a page adds
/// hundreds of stems); [`Builder::finish`] orders them once.
#[derive(Default)]
pub(crate) struct Builder {
    postings: FxHashMap<Box<str>, Vec<(u32, u8)>>,
    /// Written form → its stem and the number of pages with it.
    words: FxHashMap<Box<str>, (Box<str>, usize)>,
    pages: u32,
}

impl Builder {
    /// The merge of `count` pages, page `n`'s terms being `terms(n)`: counted
    /// [`TERMS_AT_ONCE`] at a time in parallel, each batch added (on one thread) while
    /// the next is counted, then dropped.
    pub(crate) fn counted(count: usize, terms: &(dyn Fn(usize) -> Arc<DocTerms> + Sync)) -> Self {
        let mut merged = Builder::default();
        let mut counted: Vec<Arc<DocTerms>> = Vec::new();
        for start in (0..count).step_by(TERMS_AT_ONCE) {
            let batch = start..(start + TERMS_AT_ONCE).min(count);
            let merging = std::mem::take(&mut counted);
            (counted, ()) = rayon::join(
                || batch.into_par_iter().map(terms).collect(),
                || merging.iter().for_each(|t| merged.add(t)),
            );
        }
        counted.iter().for_each(|t| merged.add(t));
        merged
    }

    /// Adds the next page's terms.
    pub(crate) fn add(&mut self, terms: &DocTerms) {
        let page = self.pages;
        self.pages += 1;
        for (stem, fields, count) in terms.stems() {
            let posting = (page, weight(fields, count));
            match self.postings.get_mut(stem) {
                Some(list) => list.push(posting),
                None => {
                    self.postings.insert(stem.into(), vec![posting]);
                }
            }
        }
        for (word, stem) in terms.words() {
            match self.words.get_mut(word) {
                Some((_, pages)) => *pages += 1,
                None => {
                    self.words.insert(word.into(), (stem.into(), 1));
                }
            }
        }
    }

    /// The merged index (its pages' terms not kept: it cannot be patched).
    pub(crate) fn finish(self) -> Merged {
        let postings = (self.postings.into_iter())
            .map(|(stem, list)| {
                let list = list.into_iter().map(|(n, w)| Entry::new(n, w)).collect();
                (stem.into(), Posting { list })
            })
            .collect();
        let words = (self.words.into_iter())
            .map(|(word, (stem, pages))| {
                let entry = Word::new(&word, &stem, pages);
                (word.into(), entry)
            })
            .collect();
        Merged {
            held: Vec::new(),
            keys: Vec::new(),
            doc_files: Vec::new(),
            postings,
            words,
            changes: Changes {
                all: true,
                ..Changes::default()
            },
            cut: Default::default(),
            forms: None,
        }
    }
}

/// Stem → its written forms.
fn forms(words: &BTreeMap<String, Word>) -> FxHashMap<String, Vec<String>> {
    let mut forms: FxHashMap<String, Vec<String>> = FxHashMap::default();
    for (word, w) in words {
        forms.entry(w.stem.clone()).or_default().push(word.clone());
    }
    forms
}

/// `"stem":[delta,weight,…]`.
pub(super) fn posting_json(stem: &str, list: &[Entry]) -> String {
    let mut body = String::with_capacity(stem.len() + 4 + list.len() * 6);
    let _ = write!(body, "{}:[", serde_json::Value::from(stem));
    let mut last = 0;
    let mut number = itoa::Buffer::new();
    for (i, e) in list.iter().enumerate() {
        let (doc, w) = (e.page(), e.weight());
        if i > 0 {
            body.push(',');
        }
        body.push_str(number.format(doc - last));
        body.push(',');
        body.push_str(number.format(w));
        last = doc;
    }
    body.push(']');
    body
}

#[cfg(test)]
impl Merged {
    /// [`Merged::update`] with every page's terms held, each keyed by its terms.
    pub(crate) fn update_held(&mut self, docs: &[Arc<DocTerms>]) {
        let terms = |n: usize| Arc::clone(&docs[n]);
        self.update(&Pages {
            keys: docs.iter().map(|d| key_of(d)).collect(),
            hold: vec![true; docs.len()],
            terms: &terms,
            old: &|_, _| None,
        });
    }
}

/// A key naming terms by their content.
#[cfg(test)]
fn key_of(terms: &DocTerms) -> Key {
    crate::cache::KeyBuilder::new("test terms")
        .str(&format!("{terms:?}"))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::search::terms::page;

    /// The posting lists and vocabulary entries of a merge, as text.
    fn listing(m: &Merged) -> String {
        let words = m
            .words
            .iter()
            .map(|(w, e)| format!("{w}={}{}", e.prefix, e.pages));
        let postings = m.postings.iter().map(|(s, p)| posting_json(s, &p.list));
        postings.chain(words).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn posting_entries_pack_page_numbers_and_weights_into_five_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 5);
        for (page, weight) in [(0, 0), (1, 255), (70_000, 17), (u32::MAX, 9)] {
            let e = Entry::new(page, weight);
            assert_eq!((e.page(), e.weight()), (page, weight));
        }
        let list = [Entry::new(3, 17), Entry::new(300, 1)];
        assert_eq!(posting_json("x", &list), "\"x\":[3,17,297,1]");
    }

    #[test]
    fn a_merge_holding_no_terms_patches_with_old_terms_counted_again() {
        let doc = |t: &str| Arc::new(DocTerms::new(&page("T", "", t), &[]));
        let versions: std::sync::Mutex<HashMap<Key, Arc<DocTerms>>> = Default::default();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let old = |_: usize, key: Key| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            versions.lock().unwrap().get(&key).map(|t| (**t).clone())
        };
        let mut pages: Vec<_> = (0..5).map(|n| doc(&format!("common w{n}"))).collect();
        let mut merged = Merged::default();
        for edit in 0..4 {
            for d in &pages {
                versions.lock().unwrap().insert(key_of(d), Arc::clone(d));
            }
            let terms = |n: usize| Arc::clone(&pages[n]);
            merged.update(&Pages {
                keys: pages.iter().map(|d| key_of(d)).collect(),
                hold: vec![false; pages.len()],
                terms: &terms,
                old: &old,
            });
            assert_eq!(merged.held(), 0);
            let mut scratch = Merged::default();
            scratch.update_held(&pages);
            assert_eq!(listing(&merged), listing(&scratch), "after edit {edit}");
            pages[edit] = doc(&format!("fresh{edit} common common"));
        }
        // One count per changed page (three edits), none for the first merge.
        assert_eq!(calls.into_inner(), 3);
    }

    #[test]
    fn old_terms_that_cannot_be_had_make_the_merge_from_scratch() {
        let doc = |t: &str| Arc::new(DocTerms::new(&page("T", "", t), &[]));
        let mut pages = vec![doc("alpha beta"), doc("beta gamma")];
        let mut merged = Merged::default();
        let update = |merged: &mut Merged, pages: &[Arc<DocTerms>]| {
            let terms = |n: usize| Arc::clone(&pages[n]);
            merged.update(&Pages {
                keys: pages.iter().map(|d| key_of(d)).collect(),
                hold: vec![false; pages.len()],
                terms: &terms,
                old: &|_, _| None,
            });
        };
        update(&mut merged, &pages);
        pages[0] = doc("delta");
        update(&mut merged, &pages);
        let mut scratch = Merged::default();
        scratch.update_held(&pages);
        assert_eq!(listing(&merged), listing(&scratch));
        assert!(!listing(&merged).contains("alpha"));
    }
}
