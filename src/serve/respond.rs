//! The preview's answer to one request: a file of the last good site (HTML pages get the
//! live-reload client and, after a failed build, the error overlay), a redirect, a 404, the
//! live-reload client or event stream, or a refusal. Every reply carries the same safety
//! headers; on a loopback address only local host names are answered, so a page elsewhere
//! cannot reach the preview through DNS rebinding.

use super::http::{self, Resolved};
use super::state::{Snapshot, State};
use super::wire::{Reply, RequestHead};

/// The content security policy of every preview response: scripts and everything else from
/// the preview itself only.
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' \
    'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
    form-action 'self'; frame-ancestors 'self'";

/// What to do with a request.
pub(crate) enum Answer {
    /// Send this reply.
    Reply(Reply),
    /// Turn the connection into a live-reload event stream.
    Events,
}

/// Answers `head`; `loopback` says the server listens on a loopback address only.
pub(crate) fn answer(state: &State, head: &RequestHead, loopback: bool) -> Answer {
    if loopback && !local_host(head.header("host")) {
        return Answer::Reply(guarded(Reply::text(
            403,
            "this preview answers only to localhost\n",
        )));
    }
    if head.method != "GET" && head.method != "HEAD" {
        return Answer::Reply(guarded(
            Reply::text(405, "method not allowed\n").with("Allow", "GET, HEAD"),
        ));
    }
    let base = state.base_path();
    let path = head.target.split(['?', '#']).next().unwrap_or("");
    if path == format!("{base}__srm/events") {
        return Answer::Events;
    }
    Answer::Reply(guarded(if path == format!("{base}__srm/reload.js") {
        file_reply(200, "x.js", http::CLIENT_JS.as_bytes().to_vec())
    } else {
        // A page file goes once no site serves it: a request that took an older site just
        // before a rebuild finds it gone and is answered from the newer one.
        site_reply(&state.snapshot(), &base, &head.target).unwrap_or_else(|| {
            site_reply(&state.snapshot(), &base, &head.target).unwrap_or_else(gone)
        })
    }))
}

/// The reply when a file vanished twice while being read (the store's folder was removed).
fn gone() -> Reply {
    Reply::text(503, "the preview is rebuilding; reload the page\n")
}

/// A file, redirect or 404 from the site; `None` when a file it lists cannot be read.
fn site_reply(snap: &Snapshot, base: &str, target: &str) -> Option<Reply> {
    let site = &snap.site;
    Some(match http::resolve(target, base, |k| site.contains(k)) {
        Resolved::BadRequest => Reply::text(400, "bad request\n"),
        Resolved::Redirect(to) => Reply::text(301, "").with("Location", http::ascii_url(&to)),
        Resolved::File(key) => file_reply(200, &key, page_body(snap, base, &key)?),
        Resolved::NotFound if site.contains("404.html") => {
            file_reply(404, "404.html", page_body(snap, base, "404.html")?)
        }
        Resolved::NotFound => Reply::text(404, "not found\n"),
    })
}

fn file_reply(status: u16, key: &str, body: Vec<u8>) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", http::content_type(key).to_string())],
        body,
    }
}

/// Adds the headers every response carries.
pub(crate) fn guarded(reply: Reply) -> Reply {
    reply
        .with("Cache-Control", "no-store")
        .with("X-Content-Type-Options", "nosniff")
        .with("Referrer-Policy", "no-referrer")
        .with("Content-Security-Policy", CSP)
}

/// Whether a `Host` header names this machine (`localhost`, `*.localhost` or a loopback
/// address, any port). A request without one cannot come from a browser and is let through.
fn local_host(host: Option<&str>) -> bool {
    let Some(host) = host else { return true };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A file's bytes (`None` when it cannot be read); HTML pages get the reload client and,
/// after a failed build, the overlay.
fn page_body(snap: &Snapshot, base: &str, key: &str) -> Option<Vec<u8>> {
    let bytes = snap.site.read(key)?;
    if !key.ends_with(".html") {
        return Some(bytes.into_owned());
    }
    let html = String::from_utf8_lossy(&bytes);
    let page = key.trim_end_matches("index.html");
    let mut extra = String::new();
    if !snap.errors.is_empty() {
        extra.push_str(&http::overlay(&snap.errors));
    }
    extra.push_str(&http::client_tag(base, page, !snap.errors.is_empty()));
    Some(http::inject(&html, &extra).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_host_names_pass_on_loopback() {
        for ok in [
            None,
            Some("localhost"),
            Some("LOCALHOST:8080"),
            Some("docs.localhost:1"),
            Some("127.0.0.1:1111"),
            Some("127.1.2.3"),
            Some("[::1]:80"),
        ] {
            assert!(local_host(ok), "{ok:?}");
        }
        for bad in [
            Some("evil.example"),
            Some("evil.example:8080"),
            Some("localhost.evil.example"),
            Some("10.0.0.1"),
            Some("[2001:db8::1]:80"),
            Some(""),
        ] {
            assert!(!local_host(bad), "{bad:?}");
        }
    }

    fn head(method: &str, target: &str, host: &str) -> RequestHead {
        RequestHead {
            method: method.into(),
            target: target.into(),
            http10: false,
            headers: vec![("host".into(), host.into())],
        }
    }

    fn reply(answer: Answer) -> Reply {
        match answer {
            Answer::Reply(r) => r,
            Answer::Events => panic!("expected a reply"),
        }
    }

    #[test]
    fn every_reply_carries_the_safety_headers_and_refusals_come_first() {
        let state = State::new(Snapshot::default(), "/".into());
        let r = reply(answer(&state, &head("GET", "/", "evil.example"), true));
        assert_eq!(r.status, 403);
        let r = reply(answer(&state, &head("POST", "/", "localhost"), true));
        assert_eq!(r.status, 405);
        let r = reply(answer(
            &state,
            &head("GET", "/nope/", "evil.example"),
            false,
        ));
        assert_eq!(r.status, 404);
        for name in [
            "Cache-Control",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Content-Security-Policy",
        ] {
            assert!(r.headers.iter().any(|(n, _)| *n == name), "{name}");
        }
        let r = reply(answer(
            &state,
            &head("GET", "/__srm/reload.js", "localhost"),
            true,
        ));
        assert_eq!(
            (r.status, r.body.as_slice()),
            (200, http::CLIENT_JS.as_bytes())
        );
        assert!(matches!(
            answer(&state, &head("GET", "/__srm/events?x", "localhost"), true),
            Answer::Events
        ));
    }
}
