/* Draw every chart on the page. A chart is an element with data-figure="ID", where
   ID is a <script type="application/json"> written by Django's json_script holding
   {"data": [...], "layout": {...}}. No inline scripts, so CSP script-src 'self' holds. */
(function () {
  "use strict";
  var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };

  function draw(target) {
    var source = document.getElementById(target.dataset.figure);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(target, figure.data, figure.layout || {}, config).then(function () {
      target.dataset.drawn = "true";
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-figure]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
