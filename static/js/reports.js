// Charts of the monthly report pages, drawn with the vendored Chart.js from the JSON the page embeds
// (<script id="report-charts" type="application/json">, see reports/views.py chart_data).
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("report-charts");
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.dataset.chart];
      if (!spec || !spec.labels.length) {
        return;
      }
      var line = spec.type === "line";
      // Counts get whole-number ticks; money and shares keep decimals.
      var valueAxis = { beginAtZero: true, ticks: spec.integer ? { precision: 0 } : {} };
      if (spec.max) {
        valueAxis.max = spec.max;
      }
      new Chart(canvas, {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: [{
            label: spec.label,
            data: spec.values,
            borderColor: "#1f4e79",
            backgroundColor: line ? "rgba(31, 78, 121, 0.15)" : "rgba(31, 78, 121, 0.75)",
            spanGaps: true,
            tension: 0.2,
            fill: line,
          }],
        },
        options: {
          indexAxis: spec.horizontal ? "y" : "x",
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: spec.horizontal ? { x: valueAxis } : { y: valueAxis },
        },
      });
      canvas.dataset.drawn = "true";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
