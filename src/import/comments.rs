//! The comments of the matrix file an import replaces, so that none is lost. A comment on
//! its own line before `matrix:`, before a `- control:` row or after the last row is kept
//! there in the file written. Any other comment (at the end of a value, or inside a row,
//! where the rewritten row has no place for it) is an error at its `path:line:col`, unless
//! the user asked to drop comments.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// The comments kept, by where they go.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Kept {
    /// Before `matrix:` (they replace the generated header comment).
    header: Vec<String>,
    /// Before the row of a control id.
    rows: Vec<(String, Vec<String>)>,
    /// After the last row.
    footer: Vec<String>,
}

/// Where a comment was written (1-based line and column) and its text.
struct Comment {
    line: usize,
    col: usize,
    text: String,
}

/// Reads the comments of `text` (the file at `path`); a comment that cannot be kept is
/// reported in `diags` unless `drop` is set.
pub(super) fn read(path: &str, text: &str, drop: bool, diags: &mut Diagnostics) -> Kept {
    let mut kept = Kept::default();
    let mut pending: Vec<Comment> = Vec::new();
    let mut block: Option<usize> = None;
    let mut lost: Vec<Comment> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        if let Some(key_indent) = block {
            if body.is_empty() || indent > key_indent {
                continue;
            }
            block = None;
        }
        if body.is_empty() {
            continue;
        }
        if body.starts_with('#') {
            pending.push(Comment {
                line: i + 1,
                col: indent + 1,
                text: body.to_string(),
            });
            continue;
        }
        let (value, trailing) = split_comment(line);
        if let Some(col) = trailing {
            lost.push(Comment {
                line: i + 1,
                col,
                text: line[col - 1..].trim_end().to_string(),
            });
        }
        let texts = |p: &mut Vec<Comment>| p.drain(..).map(|c| c.text).collect::<Vec<_>>();
        if value.trim_end() == "matrix:" {
            kept.header.extend(texts(&mut pending));
        } else if let Some(id) = row_id(value) {
            kept.rows.push((id.to_string(), texts(&mut pending)));
        } else {
            lost.append(&mut pending);
        }
        if opens_block(value) {
            block = Some(indent);
        }
    }
    kept.footer = pending.into_iter().map(|c| c.text).collect();
    kept.rows.retain(|(_, c)| !c.is_empty());
    if !drop {
        report_lost(path, &lost, diags);
    }
    kept
}

/// Reports the first comment that cannot be kept, saying how many there are.
fn report_lost(path: &str, lost: &[Comment], diags: &mut Diagnostics) {
    let Some(first) = lost.first() else {
        return;
    };
    let at = Location {
        path: path.into(),
        line_col: Some((first.line, first.col)),
        line_text: None,
    };
    let msg = format!(
        "the import would drop this comment of the file it replaces: `{}`",
        crate::render::html_policy::abbreviate(&first.text, 60)
    );
    let help = format!("{} comment(s) in all sit inside a row or after a value; move them onto their own line before a `- control:` row, or pass --drop-comments", lost.len());
    diags.push(Diagnostic::error(at, msg).with_help(Some(help)));
}

/// The line without its trailing comment, and the 1-based column of that comment: a `#`
/// after white space, outside quotes.
fn split_comment(line: &str) -> (&str, Option<usize>) {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if prev.is_whitespace() || prev == ':' || prev == '[' => {
                quote = Some(c)
            }
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev.is_whitespace() => {
                return (&line[..i], Some(line[..i].chars().count() + 1))
            }
            _ => {}
        }
        prev = c;
    }
    (line, None)
}

/// The control id of a `- control: ID` line.
fn row_id(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix('-')?.trim_start();
    let id = rest.strip_prefix("control:")?.trim();
    (!id.is_empty()).then_some(id.trim_matches(['"', '\'']))
}

/// Whether a line opens a block scalar (`key: >-`, `key: |`).
fn opens_block(line: &str) -> bool {
    let v = line.trim_end();
    let v = v.trim_end_matches(|c: char| c == '-' || c == '+' || c.is_ascii_digit());
    v.ends_with(": >") || v.ends_with(": |") || v == ">" || v == "|"
}

/// `yaml` (as the import writes it) with the kept comments put back.
pub(super) fn apply(yaml: &str, kept: &Kept) -> String {
    let mut out = String::new();
    let mut lines = yaml.lines().peekable();
    if !kept.header.is_empty() {
        while lines.peek().is_some_and(|l| l.starts_with('#')) {
            lines.next();
        }
        kept.header.iter().for_each(|c| push_line(&mut out, "", c));
    }
    let mut placed = vec![false; kept.rows.len()];
    for line in lines {
        if let Some(id) = row_id(line) {
            let indent = &line[..line.len() - line.trim_start().len()];
            for (i, (_, comments)) in kept.rows.iter().enumerate().filter(|(_, r)| r.0 == id) {
                comments.iter().for_each(|c| push_line(&mut out, indent, c));
                placed[i] = true;
            }
        }
        push_line(&mut out, "", line);
    }
    // A row the import no longer writes keeps its comments at the end.
    let unplaced = (kept.rows.iter().zip(&placed))
        .filter(|(_, p)| !**p)
        .flat_map(|((_, c), _)| c);
    for c in unplaced.chain(&kept.footer) {
        push_line(&mut out, "", c);
    }
    out
}

fn push_line(out: &mut String, indent: &str, text: &str) {
    out.push_str(indent);
    out.push_str(text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Header\nmatrix:\n  # ---- facility\n  - control: hardware\n    default: {all: aws}\n  - control: guest-os\n    # inside\n    default:\n      all:\n        owner: shared\n        note: >-\n          # not a comment, text\n        parts: {aws: \"a # b\", customer: c} # trailing\n# the end\n";

    #[test]
    fn comments_before_rows_are_kept_and_others_are_located() {
        let mut d = Diagnostics::new();
        let kept = read("m.yaml", FILE, false, &mut d);
        assert_eq!(kept.header, ["# Header"]);
        assert_eq!(
            kept.rows,
            [("hardware".to_string(), vec!["# ---- facility".to_string()])]
        );
        assert_eq!(kept.footer, ["# the end"]);
        let got: Vec<_> = d
            .errors()
            .iter()
            .map(|e| (e.headline(), e.help.clone()))
            .collect();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "m.yaml:7:5: error: the import would drop this comment of the file it replaces: `# inside`");
        assert!(
            got[0].1.as_deref().unwrap().starts_with("2 comment(s)"),
            "{got:?}"
        );
        let mut quiet = Diagnostics::new();
        assert_eq!(read("m.yaml", FILE, true, &mut quiet), kept);
        assert!(!quiet.has_errors());
    }

    #[test]
    fn kept_comments_go_back_where_they_were() {
        let mut d = Diagnostics::new();
        let kept = read("m.yaml", FILE, true, &mut d);
        let yaml = "# generated\nmatrix:\n- control: hardware\n  default:\n    all: aws\n- control: guest-os\n";
        assert_eq!(
            apply(yaml, &kept),
            "# Header\nmatrix:\n# ---- facility\n- control: hardware\n  default:\n    all: aws\n- control: guest-os\n# the end\n"
        );
        assert_eq!(apply(yaml, &Kept::default()), yaml);
    }
}
