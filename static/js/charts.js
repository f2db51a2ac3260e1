// Charts for the HR pages. Each <canvas data-chart="ID"> reads its data from the
// <script type="application/json" id="ID"> that Django's json_script wrote beside it (the Content
// Security Policy forbids inline scripts). Every chart has a table with the same numbers.
(function () {
  "use strict";
  const PALETTE = ["#2a5bd7", "#8a3ffc", "#1d7a46", "#b45309", "#b42318", "#505c6b"];

  function percent(value) {
    return Math.round(value * 100) + "%";
  }

  function build(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) return;
    const spec = JSON.parse(source.textContent);
    const horizontal = Boolean(spec.horizontal);
    const datasets = spec.datasets.map((dataset, index) => {
      const colour = PALETTE[index % PALETTE.length];
      if (dataset.type === "line") {
        // A point estimate drawn over its interval bar.
        return { ...dataset, showLine: false, pointRadius: 7, pointStyle: "rectRot",
                 backgroundColor: "#1c2430", borderColor: "#1c2430" };
      }
      return { ...dataset, backgroundColor: colour + (spec.interval ? "66" : ""),
               borderColor: colour, borderWidth: spec.interval ? 1 : 0,
               barPercentage: spec.interval ? 0.5 : 0.9 };
    });
    const valueAxis = {
      beginAtZero: true,
      stacked: Boolean(spec.stacked),
      ticks: spec.percent ? { callback: percent } : { precision: 0 },
    };
    const categoryAxis = { stacked: Boolean(spec.stacked), ticks: { autoSkip: false } };
    const chart = new window.Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: spec.percent ? {
              label: (item) => {
                const raw = item.raw;
                if (Array.isArray(raw)) return item.dataset.label + ": " + percent(raw[0]) + " to " + percent(raw[1]);
                return item.dataset.label + ": " + (raw === null ? "hidden" : percent(raw));
              },
            } : {},
          },
        },
      },
    });
    canvas.chart = chart;
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("canvas[data-chart]").forEach(build);
    document.querySelectorAll("[data-print]").forEach((button) => {
      button.addEventListener("click", () => window.print());
    });
  });
  // Redraw at the paper's width so printed charts are not cut off.
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("canvas[data-chart]").forEach((canvas) => canvas.chart && canvas.chart.resize());
  });
})();
