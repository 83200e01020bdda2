//! Link destinations: scheme links (`service:s3`) and links to other files resolved to site
//! URLs, each internal link recorded with its place for the site-wide check.

use super::{Origin, PendingLink, Rendered, Settings};
use crate::diagnostics::{Diagnostic, UnknownId};

/// Returns the rewritten destination, or `None` to keep it as written.
pub(super) fn rewrite_link(
    dest: &str,
    offset: usize,
    origin: &Origin<'_>,
    settings: &Settings<'_>,
    out: &mut Rendered,
) -> Option<String> {
    let (target, fragment) = match dest.split_once('#') {
        Some((t, f)) => (t, Some(f.to_string())),
        None => (dest, None),
    };
    let with_fragment = |url: String| match &fragment {
        Some(f) => format!("{url}#{f}"),
        None => url,
    };
    let record = |out: &mut Rendered, path: Option<String>| {
        out.links.push(PendingLink {
            path,
            fragment: fragment.clone(),
            location: origin.link_location(offset),
        });
    };
    if target.is_empty() {
        if fragment.is_some() {
            record(out, None);
        }
        return None;
    }
    if let Some((scheme, id)) = target.split_once(':') {
        // `None`: not a scheme of the site (https:, mailto: … are external).
        return match settings.links.resolve(scheme, id) {
            Some(Ok(url)) => {
                record(out, Some(url.clone()));
                Some(with_fragment(url))
            }
            Some(Err(hint)) => {
                let unknown = UnknownId {
                    what: scheme,
                    id,
                    hint,
                };
                out.diagnostics
                    .push(unknown.link_error(origin.location(offset)));
                None
            }
            None => None,
        };
    }
    if target.starts_with("//") {
        return None;
    }
    if let Some(abs) = target.strip_prefix('/') {
        let url = format!("{}{abs}", settings.links.base_path());
        record(out, Some(url.clone()));
        return Some(with_fragment(url));
    }
    if target.ends_with(".md") || target.contains(".md#") {
        let dir = match origin {
            Origin::File { dir, .. } => *dir,
            Origin::Value(_) => "",
        };
        return match settings.links.resolve_markdown(dir, target) {
            Some(url) => {
                record(out, Some(url.clone()));
                Some(with_fragment(url))
            }
            None => {
                out.diagnostics.push(Diagnostic::error(
                    origin.location(offset),
                    format!("link to `{target}`: no such article"),
                ));
                None
            }
        };
    }
    None
}
