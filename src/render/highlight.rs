//! Build-time syntax highlighting with syntect (plus two-face's extra syntaxes: TOML,
//! Dockerfile, HCL/Terraform, TypeScript…). Output is compact: each token gets at most one
//! short class naming its *role* (comment, string, keyword…), not the whole scope chain, and
//! [`Highlighter::stylesheet`] turns a light and a dark syntect theme into CSS for those
//! roles, switched by `prefers-color-scheme`. Highlighted blocks are cached by
//! (language, content hash), so `serve` rebuilds and repeated blocks cost nothing, and
//! lines by (text, parser state at their start), so repeated lines are parsed once.

mod memo;

use crate::render::escape::escape_html;
use memo::{Cursor, LineStart};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use syntect::highlighting::{Color, FontStyle, Highlighter as ThemeHighlighter, Theme, ThemeSet};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};

/// Token roles and the scope each is styled from; the class is `h` + the role letter(s).
const ROLES: &[(&str, &str)] = &[
    ("c", "comment"),
    ("s", "string"),
    ("n", "constant.numeric"),
    ("l", "constant.language"),
    ("o", "keyword.operator"),
    ("k", "keyword"),
    ("t", "storage.type"),
    ("m", "storage.modifier"),
    ("f", "entity.name.function"),
    ("y", "entity.name.type"),
    ("g", "entity.name.tag"),
    ("a", "entity.other.attribute-name"),
    ("b", "support.function"),
    ("u", "support.type"),
    ("v", "variable.parameter"),
    ("e", "constant.character.escape"),
    ("h", "markup.heading"),
    ("i", "markup.inserted"),
    ("d", "markup.deleted"),
];

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// True when a syntect theme of that name is bundled.
pub(crate) fn theme_exists(name: &str) -> bool {
    themes().themes.contains_key(name)
}

/// Names of the bundled highlight themes.
pub(crate) fn theme_names() -> Vec<String> {
    themes().themes.keys().cloned().collect()
}

/// The outcome of highlighting one block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Highlighted {
    /// The language was known: HTML of the tokens (no `<pre>` wrapper).
    Code(Arc<str>),
    /// The language is unknown: escaped plain text.
    UnknownLanguage(Arc<str>),
}

/// Syntaxes, role selectors and the block cache; build once per process and share.
pub(crate) struct Highlighter {
    syntaxes: SyntaxSet,
    roles: Vec<(&'static str, Scope)>,
    cache: Mutex<HashMap<(String, blake3::Hash), Highlighted>>,
    caching: bool,
    /// Names this highlighter's states in the per-thread state memos.
    owner: u64,
    /// Highlighted lines, shared by every thread.
    lines: memo::Lines,
    /// Fence token (lower-cased) → index of its syntax in `syntaxes`, `None` for an unknown
    /// language: syntect's look-up compares the token with every syntax's extensions.
    syntax_of: Mutex<HashMap<String, Option<usize>>>,
}

/// A process-unique number for each highlighter, naming the owner of the state memos.
fn next_owner() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Default for Highlighter {
    fn default() -> Self {
        Self::new()
    }
}

impl Highlighter {
    /// Loads the syntax set (about 15 ms) and compiles the role selectors.
    pub(crate) fn new() -> Self {
        let roles = ROLES
            .iter()
            .map(|(class, scope)| (*class, Scope::new(scope).expect("valid scope")))
            .collect();
        Highlighter {
            syntaxes: two_face::syntax::extra_newlines(),
            roles,
            cache: Mutex::new(HashMap::new()),
            caching: true,
            owner: next_owner(),
            lines: memo::Lines::default(),
            syntax_of: Mutex::new(HashMap::new()),
        }
    }

    /// A highlighter without the block cache: for one-shot builds, where blocks rarely repeat
    /// and whole articles are cached anyway, so the cache would only hold memory.
    pub(crate) fn without_block_cache() -> Self {
        Highlighter {
            caching: false,
            ..Self::new()
        }
    }

    /// Empties the line memo and the states every thread of the pool (and this one) met.
    /// Every full build calls it once its articles are rendered, so the memo's memory serves
    /// what comes next.
    pub(crate) fn forget_lines(&self) {
        self.lines.clear();
        rayon::broadcast(|_| memo::forget_states());
        memo::forget_states();
    }

    /// Empties the block cache (the preview server calls it when it grows past a bound).
    pub(crate) fn clear_cache_if_larger_than(&self, entries: usize) {
        let mut cache = self.cache.lock().expect("cache lock");
        if cache.len() > entries {
            *cache = HashMap::new(); // its memory too, not only its entries
        }
    }

    /// True when `lang` (a fence token such as `bash`, `py`, `terraform`) is known.
    #[cfg(test)]
    fn knows(&self, lang: &str) -> bool {
        self.syntax(lang).is_some()
    }

    fn syntax(&self, lang: &str) -> Option<&syntect::parsing::SyntaxReference> {
        let token = lang.to_ascii_lowercase();
        let known = self
            .syntax_of
            .lock()
            .expect("syntax index")
            .get(&token)
            .copied();
        let index = known.unwrap_or_else(|| {
            let index = self.find_syntax(&token);
            let mut syntax_of = self.syntax_of.lock().expect("syntax index");
            syntax_of.insert(token, index);
            index
        });
        index.map(|i| &self.syntaxes.syntaxes()[i])
    }

    /// The index of the syntax for a lower-cased fence token, by our aliases, then syntect's
    /// extension and name look-up.
    fn find_syntax(&self, token: &str) -> Option<usize> {
        let token = match token {
            "terraform" | "tf" | "hcl" => "Terraform",
            "shell" | "console" | "zsh" => "bash",
            "jsonc" => "json",
            "yml" => "yaml",
            "golang" => "go",
            other => other,
        };
        let found = (self.syntaxes.find_syntax_by_token(token))
            .or_else(|| self.syntaxes.find_syntax_by_name(token))?;
        let all = self.syntaxes.syntaxes();
        all.iter().position(|s| std::ptr::eq(s, found))
    }

    /// Highlights `code` as `lang`, using the cache.
    pub(crate) fn highlight(&self, lang: &str, code: &str) -> Highlighted {
        if !self.caching {
            return self.highlight_uncached(lang, code);
        }
        let key = (lang.to_string(), blake3::hash(code.as_bytes()));
        if let Some(hit) = self.cache.lock().expect("cache lock").get(&key) {
            return hit.clone();
        }
        let result = self.highlight_uncached(lang, code);
        self.cache
            .lock()
            .expect("cache lock")
            .insert(key, result.clone());
        result
    }

    fn highlight_uncached(&self, lang: &str, code: &str) -> Highlighted {
        match self.syntax(lang) {
            Some(syntax) => Highlighted::Code(self.tokens_html(syntax, code).into()),
            None => Highlighted::UnknownLanguage(escape_html(code).into()),
        }
    }

    fn tokens_html(&self, syntax: &syntect::parsing::SyntaxReference, code: &str) -> String {
        let mut cursor = Cursor::new(LineStart {
            state: ParseState::new(syntax),
            stack: ScopeStack::new(),
            open: None,
        });
        let mut out = String::with_capacity(code.len() * 2);
        for line in code.split_inclusive('\n') {
            if self.lines.replay(self.owner, line, &mut cursor, &mut out) {
                continue;
            }
            let (begin, start) = (memo::Lines::begin_of(&mut cursor), out.len());
            if self.highlight_line(line, &mut cursor.at, &mut out) {
                (self.lines).remember(self.owner, line, begin, &out[start..], &mut cursor);
            } else {
                cursor.moved();
            }
        }
        close(&mut out, &mut cursor.at.open);
        out
    }

    /// Highlights one line from `at`, leaving `at` at the line's end; false when syntect
    /// failed on it (the line is then plain escaped text).
    fn highlight_line(&self, line: &str, at: &mut LineStart, out: &mut String) -> bool {
        let ops = match at.state.parse_line(line, &self.syntaxes) {
            Ok(ops) => ops,
            Err(_) => {
                close(out, &mut at.open);
                out.push_str(&escape_html(line));
                return false;
            }
        };
        let mut pos = 0;
        for (end, op) in ops {
            self.push_text(out, &mut at.open, &at.stack, &line[pos..end]);
            pos = end;
            let _ = at.stack.apply(&op);
        }
        self.push_text(out, &mut at.open, &at.stack, &line[pos..]);
        true
    }

    fn push_text(
        &self,
        out: &mut String,
        open: &mut Option<&'static str>,
        stack: &ScopeStack,
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        let role = if text.trim().is_empty() {
            *open
        } else {
            self.role(stack)
        };
        if role != *open {
            close(out, open);
            if let Some(r) = role {
                out.push_str("<span class=\"h");
                out.push_str(r);
                out.push_str("\">");
            }
            *open = role;
        }
        out.push_str(&escape_html(text));
    }

    /// The role of the innermost scope that has one; comments and strings win over what they
    /// contain (so a string's quote marks are coloured as string).
    fn role(&self, stack: &ScopeStack) -> Option<&'static str> {
        let scopes = stack.as_slice();
        for outer in ["c", "s"] {
            let (class, sel) = self.roles.iter().find(|(c, _)| *c == outer)?;
            if scopes.iter().any(|s| sel.is_prefix_of(*s)) {
                return Some(class);
            }
        }
        scopes.iter().rev().find_map(|s| {
            self.roles
                .iter()
                .find(|(_, sel)| sel.is_prefix_of(*s))
                .map(|(c, _)| *c)
        })
    }

    /// CSS for every role in the light theme, and the dark theme under
    /// `prefers-color-scheme: dark` unless the reader chose light (`data-theme="light"` on
    /// `<html>`), or when the reader chose dark. Token colours are tuned to WCAG AA (see
    /// [`readable`]).
    pub(crate) fn stylesheet(&self, light: &str, dark: &str) -> String {
        let set = themes();
        let dark_css = |root| self.theme_css(&set.themes[dark], root);
        let mut css = String::from("/* generated by srm-docs from syntect themes */\n");
        css.push_str(&self.theme_css(&set.themes[light], ":root"));
        css.push_str("@media (prefers-color-scheme: dark) {\n");
        css.push_str(&dark_css(":root:not([data-theme=\"light\"])"));
        css.push_str("}\n");
        css.push_str(&dark_css(":root[data-theme=\"dark\"]"));
        css
    }

    fn theme_css(&self, theme: &Theme, root: &str) -> String {
        let hl = ThemeHighlighter::new(theme);
        let hex = |c: syntect::highlighting::Color| format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b);
        let bg = theme.settings.background.unwrap_or(WHITE);
        let mut css = String::new();
        if let Some(fg) = theme.settings.foreground {
            css.push_str(&format!(
                "{root} {{ --code-bg: {}; --code-fg: {}; }}\n",
                hex(bg),
                hex(readable(fg, bg))
            ));
        }
        for (class, scope) in &self.roles {
            let style = hl.style_for_stack(&[*scope]);
            let mut decl = format!("color: {};", hex(readable(style.foreground, bg)));
            if style.font_style.contains(FontStyle::ITALIC) {
                decl.push_str(" font-style: italic;");
            }
            if style.font_style.contains(FontStyle::BOLD) {
                decl.push_str(" font-weight: bold;");
            }
            let selector = match root {
                ":root" => format!(".h{class}"),
                _ => format!("{root} .h{class}"),
            };
            css.push_str(&format!("{selector} {{ {decl} }}\n"));
        }
        css
    }
}

const WHITE: Color = Color {
    r: 255,
    g: 255,
    b: 255,
    a: 255,
};

/// The contrast WCAG AA asks of text (4.5:1), with a margin for rounding.
const AA_CONTRAST: f64 = 4.6;

/// `fg` moved towards black (on a light background) or white (on a dark one) in small
/// steps, keeping its hue, until it reaches [`AA_CONTRAST`] against `bg`.
fn readable(fg: Color, bg: Color) -> Color {
    let target = if luminance(bg) > 0.18 { 0.0 } else { 255.0 };
    let mut c = fg;
    for step in 1..=20 {
        if contrast(c, bg) >= AA_CONTRAST {
            break;
        }
        let t = f64::from(step) / 20.0;
        let mix = |v: u8| (f64::from(v) * (1.0 - t) + target * t).round() as u8;
        c = Color {
            r: mix(fg.r),
            g: mix(fg.g),
            b: mix(fg.b),
            a: 255,
        };
    }
    c
}

/// Relative luminance (WCAG 2).
fn luminance(c: Color) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
}

/// Contrast ratio of two colours (WCAG 2), 1 to 21.
fn contrast(a: Color, b: Color) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn close(out: &mut String, open: &mut Option<&'static str>) {
    if open.take().is_some() {
        out.push_str("</span>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fence_token_is_looked_up_once_whatever_its_case() {
        let h = Highlighter::new();
        let name = |lang: &str| h.syntax(lang).map(|s| s.name.clone());
        assert_eq!(name("BASH"), name("bash"));
        assert_eq!(name("Shell"), name("bash"));
        assert_eq!(name("tf"), Some("Terraform".to_string()));
        assert_eq!(name("nosuchlang"), None);
        assert_eq!(name("NoSuchLang"), None);
        let remembered = h.syntax_of.lock().unwrap();
        let mut tokens: Vec<&str> = remembered.keys().map(String::as_str).collect();
        tokens.sort_unstable();
        assert_eq!(tokens, ["bash", "nosuchlang", "shell", "tf"]);
    }

    #[test]
    fn knows_the_languages_a_cloud_kb_uses() {
        let h = Highlighter::new();
        for lang in [
            "bash",
            "sh",
            "python",
            "json",
            "yaml",
            "toml",
            "hcl",
            "terraform",
            "dockerfile",
            "sql",
            "javascript",
            "typescript",
            "go",
            "rust",
        ] {
            assert!(h.knows(lang), "{lang}");
        }
        assert!(!h.knows("klingon"));
    }

    #[test]
    fn output_is_compact_and_escaped() {
        let h = Highlighter::new();
        let Highlighted::Code(html) = h.highlight("python", "# note\nx = \"<a>\"\n") else {
            panic!("python unknown")
        };
        assert!(html.contains("<span class=\"hc\"># note"), "{html}");
        assert!(html.contains("&lt;a&gt;"), "{html}");
        assert!(!html.contains("source"), "{html}");
        assert!(html.len() < 120, "{} bytes: {html}", html.len());
    }

    #[test]
    fn a_remembered_line_is_reused_only_from_the_same_starting_state() {
        let code = "x = 1\ns = \"\"\"\nx = 1\n\"\"\"\nx = 1\n";
        let fresh = |code: &str| Highlighter::new().highlight("python", code);
        let h = Highlighter::new();
        let first = h.highlight("python", code);
        assert_eq!(first, fresh(code));
        // The second `x = 1` lies inside a string: it is not the first one replayed.
        let Highlighted::Code(html) = &first else {
            panic!("python unknown")
        };
        let in_string = "<span class=\"hs\">&quot;&quot;&quot;\nx = 1\n";
        assert!(html.contains(in_string), "{html}");
        assert_eq!(h.highlight("python", code), first);
        let again = "x = 1\ny = 2\n";
        assert_eq!(h.highlight("python", again), fresh(again));
    }

    #[test]
    fn unknown_language_is_plain_escaped_text() {
        let h = Highlighter::new();
        assert_eq!(
            h.highlight("klingon", "a < b"),
            Highlighted::UnknownLanguage("a &lt; b".into())
        );
    }

    #[test]
    fn stylesheet_has_light_and_dark() {
        let css = Highlighter::new().stylesheet("InspiredGitHub", "base16-ocean.dark");
        assert!(css.contains(".hc {"));
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(css.contains(":root[data-theme=\"dark\"] .hc {"), "{css}");
    }

    #[test]
    fn token_colours_reach_aa_contrast_on_their_background() {
        for name in ["InspiredGitHub", "base16-ocean.dark", "Solarized (light)"] {
            let theme = &themes().themes[name];
            let bg = theme.settings.background.unwrap_or(WHITE);
            let hl = ThemeHighlighter::new(theme);
            for (_, scope) in &Highlighter::new().roles {
                let fg = hl.style_for_stack(&[*scope]).foreground;
                let tuned = readable(fg, bg);
                assert!(contrast(tuned, bg) >= 4.5, "{name} {scope:?}");
                if contrast(fg, bg) >= AA_CONTRAST {
                    assert_eq!(tuned, fg, "a readable colour is kept");
                }
            }
        }
        // The two colours axe-core reported: #969896 comments on white.
        let grey = Color {
            r: 0x96,
            g: 0x98,
            b: 0x96,
            a: 255,
        };
        assert!(contrast(grey, WHITE) < 3.0 && contrast(readable(grey, WHITE), WHITE) >= 4.5);
    }
}
