//! Test harness shared by the integration tests: fixture sites copied to fresh temporary
//! folders, the real `srm-docs` binary run against them, assertions on its exit code and
//! diagnostics, whole-tree snapshots, a small RFC 4180 reader and a static HTTP server.
//!
//! Every test binary includes this module and uses a different part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_srm-docs");

/// The crate root (holds the bundled site).
pub const MANIFEST_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// A fresh, empty temporary folder, removed when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `<temp>/srm-docs-tests/<pid>-<n>-<label>`.
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let label: String = label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let path = std::env::temp_dir()
            .join("srm-docs-tests")
            .join(format!("{}-{n}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// The folder of a fixture site under `tests/fixtures/`.
pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(MANIFEST_DIR).join("tests/fixtures").join(name)
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create target folder");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file under `dir`, keyed by its `/`-separated relative path.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let entry = entry.expect("dir entry");
            let path = entry.path();
            if entry.file_type().expect("file type").is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base");
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts two trees hold the same files with the same bytes, naming the first difference.
pub fn assert_same_tree(left: &BTreeMap<String, Vec<u8>>, right: &BTreeMap<String, Vec<u8>>) {
    let l: Vec<&String> = left.keys().collect();
    let r: Vec<&String> = right.keys().collect();
    assert_eq!(l, r, "the two trees hold different files");
    for (path, bytes) in left {
        assert!(
            right[path] == *bytes,
            "{path} differs between the two trees"
        );
    }
}

/// A site under test: a copy of a fixture in its own temporary folder.
pub struct SiteTest {
    dir: TempDir,
}

impl SiteTest {
    /// Copies `tests/fixtures/<name>` into a fresh temporary folder.
    pub fn fixture(name: &str) -> Self {
        let dir = TempDir::new(name);
        copy_tree(&fixture_dir(name), &dir.path().join("site"));
        SiteTest { dir }
    }

    /// An empty site folder (no config, no content).
    pub fn empty(label: &str) -> Self {
        let dir = TempDir::new(label);
        std::fs::create_dir_all(dir.path().join("site")).expect("create site");
        SiteTest { dir }
    }

    /// The site root.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// A path inside the site root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// The temporary folder holding the site root and its scratch folders.
    pub fn temp(&self) -> &Path {
        self.dir.path()
    }

    /// A scratch folder beside the site (outside its root), e.g. for `--output`.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file inside the site, creating folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folders");
        std::fs::write(&path, contents).expect("write file");
    }

    /// Copies another fixture's files over this site (adding and replacing files).
    pub fn overlay(&self, fixture: &str) {
        copy_tree(&fixture_dir(fixture), &self.root());
    }

    /// Staging or old output folders (`.public.*`, not the lock file) left in the site folder.
    pub fn staging_leftovers(&self) -> Vec<String> {
        std::fs::read_dir(self.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".public") && n != ".public.lock")
            .collect()
    }

    /// The default output folder, `<root>/public`.
    pub fn public(&self) -> PathBuf {
        self.path("public")
    }

    /// A built file under `public/`, as text.
    pub fn page(&self, rel: &str) -> String {
        let path = self.public().join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// A built page under `public/` with its links root-absolute again (see
    /// [`absolute_urls`]): for assertions about where a link leads.
    pub fn page_links(&self, rel: &str) -> String {
        absolute_urls(&self.page(rel))
    }

    /// Whether a built file exists under `public/`.
    pub fn built(&self, rel: &str) -> bool {
        self.public().join(rel).is_file()
    }

    /// Runs `srm-docs <command> --root <site> <rest…>`.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        assert!(!args.is_empty(), "name the command to run");
        args.insert(1, "--root".into());
        args.insert(2, self.root().into());
        run_bin(args, self.dir.path())
    }
}

/// Runs the binary with exactly these arguments, in `cwd`.
pub fn run_bin<I, S>(args: I, cwd: &Path) -> Run
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let out = Command::new(BIN)
        .args(&args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run srm-docs");
    Run {
        command: format!(
            "srm-docs {}",
            args.iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        ),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The outcome of one run of the binary.
#[derive(Debug)]
pub struct Run {
    /// The command line, for messages.
    pub command: String,
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error (diagnostics and the summary line).
    pub stderr: String,
}

impl Run {
    fn context(&self) -> String {
        format!(
            "`{}` exited with {:?}\n--- stderr ---\n{}--- stdout ---\n{}",
            self.command, self.code, self.stderr, self.stdout
        )
    }

    /// Asserts exit code 0.
    pub fn succeeds(&self) -> &Self {
        self.exit_code(0)
    }

    /// Asserts exit code 1 (content errors) and that nothing panicked.
    pub fn fails(&self) -> &Self {
        self.exit_code(1)
    }

    /// Asserts an exact exit code and that nothing panicked.
    pub fn exit_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "{}", self.context());
        assert!(
            !self.stderr.contains("panicked"),
            "the binary panicked\n{}",
            self.context()
        );
        self
    }

    /// Asserts stderr contains `text` (e.g. a whole `path:line:col: error: message` line).
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}\n{}",
            self.context()
        );
        self
    }

    /// Asserts stderr does not contain `text`.
    pub fn stderr_lacks(&self, text: &str) -> &Self {
        assert!(
            !self.stderr.contains(text),
            "stderr unexpectedly has {text:?}\n{}",
            self.context()
        );
        self
    }

    /// Asserts the diagnostic headlines (`path[:line:col]: error|warning: …` lines) are
    /// exactly these, in the printed (sorted) order.
    pub fn diagnostics_are(&self, expected: &[&str]) -> &Self {
        let got = self.headlines();
        assert_eq!(got, expected, "{}", self.context());
        self
    }

    /// Asserts no error or warning was printed.
    pub fn clean(&self) -> &Self {
        self.diagnostics_are(&[])
    }

    /// The diagnostic headlines printed, in order.
    pub fn headlines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
            .collect()
    }

    /// Asserts `check`'s summary line reports exactly these numbers of errors and warnings.
    pub fn counts(&self, errors: usize, warnings: usize) -> &Self {
        self.stderr_has(&format!("{errors} error(s), {warnings} warning(s)"))
    }
}

/// A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF records, line breaks
/// inside quoted fields. Panics on malformed input (a test failure).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    assert!(
                        matches!(chars.peek(), None | Some(',') | Some('\r')),
                        "CSV: text after a closing quote in field {field:?}"
                    );
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            '"' => panic!("CSV: quote inside an unquoted field {field:?}"),
            ',' => {
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CSV: CR not followed by LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_field_start = true;
            }
            '\n' => panic!("CSV: bare LF outside a quoted field (records end with CRLF)"),
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    assert!(!quoted, "CSV: unterminated quoted field");
    assert!(
        field.is_empty() && record.is_empty(),
        "CSV: last record does not end with CRLF"
    );
    records
}

/// Builds the bundled knowledge base (the crate root) into a fresh folder.
pub fn build_bundled(label: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new(label);
    let out = dir.path().join("public");
    run_bin(
        [
            OsString::from("build"),
            "--root".into(),
            MANIFEST_DIR.into(),
            "--output".into(),
            out.clone().into(),
            // Leave the repository's own build cache alone.
            "--no-cache".into(),
        ],
        dir.path(),
    )
    .succeeds();
    (dir, out)
}

/// Internal `href`/`src` values of an HTML page (skipping `#…`, `data:`, `mailto:` and
/// absolute `http(s)://` URLs), with the attribute name.
pub fn attribute_urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').expect("closing quote");
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// A page's HTML with every relative `href`, `src` and `action` resolved against the page's
/// own URL path (from its canonical link) into a root-absolute one (`../tags/x/` on
/// `/docs/a/` → `/docs/tags/x/`), as pages wrote them before links became relative.
pub fn absolute_urls(html: &str) -> String {
    let canonical = "<link rel=\"canonical\" href=\"";
    let Some(at) = html.find(canonical) else {
        return html.to_string();
    };
    let url = &html[at + canonical.len()..];
    let url = &url[..url.find('"').unwrap()];
    let path_start = url.find("://").map_or(0, |p| p + 3);
    let page = &url[path_start..];
    let page = &page[page.find('/').unwrap_or(page.len())..];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some((i, attr)) = [" href=\"", " src=\"", " action=\""]
        .iter()
        .filter_map(|a| rest.find(a).map(|i| (i, a)))
        .min()
    {
        let start = i + attr.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find('"').unwrap_or(rest.len());
        let value = &rest[..end];
        let relative = !value.is_empty()
            && !value.starts_with(['/', '#'])
            && !value.contains("://")
            && !value.starts_with("data:")
            && !value.starts_with("mailto:");
        out.push_str(&if relative {
            resolve(page, value)
        } else {
            value.to_string()
        });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `value` (relative) resolved against the folder of the URL path `page`.
fn resolve(page: &str, value: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    let split = value.find(['?', '#']).unwrap_or(value.len());
    let (path, tail) = value.split_at(split);
    let segments: Vec<&str> = path.split('/').collect();
    for (k, seg) in segments.iter().enumerate() {
        match *seg {
            ".." => {
                if parts.len() > 1 {
                    parts.pop();
                }
            }
            "." => {}
            s => parts.push(s),
        }
        if k + 1 == segments.len() && matches!(*seg, ".." | ".") {
            parts.push("");
        }
    }
    format!("{}{tail}", parts.join("/"))
}

/// The `id="…"` values of an HTML page.
pub fn ids_in(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        let end = rest.find('"').expect("closing quote");
        out.push(rest[..end].to_string());
        rest = &rest[end..];
    }
    out
}

/// A static file server for a built site on `127.0.0.1:<free port>`, std only. Serves
/// `x/` as `x/index.html`. Runs until the test process ends.
pub struct StaticServer {
    /// `http://127.0.0.1:<port>`.
    pub origin: String,
}

impl StaticServer {
    /// Starts serving `dir` in a background thread.
    pub fn start(dir: &Path) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let origin = format!("http://{}", listener.local_addr().expect("local addr"));
        let dir = dir.to_path_buf();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let dir = dir.clone();
                std::thread::spawn(move || {
                    let _ = serve_one(&dir, stream);
                });
            }
        });
        StaticServer { origin }
    }

    /// The full URL of a site path such as `/quick-reference/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

fn serve_one(dir: &Path, stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    let mut stream = stream;
    let file = if path.split('/').any(|p| p == "..") {
        None
    } else {
        let rel = path.trim_start_matches('/');
        let mut file = dir.join(rel);
        if rel.is_empty() || rel.ends_with('/') || file.is_dir() {
            file = file.join("index.html");
        }
        file.is_file().then_some(file)
    };
    let (status, body, mime) = match file {
        Some(f) => ("200 OK", std::fs::read(&f)?, mime(&f)),
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// Whether the browser tests must run (CI) instead of skipping when a tool is missing.
pub fn browser_required() -> bool {
    std::env::var("SRM_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

/// Skips (returns `false` after printing why) or, when required, fails.
pub fn tool_available(ok: bool, why: &str) -> bool {
    if ok {
        return true;
    }
    assert!(!browser_required(), "SRM_REQUIRE_BROWSER=1 but {why}");
    println!("skipped: {why}");
    false
}

/// Starts headless Chromium at `path` with a throwaway profile folder `profile` and the flags
/// that keep it from dialling out on this closed network.
pub fn launch_chromium(path: &Path, profile: PathBuf) -> headless_chrome::Browser {
    use std::ffi::OsStr;
    let options = headless_chrome::LaunchOptions::default_builder()
        .path(Some(path.to_path_buf()))
        .sandbox(false)
        .headless(true)
        .user_data_dir(Some(profile))
        .args(vec![
            OsStr::new("--disable-background-networking"),
            OsStr::new("--disable-component-update"),
            OsStr::new("--disable-sync"),
            OsStr::new("--no-first-run"),
            OsStr::new("--disable-gpu"),
        ])
        .build()
        .expect("launch options");
    headless_chrome::Browser::new(options).expect("start Chromium")
}

/// A run as a snapshot: its exit code, then stderr with the site root written `[site]`, the
/// temporary folder around it `[temp]` (so that no snapshot holds a machine-specific path)
/// and control characters other than tab and newline written as `\u{…}` escapes.
pub fn redacted_report(site: &SiteTest, run: &Run) -> String {
    let root = site.root().display().to_string();
    let temp = site.temp().display().to_string();
    let stderr = run.stderr.replace(&root, "[site]").replace(&temp, "[temp]");
    let tmp = std::env::temp_dir().display().to_string();
    assert!(!stderr.contains(&tmp), "an absolute path leaked:\n{stderr}");
    let stderr: String = stderr
        .chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect();
    let code = run
        .code
        .map_or("none (killed)".to_string(), |c| c.to_string());
    format!("exit code: {code}\n{stderr}")
}

/// `check` on `site`, as [`redacted_report`] writes it.
pub fn check_report(site: &SiteTest) -> String {
    redacted_report(site, &site.run(["check"]))
}

/// The Chromium the browser tests drive.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Headless Chromium with a throwaway profile inside `profile_parent`, or `None` (after
/// saying why) when it is not installed and not required.
pub fn chromium_or_skip(profile_parent: &Path) -> Option<headless_chrome::Browser> {
    let found = Path::new(CHROMIUM).is_file();
    if !tool_available(found, "/usr/bin/chromium not installed") {
        return None;
    }
    Some(launch_chromium(
        Path::new(CHROMIUM),
        profile_parent.join("chromium-profile"),
    ))
}
