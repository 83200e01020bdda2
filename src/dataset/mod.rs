//! The responsibility dataset: `content/data/*.yaml` read strictly into [`raw`] structs, then
//! validated ([`validate`]) into the typed [`Dataset`] of [`model`] — every id unique, every
//! reference resolved, every closed vocabulary ([`vocab`]) an enum, every control covered for
//! every category, every `shared` cell saying what each party does. All problems are collected
//! with the `path:line:col` of the offending value and a did-you-mean. "Varies" is derived in
//! the model, never stored.

mod model;
pub(crate) mod raw;
mod validate;
mod vocab;

pub(crate) use model::{
    Category, Cell, Control, Dataset, Kind, Owner, Row, Scenario, Service, SpectrumStep, Spread, Text, Update,
};
pub(crate) use validate::{article_references, check_article_references};
pub(crate) use vocab::{Compute, DefaultState, Layer, ServiceKind, Status, Vocabulary};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::source::SourceFile;
use crate::yaml::Embedded;
use raw::RawFile;

/// Parses and validates the dataset files (path, bytes), in the order given.
pub(crate) fn load(files: &[(String, Vec<u8>)], diags: &mut Diagnostics) -> Dataset {
    let mut parsed = Vec::new();
    for (path, bytes) in files {
        let file = match SourceFile::from_bytes(path.as_str(), bytes) {
            Ok(f) => f,
            Err(crate::source::DecodeError::NotUtf8 { line, col }) => {
                diags.push(Diagnostic::error(
                    Location {
                        path: path.into(),
                        line_col: Some((line, col)),
                        line_text: None,
                    },
                    "file is not valid UTF-8",
                ));
                continue;
            }
        };
        if file.text.trim().is_empty() {
            continue;
        }
        match Embedded::whole(&file).parse::<RawFile>() {
            Ok(raw) => parsed.push((file, raw)),
            Err(d) => diags.push(d),
        }
    }
    validate::validate(&parsed, diags)
}
