//! The matrix as YAML, in the dataset's schema: one row per control in the dataset's order,
//! `default: {all: …}` when every category has the same cell, a plain owner for a cell that
//! says nothing else, a mapping otherwise.

use crate::dataset::{Cell, Dataset, Row, Update};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// A YAML value whose mappings keep their order.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Str(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Str(v) => s.serialize_str(v),
            Node::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Node::Map(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

fn ids<T: AsRef<str>>(list: &[T]) -> Node {
    Node::List(
        list.iter()
            .map(|i| Node::Str(i.as_ref().to_string()))
            .collect(),
    )
}

/// `key: value` pairs, without the empty ones.
fn map(entries: Vec<(&str, Option<Node>)>) -> Node {
    let kept = entries
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_string(), v?)));
    Node::Map(kept.collect())
}

fn non_empty(n: Node) -> Option<Node> {
    match &n {
        Node::List(l) if l.is_empty() => None,
        Node::Map(m) if m.is_empty() => None,
        _ => Some(n),
    }
}

fn update(u: &Update) -> Node {
    map(vec![
        ("date", Some(Node::Str(u.date.clone()))),
        ("text", Some(Node::Str(u.text.md.clone()))),
        ("sources", non_empty(ids(&u.sources))),
    ])
}

fn cell(c: &Cell) -> Node {
    let plain = c.parts.is_empty()
        && c.note.is_none()
        && c.default_state.is_none()
        && c.updates.is_empty()
        && c.conflicts.is_empty()
        && c.sources.is_empty();
    if plain {
        return Node::Str(c.owner.id().to_string());
    }
    let parts = (c.parts.iter()).map(|(p, t)| (p.to_string(), Node::Str(t.md.clone())));
    map(vec![
        ("owner", Some(Node::Str(c.owner.id().to_string()))),
        ("parts", non_empty(Node::Map(parts.collect()))),
        ("note", c.note.as_ref().map(|t| Node::Str(t.md.clone()))),
        (
            "default_state",
            c.default_state.map(|d| Node::Str(d.id().into())),
        ),
        (
            "updates",
            non_empty(Node::List(c.updates.iter().map(update).collect())),
        ),
        ("conflicts", non_empty(ids(&c.conflicts))),
        ("sources", non_empty(ids(&c.sources))),
    ])
}

fn row(ds: &Dataset, r: &Row) -> Node {
    let defaults: Vec<(String, Node)> = (ds.categories.iter())
        .filter_map(|k| Some((k.id.to_string(), cell(r.defaults.get(&k.id)?))))
        .collect();
    let all_same = defaults.windows(2).all(|w| w[0].1 == w[1].1);
    let default = match defaults.first() {
        Some((_, first)) if all_same => Node::Map(vec![("all".into(), first.clone())]),
        _ => Node::Map(defaults),
    };
    let overrides = (r.overrides.iter()).map(|(s, c)| (s.to_string(), cell(c)));
    map(vec![
        ("control", Some(Node::Str(r.control.to_string()))),
        ("default", Some(default)),
        ("overrides", non_empty(Node::Map(overrides.collect()))),
        ("sources", non_empty(ids(&r.sources))),
    ])
}

/// The whole matrix as one YAML document (`matrix:` and its rows).
pub(super) fn matrix_yaml(ds: &Dataset) -> String {
    let rows = (ds.controls.iter()).filter_map(|c| Some(row(ds, ds.matrix.get(&c.id)?)));
    let doc = Node::Map(vec![("matrix".into(), Node::List(rows.collect()))]);
    let body = serde_saphyr::to_string(&doc).expect("a YAML tree of strings always serialises");
    format!("# Who owns each control (written by `srm-docs matrix import`).\n{body}")
}

#[cfg(test)]
mod tests {
    use super::super::load;
    use super::matrix_yaml;

    #[test]
    fn the_matrix_writes_back_as_yaml_that_reads_the_same() {
        let yaml = "owners:\n  - {id: prov, label: Provider, description: d}\n  - {id: team, label: Team, description: d}\n  - {id: both, label: Both, role: shared, description: d}\ncategories:\n  - {id: iaas, label: I, rank: 1, summary: s}\n  - {id: saas, label: S, rank: 2, summary: s}\nservices:\n  - {id: vm, name: VM, category: iaas, summary: s}\n  - {id: mail, name: Mail, category: saas, summary: s}\ncontrols:\n  - {id: os, title: OS, layer: platform, description: d}\n  - {id: data, title: Data, layer: data, description: d}\nmatrix:\n  - control: os\n    default: {iaas: team, saas: prov}\n    overrides:\n      mail:\n        owner: both\n        parts: {prov: \"runs it: all of it\", team: \"says when,\\nand how\\n\"}\n        default_state: enabled\n  - control: data\n    default: {all: team}\n";
        let ds = load(yaml);
        let written = matrix_yaml(&ds);
        let rest = yaml.split("matrix:\n").next().unwrap();
        let again = load(&format!("{rest}{}", written.split_once('\n').unwrap().1));
        assert_eq!(matrix_yaml(&again), written);
        assert!(written.contains("all: team"), "{written}");
        let cell = again.cell("os", again.service("mail").unwrap()).unwrap();
        assert_eq!(cell.parts[1].1.md, "says when,\nand how\n");
    }
}
