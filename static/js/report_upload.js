/* The report upload page: while the file is sent and read, say so and keep the
   button from being pressed again (no inline script under the CSP). */
(function () {
  "use strict";
  var form = document.getElementById("report-upload-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var button = document.getElementById("report-upload-button");
    var status = document.getElementById("report-upload-status");
    if (status) { status.hidden = false; }
    if (button) {
      button.disabled = true;
      button.textContent = "Reading your report…";
    }
  });
})();
