//! Words of the search index: text is cut into lower-case alphanumeric words, common English
//! words are dropped, and the rest are reduced to their Snowball (Porter 2) stem, so
//! "patches", "patching" and "patched" share one entry. The browser never stems: each
//! vocabulary shard maps the words as written to their stems (see [`super::index`]).

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use std::sync::OnceLock;

/// Words too common to index (they still appear in snippets).
pub(crate) const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because",
    "been", "but", "by", "can", "could", "did", "do", "does", "each", "for", "from", "had", "has",
    "have", "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "may", "more",
    "most", "no", "not", "of", "on", "only", "or", "other", "our", "she", "should", "so", "some",
    "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "through", "to", "too", "under", "up", "very", "was", "we", "were", "what", "when",
    "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
];

/// Longest word indexed (longer runs are hashes, base64 and the like).
const MAX_WORD: usize = 32;

/// The longest stop word's length in bytes.
const LONGEST_STOP_WORD: usize = 7;

/// True for a word (already lower case) that is not indexed.
pub(crate) fn is_stop_word(word: &str) -> bool {
    static SET: OnceLock<FxHashSet<&str>> = OnceLock::new();
    word.len() <= LONGEST_STOP_WORD
        && SET
            .get_or_init(|| STOP_WORDS.iter().copied().collect())
            .contains(word)
}

/// The lower-case words of `text`, in order: runs of letters and digits (`s3`, `ec2`), with
/// apostrophes inside a word dropped (`AWS's` → `awss` would be wrong, so the `'s` goes).
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(text).filter_map(|w| {
        let mut word = String::new();
        lower_case(w, &mut word).then_some(word)
    })
}

/// Calls `f` with each word of `text` as [`words`] gives it, through one reused buffer.
pub(crate) fn each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    for w in raw_words(text) {
        let plain = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if w.len() <= MAX_WORD && w.bytes().all(|b| plain(&b)) {
            if !w.is_empty() {
                f(w); // already its indexed form: no copy
            }
        } else if lower_case(w, &mut word) {
            f(&word);
        }
    }
}

/// The runs of letters, digits and apostrophes of `text`, without apostrophes at their ends
/// or a possessive `'s`. ASCII is classified a byte at a time; other characters decoded.
fn raw_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = scan(text, at, true)?;
        let end = scan(text, start, false).unwrap_or(text.len());
        at = end;
        let mut w = &text[start..end];
        let plain_ends = |w: &str| {
            let b = w.as_bytes();
            b[0].is_ascii_alphanumeric() && b[b.len() - 1].is_ascii_alphanumeric()
        };
        if !plain_ends(w) {
            w = w.trim_matches(['\'', '’']);
        }
        Some(
            (w.strip_suffix("'s"))
                .or_else(|| w.strip_suffix("’s"))
                .unwrap_or(w),
        )
    })
}

/// The offset of the first character of `text` at or after `from` (a character boundary)
/// that is a word character when `word` is true, or is not one when it is false.
fn scan(text: &str, from: usize, word: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if WORD_BYTES[usize::from(b)] == word {
                return Some(i);
            }
            i += 1;
        } else {
            let c = text[i..].chars().next()?;
            if is_word_char(c) == word {
                return Some(i);
            }
            i += c.len_utf8();
        }
    }
    None
}

/// [`is_word_char`] for each ASCII byte.
const WORD_BYTES: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'\'' as usize;
        b += 1;
    }
    table
};

/// True for a character that can be part of a word: a letter, a digit or an apostrophe.
fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '\'' => true,
        '\0'..='\x7f' => false,
        _ => c == '’' || c.is_alphanumeric(),
    }
}

/// Puts the indexed form of the raw word `w` in `out`: lower case, apostrophes dropped;
/// false when nothing is left or it is too long to index.
fn lower_case(w: &str, out: &mut String) -> bool {
    out.clear();
    if w.bytes().all(|b| b.is_ascii_alphanumeric()) {
        out.push_str(w);
        out.make_ascii_lowercase();
        return !out.is_empty() && out.len() <= MAX_WORD;
    }
    out.push_str(&w.to_lowercase().replace(['\'', '’'], ""));
    !out.is_empty() && (out.len() <= MAX_WORD || out.chars().count() <= MAX_WORD)
}

/// Words whose stems each thread remembers (pages share most of their words).
const REMEMBERED_STEMS: usize = 100_000;

thread_local! {
    static STEMS: RefCell<FxHashMap<String, String>> = RefCell::new(FxHashMap::default());
}

/// Empties this thread's memo of stems, its memory included.
pub(crate) fn forget_stems() {
    STEMS.with_borrow_mut(|known| *known = FxHashMap::default());
}

/// The English stem of a lower-case word.
pub(crate) fn stem(word: &str) -> String {
    with_stem(word, str::to_string)
}

/// Calls `f` with the English stem of a lower-case word (remembered by this thread).
pub(crate) fn with_stem<T>(word: &str, f: impl FnOnce(&str) -> T) -> T {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMS.with_borrow_mut(|known| {
        if let Some(stem) = known.get(word) {
            return f(stem);
        }
        let stemmer = STEMMER.get_or_init(|| Stemmer::create(Algorithm::English));
        let stem = stemmer.stem(word).into_owned();
        if known.len() >= REMEMBERED_STEMS {
            known.clear();
        }
        let result = f(&stem);
        known.insert(word.to_string(), stem);
        result
    })
}

/// The indexed (word, stem) pairs of `text`: stop words dropped.
pub(crate) fn terms(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    words(text).filter(|w| !is_stop_word(w)).map(|w| {
        let s = stem(&w);
        (w, s)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| w.len() <= LONGEST_STOP_WORD));
        assert!(STOP_WORDS.iter().any(|w| w.len() == LONGEST_STOP_WORD));
    }

    #[test]
    fn words_are_lower_case_alphanumeric_runs_without_possessives() {
        let got: Vec<String> = words("AWS's S3 bucket-policy (EC2) don't Überblick").collect();
        assert_eq!(
            got,
            ["aws", "s3", "bucket", "policy", "ec2", "dont", "überblick"]
        );
    }

    #[test]
    fn words_are_the_runs_a_split_on_non_word_characters_gives() {
        for text in [
            "",
            "'",
            "’s",
            "a'b'c",
            "it’s O'Brien's",
            "x--y__z",
            "ÉTÉ naïve 東京 Δ1",
            "tab\tnew\nline",
            "'quoted' ’curly’ s3://bucket/key?x=1",
            "ΣΑΣ ς",
            "plain words s3 ec2 MiXeD x's",
            "abcdefghijklmnopqrstuvwxyzabcdef abcdefghijklmnopqrstuvwxyzabcdefg",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG",
        ] {
            let direct: Vec<String> = words(text).collect();
            let mut each = Vec::new();
            each_word(text, |w| each.push(w.to_string()));
            assert_eq!(each, direct, "{text:?}");
            let reference: Vec<String> = (text
                .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')))
            .filter_map(|w| {
                let w = w.trim_matches(['\'', '’']);
                let w = (w.strip_suffix("'s"))
                    .or_else(|| w.strip_suffix("’s"))
                    .unwrap_or(w);
                let mut out = String::new();
                lower_case(w, &mut out).then_some(out)
            })
            .collect();
            assert_eq!(direct, reference, "{text:?}");
        }
    }

    #[test]
    fn forgotten_stems_give_their_memory_back_and_are_found_again() {
        assert_eq!(stem("controls"), "control");
        STEMS.with_borrow(|known| assert!(known.contains_key("controls")));
        forget_stems();
        STEMS.with_borrow(|known| assert_eq!(known.capacity(), 0));
        assert_eq!(stem("controls"), "control");
    }

    #[test]
    fn inflections_share_a_stem_and_stop_words_are_dropped() {
        assert_eq!(stem("patches"), stem("patching"));
        assert_eq!(stem("patched"), "patch");
        let got: Vec<(String, String)> = terms("Who patches the RDS engine?").collect();
        assert_eq!(
            got,
            [
                ("patches".to_string(), "patch".to_string()),
                ("rds".to_string(), "rds".to_string()),
                ("engine".to_string(), "engin".to_string()),
            ]
        );
    }
}
