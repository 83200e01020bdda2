/* srm-docs responsibility matrix: filter the columns by service category, and look up
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
    var cells = table.querySelectorAll("[data-category]");

    function apply(value) {
      for (var i = 0; i < cells.length; i++) {
        var el = cells[i];
        var hide = value !== "" && el.getAttribute("data-category") !== value;
        if (hide) {
          el.classList.add("is-filtered");
        } else {
          el.classList.remove("is-filtered");
        }
      }
      table.setAttribute("data-filter", value);
    }

    function fromUrl() {
      try {
        return new URLSearchParams(window.location.search).get("category") || "";
      } catch (err) {
        return "";
      }
    }

    function toUrl(value) {
      if (!window.history || !window.history.replaceState) {
        return;
      }
      try {
        var url = new URL(window.location.href);
        if (value) {
          url.searchParams.set("category", value);
        } else {
          url.searchParams.delete("category");
        }
        window.history.replaceState(null, "", url.toString());
      } catch (err) {
        /* cosmetic only */
      }
    }

    var initial = fromUrl();
    var known = false;
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === initial) {
        known = true;
      }
    }
    select.value = known ? initial : "";
    apply(select.value);

    select.addEventListener("change", function () {
      apply(select.value);
      toUrl(select.value);
    });
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
