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
        for i in memchr::memmem::find_iter(html.as_bytes(), attr) {
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

/// What links may point at: pages (with their anchors) and files.
pub(crate) trait Targets: Sync {
    /// The anchors of the page at `url` (given without its trailing slash); `None` when
    /// no page is there.
    fn anchors(&self, url: &str) -> Option<&HashSet<String>>;
    /// Whether a file that is not a page (a feed, an image) is at `url`.
    fn is_file(&self, url: &str) -> bool;
}

/// The pages and other files of one build, as link targets.
pub(crate) struct SiteTargets<'p> {
    /// Page URL without its trailing slash → its anchors.
    pages: HashMap<&'p str, &'p HashSet<String>>,
    files: HashSet<&'p str>,
}

impl<'p> SiteTargets<'p> {
    /// The targets of `pages` and of the files at `file_urls`.
    pub(crate) fn new(pages: &'p [RenderedPage], file_urls: &'p [String]) -> Self {
        SiteTargets {
            pages: (pages.iter())
                .map(|p| (without_slash(&p.url), &p.artifacts.ids))
                .collect(),
            files: file_urls.iter().map(String::as_str).collect(),
        }
    }
}

impl Targets for SiteTargets<'_> {
    fn anchors(&self, url: &str) -> Option<&HashSet<String>> {
        self.pages.get(url).copied()
    }
    fn is_file(&self, url: &str) -> bool {
        self.files.contains(url)
    }
}

/// The link targets of a build, kept by `serve` between builds: page URLs index a list of
/// pages that may be replaced by pages of the same URLs and anchors.
pub(crate) struct KeptTargets {
    pages: HashMap<String, usize>,
    files: HashSet<String>,
}

impl KeptTargets {
    /// The targets of `pages` and of the files at `file_urls`.
    pub(crate) fn new(pages: &[RenderedPage], file_urls: &[String]) -> Self {
        KeptTargets {
            pages: (pages.iter().enumerate())
                .map(|(i, p)| (without_slash(&p.url).to_string(), i))
                .collect(),
            files: file_urls.iter().cloned().collect(),
        }
    }

    /// The index of the page at `url` in the pages given to [`Self::new`].
    pub(crate) fn page(&self, url: &str) -> Option<usize> {
        self.pages.get(without_slash(url)).copied()
    }

    /// The targets, with `pages` the current version of the pages given to [`Self::new`].
    pub(crate) fn over<'k>(&'k self, pages: &'k [RenderedPage]) -> impl Targets + 'k {
        KeptView { kept: self, pages }
    }
}

struct KeptView<'k> {
    kept: &'k KeptTargets,
    pages: &'k [RenderedPage],
}

impl Targets for KeptView<'_> {
    fn anchors(&self, url: &str) -> Option<&HashSet<String>> {
        let &i = self.kept.pages.get(url)?;
        Some(&self.pages.get(i)?.artifacts.ids)
    }
    fn is_file(&self, url: &str) -> bool {
        self.kept.files.contains(url)
    }
}

fn without_slash(url: &str) -> &str {
    url.strip_suffix('/').unwrap_or(url)
}

/// Checks every pending link of the `checked` pages against `targets`.
///
/// `line_text(path, line)` recovers the text of a line for the caret display (link locations
/// do not carry it, to keep large sites small in memory). Each broken link is reported with
/// `severity` (`[links] internal`).
pub(crate) fn check(
    targets: &dyn Targets,
    checked: &[RenderedPage],
    line_text: &dyn Fn(&std::path::Path, usize) -> Option<String>,
    severity: Severity,
    diags: &mut Diagnostics,
) {
    use rayon::prelude::*;
    let found: Vec<Diagnostic> = checked
        .par_iter()
        .flat_map_iter(|page| {
            (page.artifacts.links.iter()).filter_map(|link| check_link(page, link, targets))
        })
        .collect();
    let mut sorted = Diagnostics::new();
    for d in found {
        sorted.push(d);
    }
    for mut d in sorted.sorted() {
        d.severity = severity;
        if d.location.line_text.is_none() {
            if let Some((line, _)) = d.location.line_col {
                d.location.line_text = line_text(&d.location.path, line);
            }
        }
        diags.push(d);
    }
}

/// The error for one link, if its target page or anchor does not exist.
fn check_link(
    page: &RenderedPage,
    link: &crate::render::markdown::PendingLink,
    targets: &dyn Targets,
) -> Option<Diagnostic> {
    let target = link.path.as_deref().unwrap_or(&page.url);
    let target_page = target.split_once('?').map_or(target, |(p, _)| p);
    match targets.anchors(without_slash(target_page)) {
        None if targets.is_file(target_page) => None,
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
