//! Entity ids as types: an `Id<Service>` cannot be passed where an `Id<Control>` is meant.
//! An id reads as a `str` (`Deref`, `Borrow`, comparisons with strings) and serialises as
//! its text, so maps keyed by ids are looked up with a plain `&str`.

use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;

/// The id of an entity of type `K` (the model struct it names).
pub(crate) struct Id<K> {
    text: String,
    kind: PhantomData<fn() -> K>,
}

impl<K> Id<K> {
    /// Wraps the text of an id read from the dataset.
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Id {
            text: text.into(),
            kind: PhantomData,
        }
    }

    /// The id's text.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        Id::new(self.text.clone())
    }
}

impl<K> Deref for Id<K> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl<K> Borrow<str> for Id<K> {
    fn borrow(&self) -> &str {
        &self.text
    }
}

impl<K> AsRef<str> for Id<K> {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl<K> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl<K> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<K> Eq for Id<K> {}

impl<K> PartialEq<str> for Id<K> {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl<K> PartialEq<&str> for Id<K> {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl<K> PartialEq<String> for Id<K> {
    fn eq(&self, other: &String) -> bool {
        &self.text == other
    }
}

impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl<K> Hash for Id<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state)
    }
}

impl<K> Serialize for Id<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<K> From<Id<K>> for String {
    fn from(id: Id<K>) -> String {
        id.text
    }
}

#[cfg(test)]
mod tests {
    use super::Id;
    use std::collections::BTreeMap;

    struct Service;

    #[test]
    fn an_id_reads_compares_and_serialises_as_its_text() {
        let id: Id<Service> = Id::new("s3");
        assert_eq!(&*id, "s3");
        assert!(id == "s3" && id != "ec2");
        assert_eq!(id.to_string(), "s3");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"s3\"");
        let map = BTreeMap::from([(id.clone(), 1)]);
        assert_eq!(map.get("s3"), Some(&1));
        assert_eq!(map.get("ec2"), None);
    }
}
