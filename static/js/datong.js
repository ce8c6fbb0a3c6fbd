/* Datong: the pages' shell. Progressive enhancement only: every page works without it.
   No inline script anywhere (CSP script-src 'self'); this file and the vendored libraries
   are all the script a page runs. */
(function () {
  "use strict";

  var WIDE = "(min-width: 48em)";

  /* Wide screens show the menu open; narrow screens keep it folded (CSS does the same
     through ::details-content where the browser supports it). */
  function syncMenu() {
    var wide = window.matchMedia(WIDE).matches;
    document.querySelectorAll("details[data-wide-open]").forEach(function (el) {
      if (wide) {
        el.open = true;
      }
    });
  }

  function showChartError(el) {
    var message = el.getAttribute("data-chart-error") || "";
    el.removeAttribute("role");
    el.classList.add("chart-error");
    el.textContent = message;
  }

  /* <div class="chart" data-chart-url="/api/..."> : fetch ECharts options as JSON and draw. */
  function mountChart(el) {
    if (el.getAttribute("data-chart-mounted") || typeof window.echarts === "undefined") {
      return;
    }
    el.setAttribute("data-chart-mounted", "1");
    var lang = (document.documentElement.lang || "").toLowerCase();
    fetch(el.getAttribute("data-chart-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (options) {
        var chart = window.echarts.init(el, null, {
          renderer: "canvas",
          locale: lang.indexOf("zh") === 0 ? "ZH" : "EN",
        });
        chart.setOption(options);
        el.setAttribute("data-chart-ready", "1");
        window.addEventListener("resize", function () {
          chart.resize();
        });
      })
      .catch(function () {
        showChartError(el);
      });
  }

  function mountCharts(root) {
    (root || document).querySelectorAll(".chart[data-chart-url]").forEach(mountChart);
  }

  document.addEventListener("DOMContentLoaded", function () {
    syncMenu();
    window.matchMedia(WIDE).addEventListener("change", syncMenu);
    mountCharts(document);
  });

  /* Content swapped in by htmx may carry charts too. */
  document.addEventListener("htmx:afterSettle", function (event) {
    mountCharts(event.target);
  });
})();
