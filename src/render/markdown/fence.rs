//! A code fence's info string as other tools write it: the language, then attributes —
//! MkDocs' `py title="x.py" linenums="1" hl_lines="2 3"`, its attribute-list form
//! `{ .yaml .no-copy title="x" }`, Hugo's `go {linenos=table,hl_lines=[8,"15-17"]}`. The
//! title is shown above the block; line numbers and highlighted lines are read and ignored.

/// What a fence's info string says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct FenceInfo {
    /// The language (`""` when none is named).
    pub lang: String,
    /// The block's title (`title="x.py"`), shown above it.
    pub title: Option<String>,
}

impl FenceInfo {
    /// Reads an info string.
    pub(super) fn parse(info: &str) -> Self {
        let mut out = FenceInfo::default();
        for token in tokens(info) {
            match token.split_once('=') {
                Some((key, value)) if key.trim() == "title" => {
                    out.title = Some(unquote(value.trim()).to_string());
                }
                Some(_) => {}
                None if out.lang.is_empty() => {
                    out.lang = token.trim_start_matches('.').to_string();
                }
                None => {}
            }
        }
        out
    }
}

/// The words of an info string: split at spaces and commas outside quotes and brackets, with
/// the braces of an attribute list dropped.
fn tokens(info: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let (mut start, mut quote, mut depth) = (None, None, 0usize);
    for (i, c) in info.char_indices() {
        let separator = quote.is_none() && depth == 0 && matches!(c, ' ' | '\t' | ',' | '{' | '}');
        match c {
            '"' | '\'' if quote == Some(c) => quote = None,
            '"' | '\'' if quote.is_none() => quote = Some(c),
            '[' if quote.is_none() => depth += 1,
            ']' if quote.is_none() => depth = depth.saturating_sub(1),
            _ => {}
        }
        match (separator, start) {
            (true, Some(s)) => {
                tokens.push(&info[s..i]);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push(&info[s..]);
    }
    tokens
}

/// A value without its surrounding quotes.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

/// Languages that mean "no highlighting": shown as plain text without a warning.
pub(super) const PLAIN_TEXT: &[&str] = &[
    "text",
    "plain",
    "plaintext",
    "console",
    "tree",
    "nohighlight",
    "none",
    "output",
    "goat",
    "ascii",
    "asciiart",
    "diff-plain",
];

/// The syntax to highlight a language with, for names other tools use that syntect knows
/// under another name (Hugo's Go templates and Jekyll's Liquid are HTML with tags).
pub(super) fn syntax_name(lang: &str) -> &str {
    match lang {
        "go-html-template" | "go-text-template" | "go-template" | "gotmpl" | "tpl" | "liquid"
        | "jinja" | "jinja2" | "j2" | "njk" | "handlebars" | "hbs" => "html",
        "shell-session" | "sh-session" => "bash",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(text: &str) -> (String, Option<String>) {
        let f = FenceInfo::parse(text);
        (f.lang, f.title)
    }

    #[test]
    fn languages_and_titles_as_tools_write_them() {
        let t = |s: &str| Some(s.to_string());
        assert_eq!(info("bash"), ("bash".into(), None));
        assert_eq!(
            info("py title=\"bubble sort.py\" linenums=\"1\" hl_lines=\"2 3\""),
            ("py".into(), t("bubble sort.py"))
        );
        assert_eq!(
            info("{ .yaml .no-copy title=\"mkdocs.yml\" }"),
            ("yaml".into(), t("mkdocs.yml"))
        );
        assert_eq!(
            info("go {linenos=table,hl_lines=[8,\"15-17\"],linenostart=199}"),
            ("go".into(), None)
        );
        assert_eq!(
            info("title=\"Content tabs\""),
            (String::new(), t("Content tabs"))
        );
        assert_eq!(info(".sh"), ("sh".into(), None));
        assert_eq!(info(""), (String::new(), None));
    }
}
