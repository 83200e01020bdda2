//! The one way a cache key is made: [`KeyBuilder`] hashes a purpose and a sequence of parts,
//! each tagged and length-prefixed, so no two different sequences hash the same bytes
//! (`"ab" + "c"` is not `"a" + "bc"`). A part can be any serialisable value: a page's key is
//! the hash of its typed context, so what a page shows and what its key covers can never
//! drift apart.

use super::Key;
use serde::Serialize;

/// Builds a [`Key`] from parts: `KeyBuilder::new("page").key(&salt).str(path).finish()`.
pub(crate) struct KeyBuilder(blake3::Hasher);

impl KeyBuilder {
    /// A key for one purpose (`"page"`, `"markdown"`, …): keys made for different purposes
    /// never collide, even from the same parts.
    pub(crate) fn new(purpose: &str) -> Self {
        let mut builder = KeyBuilder(blake3::Hasher::new());
        builder.part(b'p', purpose.as_bytes());
        builder
    }

    /// Adds a byte string.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.part(b'b', bytes)
    }

    /// Adds a string.
    pub(crate) fn str(&mut self, text: &str) -> &mut Self {
        self.part(b's', text.as_bytes())
    }

    /// Adds a number.
    pub(crate) fn u64(&mut self, n: u64) -> &mut Self {
        self.part(b'n', &n.to_le_bytes())
    }

    /// Adds another key (the key of an input this one depends on).
    pub(crate) fn key(&mut self, key: &Key) -> &mut Self {
        self.part(b'k', key.as_bytes())
    }

    /// Adds a value as its serialised (JSON) form: every field it serialises is covered,
    /// with no list of fields to keep up to date. A value that cannot be serialised (which
    /// Tera could not render either) is covered by its error message.
    pub(crate) fn serialized(&mut self, value: &impl Serialize) -> &mut Self {
        match serde_json::to_vec(value) {
            Ok(json) => self.part(b'j', &json),
            Err(e) => self.part(b'e', e.to_string().as_bytes()),
        }
    }

    /// The key of everything added so far.
    pub(crate) fn finish(&self) -> Key {
        self.0.finalize()
    }

    /// One part: its tag, its length, its bytes.
    fn part(&mut self, tag: u8, bytes: &[u8]) -> &mut Self {
        self.0.update(&[tag]);
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_unambiguous() {
        let ab_c = KeyBuilder::new("t").str("ab").str("c").finish();
        let a_bc = KeyBuilder::new("t").str("a").str("bc").finish();
        assert_ne!(ab_c, a_bc);
        assert_ne!(
            KeyBuilder::new("t").str("x").finish(),
            KeyBuilder::new("t").bytes(b"x").finish(),
            "a part's kind is hashed too"
        );
    }

    #[test]
    fn purposes_separate_keys_and_equal_parts_give_equal_keys() {
        let make = |purpose| KeyBuilder::new(purpose).u64(7).str("x").finish();
        assert_eq!(make("a"), make("a"));
        assert_ne!(make("a"), make("b"));
    }

    #[test]
    fn serialised_values_cover_every_field() {
        #[derive(Serialize)]
        struct Ctx<'a> {
            title: &'a str,
            tags: Vec<&'a str>,
        }
        let key = |title, tags| {
            KeyBuilder::new("t")
                .serialized(&Ctx { title, tags })
                .finish()
        };
        assert_eq!(key("a", vec!["x"]), key("a", vec!["x"]));
        assert_ne!(key("a", vec!["x"]), key("b", vec!["x"]));
        assert_ne!(key("a", vec!["x"]), key("a", vec!["x", "y"]));
    }
}
