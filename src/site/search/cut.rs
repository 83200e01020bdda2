//! Cutting a sorted sequence of entries into shards of about a given size, and cutting it
//! again after some entries changed: only the shards from the first changed entry on are
//! put together again, and only until a new shard starts where an old one did with no change
//! in it or after it up to the next change (from there on the old shards are the same, so
//! they are kept with their files). A shard closes before an entry of a new group once it
//! holds `limit` bytes, so a shard's end depends only on the entries from its start.

use crate::output::Blob;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::ops::Bound;

/// One shard: the key of its first entry and its file (the payload made into a script).
#[derive(Clone)]
pub(super) struct Span {
    pub(super) first: String,
    pub(super) file: Blob,
}

/// An entry: its key, its group (a shard never splits a group) and its JSON text.
pub(super) type Entry<'m> = (&'m str, &'m str, std::borrow::Cow<'m, str>);

/// How one kind of shard is cut and written.
pub(super) struct Cutter<'f, I> {
    /// Raw JSON bytes at which a shard is closed (before the next group).
    pub(super) limit: usize,
    /// `(open, close)` around the entries of a shard.
    pub(super) brackets: (char, char),
    /// The entries from a key on (all of them with `Unbounded`).
    pub(super) entries: &'f dyn Fn(Bound<&str>) -> I,
    /// The file of shard `n` with this JSON payload (called in parallel).
    pub(super) file: &'f (dyn Fn(usize, &str) -> Blob + Sync),
}

impl<'m, I: Iterator<Item = Entry<'m>>> Cutter<'_, I> {
    /// The shards of the entries, given `old`, the shards before, and `dirty`, every key
    /// whose entry changed, came or went since (`old` is ignored when empty).
    pub(super) fn cut(&self, old: &[Span], dirty: &BTreeSet<String>) -> Vec<Span> {
        let Some(first_dirty) = dirty.first().filter(|_| !old.is_empty()) else {
            return match old.is_empty() {
                true => self.from(Bound::Unbounded, 0, &[]).0,
                false => old.to_vec(),
            };
        };
        // The old shard holding the first change (0 when it comes before all of them).
        let mut at = old.partition_point(|s| s.first.as_str() <= first_dirty.as_str());
        at = at.saturating_sub(1);
        let mut out: Vec<Span> = old[..at].to_vec();
        while at < old.len() {
            let end = old.get(at + 1).map(|s| s.first.as_str());
            // A change in this shard, or before the first one.
            let from = match at {
                0 => Bound::Unbounded,
                _ => Bound::Included(old[at].first.clone()),
            };
            let changed = (dirty.range((from, Bound::Unbounded)).next())
                .is_some_and(|d| end.is_none_or(|e| d.as_str() < e));
            if !changed {
                out.push(old[at].clone());
                at += 1;
                continue;
            }
            let start = match at {
                0 => Bound::Unbounded,
                _ => Bound::Included(old[at].first.as_str()),
            };
            let (made, next) = self.from(start, out.len(), old);
            out.extend(made);
            match next {
                Some(q) => at = q,
                None => return out,
            }
        }
        out
    }

    /// Shards from `start` on, numbered from `n`, until the end (`None`) or until a shard
    /// would start where old shard `q` did, at the same number (`Some(q)`).
    fn from(&self, start: Bound<&str>, n: usize, old: &[Span]) -> (Vec<Span>, Option<usize>) {
        let mut made = Vec::new();
        let mut body = String::new();
        let mut first = String::new();
        let mut group = String::new();
        for (key, g, text) in (self.entries)(start) {
            if g != group {
                if body.len() >= self.limit {
                    made.push(self.close(&mut first, &mut body));
                    // Every change before `key` is cut by now: the old shards that start
                    // here, at the same number, follow on as they were unless changed.
                    let q = n + made.len();
                    if old.get(q).is_some_and(|s| s.first == key) {
                        return (self.files(n, made), Some(q));
                    }
                }
                group.clear();
                group.push_str(g);
            }
            if body.is_empty() {
                first.push_str(key);
            } else {
                body.push(',');
            }
            body.push_str(&text);
        }
        if !body.is_empty() {
            made.push(self.close(&mut first, &mut body));
        }
        (self.files(n, made), None)
    }

    /// A shard's first key and JSON payload; empties `first` and `body` for the next one.
    fn close(&self, first: &mut String, body: &mut String) -> (String, String) {
        let (open, close) = self.brackets;
        let json = format!("{open}{body}{close}");
        body.clear();
        (std::mem::take(first), json)
    }

    /// The shards `made` (numbered from `n`) with their files, made in parallel.
    fn files(&self, n: usize, made: Vec<(String, String)>) -> Vec<Span> {
        (made.into_par_iter().enumerate())
            .map(|(i, (first, json))| Span {
                first,
                file: (self.file)(n + i, &json),
            })
            .collect()
    }
}
