//! `srm-docs.toml`: the site's configuration. Parsed strictly (unknown keys are errors with
//! `line:col`), defaults filled in, every checked value reported at its own position (the
//! parser's span, never a search of the text), `base_url` parsed once ([`base_url`]) into the
//! site URL and the sub-path every generated link is prefixed with.

mod base_url;

pub use base_url::{BasePath, SiteUrl};

use crate::diagnostics::{Diagnostic, Location};
use crate::render::html_policy::HtmlPolicy;
use crate::source::SourceFile;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// File name of the configuration at the site root.
pub const CONFIG_FILE: &str = "srm-docs.toml";

/// Raw file shape; every key optional so a minimal config works.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<Spanned<String>>,
    language: Option<String>,
    theme: Option<Spanned<String>>,
    output_dir: Option<String>,
    edit_url: Option<Spanned<String>>,
    #[serde(default)]
    highlight: RawHighlight,
    #[serde(default)]
    markdown: RawMarkdown,
    #[serde(default)]
    links: RawLinks,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLinks {
    internal: Option<LinkSeverity>,
    remote_images: Option<RemoteImages>,
    explicit_index: Option<bool>,
}

/// `[links] internal`: what a broken internal link (page, anchor, file, image) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkSeverity {
    /// An error: the build fails (the default).
    #[default]
    Error,
    /// A warning: the build goes on (while an imported tree is being cleaned up).
    Warn,
}

/// `[links] remote_images`: whether an image loaded from another site is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RemoteImages {
    /// A warning per image: it breaks the promise of a site that makes no outside request.
    #[default]
    Warn,
    /// Accepted silently.
    Allow,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    raw_html: Option<HtmlPolicy>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawHighlight {
    light_theme: Option<Spanned<String>>,
    dark_theme: Option<Spanned<String>>,
}

/// The validated configuration of one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Site root folder (holds `srm-docs.toml`, `content/`, `themes/`).
    pub root: PathBuf,
    /// Site title, shown in the header and feed.
    pub title: String,
    /// One-line description for the home page and feed.
    pub description: String,
    /// Absolute URL the site is published at, always ending in `/`.
    pub base_url: SiteUrl,
    /// The path part of `base_url` (`/` or `/docs/`): every internal link starts with it.
    pub base_path: BasePath,
    /// `lang` attribute of every page.
    pub language: String,
    /// Theme name: files in `themes/<theme>/` override the embedded default.
    pub theme: String,
    /// Where `build` writes (relative paths are relative to the root).
    pub output_dir: PathBuf,
    /// What happens to raw HTML in Markdown (`[markdown] raw_html`).
    pub raw_html: HtmlPolicy,
    /// What a broken internal link is (`[links] internal`).
    pub broken_links: LinkSeverity,
    /// Whether images from other sites are reported (`[links] remote_images`).
    pub remote_images: RemoteImages,
    /// Whether links to a folder name its `index.html` (`[links] explicit_index`), for a
    /// site opened from disk, a zip or a shared drive.
    pub explicit_index: bool,
    /// "Edit this page" link pattern, `{path}` standing for the source path under `content/`.
    pub edit_url: Option<String>,
    /// syntect theme for light mode.
    pub light_theme: String,
    /// syntect theme for dark mode.
    pub dark_theme: String,
}

impl Config {
    /// Defaults for a site at `root` with no config file.
    pub fn default_for(root: &Path) -> Self {
        let (base_url, base_path) = SiteUrl::parse("http://localhost/").expect("a valid URL");
        Config {
            root: root.to_path_buf(),
            title: "Shared responsibility knowledge base".into(),
            description: String::new(),
            base_url,
            base_path,
            language: "en".into(),
            theme: "default".into(),
            output_dir: root.join("public"),
            raw_html: HtmlPolicy::default(),
            broken_links: LinkSeverity::default(),
            remote_images: RemoteImages::default(),
            explicit_index: false,
            edit_url: None,
            light_theme: "InspiredGitHub".into(),
            dark_theme: "base16-ocean.dark".into(),
        }
    }

    /// Reads `srm-docs.toml` under `root` (a missing file means defaults).
    pub fn load(root: &Path) -> Result<Self, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let file = SourceFile::from_bytes(CONFIG_FILE, &bytes).map_err(|_| {
                    Diagnostic::error(Location::file(CONFIG_FILE), "config is not UTF-8")
                })?;
                Self::parse(root, &file)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default_for(root)),
            Err(e) => Err(Diagnostic::error(
                Location::file(&path),
                format!("cannot read config: {e}"),
            )),
        }
    }

    /// Parses config text; errors carry the line and column of the offending key or value.
    pub fn parse(root: &Path, file: &SourceFile) -> Result<Self, Diagnostic> {
        let raw: RawConfig = toml::from_str(&file.text).map_err(|e| {
            let loc = match e.span() {
                Some(span) => Location::at(file, span.start),
                None => Location::file(&file.path),
            };
            Diagnostic::error(loc, e.message().trim().to_string())
        })?;
        let at = |value: &Spanned<String>| Location::at(file, value.span().start);
        let mut cfg = Self::default_for(root);
        if let Some(url) = raw.base_url {
            cfg.set_base_url(url.get_ref())
                .map_err(|m| Diagnostic::error(at(&url), m))?;
        }
        cfg.title = raw.title.unwrap_or(cfg.title);
        cfg.description = raw.description.unwrap_or_default();
        cfg.language = raw.language.unwrap_or(cfg.language);
        if let Some(theme) = raw.theme {
            cfg.theme = theme_folder(root, theme.get_ref())
                .map_err(|(m, help)| Diagnostic::error(at(&theme), m).with_help(help))?;
        }
        cfg.raw_html = raw.markdown.raw_html.unwrap_or_default();
        cfg.broken_links = raw.links.internal.unwrap_or_default();
        cfg.remote_images = raw.links.remote_images.unwrap_or_default();
        cfg.explicit_index = raw.links.explicit_index.unwrap_or_default();
        if let Some(pattern) = raw.edit_url {
            if !pattern.get_ref().contains("{path}") {
                return Err(
                    Diagnostic::error(at(&pattern), "edit_url must contain {path}").with_help(
                        Some("e.g. https://github.com/org/kb/edit/main/content/{path}".into()),
                    ),
                );
            }
            cfg.edit_url = Some(pattern.into_inner());
        }
        if let Some(out) = raw.output_dir {
            cfg.output_dir = root.join(out);
        }
        for (value, slot) in [
            (raw.highlight.light_theme, &mut cfg.light_theme),
            (raw.highlight.dark_theme, &mut cfg.dark_theme),
        ] {
            if let Some(v) = value {
                *slot = highlight_theme(v.get_ref(), at(&v))?;
            }
        }
        Ok(cfg)
    }

    /// Overrides `base_url` (from the command line); the same checks as in the file.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let (u, p) = SiteUrl::parse(url)?;
        self.base_url = u;
        self.base_path = p;
        Ok(())
    }

    /// The public URL of a site path such as `articles/x/` (no leading slash).
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }
}

/// A theme name: a plain folder name under `themes/` that exists, or `default` (built in,
/// overridable by `themes/default/`). An error carries a hint naming the themes there are.
fn theme_folder(root: &Path, theme: &str) -> Result<String, (String, Option<String>)> {
    if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
        return Err((
            format!("theme `{theme}` must be a plain folder name under themes/"),
            None,
        ));
    }
    let themes = root.join("themes");
    if theme == "default" || themes.join(theme).is_dir() {
        return Ok(theme.to_string());
    }
    let mut known: Vec<String> = std::fs::read_dir(&themes)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "default" && !n.starts_with('.'))
        .collect();
    known.sort();
    known.insert(0, "default (built in)".into());
    Err((
        format!("unknown theme `{theme}`: there is no folder themes/{theme}/"),
        Some(format!("available: {}", known.join(", "))),
    ))
}

/// A syntect theme that exists; otherwise an error at `at` listing the known ones.
fn highlight_theme(name: &str, at: Location) -> Result<String, Diagnostic> {
    if crate::render::highlight::theme_exists(name) {
        return Ok(name.to_string());
    }
    let known = crate::render::highlight::theme_names().join(", ");
    Err(
        Diagnostic::error(at, format!("unknown highlight theme `{name}`"))
            .with_help(Some(format!("available: {known}"))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostic> {
        Config::parse(Path::new("/site"), &SourceFile::new(CONFIG_FILE, text))
    }

    #[test]
    fn unknown_key_is_an_error_at_its_line() {
        let err = parse("title = \"x\"\ncolour = \"red\"\n").unwrap_err();
        assert_eq!(err.location.line_col, Some((2, 1)));
        assert!(err.message.contains("colour"), "{}", err.message);
    }

    #[test]
    fn base_url_sub_path_is_kept() {
        let cfg = parse("base_url = \"https://kb.example.com/docs\"\n").unwrap();
        assert_eq!(cfg.base_url, "https://kb.example.com/docs/");
        assert_eq!(cfg.base_path, "/docs/");
    }

    #[test]
    fn link_settings_default_to_strict_and_read_their_words() {
        let cfg = parse("").unwrap();
        assert_eq!(cfg.broken_links, LinkSeverity::Error);
        assert_eq!(cfg.remote_images, RemoteImages::Warn);
        let cfg = parse("[links]\ninternal = \"warn\"\nremote_images = \"allow\"\n").unwrap();
        assert_eq!(cfg.broken_links, LinkSeverity::Warn);
        assert_eq!(cfg.remote_images, RemoteImages::Allow);
        let err = parse("[links]\ninternal = \"ignore\"\n").unwrap_err();
        assert_eq!(err.location.line_col, Some((2, 12)), "{}", err.message);
    }

    #[test]
    fn bad_base_url_points_at_its_value() {
        let err = parse("title = \"x\"\nbase_url = \"kb.example.com\"\n").unwrap_err();
        assert_eq!(err.location.line_col, Some((2, 12)));
        assert_eq!(
            err.message,
            "base_url `kb.example.com` must start with http:// or https://"
        );
    }

    #[test]
    fn a_description_mentioning_base_url_does_not_take_its_error() {
        let text = "description = \"Set base_url to where the site lives\"\ntitle = \"x\"\nbase_url = \"https://kb.example.com/a b\"\n";
        let err = parse(text).unwrap_err();
        assert_eq!(err.headline(), "srm-docs.toml:3:12: error: base_url `https://kb.example.com/a b` must not contain spaces or control characters (found ' ')");
    }

    #[test]
    fn theme_and_highlight_errors_point_at_their_values() {
        let err = parse("title = \"theme\"\ntheme = \"../x\"\n").unwrap_err();
        assert_eq!(err.location.line_col, Some((2, 9)));
        assert_eq!(
            err.message,
            "theme `../x` must be a plain folder name under themes/"
        );
        let err = parse("description = \"light_theme\"\n[highlight]\nlight_theme = \"nope\"\n")
            .unwrap_err();
        assert_eq!(err.location.line_col, Some((3, 15)));
        assert_eq!(err.message, "unknown highlight theme `nope`");
        assert!(err.help.unwrap().starts_with("available: "));
    }

    #[test]
    fn an_unknown_theme_is_an_error_naming_the_themes_there_are() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("themes/corporate")).unwrap();
        let file = SourceFile::new(CONFIG_FILE, "title = \"x\"\ntheme = \"nope\"\n");
        let err = Config::parse(tmp.path(), &file).unwrap_err();
        assert_eq!(err.location.line_col, Some((2, 9)));
        assert_eq!(
            err.message,
            "unknown theme `nope`: there is no folder themes/nope/"
        );
        assert_eq!(
            err.help.as_deref(),
            Some("available: default (built in), corporate")
        );
        let file = SourceFile::new(CONFIG_FILE, "theme = \"corporate\"\n");
        assert_eq!(Config::parse(tmp.path(), &file).unwrap().theme, "corporate");
        let file = SourceFile::new(CONFIG_FILE, "theme = \"default\"\n");
        assert_eq!(Config::parse(tmp.path(), &file).unwrap().theme, "default");
    }

    #[test]
    fn the_command_line_base_url_gets_the_same_checks() {
        let mut cfg = Config::default_for(Path::new("/site"));
        assert_eq!(
            cfg.set_base_url("https://h/docs?x"),
            Err("base_url `https://h/docs?x` must not have a query (`?…`)".to_string())
        );
        assert_eq!(cfg.base_path, "/");
        cfg.set_base_url("https://h/docs").unwrap();
        assert_eq!(
            (cfg.base_url.as_str(), cfg.base_path.as_str()),
            ("https://h/docs/", "/docs/")
        );
    }
}
