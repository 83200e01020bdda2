//! `srm-docs matrix import FILE.csv`: a matrix CSV (the `data/matrix.csv` export, edited in a
//! spreadsheet by a reviewer) back into dataset YAML. The site's dataset is loaded first;
//! each CSV row says the owner, the parts, the note and the default state of one service ×
//! control ([`read`]); a row that differs from the dataset becomes (or updates) that
//! service's override, everything else — ids, categories' defaults, notes, sources, updates
//! and conflicts — stays as it was. The whole matrix is then written as YAML ([`write`]),
//! with the comments of the file it replaces kept ([`comments`]).

mod comments;
mod read;
mod write;

use crate::dataset;
use crate::diagnostics::Diagnostics;
use crate::error::Error;
use std::path::{Path, PathBuf};

/// What to import and where to write it.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The site folder.
    pub root: PathBuf,
    /// The edited matrix CSV.
    pub csv: PathBuf,
    /// Where the YAML goes (`None`: returned to be printed).
    pub output: Option<PathBuf>,
    /// Drop the comments of the output file that cannot be kept (else they are an error).
    pub drop_comments: bool,
}

/// What an import did.
#[derive(Debug)]
pub struct ImportReport {
    /// The matrix as YAML (also written to the output, when one was given).
    pub yaml: String,
    /// How many cells changed.
    pub changed: usize,
}

/// Loads the site's dataset, applies the CSV and writes the matrix. Problems in the CSV are
/// reported at `path:line:col` in `diags`; nothing is written when there is any.
pub(crate) fn run(
    req: &ImportRequest,
    data: &[(String, Vec<u8>)],
    diags: &mut Diagnostics,
) -> Result<Option<ImportReport>, Error> {
    let mut ds = dataset::load(data, diags);
    if diags.has_errors() {
        return Ok(None);
    }
    let text = std::fs::read(&req.csv)
        .map_err(|e| Error::Usage(format!("cannot read {}: {e}", req.csv.display())))?;
    let shown = req.csv.display().to_string();
    let edits = read::edits(&ds, &shown, &text, diags);
    if diags.has_errors() {
        return Ok(None);
    }
    let changed = read::apply(&mut ds, edits);
    let mut yaml = write::matrix_yaml(&ds);
    if let Some(out) = &req.output {
        refuse_second_matrix(&req.root, out, data)?;
        refuse_mixed_file(out)?;
        if let Ok(old) = std::fs::read_to_string(out) {
            let shown = out.display().to_string();
            let kept = comments::read(&shown, &old, req.drop_comments, diags);
            if diags.has_errors() {
                return Ok(None);
            }
            yaml = comments::apply(&yaml, &kept);
        }
        std::fs::write(out, &yaml).map_err(|source| Error::Write {
            path: out.clone(),
            source,
        })?;
    }
    Ok(Some(ImportReport { yaml, changed }))
}

/// Refuses to write the matrix anywhere but the data file that holds it now (`data`: the
/// site's data files by path under `root`): the site would then define every row twice.
fn refuse_second_matrix(root: &Path, out: &Path, data: &[(String, Vec<u8>)]) -> Result<(), Error> {
    let target = out.canonicalize().ok();
    let holder = data
        .iter()
        .map(|(rel, bytes)| (root.join(rel), bytes))
        .find(|(_, bytes)| {
            String::from_utf8_lossy(bytes)
                .lines()
                .any(|l| l.starts_with("matrix:"))
        });
    match holder {
        Some((file, _)) if target.is_none() || file.canonicalize().ok() != target => {
            Err(Error::Refused(format!(
                "the matrix is in {}: --output can only replace that file, once it holds \
                 nothing but the matrix (writing it elsewhere would define every row twice)",
                file.display()
            )))
        }
        _ => Ok(()),
    }
}

/// Refuses to replace a file that holds more than the matrix (its other keys would be lost).
fn refuse_mixed_file(path: &Path) -> Result<(), Error> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(());
    };
    let other = text.lines().find(|l| {
        let top = !l.starts_with([' ', '\t', '#', '-']) && l.contains(':');
        top && !l.starts_with("matrix:")
    });
    match other {
        Some(line) => Err(Error::Refused(format!(
            "{} holds more than the matrix (`{}`): write the matrix to a file of its own",
            path.display(),
            line.trim_end()
        ))),
        None => Ok(()),
    }
}

/// The dataset a site has, for tests.
#[cfg(test)]
fn load(yaml: &str) -> dataset::Dataset {
    let mut d = Diagnostics::new();
    let ds = dataset::load(&[("data/x.yaml".into(), yaml.as_bytes().to_vec())], &mut d);
    assert!(!d.has_errors(), "{}", d.render(false));
    ds
}
