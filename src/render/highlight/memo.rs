//! The per-thread memo of highlighted lines. Code in documentation repeats lines (the same
//! commands, keys and braces in many blocks); a line that starts where it started before
//! produces the same HTML and ends in the same state, so its regex work is done once.
//! Parser states are numbered once per memo: an entry holds two numbers, not two copies of
//! syntect's state, and finding an entry compares numbers.

use rustc_hash::FxHasher;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::Hasher;
use syntect::parsing::{ParseState, ScopeStack};

/// Where highlighting stands at the start of a line: syntect's parser state (which names the
/// syntax), the scope stack and the role whose `<span>` is open.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct LineStart {
    pub state: ParseState,
    pub stack: ScopeStack,
    pub open: Option<&'static str>,
}

/// A block's position: its state, and that state's number in this thread's memo (`None`
/// until looked up, or when the memo started over since).
pub(super) struct Cursor {
    pub at: LineStart,
    number: Option<(u64, u32)>,
}

impl Cursor {
    /// A cursor at `at`, not yet numbered.
    pub(super) fn new(at: LineStart) -> Self {
        Cursor { at, number: None }
    }

    /// Forgets the number after `at` was changed outside the memo.
    pub(super) fn moved(&mut self) {
        self.number = None;
    }
}

/// One remembered line: its HTML and the number of the state it ends in.
struct LineDone {
    html: Box<str>,
    end: u32,
}

/// Highlighted lines by text and starting state, for one highlighter at a time (`owner`:
/// parser states are only comparable within one syntax set). `generation` changes whenever
/// the memo starts over, so numbers from before are never trusted.
#[derive(Default)]
struct LineMemo {
    owner: u64,
    generation: u64,
    lines: usize,
    states: Vec<LineStart>,
    by_fingerprint: HashMap<u64, Vec<u32>>,
    map: HashMap<Box<str>, Vec<(u32, LineDone)>>,
}

/// Lines remembered per thread before the memo starts over (bounds its memory).
const MEMO_LINES: usize = 100_000;
/// Starting states remembered per line text.
const MEMO_STARTS: usize = 8;

thread_local! {
    static LINES: RefCell<LineMemo> = RefCell::new(LineMemo::default());
}

/// A hash of everything a state holds (its `Debug` text, which lists every field): states
/// with equal fingerprints are then compared in full.
fn fingerprint(at: &LineStart) -> u64 {
    let mut text = String::with_capacity(256);
    let _ = write!(text, "{:?}{:?}{:?}", at.state, at.stack, at.open);
    let mut hasher = FxHasher::default();
    hasher.write(text.as_bytes());
    hasher.finish()
}

impl LineMemo {
    /// Starts over when the memo belongs to another highlighter or is full.
    fn claim(&mut self, owner: u64) {
        if self.owner != owner || self.lines >= MEMO_LINES {
            *self = LineMemo {
                owner,
                generation: self.generation + 1,
                ..LineMemo::default()
            };
        }
    }

    /// The number of `at`, given one when it is new.
    fn number(&mut self, at: &LineStart) -> u32 {
        let print = fingerprint(at);
        let same = self.by_fingerprint.entry(print).or_default();
        if let Some(&n) = same.iter().find(|&&n| self.states[n as usize] == *at) {
            return n;
        }
        let n = self.states.len() as u32;
        self.states.push(at.clone());
        same.push(n);
        n
    }

    /// The cursor's state number in this memo (looked up once per generation).
    fn cursor_number(&mut self, cursor: &mut Cursor) -> u32 {
        match cursor.number {
            Some((generation, n)) if generation == self.generation => n,
            _ => {
                let n = self.number(&cursor.at);
                cursor.number = Some((self.generation, n));
                n
            }
        }
    }
}

/// Appends the remembered HTML of `line` from the cursor's state to `out` and moves the
/// cursor to the line's end; false when the line has not been seen from there.
pub(super) fn replay(owner: u64, line: &str, cursor: &mut Cursor, out: &mut String) -> bool {
    LINES.with(|memo| {
        let mut memo = memo.borrow_mut();
        memo.claim(owner);
        let begin = memo.cursor_number(cursor);
        let Some(starts) = memo.map.get(line) else {
            return false;
        };
        let Some((_, done)) = starts.iter().find(|(b, _)| *b == begin) else {
            return false;
        };
        out.push_str(&done.html);
        if done.end != begin {
            cursor.at = memo.states[done.end as usize].clone();
        }
        cursor.number = Some((memo.generation, done.end));
        true
    })
}

/// Remembers that `line`, highlighted from the state numbered `begin` (as [`replay`] left
/// it), gave `html` and left the cursor where it is now.
pub(super) fn remember(
    owner: u64,
    line: &str,
    begin: Option<(u64, u32)>,
    html: &str,
    cursor: &mut Cursor,
) {
    LINES.with(|memo| {
        let mut memo = memo.borrow_mut();
        memo.claim(owner);
        let Some((generation, begin)) = begin.filter(|(g, _)| *g == memo.generation) else {
            return;
        };
        let end = if memo.states[begin as usize] == cursor.at {
            begin
        } else {
            memo.number(&cursor.at)
        };
        cursor.number = Some((generation, end));
        let starts = memo.map.entry(line.into()).or_default();
        if starts.len() < MEMO_STARTS {
            // Most lines are seen from one starting state: no room for more up front.
            starts.reserve_exact(1);
            starts.push((
                begin,
                LineDone {
                    html: html.into(),
                    end,
                },
            ));
            memo.lines += 1;
        }
    })
}

/// The cursor's number as [`replay`] left it, for [`remember`].
pub(super) fn begin_of(cursor: &Cursor) -> Option<(u64, u32)> {
    cursor.number
}

/// Empties this thread's memo.
pub(super) fn forget() {
    LINES.with(|memo| {
        let mut memo = memo.borrow_mut();
        let generation = memo.generation + 1;
        *memo = LineMemo {
            generation,
            ..LineMemo::default()
        };
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::parsing::SyntaxSet;

    fn start(set: &SyntaxSet, token: &str) -> LineStart {
        LineStart {
            state: ParseState::new(set.find_syntax_by_token(token).expect("syntax")),
            stack: ScopeStack::new(),
            open: None,
        }
    }

    /// Highlights nothing: records `line` as leaving the state unchanged, with `html`.
    fn note(owner: u64, line: &str, html: &str, cursor: &mut Cursor) {
        let mut out = String::new();
        assert!(!replay(owner, line, cursor, &mut out));
        remember(owner, line, begin_of(cursor), html, cursor);
    }

    #[test]
    fn equal_states_share_one_number_and_a_line_replays_from_it() {
        let set = SyntaxSet::load_defaults_newlines();
        forget();
        let mut one = Cursor::new(start(&set, "py"));
        note(7, "x = 1\n", "<x>", &mut one);
        // A second block starting in an equal (separately made) state replays the line.
        let mut two = Cursor::new(start(&set, "py"));
        let mut out = String::new();
        assert!(replay(7, "x = 1\n", &mut two, &mut out));
        assert_eq!(out, "<x>");
        LINES.with(|m| assert_eq!((m.borrow().states.len(), m.borrow().lines), (1, 1)));
        // Another syntax's start is another state: the line is not replayed from it.
        let mut rust = Cursor::new(start(&set, "rs"));
        assert!(!replay(7, "x = 1\n", &mut rust, &mut String::new()));
        LINES.with(|m| assert_eq!(m.borrow().states.len(), 2));
    }

    #[test]
    fn numbers_from_before_the_memo_started_over_are_not_trusted() {
        let set = SyntaxSet::load_defaults_newlines();
        forget();
        let mut cursor = Cursor::new(start(&set, "py"));
        note(3, "a\n", "<a>", &mut cursor);
        forget();
        // The cursor still holds its old number; the memo is empty and says so.
        assert!(!replay(3, "a\n", &mut cursor, &mut String::new()));
        note(3, "b\n", "<b>", &mut cursor);
        // Another highlighter takes the memo over: nothing of the first is replayed.
        assert!(!replay(4, "b\n", &mut cursor, &mut String::new()));
        assert!(!replay(3, "b\n", &mut cursor, &mut String::new()));
    }
}
