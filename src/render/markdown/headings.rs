//! Heading ids: from the heading's text, or its `{#id}`, unique on the page.

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

/// Heading ids of one page: the first `x` stays `x`, the next ones become `x-1`, `x-2`…
/// Each base id remembers its next suffix, so many equal headings cost linear time.
#[derive(Default)]
pub(super) struct UniqueIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

impl UniqueIds {
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
