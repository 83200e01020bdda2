#!/usr/bin/env python3
"""Wraps a corpus made by gen_corpus.py as a site for a peer tool, so that peers build the
same articles (the same Markdown bodies, titles, dates and tags) as srm-docs.

    python3 bench/peers.py --corpus DIR --tool {zola,hugo} --out DIR

zola: config.toml with syntect highlighting on (Zola <= 0.21), no search index, no feeds, a
      `tags` taxonomy; minimal page, section, index and taxonomy templates.
hugo: hugo.toml with highlighting on (Chroma), tags kept, no RSS; minimal layouts.
Services and controls stay in the front matter as extra data. Links with a scheme
(`service:s3`) are external links to a peer and are left as they are.

Standard library only (Python 3.11). The output is a pure function of the corpus.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ZOLA_CONFIG = """base_url = "https://bench.example.com/kb/"
title = "Synthetic shared-responsibility benchmark"
compile_sass = false
build_search_index = false
generate_feeds = false
taxonomies = [{ name = "tags" }]

[markdown]
highlight_code = true
highlight_theme = "base16-ocean-dark"
"""

ZOLA_TEMPLATES = {
    "page.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><article><h1>{{ page.title }}</h1><time>{{ page.date }}</time>
<ul>{% for t in page.taxonomies.tags | default(value=[]) %}<li>{{ t }}</li>{% endfor %}</ul>
{{ page.content | safe }}</article></body></html>
""",
    "section.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ section.title }}</title></head>
<body><h1>{{ section.title }}</h1><ul>
{% for p in section.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>
{% endfor %}</ul></body></html>
""",
    "index.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ config.title }}</title></head>
<body><h1>{{ config.title }}</h1></body></html>
""",
    "tags/list.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Tags</title></head><body><ul>
{% for t in terms %}<li><a href="{{ t.permalink | safe }}">{{ t.name }}</a></li>{% endfor %}
</ul></body></html>
""",
    "tags/single.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ term.name }}</title></head><body><ul>
{% for p in term.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>{% endfor %}
</ul></body></html>
""",
}

HUGO_CONFIG = """baseURL = "https://bench.example.com/kb/"
title = "Synthetic shared-responsibility benchmark"
disableKinds = ["RSS"]

[markup.highlight]
codeFences = true
noClasses = false
"""

HUGO_LAYOUTS = {
    "_default/single.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>
<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul>
{{ .Content }}</article></body></html>
""",
    "_default/list.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul></body></html>
""",
}


def split_front_matter(text: str) -> tuple[list[str], str]:
    """The YAML front matter's lines and the body after it."""
    if not text.startswith("---\n"):
        return [], text
    end = text.index("\n---\n", 4)
    return text[4:end].split("\n"), text[end + 5 :]


def peer_front_matter(lines: list[str], tool: str) -> str:
    """Front matter a peer accepts: title and date as they are, tags as its taxonomy, the
    other keys as extra data."""
    known, extra = [], []
    for line in lines:
        key = line.split(":", 1)[0]
        if key in ("title", "date"):
            known.append(line)
        elif key == "summary":
            known.append("description:" + line.split(":", 1)[1])
        elif key == "tags" and tool == "zola":
            known += ["taxonomies:", "  " + line]
        elif key == "tags":
            known.append(line)
        else:
            extra.append(line)
    if tool == "zola":
        known += ["extra:"] + ["  " + e for e in extra]
    else:
        known += extra
    return "---\n" + "\n".join(known) + "\n---\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True, help="a gen_corpus.py site")
    ap.add_argument("--tool", choices=["zola", "hugo"], required=True)
    ap.add_argument("--out", type=Path, required=True, help="peer site folder to write")
    args = ap.parse_args(argv)
    articles = sorted((args.corpus / "content" / "articles").glob("*.md"))
    if not articles:
        ap.error(f"no articles in {args.corpus}/content/articles")
    if args.out.exists():
        shutil.rmtree(args.out)
    if args.tool == "zola":
        write(args.out / "config.toml", ZOLA_CONFIG)
        for name, text in ZOLA_TEMPLATES.items():
            write(args.out / "templates" / name, text)
        write(args.out / "content" / "articles" / "_index.md", '+++\ntitle = "Articles"\nsort_by = "date"\n+++\n')
    else:
        write(args.out / "hugo.toml", HUGO_CONFIG)
        for name, text in HUGO_LAYOUTS.items():
            write(args.out / "layouts" / name, text)
    for path in articles:
        lines, body = split_front_matter(path.read_text(encoding="utf-8"))
        write(args.out / "content" / "articles" / path.name, peer_front_matter(lines, args.tool) + body)
    print(f"peers: {len(articles)} articles as a {args.tool} site in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
