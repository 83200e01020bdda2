//! Front matter: the YAML block between `---` lines at the top of an article, parsed strictly
//! (unknown keys are errors) with every position translated to the line and column in the
//! *file*, not in the block. Also the fallbacks for notes that have none: Obsidian-style
//! `Key : value` headers and a day-first `DD-MM-YYYY HH:MM:SS` timestamp line.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// The keys an article may set. Ids of dataset entities keep their positions so broken
/// references are reported where they are written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrontMatter {
    /// Page title.
    pub title: Option<String>,
    /// Publication date, `YYYY-MM-DD` (a time part is allowed and ignored).
    pub date: Option<Spanned<String>>,
    /// Date of the last significant revision.
    pub updated: Option<Spanned<String>>,
    /// One-sentence summary for lists, feeds and meta descriptions.
    pub summary: Option<String>,
    /// Free tags; each gets a page under `/tags/<tag>/`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Author names.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Drafts are built only with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// URL slug override.
    pub slug: Option<Spanned<String>>,
    /// Ordering weight (lower first) on the home page.
    pub weight: Option<i64>,
    /// Dataset services the article covers.
    #[serde(default)]
    pub services: Vec<Spanned<String>>,
    /// Dataset controls the article covers.
    #[serde(default)]
    pub controls: Vec<Spanned<String>>,
    /// Dataset scenarios the article covers.
    #[serde(default)]
    pub scenarios: Vec<Spanned<String>>,
}

/// A front-matter block found at the top of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// 1-based file line of the first YAML line.
    pub first_line: usize,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
}

/// Splits a leading `---` … `---` block off a (normalised) text. `Err` carries the byte
/// offset of an opening fence that is never closed.
pub(crate) fn split(text: &str) -> Result<Option<Block<'_>>, usize> {
    let Some(rest) = text.strip_prefix("---\n") else {
        return Ok(None);
    };
    let mut pos = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Some(Block {
                yaml: &rest[..pos],
                first_line: 2,
                body_offset: 4 + pos + line.len(),
            }));
        }
        pos += line.len();
    }
    Err(0)
}

/// Metadata read from an Obsidian-style header at the top of a note.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ObsidianHeader {
    /// `YYYY-MM-DD` from a `DD-MM-YYYY HH:MM[:SS]` line, with its 1-based line number.
    pub date: Option<(String, usize)>,
    /// Tags from a `Tags :` line (`[[x]]` links and `#x` hashtags).
    pub tags: Vec<String>,
    /// Byte offset just after the header lines (where the note's text starts).
    pub body_offset: usize,
}

/// Reads leading `Key : value` and timestamp lines (blank lines between them allowed).
/// Returns `None` when the text does not start with such a header.
pub(crate) fn obsidian_header(text: &str) -> Option<ObsidianHeader> {
    let mut header = ObsidianHeader::default();
    let mut seen = false;
    let mut offset = 0;
    for (idx, line) in text.split_inclusive('\n').enumerate() {
        let t = line.trim();
        if t.is_empty() {
            offset += line.len();
            continue;
        }
        if let Some(date) = day_first_timestamp(t) {
            header.date = Some((date, idx + 1));
        } else if let Some((key, value)) = key_value(t) {
            if key.eq_ignore_ascii_case("tags") {
                header.tags.extend(obsidian_tags(value));
            }
        } else {
            break;
        }
        seen = true;
        offset += line.len();
        header.body_offset = offset;
    }
    seen.then_some(header)
}

/// `15-06-2025 11:35:16` → `2025-06-15` (also `15-06-2025 11:35`).
fn day_first_timestamp(line: &str) -> Option<String> {
    let (date, time) = line.split_once(' ')?;
    let parts: Vec<&str> = date.split('-').collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let time_ok = time
        .split(':')
        .all(|p| digits(p, 2) && p.parse::<u8>().is_ok_and(|v| v < 60))
        && (4..=8).contains(&time.len());
    let (day, month): (u8, u8) = (d.parse().ok()?, m.parse().ok()?);
    (digits(d, 2)
        && digits(m, 2)
        && digits(y, 4)
        && time_ok
        && (1..=31).contains(&day)
        && (1..=12).contains(&month))
    .then(|| format!("{y}-{m}-{d}"))
    .filter(|date| crate::date::Date::parse_day(date).is_ok())
}

/// `Status : #done` → (`Status`, `#done`). The key is a short run of words.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(" :").or_else(|| line.split_once(": "))?;
    let key = key.trim();
    let ok = !key.is_empty()
        && key.len() <= 24
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '_')
        && !key.starts_with('#');
    ok.then(|| (key, value.trim_start_matches(':').trim()))
}

fn obsidian_tags(value: &str) -> Vec<String> {
    let mut tags = Vec::new();
    for piece in value.split("[[").skip(1) {
        if let Some((tag, _)) = piece.split_once("]]") {
            tags.push(tag.trim().to_string());
        }
    }
    for word in value.split_whitespace() {
        if let Some(tag) = word.strip_prefix('#') {
            if !tag.is_empty() {
                tags.push(tag.to_string());
            }
        }
    }
    tags.retain(|t| !t.is_empty());
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_block_and_finds_body() {
        let text = "---\ntitle: A\n---\nBody\n";
        let b = split(text).unwrap().unwrap();
        assert_eq!(b.yaml, "title: A\n");
        assert_eq!(&text[b.body_offset..], "Body\n");
    }

    #[test]
    fn unclosed_block_is_an_error() {
        assert_eq!(split("---\ntitle: A\n"), Err(0));
        assert_eq!(split("# no front matter\n"), Ok(None));
    }

    #[test]
    fn reads_obsidian_header() {
        let text = "15-06-2025 11:35:16\nStatus : #done\nTags : [[aws]] [[security]]\n\n# Title\n";
        let h = obsidian_header(text).unwrap();
        assert_eq!(h.date, Some(("2025-06-15".into(), 1)));
        assert_eq!(h.tags, vec!["aws", "security"]);
        assert_eq!(&text[h.body_offset..], "\n# Title\n");
    }

    #[test]
    fn prose_is_not_a_header() {
        assert_eq!(obsidian_header("Just a sentence here.\n"), None);
        assert_eq!(obsidian_header("# Heading\n"), None);
    }
}
