//! Link checking over the finished site: every internal link recorded while rendering must
//! point at a page that exists and, when it has a `#fragment`, at an id present in that
//! page's final HTML — so anchors produced by templates count, and same-page anchors too.

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::render::pages::RenderedPage;
use std::collections::{HashMap, HashSet};

/// Collects the anchors of an HTML document: every `id` attribute's value, and the `name`
/// of every `<a name>` (browsers follow `#x` to either).
pub(crate) fn ids_in(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    for (attr, links_only) in [(" id=", false), (" name=", true)] {
        for (i, _) in html.match_indices(attr) {
            if links_only && !inside_a_tag(&html[..i]) {
                continue;
            }
            if let Some(value) = attribute_value(&html[i + attr.len()..]) {
                ids.insert(value.to_string());
            }
        }
    }
    ids
}

/// Whether the text before an attribute ends inside an open `<a …` tag.
fn inside_a_tag(before: &str) -> bool {
    before.rfind('<').is_some_and(|lt| {
        let tag = &before[lt + 1..];
        tag.starts_with(['a', 'A'])
            && (tag.len() == 1 || tag[1..].starts_with(char::is_whitespace))
            && !tag.contains('>')
    })
}

/// The value of an attribute from just after its `=`: quoted with `"` or `'`, or bare.
fn attribute_value(rest: &str) -> Option<&str> {
    match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next().filter(|_| rest[1..].contains(q)),
        _ => rest.split(|c: char| c.is_whitespace() || c == '>').next(),
    }
}

/// Checks every pending link of the `checked` pages against `pages`; extra URL paths (files such as feeds) count as
/// existing pages without anchors.
///
/// `line_text(path, line)` recovers the text of a line for the caret display (link locations
/// do not carry it, to keep large sites small in memory). Each broken link is reported with
/// `severity` (`[links] internal`).
pub(crate) fn check(
    pages: &[RenderedPage],
    checked: &[RenderedPage],
    extra_paths: &[String],
    line_text: &dyn Fn(&std::path::Path, usize) -> Option<String>,
    severity: Severity,
    diags: &mut Diagnostics,
) {
    let mut found = Diagnostics::new();
    check_links(pages, checked, extra_paths, &mut found);
    for mut d in found.sorted() {
        d.severity = severity;
        if d.location.line_text.is_none() {
            if let Some((line, _)) = d.location.line_col {
                d.location.line_text = line_text(&d.location.path, line);
            }
        }
        diags.push(d);
    }
}

fn check_links(
    pages: &[RenderedPage],
    checked: &[RenderedPage],
    extra_paths: &[String],
    diags: &mut Diagnostics,
) {
    use rayon::prelude::*;
    // Keyed without the trailing slash, so `/a/b` and `/a/b/` find the same page.
    let anchors: HashMap<&str, &HashSet<String>> = pages
        .iter()
        .map(|p| (p.url.strip_suffix('/').unwrap_or(&p.url), &p.artifacts.ids))
        .collect();
    let found: Vec<Diagnostic> = checked
        .par_iter()
        .flat_map_iter(|page| {
            page.artifacts
                .links
                .iter()
                .filter_map(|link| check_link(page, link, &anchors, extra_paths))
        })
        .collect();
    for d in found {
        diags.push(d);
    }
}

/// The error for one link, if its target page or anchor does not exist.
fn check_link(
    page: &RenderedPage,
    link: &crate::render::markdown::PendingLink,
    anchors: &HashMap<&str, &HashSet<String>>,
    extra_paths: &[String],
) -> Option<Diagnostic> {
    let target = link.path.as_deref().unwrap_or(&page.url);
    let target_page = target.split_once('?').map_or(target, |(p, _)| p);
    let ids = anchors.get(target_page.strip_suffix('/').unwrap_or(target_page));
    match ids {
        None if extra_paths.iter().any(|p| p == target_page) => None,
        None => Some(Diagnostic::error(
            link.location.clone(),
            format!("link to `{target_page}`: no such page in the site"),
        )),
        Some(ids) => {
            let f = link.fragment.as_ref().filter(|f| !f.is_empty())?;
            if ids.contains(f) {
                return None;
            }
            let hint = crate::diagnostics::did_you_mean(f, ids.iter().map(String::as_str));
            Some(
                Diagnostic::error(
                    link.location.clone(),
                    format!("link to `{target_page}#{f}`: no such anchor on that page"),
                )
                .with_help(hint),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ids_in;

    #[test]
    fn finds_ids() {
        let ids = ids_in("<h2 id=\"a\">x</h2><p><span id=\"b-c\"></span>");
        assert!(ids.contains("a") && ids.contains("b-c") && ids.len() == 2);
    }

    #[test]
    fn a_name_counts_as_an_anchor_but_other_names_do_not() {
        let ids = ids_in(
            "<meta name=\"description\" content=\"x\"><a name=\"old\"></a>\
             <a class=\"x\" name='quoted'>q</a><A NAME=bare></A><input name=\"q\">",
        );
        let mut found: Vec<&str> = ids.iter().map(String::as_str).collect();
        found.sort_unstable();
        assert_eq!(found, ["old", "quoted"]);
    }
}
