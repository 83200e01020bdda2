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

use super::cut::{Cutter, Span};
use super::extract::PageDoc;
use super::merged::{posting_json, Merged};
pub(crate) use super::terms::DocTerms;
use crate::output::Blob;
use serde_json::json;
use std::borrow::Cow;
use std::ops::Bound;

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
pub(super) fn weight(fields: u8, count: u32) -> u8 {
    (fields << 4) | count.min(15) as u8
}

/// The grouping key of a word in the vocabulary shards: its first two characters.
pub(crate) fn vocab_key(word: &str) -> String {
    word.chars().take(2).collect()
}

/// The vocabulary and posting shards of the merge and the root, which also carries `extra`
/// (the number of pages and whether there are answers), as files: `file(name, json)` makes
/// one. Only the shards that changed since the last call are made again (see [`cut`]).
pub(crate) fn shard_files(
    merged: &mut Merged,
    extra: serde_json::Value,
    file: &(dyn Fn(&str, &str) -> Blob + Sync),
) -> Vec<(String, Blob)> {
    let changes = merged.take_changes();
    let (old_posting, old_vocab) = std::mem::take(&mut merged.cut);
    let (old_posting, old_vocab) = match changes.all {
        true => (Vec::new(), Vec::new()),
        false => (old_posting, old_vocab),
    };
    let m = &*merged;
    let posting_entries = |from: Bound<&str>| {
        (m.postings.range::<str, _>((from, Bound::Unbounded))).map(|(stem, p)| {
            (
                stem.as_str(),
                stem.as_str(),
                Cow::Owned(posting_json(stem, &p.list)),
            )
        })
    };
    let posting = || {
        Cutter {
            limit: POSTING_SHARD,
            brackets: ('{', '}'),
            entries: &posting_entries,
            file: &|n, json| file(&format!("p{n}"), json),
        }
        .cut(&old_posting, &changes.stems)
    };
    let vocab_entries = |from: Bound<&str>| {
        (m.words.range::<str, _>((from, Bound::Unbounded))).map(|(word, entry)| {
            let text = format!("{}{}]", entry.prefix, m.df(&entry.stem));
            (word.as_str(), group(word), Cow::Owned(text))
        })
    };
    let vocab = || {
        Cutter {
            limit: VOCAB_SHARD,
            brackets: ('[', ']'),
            entries: &vocab_entries,
            file: &|n, json| file(&format!("v{n}"), json),
        }
        .cut(&old_vocab, &changes.words)
    };
    let (posting, vocab) = rayon::join(posting, vocab);
    let vocab_starts: Vec<String> = vocab.iter().map(|s| vocab_key(&s.first)).collect();
    let post_starts: Vec<&str> = posting.iter().map(|s| s.first.as_str()).collect();
    let mut root = json!({"version": 1, "vocab": vocab_starts, "postings": post_starts});
    if let (Some(root), serde_json::Value::Object(extra)) = (root.as_object_mut(), extra) {
        root.extend(extra);
    }
    let named = |kind: char| move |(n, s): (usize, &Span)| (format!("{kind}{n}"), s.file.clone());
    let mut out: Vec<(String, Blob)> = (posting.iter().enumerate().map(named('p')))
        .chain(vocab.iter().enumerate().map(named('v')))
        .collect();
    out.push(("index".to_string(), file("index", &root.to_string())));
    merged.cut = (posting, vocab);
    out
}

/// A word's two-letter group (as [`vocab_key`], without allocating).
fn group(word: &str) -> &str {
    word.char_indices().nth(2).map_or(word, |(i, _)| &word[..i])
}

/// Pages per document file: a query fetches one file per result shown, and pages compressed
/// together take fewer bytes (on the 1k benchmark corpus, 4 pages take 55% and 8 pages 42% of
/// the bytes they take alone).
pub(crate) const DOCS_PER_FILE: usize = 4;

/// A page's entry in a document file: its site-relative URL, title, kind and sections.
pub(crate) fn doc_json(url: &str, doc: &PageDoc) -> serde_json::Value {
    let sections: Vec<[&str; 3]> = doc
        .sections
        .iter()
        .map(|s| [s.id.as_str(), s.heading.as_str(), s.text.as_str()])
        .collect();
    json!({"url": url, "title": doc.title, "kind": doc.kind, "sections": sections})
}

/// Document shard `n`: its pages' entries as one JSON array.
pub(crate) fn doc_shard(n: usize, docs: Vec<serde_json::Value>) -> Shard {
    Shard {
        name: format!("d/{n}"),
        json: serde_json::Value::from(docs).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::search::terms::page;

    /// The shards of the merge with their JSON as files (cut again where it changed).
    fn shards(merged: &mut Merged, extra: serde_json::Value) -> Vec<Shard> {
        shards_made(merged, extra).0
    }

    /// [`shards`], and how many files were made (the others were kept).
    fn shards_made(merged: &mut Merged, extra: serde_json::Value) -> (Vec<Shard>, usize) {
        let made = std::sync::atomic::AtomicUsize::new(0);
        let file = |_: &str, json: &str| -> Blob {
            made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            std::sync::Arc::new(json.as_bytes().to_vec())
        };
        let shards = (shard_files(merged, extra, &file).into_iter())
            .map(|(name, blob)| Shard {
                name,
                json: String::from_utf8((*blob).as_ref().to_vec()).unwrap(),
            })
            .collect();
        (shards, made.into_inner())
    }

    /// The shards of pages `order` (indexes into `docs`), merged from scratch.
    fn merged_shards(docs: &[DocTerms], order: &[usize], extra: serde_json::Value) -> Vec<Shard> {
        let docs: Vec<std::sync::Arc<DocTerms>> = docs.iter().map(|d| d.clone().into()).collect();
        let pages: Vec<_> = order.iter().map(|&i| docs[i].clone()).collect();
        let mut merged = Merged::default();
        merged.update_held(&pages);
        shards(&mut merged, extra)
    }

    #[test]
    fn a_patched_merge_equals_a_merge_from_scratch() {
        let doc = |text: &str| std::sync::Arc::new(DocTerms::new(&page("T", "", text), &[]));
        let mut pages: Vec<_> = (0..6)
            .map(|n| doc(&format!("common word{n} shared")))
            .collect();
        let mut merged = Merged::default();
        merged.update_held(&pages);
        shards(&mut merged, json!({}));
        // Page 2 loses `shared` and `word2` and gains `fresh`; page 4 loses everything;
        // both change the count of `common`.
        pages[2] = doc("common common fresh");
        pages[4] = doc("");
        pages[5] = doc("common common fresh");
        merged.update_held(&pages);
        let mut scratch = Merged::default();
        scratch.update_held(&pages);
        let patched = shards(&mut merged, json!({}));
        assert_eq!(patched, shards(&mut scratch, json!({})));
        let p0 = &patched[0].json;
        assert!(
            p0.contains("\"fresh\":[2,17,3,17]") && !p0.contains("word2"),
            "{p0}"
        );
    }

    #[test]
    fn shards_cut_again_after_edits_equal_shards_cut_from_scratch() {
        let shared: String = (0..80).map(|i| format!("shared{i} ")).collect();
        let text = |n: usize, extra: &str| format!("w{n}x common{n} zz{n} {shared}{extra}");
        let doc = |t: String| std::sync::Arc::new(DocTerms::new(&page("", "", &t), &[]));
        let mut pages: Vec<_> = (0..2000).map(|n| doc(text(n, ""))).collect();
        let mut merged = Merged::default();
        merged.update_held(&pages);
        let first = shards(&mut merged, json!({}));
        assert!(first.iter().filter(|s| s.name.starts_with('p')).count() > 10);
        let mut count = first.len();
        let long: String = (0..3000).map(|i| format!("grow{i} ")).collect();
        for (page, extra) in [
            (10, "fresh words here"),
            (300, long.as_str()),
            (1999, "zzzz last"),
            (300, ""),
            (0, "aaaa first common1"),
            (1500, long.as_str()),
        ] {
            pages[page] = doc(text(page, extra));
            merged.update_held(&pages);
            let (patched, made) = shards_made(&mut merged, json!({}));
            // A small edit makes a few files again (the one that adds shards renames all
            // those after it).
            if patched.len() == count {
                assert!(made <= 8, "{made} of {count} made again");
            }
            count = patched.len();
            let mut scratch = Merged::default();
            scratch.update_held(&pages);
            assert_eq!(
                patched,
                shards(&mut scratch, json!({})),
                "after page {page}"
            );
        }
    }

    #[test]
    fn postings_are_delta_coded_with_weights_and_the_root_lists_shard_starts() {
        let a = DocTerms::new(&page("Alpha", "", "beta"), &[]);
        let b = DocTerms::new(&page("Other", "", "beta beta"), &[]);
        let shards = merged_shards(&[a, b], &[0, 1, 0], json!({"pages": 3}));
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
        let order: Vec<usize> = (0..400).collect();
        let shards = merged_shards(&docs, &order, json!({}));
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
