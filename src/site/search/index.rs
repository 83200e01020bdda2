//! The inverted index and its shards. Each page's terms are counted once per page version
//! ([`DocTerms`], memoised by the caller); the merge below turns them into three kinds of
//! shard, so that a query downloads only what it needs:
//!
//! - vocabulary shards (`v<n>`): the words as written, grouped by their first two letters,
//!   each with its stem and the number of pages that contain the stem. The browser finds a
//!   query word here exactly, as a prefix or within one or two typos, and learns its stem.
//! - posting shards (`p<n>`): per stem, the pages that contain it and where (title,
//!   heading, entity name, body) as a delta-coded list, in stem order.
//! - document files (`d/<n>`), [`DOCS_PER_FILE`] pages each: URL, title and sectioned
//!   text, for the results shown (snippets, section links).
//!
//! The root (`index`) lists the first key of every vocabulary and posting shard.

use super::extract::PageDoc;
pub(crate) use super::terms::DocTerms;
use rustc_hash::FxHashMap;
use serde_json::json;
use std::fmt::Write as _;

/// Raw JSON bytes at which a posting shard is closed (one stem is never split).
const POSTING_SHARD: usize = 48 * 1024;
/// Raw JSON bytes at which a vocabulary shard is closed (one two-letter group is never split).
const VOCAB_SHARD: usize = 16 * 1024;

/// One file of the index before encoding: its name under `search/` (without `.js`) and its
/// JSON payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shard {
    /// `index`, `v3`, `p12`, `d/41`…
    pub name: String,
    /// The payload, as JSON text.
    pub json: String,
}

/// A posting's weight: field bits in the high nibble, occurrences (at most 15) in the low.
fn weight(fields: u8, count: u32) -> u8 {
    (fields << 4) | count.min(15) as u8
}

/// The grouping key of a word in the vocabulary shards: its first two characters.
pub(crate) fn vocab_key(word: &str) -> String {
    word.chars().take(2).collect()
}

/// The index being merged, one page at a time in page order: per stem the pages that
/// contain it with their weights, per written word its stem. Pages' [`DocTerms`] can be
/// dropped once added, so a build never holds every page's terms at once. Hash maps while
/// merging (a page adds hundreds of stems), sorted once at the end.
#[derive(Default)]
pub(crate) struct Merged {
    postings: FxHashMap<Box<str>, Vec<(u32, u8)>>,
    words: FxHashMap<Box<str>, Box<str>>,
    pages: u32,
}

impl Merged {
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
            if !self.words.contains_key(word) {
                self.words.insert(word.into(), stem.into());
            }
        }
    }

    /// The vocabulary and posting shards plus the root, which also carries `extra` (the
    /// number of pages and whether there are answers).
    pub(crate) fn shards(self, extra: serde_json::Value) -> Vec<Shard> {
        let mut postings: Vec<(&str, &[(u32, u8)])> = (self.postings.iter())
            .map(|(stem, list)| (&**stem, list.as_slice()))
            .collect();
        postings.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut words: Vec<(&str, &str)> = (self.words.iter())
            .map(|(word, stem)| (&**word, &**stem))
            .collect();
        words.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let (mut out, post_starts) = posting_shards(&postings);
        let df = |stem: &str| self.postings.get(stem).map_or(0, Vec::len);
        let (vocab, vocab_starts) = vocab_shards(&words, &df);
        out.extend(vocab);
        let mut root = json!({"version": 1, "vocab": vocab_starts, "postings": post_starts});
        if let (Some(root), serde_json::Value::Object(extra)) = (root.as_object_mut(), extra) {
            root.extend(extra);
        }
        out.push(Shard {
            name: "index".into(),
            json: root.to_string(),
        });
        out
    }
}

/// Posting shards in stem order, each closed once past [`POSTING_SHARD`] bytes, and the
/// first stem of each.
fn posting_shards(postings: &[(&str, &[(u32, u8)])]) -> (Vec<Shard>, Vec<String>) {
    let mut shards = Vec::new();
    let mut starts = Vec::new();
    let mut body = String::new();
    for (stem, list) in postings {
        if body.is_empty() {
            starts.push(stem.to_string());
        } else {
            body.push(',');
        }
        let _ = write!(body, "{}:[", serde_json::Value::from(*stem));
        let mut last = 0;
        for (i, &(doc, w)) in list.iter().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            let _ = write!(body, "{sep}{},{w}", doc - last);
            last = doc;
        }
        body.push(']');
        if body.len() >= POSTING_SHARD {
            close(&mut shards, 'p', &mut body);
        }
    }
    if !body.is_empty() {
        close(&mut shards, 'p', &mut body);
    }
    (shards, starts)
}

/// Vocabulary shards of `[word, stem or "" when the same, pages with the stem]`, whole
/// two-letter groups each, and the first group key of each.
fn vocab_shards(words: &[(&str, &str)], df: &dyn Fn(&str) -> usize) -> (Vec<Shard>, Vec<String>) {
    let mut shards = Vec::new();
    let mut starts = Vec::new();
    let mut body = String::new();
    let mut group = String::new();
    for (word, stem) in words {
        let key = vocab_key(word);
        if key != group {
            if body.len() >= VOCAB_SHARD {
                close(&mut shards, 'v', &mut body);
            }
            if body.is_empty() {
                starts.push(key.clone());
            }
            group = key;
        }
        if !body.is_empty() {
            body.push(',');
        }
        let shown = if word == stem { "" } else { stem };
        body.push_str(&json!([word, shown, df(stem)]).to_string());
    }
    if !body.is_empty() {
        close(&mut shards, 'v', &mut body);
    }
    (shards, starts)
}

/// Ends the shard being written: `p` shards are JSON objects, `v` shards arrays.
fn close(shards: &mut Vec<Shard>, kind: char, body: &mut String) {
    let (open, end) = if kind == 'p' { ('{', '}') } else { ('[', ']') };
    let json = format!("{open}{}{end}", std::mem::take(body));
    shards.push(Shard {
        name: format!("{kind}{}", shards.len()),
        json,
    });
}

/// Pages per document file: a query fetches one file per result shown, and pages compressed
/// together take fewer bytes (on the 1k benchmark corpus, 4 pages take 55% and 8 pages 42% of
/// the bytes they take alone).
pub(crate) const DOCS_PER_FILE: usize = 4;

/// A document file: the entries (site-relative URL, title, kind and sections) of up to
/// [`DOCS_PER_FILE`] consecutive pages; page `n` is entry `n % DOCS_PER_FILE` of file
/// `d/<n / DOCS_PER_FILE>`.
pub(crate) fn doc_shard(file: usize, pages: &[(String, &PageDoc)]) -> Shard {
    let entries: Vec<serde_json::Value> = pages
        .iter()
        .map(|(url, doc)| {
            let sections: Vec<[&str; 3]> = doc
                .sections
                .iter()
                .map(|s| [s.id.as_str(), s.heading.as_str(), s.text.as_str()])
                .collect();
            json!({"url": url, "title": doc.title, "kind": doc.kind, "sections": sections})
        })
        .collect();
    Shard {
        name: format!("d/{file}"),
        json: serde_json::Value::from(entries).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::search::extract::Section;

    fn page(title: &str, heading: &str, text: &str) -> PageDoc {
        PageDoc {
            title: title.into(),
            kind: "articles".into(),
            sections: vec![Section {
                id: "s".into(),
                heading: heading.into(),
                text: text.into(),
            }],
            code: String::new(),
        }
    }

    fn merged(terms: &[&DocTerms], extra: serde_json::Value) -> Vec<Shard> {
        let mut index = Merged::default();
        for t in terms {
            index.add(t);
        }
        index.shards(extra)
    }

    #[test]
    fn postings_are_delta_coded_with_weights_and_the_root_lists_shard_starts() {
        let a = DocTerms::new(&page("Alpha", "", "beta"), &[]);
        let b = DocTerms::new(&page("Other", "", "beta beta"), &[]);
        let shards = merged(&[&a, &b, &a], json!({"pages": 3}));
        let by_name = |n: &str| &shards.iter().find(|s| s.name == n).unwrap().json;
        let p0 = by_name("p0");
        assert!(p0.contains("\"beta\":[0,17,1,18,1,17]"), "{p0}");
        assert!(p0.contains("\"alpha\":[0,129,2,129]"), "{p0}");
        let v0 = by_name("v0");
        assert!(v0.contains("[\"beta\",\"\",3]"), "{v0}");
        assert!(v0.contains("[\"alpha\",\"\",2]"), "{v0}");
        let root: serde_json::Value = serde_json::from_str(by_name("index")).unwrap();
        assert_eq!(root["postings"], json!(["alpha"]));
        assert_eq!(root["vocab"], json!(["al"]));
        assert_eq!(root["pages"], 3);
    }

    #[test]
    fn big_indexes_are_split_without_splitting_a_stem_or_a_two_letter_group() {
        let docs: Vec<DocTerms> = (0..400)
            .map(|n| DocTerms::new(&page("", "", &format!("w{n}x common{n} zz{n}")), &[]))
            .collect();
        let refs: Vec<&DocTerms> = docs.iter().collect();
        let shards = merged(&refs, json!({}));
        let root: serde_json::Value =
            serde_json::from_str(&shards.iter().find(|s| s.name == "index").unwrap().json).unwrap();
        let vocab = root["vocab"].as_array().unwrap();
        assert_eq!(
            vocab.len(),
            shards.iter().filter(|s| s.name.starts_with('v')).count()
        );
        // Each two-letter group is in exactly one shard.
        let keys: Vec<&str> = vocab.iter().map(|v| v.as_str().unwrap()).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
        assert!(shards.iter().all(|s| s.json.len() < 2 * POSTING_SHARD));
    }
}
