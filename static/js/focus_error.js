/* After a refused form, focus moves to the first thing to fix: the first invalid field, or
   the form's error message when the error is not about one field. A keyboard or screen
   reader user then starts where the problem is (WCAG 3.3.1). Loaded on every page from
   base.html (no inline script under the CSP). */
(function () {
  "use strict";
  var first = document.querySelector(
    "main .is-invalid, main form .alert-danger, main .alert-danger[role=alert], " +
      "main .invalid-feedback, main .errorlist"
  );
  if (!first) {
    return;
  }
  if (!first.matches("input, select, textarea, button")) {
    var field = first.querySelector("input:not([type=hidden]), select, textarea");
    if (field) {
      first = field;
    } else {
      first.setAttribute("tabindex", "-1");
    }
  }
  first.focus();
})();
