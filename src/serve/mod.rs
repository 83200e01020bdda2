//! `srm-docs serve`: a live-reload preview. The site is built in memory with the same
//! pipeline as `build` (memoised, so a rebuild redoes only what an edit touched, and every
//! page that depends on it), swapped in whole after each good build, and served over
//! HTTP/1.1. A failed rebuild keeps the last good site and shows its errors as an overlay
//! on every page; browsers learn about new builds over Server-Sent Events on the same port.
//!
//! [`start`] runs a preview in the calling process (tests use it); [`run`] is the command.

mod http;
mod incremental;
mod listener;
mod memory;
mod rebuild;
mod respond;
mod state;
mod watch;
mod wire;

use crate::error::Error;
use crate::pipeline::BuildOptions;
use crate::term::Term;
use rebuild::Rebuilder;
use state::State;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

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

/// A running preview: serving, watching and rebuilding until [`Preview::stop`] or drop.
pub struct Preview {
    addr: SocketAddr,
    base_path: String,
    stop: Arc<AtomicBool>,
    stopper: watch::Stopper,
    threads: Vec<JoinHandle<()>>,
}

/// Builds the site, starts listening and watching, and returns at once; the preview runs
/// on its own threads. Fails when the folder or its config is unusable, or the address
/// cannot be listened on (before anything is built).
pub fn start(opts: &ServeOptions, term: Term) -> Result<Preview, Error> {
    let root = rebuild::absolute_root(&opts.root);
    let config = crate::commands::load_config(&root)?;
    let listen = format!("{}:{}", opts.bind, opts.port);
    let listener = TcpListener::bind((opts.bind.as_str(), opts.port))
        .map_err(|e| Error::Serve(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Serve(format!("cannot listen on {listen}: {e}")))?;
    let watcher = watch::SiteWatcher::start(&config.root, &config.output_dir, opts.poll)
        .map_err(|e| Error::Serve(format!("cannot watch {}: {e}", config.root.display())))?;
    let build = BuildOptions {
        drafts: opts.drafts,
    };
    let (rebuilder, snapshot) = Rebuilder::first(&config, build, term);
    let state = Arc::new(State::new(snapshot, config.base_path.to_string()));
    let stop = Arc::new(AtomicBool::new(false));
    let accept = listener::spawn(listener, state.clone(), stop.clone());
    let stopper = watcher.stopper();
    let rebuild = std::thread::spawn(move || rebuilder.run(&state, &watcher));
    Ok(Preview {
        addr,
        base_path: config.base_path.to_string(),
        stop,
        stopper,
        threads: vec![accept, rebuild],
    })
}

impl Preview {
    /// The address the preview listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's address: `http://ADDR/` plus the base path of `base_url`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.base_path)
    }

    /// Blocks until the preview stops (it runs until the process ends).
    pub fn wait(mut self) {
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }

    /// Stops accepting connections and watching, and waits for both to end. Connections
    /// already open end at their next request or timeout.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        if self.threads.is_empty() {
            return;
        }
        self.stop.store(true, Ordering::SeqCst);
        self.stopper.stop();
        let _ = TcpStream::connect(self.addr);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        self.halt();
    }
}

/// `srm-docs serve`: starts the preview, says where it is, and serves until killed.
pub fn run(opts: ServeOptions, term: Term) -> Result<(), Error> {
    let preview = start(&opts, term)?;
    term.serving(preview.addr(), &preview.base_path);
    if opts.open {
        let _ = std::process::Command::new("xdg-open")
            .arg(preview.url())
            .spawn();
    }
    preview.wait();
    Ok(())
}

#[cfg(feature = "fuzzing")]
pub(crate) use http::{ascii_url, resolve, Resolved};

/// For fuzzing: reads every request in `bytes` as one kept-open connection and answers each
/// as the listener does, from `output` served under `base_path` after a failed build (so
/// pages get the overlay too); returns each response as written.
#[cfg(feature = "fuzzing")]
pub(crate) fn answer_requests(
    bytes: &[u8],
    base: &str,
    output: crate::output::Output,
    loopback: bool,
) -> Vec<Vec<u8>> {
    let errors = vec!["content/a.md:1:1: error: <b>broken</b>".to_string()];
    let site = Arc::new(state::Served {
        files: output,
        ..Default::default()
    });
    let state = State::new(state::Snapshot { site, errors }, base.to_string());
    let mut reader = std::io::BufReader::new(bytes);
    let mut replies = Vec::new();
    while let Ok(head) = wire::read_request(&mut reader) {
        if let respond::Answer::Reply(reply) = respond::answer(&state, &head, loopback) {
            let mut out = Vec::new();
            let _ = wire::write_reply(&mut out, &reply, head.method == "HEAD", head.keep_alive());
            replies.push(out);
        }
    }
    replies
}
