//! Link and image destinations. Scheme links (`service:s3`) resolve to entity pages; a
//! relative path is looked up in the content tree from the folder of its file (a Markdown
//! file, a folder, any other file), else read as written for the built site (relative to the
//! page's URL); a site path (`/aws/iam/`) gets the base path. Each internal link is recorded
//! with its place for the site-wide check; an image must exist now. A link that cannot work
//! is reported with the severity of `[links] internal`.

use super::{Origin, PendingLink, Rendered, Settings};
use crate::diagnostics::{Diagnostic, Location, UnknownId};

/// A destination split into its target and `#fragment`.
struct Dest<'d> {
    target: &'d str,
    fragment: Option<&'d str>,
}

impl<'d> Dest<'d> {
    fn new(dest: &'d str) -> Self {
        match dest.split_once('#') {
            Some((target, f)) => Dest {
                target,
                fragment: Some(f),
            },
            None => Dest {
                target: dest,
                fragment: None,
            },
        }
    }

    fn with_fragment(&self, url: String) -> String {
        match self.fragment {
            Some(f) => format!("{url}#{f}"),
            None => url,
        }
    }
}

/// Whether a destination leaves the site (`https:`, `mailto:`, `//host`).
fn is_external(target: &str) -> bool {
    target.starts_with("//")
        || target.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
}

/// The rewritten destination of a link, or `None` to keep it as written.
pub(super) fn rewrite_link(
    dest: &str,
    offset: usize,
    origin: &Origin<'_>,
    settings: &Settings<'_>,
    out: &mut Rendered,
) -> Option<String> {
    let d = Dest::new(dest);
    let record = |out: &mut Rendered, path: Option<String>| {
        std::sync::Arc::make_mut(&mut out.links).push(PendingLink {
            path,
            fragment: d.fragment.map(str::to_string),
            location: origin.link_location(offset),
        });
    };
    if d.target.is_empty() {
        if d.fragment.is_some() {
            record(out, None);
        }
        return None;
    }
    if let Some((scheme, id)) = d.target.split_once(':') {
        if let Some(found) = settings.links.resolve(scheme, id) {
            return match found {
                Ok(url) => {
                    record(out, Some(url.clone()));
                    Some(d.with_fragment(url))
                }
                Err(hint) => {
                    let unknown = UnknownId {
                        what: scheme,
                        id,
                        hint,
                    };
                    let mut e = unknown.link_error(origin.location(offset));
                    e.severity = settings.links.broken_link_severity();
                    out.diagnostics.push(e);
                    None
                }
            };
        }
    }
    if is_external(d.target) {
        return None;
    }
    if d.target.contains("{{") || d.target.contains("{%") {
        out.diagnostics.push(Diagnostic::warning(
            origin.location(offset),
            format!(
                "link to `{}`: a template expression only the original tool can fill in; \
                 left as written",
                crate::render::html_policy::abbreviate(d.target, 60)
            ),
        ));
        return None;
    }
    match internal_url(d.target, origin, settings) {
        Some(url) => {
            record(out, Some(url.clone()));
            Some(d.with_fragment(url))
        }
        None => {
            let what = match is_markdown(d.target) {
                true => "no such article",
                false => "no such page or file",
            };
            out.diagnostics.push(broken(
                settings,
                origin.location(offset),
                format!("link to `{}`: {what}", d.target),
            ));
            None
        }
    }
}

/// The rewritten source of an image, or `None` to keep it as written. A missing image is
/// reported now; one from another site is reported unless `[links] remote_images` allows it.
pub(super) fn rewrite_image(
    dest: &str,
    offset: usize,
    origin: &Origin<'_>,
    settings: &Settings<'_>,
    out: &mut Rendered,
) -> Option<String> {
    let d = Dest::new(dest);
    if d.target.is_empty() || d.target.starts_with("data:") {
        return None;
    }
    if crate::render::html_policy::is_dangerous_url(d.target) {
        return None; // the sanitiser or the page's policy stops it; it fetches nothing
    }
    if is_external(d.target) {
        if !settings.links.remote_images_allowed() {
            out.diagnostics.push(Diagnostic::warning(
                origin.location(offset),
                format!(
                    "image from another site `{}`: the page makes an outside request (and the \
                     site's Content-Security-Policy blocks it); copy it into content/ or set \
                     [links] remote_images = \"allow\"",
                    crate::render::html_policy::abbreviate(d.target, 60)
                ),
            ));
        }
        return None;
    }
    let found = match d.target.strip_prefix('/') {
        Some(site_path) => settings.links.resolve_file(site_path),
        None => settings.links.resolve_relative(origin.dir(), d.target),
    };
    if found.is_none() {
        out.diagnostics.push(broken(
            settings,
            origin.location(offset),
            format!("image `{}` not found", d.target),
        ));
    }
    found.map(|url| d.with_fragment(url))
}

/// A link inside the site: a site path, or a relative one looked up in the content tree,
/// else taken as relative to the page's own URL (checked once every page exists).
fn internal_url(target: &str, origin: &Origin<'_>, settings: &Settings<'_>) -> Option<String> {
    let links = settings.links;
    let is_markdown = is_markdown(target);
    if let Some(site_path) = target.strip_prefix('/') {
        if is_markdown {
            return links.resolve_relative("", site_path);
        }
        return Some(format!("{}{site_path}", links.base_path()));
    }
    if let Some(url) = links.resolve_relative(origin.dir(), target) {
        return Some(url);
    }
    let Origin::File { url, .. } = origin else {
        return None;
    };
    // A Markdown file is a source and must exist; anything else may be written for the
    // built site, relative to the page's URL.
    if is_markdown {
        return None;
    }
    let mut path = crate::site::normalise_path(&format!("{url}{target}"))?;
    if target.ends_with('/') && !path.is_empty() {
        path.push('/');
    }
    Some(format!("{}{path}", links.base_path()))
}

/// Whether a link names a Markdown source file.
fn is_markdown(target: &str) -> bool {
    target.ends_with(".md") || target.ends_with(".markdown")
}

/// A broken internal link or image, as `[links] internal` says.
fn broken(settings: &Settings<'_>, at: Location, message: String) -> Diagnostic {
    let mut d = Diagnostic::error(at, message);
    d.severity = settings.links.broken_link_severity();
    d
}

#[cfg(test)]
mod tests {
    use super::is_external;

    #[test]
    fn external_destinations_are_recognised() {
        for ext in ["https://x.org", "mailto:a@b", "//cdn.x/y.png", "tel:+1"] {
            assert!(is_external(ext), "{ext}");
        }
        for int in ["a.md", "../img/x.png", "/aws/", "iam/", "notes/a:b.md"] {
            assert!(!is_external(int), "{int}");
        }
    }
}
