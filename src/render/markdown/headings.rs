//! Heading ids: from the heading's text, or its `{#id}`, unique on the page; and the id
//! GitHub would give the same heading, so links written for GitHub (`#a--b`) still land —
//! same-page links are pointed at the heading's id, and the heading carries the GitHub id
//! as a second anchor for links from other pages.

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
    /// The GitHub-style id of a heading's `text`, which got `id`, when it differs and no
    /// other heading has it: it is claimed as the heading's second anchor.
    pub(super) fn github_alias(&mut self, text: &str, id: &str) -> Option<String> {
        let gh = github_slug(text);
        if gh == id || gh.is_empty() || !self.used.insert(gh.clone()) {
            return None;
        }
        self.github.insert(gh.clone(), id.to_string());
        Some(gh)
    }

    /// The heading id a `#fragment` written for GitHub lands on, when it is one.
    pub(super) fn landing(&self, fragment: &str) -> Option<&str> {
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
