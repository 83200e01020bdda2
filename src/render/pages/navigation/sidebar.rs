//! The sidebar's HTML for one page. Every page shows one, so it is written here rather than
//! by a template loop: in Tera its hundred-odd variable look-ups per page were about a
//! twentieth of a build's CPU. Templates still get the groups as `site.sidebar`.

use super::{NavGroup, Navigation};
use std::fmt::Write;
use tera::escape_html;

impl Navigation {
    /// The sidebar of the page at `current` (empty when the site has no groups): the groups
    /// whose folder holds the page, the page's own group open with its first pages, and the
    /// page's own link marked as the current one.
    pub(crate) fn sidebar_html(&self, current: &str) -> String {
        if self.sidebar.is_empty() {
            return String::new();
        }
        let mut out = String::from("<nav class=\"sidebar\" aria-label=\"Site contents\">\n");
        for group in self.sidebar.iter() {
            if current.starts_with(&group.parent) {
                push_group(&mut out, group, current);
            }
        }
        out.push_str("</nav>\n");
        out
    }
}

fn push_group(out: &mut String, group: &NavGroup, current: &str) {
    let inside = current.starts_with(&group.url);
    out.push_str("<details class=\"sidebar-group\"");
    if inside {
        out.push_str(" open");
    }
    let _ = write!(
        out,
        ">\n<summary>{}</summary>\n<ul>\n",
        escape_html(&group.title)
    );
    push_link(out, &group.url, &group.overview, current);
    if inside {
        for item in &group.items {
            push_link(out, &item.url, &item.title, current);
        }
        if group.more {
            let (url, total) = (&group.url, group.total);
            let _ = writeln!(out, "<li><a href=\"{url}\">All {total} →</a></li>");
        }
    }
    out.push_str("</ul>\n</details>\n");
}

fn push_link(out: &mut String, url: &str, text: &str, current: &str) {
    let marked = if url == current {
        " aria-current=\"page\""
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "<li><a href=\"{url}\"{marked}>{}</a></li>",
        escape_html(text)
    );
}

#[cfg(test)]
mod tests {
    use super::super::Link;
    use super::*;

    /// The loop the default theme ran in Tera before: the HTML must stay the same.
    const TERA_LOOP: &str = r#"{% if site.sidebar %}<nav class="sidebar" aria-label="Site contents">
{% for g in site.sidebar %}{% if current_url is starting_with(g.parent) %}<details class="sidebar-group"{% if current_url is starting_with(g.url) %} open{% endif %}>
<summary>{{ g.title }}</summary>
<ul>
<li><a href="{{ g.url | safe }}"{% if current_url == g.url %} aria-current="page"{% endif %}>{{ g.overview }}</a></li>
{% if current_url is starting_with(g.url) %}{% for i in g.items %}<li><a href="{{ i.url | safe }}"{% if current_url == i.url %} aria-current="page"{% endif %}>{{ i.title }}</a></li>
{% endfor %}{% if g.more %}<li><a href="{{ g.url | safe }}">All {{ g.total }} →</a></li>
{% endif %}{% endif %}</ul>
</details>
{% endif %}{% endfor %}</nav>
{% endif %}"#;

    fn group(
        title: &str,
        url: &str,
        parent: &str,
        items: &[(&str, &str)],
        total: usize,
    ) -> NavGroup {
        NavGroup {
            title: title.to_string(),
            overview: format!("All of {title}"),
            url: url.to_string(),
            parent: parent.to_string(),
            items: (items.iter())
                .map(|(title, url)| Link {
                    title: title.to_string(),
                    url: url.to_string(),
                })
                .collect(),
            total,
            more: total > items.len(),
        }
    }

    fn with_tera(nav: &Navigation, current: &str) -> String {
        let mut ctx = tera::Context::new();
        ctx.insert("site", &serde_json::json!({ "sidebar": &nav.sidebar }));
        ctx.insert("current_url", current);
        tera::Tera::one_off(TERA_LOOP, &ctx, true).unwrap()
    }

    #[test]
    fn the_sidebar_is_what_the_template_loop_made() {
        let nav = Navigation {
            sidebar: vec![
                group(
                    "Articles & <notes>",
                    "/docs/articles/",
                    "/docs/",
                    &[
                        ("It's a/b \"test\"", "/docs/articles/a/"),
                        ("B", "/docs/articles/b/"),
                    ],
                    2,
                ),
                group(
                    "AWS",
                    "/docs/articles/aws/",
                    "/docs/articles/",
                    &[("IAM", "/docs/articles/aws/iam/")],
                    30,
                ),
                group(
                    "Services",
                    "/docs/services/",
                    "/docs/",
                    &[("S3", "/docs/services/s3/")],
                    1,
                ),
            ],
            ..Navigation::default()
        };
        for current in [
            "/docs/",
            "/docs/articles/",
            "/docs/articles/a/",
            "/docs/articles/aws/iam/",
            "/docs/services/s3/",
            "/elsewhere/",
        ] {
            assert_eq!(
                nav.sidebar_html(current),
                with_tera(&nav, current),
                "at {current}"
            );
        }
        assert_eq!(Navigation::default().sidebar_html("/docs/"), "");
        assert_eq!(with_tera(&Navigation::default(), "/docs/"), "");
    }
}
