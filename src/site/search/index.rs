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
use super::merged::Merged;
pub(crate) use super::terms::DocTerms;
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
pub(super) fn weight(fields: u8, count: u32) -> u8 {
    (fields << 4) | count.min(15) as u8
}

/// The grouping key of a word in the vocabulary shards: its first two characters.
pub(crate) fn vocab_key(word: &str) -> String {
    word.chars().take(2).collect()
}

/// Merges the pages' terms into vocabulary and posting shards plus the root, which also
/// carries `extra` (the number of pages and whether there are answers).
pub(crate) fn shards(merged: &Merged, extra: serde_json::Value) -> Vec<Shard> {
    let (mut out, post_starts) = posting_shards(merged);
    let (vocab, vocab_starts) = vocab_shards(merged);
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

/// Posting shards of about [`POSTING_SHARD`] bytes, never splitting a stem, and the first
/// stem of each.
fn posting_shards(merged: &Merged) -> (Vec<Shard>, Vec<String>) {
    let mut shards = Vec::new();
    let mut starts = Vec::new();
    let mut body = String::new();
    for (stem, posting) in &merged.postings {
        if body.is_empty() {
            starts.push(stem.to_string());
        } else {
            body.push(',');
        }
        body.push_str(&posting.json);
        if body.len() >= POSTING_SHARD {
            close(&mut shards, 'p', &mut body);
        }
    }
    if !body.is_empty() {
        close(&mut shards, 'p', &mut body);
    }
    (shards, starts)
}

/// Vocabulary shards of about [`VOCAB_SHARD`] bytes, never splitting a two-letter group, and
/// the group each starts with.
fn vocab_shards(merged: &Merged) -> (Vec<Shard>, Vec<String>) {
    let mut shards = Vec::new();
    let mut starts = Vec::new();
    let mut body = String::new();
    let mut group = String::new();
    for (word, entry) in &merged.words {
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
        body.push_str(&entry.prefix);
        let _ = write!(body, "{}]", merged.df(&entry.stem));
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

    /// The shards of pages `order` (indexes into `docs`), merged from scratch.
    fn merged_shards(docs: &[DocTerms], order: &[usize], extra: serde_json::Value) -> Vec<Shard> {
        let docs: Vec<std::sync::Arc<DocTerms>> = docs.iter().map(|d| d.clone().into()).collect();
        let pages: Vec<_> = order.iter().map(|&i| docs[i].clone()).collect();
        let mut merged = Merged::default();
        merged.update(&pages);
        shards(&merged, extra)
    }

    #[test]
    fn a_patched_merge_equals_a_merge_from_scratch() {
        let doc = |text: &str| std::sync::Arc::new(DocTerms::new(&page("T", "", text), &[]));
        let mut pages: Vec<_> = (0..6)
            .map(|n| doc(&format!("common word{n} shared")))
            .collect();
        let mut merged = Merged::default();
        merged.update(&pages);
        // Page 2 loses `shared` and `word2` and gains `fresh`; page 4 loses everything;
        // both change the count of `common`.
        pages[2] = doc("common common fresh");
        pages[4] = doc("");
        pages[5] = doc("common common fresh");
        merged.update(&pages);
        let mut scratch = Merged::default();
        scratch.update(&pages);
        assert_eq!(shards(&merged, json!({})), shards(&scratch, json!({})));
        let p0 = &shards(&merged, json!({}))[0].json;
        assert!(
            p0.contains("\"fresh\":[2,17,3,17]") && !p0.contains("word2"),
            "{p0}"
        );
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
