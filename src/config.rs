//! `srm-docs.toml`: the site's configuration. Parsed strictly (unknown keys are errors with
//! `line:col`), defaults filled in, `base_url` split once into the origin and the sub-path
//! every generated link is prefixed with.

use crate::diagnostics::{Diagnostic, Location};
use crate::source::SourceFile;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// File name of the configuration at the site root.
pub const CONFIG_FILE: &str = "srm-docs.toml";

/// Raw file shape; every key optional so a minimal config works.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    output_dir: Option<String>,
    #[serde(default)]
    highlight: RawHighlight,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawHighlight {
    light_theme: Option<String>,
    dark_theme: Option<String>,
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
    pub base_url: String,
    /// The path part of `base_url` (`/` or `/docs/`): every internal link starts with it.
    pub base_path: String,
    /// `lang` attribute of every page.
    pub language: String,
    /// Theme name: files in `themes/<theme>/` override the embedded default.
    pub theme: String,
    /// Where `build` writes (relative paths are relative to the root).
    pub output_dir: PathBuf,
    /// syntect theme for light mode.
    pub light_theme: String,
    /// syntect theme for dark mode.
    pub dark_theme: String,
}

impl Config {
    /// Defaults for a site at `root` with no config file.
    pub fn default_for(root: &Path) -> Self {
        Config {
            root: root.to_path_buf(),
            title: "Shared responsibility knowledge base".into(),
            description: String::new(),
            base_url: "http://localhost/".into(),
            base_path: "/".into(),
            language: "en".into(),
            theme: "default".into(),
            output_dir: root.join("public"),
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
        let mut cfg = Self::default_for(root);
        let at_key = |key: &str| -> Location {
            match file.text.find(&format!("{key} ")).or(file.text.find(key)) {
                Some(off) => Location::at(file, off),
                None => Location::file(&file.path),
            }
        };
        if let Some(url) = raw.base_url {
            let (base_url, base_path) =
                split_base_url(&url).map_err(|m| Diagnostic::error(at_key("base_url"), m))?;
            cfg.base_url = base_url;
            cfg.base_path = base_path;
        }
        cfg.title = raw.title.unwrap_or(cfg.title);
        cfg.description = raw.description.unwrap_or_default();
        cfg.language = raw.language.unwrap_or(cfg.language);
        if let Some(theme) = raw.theme {
            if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
                return Err(Diagnostic::error(
                    at_key("theme"),
                    format!("theme `{theme}` must be a plain folder name under themes/"),
                ));
            }
            cfg.theme = theme;
        }
        if let Some(out) = raw.output_dir {
            cfg.output_dir = root.join(out);
        }
        for (key, value, slot) in [
            (
                "light_theme",
                raw.highlight.light_theme,
                &mut cfg.light_theme,
            ),
            ("dark_theme", raw.highlight.dark_theme, &mut cfg.dark_theme),
        ] {
            if let Some(v) = value {
                if !crate::render::highlight::theme_exists(&v) {
                    return Err(Diagnostic::error(
                        at_key(key),
                        format!("unknown highlight theme `{v}`"),
                    )
                    .with_help(Some(format!(
                        "available: {}",
                        crate::render::highlight::theme_names().join(", ")
                    ))));
                }
                *slot = v;
            }
        }
        Ok(cfg)
    }

    /// Overrides `base_url` from the command line.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let (u, p) = split_base_url(url)?;
        self.base_url = u;
        self.base_path = p;
        Ok(())
    }

    /// The public URL of a site path such as `articles/x/` (no leading slash).
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }
}

/// Splits `https://host/docs` into (`https://host/docs/`, `/docs/`).
fn split_base_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url `{url}` must start with http:// or https://"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("base_url `{url}` has no host"));
    }
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    let mut path = path.to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    let mut full = url.to_string();
    if !full.ends_with('/') {
        full.push('/');
    }
    Ok((full, path))
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
    fn bad_base_url_points_at_the_key() {
        let err = parse("title = \"x\"\nbase_url = \"kb.example.com\"\n").unwrap_err();
        assert_eq!(err.location.line_col, Some((2, 1)));
    }
}
