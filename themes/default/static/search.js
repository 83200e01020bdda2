/* srm-docs search. Plain JavaScript, no libraries.
   The index is a set of scripts under search/ (built by srm-docs), each calling
   srmSearchShard(name, payload): the same files load over HTTP and from a folder opened
   from disk. Nothing is loaded until the reader focuses or types in a search box.
   Index text is only ever put into the page as text nodes (never as HTML). */
(function () {
  "use strict";

  var script = document.currentScript;
  var docEl = document.documentElement;
  var DROPDOWN_RESULTS = 6;
  var PAGE_RESULTS = 20;
  var MAX_EXPANSIONS = 4;
  var WORD = /[\p{L}\p{N}'\u2019]+/gu;

  /* The site root as a URL prefix: data-root on <html> (relative to the page), else the
     folder above this script's own static/ folder, else the base path given to it. */
  function siteRoot() {
    var root = docEl.getAttribute("data-root");
    if (root !== null) {
      return root;
    }
    var src = script && script.src;
    var at = src ? src.lastIndexOf("static/search.js") : -1;
    if (at >= 0) {
      return src.slice(0, at);
    }
    return (script && script.getAttribute("data-base")) || "/";
  }
  var ROOT = siteRoot();

  /* A page's URL from the site root. Opened from disk, a folder does not open its
     index.html by itself, so the link names it. */
  function pageHref(url) {
    var parts = url.split("#");
    var path = parts[0];
    if (location.protocol === "file:" && (path === "" || path.slice(-1) === "/")) {
      path += "index.html";
    }
    return ROOT + path + (parts.length > 1 ? "#" + parts.slice(1).join("#") : "");
  }

  /* ---- loading shards ---- */
  var waiting = {};
  var decoded = {};

  window.srmSearchShard = function (name, payload) {
    var entry = waiting[name];
    if (entry) {
      entry.resolve(payload);
    }
  };

  function loadScript(name) {
    var entry = {};
    entry.promise = new Promise(function (resolve, reject) {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    waiting[name] = entry;
    var el = document.createElement("script");
    el.src = ROOT + "search/" + name + ".js";
    el.async = true;
    el.onerror = function () {
      entry.reject(new Error("cannot load search/" + name + ".js"));
    };
    document.head.appendChild(el);
    return entry.promise;
  }

  function inflate(payload) {
    if (typeof payload !== "string") {
      return Promise.resolve(payload);
    }
    var bin = atob(payload);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      bytes[i] = bin.charCodeAt(i);
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).text().then(JSON.parse);
  }

  function shard(name) {
    if (!decoded[name]) {
      decoded[name] = loadScript(name).then(inflate);
    }
    return decoded[name];
  }

  /* The shard whose first key is the greatest one not after `key`. */
  function shardFor(starts, key) {
    var lo = 0;
    var hi = starts.length - 1;
    var found = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= key) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /* ---- words ---- */
  function words(text) {
    var out = [];
    var m = text.match(WORD) || [];
    for (var i = 0; i < m.length; i++) {
      var w = m[i].replace(/^['\u2019]+|['\u2019]+$/g, "").replace(/['\u2019]s$/, "");
      w = w.toLowerCase().replace(/['\u2019]/g, "");
      if (w) {
        out.push(w);
      }
    }
    return out;
  }

  /* Optimal string alignment distance, or max + 1 once it exceeds max. */
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) {
      return max + 1;
    }
    var prev2 = null;
    var prev = [];
    for (var j = 0; j <= b.length; j++) {
      prev.push(j);
    }
    for (var i = 1; i <= a.length; i++) {
      var cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, prev2[j - 2] + 1);
        }
        cur.push(v);
        best = Math.min(best, v);
      }
      if (best > max) {
        return max + 1;
      }
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  function typoBudget(word) {
    return word.length >= 8 ? 2 : word.length >= 5 ? 1 : 0;
  }

  /* ---- the index ---- */
  function Index(root, answers) {
    this.root = root;
    this.answers = answers;
    this.stop = {};
    for (var i = 0; i < (root.stop || []).length; i++) {
      this.stop[root.stop[i]] = true;
    }
  }

  /* Stems for one query word: {stem: quality}, and the written forms seen for them. */
  Index.prototype.matchWord = function (word, isLast) {
    var key = Array.from(word).slice(0, 2).join("");
    var n = shardFor(this.root.vocab, key);
    return shard("v" + n).then(function (entries) {
      var stems = {};
      var forms = {};
      var budget = typoBudget(word);
      var expansions = [];
      var exact = false;
      for (var i = 0; i < entries.length; i++) {
        var w = entries[i][0];
        var stem = entries[i][1] || w;
        var quality = 0;
        if (w === word) {
          quality = 1;
          exact = true;
        } else if (stem.length >= 3 && word.indexOf(stem) === 0 && word.length - stem.length <= 4) {
          quality = 0.9;
        } else if (word.length >= 3 && w.indexOf(word) === 0) {
          expansions.push([entries[i][2], stem, w]);
          continue;
        } else if (budget && distance(word, w, budget) <= budget) {
          quality = 0.6;
        }
        if (quality) {
          stems[stem] = Math.max(stems[stem] || 0, quality);
          forms[w] = true;
        }
      }
      expansions.sort(function (a, b) {
        return b[0] - a[0];
      });
      var taken = 0;
      for (i = 0; i < expansions.length && taken < MAX_EXPANSIONS; i++) {
        var s = expansions[i][1];
        if (!stems[s]) {
          taken++;
          stems[s] = exact ? 0.5 : 0.8;
        }
        forms[expansions[i][2]] = true;
      }
      for (i = 0; i < entries.length; i++) {
        if (stems[entries[i][1] || entries[i][0]]) {
          forms[entries[i][0]] = true;
        }
      }
      return { word: word, stems: stems, forms: forms, prefix: isLast ? word : null };
    });
  };

  Index.prototype.postings = function (stem) {
    var n = shardFor(this.root.postings, stem);
    return shard("p" + n).then(function (p) {
      return p[stem] || [];
    });
  };

  function fieldScore(w) {
    var fields = w >> 4;
    var count = w & 15;
    return (
      (fields & 8 ? 16 : 0) +
      (fields & 4 ? 8 : 0) +
      (fields & 2 ? 4 : 0) +
      (fields & 1 ? 1 + Math.log(count) / 2 : 0)
    );
  }

  /* Scores per page for one query word: the best of its stems. */
  Index.prototype.scoreWord = function (match) {
    var self = this;
    var stems = Object.keys(match.stems);
    return Promise.all(stems.map(function (s) {
      return self.postings(s);
    })).then(function (lists) {
      var scores = {};
      for (var i = 0; i < lists.length; i++) {
        var list = lists[i];
        var df = list.length / 2;
        var idf = Math.log(1 + self.root.pages / Math.max(df, 1));
        var doc = 0;
        for (var j = 0; j < list.length; j += 2) {
          doc += list[j];
          var s = fieldScore(list[j + 1]) * idf * match.stems[stems[i]];
          if (!scores[doc] || scores[doc] < s) {
            scores[doc] = s;
          }
        }
      }
      return scores;
    });
  };

  /* Ranked pages: those with every word first, then those with most words. */
  function rank(perWord) {
    var total = {};
    var count = {};
    perWord.forEach(function (scores) {
      for (var doc in scores) {
        total[doc] = (total[doc] || 0) + scores[doc];
        count[doc] = (count[doc] || 0) + 1;
      }
    });
    return Object.keys(total)
      .map(function (d) {
        return { doc: +d, score: total[d], words: count[d] };
      })
      .sort(function (a, b) {
        return b.words - a.words || b.score - a.score || a.doc - b.doc;
      });
  }

  Index.prototype.search = function (query) {
    var self = this;
    var all = words(query);
    var ws = all.filter(function (w) {
      return !self.stop[w];
    });
    if (ws.length === 0) {
      return Promise.resolve({ hits: [], matches: [], answers: [] });
    }
    var lastTyped = !/\s$/.test(query);
    return Promise.all(ws.map(function (w, i) {
      return self.matchWord(w, lastTyped && i === ws.length - 1);
    })).then(function (matches) {
      return Promise.all(matches.map(function (m) {
        return self.scoreWord(m);
      })).then(function (perWord) {
        var hits = rank(perWord);
        var full = hits.filter(function (h) {
          return h.words === ws.length;
        });
        return {
          hits: full.length ? full : hits,
          matches: matches,
          answers: self.answer(all, matches)
        };
      });
    });
  };

  /* Page n: entry n % k of document file n / k (k pages per file). */
  Index.prototype.doc = function (n) {
    var k = this.root.docs_per_file || 1;
    return shard("d/" + Math.floor(n / k)).then(function (docs) {
      return docs[n % k];
    });
  };

  /* ---- who is responsible? ---- */
  Index.prototype.answer = function (all, matches) {
    var a = this.answers;
    if (!a) {
      return [];
    }
    var service = findService(a.services, all);
    if (!service) {
      return [];
    }
    var best = 0;
    var found = [];
    a.controls.forEach(function (c) {
      var score = 0;
      matches.forEach(function (m) {
        if (service.words[m.word]) {
          return;
        }
        for (var i = 0; i < c[3].length; i++) {
          if (m.stems[c[3][i]] >= 0.6) {
            score++;
            return;
          }
        }
      });
      if (score > best) {
        best = score;
        found = [c];
      } else if (score && score === best) {
        found.push(c);
      }
    });
    return found.slice(0, 2).map(function (c) {
      var s = service.entry;
      var row = a.cells[c[0]] || {};
      var cell = row[s[0]] || row["cat:" + s[3]];
      if (!cell) {
        return null;
      }
      var scenario = null;
      a.scenarios.forEach(function (sc) {
        if (!scenario && sc[2].indexOf(s[0]) !== -1 && sc[3].indexOf(c[0]) !== -1) {
          scenario = sc;
        }
      });
      return {
        service: s,
        control: c,
        cell: cell,
        owner: a.owners[cell[0]] || cell[0],
        owners: a.owners,
        url: s[2] + "#" + a.anchor + c[0],
        scenario: scenario
      };
    }).filter(Boolean);
  };

  /* The service a query names (the longest name or alias, one typo allowed in a long
     one-word name), with the query words it used. */
  function findService(services, qwords) {
    var best = null;
    services.forEach(function (s) {
      s[4].forEach(function (name) {
        var nw = words(name);
        if (!nw.length || (best && best.length >= nw.length)) {
          return;
        }
        for (var i = 0; i + nw.length <= qwords.length; i++) {
          var ok = true;
          for (var j = 0; j < nw.length && ok; j++) {
            var q = qwords[i + j];
            ok = q === nw[j] || (nw.length === 1 && nw[j].length >= 5 && distance(q, nw[j], 1) <= 1);
          }
          if (ok) {
            var used = {};
            for (j = 0; j < nw.length; j++) {
              used[qwords[i + j]] = true;
            }
            best = { entry: s, length: nw.length, words: used };
            return;
          }
        }
      });
    });
    return best;
  }

  var loading = null;
  function openIndex() {
    if (!loading) {
      loading = shard("index").then(function (root) {
        var answers = root.answers ? shard("answers") : Promise.resolve(null);
        return answers.then(function (a) {
          return new Index(root, a);
        });
      });
    }
    return loading;
  }

  /* ---- results as DOM (text nodes only) ---- */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text) {
      e.textContent = text;
    }
    return e;
  }

  function isMatch(token, matches) {
    var t = token.toLowerCase().replace(/['\u2019]s$/, "").replace(/['\u2019]/g, "");
    for (var i = 0; i < matches.length; i++) {
      var m = matches[i];
      if (m.forms[t] || (m.prefix && m.prefix.length >= 2 && t.indexOf(m.prefix) === 0)) {
        return true;
      }
    }
    return false;
  }

  /* The section with most matching words, and a window of its text around the first. */
  function bestSection(doc, matches) {
    var best = null;
    doc.sections.forEach(function (s, i) {
      var text = s[1] + " " + s[2];
      var hits = 0;
      var first = -1;
      var re = new RegExp(WORD.source, "gu");
      var m;
      while ((m = re.exec(text))) {
        if (isMatch(m[0], matches)) {
          hits++;
          if (first < 0 && m.index > s[1].length) {
            first = m.index - s[1].length - 1;
          }
        }
      }
      if (!best || hits > best.hits) {
        best = { index: i, hits: hits, first: Math.max(first, 0) };
      }
    });
    return best;
  }

  function snippet(text, first, matches) {
    var start = Math.max(0, first - 60);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space >= 0 && space < first ? space + 1 : start;
    }
    var end = Math.min(text.length, start + 200);
    if (end < text.length) {
      var back = text.lastIndexOf(" ", end);
      end = back > first ? back : end;
    }
    var part = text.slice(start, end);
    var p = el("p", "result-snippet");
    if (start > 0) {
      p.appendChild(document.createTextNode("… "));
    }
    var re = new RegExp(WORD.source, "gu");
    var last = 0;
    var m;
    while ((m = re.exec(part))) {
      if (isMatch(m[0], matches)) {
        p.appendChild(document.createTextNode(part.slice(last, m.index)));
        p.appendChild(el("mark", null, m[0]));
        last = m.index + m[0].length;
      }
    }
    p.appendChild(document.createTextNode(part.slice(last) + (end < text.length ? " …" : "")));
    return p;
  }

  function resultItem(doc, matches) {
    var best = bestSection(doc, matches);
    var section = best ? doc.sections[best.index] : null;
    var li = el("li", "search-result");
    var a = el("a", "result-title", doc.title || doc.url || "Home");
    a.href = pageHref(doc.url + (section && section[0] ? "#" + section[0] : ""));
    li.appendChild(a);
    if (section && section[1]) {
      li.appendChild(el("span", "result-section", " › " + section[1]));
    }
    if (doc.kind) {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "badge result-kind", doc.kind));
    }
    if (section && section[2]) {
      li.appendChild(snippet(section[2], best.first, matches));
    }
    return li;
  }

  function answerItem(ans) {
    var li = el("li", "search-result search-answer");
    var a = el("a", "result-title", "Who is responsible for " + ans.control[1] + " on " + ans.service[1] + "?");
    a.href = pageHref(ans.url);
    li.appendChild(a);
    var owner = el("p", "answer-owner");
    owner.appendChild(el("span", "owner owner-" + ans.cell[0].replace("/", ""), ans.owner));
    li.appendChild(owner);
    var parts = ans.cell[2].map(function (p) {
      return [ans.owners[p[0]] || p[0], p[1]];
    });
    parts.push(["Note", ans.cell[1]]);
    var dl = el("dl", "answer-parts");
    parts.forEach(function (p) {
      if (p[1]) {
        dl.appendChild(el("dt", null, p[0]));
        dl.appendChild(el("dd", null, p[1]));
      }
    });
    if (dl.firstChild) {
      li.appendChild(dl);
    }
    if (ans.scenario) {
      var sp = el("p", "answer-scenario", "Scenario: ");
      var sa = el("a", null, ans.scenario[0]);
      sa.href = pageHref(ans.scenario[1]);
      sp.appendChild(sa);
      li.appendChild(sp);
    }
    return li;
  }

  /* Renders results into `list`; returns a promise of the number of pages found. */
  function show(index, result, list, limit) {
    var top = result.hits.slice(0, limit);
    return Promise.all(top.map(function (h) {
      return index.doc(h.doc);
    })).then(function (docs) {
      var frag = document.createDocumentFragment();
      result.answers.forEach(function (ans) {
        frag.appendChild(answerItem(ans));
      });
      docs.forEach(function (d) {
        frag.appendChild(resultItem(d, result.matches));
      });
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      list.appendChild(frag);
      return result.hits.length;
    });
  }

  /* Runs `query` unless a newer one started meanwhile (typing fast). */
  function runner(render) {
    var seq = 0;
    return function (query) {
      var mine = ++seq;
      return openIndex()
        .then(function (index) {
          return index.search(query).then(function (result) {
            if (mine === seq) {
              return render(index, result, query);
            }
          });
        })
        .catch(function (err) {
          if (mine === seq) {
            render(null, { error: err }, query);
          }
        });
    };
  }

  /* ---- the header box: search as you type ---- */
  function headerBox(input) {
    var form = input.form;
    var list = el("ul", "search-popup");
    list.id = "site-search-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Search results");
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var active = -1;

    function options() {
      return list.querySelectorAll("li");
    }
    function setActive(n) {
      var opts = options();
      active = opts.length ? (n + opts.length) % opts.length : -1;
      for (var i = 0; i < opts.length; i++) {
        opts[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", opts[active].id);
        opts[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }
    var run = runner(function (index, result, query) {
      if (result.error) {
        list.textContent = "";
        list.appendChild(el("li", "search-note", "Search is unavailable: " + result.error.message));
        list.hidden = false;
        return;
      }
      return show(index, result, list, DROPDOWN_RESULTS).then(function (count) {
        if (!count && !result.answers.length) {
          list.appendChild(el("li", "search-note", "No results for “" + query.trim() + "”."));
        }
        var opts = options();
        for (var i = 0; i < opts.length; i++) {
          opts[i].id = "site-search-opt-" + i;
          opts[i].setAttribute("role", "option");
        }
        list.setAttribute("data-query", query);
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        setActive(-1);
      });
    });
    var timer = null;
    input.addEventListener("focus", openIndex);
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (!input.value.trim()) {
        close();
        return;
      }
      timer = setTimeout(function () {
        run(input.value);
      }, 200);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (!list.hidden) {
          ev.preventDefault();
          setActive(active + (ev.key === "ArrowDown" ? 1 : -1));
        }
      } else if (ev.key === "Enter" && active >= 0) {
        var link = options()[active].querySelector("a");
        if (link) {
          ev.preventDefault();
          link.click();
        }
      } else if (ev.key === "Escape") {
        if (list.hidden) {
          input.blur();
        } else {
          close();
        }
      }
    });
    document.addEventListener("click", function (ev) {
      if (!form.contains(ev.target)) {
        close();
      }
    });
    document.addEventListener("keydown", function (ev) {
      var t = ev.target;
      var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (ev.key === "/" && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();
        input.focus();
      }
    });
  }

  /* ---- the search page ---- */
  function searchPage(input, list, status) {
    var limit = PAGE_RESULTS;
    var more = el("button", "search-more", "Show more results");
    more.type = "button";
    more.hidden = true;
    list.parentNode.insertBefore(more, list.nextSibling);
    function setStatus(text) {
      status.textContent = text;
    }
    var run = runner(function (index, result, query) {
      if (result.error) {
        setStatus("The search index could not be loaded (" + result.error.message + ").");
        return;
      }
      return show(index, result, list, limit).then(function (count) {
        var q = query.trim();
        setStatus(
          count === 0 ? "No results for “" + q + "”." :
          count === 1 ? "1 result for “" + q + "”." :
          count + " results for “" + q + "”" + (count > limit ? ", showing the first " + limit + "." : ".")
        );
        more.hidden = count <= limit;
      });
    });
    function update() {
      var q = input.value;
      try {
        var url = new URL(window.location.href);
        if (q.trim()) {
          url.searchParams.set("q", q);
        } else {
          url.searchParams.delete("q");
        }
        window.history.replaceState(null, "", url.toString());
      } catch (err) {
        /* the URL is cosmetic */
      }
      if (!q.trim()) {
        list.textContent = "";
        more.hidden = true;
        setStatus("");
        return;
      }
      run(q);
    }
    var timer = null;
    input.addEventListener("input", function () {
      limit = PAGE_RESULTS;
      clearTimeout(timer);
      timer = setTimeout(update, 80);
    });
    input.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      update();
    });
    more.addEventListener("click", function () {
      limit += PAGE_RESULTS;
      run(input.value);
    });
    var initial = "";
    try {
      initial = new URLSearchParams(window.location.search).get("q") || "";
    } catch (err) {
      initial = "";
    }
    input.value = initial;
    if (initial.trim()) {
      setStatus("Searching…");
      run(initial);
    } else {
      input.focus();
    }
  }

  /* The result styles, once per page. */
  function addStyles() {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = ROOT + "static/search.css";
    document.head.appendChild(link);
  }

  function init() {
    addStyles();
    var header = document.getElementById("site-search-q");
    if (header && header.form) {
      headerBox(header);
    }
    var input = document.getElementById("search-input");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (input && input.form && list && status) {
      searchPage(input, list, status);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
