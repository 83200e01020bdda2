//! Reads the edited CSV into one [`Edit`] per row, checking every id and word against the
//! dataset (each problem at its `path:line:col`), and applies the edits that change a cell.

use crate::dataset::{Cell, Dataset, DefaultState, Id, Owner, Party, Text, Vocabulary};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, UnknownId};

/// What one CSV row says about one service × control.
#[derive(Debug)]
pub(super) struct Edit {
    service: String,
    control: String,
    owner: Owner,
    parts: Vec<(Id<Party>, String)>,
    note: String,
    default_state: Option<DefaultState>,
}

/// The columns an import reads (others, such as `service_name`, are ignored).
struct Columns {
    service: usize,
    control: usize,
    owner: usize,
    parts: Vec<(Id<Party>, usize)>,
    note: Option<usize>,
    default_state: Option<usize>,
}

fn at(path: &str, line: u64, col: usize) -> Location {
    Location {
        path: path.into(),
        line_col: Some((line as usize, col)),
        line_text: None,
    }
}

/// The 1-based column of field `i` in a raw CSV line (an approximation when fields are
/// quoted: the count of separators before it).
fn field_col(record: &csv::StringRecord, i: usize) -> usize {
    1 + (0..i).map(|j| record[j].chars().count() + 1).sum::<usize>()
}

/// The header's columns; missing ones and unknown parties are reported at line 1.
fn columns(
    ds: &Dataset,
    path: &str,
    header: &csv::StringRecord,
    diags: &mut Diagnostics,
) -> Option<Columns> {
    let find = |name: &str| header.iter().position(|h| h == name);
    let mut parts = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let Some(party) = h.strip_suffix(crate::site::exports::matrix::PART_SUFFIX) else {
            continue;
        };
        if ds.part_parties().any(|p| p.id == party) {
            parts.push((Id::new(party), i));
        } else {
            let known = ds.part_parties().map(|p| p.id.as_str());
            let e =
                UnknownId::among("party", party, known).error(at(path, 1, field_col(header, i)));
            diags.push(e);
        }
    }
    let required = ["service", "control", "owner"].map(|c| (c, find(c)));
    for (name, _) in required.iter().filter(|(_, i)| i.is_none()) {
        let msg = format!("the CSV has no `{name}` column");
        diags.push(Diagnostic::error(at(path, 1, 1), msg));
    }
    Some(Columns {
        service: required[0].1?,
        control: required[1].1?,
        owner: required[2].1?,
        parts,
        note: find("note"),
        default_state: find("default_state"),
    })
}

/// Every row of the CSV as an edit; rows naming unknown ids or words are reported.
pub(super) fn edits(ds: &Dataset, path: &str, bytes: &[u8], diags: &mut Diagnostics) -> Vec<Edit> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            diags.push(Diagnostic::error(
                at(path, 1, 1),
                format!("unreadable CSV: {e}"),
            ));
            return Vec::new();
        }
    };
    let Some(cols) = columns(ds, path, &header, diags) else {
        return Vec::new();
    };
    // A record's position may fall on the line end before it (CRLF): skip line ends first.
    let line_at = |byte: u64| {
        let mut at = byte as usize;
        while bytes.get(at).is_some_and(|b| *b == b'\r' || *b == b'\n') {
            at += 1;
        }
        1 + bytes[..at.min(bytes.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64
    };
    let mut out = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| line_at(p.byte()));
                out.extend(edit(ds, (path, line), &cols, &r, diags));
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                diags.push(Diagnostic::error(
                    at(path, line, 1),
                    format!("unreadable CSV row: {e}"),
                ));
            }
        }
    }
    out
}

/// One row (starting at `path:line`) as an edit, or `None` (reported) when it names
/// something unknown.
fn edit(
    ds: &Dataset,
    (path, line): (&str, u64),
    cols: &Columns,
    r: &csv::StringRecord,
    diags: &mut Diagnostics,
) -> Option<Edit> {
    let loc = |i: usize| at(path, line, field_col(r, i));
    let mut ok = true;
    let mut known = |kind: &str, i: usize, ids: Vec<&str>| {
        let value = r.get(i).unwrap_or("");
        if ids.contains(&value) {
            return;
        }
        diags.push(UnknownId::among(kind, value, ids).error(loc(i)));
        ok = false;
    };
    known(
        "service",
        cols.service,
        ds.services.iter().map(|s| s.id.as_str()).collect(),
    );
    known(
        "control",
        cols.control,
        ds.controls.iter().map(|c| c.id.as_str()).collect(),
    );
    let mut owners: Vec<&str> = ds.owners.iter().map(|p| p.id.as_str()).collect();
    owners.push("n/a");
    known("owner", cols.owner, owners);
    let field = |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("");
    let default_state = match field(cols.default_state) {
        "" => None,
        word => match DefaultState::parse(word) {
            Ok(d) => Some(d),
            Err(e) => {
                let i = cols.default_state.unwrap_or(0);
                diags.push(Diagnostic::error(loc(i), e.message).with_help(e.help));
                ok = false;
                None
            }
        },
    };
    let owner = match &r[cols.owner] {
        "n/a" => Owner::NotApplicable,
        id => Owner::Party(Id::new(id)),
    };
    ok.then(|| Edit {
        service: r[cols.service].to_string(),
        control: r[cols.control].to_string(),
        owner,
        parts: (cols.parts.iter())
            .filter(|(_, i)| !field(Some(*i)).is_empty())
            .map(|(p, i)| (p.clone(), field(Some(*i)).to_string()))
            .collect(),
        note: field(cols.note).to_string(),
        default_state,
    })
}

/// Whether a cell already says what an edit says.
fn same(cell: &Cell, e: &Edit) -> bool {
    let parts: Vec<(&str, &str)> = (cell.parts.iter())
        .map(|(p, t)| (p.as_str(), t.md.as_str()))
        .collect();
    let wanted: Vec<(&str, &str)> = e
        .parts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut sorted = (parts.clone(), wanted.clone());
    sorted.0.sort_unstable();
    sorted.1.sort_unstable();
    cell.owner == e.owner
        && sorted.0 == sorted.1
        && cell.note.as_ref().map_or("", |t| t.md.as_str()) == e.note
        && cell.default_state == e.default_state
}

/// Writes an edit into a cell (its updates, conflicts and sources stay).
fn fill(cell: &mut Cell, e: Edit) {
    let text = |md: String| Text {
        md,
        at: Location::file("matrix.csv"),
    };
    cell.owner = e.owner;
    cell.parts = e.parts.into_iter().map(|(p, t)| (p, text(t))).collect();
    cell.note = (!e.note.is_empty()).then(|| text(e.note));
    cell.default_state = e.default_state;
}

/// Applies the edits that change a cell: a service's override is updated, or created from
/// its category's default. Returns how many cells changed.
pub(super) fn apply(ds: &mut Dataset, edits: Vec<Edit>) -> usize {
    let mut changed = 0;
    for e in edits {
        let Some(category) = ds.service(&e.service).map(|s| s.category.clone()) else {
            continue;
        };
        let Some(row) = ds.matrix.get_mut(e.control.as_str()) else {
            continue;
        };
        let current = row.overrides.get(e.service.as_str());
        let Some(current) = current.or_else(|| row.defaults.get(&category)) else {
            continue;
        };
        if same(current, &e) {
            continue;
        }
        let base = Cell {
            updates: Vec::new(),
            conflicts: Vec::new(),
            sources: Vec::new(),
            ..current.clone()
        };
        let service = Id::new(e.service.as_str());
        let cell = row.overrides.entry(service).or_insert(base);
        fill(cell, e);
        changed += 1;
    }
    changed
}
