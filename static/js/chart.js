/* Draw every chart on the page. A chart is an element with data-figure="ID", where
   ID is a <script type="application/json"> written by Django's json_script holding
   {"data": [...], "layout": {...}}. No inline scripts, so CSP script-src 'self' holds.

   Plotly's own view buttons (layout.updatemenus) cannot be reached with a keyboard,
   so each is drawn as a real <button> above the chart instead. */
(function () {
  "use strict";
  var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  // On a phone plotly's toolbar (modebar) sits over the chart's title: leave it out there.
  if (window.matchMedia && window.matchMedia("(max-width: 575.98px)").matches) {
    config.displayModeBar = false;
  }

  function viewButtons(target, menu) {
    var group = document.createElement("div");
    group.className = "btn-group mb-2 chart-views";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Chart view");
    menu.buttons.forEach(function (item, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-primary";
      button.textContent = item.label;
      button.setAttribute("aria-pressed", String(index === (menu.active || 0)));
      button.addEventListener("click", function () {
        window.Plotly.update(target, item.args[0], item.args[1] || {});
        group.querySelectorAll("button").forEach(function (other) {
          other.setAttribute("aria-pressed", String(other === button));
        });
      });
      group.appendChild(button);
    });
    target.parentNode.insertBefore(group, target);
  }

  function draw(target) {
    var source = document.getElementById(target.dataset.figure);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var layout = figure.layout || {};
    var menus = layout.updatemenus || [];
    delete layout.updatemenus;
    window.Plotly.newPlot(target, figure.data, layout, config).then(function () {
      menus.forEach(function (menu) { viewButtons(target, menu); });
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
