/* The vendor scorecard's trend charts (Apache ECharts, served from static/vendor/echarts). The numbers come from the
   page's json_script "scorecard-data"; every chart has a table with the same numbers next to it, so the page reads
   fully without this file. A chart is drawn when it scrolls into view and follows its box's width. */
(function () {
  "use strict";

  var MET = "#1c7c47";
  var MISSED = "#b42318";
  var LINE = "#1f5fa8";

  function number(text) {
    return text === null || text === undefined ? null : parseFloat(text);
  }

  function draw(element, spec, months, labels, locale) {
    var chart = window.echarts.init(element, null, { renderer: "svg", locale: locale });
    var target = number(spec.target);
    var points = spec.values.map(function (value, i) {
      if (value === null) return null;
      return { value: number(value), itemStyle: { color: spec.met[i] ? MET : MISSED } };
    });
    var unit = spec.unit || "";
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (value) { return value === null || value === undefined ? "—" : value + unit; }
      },
      xAxis: { type: "category", data: months, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: "{value}" + unit } },
      series: [
        {
          name: labels.value,
          type: "line",
          data: points,
          connectNulls: false,
          symbol: "circle",
          symbolSize: 8,
          lineStyle: { color: LINE },
          itemStyle: { color: LINE },
          markLine: {
            symbol: "none",
            silent: true,
            label: { formatter: labels.target + " " + target + unit, position: "insideEndTop" },
            lineStyle: { color: MISSED, type: "dashed" },
            data: [{ yAxis: target }]
          }
        }
      ]
    });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { chart.resize(); }).observe(element);
    } else {
      window.addEventListener("resize", function () { chart.resize(); });
    }
  }

  function start() {
    var source = document.getElementById("scorecard-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var locale = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
    var elements = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
    function show(element) {
      var spec = data.charts[element.getAttribute("data-chart")];
      if (spec && !element.getAttribute("data-drawn")) {
        element.setAttribute("data-drawn", "1");
        draw(element, spec, data.months, data.labels, locale);
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

  if (document.readyState !== "loading") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
