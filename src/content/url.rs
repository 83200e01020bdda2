//! Where an article is served: the content tree is the URL tree. `content/aws/iam/roles.md`
//! is `/aws/iam/roles/`; `index.md`, `_index.md` and `README.md` are their folder's page
//! (`content/aws/index.md` is `/aws/`, `content/index.md` the home page); every folder and
//! file name becomes a slug; front matter's `slug` replaces the last segment of a page that is
//! not an index.

use super::{is_index_file, slugify, Article};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Sets the article's URL path and slug from its path relative to `content/` and its front
/// matter's `slug`; a name that gives an empty slug is `untitled`, with a warning.
pub(super) fn place(article: &mut Article, content_path: &str, diags: &mut Diagnostics) {
    let mut segments: Vec<&str> = content_path.split('/').collect();
    let file = segments.pop().unwrap_or_default();
    let mut slugs: Vec<String> = segments.iter().map(|s| slugify(s)).collect();
    let slug_override = article.slug_override.take();
    if !is_index_file(file) {
        let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
        let slug = match slug_override {
            Some((written, at)) => {
                let clean = slugify(&written);
                if clean != written {
                    diags.push(Diagnostic::warning(
                        at,
                        format!("slug `{written}` is used as `{clean}`"),
                    ));
                }
                clean
            }
            None => slugify(stem),
        };
        slugs.push(slug);
    }
    if slugs.iter().any(String::is_empty) {
        diags.push(Diagnostic::warning(
            Location::file(format!("content/{content_path}")),
            "a file or folder name gives an empty slug; using `untitled`",
        ));
    }
    let slugs: Vec<String> = slugs.into_iter().map(|s| segment_slug(&s)).collect();
    article.slug = slugs.last().cloned().unwrap_or_else(|| "index".into());
    article.url_path = slugs.iter().map(|s| format!("{s}/")).collect();
}

/// A folder or file name as a URL segment (`untitled` when nothing is left).
fn segment_slug(name: &str) -> String {
    let slug = slugify(name);
    if slug.is_empty() {
        "untitled".into()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use crate::content::parse_article;
    use crate::diagnostics::Diagnostics;

    fn url(path: &str, text: &str) -> (String, String, Diagnostics) {
        let mut d = Diagnostics::new();
        let a = parse_article(&format!("content/{path}"), text.as_bytes(), &mut d).unwrap();
        (a.url_path, a.slug, d)
    }

    #[test]
    fn the_content_tree_is_the_url_tree() {
        for (path, expected, slug) in [
            ("aws/iam/roles.md", "aws/iam/roles/", "roles"),
            (
                "articles/shared-model.md",
                "articles/shared-model/",
                "shared-model",
            ),
            ("aws/index.md", "aws/", "aws"),
            ("aws/iam/_index.md", "aws/iam/", "iam"),
            (
                "Security Notes/README.md",
                "security-notes/",
                "security-notes",
            ),
            ("index.md", "", "index"),
            ("AWS IAM Roles.md", "aws-iam-roles/", "aws-iam-roles"),
        ] {
            let (got, got_slug, d) = url(path, "# T\n");
            assert_eq!(
                (got.as_str(), got_slug.as_str()),
                (expected, slug),
                "{path}"
            );
            assert!(d.is_empty(), "{path}");
        }
    }

    #[test]
    fn slug_replaces_the_last_segment_of_a_page() {
        let (got, _, d) = url("aws/iam/roles.md", "---\nslug: Role Basics\n---\n");
        assert_eq!(got, "aws/iam/role-basics/");
        assert_eq!(
            d.sorted()[0].headline(),
            "content/aws/iam/roles.md:2:7: warning: slug `Role Basics` is used as `role-basics`"
        );
    }

    #[test]
    fn an_empty_slug_is_untitled_with_a_warning() {
        let (got, _, d) = url("🛡️/x.md", "# T\n");
        assert_eq!(got, "untitled/x/");
        assert_eq!(d.counts(), (0, 1));
    }
}
