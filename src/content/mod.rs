//! Articles: every `.md` file under `content/` (outside `content/data/`), turned into an
//! [`Article`] with its metadata: front matter read in [`frontmatter`] (YAML or TOML) and
//! mapped in [`meta`] (other tools' keys too), the title in [`title`], the URL in [`url`].
//! Messy notes are accepted and every guess that changes content is reported as a warning at
//! its place: Obsidian headers ([`obsidian`]), mis-decoded text ([`mojibake`]).

pub(crate) mod frontmatter;
pub(crate) mod meta;
pub(crate) mod mojibake;
pub(crate) mod obsidian;
pub(crate) mod title;
pub(crate) mod url;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::source::SourceFile;
use std::sync::Arc;

pub(crate) use meta::unknown_key_warnings;

/// A reference to a dataset entity written in front matter, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IdRef {
    /// The id as written.
    pub id: String,
    /// Where it was written.
    pub location: Location,
}

/// An old URL of an article (`aliases`, `redirect_from`): a page there redirects to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Redirect {
    /// The old URL path as written (absolute, or relative to the article's folder).
    pub from: String,
    /// Where it was written.
    pub location: Location,
}

/// One article, ready to render.
#[derive(Debug, Clone)]
pub(crate) struct Article {
    /// The (normalised, possibly repaired) source text.
    pub source: Arc<SourceFile>,
    /// The last segment of its URL (its folder's name for an index page, `index` for the
    /// home page): what `article:<slug>` links name.
    pub slug: String,
    /// Its URL path relative to the base path: `aws/iam/roles/`, empty for the home page.
    pub url_path: String,
    /// Title (front matter, else the first `#` heading, else the file name made readable).
    pub title: String,
    /// True when the first `#` heading is the title (taken from it, or equal to the front
    /// matter's), so the body does not repeat it.
    pub title_from_heading: bool,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// `YYYY-MM-DD` of the last revision.
    pub updated: Option<String>,
    /// One-sentence summary.
    pub summary: Option<String>,
    /// Tags, as written.
    pub tags: Vec<String>,
    /// Author names.
    pub authors: Vec<String>,
    /// Built only with `--drafts`.
    pub draft: bool,
    /// Ordering weight, lower first.
    pub weight: i64,
    /// Services named in front matter.
    pub services: Vec<IdRef>,
    /// Controls named in front matter.
    pub controls: Vec<IdRef>,
    /// Scenarios named in front matter.
    pub scenarios: Vec<IdRef>,
    /// Old URLs that redirect here.
    pub redirects: Vec<Redirect>,
    /// Other names of the article (Obsidian `aliases` that are not URLs).
    pub names: Vec<String>,
    /// Front-matter keys srm-docs does not use (kept in `extra`), with where each is written.
    pub unknown_keys: Vec<(String, Location)>,
    /// Every front-matter key that is not one of srm-docs's own, with its value.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// `slug` from front matter, as written, with its place.
    pub slug_override: Option<(String, Location)>,
    /// Byte offset of the Markdown body in `source.text`.
    pub body_offset: usize,
    /// Hash of the file's path and bytes (set by the pipeline; keys every derived result).
    pub source_key: blake3::Hash,
}

impl Article {
    /// The Markdown body.
    pub(crate) fn body(&self) -> &str {
        &self.source.text[self.body_offset..]
    }

    /// Adds an `aliases`/`redirect_from` entry: a URL path becomes a redirect, anything else
    /// (Obsidian's alternative names: words, spaces, capitals) another name of the article.
    fn add_alias(&mut self, alias: String, at: &Location) {
        if alias.contains(':') {
            return; // a pattern (`/:year/:title/`) or a full URL: no page of ours is there
        }
        let url_like = alias.starts_with('/')
            || alias.ends_with(".html")
            || (alias.contains('/') && !alias.contains(char::is_whitespace));
        if url_like {
            self.redirects.push(Redirect {
                from: alias,
                location: at.clone(),
            });
        } else if !self.names.contains(&alias) {
            self.names.push(alias);
        }
    }
}

/// Parses one article from its raw bytes. Errors and warnings go to `diags`; `None` means the
/// file could not become an article at all.
pub(crate) fn parse_article(path: &str, bytes: &[u8], diags: &mut Diagnostics) -> Option<Article> {
    let file = match SourceFile::from_bytes(path, bytes) {
        Ok(f) => f,
        Err(crate::source::DecodeError::NotUtf8 { line, col }) => {
            diags.push(Diagnostic::error(
                Location {
                    path: path.into(),
                    line_col: Some((line, col)),
                    line_text: None,
                },
                "file is not valid UTF-8 (save it as UTF-8)",
            ));
            return None;
        }
    };
    let file = repair_mojibake(file, diags);
    let mut article = Article::empty(Arc::new(file));
    let source = article.source.clone();
    match frontmatter::split(&source.text) {
        Err(offset) => {
            diags.push(Diagnostic::error(
                Location::at(&source, offset),
                "front matter opened with `---` or `+++` is never closed",
            ));
            return None;
        }
        Ok(Some(block)) => {
            let fields = match frontmatter::parse(&source, &block) {
                Ok(fields) => fields,
                Err(d) => {
                    diags.push(d);
                    return None;
                }
            };
            article.body_offset = block.body_offset;
            meta::apply(&mut article, fields, diags);
        }
        Ok(None) => apply_fallbacks(&mut article, diags),
    }
    let content_path = path.strip_prefix("content/").unwrap_or(path);
    set_title(&mut article, content_path);
    url::place(&mut article, content_path, diags);
    Some(article)
}

impl Article {
    /// An article of `source` with no metadata yet.
    fn empty(source: Arc<SourceFile>) -> Self {
        Article {
            source,
            slug: String::new(),
            url_path: String::new(),
            title: String::new(),
            title_from_heading: false,
            date: None,
            updated: None,
            summary: None,
            tags: Vec::new(),
            authors: Vec::new(),
            draft: false,
            weight: 0,
            services: Vec::new(),
            controls: Vec::new(),
            scenarios: Vec::new(),
            redirects: Vec::new(),
            names: Vec::new(),
            unknown_keys: Vec::new(),
            extra: serde_json::Map::new(),
            slug_override: None,
            body_offset: 0,
            source_key: blake3::Hash::from_bytes([0; 32]),
        }
    }
}

/// No front matter: read an Obsidian header if there is one.
fn apply_fallbacks(article: &mut Article, diags: &mut Diagnostics) {
    let source = article.source.clone();
    let Some(header) = obsidian::header(&source.text) else {
        return;
    };
    article.body_offset = header.body_offset;
    if let Some((date, line)) = header.date {
        diags.push(Diagnostic::warning(
            Location::line_col(&source, line, 1),
            format!("no front matter: date {date} taken from the day-first timestamp line"),
        ));
        article.date = Some(date);
    }
    article.tags = header.tags;
}

/// The title when front matter gives none: the first `#` heading, else the file name. A
/// first heading that repeats the title is not shown twice either way.
fn set_title(article: &mut Article, content_path: &str) {
    let heading = title::first_heading(article.body());
    match heading {
        Some(h) if article.title.is_empty() || article.title == h.text => {
            article.title = h.text;
            article.title_from_heading = true;
        }
        _ if article.title.is_empty() => article.title = title::from_file_name(content_path),
        _ => {}
    }
}

/// Whether a file is its folder's page: `index.md`, `_index.md` or `README.md` (any case,
/// `.md` or `.markdown`).
pub(crate) fn is_index_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let stem = name
        .strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))
        .unwrap_or(&name);
    matches!(url::split_language(stem).0, "index" | "_index" | "readme")
}

fn repair_mojibake(file: SourceFile, diags: &mut Diagnostics) -> SourceFile {
    match mojibake::repair(&file.text) {
        mojibake::Repair::Clean => file,
        mojibake::Repair::Repaired { text, replaced } => {
            diags.push(Diagnostic::warning(
                Location::file(&file.path),
                format!(
                    "repaired {replaced} mis-decoded sequence(s): the text was UTF-8 read as Windows-1252"
                ),
            ));
            SourceFile::new(file.path.clone(), &text)
        }
        mojibake::Repair::Suspicious { offset } => {
            diags.push(Diagnostic::warning(
                Location::at(&file, offset),
                "text looks mis-decoded (UTF-8 read as Windows-1252) but cannot be repaired exactly; kept as is",
            ));
            file
        }
    }
}

/// Lowercase, hyphen-separated slug; emoji, variation selectors and punctuation dropped.
pub(crate) fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || matches!(c, '-' | '_' | '.' | '/' | ':') {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Article>, Diagnostics) {
        let mut d = Diagnostics::new();
        let a = parse_article("content/a-note.md", text.as_bytes(), &mut d);
        (a, d)
    }

    #[test]
    fn slugs_drop_emoji_and_punctuation() {
        assert_eq!(slugify("🛡️ Shield & WAF: basics"), "shield-waf-basics");
        assert_eq!(slugify("EC2 — the guest OS"), "ec2-the-guest-os");
    }

    #[test]
    fn front_matter_error_is_reported_in_file_coordinates() {
        let (a, d) = parse("---\ntitle: A\ntitel: red\n---\nbody\n");
        assert!(a.is_some());
        let e = &d.errors()[0];
        assert_eq!(e.location.line_col, Some((3, 1)), "{}", e.message);
        assert_eq!(e.help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn note_without_front_matter_takes_its_heading() {
        let (a, d) = parse("Some intro line\n\n# The real title\ntext\n");
        let a = a.unwrap();
        assert_eq!(a.title, "The real title");
        assert!(a.title_from_heading);
        assert!(
            d.is_empty(),
            "no warning for a title taken from the heading"
        );
    }

    #[test]
    fn without_a_heading_the_file_name_is_the_title_never_a_callout_or_a_tag() {
        for body in [
            "> [!info] Here's a callout title\n\nText.\n",
            "{% include navigation.html %}\n\nText.\n",
            "Workspace\n\nText.\n",
        ] {
            let (a, d) = parse(body);
            assert_eq!(a.unwrap().title, "A note", "{body}");
            assert!(d.is_empty());
        }
    }

    #[test]
    fn a_heading_equal_to_the_front_matter_title_is_not_repeated() {
        let (a, _) = parse("---\ntitle: Roles\n---\n# Roles\n\nText.\n");
        assert!(a.unwrap().title_from_heading);
        let (a, _) = parse("---\ntitle: Roles\n---\n# Other\n\nText.\n");
        let a = a.unwrap();
        assert!(!a.title_from_heading);
        assert_eq!(a.title, "Roles");
    }

    #[test]
    fn index_files_are_their_folders_pages() {
        for index in [
            "a/index.md",
            "_index.md",
            "b/README.md",
            "c/readme.markdown",
        ] {
            assert!(is_index_file(index), "{index}");
        }
        for page in ["a/indexes.md", "readme-first.md", "b/info.md"] {
            assert!(!is_index_file(page), "{page}");
        }
    }

    #[test]
    fn obsidian_note_gets_date_and_tags() {
        let (a, _) = parse("15-06-2025 11:35:16\nStatus : #done\nTags : [[aws]]\n\n# 5 - Model\n");
        let a = a.unwrap();
        assert_eq!(a.date.as_deref(), Some("2025-06-15"));
        assert_eq!(a.tags, vec!["aws"]);
        assert_eq!(a.title, "5 - Model");
    }

    #[test]
    fn front_matter_ids_keep_positions() {
        let (a, _) = parse("---\ntitle: A\nservices: [ec2, s4]\n---\n");
        let a = a.unwrap();
        assert_eq!(a.services[1].id, "s4");
        assert_eq!(a.services[1].location.line_col, Some((3, 17)));
    }
}
