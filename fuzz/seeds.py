#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

Seeds come from this repository's own bundled site (content/) and test fixtures
(tests/fixtures/), plus small hand-written cases of the shapes the issue tracker reported
(bad dates, unclosed blocks, raw HTML, traversal, malformed requests). Run from fuzz/:
`python3 seeds.py`; then minimise with `cargo +nightly fuzz cmin <target>`.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
ARTICLES = sorted((ROOT / "content" / "articles").glob("*.md"))
DATA = ROOT / "content" / "data"

# Selector bytes of the dataset target: the low three bits pick the file name, bit 0x08 of
# the first chunk loads the valid fixture first (see src/fuzzing.rs).
DATA_NAMES = ["model", "services", "controls", "matrix", "scenarios", "guidance", "sources", "notes"]
WITH_BASE = 0x08


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (folder / name).write_bytes(data)


def head(path, lines):
    return "".join(path.read_text(encoding="utf-8").splitlines(True)[:lines])


def fixture_name(path):
    return "fixture-" + str(path.relative_to(FIXTURES)).replace("/", "-")


def fixture_markdown():
    return sorted(p for p in FIXTURES.rglob("*.md"))


def front_matter_seeds():
    for p in fixture_markdown():
        write("frontmatter", fixture_name(p), p.read_bytes())
    for p in ARTICLES[:6]:
        write("frontmatter", "article-head-" + p.name, head(p, 14))
    cases = {
        "non-ascii-date": "---\ntitle: A\ndate: 2025\u00e9-01-01\n---\nbody\n",
        "date-with-time": "---\ntitle: A\ndate: 2025-06-01T10:00:00Z\nupdated: 2025-06\n---\n",
        "unclosed": "---\ntitle: never closed\n\n# Heading\n",
        "dots-close": "---\ntitle: Dots\n...\nbody\n",
        "empty-block": "---\n---\n# Only a heading\n",
        "crlf-bom": "\ufeff---\r\ntitle: CRLF\r\ntags: [a, b]\r\n---\r\nbody\r\n",
        "toml-fence": "+++\ntitle = \"toml\"\n+++\nbody\n",
        "wrong-types": "---\ntitle: [1, 2]\ndraft: maybe\nweight: 1e99\nservices: ec2\n---\n",
        "anchors": "---\ntitle: &a x\nsummary: *a\ntags: &t [x]\nauthors: *t\n---\n",
        "slug": "---\ntitle: S\nslug: \"Caf\u00e9 / Na\u00efve!!\"\n---\n",
        "obsidian-time": "01-02-2024 09:30\nTags : #aws #iam [[x]]\nStatus : #todo\n\nFirst short line\n",
        "no-title": "\n\n- a list item\n\n```\n# not a heading\n```\n",
        "flow-in-key": "---\n{title: x, tags: [a, {b: c}]}\n---\n",
        "long-title": "---\ntitle: " + "x" * 300 + "\n---\n",
        "not-utf8": b"---\ntitle: caf\xe9\n---\n",
        "mojibake": "---\ntitle: Caf\u00c3\u00a9\n---\nIt\u00e2\u20ac\u2122s here.\n",
    }
    for name, text in cases.items():
        write("frontmatter", name, text)


def dataset_seeds():
    files = sorted(DATA.glob("*.yaml"))
    whole = b""
    for p in files:
        stem = p.stem if p.stem in DATA_NAMES else "notes"
        pick = DATA_NAMES.index(stem)
        write("dataset", "bundled-" + p.name, bytes([pick]) + p.read_bytes())
        whole += (b"\xff" if whole else b"") + bytes([pick]) + p.read_bytes()
    write("dataset", "bundled-all", whole)
    for p in sorted(FIXTURES.rglob("*.yaml")):
        write("dataset", fixture_name(p), b"\x00" + p.read_bytes())
    extra_service = (
        "services:\n  - id: lambda\n    name: AWS Lambda\n    aliases: [Lambda]\n"
        "    category: abstracted\n    summary: Functions.\n"
    )
    cases = {
        "base-plus-service": bytes([WITH_BASE | 1]) + extra_service.encode(),
        "base-duplicate-id": bytes([WITH_BASE | 1]) + b"services:\n  - id: ec2\n    name: Twice\n    category: infrastructure\n    summary: x\n",
        "base-bad-reference": bytes([WITH_BASE | 3]) + b"matrix:\n  - control: guest-os\n    default: {all: nobody}\n    overrides:\n      s4: aws\n",
        "base-shared-cell": bytes([WITH_BASE | 3]) + b"matrix:\n  - control: hardware\n    default:\n      infrastructure: {owner: shared}\n",
        "empty-controls": bytes([2]),
        "unknown-key": bytes([1]) + b"services:\n  - id: x\n    colour: red\n",
        "two-documents": bytes([0]) + b"sources: []\n---\nsources: []\n",
        "anchors-merge": bytes([WITH_BASE]) + b"x: &a {id: s, title: t}\nsources: [*a, {<<: *a, id: s2}]\n",
        "tab-indent": bytes([0]) + b"sources:\n\t- id: x\n",
        "two-files": bytes([1]) + extra_service.encode() + b"\xff" + bytes([2]) + b"controls: []\n",
        "not-utf8": bytes([6]) + b"sources:\n  - id: caf\xe9\n",
        "dates": bytes([WITH_BASE | 6]) + b"sources:\n  - id: d\n    title: D\n    published: 2025\xc3\xa9-01\n    updated: [2024-02-30]\n",
    }
    for name, data in cases.items():
        write("dataset", name, data)


def render_seeds():
    for p in ARTICLES:
        write("render_article", "article-" + p.name, p.read_bytes())
    for p in fixture_markdown():
        write("render_article", fixture_name(p), p.read_bytes())
    cases = {
        "raw-html": "---\ntitle: H\n---\n<script>alert(1)</script>\n<img src=x onerror=alert(1)>\n<details><summary>s</summary><kbd>k</kbd></details>\n",
        "schemes": "---\ntitle: L\nsummary: See [x](service:ec2) and [y](javascript:alert(1)).\n---\n[a](JaVaScRiPt:x) [b](data:text/html,x) [c](article:patching) [d](tag:operations) [e](conflict:nope)\n",
        "same-headings": "---\ntitle: Same\n---\n" + "## A\n\n" * 40 + "## A-1\n## A {#a-2}\n",
        "heading-ids": "---\ntitle: I\n---\n## x {#dup}\n### y {#dup}\n[to](#dup) [up](../patching.md#checking-patch-state) [abs](/articles/patching/#nope)\n",
        "fences": "---\ntitle: F\n---\n```rust\nfn main() {}\n```\n~~~yaml\na: [b\n~~~\n```terraform\nresource \"x\" \"y\" {}\n```\n```mermaid\ngraph TD; A-->B\n```\n```\nunclosed\n",
        "bad-mermaid": "# T\n\n```mermaid\nflowchart LR\n  A[x -->|y| \n  subgraph\n```\n",
        "tables-footnotes": "# T\n\n| a | b |\n|---|:-:|\n| `x` | [y](#t) |\n\nNote[^1] and ~~gone~~.\n\n- [x] done\n- [ ] todo\n\n[^1]: footnote [link](service:s3)\n",
        "nested": "# T\n\n> - > 1. > ```py\n> - >    print(1)\n> - >    ```\n\n<div>\n\n## In html\n\n</div>\n",
        "links-ref": "# T\n\n[ref][r] [auto]: <https://x> <service:ec2>\n\n[r]: control:guest-os \"title\"\n",
    }
    for name, text in cases.items():
        write("render_article", name, text)


def mojibake_seeds():
    for p in sorted((FIXTURES / "mojibake").rglob("*.md")):
        write("mojibake", fixture_name(p), p.read_bytes())
    cases = {
        "box": "\u00e2\u201d\u0152\u00e2\u201d\u20ac\u00e2\u201d\u20ac\u00e2\u201d\u0090",
        "e-acute": "caf\u00c3\u00a9",
        "emoji": "\u00f0\u0178\u203a\u00a1\u00ef\u00b8\u008f shield",
        "quote-cut": "it\u00e2\u20ac s",
        "genuine": "caf\u00e9 Gr\u00f6\u00dfe \u00c2 \u65e5\u672c \U0001f6e1\ufe0f",
        "mixed": "caf\u00e9 and \u00e2\u20ac\u201d dash",
        "c1-latin1": "\u00c3\u0080\u00c2\u0081\u00e2\u0080\u0099",
        "double": "\u00c3\u0192\u00c2\u00a9",
        "surrogate-like": "\u00ed\u00a0\u0080 \u00f4\u0090\u0080\u0080 \u00e0\u0080\u0080",
        "ascii": "plain text\n",
    }
    for name, text in cases.items():
        write("mojibake", name, text)
    write("mojibake", "article-paragraph", head(ARTICLES[0], 20))


def serve_seeds():
    # Selector byte: low two bits pick the base path (/, /docs/, /caf%C3%A9/, /a%20b/),
    # bit 0x04 says the preview listens on loopback (Host header checked).
    requests = {
        "get-root": (0, "GET / HTTP/1.1\r\nHost: localhost:1111\r\n\r\n"),
        "keep-alive-three": (4, "GET /articles/a/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nHEAD /static/style.css?v=1 HTTP/1.1\r\n\r\nGET /articles/a HTTP/1.1\r\nConnection: close\r\n\r\n"),
        "docs-redirect": (1, "GET /docs HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
        "encoded-base": (2, "GET /caf%C3%A9 HTTP/1.1\r\n\r\nGET /caf%C3%A9/caf%C3%A9/ HTTP/1.1\r\n\r\n"),
        "space-base": (3, "GET /a%20b/articles/a HTTP/1.1\r\n\r\n"),
        "traversal": (0, "GET /%2e%2e/%2E%2E/etc/passwd HTTP/1.1\r\n\r\nGET /a\\b HTTP/1.1\r\n\r\nGET /a%00 HTTP/1.1\r\n\r\nGET /%zz HTTP/1.1\r\n\r\n"),
        "rebinding": (4, "GET / HTTP/1.1\r\nHost: evil.example:80\r\n\r\nGET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"),
        "bare-lf": (0, "\nGET /nope/ HTTP/1.1\nHost: x.localhost\n\n"),
        "body": (0, "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /__srm/reload.js HTTP/1.1\r\n\r\n"),
        "chunked": (0, "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        "events": (1, "GET /docs/__srm/events HTTP/1.1\r\n\r\nGET /docs/__srm/reload.js HTTP/1.1\r\n\r\n"),
        "garbage": (0, "GARBAGE\r\n\r\nGET x HTTP/1.1\r\n\r\n"),
        "header-folding": (0, "GET / HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n"),
        "query-fragment": (2, "GET /caf%C3%A9/?q=%ZZ#frag HTTP/1.1\r\n\r\n"),
        "non-ascii-target": (2, "GET /caf\u00e9/ HTTP/1.1\r\n\r\n"),
    }
    for name, (pick, raw) in requests.items():
        write("serve_url", name, bytes([pick]) + raw.encode())
    for pick, url in enumerate(["/articles/a?x=1", "/docs/static/style.css", "/caf%C3%A9", "/a%20b"]):
        write("serve_url", f"url-{pick}", bytes([pick]) + url.encode())


if __name__ == "__main__":
    front_matter_seeds()
    dataset_seeds()
    render_seeds()
    mojibake_seeds()
    serve_seeds()
