//! The postings and vocabulary of every indexed page, merged. `serve` keeps the merge
//! between builds: a rebuild after a few pages changed takes out their old terms and adds
//! their new ones instead of merging every page again, and each stem's posting list keeps
//! its JSON, so the shards are put together from strings. A merge from scratch goes through
//! [`Builder`], which takes pages one at a time so that a one-shot build can drop each
//! page's terms once added.

use super::cut::Span;
use super::index::{weight, DocTerms};
use crate::cache::Key;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

/// Pages changed since the previous merge above which it is merged again from scratch.
const PATCH_LIMIT: usize = 64;

/// One stem: the pages it occurs in (page number, weight), ascending, and its JSON
/// (`"stem":[delta,weight,…]`).
#[derive(Default)]
pub(super) struct Posting {
    pub(super) list: Vec<(u32, u8)>,
    pub(super) json: String,
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
    docs: Vec<Arc<DocTerms>>,
    /// The key of each page whose terms are in `docs` (see [`Merged::unchanged`]).
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
    /// Makes this the merge of `docs` (page `n` is `docs[n]`), patching the previous merge
    /// when only a few pages differ from it (by identity: unchanged pages share their terms
    /// through the memo).
    pub(crate) fn update(&mut self, docs: &[Arc<DocTerms>]) {
        let same_count = docs.len() == self.docs.len();
        let changed: Vec<usize> = (0..docs.len())
            .filter(|&n| same_count && !Arc::ptr_eq(&docs[n], &self.docs[n]))
            .collect();
        if !same_count || changed.len() > PATCH_LIMIT {
            let mut scratch = Builder::default();
            for t in docs {
                scratch.add(t);
            }
            *self = scratch.finish();
        } else {
            self.forms.get_or_insert_with(|| forms(&self.words));
            let mut touched = Vec::new();
            for &n in &changed {
                let old = Arc::clone(&self.docs[n]);
                self.replace(n as u32, &old, &docs[n], &mut touched);
            }
            touched.sort_unstable();
            touched.dedup();
            for stem in touched {
                let Some(p) = self.postings.get_mut(&stem) else {
                    continue;
                };
                if p.list.is_empty() {
                    self.postings.remove(&stem);
                } else {
                    p.json = posting_json(&stem, &p.list);
                }
                self.changes.stems.insert(stem);
            }
        }
        self.docs = docs.to_vec();
    }

    /// Page `n`'s terms when its key is still `key`.
    pub(crate) fn unchanged(&self, n: usize, key: Key) -> Option<Arc<DocTerms>> {
        (self.keys.get(n) == Some(&key)).then(|| self.docs.get(n).cloned())?
    }

    /// Records the key of each page (in page order) whose terms were merged last.
    pub(crate) fn remember_keys(&mut self, keys: Vec<Key>) {
        self.keys = keys;
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
            list.retain(|&(doc, _)| doc != n);
            if let Some(w) = after {
                list.insert(list.partition_point(|&(doc, _)| doc < n), (n, w));
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
                let json = posting_json(&stem, &list);
                (stem.into(), Posting { list, json })
            })
            .collect();
        let words = (self.words.into_iter())
            .map(|(word, (stem, pages))| {
                let entry = Word::new(&word, &stem, pages);
                (word.into(), entry)
            })
            .collect();
        Merged {
            docs: Vec::new(),
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
pub(super) fn posting_json(stem: &str, list: &[(u32, u8)]) -> String {
    let mut body = String::with_capacity(stem.len() + 4 + list.len() * 6);
    let _ = write!(body, "{}:[", serde_json::Value::from(stem));
    let mut last = 0;
    for (i, &(doc, w)) in list.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        let _ = write!(body, "{sep}{},{w}", doc - last);
        last = doc;
    }
    body.push(']');
    body
}
