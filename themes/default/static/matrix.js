/* srm-docs responsibility matrix: filter the columns by service category (and by provider,
   when the dataset covers several), and look up
   "who is responsible for this control on this service?" by following the matching cell's
   link. Without JavaScript both forms stay hidden; every cell is that link already. */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("matrix-filter-form");
    var select = document.getElementById("matrix-filter");
    var table = document.querySelector("table.matrix");
    if (!select || !table) {
      return;
    }
    /* Each filter: its select, the URL parameter and the cell attribute it reads. */
    var filters = [[select, "category"]];
    var byProvider = document.getElementById("matrix-provider");
    if (byProvider) {
      filters.push([byProvider, "provider"]);
    }
    var cells = table.querySelectorAll("[data-category]");

    function apply() {
      for (var i = 0; i < cells.length; i++) {
        var el = cells[i];
        var hide = false;
        for (var f = 0; f < filters.length; f++) {
          var value = filters[f][0].value;
          var own = el.getAttribute("data-" + filters[f][1]);
          if (value !== "" && own !== null && own !== value) {
            hide = true;
          }
        }
        if (hide) {
          el.classList.add("is-filtered");
        } else {
          el.classList.remove("is-filtered");
        }
      }
      table.setAttribute("data-filter", select.value);
      if (filters.length > 1) {
        spans();
      }
    }

    /* A category heading spans the columns of its services left after the filters. */
    function spans() {
      var groups = table.querySelectorAll("th[scope=colgroup][data-category]");
      for (var g = 0; g < groups.length; g++) {
        var id = groups[g].getAttribute("data-category");
        var shown = table.querySelectorAll(
          "th[data-service][data-category='" + id + "']:not(.is-filtered)"
        ).length;
        groups[g].colSpan = Math.max(shown, 1);
        groups[g].hidden = shown === 0;
      }
    }

    function fromUrl(name) {
      try {
        return new URLSearchParams(window.location.search).get(name) || "";
      } catch (err) {
        return "";
      }
    }

    function toUrl(name, value) {
      if (!window.history || !window.history.replaceState) {
        return;
      }
      try {
        var url = new URL(window.location.href);
        if (value) {
          url.searchParams.set(name, value);
        } else {
          url.searchParams.delete(name);
        }
        window.history.replaceState(null, "", url.toString());
      } catch (err) {
        /* cosmetic only */
      }
    }

    filters.forEach(function (f) {
      var initial = fromUrl(f[1]);
      var known = false;
      for (var i = 0; i < f[0].options.length; i++) {
        if (f[0].options[i].value === initial) {
          known = true;
        }
      }
      f[0].value = known ? initial : "";
      f[0].addEventListener("change", function () {
        apply();
        toUrl(f[1], f[0].value);
      });
    });
    apply();
    if (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
      });
      form.hidden = false;
    }
  }

  function lookup() {
    var form = document.getElementById("matrix-lookup");
    var table = document.querySelector("table.matrix");
    if (!form || !table) {
      return;
    }
    var heads = table.querySelectorAll("th[data-service]");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var service = document.getElementById("lookup-service").value;
      var control = document.getElementById("lookup-control").value;
      var column = -1;
      for (var i = 0; i < heads.length; i++) {
        if (heads[i].getAttribute("data-service") === service) {
          column = i;
        }
      }
      var rows = table.querySelectorAll("tr[data-control]");
      for (var j = 0; j < rows.length; j++) {
        if (rows[j].getAttribute("data-control") === control) {
          var link = rows[j].querySelectorAll("td.cell a")[column];
          if (link) {
            window.location.href = link.href;
          }
        }
      }
    });
    form.hidden = false;
  }

  function start() {
    init();
    lookup();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
