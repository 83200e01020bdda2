//! `base_url` parsed once: an absolute `http(s)` URL with a host and a path, no query, no
//! fragment, nothing that could end an HTML attribute. The results are types that can only
//! hold such values, so [`SiteUrl`] and [`BasePath`] can be put in an `href` as they are:
//! they are ASCII, non-ASCII path characters are percent-encoded, and `"`, `'`, `<`, `>`,
//! spaces and controls are refused.

use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::Deref;

/// The absolute URL a site is published at (`https://host/docs/`), always ending in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteUrl(String);

/// The path part of [`SiteUrl`] (`/` or `/docs/`): starts and ends with `/`, ASCII only,
/// safe inside an HTML attribute. Every internal link starts with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasePath(String);

/// ASCII characters kept as they are in a path; every other one is refused or encoded.
const PATH_KEEP: &[u8] = b"-._~!$()*+,;=:@/";

/// Characters that may not appear anywhere in `base_url` (percent-encoding them would hide
/// a mistake: a URL pasted with quotes or angle brackets, or a path with spaces).
const REFUSED: &[char] = &['"', '\'', '<', '>', '`', '\\'];

impl SiteUrl {
    /// Parses `base_url` into the site URL and its path; the error is the message to show.
    pub fn parse(url: &str) -> Result<(SiteUrl, BasePath), String> {
        let bad = |why: &str| format!("base_url `{url}` {why}");
        let (scheme, rest) = url
            .strip_prefix("https://")
            .map(|r| ("https://", r))
            .or_else(|| url.strip_prefix("http://").map(|r| ("http://", r)))
            .ok_or_else(|| bad("must start with http:// or https://"))?;
        if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(&format!(
                "must not contain spaces or control characters (found {c:?})"
            )));
        }
        if let Some(c) = url.chars().find(|c| REFUSED.contains(c)) {
            return Err(bad(&format!("must not contain `{c}`")));
        }
        if url.contains('?') {
            return Err(bad("must not have a query (`?…`)"));
        }
        if url.contains('#') {
            return Err(bad("must not have a fragment (`#…`)"));
        }
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        check_host(host).map_err(|why| bad(&why))?;
        let path = BasePath::encode(path).map_err(|why| bad(&why))?;
        Ok((SiteUrl(format!("{scheme}{host}{}", path.0)), path))
    }

    /// The URL as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A host (with an optional port): ASCII letters, digits, `-`, `.`, `:` and IPv6 brackets.
fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("has no host".into());
    }
    if !host.is_ascii() {
        return Err("must write its host in ASCII (punycode: xn--…)".into());
    }
    match host
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-.:[]".contains(*c)))
    {
        Some(c) => Err(format!("has `{c}` in its host")),
        None => Ok(()),
    }
}

impl BasePath {
    /// Makes a path safe: `/` added at both ends, non-ASCII and unusual ASCII characters
    /// percent-encoded, existing `%XX` escapes kept. The caller has refused quotes, angle
    /// brackets, spaces and controls; an empty segment (`//`) or a lone `%` is refused here.
    fn encode(path: &str) -> Result<BasePath, String> {
        let mut out = String::from("/");
        let bytes = path.trim_start_matches('/').as_bytes();
        if path.contains("//") {
            return Err("must not have an empty path segment (`//`)".into());
        }
        for (i, &b) in bytes.iter().enumerate() {
            if b.is_ascii_alphanumeric() || PATH_KEEP.contains(&b) {
                out.push(b as char);
            } else if b == b'%' {
                let escape = bytes.get(i + 1..i + 3);
                if !escape.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                    return Err("has a `%` that does not start a %XX escape".into());
                }
                out.push('%');
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        if !out.ends_with('/') {
            out.push('/');
        }
        Ok(BasePath(out))
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SiteUrl {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Deref for BasePath {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SiteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for BasePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<&str> for SiteUrl {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<&str> for BasePath {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for SiteUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl Serialize for BasePath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(url: &str) -> (String, String) {
        let (u, p) = SiteUrl::parse(url).unwrap();
        (u.to_string(), p.to_string())
    }

    fn err(url: &str) -> String {
        SiteUrl::parse(url).unwrap_err()
    }

    #[test]
    fn a_trailing_slash_is_added_to_the_url_and_its_path() {
        assert_eq!(
            ok("https://kb.example.com"),
            ("https://kb.example.com/".into(), "/".into())
        );
        assert_eq!(
            ok("http://localhost:8080/docs"),
            ("http://localhost:8080/docs/".into(), "/docs/".into())
        );
        assert_eq!(
            ok("https://kb.example.com/a/b/"),
            ("https://kb.example.com/a/b/".into(), "/a/b/".into())
        );
    }

    #[test]
    fn non_ascii_and_unusual_characters_are_percent_encoded_and_escapes_kept() {
        assert_eq!(
            ok("https://h/sécurité/a&b%20c"),
            (
                "https://h/s%C3%A9curit%C3%A9/a%26b%20c/".into(),
                "/s%C3%A9curit%C3%A9/a%26b%20c/".into()
            )
        );
    }

    #[test]
    fn scheme_and_host_are_required() {
        assert_eq!(
            err("kb.example.com"),
            "base_url `kb.example.com` must start with http:// or https://"
        );
        assert_eq!(err("https:///docs"), "base_url `https:///docs` has no host");
        assert_eq!(
            err("https://exämple.com/"),
            "base_url `https://exämple.com/` must write its host in ASCII (punycode: xn--…)"
        );
        assert_eq!(
            err("https://user@host/"),
            "base_url `https://user@host/` has `@` in its host"
        );
    }

    #[test]
    fn queries_fragments_spaces_and_markup_are_refused() {
        assert_eq!(
            err("https://h/docs?x=1"),
            "base_url `https://h/docs?x=1` must not have a query (`?…`)"
        );
        assert_eq!(
            err("https://h/docs#top"),
            "base_url `https://h/docs#top` must not have a fragment (`#…`)"
        );
        assert_eq!(
            err("https://h/my docs"),
            "base_url `https://h/my docs` must not contain spaces or control characters (found ' ')"
        );
        assert_eq!(
            err("https://h/\"><script>"),
            "base_url `https://h/\"><script>` must not contain `\"`"
        );
        assert_eq!(
            err("https://h/a'b"),
            "base_url `https://h/a'b` must not contain `'`"
        );
    }

    #[test]
    fn an_empty_segment_or_a_lone_percent_is_refused() {
        assert_eq!(
            err("https://h//evil.example/"),
            "base_url `https://h//evil.example/` must not have an empty path segment (`//`)"
        );
        assert_eq!(
            err("https://h/100%"),
            "base_url `https://h/100%` has a `%` that does not start a %XX escape"
        );
    }

    #[test]
    fn the_base_path_compares_and_serialises_as_text() {
        let (_, p) = SiteUrl::parse("https://h/docs").unwrap();
        assert!(p == "/docs/");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"/docs/\"");
    }
}
