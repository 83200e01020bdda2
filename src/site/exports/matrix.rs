//! `data/matrix.csv` and `data/matrix.json`: one row per service × control with its owner,
//! where the cell comes from, what each party does (one `<party>_part` column per party that
//! holds controls, in the dataset's order), the note, the default state and whether the
//! control varies; a dataset that covers several cloud providers adds a `provider` column
//! after `service_name`. `srm-docs matrix import` reads the CSV back.

use super::{rows, write_csv, ExportRow};
use crate::dataset::Dataset;
use crate::site::Site;
use serde_json::{json, Map, Value};

/// The columns before the parts.
pub(crate) const LEAD: &[&str] = &[
    "service",
    "service_name",
    "category",
    "control",
    "control_title",
    "layer",
    "owner",
    "resolved_from",
];

/// The columns after the parts.
pub(crate) const TAIL: &[&str] = &["note", "default_state", "control_varies"];

/// The suffix of a part column (`aws_part`).
pub(crate) const PART_SUFFIX: &str = "_part";

/// The column naming the service's provider (datasets with several providers only).
pub(crate) const PROVIDER: &str = "provider";

/// Column names, in order.
pub(crate) fn columns(ds: &Dataset) -> Vec<String> {
    let parts = ds.part_parties().map(|p| format!("{}{PART_SUFFIX}", p.id));
    let mut lead: Vec<String> = LEAD.iter().map(|c| c.to_string()).collect();
    if ds.several_providers() {
        lead.insert(2, PROVIDER.into());
    }
    (lead.into_iter())
        .chain(parts)
        .chain(TAIL.iter().map(|c| c.to_string()))
        .collect()
}

/// One row's fields, in column order.
fn fields<'a>(ds: &'a Dataset, r: &'a ExportRow<'a>) -> Vec<&'a str> {
    let mut out = vec![
        r.service.id.as_str(),
        &r.service.name,
        &r.service.category,
        &r.control.id,
        &r.control.title,
        r.control.layer.id(),
        r.cell.owner.id(),
        r.resolved_from,
    ];
    if ds.several_providers() {
        out.insert(2, &r.service.provider);
    }
    out.extend(ds.part_parties().map(|p| r.part(&p.id)));
    out.push(r.note());
    out.push(r.cell.default_state.map_or("", |d| d.id()));
    out.push(if r.varies { "true" } else { "false" });
    out
}

/// `data/matrix.csv`: RFC 4180 quoting, CRLF line ends.
pub(crate) fn csv(site: &Site<'_>) -> String {
    let ds = site.dataset;
    let rows = rows(ds);
    let records: Vec<Vec<&str>> = rows.iter().map(|r| fields(ds, r)).collect();
    write_csv(&columns(ds), &records)
}

/// `data/matrix.json`: an object with `columns` and `rows` (one object per service ×
/// control, `control_varies` a boolean).
pub(crate) fn json(site: &Site<'_>) -> String {
    let ds = site.dataset;
    let columns = columns(ds);
    let rows: Vec<Value> = rows(ds)
        .iter()
        .map(|r| {
            let mut obj = Map::new();
            for (name, value) in columns.iter().zip(fields(ds, r)) {
                let value = match name.as_str() {
                    "control_varies" => Value::Bool(r.varies),
                    _ => Value::String(value.to_string()),
                };
                obj.insert(name.clone(), value);
            }
            Value::Object(obj)
        })
        .collect();
    let doc = json!({"schema": "srm-docs/matrix/v1", "columns": columns, "rows": rows});
    serde_json::to_string_pretty(&doc).expect("json") + "\n"
}
