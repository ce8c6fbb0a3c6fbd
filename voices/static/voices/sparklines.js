/* Hot topics (voices/topics.html): each topic's trend drawn as a small line, one point a
   week, from the figures written into the page (data-values, data-weeks). Decorative: the
   sentence beside it and the table under it say the same to every reader, with or without
   script; the line stays hidden until it is drawn. */
(function () {
  "use strict";

  function numbers(text) {
    return (text || "").split(",").filter(function (part) {
      return part !== "";
    }).map(function (part) {
      return parseInt(part, 10) || 0;
    });
  }

  function mount(el) {
    if (el.getAttribute("data-sparkline-ready") || typeof window.echarts === "undefined") {
      return;
    }
    var values = numbers(el.getAttribute("data-values"));
    if (!values.length) {
      return;
    }
    var weeks = (el.getAttribute("data-weeks") || "").split(",");
    el.setAttribute("data-sparkline-ready", "1");
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 4, right: 4, top: 6, bottom: 4 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", show: false, boundaryGap: false, data: weeks },
      yAxis: { type: "value", show: false, min: 0, minInterval: 1 },
      series: [{
        type: "line",
        data: values,
        showSymbol: values.length < 2,
        lineStyle: { width: 2 },
        areaStyle: { opacity: 0.15 },
      }],
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".sparkline[data-values]").forEach(mount);
  });
})();
