//! `srm-docs serve`: a live-reload preview. The site is built in memory with the same
//! pipeline as `build` (memoised, so a rebuild redoes only what an edit touched, and every
//! page that depends on it), swapped in whole after each good build, and served by tiny_http.
//! A failed rebuild keeps the last good site and shows its errors as an overlay on every
//! page; browsers learn about new builds over Server-Sent Events on the same port.

pub mod http;
pub mod watch;

use crate::config::Config;
use crate::output::Output;
use crate::pipeline::{self, BuildOptions, Engine};
use crate::term::Verbosity;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Most concurrent live-reload streams; more get 503 so they cannot exhaust threads.
const MAX_STREAMS: usize = 64;
/// Request worker threads.
const WORKERS: usize = 8;

/// Options of `serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: std::path::PathBuf,
    /// Include drafts.
    pub drafts: bool,
    /// Address to listen on.
    pub bind: String,
    /// Port (0 picks a free one).
    pub port: u16,
    /// Poll the file system instead of using OS notifications.
    pub poll: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// What the server shows: the last good site and, after a failed rebuild, its errors.
pub struct Snapshot {
    /// The last good output.
    pub output: Output,
    /// Errors of the latest build (`path:line:col: message` lines), empty after a good one.
    pub errors: Vec<String>,
}

/// Shared server state (no globals): the current snapshot and the live-reload listeners.
pub struct State {
    snapshot: RwLock<Arc<Snapshot>>,
    listeners: Mutex<Vec<Sender<String>>>,
    streams: AtomicUsize,
    base_path: RwLock<String>,
}

impl State {
    fn broadcast(&self, message: String) {
        self.listeners
            .lock()
            .expect("listeners")
            .retain(|tx| tx.send(message.clone()).is_ok());
    }
}

/// Runs the preview server; returns the exit code.
pub fn run(args: ServeOptions, verbosity: Verbosity) -> i32 {
    // Absolute, so watcher events (absolute paths) classify against it.
    let root = args
        .root
        .canonicalize()
        .unwrap_or_else(|_| args.root.clone());
    let term = crate::term::Term::stderr(verbosity);
    let config = match crate::commands::load_config(&root) {
        Ok(c) => c,
        Err(e) => {
            term.failed(&e);
            return e.exit_code();
        }
    };
    let opts = BuildOptions {
        drafts: args.drafts,
    };
    let mut engine = Engine::default();
    let mut sources = None;
    let (snapshot, _, panicked) =
        build_snapshot(&config, &engine, opts, None, &mut sources, &[], verbosity);
    if panicked {
        engine = Engine::default();
    }
    let addr = format!("{}:{}", args.bind, args.port);
    let server = match tiny_http::Server::http(&addr) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            return 2;
        }
    };
    let local: SocketAddr = match server.server_addr().to_ip() {
        Some(a) => a,
        None => {
            eprintln!("error: cannot listen on {addr}: not an IP address");
            return 2;
        }
    };
    let state = Arc::new(State {
        snapshot: RwLock::new(Arc::new(snapshot)),
        listeners: Mutex::new(Vec::new()),
        streams: AtomicUsize::new(0),
        base_path: RwLock::new(config.base_path.to_string()),
    });
    for _ in 0..WORKERS {
        let (server, state) = (server.clone(), state.clone());
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                handle(&state, request);
            }
        });
    }
    let watcher = match watch::SiteWatcher::start(&config.root, &config.output_dir, args.poll) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch {}: {e}", config.root.display());
            return 2;
        }
    };
    println!("Serving at http://{local}/");
    let _ = std::io::stdout().flush();
    if config.base_path != "/" && verbosity != Verbosity::Quiet {
        eprintln!("site base path: http://{local}{}", config.base_path);
    }
    if args.open {
        let _ = std::process::Command::new("xdg-open")
            .arg(format!("http://{local}{}", config.base_path))
            .spawn();
    }
    rebuild_loop(
        &root,
        &mut engine,
        opts,
        &state,
        &watcher,
        &mut sources,
        verbosity,
    );
    0
}

/// Builds once, printing its diagnostics (and timings) as `verbosity` asks; returns the new
/// snapshot (keeping `previous` output on failure), the site paths whose bytes changed, and
/// whether the build panicked (then the engine's memos are not to be trusted).
fn build_snapshot(
    config: &Config,
    engine: &Engine,
    opts: BuildOptions,
    previous: Option<&Snapshot>,
    last_sources: &mut Option<pipeline::Sources>,
    changed: &[std::path::PathBuf],
    verbosity: Verbosity,
) -> (Snapshot, Vec<String>, bool) {
    let started = Instant::now();
    let sources = pipeline::read_sources_reusing(config, last_sources.take(), changed);
    let read = started.elapsed();
    let mut panicked = false;
    let result = match sources {
        Ok(sources) => {
            let result = isolated(|| pipeline::build(config, &sources, engine, opts));
            // After a panic nothing read or memoised so far is trusted: re-read everything.
            panicked = result.panicked;
            if !panicked {
                *last_sources = Some(sources);
            }
            result.build
        }
        Err(diagnostics) => pipeline::BuildResult {
            output: None,
            diagnostics,
            stats: Default::default(),
        },
    };
    let term = crate::term::Term::stderr(verbosity);
    if !result.diagnostics.is_empty() {
        term.diagnostics(&result.diagnostics);
    }
    if term.timings_wanted() {
        let stages: Vec<String> = result
            .stats
            .timings
            .iter()
            .map(|t| format!("{} {:.1}ms", t.stage, t.elapsed.as_secs_f64() * 1e3))
            .collect();
        eprintln!(
            "timings: read {:.1}ms, {}",
            read.as_secs_f64() * 1e3,
            stages.join(", ")
        );
    }
    match result.output {
        Some(output) => {
            let changed = match previous {
                Some(prev) => changed_paths(&prev.output, &output),
                None => Vec::new(),
            };
            (
                Snapshot {
                    output,
                    errors: Vec::new(),
                },
                changed,
                panicked,
            )
        }
        None => {
            let errors = result
                .diagnostics
                .errors()
                .iter()
                .map(|d| d.headline())
                .collect();
            let output = previous.map(|p| p.output.clone()).unwrap_or_default();
            (Snapshot { output, errors }, Vec::new(), panicked)
        }
    }
}

/// A build run so that a panic inside it (a bug) becomes an error shown in the overlay and
/// the terminal instead of killing the server; `panicked` says whether that happened.
struct Isolated {
    build: pipeline::BuildResult,
    panicked: bool,
}

/// Runs `build`, turning a panic into a failed build with one error naming the panic.
fn isolated(build: impl FnOnce() -> pipeline::BuildResult) -> Isolated {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(build)) {
        Ok(build) => Isolated {
            build,
            panicked: false,
        },
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            let mut diagnostics = crate::diagnostics::Diagnostics::new();
            diagnostics.push(crate::diagnostics::Diagnostic::error(
                crate::diagnostics::Location::file("srm-docs"),
                format!(
                    "internal error while rebuilding ({what}); the last good site is still \
                     served; please report this with the edit that caused it"
                ),
            ));
            Isolated {
                build: pipeline::BuildResult {
                    output: None,
                    diagnostics,
                    stats: Default::default(),
                },
                panicked: true,
            }
        }
    }
}

/// Site paths (`articles/a/` style for pages) whose content differs between two outputs.
fn changed_paths(old: &Output, new: &Output) -> Vec<String> {
    let mut changed = Vec::new();
    for (path, bytes) in &new.files {
        let same = old
            .files
            .get(path)
            .is_some_and(|b| Arc::ptr_eq(b, bytes) || (**b).as_ref() == (**bytes).as_ref());
        if !same {
            changed.push(path.trim_end_matches("index.html").to_string());
        }
    }
    for path in old.files.keys() {
        if !new.files.contains_key(path) {
            changed.push(path.trim_end_matches("index.html").to_string());
        }
    }
    changed
}

fn rebuild_loop(
    root: &std::path::Path,
    engine: &mut Engine,
    opts: BuildOptions,
    state: &State,
    watcher: &watch::SiteWatcher,
    sources: &mut Option<pipeline::Sources>,
    verbosity: Verbosity,
) {
    while let Some(batch) = watcher.next_batch(Duration::from_millis(4), Duration::from_millis(250))
    {
        let started = Instant::now();
        let config = match Config::load(root) {
            Ok(c) => c,
            Err(d) => {
                eprint!("{}", d.render(false));
                let previous = state.snapshot.read().expect("snapshot").clone();
                let snap = Snapshot {
                    output: previous.output.clone(),
                    errors: vec![d.headline()],
                };
                *state.snapshot.write().expect("snapshot") = Arc::new(snap);
                state.broadcast("{\"errors\":true,\"changed\":[]}".into());
                continue;
            }
        };
        *state.base_path.write().expect("base") = config.base_path.to_string();
        let previous = state.snapshot.read().expect("snapshot").clone();
        engine.highlighter.clear_cache_if_larger_than(50_000);
        let paths: Vec<std::path::PathBuf> = batch.iter().map(|(p, _)| p.clone()).collect();
        let (snap, changed, panicked) = build_snapshot(
            &config,
            engine,
            opts,
            Some(&previous),
            sources,
            &paths,
            verbosity,
        );
        if panicked {
            *engine = Engine::default();
        }
        let failed = !snap.errors.is_empty();
        let all = batch.iter().any(|(_, c)| *c == watch::Change::Config);
        let message =
            serde_json::json!({"errors": failed, "changed": changed, "all": all}).to_string();
        *state.snapshot.write().expect("snapshot") = Arc::new(snap);
        state.broadcast(message);
        if verbosity == Verbosity::Quiet && !failed {
            continue;
        }
        eprintln!(
            "{} in {:.1?}: {} source file(s) edited, {} output file(s) changed{}",
            if failed { "rebuild failed" } else { "rebuilt" },
            started.elapsed(),
            paths.len(),
            changed.len(),
            if failed {
                "; serving the last good site"
            } else {
                ""
            }
        );
    }
}

fn handle(state: &Arc<State>, request: tiny_http::Request) {
    use tiny_http::{Header, Method, Response};
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let _ =
            request.respond(Response::from_string("method not allowed\n").with_status_code(405));
        return;
    }
    let url = request.url().to_string();
    let base = state.base_path.read().expect("base").clone();
    if url.split('?').next() == Some(&format!("{base}__srm/events")) {
        return events(state.clone(), request);
    }
    let snap = state.snapshot.read().expect("snapshot").clone();
    let header = |k: &str, v: &str| Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("header");
    let files = &snap.output.files;
    match http::resolve(&url, &base, |k| files.contains_key(k)) {
        http::Resolved::BadRequest => {
            let _ = request.respond(Response::from_string("bad request\n").with_status_code(400));
        }
        http::Resolved::Redirect(to) => {
            let location = http::ascii_url(&to);
            let _ =
                request.respond(Response::empty(301).with_header(header("Location", &location)));
        }
        http::Resolved::File(key) => {
            let body = page_body(&snap, &key);
            let response = Response::from_data(body)
                .with_header(header("Content-Type", http::content_type(&key)))
                .with_header(header("Cache-Control", "no-store"));
            let _ = request.respond(response);
        }
        http::Resolved::NotFound => {
            let body = if files.contains_key("404.html") {
                page_body(&snap, "404.html")
            } else {
                b"not found\n".to_vec()
            };
            let response = Response::from_data(body)
                .with_status_code(404)
                .with_header(header("Content-Type", "text/html; charset=utf-8"));
            let _ = request.respond(response);
        }
    }
}

/// A file's bytes; HTML pages get the reload client and, after a failed build, the overlay.
fn page_body(snap: &Snapshot, key: &str) -> Vec<u8> {
    let Some(bytes) = snap.output.get(key) else {
        return Vec::new();
    };
    if !key.ends_with(".html") {
        return bytes.to_vec();
    }
    let html = String::from_utf8_lossy(bytes);
    let page = key.trim_end_matches("index.html");
    let depth = page.matches('/').count();
    let mut extra = String::new();
    if !snap.errors.is_empty() {
        extra.push_str(&http::overlay(&snap.errors));
    }
    extra.push_str(&http::client_script(page, depth, !snap.errors.is_empty()));
    http::inject(&html, &extra).into_bytes()
}

/// Streams `reload` events to one browser tab over the raw connection (a chunked tiny_http
/// body would be buffered and never flushed per event).
fn events(state: Arc<State>, request: tiny_http::Request) {
    if state.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        state.streams.fetch_sub(1, Ordering::SeqCst);
        let _ = request.respond(
            tiny_http::Response::from_string("too many live-reload streams\n")
                .with_status_code(503),
        );
        return;
    }
    let (tx, rx) = mpsc::channel::<String>();
    state.listeners.lock().expect("listeners").push(tx);
    std::thread::spawn(move || {
        let mut writer = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
        if writer
            .write_all(head.as_bytes())
            .and_then(|_| writer.flush())
            .is_ok()
        {
            loop {
                let frame = match rx.recv_timeout(Duration::from_secs(15)) {
                    Ok(msg) => format!("event: reload\ndata: {msg}\n\n"),
                    Err(mpsc::RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                };
                if writer
                    .write_all(frame.as_bytes())
                    .and_then(|_| writer.flush())
                    .is_err()
                {
                    break;
                }
            }
        }
        state.streams.fetch_sub(1, Ordering::SeqCst);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_rebuild_becomes_a_failed_build_with_its_message() {
        let result = isolated(|| panic!("index out of bounds"));
        assert!(result.panicked && result.build.output.is_none());
        let text = result.build.diagnostics.render(false);
        assert!(
            text.contains("internal error while rebuilding (index out of bounds)"),
            "{text}"
        );
        let fine = isolated(|| pipeline::BuildResult {
            output: Some(Output::default()),
            diagnostics: crate::diagnostics::Diagnostics::new(),
            stats: Default::default(),
        });
        assert!(!fine.panicked);
    }
}
