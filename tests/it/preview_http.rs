//! The preview server started in-process (`srm_docs::serve::start`) and spoken to over raw
//! sockets on 127.0.0.1: keep-alive, limits (414, 431), bare-LF requests, read timeouts on
//! half-sent requests, safety headers on every response, the Host check against DNS
//! rebinding, and live-reload slots released as soon as their client goes.

use crate::common::TempDir;
use srm_docs::serve::{start, Preview, ServeOptions};
use srm_docs::term::{Term, Verbosity};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn site() -> TempDir {
    let dir = TempDir::new("preview-http");
    let root = dir.path();
    std::fs::create_dir_all(root.join("content/articles")).unwrap();
    std::fs::write(
        root.join("srm-docs.toml"),
        "title = \"Preview\"\nbase_url = \"http://localhost/\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/articles/alpha.md"),
        "---\ntitle: Alpha\ndate: 2026-01-01\n---\n\nThe first text.\n",
    )
    .unwrap();
    dir
}

fn preview(dir: &TempDir) -> Preview {
    let opts = ServeOptions {
        root: dir.path().to_path_buf(),
        drafts: false,
        bind: "127.0.0.1".into(),
        port: 0,
        poll: false,
        open: false,
    };
    start(&opts, Term::stderr(Verbosity::Quiet)).expect("preview starts")
}

/// One response read off a kept-open connection.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn read_response(r: &mut impl BufRead) -> Response {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':').unwrap();
        headers.push((n.to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    Response {
        status,
        headers,
        body,
    }
}

fn connect(p: &Preview) -> (TcpStream, BufReader<TcpStream>) {
    let s = TcpStream::connect(p.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let r = BufReader::new(s.try_clone().unwrap());
    (s, r)
}

fn exchange(p: &Preview, raw: &[u8]) -> Response {
    let (mut s, mut r) = connect(p);
    s.write_all(raw).unwrap();
    read_response(&mut r)
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection_with_safety_headers() {
    let dir = site();
    let p = preview(&dir);
    let (mut s, mut r) = connect(&p);
    for i in 0..50 {
        let path = if i % 2 == 0 { "/" } else { "/articles/alpha/" };
        write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let resp = read_response(&mut r);
        assert_eq!(resp.status, 200, "{path}");
        assert!(String::from_utf8_lossy(&resp.body).contains("__srm/reload.js"));
        assert_eq!(resp.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(resp.header("cache-control"), Some("no-store"));
        assert_eq!(resp.header("referrer-policy"), Some("no-referrer"));
        assert!(resp
            .header("content-security-policy")
            .is_some_and(|c| c.contains("script-src 'self'")));
    }
    write!(s, "GET /nope/ HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let missing = read_response(&mut r);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("cache-control"), Some("no-store"));
    let js = exchange(
        &p,
        b"GET /__srm/reload.js HTTP/1.1\r\nHost: localhost\r\n\r\n",
    );
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(String::from_utf8_lossy(&js.body).contains("EventSource"));
}

#[test]
fn oversized_heads_get_414_and_431_and_bare_lf_requests_are_answered() {
    let dir = site();
    let p = preview(&dir);
    let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000));
    assert_eq!(exchange(&p, long.as_bytes()).status, 414);
    let big = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "b".repeat(100_000));
    assert_eq!(exchange(&p, big.as_bytes()).status, 431);
    let lf = exchange(&p, b"GET / HTTP/1.1\nHost: localhost\n\n");
    assert_eq!(lf.status, 200);
    assert_eq!(exchange(&p, b"NOT HTTP AT ALL\r\n\r\n").status, 400);
}

#[test]
fn a_foreign_host_name_is_refused_on_loopback() {
    let dir = site();
    let p = preview(&dir);
    let evil = exchange(&p, b"GET / HTTP/1.1\r\nHost: attacker.example:8000\r\n\r\n");
    assert_eq!(evil.status, 403);
    assert!(!String::from_utf8_lossy(&evil.body).contains("Alpha"));
    let port = p.addr().port();
    let ok = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    assert_eq!(exchange(&p, ok.as_bytes()).status, 200);
}

#[test]
fn a_half_sent_request_does_not_stop_others_from_being_served() {
    let dir = site();
    let p = preview(&dir);
    let mut stalled = Vec::new();
    for _ in 0..50 {
        let mut s = TcpStream::connect(p.addr()).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: loc").unwrap();
        stalled.push(s);
    }
    let ok = exchange(&p, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(ok.status, 200);
}

/// Opens an event stream and waits for its first bytes.
fn open_stream(p: &Preview) -> Option<TcpStream> {
    let (mut s, mut r) = connect(p);
    s.write_all(b"GET /__srm/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    line.contains(" 200 ").then_some(s)
}

#[test]
fn live_reload_slots_come_back_as_soon_as_clients_go() {
    let dir = site();
    let p = preview(&dir);
    let streams: Vec<TcpStream> = (0..64).filter_map(|_| open_stream(&p)).collect();
    assert_eq!(streams.len(), 64);
    assert!(open_stream(&p).is_none(), "the 65th stream is refused");
    drop(streams);
    let since = Instant::now();
    let back = loop {
        if let Some(s) = open_stream(&p) {
            break s;
        }
        assert!(
            since.elapsed() < Duration::from_secs(5),
            "slots not released"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(back);
}

#[test]
fn stopping_the_preview_closes_its_port() {
    let dir = site();
    let p = preview(&dir);
    let addr = p.addr();
    assert_eq!(
        exchange(&p, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").status,
        200
    );
    p.stop();
    assert!(TcpStream::connect(addr).is_err());
}
