//! The responsibility dataset: `content/data/*.yaml` read strictly into [`raw`] structs, then
//! validated ([`validate`]) into the typed [`Dataset`] of [`model`] — every id unique, every
//! reference resolved, every closed vocabulary ([`vocab`]) an enum, every control covered for
//! every category, every `shared` cell saying what each party does. All problems are collected
//! with the `path:line:col` of the offending value and a did-you-mean. "Varies" is derived in
//! the model, never stored.

mod follow_on;
pub(crate) mod id;
mod model;
mod parties;
pub(crate) mod raw;
mod validate;
mod vocab;

pub(crate) use id::Id;
pub(crate) use model::{
    Category, Cell, Conflict, Control, Dataset, Kind, Owner, Party, Provider, Row, Scenario,
    Service, Source, SpectrumStep, Spread, Text, Update,
};
pub(crate) use validate::{article_references, check_article_references};
pub(crate) use vocab::{Compute, DefaultState, Layer, Role, ServiceKind, Status, Vocabulary};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::source::SourceFile;
use crate::yaml::Embedded;
use follow_on::FollowOns;
use raw::RawFile;

/// Parses and validates the dataset files (path, bytes), in the order given. A file that
/// cannot be read is reported once, with the number of errors that follow from it (see
/// [`follow_on`]), not with every reference to what it would have declared.
pub(crate) fn load(files: &[(String, Vec<u8>)], diags: &mut Diagnostics) -> Dataset {
    let mut parsed = Vec::new();
    let mut follow = FollowOns::default();
    for (path, bytes) in files {
        let file = match SourceFile::from_bytes(path.as_str(), bytes) {
            Ok(f) => f,
            Err(crate::source::DecodeError::NotUtf8 { line, col }) => {
                let at = Location {
                    path: path.into(),
                    line_col: Some((line, col)),
                    line_text: None,
                };
                let lossy = String::from_utf8_lossy(bytes);
                follow.broken(Diagnostic::error(at, "file is not valid UTF-8"), &lossy);
                continue;
            }
        };
        if file.text.trim().is_empty() {
            let stem = std::path::Path::new(path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let empty = "this dataset file is empty: nothing is read from it";
            follow.empty(Diagnostic::warning(Location::file(path), empty), &stem);
            continue;
        }
        match Embedded::whole(&file).parse::<RawFile>() {
            Ok(raw) => parsed.push((file, raw)),
            Err(d) => follow.broken(d, &file.text),
        }
    }
    validate::validate(&parsed, follow, diags)
}
