// Shows the quick reference's print button where the browser can print, and prints on click.
(function () {
  var b = document.querySelector(".print-button");
  if (b && window.print) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  }
})();
