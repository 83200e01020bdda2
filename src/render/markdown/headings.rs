//! Heading ids: from the heading's text, or its `{#id}`, unique on the page; and the id
//! GitHub would give the same heading, so links written for GitHub (`#a--b`) still land.

use std::collections::{HashMap, HashSet};

/// The id a heading gets from its text: lowercase words joined by hyphens.
pub(crate) fn heading_slug(text: &str) -> String {
    let s = crate::content::slugify(text);
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

/// The id GitHub gives a heading: lowercase, punctuation removed, each space a `-` (no
/// collapsing: `Purple Teaming & Adversary Emulation` → `purple-teaming--adversary-emulation`).
pub(super) fn github_slug(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Heading ids of one page: the first `x` stays `x`, the next ones become `x-1`, `x-2`…
/// Each base id remembers its next suffix, so many equal headings cost linear time.
#[derive(Default)]
pub(super) struct UniqueIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
    /// GitHub-style id → the id the heading has, where they differ.
    github: HashMap<String, String>,
}

impl UniqueIds {
    /// Remembers the GitHub-style id of a heading's `text`, which got `id`.
    pub(super) fn note_github_id(&mut self, text: &str, id: &str) {
        let gh = github_slug(text);
        if gh != id && !gh.is_empty() {
            self.github.entry(gh).or_insert_with(|| id.to_string());
        }
    }

    /// The id a `#fragment` lands on: itself when a heading has it, else the heading whose
    /// GitHub-style id it is.
    pub(super) fn landing(&self, fragment: &str) -> Option<&str> {
        if self.used.contains(fragment) {
            return None;
        }
        self.github.get(fragment).map(String::as_str)
    }

    pub(super) fn claim(&mut self, id: String) -> String {
        if self.used.insert(id.clone()) {
            return id;
        }
        let n = self.next.entry(id.clone()).or_insert(1);
        loop {
            let candidate = format!("{id}-{n}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_ids_keep_every_space_as_a_hyphen() {
        assert_eq!(
            github_slug("Purple Teaming & Adversary Emulation"),
            "purple-teaming--adversary-emulation"
        );
        assert_eq!(github_slug("EC2 — the guest OS"), "ec2--the-guest-os");
        assert_eq!(github_slug("snake_case Name"), "snake_case-name");
    }
}
