//! What front-matter keys mean. srm-docs's own keys set an article's metadata; the common
//! keys of other tools (Jekyll, Hugo, MkDocs, Obsidian) are mapped onto them; a near-miss
//! of either (`titel`, `tgas`) is an error with a did-you-mean; every other key is kept as
//! the article's `extra` metadata (for templates) and reported once per key name per build
//! ([`unknown_key_warnings`]).

use super::frontmatter::{Field, Fields};
use super::{Article, IdRef};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use serde_json::Value;

/// What a key sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Title,
    Date,
    Updated,
    Summary,
    Tags,
    Authors,
    Draft,
    Published,
    Slug,
    Weight,
    Services,
    Controls,
    Scenarios,
    Aliases,
}

/// srm-docs's own keys.
const OWN: &[(&str, Role)] = &[
    ("title", Role::Title),
    ("date", Role::Date),
    ("updated", Role::Updated),
    ("summary", Role::Summary),
    ("tags", Role::Tags),
    ("authors", Role::Authors),
    ("draft", Role::Draft),
    ("slug", Role::Slug),
    ("weight", Role::Weight),
    ("services", Role::Services),
    ("controls", Role::Controls),
    ("scenarios", Role::Scenarios),
];

/// Keys of other tools that mean one of ours (an own key wins over them).
pub(crate) const MAPPED: &[(&str, &str)] = &[
    ("description", "summary"),
    ("excerpt", "summary"),
    ("author", "authors"),
    ("contributors", "authors"),
    ("categories", "tags"),
    ("keywords", "tags"),
    ("lastmod", "updated"),
    ("published", "draft (inverted)"),
    ("aliases", "redirect pages"),
    ("redirect_from", "redirect pages"),
    ("permalink", "a redirect page"),
];

/// The role of a mapped key.
fn mapped_role(key: &str) -> Option<Role> {
    Some(match key {
        "description" | "excerpt" => Role::Summary,
        "author" | "contributors" => Role::Authors,
        "categories" | "keywords" => Role::Tags,
        "lastmod" => Role::Updated,
        "published" => Role::Published,
        "aliases" | "redirect_from" | "permalink" => Role::Aliases,
        _ => return None,
    })
}

/// Sets the article's metadata from its front matter: own keys first, then mapped ones.
pub(super) fn apply(article: &mut Article, fields: Fields, diags: &mut Diagnostics) {
    let mut own = Vec::new();
    let mut mapped = Vec::new();
    for field in &fields.entries {
        let key = field.key.to_lowercase();
        if let Some(&(_, role)) = OWN.iter().find(|(k, _)| *k == key) {
            own.push((role, field));
            continue;
        }
        article.extra.insert(field.key.clone(), field.value.clone());
        if let Some(role) = mapped_role(&key) {
            mapped.push((role, field));
        } else if let Some(near) = near_miss(&key) {
            diags.push(
                Diagnostic::error(
                    field.key_at.clone(),
                    format!("unknown front-matter key `{}`", field.key),
                )
                .with_help(Some(format!("did you mean `{near}`?"))),
            );
        } else {
            article
                .unknown_keys
                .push((field.key.clone(), field.key_at.clone()));
        }
    }
    let mut setter = Setter {
        article,
        diags,
        set: Vec::new(),
    };
    for (role, field) in own.into_iter().chain(mapped) {
        setter.set(role, field, &fields);
    }
}

/// The closest own or mapped key to an unknown one, when it is a likely typo: one edit
/// (a swap of neighbours counts as one) away, or two for long keys.
fn near_miss(key: &str) -> Option<&'static str> {
    let keys = OWN
        .iter()
        .map(|(k, _)| *k)
        .chain(MAPPED.iter().map(|(k, _)| *k));
    keys.map(|k| (strsim::osa_distance(key, k), k))
        .filter(|&(d, k)| (d == 1 && key.len() >= 3) || (d == 2 && key.len().min(k.len()) >= 8))
        .min()
        .map(|(_, k)| k)
}

/// Sets each role once (the first key that sets a single value wins; lists add up).
struct Setter<'a> {
    article: &'a mut Article,
    diags: &'a mut Diagnostics,
    set: Vec<Role>,
}

impl Setter<'_> {
    fn set(&mut self, role: Role, field: &Field, fields: &Fields) {
        if field.value.is_null() {
            return;
        }
        let list_role = matches!(
            role,
            Role::Tags
                | Role::Authors
                | Role::Aliases
                | Role::Services
                | Role::Controls
                | Role::Scenarios
        );
        if !list_role {
            if self.set.contains(&role) {
                return;
            }
            self.set.push(role);
        }
        match role {
            Role::Title => self.article.title = self.text(field).unwrap_or_default().trim().into(),
            Role::Summary => {
                self.article.summary = self.text(field).filter(|s| !s.trim().is_empty())
            }
            Role::Date => self.article.date = self.day(field, "created"),
            Role::Updated => self.article.updated = self.day(field, "updated"),
            Role::Slug => {
                self.article.slug_override = self.text(field).map(|s| (s, field.at.clone()))
            }
            Role::Draft => self.article.draft = self.flag(field).unwrap_or(false),
            Role::Published => self.article.draft = !self.flag(field).unwrap_or(true),
            Role::Weight => self.article.weight = self.number(field).unwrap_or(0),
            Role::Tags => {
                let tags = self.list(field, true);
                push_new(&mut self.article.tags, tags);
            }
            Role::Authors => {
                let authors = self.list(field, false);
                push_new(&mut self.article.authors, authors);
            }
            Role::Aliases => {
                for alias in self.list(field, false) {
                    self.article.add_alias(alias, &field.at);
                }
            }
            Role::Services => self.article.services = self.ids(field, &fields.ids.services),
            Role::Controls => self.article.controls = self.ids(field, &fields.ids.controls),
            Role::Scenarios => self.article.scenarios = self.ids(field, &fields.ids.scenarios),
        }
    }

    fn wrong(&mut self, field: &Field, wanted: &str) {
        self.diags.push(Diagnostic::error(
            field.at.clone(),
            format!("`{}` must be {wanted}", field.key),
        ));
    }

    fn text(&mut self, field: &Field) -> Option<String> {
        let text = scalar_text(&field.value);
        if text.is_none() {
            self.wrong(field, "text");
        }
        text
    }

    /// A day; MkDocs' blog writes `date: {created: …, updated: …}`, read at `part`.
    fn day(&mut self, field: &Field, part: &str) -> Option<String> {
        let text = match field.value.get(part) {
            Some(value) => scalar_text(value)?,
            None if field.value.is_object() => return None,
            None => self.text(field)?,
        };
        match crate::date::Date::parse_day(&text) {
            Ok(d) => Some(d.to_string()),
            Err(message) => {
                self.diags
                    .push(Diagnostic::error(field.at.clone(), message));
                None
            }
        }
    }

    fn flag(&mut self, field: &Field) -> Option<bool> {
        let flag = match &field.value {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" => Some(true),
                "false" | "no" | "off" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if flag.is_none() {
            self.wrong(field, "true or false");
        }
        flag
    }

    fn number(&mut self, field: &Field) -> Option<i64> {
        let n = match &field.value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if n.is_none() {
            self.wrong(field, "a whole number");
        }
        n
    }

    /// A list of text; a single text is a one-item list (split at commas when `commas`).
    fn list(&mut self, field: &Field, commas: bool) -> Vec<String> {
        let items: Option<Vec<String>> = match &field.value {
            Value::Array(items) => items.iter().map(scalar_text).collect(),
            Value::String(s) if commas => Some(s.split(',').map(str::to_string).collect()),
            other => scalar_text(other).map(|s| vec![s]),
        };
        match items {
            Some(items) => items
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            None => {
                self.wrong(field, "text or a list of text");
                Vec::new()
            }
        }
    }

    /// Dataset ids, each with its own place when the list gives them.
    fn ids(&mut self, field: &Field, places: &[IdRef]) -> Vec<IdRef> {
        let ids = self.list(field, false);
        if places.len() == ids.len() && places.iter().zip(&ids).all(|(p, id)| p.id == *id) {
            return places.to_vec();
        }
        ids.into_iter()
            .map(|id| IdRef {
                id,
                location: field.at.clone(),
            })
            .collect()
    }
}

/// A scalar as text (numbers and booleans as written); `None` for lists, tables and null.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn push_new(list: &mut Vec<String>, items: Vec<String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// One warning per unknown key name over all `articles` (given in path order): how many
/// files use it, placed at the first.
pub(crate) fn unknown_key_warnings<'a>(
    articles: impl IntoIterator<Item = &'a Article>,
) -> Vec<Diagnostic> {
    let mut seen: std::collections::BTreeMap<&str, (&Location, usize)> = Default::default();
    for a in articles {
        let mut in_file = std::collections::HashSet::new();
        for (key, at) in &a.unknown_keys {
            if in_file.insert(key.as_str()) {
                seen.entry(key.as_str()).or_insert((at, 0)).1 += 1;
            }
        }
    }
    seen.into_iter()
        .map(|(key, (at, files))| {
            let plural = if files == 1 { "" } else { "s" };
            Diagnostic::warning(
                at.clone(),
                format!(
                    "front-matter key `{key}` is not one srm-docs uses: kept for templates as \
                     `article.extra.{key}` ({files} file{plural})"
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::content::{parse_article, Article};
    use crate::diagnostics::Diagnostics;

    fn parse(text: &str) -> (Article, Diagnostics) {
        let mut d = Diagnostics::new();
        let a = parse_article("content/n.md", text.as_bytes(), &mut d)
            .unwrap_or_else(|| panic!("{}", d.render(false)));
        (a, d)
    }

    #[test]
    fn keys_of_other_tools_are_mapped_and_kept_as_extra() {
        let (a, d) = parse(
            "---\ntitle: T\ndescription: What it is.\nauthor: Ann\ncontributors: [Bob, Ann]\n\
             categories: [cloud]\nkeywords: iam, s3\nlastmod: 2024-05-06\nlayout: post\n---\n",
        );
        assert!(d.is_empty(), "{}", d.render(false));
        assert_eq!(a.summary.as_deref(), Some("What it is."));
        assert_eq!(a.authors, ["Ann", "Bob"]);
        assert_eq!(a.tags, ["cloud", "iam", "s3"]);
        assert_eq!(a.updated.as_deref(), Some("2024-05-06"));
        assert_eq!(a.extra["layout"], "post");
        assert_eq!(a.extra["description"], "What it is.");
        assert!(!a.extra.contains_key("title"));
        assert_eq!(a.unknown_keys.len(), 1);
        assert_eq!(a.unknown_keys[0].0, "layout");
    }

    #[test]
    fn an_own_key_wins_over_a_mapped_one_wherever_it_is_written() {
        let (a, _) = parse("---\nexcerpt: Short.\nsummary: Mine.\n---\n");
        assert_eq!(a.summary.as_deref(), Some("Mine."));
    }

    #[test]
    fn a_single_string_where_a_list_is_expected_is_a_one_item_list() {
        let (a, d) = parse("---\ntags: one tag\nauthors: Ann Lee\nservices: ec2\ntitle: T\n---\n");
        assert!(d.is_empty(), "{}", d.render(false));
        assert_eq!(a.tags, ["one tag"]);
        assert_eq!(a.authors, ["Ann Lee"]);
        assert_eq!(a.services[0].id, "ec2");
        assert_eq!(a.services[0].location.line_col, Some((4, 11)));
    }

    #[test]
    fn near_misses_of_known_keys_are_errors_with_did_you_mean() {
        for (key, near) in [
            ("titel", "title"),
            ("tgas", "tags"),
            ("sumary", "summary"),
            ("descripton", "description"),
            ("redirect_form", "redirect_from"),
        ] {
            let (_, d) = parse(&format!("---\n{key}: x\n---\n"));
            let e = &d.errors()[0];
            assert_eq!(e.message, format!("unknown front-matter key `{key}`"));
            assert_eq!(e.help, Some(format!("did you mean `{near}`?")));
            assert_eq!(e.location.line_col, Some((2, 1)));
        }
        for far in ["layout", "series", "permalink", "toc", "menu", "type"] {
            let (_, d) = parse(&format!("---\n{far}: x\n---\n"));
            assert!(!d.has_errors(), "{far}: {}", d.render(false));
        }
    }

    #[test]
    fn wrong_types_are_errors_at_the_value() {
        let (_, d) = parse("---\ntags: {a: 1}\ndraft: maybe\nweight: heavy\n---\n");
        let lines: Vec<String> = d.errors().iter().map(|e| e.headline()).collect();
        assert_eq!(
            lines,
            [
                "content/n.md:2:7: error: `tags` must be text or a list of text",
                "content/n.md:3:8: error: `draft` must be true or false",
                "content/n.md:4:9: error: `weight` must be a whole number",
            ]
        );
    }

    #[test]
    fn url_aliases_redirect_and_name_aliases_are_other_names() {
        let (a, _) =
            parse("---\naliases: [/old/path/, AWS IAM, v1/page.html]\npublished: false\n---\n");
        let from: Vec<&str> = a.redirects.iter().map(|r| r.from.as_str()).collect();
        assert_eq!(from, ["/old/path/", "v1/page.html"]);
        assert_eq!(a.names, ["AWS IAM"]);
        assert!(a.draft, "published: false is a draft");
    }

    #[test]
    fn a_mkdocs_blog_date_table_gives_its_created_day() {
        let (a, d) =
            parse("---\ntitle: T\ndate:\n  created: 2026-02-18\n  updated: 2026-03-01\n---\n");
        assert!(d.is_empty(), "{}", d.render(false));
        assert_eq!(a.date.as_deref(), Some("2026-02-18"));
    }

    #[test]
    fn toml_front_matter_sets_the_same_metadata() {
        let mut d = Diagnostics::new();
        let a = parse_article(
            "content/n.md",
            "+++\ntitle = \"x\"\n+++\n".as_bytes(),
            &mut d,
        );
        assert!(a.is_some(), "{}", d.render(false));
        let (a, d) = parse(
            "+++\ntitle = \"Roles\"\ndate = 2024-01-02\ntags = [\"iam\"]\ndraft = false\n\
             weight = 3\n[menu.main]\nparent = \"aws\"\n+++\nBody\n",
        );
        assert!(!d.has_errors(), "{}", d.render(false));
        assert_eq!(
            (a.title.as_str(), a.date.as_deref()),
            ("Roles", Some("2024-01-02"))
        );
        assert_eq!((a.tags.as_slice(), a.weight), (&["iam".to_string()][..], 3));
        assert_eq!(a.extra["menu"]["main"]["parent"], "aws");
        assert_eq!(a.body(), "Body\n");
    }

    #[test]
    fn unknown_keys_are_one_warning_per_name_with_a_count() {
        let (a, _) = parse("---\nlayout: post\nnav_order: 2\n---\n");
        let (b, _) = parse("---\nlayout: page\n---\n");
        let lines: Vec<String> = super::unknown_key_warnings([&a, &b])
            .iter()
            .map(|d| d.headline())
            .collect();
        assert_eq!(
            lines,
            [
                "content/n.md:2:1: warning: front-matter key `layout` is not one srm-docs uses: kept for templates as `article.extra.layout` (2 files)",
                "content/n.md:3:1: warning: front-matter key `nav_order` is not one srm-docs uses: kept for templates as `article.extra.nav_order` (1 file)",
            ]
        );
    }
}
