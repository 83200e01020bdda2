//! Edit-to-visible latency of `srm-docs serve`: from the moment a write to an article returns
//! to the first HTTP response that contains the edit. Runs on the bundled knowledge base and
//! on a generated 1,000-article site (bench/gen_corpus.py), with plain writes and with
//! write-then-rename saves, and prints p50 / p95 / max per case.
//!
//! Run: `cargo bench --bench serve_latency` (optionally `-- EDITS` to change the number of
//! edits per case, default 40). `SRM_LATENCY_SIZES=1000,10000` sets the generated sites'
//! sizes (default 1000); `SRM_BIN=path` times that binary instead of the one cargo built.
//! Each case also reports the server's resident memory after its edits.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

struct Serve(Child, u16);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(root: &Path) -> Serve {
    let bin = std::env::var_os("SRM_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_srm-docs")));
    let mut child = Command::new(bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap();
    Serve(child, port)
}

/// Resident memory of a process in MiB, from `/proc`.
fn rss_mib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kib| kib / 1024)
}

/// Measures `edits` edits of `article` (relative to root), alternating the save style;
/// returns the latencies of plain writes, of write-then-rename saves and the server's
/// resident memory after the last edit.
fn measure(root: &Path, article: &str, url: &str, edits: usize) -> (Vec<f64>, Vec<f64>, u64) {
    let server = start(root);
    assert!(get(server.1, url).contains("200 OK"), "{url} not served");
    let path = root.join(article);
    let original = std::fs::read_to_string(&path).unwrap();
    let (mut plain, mut renamed) = (Vec::new(), Vec::new());
    for i in 0..edits {
        let marker = format!("latency-marker-{i}-{}", std::process::id());
        let text = format!("{original}\n\n{marker}\n");
        let atomic = i % 2 == 1;
        if atomic {
            let tmp = root.join(format!("{article}.tmp"));
            std::fs::write(&tmp, &text).unwrap();
            std::fs::rename(&tmp, &path).unwrap();
        } else {
            std::fs::write(&path, &text).unwrap();
        }
        let start = Instant::now();
        loop {
            if get(server.1, url).contains(&marker) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "edit {i} never became visible"
            );
            std::thread::sleep(Duration::from_micros(500));
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        if atomic {
            renamed.push(ms)
        } else {
            plain.push(ms)
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    (plain, renamed, rss_mib(server.0.id()))
}

fn report(name: &str, mut v: Vec<f64>, rss: u64) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "| {name} | {} | {:.1} | {:.1} | {:.1} | {rss} |",
        v.len(),
        percentile(&v, 0.5),
        percentile(&v, 0.95),
        v.last().copied().unwrap_or(0.0)
    );
}

/// A generated site of `n` articles in `dir`, served at the root.
fn generate(repo: &Path, dir: &Path, n: usize) {
    let status = Command::new("python3")
        .arg(repo.join("bench/gen_corpus.py"))
        .args(["--articles", &n.to_string(), "--out"])
        .arg(dir)
        .stdout(Stdio::null())
        .status()
        .expect("python3 runs bench/gen_corpus.py");
    assert!(status.success(), "corpus generation failed");
    // Serve it at the root so every site uses the same URLs.
    std::fs::write(
        dir.join("srm-docs.toml"),
        "title = \"Generated\"\nbase_url = \"http://localhost/\"\n",
    )
    .unwrap();
}

fn main() {
    // `cargo test --all-targets` also runs bench targets, without `--bench`: skip there so
    // the test suite stays fast; `cargo bench` passes `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("serve_latency: skipped (run it with `cargo bench --bench serve_latency`)");
        return;
    }
    let edits: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(40);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("srm-latency-{}", std::process::id()));
    let bundled = work.join("bundled");
    std::fs::create_dir_all(bundled.join("content")).unwrap();
    copy_dir(&repo.join("content"), &bundled.join("content"));
    std::fs::copy(repo.join("srm-docs.toml"), bundled.join("srm-docs.toml")).unwrap();
    let sizes: Vec<usize> = std::env::var("SRM_LATENCY_SIZES")
        .unwrap_or_else(|_| "1000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    println!(
        "| case | edits | p50 ms | p95 ms | max ms | server RSS MiB |\n|---|---|---|---|---|---|"
    );
    let (p, r, rss) = measure(
        &bundled,
        "content/articles/ec2-responsibilities.md",
        "/articles/ec2-responsibilities/",
        edits,
    );
    report("bundled KB, plain write", p, rss);
    report("bundled KB, write + rename", r, rss);
    for n in sizes {
        let generated = work.join(format!("generated-{n}"));
        generate(&repo, &generated, n);
        let (p, r, rss) = measure(
            &generated,
            "content/articles/a-00500.md",
            "/articles/a-00500/",
            edits,
        );
        report(&format!("{n} articles, plain write"), p, rss);
        report(&format!("{n} articles, write + rename"), r, rss);
    }
    let _ = std::fs::remove_dir_all(&work);
}
