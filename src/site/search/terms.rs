//! The terms of one page, counted once per page version and kept compact: `serve` keeps the
//! terms of every page between rebuilds (10,000 pages of about 800 stems and 900 written
//! forms each), so they are stored as one string of all stems and forms with small fixed-size
//! entries pointing into it, rather than as maps of separately allocated strings.

use super::extract::PageDoc;
use super::tokens;
use rustc_hash::FxHashMap;
use std::cmp::Ordering;

/// Where a term occurs in a page: the bits of a posting's weight, above the term count.
pub(crate) const TITLE: u8 = 8;
pub(crate) const HEADING: u8 = 4;
pub(crate) const ENTITY: u8 = 2;
pub(crate) const BODY: u8 = 1;

/// One stem of a page: where its text ends in [`DocTerms::text`], where it occurs (field
/// bits) and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct StemEntry {
    end: u32,
    fields: u8,
    count: u32,
}

/// One written form of a page: where its text ends, and the index of its stem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct WordEntry {
    end: u32,
    stem: u32,
}

/// The terms of one page: its stems (in order) with where they occur and how often, and the
/// written forms seen (in order) with their stems.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct DocTerms {
    /// Every stem, then every written form, back to back.
    text: Box<str>,
    stems: Box<[StemEntry]>,
    words: Box<[WordEntry]>,
}

impl DocTerms {
    /// Counts the terms of a page and of the dataset names it stands for (`entity`).
    pub(crate) fn new(doc: &PageDoc, entity: &[String]) -> Self {
        COUNTER.with_borrow_mut(|counter| {
            counter.add(&doc.title, TITLE);
            for name in entity {
                counter.add(name, ENTITY);
            }
            for s in &doc.sections {
                counter.add(&s.heading, HEADING);
                counter.add(&s.text, BODY);
            }
            counter.add(&doc.code, BODY);
            let terms = counter.finish();
            counter.clear();
            terms
        })
    }

    /// True when every offset lies on a character boundary of the text, in order, and
    /// every word names a stem: what a value read back from a cache file must hold before
    /// it is sliced.
    pub(crate) fn is_valid(&self) -> bool {
        let ends = self
            .stems
            .iter()
            .map(|s| s.end)
            .chain(self.words.iter().map(|w| w.end));
        let mut at = 0;
        for end in ends {
            if end < at || !self.text.is_char_boundary(end as usize) {
                return false;
            }
            at = end;
        }
        let stems = self.stems.len();
        self.words.iter().all(|w| (w.stem as usize) < stems)
    }

    /// The stems with their field bits and counts, in stem order.
    pub(crate) fn stems(&self) -> impl Iterator<Item = (&str, u8, u32)> + '_ {
        (0..self.stems.len()).map(|i| {
            let e = self.stems[i];
            (self.stem_text(i), e.fields, e.count)
        })
    }

    /// The written forms with their stems, in order of the forms.
    pub(crate) fn words(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        (0..self.words.len()).map(|i| {
            (
                self.word_text(i),
                self.stem_text(self.words[i].stem as usize),
            )
        })
    }

    /// The field bits and count of `stem`, if the page has it.
    pub(crate) fn stem(&self, stem: &str) -> Option<(u8, u32)> {
        let i = find(self.stems.len(), |i| self.stem_text(i).cmp(stem))?;
        let e = self.stems[i];
        Some((e.fields, e.count))
    }

    /// True when the page has the written form `word`.
    pub(crate) fn has_word(&self, word: &str) -> bool {
        find(self.words.len(), |i| self.word_text(i).cmp(word)).is_some()
    }

    fn stem_text(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.stems[i - 1].end };
        &self.text[start as usize..self.stems[i].end as usize]
    }

    fn word_text(&self, i: usize) -> &str {
        let start = match i {
            0 => self.stems.last().map_or(0, |s| s.end),
            _ => self.words[i - 1].end,
        };
        &self.text[start as usize..self.words[i].end as usize]
    }
}

/// Counts a page's terms, then packs them into [`DocTerms`]. Each written form is looked up
/// once per occurrence; only a form new to the page is checked for a stop word and stemmed.
#[derive(Default)]
struct Counter {
    /// Written form → the index of its stem in `stems` ([`STOP`] for a stop word).
    words: FxHashMap<String, u32>,
    /// Stem → its index in `stems`.
    stem_index: FxHashMap<String, u32>,
    /// Each stem in order of first sight, with its field bits and occurrences.
    stems: Vec<(String, u8, u32)>,
}

thread_local! {
    /// Each thread's counter, reused page after page so its tables do not grow again.
    static COUNTER: std::cell::RefCell<Counter> = std::cell::RefCell::default();
}

/// Frees this thread's counter.
pub(crate) fn forget_counter() {
    COUNTER.with_borrow_mut(|counter| *counter = Counter::default());
}

/// Room (distinct written forms) above which a counter's tables are freed after the page:
/// an article has a few hundred forms, a list of thousands of articles tens of thousands,
/// whose tables each thread would otherwise keep for the rest of a preview (megabytes).
const LARGE_PAGE_WORDS: usize = 2048;

/// The stem index of a written form that is not indexed.
const STOP: u32 = u32::MAX;

impl Counter {
    /// Counts the indexed words of `text` in `field`.
    fn add(&mut self, text: &str, field: u8) {
        tokens::each_word(text, |word| {
            let i = match self.words.get(word) {
                Some(&i) => i,
                None => {
                    let i = match tokens::is_stop_word(word) {
                        true => STOP,
                        false => self.stem_of(word),
                    };
                    self.words.insert(word.to_string(), i);
                    i
                }
            };
            if let Some((_, fields, count)) = self.stems.get_mut(i as usize) {
                *fields |= field;
                *count += 1;
            }
        });
    }

    /// The index of the stem of `word` (a form new to the page), added when new.
    fn stem_of(&mut self, word: &str) -> u32 {
        let (stem_index, stems) = (&mut self.stem_index, &mut self.stems);
        tokens::with_stem(word, |stem| {
            if let Some(&i) = stem_index.get(stem) {
                return i;
            }
            let i = offset_of(stems.len());
            stem_index.insert(stem.to_string(), i);
            stems.push((stem.to_string(), 0, 0));
            i
        })
    }

    /// Empties the counter for the next page, keeping its tables' room unless a very large
    /// page made them grow.
    fn clear(&mut self) {
        let room = (self.words.capacity()).max(self.stem_index.capacity());
        if room.max(self.stems.capacity()) > LARGE_PAGE_WORDS {
            *self = Counter::default();
            return;
        }
        self.words.clear();
        self.stem_index.clear();
        self.stems.clear();
    }

    fn finish(&self) -> DocTerms {
        let mut order: Vec<usize> = (0..self.stems.len()).collect();
        sort_by_text(&mut order, |&i| &self.stems[i].0);
        let mut sorted_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            sorted_index[old] = offset_of(new);
        }
        let mut words: Vec<(&str, u32)> = (self.words.iter())
            .filter(|(_, &i)| i != STOP)
            .map(|(w, &i)| (w.as_str(), i))
            .collect();
        sort_by_text(&mut words, |w| w.0);
        let mut text = String::with_capacity(
            self.stems.iter().map(|s| s.0.len()).sum::<usize>()
                + words.iter().map(|w| w.0.len()).sum::<usize>(),
        );
        let stem_entries = (order.iter())
            .map(|&i| {
                let (stem, fields, count) = &self.stems[i];
                text.push_str(stem);
                StemEntry {
                    end: offset(&text),
                    fields: *fields,
                    count: *count,
                }
            })
            .collect();
        let word_entries = (words.iter())
            .map(|(word, stem)| {
                text.push_str(word);
                WordEntry {
                    end: offset(&text),
                    stem: sorted_index[*stem as usize],
                }
            })
            .collect();
        DocTerms {
            text: text.into_boxed_str(),
            stems: stem_entries,
            words: word_entries,
        }
    }
}

/// Sorts `items` by their text, comparing the first eight bytes as one number first (most
/// words differ there), then the whole text.
fn sort_by_text<'a, T>(items: &mut Vec<T>, text: impl Fn(&T) -> &'a str) {
    let prefix = |t: &str| {
        let mut bytes = [0; 8];
        let n = t.len().min(8);
        bytes[..n].copy_from_slice(&t.as_bytes()[..n]);
        u64::from_be_bytes(bytes)
    };
    let mut keyed: Vec<(u64, T)> = (items.drain(..)).map(|i| (prefix(text(&i)), i)).collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| text(&a.1).cmp(text(&b.1))));
    items.extend(keyed.into_iter().map(|(_, i)| i));
}

/// Binary search over indexes `0..len` ordered by `cmp` (which compares entry `i` with the
/// sought value).
fn find(len: usize, cmp: impl Fn(usize) -> Ordering) -> Option<usize> {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = (low + high) / 2;
        match cmp(mid) {
            Ordering::Less => low = mid + 1,
            Ordering::Greater => high = mid,
            Ordering::Equal => return Some(mid),
        }
    }
    None
}

/// The length of `text` as an offset (a page's terms are far below 4 GiB).
fn offset(text: &str) -> u32 {
    offset_of(text.len())
}

/// A length or index within one page's terms as an offset.
fn offset_of(n: usize) -> u32 {
    u32::try_from(n).expect("a page's terms fit in 4 GiB")
}

/// A page with a title and one section, for tests of the index.
#[cfg(test)]
pub(super) fn page(title: &str, heading: &str, text: &str) -> PageDoc {
    PageDoc {
        title: title.into(),
        kind: "articles".into(),
        sections: vec![super::extract::Section {
            id: "s".into(),
            heading: heading.into(),
            text: text.into(),
        }],
        code: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_record_their_fields_counts_and_written_forms() {
        let t = DocTerms::new(
            &page("Patching", "Patches", "patched and patched"),
            &["RDS".into()],
        );
        assert_eq!(t.stem("patch"), Some((TITLE | HEADING | BODY, 4)));
        assert_eq!(t.stem("rds"), Some((ENTITY, 1)));
        assert_eq!(t.stem("and"), None);
        let words: Vec<(&str, &str)> = t.words().collect();
        assert_eq!(
            words,
            [
                ("patched", "patch"),
                ("patches", "patch"),
                ("patching", "patch"),
                ("rds", "rds")
            ]
        );
        assert!(t.has_word("patches") && !t.has_word("patch"));
        let stems: Vec<&str> = t.stems().map(|(s, _, _)| s).collect();
        assert_eq!(stems, ["patch", "rds"]);
    }

    #[test]
    fn texts_sort_as_strings_do() {
        let texts: Vec<String> = [
            "b",
            "a",
            "abcdefgh",
            "abcdefghi",
            "abcdefgg",
            "ab",
            "",
            "a\0",
            "é",
            "z",
            "abcdefgha",
            "ü",
            "abc",
        ]
        .map(String::from)
        .into();
        let mut reference = texts.clone();
        reference.sort();
        let mut refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        sort_by_text(&mut refs, |t| t);
        let texts: Vec<String> = refs.into_iter().map(String::from).collect();
        assert_eq!(texts, reference);
    }

    #[test]
    fn a_page_without_words_has_no_terms() {
        let t = DocTerms::new(&page("", "", "the and of"), &[]);
        assert_eq!(t.stems().count() + t.words().count(), 0);
        assert!(!t.has_word("the"));
    }

    #[test]
    fn terms_read_back_from_bytes_are_checked_before_use() {
        let t = DocTerms::new(&page("Patching", "Patches", "patched"), &[]);
        let bytes = postcard::to_stdvec(&t).unwrap();
        let back: DocTerms = postcard::from_bytes(&bytes).unwrap();
        assert!(back.is_valid());
        assert_eq!(back, t);
        let mut past_the_end = t.clone();
        past_the_end.words = vec![WordEntry { end: 999, stem: 0 }].into();
        assert!(!past_the_end.is_valid());
        let mut no_such_stem = t.clone();
        no_such_stem.words = vec![WordEntry {
            end: t.text.len() as u32,
            stem: 9,
        }]
        .into();
        assert!(!no_such_stem.is_valid());
    }
}
