//! The preview's sockets: an accept loop, one thread per connection (at most
//! [`MAX_CONNECTIONS`]; more get 503), `TCP_NODELAY`, read and write timeouts, keep-alive,
//! and live-reload event streams (at most [`MAX_STREAMS`]) released as soon as their client
//! goes.

use super::respond::{self, Answer};
use super::state::State;
use super::wire::{self, Reply};
use std::io::{self, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Most open connections; more are answered 503 and closed.
pub(crate) const MAX_CONNECTIONS: usize = 512;
/// Most live-reload streams; more are answered 503.
pub(crate) const MAX_STREAMS: usize = 64;
/// How long a connection may take to send a request head, or stay idle between requests.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to accept a response.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an event stream checks whether its client has gone.
const GONE_CHECK: Duration = Duration::from_millis(200);
/// How often an idle event stream sends a comment to keep proxies from closing it.
const PING: Duration = Duration::from_secs(15);

/// Counters shared by every connection thread.
struct Shared {
    state: Arc<State>,
    loopback: bool,
    connections: AtomicUsize,
    streams: AtomicUsize,
}

/// Holds one unit of a counter until dropped.
struct Slot<'a>(&'a AtomicUsize);

impl<'a> Slot<'a> {
    fn take(counter: &'a AtomicUsize, max: usize) -> Option<Self> {
        if counter.fetch_add(1, Ordering::SeqCst) >= max {
            counter.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Slot(counter))
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Accepts connections on `listener` until `stop` is set (and one more connection arrives
/// to wake the loop).
pub(crate) fn spawn(
    listener: TcpListener,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
) -> JoinHandle<()> {
    let loopback = listener.local_addr().is_ok_and(|a| a.ip().is_loopback());
    let shared = Arc::new(Shared {
        state,
        loopback,
        connections: AtomicUsize::new(0),
        streams: AtomicUsize::new(0),
    });
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let shared = shared.clone();
            let spawned = std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || connection(stream, &shared));
            drop(spawned);
        }
    })
}

/// Serves requests on one connection until it closes, errs, times out or asks to close.
fn connection(stream: TcpStream, shared: &Shared) {
    let Some(_slot) = Slot::take(&shared.connections, MAX_CONNECTIONS) else {
        let _ = refuse(&stream, 503);
        return;
    };
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = &stream;
    loop {
        let head = match wire::read_request(&mut reader) {
            Ok(head) => head,
            Err(e) => {
                if let Some(status) = e.status() {
                    let _ = refuse(&stream, status);
                }
                return;
            }
        };
        match respond::answer(&shared.state, &head, shared.loopback) {
            Answer::Reply(reply) => {
                let keep = head.keep_alive();
                let head_only = head.method == "HEAD";
                if wire::write_reply(&mut writer, &reply, head_only, keep).is_err() || !keep {
                    return;
                }
            }
            Answer::Events => return events(&stream, shared),
        }
    }
}

/// Answers `status` and closes.
fn refuse(mut stream: &TcpStream, status: u16) -> io::Result<()> {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let reply = respond::guarded(Reply::text(status, &format!("{}\n", wire::reason(status))));
    wire::write_reply(&mut stream, &reply, false, false)
}

/// Streams `reload` events to one browser tab until it goes or the server stops.
fn events(stream: &TcpStream, shared: &Shared) {
    let Some(_slot) = Slot::take(&shared.streams, MAX_STREAMS) else {
        let _ = refuse(stream, 503);
        return;
    };
    let (tx, rx) = mpsc::channel::<String>();
    shared.state.listen(tx);
    let mut writer = stream;
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    if send(&mut writer, head).is_err() {
        return;
    }
    let mut last_sent = Instant::now();
    loop {
        let frame = match rx.recv_timeout(GONE_CHECK) {
            Ok(msg) => format!("event: reload\ndata: {msg}\n\n"),
            Err(mpsc::RecvTimeoutError::Timeout) if client_gone(stream) => return,
            Err(mpsc::RecvTimeoutError::Timeout) if last_sent.elapsed() >= PING => {
                ": ping\n\n".to_string()
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if send(&mut writer, &frame).is_err() {
            return;
        }
        last_sent = Instant::now();
    }
}

fn send(writer: &mut &TcpStream, text: &str) -> io::Result<()> {
    writer.write_all(text.as_bytes())?;
    writer.flush()
}

/// True when the peer has closed its side (a read would return end of file) or the socket
/// failed; a client that sent more bytes is still there.
fn client_gone(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut byte = [0u8; 1];
    let gone = match stream.peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != io::ErrorKind::WouldBlock,
    };
    let _ = stream.set_nonblocking(false);
    gone
}
