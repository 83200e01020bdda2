/* srm-docs client-side search. Plain JavaScript, no libraries.
   Reads the index URL from data-index (on #search-app or on this script tag), so it works
   under any base path. The index is an array of {title, url, summary, text, kind}. */
(function () {
  "use strict";

  var MAX_RESULTS = 50;
  var script = document.currentScript;

  function init() {
    var app = document.getElementById("search-app");
    var input = document.getElementById("search-input");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (!input || !list) {
      return;
    }
    var indexUrl =
      (app && app.getAttribute("data-index")) ||
      (script && script.getAttribute("data-index")) ||
      "search-index.json";

    var entries = null;
    var timer = null;

    function setStatus(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function words(query) {
      return query
        .toLowerCase()
        .split(/\s+/)
        .filter(function (w) {
          return w.length > 0;
        });
    }

    function prepare(raw) {
      if (!Array.isArray(raw)) {
        return [];
      }
      return raw
        .filter(function (e) {
          return e && typeof e.url === "string";
        })
        .map(function (e, i) {
          var title = String(e.title || "");
          var summary = String(e.summary || "");
          var text = String(e.text || "");
          return {
            order: i,
            title: title,
            url: e.url,
            summary: summary,
            kind: String(e.kind || ""),
            t: title.toLowerCase(),
            s: summary.toLowerCase(),
            x: text.toLowerCase()
          };
        });
    }

    function score(e, ws, phrase) {
      var total = 0;
      for (var i = 0; i < ws.length; i++) {
        var w = ws[i];
        var inTitle = e.t.indexOf(w) !== -1;
        var inSummary = e.s.indexOf(w) !== -1;
        var inText = e.x.indexOf(w) !== -1;
        if (!inTitle && !inSummary && !inText) {
          return -1;
        }
        if (inTitle) {
          total += 100;
          if (e.t.indexOf(w) === 0) {
            total += 10;
          }
        }
        if (inSummary) {
          total += 10;
        }
        if (inText) {
          total += 1;
        }
      }
      if (ws.length > 1 && e.t.indexOf(phrase) !== -1) {
        total += 200;
      }
      if (e.t === phrase) {
        total += 500;
      }
      return total;
    }

    function search(query) {
      var ws = words(query);
      if (ws.length === 0 || !entries) {
        return [];
      }
      var phrase = ws.join(" ");
      var hits = [];
      for (var i = 0; i < entries.length; i++) {
        var sc = score(entries[i], ws, phrase);
        if (sc >= 0) {
          hits.push({ entry: entries[i], score: sc });
        }
      }
      hits.sort(function (a, b) {
        return b.score - a.score || a.entry.order - b.entry.order;
      });
      return hits;
    }

    function render(query) {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      var q = query.trim();
      if (!q) {
        setStatus(entries ? "Type one or more words to search." : "");
        return;
      }
      if (!entries) {
        setStatus("Loading the search index…");
        return;
      }
      var hits = search(q);
      if (hits.length === 0) {
        setStatus("No results for “" + q + "”.");
        return;
      }
      var shown = hits.slice(0, MAX_RESULTS);
      setStatus(
        hits.length === 1
          ? "1 result for “" + q + "”."
          : hits.length + " results for “" + q + "”" +
              (hits.length > MAX_RESULTS ? ", showing the first " + MAX_RESULTS + "." : ".")
      );
      var frag = document.createDocumentFragment();
      shown.forEach(function (h) {
        var e = h.entry;
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.className = "result-title";
        a.href = e.url;
        a.textContent = e.title || e.url;
        li.appendChild(a);
        if (e.kind) {
          var kind = document.createElement("span");
          kind.className = "badge result-kind";
          kind.textContent = e.kind;
          li.appendChild(document.createTextNode(" "));
          li.appendChild(kind);
        }
        if (e.summary) {
          var p = document.createElement("p");
          p.className = "result-summary";
          p.textContent = e.summary;
          li.appendChild(p);
        }
        frag.appendChild(li);
      });
      list.appendChild(frag);
    }

    function updateUrl(query) {
      if (!window.history || !window.history.replaceState) {
        return;
      }
      try {
        var url = new URL(window.location.href);
        if (query.trim()) {
          url.searchParams.set("q", query);
        } else {
          url.searchParams.delete("q");
        }
        window.history.replaceState(null, "", url.toString());
      } catch (err) {
        /* ignore: the URL is cosmetic */
      }
    }

    var initial = "";
    try {
      initial = new URLSearchParams(window.location.search).get("q") || "";
    } catch (err) {
      initial = "";
    }
    input.value = initial;
    var header = document.getElementById("site-search-q");
    if (header && initial) {
      header.value = initial;
    }

    input.addEventListener("input", function () {
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(function () {
        render(input.value);
        updateUrl(input.value);
      }, 120);
    });

    var form = input.form;
    if (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        render(input.value);
        updateUrl(input.value);
      });
    }

    setStatus(initial ? "Loading the search index…" : "");
    fetch(indexUrl, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) {
          throw new Error("HTTP " + r.status);
        }
        return r.json();
      })
      .then(function (raw) {
        entries = prepare(raw);
        render(input.value);
      })
      .catch(function (err) {
        setStatus("The search index could not be loaded (" + err.message + ").");
      });

    if (!initial) {
      input.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
