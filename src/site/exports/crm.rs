//! `data/crm.csv`: a customer responsibility matrix in the shape auditors use (FedRAMP
//! style): one row per control × service with its NIST SP 800-53 ids, the owner, what the
//! provider does, what the customer does and the sources the answer comes from. A dataset
//! that covers several cloud providers adds a `provider` column after `service_name`.

use super::{rows, write_csv, ExportRow};
use crate::dataset::{Dataset, Owner, Role};
use crate::site::Site;

/// Column names, in order.
const COLUMNS: &[&str] = &[
    "control",
    "control_title",
    "nist_sp800_53",
    "service",
    "service_name",
    "owner",
    "owner_label",
    "provider_responsibility",
    "customer_responsibility",
    "note",
    "sources",
];

/// What the party of `role` does in a row: its part, or the whole control when it owns it.
fn duty<'a>(ds: &'a Dataset, r: &'a ExportRow<'a>, role: Role) -> &'a str {
    let Some(party) = ds.with_role(role) else {
        return "";
    };
    match r.part(&party.id) {
        "" if r.cell.owner == Owner::Party(party.id.clone()) => "the whole control",
        part => part,
    }
}

/// The CSV, rows sorted by control id then service id.
pub(crate) fn csv(site: &Site<'_>) -> String {
    let ds = site.dataset;
    let mut rows = rows(ds);
    rows.sort_by(|a, b| (&a.control.id, &a.service.id).cmp(&(&b.control.id, &b.service.id)));
    let records: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let row_sources = ds.matrix.get(&r.control.id).map_or(&[][..], |x| &x.sources);
            let mut sources: Vec<&str> = (r.cell.sources.iter().chain(row_sources))
                .map(|s| s.as_str())
                .collect();
            sources.dedup();
            vec![
                r.control.id.to_string(),
                r.control.title.clone(),
                r.control.nist.join("; "),
                r.service.id.to_string(),
                r.service.name.clone(),
                r.cell.owner.id().to_string(),
                ds.owner_label(&r.cell.owner).to_string(),
                duty(ds, r, Role::Provider).to_string(),
                duty(ds, r, Role::Customer).to_string(),
                r.note().to_string(),
                sources.join("; "),
            ]
        })
        .collect();
    let mut header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut records = records;
    if ds.several_providers() {
        header.insert(5, "provider".into());
        for (record, r) in records.iter_mut().zip(&rows) {
            record.insert(5, r.service.provider.to_string());
        }
    }
    write_csv(&header, &records)
}
