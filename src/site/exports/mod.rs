//! The machine-readable exports of the dataset under `data/`: the matrix as CSV and JSON
//! ([`matrix`]: one row per service × control, one `<party>_part` column per party), a
//! customer responsibility matrix for auditors ([`crm`]) and an OSCAL 1.1 component
//! definition ([`oscal`]). All deterministic: rows sorted, no clock, UUIDs derived from ids.

mod crm;
pub(crate) mod matrix;
mod oscal;

use super::Site;
use crate::dataset::{Cell, Control, Dataset, Service, Spread};

/// What makes one export from the site.
pub(crate) type Make = fn(&Site<'_>) -> String;

/// Every export: its path in the output and what makes it.
pub(crate) const FILES: &[(&str, Make)] = &[
    ("data/matrix.json", matrix::json),
    ("data/matrix.csv", matrix::csv),
    ("data/crm.csv", crm::csv),
    (
        "data/oscal/component-definition.json",
        oscal::component_definition,
    ),
];

/// One resolved cell of the matrix: a service and a control.
pub(crate) struct ExportRow<'a> {
    /// The service.
    pub service: &'a Service,
    /// The control.
    pub control: &'a Control,
    /// Its cell.
    pub cell: &'a Cell,
    /// `override` (the service's own cell) or `category` (its category's default).
    pub resolved_from: &'static str,
    /// Whether the control's owner differs between services.
    pub varies: bool,
}

impl ExportRow<'_> {
    /// What `party` does in this cell (empty when the cell says nothing for it).
    pub(crate) fn part(&self, party: &str) -> &str {
        let part = self.cell.parts.iter().find(|(p, _)| *p == party);
        part.map_or("", |(_, t)| t.md.as_str())
    }

    /// The cell's note, or empty.
    pub(crate) fn note(&self) -> &str {
        self.cell.note.as_ref().map_or("", |t| t.md.as_str())
    }
}

/// Every resolved cell, sorted by service id then control id (not in dataset order).
pub(crate) fn rows(ds: &Dataset) -> Vec<ExportRow<'_>> {
    let mut rows = Vec::new();
    for s in &ds.services {
        for c in &ds.controls {
            let Some(row) = ds.matrix.get(&c.id) else {
                continue;
            };
            let (cell, resolved_from) = match row.overrides.get(&s.id) {
                Some(cell) => (cell, "override"),
                None => match row.defaults.get(&s.category) {
                    Some(cell) => (cell, "category"),
                    None => continue,
                },
            };
            rows.push(ExportRow {
                service: s,
                control: c,
                cell,
                resolved_from,
                varies: ds.spread(&c.id) == Spread::Varies,
            });
        }
    }
    rows.sort_by(|a, b| (&a.service.id, &a.control.id).cmp(&(&b.service.id, &b.control.id)));
    rows
}

/// RFC 4180 CSV of a header and rows, CRLF line ends, fields quoted only when needed.
pub(crate) fn write_csv<R: AsRef<[u8]>>(header: &[String], rows: &[Vec<R>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for r in rows {
        w.write_record(r).expect("writing to memory");
    }
    let bytes = w.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("UTF-8 fields make UTF-8 CSV")
}
