//! The internal links a page's text contains, kept until the whole site exists to check
//! them. A rendered text's links are one shared list ([`Links`]); a page holds the lists of
//! the texts it shows ([`PageLinks`]), so the page and the memo of its rendered Markdown
//! hold one copy (at 10,000 articles, 250,000 links: 45 MB each copy).

use crate::diagnostics::Location;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::Arc;

/// An internal link to check once the whole site exists.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct PendingLink {
    /// Target page path (absolute, with base path), or `None` for the same page.
    pub path: Option<String>,
    /// Target `#anchor` without `#`.
    pub fragment: Option<String>,
    /// Where the link is written.
    pub location: Location,
}

/// The links of one rendered text, shared by everything that holds the text's result.
pub(crate) type Links = Arc<Vec<PendingLink>>;

/// A page's links: the shared lists of the texts it shows. Serialised as one flat list.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageLinks(Vec<Links>);

impl PageLinks {
    /// Adds the links of one text (sharing the list, not copying it).
    pub(crate) fn add(&mut self, links: &Links) {
        if !links.is_empty() {
            self.0.push(Arc::clone(links));
        }
    }

    /// Every link, in the order the texts were added.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &PendingLink> {
        self.0.iter().flat_map(|list| list.iter())
    }
}

impl From<Vec<PendingLink>> for PageLinks {
    fn from(links: Vec<PendingLink>) -> Self {
        let mut page = PageLinks::default();
        page.add(&Arc::new(links));
        page
    }
}

impl Serialize for PageLinks {
    /// As one sequence of known length (the build cache's format needs the length first).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let len = self.0.iter().map(|list| list.len()).sum();
        let mut seq = serializer.serialize_seq(Some(len))?;
        for link in self.iter() {
            seq.serialize_element(link)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for PageLinks {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<PendingLink>::deserialize(deserializer).map(PageLinks::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(path: &str) -> PendingLink {
        PendingLink {
            path: Some(path.to_string()),
            fragment: None,
            location: Location::file("content/a.md"),
        }
    }

    #[test]
    fn a_page_shares_its_texts_lists_and_serialises_them_as_one() {
        let body: Links = Arc::new(vec![link("/b/"), link("/c/")]);
        let mut page = PageLinks::from(vec![link("/a/")]);
        page.add(&body);
        page.add(&Arc::new(Vec::new()));
        assert_eq!(Arc::strong_count(&body), 2, "shared, not copied");
        assert_eq!(page.iter().count(), 3);
        let json = serde_json::to_string(&page).unwrap();
        let flat: Vec<PendingLink> = serde_json::from_str(&json).unwrap();
        assert_eq!(flat, [link("/a/"), link("/b/"), link("/c/")]);
        let back: PageLinks = serde_json::from_str(&json).unwrap();
        assert_eq!(back.iter().cloned().collect::<Vec<_>>(), flat);
        // The build cache's format, which needs each sequence's length first.
        let bytes = postcard::to_stdvec(&page).unwrap();
        let back: PageLinks = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.iter().cloned().collect::<Vec<_>>(), flat);
    }
}
