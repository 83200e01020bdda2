//! TOML front matter (`+++`, Hugo's default), read with the `toml` crate; byte spans become
//! file positions, dates and times become their text.

use super::{Block, Field, Fields, IdLists, Pairs};
use crate::content::IdRef;
use crate::diagnostics::{Diagnostic, Location};
use crate::source::SourceFile;
use serde::de::IgnoredAny;
use toml::Spanned;

/// Reads a TOML block.
pub(super) fn parse(file: &SourceFile, block: &Block<'_>) -> Result<Fields, Diagnostic> {
    let at = |span: std::ops::Range<usize>| Location::at(file, block.offset + span.start);
    let error = |e: toml::de::Error| {
        let loc = match e.span() {
            Some(span) => at(span),
            None => Location::file(&file.path),
        };
        Diagnostic::error(loc, format!("TOML front matter: {}", e.message().trim()))
    };
    // Values from a plain table; their order and places from a second read with spanned
    // keys (toml cannot span a value that holds a dotted table: the value is found after
    // its key's `=`).
    let mut table: toml::Table = toml::from_str(block.text).map_err(error)?;
    let keys: Pairs<Spanned<String>, IgnoredAny> = toml::from_str(block.text).map_err(error)?;
    let entries = keys
        .0
        .into_iter()
        .filter_map(|(key, _)| {
            let found = table.remove(key.get_ref())?;
            let value_start = after_equals(block.text, key.span().end);
            Some(Field {
                key_at: at(key.span()),
                at: at(value_start..value_start),
                key: key.into_inner(),
                value: to_json(found),
            })
        })
        .collect();
    let ids = toml::from_str::<IdLists<Spanned<String>>>(block.text)
        .map(|lists| {
            lists.places(|s| IdRef {
                location: at(s.span()),
                id: s.into_inner(),
            })
        })
        .unwrap_or_default();
    Ok(Fields { entries, ids })
}

/// Where the value of a `key = value` line starts, given the end of its key (the key
/// itself for a `[table]` header).
fn after_equals(text: &str, key_end: usize) -> usize {
    let rest = &text[key_end..];
    let spaces = |s: &str| s.len() - s.trim_start_matches([' ', '\t']).len();
    let before = spaces(rest);
    match rest[before..].strip_prefix('=') {
        Some(value) => key_end + before + 1 + spaces(value),
        None => key_end,
    }
}

/// A TOML value as JSON, the one shape front-matter values take (dates as their text).
fn to_json(value: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(items) => J::Array(items.into_iter().map(to_json).collect()),
        toml::Value::Table(table) => {
            J::Object(table.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}
