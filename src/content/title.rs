//! An article's title when its front matter gives none: the first `#` heading as plain text
//! (markup, HTML and escapes removed), else the file name made readable. A guess never takes
//! a callout marker, a template tag or whatever line happens to come first.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A title found in the body: the first-level heading that opens the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeadingTitle {
    /// The heading's text, plain.
    pub text: String,
    /// Byte offset of the heading in the body.
    pub offset: usize,
}

/// The first `#` heading of `body` as plain text, if it comes before any other heading and
/// reads as a title (not empty, not a template tag).
pub(crate) fn first_heading(body: &str) -> Option<HeadingTitle> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    opts.insert(Options::ENABLE_TABLES);
    let mut text: Option<(String, usize)> = None;
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        match (&mut text, event) {
            (None, Event::Start(Tag::Heading { level, .. })) => {
                if level != HeadingLevel::H1 {
                    return None;
                }
                text = Some((String::new(), range.start));
            }
            (Some((t, _)), Event::Text(s) | Event::Code(s)) => t.push_str(&s),
            (Some((t, _)), Event::SoftBreak | Event::HardBreak) => t.push(' '),
            (Some(_), Event::End(TagEnd::Heading(_))) => break,
            _ => {}
        }
    }
    let (raw, offset) = text?;
    let text = plain_title(&raw)?;
    Some(HeadingTitle { text, offset })
}

/// Text cleaned into a title: wikilink brackets dropped (`[[Page|Shown]]` → `Shown`),
/// spaces collapsed; `None` when nothing readable is left or it is a template tag.
fn plain_title(raw: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find("[[") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let inner = &after[..end];
        out.push_str(inner.rsplit('|').next().unwrap_or(inner));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    let title = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let template = ["{{", "{%", "}}", "%}"].iter().any(|t| title.contains(t));
    (title.chars().any(char::is_alphanumeric) && !template).then_some(title)
}

/// The file name as a title: `aws-iam_roles.md` → `Aws iam roles`, `AWS IAM.md` → `AWS IAM`,
/// `2024-01-05-first-post.md` → `First post`. An index file (`index.md`, `_index.md`,
/// `README.md`) is named after its folder; at the top of the content, `Home`.
pub(crate) fn from_file_name(content_path: &str) -> String {
    let path = std::path::Path::new(content_path);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let name = if super::is_index_file(content_path) {
        let folder = path.parent().and_then(|p| p.file_name());
        match folder {
            Some(f) => f.to_string_lossy().into_owned(),
            None => return "Home".into(),
        }
    } else {
        strip_date_prefix(super::url::split_language(&stem).0).to_string()
    };
    // A name with spaces is already words (`Pop-out windows.md`); others are joined by `-`
    // or `_` (`aws-iam_roles.md`).
    let separators: &[char] = if name.contains(' ') {
        &[' ']
    } else {
        &['-', '_']
    };
    let words: Vec<&str> = name.split(separators).filter(|w| !w.is_empty()).collect();
    let mut title = words.join(" ");
    if !title.chars().any(char::is_uppercase) {
        if let Some(first) = title.chars().next() {
            title = first.to_uppercase().chain(title.chars().skip(1)).collect();
        }
    }
    if title.is_empty() {
        "Untitled".into()
    } else {
        title
    }
}

/// `2024-01-05-first-post` → `first-post` (Jekyll's post names); other names unchanged.
fn strip_date_prefix(stem: &str) -> &str {
    let b = stem.as_bytes();
    let dated = b.len() > 11
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && b[10] == b'-';
    if dated {
        &stem[11..]
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_heading_is_plain_text() {
        let h = first_heading("Intro.\n\n# Lambda *execution* `role`<a id=\"x\"></a> \\& more\n")
            .unwrap();
        assert_eq!(h.text, "Lambda execution role & more");
        assert_eq!(h.offset, 8);
        let h = first_heading("Setext title\n============\n\ntext\n").unwrap();
        assert_eq!(h.text, "Setext title");
        assert_eq!(
            first_heading("# [[IAM roles|Roles]] and [[S3]]\n")
                .unwrap()
                .text,
            "Roles and S3"
        );
    }

    #[test]
    fn no_title_from_a_later_heading_a_callout_or_a_template_tag() {
        assert_eq!(first_heading("## Part\n\n# Late title\n"), None);
        assert_eq!(
            first_heading("> [!info] Here's a callout title\n\nText\n"),
            None
        );
        assert_eq!(first_heading("# {% include navigation.html %}\n"), None);
        assert_eq!(first_heading("# {{< param title >}}\n"), None);
        assert_eq!(first_heading("```\n# not a heading\n```\n"), None);
        assert_eq!(first_heading("#\n"), None);
    }

    #[test]
    fn file_names_become_readable_titles() {
        assert_eq!(from_file_name("aws/aws-iam_roles.md"), "Aws iam roles");
        assert_eq!(from_file_name("notes/AWS IAM Roles.md"), "AWS IAM Roles");
        assert_eq!(from_file_name("ui/Pop-out windows.md"), "Pop-out windows");
        assert_eq!(
            from_file_name("2-factor authentication.md"),
            "2-factor authentication"
        );
        assert_eq!(
            from_file_name("_posts/2024-01-05-first-post.md"),
            "First post"
        );
        assert_eq!(
            from_file_name("guides/getting-started/index.md"),
            "Getting started"
        );
        assert_eq!(from_file_name("aws/README.md"), "Aws");
        assert_eq!(from_file_name("_index.md"), "Home");
        assert_eq!(from_file_name("credits.en.md"), "Credits");
    }
}
