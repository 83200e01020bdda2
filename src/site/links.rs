//! Link checking over the finished site: every internal link recorded while rendering must
//! point at a page that exists and, when it has a `#fragment`, at an id present in that
//! page's final HTML — so anchors produced by templates count, and same-page anchors too.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::pages::RenderedPage;
use std::collections::{HashMap, HashSet};

/// Collects the `id="…"` attribute values of an HTML document.
pub(crate) fn ids_in(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            ids.insert(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    ids
}

/// Checks every pending link of every page; extra URL paths (files such as feeds) count as
/// existing pages without anchors.
///
/// `line_text(path, line)` recovers the text of a line for the caret display (link locations
/// do not carry it, to keep large sites small in memory).
pub(crate) fn check(
    pages: &[RenderedPage],
    extra_paths: &[String],
    line_text: &dyn Fn(&std::path::Path, usize) -> Option<String>,
    diags: &mut Diagnostics,
) {
    let mut found = Diagnostics::new();
    check_links(pages, extra_paths, &mut found);
    for mut d in found.sorted() {
        if d.location.line_text.is_none() {
            if let Some((line, _)) = d.location.line_col {
                d.location.line_text = line_text(&d.location.path, line);
            }
        }
        diags.push(d);
    }
}

fn check_links(pages: &[RenderedPage], extra_paths: &[String], diags: &mut Diagnostics) {
    use rayon::prelude::*;
    // Keyed without the trailing slash, so `/a/b` and `/a/b/` find the same page.
    let anchors: HashMap<&str, &HashSet<String>> = pages
        .iter()
        .map(|p| (p.url.strip_suffix('/').unwrap_or(&p.url), &p.artifacts.ids))
        .collect();
    let found: Vec<Diagnostic> = pages
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
}
