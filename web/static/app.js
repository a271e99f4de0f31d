// KAM UI behaviour. The pages work without it; it only adds confirmations and focus.
// It is a file (not inline) because the CSP allows scripts from 'self' only.
(function () {
  "use strict";
  // Ask before destructive forms (data-confirm holds the translated question).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        ev.preventDefault();
        ev.stopImmediatePropagation();
      }
    }
  }, true);
  // Put the cursor on the first field with an error, so the user can fix it at once.
  document.addEventListener("DOMContentLoaded", function () {
    var bad = document.querySelector("[aria-invalid=true]");
    if (bad) { bad.focus(); }
  });
})();
