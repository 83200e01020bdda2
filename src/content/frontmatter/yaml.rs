//! YAML front matter (`---`), read strictly (duplicate keys and aliases refused) by the
//! same reader as the dataset, with positions in file coordinates.

use super::{Block, Field, Fields, IdLists, Pairs};
use crate::content::IdRef;
use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;
use crate::yaml::Embedded;
use serde_saphyr::Spanned;

/// Reads a YAML block.
pub(super) fn parse(file: &SourceFile, block: &Block<'_>) -> Result<Fields, Diagnostic> {
    let emb = Embedded {
        file,
        yaml: block.text,
        first_line: block.first_line,
    };
    let pairs: Pairs<Spanned<String>, Spanned<serde_json::Value>> = emb.parse_untyped()?;
    let entries = pairs
        .0
        .into_iter()
        .map(|(key, value)| Field {
            key_at: emb.span(&key),
            key: key.value,
            at: emb.span(&value),
            value: value.value,
        })
        .collect();
    // The places of ids; a list that is not all text is reported from its value instead.
    let ids = emb
        .parse_untyped::<IdLists<Spanned<String>>>()
        .map(|lists| {
            lists.places(|s| IdRef {
                location: emb.span(&s),
                id: s.value,
            })
        })
        .unwrap_or_default();
    Ok(Fields { entries, ids })
}
