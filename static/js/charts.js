// Draws every chart whose figure the page carries in a JSON data island:
//   <div class="chart" data-chart-source="ID"></div>
//   <script type="application/json" id="ID">{"data": [...], "layout": {...}}</script>
// The figure is built on the server (indicators/charts.py); this file only hands it to Plotly.
(function () {
  "use strict";

  var NARROW = 560; // px: below this a chart is laid out for a phone

  function drawAll() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    var targets = document.querySelectorAll("[data-chart-source]");
    Array.prototype.forEach.call(targets, function (target) {
      var island = document.getElementById(target.getAttribute("data-chart-source"));
      if (!island) {
        return;
      }
      var figure;
      try {
        figure = JSON.parse(island.textContent);
      } catch (e) {
        target.textContent = "グラフのデータを読み込めませんでした。";
        return;
      }
      var layout = figure.layout || {};
      if (target.clientWidth < NARROW) {
        // A phone: tighter margins and a smaller type so the bars keep most of the width, and no dragging
        // (zoom) on the chart, so that a swipe over it scrolls the page.
        layout.margin = { l: 44, r: 8, t: 44, b: 56 };
        layout.font = { size: 11 };
        layout.dragmode = false;
      }
      window.Plotly.newPlot(target, figure.data, layout, {
        responsive: true,
        // No toolbar: its buttons (English labels, zoom and lasso) would sit inside the chart's role="img"
        // (axe: nested-interactive) and get in the way on a phone; the figures are in the table below.
        displayModeBar: false,
      }).then(function () {
        target.setAttribute("data-chart-drawn", "1");
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
