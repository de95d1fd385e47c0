/* Draw every figure passed with json_script: <script type="application/json" id="X-data" data-chart="X">
   holds {"data": [...], "layout": {...}} and is drawn into the element with id X. No inline scripts. */
(function () {
  "use strict";
  var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };

  function draw(source) {
    var target = document.getElementById(source.dataset.chart);
    if (!target || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(target, figure.data, figure.layout || {}, config).then(function () {
      target.dataset.drawn = "true";
    });
  }

  function drawAll() {
    document.querySelectorAll("script[type='application/json'][data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  window.BoneTrackCharts = { drawAll: drawAll };
})();
