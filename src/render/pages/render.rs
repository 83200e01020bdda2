//! Tera over the pages, in parallel: a page whose key is cached is reused as it is; the
//! others are rendered with their context, the site-wide context and their URL, and their
//! HTML, ids, search entry, links and Markdown warnings are kept together (and cached).

use super::site_context::SiteContext;
use super::{headings, relative, scrollables};
use super::{Content, Page, PageContext, RenderedPage};
use crate::cache::{BuildCache, PageArtifacts};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::render::markdown::PageLinks;
use crate::render::templates::{self, Theme};
use crate::site::links;
use rayon::prelude::*;
use std::sync::Arc;

/// Renders pages with Tera in parallel, reusing every page whose key is cached. Template
/// failures become diagnostics (the page is left out).
pub(crate) fn render_pages(
    theme: &Theme,
    site: &SiteContext<'_>,
    pages: Vec<Page<'_>>,
    cache: &BuildCache,
    diags: &mut Diagnostics,
) -> Vec<RenderedPage> {
    let results: Vec<Result<RenderedPage, Failure>> = pages
        .into_par_iter()
        .map(|p| render_page(theme.tera(), site, p, cache))
        .collect();
    let mut out = Vec::with_capacity(results.len());
    let mut failures: Vec<(Failure, usize)> = Vec::new();
    for r in results {
        match r {
            Ok(p) => out.push(p),
            Err(f) => match failures.iter_mut().find(|(g, _)| g.same_cause(&f)) {
                Some((_, n)) => *n += 1,
                None => failures.push((f, 1)),
            },
        }
    }
    for (f, pages) in failures {
        diags.push(f.diagnostic(theme, pages));
    }
    out
}

/// A page that could not be rendered.
struct Failure {
    template: String,
    path: String,
    message: String,
}

impl Failure {
    /// Whether two failures have one cause (the same message once Tera's naming of the
    /// page's own template is taken out): they are reported once.
    fn same_cause(&self, other: &Failure) -> bool {
        cause(&self.message) == cause(&other.message)
    }

    /// The error, at the template file and line the failure comes from, naming how many
    /// pages it stopped.
    fn diagnostic(&self, theme: &Theme, pages: usize) -> Diagnostic {
        let others = match pages {
            1 => String::new(),
            n => format!(" and {} other page(s)", n - 1),
        };
        Diagnostic::error(
            theme.locate(&self.template, &self.message),
            format!(
                "template error while rendering {}{others}: {}",
                self.path,
                cause(&self.message)
            ),
        )
    }
}

/// One page: from the cache, else through its template.
fn render_page(
    tera: &tera::Tera,
    site: &SiteContext<'_>,
    page: Page<'_>,
    cache: &BuildCache,
) -> Result<RenderedPage, Failure> {
    let Page {
        path,
        url,
        template,
        key,
        in_sitemap,
        content,
    } = page;
    let mut failure = None;
    let artifacts = match content {
        Content::Fetched(artifacts) => artifacts,
        Content::Cached => cache.page_or(key, || {
            failure = Some("the cached page disappeared during the build".to_string());
            Arc::new(failed())
        }),
        Content::Render { context, links } => cache.page_or(key, || {
            match apply_template(tera, site, template, &path, &url, &context, links) {
                Ok(artifacts) => Arc::new(artifacts),
                Err(e) => {
                    failure = Some(templates::chain(&e));
                    Arc::new(failed())
                }
            }
        }),
    };
    if failure.is_none() && artifacts.html.is_empty() {
        failure = Some("rendering failed earlier with the same inputs".into());
    }
    match failure {
        None => Ok(RenderedPage {
            path,
            url,
            artifacts,
            key,
            in_sitemap,
        }),
        Some(message) => Err(Failure {
            template: template.to_string(),
            path,
            message,
        }),
    }
}

/// Tera's message without the parts that name the page's own template (`Failed to render
/// 'article.html': … while rendering 'article.html'`), which mislead when the fault is in
/// a template it extends or includes.
fn cause(message: &str) -> String {
    let mut text = message;
    if text.starts_with("Failed to render '") {
        text = text.split_once(": ").map_or(text, |(_, after)| after);
    }
    match text.rfind(" while rendering '") {
        Some(i) if text.ends_with('\'') => text[..i].to_string(),
        _ => text.to_string(),
    }
}

/// Renders one page's template and gathers what later stages need from it.
fn apply_template(
    tera: &tera::Tera,
    site: &SiteContext<'_>,
    template: &str,
    path: &str,
    url: &str,
    context: &PageContext<'_>,
    mut links: PageLinks,
) -> Result<PageArtifacts, tera::Error> {
    let mut ctx = tera::Context::from_serialize(context)?;
    ctx.insert("site", site);
    ctx.insert("current_url", url);
    ctx.insert("sidebar", &site.navigation.sidebar_html(url));
    if template != "404.html" {
        let own = url.strip_prefix(site.base_path.as_str()).unwrap_or(url);
        ctx.insert("permalink", &format!("{}{own}", site.base_url));
        ctx.insert("breadcrumbs", &site.navigation.breadcrumbs(url));
        ctx.insert("pager", &site.navigation.pager(url));
    }
    let mut html = scrollables::decorate(&headings::decorate(&tera.render(template, &ctx)?));
    // The 404 page is served at any missing URL: only absolute URLs work there.
    if template != "404.html" {
        let relative = relative::Relative {
            base: site.base_path.as_str(),
            explicit_index: site.explicit_index,
        };
        html = relative.rewrite(&html, url);
    }
    let body = context.body();
    // Kept until written: no growth slack held for thousands of pages.
    html.shrink_to_fit();
    if let Some(body) = body {
        links.add(&body.links);
    }
    Ok(PageArtifacts {
        links,
        diagnostics: body.map(|b| b.diagnostics.clone()).unwrap_or_default(),
        ids: links::ids_in(&html),
        search: crate::site::search::page_doc(path, &html),
        html,
    })
}

/// What is cached for a page that failed to render: no HTML, so a later build with the same
/// inputs reports the failure again.
fn failed() -> PageArtifacts {
    PageArtifacts {
        links: Default::default(),
        diagnostics: Default::default(),
        html: String::new(),
        ids: Default::default(),
        search: None,
    }
}
