//! HTTP/1.1 on the wire, as much as a local preview needs: read one request head within
//! limits (request line, header count and size; CRLF or bare LF line ends), discard a small
//! body, and write one response. Pure over `Read`/`Write`, so it is tested without sockets.

use std::io::{self, BufRead, Read, Write};

/// Longest request line accepted (longer: 414).
pub(crate) const MAX_REQUEST_LINE: usize = 8 * 1024;
/// Most bytes of headers accepted (more: 431).
pub(crate) const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Most header lines accepted (more: 431).
pub(crate) const MAX_HEADERS: usize = 100;
/// Largest request body read and discarded (larger: 413).
pub(crate) const MAX_BODY: u64 = 64 * 1024;

/// A request's method, target and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestHead {
    /// `GET`, `HEAD`, …
    pub(crate) method: String,
    /// The request target as sent (`/articles/a/?x`).
    pub(crate) target: String,
    /// True for HTTP/1.0 (no keep-alive unless asked).
    pub(crate) http10: bool,
    /// Header names (lower case) and values, in order.
    pub(crate) headers: Vec<(String, String)>,
}

impl RequestHead {
    /// The first value of header `name` (lower case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client wants the connection kept open after the response.
    pub(crate) fn keep_alive(&self) -> bool {
        let connection = self.header("connection").unwrap_or("").to_ascii_lowercase();
        let has = |word: &str| connection.split(',').any(|t| t.trim() == word);
        if self.http10 {
            has("keep-alive")
        } else {
            !has("close")
        }
    }
}

/// Why no request head could be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The client closed the connection between requests.
    Closed,
    /// The request line is longer than [`MAX_REQUEST_LINE`] (414).
    UriTooLong,
    /// The headers exceed [`MAX_HEADER_BYTES`] or [`MAX_HEADERS`] (431).
    HeadersTooLarge,
    /// Not an HTTP/1.x request (400).
    Malformed,
    /// The body is larger than [`MAX_BODY`] (413).
    BodyTooLarge,
    /// The socket failed or timed out.
    Io,
}

impl ReadError {
    /// The status to answer with, if the connection is still worth an answer.
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            ReadError::UriTooLong => Some(414),
            ReadError::HeadersTooLarge => Some(431),
            ReadError::Malformed => Some(400),
            ReadError::BodyTooLarge => Some(413),
            ReadError::Closed | ReadError::Io => None,
        }
    }
}

/// Reads one line of at most `limit` bytes without its line end; `Ok(None)` at end of input.
/// `Err(None)` when the line is longer than `limit`.
fn read_line(r: &mut impl BufRead, limit: usize) -> Result<Option<Vec<u8>>, Option<io::Error>> {
    let mut line = Vec::new();
    let n = r
        .take(limit as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(Some)?;
    if n == 0 {
        return Ok(None);
    }
    if line.last() != Some(&b'\n') {
        // Either too long, or the peer closed mid-line.
        return if n > limit { Err(None) } else { Ok(None) };
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Some(line))
}

/// Reads a request head (skipping blank lines before it) and discards its body.
pub(crate) fn read_request(r: &mut impl BufRead) -> Result<RequestHead, ReadError> {
    let line = loop {
        match read_line(r, MAX_REQUEST_LINE) {
            Ok(Some(l)) if l.is_empty() => continue,
            Ok(Some(l)) => break l,
            Ok(None) => return Err(ReadError::Closed),
            Err(None) => return Err(ReadError::UriTooLong),
            Err(Some(_)) => return Err(ReadError::Io),
        }
    };
    let mut head = parse_request_line(&line).ok_or(ReadError::Malformed)?;
    let mut budget = MAX_HEADER_BYTES;
    loop {
        let line = match read_line(r, budget) {
            Ok(Some(l)) => l,
            Ok(None) => return Err(ReadError::Malformed),
            Err(None) => return Err(ReadError::HeadersTooLarge),
            Err(Some(_)) => return Err(ReadError::Io),
        };
        if line.is_empty() {
            break;
        }
        budget = budget.saturating_sub(line.len() + 2);
        if head.headers.len() == MAX_HEADERS || budget == 0 {
            return Err(ReadError::HeadersTooLarge);
        }
        head.headers
            .push(parse_header(&line).ok_or(ReadError::Malformed)?);
    }
    discard_body(r, &head)?;
    Ok(head)
}

/// `METHOD target HTTP/1.x` → a head with no headers yet.
fn parse_request_line(line: &[u8]) -> Option<RequestHead> {
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return None,
    };
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic());
    if parts.next().is_some() || !token(method) || !target.starts_with('/') {
        return None;
    }
    Some(RequestHead {
        method: method.to_string(),
        target: target.to_string(),
        http10,
        headers: Vec::new(),
    })
}

/// `Name: value` → (lower-case name, trimmed value).
fn parse_header(line: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(line).ok()?;
    let (name, value) = text.split_once(':')?;
    if name.is_empty() || name.contains([' ', '\t']) {
        return None;
    }
    Some((name.to_ascii_lowercase(), value.trim().to_string()))
}

/// Reads and drops a `Content-Length` body; chunked bodies are refused as malformed (a
/// preview answers GET and HEAD only).
fn discard_body(r: &mut impl BufRead, head: &RequestHead) -> Result<(), ReadError> {
    if head.header("transfer-encoding").is_some() {
        return Err(ReadError::Malformed);
    }
    let Some(length) = head.header("content-length") else {
        return Ok(());
    };
    let length: u64 = length.parse().map_err(|_| ReadError::Malformed)?;
    if length > MAX_BODY {
        return Err(ReadError::BodyTooLarge);
    }
    let copied = io::copy(&mut r.take(length), &mut io::sink()).map_err(|_| ReadError::Io)?;
    if copied < length {
        return Err(ReadError::Closed);
    }
    Ok(())
}

/// One response: status, headers and body.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    /// The status code.
    pub(crate) status: u16,
    /// Headers besides `Content-Length` and `Connection`, which [`write_reply`] adds.
    pub(crate) headers: Vec<(&'static str, String)>,
    /// The body (not sent for HEAD, but its length is).
    pub(crate) body: Vec<u8>,
}

impl Reply {
    /// A plain-text reply.
    pub(crate) fn text(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Adds a header.
    pub(crate) fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// The reason phrase of the statuses the preview sends.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// Writes `reply`; without its body when `head_only` (a HEAD request).
pub(crate) fn write_reply(
    w: &mut impl Write,
    reply: &Reply,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    out.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&reply.body);
    }
    w.write_all(&bytes)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<RequestHead, ReadError> {
        read_request(&mut io::BufReader::new(bytes))
    }

    #[test]
    fn reads_crlf_and_bare_lf_requests_with_headers() {
        for raw in [
            "GET /a/?q=1 HTTP/1.1\r\nHost: localhost:1\r\nX-Y:  z \r\n\r\n",
            "\r\nGET /a/?q=1 HTTP/1.1\nHost: localhost:1\nX-Y: z\n\n",
        ] {
            let head = read(raw.as_bytes()).unwrap();
            assert_eq!(
                (head.method.as_str(), head.target.as_str()),
                ("GET", "/a/?q=1")
            );
            assert_eq!(head.header("host"), Some("localhost:1"));
            assert_eq!(head.header("x-y"), Some("z"));
            assert!(head.keep_alive());
        }
    }

    #[test]
    fn keep_alive_follows_version_and_connection_header() {
        let h = |raw: &str| read(raw.as_bytes()).unwrap().keep_alive();
        assert!(!h("GET / HTTP/1.0\r\n\r\n"));
        assert!(h("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
        assert!(!h("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
    }

    #[test]
    fn limits_give_414_431_413_and_garbage_400() {
        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_REQUEST_LINE));
        assert_eq!(read(long_line.as_bytes()).unwrap_err().status(), Some(414));
        let big_header = format!(
            "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
            "b".repeat(MAX_HEADER_BYTES)
        );
        assert_eq!(read(big_header.as_bytes()).unwrap_err().status(), Some(431));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("H{i}: v\r\n")).collect();
        let many = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(read(many.as_bytes()).unwrap_err().status(), Some(431));
        let body = format!("GET / HTTP/1.1\r\nContent-Length: {}\r\n\r\n", MAX_BODY + 1);
        assert_eq!(read(body.as_bytes()).unwrap_err().status(), Some(413));
        for bad in [
            "GARBAGE\r\n\r\n",
            "GET / SPDY/3\r\n\r\n",
            "GET x HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(
                read(bad.as_bytes()).unwrap_err().status(),
                Some(400),
                "{bad}"
            );
        }
        assert!(matches!(read(b""), Err(ReadError::Closed)));
    }

    #[test]
    fn a_small_body_is_discarded_so_the_next_request_reads_cleanly() {
        let raw = b"GET /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyzGET /b HTTP/1.1\r\n\r\n";
        let mut r = io::BufReader::new(&raw[..]);
        assert_eq!(read_request(&mut r).unwrap().target, "/a");
        assert_eq!(read_request(&mut r).unwrap().target, "/b");
    }

    #[test]
    fn writes_status_headers_length_and_omits_body_for_head() {
        let reply = Reply::text(404, "gone").with("X-A", "1");
        let mut out = Vec::new();
        write_reply(&mut out, &reply, false, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"), "{text}");
        assert!(text.contains("X-A: 1\r\nContent-Length: 4\r\nConnection: keep-alive\r\n\r\ngone"));
        let mut out = Vec::new();
        write_reply(&mut out, &reply, true, false).unwrap();
        assert!(String::from_utf8(out)
            .unwrap()
            .ends_with("Connection: close\r\n\r\n"));
    }
}
