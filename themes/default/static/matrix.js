/* srm-docs responsibility matrix: filter the columns by service category.
   Without JavaScript the filter stays hidden and the whole table shows. */
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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
