//! Callouts written as block quotes: Obsidian's `> [!info] Title` (a `-` or `+` after the
//! kind makes it fold) and GitHub's alerts `> [!NOTE]` become admonitions. A block quote is
//! decided when its first paragraph ends: if that paragraph opens with `[!kind]`, the quote's
//! start becomes the admonition's opening, the rest of that line its title.

use super::admonition::{close_html, default_title, open_html, Fold};
use super::raw_html::RawHtml;
use pulldown_cmark::{Event, Tag, TagEnd};

/// An open block quote.
enum Quote {
    /// Not decided yet: the index of its start event.
    Deciding(usize),
    /// An ordinary block quote.
    Plain,
    /// A callout, closed as it was opened.
    Callout(Fold),
}

/// The block quotes open at this point of the page, innermost last.
#[derive(Default)]
pub(super) struct Quotes {
    open: Vec<Quote>,
}

impl Quotes {
    /// A block quote started; its start event is `events[at]`.
    pub(super) fn started(&mut self, at: usize) {
        self.open.push(Quote::Deciding(at));
    }

    /// A paragraph ended: if it is the first child of an undecided quote, decide the quote.
    pub(super) fn paragraph_ended(&mut self, events: &mut Vec<Event<'_>>, raw: &mut RawHtml) {
        let Some(Quote::Deciding(at)) = self.open.last() else {
            return;
        };
        let at = *at;
        let decided = match events.get(at + 1) {
            Some(Event::Start(Tag::Paragraph)) => make_callout(events, at, raw),
            _ => None,
        };
        *self.open.last_mut().expect("an open quote") = match decided {
            Some(fold) => Quote::Callout(fold),
            None => Quote::Plain,
        };
    }

    /// A block quote ended: the HTML that closes it when it was a callout.
    pub(super) fn ended(&mut self) -> Option<&'static str> {
        match self.open.pop() {
            Some(Quote::Callout(fold)) => Some(close_html(fold)),
            _ => None,
        }
    }
}

/// `[!info]-` → (`info`, folded): the marker at the start of a callout's first line.
fn marker(line: &str) -> Option<(String, Fold, &str)> {
    let rest = line.strip_prefix("[!")?;
    let (kind, after) = rest.split_once(']')?;
    let ok = !kind.is_empty()
        && kind
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return None;
    }
    let (fold, title) = match after.chars().next() {
        Some('-') => (Fold::Closed, &after[1..]),
        Some('+') => (Fold::Open, &after[1..]),
        _ => (Fold::No, after),
    };
    Some((kind.to_lowercase(), fold, title.trim_start()))
}

/// Turns the quote starting at `events[at]` into a callout if its first paragraph opens with
/// a marker: the start becomes the opening HTML (title: the rest of the first line), and
/// the first line leaves the paragraph (the paragraph goes when nothing else is in it).
fn make_callout(events: &mut Vec<Event<'_>>, at: usize, raw: &mut RawHtml) -> Option<Fold> {
    // The paragraph's leading text (the parser may split `[!info]` into pieces).
    let mut lead = String::new();
    let mut i = at + 2;
    while let Some(Event::Text(t)) = events.get(i) {
        lead.push_str(t);
        i += 1;
    }
    let (kind, fold, title_text) = marker(&lead)?;
    let title_text = title_text.to_string();
    let line_end = (i..events.len())
        .find(|&j| {
            matches!(
                events[j],
                Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph)
            )
        })
        .unwrap_or(events.len());
    let mut title = crate::render::escape::escape_html(&title_text).into_owned();
    pulldown_cmark::html::push_html(&mut title, events[i..line_end].iter().cloned());
    if title.trim().is_empty() {
        title = default_title(&kind);
    }
    let paragraph_empty = matches!(events.get(line_end), Some(Event::End(TagEnd::Paragraph)));
    let first_line_events = if paragraph_empty {
        at + 1..line_end + 1
    } else {
        at + 2..line_end + 1
    };
    events.drain(first_line_events);
    events[at] = Event::Html(raw.protect(open_html(&kind, title.trim(), fold)).into());
    Some(fold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_name_the_kind_and_the_fold() {
        assert_eq!(
            marker("[!info] Here's a title"),
            Some(("info".into(), Fold::No, "Here's a title"))
        );
        assert_eq!(
            marker("[!FAQ]- Why?"),
            Some(("faq".into(), Fold::Closed, "Why?"))
        );
        assert_eq!(marker("[!tip]+"), Some(("tip".into(), Fold::Open, "")));
        assert_eq!(marker("[link] text"), None);
        assert_eq!(marker("[!not a kind]"), None);
    }
}
