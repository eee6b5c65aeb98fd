// Draws every chart whose figure the page carries in a JSON data island:
//   <div class="chart" data-chart-source="ID"></div>
//   <script type="application/json" id="ID">{"data": [...], "layout": {...}}</script>
// The figure is built on the server (indicators/charts.py); this file only hands it to Plotly.
(function () {
  "use strict";

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
      window.Plotly.newPlot(target, figure.data, figure.layout, {
        responsive: true,
        displaylogo: false,
        modeBarButtonsToRemove: ["sendDataToCloud"],
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
