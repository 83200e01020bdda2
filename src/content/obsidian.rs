//! Notes without front matter: an Obsidian-style header of `Key : value` lines and a
//! day-first `DD-MM-YYYY HH:MM:SS` timestamp line at the top of the note.

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
pub(crate) fn header(text: &str) -> Option<ObsidianHeader> {
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
    fn reads_obsidian_header() {
        let text = "15-06-2025 11:35:16\nStatus : #done\nTags : [[aws]] [[security]]\n\n# Title\n";
        let h = header(text).unwrap();
        assert_eq!(h.date, Some(("2025-06-15".into(), 1)));
        assert_eq!(h.tags, vec!["aws", "security"]);
        assert_eq!(&text[h.body_offset..], "\n# Title\n");
    }

    #[test]
    fn prose_is_not_a_header() {
        assert_eq!(header("Just a sentence here.\n"), None);
        assert_eq!(header("# Heading\n"), None);
    }
}
