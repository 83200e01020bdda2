//! Obsidian's wikilinks: `[[Page]]`, `[[Page|shown text]]`, `[[Page#Heading]]`,
//! `[[#Heading]]`, and embeds `![[image.png]]` (a note embedded with `![[Note]]` is shown as
//! a link to it). pulldown-cmark parses them; here each target is resolved by name (see
//! [`crate::site::wikilinks`]) and recorded like any internal link.

use super::headings::heading_slug;
use super::{Origin, PendingLink, Rendered, Settings};
use crate::diagnostics::Diagnostic;

/// Extensions of files an embed shows as an image.
const IMAGES: &[&str] = &["png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp"];

/// Whether an embed `![[name]]` shows an image (else it is a link to a note or file).
pub(super) fn embeds_image(name: &str) -> bool {
    let page = name.split(['#', '|']).next().unwrap_or(name);
    page.rsplit_once('.')
        .is_some_and(|(_, ext)| IMAGES.contains(&ext.to_ascii_lowercase().as_str()))
}

/// The URL of a wikilink's target (`Page#Heading`), or `None` (reported) when nothing has
/// that name.
pub(super) fn target(
    dest: &str,
    offset: usize,
    origin: &Origin<'_>,
    settings: &Settings<'_>,
    out: &mut Rendered,
) -> Option<String> {
    // In a table the pipe of `[[Page\|text]]` is escaped: the backslash is not the name's.
    let dest = dest.trim().trim_end_matches('\\');
    // `Page#Heading#Subheading` lands on the last heading.
    let (page, heading) = match dest.split_once('#') {
        Some((p, h)) => (p.trim(), h.rsplit('#').next().map(str::trim)),
        None => (dest, None),
    };
    // A block reference (`#^id`) has no anchor here: the link goes to the page.
    let fragment = heading
        .filter(|h| !h.starts_with('^') && !h.is_empty())
        .map(heading_slug);
    let url = if page.is_empty() {
        None
    } else {
        match settings.links.resolve_wikilink(origin.dir(), page) {
            Some(url) => Some(url),
            None => {
                let mut d = Diagnostic::error(
                    origin.location(offset),
                    format!("wikilink `[[{dest}]]`: no note or file has that name"),
                );
                d.severity = settings.links.broken_link_severity();
                out.diagnostics.push(d);
                return None;
            }
        }
    };
    if url.is_some() || fragment.is_some() {
        std::sync::Arc::make_mut(&mut out.links).push(PendingLink {
            path: url.clone(),
            fragment: fragment.clone(),
            location: origin.link_location(offset),
        });
    }
    Some(match fragment {
        Some(f) => format!("{}#{f}", url.unwrap_or_default()),
        None => url.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::embeds_image;

    #[test]
    fn images_are_told_from_notes_by_extension() {
        assert!(embeds_image("Screenshot 2024.PNG"));
        assert!(embeds_image("diagram.svg|300"));
        assert!(!embeds_image("Internal links"));
        assert!(!embeds_image("paper.pdf"));
    }
}
