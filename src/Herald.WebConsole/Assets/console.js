// Herald console: draws every .chart-canvas from its data-series-url with uPlot and refreshes it.
(function () {
  "use strict";
  const refreshMs = 5000;

  function toUplotData(series) {
    const data = [series.times];
    for (const s of series.values) data.push(s.values);
    return data;
  }

  async function draw(element) {
    const response = await fetch(element.dataset.seriesUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const series = await response.json();
    element.dataset.points = String(series.times.length);
    const unit = element.dataset.unit || "";
    const data = toUplotData(series);
    if (element._plot) {
      element._plot.setData(data);
      return;
    }
    const colors = ["#2563eb", "#dc2626", "#059669", "#d97706"];
    const options = {
      width: Math.max(280, element.clientWidth || 600),
      height: 220,
      series: [{}].concat(series.values.map((s, i) => ({ label: s.label, stroke: colors[i % colors.length], width: 2 }))),
      axes: [{}, { label: unit, size: 60 }],
    };
    if (element.dataset.unit2 && options.series.length > 2) {
      options.series[2].scale = "right";
      options.axes.push({ scale: "right", side: 1, label: element.dataset.unit2, size: 70, grid: { show: false } });
    }
    element._plot = new uPlot(options, data, element);
  }

  function drawAll() {
    document.querySelectorAll(".chart-canvas[data-series-url]").forEach((el) => draw(el).catch(() => {}));
  }

  // A table that scrolls sideways (on a phone) must be reachable from the keyboard to be scrolled (WCAG 2.1.1):
  // such a .table-wrap becomes a focusable region named after its section's heading.
  function markScrollers() {
    document.querySelectorAll(".table-wrap").forEach((el) => {
      const scrolls = el.scrollWidth > el.clientWidth;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.tabIndex = 0;
        el.dataset.scrollFocus = "1";
        el.setAttribute("role", "region");
        const section = el.closest("[aria-labelledby]");
        if (section) el.setAttribute("aria-labelledby", section.getAttribute("aria-labelledby"));
        else el.setAttribute("aria-label", "Scrollable table");
      } else if (!scrolls && el.dataset.scrollFocus) {
        el.removeAttribute("tabindex");
        el.removeAttribute("role");
        el.removeAttribute("aria-labelledby");
        el.removeAttribute("aria-label");
        delete el.dataset.scrollFocus;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    markScrollers();
    document.body.addEventListener("htmx:afterSettle", markScrollers);
    window.addEventListener("resize", markScrollers);
    drawAll();
    setInterval(drawAll, refreshMs);
    window.addEventListener("resize", () => {
      document.querySelectorAll(".chart-canvas").forEach((el) => {
        if (el._plot) el._plot.setSize({ width: Math.max(280, el.clientWidth), height: 220 });
      });
    });
  });
})();
