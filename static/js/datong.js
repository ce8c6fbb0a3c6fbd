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

  /* <div class="checklist" data-checklist>: a field above the boxes narrows them to those
     whose name holds what is typed (boxes hidden stay ticked and are still sent), and a
     count says how many are ticked, hidden ones included. */
  var CHECKLIST_MIN = 8;

  function mountChecklist(el) {
    var boxes = el.querySelectorAll("input[type=checkbox]");
    if (el.getAttribute("data-checklist-mounted") || boxes.length < CHECKLIST_MIN) {
      return;
    }
    el.setAttribute("data-checklist-mounted", "1");
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "checklist-filter";
    filter.setAttribute("aria-label", el.getAttribute("data-filter-label") || "");
    filter.placeholder = el.getAttribute("data-filter-label") || "";
    var count = document.createElement("p");
    count.className = "checklist-count";
    count.setAttribute("aria-live", "polite");
    el.insertBefore(count, el.firstChild);
    el.insertBefore(filter, el.firstChild);

    function recount() {
      var ticked = el.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = (el.getAttribute("data-chosen-label") || "") + " " + ticked;
    }
    filter.addEventListener("input", function () {
      var wanted = filter.value.trim().toLowerCase();
      boxes.forEach(function (box) {
        var option = box.closest("label") || box;
        var row = option.parentElement;
        var hit = !wanted || option.textContent.toLowerCase().indexOf(wanted) !== -1;
        row.hidden = !hit;
      });
    });
    /* Enter in the filter narrows; it must not send the form half-filled. */
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    el.addEventListener("change", recount);
    recount();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-checklist]").forEach(mountChecklist);
    syncMenu();
    window.matchMedia(WIDE).addEventListener("change", syncMenu);
    mountCharts(document);
  });

  /* Content swapped in by htmx may carry charts too. */
  document.addEventListener("htmx:afterSettle", function (event) {
    mountCharts(event.target);
  });
})();

/* --- voting in the room (balloting) ----------------------------------------------------
   The projector polls its round's result (a small JSON answer) every 300 ms and reloads
   the page when the round's state changes, so the counts show within a second of the
   close; while voting it updates how many have voted. The ballot form warns before a
   ballot that would be void (too many chosen, ELEC-12) and is sent only once. The server
   decides in every case; without script the pages work the same, only without the live
   figures and the early warning. */
(function () {
  "use strict";

  var POLL_MS = 300;
  var FINAL = { counted: true, void: true };

  function pollProjector(el) {
    var url = el.getAttribute("data-poll-url");
    var shown = el.getAttribute("data-status");
    if (!url || FINAL[shown]) {
      return;
    }
    function tick() {
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (data.status !== shown) {
            window.location.reload();
            return;
          }
          if (data.progress) {
            el.querySelectorAll("[data-progress]").forEach(function (cell) {
              var value = data.progress[cell.getAttribute("data-progress")];
              if (value !== undefined && value !== null) {
                cell.textContent = String(value);
              }
            });
          }
          window.setTimeout(tick, POLL_MS);
        })
        .catch(function () {
          window.setTimeout(tick, POLL_MS * 4);
        });
    }
    window.setTimeout(tick, POLL_MS);
  }

  /* How many are chosen: FOR marks plus names written in (ELEC-12). */
  function chosen(form) {
    var count = form.querySelectorAll('.ballot-line input[type="radio"][value="for"]:checked').length;
    form.querySelectorAll(".write-in input").forEach(function (input) {
      if (input.value.trim()) {
        count += 1;
      }
    });
    return count;
  }

  function checkBallot(form) {
    var most = parseInt(form.getAttribute("data-chosen-max"), 10);
    var tooMany = !isNaN(most) && chosen(form) > most;
    var error = form.querySelector("[data-choice-error]");
    if (error) {
      error.textContent = tooMany ? form.getAttribute("data-too-many") || "" : "";
      error.hidden = !tooMany;
    }
    return !tooMany;
  }

  function mountBallot(form) {
    if (form.getAttribute("data-ballot-mounted")) {
      return;
    }
    form.setAttribute("data-ballot-mounted", "1");
    form.addEventListener("change", function () {
      checkBallot(form);
    });
    form.addEventListener("input", function () {
      checkBallot(form);
    });
    form.addEventListener("submit", function (event) {
      if (!checkBallot(form)) {
        event.preventDefault();
        var error = form.querySelector("[data-choice-error]");
        if (error) {
          error.setAttribute("tabindex", "-1");
          error.focus();
        }
        return;
      }
      /* One vote: a second tap while the first is on its way sends nothing. */
      if (form.getAttribute("data-sent")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sent", "1");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-projector]").forEach(pollProjector);
    document.querySelectorAll("form[data-ballot]").forEach(mountBallot);
  });
})();
