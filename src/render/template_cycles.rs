//! Templates that would call themselves for ever: an `include` cycle (a template that
//! includes itself, or two that include each other), an `extends` cycle, or a macro that
//! calls itself directly or through others. Tera has no depth limit, so rendering one would
//! overflow the stack and abort the process; they are refused up front with an error at the
//! place the cycle starts, naming the whole cycle.

use crate::diagnostics::{Diagnostic, Location};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use tera::ast::{Expr, ExprVal, Node};

/// A template as [`check`] sees it: its name, source text, shown path and parsed form.
pub(crate) struct Parsed<'a> {
    pub(crate) name: &'a str,
    pub(crate) text: &'a str,
    pub(crate) path: &'a Path,
    pub(crate) template: tera::Template,
}

/// A vertex: a template (`T`) or a macro (`M`, with its file).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Vertex {
    Template(String),
    Macro { file: String, name: String },
}

impl Vertex {
    fn describe(&self) -> String {
        match self {
            Vertex::Template(t) => t.clone(),
            Vertex::Macro { file, name } => format!("{file}::{name}"),
        }
    }
}

/// An edge, with the text that makes it (to find its line) and the file it is written in.
#[derive(Debug, Clone)]
struct Edge {
    to: Vertex,
    file: String,
    needle: String,
}

type Graph = BTreeMap<Vertex, Vec<Edge>>;

/// One error per cycle found among `templates`.
pub(crate) fn check(templates: &[Parsed<'_>]) -> Vec<Diagnostic> {
    let mut graph = Graph::new();
    for t in templates {
        add_template(&mut graph, t);
    }
    let mut reported = BTreeSet::new();
    let mut errors = Vec::new();
    for start in graph.keys() {
        if let Some(cycle) = find_cycle(&graph, start) {
            let members: BTreeSet<Vertex> = cycle.iter().map(|(v, _)| v.clone()).collect();
            if reported.insert(members) {
                errors.push(cycle_error(&cycle, templates));
            }
        }
    }
    errors
}

/// Edges out of one template and out of each macro it defines.
fn add_template(graph: &mut Graph, t: &Parsed<'_>) {
    let imports: BTreeMap<&str, &str> = t
        .template
        .imported_macro_files
        .iter()
        .map(|(file, ns)| (ns.as_str(), file.as_str()))
        .collect();
    let edges_of = |nodes: &[Node]| {
        let mut edges = Vec::new();
        Walker {
            file: t.name,
            imports: &imports,
            edges: &mut edges,
        }
        .nodes(nodes);
        edges
    };
    let mut own = edges_of(&t.template.ast);
    if let Some(parent) = &t.template.parent {
        own.push(Edge {
            to: Vertex::Template(parent.clone()),
            file: t.name.to_string(),
            needle: format!("\"{parent}\""),
        });
    }
    graph.insert(Vertex::Template(t.name.to_string()), own);
    for (name, def) in &t.template.macros {
        let vertex = Vertex::Macro {
            file: t.name.to_string(),
            name: name.clone(),
        };
        graph.insert(vertex, edges_of(&def.body));
    }
}

/// Collects include and macro-call edges from template nodes.
struct Walker<'w> {
    file: &'w str,
    imports: &'w BTreeMap<&'w str, &'w str>,
    edges: &'w mut Vec<Edge>,
}

impl Walker<'_> {
    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::VariableBlock(_, e) => self.expr(e),
            Node::Include(_, names, _) => {
                for name in names {
                    self.edge(Vertex::Template(name.clone()), format!("\"{name}\""));
                }
            }
            Node::Set(_, set) => self.expr(&set.value),
            Node::FilterSection(_, section, _) => {
                section.filter.args.values().for_each(|e| self.expr(e));
                self.nodes(&section.body);
            }
            Node::Block(_, block, _) => self.nodes(&block.body),
            Node::Forloop(_, f, _) => {
                self.expr(&f.container);
                self.nodes(&f.body);
                if let Some(empty) = &f.empty_body {
                    self.nodes(empty);
                }
            }
            Node::If(branches, _) => {
                for (_, cond, body) in &branches.conditions {
                    self.expr(cond);
                    self.nodes(body);
                }
                if let Some((_, body)) = &branches.otherwise {
                    self.nodes(body);
                }
            }
            // Macro bodies are vertices of their own; the rest hold no calls.
            _ => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        self.value(&e.val);
        for f in &e.filters {
            f.args.values().for_each(|a| self.expr(a));
        }
    }

    fn value(&mut self, v: &ExprVal) {
        match v {
            ExprVal::MacroCall(call) => {
                let file = match call.namespace.as_str() {
                    "self" => Some(self.file),
                    ns => self.imports.get(ns).copied(),
                };
                if let Some(file) = file {
                    let to = Vertex::Macro {
                        file: file.to_string(),
                        name: call.name.clone(),
                    };
                    self.edge(to, format!("{}::{}", call.namespace, call.name));
                }
                call.args.values().for_each(|a| self.expr(a));
            }
            ExprVal::FunctionCall(f) => f.args.values().for_each(|a| self.expr(a)),
            ExprVal::Math(m) => [&m.lhs, &m.rhs].into_iter().for_each(|e| self.expr(e)),
            ExprVal::Logic(l) => [&l.lhs, &l.rhs].into_iter().for_each(|e| self.expr(e)),
            ExprVal::In(i) => [&i.lhs, &i.rhs].into_iter().for_each(|e| self.expr(e)),
            ExprVal::Test(t) => t.args.iter().for_each(|e| self.expr(e)),
            ExprVal::Array(items) => items.iter().for_each(|e| self.expr(e)),
            ExprVal::StringConcat(c) => c.values.iter().for_each(|v| self.value(v)),
            _ => {}
        }
    }

    fn edge(&mut self, to: Vertex, needle: String) {
        self.edges.push(Edge {
            to,
            file: self.file.to_string(),
            needle,
        });
    }
}

/// A cycle through `start` (each vertex with the edge that leaves it), if there is one.
fn find_cycle(graph: &Graph, start: &Vertex) -> Option<Vec<(Vertex, Edge)>> {
    // Iterative depth-first search; `path` holds the vertices on the current route.
    let mut path: Vec<(Vertex, Edge)> = Vec::new();
    let mut stack: Vec<(Vertex, usize)> = vec![(start.clone(), 0)];
    let mut done: BTreeSet<Vertex> = BTreeSet::new();
    while let Some((vertex, next)) = stack.pop() {
        let edges = graph.get(&vertex).map(Vec::as_slice).unwrap_or(&[]);
        let Some(edge) = edges.get(next) else {
            done.insert(vertex);
            path.pop();
            continue;
        };
        stack.push((vertex.clone(), next + 1));
        if edge.to == *start {
            path.push((vertex, edge.clone()));
            return Some(path);
        }
        if done.contains(&edge.to) || path.iter().any(|(v, _)| *v == edge.to) || edge.to == vertex {
            continue;
        }
        path.push((vertex, edge.clone()));
        stack.push((edge.to.clone(), 0));
    }
    None
}

/// The error for one cycle, at the first step's text in its template.
fn cycle_error(cycle: &[(Vertex, Edge)], templates: &[Parsed<'_>]) -> Diagnostic {
    let (first, edge) = &cycle[0];
    let route: Vec<String> = cycle
        .iter()
        .map(|(v, _)| v.describe())
        .chain(std::iter::once(first.describe()))
        .collect();
    let what = match first {
        Vertex::Template(_) => "template",
        Vertex::Macro { .. } => "macro",
    };
    let location = templates
        .iter()
        .find(|t| t.name == edge.file)
        .map(|t| locate(t, &edge.needle))
        .unwrap_or_else(|| Location::file("themes"));
    Diagnostic::error(
        location,
        format!(
            "{what} `{}` calls itself without end ({}): rendering it would never finish",
            first.describe(),
            route.join(" → ")
        ),
    )
    .with_help(Some(
        "templates may not include themselves, and macros may not call themselves; \
         write the recursion as a loop over a flat list"
            .into(),
    ))
}

/// Where `needle` first appears in a template (its file, at worst).
fn locate(t: &Parsed<'_>, needle: &str) -> Location {
    let file = crate::source::SourceFile::new(t.path, t.text);
    match file.text.find(needle) {
        Some(offset) => Location::at(&file, offset),
        None => Location::file(t.path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(files: &[(&str, &str)]) -> Vec<String> {
        let parsed: Vec<Parsed<'_>> = files
            .iter()
            .map(|(name, text)| Parsed {
                name,
                text,
                path: Path::new(name),
                template: tera::Template::new(name, None, text).unwrap(),
            })
            .collect();
        check(&parsed).iter().map(|d| d.headline()).collect()
    }

    #[test]
    fn the_embedded_theme_has_no_cycle() {
        let files: Vec<(&str, &str)> = crate::render::templates::DEFAULT_TEMPLATES.to_vec();
        assert_eq!(run(&files), Vec::<String>::new());
    }

    #[test]
    fn include_cycles_are_found_at_their_include() {
        assert_eq!(
            run(&[("a.html", "x\n{% include \"a.html\" %}")]),
            ["a.html:2:12: error: template `a.html` calls itself without end (a.html → a.html): \
              rendering it would never finish"]
        );
        let two = run(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% if x %}{% include \"a.html\" %}{% endif %}"),
        ]);
        assert_eq!(two.len(), 1, "{two:?}");
        assert!(two[0].contains("(a.html → b.html → a.html)"), "{two:?}");
    }

    #[test]
    fn recursive_macros_are_found_directly_and_through_imports() {
        let direct = run(&[(
            "m.html",
            "{% macro tree(n) %}{{ self::tree(n=n) }}{% endmacro tree %}",
        )]);
        assert_eq!(direct.len(), 1);
        assert!(
            direct[0].starts_with("m.html:1:23: error: macro `m.html::tree`"),
            "{direct:?}"
        );
        let mutual = run(&[
            (
                "a.html",
                "{% import \"b.html\" as b %}{% macro f() %}{{ b::g() | upper }}{% endmacro f %}",
            ),
            (
                "b.html",
                "{% import \"a.html\" as a %}{% macro g() %}{% for i in [a::f()] %}{% endfor %}{% endmacro g %}",
            ),
        ]);
        assert_eq!(mutual.len(), 1, "{mutual:?}");
        assert!(
            mutual[0].contains("a.html::f → b.html::g → a.html::f"),
            "{mutual:?}"
        );
    }

    #[test]
    fn non_recursive_use_is_fine() {
        let ok = run(&[
            ("base.html", "{% block body %}{% endblock body %}{% include \"part.html\" %}"),
            ("page.html", "{% extends \"base.html\" %}{% block body %}{{ self::m() }}{% endblock body %}{% macro m() %}{{ self::n() }}{% endmacro m %}{% macro n() %}x{% endmacro n %}"),
            ("part.html", "p"),
        ]);
        assert_eq!(ok, Vec::<String>::new());
    }
}
