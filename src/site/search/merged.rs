//! The postings and vocabulary of every indexed page, merged and kept between builds: a
//! rebuild after a few pages changed takes out their old terms and adds their new ones
//! instead of merging every page again, and each stem's posting list keeps its JSON, so the
//! shards are put together from strings.

use super::index::{weight, DocTerms};
use std::collections::BTreeMap;
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
    pub(super) postings: BTreeMap<String, Posting>,
    pub(super) words: BTreeMap<String, Word>,
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
            *self = Merged::default();
            for (n, t) in docs.iter().enumerate() {
                self.add(n as u32, t);
            }
            for (stem, p) in self.postings.iter_mut() {
                p.json = posting_json(stem, &p.list);
            }
        } else {
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
            }
        }
        self.docs = docs.to_vec();
    }

    /// How many pages have `stem`.
    pub(super) fn df(&self, stem: &str) -> usize {
        self.postings.get(stem).map_or(0, |p| p.list.len())
    }

    fn add(&mut self, n: u32, t: &DocTerms) {
        for (stem, &(fields, count)) in &t.stems {
            let list = &mut self.postings.entry(stem.clone()).or_default().list;
            let at = list.partition_point(|&(doc, _)| doc < n);
            list.insert(at, (n, weight(fields, count)));
        }
        self.add_words(t.words.iter());
    }

    /// Counts one more page for each written form (with its stem).
    fn add_words<'t>(&mut self, words: impl Iterator<Item = (&'t String, &'t String)>) {
        for (word, stem) in words {
            match self.words.get_mut(word) {
                Some(w) => w.pages += 1,
                None => {
                    let shown = if word == stem { "" } else { stem.as_str() };
                    let prefix = format!(
                        "[{},{},",
                        serde_json::Value::from(word.as_str()),
                        serde_json::Value::from(shown)
                    );
                    let stem = stem.clone();
                    self.words.insert(
                        word.clone(),
                        Word {
                            stem,
                            pages: 1,
                            prefix,
                        },
                    );
                }
            }
        }
    }

    /// Replaces page `n`'s terms `old` by `new`, touching only the stems whose entry for
    /// it changed (they are added to `touched`) and the written forms it gained or lost.
    fn replace(&mut self, n: u32, old: &DocTerms, new: &DocTerms, touched: &mut Vec<String>) {
        let entry = |t: &DocTerms, stem: &str| t.stems.get(stem).map(|&(f, c)| weight(f, c));
        for stem in old.stems.keys().chain(new.stems.keys()) {
            let (before, after) = (entry(old, stem), entry(new, stem));
            if before == after {
                continue;
            }
            let list = &mut self.postings.entry(stem.clone()).or_default().list;
            list.retain(|&(doc, _)| doc != n);
            if let Some(w) = after {
                list.insert(list.partition_point(|&(doc, _)| doc < n), (n, w));
            }
            touched.push(stem.clone());
        }
        for word in old.words.keys().filter(|w| !new.words.contains_key(*w)) {
            if let Some(w) = self.words.get_mut(word) {
                w.pages -= 1;
                if w.pages == 0 {
                    self.words.remove(word);
                }
            }
        }
        let gained = new
            .words
            .iter()
            .filter(|(w, _)| !old.words.contains_key(*w));
        self.add_words(gained);
    }
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
