//! Front matter: the block of metadata at the top of an article — YAML between `---` lines
//! (Jekyll, MkDocs, Obsidian, Hugo) or TOML between `+++` lines (Hugo) — read into
//! [`Field`]s that keep where each key and value is written, in *file* coordinates. What the
//! keys mean is [`super::meta`]'s business; this module only reads them.

mod toml;
mod yaml;

use super::IdRef;
use crate::diagnostics::{Diagnostic, Location};
use crate::source::SourceFile;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

/// The language of a front-matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `---` fences.
    Yaml,
    /// `+++` fences.
    Toml,
}

impl Format {
    /// The fence line that opens and closes the block.
    fn fence(self) -> &'static str {
        match self {
            Format::Yaml => "---",
            Format::Toml => "+++",
        }
    }
}

/// A front-matter block found at the top of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block<'a> {
    /// YAML or TOML.
    pub format: Format,
    /// The text between the fences.
    pub text: &'a str,
    /// Byte offset of `text` in the file.
    pub offset: usize,
    /// 1-based file line of the first line of `text`.
    pub first_line: usize,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
}

/// Splits a leading `---` … `---` (or `...`) or `+++` … `+++` block off a (normalised) text.
/// `Err` carries the byte offset of an opening fence that is never closed.
pub(crate) fn split(text: &str) -> Result<Option<Block<'_>>, usize> {
    let first = text.split_inclusive('\n').next().unwrap_or("");
    let format = match first.trim_end() {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ => return Ok(None),
    };
    let start = first.len();
    let rest = &text[start..];
    let mut pos = 0;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == format.fence() || (format == Format::Yaml && trimmed == "...") {
            return Ok(Some(Block {
                format,
                text: &rest[..pos],
                offset: start,
                first_line: 2,
                body_offset: start + pos + line.len(),
            }));
        }
        pos += line.len();
    }
    Err(0)
}

/// One `key: value` of front matter, with the places of its key and its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    /// The key as written.
    pub key: String,
    /// Where the key is written.
    pub key_at: Location,
    /// The value (TOML dates become text).
    pub value: serde_json::Value,
    /// Where the value is written.
    pub at: Location,
}

/// Everything a front-matter block holds.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    /// Every key, in written order.
    pub entries: Vec<Field>,
    /// The place of each item of the `services`, `controls` and `scenarios` lists (empty
    /// when one is not a list of text: [`super::meta`] reports that from its value).
    pub ids: IdPlaces,
}

/// Where each dataset id of front matter is written.
#[derive(Debug, Default)]
pub(crate) struct IdPlaces {
    /// `services`.
    pub services: Vec<IdRef>,
    /// `controls`.
    pub controls: Vec<IdRef>,
    /// `scenarios`.
    pub scenarios: Vec<IdRef>,
}

/// Reads a block into its fields; a syntax error (or a block that is not a table of keys)
/// is one diagnostic at its place in the file.
pub(crate) fn parse(file: &SourceFile, block: &Block<'_>) -> Result<Fields, Diagnostic> {
    if block.text.trim().is_empty() {
        return Ok(Fields::default());
    }
    match block.format {
        Format::Yaml => yaml::parse(file, block),
        Format::Toml => toml::parse(file, block),
    }
}

/// A map read as its (key, value) pairs in written order, whatever their types.
struct Pairs<K, V>(Vec<(K, V)>);

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Pairs<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PairsVisitor<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for PairsVisitor<K, V> {
            type Value = Pairs<K, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table of `key: value` lines")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        deserializer.deserialize_map(PairsVisitor(std::marker::PhantomData))
    }
}

/// The id lists with the place of each item; `S` is the format's spanned text.
#[derive(serde::Deserialize)]
#[serde(bound = "S: Deserialize<'de>")]
struct IdLists<S> {
    #[serde(default = "Vec::new")]
    services: Vec<S>,
    #[serde(default = "Vec::new")]
    controls: Vec<S>,
    #[serde(default = "Vec::new")]
    scenarios: Vec<S>,
}

impl<S> IdLists<S> {
    /// The places, given how to read one spanned id.
    fn places(self, place: impl Fn(S) -> IdRef) -> IdPlaces {
        IdPlaces {
            services: self.services.into_iter().map(&place).collect(),
            controls: self.controls.into_iter().map(&place).collect(),
            scenarios: self.scenarios.into_iter().map(&place).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_yaml_and_toml_blocks_and_finds_the_body() {
        let text = "---\ntitle: A\n---\nBody\n";
        let b = split(text).unwrap().unwrap();
        assert_eq!((b.format, b.text), (Format::Yaml, "title: A\n"));
        assert_eq!(&text[b.body_offset..], "Body\n");
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let b = split(text).unwrap().unwrap();
        assert_eq!(
            (b.format, b.text, b.offset),
            (Format::Toml, "title = \"A\"\n", 4)
        );
        assert_eq!(&text[b.body_offset..], "Body\n");
    }

    #[test]
    fn unclosed_block_is_an_error() {
        assert_eq!(split("---\ntitle: A\n"), Err(0));
        assert_eq!(split("+++\ntitle = 1\n---\n"), Err(0));
        assert_eq!(split("# no front matter\n"), Ok(None));
    }

    fn fields(text: &str) -> Result<Fields, Diagnostic> {
        let file = SourceFile::new("content/a.md", text);
        let block = split(&file.text).unwrap().unwrap();
        parse(&file, &block)
    }

    #[test]
    fn yaml_and_toml_fields_keep_their_places_in_the_file() {
        for text in [
            "---\ntitle: A\ntags: [x, y]\nservices: [ec2, s3]\n---\n",
            "+++\ntitle = \"A\"\ntags = [\"x\", \"y\"]\nservices = [\"ec2\", \"s3\"]\n+++\n",
        ] {
            let f = fields(text).unwrap();
            let keys: Vec<&str> = f.entries.iter().map(|e| e.key.as_str()).collect();
            assert_eq!(keys, ["title", "tags", "services"], "{text}");
            assert_eq!(f.entries[1].key_at.line_col, Some((3, 1)), "{text}");
            assert_eq!(f.entries[1].value, serde_json::json!(["x", "y"]), "{text}");
            assert_eq!(f.ids.services[1].id, "s3");
            assert_eq!(f.ids.services[1].location.line_col.map(|l| l.0), Some(4));
        }
    }

    #[test]
    fn toml_dates_become_text() {
        let f = fields("+++\ndate = 2024-03-01\nlastmod = 2024-03-02T10:00:00Z\n+++\n").unwrap();
        assert_eq!(f.entries[0].value, serde_json::json!("2024-03-01"));
        assert_eq!(
            f.entries[1].value,
            serde_json::json!("2024-03-02T10:00:00Z")
        );
    }

    #[test]
    fn syntax_errors_are_located_in_the_file() {
        let e = fields("+++\ntitle = \"A\"\ntags = [\n+++\n").unwrap_err();
        assert_eq!(e.location.line_col.map(|l| l.0), Some(4), "{}", e.message);
        let e = fields("---\ntitle: A\ntags: [x\n---\n").unwrap_err();
        assert!(e.location.line_col.is_some(), "{}", e.message);
    }

    #[test]
    fn a_single_string_for_an_id_list_gives_no_places() {
        let f = fields("---\nservices: ec2\n---\n").unwrap();
        assert!(f.ids.services.is_empty());
        assert_eq!(f.entries[0].value, serde_json::json!("ec2"));
    }
}
