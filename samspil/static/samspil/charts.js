/* Samspil charts: draws every <canvas data-chart="pie|doughnut|line|bar"> with Chart.js.
 *
 * The data comes from a json_script element named by data-chart-source, shaped as
 *   {"labels": [...], "datasets": [{"label": "...", "data": [...]}], "unit": "kr." | "%" | ""}
 * Numbers are plain JSON numbers; labels are already translated. Every chart must have the same figures
 * as a table next to it (the text alternative, WCAG 1.1.1), so the canvas itself is aria-hidden.
 * Loaded on the pages that need it, after chart.umd.min.js; re-runs after HTMX swaps.
 */
(function () {
  "use strict";
  // Colours from Det Fælles Designsystem's palette with enough contrast against white and each other.
  var COLOURS = ["#0059b3", "#e8793a", "#358000", "#9e4ba0", "#b0251b", "#006d7a", "#8a6d00", "#4b4b4b"];
  var formatter = new Intl.NumberFormat(document.documentElement.lang || "da", { maximumFractionDigits: 2 });

  function draw(canvas) {
    if (canvas.dataset.chartDrawn || typeof Chart === "undefined") return;
    var source = document.getElementById(canvas.dataset.chartSource);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var kind = canvas.dataset.chart;
    var round = kind === "pie" || kind === "doughnut";
    var unit = spec.unit ? " " + spec.unit : "";
    if (round) {
      // A pie has no gaps: leave out slices whose figure is hidden (null), so the legend names only what is drawn.
      var keep = spec.labels.map(function (_, i) {
        return spec.datasets.some(function (dataset) { return dataset.data[i] !== null && dataset.data[i] !== undefined; });
      });
      spec.labels = spec.labels.filter(function (_, i) { return keep[i]; });
      spec.datasets.forEach(function (dataset) { dataset.data = dataset.data.filter(function (_, i) { return keep[i]; }); });
    }
    spec.datasets.forEach(function (dataset, index) {
      var colour = COLOURS[index % COLOURS.length];
      if (round) {
        dataset.backgroundColor = spec.labels.map(function (_, i) { return COLOURS[i % COLOURS.length]; });
      } else {
        dataset.backgroundColor = colour;
        dataset.borderColor = colour;
        dataset.fill = false;
      }
    });
    canvas.dataset.chartDrawn = "1";
    new Chart(canvas, {
      type: kind,
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: !round ? false : true,
        plugins: {
          legend: { display: round || spec.datasets.length > 1 },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = context.parsed && typeof context.parsed === "object" ? context.parsed.y : context.parsed;
                return (context.dataset.label ? context.dataset.label + ": " : "") + formatter.format(value) + unit;
              },
            },
          },
        },
        scales: round ? {} : {
          y: { beginAtZero: true, ticks: { callback: function (value) { return formatter.format(value) + unit; } } },
        },
      },
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
