//! `srm-docs serve` against a real HTTP client on 127.0.0.1: first page, edits (plain and
//! atomic), a broken edit shown as an overlay while the last good page stays up, bursts,
//! traversal attempts, HEAD, 404, port handling, the SSE stream, and a headless Chromium
//! that watches a page reload by itself.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A throwaway site folder with a few articles.
struct TempSite(PathBuf);

impl TempSite {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("srm-serve-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("content/articles")).unwrap();
        std::fs::write(
            dir.join("srm-docs.toml"),
            "title = \"Serve test\"\nbase_url = \"http://localhost/\"\n",
        )
        .unwrap();
        let site = TempSite(dir);
        site.write(
            "content/articles/alpha.md",
            &article("Alpha", "The first text."),
        );
        site.write(
            "content/articles/beta.md",
            &article("Beta", "Links to [alpha](alpha.md)."),
        );
        site
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }
    /// Writes a temporary file and renames it over the target, as many editors save.
    fn atomic_write(&self, rel: &str, text: &str) {
        let tmp = self.path(&format!("{rel}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, self.path(rel)).unwrap();
    }
}

impl Drop for TempSite {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn article(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2026-01-01\ntags: [test]\n---\n\n{body}\n")
}

/// A running `srm-docs serve`; killed on drop.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(site: &TempSite, extra: &[&str]) -> Server {
        Self::start_with_stderr(site, extra, Stdio::null())
    }

    /// Starts the server with its terminal lines sent, one by one, to the returned channel.
    fn start_logged(site: &TempSite) -> (Server, std::sync::mpsc::Receiver<String>) {
        let mut server = Self::start_with_stderr(site, &[], Stdio::piped());
        let stderr = server.child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        (server, rx)
    }

    fn start_with_stderr(site: &TempSite, extra: &[&str], stderr: Stdio) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_srm-docs"));
        command
            .args(["serve", "--port", "0", "--root"])
            .arg(&site.0);
        Self::spawn(command.args(extra).stderr(stderr))
    }

    /// Runs `command` (a `serve` with its arguments) and reads the port it prints.
    fn spawn(command: &mut Command) -> Server {
        let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("Serving at http://127.0.0.1:")
            .and_then(|r| r.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .parse()
            .unwrap();
        Server { child, port }
    }
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
    fn get(&self, path: &str) -> (u16, String) {
        match ureq::get(&self.url(path)).call() {
            Ok(r) => (r.status(), r.into_string().unwrap()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
            Err(e) => panic!("GET {path}: {e}"),
        }
    }
    /// Polls `path` until `pred` holds on its body (or panics after 10 s).
    fn wait_for(&self, path: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let (_, body) = self.get(path);
            if pred(&body) {
                return body;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what} on {path}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    /// Sends a raw request line (for paths an HTTP client would normalise) and returns the status.
    fn raw_status(&self, request_path: &str) -> u16 {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "GET {request_path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        let _ = s.read_to_string(&mut text);
        text.split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serves_pages_head_and_404_from_memory() {
    let site = TempSite::new("basic");
    let server = Server::start(&site, &[]);
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(
        home.contains("Alpha") && home.contains("__srm/reload.js"),
        "{home}"
    );
    let (status, page) = server.get("/articles/alpha/");
    assert_eq!(status, 200);
    assert!(page.contains("The first text."));
    let head = ureq::head(&server.url("/articles/alpha/")).call().unwrap();
    assert_eq!(head.status(), 200);
    assert!(head.content_type().starts_with("text/html"));
    let css = ureq::get(&server.url("/static/style.css")).call().unwrap();
    assert_eq!(css.content_type(), "text/css");
    let (status, missing) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(missing.contains("<html"), "the site's 404 page is served");
    assert!(
        !site.path("public").exists(),
        "serve never writes the build output"
    );
}

/// The preview's page folders (`srm-docs-preview-*`) in `tmp`, each with its `.html` files.
fn page_folders(tmp: &Path) -> Vec<(PathBuf, usize)> {
    let mut found: Vec<(PathBuf, usize)> = std::fs::read_dir(tmp)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("srm-docs-preview-")
        })
        .map(|e| {
            let pages = std::fs::read_dir(e.path()).unwrap().flatten();
            let html = pages.filter(|p| p.path().extension().is_some_and(|x| x == "html"));
            (e.path(), html.count())
        })
        .collect();
    found.sort();
    found
}

#[test]
fn pages_are_served_from_a_folder_of_its_own_that_the_next_preview_clears() {
    let site = TempSite::new("store");
    let tmp_dir = tempfile::tempdir().unwrap();
    let tmp = tmp_dir.path();
    let start = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_srm-docs"));
        command
            .args(["serve", "--port", "0", "--root"])
            .arg(&site.0);
        Server::spawn(command.env("TMPDIR", tmp).stderr(Stdio::null()))
    };
    let first = start();
    let folders = page_folders(tmp);
    assert_eq!(folders.len(), 1, "{folders:?}");
    assert!(folders[0].1 >= 2, "pages are written there: {folders:?}");
    site.write("content/articles/alpha.md", &article("Alpha", "Rewritten."));
    first.wait_for("/articles/alpha/", "the edit", |b| b.contains("Rewritten."));
    drop(first); // killed: it leaves its folder behind
    assert!(folders[0].0.exists());
    let second = start();
    assert!(
        !folders[0].0.exists(),
        "the killed preview's folder is removed"
    );
    assert_eq!(page_folders(tmp).len(), 1);
    let (status, page) = second.get("/articles/alpha/");
    assert_eq!(status, 200);
    assert!(page.contains("Rewritten."));
    assert!(!site.path("public").exists());
}

#[test]
fn traversal_attempts_are_rejected() {
    let site = TempSite::new("traversal");
    let server = Server::start(&site, &[]);
    for path in [
        "/../srm-docs.toml",
        "/%2e%2e/srm-docs.toml",
        "/articles/%2E%2E/%2e%2e/x",
        "/a\\..\\b",
        "/a%00b",
    ] {
        let status = server.raw_status(path);
        assert!(status == 400 || status == 404, "{path} gave {status}");
    }
    let post = ureq::post(&server.url("/")).send_string("x");
    assert!(matches!(post, Err(ureq::Error::Status(405, _))));
}

#[test]
fn edits_show_up_and_update_dependent_pages() {
    let site = TempSite::new("edit");
    let server = Server::start(&site, &[]);
    server.get("/");
    site.write(
        "content/articles/alpha.md",
        &article("Alpha renamed", "Edited text."),
    );
    server.wait_for("/articles/alpha/", "the edit", |b| {
        b.contains("Edited text.")
    });
    // Pages that list the article are rebuilt too, never stale.
    server.wait_for("/", "the new title on the home page", |b| {
        b.contains("Alpha renamed")
    });
    server.wait_for("/tags/test/", "the new title on the tag page", |b| {
        b.contains("Alpha renamed")
    });
    site.atomic_write(
        "content/articles/beta.md",
        &article("Beta", "Saved atomically."),
    );
    server.wait_for("/articles/beta/", "the atomic save", |b| {
        b.contains("Saved atomically.")
    });
}

/// The number of pages the next rebuild rendered, from its `rebuilt in …` line.
fn next_rebuild_renders(log: &std::sync::mpsc::Receiver<String>) -> (usize, bool) {
    loop {
        let line = log
            .recv_timeout(Duration::from_secs(60))
            .expect("a `rebuilt in` line within 60 s");
        if let Some(rest) = line.split("rebuilt in ").nth(1) {
            let counts = rest.split(": ").nth(1).expect("counts after the time");
            let rendered = counts.split(", ").nth(1).expect("rendered count");
            let rendered = rendered
                .strip_suffix(" page(s) rendered")
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("unexpected line: {line}"));
            return (rendered, line.ends_with("(incremental)"));
        }
    }
}

/// One edit to the text of one article of a 10,000-article site renders that article only,
/// through the incremental rebuild. (A title edit still renders every page: titles are part
/// of the link environment every article's Markdown is keyed by, since wikilinks resolve by
/// title, and of the pagers every page's key covers.)
#[test]
fn one_edit_in_a_large_site_renders_only_the_pages_that_show_it() {
    let site = TempSite::new("large");
    for i in 0..10_000 {
        let tag = format!("tag-{}", i % 50);
        site.write(
            &format!("content/articles/a{i:05}.md"),
            &format!(
                "---\ntitle: Article {i}\ndate: 2026-01-01\ntags: [{tag}]\n---\n\n\
                 Text of {i}, see [the next](a{:05}.md).\n\n```bash\necho {i}\n```\n",
                (i + 1) % 10_000
            ),
        );
    }
    let (server, log) = Server::start_logged(&site);
    let (status, _) = server.get("/articles/a00500/");
    assert_eq!(status, 200);
    for (n, body) in [
        "A new body, alone.",
        "Another body, see [the next](a00501.md).",
    ]
    .iter()
    .enumerate()
    {
        site.write(
            "content/articles/a00500.md",
            &format!("---\ntitle: Article 500\ndate: 2026-01-01\ntags: [tag-0]\n---\n\n{body}\n"),
        );
        let (rendered, incremental) = next_rebuild_renders(&log);
        let text = body.split(',').next().unwrap();
        server.wait_for("/articles/a00500/", "the edit", |b| b.contains(text));
        // Only the article shows its body: one page, rebuilt without the rest of the site.
        assert_eq!(rendered, 1, "edit {n}: pages rendered");
        assert!(incremental, "edit {n}: not an incremental rebuild");
    }
    // A new heading changes the page's anchors (other pages' links may point at them): the
    // memoised full build runs, and still renders only that page.
    site.write(
        "content/articles/a00500.md",
        "---\ntitle: Article 500\ndate: 2026-01-01\ntags: [tag-0]\n---\n\n## New part\n\nText.\n",
    );
    let (rendered, incremental) = next_rebuild_renders(&log);
    server.wait_for("/articles/a00500/", "the heading", |b| {
        b.contains("New part")
    });
    assert_eq!((rendered, incremental), (1, false));
}

#[test]
fn broken_edit_shows_overlay_and_keeps_last_good_page() {
    let site = TempSite::new("broken");
    let server = Server::start(&site, &[]);
    server.get("/articles/alpha/");
    site.write(
        "content/articles/alpha.md",
        "---\ntitle: Alpha\ntitel: red\n---\n\nBroken.\n",
    );
    let body = server.wait_for("/articles/alpha/", "the overlay", |b| {
        b.contains("srm-error-overlay")
    });
    assert!(
        body.contains("content/articles/alpha.md:3:1"),
        "overlay names path:line:col"
    );
    assert!(
        body.contains("The first text."),
        "the last good content is still served"
    );
    site.write("content/articles/alpha.md", &article("Alpha", "Fixed."));
    let body = server.wait_for("/articles/alpha/", "the fix", |b| b.contains("Fixed."));
    assert!(!body.contains("srm-error-overlay"));
}

#[test]
fn a_burst_of_writes_becomes_one_coherent_site() {
    let site = TempSite::new("burst");
    let server = Server::start(&site, &[]);
    server.get("/");
    for i in 0..200 {
        site.write(
            &format!("content/articles/burst-{i:03}.md"),
            &article(&format!("Burst {i}"), "x"),
        );
    }
    // The index links each article (relatively: `../articles/burst-000/`).
    let index = server.wait_for("/articles/", "all 200 new articles", |b| {
        (0..200).all(|i| b.contains(&format!("articles/burst-{i:03}/\"")))
            && !b.contains("articles/burst-200/\"")
    });
    assert!(index.contains("Alpha"));
    for i in [0, 99, 199] {
        let (status, _) = server.get(&format!("/articles/burst-{i:03}/"));
        assert_eq!(status, 200);
    }
}

#[test]
fn event_stream_announces_rebuilds() {
    let site = TempSite::new("sse");
    let server = Server::start(&site, &[]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /__srm/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    site.write("content/articles/alpha.md", &article("Alpha", "Announced."));
    let mut line = String::new();
    loop {
        line.clear();
        reader
            .read_line(&mut line)
            .expect("an event before the timeout");
        if line.starts_with("data: ") {
            break;
        }
    }
    assert!(
        line.contains("\"errors\":false") && line.contains("articles/alpha/"),
        "{line}"
    );
}

#[test]
fn port_in_use_is_a_clear_error() {
    let site = TempSite::new("port");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_srm-docs"))
        .args(["serve", "--port", &port, "--root"])
        .arg(&site.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

fn chromium() -> Option<PathBuf> {
    let path = Path::new("/usr/bin/chromium");
    if path.exists() {
        return Some(path.to_path_buf());
    }
    assert!(
        std::env::var_os("SRM_REQUIRE_BROWSER").is_none(),
        "SRM_REQUIRE_BROWSER is set but /usr/bin/chromium is missing"
    );
    eprintln!("skipped: /usr/bin/chromium not installed");
    None
}

#[test]
fn browser_reloads_shows_overlay_and_recovers() {
    let Some(path) = chromium() else { return };
    let site = TempSite::new("browser");
    let server = Server::start(&site, &[]);
    let browser = crate::common::launch_chromium(&path, site.path(".chromium-profile"));
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&server.url("/articles/alpha/"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let eval = |js: &str| -> String {
        tab.evaluate(js, false)
            .ok()
            .and_then(|r| r.value)
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string())
            })
            .unwrap_or_default()
    };
    let wait = |what: &str, pred: &dyn Fn() -> bool| {
        let start = Instant::now();
        while !pred() {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "browser never showed {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    // Wait until the page's event stream is connected before editing.
    std::thread::sleep(Duration::from_millis(500));
    site.write(
        "content/articles/alpha.md",
        &article("Alpha", "Seen by the browser."),
    );
    wait("the edit", &|| {
        eval("document.body.innerText").contains("Seen by the browser.")
    });
    std::thread::sleep(Duration::from_millis(300));
    site.write(
        "content/articles/alpha.md",
        "---\ntitle: [Alpha\n---\n\nbroken\n",
    );
    wait("the overlay", &|| {
        eval("String(!!document.getElementById('srm-error-overlay'))") == "true"
    });
    assert!(
        eval("document.getElementById('srm-error-overlay').innerText")
            .contains("content/articles/alpha.md:")
    );
    std::thread::sleep(Duration::from_millis(300));
    site.write("content/articles/alpha.md", &article("Alpha", "Recovered."));
    wait("the recovery", &|| {
        eval("document.body.innerText").contains("Recovered.")
            && eval("String(!!document.getElementById('srm-error-overlay'))") == "false"
    });
}
