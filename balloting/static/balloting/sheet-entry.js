/* Entering paper sheets quickly (balloting/paper_entry.html, paper_resolve.html, and the
   election's pages that extend them): the one script for every paper count.
   Only an enhancement: without it the radio buttons work with Tab and the arrow keys.
   On a line of the sheet, the digit keys pick the mark (1 for, 2 against, 3 abstain,
   4 unclear, 0 blank) and move to the next line, then to the write-ins or the save
   button; Enter submits the form as browsers do. Loaded as a file: no inline script (CSP). */
(function () {
  "use strict";

  var MARK_FOR_KEY = { "0": "", "1": "for", "2": "against", "3": "abstain", "4": "unclear" };

  function markLines(form) {
    return Array.prototype.slice.call(form.querySelectorAll("fieldset.mark-line"));
  }

  function focusMarkLine(line) {
    if (!line) {
      return false;
    }
    var radio = line.querySelector("input[type=radio]:checked") || line.querySelector("input[type=radio]");
    if (!radio) {
      return false;
    }
    radio.focus();
    return true;
  }

  function moveOn(form, line) {
    var lines = markLines(form);
    if (focusMarkLine(lines[lines.indexOf(line) + 1])) {
      return;
    }
    var next = form.querySelector(".write-in-lines input") || form.closest("form").querySelector("button[type=submit]");
    if (next) {
      next.focus();
    }
  }

  function onKey(form, event) {
    if (event.altKey || event.ctrlKey || event.metaKey || !Object.prototype.hasOwnProperty.call(MARK_FOR_KEY, event.key)) {
      return;
    }
    var radio = event.target;
    if (!radio || radio.type !== "radio") {
      return;
    }
    var line = radio.closest("fieldset.mark-line");
    var wanted = line && line.querySelector('input[type=radio][value="' + MARK_FOR_KEY[event.key] + '"]');
    if (!wanted) {
      return;
    }
    event.preventDefault();
    wanted.checked = true;
    moveOn(form, line);
  }

  function setUp(form) {
    form.addEventListener("keydown", function (event) {
      onKey(form, event);
    });
    if (!form.hasAttribute("data-autofocus")) {
      return;
    }
    var wrong = form.querySelector(".has-error input");
    if (wrong) {
      wrong.focus();
    } else {
      focusMarkLine(markLines(form)[0]);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sheet-entry]"), setUp);
  });
})();
