/* Paper-ballot entry at keyboard speed. Progressive enhancement only: the form works with
   Tab and the arrow keys without it. Inside a line of the ballot, 1 For, 2 Against,
   3 Abstain, 4 Unclear and 0 Blank choose the mark and move on to the next line; Enter
   saves the sheet (the browser's own behaviour). No inline script (CSP). */
(function () {
  "use strict";

  var KEYS = { "0": "", "1": "for", "2": "against", "3": "abstain", "4": "unclear" };

  function lines(container) {
    return Array.prototype.slice.call(container.querySelectorAll("fieldset.mark-line"));
  }

  function focusLine(line) {
    if (!line) {
      return false;
    }
    var target = line.querySelector("input[type=radio]:checked") || line.querySelector("input[type=radio]");
    if (target) {
      target.focus();
      return true;
    }
    return false;
  }

  function focusAfter(container, line) {
    var all = lines(container);
    var next = all[all.indexOf(line) + 1];
    if (focusLine(next)) {
      return;
    }
    var writeIn = container.querySelector(".write-in-lines input");
    var submit = container.querySelector("button[type=submit]");
    (writeIn || submit || line).focus();
  }

  function enhance(container) {
    container.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || !(event.key in KEYS)) {
        return;
      }
      var input = event.target;
      if (!input || input.type !== "radio") {
        return;
      }
      var line = input.closest("fieldset.mark-line");
      if (!line) {
        return;
      }
      var choice = line.querySelector('input[type=radio][value="' + KEYS[event.key] + '"]');
      if (!choice) {
        return;
      }
      event.preventDefault();
      choice.checked = true;
      focusAfter(container, line);
    });
    if (container.hasAttribute("data-autofocus")) {
      var error = container.querySelector(".has-error input");
      if (error) {
        error.focus();
      } else {
        focusLine(lines(container)[0]);
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-ballot-entry]").forEach(enhance);
  });
})();
