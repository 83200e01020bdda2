/* srm-docs: the reader's light or dark choice, applied before the page is painted (this
   file loads in <head>, without defer) and remembered across pages in localStorage; and a
   copy button on every code block. Without JavaScript the OS setting decides the theme
   and code is copied by selecting it. */
(function () {
  "use strict";
  var KEY = "srm-docs-theme";
  var root = document.documentElement;

  function stored() {
    try {
      return localStorage.getItem(KEY);
    } catch (e) {
      return null;
    }
  }

  function remember(theme) {
    try {
      localStorage.setItem(KEY, theme);
    } catch (e) {
      /* storage refused (private mode, file:// policy): the choice lasts this page */
    }
  }

  function apply(theme) {
    if (theme === "light" || theme === "dark") {
      root.setAttribute("data-theme", theme);
    }
  }

  function current() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) {
      return chosen;
    }
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    return dark ? "dark" : "light";
  }

  apply(stored());

  function themeSwitch() {
    var button = document.getElementById("theme-switch");
    if (!button) {
      return;
    }
    function show() {
      button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      apply(next);
      remember(next);
      show();
    });
  }

  function copyText(text, done) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {
        done(false);
      });
      return;
    }
    done(false);
  }

  function copyButtons() {
    var blocks = document.querySelectorAll("main pre");
    for (var i = 0; i < blocks.length; i++) {
      addCopyButton(blocks[i]);
    }
  }

  function addCopyButton(pre) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy code to the clipboard");
    button.addEventListener("click", function () {
      copyText(pre.innerText, function (ok) {
        button.textContent = ok === false ? "Select and copy" : "Copied";
        window.setTimeout(function () {
          button.textContent = "Copy";
        }, 2000);
      });
    });
    var holder = document.createElement("div");
    holder.className = "copyable";
    pre.parentNode.insertBefore(holder, pre);
    holder.appendChild(pre);
    holder.appendChild(button);
  }

  document.addEventListener("DOMContentLoaded", function () {
    themeSwitch();
    copyButtons();
  });
})();
