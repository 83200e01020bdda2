//! Where an article is served: the content tree is the URL tree. `content/aws/iam/roles.md`
//! is `/aws/iam/roles/`; `index.md`, `_index.md` and `README.md` are their folder's page
//! (`content/aws/index.md` is `/aws/`, `content/index.md` the home page); every folder and
//! file name becomes a URL segment (lowercase, words joined by `-`, `_` kept as Hugo, MkDocs
//! and Jekyll keep it); front matter's `slug` replaces the last segment of a page that is not
//! an index. Hugo's translations (`page.fr.md`) go under their language (`/fr/page/`), the
//! English ones (`page.en.md`) where the page would be.

use super::{is_index_file, slugify, Article};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Sets the article's URL path and slug from its path relative to `content/` and its front
/// matter's `slug`; a name that gives an empty slug is `untitled`, with a warning.
pub(super) fn place(article: &mut Article, content_path: &str, diags: &mut Diagnostics) {
    let mut segments: Vec<&str> = content_path.split('/').collect();
    let file = segments.pop().unwrap_or_default();
    let (stem, language) = split_language(file.rsplit_once('.').map_or(file, |(stem, _)| stem));
    let mut slugs: Vec<String> = language
        .filter(|l| *l != "en")
        .into_iter()
        .chain(segments.iter().copied())
        .map(segment)
        .collect();
    let slug_override = article.slug_override.take();
    if !is_index_file(file) {
        let slug = match slug_override {
            Some((written, at)) => {
                let clean = segment(&written);
                if clean != written {
                    diags.push(Diagnostic::warning(
                        at,
                        format!("slug `{written}` is used as `{clean}`"),
                    ));
                }
                clean
            }
            None => segment(stem),
        };
        slugs.push(slug);
    }
    if slugs.iter().any(String::is_empty) {
        diags.push(Diagnostic::warning(
            Location::file(format!("content/{content_path}")),
            "a file or folder name gives an empty slug; using `untitled`",
        ));
    }
    let slugs: Vec<String> = slugs
        .into_iter()
        .map(|s| if s.is_empty() { "untitled".into() } else { s })
        .collect();
    article.slug = slugs.last().cloned().unwrap_or_else(|| "index".into());
    article.url_path = slugs.iter().map(|s| format!("{s}/")).collect();
}

/// `page.fr` → (`page`, `fr`): a file stem with Hugo's language suffix (two letters, or
/// `xx-yy`), and the stem alone otherwise.
pub(crate) fn split_language(stem: &str) -> (&str, Option<&str>) {
    let Some((name, lang)) = stem.rsplit_once('.') else {
        return (stem, None);
    };
    let letters = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_lowercase());
    let is_lang = match lang.split_once('-') {
        Some((a, b)) => letters(a) && (letters(b) || b.len() == 4 || b.len() == 2),
        None => letters(lang),
    };
    if is_lang && !name.is_empty() {
        (name, Some(lang))
    } else {
        (stem, None)
    }
}

/// A folder or file name as a URL segment: lowercase, `_` kept, spaces and other
/// separators `-`, other punctuation and emoji dropped (empty when nothing is left).
pub(crate) fn segment(name: &str) -> String {
    name.split('_')
        .map(slugify)
        .collect::<Vec<_>>()
        .join("_")
        .trim_matches('_')
        .to_string()
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
            ("commands/hugo_mod.md", "commands/hugo_mod/", "hugo_mod"),
            ("basics/_index.en.md", "basics/", "basics"),
            ("basics/_index.fr.md", "fr/basics/", "basics"),
            ("credits.fr.md", "fr/credits/", "credits"),
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
