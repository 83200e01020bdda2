//! What a long `build` or `check` shows while it runs: the stage it is in and, for the
//! stages that count, items done out of the total with an estimate of the time left.
//!
//! The pipeline reports through the narrow [`Progress`] trait (a stage begins, `n` more
//! items are done) and never draws anything itself. [`Display`] draws it on stderr with
//! `indicatif`, and only when a person is watching: stderr is a terminal, `CI` is not set,
//! `TERM` is not `dumb`, and the command has already run for [`DELAY`] (quick builds show
//! nothing). It is cleared before anything else is printed, so diagnostics and the summary
//! line read exactly as without it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

/// What a build reports while it runs. Implementations must be cheap: `inc` is called
/// from the rendering threads.
pub(crate) trait Progress: Sync {
    /// A stage begins: its name and how many items it will count (0: it does not count).
    fn stage(&self, name: &'static str, total: u64);
    /// `n` more items of the current stage are done.
    fn inc(&self, n: u64);
}

/// Progress that goes nowhere: for `serve`, tests and library callers.
pub(crate) struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &'static str, _: u64) {}
    fn inc(&self, _: u64) {}
}

/// How long a command runs before its progress appears.
pub(crate) const DELAY: Duration = Duration::from_secs(1);

/// Overrides [`DELAY`] in milliseconds (`0` shows the display at once): for tests and
/// demonstrations on small sites.
pub(crate) const DELAY_VAR: &str = "SRM_PROGRESS_DELAY_MS";

/// Whether a progress display may be drawn, given whether stderr is a terminal and the
/// environment: not under CI (`CI` set to anything but empty, `0` or `false`) and not on a
/// terminal that cannot move its cursor (`TERM=dumb`). `NO_COLOR` needs nothing: the
/// display has no colour.
pub(crate) fn wanted(stderr_is_terminal: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    let ci = env("CI").is_some_and(|v| !matches!(v.trim(), "" | "0" | "false"));
    let dumb = env("TERM").is_some_and(|t| t == "dumb");
    stderr_is_terminal && !ci && !dumb
}

/// The delay before the display appears: [`DELAY_VAR`] when it holds a number of
/// milliseconds, else [`DELAY`].
fn delay(env: impl Fn(&str) -> Option<String>) -> Duration {
    env(DELAY_VAR)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DELAY, Duration::from_millis)
}

/// The progress display on stderr: a bar for stages that count, a spinner with the
/// elapsed time for those that do not. Hidden until the command has run for the delay;
/// [`Display::finish`] clears it (dropping it does too).
pub(crate) struct Display {
    /// The bar; `None` when no display is wanted, which makes every call a no-op.
    bar: Option<ProgressBar>,
    /// Styles for counted and uncounted stages.
    styles: Option<(ProgressStyle, ProgressStyle)>,
    /// The thread that shows the bar once the delay has passed, and the channel that
    /// tells it the command ended first.
    reveal: Mutex<Option<(mpsc::Sender<()>, JoinHandle<()>)>>,
}

impl Display {
    /// A display for a command that wants one (`enabled`: not `--quiet`), drawn only when
    /// [`wanted`] agrees for the process's stderr and environment.
    pub(crate) fn for_stderr(enabled: bool) -> Self {
        let env = |k: &str| std::env::var(k).ok();
        if !enabled || !wanted(std::io::stderr().is_terminal(), env) {
            return Display::off();
        }
        Display::start(delay(env))
    }

    /// A display that never draws.
    pub(crate) fn off() -> Self {
        Display {
            bar: None,
            styles: None,
            reveal: Mutex::new(None),
        }
    }

    /// A hidden bar that a helper thread puts on stderr after `delay` (at once for zero).
    fn start(delay: Duration) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        // The bar takes what the terminal's width leaves, so a line never wraps.
        let counted = ProgressStyle::with_template(
            "{spinner} {prefix:<15} [{wide_bar}] {pos}/{len} {elapsed} elapsed, ETA {eta}",
        )
        .expect("valid progress template")
        .progress_chars("=> ");
        let uncounted = ProgressStyle::with_template("{spinner} {prefix:<15} {elapsed} elapsed")
            .expect("valid progress template");
        bar.set_style(uncounted.clone());
        let reveal = if delay.is_zero() {
            show(&bar);
            None
        } else {
            let (stop, wait) = mpsc::channel::<()>();
            let shown = bar.clone();
            let thread = std::thread::spawn(move || {
                if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(delay) {
                    show(&shown);
                }
            });
            Some((stop, thread))
        };
        Display {
            bar: Some(bar),
            styles: Some((counted, uncounted)),
            reveal: Mutex::new(reveal),
        }
    }

    /// Stops the display and erases it from the terminal. Call it before printing
    /// diagnostics or the summary; later calls do nothing.
    pub(crate) fn finish(&self) {
        let reveal = self.reveal.lock().map(|mut r| r.take()).unwrap_or(None);
        if let Some((stop, thread)) = reveal {
            // Either wakes the thread before the delay or finds it already gone.
            let _ = stop.send(());
            let _ = thread.join();
        }
        if let Some(bar) = &self.bar {
            bar.disable_steady_tick();
            bar.finish_and_clear();
        }
    }
}

/// Puts a bar on stderr and keeps its spinner and clock moving between updates.
fn show(bar: &ProgressBar) {
    bar.set_draw_target(ProgressDrawTarget::stderr());
    bar.enable_steady_tick(Duration::from_millis(100));
}

impl Progress for Display {
    fn stage(&self, name: &'static str, total: u64) {
        let (Some(bar), Some((counted, uncounted))) = (&self.bar, &self.styles) else {
            return;
        };
        // Each call redraws: the style goes last, so that the frames in between show the
        // previous stage's layout with the new values.
        bar.reset();
        if total > 0 {
            bar.set_length(total);
        } else {
            bar.unset_length();
        }
        bar.set_prefix(name);
        bar.set_style(if total > 0 { counted } else { uncounted }.clone());
    }

    fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn drawn_only_on_a_terminal_outside_ci_and_dumb_terminals() {
        assert!(wanted(true, env(&[("TERM", "xterm-256color")])));
        assert!(wanted(true, env(&[("CI", "false"), ("NO_COLOR", "1")])));
        assert!(wanted(true, env(&[("CI", "0")])));
        assert!(!wanted(false, env(&[])));
        assert!(!wanted(true, env(&[("CI", "true")])));
        assert!(!wanted(true, env(&[("CI", "1")])));
        assert!(!wanted(true, env(&[("TERM", "dumb")])));
    }

    #[test]
    fn the_delay_can_be_overridden_in_milliseconds() {
        assert_eq!(delay(env(&[])), DELAY);
        assert_eq!(delay(env(&[(DELAY_VAR, "0")])), Duration::ZERO);
        assert_eq!(
            delay(env(&[(DELAY_VAR, "250")])),
            Duration::from_millis(250)
        );
        assert_eq!(delay(env(&[(DELAY_VAR, "soon")])), DELAY);
    }

    #[test]
    fn stages_reset_the_count_and_finish_does_not_wait_for_the_delay() {
        let display = Display::start(Duration::from_secs(600));
        let bar = display.bar.clone().expect("a bar");
        display.stage("render articles", 10);
        display.inc(3);
        display.inc(4);
        assert_eq!((bar.position(), bar.length()), (7, Some(10)));
        assert_eq!(bar.prefix(), "render articles");
        display.stage("check links", 0);
        assert_eq!((bar.position(), bar.length()), (0, None));
        display.finish();
        assert!(bar.is_finished());
        assert!(display.reveal.lock().expect("reveal").is_none());
    }
}
