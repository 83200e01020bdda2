//! Matrix rows: one per control, a cell for every category (`all` fills every one) and
//! per-service overrides. A cell is a plain owner word or a mapping whose `shared` owner says
//! what each party does.

use super::Validator;
use crate::dataset::id::Id;
use crate::dataset::model::{Category, Cell, Conflict, Control, Dataset, Row, Service, Source};
use crate::dataset::raw::{RawCell, RawCellMap, RawRow};
use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;
use crate::yaml::Embedded;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

impl Validator<'_> {
    /// Adds the row of one control to `ds.matrix` (unless its control is unknown or already
    /// has a row).
    pub(super) fn row(&mut self, file: &SourceFile, row: &RawRow, ds: &mut Dataset) {
        let Some(control) = self.check::<Control>(file, &row.control) else {
            return;
        };
        if ds.matrix.contains_key(&control) {
            self.diags.push(Diagnostic::error(
                Self::at(file, &row.control),
                format!("control `{control}` has a second matrix row"),
            ));
            return;
        }
        let categories: Vec<Id<Category>> = ds.categories.iter().map(|c| c.id.clone()).collect();
        let defaults = self.defaults(file, row, &control, &categories);
        let mut overrides = BTreeMap::new();
        for (key, cell) in &row.overrides.0 {
            let value = self.cell(file, cell);
            if let Some(service) = self.check::<Service>(file, key) {
                overrides.insert(service, value);
            }
        }
        let sources = self.refs::<Source>(file, &row.sources);
        ds.matrix.insert(
            control.clone(),
            Row {
                control,
                defaults,
                overrides,
                sources,
            },
        );
    }

    /// The cell of each category; a category left without one is reported at `default:`.
    fn defaults(
        &mut self,
        file: &SourceFile,
        row: &RawRow,
        control: &str,
        categories: &[Id<Category>],
    ) -> BTreeMap<Id<Category>, Cell> {
        let mut defaults = BTreeMap::new();
        for (key, cell) in &row.default.value.0 {
            let value = self.cell(file, cell);
            if key.value == "all" {
                for c in categories {
                    defaults.insert(c.clone(), value.clone());
                }
            } else if let Some(category) = self.check::<Category>(file, key) {
                defaults.insert(category, value);
            }
        }
        let default_at = Embedded::whole(file).span(&row.default);
        for c in categories {
            if !defaults.contains_key(c) {
                self.diags.push(Diagnostic::error(
                    default_at.clone(),
                    format!("matrix row `{control}` gives no owner for category `{c}`"),
                ));
            }
        }
        defaults
    }

    fn cell(&mut self, file: &SourceFile, cell: &Spanned<RawCell>) -> Cell {
        let at = Embedded::whole(file).span(cell);
        match &cell.value {
            RawCell::Plain(word) => Cell {
                owner: self.plain_owner(at, word),
                parts: Vec::new(),
                note: None,
                default_state: None,
                updates: Vec::new(),
                conflicts: Vec::new(),
                sources: Vec::new(),
            },
            RawCell::Full(m) => self.full_cell(file, m),
        }
    }

    fn full_cell(&mut self, file: &SourceFile, m: &RawCellMap) -> Cell {
        let owner = self.owner(file, &m.owner, true);
        let parts = self.parts(file, &owner, &m.owner, &m.parts);
        Cell {
            owner,
            parts,
            note: Self::opt_text(file, &m.note),
            default_state: m.default_state.as_ref().map(|s| self.word(file, s)),
            updates: self.updates(file, &m.updates),
            conflicts: self.refs::<Conflict>(file, &m.conflicts),
            sources: self.refs::<Source>(file, &m.sources),
        }
    }
}
