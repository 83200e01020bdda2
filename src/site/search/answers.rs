//! "Who is responsible?" in search: the dataset's services (with aliases), controls (with
//! the stems of their ids and titles), owners and matrix in one compact file
//! (`search/answers.js`). The matrix goes in as written — a default per category and the
//! per-service overrides — and the browser resolves a cell the way the site does: the
//! service's override, else its category's default. A query that names a service and words
//! of a control ("who patches RDS") gets that cell as an answer card.

use super::tokens;
use crate::dataset::{Cell, Dataset, Kind};
use crate::site::Site;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The fragment that links a service page to its row for a control.
pub(crate) const CONTROL_ANCHOR: &str = "control-";

/// The answers file's JSON, or `None` when the dataset has no services.
pub(crate) fn answers(site: &Site<'_>) -> Option<String> {
    let ds = site.dataset;
    if ds.services.is_empty() {
        return None;
    }
    let rel = |kind, id: &str| relative(site, &site.entity_url(kind, id));
    let services: Vec<Value> = ds
        .services
        .iter()
        .map(|s| {
            let names: BTreeSet<String> = std::iter::once(s.name.as_str())
                .chain(s.aliases.iter().map(String::as_str))
                .chain(std::iter::once(s.id.as_str()))
                .map(|n| n.to_lowercase())
                .collect();
            json!([s.id, s.name, rel(Kind::Service, &s.id), s.category, names])
        })
        .collect();
    let controls: Vec<Value> = ds
        .controls
        .iter()
        .map(|c| {
            let text = format!("{} {}", c.id.replace('-', " "), c.title);
            let stems: BTreeSet<String> = tokens::terms(&text).map(|(_, s)| s).collect();
            json!([c.id, c.title, rel(Kind::Control, &c.id), stems])
        })
        .collect();
    let scenarios: Vec<Value> = ds
        .scenarios
        .iter()
        .map(|s| json!([s.title, rel(Kind::Scenario, &s.id), s.services, s.controls]))
        .collect();
    let owners: Map<String, Value> = ds
        .owners
        .iter()
        .map(|o| (o.id.to_string(), Value::from(o.label.clone())))
        .collect();
    let doc = json!({
        "anchor": CONTROL_ANCHOR,
        "owners": owners,
        "services": services,
        "controls": controls,
        "cells": cells(ds),
        "scenarios": scenarios,
    });
    Some(doc.to_string())
}

/// Per control: `cat:<category>` → the category default, `<service>` → an override; each
/// `[owner, note, [[party, its part], …]]` as plain text.
fn cells(ds: &Dataset) -> Map<String, Value> {
    ds.matrix
        .iter()
        .map(|(control, row)| {
            let defaults = row
                .defaults
                .iter()
                .map(|(cat, c)| (format!("cat:{cat}"), cell(c)));
            let overrides = row.overrides.iter().map(|(s, c)| (s.to_string(), cell(c)));
            let map: Map<String, Value> = defaults.chain(overrides).collect();
            (control.to_string(), Value::Object(map))
        })
        .collect()
}

fn cell(c: &Cell) -> Value {
    let text =
        |t: &Option<crate::dataset::Text>| t.as_ref().map_or(String::new(), |t| plain(&t.md));
    let parts: Vec<Value> = c
        .parts
        .iter()
        .map(|(party, t)| json!([party, plain(&t.md)]))
        .collect();
    json!([c.owner.id(), text(&c.note), parts])
}

/// The text of dataset Markdown (links keep their text, markup goes, blocks and line breaks
/// become spaces).
fn plain(md: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::new();
    for event in Parser::new(md) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A URL of the site relative to its root (`/docs/services/s3/` → `services/s3/`).
pub(crate) fn relative(site: &Site<'_>, url: &str) -> String {
    url.strip_prefix(site.config.base_path.as_str())
        .unwrap_or(url)
        .trim_start_matches('/')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn dataset_markdown_becomes_plain_text() {
        assert_eq!(
            plain("patches the [OS](service:ec2) *weekly*,\nsee `yum`\n\n- a\n- b"),
            "patches the OS weekly, see yum a b"
        );
    }
}
