//! Tera templates: the default theme is embedded in the binary; a file of the same name in
//! `themes/<theme>/templates/` replaces it. Parse errors name the template file and the
//! line and column; render errors name the template and the cause chain.

use crate::diagnostics::{Diagnostic, Location};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// The embedded default templates: (name, text).
pub(crate) const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "macros.html",
        include_str!("../../themes/default/templates/macros.html"),
    ),
    (
        "home.html",
        include_str!("../../themes/default/templates/home.html"),
    ),
    (
        "article.html",
        include_str!("../../themes/default/templates/article.html"),
    ),
    (
        "list.html",
        include_str!("../../themes/default/templates/list.html"),
    ),
    (
        "tags.html",
        include_str!("../../themes/default/templates/tags.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "service.html",
        include_str!("../../themes/default/templates/service.html"),
    ),
    (
        "control.html",
        include_str!("../../themes/default/templates/control.html"),
    ),
    (
        "category.html",
        include_str!("../../themes/default/templates/category.html"),
    ),
    (
        "scenario.html",
        include_str!("../../themes/default/templates/scenario.html"),
    ),
    (
        "entities.html",
        include_str!("../../themes/default/templates/entities.html"),
    ),
    (
        "matrix.html",
        include_str!("../../themes/default/templates/matrix.html"),
    ),
    (
        "quick_reference.html",
        include_str!("../../themes/default/templates/quick_reference.html"),
    ),
    (
        "misconceptions.html",
        include_str!("../../themes/default/templates/misconceptions.html"),
    ),
    (
        "sources.html",
        include_str!("../../themes/default/templates/sources.html"),
    ),
];

/// The embedded default static files: (path under the site, bytes).
pub(crate) const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    (
        "static/style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "static/search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    (
        "static/search.css",
        include_bytes!("../../themes/default/static/search.css"),
    ),
    (
        "static/site.js",
        include_bytes!("../../themes/default/static/site.js"),
    ),
    (
        "static/matrix.js",
        include_bytes!("../../themes/default/static/matrix.js"),
    ),
    (
        "static/print.js",
        include_bytes!("../../themes/default/static/print.js"),
    ),
];

/// A template override read from `themes/<theme>/templates/` (name, text, path shown in
/// diagnostics: `themes/<theme>/templates/<name>`, relative to the site root).
pub(crate) type TemplateFile = (String, String, PathBuf);

/// Reads the theme's template overrides (I/O edge; sorted, so builds are deterministic).
pub(crate) fn read_overrides(theme_dir: &Path) -> Result<Vec<TemplateFile>, Diagnostic> {
    let dir = theme_dir.join("templates");
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for e in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let e = e.map_err(|err| Diagnostic::error(Location::file(&dir), err.to_string()))?;
        if !e.file_type().is_file() {
            continue;
        }
        let name = e
            .path()
            .strip_prefix(&dir)
            .expect("under dir")
            .to_string_lossy()
            .replace('\\', "/");
        // Shown relative to the site root, like every other path in a diagnostic.
        let shown = match theme_dir.file_name() {
            Some(theme) => Path::new("themes")
                .join(theme)
                .join("templates")
                .join(&name),
            None => e.path().to_path_buf(),
        };
        let text = std::fs::read_to_string(e.path()).map_err(|err| {
            Diagnostic::error(
                Location::file(&shown),
                format!("cannot read template: {err}"),
            )
        })?;
        out.push((name, text, shown));
    }
    Ok(out)
}

/// The theme's templates: Tera, and each template's text and shown path, to place a render
/// error in the file and line it comes from.
pub(crate) struct Theme {
    tera: tera::Tera,
    files: std::collections::HashMap<String, (String, PathBuf)>,
}

impl Theme {
    /// The Tera instance.
    pub(crate) fn tera(&self) -> &tera::Tera {
        &self.tera
    }

    /// Where a render error of a page using `template` comes from: the first template of its
    /// chain (the template, then what it extends, then what those include) whose text holds
    /// the name the error quotes, at that name's first place; else the page's template.
    pub(crate) fn locate(&self, template: &str, message: &str) -> Location {
        let quoted = ['`', '\'']
            .into_iter()
            .find_map(|q| message.split(q).nth(1).filter(|name| !name.is_empty()));
        let chain = self.chain(template);
        let found = quoted.and_then(|q| {
            chain.iter().find_map(|name| {
                let (text, path) = self.files.get(*name)?;
                let file = crate::source::SourceFile::new(path, text);
                let offset = file.text.find(q)?;
                Some(Location::at(&file, offset))
            })
        });
        found.unwrap_or_else(|| match self.files.get(template) {
            Some((_, path)) => Location::file(path),
            None => Location::file(format!("templates/{template}")),
        })
    }

    /// `template`, the templates it extends, and the templates any of them include.
    fn chain<'a>(&'a self, template: &'a str) -> Vec<&'a str> {
        let mut chain = vec![template];
        if let Some(t) = self.tera.templates.get(template) {
            chain.extend(t.parents.iter().map(String::as_str));
        }
        let mut i = 0;
        while i < chain.len() {
            let included = self.files.get(chain[i]).map(|(text, _)| includes(text));
            for name in included.unwrap_or_default() {
                if let Some((key, _)) = self.files.get_key_value(name.as_str()) {
                    if !chain.contains(&key.as_str()) {
                        chain.push(key);
                    }
                }
            }
            i += 1;
        }
        chain
    }
}

/// Template names a template's text includes (`{% include "x.html" %}`), roughly: every
/// quoted name after `include`.
fn includes(text: &str) -> Vec<String> {
    text.split("include")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start();
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            rest[1..].split(quote).next().map(str::to_string)
        })
        .collect()
}

/// Builds the theme from the embedded templates with `overrides` replacing same-named ones.
pub(crate) fn load(overrides: &[TemplateFile]) -> Result<Theme, Vec<Diagnostic>> {
    let mut sources: Vec<(String, &str, PathBuf)> = DEFAULT_TEMPLATES
        .iter()
        .map(|(n, t)| {
            (
                n.to_string(),
                *t,
                PathBuf::from(format!("(embedded theme)/templates/{n}")),
            )
        })
        .collect();
    for (name, text, path) in overrides {
        sources.retain(|(n, _, _)| n != name);
        sources.push((name.clone(), text, path.clone()));
    }
    // Parse each template alone (in parallel) so an error names its own file and line…
    let results: Vec<_> = (sources.par_iter())
        .map(|(name, text, path)| {
            let template = tera::Template::new(name, None, text);
            template.map_err(|e| template_error(path, text, &e))
        })
        .collect();
    let (mut parsed, mut errors) = (Vec::new(), Vec::new());
    for ((name, text, path), result) in sources.iter().zip(results) {
        match result {
            Ok(template) => parsed.push(super::template_cycles::Parsed {
                name,
                text,
                path,
                template,
            }),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        errors = super::template_cycles::check(&parsed);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // …then give them to Tera as parsed (what `add_raw_templates` does after parsing them
    // again) and resolve inheritance once all are known.
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    for p in parsed {
        tera.templates.insert(p.name.to_string(), p.template);
    }
    (tera.build_inheritance_chains())
        .and_then(|()| tera.check_macro_files())
        .map_err(|e| vec![Diagnostic::error(Location::file("themes"), chain(&e))])?;
    let files = sources
        .into_iter()
        .map(|(name, text, path)| (name, (text.to_string(), path)))
        .collect();
    Ok(Theme { tera, files })
}

/// A diagnostic for a template error, at the `--> line:col` Tera reports when present.
pub(crate) fn template_error(path: &Path, source: &str, err: &tera::Error) -> Diagnostic {
    let text = chain(err);
    let mut loc = Location::file(path);
    if let Some(pos) = text.find("--> ") {
        let rest = &text[pos + 4..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(rest.len());
        if let Some((l, c)) = rest[..end].split_once(':') {
            if let (Ok(l), Ok(c)) = (l.parse(), c.parse()) {
                loc.line_col = Some((l, c));
                loc.line_text = source.lines().nth(l.max(1) - 1).map(str::to_string);
            }
        }
    }
    let message = text
        .lines()
        .map(str::trim)
        // Tera puts the message itself on a `= …` line under the snippet.
        .map(|l| l.strip_prefix("= ").unwrap_or(l))
        .filter(|l| {
            !l.is_empty() && !l.starts_with("-->") && !l.starts_with('|') && !l.starts_with('=')
        })
        .filter(|l| !l.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ");
    Diagnostic::error(loc, format!("template error: {message}"))
}

/// The full cause chain of a Tera error on one line.
pub(crate) fn chain(err: &tera::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
