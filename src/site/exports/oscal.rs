//! `data/oscal/component-definition.json`: the matrix as an OSCAL 1.1 component definition.
//! One component per service; its implemented requirements say, per control, which parties
//! are responsible (`responsible-roles`, one role per party of the dataset, a shared cell's
//! parts as each role's remarks). Two control implementations per component: the dataset's
//! own controls (source: the site's controls index) and, where a control carries them, the
//! NIST SP 800-53 rev. 5 controls it maps to. UUIDs are version 5, derived from the site's
//! URL and the ids, so the file only changes when the data does. A dataset that covers
//! several cloud providers also lists each as an OSCAL party (an organisation), and each
//! component names its provider through the provider party's role and a property.

use super::{rows, ExportRow};
use crate::dataset::{Dataset, Owner, Service};
use crate::site::Site;
use serde_json::{json, Value};
use uuid::Uuid;

/// The OSCAL version written.
const OSCAL_VERSION: &str = "1.1.2";

/// The NIST SP 800-53 rev. 5 catalog, as OSCAL publishes it.
const NIST_CATALOG: &str = "https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json";

/// The component definition.
pub(crate) fn component_definition(site: &Site<'_>) -> String {
    let ds = site.dataset;
    let ns = Uuid::new_v5(&Uuid::NAMESPACE_URL, site.config.base_url.as_bytes());
    let uuid = |name: &str| Uuid::new_v5(&ns, name.as_bytes()).to_string();
    let all = rows(ds);
    let components: Vec<Value> = (ds.services.iter())
        .map(|s| {
            let mine: Vec<&ExportRow<'_>> = all.iter().filter(|r| r.service.id == s.id).collect();
            component(site, s, &mine, &uuid)
        })
        .collect();
    let modified = format!("{}T00:00:00Z", last_date(ds));
    let roles: Vec<Value> = (ds.part_parties())
        .map(|p| json!({"id": p.id.as_str(), "title": p.label}))
        .collect();
    let mut metadata = json!({
        "title": format!("{}: shared responsibility", site.config.title),
        "last-modified": modified,
        "version": last_date(ds),
        "oscal-version": OSCAL_VERSION,
        "roles": roles,
    });
    if ds.several_providers() {
        let parties: Vec<Value> = (ds.providers.iter())
            .map(|p| json!({"uuid": uuid(&format!("provider/{}", p.id)), "type": "organization", "name": p.label}))
            .collect();
        metadata["parties"] = Value::Array(parties);
    }
    let doc = json!({"component-definition": {
        "uuid": uuid("component-definition"),
        "metadata": metadata,
        "components": components,
    }});
    serde_json::to_string_pretty(&doc).expect("json") + "\n"
}

/// One service as a component.
fn component(
    site: &Site<'_>,
    s: &Service,
    rows: &[&ExportRow<'_>],
    uuid: &dyn Fn(&str) -> String,
) -> Value {
    let ds = site.dataset;
    let applies: Vec<&&ExportRow<'_>> = (rows.iter())
        .filter(|r| r.cell.owner != Owner::NotApplicable)
        .collect();
    let own: Vec<Value> = (applies.iter())
        .map(|r| {
            let name = format!("{}/{}", s.id, r.control.id);
            requirement(ds, &uuid(&name), &r.control.id, &r.control.title, &[r])
        })
        .collect();
    let mut nist: Vec<&str> = applies
        .iter()
        .flat_map(|r| &r.control.nist)
        .map(String::as_str)
        .collect();
    nist.sort_unstable();
    nist.dedup();
    let mapped: Vec<Value> = (nist.iter())
        .map(|n| {
            let by: Vec<&ExportRow<'_>> = (applies.iter().copied().copied())
                .filter(|r| r.control.nist.iter().any(|x| x == n))
                .collect();
            let titles: Vec<&str> = by.iter().map(|r| r.control.title.as_str()).collect();
            let what = format!("Covered by: {}", titles.join("; "));
            requirement(
                ds,
                &uuid(&format!("{}/nist/{n}", s.id)),
                &nist_id(n),
                &what,
                &by,
            )
        })
        .collect();
    let mut implementations = vec![json!({
        "uuid": uuid(&format!("{}/controls", s.id)),
        "source": site.config.permalink("controls/"),
        "description": format!("Who holds each control of this knowledge base for {}.", s.name),
        "implemented-requirements": own,
    })];
    if !mapped.is_empty() {
        implementations.push(json!({
            "uuid": uuid(&format!("{}/nist", s.id)),
            "source": NIST_CATALOG,
            "description": format!("The NIST SP 800-53 rev. 5 controls the knowledge base maps its controls to, for {}.", s.name),
            "implemented-requirements": mapped,
        }));
    }
    let mut props =
        vec![json!({"name": "srm-service-id", "ns": ns_url(site), "value": s.id.as_str()})];
    let mut component = json!({
        "uuid": uuid(&format!("service/{}", s.id)),
        "type": "service",
        "title": s.name,
        "description": s.summary.md,
    });
    if let Some((prop, roles)) = provider(site, s, uuid) {
        props.push(prop);
        component["responsible-roles"] = roles;
    }
    component["props"] = Value::Array(props);
    component["control-implementations"] = Value::Array(implementations);
    component
}

/// A component's provider, when the dataset covers several: its `srm-provider-id` property
/// and the provider party's role held by the provider's OSCAL party.
fn provider(site: &Site<'_>, s: &Service, uuid: &dyn Fn(&str) -> String) -> Option<(Value, Value)> {
    let ds = site.dataset;
    let role = ds.with_role(crate::dataset::Role::Provider)?;
    ds.several_providers().then(|| {
        let party = uuid(&format!("provider/{}", s.provider));
        (
            json!({"name": "srm-provider-id", "ns": ns_url(site), "value": s.provider.as_str()}),
            json!([{"role-id": role.id.as_str(), "party-uuids": [party]}]),
        )
    })
}

/// One implemented requirement: the parties responsible across `rows`, each with what it
/// does as its remarks.
fn requirement(
    ds: &Dataset,
    uuid: &str,
    id: &str,
    description: &str,
    rows: &[&ExportRow<'_>],
) -> Value {
    let mut roles: Vec<(&str, Vec<String>)> = Vec::new();
    for r in rows {
        let parties: Vec<(&str, &str)> = if ds.is_shared(&r.cell.owner) {
            r.cell
                .parts
                .iter()
                .map(|(p, t)| (p.as_str(), t.md.as_str()))
                .collect()
        } else {
            vec![(r.cell.owner.id(), r.note())]
        };
        for (party, text) in parties {
            let remark = format!(
                "{}: {}",
                r.control.title,
                if text.is_empty() {
                    "the whole control"
                } else {
                    text
                }
            );
            match roles.iter_mut().find(|(p, _)| *p == party) {
                Some((_, remarks)) => remarks.push(remark),
                None => roles.push((party, vec![remark])),
            }
        }
    }
    let order = |p: &str| {
        ds.owners
            .iter()
            .position(|x| x.id == p)
            .unwrap_or(usize::MAX)
    };
    roles.sort_by_key(|(p, _)| order(p));
    let roles: Vec<Value> = (roles.iter())
        .map(|(p, remarks)| json!({"role-id": p, "remarks": remarks.join("\n\n")}))
        .collect();
    json!({"uuid": uuid, "control-id": id, "description": description, "responsible-roles": roles})
}

/// The namespace of the properties this export defines.
fn ns_url(site: &Site<'_>) -> String {
    site.config.permalink("data/oscal/")
}

/// A NIST id as OSCAL catalogs write it: `AC-2(1)` → `ac-2.1`.
fn nist_id(id: &str) -> String {
    id.trim()
        .to_ascii_lowercase()
        .replace('(', ".")
        .replace(')', "")
}

/// The latest date the dataset knows (a source's date or access date, an update), as
/// `YYYY-MM-DD`; 1970-01-01 when it knows none.
fn last_date(ds: &Dataset) -> String {
    let sources = ds
        .sources
        .iter()
        .flat_map(|s| [&s.date, &s.accessed])
        .flatten();
    let full = |d: &String| match d.len() {
        4 => format!("{d}-01-01"),
        7 => format!("{d}-01"),
        _ => d.clone(),
    };
    sources
        .map(full)
        .max()
        .unwrap_or_else(|| "1970-01-01".into())
}

#[cfg(test)]
mod tests {
    use super::nist_id;

    #[test]
    fn nist_ids_take_the_catalog_form() {
        assert_eq!(nist_id("AC-2(1)"), "ac-2.1");
        assert_eq!(nist_id("pe-3"), "pe-3");
    }
}
