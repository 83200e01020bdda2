// srm-docs preview: live reload. Loaded by every HTML page the preview serves, from
// <base>__srm/reload.js, with the page's path and whether it shows the error overlay as
// data attributes. Reloads when this page changed, when a build failed or recovered, or
// when the configuration changed; reconnects after a server restart.
(function () {
  var me = document.currentScript;
  var page = me.getAttribute("data-page");
  var shown = me.getAttribute("data-overlay") === "1";
  var events = new URL("events", me.src);
  function open() {
    var es = new EventSource(events);
    es.addEventListener("reload", function (m) {
      var d = JSON.parse(m.data);
      if (d.errors !== shown || d.all || (d.changed || []).indexOf(page) >= 0) {
        location.reload();
      }
    });
    es.onerror = function () {
      es.close();
      setTimeout(open, 500);
    };
  }
  open();
})();
