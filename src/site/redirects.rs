//! Redirect pages for the old URLs of articles (`aliases`, `redirect_from`): a page moved
//! from another tool keeps working at its old address. Each is a small HTML page with a
//! canonical link and a meta refresh (no script, so the site's CSP allows it).

use super::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::escape::escape_html;

/// One redirect page to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RedirectPage {
    /// Output file relative to the site root (`old/path/index.html`).
    pub path: String,
    /// Its URL path (with the base path), for link checking.
    pub url: String,
    /// The HTML.
    pub html: String,
}

/// The redirect pages of every article. One whose path is taken (by a page, a file or an
/// earlier redirect, all in `taken`) is not written and is reported.
pub(crate) fn redirect_pages(
    site: &Site<'_>,
    taken: &dyn Fn(&str) -> bool,
    diags: &mut Diagnostics,
) -> Vec<RedirectPage> {
    let mut pages: Vec<RedirectPage> = Vec::new();
    for a in &site.articles {
        let target = site.article_url(a);
        let folder = target
            .trim_start_matches(site.config.base_path.as_str())
            .trim_end_matches('/');
        let folder = folder.rsplit_once('/').map_or("", |(f, _)| f);
        for r in &a.redirects {
            let Some(path) = output_path(folder, &r.from) else {
                diags.push(Diagnostic::warning(
                    r.location.clone(),
                    format!(
                        "old URL `{}` is the home page or outside the site: no redirect written",
                        r.from
                    ),
                ));
                continue;
            };
            if path == format!("{}index.html", a.url_path) {
                continue; // the article is already there
            }
            if taken(&path) || pages.iter().any(|p| p.path == path) {
                diags.push(Diagnostic::warning(
                    r.location.clone(),
                    format!(
                        "old URL `{}` is taken by another page or file: no redirect written",
                        r.from
                    ),
                ));
                continue;
            }
            let url = site.url(path.trim_end_matches("index.html"));
            let permalink = site
                .config
                .permalink(target.trim_start_matches(site.config.base_path.as_str()));
            pages.push(RedirectPage {
                html: redirect_html(&target, &permalink, &site.config.language),
                path,
                url,
            });
        }
    }
    pages
}

/// The output file of an old URL (relative ones start from the article's `folder`): a
/// `.html` name as is, anything else as a folder's `index.html`. `None` for the site root
/// or a path that climbs out of the site.
fn output_path(folder: &str, from: &str) -> Option<String> {
    let joined = match from.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("{folder}/{from}"),
    };
    let clean = super::normalise_path(joined.split(['#', '?']).next().unwrap_or(""))?;
    if clean.is_empty() {
        return None;
    }
    Some(if clean.ends_with(".html") || clean.ends_with(".htm") {
        clean
    } else {
        format!("{clean}/index.html")
    })
}

/// A page that sends the reader (and search engines) to `target`.
fn redirect_html(target: &str, permalink: &str, language: &str) -> String {
    let (target, permalink) = (escape_html(target), escape_html(permalink));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Moved to {permalink}</title>\n<link rel=\"canonical\" href=\"{permalink}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n\
         <p>This page has moved to <a href=\"{target}\">{permalink}</a>.</p>\n</body>\n</html>\n",
        lang = escape_html(language)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_urls_become_files_under_the_site() {
        assert_eq!(
            output_path("articles", "/old/page/").as_deref(),
            Some("old/page/index.html")
        );
        assert_eq!(
            output_path("articles", "/old/page").as_deref(),
            Some("old/page/index.html")
        );
        assert_eq!(
            output_path("articles", "/old.html").as_deref(),
            Some("old.html")
        );
        assert_eq!(
            output_path("guides/aws", "../v1/iam/").as_deref(),
            Some("guides/v1/iam/index.html")
        );
        assert_eq!(output_path("", "/"), None);
        assert_eq!(output_path("a", "../../x/"), None);
    }

    #[test]
    fn the_page_refreshes_to_the_target_and_names_it_canonical() {
        let html = redirect_html("/docs/new/", "https://x.org/docs/new/", "en");
        assert!(html.contains("<meta http-equiv=\"refresh\" content=\"0; url=/docs/new/\">"));
        assert!(html.contains("<link rel=\"canonical\" href=\"https://x.org/docs/new/\">"));
        assert!(!html.contains("<script"));
    }
}
