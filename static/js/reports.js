/* The Reports page's charts (Apache ECharts, served from static/vendor/echarts). The numbers come from the page's
   json_script "report-charts", built from the same rows as the tables under each chart, so the page reads fully
   without this file. A chart is drawn when it scrolls into view and follows its box's width. */
(function () {
  "use strict";

  var COLORS = ["#1f5fa8", "#b42318", "#1c7c47", "#b26b00", "#6941c6"];

  function draw(element, spec, locale) {
    var chart = window.echarts.init(element, null, { renderer: "svg", locale: locale });
    var horizontal = spec.categories.length > 12;
    var category = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true } };
    var value = { type: "value", minInterval: spec.whole_numbers ? 1 : 0 };
    element.style.height = horizontal ? Math.max(240, spec.categories.length * 22 + 60) + "px" : "";
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      color: COLORS,
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({ inverse: true }, category) : value,
      series: spec.series.map(function (serie) {
        return {
          name: serie.name,
          type: "bar",
          stack: spec.stacked ? "total" : undefined,
          data: serie.values.map(function (v) { return v === null ? null : parseFloat(v); })
        };
      })
    });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(element);
    } else {
      window.addEventListener("resize", function () { chart.resize(); });
    }
  }

  function start() {
    var source = document.getElementById("report-charts");
    if (!source || !window.echarts) return;
    var charts = JSON.parse(source.textContent);
    var locale = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
    var elements = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
    function show(element) {
      var spec = charts[element.getAttribute("data-chart")];
      if (spec && !element.getAttribute("data-drawn")) {
        element.setAttribute("data-drawn", "1");
        draw(element, spec, locale);
      }
    }
    if (!window.IntersectionObserver) {
      elements.forEach(show);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          show(entry.target);
        }
      });
    }, { rootMargin: "200px" });
    elements.forEach(function (element) { observer.observe(element); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
