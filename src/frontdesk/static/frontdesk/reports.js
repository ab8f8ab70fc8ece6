// Report charts: each <canvas data-chart="key"> is drawn from the page's json_script
// "report-charts" (the same numbers as the table beside it). Loaded only on report pages,
// after vendor/chart.umd.min.js; no inline script (CSP).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("report-charts");
    if (!source || typeof window.Chart === "undefined") return;
    var charts = JSON.parse(source.textContent || "{}");
    var styles = getComputedStyle(document.documentElement);
    var colours = [
      styles.getPropertyValue("--accent").trim() || "#1f5fbf",
      styles.getPropertyValue("--danger").trim() || "#b42318",
      "#2e7d32",
      "#8e24aa",
    ];
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.dataset.chart];
      if (!spec) return;
      var datasets = spec.datasets.map(function (set, i) {
        return {
          label: set.label,
          data: set.data,
          borderColor: colours[i % colours.length],
          backgroundColor: colours[i % colours.length],
          tension: 0.2,
        };
      });
      new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: { y: { beginAtZero: true } },
        },
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
