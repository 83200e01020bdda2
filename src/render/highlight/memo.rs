//! The memo of highlighted lines. Code in documentation repeats lines (the same commands,
//! keys and braces in many blocks); a line that starts in the state it started in before
//! produces the same HTML and ends in the same state, so its regex work is done once.
//!
//! States are named by a fingerprint (a hash of their `Debug` text, which lists every
//! field), so the lines themselves are shared by every thread: syntect's states cannot
//! cross threads, but their fingerprints can. Each thread keeps the states it has met by
//! fingerprint, to continue after a remembered line that changes the state.

use rustc_hash::{FxHashMap, FxHasher};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use syntect::parsing::{ParseState, ScopeStack};

/// Where highlighting stands at the start of a line: syntect's parser state (which names the
/// syntax), the scope stack and the role whose `<span>` is open.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct LineStart {
    pub state: ParseState,
    pub stack: ScopeStack,
    pub open: Option<&'static str>,
}

/// A block's position: its state and, once computed, that state's fingerprint.
pub(super) struct Cursor {
    pub at: LineStart,
    print: Option<u64>,
}

impl Cursor {
    /// A cursor at `at`.
    pub(super) fn new(at: LineStart) -> Self {
        Cursor { at, print: None }
    }

    /// Forgets the fingerprint after `at` was changed outside the memo.
    pub(super) fn moved(&mut self) {
        self.print = None;
    }

    /// The fingerprint of the cursor's state (computed once per state).
    fn print(&mut self) -> u64 {
        *self.print.get_or_insert_with(|| fingerprint(&self.at))
    }
}

/// A hash of everything a state holds.
fn fingerprint(at: &LineStart) -> u64 {
    let mut text = String::with_capacity(256);
    let _ = write!(text, "{:?}{:?}{:?}", at.state, at.stack, at.open);
    let mut hasher = FxHasher::default();
    hasher.write(text.as_bytes());
    hasher.finish()
}

/// One remembered line from one starting state: its HTML and the state it ends in.
struct Done {
    begin: u64,
    html: Box<str>,
    end: u64,
}

/// Shards of the line table, so two threads rarely wait for each other.
const SHARDS: usize = 16;
/// Lines remembered per shard before it starts over (bounds its memory).
const SHARD_LINES: usize = 12_500;
/// Starting states remembered per line text.
const MEMO_STARTS: usize = 8;
/// States a thread remembers before it starts over.
const THREAD_STATES: usize = 50_000;

/// The lines one highlighter has highlighted, by text, then starting state.
#[derive(Default)]
pub(super) struct Lines {
    shards: [Mutex<FxHashMap<Box<str>, Vec<Done>>>; SHARDS],
}

/// The states this thread has met, by fingerprint, for one highlighter (`owner`).
#[derive(Default)]
struct States {
    owner: u64,
    by_print: FxHashMap<u64, LineStart>,
}

thread_local! {
    static STATES: RefCell<States> = RefCell::new(States::default());
}

impl Lines {
    fn shard(&self, line: &str) -> &Mutex<FxHashMap<Box<str>, Vec<Done>>> {
        let mut hasher = FxHasher::default();
        line.hash(&mut hasher);
        &self.shards[hasher.finish() as usize % SHARDS]
    }

    /// Appends the remembered HTML of `line` from the cursor's state to `out` and moves the
    /// cursor to the line's end; false when the line has not been seen from there, or ends
    /// in a state this thread has not met.
    pub(super) fn replay(
        &self,
        owner: u64,
        line: &str,
        cursor: &mut Cursor,
        out: &mut String,
    ) -> bool {
        let begin = cursor.print();
        let shard = self.shard(line).lock().expect("line memo");
        let Some(done) = shard
            .get(line)
            .and_then(|s| s.iter().find(|d| d.begin == begin))
        else {
            return false;
        };
        if done.end != begin {
            let Some(state) = met(owner, done.end) else {
                return false;
            };
            cursor.at = state;
            cursor.print = Some(done.end);
        }
        out.push_str(&done.html);
        true
    }

    /// Remembers that `line`, highlighted from the state printed `begin` (as [`Cursor`]
    /// had it before), gave `html` and left the cursor where it is now.
    pub(super) fn remember(
        &self,
        owner: u64,
        line: &str,
        begin: u64,
        html: &str,
        cursor: &mut Cursor,
    ) {
        cursor.print = None;
        let end = cursor.print();
        if end != begin {
            meet(owner, end, &cursor.at);
        }
        let mut shard = self.shard(line).lock().expect("line memo");
        if shard.len() >= SHARD_LINES {
            *shard = FxHashMap::default();
        }
        let starts = shard.entry(line.into()).or_default();
        if starts.len() < MEMO_STARTS && !starts.iter().any(|d| d.begin == begin) {
            // Most lines are seen from one starting state: no room for more up front.
            starts.reserve_exact(1);
            starts.push(Done {
                begin,
                html: html.into(),
                end,
            });
        }
    }

    /// The cursor's fingerprint, for [`Lines::remember`] after highlighting a line.
    pub(super) fn begin_of(cursor: &mut Cursor) -> u64 {
        cursor.print()
    }

    /// Empties the table, giving its memory back (not only its entries).
    pub(super) fn clear(&self) {
        for shard in &self.shards {
            *shard.lock().expect("line memo") = FxHashMap::default();
        }
    }
}

/// A copy of the state printed `print` if this thread has met it for `owner`.
fn met(owner: u64, print: u64) -> Option<LineStart> {
    STATES.with(|s| {
        let s = s.borrow();
        (s.owner == owner).then(|| s.by_print.get(&print).cloned())?
    })
}

/// Records that this thread met `state`, printed `print`, for `owner`.
fn meet(owner: u64, print: u64, state: &LineStart) {
    STATES.with(|s| {
        let mut s = s.borrow_mut();
        if s.owner != owner || s.by_print.len() >= THREAD_STATES {
            *s = States {
                owner,
                ..States::default()
            };
        }
        s.by_print.entry(print).or_insert_with(|| state.clone());
    })
}

/// Forgets the states this thread has met.
pub(super) fn forget_states() {
    STATES.with(|s| *s.borrow_mut() = States::default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::parsing::SyntaxSet;

    fn start(set: &SyntaxSet, token: &str) -> Cursor {
        Cursor::new(LineStart {
            state: ParseState::new(set.find_syntax_by_token(token).expect("syntax")),
            stack: ScopeStack::new(),
            open: None,
        })
    }

    /// Records `line` from the cursor as giving `html` and leaving the cursor at `end`.
    fn note(lines: &Lines, line: &str, html: &str, cursor: &mut Cursor, end: Option<&str>) {
        assert!(
            !lines.replay(1, line, cursor, &mut String::new()),
            "{line} already known"
        );
        let begin = Lines::begin_of(cursor);
        if let Some(token) = end {
            let set = SyntaxSet::load_defaults_newlines();
            cursor.at = start(&set, token).at;
        }
        lines.remember(1, line, begin, html, cursor);
    }

    #[test]
    fn a_line_replays_from_an_equal_state_on_any_thread() {
        let set = SyntaxSet::load_defaults_newlines();
        let lines = Lines::default();
        forget_states();
        note(&lines, "x = 1\n", "<x>", &mut start(&set, "py"), None);
        // A separately made equal state, on another thread: the line is replayed.
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut out = String::new();
                assert!(lines.replay(1, "x = 1\n", &mut start(&set, "py"), &mut out));
                assert_eq!(out, "<x>");
                // Another syntax's start is another state: not replayed from it.
                assert!(!lines.replay(1, "x = 1\n", &mut start(&set, "rs"), &mut out));
            });
        });
        lines.clear();
        let kept = |s: &Mutex<FxHashMap<Box<str>, Vec<Done>>>| s.lock().unwrap().capacity();
        assert_eq!(
            lines.shards.iter().map(kept).sum::<usize>(),
            0,
            "memory given back"
        );
        assert!(!lines.replay(1, "x = 1\n", &mut start(&set, "py"), &mut String::new()));
    }

    #[test]
    fn a_line_that_changes_the_state_replays_only_where_that_state_was_met() {
        let set = SyntaxSet::load_defaults_newlines();
        let lines = Lines::default();
        forget_states();
        // Pretend `s = """` moves a Python block into the state a Rust block starts in.
        let mut here = start(&set, "py");
        note(&lines, "s = \"\"\"\n", "<s>", &mut here, Some("rs"));
        let rust = start(&set, "rs").at;
        let mut again = start(&set, "py");
        assert!(lines.replay(1, "s = \"\"\"\n", &mut again, &mut String::new()));
        assert!(again.at == rust, "moved to the remembered end state");
        std::thread::scope(|s| {
            s.spawn(|| {
                // This thread never met that end state: it must highlight the line itself.
                assert!(!lines.replay(
                    1,
                    "s = \"\"\"\n",
                    &mut start(&set, "py"),
                    &mut String::new()
                ));
            });
        });
        forget_states();
        assert!(!lines.replay(
            1,
            "s = \"\"\"\n",
            &mut start(&set, "py"),
            &mut String::new()
        ));
    }
}
